"""Every modal question the main window asks, behind one object that tests can replace.

The main window never calls QFileDialog or QMessageBox directly; it calls these methods, so a test
passes a subclass that answers without a modal loop.
"""
from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

IMAGE_FILTER = ("Images (*.png *.jpg *.jpeg *.jpe *.jfif *.bmp *.dib *.gif *.tif *.tiff *.webp *.ppm *.pgm "
                "*.pbm *.pnm *.ico *.tga);;All files (*)")

# Answers of ask_close().
CLOSE_FINISH, CLOSE_PAUSE, CLOSE_QUIT, CLOSE_CANCEL = "finish", "pause", "quit", "cancel"


class Dialogs:
    """Real dialogs, parented to the main window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    def choose_images(self, start_dir: str) -> list[str]:
        files, _ = QFileDialog.getOpenFileNames(self.parent, "Add images", start_dir, IMAGE_FILTER)
        return list(files)

    def choose_folder(self, start_dir: str) -> str | None:
        folder = QFileDialog.getExistingDirectory(self.parent, "Add a folder of images", start_dir)
        return folder or None

    def ask_close(self, running: int, pending: int) -> str:
        """Work is in progress: finish it, pause (finish running jobs, keep the rest), or quit now."""
        box = QMessageBox(self.parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Jobs in progress")
        box.setText(f"{running} job{'s are' if running != 1 else ' is'} being analysed and "
                    f"{pending} {'are' if pending != 1 else 'is'} waiting.")
        box.setInformativeText(
            "Finish: keep the window open until every job is done, then quit.\n"
            "Pause: start nothing new, quit when the running jobs are done.\n"
            "Quit now: running jobs go back to the queue and run again next time.\n"
            "Nothing is lost either way.")
        finish = box.addButton("Finish", QMessageBox.ButtonRole.AcceptRole)
        pause = box.addButton("Pause", QMessageBox.ButtonRole.ActionRole)
        quit_now = box.addButton("Quit now", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(pause)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked is finish:
            return CLOSE_FINISH
        if clicked is pause:
            return CLOSE_PAUSE
        if clicked is quit_now:
            return CLOSE_QUIT
        return CLOSE_CANCEL

    def confirm_remove(self, count: int) -> bool:
        answer = QMessageBox.question(
            self.parent, "Remove jobs",
            f"Remove {count} job{'s' if count != 1 else ''} and {'their' if count != 1 else 'its'} results "
            "from the list? Running jobs are cancelled first. The images themselves are not touched.")
        return answer == QMessageBox.StandardButton.Yes

    def info(self, title: str, text: str) -> None:
        QMessageBox.information(self.parent, title, text)

    def error(self, title: str, text: str) -> None:
        QMessageBox.warning(self.parent, title, text)
