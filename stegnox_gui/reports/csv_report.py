"""CSV report: one row per job, with its top finding, for spreadsheets and scripts."""
from __future__ import annotations

import csv
from typing import IO, Any

from stegnox_gui.reports import job_fields as jf

COLUMNS = ["job_id", "image", "image_path", "status", "priority", "verdict", "score", "message",
           "finding_count", "hidden_finding_count", "top_finding", "top_finding_confidence",
           "format", "width", "height", "file_size", "sha256", "error", "created_at", "completed_at"]

# Spreadsheet programs run cells starting with these as formulas; image names and payload text
# come from untrusted files, so such cells get a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_csv(jobs: list[dict[str, Any]], out: IO[str]) -> None:
    """Write a header row and one row per job (`out` must be opened with newline='')."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for job in jobs:
        writer.writerow([_cell(v) for v in _row(job)])


def _row(job: dict[str, Any]) -> list[Any]:
    res = jf.results_of(job)
    image = res.get("image") if isinstance(res.get("image"), dict) else {}
    top = jf.top_finding(job)
    score = jf.score_of(job)
    return [
        job.get("job_id", ""), jf.image_name(job), job.get("image_path", ""), job.get("status", ""),
        job.get("priority", ""), jf.verdict_of(job), "" if score is None else f"{score:.4f}",
        jf.message_of(job), len(jf.findings_of(job)), len(jf.hidden_findings(job)),
        jf.describe_finding(top, limit=500), "" if not top else top.get("confidence", ""),
        image.get("format", ""), image.get("width", ""), image.get("height", ""),
        image.get("file_size", ""), image.get("sha256", ""),
        job.get("error") or res.get("error") or "",
        jf.format_time(job.get("created_at")), jf.format_time(job.get("completed_at")),
    ]


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _is_number(value):
        return "'" + value
    return "" if value is None else value


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False
