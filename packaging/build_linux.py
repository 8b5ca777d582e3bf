"""Build the Linux artifacts into packaging/out/: the frozen one-folder app, the .deb and the .tar.gz.

  1. icons from resources/icons/stegnox.svg (make_icons.py)
  2. PyInstaller one-folder build from packaging/stegnox.spec -> out/dist/stegnox/
  3. strip the bundled libraries (reports the size before and after)
  4. check that every library the bundle needs is either bundled or a system library
  5. stegnox_<version>_amd64.deb (dpkg-deb --root-owner-group -Zzstd)
  6. stegnox-<version>-linux-x86_64.tar.gz
Prints build time and sizes, and writes them to out/build-summary.json. Run by `make package`.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from app_version import read_version  # noqa: E402
from deb import build_deb, runtime_depends, stage_deb  # noqa: E402
from elf_tools import external_needs, strip_tree, tree_size  # noqa: E402
from make_icons import make_icons  # noqa: E402
from portable import build_portable  # noqa: E402

OUT = HERE / "out"
APP_NAME = "stegnox"
# Libraries the bundle must carry itself: a missing one means the freeze rules dropped too much.
MUST_BE_BUNDLED = re.compile(r"^(libQt6|libpyside6|libshiboken6|libpython3)")


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def freeze(out: Path, *, clean: bool) -> Path:
    """Run PyInstaller on the spec; return the one-folder app directory."""
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", str(out / "dist"), "--workpath", str(out / "build"), str(HERE / "stegnox.spec")]
    if clean:
        cmd.insert(3, "--clean")
    env = dict(os.environ, STEGNOX_ICON_DIR=str(out / "icons"))
    subprocess.run(cmd, check=True, cwd=ROOT, env=env)
    app = out / "dist" / APP_NAME
    if not (app / APP_NAME).is_file():
        raise SystemExit(f"PyInstaller did not produce {app / APP_NAME}")
    return app


def check_needs(app: Path) -> dict[str, list[str]]:
    """Fail when a Qt/Python library is missing from the bundle; return the system libraries it needs."""
    needs = external_needs(app)
    broken = {lib: users for lib, users in needs.items() if MUST_BE_BUNDLED.match(lib)}
    if broken:
        lines = [f"  {lib} (needed by {', '.join(users[:3])})" for lib, users in sorted(broken.items())]
        raise SystemExit("The frozen app lacks bundled libraries:\n" + "\n".join(lines))
    return needs


def build(out: Path = OUT, *, clean: bool = False, strip: bool = True, app_only: bool = False,
          deb_level: int = 9) -> dict:
    """Build everything; return the summary (also written to out/build-summary.json)."""
    started = time.perf_counter()
    version = read_version()
    summary: dict = {"version": version}
    out.mkdir(parents=True, exist_ok=True)
    icons = make_icons(out / "icons")

    t0 = time.perf_counter()
    app = freeze(out, clean=clean)
    summary["freeze_seconds"] = round(time.perf_counter() - t0, 1)
    if strip:
        before, after, count = strip_tree(app / "_internal")
        summary.update(size_unstripped=before + (app / APP_NAME).stat().st_size,
                       size_stripped=after + (app / APP_NAME).stat().st_size, stripped_files=count)
    summary["app_dir"] = str(app)
    summary["app_size"] = tree_size(app)
    needs = check_needs(app)
    summary["system_libraries"] = sorted(needs)
    if app_only:
        summary["total_seconds"] = round(time.perf_counter() - started, 1)
        return summary

    t0 = time.perf_counter()
    depends, unknown = runtime_depends(app)
    summary["deb_depends"] = depends
    if unknown:
        print(f"note: no Debian package known here for {', '.join(unknown)} (not in Depends)")
    stage = stage_deb(app, out / "deb-root", version=version, desktop_file=ROOT / "resources" / "stegnox.desktop",
                      icons=icons["hicolor"], svg_icon=ROOT / "resources" / "icons" / "stegnox.svg",
                      depends=depends)
    summary["installed_size"] = tree_size(stage) - tree_size(stage / "DEBIAN")
    deb = build_deb(stage, out, version, level=deb_level)
    shutil.rmtree(stage)
    summary["deb"] = str(deb)
    summary["deb_size"] = deb.stat().st_size
    summary["deb_seconds"] = round(time.perf_counter() - t0, 1)

    t0 = time.perf_counter()
    tarball = build_portable(app, out, version=version, desktop_file=ROOT / "resources" / "stegnox.desktop",
                             icon_png=icons["png"])
    summary["tarball"] = str(tarball)
    summary["tarball_size"] = tarball.stat().st_size
    summary["tarball_seconds"] = round(time.perf_counter() - t0, 1)
    summary["total_seconds"] = round(time.perf_counter() - started, 1)
    (out / "build-summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def print_summary(s: dict) -> None:
    print(f"StegnoX {s['version']} Linux build")
    print(f"  build time        {s['total_seconds']:.0f} s (PyInstaller {s['freeze_seconds']:.0f} s, "
          f".deb {s['deb_seconds']:.0f} s, .tar.gz {s['tarball_seconds']:.0f} s)")
    if "size_unstripped" in s:
        print(f"  one-folder app    {mib(s['size_unstripped'])} before strip, {mib(s['size_stripped'])} after "
              f"({s['stripped_files']} libraries stripped)")
    else:
        print(f"  one-folder app    {mib(s['app_size'])} (not stripped)")
    print(f"  installed size    {mib(s['installed_size'])}")
    print(f"  .deb              {mib(s['deb_size'])}  {s['deb']}")
    print(f"  .tar.gz           {mib(s['tarball_size'])}  {s['tarball']}")
    print(f"  Depends           {', '.join(s['deb_depends'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the StegnoX Linux app, .deb and .tar.gz.")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default: %(default)s)")
    parser.add_argument("--clean", action="store_true", help="ignore PyInstaller's cache")
    parser.add_argument("--no-strip", action="store_true", help="keep symbols in the bundled libraries")
    parser.add_argument("--app-only", action="store_true", help="only the one-folder app (no .deb, no .tar.gz)")
    parser.add_argument("--deb-level", type=int, default=9, choices=range(1, 23), metavar="1..22",
                        help="zstd level of the .deb (default: %(default)s; releases use 19)")
    args = parser.parse_args(argv)
    for tool in ("dpkg-deb", "readelf") + (() if args.no_strip else ("strip",)):
        if shutil.which(tool) is None:
            raise SystemExit(f"`{tool}` not found: run `make package`, which installs binutils and dpkg-dev")
    summary = build(args.out, clean=args.clean, strip=not args.no_strip, app_only=args.app_only,
                    deb_level=args.deb_level)
    if args.app_only:
        print(f"StegnoX {summary['version']}: one-folder app in {summary['app_dir']} "
              f"({mib(summary['app_size'])}, {summary['total_seconds']:.0f} s)")
    else:
        print_summary(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
