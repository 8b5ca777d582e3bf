"""The one QObject through which background workers report to the GUI.

Worker runnables emit on their own signals objects; those are connected to this bridge, so the
window connects once, and Qt queues every call onto the GUI thread. The bridge also keeps which
jobs are in hand and their progress, for the status bar and for quitting without losing jobs.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class WorkerBridge(QObject):
    """Signals: started(job_id), progress(job_id, fraction, method), finished(job_id, result),
    failed(job_id, error), cancelled(job_id), released(job_id) (handed back to pending on stop),
    error(message) for worker-level problems, idle() when no job is running any more."""

    started = Signal(str)
    progress = Signal(str, float, str)
    finished = Signal(str, object)
    failed = Signal(str, str)
    cancelled = Signal(str)
    released = Signal(str)
    error = Signal(str)
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.running: dict[str, tuple[float, str]] = {}  # job_id -> (fraction, current method)
        self.finished_count = 0
        self.failed_count = 0
        self.started.connect(self._on_started)
        self.progress.connect(self._on_progress)
        self.finished.connect(self._on_done)
        self.failed.connect(self._on_failed)
        self.cancelled.connect(self._end)
        self.released.connect(self._end)

    def _on_started(self, job_id: str) -> None:
        self.running[job_id] = (0.0, "")

    def _on_progress(self, job_id: str, fraction: float, method: str) -> None:
        if job_id in self.running:
            self.running[job_id] = (fraction, method)

    def _on_done(self, job_id: str, _result: object) -> None:
        self.finished_count += 1
        self._end(job_id)

    def _on_failed(self, job_id: str, _error: str) -> None:
        self.failed_count += 1
        self._end(job_id)

    def _end(self, job_id: str) -> None:
        self.running.pop(job_id, None)
        if not self.running:
            self.idle.emit()
