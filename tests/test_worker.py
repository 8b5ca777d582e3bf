"""The job runner, retention, and `stegnox worker` end to end (Ctrl-C hands jobs back)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from stegnox_gui.steg_queue import JobQueue
from stegnox_gui.worker.engine_pool import EnginePool
from stegnox_gui.worker.job_runner import NullEvents, run_next_job
from stegnox_gui.worker.results_dirs import job_dir_name, job_results_dir
from stegnox_gui.worker.retention import DailyCleanup, cleanup

import worker_fakes

REPO = Path(__file__).resolve().parent.parent
FAKE = "worker_fakes:make_engine"


class Recorder(NullEvents):
    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.started_event = threading.Event()

    def started(self, job):
        self.calls.append(("started", job["job_id"]))
        self.started_event.set()

    def progress(self, job_id, fraction, method):
        self.calls.append(("progress", job_id, fraction))

    def finished(self, job_id, result):
        self.calls.append(("finished", job_id, result["message"]))

    def failed(self, job_id, error):
        self.calls.append(("failed", job_id, error))

    def cancelled(self, job_id):
        self.calls.append(("cancelled", job_id))

    def released(self, job_id):
        self.calls.append(("released", job_id))

    def kinds(self) -> list[str]:
        return [c[0] for c in self.calls if c[0] != "progress"]

    def fractions(self) -> list[float]:
        return [c[2] for c in self.calls if c[0] == "progress"]


@pytest.fixture(scope="module")
def pool():
    with EnginePool(1, time_limit=20, memory_limit_mb=1024, engine_factory=FAKE) as p:
        p.start()
        yield p


@pytest.fixture
def queue(tmp_path):
    with JobQueue(tmp_path / "data") as q:
        yield q


def image(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(b"fake")
    return str(path)


def run(queue, pool, tmp_path, events=None, **kw):
    return run_next_job(queue, pool, worker_id="w1", results_root=tmp_path / "results", events=events, **kw)


def test_nothing_pending(queue, pool, tmp_path) -> None:
    assert run(queue, pool, tmp_path) is None


def test_completes_job_with_events_and_carved_files(queue, pool, tmp_path) -> None:
    job_id = queue.add_job(image(tmp_path, "ok.png"))
    events = Recorder()
    assert run(queue, pool, tmp_path, events) == job_id
    assert events.kinds() == ["started", "finished"]
    assert events.fractions()[-1] == 1.0
    job = queue.get_job(job_id)
    assert job["status"] == "completed"
    assert job["message"] == "Nothing in ok.png"
    assert (job_results_dir(tmp_path / "results", job_id) / "payload.txt").read_text() == "carved"


def test_engine_failure_fails_the_job(queue, pool, tmp_path) -> None:
    boom = queue.add_job(image(tmp_path, "boom.png"))
    missing = queue.add_job(str(tmp_path / "missing.png"))
    crash = queue.add_job(image(tmp_path, "crash.png"))
    events = Recorder()
    for _ in range(3):
        run(queue, pool, tmp_path, events)
    assert queue.get_job(boom)["error"] == "RuntimeError: fake method blew up"
    assert queue.get_job(missing)["error"] == "missing.png: file not found"
    assert "crashed" in queue.get_job(crash)["error"]
    assert all(queue.get_job(j)["status"] == "failed" for j in (boom, missing, crash))
    assert events.kinds() == ["started", "failed"] * 3
    assert not job_results_dir(tmp_path / "results", boom).exists()


def test_cancel_in_queue_stops_running_analysis(queue, pool, tmp_path) -> None:
    job_id = queue.add_job(image(tmp_path, "slow.png"))
    events = Recorder()
    thread = threading.Thread(target=run, args=(queue, pool, tmp_path, events), kwargs={"poll_interval": 0.1})
    thread.start()
    assert events.started_event.wait(30)
    assert queue.cancel_job(job_id)
    thread.join(30)
    assert events.kinds() == ["started", "cancelled"]
    assert not events.fractions() or events.fractions()[-1] < 1.0  # stopped before the end
    job = queue.get_job(job_id)
    assert job["status"] == "cancelled" and job["results"] is None
    assert not job_results_dir(tmp_path / "results", job_id).exists()


def test_should_stop_hands_the_job_back(queue, pool, tmp_path) -> None:
    job_id = queue.add_job(image(tmp_path, "slow.png"))
    events = Recorder()
    stop = threading.Event()
    thread = threading.Thread(target=run, args=(queue, pool, tmp_path, events), kwargs={"should_stop": stop.is_set})
    thread.start()
    assert events.started_event.wait(30)
    stop.set()
    thread.join(30)
    assert events.kinds() == ["started", "released"]
    job = queue.get_job(job_id)
    assert (job["status"], job["attempts"], job["worker_id"]) == ("pending", 0, None)
    assert run(queue, pool, tmp_path, should_stop=stop.is_set) is None  # stopping: claims nothing


def test_heartbeat_keeps_a_long_job(tmp_path, pool) -> None:
    with JobQueue(tmp_path / "data", lease_seconds=1.0) as queue:
        job_id = queue.add_job(image(tmp_path, "slow.png"))  # ~2 s, over two leases
        events = Recorder()
        thread = threading.Thread(target=run, args=(queue, pool, tmp_path, events))
        thread.start()
        assert events.started_event.wait(30)
        stolen = []
        while thread.is_alive():
            job = queue.get_next_job("thief")
            if job:
                stolen.append(job)
            time.sleep(0.1)
        thread.join()
        assert stolen == []
        job = queue.get_job(job_id)
        assert (job["status"], job["attempts"]) == ("completed", 1)


def test_broken_event_handler_does_not_strand_the_job(queue, pool, tmp_path) -> None:
    class Broken(NullEvents):
        def started(self, job):
            raise RuntimeError("listener bug")

        def finished(self, job_id, result):
            raise RuntimeError("listener bug")

    job_id = queue.add_job(image(tmp_path, "ok.png"))
    assert run(queue, pool, tmp_path, Broken()) == job_id
    assert queue.get_job(job_id)["status"] == "completed"


def test_closed_pool_hands_the_job_back(queue, tmp_path) -> None:
    closed = EnginePool(1, engine_factory=FAKE)
    closed.close()
    job_id = queue.add_job(image(tmp_path, "ok.png"))
    events = Recorder()
    run(queue, closed, tmp_path, events)
    assert events.kinds() == ["started", "released"]
    assert queue.get_job(job_id)["status"] == "pending"


def test_engine_that_cannot_start_hands_the_job_back(queue, tmp_path) -> None:
    from stegnox_gui.worker.errors import WorkerStartError

    job_id = queue.add_job(image(tmp_path, "ok.png"))
    with EnginePool(1, engine_factory="no_such_module_xyz:make") as broken:
        with pytest.raises(WorkerStartError, match="no_such_module_xyz"):
            run(queue, broken, tmp_path)
    job = queue.get_job(job_id)
    assert (job["status"], job["attempts"]) == ("pending", 0)


def test_results_dir_names_are_safe(tmp_path) -> None:
    assert job_dir_name("01a2-7000-beef") == "01a2-7000-beef"
    for bad in ("../../etc", "a/b", "..", "x" * 300, ".hidden"):
        name = job_dir_name(bad)
        assert "/" not in name and not name.startswith(".") and len(name) <= 100
    assert job_results_dir(tmp_path, "../x").parent == tmp_path


# ------------------------------------------------------------------------------------- retention
def finish(queue, path: str, results_root: Path) -> str:
    job_id = queue.add_job(path)
    assert queue.get_next_job("w")["job_id"] == job_id
    queue.mark_job_complete(job_id, {"verdict": "clean"})
    folder = job_results_dir(results_root, job_id)
    folder.mkdir(parents=True)
    (folder / "carved.bin").write_bytes(b"x")
    return job_id


def backdate(queue, job_id: str, days: float) -> None:
    import sqlite3

    with sqlite3.connect(queue.db_path) as conn:
        conn.execute("UPDATE jobs SET completed_at = completed_at - ? WHERE job_id = ?", (days * 86400, job_id))


def test_cleanup_removes_old_jobs_and_their_folders(queue, tmp_path) -> None:
    root = tmp_path / "results"
    old = finish(queue, "/old.png", root)
    new = finish(queue, "/new.png", root)
    pending = queue.add_job("/pending.png")
    backdate(queue, old, 45)
    young_orphan = root / "orphan-young"
    old_orphan = root / "orphan-old"
    young_orphan.mkdir()
    old_orphan.mkdir()
    os.utime(old_orphan, (time.time() - 7200, time.time() - 7200))
    assert cleanup(queue, root, 30) == 1
    assert queue.get_job(old) is None and not job_results_dir(root, old).exists()
    assert queue.get_job(new) and job_results_dir(root, new).exists()
    assert queue.get_job(pending)["status"] == "pending"
    assert young_orphan.exists() and not old_orphan.exists()


def test_daily_cleanup_runs_at_start_then_daily(queue, tmp_path) -> None:
    now = [1000.0]
    daily = DailyCleanup(queue, tmp_path / "results", 30, clock=lambda: now[0])
    old = finish(queue, "/old.png", tmp_path / "results")
    backdate(queue, old, 40)
    assert daily.run_if_due() == 1
    old2 = finish(queue, "/old2.png", tmp_path / "results")
    backdate(queue, old2, 40)
    now[0] += 3600
    assert daily.run_if_due() is None  # not due yet
    assert queue.get_job(old2) is not None
    now[0] += 86400
    assert daily.run_if_due() == 1
    assert DailyCleanup(queue, tmp_path / "results", 0).run_if_due() is None  # 0 days: keep forever


# ------------------------------------------------------------------------------------- CLI worker
def make_images(folder: Path, names: list[str]) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    paths = []
    for name in names:
        path = folder / name
        Image.fromarray(rng.integers(0, 256, (32, 40, 3), dtype=np.uint8)).save(path)
        paths.append(str(path))
    return paths


def worker_cmd(data_dir: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "stegnox_gui", "worker", "--data-dir", str(data_dir), *extra]


def env() -> dict:
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "tests")]))


def test_worker_once_with_fake_engine(tmp_path) -> None:
    data = tmp_path / "data"
    with JobQueue(data) as queue:
        ids = queue.add_jobs(make_images(tmp_path / "imgs", ["a.png", "b.png", "boom.png"]))
    done = subprocess.run(worker_cmd(data, "--once", "--workers", "2", "--engine-factory", FAKE),
                          capture_output=True, text=True, timeout=120, env=env())
    assert done.returncode == 0, done.stderr
    assert "Worker stopped: 2 done, 1 failed" in done.stdout
    with JobQueue(data) as queue:
        statuses = [queue.get_job(j)["status"] for j in ids]
    assert statuses == ["completed", "completed", "failed"]


def test_worker_with_broken_engine_stops_and_fails_nothing(tmp_path) -> None:
    data = tmp_path / "data"
    with JobQueue(data) as queue:
        ids = queue.add_jobs(make_images(tmp_path / "imgs", ["a.png", "b.png"]))
    done = subprocess.run(worker_cmd(data, "--once", "--workers", "2", "--engine-factory", "no_such_module_xyz:make"),
                          capture_output=True, text=True, timeout=120, env=env())
    assert done.returncode == 1
    assert "could not start" in done.stdout and "no_such_module_xyz" in done.stdout
    with JobQueue(data) as queue:
        assert [queue.get_job(j)["status"] for j in ids] == ["pending", "pending"]


def test_worker_once_with_real_engine(tmp_path) -> None:
    data = tmp_path / "data"
    with JobQueue(data) as queue:
        ids = queue.add_jobs(make_images(tmp_path / "imgs", ["one.png", "two.png"]))
        queue.add_job(str(tmp_path / "imgs" / "gone.png"))
    done = subprocess.run(worker_cmd(data, "--once", "--workers", "1"), capture_output=True, text=True,
                          timeout=300, env=env())
    assert done.returncode == 0, done.stderr
    with JobQueue(data) as queue:
        jobs = [queue.get_job(j) for j in ids]
        assert queue.count_jobs("failed") == 1
        assert queue.count_jobs("processing") == 0
    assert all(j["status"] == "completed" and j["verdict"] in ("clean", "suspicious", "hidden_data") for j in jobs)


def test_worker_hands_its_word_list_to_the_engine_processes(tmp_path) -> None:
    """A passphrase only the word list knows opens the steghide file inside the worker's processes."""
    corpus = REPO / "tests" / "data" / "corpus-dev"
    entry = next(e for e in json.loads((corpus / "manifest.json").read_text())
                 if e["tool"] == "steghide" and e["params"]["passphrase"])
    words = tmp_path / "words.txt"
    words.write_text(f"not-it\n{entry['params']['passphrase']}\n")
    data = tmp_path / "data"
    with JobQueue(data) as queue:
        job_id = queue.add_job(str(corpus / entry["file"]))
    done = subprocess.run(worker_cmd(data, "--once", "--workers", "1", "--no-common-passwords", "-w", str(words)),
                          capture_output=True, text=True, timeout=300, env=env())
    assert done.returncode == 0, done.stderr
    with JobQueue(data) as queue:
        job = queue.get_job(job_id)
    assert job["status"] == "completed" and job["verdict"] == "hidden_data"
    steghide = [f for f in job["results"]["findings"] if f["method"] == "steghide"]
    assert steghide and steghide[0]["params"]["passphrase_source"] == "word list"


def _start_worker_on_slow_jobs(tmp_path):
    data = tmp_path / "data"
    with JobQueue(data) as queue:
        ids = queue.add_jobs(make_images(tmp_path / "imgs", ["slow1.png", "slow2.png", "slow3.png"]))
    proc = subprocess.Popen(worker_cmd(data, "--workers", "1", "--engine-factory", FAKE), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env())
    queue = JobQueue(data)
    deadline = time.monotonic() + 60
    while queue.count_jobs("processing") == 0:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the worker never claimed a job"
        time.sleep(0.05)
    return proc, queue, ids


def _read_until(proc, text: str) -> str:
    """Lines of the worker's output up to the one containing `text` (the worker prints it)."""
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if text in line:
            return "".join(seen)
    raise AssertionError(f"the worker ended without printing {text!r}: {''.join(seen)}")


@pytest.mark.parametrize("how", ["ctrl-c twice", "sigterm"])
def test_stopping_now_hands_jobs_back(tmp_path, how) -> None:
    proc, queue, ids = _start_worker_on_slow_jobs(tmp_path)
    try:
        if how == "sigterm":
            proc.send_signal(signal.SIGTERM)
        else:
            proc.send_signal(signal.SIGINT)
            # Two signals arriving together count once: wait until the first was taken.
            _read_until(proc, "Ctrl-C again")
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Stopping now: jobs in hand go back to the queue" in out
    jobs = [queue.get_job(j) for j in ids]
    queue.close()
    assert [j["status"] for j in jobs] == ["pending"] * 3
    assert all(j["attempts"] == 0 for j in jobs)


def test_ctrl_c_once_finishes_the_job_in_hand(tmp_path) -> None:
    proc, queue, ids = _start_worker_on_slow_jobs(tmp_path)
    try:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    statuses = [queue.get_job(j)["status"] for j in ids]
    queue.close()
    assert statuses == ["completed", "pending", "pending"]
    assert "Worker stopped: 1 done" in out


def test_two_workers_share_a_data_dir(tmp_path) -> None:
    data = tmp_path / "data"
    with JobQueue(data) as queue:
        ids = queue.add_jobs(make_images(tmp_path / "imgs", [f"img{i}.png" for i in range(12)]))
    procs = [subprocess.Popen(worker_cmd(data, "--once", "--workers", "1", "--engine-factory", FAKE),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env()) for _ in range(2)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with JobQueue(data) as queue:
        jobs = [queue.get_job(j) for j in ids]
    assert all(j["status"] == "completed" and j["attempts"] == 1 for j in jobs)
