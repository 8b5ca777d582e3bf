"""JSON report: the full job records, as the queue holds them."""
from __future__ import annotations

import json
from typing import IO, Any

from stegnox_gui._version import __version__


def write_json(jobs: list[dict[str, Any]], out: IO[str]) -> None:
    """Write {"stegnox_version", "job_count", "jobs": [...]} with every record in full."""
    doc = {"stegnox_version": __version__, "job_count": len(jobs), "jobs": jobs}
    json.dump(doc, out, indent=2, ensure_ascii=False, default=_fallback)
    out.write("\n")


def _fallback(value: Any) -> Any:
    """Values JSON cannot hold as such (bytes, paths, sets, numpy scalars) as plain ones."""
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "item"):  # numpy scalars
        try:
            return value.item()
        except Exception:
            pass
    return str(value)
