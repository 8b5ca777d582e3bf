"""Build the Windows installer: PyInstaller one-folder app, then Inno Setup over it.

Runs on Windows only (the release workflow's windows job); it cannot run on the Linux dev machine.
  python packaging/build_windows.py [--iscc PATH]
Output: packaging/out/dist/StegnoX/ (StegnoX.exe windowed, stegnox-cli.exe console, _internal/)
and packaging/out/stegnox-<version>-windows-x64-setup.exe.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from app_version import read_version  # noqa: E402
from elf_tools import tree_size  # noqa: E402
from make_icons import make_icons  # noqa: E402

OUT = HERE / "out"
ISCC_DEFAULTS = (r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe", r"C:\Program Files\Inno Setup 6\ISCC.exe")


def find_iscc(given: str | None) -> str:
    for candidate in (given, shutil.which("iscc"), *ISCC_DEFAULTS):
        if candidate and Path(candidate).is_file():
            return candidate
    raise SystemExit("Inno Setup 6 (ISCC.exe) not found: install it (choco install innosetup) or pass --iscc")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the StegnoX Windows installer.")
    parser.add_argument("--iscc", help="path to ISCC.exe (default: PATH, then Program Files)")
    parser.add_argument("--app-only", action="store_true", help="stop after the one-folder app")
    args = parser.parse_args(argv)
    if sys.platform != "win32":
        raise SystemExit("build_windows.py runs on Windows (see .github/workflows/release.yml)")
    started = time.perf_counter()
    version = read_version()
    icons = make_icons(OUT / "icons")
    env = dict(os.environ, STEGNOX_ICON_DIR=str(OUT / "icons"))
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(OUT / "dist"), "--workpath", str(OUT / "build"),
                    str(HERE / "stegnox.spec")], check=True, cwd=ROOT, env=env)
    app = OUT / "dist" / "StegnoX"
    for exe in ("StegnoX.exe", "stegnox-cli.exe"):
        if not (app / exe).is_file():
            raise SystemExit(f"PyInstaller did not produce {app / exe}")
    print(f"one-folder app: {app} ({tree_size(app) / 2**20:.1f} MiB)")
    if args.app_only:
        return 0
    subprocess.run([find_iscc(args.iscc), f"/DAppVersion={version}", f"/DSourceDir={app}",
                    f"/DIconFile={icons['ico']}", f"/DOutputDir={OUT}", str(HERE / "windows" / "stegnox.iss")],
                   check=True)
    setup = OUT / f"stegnox-{version}-windows-x64-setup.exe"
    print(f"installer: {setup} ({setup.stat().st_size / 2**20:.1f} MiB), {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
