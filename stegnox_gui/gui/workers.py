"""Background processing for the window: a QThreadPool of long-lived job runnables.

Each runnable loops: claim the next job with `job_runner.run_next_job` over one shared EnginePool
(the analyses run in worker processes, so a crash, hang or memory blow-up fails that job only),
report through its own signals object wired to the WorkerBridge, and wait for work when the queue
is empty (a wake-up event cuts the wait short when the window adds jobs). Pause stops claiming;
stop() ends the loops, and with abort=True interrupts running jobs, which go back to pending.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from stegnox_gui.gui.bridge import WorkerBridge

IDLE_POLL_SECONDS = 0.5


class _RunnerSignals(QObject):
    started = Signal(str)
    progress = Signal(str, float, str)
    finished = Signal(str, object)
    failed = Signal(str, str)
    cancelled = Signal(str)
    released = Signal(str)
    error = Signal(str)


class _Events:
    """The `events` object run_next_job reports to; forwards to Qt signals (thread-safe emits)."""

    def __init__(self, signals: _RunnerSignals) -> None:
        self.signals = signals

    def started(self, job: dict) -> None:
        self.signals.started.emit(str(job["job_id"]))

    def progress(self, job_id: str, fraction: float, method: str) -> None:
        self.signals.progress.emit(str(job_id), float(fraction), str(method or ""))

    def finished(self, job_id: str, result: Any) -> None:
        self.signals.finished.emit(str(job_id), result)

    def failed(self, job_id: str, error: Any) -> None:
        self.signals.failed.emit(str(job_id), str(error))

    def cancelled(self, job_id: str) -> None:
        self.signals.cancelled.emit(str(job_id))

    def released(self, job_id: str) -> None:
        self.signals.released.emit(str(job_id))


class _JobLoop(QRunnable):
    def __init__(self, manager: "WorkerPool", worker_id: str, signals: _RunnerSignals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.manager, self.worker_id, self.signals = manager, worker_id, signals
        self.events = _Events(signals)

    def run(self) -> None:
        m = self.manager
        while not m.stopping:
            if m.paused:
                m.wait_for_work(IDLE_POLL_SECONDS)
                continue
            try:
                job_id = m.run_next(self.worker_id, self.events)
            except Exception as exc:  # the database went away, a pool problem: say it, keep going
                self.signals.error.emit(f"Worker {self.worker_id}: {type(exc).__name__}: {exc}")
                m.wait_for_work(2.0)
                continue
            if job_id is None:
                m.wait_for_work(IDLE_POLL_SECONDS)
        m.loop_exited()


class WorkerPool(QObject):
    """`processes` runnables over one EnginePool; Pause/Resume; wake() when jobs were added."""

    def __init__(self, queue: Any, results_root: Path, bridge: WorkerBridge, *, processes: int,
                 time_limit: float, pixel_limit: int, engine_options: dict[str, Any] | None = None,
                 worker_label: str = "gui", pool_factory: Callable[..., Any] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self.results_root = Path(results_root)
        self.bridge = bridge
        self.processes = max(1, int(processes))
        self.time_limit = float(time_limit)
        self.pixel_limit = int(pixel_limit)
        self.engine_options = dict(engine_options or {})
        self._pool_factory = pool_factory
        self._engine_pool: Any = None
        self._threads = QThreadPool(self)
        self._threads.setMaxThreadCount(self.processes)
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._loops = 0
        self._label = worker_label
        self.stopping = False
        self.aborting = False
        self.paused = False
        self._signals: list[_RunnerSignals] = []

    # --- lifecycle --------------------------------------------------------------------------------
    @property
    def started(self) -> bool:
        return self._engine_pool is not None

    def start(self) -> None:
        """Create the engine process pool and the runnables (once)."""
        if self._engine_pool is not None:
            return
        from stegnox_gui.steg_queue.job_queue import make_worker_id

        self.stopping = self.aborting = False
        self._engine_pool = self._make_engine_pool()
        self.results_root.mkdir(parents=True, exist_ok=True)
        for n in range(self.processes):
            signals = _RunnerSignals()
            signals.started.connect(self.bridge.started)
            signals.progress.connect(self.bridge.progress)
            signals.finished.connect(self.bridge.finished)
            signals.failed.connect(self.bridge.failed)
            signals.cancelled.connect(self.bridge.cancelled)
            signals.released.connect(self.bridge.released)
            signals.error.connect(self.bridge.error)
            self._signals.append(signals)
            with self._lock:
                self._loops += 1
            self._threads.start(_JobLoop(self, f"{make_worker_id(self._label)}:{n + 1}", signals))

    def _make_engine_pool(self) -> Any:
        if self._pool_factory is not None:
            return self._pool_factory(self.processes, time_limit=self.time_limit, pixel_limit=self.pixel_limit)
        from stegnox_gui.worker.engine_pool import EnginePool

        return EnginePool(self.processes, time_limit=self.time_limit, pixel_limit=self.pixel_limit,
                          engine_options=self.engine_options)

    def pause(self) -> None:
        """Claim no new jobs; running ones finish."""
        self.paused = True

    def resume(self) -> None:
        self.paused = False
        self.wake()

    def wake(self) -> None:
        """Jobs were added: idle runnables look at the queue now instead of at their next poll."""
        self._wake.set()

    def wait_for_work(self, seconds: float) -> None:
        if self._wake.wait(seconds):
            self._wake.clear()

    @property
    def loops_running(self) -> int:
        with self._lock:
            return self._loops

    def loop_exited(self) -> None:
        with self._lock:
            self._loops -= 1

    def stop(self, *, abort: bool = True, timeout: float = 15.0) -> list[str]:
        """End the runnables and the engine pool. abort=True interrupts running jobs at once (the
        runner sees the pool closed and hands them back to pending); otherwise they are finished
        first. Returns the ids this call released itself (those the runner could not)."""
        if self._engine_pool is None:
            return []
        self.stopping = True
        self.aborting = abort
        self._wake.set()
        in_hand = list(self.bridge.running)
        if abort:
            self._close_engine_pool()
        self._threads.waitForDone(int(timeout * 1000))
        self._close_engine_pool()
        released = []
        for job_id in in_hand:  # the runner releases on stop; this catches any it could not
            try:
                if self.queue.release_job(job_id):
                    released.append(job_id)
            except Exception:
                pass
        return released

    def _close_engine_pool(self) -> None:
        pool, self._engine_pool = self._engine_pool, None
        if pool is None:
            return
        for name in ("close", "shutdown"):
            fn = getattr(pool, name, None)
            if callable(fn):
                try:
                    fn()
                except Exception:
                    pass
                return

    # --- one job ------------------------------------------------------------------------------------
    def should_stop(self) -> bool:
        """Checked by the runner between engine methods: True interrupts the job (back to pending)."""
        return self.stopping and self.aborting

    def run_next(self, worker_id: str, events: _Events) -> str | None:
        from stegnox_gui.worker.job_runner import run_next_job

        pool = self._engine_pool
        if pool is None or self.stopping:
            return None
        return run_next_job(self.queue, pool, worker_id=worker_id, results_root=self.results_root,
                            events=events, should_stop=self.should_stop)
