"""One job from the queue through the engine pool: the loop body of `stegnox worker` and of the
desktop app's worker runnables.

`run_next_job` claims a job, reports through `events`, keeps the lease alive, stops the analysis
when the job is cancelled in the queue meanwhile, writes carved payloads to
`<results_root>/<job id>/`, and always finishes the job: completed, failed with a message, left
cancelled, or (when `should_stop` asks to stop) handed back to pending. It never leaves a job
processing, except when the process itself dies (the lease then brings the job back).
"""
from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import Any, Callable, Protocol

from stegnox_gui.engine.errors import AnalysisCancelled, EngineError
from stegnox_gui.steg_queue.records import JobStatus
from stegnox_gui.worker.errors import WorkerStartError
from stegnox_gui.worker.results_dirs import job_results_dir


class JobEvents(Protocol):
    """What a runner reports. Every method is optional on the object passed in; `NullEvents`
    has the no-op defaults to subclass."""

    def started(self, job: dict[str, Any]) -> None: ...
    def progress(self, job_id: str, fraction: float, method: str) -> None: ...
    def finished(self, job_id: str, result: dict[str, Any]) -> None: ...
    def failed(self, job_id: str, error: str) -> None: ...
    def cancelled(self, job_id: str) -> None: ...
    def released(self, job_id: str) -> None: ...


class NullEvents:
    """No-op JobEvents: subclass and override what you need."""

    def started(self, job: dict[str, Any]) -> None:
        pass

    def progress(self, job_id: str, fraction: float, method: str) -> None:
        pass

    def finished(self, job_id: str, result: dict[str, Any]) -> None:
        pass

    def failed(self, job_id: str, error: str) -> None:
        pass

    def cancelled(self, job_id: str) -> None:
        pass

    def released(self, job_id: str) -> None:
        pass


def _emit(events: Any, name: str, *args: Any) -> None:
    handler = getattr(events, name, None)
    if handler is None:
        return
    try:
        handler(*args)
    except Exception as exc:  # a broken listener must not strand the job
        print(f"stegnox: events.{name} raised {type(exc).__name__}: {exc}", file=sys.stderr)


def run_next_job(queue: Any, pool: Any, *, worker_id: str, results_root: str | Path,
                 events: Any = None, should_stop: Callable[[], bool] | None = None,
                 poll_interval: float = 1.0) -> str | None:
    """Claim and process one job; returns its id, or None when nothing is pending (or stopping).

    `should_stop()` is checked before claiming and while the analysis runs: True interrupts the
    analysis at the engine's next method boundary and hands the job back to pending without
    counting an attempt. The job's queue status is polled every `poll_interval` seconds: a job
    cancelled meanwhile has its analysis stopped and its late result dropped. When no analysis
    process can be started, the job goes back to pending and WorkerStartError is raised for the
    caller to report (and to wait before trying again).
    """
    stop = should_stop or (lambda: False)
    events = events if events is not None else NullEvents()
    if stop():
        return None
    job = queue.get_next_job(worker_id)
    if job is None:
        return None
    job_id = job["job_id"]
    out_dir = job_results_dir(results_root, job_id)
    heartbeat_every = max(min(queue.lease_seconds / 3.0, 60.0), 0.05)
    state = {"stopped": False, "lost": False, "polled": time.monotonic(), "beat": time.monotonic()}

    def cancel() -> bool:
        if state["stopped"] or state["lost"]:
            return True
        if stop():
            state["stopped"] = True
            return True
        now = time.monotonic()
        try:
            if now - state["polled"] >= poll_interval:
                state["polled"] = now
                if queue.get_status(job_id) != JobStatus.PROCESSING:
                    state["lost"] = True
            if not state["lost"] and now - state["beat"] >= heartbeat_every:
                state["beat"] = now
                if not queue.heartbeat(job_id, worker_id):
                    state["lost"] = True
        except Exception as exc:  # the database is briefly unavailable: keep analysing, try again
            print(f"stegnox: could not check job {job_id}: {exc}", file=sys.stderr)
        return state["lost"]

    def progress(fraction: float, method: str) -> None:
        _emit(events, "progress", job_id, fraction, method)

    _emit(events, "started", job)
    try:
        result = pool.analyze(job["image_path"], output_dir=out_dir, progress=progress, cancel=cancel)
    except AnalysisCancelled:
        _remove_dir(out_dir)
        if state["stopped"] and queue.release_job(job_id, worker_id):
            _emit(events, "released", job_id)
        elif state["stopped"] or state["lost"]:
            _emit(events, "cancelled", job_id)
        else:  # the engine cancelled by itself: say so rather than leave the job hanging
            _fail(queue, events, job_id, worker_id, "Analysis was cancelled", out_dir)
        return job_id
    except WorkerStartError:
        _remove_dir(out_dir)
        if queue.release_job(job_id, worker_id):  # not the job's fault: it waits for a working engine
            _emit(events, "released", job_id)
        raise
    except Exception as exc:
        if _interrupted(stop, pool):  # stopping, or the pool was closed under us: not the job's fault
            _remove_dir(out_dir)
            if queue.release_job(job_id, worker_id):
                _emit(events, "released", job_id)
            return job_id
        if isinstance(exc, (EngineError, ValueError, OSError)):
            error = str(exc) or type(exc).__name__
        else:
            error = f"Internal error: {type(exc).__name__}: {exc}"
        _fail(queue, events, job_id, worker_id, error, out_dir)
        return job_id
    except BaseException:
        queue.release_job(job_id, worker_id)  # KeyboardInterrupt, SystemExit: hand the job back
        raise
    try:
        accepted = queue.mark_job_complete(job_id, result, worker_id=worker_id)
    except ValueError as exc:
        _fail(queue, events, job_id, worker_id, f"The result could not be stored: {exc}", out_dir)
        return job_id
    if accepted:
        _remove_if_empty(out_dir)
        _emit(events, "finished", job_id, result)
    else:
        _remove_dir(out_dir)  # cancelled meanwhile: the late result is dropped
        _emit(events, "cancelled", job_id)
    return job_id


def _interrupted(stop: Callable[[], bool], pool: Any) -> bool:
    try:
        return bool(stop()) or bool(getattr(pool, "closed", False))
    except Exception:
        return False


def _fail(queue: Any, events: Any, job_id: str, worker_id: str, error: str, out_dir: Path) -> None:
    _remove_dir(out_dir)
    if queue.mark_job_failed(job_id, error, worker_id=worker_id):
        _emit(events, "failed", job_id, error)
    else:
        _emit(events, "cancelled", job_id)


def _remove_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _remove_if_empty(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass
