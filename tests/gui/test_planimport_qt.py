"""Plans made by a second producer, Qt: a vector PDF from ``QPdfWriter`` (its own embedded
fonts, rotated labels, a price table and an exhibitor list on a second page) and a picture
plan drawn with ``QPainter``, calibrated by two points with booths drawn by hand."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (QColor, QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter,
                           QPen)

from db.expo import open_expo
from db.planimport import analyse
from db.planimport.synthetic import booth_grid, hall_code
from db.routing import ENTRANCE, RouteGraph, plan_route

PT_PER_M = 4.0


def qt_plan(path, truth, *, vertical_rows=(), extra_page=True):
    writer = QPdfWriter(str(path))
    writer.setResolution(72)                       # painter units are points
    writer.setPageLayout(QPageLayout(QPageSize(QSizeF(420, 260), QPageSize.Unit.Point),
                                     QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    p = QPainter(writer)
    p.setPen(QPen(QColor("black"), 0.5))
    font = QFont("DejaVu Sans")
    font.setPointSizeF(2.6)
    p.setFont(font)
    for b in truth:
        r = QRectF(b.x, b.y, b.w, b.h)
        p.fillRect(r, QColor("#e8f0ff"))
        p.drawRect(r)
        if round(b.y) in vertical_rows:            # labels turned to read bottom to top
            p.save()
            p.translate(b.x + b.w / 2 + 1.0, b.y + b.h / 2)
            p.rotate(-90)
            p.drawText(QRectF(-b.h / 2, -2, b.h, 4), Qt.AlignmentFlag.AlignCenter, b.code)
            p.restore()
        else:
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, b.code)
    # a price table beside the plan
    small = QFont(font)
    small.setPointSizeF(5)
    p.setFont(small)
    for r, row in enumerate((("Standard", "3 x 3", "$2,400"), ("Island", "6 x 6", "$9,800"))):
        for c, cell in enumerate(row):
            rect = QRectF(250 + 50 * c, 60 + 12 * r, 50, 12)
            p.drawRect(rect)
            p.drawText(rect.adjusted(2, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, cell)
    if extra_page:                                 # the exhibitor list
        writer.newPage()
        for i, b in enumerate(truth[:30]):
            p.drawText(QPointF(40, 40 + i * 7), f"Exhibitor number {i + 1}")
            p.drawText(QPointF(200, 40 + i * 7), b.code)
    p.end()
    return path


def test_qpdfwriter_plan_is_read_right(qapp, tmp_path):
    truth = booth_grid(hall_code("Q"), 40, 60, 14, 6, 12, 12, 12)
    path = qt_plan(tmp_path / "qt.pdf", truth, vertical_rows=(108, 120))
    res = analyse(path, booth_size=(3, 3))
    assert [p.number for p in res.pages] == [1]            # the list page is no plan
    got = {b.code: b for b in res.booths}
    right = [t for t in truth if t.code in got and got[t.code].how == "inside" and all(
        abs(a - e) <= 0.6 for a, e in zip(got[t.code].box, (t.x, t.y, t.x + t.w, t.y + t.h)))]
    assert len(right) >= 0.95 * len(truth), sorted(set(t.code for t in truth) - set(got))[:10]
    assert set(got) <= {t.code for t in truth}
    assert res.unmatched_codes == [] and res.unmatched_boxes == []
    assert res.pages[0].scale_m_per_pt == pytest.approx(1 / PT_PER_M)


def test_qt_picture_plan_calibrated_and_placed_by_hand(qapp, tmp_path):
    """A picture of a plan (no vectors): two points calibrate it, booths are drawn on it,
    accepted into a new expo, and a route is planned on it."""
    img = QImage(600, 400, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setPen(QPen(QColor("black"), 1))
    boxes = {}
    for i in range(5):                            # five 30-px booths; 10 px are 1 m
        for row, y in (("A", 100), ("B", 130)):
            boxes[f"{row}{i + 1}"] = (100 + 30 * i, y, 130 + 30 * i, y + 30)
            p.drawRect(100 + 30 * i, y, 30, 30)
    p.end()
    path = tmp_path / "plan.png"
    assert img.save(str(path))
    res = analyse(path)
    assert res.kind == "picture" and res.booths == []
    res.calibrate(1, (100, 100), (10.0, 10.0), (400, 100), (40.0, 10.0))
    for code, box in boxes.items():
        res.draw(1, box, code)
    assert res.needs_review() == []
    expo_path = tmp_path / "pic.sqlite"
    res.accept(expo_path)
    with open_expo(expo_path, readonly=True) as expo:
        b = {b.code: b for b in expo.booths()}
        assert (b["B3"].x, b["B3"].y, b["B3"].w, b["B3"].h) == pytest.approx((16, 13, 3, 3))
        graph = RouteGraph.from_expo(expo)
    route = plan_route(graph, ENTRANCE, ["A1", "B5", "A3"])
    assert route.distance_m > 0 and len(route.legs) == 3
