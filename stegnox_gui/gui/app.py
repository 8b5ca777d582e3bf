"""Starting the desktop app: `stegnox [IMAGE...]`, `stegnox-gui`, `python -m stegnox_gui`.

Flags: --data-dir DIR, --smoke-test IMAGE (headless self-check used by the installer tests),
--screenshot PATH (save the window once it has loaded, then quit).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stegnox_gui import __version__


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="stegnox", description="StegnoX desktop app: steganography analysis of images.")
    p.add_argument("paths", nargs="*", help="images or folders to add to the queue")
    p.add_argument("--data-dir", help="folder for the queue and results (default: the per-user data folder)")
    p.add_argument("--smoke-test", metavar="IMAGE",
                   help="open the window, analyse IMAGE, print one JSON line; exit 0 when hidden data was found")
    p.add_argument("--smoke-timeout", type=float, default=180.0, help="seconds before --smoke-test gives up (exit 2)")
    p.add_argument("--screenshot", metavar="PATH", help="save a PNG of the window after start, then quit")
    p.add_argument("--version", action="version", version=f"StegnoX {__version__}")
    return p


def _check_display() -> None:
    """On Linux, say clearly that a screen is needed instead of letting Qt abort."""
    import os

    if sys.platform.startswith("linux") and not (os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        raise SystemExit("stegnox: no display found (DISPLAY/WAYLAND_DISPLAY unset). Start the app from a desktop "
                         "session, use `stegnox analyze` / `stegnox worker` headless, or set "
                         "QT_QPA_PLATFORM=offscreen.")


def _app(argv: list[str]):
    _check_display()
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName("StegnoX")
    QCoreApplication.setApplicationName("StegnoX")
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "stegnox", *argv])
    app.setDesktopFileName("stegnox")
    from stegnox_gui.paths import resources_dir

    for candidate in ("icons/stegnox.svg", "icons/stegnox-256.png", "icons/hicolor/256x256/apps/stegnox.png"):
        icon = resources_dir() / candidate
        if icon.is_file():
            app.setWindowIcon(QIcon(str(icon)))
            break
    return app


def _quit_on_signals(window) -> None:
    """Ctrl+C in a terminal or SIGTERM (logout, kill): close cleanly, handing running jobs back."""
    import signal

    from PySide6.QtCore import QTimer

    def handler(*_):
        QTimer.singleShot(0, window.quit_without_asking)

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            signal.signal(sig, handler)
        except (ValueError, OSError):  # not the main thread, or not supported here
            pass
    # Python runs signal handlers only between bytecodes: let it in regularly.
    window._signal_timer = QTimer(window)
    window._signal_timer.timeout.connect(lambda: None)
    window._signal_timer.start(300)


def main(argv: list[str] | None = None) -> int:
    """Run the desktop app; returns the exit status."""
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    app = _app([])
    if args.smoke_test:
        from stegnox_gui.gui.smoke import run_smoke_test

        return run_smoke_test(app, Path(args.smoke_test), data_dir=args.data_dir, timeout=args.smoke_timeout,
                              screenshot=args.screenshot)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from stegnox_gui.gui.main_window import MainWindow
    from stegnox_gui.gui.settings import AppSettings
    from stegnox_gui.gui.single_instance import InstanceServer, hand_over, server_name
    from stegnox_gui.steg_queue.job_queue import JobQueue

    settings = AppSettings()
    data_dir = Path(args.data_dir).expanduser() if args.data_dir else settings.data_dir
    paths = [str(Path(p).expanduser().absolute()) for p in args.paths]
    name = server_name(data_dir)
    if not args.screenshot and hand_over(name, paths):
        print("StegnoX is already running; the files were handed to its window.", file=sys.stderr)
        return 0
    server = InstanceServer(name)
    if not args.screenshot:
        server.listen()
    try:
        queue = JobQueue(data_dir)
    except Exception as exc:
        QMessageBox.critical(None, "StegnoX cannot open its data folder", str(exc))
        print(f"stegnox: {exc}", file=sys.stderr)
        return 1
    window = MainWindow(queue, settings, data_dir=data_dir)
    window.show()

    def activate(handed: list[str]) -> None:
        if handed:
            window.add_paths(handed)
        window.setWindowState(window.windowState() & ~window.windowState().WindowMinimized)
        window.show()
        window.raise_()
        window.activateWindow()

    server.activated.connect(activate)
    _quit_on_signals(window)
    if paths:
        window.add_paths(paths)
    if args.screenshot:
        def shoot() -> None:
            window.grab().save(args.screenshot)
            window.quit_without_asking()

        QTimer.singleShot(1500, shoot)
    try:
        return app.exec()
    finally:
        server.close()
        window.shutdown()
        queue.close()
