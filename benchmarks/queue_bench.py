"""Queue benchmark: StegnoX's JobQueue beside persist-queue's SQLiteAckQueue, litequeue, and two
raw sqlite3 floors, in one run, on this machine, all with WAL and synchronous=NORMAL.

Measures: add (single, one transaction each; batch, one transaction), claim+complete cycles,
and reading a 100,000-job queue (stats, a 50-job page at the start, the middle by offset and by
keyset, a pending-only page, a count, a change-feed poll). Prints ops/s and ratios. Run:
`python benchmarks/queue_bench.py` (`--quick` for smaller sizes). Needs the `bench` extra
(pip install -e '.[bench]').

What is compared, and how fairly:
- Every subject commits each claim and each completion (ack) as its own write transaction, as a
  crash-safe queue must: persist-queue's get() commits the 'unack' status and ack() commits
  'acked'; litequeue's pop() and done() each commit. Two commits per cycle for everyone.
- Same durability (WAL, synchronous=NORMAL) and the same WAL checkpoint interval for every
  subject (wal_autocheckpoint=4000 pages, the JobQueue's setting; peers get it set on their
  connections, as synchronous is) so no one is measured with fewer checkpoints than another.
- Two cycle columns. "claim+ack" stores no result: the same work for all subjects. "claim+complete"
  also stores a ~0.5 KB engine result in the completing transaction (what StegnoX must do); the
  peers have no place for a result in their ack, so they are n/a there.
- The peers do less per cycle than the JobQueue: persist-queue picks the next item with a SELECT
  outside the write transaction, kept exclusive only by an in-process lock (two processes can
  take the same item), has no secondary index, no leases, attempts, counters or change feed;
  litequeue has no leases, attempts, counters or change feed (and sorts the ready rows on every
  pop, hence its figure).
- "raw sqlite3 floor": the JobQueue's own table and indexes (jobs_claim, jobs_lease, jobs_rev,
  the unique job_id) and pragmas, doing the same row changes in the same two BEGIN IMMEDIATE
  transactions (claim: one UPDATE ... RETURNING of the best pending job; complete: UPDATE by
  job_id checking status and worker, plus the result insert), without the queue's logic (no
  lease-expiry check, no per-status counters, no change-feed revision row, no records built).
- "bare 2-commit ceiling": two write transactions that each change one integer in a one-page
  table. No queue with two commits per cycle can beat it on this machine.
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
CHECKPOINT_PAGES = 4000  # the JobQueue's wal_autocheckpoint; set on every subject's connections


class StegnoxSubject:
    name = "stegnox JobQueue"
    stores_results = True

    def __init__(self, folder: Path) -> None:
        self.q = JobQueue(folder)

    def add_one(self, path: str) -> None:
        self.q.add_job(path)

    def add_batch(self, paths: list[str]) -> None:
        self.q.add_jobs(paths)

    def cycle(self, with_result: bool) -> None:
        job = self.q.get_next_job("bench")
        self.q.mark_job_complete(job["job_id"], RESULT if with_result else None, worker_id="bench")

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
            "pending page @ keyset n/2": lambda: q.list_jobs("pending", limit=50, after_seq=mid,
                                                             include_results=False),
            "changes_since (no change)": lambda: q.changes_since(rev, include_results=False),
        }

    def close(self) -> None:
        self.q.close()


class RawSubject:
    """The floor: the JobQueue's table, indexes and pragmas, the same row changes in the same two
    transactions, and no queue logic (no expiry check, counters, revision row or records)."""

    name = "raw sqlite3 floor"
    stores_results = True

    def __init__(self, folder: Path) -> None:
        self.c = sqlite3.connect(str(folder / "raw.db"), isolation_level=None)
        self.c.execute("PRAGMA journal_mode=WAL")
        self.c.execute("PRAGMA synchronous=NORMAL")
        self.c.execute("PRAGMA cache_size=-32000")
        self.c.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")
        self.c.execute("PRAGMA temp_store=MEMORY")
        self.c.executescript("""
            CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL UNIQUE,
                image_path TEXT NOT NULL, priority INTEGER NOT NULL, status TEXT NOT NULL, metadata TEXT,
                error TEXT, worker_id TEXT, attempts INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL,
                started_at REAL, completed_at REAL, updated_at REAL NOT NULL, lease_until REAL,
                rev INTEGER NOT NULL, verdict TEXT, score REAL, message TEXT);
            CREATE INDEX jobs_claim ON jobs(priority DESC, seq) WHERE status = 'pending';
            CREATE INDEX jobs_lease ON jobs(lease_until) WHERE status = 'processing';
            CREATE INDEX jobs_rev ON jobs(rev);
            CREATE TABLE results (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
        """)
        self.n = 0
        self.rev = 0

    def _ids(self, n: int) -> list[str]:
        self.n += n
        return [f"raw-{i:012d}" for i in range(self.n - n, self.n)]

    def add_one(self, path: str) -> None:
        self.rev += 1
        now = time.time()
        self.c.execute("INSERT INTO jobs (job_id, image_path, priority, status, created_at, updated_at, rev) "
                       "VALUES (?, ?, 2, 'pending', ?, ?, ?)", (self._ids(1)[0], path, now, now, self.rev))

    def add_batch(self, paths: list[str]) -> None:
        self.rev += 1
        now = time.time()
        self.c.execute("BEGIN IMMEDIATE")
        self.c.executemany("INSERT INTO jobs (job_id, image_path, priority, status, created_at, updated_at, rev) "
                           "VALUES (?, ?, 2, 'pending', ?, ?, ?)",
                           [(i, p, now, now, self.rev) for i, p in zip(self._ids(len(paths)), paths)])
        self.c.execute("COMMIT")

    def cycle(self, with_result: bool) -> None:
        c = self.c
        now = time.time()
        self.rev += 1
        c.execute("BEGIN IMMEDIATE")
        job_id = c.execute(
            "UPDATE jobs SET status = 'processing', worker_id = 'bench', attempts = attempts + 1, started_at = ?, "
            "updated_at = ?, lease_until = ?, error = NULL, rev = ? WHERE seq = (SELECT seq FROM jobs INDEXED BY "
            "jobs_claim WHERE status = 'pending' ORDER BY priority DESC, seq LIMIT 1) RETURNING job_id",
            (now, now, now + 300.0, self.rev)).fetchone()[0]
        c.execute("COMMIT")
        body = json.dumps(RESULT, separators=(",", ":")) if with_result else None
        now = time.time()
        self.rev += 1
        c.execute("BEGIN IMMEDIATE")
        seq = c.execute(
            "UPDATE jobs SET status = 'completed', completed_at = ?, updated_at = ?, lease_until = NULL, "
            "error = NULL, verdict = ?, score = ?, message = ?, rev = ? "
            "WHERE job_id = ? AND status = 'processing' AND worker_id IS ? RETURNING seq",
            (now, now, "clean", 0.02, "Nothing hidden found", self.rev, job_id, "bench")).fetchone()[0]
        if body is not None:
            c.execute("INSERT OR REPLACE INTO results (seq, body) VALUES (?, ?)", (seq, body))
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


class BareSubject:
    """The ceiling of any two-commit cycle here: two write transactions of one integer each."""

    name = "bare 2-commit ceiling"
    stores_results = True
    add_batch = None

    def __init__(self, folder: Path) -> None:
        self.c = sqlite3.connect(str(folder / "bare.db"), isolation_level=None)
        self.c.execute("PRAGMA journal_mode=WAL")
        self.c.execute("PRAGMA synchronous=NORMAL")
        self.c.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")
        self.c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        self.c.execute("INSERT INTO t VALUES (1, 0)")

    def add_one(self, path: str) -> None:
        self.c.execute("UPDATE t SET n = n + 1 WHERE id = 1")

    def cycle(self, with_result: bool) -> None:
        c = self.c
        for _ in range(2):
            c.execute("BEGIN IMMEDIATE")
            c.execute("UPDATE t SET n = n + 1 WHERE id = 1")
            c.execute("COMMIT")

    def reads(self, middle: int) -> dict[str, Callable[[], Any]]:
        return {}

    def close(self) -> None:
        self.c.close()


class PersistQueueSubject:
    name = "persist-queue SQLiteAckQueue"
    stores_results = False

    def __init__(self, folder: Path) -> None:
        from persistqueue import SQLiteAckQueue

        self.q = SQLiteAckQueue(str(folder / "pq"), multithreading=True, auto_commit=True)
        for conn in (self.q._getter, self.q._putter):
            conn.execute("PRAGMA synchronous=NORMAL")  # same durability as the others
            conn.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")

    def add_one(self, path: str) -> None:
        self.q.put({"image_path": path})

    add_batch = None  # SQLiteAckQueue commits every put (auto_commit is forced on)

    def cycle(self, with_result: bool) -> None:
        item = self.q.get(block=False)  # commits status 'unack'
        self.q.ack(item)                # commits status 'acked'

    def reads(self, middle: int) -> dict[str, Callable[[], Any]]:
        q = self.q
        return {"count": lambda: (q.ready_count(), q.unack_count(), q.acked_count())}

    def close(self) -> None:
        self.q.close()


class LiteQueueSubject:
    name = "litequeue"
    stores_results = False

    def __init__(self, folder: Path) -> None:
        from litequeue import LiteQueue

        self.q = LiteQueue(str(folder / "lq.db"))  # sets WAL and synchronous=NORMAL itself
        self.q.conn.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")

    def add_one(self, path: str) -> None:
        self.q.put(json.dumps({"image_path": path}))

    def add_batch(self, paths: list[str]) -> None:
        with self.q.transaction(mode="IMMEDIATE"):
            for p in paths:
                self.q.put(json.dumps({"image_path": p}))

    def cycle(self, with_result: bool) -> None:
        message = self.q.pop()              # BEGIN IMMEDIATE; UPDATE ... RETURNING; COMMIT
        self.q.done(message.message_id)     # one autocommitted UPDATE

    def reads(self, middle: int) -> dict[str, Callable[[], Any]]:
        q = self.q
        return {"count": q.qsize}

    def close(self) -> None:
        self.q.close()


SUBJECTS = [StegnoxSubject, RawSubject, BareSubject, PersistQueueSubject, LiteQueueSubject]


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

    print(f"Queue benchmark (WAL, synchronous=NORMAL, wal_autocheckpoint={CHECKPOINT_PAGES} for all; "
          f"sqlite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}); best of {rounds} interleaved rounds")
    classes = available_subjects()
    queues = [cls for cls in classes if cls is not BareSubject]  # the ceiling only cycles
    work = Workdir()
    rows: dict[str, dict[str, float | None]] = {cls.name: {} for cls in classes}
    reads: dict[str, dict[str, float]] = {}
    try:
        subjects = [cls(work.new()) for cls in queues]
        counter = iter(range(10 ** 9))
        for name, r in best_rate(subjects, rounds, n_single,
                                 lambda s: lambda: [s.add_one(f"/s/{next(counter)}.png") for _ in range(n_single)]).items():
            rows[name]["add single"] = r
        for s in subjects:
            s.close()

        batchers = [cls for cls in queues if cls.add_batch is not None]
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

        # a realistic backlog, not a near-empty queue; enough for both cycle columns
        n_fill = max(2 * rounds * n_cycles + 100, n_big // 5)
        subjects = [cls(work.new()) for cls in classes]
        for s in subjects:
            if s.__class__ is not BareSubject:
                fill(s, n_fill)
        for name, r in best_rate(subjects, rounds, n_cycles,
                                 lambda s: lambda: [s.cycle(False) for _ in range(n_cycles)]).items():
            rows[name]["claim+ack"] = r
        storers = [s for s in subjects if s.stores_results]
        for name, r in best_rate(storers, rounds, n_cycles,
                                 lambda s: lambda: [s.cycle(True) for _ in range(n_cycles)]).items():
            rows[name]["claim+complete"] = r
        for s in subjects:
            s.close()

        for cls in queues:
            folder = work.new()
            subject = cls(folder)
            fill(subject, n_big)
            reads[cls.name] = {label: per_call_ms(fn) for label, fn in subject.reads(n_big // 2).items()}
            subject.close()
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        work.close()

    ops = ["add single", "add batch", "claim+ack", "claim+complete"]
    width = max(len(n) for n in rows) + 2
    print(f"\nThroughput (operations per second; cycles on a queue of ~{n_fill:,} pending jobs; claim+ack stores "
          f"no result, claim+complete stores a {len(json.dumps(RESULT, separators=(',', ':')))}-byte result)")
    print(" " * width + "".join(f"{op:>16}" for op in ops))
    for name, r in rows.items():
        print(f"{name:{width}}" + "".join(f"{r[op]:>16,.0f}" if r.get(op) else f"{'n/a':>16}" for op in ops))

    print(f"\nReading a queue of {n_big:,} jobs (median ms per call)")
    for name, r in reads.items():
        print(f"  {name}")
        for label, ms in r.items():
            print(f"    {label:32}{ms:>9.3f} ms")

    ours = rows.get(StegnoxSubject.name)
    raw = rows.get(RawSubject.name)
    bare = rows.get(BareSubject.name)
    peers = {n: r for n, r in rows.items() if n not in (StegnoxSubject.name, RawSubject.name, BareSubject.name)}
    if ours:
        print("\nRatios (measured in this run)")
        if peers:
            best_name, best = max(peers.items(), key=lambda kv: kv[1]["claim+ack"])
            print(f"  claim+ack vs fastest peer ({best_name}), like for like: "
                  f"{ours['claim+ack'] / best['claim+ack']:.2f}x  (aim >= 2x)")
            print(f"  claim+complete (with result) vs fastest peer's claim+ack: "
                  f"{ours['claim+complete'] / best['claim+ack']:.2f}x  (aim >= 2x)")
            if bare:
                need = 2 * best["claim+ack"]
                print(f"  2x the fastest peer is {need:,.0f} cycles/s; the bare 2-commit ceiling is "
                      f"{bare['claim+ack']:,.0f} ({need / bare['claim+ack']:.2f}x of it"
                      f"{', out of reach for any two-commit queue' if need > bare['claim+ack'] else ''})")
            if raw:
                print(f"  raw floor (same table and row changes) vs fastest peer: "
                      f"{raw['claim+ack'] / best['claim+ack']:.2f}x (claim+ack)")
        if raw:
            print(f"  claim+ack vs raw floor: {ours['claim+ack'] / raw['claim+ack']:.2f}x of the floor (aim >= 0.5x)")
            print(f"  claim+complete vs raw floor: {ours['claim+complete'] / raw['claim+complete']:.2f}x "
                  f"of the floor (aim >= 0.5x)")
            print(f"  batch add vs raw floor: {ours['add batch'] / raw['add batch']:.2f}x of the floor")
        print(f"  batch add: {ours['add batch']:,.0f} jobs/s (aim >= 100,000)")
        ours_reads = reads.get(StegnoxSubject.name, {})
        for label in ("stats", "page first 50", "page 50 @ keyset n/2", "page 50 @ offset n/2",
                      "pending page @ offset n/2"):
            if label in ours_reads:
                print(f"  {label}: {ours_reads[label]:.2f} ms (aim < 5 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
