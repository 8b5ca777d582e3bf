"""The queue database's schema and its migrations (PRAGMA user_version is the schema version).

Tables:
The layout after all migrations (v1 created it; v2 to v4 changed it, see their functions):
- jobs: one row per job. `seq` is the insertion order (FIFO within a priority, stable pages),
  `rev` the change-feed revision of the last write that touched the row, `lease_until` the
  deadline of a processing job's lease. verdict/score/message are copied from the results at
  completion so tables can show them without loading results.
- results: the (possibly large) engine result of a completed job, kept apart so lists stay fast.
- counts: job counts per (status, priority), kept exact by triggers so stats never scan jobs; and
  special rows (status starting with '~'): '~rev' the change feed's revision, '~floor' the
  revision below which tombstones were pruned, '~minute' finished jobs per minute (recent only),
  '~busy_ms'/'~timed' the total analysis time of completed jobs and how many.
- removed: tombstones (rev, job_id) of deleted jobs, for the change feed.
"""
from __future__ import annotations

import sqlite3
from typing import Callable

SCHEMA_VERSION = 4

_V1 = """
CREATE TABLE jobs (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id       TEXT NOT NULL UNIQUE,
    image_path   TEXT NOT NULL,
    priority     INTEGER NOT NULL,
    status       TEXT NOT NULL,
    metadata     TEXT,
    error        TEXT,
    worker_id    TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    created_at   REAL NOT NULL,
    started_at   REAL,
    completed_at REAL,
    updated_at   REAL NOT NULL,
    lease_until  REAL,
    rev          INTEGER NOT NULL,
    verdict      TEXT,
    score        REAL,
    message      TEXT
);
CREATE INDEX jobs_claim    ON jobs(priority DESC, seq) WHERE status = 'pending';
CREATE INDEX jobs_lease    ON jobs(lease_until) WHERE status = 'processing';
CREATE INDEX jobs_rev      ON jobs(rev);
CREATE INDEX jobs_status   ON jobs(status, seq);
CREATE INDEX jobs_finished ON jobs(completed_at) WHERE status IN ('completed', 'failed', 'cancelled');

CREATE TABLE results (
    seq  INTEGER PRIMARY KEY,
    body TEXT NOT NULL
);

CREATE TABLE counts (
    status   TEXT NOT NULL,
    priority INTEGER NOT NULL,
    n        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (status, priority)
) WITHOUT ROWID;

CREATE TABLE removed (
    rev        INTEGER NOT NULL,
    job_id     TEXT NOT NULL,
    removed_at REAL NOT NULL
);
CREATE INDEX removed_rev ON removed(rev);

CREATE TABLE state (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    rev            INTEGER NOT NULL,
    tombstone_floor INTEGER NOT NULL
);
INSERT INTO state (id, rev, tombstone_floor) VALUES (1, 0, 0);

-- Inserts are counted by the queue itself (one statement per batch); updates and deletes here.
CREATE TRIGGER jobs_count_update AFTER UPDATE OF status, priority ON jobs
WHEN old.status IS NOT new.status OR old.priority IS NOT new.priority
BEGIN
    UPDATE counts SET n = n - 1 WHERE status = old.status AND priority = old.priority;
    INSERT INTO counts (status, priority, n) VALUES (new.status, new.priority, 1)
        ON CONFLICT (status, priority) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER jobs_count_delete AFTER DELETE ON jobs
BEGIN
    UPDATE counts SET n = n - 1 WHERE status = old.status AND priority = old.priority;
END;
"""


def _migrate_0_to_1(conn: sqlite3.Connection) -> None:
    for statement in _split(_V1):
        conn.execute(statement)


def _split(script: str) -> list[str]:
    """Split a script into statements (triggers contain ';' inside BEGIN ... END)."""
    statements, current = [], []
    for line in script.splitlines():
        if line.strip().startswith("--") or not line.strip():
            continue
        current.append(line)
        joined = "\n".join(current)
        if sqlite3.complete_statement(joined):
            statements.append(joined)
            current = []
    return statements


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    # The (status, seq) index cost a third of the claim+complete throughput: every status change
    # moved an entry across it. Counts come from `counts`, claims from the partial indexes.
    conn.execute("DROP INDEX IF EXISTS jobs_status")


_V3_TRIGGERS = """
CREATE TRIGGER jobs_count_update AFTER UPDATE OF status, priority ON jobs
WHEN old.status IS NOT new.status OR old.priority IS NOT new.priority
BEGIN
    UPDATE counts SET n = n - 1 WHERE status = old.status AND priority = old.priority;
    INSERT INTO counts (status, priority, n) VALUES (new.status, new.priority, 1)
        ON CONFLICT (status, priority) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER jobs_finished_stats AFTER UPDATE OF status ON jobs
WHEN old.status = 'processing' AND new.status IN ('completed', 'failed')
BEGIN
    INSERT INTO counts (status, priority, n) VALUES ('~minute', CAST(new.completed_at / 60 AS INTEGER), 1)
        ON CONFLICT (status, priority) DO UPDATE SET n = n + 1;
    DELETE FROM counts WHERE status = '~minute' AND priority < CAST(new.completed_at / 60 AS INTEGER) - 10;
    UPDATE counts SET n = n + CAST(ROUND((new.completed_at - new.started_at) * 1000) AS INTEGER)
        WHERE status = '~busy_ms' AND new.status = 'completed' AND new.started_at IS NOT NULL;
    UPDATE counts SET n = n + 1
        WHERE status = '~timed' AND new.status = 'completed' AND new.started_at IS NOT NULL;
END;
"""


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    # Fewer pages written per commit (the cost of a claim or a completion is mostly pages written
    # to the WAL): the revision and the tombstone floor move into the `counts` page as special
    # rows ('~rev', '~floor'), and the completed_at index gives way to running totals kept by a
    # trigger in that same page ('~minute' buckets of finished jobs, '~busy_ms' and '~timed' for
    # the mean analysis time).
    conn.execute("INSERT INTO counts (status, priority, n) SELECT '~rev', 0, rev FROM state WHERE id = 1")
    conn.execute("INSERT INTO counts (status, priority, n) SELECT '~floor', 0, tombstone_floor FROM state WHERE id = 1")
    conn.execute("INSERT INTO counts (status, priority, n) SELECT '~busy_ms', 0, "
                 "COALESCE(CAST(SUM(ROUND((completed_at - started_at) * 1000)) AS INTEGER), 0) FROM jobs "
                 "WHERE status = 'completed' AND started_at IS NOT NULL AND completed_at IS NOT NULL")
    conn.execute("INSERT INTO counts (status, priority, n) SELECT '~timed', 0, COUNT(*) FROM jobs "
                 "WHERE status = 'completed' AND started_at IS NOT NULL AND completed_at IS NOT NULL")
    conn.execute("DROP TABLE state")
    conn.execute("DROP INDEX IF EXISTS jobs_finished")
    conn.execute("DROP TRIGGER IF EXISTS jobs_count_update")
    for statement in _split(_V3_TRIGGERS):
        conn.execute(statement)


_V4_TRIGGER = """
CREATE TRIGGER jobs_count_update AFTER UPDATE OF status, priority ON jobs
WHEN old.status IS NOT new.status OR old.priority IS NOT new.priority
BEGIN
    UPDATE counts SET n = n - 1 WHERE status = old.status AND priority = old.priority;
    INSERT INTO counts (status, priority, n) VALUES (new.status, new.priority, 1)
        ON CONFLICT (status, priority) DO UPDATE SET n = n + 1;
    UPDATE counts SET n = new.rev WHERE status = '~rev' AND priority = 0 AND n < new.rev;
END;
"""


def _migrate_3_to_4(conn: sqlite3.Connection) -> None:
    # One statement fewer per claim and per completion: a status change that sets the row's rev
    # to the next revision ((SELECT n + 1 ... '~rev')) advances '~rev' to it in the count trigger,
    # instead of a separate UPDATE ... RETURNING from Python. Writes that bump '~rev' first and
    # then set rev = ? are unaffected (the trigger's `n < new.rev` is false for them).
    conn.execute("DROP TRIGGER IF EXISTS jobs_count_update")
    for statement in _split(_V4_TRIGGER):
        conn.execute(statement)


# MIGRATIONS[v] upgrades a database at version v to v + 1, inside the caller's transaction.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    0: _migrate_0_to_1,
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
    3: _migrate_3_to_4,
}
