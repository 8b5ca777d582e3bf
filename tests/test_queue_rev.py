"""The change feed's revision after the schema-v4 change (the count trigger advances '~rev' for
claims and completions): every write still moves the revision by exactly one and stamps the rows
it touched with the new revision; a v3 database is migrated with its jobs and revision kept."""
from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from stegnox_gui.steg_queue import JobQueue  # noqa: E402
from stegnox_gui.steg_queue import schema  # noqa: E402


class RevisionTest(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="stegnox-queue-rev-")
        self.q = JobQueue(self.dir)

    def tearDown(self) -> None:
        self.q.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def assert_one_step(self, before: int, job_id: str) -> int:
        now = self.q.current_rev()
        self.assertEqual(now, before + 1)
        self.assertEqual(self.q.get_job(job_id, include_results=False)["rev"], now)
        return now

    def test_each_write_moves_the_revision_by_one(self) -> None:
        a, b = self.q.add_jobs(["/a.png", "/b.png"])
        rev = self.q.current_rev()
        job = self.q.get_next_job("w")
        self.assertEqual(job["rev"], rev + 1)
        rev = self.assert_one_step(rev, a)
        self.assertTrue(self.q.heartbeat(a, "w"))
        rev = self.assert_one_step(rev, a)
        self.assertTrue(self.q.release_job(a, "w"))
        rev = self.assert_one_step(rev, a)
        self.q.get_next_job("w")
        rev = self.assert_one_step(rev, a)
        self.assertTrue(self.q.mark_job_complete(a, {"verdict": "clean"}, worker_id="w"))
        rev = self.assert_one_step(rev, a)
        self.q.get_next_job("w")
        rev = self.assert_one_step(rev, b)
        self.assertTrue(self.q.mark_job_failed(b, "boom", worker_id="w"))
        rev = self.assert_one_step(rev, b)
        self.assertTrue(self.q.retry_job(b))
        rev = self.assert_one_step(rev, b)
        self.assertTrue(self.q.set_priority(b, "high"))
        rev = self.assert_one_step(rev, b)
        self.assertTrue(self.q.cancel_job(b))
        rev = self.assert_one_step(rev, b)

    def test_writes_that_change_nothing_keep_the_revision(self) -> None:
        (a,) = self.q.add_jobs(["/a.png"])
        rev = self.q.current_rev()
        self.assertFalse(self.q.mark_job_complete(a, {}))  # still pending
        self.assertFalse(self.q.heartbeat(a))
        self.assertFalse(self.q.release_job(a))
        self.assertEqual(self.q.current_rev(), rev)
        self.q.get_next_job("w")
        self.assertIsNone(self.q.get_next_job("w"))  # nothing left to claim
        self.assertEqual(self.q.current_rev(), rev + 1)

    def test_change_feed_sees_claims_and_completions(self) -> None:
        a, b = self.q.add_jobs(["/a.png", "/b.png"])
        rev = self.q.current_rev()
        self.q.get_next_job("w")
        self.q.mark_job_complete(a, {"verdict": "clean"}, worker_id="w")
        self.q.get_next_job("w")
        feed = self.q.changes_since(rev, include_results=False)
        self.assertEqual(feed["rev"], rev + 3)
        self.assertEqual([(j["job_id"], j["status"]) for j in feed["jobs"]], [(a, "completed"), (b, "processing")])
        self.assertEqual(self.q.changes_since(feed["rev"])["jobs"], [])

    def test_migrates_a_v3_database(self) -> None:
        self.q.close()
        db = Path(self.dir) / "queue.db"
        db.unlink()
        with sqlite3.connect(db) as conn:  # a version-3 database with one pending job at revision 7
            for version in range(3):
                schema.MIGRATIONS[version](conn)
            conn.execute("PRAGMA user_version = 3")
            conn.execute("INSERT INTO jobs (job_id, image_path, priority, status, created_at, updated_at, rev) "
                         "VALUES ('old-job', '/old.png', 2, 'pending', 0, 0, 7)")
            conn.execute("INSERT INTO counts (status, priority, n) VALUES ('pending', 2, 1)")
            conn.execute("UPDATE counts SET n = 7 WHERE status = '~rev'")
        self.q = JobQueue(self.dir)
        with sqlite3.connect(db) as conn:
            self.assertEqual(conn.execute("PRAGMA user_version").fetchone()[0], schema.SCHEMA_VERSION)
        self.assertEqual(self.q.current_rev(), 7)
        job = self.q.get_next_job("w")
        self.assertEqual((job["job_id"], job["rev"], self.q.current_rev()), ("old-job", 8, 8))
        self.assertTrue(self.q.mark_job_complete("old-job", {}, worker_id="w"))
        self.assertEqual(self.q.current_rev(), 9)
        stats = self.q.get_queue_stats()
        self.assertEqual((stats["pending"], stats["processing"], stats["completed"], stats["rev"]), (0, 0, 1, 9))


if __name__ == "__main__":
    unittest.main()
