"""ELF chores for the Linux build: strip shared objects, and find what the bundle needs from the system.

Uses binutils (`strip`, `readelf`), which `make package` installs through packaging/sysdeps.sh.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ELF_MAGIC = b"\x7fELF"


def is_elf(path: Path) -> bool:
    """True for a regular file that starts with the ELF magic."""
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as fh:
        return fh.read(4) == ELF_MAGIC


def tree_size(root: Path) -> int:
    """Bytes of every regular file under root (symlinks not followed)."""
    return sum(p.lstat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def elf_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if is_elf(p))


def _loader() -> str | None:
    for candidate in ("/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1"):
        if Path(candidate).exists():
            return candidate
    return None


def loads(path: Path, loader: str | None) -> bool:
    """Whether the dynamic loader can map this shared object (ld.so --list), or True without a loader."""
    if loader is None:
        return True
    return subprocess.run([loader, "--list", str(path)], capture_output=True, check=False).returncode == 0


def strip_tree(root: Path) -> tuple[int, int, int]:
    """Strip debug and unneeded symbols from every ELF under root, in place.

    Returns (bytes before, bytes after, files stripped). Each stripped copy must still load: libraries
    rewritten by patchelf (auditwheel's *.libs, e.g. OpenBLAS) come out of `strip` with misaligned
    segments, and those keep their original bytes. Only pass the bundle's library folder: the
    PyInstaller launcher carries its archive after the ELF image and must not be stripped.
    """
    strip = shutil.which("strip")
    if strip is None:
        raise RuntimeError("`strip` not found: install binutils (make package does it)")
    loader = _loader()
    before = tree_size(root)
    stripped = 0
    for path in elf_files(root):
        tmp = path.with_name(path.name + ".stripping")
        result = subprocess.run([strip, "--strip-unneeded", "-o", str(tmp), str(path)],
                                capture_output=True, check=False)
        if (result.returncode == 0 and tmp.stat().st_size < path.stat().st_size
                and (loads(tmp, loader) or not loads(path, loader))):
            os.chmod(tmp, path.stat().st_mode)
            os.replace(tmp, path)
            stripped += 1
        else:
            tmp.unlink(missing_ok=True)
    return before, tree_size(root), stripped


def needed_libs(path: Path) -> list[str]:
    """The DT_NEEDED sonames of one ELF file."""
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True, check=False).stdout
    return [line.split("[", 1)[1].split("]", 1)[0] for line in out.splitlines() if "(NEEDED)" in line]


def system_libs() -> dict[str, str]:
    """soname -> path of the 64-bit libraries the dynamic loader knows (ldconfig -p)."""
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    out = subprocess.run([ldconfig, "-p"], capture_output=True, text=True, check=False).stdout
    libs: dict[str, str] = {}
    for line in out.splitlines()[1:]:
        if "=>" not in line or "x86-64" not in line and "64bit" not in line:
            continue
        name = line.strip().split(" ", 1)[0]
        libs.setdefault(name, line.rsplit("=>", 1)[1].strip())
    return libs


def external_needs(root: Path) -> dict[str, list[str]]:
    """Sonames needed by the bundle's ELF files but not shipped in it: soname -> files needing it."""
    bundled = {p.name for p in root.rglob("*") if p.is_file() or p.is_symlink()}
    needs: dict[str, list[str]] = {}
    for elf in elf_files(root):
        for lib in needed_libs(elf):
            if lib not in bundled:
                needs.setdefault(lib, []).append(str(elf.relative_to(root)))
    return needs
