"""HexView: offset | hex | ASCII dump of any amount of bytes, painted row by row on demand.

Only the visible rows are formatted, so a payload of many megabytes scrolls as fast as a small one.
"""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

BYTES_PER_ROW = 16
COPY_LIMIT = 1 << 20  # Ctrl+C copies at most this many bytes as a dump


def hex_line(data: bytes, offset: int, width: int = BYTES_PER_ROW) -> str:
    """One dump row: `00000010  48 65 6c 6c 6f ...  Hello...`."""
    chunk = data[offset: offset + width]
    hexes = " ".join(f"{b:02x}" for b in chunk)
    if width > 8 and len(chunk) > 8:  # a gap after the 8th byte, as hexdump -C does
        hexes = hexes[:23] + " " + hexes[23:]
    text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
    return f"{offset:08x}  {hexes:<{3 * width}}  {text}"


def hex_dump(data: bytes, start: int = 0, length: int | None = None) -> str:
    """Rows of `hex_line` from `start` for `length` bytes (all by default)."""
    end = len(data) if length is None else min(len(data), start + length)
    return "\n".join(hex_line(data, off) for off in range(start - start % BYTES_PER_ROW, end, BYTES_PER_ROW))


class HexView(QAbstractScrollArea):
    """Read-only hex dump. `set_data(bytes)`; keyboard: arrows, Page Up/Down, Home/End, Ctrl+C."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data = b""
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Hex view")
        self.viewport().setBackgroundRole(QPalette.ColorRole.Base)
        self.viewport().setAutoFillBackground(True)
        self._update_scrollbars()

    # data -----------------------------------------------------------------------------------
    def set_data(self, data: bytes | None) -> None:
        self._data = bytes(data or b"")
        self.verticalScrollBar().setValue(0)
        self._update_scrollbars()
        self.viewport().update()

    def data(self) -> bytes:
        return self._data

    def row_count(self) -> int:
        return (len(self._data) + BYTES_PER_ROW - 1) // BYTES_PER_ROW

    def visible_text(self) -> str:
        """The rows currently on screen, as the user reads them."""
        first = self.verticalScrollBar().value()
        rows = self._rows_per_page()
        return "\n".join(hex_line(self._data, r * BYTES_PER_ROW) for r in range(first, min(self.row_count(), first + rows)))

    # geometry -------------------------------------------------------------------------------
    def _line_height(self) -> int:
        return self.fontMetrics().height() + 1

    def _rows_per_page(self) -> int:
        return max(1, self.viewport().height() // self._line_height())

    def _update_scrollbars(self) -> None:
        rows = self._rows_per_page()
        bar = self.verticalScrollBar()
        bar.setRange(0, max(0, self.row_count() - rows))
        bar.setPageStep(rows)
        bar.setSingleStep(1)
        width = self.fontMetrics().horizontalAdvance(hex_line(b"\0" * BYTES_PER_ROW, 0)) + 16
        hbar = self.horizontalScrollBar()
        hbar.setRange(0, max(0, width - self.viewport().width()))
        hbar.setPageStep(self.viewport().width())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._update_scrollbars()

    def sizeHint(self):  # noqa: N802
        hint = super().sizeHint()
        width = self.fontMetrics().horizontalAdvance(hex_line(b"\0" * BYTES_PER_ROW, 0)) + 40
        hint.setWidth(max(hint.width(), width))
        return hint

    # painting -------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self.viewport())
        painter.setFont(self.font())
        pal = self.palette()
        line_h = self._line_height()
        x0 = 8 - self.horizontalScrollBar().value()
        fm = self.fontMetrics()
        if not self._data:
            painter.setPen(pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
            painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, "No binary payload")
            return
        first = self.verticalScrollBar().value()
        offset_w = fm.horizontalAdvance("00000000  ")
        hex_w = fm.horizontalAdvance("0" * (3 * BYTES_PER_ROW + 1) + " ")
        muted = pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        text_c = pal.color(QPalette.ColorRole.Text)
        ascii_c = pal.color(QPalette.ColorRole.Link)
        for i in range(self._rows_per_page() + 1):
            row = first + i
            if row >= self.row_count():
                break
            line = hex_line(self._data, row * BYTES_PER_ROW)
            y = i * line_h
            rect = QRect(x0, y, 10_000, line_h)
            painter.setPen(muted)
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line[:8])
            painter.setPen(text_c)
            painter.drawText(rect.adjusted(offset_w, 0, 0, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             line[10:10 + 3 * BYTES_PER_ROW + 1])
            painter.setPen(ascii_c)
            painter.drawText(rect.adjusted(offset_w + hex_w, 0, 0, 0),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             line[10 + 3 * BYTES_PER_ROW + 2:])

    # keyboard -------------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802
        bar = self.verticalScrollBar()
        key = event.key()
        if event.matches(QKeySequence.StandardKey.Copy):
            QGuiApplication.clipboard().setText(hex_dump(self._data[:COPY_LIMIT]))
        elif key == Qt.Key.Key_Home:
            bar.setValue(0)
        elif key == Qt.Key.Key_End:
            bar.setValue(bar.maximum())
        else:
            super().keyPressEvent(event)  # arrows and pages move the scroll bars
