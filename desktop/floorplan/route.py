"""The route layer: the walk drawn along the aisles with numbered stops, and note marks.

Both items are added to the floor scene by the main window; they only read
``db.routing.Route`` objects and booth rectangles, and draw lines and markers in
screen pixels so they stay readable at every zoom.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

ROUTE = QColor("#c2255c")
CASING = QColor(255, 255, 255, 230)
START = QColor("#2b8a3e")
NOTE = QColor("#1864ab")


class RouteItem(QGraphicsItem):
    """The route's polyline (legs along aisles) and numbered stop markers."""

    def __init__(self):
        super().__init__()
        self.setZValue(9)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._path = QPainterPath()
        self._upper = QPainterPath()      # parts walked on an upper level (dashed)
        self._stops: list[tuple[QPointF, str]] = []
        self._start: QPointF | None = None
        self._rect = QRectF()
        self.route = None

    def set_route(self, route) -> None:
        """Show ``route`` (a ``db.routing.Route``), or nothing for None."""
        self.prepareGeometryChange()
        self.route = route
        self._path = QPainterPath()
        self._upper = QPainterPath()
        self._stops = []
        self._start = None
        if route is not None and route.legs:
            for n, leg in enumerate(route.legs, 1):
                pts = [QPointF(x, y) for x, y in leg.points]
                if self._start is None:
                    self._start = pts[0]
                self._path.moveTo(pts[0])
                for k in range(1, len(pts)):
                    target = self._upper if leg.levels[k] > 0 and leg.levels[k - 1] > 0 else None
                    self._path.lineTo(pts[k])
                    if target is not None:
                        target.moveTo(pts[k - 1])
                        target.lineTo(pts[k])
                self._stops.append((pts[-1], str(n)))
        self._rect = self._path.boundingRect()
        self.update()

    @property
    def stop_count(self) -> int:
        return len(self._stops)

    def stop_points(self) -> list[tuple[QPointF, str]]:
        return list(self._stops)

    def boundingRect(self) -> QRectF:
        if self._rect.isNull():
            return QRectF()
        # Markers are drawn in pixels: leave room for them at any zoom (generously).
        return self._rect.adjusted(-30, -30, 30, 30)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        if self.route is None or not self._stops:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        casing = QPen(CASING, 7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                      Qt.PenJoinStyle.RoundJoin)
        casing.setCosmetic(True)
        painter.setPen(casing)
        painter.drawPath(self._path)
        line = QPen(ROUTE, 3.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                    Qt.PenJoinStyle.RoundJoin)
        line.setCosmetic(True)
        painter.setPen(line)
        painter.drawPath(self._path)
        if not self._upper.isEmpty():
            dash = QPen(QColor(255, 255, 255), 1.5, Qt.PenStyle.DashLine)
            dash.setCosmetic(True)
            painter.setPen(dash)
            painter.drawPath(self._upper)
        # Markers in device pixels.
        t = painter.worldTransform()
        painter.save()
        painter.resetTransform()
        font = QFont(painter.font())
        font.setPixelSize(11)
        font.setBold(True)
        painter.setFont(font)
        fm = QFontMetricsF(font)
        if self._start is not None:
            c = t.map(self._start)
            painter.setPen(QPen(QColor("white"), 2))
            painter.setBrush(START)
            painter.drawEllipse(c, 8, 8)
            painter.setPen(QColor("white"))
            painter.drawText(QRectF(c.x() - 8, c.y() - 8, 16, 16), Qt.AlignmentFlag.AlignCenter,
                             "S")
        for p, label in self._stops:
            c = t.map(p)
            r = max(9.0, fm.horizontalAdvance(label) / 2 + 4)
            painter.setPen(QPen(QColor("white"), 2))
            painter.setBrush(ROUTE)
            painter.drawEllipse(c, r, r)
            painter.setPen(QColor("white"))
            painter.drawText(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r),
                             Qt.AlignmentFlag.AlignCenter, label)
        painter.restore()


class NoteMarksItem(QGraphicsItem):
    """A small blue mark in the corner of every booth that has a note."""

    def __init__(self, bounds: QRectF):
        super().__init__()
        self.setZValue(8)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.bounds = bounds
        self.rects: list[tuple[float, float, float, float]] = []

    def set_rects(self, rects) -> None:
        self.rects = list(rects)
        self.update()

    def boundingRect(self) -> QRectF:
        return self.bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if not self.rects:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(NOTE)
        for x, y, w, h in self.rects:
            painter.drawRect(QRectF(x + 0.2, y + 0.2, 0.7, 0.55))


def render_floor(scene, width: int = 680, ratio: float = 3.0):
    """The whole floor (with the route and marks on it) as a picture for printing.

    ``width`` is in logical pixels (what labels and markers are sized in); the
    picture has ``ratio`` times as many pixels, so it stays sharp on paper.
    """
    from PySide6.QtGui import QImage
    source = scene.content_rect.adjusted(-8, -14, 8, 8)
    height = max(1, int(width * source.height() / source.width()))
    image = QImage(int(width * ratio), int(height * ratio),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    scene.render(painter, QRectF(0, 0, width, height), source)
    painter.end()
    return image
