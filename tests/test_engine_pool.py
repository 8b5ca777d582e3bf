"""EnginePool: analyses in reused worker processes; crashes, hangs, memory and cancel are contained.

A fake engine (tests/worker_fakes.py) picks its behaviour from the file name, so these tests check
the pool's machinery, not the speed of the real methods. One test runs the real engine.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from stegnox_gui.engine.errors import AnalysisCancelled, ImageLoadError
from stegnox_gui.worker.engine_pool import EnginePool
from stegnox_gui.worker.errors import AnalysisFailed

import worker_fakes

FAKE = "worker_fakes:make_engine"


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pool-images")
    for name in ("ok.png", "ok2.png", "crash.png", "exit.png", "hang.png", "boom.png", "bigmem.png", "slow.png"):
        (root / name).write_bytes(b"fake")
    return root


@pytest.fixture(scope="module")
def pool():
    with EnginePool(1, time_limit=1.5, memory_limit_mb=1024, engine_factory=FAKE) as p:
        yield p


def test_result_and_progress(pool, images) -> None:
    seen: list[tuple[float, str]] = []
    result = pool.analyze(images / "ok.png", progress=lambda f, m: seen.append((f, m)))
    assert result["message"] == "Nothing in ok.png"
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)
    assert seen[-1] == (1.0, f"step{worker_fakes.STEPS}")
    assert len(seen) == worker_fakes.STEPS


def test_process_is_reused(pool, images) -> None:
    first = pool.analyze(images / "ok.png")["pid"]
    second = pool.analyze(images / "ok2.png")["pid"]
    assert first == second
    assert pool.worker_pids() == [first]


def test_output_dir_is_passed(pool, images, tmp_path) -> None:
    pool.analyze(images / "ok.png", output_dir=tmp_path / "out")
    assert (tmp_path / "out" / "payload.txt").read_text() == "carved"


def test_crash_fails_that_job_and_the_process_is_replaced(pool, images) -> None:
    before = pool.analyze(images / "ok.png")["pid"]
    with pytest.raises(AnalysisFailed, match=r"crashed \(signal 11: SIGSEGV\)"):
        pool.analyze(images / "crash.png")
    after = pool.analyze(images / "ok.png")["pid"]
    assert after != before


def test_unexpected_exit(pool, images) -> None:
    with pytest.raises(AnalysisFailed, match="exited unexpectedly \\(exit code 7\\)"):
        pool.analyze(images / "exit.png")
    assert pool.analyze(images / "ok.png")["message"] == "Nothing in ok.png"


def test_hang_times_out(pool, images) -> None:
    with pytest.raises(AnalysisFailed, match="timed out after 1.5 s"):
        pool.analyze(images / "hang.png")
    assert pool.analyze(images / "ok.png")["message"] == "Nothing in ok.png"


def test_exception_message(pool, images) -> None:
    with pytest.raises(AnalysisFailed, match="RuntimeError: fake method blew up"):
        pool.analyze(images / "boom.png")


def test_engine_errors_keep_their_class(pool, images) -> None:
    with pytest.raises(ImageLoadError, match="missing.png: file not found"):
        pool.analyze(images / "missing.png")


def test_memory_limit(pool, images) -> None:
    with pytest.raises(AnalysisFailed, match=r"out of memory \(limit 1024 MB\)"):
        pool.analyze(images / "bigmem.png")
    assert pool.analyze(images / "ok.png")["message"] == "Nothing in ok.png"


def test_cancel_stops_at_next_method(pool, images) -> None:
    seen: list[float] = []
    with pytest.raises(AnalysisCancelled):
        pool.analyze(images / "slow.png", progress=lambda f, m: seen.append(f), cancel=lambda: len(seen) >= 2)
    assert 2 <= len(seen) < worker_fakes.STEPS  # stopped early, at a method boundary
    assert pool.analyze(images / "ok.png")["message"] == "Nothing in ok.png"


def test_threads_share_the_pool(images) -> None:
    results: list[dict] = []
    errors: list[BaseException] = []
    with EnginePool(2, engine_factory=FAKE) as pool:
        def work() -> None:
            try:
                results.append(pool.analyze(images / "ok.png"))
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert errors == []
        assert len(results) == 5
        assert {r["pid"] for r in results} <= set(pool.worker_pids())
        assert len(pool.worker_pids()) <= 2


def test_closed_pool_refuses(images) -> None:
    pool = EnginePool(1, engine_factory=FAKE)
    pool.close()
    with pytest.raises(AnalysisFailed, match="closed"):
        pool.analyze(images / "ok.png")


def test_close_while_running_fails_the_analysis(images) -> None:
    pool = EnginePool(1, engine_factory=FAKE)
    pool.start()
    errors: list[BaseException] = []
    thread = threading.Thread(target=lambda: _catch(errors, pool.analyze, images / "hang.png"))
    thread.start()
    time.sleep(0.3)
    pool.close()
    thread.join(30)
    assert not thread.is_alive()
    assert isinstance(errors[0], AnalysisFailed)
    assert pool.worker_pids() == []


def test_bad_factory_is_a_clear_error(images) -> None:
    with EnginePool(1, engine_factory="no_such_module_xyz:make") as pool:
        with pytest.raises(AnalysisFailed, match="could not start.*no_such_module_xyz"):
            pool.analyze(images / "ok.png")


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        EnginePool(0)
    with pytest.raises(ValueError):
        EnginePool(1, time_limit=-1)


def test_real_engine(tmp_path) -> None:
    rng = np.random.default_rng(1)
    path = tmp_path / "noise.png"
    Image.fromarray(rng.integers(0, 256, (48, 64, 3), dtype=np.uint8)).save(path)
    fractions: list[float] = []
    with EnginePool(1) as pool:
        result = pool.analyze(path, output_dir=tmp_path / "out", progress=lambda f, m: fractions.append(f))
        with pytest.raises(ImageLoadError):
            pool.analyze(tmp_path / "missing.png")
    assert result["verdict"] in ("clean", "suspicious", "hidden_data")
    assert result["image"]["width"] == 64
    assert fractions and fractions[-1] == 1.0


def _catch(errors: list, fn, *args) -> None:
    try:
        fn(*args)
    except BaseException as exc:
        errors.append(exc)


def test_broken_callbacks_do_not_stop_the_analysis(pool, images) -> None:
    def bad_progress(fraction, method):
        raise RuntimeError("listener bug")

    def bad_cancel():
        raise RuntimeError("listener bug")

    result = pool.analyze(images / "ok.png", progress=bad_progress, cancel=bad_cancel)
    assert result["message"] == "Nothing in ok.png"
