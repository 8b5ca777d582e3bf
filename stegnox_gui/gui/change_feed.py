"""Polls the queue's change feed off the GUI thread and hands row batches to the GUI.

A QTimer ticks every `interval_ms`; when no fetch is in flight, a runnable on a one-thread pool
calls `changes_since(rev)` (and every few ticks `get_queue_stats()`), converts jobs to JobRows
and emits the batch. The GUI thread only applies ready rows, so a burst of 10,000 new jobs costs it
one insert, and jobs added by other processes (the CLI, a `stegnox worker`) show up by themselves.
"""
from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from stegnox_gui.gui.job_rows import JobRow, rows_from_jobs

CHUNK_ROWS = 2000


class _FetchSignals(QObject):
    done = Signal(object)  # dict with rows, removed, rev, stats, error
    page = Signal(list)  # JobRows of the first load, page by page


class _Fetch(QRunnable):
    def __init__(self, queue: Any, rev: int, want_stats: bool, signals: _FetchSignals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.queue, self.rev, self.want_stats, self.signals = queue, rev, want_stats, signals

    def run(self) -> None:
        out: dict[str, Any] = {"rows": [], "removed": [], "rev": self.rev, "stats": None, "error": None}
        try:
            if self.rev == 0:
                self._first_load(out)
                return
            changes = self.queue.changes_since(self.rev, include_results=False)
            out["rows"] = rows_from_jobs(changes.get("jobs", []))
            out["removed"] = list(changes.get("removed", []))
            out["rev"] = int(changes.get("rev", self.rev))
            out["full"] = bool(changes.get("reset", False))
            if self.want_stats:
                out["stats"] = self.queue.get_queue_stats()
        except Exception as exc:  # the database is locked or gone: say so, keep polling
            out["error"] = f"{type(exc).__name__}: {exc}"
        finally:
            self.signals.done.emit(out)

    def _first_load(self, out: dict[str, Any]) -> None:
        """Every job, in pages: short bursts, each shown as it arrives, with pauses that leave the
        interpreter to the GUI thread. Changes made meanwhile come with the next poll (from rev0)."""
        rev0 = int(self.queue.current_rev())
        after = None
        while True:
            page = self.queue.list_jobs(limit=CHUNK_ROWS, after_seq=after, include_results=False)
            if not page:
                break
            self.signals.page.emit(rows_from_jobs(page))
            after = page[-1]["seq"]
            time.sleep(0.005)
        out["rev"] = rev0
        out["stats"] = self.queue.get_queue_stats()


class ChangeFeed(QObject):
    """Emits `changed(rows, removed)` with new/changed JobRows and removed ids; `stats(dict)`."""

    changed = Signal(list, list)
    reset = Signal(list)  # the feed restarted: these rows are every job
    stats = Signal(dict)
    error = Signal(str)
    loaded = Signal()  # the first batch (every existing job) was applied

    def __init__(self, queue: Any, interval_ms: int = 150, stats_every: int = 5, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self.rev = 0
        self._stats_every = max(1, stats_every)
        self._ticks = 0
        self._busy = False
        self._loaded = False
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _FetchSignals()
        self._signals.done.connect(self._on_done)
        self._signals.page.connect(lambda rows: self.changed.emit(rows, []))
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        self.last_poll_seconds = 0.0
        self._started_at = 0.0

    def start(self) -> None:
        self._timer.start()
        self.poll()

    def stop(self) -> None:
        self._timer.stop()
        self._pool.waitForDone(5000)

    @property
    def is_loaded(self) -> bool:
        return self._loaded

    def poll(self, *, stats: bool = False) -> None:
        """Start a fetch now unless one is in flight."""
        if self._busy:
            return
        self._busy = True
        self._ticks += 1
        want_stats = stats or not self._loaded or self._ticks % self._stats_every == 0
        self._started_at = time.perf_counter()
        self._pool.start(_Fetch(self.queue, self.rev, want_stats, self._signals))

    def _on_done(self, out: dict) -> None:
        self.last_poll_seconds = time.perf_counter() - self._started_at
        if out["error"]:
            self._busy = False
            self.error.emit(out["error"])
            return
        rows: list[JobRow] = out["rows"]
        if out.get("full"):
            self.reset.emit([])
        if out["removed"]:
            self.changed.emit([], out["removed"])
        # Big batches (a first load, 10,000 files dropped) go to the view in slices, one per
        # event-loop turn, so the window keeps painting and answering between them.
        chunks = [rows[i:i + CHUNK_ROWS] for i in range(0, len(rows), CHUNK_ROWS)]
        self._emit_chunks(chunks, out)

    def _emit_chunks(self, chunks: list[list[JobRow]], out: dict) -> None:
        if chunks:
            self.changed.emit(chunks.pop(0), [])
        if chunks:
            QTimer.singleShot(0, lambda: self._emit_chunks(chunks, out))
            return
        self.rev = out["rev"]
        self._busy = False
        if out["stats"] is not None:
            self.stats.emit(out["stats"])
        if not self._loaded:
            self._loaded = True
            self.loaded.emit()
