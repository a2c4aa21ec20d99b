"""The route layer: the walk drawn along the aisles with numbered stops, and note marks.

Both items are added to the floor scene by the main window; they only read
``db.routing.Route`` objects and booth rectangles, and draw lines and markers in
screen pixels so they stay readable at every zoom.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from .. import theme
from .tiles import paint_ratio

# The light theme's colours, by their old names (the colours in use are the floor
# scene's ``colors``: the theme's, or paper's when the floor is printed).
ROUTE = theme.LIGHT.route_line
CASING = theme.LIGHT.casing
START = theme.LIGHT.start
NOTE = theme.LIGHT.note
STAIRS = theme.LIGHT.stairs


def scene_colors(item: QGraphicsItem) -> theme.Colors:
    """The colours ``item`` paints with: its floor scene's (see ``FloorScene.paper``)."""
    return getattr(item.scene(), "colors", None) or theme.colors()


class RouteItem(QGraphicsItem):
    """The route's polyline (legs along aisles) and numbered stop markers.

    The floor plan shows one level at a time: only the parts of the walk on that
    level are drawn, and where the walk changes level (stairs or escalators at a
    hall door) a marker says which level it goes to.
    """

    def __init__(self):
        super().__init__()
        self.setZValue(9)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.level = 0
        self._paths: dict[int, QPainterPath] = {}
        self._stops: list[tuple[QPointF, str, int]] = []
        self._start: tuple[QPointF, int] | None = None
        self._stairs: list[tuple[QPointF, int, int]] = []   # point, on level, to level
        self._rect = QRectF()
        self.route = None

    def set_route(self, route) -> None:
        """Show ``route`` (a ``db.routing.Route``), or nothing for None."""
        self.prepareGeometryChange()
        self.route = route
        self._paths = {}
        self._stops = []
        self._start = None
        self._stairs = []
        if route is not None and route.legs:
            for n, leg in enumerate(route.legs, 1):
                pts = [QPointF(x, y) for x, y in leg.points]
                lv = leg.levels
                if self._start is None:
                    self._start = (pts[0], lv[0])
                for k in range(1, len(pts)):
                    if lv[k] == lv[k - 1]:
                        path = self._paths.setdefault(lv[k], QPainterPath())
                        if path.elementCount() == 0 or path.currentPosition() != pts[k - 1]:
                            path.moveTo(pts[k - 1])
                        path.lineTo(pts[k])
                    else:  # stairs: drawn on both levels up to the door
                        for a, b in ((lv[k - 1], lv[k]), (lv[k], lv[k - 1])):
                            path = self._paths.setdefault(a, QPainterPath())
                            path.moveTo(pts[k - 1])
                            path.lineTo(pts[k])
                        self._stairs.append((pts[k - 1], lv[k - 1], lv[k]))
                        self._stairs.append((pts[k], lv[k], lv[k - 1]))
                self._stops.append((pts[-1], str(n), lv[-1]))
        rect = QRectF()
        for path in self._paths.values():
            rect = rect.united(path.boundingRect())
        self._rect = rect
        self.update()

    def set_level(self, level: int) -> None:
        self.level = level
        self.update()

    @property
    def stop_count(self) -> int:
        return len(self._stops)

    def stop_points(self, level: int | None = None) -> list[tuple[QPointF, str]]:
        return [(p, label) for p, label, lv in self._stops if level is None or lv == level]

    def boundingRect(self) -> QRectF:
        if self._rect.isNull():
            return QRectF()
        # Markers are drawn in pixels: leave room for them at any zoom (generously).
        return self._rect.adjusted(-30, -30, 30, 30)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        if self.route is None or not self._stops:
            return
        path = self._paths.get(self.level)
        colors = scene_colors(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        # Cosmetic pens are as wide in device pixels as asked: widths in logical pixels.
        ratio = paint_ratio(painter)
        if path is not None:
            casing = QPen(colors.casing, 7 * ratio, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                          Qt.PenJoinStyle.RoundJoin)
            casing.setCosmetic(True)
            painter.setPen(casing)
            painter.drawPath(path)
            line = QPen(colors.route_line, 3.5 * ratio, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                        Qt.PenJoinStyle.RoundJoin)
            line.setCosmetic(True)
            painter.setPen(line)
            painter.drawPath(path)
        # Markers in device pixels.
        t = painter.worldTransform()
        painter.save()
        painter.resetTransform()
        font = QFont(painter.font())
        font.setPixelSize(11)
        font.setBold(True)
        painter.setFont(font)
        fm = QFontMetricsF(font)

        def marker(p: QPointF, label: str, color: QColor) -> None:
            c = t.map(p)
            r = max(9.0, fm.horizontalAdvance(label) / 2 + 4)
            painter.setPen(QPen(colors.marker_ring, 2))
            painter.setBrush(color)
            painter.drawEllipse(c, r, r)
            painter.setPen(colors.marker_text)
            painter.drawText(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r),
                             Qt.AlignmentFlag.AlignCenter, label)

        for p, on, to in self._stairs:
            if on == self.level:
                marker(p, ("↑" if to > on else "↓") + str(to + 1), colors.stairs)
        if self._start is not None and self._start[1] == self.level:
            marker(self._start[0], "S", colors.start)
        for p, label, lv in self._stops:
            if lv == self.level:
                marker(p, label, colors.route_marker)
        painter.restore()


class NoteMarksItem(QGraphicsItem):
    """A page-shaped mark on the right edge of every booth that has a note (current level)."""

    def __init__(self, bounds: QRectF):
        super().__init__()
        self.setZValue(8)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.bounds = bounds
        self.rects: list[tuple[float, float, float, float]] = []
        self.levels: list[int] = []
        self.level = 0

    def set_rects(self, rects, levels=None) -> None:
        self.rects = list(rects)
        self.levels = list(levels) if levels is not None else [0] * len(self.rects)
        self.update()

    def set_level(self, level: int) -> None:
        self.level = level
        self.update()

    def boundingRect(self) -> QRectF:
        return self.bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if not self.rects:
            return
        from .marks import NOTE, paint_marks     # a page shape beside the star, off the code
        colors = scene_colors(self)
        self.boxes = paint_marks(painter, NOTE, [r for r, lv in zip(self.rects, self.levels)
                                                 if lv == self.level],
                                 colors.note, colors.star_ring, option.exposedRect)


def render_floor(scene, width: int = 680, ratio: float = 3.0):
    """The whole floor (with the route and marks on it) as a picture for printing.

    ``width`` is in logical pixels (what labels and markers are sized in); the
    picture has ``ratio`` times as many pixels, so it stays sharp on paper. It is drawn in
    paper's (light) colours whatever the theme.
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
    # Paper shows the floor and the plan, not the screen's state: no dimming by a
    # highlight, no keyboard focus box, no hover.
    overlay = scene.overlay
    saved = overlay.focus, overlay.hover, scene.data.highlight
    overlay.focus = overlay.hover = None
    if saved[2] is not None:
        scene.set_highlight(None)
    try:
        with scene.paper():
            scene.render(painter, QRectF(0, 0, width, height), source)
    finally:
        overlay.focus, overlay.hover = saved[0], saved[1]
        if saved[2] is not None:
            scene.set_highlight(saved[2])
    painter.end()
    return image
