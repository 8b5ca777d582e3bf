"""Opening folders and revealing files in the system's file manager."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
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
        if sys.platform.startswith("linux") and path.is_file() and shutil.which("dbus-send"):
            # The reply may take a while (the file manager starts): wait for it off the GUI thread.
            threading.Thread(target=_show_item_freedesktop, args=(path,), daemon=True).start()
            return True
    except OSError:
        pass
    folder = path.parent if not path.is_dir() else path
    return open_folder(folder)


def freedesktop_show_items_command(path: Path) -> list[str]:
    """dbus-send call of the freedesktop FileManager1 interface (Nautilus, Dolphin, Nemo, Thunar...)
    that opens the file's folder with the file selected."""
    return ["dbus-send", "--session", "--print-reply", "--reply-timeout=5000",
            "--dest=org.freedesktop.FileManager1", "--type=method_call", "/org/freedesktop/FileManager1",
            "org.freedesktop.FileManager1.ShowItems", f"array:string:{path.resolve().as_uri()}", "string:"]


def _show_item_freedesktop(path: Path) -> None:
    """Ask the file manager to select `path`; without one that answers, open its folder with xdg-open."""
    try:
        done = subprocess.run(freedesktop_show_items_command(path), capture_output=True, timeout=10)
        if done.returncode == 0:
            return
    except (OSError, subprocess.TimeoutExpired):
        pass
    opener = shutil.which("xdg-open")
    if opener:
        try:
            subprocess.Popen([opener, str(path.parent)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError:
            pass
