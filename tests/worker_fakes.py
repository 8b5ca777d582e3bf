"""A fake engine for the worker tests, loaded in the engine's worker processes by
EnginePool(engine_factory="worker_fakes:make_engine"). What it does depends on the image's file
name, so one pool can be driven through every case: crash, exit, hang, boom, bigmem, slow, ok."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from stegnox_gui.engine.errors import AnalysisCancelled, ImageLoadError

STEPS = 10


class FakeEngine:
    def __init__(self, pixel_limit: int) -> None:
        self.pixel_limit = pixel_limit

    def extract_all_methods(self, image_path, *, output_dir=None, methods=None, progress=None, cancel=None):
        name = Path(image_path).name
        if not Path(image_path).exists():
            raise ImageLoadError(f"{name}: file not found")
        if "crash" in name:
            os.kill(os.getpid(), signal.SIGSEGV)
        if "exit" in name:
            os._exit(7)
        if "hang" in name:
            time.sleep(3600)
        if "boom" in name:
            raise RuntimeError("fake method blew up")
        if "bigmem" in name:
            hog = bytearray(3 * 1024 ** 3)  # over the test's memory limit: MemoryError
            return {"size": len(hog)}
        step = 0.2 if "slow" in name else 0.01
        for i in range(STEPS):
            if cancel is not None and cancel():
                raise AnalysisCancelled("Cancelled")
            time.sleep(step)
            if progress is not None:
                progress((i + 1) / STEPS, f"step{i + 1}")
        if output_dir is not None:
            Path(output_dir).mkdir(parents=True, exist_ok=True)
            (Path(output_dir) / "payload.txt").write_text("carved")
        return {"found_data": False, "verdict": "clean", "score": 0.0, "message": f"Nothing in {name}",
                "findings": [], "pid": os.getpid()}


def make_engine(pixel_limit: int) -> FakeEngine:
    return FakeEngine(pixel_limit)
