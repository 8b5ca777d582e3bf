"""ResultsView: one job's result. Verdict and message on top; the findings (best first); for the
selected finding its text (always plain text), a hex view of binary payloads, its parameters and
Save payload as…; beside them the ImageViewer with planes, LSB view and plots."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QPlainTextEdit, QPushButton, QSizePolicy, QSplitter, QStackedWidget,
                               QTableView, QTabWidget, QVBoxLayout, QWidget)

from stegnox_gui.gui.findings_model import FindingsModel, one_line
from stegnox_gui.gui.hex_view import HexView
from stegnox_gui.gui.image_viewer import ImageViewer
from stegnox_gui.gui.payload_bytes import carved_path, is_binary, payload_bytes

IMAGE_TYPES = {"png", "jpeg", "jpg", "gif", "bmp", "tiff", "webp"}
TEXT_DISPLAY_LIMIT = 2 * 1024 * 1024  # characters of a carved text payload shown in the text tab

BADGES = {  # label, colour
    "hidden_data": ("HIDDEN DATA", "#c62828"), "suspicious": ("SUSPICIOUS", "#b26a00"),
    "clean": ("CLEAN", "#2e7d32"), "failed": ("FAILED", "#8e1c1c"), "pending": ("PENDING", "#607080"),
    "processing": ("ANALYSING", "#1f6fbf"), "cancelled": ("CANCELLED", "#607080"),
}
STATUS_TEXT = {
    "pending": "Waiting in the queue.",
    "processing": "Being analysed now; the result appears here when it is done.",
    "cancelled": "This job was cancelled before it finished. Retry it to analyse the image.",
    "completed": "Completed; the detailed result is not available.",
}

SaveDialog = Callable[[QWidget, str, str], "str | None"]


def ask_save_path(parent: QWidget, caption: str, suggested: str) -> str | None:
    """The native Save dialog; tests replace ResultsView.save_dialog instead of driving it."""
    path, _ = QFileDialog.getSaveFileName(parent, caption, suggested, "All files (*)")
    return path or None


def pretty_json(value: Any, indent: int = 2, width: int = 100) -> str:
    """JSON with nesting indented but short lists and objects kept on one line (plot data is long
    lists of numbers that would otherwise take a line each)."""
    def fmt(v: Any, level: int) -> str:
        flat = json.dumps(v, ensure_ascii=False, default=str)
        if len(flat) + level * indent <= width or not isinstance(v, (dict, list)) or not v:
            return flat
        pad, inner = " " * (level * indent), " " * ((level + 1) * indent)
        if isinstance(v, dict):
            items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {fmt(x, level + 1)}" for k, x in v.items()]
            return "{\n" + ",\n".join(items) + f"\n{pad}}}"
        if all(not isinstance(x, (dict, list)) for x in v):  # a long list of scalars: wrap, do not explode
            rows, row = [], ""
            for x in v:
                item = json.dumps(x, ensure_ascii=False, default=str)
                if row and len(row) + len(item) + 2 + len(inner) > width:
                    rows.append(row)
                    row = ""
                row = f"{row}, {item}" if row else item
            rows.append(row)
            return "[\n" + ",\n".join(inner + r for r in rows) + f"\n{pad}]"
        return "[\n" + ",\n".join(inner + fmt(x, level + 1) for x in v) + f"\n{pad}]"

    return fmt(value, 0)


def _plain_label(text: str = "", *, bold: bool = False, muted: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # file names and messages come from images
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        label.setFont(font)
    if muted:
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def _mono_editor(name: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setReadOnly(True)
    edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    edit.setAccessibleName(name)
    edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    return edit


class ResultsView(QWidget):
    """Shows a job record (see the queue) and its engine result."""

    finding_selected = Signal(object)  # the finding dict, or None

    def __init__(self, parent: QWidget | None = None, *, with_viewer: bool = True,
                 viewer: ImageViewer | None = None) -> None:
        super().__init__(parent)
        self.save_dialog: SaveDialog = ask_save_path
        self._job: dict[str, Any] | None = None
        self._finding: dict[str, Any] | None = None
        self._auto_selecting = False  # selecting the first finding on show_job, not the user
        self.model = FindingsModel(self)
        self.image_viewer = viewer if viewer is not None else (ImageViewer(self) if with_viewer else None)
        self._build()
        self.show_job(None)

    # layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.badge = QLabel()
        self.badge.setTextFormat(Qt.TextFormat.PlainText)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setMinimumWidth(110)
        self.badge.setAccessibleName("Verdict")
        self.name_label = _plain_label(bold=True)
        self.score_label = _plain_label(muted=True)
        self.message_label = _plain_label()
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("Result message")
        self.info_label = _plain_label(muted=True)
        small = self.info_label.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.info_label.setFont(small)
        self.info_label.setWordWrap(True)
        self.info_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        top = QHBoxLayout()
        top.addWidget(self.badge)
        top.addWidget(self.name_label, 1)
        top.addWidget(self.score_label)
        header = QVBoxLayout()
        header.setSpacing(2)
        header.addLayout(top)
        header.addWidget(self.message_label)
        header.addWidget(self.info_label)

        # findings and details
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Findings")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._select_row(cur.row()))

        self.text_view = _mono_editor("Extracted text")
        self.text_view.setPlaceholderText("Select a finding to see its text")
        self.hex_view = HexView()
        self.details_view = _mono_editor("Finding details")
        self.details_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.methods_view = _mono_editor("Methods run")
        self.methods_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.text_view, "Text")
        self.tabs.addTab(self.hex_view, "Hex")
        self.tabs.addTab(self.details_view, "Details")
        self.tabs.addTab(self.methods_view, "Methods")

        self.save_button = QPushButton("Save payload as…")
        self.save_button.setToolTip("Save the selected finding's payload to a file (Ctrl+Shift+S)")
        self.save_button.setAccessibleName("Save payload as")
        self.save_button.clicked.connect(self.save_payload)
        QShortcut(QKeySequence("Ctrl+Shift+S"), self, self.save_payload,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.view_payload_button = QPushButton("View payload image")
        self.view_payload_button.setCheckable(True)
        self.view_payload_button.setToolTip("Show the carved image payload in the image viewer (planes, plots and all)")
        self.view_payload_button.setAccessibleName("View payload image")
        self.view_payload_button.toggled.connect(self._view_payload_toggled)
        self.view_payload_button.setVisible(False)
        self.payload_label = _plain_label(muted=True)
        self.payload_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        buttons = QHBoxLayout()
        buttons.addWidget(self.payload_label, 1)
        buttons.addWidget(self.view_payload_button)
        buttons.addWidget(self.save_button)

        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.tabs, 1)
        dl.addLayout(buttons)
        self.findings_split = QSplitter(Qt.Orientation.Vertical)
        self.findings_split.addWidget(self.table)
        self.findings_split.addWidget(detail)
        self.findings_split.setStretchFactor(0, 2)
        self.findings_split.setStretchFactor(1, 3)

        self.status_text = QPlainTextEdit()
        self.status_text.setReadOnly(True)
        self.status_text.setAccessibleName("Job status")
        self.status_text.setFrameShape(QPlainTextEdit.Shape.NoFrame)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.status_text)
        self.pages.addWidget(self.findings_split)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.pages)
        if self.image_viewer is not None:
            self.splitter.addWidget(self.image_viewer)
            self.splitter.setStretchFactor(0, 1)
            self.splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(header)
        layout.addWidget(self.splitter, 1)

    def resizeEvent(self, event) -> None:  # noqa: N802
        """Short and wide (under the job table): findings beside their details; tall: above."""
        super().resizeEvent(event)
        wide = self.height() < 480 and self.width() > 1000
        want = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.findings_split.orientation() != want:
            self.findings_split.setOrientation(want)
            if self.image_viewer is not None:
                total = max(1, self.splitter.width())
                left = int(total * (0.64 if wide else 0.5))
                self.splitter.setSizes([left, total - left])
            span = max(2, (self.width() * (0.64 if wide else 0.5)) if wide else self.findings_split.height())
            self.findings_split.setSizes([int(span * 0.45), int(span * 0.55)])

    # public ----------------------------------------------------------------------------
    def show_job(self, job: dict[str, Any] | None) -> None:
        """Show a job record (None clears). Showing the same job again keeps the selected finding."""
        previous = self._finding_key(self._finding) if (job and self._job and
                                                        job.get("job_id") == self._job.get("job_id")) else None
        self._job = job
        self._finding = None
        if job is None:
            self._set_badge(None)
            self.name_label.setText("No job selected")
            self.score_label.setText("")
            self.message_label.setText("Select a job to see its result.")
            self.info_label.setText("")
            self.model.set_findings([])
            self.status_text.setPlainText("")
            self.pages.setCurrentIndex(0)
            self._show_finding(None)
            if self.image_viewer is not None:
                self.image_viewer.set_image(None)
            return

        results = job.get("results") if isinstance(job.get("results"), dict) else None
        status = str(job.get("status") or ("completed" if results else "pending"))
        path = str(job.get("image_path") or (results or {}).get("image", {}).get("path") or "")
        self.name_label.setText(Path(path).name if path else f"Job {job.get('job_id', '')}")
        self.name_label.setToolTip(path)
        if self.image_viewer is not None:
            self.image_viewer.set_image(path or None)

        if status == "failed" or (results is None and job.get("error")):
            self._set_badge("failed")
            self.score_label.setText("")
            self.message_label.setText("The analysis failed.")
            self.info_label.setText(self._times(job))
            self.model.set_findings([])
            self.status_text.setPlainText(f"Error:\n{job.get('error') or 'unknown error'}")
            self.pages.setCurrentIndex(0)
            self._show_finding(None)
            return
        if results is None:
            verdict = str(job.get("verdict") or "")
            self._set_badge(status if status in BADGES else verdict if verdict in BADGES else "pending")
            self.score_label.setText("")
            self.message_label.setText(STATUS_TEXT.get(status, f"Status: {status}"))
            self.info_label.setText(self._times(job))
            self.model.set_findings([])
            self.status_text.setPlainText(f"Status: {status}\n\n{STATUS_TEXT.get(status, '')}")
            self.pages.setCurrentIndex(0)
            self._show_finding(None)
            return

        verdict = str(job.get("verdict") or results.get("verdict") or "clean")
        self._set_badge(verdict)
        score = job.get("score") if job.get("score") is not None else results.get("score")
        self.score_label.setText(f"score {float(score):.2f}" if isinstance(score, (int, float)) else "")
        message = str(job.get("message") or results.get("message") or "")
        if results.get("error"):
            message += f"\nNote: {results['error']}"
        self.message_label.setText(message)
        self.info_label.setText("  ·  ".join(t for t in (self._image_info(results), self._times(job)) if t))
        self.methods_view.setPlainText(self._methods_text(results))
        self.model.set_findings(results.get("findings") or [])
        self.pages.setCurrentIndex(1)
        row = 0
        if previous is not None:
            keys = [self._finding_key(f) for f in self.model.findings()]
            row = keys.index(previous) if previous in keys else 0
        if self.model.rowCount() > 0:
            self._auto_selecting = True
            try:
                self.select_finding(row)
            finally:
                self._auto_selecting = False
        else:
            self._show_finding(None)
            self.text_view.setPlainText("")
            self.text_view.setPlaceholderText("No findings: every method ran and found nothing.")

    def job(self) -> dict[str, Any] | None:
        return self._job

    def select_finding(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def current_finding(self) -> dict[str, Any] | None:
        return self._finding

    def save_payload(self) -> Path | None:
        """Ask where to save the selected finding's payload and write its exact bytes there."""
        f = self._finding
        if f is None:
            return None
        data, complete = payload_bytes(f)
        if not data:
            self._note("This finding has no payload to save.", error=True)
            return None
        target = self.save_dialog(self, "Save payload as", self._suggested_name(f))
        if not target:
            return None
        path = Path(target)
        source = carved_path(f)
        try:
            if source is not None:
                if source.resolve() != path.resolve():
                    shutil.copyfile(source, path)  # the whole carved file, whatever its size
                written, complete = path.stat().st_size, True
            else:
                path.write_bytes(data)
                written = len(data)
        except OSError as exc:
            self._note(f"Could not save: {exc.strerror or exc}", error=True)
            return None
        size = f.get("payload_size")
        if complete or size is None:
            self._note(f"Saved {written:,} bytes to {path}")
        else:
            self._note(f"Saved the {len(data):,}-byte preview of a {int(size):,}-byte payload to {path} "
                       "(analyse with an output folder to carve it in full)", error=True)
        return path

    # findings --------------------------------------------------------------------------
    def _select_row(self, row: int) -> None:
        finding = self.model.finding(row)
        self._show_finding(finding)
        if not self._auto_selecting and finding is not None:
            self._point_viewer_at(finding)

    def _point_viewer_at(self, f: dict[str, Any]) -> None:
        """When the user picks a bit-plane finding, show the plane it was read from."""
        if self.image_viewer is None:
            return
        params = f.get("params") if isinstance(f.get("params"), dict) else {}
        channels, planes = params.get("channels"), params.get("planes")
        if isinstance(channels, str) and isinstance(planes, list) and planes and isinstance(planes[0], int):
            names = ["gray"] if channels in ("gray", "l") else [c for c in channels.lower() if c in "rgba"]
            if channels == "index":
                names = ["index"]
            for name in names:
                if self.image_viewer.show_plane(name, int(planes[0])):
                    return
        elif f.get("kind") == "statistic":
            self.image_viewer.set_mode("plots")

    def _payload_image(self, f: dict[str, Any] | None) -> Path | None:
        """The carved file of a finding whose payload is an image the viewer can open."""
        if f is None or str(f.get("detected_type") or "").lower() not in IMAGE_TYPES:
            return None
        return carved_path(f)

    def _view_payload_toggled(self, on: bool) -> None:
        if self.image_viewer is None or self._job is None:
            return
        payload = self._payload_image(self._finding)
        if on and payload is not None:
            self.image_viewer.set_image(str(payload))
        else:
            self.image_viewer.set_image(str(self._job.get("image_path") or "") or None)

    def _show_finding(self, f: dict[str, Any] | None) -> None:
        self._finding = f
        if self.view_payload_button.isChecked():
            self.view_payload_button.setChecked(False)  # back to the job's own image
        self.view_payload_button.setVisible(self.image_viewer is not None and self._payload_image(f) is not None)
        self.save_button.setEnabled(False)
        self.payload_label.setText("")
        self.payload_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        if f is None:
            self.text_view.setPlainText("")
            self.hex_view.set_data(b"")
            self.details_view.setPlainText("")
            self.finding_selected.emit(None)
            return
        data, complete = payload_bytes(f)
        binary = is_binary(data, f)
        if binary:
            kind = f.get("detected_type") or "binary data"
            self.text_view.setPlainText(f"{one_line(f.get('summary'), 2000)}\n\n[{kind}: see the Hex tab]")
        else:
            self.text_view.setPlainText(self._text_of(f, data))
        self.hex_view.set_data(data)
        self.details_view.setPlainText(self._details_text(f))
        self.tabs.setCurrentWidget(self.hex_view if binary else (self.text_view if data else self.details_view))
        self.save_button.setEnabled(bool(data))
        if data:
            size = f.get("payload_size")
            where = "carved file" if carved_path(f) is not None else "preview"
            total = f"{int(size):,}" if isinstance(size, int) else "?"
            self.payload_label.setText(f"{len(data):,} of {total} bytes from the {where}" if not complete
                                       else f"{len(data):,} bytes" + (f" · {f.get('detected_type')}" if f.get("detected_type") else ""))
        self.finding_selected.emit(f)

    @staticmethod
    def _text_of(f: dict[str, Any], data: bytes) -> str:
        if carved_path(f) is not None:
            text = data[: TEXT_DISPLAY_LIMIT * 4].decode("utf-8", errors="replace")
            if len(text) > TEXT_DISPLAY_LIMIT:
                return text[:TEXT_DISPLAY_LIMIT] + f"\n\n[… shown {TEXT_DISPLAY_LIMIT:,} characters; save the payload for all]"
            return text
        return str(f.get("preview") or "")

    @staticmethod
    def _finding_key(f: dict[str, Any] | None) -> tuple | None:
        return None if f is None else (f.get("method"), f.get("kind"), f.get("summary"), f.get("sha256"))

    def _suggested_name(self, f: dict[str, Any]) -> str:
        p = carved_path(f)
        if p is not None:
            return p.name
        stem = Path(str((self._job or {}).get("image_path") or "payload")).stem
        ext = {"text": "txt", "jpeg": "jpg"}.get(str(f.get("detected_type") or "").lower(),
                                                  str(f.get("detected_type") or "bin").lower())
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in f"{stem}.{f.get('method', 'payload')}.{ext}")
        return safe[:120]

    # text blocks -----------------------------------------------------------------------
    @staticmethod
    def _details_text(f: dict[str, Any]) -> str:
        rows = [("Method", f.get("method")), ("Kind", f.get("kind")), ("Confidence", f.get("confidence")),
                ("Hidden data", "yes" if f.get("hidden", True) else "no (ordinary information)"),
                ("Detected type", f.get("detected_type")), ("Payload size", f.get("payload_size")),
                ("SHA-256", f.get("sha256")), ("Carved file", f.get("path"))]
        lines = [f"{k:<14} {v}" for k, v in rows if v not in (None, "")]
        lines.append(f"{'Summary':<14} {f.get('summary', '')}")
        for title, key in (("Parameters", "params"), ("Data", "data")):
            value = f.get(key)
            if value:
                lines.append(f"\n{title}:\n" + pretty_json(value))
        return "\n".join(lines)

    @staticmethod
    def _methods_text(results: dict[str, Any]) -> str:
        methods = results.get("methods") or {}
        lines = [f"{'method':<22} {'status':<8} {'seconds':>8}  note"]
        for name, m in methods.items():
            m = m if isinstance(m, dict) else {}
            secs = m.get("seconds")
            secs_text = f"{secs:8.3f}" if isinstance(secs, (int, float)) else f"{'':>8}"
            lines.append(f"{name:<22} {str(m.get('status', '')):<8} {secs_text}  {m.get('error') or ''}")
        drivers = results.get("drivers") or []
        if drivers:
            lines.append("\nVerdict driven by:")
            for d in drivers:
                lines.append("  " + (json.dumps(d, ensure_ascii=False, default=str) if not isinstance(d, str) else d))
        if results.get("elapsed_seconds") is not None:
            lines.append(f"\nTotal {results['elapsed_seconds']} s · engine {results.get('engine_version', '')}")
        return "\n".join(lines)

    @staticmethod
    def _image_info(results: dict[str, Any]) -> str:
        img = results.get("image") or {}
        if not isinstance(img, dict) or not img:
            return ""
        parts = [f"{img.get('format', '')} {img.get('width', '?')}×{img.get('height', '?')} {img.get('mode', '')}".strip()]
        if isinstance(img.get("file_size"), int):
            parts.append(f"{img['file_size']:,} bytes")
        if img.get("sha256"):
            parts.append(f"SHA-256 {str(img['sha256'])[:16]}…")
        return "  ·  ".join(parts)

    @staticmethod
    def _times(job: dict[str, Any]) -> str:
        from stegnox_gui.reports.job_fields import format_time

        parts = []
        for label, key in (("added", "created_at"), ("finished", "completed_at")):
            text = format_time(job.get(key))
            if text:
                parts.append(f"{label} {text}")
        return "  ·  ".join(parts)

    def _set_badge(self, state: str | None) -> None:
        if state is None:
            self.badge.setText("")
            self.badge.setStyleSheet("")
            self.badge.setVisible(False)
            return
        label, colour = BADGES.get(state, (state.upper(), "#607080"))
        self.badge.setVisible(True)
        self.badge.setText(label)
        self.badge.setStyleSheet(f"QLabel {{ background: {colour}; color: white; font-weight: bold;"
                                 " border-radius: 4px; padding: 4px 10px; }")

    def _note(self, text: str, *, error: bool = False) -> None:
        self.payload_label.setText(text)
        if error:
            pal = self.payload_label.palette()
            pal.setColor(QPalette.ColorRole.WindowText, QColor("#c62828"))
            self.payload_label.setPalette(pal)
            self.payload_label.setForegroundRole(QPalette.ColorRole.WindowText)
        else:
            self.payload_label.setPalette(self.palette())
            self.payload_label.setForegroundRole(QPalette.ColorRole.WindowText)
