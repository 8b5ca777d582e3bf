"""Fixtures for the window tests: a queue in a temporary folder, settings in a temporary INI file,
dialogs that answer without a modal loop, and a window factory that closes what it opened."""
from __future__ import annotations

import pytest
from PIL import Image
from PySide6.QtCore import QSettings

from stegnox_gui.gui.dialogs import CLOSE_QUIT, Dialogs
from stegnox_gui.gui.main_window import MainWindow
from stegnox_gui.gui.settings import AppSettings
from stegnox_gui.steg_queue.job_queue import JobQueue


class ScriptedDialogs(Dialogs):
    """Answers the window's questions from attributes the test sets; records what was asked."""

    def __init__(self) -> None:
        super().__init__(None)
        self.images: list[str] = []
        self.folder: str | None = None
        self.close_answer = CLOSE_QUIT
        self.remove_answer = True
        self.asked: list[tuple] = []

    def choose_images(self, start_dir):
        self.asked.append(("images", start_dir))
        return list(self.images)

    def choose_folder(self, start_dir):
        self.asked.append(("folder", start_dir))
        return self.folder

    def ask_close(self, running, pending):
        self.asked.append(("close", running, pending))
        return self.close_answer

    def confirm_remove(self, count):
        self.asked.append(("remove", count))
        return self.remove_answer

    def info(self, title, text):
        self.asked.append(("info", title, text))

    def error(self, title, text):
        self.asked.append(("error", title, text))


@pytest.fixture
def settings(tmp_path):
    s = AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    s.retention_days = 0
    return s


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def make_window(qtbot, settings, data_dir):
    made: list[tuple[MainWindow, JobQueue]] = []

    def make(*, start_workers: bool = False, queue: JobQueue | None = None, dialogs: Dialogs | None = None,
             wait_loaded: bool = True, **kw) -> MainWindow:
        q = queue or JobQueue(data_dir)
        w = MainWindow(q, settings, data_dir=data_dir, dialogs=dialogs or ScriptedDialogs(),
                       start_workers=start_workers, poll_ms=50, **kw)
        qtbot.addWidget(w)
        made.append((w, q))
        w.show()
        if wait_loaded:
            qtbot.waitUntil(lambda: w.feed.is_loaded, timeout=60_000)
        return w

    yield make
    for w, q in made:
        w.shutdown()
        q.close()


def _png(path, size=(8, 8), colour=(40, 80, 120)):
    Image.new("RGB", size, colour).save(path)
    return path


@pytest.fixture
def png():
    """png(path, size=(8, 8), colour=...) writes a small PNG and returns its path."""
    return _png
