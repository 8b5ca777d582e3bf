"""Export jobs as a report: pick a file (the filter picks JSON, CSV or HTML), write it on a worker
thread with a progress dialog that can cancel, and say how it went."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from stegnox_gui.reports.export import export_jobs as write_report

FILTERS = {"html": "HTML report (*.html *.htm)", "csv": "CSV table (*.csv)", "json": "JSON records (*.json)"}


class ExportCancelled(Exception):
    """The user cancelled a running export."""


def ask_export_path(parent: QWidget | None, caption: str, suggested: str, filters: str) -> tuple[str, str] | None:
    """The native Save dialog: (path, chosen filter) or None. Tests replace this function."""
    path, chosen = QFileDialog.getSaveFileName(parent, caption, suggested, filters)
    return (path, chosen) if path else None


def show_message(parent: QWidget | None, title: str, text: str, *, error: bool = False) -> None:
    """A message box (replaced in tests)."""
    (QMessageBox.warning if error else QMessageBox.information)(parent, title, text)


def format_for(path: str, chosen_filter: str = "") -> str:
    """The report format: the file's extension when it names one, else the chosen filter's."""
    ext = Path(path).suffix.lower().lstrip(".")
    if ext == "htm":
        return "html"
    if ext in FILTERS:
        return ext
    for fmt, text in FILTERS.items():
        if text == chosen_filter:
            return fmt
    return "html"


def export_jobs(parent: QWidget | None, jobs: list[dict[str, Any]], *, settings: Any = None) -> Path | None:
    """Ask for a file and export `jobs` there; returns the written path, or None (cancelled/failed).

    `settings` (default: the parent's `settings`, e.g. the main window's AppSettings) remembers the
    folder in its `last_export_folder`; without one nothing is remembered.
    """
    jobs = list(jobs)
    if not jobs:
        show_message(parent, "Export", "There are no jobs to export.")
        return None
    if settings is None:
        settings = getattr(parent, "settings", None)
    if not hasattr(settings, "last_export_folder"):
        settings = None
    folder = (settings.last_export_folder if settings is not None else "") or str(Path.home())
    choice = ask_export_path(parent, f"Export {len(jobs)} job(s)", str(Path(folder) / "stegnox-report.html"),
                             ";;".join(FILTERS.values()))
    if not choice:
        return None
    raw_path, chosen = choice
    fmt = format_for(raw_path, chosen)
    path = Path(raw_path)
    if path.suffix.lower() not in (f".{fmt}", ".htm" if fmt == "html" else f".{fmt}"):
        path = path.with_name(path.name + f".{fmt}")
    if settings is not None:
        settings.last_export_folder = str(path.parent)
    try:
        written = _run_with_progress(parent, jobs, path, fmt)
    except ExportCancelled:
        return None
    except (OSError, ValueError) as exc:
        show_message(parent, "Export failed", f"Could not write {path}:\n{getattr(exc, 'strerror', None) or exc}",
                     error=True)
        return None
    return written


def _run_with_progress(parent: QWidget | None, jobs: list[dict[str, Any]], path: Path, fmt: str) -> Path:
    """Write the report on a thread while the GUI stays responsive; the dialog appears after 400 ms."""
    state: dict[str, Any] = {"done": 0, "total": 1, "result": None, "error": None}
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        state["done"], state["total"] = done, total
        if cancel.is_set():
            raise ExportCancelled()

    def work() -> None:
        try:
            state["result"] = write_report(jobs, path, fmt, progress=progress)
        except BaseException as exc:  # handed to the GUI thread below
            state["error"] = exc

    dialog = QProgressDialog(f"Writing {fmt.upper()} report of {len(jobs)} job(s)…", "Cancel", 0, 100, parent)
    dialog.setWindowTitle("Export")
    dialog.setMinimumDuration(400)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(cancel.set)
    thread = threading.Thread(target=work, name="stegnox-export", daemon=True)
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(50)

    def poll() -> None:
        dialog.setValue(int(100 * state["done"] / max(1, state["total"])))
        if not thread.is_alive():
            loop.quit()

    timer.timeout.connect(poll)
    thread.start()
    timer.start()
    if thread.is_alive():
        loop.exec()
    thread.join()
    timer.stop()
    dialog.close()
    dialog.deleteLater()
    if state["error"] is not None:
        raise state["error"]
    return state["result"]
