"""Marks on the floor plan for exhibitors that a loaded screening list names (View ▸ Mark
screening matches).

Two marks that differ in shape, not only in colour (readable with any colour vision, in
either theme and on paper): a booth of an exhibitor on a list (a match, or a possible
match a reviewer confirmed) is hatched and outlined with a solid line; a booth of an
exhibitor with a possible match to check is outlined with a dashed line. Both lines are
drawn in the plan's ink over a casing in its background colour, so they stand out from
every zone colour. The item only reads booth rectangles; the window says which booths.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from .route import scene_colors

LISTED, POSSIBLE = "listed", "possible"


class ScreeningMarksItem(QGraphicsItem):
    """Hatched, solid-outlined booths (on a list) and dashed-outlined ones (possible)."""

    def __init__(self, bounds: QRectF):
        super().__init__()
        self.setZValue(8.5)                # over the tiles and note marks, under the route
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.bounds = bounds
        self.level = 0
        self.paths: dict[int, dict[str, QPainterPath]] = {}
        self.counts = {LISTED: 0, POSSIBLE: 0}

    def set_marks(self, rects: list[tuple[float, float, float, float]], levels: list[int],
                  kinds: list[str]) -> None:
        """Booth rectangles (scene units), their levels, and LISTED or POSSIBLE for each."""
        self.paths = {}
        self.counts = {LISTED: 0, POSSIBLE: 0}
        for (x, y, w, h), lv, kind in zip(rects, levels, kinds):
            path = self.paths.setdefault(lv, {LISTED: QPainterPath(), POSSIBLE: QPainterPath()})
            path[kind].addRect(QRectF(x, y, w, h))
            self.counts[kind] += 1
        self.update()

    def set_level(self, level: int) -> None:
        self.level = level
        self.update()

    def boundingRect(self) -> QRectF:
        return self.bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        paths = self.paths.get(self.level)
        if not paths:
            return
        c = scene_colors(self)
        ink, casing = c.hit_edge, c.plan_bg
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for kind in (POSSIBLE, LISTED):
            path = paths[kind]
            if path.isEmpty():
                continue
            under = QPen(casing, 5.0 if kind == LISTED else 4.5)
            under.setCosmetic(True)
            under.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(under)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
            pen = QPen(ink, 2.5 if kind == LISTED else 2.0)
            pen.setCosmetic(True)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            if kind == POSSIBLE:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(QBrush(ink, Qt.BrushStyle.BDiagPattern) if kind == LISTED
                             else Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
