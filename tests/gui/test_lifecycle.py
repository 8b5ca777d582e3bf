"""Crash recovery at start, cancelling a running job, and closing with work in progress:
nothing is lost whichever answer is given."""
from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from PIL import Image

from stegnox_gui.gui.dialogs import CLOSE_FINISH, CLOSE_PAUSE, CLOSE_QUIT
from stegnox_gui.steg_queue.job_queue import JobQueue

from test_full_run import _cover


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _slow_images(folder, n, size=(2400, 1800)):
    folder.mkdir()
    for i in range(n):
        Image.fromarray(_cover(size, seed=40 + i)).save(folder / f"big{i}.png", compress_level=1)
    return folder


def test_jobs_left_running_by_a_crashed_app_are_recovered_and_reported(qtbot, make_window, data_dir, tmp_path):
    q = JobQueue(data_dir)
    ids = q.add_jobs([str(tmp_path / "a.png"), str(tmp_path / "b.png"), str(tmp_path / "c.png")])
    dead = f"gui@{socket.gethostname()}:{_dead_pid()}:1"
    q.get_next_job(dead)
    q.get_next_job(dead)
    assert q.count_jobs("processing") == 2
    w = make_window(queue=q)
    assert w.recovered == 2
    assert "Recovered 2 jobs" in w.statusBar().currentMessage()
    assert q.count_jobs("processing") == 0 and q.count_jobs("pending") == 3
    assert {w.model.row_at(r).job_id for r in range(3)} == set(ids)


@pytest.mark.slow
def test_cancel_reaches_a_running_job(qtbot, make_window, settings, tmp_path):
    _slow_images(tmp_path / "big", 1)
    settings.workers = 1
    w = make_window(start_workers=True)
    with qtbot.waitSignal(w.jobs_added, timeout=20_000):
        w.add_paths([str(tmp_path / "big")])
    qtbot.waitUntil(lambda: len(w.bridge.running) == 1, timeout=120_000)
    job_id = next(iter(w.bridge.running))
    qtbot.waitUntil(lambda: w.select_job(job_id), timeout=5000)
    with qtbot.waitSignal(w.bridge.cancelled, timeout=30_000) as got:
        assert w.cancel_selected() == 1
    assert got.args[0] == job_id
    assert w.queue.get_job(job_id)["status"] == "cancelled"
    assert not w.bridge.running


@pytest.mark.slow
def test_quit_now_hands_running_jobs_back_and_a_restart_runs_them(qtbot, make_window, settings, data_dir, tmp_path):
    _slow_images(tmp_path / "big", 2)
    settings.workers = 1
    w = make_window(start_workers=True)
    w.dialogs.close_answer = CLOSE_QUIT
    with qtbot.waitSignal(w.jobs_added, timeout=20_000):
        w.add_paths([str(tmp_path / "big")])
    qtbot.waitUntil(lambda: len(w.bridge.running) == 1, timeout=120_000)
    w.close()
    assert not w.isVisible()
    assert w.dialogs.asked[-1][0] == "close"
    statuses = [j["status"] for j in w.queue.list_jobs(limit=None)]
    assert sorted(statuses) == ["pending", "pending"]  # the running one went back to the queue


@pytest.mark.slow
def test_pause_on_close_finishes_the_running_job_then_quits(qtbot, make_window, settings, tmp_path):
    _slow_images(tmp_path / "big", 2, size=(1200, 900))
    settings.workers = 1
    w = make_window(start_workers=True)
    w.dialogs.close_answer = CLOSE_PAUSE
    with qtbot.waitSignal(w.jobs_added, timeout=20_000):
        w.add_paths([str(tmp_path / "big")])
    qtbot.waitUntil(lambda: len(w.bridge.running) == 1, timeout=120_000)
    w.close()
    assert w.isVisible() and w.workers.paused  # still finishing
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=120_000)
    statuses = sorted(j["status"] for j in w.queue.list_jobs(limit=None))
    assert statuses == ["completed", "pending"]


@pytest.mark.slow
def test_finish_on_close_runs_the_queue_to_the_end_then_quits(qtbot, make_window, settings, tmp_path):
    _slow_images(tmp_path / "big", 2, size=(600, 400))
    settings.workers = 1
    w = make_window(start_workers=True)
    w.dialogs.close_answer = CLOSE_FINISH
    with qtbot.waitSignal(w.jobs_added, timeout=20_000):
        w.add_paths([str(tmp_path / "big")])
    qtbot.waitUntil(lambda: len(w.bridge.running) == 1, timeout=120_000)
    w.close()
    assert w.isVisible()
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=120_000)
    assert sorted(j["status"] for j in w.queue.list_jobs(limit=None)) == ["completed", "completed"]
