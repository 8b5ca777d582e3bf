"""Collecting dropped paths and queueing them, off the GUI thread, as one add_jobs batch."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from stegnox_gui.gui.file_collector import Collection, collect_images


class EnqueueSignals(QObject):
    done = Signal(object)  # EnqueueResult


class EnqueueResult:
    """What one drop/paste/add produced: job ids added, the collection, or an error."""

    def __init__(self, collection: Collection | None, job_ids: list[str], error: str | None) -> None:
        self.collection = collection or Collection()
        self.job_ids = job_ids
        self.error = error

    def message(self) -> str:
        if self.error:
            return f"Could not add images: {self.error}"
        c = self.collection
        added = len(self.job_ids)
        text = f"Added {added:,} image{'s' if added != 1 else ''} to the queue"
        extra = c.describe().split("; ")[1:]
        return text + (f" ({'; '.join(extra)})" if extra else "")


class EnqueueTask(QRunnable):
    """Expands `paths` into image files and adds them with `priority` in one transaction."""

    def __init__(self, queue: Any, paths: list[str], priority: str, signals: EnqueueSignals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.queue, self.paths, self.priority, self.signals = queue, list(paths), priority, signals

    def run(self) -> None:
        collection: Collection | None = None
        try:
            collection = collect_images(self.paths)
            ids = self.queue.add_jobs(collection.files, priority=self.priority) if collection.files else []
            result = EnqueueResult(collection, ids, None)
        except Exception as exc:  # database locked/read-only: the message says what to do
            result = EnqueueResult(collection, [], str(exc))
        self.signals.done.emit(result)
