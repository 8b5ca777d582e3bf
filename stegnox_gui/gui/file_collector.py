"""Turn dropped or pasted paths (files and folders) into the list of image files to analyse.

No Qt here: the GUI runs it in a background thread. Folders are walked iteratively with
os.scandir, each directory is entered once (tracked by device and inode, so symlink loops end),
files are recognised by extension, and files with an unknown extension by their first bytes.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import unquote, urlparse

IMAGE_EXTENSIONS = frozenset({
    ".png", ".apng", ".jpg", ".jpeg", ".jpe", ".jfif", ".bmp", ".dib", ".gif", ".tif", ".tiff",
    ".webp", ".ppm", ".pgm", ".pbm", ".pnm", ".ico", ".tga", ".jp2", ".j2k", ".pcx", ".im",
})

# Leading bytes of the image formats Pillow reads; used only for files without an image extension.
_MAGIC = (
    b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*",
    b"\x00\x00\x01\x00", b"\x00\x00\x00\x0cjP  ", b"\xff\x4f\xff\x51",
    b"P1", b"P2", b"P3", b"P4", b"P5", b"P6",
)
# Extensions that are certainly not images: skipped without opening them.
_NOT_IMAGES = frozenset({
    ".txt", ".md", ".json", ".csv", ".py", ".html", ".htm", ".xml", ".pdf", ".zip", ".gz", ".tar",
    ".7z", ".rar", ".exe", ".dll", ".so", ".mp3", ".mp4", ".wav", ".avi", ".mkv", ".doc", ".docx",
    ".log", ".ini", ".cfg", ".yaml", ".yml", ".sqlite3", ".db", ".js", ".css", ".c", ".h",
})


@dataclass
class Collection:
    """What collecting found: image files (in a stable order), and counts of what was left out."""

    files: list[str] = field(default_factory=list)
    skipped: int = 0  # files that are not images
    missing: list[str] = field(default_factory=list)  # given paths that do not exist
    unreadable: int = 0  # folders that could not be listed
    loops: int = 0  # directories reached a second time (symlink loops, repeated arguments)

    def describe(self) -> str:
        """One line for the status bar, e.g. '120 images; 3 non-images skipped'."""
        parts = [f"{len(self.files)} image{'s' if len(self.files) != 1 else ''}"]
        if self.skipped:
            parts.append(f"{self.skipped} non-image file{'s' if self.skipped != 1 else ''} skipped")
        if self.missing:
            parts.append(f"{len(self.missing)} path{'s' if len(self.missing) != 1 else ''} not found")
        if self.unreadable:
            parts.append(f"{self.unreadable} unreadable folder{'s' if self.unreadable != 1 else ''}")
        return "; ".join(parts)


def looks_like_image(path: str) -> bool:
    """True when the file's first bytes match an image format (used for unknown extensions)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    return any(head.startswith(m) for m in _MAGIC)


def is_image_name(path: str) -> bool | None:
    """True/False when the extension decides, None when the content must be checked."""
    ext = os.path.splitext(path)[1].lower()
    if ext in IMAGE_EXTENSIONS:
        return True
    if ext in _NOT_IMAGES:
        return False
    return None


def collect_images(paths: Iterable[str | os.PathLike[str]], *, recursive: bool = True,
                   cancel: Callable[[], bool] | None = None) -> Collection:
    """Expand files and folders into image files, each once, in the order given (folders sorted).

    Explicitly given files without an image extension are still checked by content, so that a
    dropped 'evidence.dat' that is a PNG is analysed.
    """
    result = Collection()
    seen_files: set[tuple[int, int]] = set()
    seen_dirs: set[tuple[int, int]] = set()
    cancel = cancel or (lambda: False)

    def add_file(path: str, st: os.stat_result) -> None:
        key = (st.st_dev, st.st_ino)
        if key in seen_files:
            return
        verdict = is_image_name(path)
        if verdict is None:
            verdict = looks_like_image(path)
        if verdict:
            seen_files.add(key)
            result.files.append(path)
        else:
            result.skipped += 1

    def walk(root: str) -> None:
        stack = [root]
        while stack:
            if cancel():
                return
            folder = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError:
                result.unreadable += 1
                continue
            subdirs = []
            for entry in entries:
                try:
                    st = entry.stat()  # follows symlinks: a link to a folder is walked once
                except OSError:
                    continue  # dangling symlink
                if stat.S_ISDIR(st.st_mode):
                    key = (st.st_dev, st.st_ino)
                    if key in seen_dirs:
                        result.loops += 1
                        continue
                    seen_dirs.add(key)
                    if recursive:
                        subdirs.append(entry.path)
                elif stat.S_ISREG(st.st_mode):
                    add_file(entry.path, st)
            stack.extend(reversed(subdirs))  # depth-first, alphabetical

    for raw in paths:
        path = os.path.abspath(os.fspath(raw))
        try:
            st = os.stat(path)
        except OSError:
            result.missing.append(path)
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                result.loops += 1
                continue
            seen_dirs.add(key)
            walk(path)
        elif stat.S_ISREG(st.st_mode):
            add_file(path, st)
        else:
            result.skipped += 1
    return result


def paths_from_text(text: str) -> list[str]:
    """Paths in pasted text: one per line, plain or as file:// URLs, quotes stripped."""
    out = []
    for line in text.splitlines():
        line = line.strip().strip('"').strip("'").strip()
        if not line:
            continue
        if line.startswith("file:"):
            parsed = urlparse(line)
            line = unquote(parsed.path)
            if os.name == "nt" and line.startswith("/") and len(line) > 2 and line[2] == ":":
                line = line[1:]
        out.append(str(Path(line).expanduser()))
    return out
