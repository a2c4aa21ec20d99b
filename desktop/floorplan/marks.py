"""The marks a visitor puts on booths (starred, has a note, visited), drawn in screen pixels.

Each mark has its own shape as well as its colour, so it reads without colour (a star, a
page with a folded corner, a ticked circle) and its own place along the booth's right edge
(star at the top, then note, then visited), so marks never cover one another nor the booth
code (top left). A mark is at least ``MIN_PX`` pixels at every zoom: visible at overview.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF, QTransform

STAR, NOTE, VISITED = 0, 1, 2
MIN_PX = 10.0
MAX_PX = 16.0
VISITED_COLOR = QColor("#2b8a3e")


def mark_size(booth_px: float) -> float:
    """A mark's side in logical pixels for a booth ``booth_px`` pixels wide."""
    return max(MIN_PX, min(MAX_PX, booth_px * 0.3))


def mark_rect(t: QTransform, rect: tuple[float, float, float, float], slot: int) -> QRectF:
    """Where mark ``slot`` of a booth (scene rectangle) goes, in the painter's device
    (logical) pixels under world transform ``t``."""
    x, y, w, h = rect
    r = t.mapRect(QRectF(x, y, w, h))
    s = mark_size(r.width())
    inset = 1.0 if r.width() > 2 * s else 0.0
    left = r.right() - s - inset if r.width() > s else r.center().x() - s / 2
    top = r.top() + inset + slot * (s + 1)
    if r.width() <= s:      # a booth smaller than its mark: the mark sits over its corner
        top = r.top() - s / 2 + slot * (s + 1)
    return QRectF(left, top, s, s)


def star_path(box: QRectF) -> QPainterPath:
    c = box.center()
    outer, inner = box.width() / 2, box.width() / 2 * 0.45
    pts = []
    for k in range(10):
        a = -math.pi / 2 + k * math.pi / 5
        rad = outer if k % 2 == 0 else inner
        pts.append(QPointF(c.x() + rad * math.cos(a), c.y() + rad * math.sin(a) + box.height() * 0.04))
    path = QPainterPath()
    path.addPolygon(QPolygonF(pts))
    path.closeSubpath()
    return path


def paint_mark(painter: QPainter, kind: int, box: QRectF, color: QColor, ring: QColor) -> None:
    """One mark in ``box`` (the painter without a world transform)."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    outline = QPen(ring, 1.6)
    outline.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    if kind == STAR:
        painter.setPen(outline)
        painter.setBrush(color)
        painter.drawPath(star_path(box.adjusted(-1, -1, 1, 1)))
    elif kind == NOTE:
        # A page with a folded corner and two lines of text.
        b = box.adjusted(1.5, 0.5, -1.5, -0.5)
        fold = b.width() * 0.38
        page = QPainterPath()
        page.moveTo(b.topLeft())
        page.lineTo(b.right() - fold, b.top())
        page.lineTo(b.right(), b.top() + fold)
        page.lineTo(b.bottomRight())
        page.lineTo(b.bottomLeft())
        page.closeSubpath()
        painter.setPen(outline)
        painter.setBrush(color)
        painter.drawPath(page)
        painter.setPen(QPen(ring, 1.2))
        for k in (0.45, 0.7):
            yy = b.top() + b.height() * k
            painter.drawLine(QPointF(b.left() + 2, yy), QPointF(b.right() - 2, yy))
    else:
        # A ticked circle.
        painter.setPen(outline)
        painter.setBrush(color)
        painter.drawEllipse(box)
        tick = QPen(ring, max(1.5, box.width() * 0.14), Qt.PenStyle.SolidLine,
                    Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        painter.setPen(tick)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        w, h = box.width(), box.height()
        path = QPainterPath(QPointF(box.left() + w * 0.27, box.top() + h * 0.52))
        path.lineTo(box.left() + w * 0.44, box.top() + h * 0.7)
        path.lineTo(box.left() + w * 0.74, box.top() + h * 0.32)
        painter.drawPath(path)


def paint_marks(painter: QPainter, kind: int, rects, color: QColor, ring: QColor,
                exposed: QRectF | None = None) -> list[QRectF]:
    """Marks of one kind on these booths (scene rectangles); returns where they went
    (device-independent pixels), for tests."""
    t = painter.worldTransform()
    placed = []
    painter.save()
    painter.resetTransform()
    for rect in rects:
        if exposed is not None:
            x, y, w, h = rect
            pad = MAX_PX * 4 / max(t.m11(), 1e-6)
            if not exposed.intersects(QRectF(x - pad, y - pad, w + 2 * pad, h + 2 * pad)):
                continue
        box = mark_rect(t, rect, kind)
        paint_mark(painter, kind, box, color, ring)
        placed.append(box)
    painter.restore()
    return placed
