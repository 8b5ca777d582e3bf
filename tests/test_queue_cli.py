"""`stegnox queue`: add (files, folders, recursion, skipped files), list, stats, cancel, retry, cleanup."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from stegnox_gui.cli.main import main
from stegnox_gui.steg_queue import JobQueue


@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "evidence"
    (root / "sub" / "deeper").mkdir(parents=True)
    Image.new("RGB", (4, 4), "red").save(root / "a.png")
    Image.new("RGB", (4, 4), "blue").save(root / "sub" / "b.jpg")
    Image.new("L", (4, 4)).save(root / "sub" / "deeper" / "c.bmp")
    (root / "notes.txt").write_text("not an image")
    (root / "sub" / "data.bin").write_bytes(os.urandom(64))
    os.symlink(root, root / "sub" / "loop")  # a symlink loop back to the top
    return root


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_files_and_list(tmp_path, tree, capsys) -> None:
    data = str(tmp_path / "data")
    code, out, _ = cli(capsys, "queue", "add", str(tree / "a.png"), str(tree / "notes.txt"), "--data-dir", data)
    assert code == 0
    assert "Queued 1 image" in out and "Skipped 1 file" in out
    code, out, _ = cli(capsys, "queue", "list", "--data-dir", data)
    assert code == 0 and str(tree / "a.png") in out and "pending" in out


def test_add_folder_recursive_skips_non_images_and_loops(tmp_path, tree, capsys) -> None:
    data = str(tmp_path / "data")
    code, out, _ = cli(capsys, "queue", "add", str(tree), "--recursive", "--priority", "high", "--json",
                       "--data-dir", data)
    assert code == 0
    report = json.loads(out)
    assert sorted(Path(a["image_path"]).name for a in report["added"]) == ["a.png", "b.jpg", "c.bmp"]
    assert report["skipped"] == 2
    with JobQueue(data) as q:
        assert q.count_jobs() == 3
        assert q.get_queue_stats()["pending_by_priority"]["high"] == 3


def test_add_folder_without_recursive_takes_its_own_files_only(tmp_path, tree, capsys) -> None:
    data = str(tmp_path / "data")
    code, out, _ = cli(capsys, "queue", "add", str(tree), "--json", "--data-dir", data)
    assert code == 0
    assert [Path(a["image_path"]).name for a in json.loads(out)["added"]] == ["a.png"]


def test_add_missing_path(tmp_path, capsys) -> None:
    code, out, err = cli(capsys, "queue", "add", str(tmp_path / "nope.png"), "--data-dir", str(tmp_path / "d"))
    assert code == 1
    assert "Not found" in err and "Queued 0 images" in out


def test_list_status_limit_and_json(tmp_path, tree, capsys) -> None:
    data = str(tmp_path / "data")
    with JobQueue(data) as q:
        ids = q.add_jobs([str(tree / "a.png")] * 5)
        q.get_next_job("w")
        q.mark_job_failed(ids[0], "Not an image")
    code, out, _ = cli(capsys, "queue", "list", "--status", "failed", "--data-dir", data)
    assert code == 0 and ids[0] in out and "Not an image" in out and ids[1] not in out
    code, out, _ = cli(capsys, "queue", "list", "--limit", "2", "--json", "--data-dir", data)
    listing = json.loads(out)
    assert listing["total"] == 5 and [j["job_id"] for j in listing["jobs"]] == ids[:2]
    code, out, _ = cli(capsys, "queue", "list", "--limit", "2", "--data-dir", data)
    assert "1-2 of 5" in out
    code, out, _ = cli(capsys, "queue", "list", "--status", "cancelled", "--data-dir", data)
    assert "No jobs with status cancelled" in out


def test_stats(tmp_path, capsys) -> None:
    data = str(tmp_path / "data")
    with JobQueue(data) as q:
        q.add_jobs(["/a.png", "/b.png"], priority="low")
    code, out, _ = cli(capsys, "queue", "stats", "--data-dir", data)
    assert code == 0 and "Jobs: 2" in out and "low 2" in out
    code, out, _ = cli(capsys, "queue", "stats", "--json", "--data-dir", data)
    stats = json.loads(out)
    assert stats["pending"] == 2 and stats["pending_by_priority"]["low"] == 2


def test_cancel_and_retry(tmp_path, capsys) -> None:
    data = str(tmp_path / "data")
    with JobQueue(data) as q:
        job_id = q.add_job("/a.png")
    code, out, _ = cli(capsys, "queue", "cancel", job_id, "--data-dir", data)
    assert code == 0 and "Cancelled" in out
    code, _, err = cli(capsys, "queue", "cancel", job_id, "--data-dir", data)
    assert code == 1 and "it is cancelled" in err
    code, _, err = cli(capsys, "queue", "retry", "no-such-id", "--data-dir", data)
    assert code == 1 and "no such job" in err
    code, out, _ = cli(capsys, "queue", "retry", job_id, "--json", "--data-dir", data)
    assert code == 0 and json.loads(out) == {"retried": [{"job_id": job_id, "ok": True}]}
    with JobQueue(data) as q:
        assert q.get_job(job_id)["status"] == "pending"


def test_cleanup(tmp_path, capsys) -> None:
    data = tmp_path / "data"
    with JobQueue(data) as q:
        job_id = q.add_job("/a.png")
        q.get_next_job("w")
        q.mark_job_complete(job_id, {})
        with sqlite3.connect(q.db_path) as conn:
            conn.execute("UPDATE jobs SET completed_at = completed_at - 40 * 86400")
    (data / "results" / job_id).mkdir(parents=True)
    code, out, _ = cli(capsys, "queue", "cleanup", "--days", "30", "--data-dir", str(data))
    assert code == 0 and "Removed 1 finished job older than 30 days" in out
    assert not (data / "results" / job_id).exists()
    code, _, err = cli(capsys, "queue", "cleanup", "--days", "-1", "--data-dir", str(data))
    assert code == 2 and "0 or more" in err


def test_corrupt_database_is_a_clear_error(tmp_path, capsys) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "queue.db").write_bytes(b"garbage" * 1000)
    code, _, err = cli(capsys, "queue", "stats", "--data-dir", str(data))
    assert code == 2
    assert str(data / "queue.db") in err and "Traceback" not in err


def test_env_data_dir_and_console_script(tmp_path) -> None:
    Image.new("RGB", (4, 4)).save(tmp_path / "a.png")
    env = dict(os.environ, STEGNOX_DATA_DIR=str(tmp_path / "envdata"))
    done = subprocess.run([sys.executable, "-m", "stegnox_gui", "queue", "add", str(tmp_path / "a.png"), "--json"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    with JobQueue(tmp_path / "envdata") as q:
        assert [j["image_path"] for j in q.list_jobs()] == [str(tmp_path / "a.png")]


def test_command_names_match_the_parser_and_version_loads_no_engine():
    """`stegnox --version` answers without importing numpy; every subcommand is routed to the parser."""
    import subprocess
    import sys

    from stegnox_gui.cli import main as cli_main

    choices = cli_main.build_parser()._subparsers._group_actions[0].choices
    assert set(choices) == set(cli_main.COMMAND_NAMES)
    code = ("import sys; from stegnox_gui.cli.main import main; main(['--version']); "
            "sys.exit(1 if 'numpy' in sys.modules else 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("StegnoX ")
