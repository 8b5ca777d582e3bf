"""What the frozen app leaves out: unused Qt modules, plugins, translations and dev-only packages.

Used by packaging/stegnox.spec. A module the project's own source imports is never excluded, so a
new `from PySide6 import QtPrintSupport` in the GUI cannot silently break the frozen build.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path, PurePath
from typing import Iterable

# Qt for Python modules the app does not use (QML/Quick, web, 3D, media, PDF, designer, ...).
# QtNetwork stays: the single-instance guard uses QLocalSocket.
UNUSED_QT_MODULES = (
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtBluetooth", "QtCanvasPainter", "QtCharts", "QtConcurrent", "QtDataVisualization", "QtDBus",
    "QtDesigner", "QtGraphs", "QtGraphsWidgets", "QtHelp", "QtHttpServer", "QtLocation",
    "QtMultimedia", "QtMultimediaWidgets", "QtNetworkAuth", "QtNfc", "QtOpenGL", "QtOpenGLWidgets",
    "QtPdf", "QtPdfWidgets", "QtPositioning", "QtQml", "QtQuick", "QtQuick3D", "QtQuickControls2",
    "QtQuickTest", "QtQuickWidgets", "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus",
    "QtSerialPort", "QtSpatialAudio", "QtSql", "QtStateMachine", "QtTest", "QtTextToSpeech",
    "QtUiTools", "QtWebChannel", "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets",
    "QtWebSockets", "QtWebView", "QtXml",
)
# Python packages that are only for development, tests or other GUI toolkits.
UNUSED_PACKAGES = (
    "tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "pydoc_data", "lib2to3",
    "pytest", "_pytest", "pytestqt", "hypothesis", "stegano", "IPython", "jedi", "PyQt5", "PyQt6",
    "PySide2", "setuptools", "pkg_resources", "pip", "wheel", "distutils",
    # The engine uses scipy.special only; the rest of SciPy (~25 MiB and an OpenBLAS) is reached only
    # through scipy's lazy submodule list, never at run time.
    "scipy.stats", "scipy.optimize", "scipy.sparse", "scipy.linalg", "scipy.interpolate", "scipy.integrate",
    "scipy.ndimage", "scipy.spatial", "scipy.fft", "scipy.fftpack", "scipy.signal", "scipy.io", "scipy.cluster",
    "scipy.odr", "scipy.datasets", "scipy.misc", "scipy.differentiate", "scipy.constants",
)

# Qt plugin folders and files to keep; everything else under Qt/plugins is dropped.
# Platforms: the desktop ones plus offscreen/minimal (headless runs, the smoke test).
KEEP_PLUGINS = {
    "platforms": {"libqxcb.so", "libqwayland.so", "libqwayland-egl.so", "libqwayland-generic.so",
                  "libqoffscreen.so", "libqminimal.so", "qwindows.dll", "qoffscreen.dll",
                  "qminimal.dll", "libqcocoa.dylib", "libqoffscreen.dylib", "libqminimal.dylib"},
    "imageformats": None,  # all but the PDF one (needs QtPdf), filtered below
    "iconengines": None,
    "styles": None,
    # Not the GTK3 theme: it would drag in a bundled cairo/pango next to the system's GTK.
    "platformthemes": {"libqxdgdesktopportal.so"},
    "platforminputcontexts": {"libcomposeplatforminputcontextplugin.so",
                              "libibusplatforminputcontextplugin.so"},
    "xcbglintegrations": None,
    "wayland-decoration-client": None,
    "wayland-graphics-integration-client": {"libqt-plugin-wayland-egl.so", "libshm-emulation-server.so"},
    "wayland-shell-integration": {"libxdg-shell.so"},
}
DROP_PLUGIN_FILES = {"libqpdf.so", "qpdf.dll", "libqpdf.dylib"}

# Qt shared libraries of the excluded modules (pulled in only through dropped plugins).
UNUSED_QT_LIBS = re.compile(
    r"(lib)?Qt6(Qml|Quick|Pdf|WebEngine|WebChannel|WebSockets|WebView|3D|Multimedia|SpatialAudio|"
    r"VirtualKeyboard|Designer|UiTools|Help|Test|Sql|ShaderTools|Charts|Graphs|DataVisualization|"
    r"Positioning|Location|Sensors|SerialPort|SerialBus|Bluetooth|Nfc|RemoteObjects|Scxml|"
    r"StateMachine|TextToSpeech|HttpServer|NetworkAuth|LabsAnimation|LabsFolderListModel|LabsQmlModels|"
    r"LabsSettings|LabsSharedImage|LabsWavefrontMesh|Lottie|CanvasPainter|EglFS|EglFs)"
)


def imported_modules(source_root: Path) -> set[str]:
    """Every module name imported anywhere under source_root (absolute imports only)."""
    names: set[str] = set()
    for path in source_root.rglob("*.py"):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def module_excludes(source_root: Path) -> tuple[list[str], list[str]]:
    """(modules to exclude, excludable modules kept because the source imports them)."""
    used = imported_modules(source_root)
    wanted = [f"PySide6.{m}" for m in UNUSED_QT_MODULES] + list(UNUSED_PACKAGES)

    def is_used(name: str) -> bool:
        return any(u == name or u.startswith(name + ".") for u in used)

    return [m for m in wanted if not is_used(m)], [m for m in wanted if is_used(m)]


def qt_lib_names_used(kept_modules: Iterable[str]) -> set[str]:
    """Qt library stems that must stay because a kept excludable module needs them (e.g. 'Sql')."""
    return {m.split(".Qt", 1)[1] for m in kept_modules if m.startswith("PySide6.Qt")}


def keep_file(dest: str, kept_qt: set[str] = frozenset()) -> bool:
    """Whether a collected file (its destination path in the bundle) belongs in the frozen app."""
    parts = PurePath(dest.replace("\\", "/")).parts
    name = parts[-1]
    in_qt = parts[0] == "PySide6"
    if in_qt and "translations" in parts[:-1]:
        return False  # the UI is English only; Qt's own translations are ~14 MB
    if in_qt and "plugins" in parts[:-1]:
        i = parts.index("plugins")
        if i + 1 < len(parts) - 1:
            folder = parts[i + 1]
            if folder not in KEEP_PLUGINS or name in DROP_PLUGIN_FILES:
                return False
            allowed = KEEP_PLUGINS[folder]
            if allowed is not None and name not in allowed:
                return False
    match = UNUSED_QT_LIBS.match(name)
    if match and match.group(2) not in kept_qt:
        return False
    return True


def filter_toc(toc: list, kept_qt: set[str] = frozenset()) -> list:
    """Drop the entries of a PyInstaller TOC (dest, src, typecode) that keep_file rejects."""
    return [entry for entry in toc if keep_file(entry[0], kept_qt)]
