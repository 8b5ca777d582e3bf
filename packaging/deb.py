"""Build the Debian package from the frozen one-folder app.

Layout: the app in /opt/stegnox, /usr/bin/stegnox -> /opt/stegnox/stegnox, the desktop entry (menu item
and "Open with" for image types) in /usr/share/applications, the icon in the hicolor theme.
postinst/postrm refresh the desktop and icon caches when those tools exist; dpkg removes every file.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from elf_tools import external_needs, system_libs, tree_size

PACKAGE = "stegnox"
MAINTAINER = "StegnoX developers <stegnox@users.noreply.github.com>"
DESCRIPTION = """Steganography analysis workbench for images
 StegnoX finds and extracts data hidden in PNG, JPEG, GIF, BMP, TIFF and WebP
 images: LSB text and files, data after the image end, metadata, structure
 tricks, and statistical detectors of LSB and JPEG embedding. Images queue up
 and are analysed in the background; results can be exported as reports."""

# The platform libraries every desktop has; a hard Depends on them only causes t64-rename trouble.
BASE_SONAMES = {"ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0",
                "librt.so.1", "libresolv.so.2", "libutil.so.1"}

# $DPKG_ROOT is set when dpkg installs into another root (dpkg --root --force-script-chrootless).
CACHE_REFRESH = """\
if command -v update-desktop-database >/dev/null 2>&1 && [ -d "$DPKG_ROOT/usr/share/applications" ]; then
    update-desktop-database -q "$DPKG_ROOT/usr/share/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$DPKG_ROOT/usr/share/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t -f "$DPKG_ROOT/usr/share/icons/hicolor" || true
fi
"""
POSTINST = "#!/bin/sh\nset -e\nif [ \"$1\" = configure ]; then\n" + CACHE_REFRESH + "fi\nexit 0\n"
POSTRM = ("#!/bin/sh\nset -e\nif [ \"$1\" = remove ] || [ \"$1\" = purge ]; then\n" + CACHE_REFRESH
          + "fi\nexit 0\n")


def deb_version(version: str) -> str:
    """PEP 440 -> Debian: pre-releases sort before the release ("1.0rc1" -> "1.0~rc1")."""
    return re.sub(r"\.?(a|b|rc|dev)(\d+)", r"~\1\2", version)


def _soname_package_guess(soname: str) -> str:
    """Debian's library package naming: libfoo.so.1 -> libfoo1, libfoo-2.0.so.0 -> libfoo-2.0-0."""
    stem, _, major = soname.partition(".so.")
    return f"{stem}-{major}".lower() if stem[-1].isdigit() else f"{stem}{major}".lower()


def _owning_packages(paths: dict[str, str]) -> dict[str, str]:
    """soname -> installed Debian package that ships it (dpkg -S), for the sonames found."""
    owners: dict[str, str] = {}
    for soname in paths:
        out = subprocess.run(["dpkg", "-S", f"/{soname}"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            pkg, _, path = line.partition(": ")
            if path.endswith("/" + soname) and ":i386" not in pkg:
                owners[soname] = pkg.split(":", 1)[0]
                break
    return owners


def _package_known(name: str) -> bool:
    return subprocess.run(["apt-cache", "show", name], capture_output=True, check=False).returncode == 0


def runtime_depends(app_dir: Path) -> tuple[list[str], list[str]]:
    """(Debian packages the bundle needs from the system, sonames that map to no known package)."""
    needs = external_needs(app_dir)
    found = system_libs()
    wanted = {s: found.get(s, "") for s in needs if s not in BASE_SONAMES}
    owners = _owning_packages({s: p for s, p in wanted.items() if p}) if shutil.which("dpkg") else {}
    packages, unknown = {"libc6"}, []
    for soname in sorted(wanted):
        pkg = owners.get(soname)
        if pkg is None:
            guess = _soname_package_guess(soname)
            if shutil.which("apt-cache") and _package_known(guess):
                pkg = guess
        if pkg is None:
            unknown.append(soname)
        else:
            packages.add(pkg)
    return sorted(packages), unknown


def _normalise_modes(root: Path) -> None:
    """0755 for folders and executables, 0644 for everything else (dpkg keeps modes as built)."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir() or path.stat().st_mode & 0o111:
            path.chmod(0o755)
        else:
            path.chmod(0o644)


def stage_deb(app_dir: Path, stage: Path, *, version: str, desktop_file: Path, icons: Path,
              svg_icon: Path, depends: list[str]) -> Path:
    """Lay out the package tree in `stage` (emptied first) and write DEBIAN/control and scripts."""
    if stage.exists():
        shutil.rmtree(stage)
    opt = stage / "opt" / PACKAGE
    shutil.copytree(app_dir, opt, symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / PACKAGE).symlink_to(f"/opt/{PACKAGE}/{PACKAGE}")
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy2(desktop_file, apps / f"{PACKAGE}.desktop")
    hicolor = stage / "usr" / "share" / "icons" / "hicolor"
    shutil.copytree(icons, hicolor)
    (hicolor / "scalable" / "apps").mkdir(parents=True)
    shutil.copy2(svg_icon, hicolor / "scalable" / "apps" / f"{PACKAGE}.svg")
    doc = stage / "usr" / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        "Upstream-Name: StegnoX\n\nFiles: *\nCopyright: StegnoX contributors\nLicense: MIT\n"
        "Comment: /opt/stegnox/_internal bundles Python, Qt for Python (LGPLv3), Qt (LGPLv3),\n"
        " numpy, scipy and Pillow under their own licences.\n", encoding="utf-8")
    _normalise_modes(stage)

    debian = stage / "DEBIAN"
    debian.mkdir()
    installed_kib = (tree_size(stage) + 1023) // 1024
    control = [
        f"Package: {PACKAGE}",
        f"Version: {deb_version(version)}",
        "Section: graphics",
        "Priority: optional",
        "Architecture: amd64",
        f"Maintainer: {MAINTAINER}",
        f"Installed-Size: {installed_kib}",
        f"Depends: {', '.join(depends)}",
        "Recommends: desktop-file-utils, hicolor-icon-theme",
        f"Description: {DESCRIPTION}",
    ]
    (debian / "control").write_text("\n".join(control) + "\n", encoding="utf-8")
    for name, body in (("postinst", POSTINST), ("postrm", POSTRM)):
        (debian / name).write_text(body, encoding="utf-8")
        (debian / name).chmod(0o755)
    return stage


def build_deb(stage: Path, out_dir: Path, version: str, *, level: int = 9) -> Path:
    """dpkg-deb --root-owner-group -Zzstd the staged tree into out_dir; return the .deb path.

    zstd level 9 packs the app in ~12 s here; 19 saves ~10 % more and takes ~15x longer."""
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{PACKAGE}_{deb_version(version)}_amd64.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zzstd", f"-z{level}", "--build", str(stage), str(deb)],
                   check=True, stdout=subprocess.DEVNULL)
    return deb
