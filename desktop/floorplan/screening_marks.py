"""Marks on the floor plan for exhibitors that a loaded screening list names (View ▸ Mark
screening matches).

Two marks that differ in shape, not only in colour (readable with any colour vision, in
either theme and on paper): a booth of an exhibitor on a list (a match, or a possible
match a reviewer confirmed) is hatched and outlined with a solid line; a booth of an
exhibitor with a possible match to check is outlined with a dashed line. Both lines are
drawn in the plan's ink over a casing in its background colour, so they stand out from
every zone colour, a few pixels inside the booth (so that the selection's outline never
hides them) and, where the plan labels booths, below the booth's code and name (so that the
labels stay whole). The item only reads booth rectangles; the window says which booths.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from .route import scene_colors
from .tiles import label_band_px

LISTED, POSSIBLE = "listed", "possible"


class ScreeningMarksItem(QGraphicsItem):
    """Hatched, solid-outlined booths (on a list) and dashed-outlined ones (possible)."""

    INSET_PX = 4.0                     # the marks sit this far inside the booth

    def __init__(self, bounds: QRectF, booth_w: float):
        """``booth_w``: a typical booth's width (scene units), which sets the labels' size."""
        super().__init__()
        self.booth_w = booth_w
        self.setZValue(8.5)                # over the tiles and note marks, under the route
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.bounds = bounds
        self.level = 0
        self.rects: dict[int, dict[str, list[tuple[float, float, float, float]]]] = {}
        self.counts = {LISTED: 0, POSSIBLE: 0}
        self._paths: tuple[tuple, dict[str, QPainterPath]] | None = None

    def set_marks(self, rects: list[tuple[float, float, float, float]], levels: list[int],
                  kinds: list[str]) -> None:
        """Booth rectangles (scene units), their levels, and LISTED or POSSIBLE for each."""
        self.rects = {}
        self.counts = {LISTED: 0, POSSIBLE: 0}
        for rect, lv, kind in zip(rects, levels, kinds):
            self.rects.setdefault(lv, {LISTED: [], POSSIBLE: []})[kind].append(rect)
            self.counts[kind] += 1
        self._paths = None
        self.update()

    def set_level(self, level: int) -> None:
        self.level = level
        self.update()

    def boundingRect(self) -> QRectF:
        return self.bounds

    def _paths_at(self, scale: float) -> dict[str, QPainterPath] | None:
        """The level's marks as paths at this zoom (kept per zoom): inset by a few pixels,
        their tops below the labels where the booth has room for both."""
        rects = self.rects.get(self.level)
        if not rects:
            return None
        key = (self.level, round(scale, 3))
        if self._paths is None or self._paths[0] != key:
            paths = {}
            band = label_band_px(self.booth_w * scale) / max(scale, 1e-6)
            for kind, items in rects.items():
                path = QPainterPath()
                for x, y, w, h in items:
                    d = min(self.INSET_PX / max(scale, 1e-6), w / 4, h / 4)
                    top = band if h - band - d >= h / 3 else d   # room below the labels
                    path.addRect(QRectF(x + d, y + top, w - 2 * d, h - top - d))
                paths[kind] = path
            self._paths = (key, paths)
        return self._paths[1]

    def paint(self, painter: QPainter, option, widget=None) -> None:
        paths = self._paths_at(painter.worldTransform().m11())
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
            hatch = QColor(ink)
            hatch.setAlpha(150)               # the booth's label stays readable under it
            painter.setBrush(QBrush(hatch, Qt.BrushStyle.BDiagPattern) if kind == LISTED
                             else Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
