"""The banner that invites dropping images, and the drag-and-drop plumbing shared with the window."""
from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from stegnox_gui.gui.file_collector import paths_from_text


def paths_from_mime(mime: QMimeData) -> list[str]:
    """Local files from dropped/pasted data: URLs first, else paths written as text."""
    if mime.hasUrls():
        paths = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
        if paths:
            return paths
    if mime.hasText():
        return paths_from_text(mime.text())
    return []


def accepts(mime: QMimeData) -> bool:
    return bool(mime.hasUrls() and any(u.isLocalFile() for u in mime.urls()))


class DropArea(QFrame):
    """'Drop images or folders here' with Add buttons; emits `dropped(paths)`."""

    dropped = Signal(list)
    add_images_clicked = Signal()
    add_folder_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropArea")
        self.setAccessibleName("Drop area")
        self.setAccessibleDescription("Drop image files or folders here to analyse them")
        self.setToolTip("Drop image files or folders anywhere in the window")
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFrameShadow(QFrame.Shadow.Sunken)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        self.label = QLabel("<b>Drop images or folders here</b> — folders are searched recursively; "
                            "non-images are skipped")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.add_images_button = QPushButton("Add images…")
        self.add_images_button.setAccessibleName("Add images")
        self.add_images_button.setToolTip("Choose image files to analyse (Ctrl+O)")
        self.add_images_button.clicked.connect(self.add_images_clicked)
        self.add_folder_button = QPushButton("Add folder…")
        self.add_folder_button.setAccessibleName("Add folder")
        self.add_folder_button.setToolTip("Choose a folder; every image in it and its subfolders is added (Ctrl+Shift+O)")
        self.add_folder_button.clicked.connect(self.add_folder_clicked)
        layout.addWidget(self.add_images_button)
        layout.addWidget(self.add_folder_button)
        self._set_highlight(False)

    def _set_highlight(self, on: bool) -> None:
        self.setProperty("dragging", on)
        self.setBackgroundRole(self.backgroundRole())
        self.setAutoFillBackground(on)
        if on:
            pal = self.palette()
            tint = pal.color(pal.ColorRole.Highlight)
            tint.setAlpha(70)  # a tint over the window colour reads in light and dark themes
            pal.setColor(self.backgroundRole(), tint)
            self.setPalette(pal)
        else:
            self.setPalette(self.parentWidget().palette() if self.parentWidget() else self.palette())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if accepts(event.mimeData()):
            self._set_highlight(True)
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:
        self._set_highlight(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_highlight(False)
        paths = paths_from_mime(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.dropped.emit(paths)
        else:
            event.ignore()
