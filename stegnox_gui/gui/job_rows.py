"""The job table's row record, built from a queue job dict (no Qt: built in a background thread).

Display strings and sort keys are computed once here, so the model's data() is a lookup.
"""
from __future__ import annotations

import os
from datetime import datetime, timezone
from functools import lru_cache

PRIORITY_RANK = {"high": 3, "normal": 2, "low": 1}
STATUS_RANK = {"processing": 0, "pending": 1, "failed": 2, "completed": 3, "cancelled": 4}
VERDICT_RANK = {"hidden_data": 0, "suspicious": 1, "clean": 2}
VERDICT_LABEL = {"hidden_data": "Hidden data", "suspicious": "Suspicious", "clean": "Clean"}


@lru_cache(maxsize=65536)  # jobs added together share their timestamps
def local_time(iso: str | None) -> str:
    """'2026-12-03 19:40:12' in local time from an ISO-8601 UTC string; '' when absent or bad."""
    if not iso:
        return ""
    try:
        dt = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def summary_text(job: dict) -> str:
    """What the Summary column says: the verdict message, the error, or the state."""
    status = job.get("status")
    if status == "failed":
        return str(job.get("error") or "Failed")
    if status == "cancelled":
        return str(job.get("error") or "Cancelled")
    if status == "completed":
        return str(job.get("message") or "")
    if status == "processing":
        return "Analysing…"
    return ""


class JobRow:
    """One table row: the fields the columns show, their sort keys, and the text search matches."""

    __slots__ = ("job_id", "path", "name", "folder", "priority", "status", "verdict", "score",
                 "summary", "created", "finished", "created_iso", "finished_iso", "seq", "search",
                 "error", "progress", "method")

    def __init__(self, job: dict) -> None:
        self.job_id: str = str(job["job_id"])
        self.path: str = str(job.get("image_path") or "")
        self.name = os.path.basename(self.path) or self.path
        self.folder = os.path.dirname(self.path)
        self.priority: str = str(job.get("priority") or "normal")
        self.status: str = str(job.get("status") or "pending")
        self.verdict: str | None = job.get("verdict")
        score = job.get("score")
        self.score: float | None = float(score) if isinstance(score, (int, float)) else None
        self.summary = summary_text(job).replace("\n", " ")[:300]
        self.error: str | None = job.get("error")
        self.created_iso: str = job.get("created_at") or ""
        self.finished_iso: str = job.get("completed_at") or ""
        self.created = local_time(self.created_iso)
        self.finished = local_time(self.finished_iso)
        self.seq: int = int(job.get("seq") or 0)
        self.progress: float | None = None  # fraction of methods done, while processing here
        self.method = ""
        self.search = "\n".join((self.name, self.folder, self.summary, self.verdict or "",
                                 self.job_id)).lower()

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABEL.get(self.verdict or "", self.verdict or "")


def rows_from_jobs(jobs: list[dict]) -> list[JobRow]:
    return [JobRow(j) for j in jobs]
