"""`stegnox --smoke-test IMAGE`: the flag the installer tests run on the frozen app."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from stegnox_gui.paths import resources_dir


def _run(*args, timeout=240):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "stegnox_gui", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


@pytest.mark.slow
def test_smoke_test_finds_the_bundled_sample_and_exits_zero(tmp_path):
    sample = resources_dir() / "samples" / "sample_stego.png"
    if not sample.is_file():
        pytest.skip("no bundled sample in this checkout")
    proc = _run("--smoke-test", str(sample), "--data-dir", str(tmp_path / "data"))
    line = json.loads(proc.stdout.strip().splitlines()[-1])
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    assert line["status"] == "completed" and line["found_data"] is True and line["verdict"] == "hidden_data"
    assert (tmp_path / "data").is_dir()  # the given data folder was used


@pytest.mark.slow
def test_smoke_test_exit_codes_for_clean_missing_and_timeout(tmp_path):
    from PIL import Image

    clean = tmp_path / "plain.png"
    Image.new("RGB", (32, 32), (200, 100, 50)).save(clean)
    proc = _run("--smoke-test", str(clean))
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1])["found_data"] is False
    proc = _run("--smoke-test", str(tmp_path / "missing.png"))
    line = json.loads(proc.stdout.strip().splitlines()[-1])
    assert proc.returncode == 1 and line["status"] == "failed" and line["error"]
    proc = _run("--smoke-test", str(clean), "--smoke-timeout", "0")
    assert proc.returncode == 2 and json.loads(proc.stdout.strip().splitlines()[-1])["timed_out"] is True
