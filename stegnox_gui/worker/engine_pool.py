"""EnginePool: StegnoxEngine in a pool of reused worker processes, with a time and memory limit.

Each analysis runs in a separate process, so a crash (segfault, os._exit), a hang, or runaway
memory in one image fails that analysis with a clear AnalysisFailed and never takes down the
caller (the desktop app or `stegnox worker`). Processes are started with the "spawn" method
(never fork a process that runs Qt), once, and reused across analyses; a process that died or was
killed is replaced at its next use.
"""
from __future__ import annotations

import itertools
import multiprocessing
import queue as queue_mod
import signal
import threading
import time
from multiprocessing.connection import wait as wait_any
from pathlib import Path
from typing import Any, Callable, Iterable

from stegnox_gui.engine import errors as engine_errors
from stegnox_gui.engine.errors import AnalysisCancelled
from stegnox_gui.engine.image_data import DEFAULT_PIXEL_LIMIT
from stegnox_gui.worker.engine_child import child_main
from stegnox_gui.worker.errors import AnalysisFailed, WorkerStartError

DEFAULT_FACTORY = "stegnox_gui.worker.engine_child:default_engine"
START_TIMEOUT = 120.0  # seconds for a new process to import the engine (slow machines, cold disks)
CANCEL_GRACE = 5.0  # seconds a method may keep running after a cancel before its process is killed
POLL = 0.05

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]

# Engine exceptions re-raised in the caller under their own class.
_ENGINE_ERRORS = {name: getattr(engine_errors, name) for name in
                  ("EngineError", "ImageLoadError", "ImageDecodeError", "AnalysisCancelled")}


class _Slot:
    """One worker process and its pipe; replaced when it dies or is killed."""

    def __init__(self, ctx: Any, config: dict[str, Any]) -> None:
        self.ctx, self.config = ctx, config
        self.proc: Any = None
        self.conn: Any = None
        self.pid: int | None = None
        self.busy = False  # an analysis was sent and its answer not yet received

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.is_alive()

    def ensure_started(self, closed: Callable[[], bool]) -> None:
        if self.alive:
            return
        self.discard()
        parent_end, child_end = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(target=child_main, args=(child_end, self.config), name="stegnox-engine",
                                daemon=True)
        proc.start()
        child_end.close()
        self.proc, self.conn = proc, parent_end
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            ready = wait_any([parent_end, proc.sentinel], timeout=POLL)
            if parent_end in ready:
                try:
                    message = parent_end.recv()
                except (EOFError, OSError):
                    message = ("startup_error", _death_text(proc))
                if message[0] == "ready":
                    self.pid = message[1]
                    return
                self.discard()
                raise WorkerStartError(f"The analysis process could not start: {message[1]}")
            if proc.sentinel in ready:
                text = _death_text(proc)
                self.discard()
                raise WorkerStartError(f"The analysis process could not start: {text}")
            if closed():
                self.discard()
                raise AnalysisFailed("The analysis pool was closed")
            if time.monotonic() > deadline:
                self.discard()
                raise WorkerStartError(f"The analysis process did not start within {START_TIMEOUT:g} s")

    def discard(self) -> None:
        """Kill the process (if any) and forget it."""
        proc, conn = self.proc, self.conn
        self.proc = self.conn = self.pid = None
        self.busy = False
        if proc is not None:
            if proc.is_alive():
                proc.kill()
            proc.join(5)
            try:
                proc.close()
            except ValueError:
                pass
        if conn is not None:
            conn.close()

    def stop(self) -> None:
        """Ask the process to exit; kill it if it does not."""
        if self.alive:
            try:
                self.conn.send(("stop",))
                self.proc.join(2)
            except (OSError, ValueError):
                pass
        self.discard()


class EnginePool:
    """Runs `StegnoxEngine().extract_all_methods` in `processes` reused worker processes.

    `analyze` is thread-safe and blocks the calling thread (at most `processes` analyses run at
    once; further callers wait for a free process). `time_limit` (seconds, None for none) bounds
    each analysis; `memory_limit_mb` caps each process's address space (POSIX; None for none).
    `engine_factory` ("module:function", called with the pixel limit in the worker process) lets
    tests inject a fake engine; `engine_options` (JSON-safe) become the engine's options (word lists).
    """

    def __init__(self, processes: int, *, time_limit: float | None = 120.0,
                 pixel_limit: int = DEFAULT_PIXEL_LIMIT, memory_limit_mb: int | None = 4096,
                 engine_factory: str = DEFAULT_FACTORY, engine_options: dict[str, Any] | None = None) -> None:
        if isinstance(processes, bool) or not isinstance(processes, int) or processes < 1:
            raise ValueError(f"processes must be an integer >= 1, not {processes!r}")
        if time_limit is not None and not time_limit > 0:
            raise ValueError(f"time_limit must be a positive number of seconds or None, not {time_limit!r}")
        self.processes = processes
        self.time_limit = float(time_limit) if time_limit else None
        self.memory_limit_mb = memory_limit_mb
        ctx = multiprocessing.get_context("spawn")
        config = {"pixel_limit": int(pixel_limit), "memory_limit_mb": memory_limit_mb,
                  "engine_factory": engine_factory, "engine_options": dict(engine_options or {})}
        self._slots = [_Slot(ctx, config) for _ in range(processes)]
        self._idle: queue_mod.Queue[_Slot] = queue_mod.Queue()
        for slot in self._slots:
            self._idle.put(slot)
        self._tokens = itertools.count(1)
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def worker_pids(self) -> list[int]:
        """Process ids of the running worker processes (for tests and diagnostics)."""
        return [s.pid for s in self._slots if s.alive and s.pid is not None]

    def start(self) -> None:
        """Start every worker process now (otherwise each starts at its first analysis)."""
        slots = []
        try:
            for _ in self._slots:
                slot = self._idle.get()
                slots.append(slot)
                slot.ensure_started(lambda: self._closed)
        finally:
            for slot in slots:
                self._idle.put(slot)

    def analyze(self, image_path: str | Path, *, output_dir: str | Path | None = None,
                progress: ProgressFn | None = None, cancel: CancelFn | None = None,
                methods: Iterable[str] | None = None) -> dict[str, Any]:
        """Analyse one image in a worker process and return the engine's result dict.

        `progress(fraction, method)` is called in this thread as methods finish; `cancel()` is polled
        here (every ~50 ms) and, once True, stops the analysis at the engine's next method boundary
        (AnalysisCancelled). Raises the engine's errors with their message, and AnalysisFailed for
        a crash, a timeout, running out of memory, or a closed pool.
        """
        if self._closed:
            raise AnalysisFailed("The analysis pool was closed")
        slot = self._take_slot()
        try:
            return self._run(slot, image_path, output_dir, progress, cancel, methods)
        except BaseException:
            if slot.busy:  # left mid-analysis (e.g. KeyboardInterrupt): the process is no longer in step
                slot.discard()
            raise
        finally:
            if self._closed:
                slot.stop()
            else:
                self._idle.put(slot)

    def _take_slot(self) -> _Slot:
        while True:
            try:
                return self._idle.get(timeout=0.2)
            except queue_mod.Empty:
                if self._closed:
                    raise AnalysisFailed("The analysis pool was closed") from None

    def _run(self, slot: _Slot, image_path: str | Path, output_dir: str | Path | None,
             progress: ProgressFn | None, cancel: CancelFn | None, methods: Iterable[str] | None) -> dict[str, Any]:
        slot.ensure_started(lambda: self._closed)
        token = next(self._tokens)
        request = ("analyze", token, str(image_path), None if output_dir is None else str(output_dir),
                   None if methods is None else list(methods))
        try:
            slot.conn.send(request)
            slot.busy = True
        except (OSError, ValueError):
            slot.discard()
            raise AnalysisFailed("The analysis process stopped before the job could be sent") from None
        started = time.monotonic()
        cancel_sent: float | None = None
        while True:
            ready = wait_any([slot.conn, slot.proc.sentinel], timeout=POLL)
            if slot.conn in ready:
                try:
                    message = slot.conn.recv()
                except (EOFError, OSError):
                    message = None
                if message is None:
                    text = _death_text(slot.proc)
                    slot.discard()
                    raise AnalysisFailed(text)
                if len(message) > 1 and message[1] != token:
                    continue  # left over from an earlier job
                kind = message[0]
                if kind == "progress":
                    if progress is not None:
                        try:
                            progress(message[2], message[3])
                        except Exception:  # a listener's bug must not stop the analysis
                            pass
                    continue
                slot.busy = False
                if kind == "result":
                    return message[2]
                if kind == "cancelled":
                    raise AnalysisCancelled("Cancelled")
                if kind == "error":
                    raise self._error(slot, message[2], message[3])
            elif slot.proc.sentinel in ready:
                text = _death_text(slot.proc)
                slot.discard()
                raise AnalysisFailed(text)
            now = time.monotonic()
            if self._closed:
                slot.discard()
                raise AnalysisFailed("The analysis pool was closed")
            if cancel_sent is None and cancel is not None and _asks_cancel(cancel):
                cancel_sent = now
                try:
                    slot.conn.send(("cancel", token))
                except (OSError, ValueError):
                    pass
            if cancel_sent is not None and now - cancel_sent > CANCEL_GRACE:
                slot.discard()  # a method that ignores cancel: stop it the hard way
                raise AnalysisCancelled("Cancelled (the running method was stopped)")
            if self.time_limit is not None and now - started > self.time_limit:
                slot.discard()
                raise AnalysisFailed(f"Analysis timed out after {self.time_limit:g} s")

    def _error(self, slot: _Slot, type_name: str, text: str) -> Exception:
        if type_name == "MemoryError":
            slot.discard()
            limit = f" (limit {self.memory_limit_mb} MB)" if self.memory_limit_mb else ""
            return AnalysisFailed(f"Analysis ran out of memory{limit}")
        if type_name in _ENGINE_ERRORS:
            return _ENGINE_ERRORS[type_name](text)
        if type_name == "ValueError":
            return ValueError(text)
        return AnalysisFailed(f"{type_name}: {text}" if text else type_name)

    def close(self) -> None:
        """Stop every worker process; analyses still running fail with AnalysisFailed."""
        self._closed = True
        # Busy slots are discarded by their own analyze() loop, which sees `closed`.
        while True:
            try:
                slot = self._idle.get_nowait()
            except queue_mod.Empty:
                break
            slot.stop()

    def __enter__(self) -> "EnginePool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _asks_cancel(cancel: CancelFn) -> bool:
    try:
        return bool(cancel())
    except Exception:  # a broken cancel callback does not cancel
        return False


def _death_text(proc: Any) -> str:
    """Why a worker process ended, for people."""
    proc.join(1)
    code = proc.exitcode
    if code is None:
        return "Worker process stopped responding"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = "unknown signal"
        if -code == signal.SIGKILL:
            return f"Worker process was killed (signal {-code}: {name}), perhaps for using too much memory"
        return f"Worker process crashed (signal {-code}: {name})"
    return f"Worker process exited unexpectedly (exit code {code})"
