"""Worker ids that say where a worker runs (label@host:pid), so a restarted app or worker can
tell the jobs of dead local processes from those of live ones."""
from __future__ import annotations

import os
import socket


def make_worker_id(label: str = "worker") -> str:
    """A worker id that `recover_orphans` understands: label@host:pid."""
    return f"{label}@{socket.gethostname()}:{os.getpid()}"


def worker_pid_dead(worker_id: str | None, host: str) -> bool:
    if os.name == "nt":
        return False  # os.kill(pid, 0) would terminate the process on Windows; leases recover instead
    if not worker_id or f"@{host}:" not in worker_id:
        return False
    pid_text = worker_id.rsplit(f"@{host}:", 1)[1].split(":", 1)[0]
    if not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False
