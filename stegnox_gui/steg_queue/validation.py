"""Checks of the queue's arguments: each bad value is a ValueError that says what was wrong."""
from __future__ import annotations

import os
from typing import Any, Iterable, Iterator, Mapping

from stegnox_gui.steg_queue.records import to_json

CHUNK = 500  # ids per statement in bulk operations (well under SQLite's variable limit)


def check_path(value: Any, n: int | None) -> str:
    where = f"Item {n}: " if n is not None else ""
    if isinstance(value, bytes):
        value = os.fsdecode(value)
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}image_path must be a non-empty path, not {value!r}")
    if "\x00" in value:
        raise ValueError(f"{where}image_path contains a NUL character")
    return value


def check_job_id(value: Any, n: int | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        where = f"Item {n}: " if n is not None else ""
        raise ValueError(f"{where}job_id must be a non-empty string, not {value!r}")
    return value


def check_ids(job_ids: Iterable[str]) -> list[str]:
    if isinstance(job_ids, str):
        job_ids = [job_ids]
    ids = [check_job_id(j) for j in job_ids]
    return list(dict.fromkeys(ids))


def meta_json(metadata: Any) -> str | None:
    if metadata is None:
        return None
    if not isinstance(metadata, Mapping):
        raise ValueError(f"metadata must be a dict or None, not {type(metadata).__name__}")
    return to_json(dict(metadata), "metadata") if metadata else None


def chunks(items: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]
