"""ImageViewer and ViewCache: keyboard bit-plane browsing, background computing, caching, zoom."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QWheelEvent
from PySide6.QtWidgets import QApplication

from stegnox_gui.gui import view_cache as vc
from stegnox_gui.gui.image_viewer import ALL_BITS, ImageViewer


def _pixels(shape=(60, 80, 3), seed=5):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=shape, dtype=np.uint8)


@pytest.fixture()
def rgb_path(tmp_path):
    path = tmp_path / "pic.png"
    Image.fromarray(_pixels()).save(path)
    return path


@pytest.fixture()
def viewer(qtbot):
    v = ImageViewer()
    qtbot.addWidget(v)
    v.resize(700, 500)
    v.show()
    yield v
    v.cache.wait(5000)


def _to_array(img: QImage) -> np.ndarray:
    img = img.convertToFormat(QImage.Format.Format_Grayscale8)
    ptr = img.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint8, count=img.bytesPerLine() * img.height())
    return arr.reshape(img.height(), img.bytesPerLine())[:, : img.width()].copy()


def _wait_shown(qtbot, viewer, key):
    qtbot.waitUntil(lambda: viewer.shown_key() == key, timeout=10000)


def test_keyboard_browses_channels_and_bit_planes(qtbot, viewer, rgb_path):
    pixels = _pixels()
    viewer.set_image(rgb_path)
    _wait_shown(qtbot, viewer, ("original",))
    qtbot.waitUntil(lambda: viewer.channels() == ["r", "g", "b"], timeout=10000)

    viewer.canvas.setFocus()
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Right)  # from the original: the LSB plane of the first channel
    _wait_shown(qtbot, viewer, ("plane", "r", 0))
    expected = ((pixels[..., 0] & 1) * 255).astype(np.uint8)
    assert np.array_equal(_to_array(viewer.displayed_image()), expected)

    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Left)  # towards the higher bits, as the buttons are laid out
    _wait_shown(qtbot, viewer, ("plane", "r", 1))
    assert np.array_equal(_to_array(viewer.displayed_image()), (((pixels[..., 0] >> 1) & 1) * 255).astype(np.uint8))

    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Down)  # next channel, same bit
    _wait_shown(qtbot, viewer, ("plane", "g", 1))
    assert np.array_equal(_to_array(viewer.displayed_image()), (((pixels[..., 1] >> 1) & 1) * 255).astype(np.uint8))
    assert viewer.channel_group.checkedButton().text() == "G"
    assert viewer.bit_group.checkedButton().text() == "1"

    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Up)
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Up)  # wraps around to the last channel
    _wait_shown(qtbot, viewer, ("plane", "b", 1))

    qtbot.keyClick(viewer.canvas, Qt.Key.Key_BracketRight)  # ] steps b1 -> b0
    _wait_shown(qtbot, viewer, ("plane", "b", 0))
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_BracketRight)  # after the last plane: LSB enhanced
    _wait_shown(qtbot, viewer, ("lsb",))
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_BracketRight)  # and round to the original
    _wait_shown(qtbot, viewer, ("original",))
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_BracketLeft)
    _wait_shown(qtbot, viewer, ("lsb",))


def test_buttons_select_planes_and_full_channel(qtbot, viewer, rgb_path):
    viewer.set_image(rgb_path)
    qtbot.waitUntil(lambda: viewer.channels() == ["r", "g", "b"], timeout=10000)
    viewer.channel_group.button(2).click()
    _wait_shown(qtbot, viewer, ("plane", "b", 0))
    viewer.bit_group.button(ALL_BITS + 1).click()
    _wait_shown(qtbot, viewer, ("channel", "b"))
    assert np.array_equal(_to_array(viewer.displayed_image()), _pixels()[..., 2])


def test_gray_and_palette_images_offer_their_own_channels(qtbot, viewer, tmp_path):
    gray = tmp_path / "g.png"
    Image.fromarray(_pixels((40, 50, 3))[..., 0]).save(gray)
    viewer.set_image(gray)
    qtbot.waitUntil(lambda: viewer.channels() == ["gray"], timeout=10000)
    pal = tmp_path / "p.png"
    Image.fromarray(_pixels((40, 50, 3))).convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(pal)
    viewer.set_image(pal)
    qtbot.waitUntil(lambda: "index" in viewer.channels(), timeout=10000)
    viewer.select_plane("index", 0)
    _wait_shown(qtbot, viewer, ("plane", "index", 0))


def test_views_are_computed_in_the_background_and_cached(qtbot, rgb_path, monkeypatch):
    threads = []
    real = vc.compute_view

    def spy(image, key):
        threads.append(threading.current_thread())
        return real(image, key)

    monkeypatch.setattr(vc, "compute_view", spy)
    cache = vc.ViewCache()
    got = []
    cache.ready.connect(lambda path, key, value: got.append((key, value)))
    assert cache.request(str(rgb_path), ("plane", "g", 3)) is None  # never computed on the caller's thread
    assert cache.is_pending(str(rgb_path), ("plane", "g", 3))
    qtbot.waitUntil(lambda: len(got) == 1, timeout=10000)
    assert threads and all(t is not threading.main_thread() for t in threads)
    key, value = got[0]
    assert key == ("plane", "g", 3)
    assert isinstance(value, QImage) and value.size().width() == 80
    # Served from the cache from now on: the same object, nothing recomputed.
    computed = cache.computed
    assert cache.request(str(rgb_path), ("plane", "g", 3)) is value
    assert cache.computed == computed and len(threads) == 1
    # The image was loaded once and is reused by the next view.
    assert cache.image_data(str(rgb_path)) is not None
    # A changed file (new mtime) is a new entry.
    time.sleep(0.01)
    Image.fromarray(_pixels(seed=9)).save(rgb_path)
    assert cache.request(str(rgb_path), ("plane", "g", 3)) is None
    qtbot.waitUntil(lambda: len(got) == 2, timeout=10000)
    cache.wait()


def test_cache_memory_is_bounded_lru(qtbot, tmp_path):
    path = tmp_path / "big.png"
    Image.fromarray(_pixels((200, 300, 3))).save(path)
    one_plane = 200 * 300
    cache = vc.ViewCache(max_bytes=int(one_plane * 3.5))
    done = []
    cache.ready.connect(lambda *a: done.append(a[1]))
    keys = [("plane", "r", b) for b in range(6)]
    for k in keys:
        cache.request(str(path), k)
    qtbot.waitUntil(lambda: len(done) == len(keys), timeout=20000)
    assert cache.memory_used() <= cache.max_bytes
    cached = [k for k in keys if cache.get(str(path), k) is not None]
    assert 1 <= len(cached) < len(keys)
    assert cache.get(str(path), done[-1]) is not None  # the newest survives
    cache.wait()


def test_errors_come_back_as_signals(qtbot, tmp_path):
    junk = tmp_path / "not-an-image.png"
    junk.write_bytes(b"hello, I am text")
    cache = vc.ViewCache()
    with qtbot.waitSignal(cache.failed, timeout=10000) as sig:
        assert cache.request(str(junk), ("original",)) is None
    assert sig.args[0] == str(junk)
    assert "Not an image" in sig.args[2]
    with qtbot.waitSignal(cache.failed, timeout=10000) as sig:
        cache.request(str(tmp_path / "missing.png"), ("original",))
    assert "not found" in sig.args[2].lower()
    cache.wait()


def test_viewer_shows_a_clear_message_for_unreadable_images(qtbot, viewer, tmp_path):
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"\x00" * 100)
    viewer.set_image(junk)
    qtbot.waitUntil(lambda: viewer.title_label.text().startswith("Cannot show this image"), timeout=10000)
    assert viewer.shown_key() is None


def test_zoom_keys_wheel_fit_and_sharp_pixels(qtbot, viewer, tmp_path):
    px = np.zeros((8, 8, 3), dtype=np.uint8)
    px[::2, ::2] = 255  # a checkerboard of single pixels
    path = tmp_path / "tiny.png"
    Image.fromarray(px).save(path)
    viewer.set_image(path)
    _wait_shown(qtbot, viewer, ("original",))
    canvas = viewer.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_1)
    assert canvas.zoom() == pytest.approx(1.0)
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.zoom() > 1.0
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert canvas.zoom() < 1.0
    wheel = QWheelEvent(QPointF(50, 50), QPointF(canvas.viewport().mapToGlobal(QPoint(50, 50))), QPoint(0, 0),
                        QPoint(0, 240), Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    before = canvas.zoom()
    QApplication.sendEvent(canvas.viewport(), wheel)
    assert canvas.zoom() == pytest.approx(before * 1.25 ** 2)
    assert viewer.zoom_label.text() == f"{canvas.zoom() * 100:.0f}%"

    canvas.set_zoom(16)
    canvas.centerOn(4, 4)
    QApplication.processEvents()
    shot = canvas.viewport().grab().toImage()
    centre = canvas.mapFromScene(QPointF(4.5, 4.5))  # inside pixel (4, 4), which is white
    block = [shot.pixelColor(centre.x() + dx, centre.y() + dy).red() for dx in range(-6, 7) for dy in range(-6, 7)]
    assert set(block) == {255}  # nearest-neighbour: no blending with the black neighbours
    edge = canvas.mapFromScene(QPointF(5.5, 4.5))
    assert shot.pixelColor(edge.x(), edge.y()).red() == 0

    qtbot.keyClick(canvas, Qt.Key.Key_0)
    assert canvas.is_fit()
    assert canvas.zoom() >= 1.0 and canvas.zoom() == int(canvas.zoom())  # tiny images grow by whole factors


def test_histogram_and_detection_plots(qtbot, viewer, rgb_path):
    viewer.set_image(rgb_path)
    viewer.set_mode("plots")
    qtbot.waitUntil(lambda: viewer.histogram.has_data(), timeout=10000)
    hist = viewer.histogram.histograms()
    assert sorted(hist) == ["b", "g", "r"]
    assert hist["r"] == np.bincount(_pixels()[..., 0].ravel(), minlength=256).tolist()
    try:
        import stegnox_gui.engine.detection_views  # noqa: F401
    except ImportError:
        qtbot.waitUntil(lambda: "not available" in (viewer.chi_plot.empty_message() or ""), timeout=10000)
        assert "not available" in viewer.estimate_plot.empty_message()
    else:
        qtbot.waitUntil(lambda: viewer.chi_plot.has_data(), timeout=20000)
        assert set(viewer.chi_plot.series()) <= {"r", "g", "b"}
        xs, ps = next(iter(viewer.chi_plot.series().values()))
        assert all(0.0 <= p <= 1.0 for p in ps) and xs == sorted(xs)
        qtbot.waitUntil(lambda: viewer.estimate_plot.has_data() or viewer.estimate_plot.empty_message() != "No data",
                        timeout=20000)
        if viewer.estimate_plot.has_data():
            assert set(viewer.estimate_plot.groups()) <= {"r", "g", "b"}


def test_detection_plots_state_the_lsb_matching_verdict(qtbot, viewer, tmp_path):
    """A photo with +-1 embedding: the plots' note gives the LSB-matching discriminant, its threshold and
    the estimated rate, the numbers behind the verdict."""
    pytest.importorskip("stegnox_gui.engine.detection_views")
    from stegnox_gui.engine.detection.simulate import lsb_match
    from tests.detect_helpers import clean_pngs, cover_array

    path = tmp_path / "stego.png"
    Image.fromarray(lsb_match(cover_array(clean_pngs("RGB")[0]), 0.4, seed=21)).save(path)
    viewer.set_image(path)
    viewer.set_mode("plots")
    qtbot.waitUntil(lambda: "LSB matching" in viewer.estimate_note.text(), timeout=20000)
    note = viewer.estimate_note.text()
    assert "discriminant" in note and "threshold" in note and "bits per value" in note, note


@pytest.mark.slow
def test_loading_a_large_image_does_not_block_the_gui_thread(qtbot, viewer, tmp_path):
    """A 24 MP image loads and shows while the GUI thread keeps ticking (relative, not absolute, time)."""
    h, w = 4000, 6000
    y = np.linspace(0, 255, h, dtype=np.float32)[:, None]
    x = np.linspace(0, 255, w, dtype=np.float32)[None, :]
    arr = np.stack([(x + y) / 2, np.broadcast_to(x, (h, w)), np.broadcast_to(y, (h, w))], -1).astype(np.uint8)
    path = tmp_path / "large.png"
    Image.fromarray(arr).save(path, compress_level=1)
    del arr

    ticks: list[float] = []
    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(5)
    t0 = time.perf_counter()
    viewer.set_image(path)
    call_time = time.perf_counter() - t0
    _wait_shown(qtbot, viewer, ("original",))
    total = time.perf_counter() - t0
    timer.stop()
    gaps = np.diff(ticks) if len(ticks) > 1 else np.array([total])
    # The caller returns at once, and the event loop keeps running through the load and decode.
    assert call_time < total / 5
    assert len(ticks) > 10
    assert gaps.max() < total / 2
    assert viewer.displayed_image().width() == w


def test_switching_images_drops_work_queued_for_the_old_one(qtbot, tmp_path):
    paths = []
    for i in range(3):
        p = tmp_path / f"{i}.png"
        Image.fromarray(_pixels((300, 400, 3), seed=i)).save(p)
        paths.append(str(p))
    cache = vc.ViewCache(threads=1)
    done = []
    cache.ready.connect(lambda path, key, value: done.append((path, key)))
    for p in paths[:2]:
        for b in range(8):
            cache.request(p, ("plane", "r", b))
    cache.request(paths[2], ("original",))
    cache.drop_queued(keep_path=paths[2])
    qtbot.waitUntil(lambda: (paths[2], ("original",)) in done, timeout=20000)
    cache.wait()
    QApplication.processEvents()
    assert len(done) < 17  # most queued planes of the old images were never computed
    assert not cache.is_pending(paths[0], ("plane", "r", 7))
