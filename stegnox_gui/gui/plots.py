"""Small plots drawn with QPainter: channel histograms, a p-value curve, grouped bar charts.

Colours come from the palette (text, grid) and a fixed per-channel scheme, so they work in light
and dark themes. Each plot shows a message instead of axes when it has no data.
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

CHANNEL_COLOURS = {"r": QColor(220, 50, 47), "g": QColor(60, 170, 60), "b": QColor(45, 110, 230),
                   "a": QColor(150, 150, 150), "gray": QColor(128, 128, 128)}
SERIES_COLOURS = [QColor(45, 110, 230), QColor(230, 120, 20), QColor(60, 170, 60), QColor(190, 60, 190),
                  QColor(220, 50, 47), QColor(20, 160, 170)]


def series_colour(name: str, index: int) -> QColor:
    return QColor(CHANNEL_COLOURS.get(name, SERIES_COLOURS[index % len(SERIES_COLOURS)]))


class PlotWidget(QWidget):
    """Shared frame: title, plot area with margins, axis and grid drawing, 'no data' message."""

    MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 52, 14, 28, 34

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self._empty_message = "No data"
        self.setMinimumSize(260, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(title)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 220)

    def set_empty(self, message: str) -> None:
        """Show `message` instead of the plot (e.g. "Not available")."""
        self._empty_message = message
        self._clear()
        self.update()

    def empty_message(self) -> str | None:
        return None if self.has_data() else self._empty_message

    # subclasses -------------------------------------------------------------------------
    def has_data(self) -> bool:
        raise NotImplementedError

    def _clear(self) -> None:
        raise NotImplementedError

    def _draw(self, p: QPainter, area: QRectF) -> None:
        raise NotImplementedError

    # painting ---------------------------------------------------------------------------
    def plot_area(self) -> QRectF:
        return QRectF(self.MARGIN_LEFT, self.MARGIN_TOP, max(1, self.width() - self.MARGIN_LEFT - self.MARGIN_RIGHT),
                      max(1, self.height() - self.MARGIN_TOP - self.MARGIN_BOTTOM))

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        p.setPen(pal.color(QPalette.ColorRole.Text))
        font = p.font()
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(8, 4, self.width() - 16, 20), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   self._title)
        font.setBold(False)
        p.setFont(font)
        if not self.has_data():
            p.setPen(pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._empty_message)
            return
        self._draw(p, self.plot_area())

    def _grid_pen(self) -> QPen:
        colour = QColor(self.palette().color(QPalette.ColorRole.Text))
        colour.setAlpha(40)
        return QPen(colour, 1)

    def _axis_pen(self) -> QPen:
        colour = QColor(self.palette().color(QPalette.ColorRole.Text))
        colour.setAlpha(150)
        return QPen(colour, 1)

    def _draw_y_axis(self, p: QPainter, area: QRectF, lo: float, hi: float, fmt: str = "{:g}", ticks: int = 4) -> None:
        small = p.font()
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.85))
        p.setFont(small)
        for i in range(ticks + 1):
            v = lo + (hi - lo) * i / ticks
            y = area.bottom() - area.height() * i / ticks
            p.setPen(self._grid_pen())
            p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            p.setPen(self._axis_pen())
            p.drawText(QRectF(0, y - 8, self.MARGIN_LEFT - 6, 16),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, fmt.format(v))
        p.setPen(self._axis_pen())
        p.drawLine(area.bottomLeft(), area.bottomRight())
        p.drawLine(area.bottomLeft(), area.topLeft())

    def _draw_x_labels(self, p: QPainter, area: QRectF, labels: Sequence[tuple[float, str]], caption: str = "") -> None:
        p.setPen(self._axis_pen())
        for frac, text in labels:
            x = area.left() + area.width() * frac
            p.drawLine(QPointF(x, area.bottom()), QPointF(x, area.bottom() + 3))
            p.drawText(QRectF(x - 40, area.bottom() + 3, 80, 14), Qt.AlignmentFlag.AlignHCenter, text)
        if caption:
            p.drawText(QRectF(area.left(), area.bottom() + 16, area.width(), 16), Qt.AlignmentFlag.AlignHCenter, caption)

    def _draw_legend(self, p: QPainter, area: QRectF, items: Sequence[tuple[str, QColor]]) -> None:
        x = area.right()
        fm = p.fontMetrics()
        for label, colour in reversed(items):
            w = fm.horizontalAdvance(label)
            x -= w + 22
            p.fillRect(QRectF(x, 10, 10, 10), colour)
            p.setPen(self.palette().color(QPalette.ColorRole.Text))
            p.drawText(QRectF(x + 13, 4, w + 4, 20), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)


class HistogramPlot(PlotWidget):
    """Per-channel histograms (256 bins) overlaid; optional log scale. LSB embedding shows as
    evened-out pairs of neighbouring values."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Histogram", parent)
        self._hist: dict[str, list[float]] = {}
        self.log_scale = False

    def set_histograms(self, hist: Mapping[str, Sequence[float]] | None) -> None:
        self._hist = {str(k): [float(v) for v in vals] for k, vals in (hist or {}).items() if len(vals)}
        self.update()

    def histograms(self) -> dict[str, list[float]]:
        return dict(self._hist)

    def set_log_scale(self, on: bool) -> None:
        self.log_scale = on
        self.update()

    def has_data(self) -> bool:
        return bool(self._hist)

    def _clear(self) -> None:
        self._hist = {}

    def _draw(self, p: QPainter, area: QRectF) -> None:
        tf = (lambda v: math.log10(1 + v)) if self.log_scale else (lambda v: v)
        top = max((tf(v) for vals in self._hist.values() for v in vals), default=1.0) or 1.0
        self._draw_y_axis(p, area, 0, top, "{:.1f}" if self.log_scale else "{:.0f}")
        self._draw_x_labels(p, area, [(i / 255, str(i)) for i in (0, 64, 128, 192, 255)], "value")
        legend = []
        for idx, (name, vals) in enumerate(self._hist.items()):
            colour = series_colour(name, idx)
            legend.append((name.upper() if len(name) == 1 else name, colour))
            n = len(vals)
            path = QPainterPath(QPointF(area.left(), area.bottom()))
            for i, v in enumerate(vals):
                x0 = area.left() + area.width() * i / n
                x1 = area.left() + area.width() * (i + 1) / n
                y = area.bottom() - area.height() * tf(v) / top
                path.lineTo(x0, y)
                path.lineTo(x1, y)
            path.lineTo(area.right(), area.bottom())
            path.closeSubpath()
            fill = QColor(colour)
            fill.setAlpha(60)
            p.fillPath(path, fill)
            p.setPen(QPen(colour, 1.2))
            p.drawPath(path)
        self._draw_legend(p, area, legend)


class CurvePlot(PlotWidget):
    """One or more y(x) curves with a fixed y range, e.g. the chi-square p-value along the scan order."""

    def __init__(self, title: str, y_range: tuple[float, float] = (0.0, 1.0), x_caption: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._series: dict[str, tuple[list[float], list[float]]] = {}
        self._y_range = y_range
        self._x_caption = x_caption

    def set_series(self, series: Mapping[str, tuple[Sequence[float], Sequence[float]]] | None) -> None:
        clean: dict[str, tuple[list[float], list[float]]] = {}
        for name, (xs, ys) in (series or {}).items():
            pts = [(float(x), float(y)) for x, y in zip(xs, ys) if _finite(x) and _finite(y)]
            if pts:
                clean[str(name)] = ([x for x, _ in pts], [y for _, y in pts])
        self._series = clean
        self.update()

    def series(self) -> dict[str, tuple[list[float], list[float]]]:
        return dict(self._series)

    def has_data(self) -> bool:
        return bool(self._series)

    def _clear(self) -> None:
        self._series = {}

    def _draw(self, p: QPainter, area: QRectF) -> None:
        lo, hi = self._y_range
        xs_all = [x for xs, _ in self._series.values() for x in xs]
        x_lo, x_hi = min(xs_all), max(xs_all)
        if 0 <= x_lo < 0.1 * x_hi:
            x_lo = 0.0  # a fraction or count axis starts at zero
        if x_hi <= x_lo:
            x_hi = x_lo + 1.0
        self._draw_y_axis(p, area, lo, hi, "{:.2f}")
        self._draw_x_labels(p, area, [(i / 4, f"{x_lo + (x_hi - x_lo) * i / 4:.3g}") for i in range(5)], self._x_caption)
        legend = []
        for idx, (name, (xs, ys)) in enumerate(self._series.items()):
            colour = series_colour(name, idx)
            legend.append((name.upper() if len(name) == 1 else name, colour))
            path = QPainterPath()
            for i, (x, y) in enumerate(zip(xs, ys)):
                px = area.left() + area.width() * (x - x_lo) / (x_hi - x_lo)
                py = area.bottom() - area.height() * (min(max(y, lo), hi) - lo) / ((hi - lo) or 1.0)
                if i == 0:
                    path.moveTo(px, py)
                else:
                    path.lineTo(px, py)
            p.setPen(QPen(colour, 1.8))
            p.drawPath(path)
        if len(legend) > 1 or (legend and legend[0][0] not in ("", "p")):
            self._draw_legend(p, area, legend)


class BarChart(PlotWidget):
    """Grouped bars: groups (e.g. channels) x series (e.g. detectors), values in a fixed range."""

    def __init__(self, title: str, y_range: tuple[float, float] = (0.0, 1.0), parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._groups: dict[str, dict[str, float]] = {}
        self._y_range = y_range

    def set_groups(self, groups: Mapping[str, Mapping[str, float | None]] | None) -> None:
        self._groups = {str(g): {str(k): float(v) for k, v in vals.items() if v is not None and _finite(v)}
                        for g, vals in (groups or {}).items() if isinstance(vals, Mapping)}
        self._groups = {g: v for g, v in self._groups.items() if v}
        self.update()

    def groups(self) -> dict[str, dict[str, float]]:
        return dict(self._groups)

    def has_data(self) -> bool:
        return bool(self._groups)

    def _clear(self) -> None:
        self._groups = {}

    def _draw(self, p: QPainter, area: QRectF) -> None:
        lo, hi = self._y_range
        top = max([hi] + [v for vals in self._groups.values() for v in vals.values()])
        self._draw_y_axis(p, area, lo, top, "{:.2f}")
        series = list(dict.fromkeys(k for vals in self._groups.values() for k in vals))
        n_groups = len(self._groups)
        group_w = area.width() / n_groups
        bar_w = group_w * 0.8 / max(1, len(series))
        labels = []
        for gi, (group, vals) in enumerate(self._groups.items()):
            gx = area.left() + gi * group_w + group_w * 0.1
            labels.append(((gi + 0.5) / n_groups, group.upper() if len(group) == 1 else group))
            for si, name in enumerate(series):
                if name not in vals:
                    continue
                v = max(lo, vals[name])
                h = area.height() * (v - lo) / ((top - lo) or 1.0)
                p.fillRect(QRectF(gx + si * bar_w, area.bottom() - h, bar_w - 2, h), SERIES_COLOURS[si % len(SERIES_COLOURS)])
        self._draw_x_labels(p, area, labels)
        self._draw_legend(p, area, [(s, SERIES_COLOURS[i % len(SERIES_COLOURS)]) for i, s in enumerate(series)])


def _finite(v: object) -> bool:
    try:
        return math.isfinite(float(v))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
