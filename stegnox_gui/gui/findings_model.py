"""FindingsModel: the findings of one engine result as a table (method, kind, confidence, summary)."""
from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

COLUMNS = ("Method", "Kind", "Confidence", "Summary")
FINDING_ROLE = Qt.ItemDataRole.UserRole + 1  # the finding dict of a row
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # a value that sorts naturally (numbers as numbers)

_Index = QModelIndex | QPersistentModelIndex


def best_first(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Hidden-data findings first, then by falling confidence (the engine's order, enforced)."""
    def key(f: dict[str, Any]) -> tuple[bool, float]:
        try:
            conf = float(f.get("confidence") or 0.0)
        except (TypeError, ValueError):
            conf = 0.0
        return (not f.get("hidden", True), -conf)

    return sorted((f for f in findings if isinstance(f, dict)), key=key)


def one_line(text: Any, limit: int = 300) -> str:
    """A summary on one line (payload text may hold newlines and control characters)."""
    flat = " ".join(str(text if text is not None else "").split())
    flat = "".join(c if c.isprintable() else "\ufffd" for c in flat)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class FindingsModel(QAbstractTableModel):
    """Read-only table over a list of finding dicts, best first."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []

    def set_findings(self, findings: list[dict[str, Any]] | None) -> None:
        self.beginResetModel()
        self._rows = best_first(list(findings or []))
        self.endResetModel()

    def finding(self, row: int) -> dict[str, Any] | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def findings(self) -> list[dict[str, Any]]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section == 2:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        f = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(f, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(f)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(f, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not f.get("hidden", True):
            return _muted_colour()
        if role == Qt.ItemDataRole.FontRole and f.get("hidden", True) and col == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == FINDING_ROLE:
            return f
        if role == SORT_ROLE:
            return _confidence(f) if col == 2 else self._display(f, col)
        return None

    @staticmethod
    def _display(f: dict[str, Any], col: int) -> str:
        if col == 0:
            return one_line(f.get("method"), 60)
        if col == 1:
            kind = one_line(f.get("kind"), 30)
            return kind if f.get("hidden", True) else f"{kind} (info)"
        if col == 2:
            return f"{_confidence(f):.2f}"
        if col == 3:
            return one_line(f.get("summary"))
        return ""

    @staticmethod
    def _tooltip(f: dict[str, Any]) -> str:
        # Qt renders a tool tip as rich text when it looks like HTML, so it is built as HTML with
        # every string from the image escaped.

        lines = [escape(one_line(f.get("summary"), 500))]
        if f.get("detected_type"):
            lines.append(f"type: {escape(str(f['detected_type']))}")
        if f.get("payload_size") is not None:
            lines.append(f"payload: {escape(str(f['payload_size']))} bytes")
        if not f.get("hidden", True):
            lines.append("ordinary information, not counted as hidden data")
        return "<p style='white-space:pre-wrap'>" + "<br>".join(lines) + "</p>"


def _confidence(f: dict[str, Any]) -> float:
    try:
        return float(f.get("confidence") or 0.0)
    except (TypeError, ValueError):
        return 0.0


def _muted_colour() -> QColor:
    app = QApplication.instance()
    palette = app.palette() if isinstance(app, QApplication) else QPalette()
    return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
