"""Measure how fast the frozen app starts: to `--version`, and to its main window on screen.

The window time is taken from outside: `stegnox --screenshot PNG` shows the main window, waits
SCREENSHOT_DELAY (1.5 s, set in gui/app.py) and saves it; the moment the PNG appears minus that
delay is the time from process start to a shown, loaded window. "Cold" runs first evict the app's
own files from the page cache (posix_fadvise DONTNEED, no root needed; system libraries stay cached).
The source checkout (`python -m stegnox_gui`) is measured in the same run as the baseline.
  python packaging/startup_time.py [--app packaging/out/dist/stegnox/stegnox] [--runs 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCREENSHOT_DELAY = 1.5


def evict(folder: Path) -> None:
    """Drop the page-cache pages of every file under folder (best effort)."""
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                continue
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "STEGNOX_"))}
    env.update(QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), HOME=str(home),
               STEGNOX_DATA_DIR=str(home / "data"))
    return env


def time_version(cmd: list[str]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run([*cmd, "--version"], check=True, capture_output=True, env=_env(Path(tmp)))
        return time.perf_counter() - t0


def time_window(cmd: list[str], timeout: float = 120.0) -> float:
    """Seconds from process start to the shown main window (screenshot time minus its fixed delay)."""
    with tempfile.TemporaryDirectory() as tmp:
        shot = Path(tmp) / "window.png"
        t0 = time.perf_counter()
        proc = subprocess.Popen([*cmd, "--screenshot", str(shot)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=_env(Path(tmp)))
        try:
            while not shot.exists():
                if proc.poll() is not None and not shot.exists():
                    raise RuntimeError(f"{cmd[0]} exited {proc.returncode} without drawing its window")
                if time.perf_counter() - t0 > timeout:
                    raise RuntimeError(f"{cmd[0]}: no window after {timeout:.0f} s")
                time.sleep(0.005)
            return time.perf_counter() - t0 - SCREENSHOT_DELAY
        finally:
            proc.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Startup time of the frozen StegnoX app.")
    parser.add_argument("--app", type=Path, default=HERE / "out" / "dist" / "stegnox" / "stegnox")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not args.app.is_file():
        raise SystemExit(f"{args.app} not found: run `make package` first")
    frozen, source = [str(args.app)], [sys.executable, "-m", "stegnox_gui"]

    def cold(cmd: list[str], what) -> float:
        evict(args.app.parent)
        return what(cmd)

    rows = [
        ("frozen --version, cold", [cold(frozen, time_version) for _ in range(args.runs)]),
        ("frozen --version, warm", [time_version(frozen) for _ in range(args.runs)]),
        ("frozen window, cold", [cold(frozen, time_window) for _ in range(args.runs)]),
        ("frozen window, warm", [time_window(frozen) for _ in range(args.runs)]),
        ("source window, warm (baseline)", [time_window(source) for _ in range(args.runs)]),
    ]
    print(f"StegnoX startup, {args.runs} runs each, median (min-max) seconds:")
    for label, values in rows:
        print(f"  {label:32s} {statistics.median(values):6.2f}  ({min(values):.2f}-{max(values):.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
