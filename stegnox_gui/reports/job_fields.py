"""Reading the fields reports show out of a job record, tolerant of missing or odd values.

A job record is the queue's dict (job_id, image_path, status, priority, verdict, score, message,
error, created_at, completed_at, results, ...); `results` is the engine's result dict or None.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any


def results_of(job: dict[str, Any]) -> dict[str, Any]:
    """The engine result of a job, or an empty dict."""
    res = job.get("results")
    return res if isinstance(res, dict) else {}


def findings_of(job: dict[str, Any]) -> list[dict[str, Any]]:
    """The job's findings, best first (as the engine orders them)."""
    found = results_of(job).get("findings")
    return [f for f in found if isinstance(f, dict)] if isinstance(found, list) else []


def hidden_findings(job: dict[str, Any]) -> list[dict[str, Any]]:
    """Findings that count as hidden data (not ordinary information)."""
    return [f for f in findings_of(job) if f.get("hidden", True)]


def top_finding(job: dict[str, Any]) -> dict[str, Any] | None:
    """The best hidden-data finding, else the best finding of any sort, else None."""
    hidden = hidden_findings(job)
    if hidden:
        return hidden[0]
    found = findings_of(job)
    return found[0] if found else None


def verdict_of(job: dict[str, Any]) -> str:
    return str(job.get("verdict") or results_of(job).get("verdict") or "")


def score_of(job: dict[str, Any]) -> float | None:
    score = job.get("score")
    if score is None:
        score = results_of(job).get("score")
    try:
        return None if score is None else float(score)
    except (TypeError, ValueError):
        return None


def message_of(job: dict[str, Any]) -> str:
    return str(job.get("message") or results_of(job).get("message") or "")


def image_name(job: dict[str, Any]) -> str:
    path = job.get("image_path") or results_of(job).get("image", {}).get("path") or ""
    return Path(str(path)).name if path else ""


def format_time(value: Any) -> str:
    """Timestamps as ISO text: epoch seconds become UTC ISO 8601, strings pass through."""
    if value is None or value == "":
        return ""
    if isinstance(value, (int, float)):
        try:
            return _dt.datetime.fromtimestamp(float(value), _dt.timezone.utc).isoformat(timespec="seconds")
        except (OverflowError, OSError, ValueError):
            return str(value)
    return str(value)


def describe_finding(finding: dict[str, Any] | None, limit: int = 200) -> str:
    """One line for a finding: "method: summary", shortened to `limit` characters."""
    if not finding:
        return ""
    text = f"{finding.get('method', '')}: {finding.get('summary', '')}"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
