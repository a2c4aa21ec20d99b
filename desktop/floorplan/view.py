"""The floor-plan view: zoom around the cursor, pan, hover, click, keyboard."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QGraphicsView, QToolTip

from ..i18n import tr
from .scene import FloorScene

MAX_PX_PER_M = 90.0     # closest zoom: a 3 m booth is 270 px wide
ZOOM_STEP = 1.25
CLICK_SLOP = 4           # pixels a press may move and still count as a click


class FloorView(QGraphicsView):
    boothClicked = Signal(int)      # booth id; -1 for empty floor
    boothActivated = Signal(int)    # double-click or Enter
    viewChanged = Signal()

    def __init__(self, scene: FloorScene, badge: str = "", parent=None):
        super().__init__(scene, parent)
        self.floor = scene
        self.badge = badge
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName(tr("Floor plan"))
        self._press: QPoint | None = None
        self._fitted = False
        self.horizontalScrollBar().valueChanged.connect(self.viewChanged)
        self.verticalScrollBar().valueChanged.connect(self.viewChanged)

    # ----------------------------------------------------------------- zoom
    def scale_factor(self) -> float:
        return self.transform().m11()

    def min_scale(self) -> float:
        r = self.floor.content_rect
        vw, vh = max(self.viewport().width(), 50), max(self.viewport().height(), 50)
        return 0.6 * min(vw / r.width(), vh / r.height())

    def fit_all(self) -> None:
        self.fitInView(self.floor.content_rect.adjusted(-4, -12, 4, 4),
                       Qt.AspectRatioMode.KeepAspectRatio)
        self._fitted = True
        self.viewChanged.emit()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom by ``factor`` keeping the scene point under ``anchor`` (viewport px) still."""
        current = self.scale_factor()
        target = max(self.min_scale(), min(MAX_PX_PER_M, current * factor))
        factor = target / current
        if abs(factor - 1.0) < 1e-6:
            return
        if anchor is None:
            anchor = QPointF(self.viewport().rect().center())
        before = self.mapToScene(anchor.toPoint())
        self.scale(factor, factor)
        after = self.mapToScene(anchor.toPoint())
        delta = after - before
        self.translate(delta.x(), delta.y())
        # translate() is ignored when the scroll bars define the position: move them.
        shift = self.mapFromScene(before) - anchor.toPoint()
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + shift.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + shift.y())
        self._fitted = False
        self.viewChanged.emit()

    def fly_to(self, ids: list[int] | set[int], min_px_per_m: float = 14.0) -> None:
        """Centre the view on these booths, zooming in far enough to read labels."""
        ids = list(ids)
        if not ids:
            return
        rect = QRectF()
        for i in ids:
            rect = rect.united(self.floor.booth_rect(i))
        vw, vh = self.viewport().width(), self.viewport().height()
        # Fit the booths with some floor around them, but never closer than 20 px/m
        # (context matters) nor farther than min_px_per_m (labels must be readable).
        want = min(vw / max(rect.width() + 24, 1), vh / max(rect.height() + 24, 1))
        target = max(min_px_per_m, min(want, 20.0))
        target = max(self.min_scale(), min(MAX_PX_PER_M, target))
        self.zoom_by(target / self.scale_factor())
        self.centerOn(rect.center())
        self.viewChanged.emit()

    def visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    # --------------------------------------------------------------- events
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fitted or self.scale_factor() < self.min_scale():
            self.fit_all()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps == 0:
            return super().wheelEvent(event)
        self.zoom_by(ZOOM_STEP ** steps, event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and self._press is not None:
            moved = (event.position().toPoint() - self._press).manhattanLength()
            self._press = None
            if moved <= CLICK_SLOP:
                i = self.floor.booth_at(self.mapToScene(event.position().toPoint()))
                self.boothClicked.emit(-1 if i is None else i)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        i = self.floor.booth_at(self.mapToScene(event.position().toPoint()))
        if i is not None:
            self.fly_to([i], min_px_per_m=30.0)
            self.boothActivated.emit(i)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if event.buttons():
            return
        i = self.floor.booth_at(self.mapToScene(event.position().toPoint()))
        overlay = self.floor.overlay
        if i != overlay.hover:
            overlay.hover = i
            overlay.update()
            if i is None:
                QToolTip.hideText()
                self.viewport().unsetCursor()
            else:
                self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
                QToolTip.showText(event.globalPosition().toPoint(), self.floor.booth_tooltip(i),
                                  self)

    def leaveEvent(self, event) -> None:
        if self.floor.overlay.hover is not None:
            self.floor.overlay.hover = None
            self.floor.overlay.update()
        super().leaveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(1 / ZOOM_STEP)
        elif key == Qt.Key.Key_0:
            self.fit_all()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down) \
                and not event.modifiers():
            dx = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}.get(key, 0)
            dy = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(key, 0)
            step = self.viewport().width() // 8
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + dx * step)
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() + dy * step)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.floor.overlay.focus is not None:
            self.boothActivated.emit(self.floor.overlay.focus)
        else:
            super().keyPressEvent(event)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if not self.badge:
            return
        painter.save()
        painter.resetTransform()
        font = QFont(painter.font())
        font.setPixelSize(12)
        font.setBold(True)
        painter.setFont(font)
        fm = painter.fontMetrics()
        w = fm.horizontalAdvance(self.badge) + 16
        r = QRectF(self.viewport().width() - w - 10, 10, w, fm.height() + 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 243, 191, 235))
        painter.drawRoundedRect(r, 4, 4)
        painter.setPen(QColor("#5c3c00"))
        painter.drawText(r, Qt.AlignmentFlag.AlignCenter, self.badge)
        painter.restore()
