"""JobQueue: the persistent priority queue of analysis jobs, in SQLite.

One `queue.db` in the storage folder holds every job. Any number of threads and processes may
share it: each claim is one writing transaction, so no job is ever handed to two workers. A
claimed job holds a lease; its worker extends it with `heartbeat`. When a worker dies, its lease
runs out and the job is claimed again, up to `max_attempts`, then failed with an error saying so.

Durability. The database runs in WAL mode. With the default `synchronous=NORMAL`, every job that
`add_job` returned and every result that `mark_job_complete` accepted survives the process being
killed at any moment (kill -9, a crash): the transaction is in the write-ahead log before the call
returns. A power cut or an operating-system crash may lose the last transactions committed just
before it (never corrupting the database). For the stricter guarantee, pass `durable=True` or set
the environment variable `STEGNOX_QUEUE_DURABLE=1`: every commit is then synced to disk
(`synchronous=FULL`), at the cost of slower writes.

Change feed. Every write bumps a monotonic revision, stored on each job row it touches; removed
jobs leave a tombstone. `changes_since(rev)` returns what changed after `rev`, including writes
made by other processes, so a live view never reloads everything.
"""
from __future__ import annotations

import itertools
import json
import os
import socket
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from stegnox_gui.steg_queue import schema
from stegnox_gui.steg_queue.errors import QueueClosedError, QueueStorageError, explain
from stegnox_gui.steg_queue.ids import new_job_ids
from stegnox_gui.steg_queue.records import (
    ACTIVE, FINISHED, JOB_COLUMNS, RESULTS_JOIN, JobPriority, JobStatus, parse_priority, parse_status,
    row_to_record, summary_of, to_json,
)
from stegnox_gui.steg_queue.validation import check_ids, check_job_id, check_path, chunks, meta_json
from stegnox_gui.steg_queue.worker_ids import make_worker_id, worker_pid_dead  # noqa: F401 (make_worker_id: re-exported)

DB_NAME = "queue.db"
BUSY_TIMEOUT_MS = 30_000
TOMBSTONE_DAYS = 7.0  # removed-job tombstones older than this are pruned by cleanup_old_jobs
_RETURNING = JOB_COLUMNS.replace("j.", "")
_CURRENT_REV = "SELECT n FROM counts WHERE status = '~rev' AND priority = 0"
_STATUSES = tuple(s.value for s in JobStatus)


def _env_durable() -> bool:
    return os.environ.get("STEGNOX_QUEUE_DURABLE", "").strip().lower() in ("1", "true", "yes", "on", "full")


class JobQueue:
    """A persistent, thread- and process-safe priority queue of image analysis jobs.

    `storage_dir` defaults to the per-user data folder (env STEGNOX_DATA_DIR overrides). One object
    may be shared by many threads (each thread gets its own connection). Job records are plain
    JSON-serialisable dicts (see `records.row_to_record`).
    """

    def __init__(self, storage_dir: str | os.PathLike | None = None, *, lease_seconds: float = 300.0,
                 max_attempts: int = 3, durable: bool | None = None) -> None:
        if isinstance(lease_seconds, bool) or not isinstance(lease_seconds, (int, float)) or not lease_seconds > 0:
            raise ValueError(f"lease_seconds must be a positive number, not {lease_seconds!r}")
        if isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1:
            raise ValueError(f"max_attempts must be an integer >= 1, not {max_attempts!r}")
        if storage_dir is None:
            from stegnox_gui.paths import default_data_dir

            storage_dir = default_data_dir()
        self.storage_dir = Path(os.fspath(storage_dir)).expanduser()
        self.db_path = self.storage_dir / DB_NAME
        self.lease_seconds = float(lease_seconds)
        self.max_attempts = max_attempts
        self.durable = _env_durable() if durable is None else bool(durable)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._closed = False
        try:
            self.storage_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise QueueStorageError(
                f"Cannot create the queue folder {self.storage_dir} ({exc.strerror or exc}). "
                f"Choose another data folder (--data-dir or STEGNOX_DATA_DIR).") from None
        if self.db_path.exists() and not self.db_path.is_file():
            raise QueueStorageError(f"Queue database {self.db_path} is not a file. Move it away or choose "
                                    f"another data folder (--data-dir or STEGNOX_DATA_DIR).")
        self._migrate(self._conn())

    # ----------------------------------------------------------------------------- connections
    def _conn(self) -> sqlite3.Connection:
        local = self._local
        conn = getattr(local, "conn", None)
        if conn is not None and local.pid == os.getpid():
            return conn
        if self._closed:
            raise QueueClosedError("This JobQueue is closed")
        try:
            conn = sqlite3.connect(str(self.db_path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise sqlite3.OperationalError(f"cannot switch to WAL mode (got {mode}): readonly database?")
            conn.execute(f"PRAGMA synchronous={'FULL' if self.durable else 'NORMAL'}")
            conn.execute("PRAGMA cache_size=-32000")
            # Checkpoint less often: hot pages (indexes' ends, counts) are then written back
            # once per checkpoint instead of many times. The WAL stays under ~16 MB.
            conn.execute("PRAGMA wal_autocheckpoint=4000")
            conn.execute("PRAGMA temp_store=MEMORY")
        except sqlite3.Error as exc:
            raise self._storage_error(exc) from None
        local.conn, local.pid = conn, os.getpid()
        with self._lock:
            # Connections of threads that ended (thread pools recycle idle threads) are closed here,
            # so a long-running app does not pile up connections and their page caches.
            ended = [c for t, c in self._connections if not t.is_alive()]
            self._connections = [(t, c) for t, c in self._connections if t.is_alive()]
            self._connections.append((threading.current_thread(), conn))
        for old in ended:
            try:
                old.close()
            except sqlite3.Error:
                pass
        return conn

    def _storage_error(self, exc: sqlite3.Error) -> Exception:
        return explain(exc, self.db_path) or exc

    def _migrate(self, conn: sqlite3.Connection) -> None:
        with self._tx() as c:
            version = c.execute("PRAGMA user_version").fetchone()[0]
            if version > schema.SCHEMA_VERSION:
                raise QueueStorageError(
                    f"Queue database {self.db_path} was written by a newer StegnoX (schema {version}, this "
                    f"version knows {schema.SCHEMA_VERSION}). Update StegnoX or choose another data folder.")
            while version < schema.SCHEMA_VERSION:
                schema.MIGRATIONS[version](c)
                version += 1
                c.execute(f"PRAGMA user_version={version}")

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One writing transaction (BEGIN IMMEDIATE): all of it or nothing."""
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._storage_error(exc) from None
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            if isinstance(exc, sqlite3.IntegrityError):
                raise
            if isinstance(exc, sqlite3.Error):
                raise self._storage_error(exc) from None
            raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: a consistent snapshot across several statements."""
        conn = self._conn()
        try:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise self._storage_error(exc) from None

    @staticmethod
    def _bump(conn: sqlite3.Connection) -> int:
        return conn.execute("UPDATE counts SET n = n + 1 WHERE status = '~rev' AND priority = 0 RETURNING n"
                            ).fetchone()[0]

    def close(self) -> None:
        """Close every connection (of every thread). The object cannot be used afterwards."""
        with self._lock:
            self._closed = True
            conns, self._connections = self._connections, []
        for _thread, conn in conns:
            try:
                conn.close()
            except sqlite3.Error:
                pass
        self._local = threading.local()

    def __enter__(self) -> "JobQueue":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"JobQueue({str(self.storage_dir)!r})"

    # ----------------------------------------------------------------------------- adding
    def add_job(self, image_path: str | os.PathLike, job_id: str | None = None,
                priority: JobPriority | int | str = JobPriority.NORMAL,
                metadata: Mapping[str, Any] | None = None) -> str:
        """Queue one image; returns its job id. ValueError for an empty path, an unknown priority,
        non-JSON metadata or a job id already in the queue (nothing is written then)."""
        return self.add_jobs([{"image_path": image_path, "job_id": job_id, "metadata": metadata}],
                             priority=priority)[0]

    def add_jobs(self, items: Iterable[str | os.PathLike | Mapping[str, Any]],
                 priority: JobPriority | int | str = JobPriority.NORMAL,
                 metadata: Mapping[str, Any] | None = None) -> list[str]:
        """Queue many images in one transaction; returns their job ids in order. Each item is a path
        or a dict with image_path and optionally job_id, priority, metadata (overriding the
        arguments). All or nothing: one bad item raises ValueError and adds none."""
        default_priority = parse_priority(priority)
        default_meta = meta_json(metadata)
        items = list(items)
        if items and all(type(item) is str for item in items):
            return self._add_paths(items, int(default_priority), default_meta)
        now = time.time()
        rows: list[tuple] = []
        ids: list[str] = []
        seen: set[str] = set()
        per_priority: dict[int, int] = {}
        fresh = iter(new_job_ids(len(items)))
        for n, item in enumerate(items):
            if type(item) is str and item.strip() and "\x00" not in item:
                path, job_id, prio, meta = item, next(fresh), default_priority, default_meta
            elif isinstance(item, Mapping):
                unknown = set(item) - {"image_path", "job_id", "priority", "metadata"}
                if unknown:
                    raise ValueError(f"Item {n}: unknown field(s) {', '.join(sorted(unknown))}")
                path = check_path(item.get("image_path"), n)
                job_id = check_job_id(item.get("job_id"), n) if item.get("job_id") is not None else next(fresh)
                prio = parse_priority(item["priority"]) if item.get("priority") is not None else default_priority
                meta = meta_json(item["metadata"]) if item.get("metadata") is not None else default_meta
            else:
                path, job_id, prio, meta = check_path(item, n), next(fresh), default_priority, default_meta
            if job_id in seen:
                raise ValueError(f"Duplicate job_id {job_id!r} in the batch")
            seen.add(job_id)
            ids.append(job_id)
            rows.append((job_id, path, int(prio), meta, now, now))
            per_priority[int(prio)] = per_priority.get(int(prio), 0) + 1
        if not rows:
            return []
        return self._insert(ids, "INSERT INTO jobs (job_id, image_path, priority, status, metadata, created_at, "
                                 "updated_at, rev) VALUES (?, ?, ?, 'pending', ?, ?, ?, {rev})", rows, per_priority)

    def _add_paths(self, paths: list[str], priority: int, meta: str | None) -> list[str]:
        """add_jobs of plain path strings with fresh ids: the common, fast case."""
        for n, path in enumerate(paths):
            if not path.strip() or "\x00" in path:
                check_path(path, n)  # raises the ValueError
        ids = new_job_ids(len(paths))
        now = repr(time.time())
        sql = ("INSERT INTO jobs (job_id, image_path, priority, status, metadata, created_at, updated_at, rev) "
               f"VALUES (?, ?, {priority}, 'pending', ?, {now}, {now}, {{rev}})")
        rows = zip(ids, paths, itertools.repeat(meta))
        return self._insert(ids, sql, rows, {priority: len(paths)})

    def _insert(self, ids: list[str], sql: str, rows: Iterable[tuple], per_priority: dict[int, int]) -> list[str]:
        try:
            with self._tx() as conn:
                rev = self._bump(conn)
                conn.executemany(sql.format(rev=rev), rows)
                conn.executemany(
                    "INSERT INTO counts (status, priority, n) VALUES ('pending', ?, ?) "
                    "ON CONFLICT (status, priority) DO UPDATE SET n = n + excluded.n", per_priority.items())
        except sqlite3.IntegrityError:
            taken = self._existing_ids(ids)
            raise ValueError(f"job_id already in the queue: {', '.join(map(repr, taken[:5])) or '?'}") from None
        return ids

    def _existing_ids(self, ids: list[str]) -> list[str]:
        found: list[str] = []
        conn = self._conn()
        for chunk in chunks(ids):
            marks = ",".join("?" * len(chunk))
            found += [r[0] for r in conn.execute(f"SELECT job_id FROM jobs WHERE job_id IN ({marks})", chunk)]
        return found

    # ----------------------------------------------------------------------------- claiming
    def get_next_job(self, worker_id: str | None = None) -> dict[str, Any] | None:
        """Claim the highest-priority, oldest pending job (or one whose lease ran out) for
        `worker_id`, with a fresh lease; None when there is nothing to do."""
        worker = None if worker_id is None else str(worker_id)
        with self._tx() as conn:
            now = time.time()
            self._reclaim_expired(conn, now)
            row = conn.execute(
                "UPDATE jobs SET status = 'processing', worker_id = ?, attempts = attempts + 1, started_at = ?, "
                "updated_at = ?, lease_until = ?, error = NULL, rev = (SELECT n + 1 FROM counts WHERE status = '~rev' AND priority = 0) "
                "WHERE seq = (SELECT seq FROM jobs INDEXED BY jobs_claim WHERE status = 'pending' "
                "ORDER BY priority DESC, seq LIMIT 1) "
                f"RETURNING {_RETURNING}",
                (worker, now, now, now + self.lease_seconds)).fetchone()
            if row is None:
                return None
            # '~rev' was advanced to the row's rev by the count trigger (schema v4): no bump here.
        record = row_to_record(row, False)
        record["results"] = None
        return record

    def _reclaim_expired(self, conn: sqlite3.Connection, now: float) -> int:
        """Jobs whose lease ran out go back to pending, or fail once they used up max_attempts."""
        expired = conn.execute("SELECT seq, attempts, worker_id FROM jobs INDEXED BY jobs_lease "
                               "WHERE status = 'processing' AND lease_until < ?", (now,)).fetchall()
        if not expired:
            return 0
        rev = self._bump(conn)
        for seq, attempts, worker in expired:
            if attempts >= self.max_attempts:
                error = (f"Gave up after {attempts} attempt(s): the worker processing this job stopped "
                         f"responding each time (no heartbeat within the {self.lease_seconds:g} s lease)")
                conn.execute("UPDATE jobs SET status = 'failed', error = ?, completed_at = ?, updated_at = ?, "
                             "lease_until = NULL, rev = ? WHERE seq = ?", (error, now, now, rev, seq))
            else:
                conn.execute("UPDATE jobs SET status = 'pending', worker_id = NULL, lease_until = NULL, "
                             "updated_at = ?, rev = ? WHERE seq = ?", (now, rev, seq))
        return len(expired)

    def reclaim_expired(self) -> int:
        """Hand back (or fail) processing jobs whose lease ran out; returns how many. `get_next_job`
        does this by itself; call it to refresh stats without claiming."""
        with self._tx() as conn:
            return self._reclaim_expired(conn, time.time())

    def heartbeat(self, job_id: str, worker_id: str | None = None) -> bool:
        """Extend the lease of a processing job (held by `worker_id` when given). False when the job
        is not processing (any more), e.g. it was cancelled or its lease was taken over."""
        return self._transition(job_id, "lease_until = ?", lambda now: (now + self.lease_seconds,),
                                ("processing",), worker_id) is not None

    def release_job(self, job_id: str, worker_id: str | None = None) -> bool:
        """Put a processing job back to pending without counting an attempt (a worker stopping
        cleanly hands back the jobs in hand). False when it was not processing."""
        return self._transition(
            job_id, "status = 'pending', worker_id = NULL, attempts = MAX(attempts - 1, 0), started_at = NULL, "
                    "lease_until = NULL", lambda now: (), ("processing",), worker_id) is not None

    def recover_orphans(self) -> int:
        """Release at once the processing jobs of dead workers of this machine (worker ids made by
        `make_worker_id`), instead of waiting for their leases; returns how many. For the app or a
        worker starting after a crash. Their attempt stays counted."""
        host = socket.gethostname()
        rows = self._conn().execute(
            "SELECT job_id, worker_id FROM jobs WHERE status = 'processing' AND worker_id LIKE ?",
            (f"%@{host}:%",)).fetchall()
        dead = [job_id for job_id, worker in rows if worker_pid_dead(worker, host)]
        released = 0
        with self._tx() as conn:
            rev = None
            for job_id in dead:
                if rev is None:
                    rev = self._bump(conn)
                released += conn.execute(
                    "UPDATE jobs SET status = 'pending', worker_id = NULL, lease_until = NULL, updated_at = ?, "
                    "rev = ? WHERE job_id = ? AND status = 'processing'", (time.time(), rev, job_id)).rowcount
        return released

    # ----------------------------------------------------------------------------- finishing
    def mark_job_complete(self, job_id: str, results: Mapping[str, Any] | None = None, *,
                          worker_id: str | None = None) -> bool:
        """Store the results of a processing job and complete it. False (and the results dropped)
        when the job was not processing: unknown id, cancelled meanwhile, already finished, or
        (with `worker_id`) taken over by another worker. ValueError for non-JSON results."""
        if results is not None and not isinstance(results, Mapping):
            raise ValueError(f"results must be a dict or None, not {type(results).__name__}")
        body = to_json(dict(results), "results") if results is not None else None
        verdict, score, message = summary_of(results)
        job_id = check_job_id(job_id)
        with self._tx() as conn:
            now = time.time()
            row = conn.execute(
                "UPDATE jobs SET status = 'completed', completed_at = ?, updated_at = ?, lease_until = NULL, "
                "error = NULL, verdict = ?, score = ?, message = ?, rev = (SELECT n + 1 FROM counts WHERE status = '~rev' AND priority = 0) "
                "WHERE job_id = ? AND status = 'processing'" + (" AND worker_id IS ?" if worker_id is not None else "")
                + " RETURNING seq",
                (now, now, verdict, score, message, job_id) + ((worker_id,) if worker_id is not None else ())
            ).fetchone()
            if row is None:
                return False
            # '~rev' was advanced to the row's rev by the count trigger (schema v4): no bump here.
            if body is not None:
                conn.execute("INSERT OR REPLACE INTO results (seq, body) VALUES (?, ?)", (row[0], body))
        return True

    def mark_job_failed(self, job_id: str, error: str | BaseException | None = None, *,
                        worker_id: str | None = None) -> bool:
        """Fail a processing job with `error` (a message for people). False when it was not processing."""
        text = None if error is None else (str(error) or type(error).__name__)
        if text is not None:
            text = text[:10_000]
        return self._transition(job_id, "status = 'failed', error = ?, completed_at = ?, lease_until = NULL",
                                lambda now: (text, now), ("processing",), worker_id) is not None

    def cancel_job(self, job_id: str) -> bool:
        """Cancel a pending or processing job (a processing job's late result is then dropped).
        False when the job is unknown or already finished."""
        return bool(self.cancel_jobs([job_id]))

    def cancel_jobs(self, job_ids: Iterable[str]) -> list[str]:
        """Cancel every pending or processing job among `job_ids`; returns the ids cancelled."""
        return self._bulk(job_ids, "status = 'cancelled', completed_at = ?, lease_until = NULL",
                          lambda now: (now,), ACTIVE)

    def retry_job(self, job_id: str) -> bool:
        """Put a failed or cancelled job back to pending, with its attempts and error reset."""
        return bool(self.retry_jobs([job_id]))

    def retry_jobs(self, job_ids: Iterable[str]) -> list[str]:
        """Retry every failed or cancelled job among `job_ids`; returns the ids put back to pending."""
        ids = self._bulk(job_ids, "status = 'pending', attempts = 0, error = NULL, worker_id = NULL, "
                                  "started_at = NULL, completed_at = NULL, lease_until = NULL, verdict = NULL, "
                                  "score = NULL, message = NULL", lambda now: (), ("failed", "cancelled"),
                         clear_results=True)
        return ids

    def set_priority(self, job_id: str, priority: JobPriority | int | str) -> bool:
        """Change the priority of a pending job; False when the job is not pending."""
        return bool(self.set_priorities([job_id], priority))

    def set_priorities(self, job_ids: Iterable[str], priority: JobPriority | int | str) -> list[str]:
        """Change the priority of every pending job among `job_ids`; returns the ids changed."""
        prio = int(parse_priority(priority))
        return self._bulk(job_ids, "priority = ?", lambda now: (prio,), ("pending",))

    def remove_jobs(self, job_ids: Iterable[str]) -> list[str]:
        """Delete finished (completed, failed) or cancelled jobs with their results; pending and
        processing ones are kept (cancel them first). Returns the ids removed."""
        ids = check_ids(job_ids)
        removed: list[str] = []
        if not ids:
            return removed
        with self._tx() as conn:
            rev = None
            now = time.time()
            marks_status = ",".join("?" * len(FINISHED))
            for chunk in chunks(ids):
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(f"SELECT seq, job_id FROM jobs WHERE job_id IN ({marks}) "
                                    f"AND status IN ({marks_status})", (*chunk, *FINISHED)).fetchall()
                if not rows:
                    continue
                rev = rev or self._bump(conn)
                self._delete_rows(conn, rows, rev, now)
                removed += [r[1] for r in rows]
        return removed

    @staticmethod
    def _delete_rows(conn: sqlite3.Connection, rows: list[tuple[int, str]], rev: int, now: float) -> None:
        conn.executemany("DELETE FROM results WHERE seq = ?", [(seq,) for seq, _ in rows])
        conn.executemany("DELETE FROM jobs WHERE seq = ?", [(seq,) for seq, _ in rows])
        conn.executemany("INSERT INTO removed (rev, job_id, removed_at) VALUES (?, ?, ?)",
                         [(rev, job_id, now) for _, job_id in rows])

    def _transition(self, job_id: str, assignments: str, values, from_status: tuple[str, ...],
                    worker_id: str | None) -> int | None:
        """Update one job in `from_status` (held by worker_id when given); its seq, or None."""
        job_id = check_job_id(job_id)
        marks = ",".join("?" * len(from_status))
        worker_clause = " AND worker_id IS ?" if worker_id is not None else ""
        with self._tx() as conn:
            now = time.time()
            row = conn.execute(
                f"UPDATE jobs SET {assignments}, updated_at = ?, rev = (SELECT n + 1 FROM counts WHERE status = '~rev' AND priority = 0) "
                f"WHERE job_id = ? AND status IN ({marks}){worker_clause} RETURNING seq, rev",
                (*values(now), now, job_id, *from_status, *((worker_id,) if worker_id is not None else ()))
            ).fetchone()
            if row is None:
                return None
            # A status change already advanced '~rev' to the row's rev (count trigger); a heartbeat did not.
            conn.execute("UPDATE counts SET n = ?1 WHERE status = '~rev' AND priority = 0 AND n < ?1", (row[1],))
            return row[0]

    def _bulk(self, job_ids: Iterable[str], assignments: str, values, from_status: tuple[str, ...],
              clear_results: bool = False) -> list[str]:
        ids = check_ids(job_ids)
        changed: list[str] = []
        if not ids:
            return changed
        status_marks = ",".join("?" * len(from_status))
        with self._tx() as conn:
            now = time.time()
            rev = self._bump(conn)
            for chunk in chunks(ids):
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"UPDATE jobs SET {assignments}, updated_at = ?, rev = ? "
                    f"WHERE job_id IN ({marks}) AND status IN ({status_marks}) RETURNING seq, job_id",
                    (*values(now), now, rev, *chunk, *from_status)).fetchall()
                if clear_results and rows:
                    conn.executemany("DELETE FROM results WHERE seq = ?", [(r[0],) for r in rows])
                changed += [r[1] for r in rows]
        return changed

    # ----------------------------------------------------------------------------- reading
    def get_job(self, job_id: str, *, include_results: bool = True) -> dict[str, Any] | None:
        """The job's record, or None when there is no such job."""
        job_id = check_job_id(job_id)
        cols = JOB_COLUMNS + (", r.body" if include_results else "")
        join = RESULTS_JOIN if include_results else ""
        try:
            row = self._conn().execute(f"SELECT {cols} FROM jobs j{join} WHERE j.job_id = ?", (job_id,)).fetchone()
        except sqlite3.Error as exc:
            raise self._storage_error(exc) from None
        return row_to_record(row, include_results) if row else None

    def job_ids(self) -> list[str]:
        """Every job id, oldest first (cheap: one index scan)."""
        try:
            return [r[0] for r in self._conn().execute("SELECT job_id FROM jobs ORDER BY seq")]
        except sqlite3.Error as exc:
            raise self._storage_error(exc) from None

    def get_status(self, job_id: str) -> JobStatus | None:
        """Just the status of a job (cheap; workers poll it), or None for an unknown job."""
        try:
            row = self._conn().execute("SELECT status FROM jobs WHERE job_id = ?", (str(job_id),)).fetchone()
        except sqlite3.Error as exc:
            raise self._storage_error(exc) from None
        return JobStatus(row[0]) if row else None

    def list_jobs(self, status: JobStatus | str | None = None, limit: int | None = 10, offset: int = 0, *,
                  after_seq: int | None = None, include_results: bool = True) -> list[dict[str, Any]]:
        """Jobs oldest first (in the order they were added), optionally of one status. Pages are
        stable: `offset`, or faster on big queues, `after_seq` (the `seq` of the last job of the
        previous page). `limit=None` returns all. Without results, records have no "results" key."""
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise ValueError(f"limit must be an integer >= 0 or None, not {limit!r}")
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise ValueError(f"offset must be an integer >= 0, not {offset!r}")
        where, params = [], []
        if status is not None:
            where.append("j.status = ?")
            params.append(parse_status(status).value)
        if after_seq is not None:
            where.append("j.seq > ?")
            params.append(int(after_seq))
        cols = JOB_COLUMNS + (", r.body" if include_results else "")
        # Pick the page's rows on the narrow index first, then read just those rows.
        page = ("SELECT j.seq FROM jobs j" + (f" WHERE {' AND '.join(where)}" if where else "")
                + " ORDER BY j.seq LIMIT ? OFFSET ?")
        sql = (f"SELECT {cols} FROM ({page}) p JOIN jobs j ON j.seq = p.seq"
               f"{RESULTS_JOIN if include_results else ''} ORDER BY j.seq")
        params += [-1 if limit is None else limit, offset]
        try:
            rows = self._conn().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._storage_error(exc) from None
        return [row_to_record(r, include_results) for r in rows]

    def count_jobs(self, status: JobStatus | str | None = None) -> int:
        """How many jobs there are (of one status)."""
        try:
            if status is None:
                row = self._conn().execute("SELECT COALESCE(SUM(n), 0) FROM counts WHERE status IN "
                                           f"({','.join('?' * len(_STATUSES))})", _STATUSES).fetchone()
            else:
                row = self._conn().execute("SELECT COALESCE(SUM(n), 0) FROM counts WHERE status = ?",
                                           (parse_status(status).value,)).fetchone()
        except sqlite3.Error as exc:
            raise self._storage_error(exc) from None
        return int(row[0])

    def get_queue_stats(self) -> dict[str, Any]:
        """Counts and rates for a status panel (cheap on 100,000+ jobs):
        total; a count per status keyed by its value ("pending", ...); pending_by_priority
        ({"high": n, ...}); mean_processing_seconds of every completed job (None if none yet);
        oldest_pending_age_seconds (None if none pending); throughput_per_minute (jobs completed or
        failed per minute over the last 5 to 6 minutes); rev (the change feed's revision)."""
        now = time.time()
        with self._read() as conn:
            counts = conn.execute("SELECT status, priority, n FROM counts").fetchall()
            oldest = conn.execute(
                "SELECT MIN(created_at) FROM (SELECT (SELECT created_at FROM jobs INDEXED BY jobs_claim "
                "WHERE status = 'pending' AND priority = p.value ORDER BY seq LIMIT 1) AS created_at "
                "FROM json_each(?) p)", (json.dumps([int(p) for p in JobPriority]),)).fetchone()
        stats: dict[str, Any] = {"total": 0}
        stats.update({s: 0 for s in _STATUSES})
        by_priority = {p.label: 0 for p in sorted(JobPriority, reverse=True)}
        special: dict[str, int] = {}
        first_minute = int((now - 300.0) // 60)
        finished_recently = 0
        for status, priority, n in counts:
            if status in stats:
                stats["total"] += n
                stats[status] += n
                if status == "pending" and n:
                    by_priority[JobPriority(priority).label] += n
            elif status == "~minute":
                if priority >= first_minute:
                    finished_recently += n
            else:
                special[status] = n
        span_minutes = max((now - first_minute * 60.0) / 60.0, 1.0)
        timed = special.get("~timed", 0)
        stats.update({
            "pending_by_priority": by_priority,
            "mean_processing_seconds": round(special.get("~busy_ms", 0) / timed / 1000.0, 4) if timed else None,
            "oldest_pending_age_seconds": round(max(now - oldest[0], 0.0), 3) if oldest[0] is not None else None,
            "throughput_per_minute": round(finished_recently / span_minutes, 3),
            "rev": special.get("~rev", 0),
        })
        return stats

    def current_rev(self) -> int:
        """The change feed's current revision (bumped by every write, by any process)."""
        try:
            return self._conn().execute(_CURRENT_REV).fetchone()[0]
        except sqlite3.Error as exc:
            raise self._storage_error(exc) from None

    def changes_since(self, rev: int, *, include_results: bool = True) -> dict[str, Any]:
        """What changed after revision `rev`: {"rev": new revision, "jobs": [records changed or
        added], "removed": [job ids deleted], "reset": bool}. Apply "removed" first, then "jobs".
        When "reset" is True (rev 0 is not a reset), the caller's rev is too old (its tombstones
        were pruned) or from another database: "jobs" then holds every job and the caller should
        rebuild its view from it."""
        if isinstance(rev, bool) or not isinstance(rev, int):
            raise ValueError(f"rev must be an integer, not {rev!r}")
        cols = JOB_COLUMNS + (", r.body" if include_results else "")
        join = RESULTS_JOIN if include_results else ""
        with self._read() as conn:
            current = conn.execute(_CURRENT_REV).fetchone()[0]
            floor = conn.execute("SELECT n FROM counts WHERE status = '~floor' AND priority = 0").fetchone()[0]
            reset = rev < 0 or rev > current or (rev < floor)
            since = 0 if reset else rev
            if since == 0:  # everything: one pass in table order beats walking the rev index
                rows = conn.execute(f"SELECT {cols} FROM jobs j{join} ORDER BY j.seq").fetchall()
            else:
                rows = conn.execute(f"SELECT {cols} FROM jobs j{join} WHERE j.rev > ? ORDER BY j.rev, j.seq",
                                    (since,)).fetchall()
            removed = [] if reset else [r[0] for r in conn.execute(
                "SELECT job_id FROM removed WHERE rev > ? ORDER BY rev", (since,))]
        return {"rev": current, "jobs": [row_to_record(r, include_results) for r in rows],
                "removed": removed, "reset": reset and rev != 0}

    # ----------------------------------------------------------------------------- retention
    def cleanup_old_jobs(self, max_age_days: float = 30) -> int:
        """Delete completed, failed and cancelled jobs finished more than `max_age_days` ago (never
        pending or processing ones); returns how many."""
        return len(self.purge_old_jobs(max_age_days))

    def purge_old_jobs(self, max_age_days: float = 30) -> list[str]:
        """Like cleanup_old_jobs, but returns the ids removed (to delete their result folders)."""
        if isinstance(max_age_days, bool) or not isinstance(max_age_days, (int, float)) or not max_age_days >= 0:
            raise ValueError(f"max_age_days must be a number >= 0, not {max_age_days!r}")
        now = time.time()
        cutoff = now - float(max_age_days) * 86400.0
        removed: list[str] = []
        with self._tx() as conn:
            rows = conn.execute("SELECT seq, job_id FROM jobs WHERE status IN ('completed', 'failed', 'cancelled') "
                                "AND completed_at < ?", (cutoff,)).fetchall()
            if rows:
                self._delete_rows(conn, rows, self._bump(conn), now)
                removed = [r[1] for r in rows]
            pruned = conn.execute("DELETE FROM removed WHERE removed_at < ? RETURNING rev",
                                  (now - TOMBSTONE_DAYS * 86400.0,)).fetchall()
            if pruned:
                conn.execute("UPDATE counts SET n = MAX(n, ?) WHERE status = '~floor' AND priority = 0",
                             (max(r[0] for r in pruned),))
        return removed
