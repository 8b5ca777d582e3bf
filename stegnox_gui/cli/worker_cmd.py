"""`stegnox worker`: process the queue headless until stopped, with a one-line progress display.

Several workers (in one process or many, on one machine) can share one data folder. Ctrl-C once
finishes the jobs in hand and stops; Ctrl-C again (or SIGTERM) interrupts them and hands them back
to the queue as pending. Old finished jobs are cleaned up at start and daily.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from stegnox_gui.cli.analyze_cmd import add_passphrase_options, passphrase_options
from stegnox_gui.engine.image_data import DEFAULT_PIXEL_LIMIT
from stegnox_gui.paths import default_data_dir
from stegnox_gui.steg_queue import JobQueue, QueueError, make_worker_id
from stegnox_gui.worker.engine_pool import DEFAULT_FACTORY, EnginePool
from stegnox_gui.worker.errors import WorkerStartError
from stegnox_gui.worker.job_runner import NullEvents, run_next_job
from stegnox_gui.worker.retention import DailyCleanup

RESULTS_DIR = "results"
IDLE_POLL = 0.5


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("worker", help="process the job queue headless until stopped",
                       description="Process the job queue with the analysis engine until stopped (Ctrl-C once: "
                                   "finish the jobs in hand; twice: hand them back to the queue).")
    p.add_argument("--workers", type=_positive_int, default=os.cpu_count() or 1,
                   help="analyses run at once (default: number of cores)")
    p.add_argument("--data-dir", metavar="DIR",
                   help="data folder holding the queue (default: the per-user data folder, or STEGNOX_DATA_DIR)")
    p.add_argument("--time-limit", type=float, default=120.0, metavar="S",
                   help="seconds one analysis may take before it fails (default 120)")
    p.add_argument("--pixel-limit", type=_positive_int, default=DEFAULT_PIXEL_LIMIT,
                   help=f"refuse images with more pixels (default {DEFAULT_PIXEL_LIMIT:,})")
    p.add_argument("--memory-limit", type=int, default=4096, metavar="MB",
                   help="address-space limit of each analysis process in MB (0: none; default 4096)")
    p.add_argument("--retention-days", type=float, default=30.0, metavar="N",
                   help="remove finished jobs older than N days, at start and daily (0: keep; default 30)")
    p.add_argument("--once", action="store_true", help="exit when the queue is empty")
    p.add_argument("--engine-factory", default=DEFAULT_FACTORY, help=argparse.SUPPRESS)  # tests inject fakes
    add_passphrase_options(p)
    p.set_defaults(func=run)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


class _Display(NullEvents):
    """Counts and the jobs in hand; a live line on a terminal, one line per job otherwise."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.live = bool(getattr(stream, "isatty", lambda: False)())
        self.lock = threading.RLock()  # also taken by the signal handler
        self.current: dict[str, list] = {}  # job id -> [file name, fraction, method]
        self.n_done = self.n_failed = self.n_cancelled = self.n_released = 0
        self.pending = 0
        self._last_len = 0

    def started(self, job: dict[str, Any]) -> None:
        with self.lock:
            self.current[job["job_id"]] = [Path(job["image_path"]).name, 0.0, ""]

    def progress(self, job_id: str, fraction: float, method: str) -> None:
        with self.lock:
            if job_id in self.current:
                self.current[job_id][1:] = [fraction, method]

    def _end(self, job_id: str, counter: str, verb: str, detail: str = "") -> None:
        with self.lock:
            name = self.current.pop(job_id, ["?"])[0]
            setattr(self, counter, getattr(self, counter) + 1)
        self.log(f"{verb:9} {name}  {detail}".rstrip())

    def finished(self, job_id: str, result: dict[str, Any]) -> None:
        verdict, score = result.get("verdict", "?"), result.get("score")
        summary = f"{verdict} {score:.2f}" if isinstance(score, (int, float)) else str(verdict)
        self._end(job_id, "n_done", "done", f"{summary}  {result.get('message') or ''}")

    def failed(self, job_id: str, error: str) -> None:  # type: ignore[override]
        self._end(job_id, "n_failed", "failed", error)

    def cancelled(self, job_id: str) -> None:
        self._end(job_id, "n_cancelled", "cancelled")

    def released(self, job_id: str) -> None:
        self._end(job_id, "n_released", "returned", "(back to pending)")

    def log(self, line: str) -> None:
        with self.lock:
            if self.live:
                self.stream.write("\r" + " " * self._last_len + "\r")
            self.stream.write(line + "\n")
            self.stream.flush()
            self._last_len = 0

    def status_line(self) -> str:
        with self.lock:
            head = f"{self.n_done} done, {self.n_failed} failed, {self.pending} pending"
            jobs = " | ".join(f"{name} {fraction:.0%} {method}".rstrip()
                              for name, fraction, method in self.current.values())
        return head + (f" | {jobs}" if jobs else "")

    def refresh(self) -> None:
        if not self.live:
            return
        width = shutil.get_terminal_size((100, 20)).columns - 1
        line = self.status_line()[:width]
        with self.lock:
            self.stream.write("\r" + line + " " * max(self._last_len - len(line), 0))
            self.stream.flush()
            self._last_len = len(line)

    def finish(self) -> None:
        if self.live and self._last_len:
            self.stream.write("\n")
            self.stream.flush()


def run(args: argparse.Namespace) -> int:
    engine_options = passphrase_options(args, sys.stderr)
    if engine_options is None:
        return 2
    data_dir = Path(args.data_dir).expanduser() if args.data_dir else default_data_dir()
    try:
        queue = JobQueue(data_dir)
    except (QueueError, ValueError) as exc:
        print(f"stegnox worker: error: {exc}", file=sys.stderr)
        return 2
    results_root = data_dir / RESULTS_DIR
    display = _Display(sys.stdout)
    stop_claiming = threading.Event()
    hand_back = threading.Event()
    errors: list[str] = []

    notices: list[str] = []  # written by the signal handler, printed by the main loop (no I/O in handlers)

    def on_signal(signum: int, _frame: Any) -> None:
        if signum == signal.SIGINT and not stop_claiming.is_set():
            stop_claiming.set()
            notices.append("Stopping: finishing the jobs in hand (Ctrl-C again to hand them back to the queue)")
        else:
            stop_claiming.set()
            hand_back.set()
            notices.append("Stopping now: jobs in hand go back to the queue")

    def print_notices() -> None:
        while notices:
            display.log(notices.pop(0))

    start_failed = threading.Event()
    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)} \
        if threading.current_thread() is threading.main_thread() else {}
    pool = None
    try:
        recovered = queue.recover_orphans()
        if recovered:
            display.log(f"Recovered {recovered} job(s) left running by a worker that stopped")
        retention = DailyCleanup(queue, results_root, args.retention_days)
        removed = retention.run_if_due()
        if removed:
            display.log(f"Removed {removed} finished job(s) older than {args.retention_days:g} days")
        results_root.mkdir(parents=True, exist_ok=True)
        pool = EnginePool(args.workers, time_limit=args.time_limit if args.time_limit > 0 else None,
                          pixel_limit=args.pixel_limit, memory_limit_mb=args.memory_limit or None,
                          engine_factory=args.engine_factory, engine_options=engine_options)
        base_id = make_worker_id("cli")

        def loop(n: int) -> None:
            worker_id = f"{base_id}:{n + 1}"
            while not stop_claiming.is_set():
                try:
                    job_id = run_next_job(queue, pool, worker_id=worker_id, results_root=results_root,
                                          events=display, should_stop=hand_back.is_set)
                except WorkerStartError as exc:  # the engine cannot run at all: stop, say why
                    start_failed.set()
                    errors.append(str(exc))
                    display.log(f"stegnox worker: error: {exc}")
                    stop_claiming.set()
                    return
                except Exception as exc:  # the database went away, ...: say so, keep trying
                    errors.append(str(exc))
                    display.log(f"worker {n + 1}: {type(exc).__name__}: {exc}")
                    stop_claiming.wait(2.0)
                    continue
                if job_id is None:
                    if args.once:
                        return
                    stop_claiming.wait(IDLE_POLL)

        threads = [threading.Thread(target=loop, args=(n,), name=f"stegnox-worker-{n + 1}", daemon=True)
                   for n in range(args.workers)]
        for t in threads:
            t.start()
        last_stats = 0.0
        while any(t.is_alive() for t in threads):
            for t in threads:
                t.join(0.25)
            now = time.monotonic()
            if now - last_stats > 1.0:
                last_stats = now
                try:
                    display.pending = queue.count_jobs("pending")
                    retention.run_if_due()
                except Exception as exc:  # housekeeping only
                    display.log(f"Could not read the queue: {exc}")
            print_notices()
            display.refresh()
    finally:
        print_notices()
        if pool is not None:
            pool.close()
        display.finish()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        queue.close()
    print(f"Worker stopped: {display.n_done} done, {display.n_failed} failed"
          + (f", {display.n_released} handed back" if display.n_released else "")
          + (f", {display.n_cancelled} cancelled" if display.n_cancelled else "") + ".")
    return 1 if start_failed.is_set() else 0
