"""The portable Linux archive: the one-folder app plus an optional per-user menu entry installer.

Unpack anywhere and run ./stegnox; ./install-desktop-entry.sh adds StegnoX to the user's menu and
"Open with" list (~/.local/share), pointing at wherever the folder was unpacked.
"""
from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

INSTALL_SCRIPT = """#!/bin/sh
# Add StegnoX to this user's application menu and "Open with" list (no root needed).
# Run again after moving this folder; ./install-desktop-entry.sh --remove takes the entry away.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
if [ "${1:-}" = "--remove" ]; then
    rm -f "$data/applications/stegnox.desktop" "$data/icons/hicolor/256x256/apps/stegnox.png"
    echo "StegnoX menu entry removed."
    exit 0
fi
mkdir -p "$data/applications" "$data/icons/hicolor/256x256/apps"
cp "$here/share/stegnox.png" "$data/icons/hicolor/256x256/apps/stegnox.png"
sed -e "s|^Exec=.*|Exec=\\"$here/stegnox\\" %F|" -e "s|^TryExec=.*|TryExec=$here/stegnox|" \\
    "$here/share/stegnox.desktop" > "$data/applications/stegnox.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
echo "StegnoX added to the application menu ($data/applications/stegnox.desktop)."
"""

README = """StegnoX {version} (portable, Linux x86-64)

Run:               ./stegnox            (or ./stegnox IMAGE...)
Command line:      ./stegnox --help
Menu entry:        ./install-desktop-entry.sh      (remove: --remove)
Your data (queue, results, settings) lives in your per-user data folder
(~/.local/share/StegnoX), never in this folder; deleting this folder uninstalls.
"""


def build_portable(app_dir: Path, out_dir: Path, *, version: str, desktop_file: Path,
                   icon_png: Path) -> Path:
    """Write stegnox-<version>-linux-x86_64.tar.gz with one top folder; return its path."""
    name = f"stegnox-{version}-linux-x86_64"
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / "portable" / name
    if staging.parent.exists():
        shutil.rmtree(staging.parent)
    shutil.copytree(app_dir, staging, symlinks=True)
    share = staging / "share"
    share.mkdir()
    shutil.copy2(desktop_file, share / "stegnox.desktop")
    shutil.copy2(icon_png, share / "stegnox.png")
    script = staging / "install-desktop-entry.sh"
    script.write_text(INSTALL_SCRIPT, encoding="utf-8")
    script.chmod(0o755)
    (staging / "README.txt").write_text(README.format(version=version), encoding="utf-8")

    archive = out_dir / f"{name}.tar.gz"

    def normalise(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        return info

    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(staging, arcname=name, filter=normalise)
    shutil.rmtree(staging.parent)
    return archive
