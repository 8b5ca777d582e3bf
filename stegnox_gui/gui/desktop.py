"""Opening folders and revealing files in the system's file manager."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices


def open_folder(path: str | Path) -> bool:
    """Open a folder (or a file with its default application) in the desktop's handler."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def reveal_file(path: str | Path) -> bool:
    """Show a file selected in the file manager where the platform allows it, else its folder."""
    path = Path(path)
    try:
        if sys.platform == "win32" and path.exists():
            subprocess.Popen(["explorer", f"/select,{os.path.normpath(path)}"])
            return True
        if sys.platform == "darwin" and path.exists():
            subprocess.Popen(["open", "-R", str(path)])
            return True
    except OSError:
        pass
    folder = path.parent if not path.is_dir() else path
    return open_folder(folder)
