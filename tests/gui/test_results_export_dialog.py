"""Export dialog: the chosen filter or extension picks the format; the report is written."""
from __future__ import annotations

import csv
import json

import pytest

from stegnox_gui.gui import export_dialog


def _jobs(n=3):
    return [{"job_id": i, "image_path": f"/data/img{i}.png", "status": "completed", "verdict": "clean",
             "score": 0.1, "message": "Nothing hidden found", "error": None, "results": None} for i in range(n)]


@pytest.fixture()
def messages(monkeypatch):
    seen = []
    monkeypatch.setattr(export_dialog, "show_message",
                        lambda parent, title, text, error=False: seen.append((title, text, error)))
    return seen


def _choose(monkeypatch, path, chosen_filter):
    monkeypatch.setattr(export_dialog, "ask_export_path", lambda *a: (str(path), chosen_filter))


def test_filter_picks_the_format_and_adds_the_extension(qtbot, tmp_path, monkeypatch, messages):
    _choose(monkeypatch, tmp_path / "report", export_dialog.FILTERS["csv"])
    out = export_dialog.export_jobs(None, _jobs())
    assert out == tmp_path / "report.csv"
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert [r["job_id"] for r in rows] == ["0", "1", "2"]
    assert messages == []


def test_extension_wins_over_filter(qtbot, tmp_path, monkeypatch, messages):
    _choose(monkeypatch, tmp_path / "all.json", export_dialog.FILTERS["html"])
    out = export_dialog.export_jobs(None, _jobs(5))
    assert out == tmp_path / "all.json"
    assert json.loads(out.read_text(encoding="utf-8"))["job_count"] == 5


def test_html_export(qtbot, tmp_path, monkeypatch, messages):
    _choose(monkeypatch, tmp_path / "r.htm", export_dialog.FILTERS["html"])
    out = export_dialog.export_jobs(None, _jobs())
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cancel_and_failure(qtbot, tmp_path, monkeypatch, messages):
    monkeypatch.setattr(export_dialog, "ask_export_path", lambda *a: None)
    assert export_dialog.export_jobs(None, _jobs()) is None
    _choose(monkeypatch, tmp_path / "missing" / "r.csv", export_dialog.FILTERS["csv"])
    assert export_dialog.export_jobs(None, _jobs()) is None
    assert messages and messages[-1][0] == "Export failed" and messages[-1][2] is True
    assert export_dialog.export_jobs(None, []) is None
    assert "no jobs" in messages[-1][1]


def test_remembers_the_folder_in_the_windows_settings(qtbot, tmp_path, monkeypatch, messages):
    class Settings:
        last_export_folder = str(tmp_path / "before")

    from PySide6.QtWidgets import QWidget

    class Parent(QWidget):
        settings = Settings()

    asked = []
    monkeypatch.setattr(export_dialog, "ask_export_path",
                        lambda parent, caption, suggested, filters: asked.append(suggested)
                        or (str(tmp_path / "r.json"), ""))
    parent = Parent()
    qtbot.addWidget(parent)
    export_dialog.export_jobs(parent, _jobs())
    assert asked[0].startswith(str(tmp_path / "before"))
    assert Parent.settings.last_export_folder == str(tmp_path)
