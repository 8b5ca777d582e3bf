"""Errors of the job queue. Bad arguments are plain ValueError; storage problems are these."""
from __future__ import annotations

import sqlite3
from pathlib import Path


class QueueError(RuntimeError):
    """Base class of queue errors other than bad arguments."""


class QueueClosedError(QueueError):
    """The JobQueue was closed and cannot be used any more."""


class QueueStorageError(QueueError):
    """The database file cannot be used: corrupt, read-only, missing folder, disk full, from a newer
    version. The message names the file and says what to do."""


def explain(exc: sqlite3.Error, db_path: Path) -> QueueStorageError | None:
    """A QueueStorageError for a storage-level sqlite error, or None when it is not one."""
    text = str(exc).lower()
    where = f"Queue database {db_path}"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return QueueStorageError(
            f"{where} is damaged ({exc}). Close StegnoX, move the file (and any -wal/-shm files beside it) "
            f"out of the way, and start again: a new, empty queue will be created.")
    if "readonly" in text or "read-only" in text or "permission" in text:
        return QueueStorageError(
            f"{where} cannot be written ({exc}). Make the file and its folder writable, "
            f"or choose another data folder (--data-dir or STEGNOX_DATA_DIR).")
    if "unable to open" in text:
        return QueueStorageError(
            f"{where} cannot be opened ({exc}). Check that the folder exists and is writable, "
            f"or choose another data folder (--data-dir or STEGNOX_DATA_DIR).")
    if "disk is full" in text or "disk i/o" in text:
        return QueueStorageError(f"{where}: {exc}. Free some disk space or check the disk, then try again.")
    if "locked" in text or "busy" in text:
        return QueueStorageError(
            f"{where} stayed locked by another process for too long ({exc}). "
            f"Check for a stuck StegnoX process using the same data folder.")
    return None
