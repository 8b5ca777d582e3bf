"""Job statuses, priorities, and the conversion of database rows to plain job dicts."""
from __future__ import annotations

import json
import math
import time
from functools import lru_cache
from enum import Enum, IntEnum
from typing import Any, Mapping


class JobStatus(str, Enum):
    """Where a job is in its life. The value string is what records and the database hold."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    def __str__(self) -> str:
        return self.value


FINISHED = (JobStatus.COMPLETED.value, JobStatus.FAILED.value, JobStatus.CANCELLED.value)
ACTIVE = (JobStatus.PENDING.value, JobStatus.PROCESSING.value)


class JobPriority(IntEnum):
    """HIGH jobs are claimed before NORMAL ones, NORMAL before LOW."""

    LOW = 1
    NORMAL = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.lower()


def parse_priority(value: Any) -> JobPriority:
    """A JobPriority from the enum, its int value, or its name in any case; else ValueError."""
    if isinstance(value, JobPriority):
        return value
    if isinstance(value, str):
        try:
            return JobPriority[value.strip().upper()]
        except KeyError:
            pass
    elif isinstance(value, int) and not isinstance(value, bool):
        try:
            return JobPriority(value)
        except ValueError:
            pass
    names = ", ".join(p.label for p in sorted(JobPriority, reverse=True))
    raise ValueError(f"Unknown priority {value!r}; use one of: {names}")


def parse_status(value: Any) -> JobStatus:
    """A JobStatus from the enum or its value string (any case); else ValueError."""
    if isinstance(value, JobStatus):
        return value
    if isinstance(value, str):
        try:
            return JobStatus(value.strip().lower())
        except ValueError:
            pass
    raise ValueError(f"Unknown status {value!r}; use one of: {', '.join(s.value for s in JobStatus)}")


def to_json(value: Any, what: str) -> str:
    """Compact JSON for the database; ValueError naming `what` when it is not JSON-serialisable."""
    try:
        return json.dumps(value, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be JSON-serialisable: {exc}") from None


def iso(ts: float | None) -> str | None:
    """Epoch seconds as ISO-8601 UTC with milliseconds ("2026-01-31T12:00:00.123Z"), or None."""
    if ts is None:
        return None
    return _iso(ts)


@lru_cache(maxsize=4096)  # jobs added in one batch share their timestamps
def _iso(ts: float) -> str:
    whole = math.floor(ts)
    millis = min(int(round((ts - whole) * 1000)), 999)
    return f"{_iso_second(whole)}.{millis:03d}Z"


@lru_cache(maxsize=1024)  # a claim's started/updated/lease times are new floats but share seconds
def _iso_second(whole: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))


_PRIORITY_LABEL = {p.value: p.label for p in JobPriority}

# Column order shared by every SELECT that builds a record (see row_to_record).
JOB_COLUMNS = ("j.seq, j.job_id, j.image_path, j.priority, j.status, j.metadata, j.error, j.worker_id, "
               "j.attempts, j.created_at, j.started_at, j.completed_at, j.updated_at, j.lease_until, j.rev, "
               "j.verdict, j.score, j.message")
RESULTS_JOIN = " LEFT JOIN results r ON r.seq = j.seq"


def row_to_record(row: tuple, with_results: bool) -> dict[str, Any]:
    """A plain JSON-serialisable job dict from a row of JOB_COLUMNS (+ r.body when with_results)."""
    (seq, job_id, image_path, priority, status, metadata, error, worker_id, attempts, created, started,
     completed, updated, lease_until, rev, verdict, score, message) = row[:18]
    record: dict[str, Any] = {
        "job_id": job_id,
        "image_path": image_path,
        "priority": _PRIORITY_LABEL.get(priority, str(priority)),
        "status": status,
        "metadata": json.loads(metadata) if metadata else {},
        "error": error,
        "worker_id": worker_id,
        "attempts": attempts,
        "created_at": iso(created),
        "started_at": iso(started),
        "completed_at": iso(completed),
        "updated_at": iso(updated),
        "lease_expires_at": iso(lease_until),
        "verdict": verdict,
        "score": score,
        "message": message,
        "seq": seq,
        "rev": rev,
    }
    if with_results:
        body = row[18]
        record["results"] = json.loads(body) if body is not None else None
    return record


def summary_of(results: Mapping[str, Any] | None) -> tuple[str | None, float | None, str | None]:
    """(verdict, score, message) of an engine result dict, for the job table's columns."""
    if not isinstance(results, Mapping):
        return None, None, None
    verdict = results.get("verdict")
    score = results.get("score")
    message = results.get("message")
    if not isinstance(score, (int, float)) or isinstance(score, bool) or not math.isfinite(score):
        score = None
    return (str(verdict) if verdict is not None else None,
            float(score) if score is not None else None,
            str(message)[:1000] if message is not None else None)
