"""Installers: the icon, desktop entry, sample and freeze rules (fast), and the real Linux build (slow).

The tests marked `packaging` build the frozen app, the .deb and the .tar.gz with packaging/build_linux.py,
run the frozen binary headless on the bundled sample, and install the .deb into a temporary root.
They run only with STEGNOX_PACKAGING_TESTS=1 (.ci/run sets it; `make test` alone skips them).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest

from stegnox_gui import __version__

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
RESOURCES = ROOT / "resources"
SAMPLE = RESOURCES / "samples" / "sample_stego.png"
DESKTOP = RESOURCES / "stegnox.desktop"

sys.path.append(str(PACKAGING))  # the build scripts import each other by name
import freeze_rules  # noqa: E402
from deb import deb_version  # noqa: E402

RUN_PACKAGING = os.environ.get("STEGNOX_PACKAGING_TESTS") == "1"


# ---------------------------------------------------------------- fast checks of the sources

def _desktop_entry(text: str) -> dict[str, str]:
    lines = [ln for ln in text.splitlines() if "=" in ln and not ln.startswith("#")]
    return dict(ln.split("=", 1) for ln in lines)


def test_desktop_entry_opens_images_with_stegnox():
    entry = _desktop_entry(DESKTOP.read_text(encoding="utf-8"))
    assert entry["Exec"] == "stegnox %F" and entry["Icon"] == "stegnox" and entry["Name"] == "StegnoX"
    mime = set(filter(None, entry["MimeType"].split(";")))
    assert {"image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff", "image/webp"} <= mime
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "error" not in result.stdout.lower() and "warning" not in result.stdout.lower(), result.stdout


def test_icons_render_at_every_size(tmp_path):
    # In a child process: the renderer creates a QGuiApplication, which must not leak into pytest-qt's.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, str(PACKAGING / "make_icons.py"), "--out", str(tmp_path)],
                   check=True, env=env, capture_output=True)
    from PIL import Image

    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        with Image.open(tmp_path / "hicolor" / f"{size}x{size}" / "apps" / "stegnox.png") as im:
            assert im.size == (size, size) and im.mode == "RGBA"
            alpha = im.getchannel("A")
            assert alpha.getpixel((0, 0)) == 0, "corners are transparent (rounded tile)"
            assert alpha.getpixel((size // 2, size // 2)) == 255, "the tile itself is opaque"
    with Image.open(tmp_path / "stegnox.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(tmp_path / "stegnox.icns") as icns:
        assert icns.size == (1024, 1024)


def test_sample_holds_a_message_stegano_reads(tmp_path):
    pytest.importorskip("stegano")
    from stegano import lsb

    assert SAMPLE.stat().st_size < 40_000
    message = lsb.reveal(str(SAMPLE))
    assert message and "StegnoX sample" in message
    assert SAMPLE.read_bytes().split(b"IEND", 1)[1][4:].strip(), "a note follows the PNG end"
    regenerated = tmp_path / "sample.png"
    subprocess.run([sys.executable, str(PACKAGING / "make_sample.py"), "--out", str(regenerated)],
                   check=True, capture_output=True)
    assert regenerated.read_bytes() == SAMPLE.read_bytes(), "make_sample.py is deterministic"


def test_version_has_one_source():
    result = subprocess.run([sys.executable, "-m", "stegnox_gui", "--version"], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == f"StegnoX {__version__}"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and "stegnox_gui._version.__version__" in pyproject
    iss = (PACKAGING / "windows" / "stegnox.iss").read_text(encoding="utf-8")
    assert "AppVersion={#AppVersion}" in iss and __version__ not in iss, "Inno Setup gets the version from the build"


def test_debian_version_orders_prereleases_first():
    assert deb_version("1.2.0") == "1.2.0"
    assert deb_version("1.2.0rc1") == "1.2.0~rc1"
    assert deb_version("1.2.0.dev3") == "1.2.0~dev3"
    dpkg = shutil.which("dpkg")
    if dpkg:
        assert subprocess.run([dpkg, "--compare-versions", deb_version("1.0rc1"), "lt", "1.0"]).returncode == 0


def test_freeze_rules_drop_unused_qt_and_keep_what_runs_the_window():
    keep = freeze_rules.keep_file
    assert keep("PySide6/Qt/plugins/platforms/libqxcb.so")
    assert keep("PySide6/Qt/plugins/platforms/libqoffscreen.so")
    assert keep("PySide6/Qt/plugins/platforms/libqwayland.so")
    assert keep("PySide6/Qt/plugins/imageformats/libqjpeg.so")
    assert keep("PySide6/Qt/plugins/iconengines/libqsvgicon.so")
    assert keep("PySide6/Qt/lib/libQt6Network.so.6")  # QLocalSocket: single-instance guard
    assert keep("PySide6/plugins/platforms/qwindows.dll")
    assert not keep("PySide6/Qt/plugins/platforms/libqeglfs.so")
    assert not keep("PySide6/Qt/plugins/imageformats/libqpdf.so")
    assert not keep("PySide6/Qt/plugins/sqldrivers/libqsqlite.so")
    assert not keep("PySide6/Qt/translations/qtbase_de.qm")
    assert not keep("PySide6/translations/qtbase_de.qm")
    assert not keep("PySide6/Qt/lib/libQt6Quick.so.6")
    assert not keep("PySide6/Qt/lib/libQt6Qml.so.6")
    assert keep("PySide6/Qt/lib/libQt6Sql.so.6", {"Sql"})
    assert keep("somepkg/plugins/helper.so"), "only Qt's plugin folders are filtered"


def test_freeze_rules_never_exclude_a_module_the_source_imports(tmp_path):
    (tmp_path / "uses_sql.py").write_text("from PySide6 import QtSql\nimport PySide6.QtPdf\n", encoding="utf-8")
    excludes, kept = freeze_rules.module_excludes(tmp_path)
    assert "PySide6.QtSql" in kept and "PySide6.QtPdf" in kept
    assert "PySide6.QtSql" not in excludes and "PySide6.QtQuick" in excludes
    real_excludes, _ = freeze_rules.module_excludes(ROOT / "stegnox_gui")
    assert "PySide6.QtNetwork" not in real_excludes and "PySide6.QtWidgets" not in real_excludes


# ---------------------------------------------------------------- the real build (slow, opt-in)

@pytest.fixture(scope="module")
def build():
    """Build the app, .deb and .tar.gz once (PyInstaller's cache in packaging/out/test is reused)."""
    out = PACKAGING / "out" / "test"
    result = subprocess.run([sys.executable, str(PACKAGING / "build_linux.py"), "--out", str(out)],
                            capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = json.loads((out / "build-summary.json").read_text(encoding="utf-8"))
    print(result.stdout)
    return summary


def _headless_env(tmp: Path, data_dir: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "STEGNOX_", "PYTHON"))}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp / "home"), LANG="C.UTF-8")
    (tmp / "home").mkdir(exist_ok=True)
    if data_dir is not None:
        env["STEGNOX_DATA_DIR"] = str(data_dir)
    return env


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in folder.rglob("*")}


def _children_cmdlines(pid: int) -> list[str]:
    """Command lines of the direct children of pid (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except (OSError, IndexError, ValueError):
            continue
    return found


@pytest.mark.packaging
@pytest.mark.timeout(1200)  # the first test also builds everything (about 2-4 minutes here)
@pytest.mark.skipif(not RUN_PACKAGING, reason="builds the installers: set STEGNOX_PACKAGING_TESTS=1 (.ci/run does)")
def test_frozen_app_finds_the_sample_in_its_worker_process(build, tmp_path):
    app_dir = Path(build["app_dir"])
    before = _snapshot(app_dir)
    env = _headless_env(tmp_path, tmp_path / "data")
    proc = subprocess.Popen([str(app_dir / "stegnox"), "--smoke-test", str(SAMPLE), "--smoke-timeout", "240"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    children: list[str] = []

    def watch() -> None:
        while proc.poll() is None:
            children.extend(c for c in _children_cmdlines(proc.pid) if c not in children)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out, err = proc.communicate(timeout=300)
    watcher.join()
    assert proc.returncode == 0, f"exit {proc.returncode}\n{out}\n{err[-3000:]}"
    result = json.loads(out.strip().splitlines()[-1])
    assert result["status"] == "completed" and result["found_data"] is True, result
    assert result["verdict"] in ("hidden_data", "suspicious"), result
    # The analysis ran in a spawned copy of the frozen executable (freeze_support works).
    assert any("multiprocessing" in c for c in children), children
    assert _snapshot(app_dir) == before, "the frozen app wrote into its install folder"


@pytest.mark.packaging
@pytest.mark.timeout(1200)
@pytest.mark.skipif(not RUN_PACKAGING, reason="builds the installers: set STEGNOX_PACKAGING_TESTS=1 (.ci/run does)")
def test_frozen_cli_opens_a_steghide_file_with_a_common_password(build, tmp_path):
    """The built-in word list and the cipher library made it into the bundle."""
    corpus = ROOT / "tests" / "data" / "corpus-dev"
    entry = next(e for e in json.loads((corpus / "manifest.json").read_text())
                 if e["tool"] == "steghide" and e["params"]["passphrase"])
    proc = subprocess.run([str(Path(build["app_dir"]) / "stegnox"), "analyze", "--json", "-m", "steghide",
                           str(corpus / entry["file"])], capture_output=True, text=True,
                          env=_headless_env(tmp_path, tmp_path / "data"), timeout=120)
    assert proc.returncode == 1, proc.stderr[-2000:]
    finding = json.loads(proc.stdout.strip().splitlines()[-1])["findings"][0]
    assert finding["params"]["passphrase"] == entry["params"]["passphrase"]
    assert entry["payload_text"] in finding["preview"]


@pytest.mark.packaging
@pytest.mark.timeout(1200)  # the first test also builds everything (about 2-4 minutes here)
@pytest.mark.skipif(not RUN_PACKAGING, reason="builds the installers: set STEGNOX_PACKAGING_TESTS=1 (.ci/run does)")
def test_frozen_app_keeps_user_data_in_the_per_user_folder(build, tmp_path):
    app_dir = Path(build["app_dir"])
    before = _snapshot(app_dir)
    env = _headless_env(tmp_path, None)
    shot = tmp_path / "window.png"
    result = subprocess.run([str(app_dir / "stegnox"), "--screenshot", str(shot)], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert shot.is_file() and shot.stat().st_size > 1000, "the main window was drawn"
    data = tmp_path / "home" / ".local" / "share" / "StegnoX"
    assert data.is_dir() and any(data.iterdir()), "queue database in ~/.local/share/StegnoX"
    assert _snapshot(app_dir) == before, "the frozen app wrote into its install folder"


@pytest.mark.packaging
@pytest.mark.timeout(1200)  # the first test also builds everything (about 2-4 minutes here)
@pytest.mark.skipif(not RUN_PACKAGING, reason="builds the installers: set STEGNOX_PACKAGING_TESTS=1 (.ci/run does)")
def test_deb_installs_menu_entry_icons_and_command(build, tmp_path):
    deb = Path(build["deb"])
    assert deb.name == f"stegnox_{deb_version(__version__)}_amd64.deb"
    fields = {name: subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True,
                                   check=True).stdout.strip() for name in ("Package", "Version", "Architecture",
                                                                           "Depends", "Installed-Size")}
    assert fields["Package"] == "stegnox" and fields["Version"] == deb_version(__version__)
    assert fields["Architecture"] == "amd64" and "libc6" in fields["Depends"]
    assert int(fields["Installed-Size"]) * 1024 >= build["installed_size"]
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    assert all(" root/root " in line for line in listing.splitlines()), "files owned by root"

    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    desktop = root / "usr" / "share" / "applications" / "stegnox.desktop"
    check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "MimeType=image/png;" in desktop.read_text(encoding="utf-8")
    for size in (16, 32, 48, 128, 256, 512):
        assert (root / "usr/share/icons/hicolor" / f"{size}x{size}" / "apps" / "stegnox.png").is_file()
    assert (root / "usr/share/icons/hicolor/scalable/apps/stegnox.svg").is_file()
    assert os.readlink(root / "usr" / "bin" / "stegnox") == "/opt/stegnox/stegnox"
    version = subprocess.run([str(root / "opt" / "stegnox" / "stegnox"), "--version"], capture_output=True,
                             text=True, env=_headless_env(tmp_path, None), timeout=60)
    assert version.returncode == 0 and version.stdout.strip() == f"StegnoX {__version__}", version
    control = subprocess.run(["dpkg-deb", "-e", str(deb), str(tmp_path / "control")], check=True)
    assert control.returncode == 0
    for script in ("postinst", "postrm"):
        text = (tmp_path / "control" / script).read_text(encoding="utf-8")
        assert "update-desktop-database" in text and "command -v" in text
        assert subprocess.run(["sh", "-n", str(tmp_path / "control" / script)]).returncode == 0


@pytest.mark.packaging
@pytest.mark.timeout(1200)  # the first test also builds everything (about 2-4 minutes here)
@pytest.mark.skipif(not RUN_PACKAGING, reason="builds the installers: set STEGNOX_PACKAGING_TESTS=1 (.ci/run does)")
def test_portable_archive_runs_and_adds_a_menu_entry(build, tmp_path):
    archive = Path(build["tarball"])
    top = f"stegnox-{__version__}-linux-x86_64"
    assert archive.name == f"{top}.tar.gz"
    with tarfile.open(archive) as tar:
        assert all(m.name == top or m.name.startswith(top + "/") for m in tar.getmembers())
        tar.extractall(tmp_path, filter="tar")
    folder = tmp_path / top
    env = _headless_env(tmp_path, None)
    version = subprocess.run([str(folder / "stegnox"), "--version"], capture_output=True, text=True, env=env,
                             timeout=60)
    assert version.stdout.strip() == f"StegnoX {__version__}", version
    subprocess.run([str(folder / "install-desktop-entry.sh")], check=True, env=env, capture_output=True)
    entry = tmp_path / "home" / ".local" / "share" / "applications" / "stegnox.desktop"
    assert re.search(rf'^Exec="{re.escape(str(folder))}/stegnox" %F$', entry.read_text(), re.M)
    check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    subprocess.run([str(folder / "install-desktop-entry.sh"), "--remove"], check=True, env=env, capture_output=True)
    assert not entry.exists()


@pytest.mark.packaging
@pytest.mark.timeout(1200)
@pytest.mark.skipif(not RUN_PACKAGING, reason="builds the installers: set STEGNOX_PACKAGING_TESTS=1 (.ci/run does)")
def test_deb_install_registers_image_types_and_purge_removes_everything(build, tmp_path):
    """dpkg --root into an empty root: postinst maps image types to StegnoX, purge leaves nothing of ours."""
    root = tmp_path / "root"
    (root / "var/lib/dpkg/info").mkdir(parents=True)
    (root / "var/lib/dpkg/updates").mkdir()
    (root / "var/lib/dpkg/status").touch()
    dpkg = ["dpkg", f"--root={root}", "--force-script-chrootless", "--force-not-root"]
    install = subprocess.run([*dpkg, "--force-depends", "-i", build["deb"]], capture_output=True, text=True)
    assert install.returncode == 0, install.stdout + install.stderr
    assert (root / "opt/stegnox/stegnox").is_file() and (root / "usr/share/applications/stegnox.desktop").is_file()
    cache = root / "usr/share/applications/mimeinfo.cache"
    if shutil.which("update-desktop-database"):
        assert re.search(r"^image/png=.*stegnox\.desktop", cache.read_text(), re.M), "Open with: PNG"
        assert re.search(r"^image/jpeg=.*stegnox\.desktop", cache.read_text(), re.M), "Open with: JPEG"
    purge = subprocess.run([*dpkg, "-P", "stegnox"], capture_output=True, text=True)
    assert purge.returncode == 0, purge.stdout + purge.stderr
    left = [p for p in root.rglob("*") if p.is_file() and "var/lib/dpkg" not in p.as_posix() and p != cache]
    assert left == [], left
    assert not (root / "opt/stegnox").exists() and not (root / "usr/bin/stegnox").is_symlink()
    assert not cache.exists() or "stegnox" not in cache.read_text()
