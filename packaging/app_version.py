"""The app version for the build scripts, read from its single source, stegnox_gui/_version.py.

Read as text (not imported) so a build never depends on the package being importable.
`python packaging/app_version.py` prints it (used by the shell scripts and the release workflow).
"""
from __future__ import annotations

import re
from pathlib import Path

VERSION_FILE = Path(__file__).resolve().parent.parent / "stegnox_gui" / "_version.py"


def read_version(path: Path = VERSION_FILE) -> str:
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', path.read_text(encoding="utf-8"), re.M)
    if not match:
        raise SystemExit(f"{path} has no __version__")
    return match.group(1)


if __name__ == "__main__":
    print(read_version())
