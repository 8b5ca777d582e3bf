"""End to end in the window: drop prepared stego images, real workers (an EnginePool of worker
processes) analyse them, the table shows the verdicts and the results view the recovered text.
Also: the GUI thread's longest stall while two workers analyse large images."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, PngImagePlugin
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from stegnox_gui.gui.job_model import COL_STATUS, COL_VERDICT

from test_big_queue import StallMeter


def _cover(size=(128, 96), seed=1):
    rng = np.random.default_rng(seed)
    w, h = size
    ramp = np.linspace(60, 200, w)[None, :, None]
    return (rng.random((h, w, 3)) * 40 + ramp).astype("uint8")


def make_stego_images(folder):
    """Three images with text hidden three different ways, and the secrets."""
    folder.mkdir()
    from stegano import lsb

    cover = folder / "cover.png"
    Image.fromarray(_cover()).save(cover)
    secrets = {}
    trailing = folder / "appended.png"
    trailing.write_bytes(cover.read_bytes() + b"FLAG{appended_after_iend}")
    secrets[trailing.name] = "FLAG{appended_after_iend}"
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "meet at the old mill FLAG{in_a_text_chunk}")
    comment = folder / "comment.png"
    Image.fromarray(_cover(seed=2)).save(comment, pnginfo=info)
    secrets[comment.name] = "FLAG{in_a_text_chunk}"
    hidden = folder / "lsb.png"
    lsb.hide(str(cover), "FLAG{lsb_written_by_stegano}").save(hidden)
    secrets[hidden.name] = "FLAG{lsb_written_by_stegano}"
    cover.unlink()
    return secrets


def _drop_urls(window, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    drop = QDropEvent(QPoint(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()
    return mime


@pytest.mark.slow
def test_dropped_stego_images_are_analysed_and_their_text_shown(qtbot, make_window, settings, tmp_path):
    secrets = make_stego_images(tmp_path / "stego")
    settings.workers = 2
    w = make_window(start_workers=True)
    with qtbot.waitSignal(w.jobs_added, timeout=20_000):
        mime = _drop_urls(w, [tmp_path / "stego"])
    del mime
    qtbot.waitUntil(lambda: w.model.rowCount() == 3 and all(
        w.model.row_at(r).status in ("completed", "failed") for r in range(3)), timeout=180_000)
    for r in range(3):
        row = w.model.row_at(r)
        assert w.model.index(r, COL_STATUS).data() == "Completed", row.summary
        assert w.model.index(r, COL_VERDICT).data() == "Hidden data", row.summary
        assert row.verdict == "hidden_data"
    # Selecting each job shows its recovered text in the results view, as plain text.
    for r in range(3):
        row = w.model.row_at(r)
        assert w.select_job(row.job_id)
        qtbot.waitUntil(lambda: secrets[row.name] in w.results_view.text_view.toPlainText(), timeout=10_000)
    assert w.stats.counts["completed"] == 3 or w.queue.count_jobs("completed") == 3
    assert w.bridge.finished_count == 3


@pytest.mark.slow
def test_gui_thread_stays_responsive_while_two_workers_analyse_large_images(qtbot, make_window, settings,
                                                                          tmp_path):
    folder = tmp_path / "large"
    folder.mkdir()
    for i in range(4):
        Image.fromarray(_cover((1600, 1200), seed=10 + i)).save(folder / f"large{i}.png", compress_level=1)
    settings.workers = 2
    w = make_window(start_workers=True)
    meter = StallMeter()
    with qtbot.waitSignal(w.jobs_added, timeout=20_000):
        w.add_paths([str(folder)])
    qtbot.waitUntil(lambda: len(w.bridge.running) == 2, timeout=120_000)  # both workers analysing
    meter.start()
    qtbot.waitUntil(lambda: w.bridge.finished_count + w.bridge.failed_count == 4, timeout=300_000)
    worst = meter.stop()
    print(f"\nlongest GUI-thread stall while two workers analysed 4 images of 1600x1200: {worst} ms")
    assert w.queue.count_jobs("completed") == 4
    assert worst < 100
