"""ResultsView: verdict, findings best first, plain text, hex for binary, save payload, failed jobs."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit

from stegnox_gui.engine.stegnox_engine import StegnoxEngine, preview_of
from stegnox_gui.gui.results_view import ResultsView

SECRET = "meet at <b>dawn</b> <img src=x onerror=alert(1)> by the old bridge"


def _cover(path, seed=3):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:120, 0:160]
    base = np.stack([(x * 1.3 + y * 0.4) % 256, (y * 1.7) % 256, (x + y) % 220], -1) + rng.normal(0, 5, (120, 160, 3))
    Image.fromarray(base.clip(0, 255).astype(np.uint8)).save(path)
    return path


@pytest.fixture(scope="module")
def engine_job(tmp_path_factory):
    """A real job: stegano hides text in a cover's LSBs, the engine recovers it."""
    from stegano import lsb

    tmp = tmp_path_factory.mktemp("rv")
    cover = _cover(tmp / "cover.png")
    stego = tmp / "stego <evil>.png"
    lsb.hide(str(cover), SECRET).save(stego)
    res = StegnoxEngine().extract_all_methods(stego, output_dir=tmp / "out")
    return {"job_id": 7, "image_path": str(stego), "status": "completed", "priority": 1,
            "verdict": res["verdict"], "score": res["score"], "message": res["message"], "error": None,
            "created_at": 1_700_000_000.0, "completed_at": 1_700_000_002.0, "results": res}


PNG_PAYLOAD = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3


def _binary_job(tmp_path, *, carved: bool):
    cover = _cover(tmp_path / "cover.png")
    carved_path = None
    if carved:
        carved_path = tmp_path / "cover.00.trailing.png"
        carved_path.write_bytes(PNG_PAYLOAD)
    findings = [
        {"method": "trailing", "kind": "trailing", "confidence": 0.95, "summary": "PNG image after IEND",
         "hidden": True, "params": {"offset": 1234}, "detected_type": "png", "preview": preview_of(PNG_PAYLOAD),
         "payload_size": len(PNG_PAYLOAD), "sha256": hashlib.sha256(PNG_PAYLOAD).hexdigest(),
         "path": str(carved_path) if carved_path else None, "data": {}},
        {"method": "metadata", "kind": "metadata", "confidence": 0.2, "summary": "Software: GIMP 2.10",
         "hidden": False, "params": {"key": "Software"}, "detected_type": "text", "preview": "GIMP 2.10",
         "payload_size": 9, "sha256": None, "path": None, "data": {}},
        {"method": "lsb", "kind": "text", "confidence": 0.6, "summary": "Short text in b1,r,lsb,xy",
         "hidden": True, "params": {"channels": "r"}, "detected_type": "text", "preview": "<script>x</script>",
         "payload_size": 18, "sha256": None, "path": None, "data": {"entropy": 3.1}},
    ]
    results = {"found_data": True, "verdict": "hidden_data", "score": 0.95, "message": "PNG image after IEND",
               "drivers": [], "image": {"path": str(cover), "format": "PNG", "width": 160, "height": 120,
                                         "mode": "RGB", "file_size": 1000, "sha256": "00" * 32},
               "findings": findings, "methods": {"trailing": {"status": "ok", "seconds": 0.01, "error": None},
                                                 "chi_square": {"status": "error", "seconds": 0.0,
                                                                "error": "ValueError: boom"}},
               "error": None, "elapsed_seconds": 0.05, "engine_version": "test"}
    return {"job_id": 9, "image_path": str(cover), "status": "completed", "verdict": "hidden_data",
            "score": 0.95, "message": "PNG image after IEND", "error": None, "results": results}


@pytest.fixture()
def view(qtbot):
    v = ResultsView()
    qtbot.addWidget(v)
    v.resize(1200, 700)
    v.show()
    yield v
    if v.image_viewer is not None:
        v.image_viewer.cache.wait(5000)


def test_completed_engine_job_shows_verdict_and_literal_text(view, engine_job):
    view.show_job(engine_job)
    assert view.badge.text() == "HIDDEN DATA"
    assert view.name_label.text() == "stego <evil>.png"
    assert view.name_label.textFormat() == Qt.TextFormat.PlainText
    assert view.message_label.textFormat() == Qt.TextFormat.PlainText
    assert "<b>dawn</b>" in view.message_label.text()
    assert view.model.rowCount() >= 1
    assert view.current_finding() is view.model.finding(0)
    assert isinstance(view.text_view, QPlainTextEdit)
    # The text is shown exactly as recovered: tags are characters, not markup.
    assert view.text_view.toPlainText() == SECRET
    assert view.tabs.currentWidget() is view.text_view
    assert view.save_button.isEnabled()


def test_findings_are_best_first_and_information_is_marked(view, tmp_path):
    view.show_job(_binary_job(tmp_path, carved=True))
    methods = [view.model.finding(r)["method"] for r in range(view.model.rowCount())]
    assert methods == ["trailing", "lsb", "metadata"]
    info = view.model.index(2, 1)
    assert view.model.data(info) == "metadata (info)"
    assert view.model.data(view.model.index(0, 2)) == "0.95"


def test_selecting_a_text_finding_shows_markup_literally(view, tmp_path):
    view.show_job(_binary_job(tmp_path, carved=False))
    view.select_finding(1)
    assert view.current_finding()["method"] == "lsb"
    assert view.text_view.toPlainText() == "<script>x</script>"
    assert view.tabs.currentWidget() is view.text_view


def test_binary_payload_shows_in_hex_from_carved_file(view, tmp_path):
    view.show_job(_binary_job(tmp_path, carved=True))
    assert view.tabs.currentWidget() is view.hex_view
    assert view.hex_view.data() == PNG_PAYLOAD
    first = view.hex_view.visible_text().splitlines()[0]
    assert first.startswith("00000000  89 50 4e 47 0d 0a 1a 0a  00 01 02 03")
    assert first.endswith("  .PNG............")
    assert "PNG" in view.details_view.toPlainText()
    assert '"offset": 1234' in view.details_view.toPlainText()
    assert "ValueError: boom" in view.methods_view.toPlainText()


def test_binary_payload_without_carved_file_uses_the_preview_dump(view, tmp_path):
    view.show_job(_binary_job(tmp_path, carved=False))
    assert view.tabs.currentWidget() is view.hex_view
    assert view.hex_view.data() == PNG_PAYLOAD[:256]
    assert "256 of 776 bytes from the preview" in view.payload_label.text()


def test_save_payload_writes_the_exact_bytes(view, tmp_path):
    view.show_job(_binary_job(tmp_path, carved=True))
    target = tmp_path / "saved.png"
    asked = []
    view.save_dialog = lambda parent, caption, suggested: asked.append(suggested) or str(target)
    assert view.save_payload() == target
    assert target.read_bytes() == PNG_PAYLOAD
    assert asked == ["cover.00.trailing.png"]
    assert "Saved 776 bytes" in view.payload_label.text()


def test_save_text_payload_and_cancel(view, engine_job, tmp_path):
    view.show_job(engine_job)
    view.save_dialog = lambda *a: None  # the user cancels: nothing is written
    assert view.save_payload() is None
    target = tmp_path / "secret.txt"
    view.save_dialog = lambda *a: str(target)
    view.save_button.click()
    assert target.read_text(encoding="utf-8") == SECRET


def test_save_error_is_reported_not_raised(view, tmp_path):
    view.show_job(_binary_job(tmp_path, carved=True))
    view.save_dialog = lambda *a: str(tmp_path / "no-such-dir" / "x.bin")
    assert view.save_payload() is None
    assert "Could not save" in view.payload_label.text()


def test_failed_job_shows_its_error(view):
    job = {"job_id": 3, "image_path": "/data/broken.jpg", "status": "failed", "verdict": None, "score": None,
           "message": None, "error": "Cannot decode JPEG pixels: image file is truncated", "results": None}
    view.show_job(job)
    assert view.badge.text() == "FAILED"
    assert view.pages.currentWidget() is view.status_text
    assert "Cannot decode JPEG pixels: image file is truncated" in view.status_text.toPlainText()
    assert view.model.rowCount() == 0
    assert not view.save_button.isEnabled()


@pytest.mark.parametrize("status,badge", [("pending", "PENDING"), ("processing", "ANALYSING")])
def test_pending_and_processing_jobs_show_status(view, status, badge):
    view.show_job({"job_id": 4, "image_path": "/data/a.png", "status": status, "results": None})
    assert view.badge.text() == badge
    assert status in view.status_text.toPlainText()


def test_showing_the_same_job_again_keeps_the_selection(view, tmp_path):
    job = _binary_job(tmp_path, carved=True)
    view.show_job(job)
    view.select_finding(2)
    assert view.current_finding()["method"] == "metadata"
    view.show_job(dict(job))  # a live update of the same job
    assert view.current_finding()["method"] == "metadata"
    view.show_job(None)
    assert view.model.rowCount() == 0
    assert view.current_finding() is None


def test_findings_model_passes_qtmodeltester(qtmodeltester, tmp_path):
    from stegnox_gui.gui.findings_model import FindingsModel

    model = FindingsModel()
    model.set_findings(_binary_job(tmp_path, carved=False)["results"]["findings"])
    qtmodeltester.check(model)
    model.set_findings([])
    qtmodeltester.check(model)


def test_screenshot_with_a_finding_selected(view, engine_job, qtbot):
    view.show_job(engine_job)
    view.image_viewer.cache.wait(10000)
    qtbot.waitUntil(lambda: view.image_viewer.shown_key() is not None, timeout=10000)
    img = view.grab().toImage()
    assert img.width() >= 1000
    colours = {img.pixel(x, y) for x in range(0, img.width(), 37) for y in range(0, img.height(), 37)}
    assert len(colours) > 20  # not blank
    img.save("/tmp/stegnox-results-view.png")


def test_picking_a_finding_points_the_viewer_at_its_plane(view, engine_job, qtbot):
    view.show_job(engine_job)
    viewer = view.image_viewer
    assert viewer.mode() == "original"  # opening a job shows the image as it is
    assert view.model.rowCount() >= 2, "the engine also reports detector statistics"
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.current_finding()["kind"] == "statistic"
    assert viewer.mode() == "plots"
    qtbot.keyClick(view.table, Qt.Key.Key_Up)
    assert view.current_finding()["method"] == "lsb"
    qtbot.waitUntil(lambda: viewer.shown_key() == ("plane", "r", 0), timeout=10000)


def test_details_keep_long_number_lists_compact(view, tmp_path):
    job = _binary_job(tmp_path, carved=False)
    job["results"]["findings"][0]["data"] = {"curve": list(range(300))}
    view.show_job(job)
    text = view.details_view.toPlainText()
    assert '"offset": 1234' in text
    assert len(text.splitlines()) < 40


def test_an_image_payload_can_be_opened_in_the_viewer(view, tmp_path, qtbot):
    job = _binary_job(tmp_path, carved=True)
    hidden = tmp_path / "hidden.png"
    Image.new("RGB", (33, 17), (0, 0, 255)).save(hidden)
    job["results"]["findings"][0]["path"] = str(hidden)
    view.show_job(job)
    viewer = view.image_viewer
    assert not view.view_payload_button.isHidden()
    view.view_payload_button.click()
    assert viewer.path() == str(hidden)
    qtbot.waitUntil(lambda: viewer.displayed_image().width() == 33, timeout=10000)
    view.view_payload_button.click()
    assert viewer.path() == job["image_path"]
    view.select_finding(1)  # a text finding: nothing to view
    assert view.view_payload_button.isHidden()


def test_big_carved_payloads_are_shown_in_part_and_saved_whole(view, tmp_path, monkeypatch):
    from stegnox_gui.gui import payload_bytes as pb
    from stegnox_gui.gui import results_view as rv

    monkeypatch.setattr(rv, "payload_bytes", lambda f: pb.payload_bytes(f, limit=100))
    view.show_job(_binary_job(tmp_path, carved=True))
    assert view.hex_view.data() == PNG_PAYLOAD[:100]
    assert "100 of 776 bytes from the carved file" in view.payload_label.text()
    target = tmp_path / "whole.bin"
    view.save_dialog = lambda *a: str(target)
    view.save_payload()
    assert target.read_bytes() == PNG_PAYLOAD


def test_hex_view_pages_through_megabytes(qtbot):
    from stegnox_gui.gui.hex_view import HexView, hex_dump

    hv = HexView()
    qtbot.addWidget(hv)
    hv.resize(700, 300)
    hv.show()
    data = bytes(range(256)) * 20_000 + b"END"  # about 5 MB
    hv.set_data(data)
    assert hv.row_count() == (len(data) + 15) // 16
    qtbot.keyClick(hv, Qt.Key.Key_End)
    last = hv.visible_text().splitlines()[-1]
    assert last.startswith(f"{len(data) - 3:08x}  45 4e 44") and last.endswith("  END")
    qtbot.keyClick(hv, Qt.Key.Key_Home)
    assert hv.visible_text().startswith("00000000  00 01 02")
    assert hex_dump(b"AB") == "00000000  41 42" + " " * 43 + "  AB"
