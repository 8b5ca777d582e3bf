"""The persistent job queue (SQLite). No Qt here."""
from stegnox_gui.steg_queue.errors import QueueClosedError, QueueError, QueueStorageError
from stegnox_gui.steg_queue.job_queue import JobQueue, make_worker_id
from stegnox_gui.steg_queue.records import JobPriority, JobStatus

__all__ = ["JobQueue", "JobStatus", "JobPriority", "QueueError", "QueueStorageError", "QueueClosedError",
           "make_worker_id"]
