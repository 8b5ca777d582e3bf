"""Where a job's carved payloads go: `<results_root>/<job id>/` (a safe folder name per job)."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


def job_dir_name(job_id: str) -> str:
    """The job id itself when it is a safe file name (generated ids are), else a hash of it."""
    if _SAFE.fullmatch(job_id) and ".." not in job_id:
        return job_id
    return "id-" + hashlib.sha256(job_id.encode("utf-8")).hexdigest()[:32]


def job_results_dir(results_root: str | Path, job_id: str) -> Path:
    """The folder for one job's carved files (not created here)."""
    return Path(results_root) / job_dir_name(job_id)
