"""Retention: remove finished jobs older than N days with their result folders, at start and then
daily. Plain Python, used by `stegnox worker` and by the desktop app (from a background thread)."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any, Callable

from stegnox_gui.worker.results_dirs import job_dir_name, job_results_dir

DAY = 86400.0
ORPHAN_MIN_AGE = 3600.0  # result folders without a job are removed once this old (seconds)


def cleanup(queue: Any, results_root: str | Path, max_age_days: float = 30) -> int:
    """Delete completed, failed and cancelled jobs finished more than `max_age_days` ago, their
    result folders, and result folders whose job no longer exists (removed from the app).
    Returns the number of jobs removed."""
    root = Path(results_root)
    removed = queue.purge_old_jobs(max_age_days)
    for job_id in removed:
        shutil.rmtree(job_results_dir(root, job_id), ignore_errors=True)
    _remove_orphans(queue, root)
    return len(removed)


def _remove_orphans(queue: Any, root: Path) -> None:
    try:
        entries = [e for e in os.scandir(root) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return
    if not entries:
        return
    known = {job_dir_name(job_id) for job_id in queue.job_ids()}
    now = time.time()
    for entry in entries:
        if entry.name in known:
            continue
        try:
            if now - entry.stat(follow_symlinks=False).st_mtime < ORPHAN_MIN_AGE:
                continue
        except OSError:
            continue
        shutil.rmtree(entry.path, ignore_errors=True)


class DailyCleanup:
    """Runs `cleanup` when due: at the first call, then once every `interval` seconds.

    Call `run_if_due()` from any loop (the worker's main loop, a GUI timer's background task).
    """

    def __init__(self, queue: Any, results_root: str | Path, max_age_days: float = 30, *,
                 interval: float = DAY, clock: Callable[[], float] = time.monotonic) -> None:
        self.queue, self.results_root, self.max_age_days = queue, Path(results_root), max_age_days
        self.interval, self.clock = interval, clock
        self.last_run: float | None = None

    def due(self) -> bool:
        return self.last_run is None or self.clock() - self.last_run >= self.interval

    def run_if_due(self) -> int | None:
        """The number of jobs removed, or None when it was not due (or retention is off: days <= 0)."""
        if not self.due():
            return None
        self.last_run = self.clock()
        if self.max_age_days is None or self.max_age_days <= 0:
            return None
        return cleanup(self.queue, self.results_root, self.max_age_days)
