"""Screenshots of the main window and of the results view with a finding selected, for the README.

Saved to tests/_screenshots/ (git-ignored) and checked not to be blank.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from test_full_run import make_stego_images

OUT = Path(__file__).resolve().parent.parent / "_screenshots"


def _not_blank(path: Path) -> float:
    pixels = np.asarray(Image.open(path).convert("L"), dtype=np.float64)
    return float(pixels.std())


@pytest.mark.slow
def test_screenshots_of_main_window_and_results_view(qtbot, make_window, settings, tmp_path):
    OUT.mkdir(exist_ok=True)
    secrets = make_stego_images(tmp_path / "case-0412")
    Image.new("RGB", (64, 48), (90, 140, 200)).save(tmp_path / "case-0412" / "holiday.jpg")
    (tmp_path / "case-0412" / "truncated.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
    settings.workers = 2
    w = make_window(start_workers=True)
    w.resize(1360, 860)
    with qtbot.waitSignal(w.jobs_added, timeout=20_000):
        w.add_paths([str(tmp_path / "case-0412")])
    qtbot.waitUntil(lambda: w.model.rowCount() == 5 and all(
        w.model.row_at(r).status in ("completed", "failed") for r in range(5)), timeout=180_000)
    # A few jobs waiting and one cancelled, so the table shows every state.
    w.set_paused(True)
    later = tmp_path / "case-0413"
    later.mkdir()
    for i in range(3):
        Image.new("RGB", (16, 16), (i * 60, 90, 30)).save(later / f"scan_{i:03d}.png")
    w.priority_combo.setCurrentIndex(0)
    with qtbot.waitSignal(w.jobs_added, timeout=20_000):
        w.add_paths([str(later)])
    qtbot.waitUntil(lambda: w.model.rowCount() == 8, timeout=10_000)
    w.select_job(w.model.row_at(7).job_id)
    w.cancel_selected()
    qtbot.waitUntil(lambda: w.model.row_at(7).status == "cancelled", timeout=10_000)

    lsb_row = next(r for r in range(8) if w.model.row_at(r).name == "lsb.png")
    w.select_job(w.model.row_at(lsb_row).job_id)
    qtbot.waitUntil(lambda: secrets["lsb.png"] in w.results_view.text_view.toPlainText(), timeout=10_000)
    qtbot.wait(600)  # the image viewer renders in the background
    w.stats.refresh_times()

    main_png = OUT / "main_window.png"
    results_png = OUT / "results_view.png"
    assert w.grab().save(str(main_png))
    assert w.results_view.grab().save(str(results_png))
    assert _not_blank(main_png) > 10
    assert _not_blank(results_png) > 10
    assert Image.open(main_png).size[0] >= 1000


@pytest.mark.slow
def test_screenshot_of_a_bit_plane_showing_sequential_lsb(qtbot, make_window, settings, tmp_path):
    """A corpus photo with 1,855 bytes in the LSBs of B,G,R (row-major): the blue LSB plane shows the
    embedded rows at the top as noise, the rest as the photo's structure."""
    import shutil

    corpus = Path(__file__).resolve().parent.parent / "data" / "corpus-dev" / "images"
    image = tmp_path / "evidence" / "img_5c1bac.png"
    image.parent.mkdir()
    shutil.copy(corpus / image.name, image)
    OUT.mkdir(exist_ok=True)
    settings.workers = 1
    w = make_window(start_workers=True)
    w.resize(1360, 860)
    with qtbot.waitSignal(w.jobs_added, timeout=20_000):
        w.add_paths([str(image)])
    qtbot.waitUntil(lambda: w.model.rowCount() == 1 and w.model.row_at(0).status == "completed", timeout=180_000)
    w.select_job(w.model.row_at(0).job_id)
    viewer = w.results_view.image_viewer
    qtbot.waitUntil(lambda: "b" in viewer.channels(), timeout=20_000)
    viewer.select_plane("b", 0)
    qtbot.waitUntil(lambda: viewer.shown_key() == ("plane", "b", 0), timeout=20_000)

    shown = viewer.displayed_image()
    assert (shown.width(), shown.height()) == (320, 240)
    path = OUT / "bit_plane.png"
    assert w.results_view.grab().save(str(path))
    assert _not_blank(path) > 10
    # The embedded top rows of the plane are noise: about half the bits set, unlike a flat region.
    plane = np.asarray(Image.open(image).convert("RGB"))[:, :, 2] & 1
    assert 0.4 < plane[:10].mean() < 0.6
