"""Coloured badges for the Status and Verdict columns.

The only fixed colours in the app: each badge has its own dark fill with white text, so it reads
the same on light and dark palettes.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

STATUS_COLOURS = {
    "pending": "#5b6472",
    "processing": "#1d5fd1",
    "completed": "#17803d",
    "failed": "#b42323",
    "cancelled": "#8a5a00",
}
VERDICT_COLOURS = {
    "hidden_data": "#b42323",
    "suspicious": "#a35a00",
    "clean": "#17803d",
}


class BadgeDelegate(QStyledItemDelegate):
    """Paints the cell text inside a rounded badge whose colour depends on `role`'s value."""

    def __init__(self, role: int, colours: dict[str, str], parent=None) -> None:
        super().__init__(parent)
        self._role = role
        self._colours = {k: QColor(v) for k, v in colours.items()}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        key = index.data(self._role)
        colour = self._colours.get(key or "")
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        if colour is None or not text:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = opt.fontMetrics
        width = min(metrics.horizontalAdvance(text) + 16, opt.rect.width() - 6)
        height = min(metrics.height() + 4, opt.rect.height() - 4)
        rect = QRectF(opt.rect.left() + 4, opt.rect.center().y() - height / 2 + 1, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor("#ffffff"))
        font = opt.font
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width) - 8))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 24, size.height() + 4)
