"""The persistent JobQueue: API, ordering, persistence, concurrency, leases, change feed, bad input.

Written with unittest so that `python -m unittest tests/test_queue.py` runs it from the repository
root; pytest runs it too.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from stegnox_gui.steg_queue import (  # noqa: E402
    JobPriority, JobQueue, JobStatus, QueueClosedError, QueueStorageError, make_worker_id,
)
from stegnox_gui.steg_queue.job_queue import JobQueue as JobQueueFromModule  # noqa: E402,F401

RECORD_KEYS = {"job_id", "image_path", "priority", "status", "metadata", "results", "error", "worker_id",
               "attempts", "created_at", "started_at", "completed_at", "updated_at"}


def schema_version() -> int:
    from stegnox_gui.steg_queue.schema import SCHEMA_VERSION

    return SCHEMA_VERSION


def run_python(code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run a snippet in a fresh interpreter with the repository importable."""
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


class QueueTestCase(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="stegnox-queue-")
        self.q = self.open()

    def tearDown(self) -> None:
        self.q.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def open(self, **kw) -> JobQueue:
        return JobQueue(self.dir, **kw)

    def backdate(self, job_id: str, days: float) -> None:
        """Pretend the job finished `days` ago (direct SQL: the clock cannot be wound forward)."""
        with sqlite3.connect(Path(self.dir) / "queue.db") as conn:
            conn.execute("UPDATE jobs SET completed_at = completed_at - ? WHERE job_id = ?", (days * 86400, job_id))


class TestBasics(QueueTestCase):
    def test_add_and_get_record(self) -> None:
        job_id = self.q.add_job("/img/a.png", metadata={"source": "drop"})
        job = self.q.get_job(job_id)
        self.assertTrue(RECORD_KEYS <= set(job))
        self.assertEqual(job["job_id"], job_id)
        self.assertEqual(job["image_path"], "/img/a.png")
        self.assertEqual(job["priority"], "normal")
        self.assertEqual(job["status"], JobStatus.PENDING.value)
        self.assertEqual(job["metadata"], {"source": "drop"})
        self.assertIsNone(job["results"])
        self.assertEqual(job["attempts"], 0)
        self.assertTrue(job["created_at"].endswith("Z"))
        json.dumps(job)  # plain JSON
        self.assertIsNone(self.q.get_job("no-such-job"))

    def test_explicit_job_id_and_pathlike(self) -> None:
        self.assertEqual(self.q.add_job(Path("/img/b.png"), job_id="mine"), "mine")
        self.assertEqual(self.q.get_job("mine")["image_path"], "/img/b.png")

    def test_enums(self) -> None:
        self.assertIsInstance(JobStatus.PENDING, str)
        self.assertEqual(JobStatus("completed"), JobStatus.COMPLETED)
        self.assertGreater(JobPriority.HIGH, JobPriority.NORMAL)
        self.assertGreater(JobPriority.NORMAL, JobPriority.LOW)

    def test_priority_order_then_fifo(self) -> None:
        low = self.q.add_job("/l1.png", priority=JobPriority.LOW)
        n1 = self.q.add_job("/n1.png")
        h1 = self.q.add_job("/h1.png", priority="HIGH")
        n2 = self.q.add_job("/n2.png", priority="normal")
        h2 = self.q.add_job("/h2.png", priority=int(JobPriority.HIGH))
        order = [self.q.get_next_job("w")["job_id"] for _ in range(5)]
        self.assertEqual(order, [h1, h2, n1, n2, low])
        self.assertIsNone(self.q.get_next_job("w"))

    def test_claim_sets_processing_worker_attempts(self) -> None:
        job_id = self.q.add_job("/a.png")
        job = self.q.get_next_job("worker-1")
        self.assertEqual(job["job_id"], job_id)
        self.assertEqual(job["status"], "processing")
        self.assertEqual(job["worker_id"], "worker-1")
        self.assertEqual(job["attempts"], 1)
        self.assertIsNotNone(job["started_at"])

    def test_complete_fail_return_values(self) -> None:
        a, b = self.q.add_job("/a.png"), self.q.add_job("/b.png")
        self.assertFalse(self.q.mark_job_complete(a, {"x": 1}))  # still pending
        self.q.get_next_job("w")
        self.q.get_next_job("w")
        result = {"verdict": "hidden_data", "score": 0.93, "message": "Text in LSB", "findings": [{"k": 1}]}
        self.assertTrue(self.q.mark_job_complete(a, result))
        self.assertFalse(self.q.mark_job_complete(a, result))  # already finished
        self.assertTrue(self.q.mark_job_failed(b, "Not an image"))
        self.assertFalse(self.q.mark_job_failed(b, "again"))
        self.assertFalse(self.q.mark_job_complete("unknown", {}))
        done = self.q.get_job(a)
        self.assertEqual(done["status"], "completed")
        self.assertEqual(done["results"], result)
        self.assertEqual((done["verdict"], done["score"], done["message"]), ("hidden_data", 0.93, "Text in LSB"))
        self.assertIsNotNone(done["completed_at"])
        failed = self.q.get_job(b)
        self.assertEqual((failed["status"], failed["error"]), ("failed", "Not an image"))

    def test_complete_checks_worker_when_given(self) -> None:
        job_id = self.q.add_job("/a.png")
        self.q.get_next_job("w1")
        self.assertFalse(self.q.mark_job_complete(job_id, {}, worker_id="w2"))
        self.assertTrue(self.q.mark_job_complete(job_id, {}, worker_id="w1"))

    def test_cancel_pending_and_processing(self) -> None:
        a, b, c = (self.q.add_job(f"/{n}.png") for n in "abc")
        self.assertTrue(self.q.cancel_job(a))
        job = self.q.get_next_job("w")
        self.assertEqual(job["job_id"], b)  # the cancelled one is never claimed
        self.assertTrue(self.q.cancel_job(b))
        self.assertFalse(self.q.mark_job_complete(b, {"late": True}))  # late result dropped
        self.assertIsNone(self.q.get_job(b)["results"])
        self.assertEqual(self.q.get_job(b)["status"], "cancelled")
        self.assertFalse(self.q.cancel_job(b))  # already cancelled
        self.q.get_next_job("w")
        self.q.mark_job_complete(c, {})
        self.assertFalse(self.q.cancel_job(c))  # finished
        self.assertFalse(self.q.cancel_job("unknown"))

    def test_retry(self) -> None:
        a, b = self.q.add_job("/a.png"), self.q.add_job("/b.png")
        self.q.get_next_job("w")
        self.q.mark_job_failed(a, "boom")
        self.q.cancel_job(b)
        self.assertFalse(self.q.retry_job("unknown"))
        self.assertTrue(self.q.retry_job(a))
        self.assertTrue(self.q.retry_job(b))
        job = self.q.get_job(a)
        self.assertEqual((job["status"], job["attempts"], job["error"]), ("pending", 0, None))
        self.assertFalse(self.q.retry_job(a))  # pending now
        self.q.get_next_job("w")
        self.assertFalse(self.q.retry_job(a))  # processing

    def test_set_priority_pending_only(self) -> None:
        a, b, c = self.q.add_job("/a.png"), self.q.add_job("/b.png"), self.q.add_job("/c.png")
        self.assertTrue(self.q.set_priority(c, "high"))
        self.assertEqual(self.q.get_job(c)["priority"], "high")
        self.assertEqual(self.q.get_next_job("w")["job_id"], c)
        self.assertFalse(self.q.set_priority(c, "low"))  # processing
        self.assertEqual(self.q.set_priorities([a, b, "unknown"], JobPriority.LOW), [a, b])
        with self.assertRaises(ValueError):
            self.q.set_priority(a, "urgent")

    def test_add_jobs_batch(self) -> None:
        ids = self.q.add_jobs([f"/img/{i}.png" for i in range(100)], priority="low", metadata={"batch": 1})
        self.assertEqual(len(set(ids)), 100)
        self.assertEqual(self.q.count_jobs(), 100)
        self.assertEqual(self.q.get_job(ids[5])["metadata"], {"batch": 1})
        mixed = self.q.add_jobs(["/x.png", {"image_path": "/y.png", "job_id": "y", "priority": "high"}])
        self.assertEqual(mixed[1], "y")
        self.assertEqual(self.q.get_next_job("w")["job_id"], "y")
        self.assertEqual(self.q.add_jobs([]), [])

    def test_count_and_list_paging(self) -> None:
        ids = self.q.add_jobs([f"/img/{i:03d}.png" for i in range(25)])
        self.q.get_next_job("w")
        self.assertEqual(self.q.count_jobs(), 25)
        self.assertEqual(self.q.count_jobs("pending"), 24)
        self.assertEqual(self.q.count_jobs(JobStatus.PROCESSING), 1)
        pages = [self.q.list_jobs(limit=10, offset=o) for o in (0, 10, 20)]
        self.assertEqual([j["job_id"] for page in pages for j in page], ids)  # stable, oldest first
        after = self.q.list_jobs(limit=10, after_seq=pages[0][-1]["seq"])
        self.assertEqual(after, pages[1])
        self.assertEqual(len(self.q.list_jobs(status="pending", limit=100)), 24)
        self.assertEqual(self.q.list_jobs(status=JobStatus.PROCESSING)[0]["job_id"], ids[0])
        self.assertEqual(len(self.q.list_jobs(limit=None)), 25)
        self.assertNotIn("results", self.q.list_jobs(limit=1, include_results=False)[0])

    def test_stats(self) -> None:
        self.q.add_jobs(["/a.png", "/b.png"], priority="high")
        self.q.add_job("/c.png", priority="low")
        self.q.add_job("/d.png")
        job = self.q.get_next_job("w")
        time.sleep(0.02)
        self.q.mark_job_complete(job["job_id"], {"verdict": "clean"})
        stats = self.q.get_queue_stats()
        self.assertEqual(stats["total"], 4)
        self.assertEqual((stats["pending"], stats["processing"], stats["completed"], stats["failed"],
                          stats["cancelled"]), (3, 0, 1, 0, 0))
        self.assertEqual(stats["pending_by_priority"], {"high": 1, "normal": 1, "low": 1})
        self.assertGreater(stats["mean_processing_seconds"], 0.01)
        self.assertGreaterEqual(stats["oldest_pending_age_seconds"], 0.0)
        self.assertGreater(stats["throughput_per_minute"], 0)
        json.dumps(stats)

    def test_remove_jobs_finished_only(self) -> None:
        a, b, c = (self.q.add_job(f"/{n}.png") for n in "abc")
        self.q.get_next_job("w")
        self.q.mark_job_complete(a, {"big": "x" * 1000})
        self.q.cancel_job(c)
        self.assertEqual(sorted(self.q.remove_jobs([a, b, c, "unknown"])), sorted([a, c]))
        self.assertIsNone(self.q.get_job(a))
        self.assertEqual(self.q.get_job(b)["status"], "pending")
        self.assertEqual(self.q.count_jobs(), 1)
        # A removed id may be used again.
        self.assertEqual(self.q.add_job("/again.png", job_id=a), a)

    def test_cleanup_old_jobs(self) -> None:
        old_done, old_failed, new_done, pending, processing = (self.q.add_job(f"/{i}.png") for i in range(5))
        for job_id in (old_done, old_failed, new_done):
            self.assertEqual(self.q.get_next_job("w")["job_id"], job_id)
        self.q.mark_job_complete(old_done, {})
        self.q.mark_job_failed(old_failed, "x")
        self.q.mark_job_complete(new_done, {})
        self.q.get_next_job("w")
        self.backdate(old_done, 40)
        self.backdate(old_failed, 31)
        self.backdate(new_done, 5)
        self.assertEqual(self.q.cleanup_old_jobs(30), 2)
        self.assertEqual({j["job_id"] for j in self.q.list_jobs(limit=None)}, {new_done, pending, processing})
        self.assertEqual(self.q.cleanup_old_jobs(), 0)
        self.assertEqual(self.q.purge_old_jobs(1), [new_done])
        with self.assertRaises(ValueError):
            self.q.cleanup_old_jobs(-1)

    def test_persistence_across_reopening(self) -> None:
        a = self.q.add_job("/a.png", priority="high", metadata={"k": [1, 2]})
        b = self.q.add_job("/b.png")
        self.q.get_next_job("w")
        self.q.mark_job_complete(a, {"verdict": "clean", "findings": []})
        self.q.close()
        self.q = self.open()
        self.assertEqual(self.q.get_job(a)["results"], {"verdict": "clean", "findings": []})
        self.assertEqual(self.q.get_job(a)["metadata"], {"k": [1, 2]})
        self.assertEqual(self.q.get_next_job("w")["job_id"], b)

    def test_context_manager_and_closed(self) -> None:
        with JobQueue(self.dir) as q:
            q.add_job("/a.png")
        with self.assertRaises(QueueClosedError):
            q.add_job("/b.png")

    def test_default_storage_dir_from_env(self) -> None:
        target = Path(self.dir) / "from-env"
        old = os.environ.get("STEGNOX_DATA_DIR")
        os.environ["STEGNOX_DATA_DIR"] = str(target)
        try:
            with JobQueue() as q:
                q.add_job("/a.png")
        finally:
            if old is None:
                os.environ.pop("STEGNOX_DATA_DIR")
            else:
                os.environ["STEGNOX_DATA_DIR"] = old
        self.assertTrue((target / "queue.db").is_file())

    def test_durability_setting(self) -> None:
        sync = self.q._conn().execute("PRAGMA synchronous").fetchone()[0]
        self.assertEqual(sync, 1)  # NORMAL
        self.assertEqual(self.q._conn().execute("PRAGMA journal_mode").fetchone()[0], "wal")
        with self.open(durable=True) as strict:
            self.assertEqual(strict._conn().execute("PRAGMA synchronous").fetchone()[0], 2)  # FULL
        old = os.environ.get("STEGNOX_QUEUE_DURABLE")
        os.environ["STEGNOX_QUEUE_DURABLE"] = "1"
        try:
            with self.open() as strict:
                self.assertTrue(strict.durable)
                self.assertEqual(strict._conn().execute("PRAGMA synchronous").fetchone()[0], 2)
        finally:
            if old is None:
                os.environ.pop("STEGNOX_QUEUE_DURABLE")
            else:
                os.environ["STEGNOX_QUEUE_DURABLE"] = old


class TestLeases(QueueTestCase):
    def test_heartbeat_extends_lease(self) -> None:
        self.q.close()
        self.q = self.open(lease_seconds=1.0)
        job_id = self.q.add_job("/a.png")
        self.q.get_next_job("w1")
        for _ in range(8):
            time.sleep(0.2)
            self.assertTrue(self.q.heartbeat(job_id, "w1"))
        self.assertIsNone(self.q.get_next_job("w2"))  # still held after 1.6 s thanks to heartbeats
        self.assertFalse(self.q.heartbeat(job_id, "w2"))
        self.assertFalse(self.q.heartbeat("unknown"))

    def test_expired_lease_is_claimed_again(self) -> None:
        self.q.close()
        self.q = self.open(lease_seconds=1.0)
        job_id = self.q.add_job("/a.png")
        self.q.get_next_job("dead-worker")
        self.assertIsNone(self.q.get_next_job("w2"))
        time.sleep(1.1)
        again = self.q.get_next_job("w2")
        self.assertEqual((again["job_id"], again["attempts"], again["worker_id"]), (job_id, 2, "w2"))
        self.assertFalse(self.q.mark_job_complete(job_id, {}, worker_id="dead-worker"))
        self.assertTrue(self.q.mark_job_complete(job_id, {}, worker_id="w2"))

    def test_max_attempts_then_failed(self) -> None:
        self.q.close()
        self.q = self.open(lease_seconds=0.1, max_attempts=2)
        job_id = self.q.add_job("/a.png")
        self.assertEqual(self.q.get_next_job("w")["attempts"], 1)
        time.sleep(0.15)
        self.assertEqual(self.q.get_next_job("w")["attempts"], 2)
        time.sleep(0.15)
        self.assertIsNone(self.q.get_next_job("w"))
        job = self.q.get_job(job_id)
        self.assertEqual(job["status"], "failed")
        self.assertIn("2 attempt", job["error"])
        self.assertIn("stopped responding", job["error"])

    def test_release_job_does_not_count_attempt(self) -> None:
        job_id = self.q.add_job("/a.png")
        self.q.get_next_job("w1")
        self.assertFalse(self.q.release_job(job_id, "w2"))
        self.assertTrue(self.q.release_job(job_id, "w1"))
        job = self.q.get_job(job_id)
        self.assertEqual((job["status"], job["attempts"], job["worker_id"]), ("pending", 0, None))
        self.assertFalse(self.q.release_job(job_id))

    def test_recover_orphans_of_dead_local_process(self) -> None:
        proc = subprocess.Popen([sys.executable, "-c", "pass"])
        proc.wait()
        dead = make_worker_id("gui").rsplit(":", 1)[0] + f":{proc.pid}"
        a, b = self.q.add_job("/a.png"), self.q.add_job("/b.png")
        self.q.get_next_job(dead)
        self.q.get_next_job(make_worker_id("alive"))  # this process: alive
        self.assertEqual(self.q.recover_orphans(), 1)
        self.assertEqual(self.q.get_job(a)["status"], "pending")
        self.assertEqual(self.q.get_job(b)["status"], "processing")


class TestInvariants(QueueTestCase):
    def test_counts_stay_exact_under_random_operations(self) -> None:
        """Stats come from counters kept by triggers; after any mix of operations they must equal
        a real count, and replaying the change feed must rebuild the same table."""
        import random

        rng = random.Random(1234)
        mirror: dict[str, dict] = {}
        rev = 0
        ids: list[str] = []
        for step in range(400):
            op = rng.choice(["add", "batch", "claim", "complete", "fail", "cancel", "retry", "priority",
                             "remove", "release", "cleanup"])
            pick = rng.choice(ids) if ids else "none"
            if op == "add":
                ids.append(self.q.add_job(f"/r/{step}.png", priority=rng.choice(["high", "normal", "low"])))
            elif op == "batch":
                ids += self.q.add_jobs([f"/r/{step}-{i}.png" for i in range(rng.randint(1, 5))], priority="low")
            elif op == "claim":
                self.q.get_next_job("w")
            elif op == "complete":
                self.q.mark_job_complete(pick, {"verdict": "clean", "score": 0.0, "message": "ok"})
            elif op == "fail":
                self.q.mark_job_failed(pick, "x")
            elif op == "cancel":
                self.q.cancel_job(pick)
            elif op == "retry":
                self.q.retry_job(pick)
            elif op == "priority":
                self.q.set_priority(pick, rng.choice(["high", "normal", "low"]))
            elif op == "remove":
                self.q.remove_jobs([pick])
            elif op == "release":
                self.q.release_job(pick)
            elif op == "cleanup":
                self.q.cleanup_old_jobs(0)
            if step % 37 == 0:
                feed = self.q.changes_since(rev, include_results=False)
                for job_id in feed["removed"]:
                    mirror.pop(job_id, None)
                for job in feed["jobs"]:
                    mirror[job["job_id"]] = job
                rev = feed["rev"]
        feed = self.q.changes_since(rev, include_results=False)
        for job_id in feed["removed"]:
            mirror.pop(job_id, None)
        for job in feed["jobs"]:
            mirror[job["job_id"]] = job
        with sqlite3.connect(Path(self.dir) / "queue.db") as conn:
            real = dict(conn.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall())
            real_pending = dict(conn.execute("SELECT priority, COUNT(*) FROM jobs WHERE status = 'pending' "
                                             "GROUP BY priority").fetchall())
        stats = self.q.get_queue_stats()
        for status in JobStatus:
            self.assertEqual(stats[status.value], real.get(status.value, 0), status)
            self.assertEqual(self.q.count_jobs(status), real.get(status.value, 0))
        self.assertEqual(stats["total"], sum(real.values()))
        self.assertEqual(stats["pending_by_priority"],
                         {p.label: real_pending.get(int(p), 0) for p in sorted(JobPriority, reverse=True)})
        current = {j["job_id"]: (j["status"], j["priority"]) for j in self.q.list_jobs(limit=None,
                                                                                      include_results=False)}
        self.assertEqual({k: (v["status"], v["priority"]) for k, v in mirror.items()}, current)


class TestChangeFeed(QueueTestCase):
    def test_revision_and_changes(self) -> None:
        rev0 = self.q.current_rev()
        a = self.q.add_job("/a.png")
        b = self.q.add_job("/b.png")
        rev1 = self.q.current_rev()
        self.assertGreater(rev1, rev0)
        feed = self.q.changes_since(rev0)
        self.assertEqual(feed["rev"], rev1)
        self.assertEqual([j["job_id"] for j in feed["jobs"]], [a, b])
        self.assertEqual(feed["removed"], [])
        self.assertFalse(feed["reset"])
        self.assertEqual(self.q.changes_since(rev1)["jobs"], [])
        self.q.get_next_job("w")
        self.q.mark_job_complete(a, {"verdict": "clean", "score": 0.0, "message": "Nothing found"})
        feed = self.q.changes_since(rev1, include_results=False)
        self.assertEqual([(j["job_id"], j["status"]) for j in feed["jobs"]], [(a, "completed")])
        self.assertEqual(feed["jobs"][0]["message"], "Nothing found")
        self.assertNotIn("results", feed["jobs"][0])
        rev2 = feed["rev"]
        self.q.remove_jobs([a])
        feed = self.q.changes_since(rev2)
        self.assertEqual((feed["jobs"], feed["removed"]), ([], [a]))

    def test_every_write_bumps(self) -> None:
        job_id = self.q.add_job("/a.png")
        steps = [lambda: self.q.set_priority(job_id, "high"), lambda: self.q.get_next_job("w"),
                 lambda: self.q.heartbeat(job_id), lambda: self.q.mark_job_failed(job_id, "x"),
                 lambda: self.q.retry_job(job_id), lambda: self.q.cancel_job(job_id)]
        for step in steps:
            before = self.q.current_rev()
            self.assertTrue(step())
            self.assertGreater(self.q.current_rev(), before)
            self.assertEqual(self.q.get_job(job_id)["rev"], self.q.current_rev())

    def test_other_process_writes_are_seen(self) -> None:
        rev = self.q.current_rev()
        done = run_python("import sys\nfrom stegnox_gui.steg_queue import JobQueue\n"
                          "q = JobQueue(sys.argv[1]); print(q.add_job('/from/elsewhere.png'))", self.dir)
        self.assertEqual(done.returncode, 0, done.stderr)
        feed = self.q.changes_since(rev)
        self.assertEqual([j["job_id"] for j in feed["jobs"]], [done.stdout.strip()])

    def test_reset_when_tombstones_were_pruned(self) -> None:
        keep = self.q.add_job("/keep.png")
        gone = self.q.add_job("/gone.png")
        self.q.cancel_job(gone)
        old_rev = self.q.current_rev()
        self.q.remove_jobs([gone])
        with sqlite3.connect(Path(self.dir) / "queue.db") as conn:
            conn.execute("UPDATE removed SET removed_at = removed_at - 8 * 86400")
        self.assertEqual(self.q.changes_since(old_rev)["removed"], [gone])
        self.q.cleanup_old_jobs(30)  # prunes week-old tombstones
        feed = self.q.changes_since(old_rev)
        self.assertTrue(feed["reset"])  # the caller cannot know what was removed: rebuild
        self.assertEqual([j["job_id"] for j in feed["jobs"]], [keep])
        self.assertFalse(self.q.changes_since(feed["rev"])["reset"])

    def test_reset_when_rev_unknown(self) -> None:
        self.q.add_job("/a.png")
        feed = self.q.changes_since(10_000)
        self.assertTrue(feed["reset"])
        self.assertEqual(len(feed["jobs"]), 1)
        self.assertFalse(self.q.changes_since(0)["reset"])


class TestBadInput(QueueTestCase):
    def assert_unchanged(self, action, error=ValueError) -> None:
        before = (self.q.current_rev(), self.q.count_jobs())
        with self.assertRaises(error):
            action()
        self.assertEqual((self.q.current_rev(), self.q.count_jobs()), before)

    def test_bad_adds(self) -> None:
        self.q.add_job("/a.png", job_id="taken")
        self.assert_unchanged(lambda: self.q.add_job(""))
        self.assert_unchanged(lambda: self.q.add_job("   "))
        self.assert_unchanged(lambda: self.q.add_job(None))
        self.assert_unchanged(lambda: self.q.add_job("/a\x00b.png"))
        self.assert_unchanged(lambda: self.q.add_job("/a.png", priority="urgent"))
        self.assert_unchanged(lambda: self.q.add_job("/a.png", priority=7))
        self.assert_unchanged(lambda: self.q.add_job("/a.png", priority=True))
        self.assert_unchanged(lambda: self.q.add_job("/a.png", metadata={"x": object()}))
        self.assert_unchanged(lambda: self.q.add_job("/a.png", metadata={"x": float("nan")}))
        self.assert_unchanged(lambda: self.q.add_job("/a.png", metadata=["not", "a", "dict"]))
        self.assert_unchanged(lambda: self.q.add_job("/a.png", job_id=""))
        self.assert_unchanged(lambda: self.q.add_jobs(["/ok.png", ""]))
        self.assert_unchanged(lambda: self.q.add_jobs([{"image_path": "/a", "job_id": "d"},
                                                       {"image_path": "/b", "job_id": "d"}]))
        self.assert_unchanged(lambda: self.q.add_jobs([{"image_path": "/a", "colour": "red"}]))

    def test_duplicate_job_id_never_overwrites(self) -> None:
        self.q.add_job("/original.png", job_id="dup")
        with self.assertRaisesRegex(ValueError, "dup"):
            self.q.add_job("/other.png", job_id="dup")
        with self.assertRaises(ValueError):
            self.q.add_jobs(["/new.png", {"image_path": "/other.png", "job_id": "dup"}])
        self.assertEqual(self.q.get_job("dup")["image_path"], "/original.png")
        self.assertEqual(self.q.count_jobs(), 1)

    def test_bad_results_change_nothing(self) -> None:
        job_id = self.q.add_job("/a.png")
        self.q.get_next_job("w")
        with self.assertRaises(ValueError):
            self.q.mark_job_complete(job_id, {"array": {1, 2}})
        with self.assertRaises(ValueError):
            self.q.mark_job_complete(job_id, ["not a dict"])
        self.assertEqual(self.q.get_job(job_id)["status"], "processing")
        self.assertTrue(self.q.mark_job_complete(job_id, {"ok": True}))

    def test_bad_arguments(self) -> None:
        with self.assertRaises(ValueError):
            self.q.list_jobs(status="sleeping")
        with self.assertRaises(ValueError):
            self.q.list_jobs(limit=-1)
        with self.assertRaises(ValueError):
            self.q.list_jobs(offset=-5)
        with self.assertRaises(ValueError):
            self.q.count_jobs("nope")
        with self.assertRaises(ValueError):
            self.q.changes_since("3")
        with self.assertRaises(ValueError):
            self.q.get_job("")
        with self.assertRaises(ValueError):
            JobQueue(self.dir, lease_seconds=0)
        with self.assertRaises(ValueError):
            JobQueue(self.dir, max_attempts=0)

    def test_corrupt_database_names_file(self) -> None:
        self.q.close()
        db = Path(self.dir) / "queue.db"
        for suffix in ("-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        db.write_bytes(b"this is not a database" * 500)
        with self.assertRaises(QueueStorageError) as cm:
            self.q = self.open()
        self.assertIn(str(db), str(cm.exception))
        self.assertIn("move the file", str(cm.exception))
        self.assertEqual(db.read_bytes()[:22], b"this is not a database")  # left for the user to inspect
        db.unlink()
        self.q = self.open()

    def test_newer_schema_refused(self) -> None:
        self.q.close()
        with sqlite3.connect(Path(self.dir) / "queue.db") as conn:
            conn.execute("PRAGMA user_version = 99")
        with self.assertRaisesRegex(QueueStorageError, "newer StegnoX"):
            self.q = self.open()
        with sqlite3.connect(Path(self.dir) / "queue.db") as conn:
            conn.execute(f"PRAGMA user_version = {schema_version()}")
        self.q = self.open()

    def test_migrates_an_old_schema_keeping_jobs(self) -> None:
        from stegnox_gui.steg_queue import schema

        self.q.close()
        db = Path(self.dir) / "queue.db"
        db.unlink()
        with sqlite3.connect(db) as conn:  # a version-1 database with one job, as an older StegnoX left it
            schema.MIGRATIONS[0](conn)
            conn.execute("PRAGMA user_version = 1")
            conn.execute("INSERT INTO jobs (job_id, image_path, priority, status, created_at, updated_at, rev) "
                         "VALUES ('old-job', '/old.png', 2, 'pending', 0, 0, 1)")
            conn.execute("INSERT INTO counts (status, priority, n) VALUES ('pending', 2, 1)")
        self.q = self.open()
        with sqlite3.connect(db) as conn:
            self.assertEqual(conn.execute("PRAGMA user_version").fetchone()[0], schema.SCHEMA_VERSION)
            self.assertIsNone(conn.execute("SELECT name FROM sqlite_master WHERE name = 'jobs_status'").fetchone())
        self.assertEqual(self.q.get_next_job("w")["job_id"], "old-job")
        self.assertEqual(self.q.count_jobs("processing"), 1)

    def test_read_only_database_names_file(self) -> None:
        self.q.add_job("/a.png")
        self.q.close()
        db = Path(self.dir) / "queue.db"
        if os.geteuid() == 0:
            if subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode != 0:
                self.skipTest("running as root without chattr: cannot make a file read-only")
            undo = ["chattr", "-i", str(db)]
        else:
            db.chmod(0o444)
            undo = ["chmod", "644", str(db)]
        try:
            with self.assertRaises(QueueStorageError) as cm:
                q = self.open()
                q.add_job("/b.png")
            self.assertIn(str(db), str(cm.exception))
            self.assertIn("writable", str(cm.exception))
        finally:
            subprocess.run(undo, check=True)
        self.q = self.open()
        self.assertEqual(self.q.count_jobs(), 1)

    def test_storage_dir_is_a_file(self) -> None:
        path = Path(self.dir) / "a-file"
        path.write_text("x")
        with self.assertRaises(QueueStorageError) as cm:
            JobQueue(path)
        self.assertIn(str(path), str(cm.exception))


class TestConcurrency(QueueTestCase):
    def test_eight_threads_share_one_queue(self) -> None:
        ids = set(self.q.add_jobs([f"/img/{i}.png" for i in range(400)]))
        claimed: list[list[str]] = [[] for _ in range(8)]
        errors: list[BaseException] = []

        def work(n: int) -> None:
            try:
                while (job := self.q.get_next_job(f"t{n}")) is not None:
                    claimed[n].append(job["job_id"])
                    self.assertTrue(self.q.mark_job_complete(job["job_id"], {"by": n}, worker_id=f"t{n}"))
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])
        flat = [j for part in claimed for j in part]
        self.assertEqual(len(flat), len(set(flat)))
        self.assertEqual(set(flat), ids)
        self.assertEqual(self.q.count_jobs("completed"), 400)

    def test_connections_of_ended_threads_are_closed(self) -> None:
        for _ in range(5):
            t = threading.Thread(target=lambda: self.q.add_job("/from-a-thread.png"))
            t.start()
            t.join()
        self.q.count_jobs()  # this thread's connection: ended threads' ones are pruned when one opens
        t = threading.Thread(target=self.q.count_jobs)
        t.start()
        t.join()
        self.assertLessEqual(len(self.q._connections), 2)
        self.assertEqual(self.q.count_jobs(), 5)

    def test_four_processes_claim_without_duplicates(self) -> None:
        ids = set(self.q.add_jobs([f"/img/{i}.png" for i in range(400)]))
        code = ("import sys, json\nfrom stegnox_gui.steg_queue import JobQueue\n"
                "q = JobQueue(sys.argv[1]); got = []\n"
                "while (job := q.get_next_job(sys.argv[2])) is not None:\n"
                "    got.append(job['job_id']); assert q.mark_job_complete(job['job_id'], {}, worker_id=sys.argv[2])\n"
                "print(json.dumps(got))")
        env = dict(os.environ, PYTHONPATH=str(REPO))
        procs = [subprocess.Popen([sys.executable, "-c", code, self.dir, f"p{n}"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env) for n in range(4)]
        flat: list[str] = []
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            self.assertEqual(proc.returncode, 0, err)
            flat += json.loads(out)
        self.assertEqual(len(flat), len(set(flat)))
        self.assertEqual(set(flat), ids)

    def test_worker_killed_mid_job_comes_back_after_lease(self) -> None:
        job_id = self.q.add_job("/a.png")
        code = ("import sys, time\nfrom stegnox_gui.steg_queue import JobQueue\n"
                "q = JobQueue(sys.argv[1], lease_seconds=2.0)\n"
                "job = q.get_next_job('doomed'); print(job['job_id'], flush=True)\ntime.sleep(600)")
        env = dict(os.environ, PYTHONPATH=str(REPO))
        proc = subprocess.Popen([sys.executable, "-c", code, self.dir], stdout=subprocess.PIPE, text=True, env=env)
        try:
            self.assertEqual(proc.stdout.readline().strip(), job_id)
            proc.kill()  # SIGKILL mid-job
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.stdout.close()
        held = self.q.get_job(job_id)
        self.assertEqual(held["status"], "processing")
        lease_end = datetime.fromisoformat(held["lease_expires_at"].replace("Z", "+00:00")).timestamp()
        if time.time() < lease_end - 0.3:  # (a loaded machine may already have used up the lease)
            self.assertIsNone(self.q.get_next_job("survivor"))  # lease still running
        time.sleep(max(lease_end - time.time(), 0) + 0.1)
        job = self.q.get_next_job("survivor")
        self.assertEqual((job["job_id"], job["attempts"]), (job_id, 2))

    def test_accepted_result_survives_kill(self) -> None:
        job_id = self.q.add_job("/a.png")
        code = ("import sys, os, signal\nfrom stegnox_gui.steg_queue import JobQueue\n"
                "q = JobQueue(sys.argv[1]); added = q.add_job('/b.png', job_id='added-then-killed')\n"
                "job = q.get_next_job('w')\n"
                "assert q.mark_job_complete(job['job_id'], {'verdict': 'clean'})\n"
                "os.kill(os.getpid(), signal.SIGKILL)")
        done = run_python(code, self.dir)
        self.assertEqual(done.returncode, -9, done.stderr)
        self.q.close()
        self.q = self.open()
        self.assertEqual(self.q.get_job(job_id)["results"], {"verdict": "clean"})
        self.assertEqual(self.q.get_job("added-then-killed")["status"], "pending")


if __name__ == "__main__":
    unittest.main()
