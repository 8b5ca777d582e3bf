"""The Settings dialog: edits AppSettings; the caller decides what applies at once."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QLineEdit,
    QPushButton, QSpinBox, QWidget,
)

from stegnox_gui.gui.settings import PRIORITIES, AppSettings, default_workers


class SettingsDialog(QDialog):
    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("StegnoX settings")
        form = QFormLayout(self)

        self.workers = QSpinBox()
        self.workers.setRange(1, 64)
        self.workers.setValue(settings.workers)
        self.workers.setAccessibleName("Workers")
        self.workers.setToolTip(f"Images analysed at the same time, each in its own process "
                                f"(this machine has {default_workers()} cores). Applies when no job is running.")
        form.addRow("&Workers:", self.workers)

        self.priority = QComboBox()
        for p in PRIORITIES:
            self.priority.addItem(p.capitalize(), p)
        self.priority.setCurrentIndex(PRIORITIES.index(settings.default_priority))
        self.priority.setAccessibleName("Default priority")
        self.priority.setToolTip("Priority of newly added images")
        form.addRow("Default &priority:", self.priority)

        self.time_limit = QDoubleSpinBox()
        self.time_limit.setRange(1, 24 * 3600)
        self.time_limit.setDecimals(0)
        self.time_limit.setSuffix(" s")
        self.time_limit.setValue(settings.time_limit)
        self.time_limit.setAccessibleName("Time limit per image")
        self.time_limit.setToolTip("An analysis that takes longer fails with a clear message")
        form.addRow("&Time limit per image:", self.time_limit)

        self.pixel_limit = QSpinBox()
        self.pixel_limit.setRange(1, 2_000)
        self.pixel_limit.setSuffix(" megapixels")
        self.pixel_limit.setValue(max(1, settings.pixel_limit // 1_000_000))
        self.pixel_limit.setAccessibleName("Pixel limit")
        self.pixel_limit.setToolTip("Larger images are refused (protects against decompression bombs)")
        form.addRow("Pi&xel limit:", self.pixel_limit)

        self.retention = QSpinBox()
        self.retention.setRange(0, 3650)
        self.retention.setSuffix(" days")
        self.retention.setSpecialValueText("Keep forever")
        self.retention.setValue(settings.retention_days)
        self.retention.setAccessibleName("Keep finished jobs for")
        self.retention.setToolTip("Finished jobs older than this are removed at start and daily")
        form.addRow("&Keep finished jobs:", self.retention)

        self.wordlist = QLineEdit(settings.wordlist)
        self.wordlist.setPlaceholderText("none (built-in common passwords only)")
        self.wordlist.setAccessibleName("Passphrase word list")
        self.wordlist.setToolTip("Passphrases to try on steghide and OutGuess images, one per line, after the empty one and "
                                 "before the 19,640 built-in common passwords")
        form.addRow("Pass&phrase word list:", _with_browse(self.wordlist, "Browse for a word list",
                                                            self._browse_wordlist))

        self.data_dir = QLineEdit(str(settings.data_dir))
        self.data_dir.setAccessibleName("Data folder")
        self.data_dir.setToolTip("Where the queue and carved files are kept. Applies after a restart.")
        form.addRow("&Data folder:", _with_browse(self.data_dir, "Browse for data folder", self._browse))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Data folder", self.data_dir.text())
        if folder:
            self.data_dir.setText(folder)

    def _browse_wordlist(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Passphrase word list", self.wordlist.text())
        if path:
            self.wordlist.setText(path)

    def accept(self) -> None:
        s = self.settings
        s.workers = self.workers.value()
        s.default_priority = self.priority.currentData()
        s.time_limit = self.time_limit.value()
        s.pixel_limit = self.pixel_limit.value() * 1_000_000
        s.retention_days = self.retention.value()
        s.data_dir = self.data_dir.text().strip() or None
        s.wordlist = self.wordlist.text().strip() or None
        s.sync()
        super().accept()


def _with_browse(edit: QLineEdit, accessible_name: str, on_browse) -> QHBoxLayout:
    """A path field with its Browse… button."""
    row = QHBoxLayout()
    browse = QPushButton("Browse…")
    browse.setAccessibleName(accessible_name)
    browse.clicked.connect(on_browse)
    row.addWidget(edit, 1)
    row.addWidget(browse)
    return row
