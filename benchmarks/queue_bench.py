"""Queue benchmark: StegnoX's JobQueue beside persist-queue's SQLiteAckQueue, litequeue, and a raw
sqlite3 floor (the same statements with no queue logic), in one run, on this machine, all with
WAL and synchronous=NORMAL.

Measures: add (single, one transaction each; batch, one transaction), claim+complete cycles,
and reading a 100,000-job queue (stats, a 50-job page at the start, the middle by offset and by
keyset, a count, a change-feed poll). Prints ops/s and ratios. Run: `python benchmarks/queue_bench.py`
(`--quick` for smaller sizes). Needs the `bench` extra (pip install -e '.[bench]').
"""
from __future__ import annotations

import argparse
import gc
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stegnox_gui.steg_queue import JobQueue  # noqa: E402

RESULT = {"verdict": "clean", "score": 0.02, "message": "Nothing hidden found", "findings": [],
          "methods": {f"m{i}": {"status": "ok", "seconds": 0.01} for i in range(12)}}


def rate(n: int, fn: Callable[[], Any]) -> float:
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return n / (time.perf_counter() - t0)


def per_call_ms(fn: Callable[[], Any], repeat: int = 30) -> float:
    """Median milliseconds of one call (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


# ------------------------------------------------------------------------------------------- subjects
class StegnoxSubject:
    name = "stegnox JobQueue"

    def __init__(self, folder: Path) -> None:
        self.q = JobQueue(folder)

    def add_one(self, path: str) -> None:
        self.q.add_job(path)

    def add_batch(self, paths: list[str]) -> None:
        self.q.add_jobs(paths)

    def cycle(self) -> None:
        job = self.q.get_next_job("bench")
        self.q.mark_job_complete(job["job_id"], RESULT, worker_id="bench")

    def reads(self, middle: int) -> dict[str, Callable[[], Any]]:
        q = self.q
        mid = q.list_jobs(limit=1, offset=middle, include_results=False)[0]["seq"]
        rev = q.current_rev()
        return {
            "stats": q.get_queue_stats,
            "count": q.count_jobs,
            "page first 50": lambda: q.list_jobs(limit=50, include_results=False),
            "page 50 @ offset n/2": lambda: q.list_jobs(limit=50, offset=middle, include_results=False),
            "page 50 @ keyset n/2": lambda: q.list_jobs(limit=50, after_seq=mid, include_results=False),
            "pending page @ offset n/2": lambda: q.list_jobs("pending", limit=50, offset=middle,
                                                             include_results=False),
            "changes_since (no change)": lambda: q.changes_since(rev, include_results=False),
        }

    def close(self) -> None:
        self.q.close()


class RawSubject:
    """The floor: the same claim/complete/insert statements and indexes, no queue logic."""

    name = "raw sqlite3 floor"

    def __init__(self, folder: Path) -> None:
        self.c = sqlite3.connect(str(folder / "raw.db"), isolation_level=None)
        self.c.execute("PRAGMA journal_mode=WAL")
        self.c.execute("PRAGMA synchronous=NORMAL")
        self.c.executescript("""
            CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL UNIQUE,
                image_path TEXT NOT NULL, priority INTEGER NOT NULL, status TEXT NOT NULL,
                worker_id TEXT, created_at REAL, started_at REAL, completed_at REAL);
            CREATE INDEX jobs_claim ON jobs(priority DESC, seq) WHERE status = 'pending';
            CREATE INDEX jobs_status ON jobs(status, seq);
            CREATE TABLE results (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
        """)
        self.n = 0

    def _ids(self, n: int) -> list[str]:
        self.n += n
        return [f"raw-{i}" for i in range(self.n - n, self.n)]

    def add_one(self, path: str) -> None:
        self.c.execute("INSERT INTO jobs (job_id, image_path, priority, status, created_at) "
                       "VALUES (?, ?, 2, 'pending', ?)", (self._ids(1)[0], path, time.time()))

    def add_batch(self, paths: list[str]) -> None:
        now = time.time()
        self.c.execute("BEGIN IMMEDIATE")
        self.c.executemany("INSERT INTO jobs (job_id, image_path, priority, status, created_at) "
                           "VALUES (?, ?, 2, 'pending', ?)", [(i, p, now) for i, p in zip(self._ids(len(paths)), paths)])
        self.c.execute("COMMIT")

    def cycle(self) -> None:
        c = self.c
        c.execute("BEGIN IMMEDIATE")
        seq = c.execute("UPDATE jobs SET status = 'processing', worker_id = 'bench', started_at = ? "
                        "WHERE seq = (SELECT seq FROM jobs INDEXED BY jobs_claim WHERE status = 'pending' "
                        "ORDER BY priority DESC, seq LIMIT 1) RETURNING seq", (time.time(),)).fetchone()[0]
        c.execute("COMMIT")
        c.execute("BEGIN IMMEDIATE")
        c.execute("UPDATE jobs SET status = 'completed', completed_at = ? WHERE seq = ? AND status = 'processing'",
                  (time.time(), seq))
        c.execute("INSERT INTO results (seq, body) VALUES (?, ?)", (seq, json.dumps(RESULT)))
        c.execute("COMMIT")

    def reads(self, middle: int) -> dict[str, Callable[[], Any]]:
        c = self.c
        return {
            "stats": lambda: c.execute("SELECT status, priority, COUNT(*) FROM jobs GROUP BY status, priority").fetchall(),
            "count": lambda: c.execute("SELECT COUNT(*) FROM jobs").fetchone(),
            "page first 50": lambda: c.execute("SELECT * FROM jobs ORDER BY seq LIMIT 50").fetchall(),
            "page 50 @ offset n/2": lambda: c.execute("SELECT * FROM jobs ORDER BY seq LIMIT 50 OFFSET ?",
                                                      (middle,)).fetchall(),
        }

    def close(self) -> None:
        self.c.close()


class PersistQueueSubject:
    name = "persist-queue SQLiteAckQueue"

    def __init__(self, folder: Path) -> None:
        from persistqueue import SQLiteAckQueue

        self.q = SQLiteAckQueue(str(folder / "pq"), multithreading=True, auto_commit=True)
        for conn in (self.q._getter, self.q._putter):
            conn.execute("PRAGMA synchronous=NORMAL")  # same durability as the others

    def add_one(self, path: str) -> None:
        self.q.put({"image_path": path})

    add_batch = None  # SQLiteAckQueue commits every put (auto_commit is forced on)

    def cycle(self) -> None:
        item = self.q.get(block=False)
        self.q.ack(item)

    def reads(self, middle: int) -> dict[str, Callable[[], Any]]:
        q = self.q
        return {"count": lambda: (q.ready_count(), q.unack_count(), q.acked_count())}

    def close(self) -> None:
        self.q.close()


class LiteQueueSubject:
    name = "litequeue"

    def __init__(self, folder: Path) -> None:
        from litequeue import LiteQueue

        self.q = LiteQueue(str(folder / "lq.db"))

    def add_one(self, path: str) -> None:
        self.q.put(json.dumps({"image_path": path}))

    def add_batch(self, paths: list[str]) -> None:
        with self.q.transaction(mode="IMMEDIATE"):
            for p in paths:
                self.q.put(json.dumps({"image_path": p}))

    def cycle(self) -> None:
        message = self.q.pop()
        self.q.done(message.message_id)

    def reads(self, middle: int) -> dict[str, Callable[[], Any]]:
        q = self.q
        return {"count": q.qsize}

    def close(self) -> None:
        self.q.close()


SUBJECTS = [StegnoxSubject, RawSubject, PersistQueueSubject, LiteQueueSubject]


# ------------------------------------------------------------------------------------------- the run
def fill(subject: Any, n: int) -> None:
    paths = [f"/evidence/case-17/img_{i:06d}.png" for i in range(n)]
    if subject.add_batch is not None:
        for i in range(0, n, 10_000):
            subject.add_batch(paths[i:i + 10_000])
    else:
        for p in paths:
            subject.add_one(p)


class Workdir:
    """A temporary folder per subject instance, removed on close."""

    def __init__(self) -> None:
        self.dirs: list[Path] = []

    def new(self) -> Path:
        path = Path(tempfile.mkdtemp(prefix="stegnox-qbench-"))
        self.dirs.append(path)
        return path

    def close(self) -> None:
        for d in self.dirs:
            shutil.rmtree(d, ignore_errors=True)


def available_subjects() -> list[type]:
    out = []
    for cls in SUBJECTS:
        probe = Path(tempfile.mkdtemp(prefix="stegnox-qbench-"))
        try:
            cls(probe).close()
            out.append(cls)
        except ImportError as exc:
            print(f"  {cls.name}: skipped ({exc}; install the bench extra: pip install -e '.[bench]')")
        finally:
            shutil.rmtree(probe, ignore_errors=True)
    return out


def best_rate(subjects: list[Any], rounds: int, n: int, op: Callable[[Any], Callable[[], Any]]) -> dict[str, float]:
    """Rounds alternate between subjects (so machine noise hits all alike); the best round counts."""
    best = {s.name: 0.0 for s in subjects}
    for _ in range(rounds):
        for s in subjects:
            best[s.name] = max(best[s.name], rate(n, op(s)))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a quick look, not the figures)")
    args = parser.parse_args()
    rounds, n_single, n_batch, n_cycles, n_big = (
        (3, 200, 20_000, 200, 20_000) if args.quick else (5, 500, 100_000, 600, 100_000))

    print(f"Queue benchmark (WAL, synchronous=NORMAL for all; sqlite {sqlite3.sqlite_version}, "
          f"Python {sys.version.split()[0]}); best of {rounds} interleaved rounds")
    classes = available_subjects()
    work = Workdir()
    rows: dict[str, dict[str, float | None]] = {cls.name: {} for cls in classes}
    reads: dict[str, dict[str, float]] = {}
    try:
        subjects = [cls(work.new()) for cls in classes]
        counter = iter(range(10 ** 9))
        for name, r in best_rate(subjects, rounds, n_single,
                                 lambda s: lambda: [s.add_one(f"/s/{next(counter)}.png") for _ in range(n_single)]).items():
            rows[name]["add single"] = r
        for s in subjects:
            s.close()

        batchers = [cls for cls in classes if cls.add_batch is not None]
        paths = [f"/evidence/case-17/img_{i:06d}.png" for i in range(n_batch)]
        for name in rows:
            rows[name]["add batch"] = None
        for _ in range(max(rounds - 2, 1)):
            for cls in batchers:
                folder = work.new()
                subject = cls(folder)
                rows[cls.name]["add batch"] = max(rows[cls.name]["add batch"] or 0.0,
                                                  rate(n_batch, lambda: subject.add_batch(paths)))
                subject.close()
                shutil.rmtree(folder, ignore_errors=True)

        n_fill = max(rounds * n_cycles + 100, n_big // 5)  # a realistic backlog, not a near-empty queue
        subjects = [cls(work.new()) for cls in classes]
        for s in subjects:
            fill(s, n_fill)
        for name, r in best_rate(subjects, rounds, n_cycles,
                                 lambda s: lambda: [s.cycle() for _ in range(n_cycles)]).items():
            rows[name]["claim+complete"] = r
        for s in subjects:
            s.close()

        for cls in classes:
            folder = work.new()
            subject = cls(folder)
            fill(subject, n_big)
            reads[cls.name] = {label: per_call_ms(fn) for label, fn in subject.reads(n_big // 2).items()}
            subject.close()
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        work.close()

    ops = ["add single", "add batch", "claim+complete"]
    width = max(len(n) for n in rows) + 2
    print(f"\nThroughput (operations per second; claim+complete on a queue of ~{n_fill:,} pending jobs)")
    print(" " * width + "".join(f"{op:>18}" for op in ops))
    for name, r in rows.items():
        print(f"{name:{width}}" + "".join(f"{r[op]:>18,.0f}" if r.get(op) else f"{'n/a':>18}" for op in ops))

    print(f"\nReading a queue of {n_big:,} jobs (median ms per call)")
    for name, r in reads.items():
        print(f"  {name}")
        for label, ms in r.items():
            print(f"    {label:32}{ms:>9.3f} ms")

    ours = rows.get(StegnoxSubject.name)
    raw = rows.get(RawSubject.name)
    peers = {n: r for n, r in rows.items() if n not in (StegnoxSubject.name, RawSubject.name)}
    if ours:
        print("\nRatios")
        if peers:
            best_name, best = max(peers.items(), key=lambda kv: kv[1]["claim+complete"])
            print(f"  claim+complete vs fastest peer ({best_name}): "
                  f"{ours['claim+complete'] / best['claim+complete']:.2f}x  (aim >= 2x)")
        if raw:
            print(f"  claim+complete vs raw floor: {ours['claim+complete'] / raw['claim+complete']:.2f}x "
                  f"of the floor (aim >= 0.5x)")
            print(f"  batch add vs raw floor: {ours['add batch'] / raw['add batch']:.2f}x of the floor")
        print(f"  batch add: {ours['add batch']:,.0f} jobs/s (aim >= 100,000)")
        ours_reads = reads.get(StegnoxSubject.name, {})
        for label in ("stats", "page first 50", "page 50 @ keyset n/2", "page 50 @ offset n/2"):
            if label in ours_reads:
                print(f"  {label}: {ours_reads[label]:.2f} ms (aim < 5 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
