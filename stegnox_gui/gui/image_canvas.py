"""ImageCanvas: a zoomable, pannable, pixel-accurate view of one QImage (no smoothing when enlarged).

Ctrl+wheel or +/- zoom around the cursor, 0 (or F) fits, 1 shows 1:1, dragging pans. Only the exposed
part of the image is drawn, so a 24 MP image needs no full-size pixmap conversion.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPalette, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView, QStyleOptionGraphicsItem, QWidget

MIN_ZOOM, MAX_ZOOM = 1 / 64, 64.0
ZOOM_STEP = 1.25


def _checker_brush() -> QBrush:
    tile = QPixmap(16, 16)
    tile.fill(QColor(204, 204, 204))
    p = QPainter(tile)
    p.fillRect(0, 0, 8, 8, QColor(153, 153, 153))
    p.fillRect(8, 8, 8, 8, QColor(153, 153, 153))
    p.end()
    brush = QBrush(tile)
    brush.setTransform(QTransform.fromScale(0.5, 0.5))
    return brush


class _ImageItem(QGraphicsItem):
    """Draws the exposed rectangle of a QImage (nearest-neighbour when enlarged)."""

    def __init__(self) -> None:
        super().__init__()
        self._image = QImage()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    def set_image(self, image: QImage) -> None:
        self.prepareGeometryChange()
        self._image = image
        self.update()

    def image(self) -> QImage:
        return self._image

    def boundingRect(self) -> QRectF:  # noqa: N802
        return QRectF(0, 0, self._image.width(), self._image.height())

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self._image.isNull():
            return
        # Enlarged: nearest neighbour, every image pixel a sharp square. Reduced: filtered, so
        # that bit-plane noise shows as its density instead of aliasing patterns.
        scale = painter.worldTransform().m11()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, scale < 1.0)
        exposed = option.exposedRect.toAlignedRect().intersected(self._image.rect())
        if exposed.isEmpty():
            return
        if self._image.hasAlphaChannel():  # transparent pixels show as a checkerboard, not as the margin
            painter.fillRect(QRectF(exposed), _checker_brush())
        painter.drawImage(QRectF(exposed), self._image, QRectF(exposed))


class ImageCanvas(QGraphicsView):
    """Shows one image; emits `hovered(x, y)` in image pixels and `zoom_changed(factor)`."""

    hovered = Signal(int, int)
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self._item = _ImageItem()
        self.scene().addItem(self._item)
        self._fit = True
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setBackgroundRole(QPalette.ColorRole.Dark)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAccessibleName("Image view")

    # image -----------------------------------------------------------------------------
    def set_image(self, image: QImage | None, *, keep_view: bool = False) -> None:
        """Show `image`; with keep_view the zoom and scroll position stay (same-size views)."""
        image = image if image is not None else QImage()
        same_size = image.size() == self._item.image().size()
        self._item.set_image(image)
        self.scene().setSceneRect(self._item.boundingRect())
        if not (keep_view and same_size) or self._fit:
            self.fit()

    def image(self) -> QImage:
        return self._item.image()

    # zoom ------------------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        self._fit = False
        self.setTransform(QTransform.fromScale(factor, factor))
        self.zoom_changed.emit(factor)

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / ZOOM_STEP)

    def actual_size(self) -> None:
        self.set_zoom(1.0)

    def fit(self) -> None:
        """Fit the whole image in the window; small images are enlarged by a whole factor only."""
        self._fit = True
        rect = self._item.boundingRect()
        if rect.isEmpty() or self.viewport().width() < 2:
            self.setTransform(QTransform())
            return
        vw, vh = self.viewport().width() - 4, self.viewport().height() - 4
        factor = min(vw / rect.width(), vh / rect.height())
        if factor > 1:
            factor = max(1.0, float(int(factor)))  # integer enlargement keeps pixels square and sharp
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        self.setTransform(QTransform.fromScale(factor, factor))
        self.centerOn(rect.center())
        self.zoom_changed.emit(factor)

    def is_fit(self) -> bool:
        return self._fit

    # events ----------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._fit:
            self.fit()

    def wheelEvent(self, event) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.set_zoom(self.zoom() * (ZOOM_STEP ** steps))
            event.accept()
        else:
            super().wheelEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif key in (Qt.Key.Key_0, Qt.Key.Key_F):
            self.fit()
        elif key == Qt.Key.Key_1:
            self.actual_size()
        else:
            event.ignore()  # arrows, [ and ] go to the viewer (bit plane navigation)
            return
        event.accept()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        super().mouseMoveEvent(event)
        pos: QPointF = self.mapToScene(event.position().toPoint())
        x, y = int(pos.x() // 1), int(pos.y() // 1)
        img = self._item.image()
        if 0 <= x < img.width() and 0 <= y < img.height():
            self.hovered.emit(x, y)
        else:
            self.hovered.emit(-1, -1)
