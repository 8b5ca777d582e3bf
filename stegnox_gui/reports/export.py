"""export_jobs: write jobs as a JSON, CSV or HTML report, atomically (a failed export leaves no
half-written file and never replaces a good one)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Callable

from stegnox_gui.reports.csv_report import write_csv
from stegnox_gui.reports.html_report import write_html
from stegnox_gui.reports.json_report import write_json
from stegnox_gui.reports.thumbnails import thumbnails

FORMATS = ("json", "csv", "html")

ProgressFn = Callable[[int, int], None]


def export_jobs(jobs: list[dict[str, Any]], path: str | Path, fmt: str, *,
                progress: ProgressFn | None = None, with_thumbnails: bool = True) -> Path:
    """Write `jobs` to `path` in `fmt` ("json", "csv" or "html") and return the path.

    `progress(done, total)` reports HTML thumbnail and writing steps. Raises ValueError for an
    unknown format and OSError when the file cannot be written.
    """
    fmt = fmt.lower().lstrip(".")
    if fmt == "htm":
        fmt = "html"
    if fmt not in FORMATS:
        raise ValueError(f"Unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    path = Path(path)
    jobs = list(jobs)
    total = 2 * len(jobs) if fmt == "html" else 1
    report = progress or (lambda done, total: None)

    thumbs: list[str | None] | None = None
    if fmt == "html" and with_thumbnails:
        thumbs = thumbnails([j.get("image_path") for j in jobs], workers=min(4, os.cpu_count() or 1),
                            progress=lambda n: report(n, total))

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="" if fmt == "csv" else None) as out:
            if fmt == "json":
                write_json(jobs, out)
            elif fmt == "csv":
                write_csv(jobs, out)
            else:
                write_html(jobs, out, thumbnails=thumbs, progress=lambda n: report(len(jobs) + n, total))
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a report is an ordinary document
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    report(total, total)
    return path
