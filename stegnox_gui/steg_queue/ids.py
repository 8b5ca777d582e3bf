"""Job ids: UUID version 7 strings (RFC 9562), time-ordered so that the database's unique index
grows at its end (fast batch inserts), and cheap to make by the hundred thousand."""
from __future__ import annotations

import os
import threading
import time

_lock = threading.Lock()
_last_ms = 0
_counter = 0
_COUNTER_HEX = [f"7{i:03x}-" for i in range(4096)]  # version nibble + 12-bit counter (rand_a)
_VARIANT = "89ab" * 64  # indexed by a random byte: the RFC 4122 variant nibble


def new_job_ids(n: int) -> list[str]:
    """`n` new, unique, increasing UUIDv7 strings (a 12-bit counter orders ids within a millisecond)."""
    global _last_ms, _counter
    if n <= 0:
        return []
    with _lock:
        ms = max(time.time_ns() // 1_000_000, _last_ms)
        if ms != _last_ms:
            _counter = 0
        start_ms, start_counter = ms, _counter
        total = start_counter + n
        _last_ms = start_ms + total // 4096
        _counter = total % 4096
    rand = os.urandom(8 * n).hex()
    variants = os.urandom(n)
    ids: list[str] = []
    i = 0
    counter = start_counter
    for block_ms in range(start_ms, start_ms + (start_counter + n - 1) // 4096 + 1):
        t = f"{block_ms:012x}"
        prefix = f"{t[:8]}-{t[8:]}-"
        take = min(4096 - counter, n - i)
        ids += [f"{prefix}{_COUNTER_HEX[c]}{_VARIANT[variants[k]]}{rand[16 * k:16 * k + 3]}-{rand[16 * k + 3:16 * k + 15]}"
                for k, c in zip(range(i, i + take), range(counter, counter + take))]
        i += take
        counter = 0
    return ids


def new_job_id() -> str:
    """One new UUIDv7 string."""
    return new_job_ids(1)[0]
