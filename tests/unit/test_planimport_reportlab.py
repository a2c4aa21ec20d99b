"""Plans made by a PDF library, ReportLab: a third producer beside our own writer
(``db.planimport.synthetic``, tests/unit/test_planimport.py) and Qt's QPdfWriter
(tests/gui/test_planimport_qt.py). ReportLab writes its own content streams: standard
Type1 fonts without a ToUnicode map, text in ``BT .. Tm .. Tj`` runs, rectangles as ``re``,
page rotation as ``/Rotate``, and form XObjects from ``beginForm``/``doForm``.

Each plan has known booth geometry (display points, origin top-left), a price table and an
exhibitor list on the same page, and is read with the same checks as the other producers."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from reportlab.pdfbase import pdfmetrics          # a test dependency (pyproject: test)
from reportlab.pdfgen import canvas

from db.planimport import analyse
from db.planimport.synthetic import booth_grid, hall_code

from .test_planimport import (assert_code_between_two_empty_outlines_is_for_review,
                              draw_code_between_two_empty_outlines, score)

FONT = "Helvetica"
MARGIN = 40.0
BOOTH = 12.0               # points: 3 m at the 4 pt/m the analyser guesses for 3 x 3 m booths


class DisplayCanvas:
    """A ReportLab canvas page addressed in display coordinates (after the page's /Rotate:
    x right, y down, origin top-left), the way a person sees the plan."""

    def __init__(self, c, width: float, height: float, rotate: int = 0) -> None:
        assert rotate in (0, 90)
        self.c, self.width, self.height, self.rotate = c, width, height, rotate
        if rotate == 90:
            c.setPageSize((height, width))       # the MediaBox is the unrotated page
            c.setPageRotation(90)
        else:
            c.setPageSize((width, height))
        c.setLineWidth(0.5)

    def user(self, x: float, y: float) -> tuple[float, float]:
        """Display point -> PDF user space (for /Rotate 90 the page turns clockwise: the
        user-space left edge is the top, its bottom edge the left)."""
        return (y, x) if self.rotate == 90 else (x, self.height - y)

    def rect(self, x, y, w, h, c=None) -> None:
        c = c or self.c
        if self.rotate == 90:
            c.rect(y, x, h, w, stroke=1, fill=0)
        else:
            c.rect(x, self.height - y - h, w, h, stroke=1, fill=0)

    def text(self, x, y, text, size, c=None) -> None:
        """``text`` reading left to right on the displayed page, baseline at (x, y): on a
        rotated page it runs upwards in user space (rotated text)."""
        c = c or self.c
        c.saveState()
        c.translate(*self.user(x, y))
        if self.rotate == 90:
            c.rotate(90)
        c.setFont(FONT, size)
        c.drawString(0, 0, text)
        c.restoreState()

    def centred_text(self, box, text, size, c=None) -> None:
        x, y, w, h = box
        tw = pdfmetrics.stringWidth(text, FONT, size)
        self.text(x + (w - tw) / 2, y + h / 2 + size * 0.35, text, size, c)


def price_table_and_list(dc: DisplayCanvas, x: float, y: float, codes) -> None:
    """What organisers print beside the plan: a ruled price table (sizes, prices) and an
    exhibitor list naming booth codes."""
    rows = [("Type", "Size", "Price"), ("Standard", "3 x 3", "$2,400"),
            ("Corner", "3 x 3", "$2,650"), ("Island", "6 x 6", "$9,800")]
    for r, row in enumerate(rows):
        cx = x
        for cw, cell in zip((60, 40, 40), row):
            dc.rect(cx, y + 11 * r, cw, 11)
            dc.text(cx + 2, y + 11 * r + 8, cell, 6)
            cx += cw
    ly = y + 11 * len(rows) + 24
    dc.text(x, ly - 8, "EXHIBITOR LIST", 7)
    for i, code in enumerate(codes[:20]):
        dc.text(x, ly + i * 7.7, f"Exhibitor company {i + 1}", 5.5)
        dc.text(x + 100, ly + i * 7.7, code, 5.5)


def reportlab_plan(path, layout: str, rotate: int = 0, rows: int = 6, cols: int = 12):
    """A one-hall plan of 3 m booths: codes ``inside`` their boxes, ``beside`` them (above
    the upper row of each pair, below the lower), or each pair of rows as one ``forms``
    XObject drawn at its place."""
    truth = booth_grid(hall_code("R"), MARGIN, MARGIN + 30, cols, rows, BOOTH, BOOTH, BOOTH)
    width = MARGIN * 2 + cols * BOOTH + 200
    height = max(MARGIN * 2 + 30 + truth[-1].y + BOOTH - truth[0].y, 420)
    c = canvas.Canvas(str(path), pageCompression=1)
    dc = DisplayCanvas(c, width, height, rotate)
    fs = 2.2
    top = truth[0].y
    dc.rect(MARGIN - 12, top - 12, cols * BOOTH + 24, truth[-1].y + BOOTH + 12 - (top - 12))
    dc.text(MARGIN, MARGIN + 10, "HALL R  EXHIBITION FLOOR PLAN", 10)
    row_ys = sorted({b.y for b in truth})
    if layout == "forms":
        for i in range(0, len(row_ys), 2):
            blk = [b for b in truth if b.y in row_ys[i:i + 2]]
            bx, by = blk[0].x, blk[0].y
            name = f"Block{i // 2}"
            # the form's own space has the block's top-left corner at its origin: a
            # DisplayCanvas of height 0 maps display offsets into it
            c.beginForm(name, -1000, -1000, 1000, 1000)
            form = DisplayCanvas.__new__(DisplayCanvas)
            form.c, form.width, form.height, form.rotate = c, 0, 0, rotate
            for b in blk:
                form.rect(b.x - bx, b.y - by, b.w, b.h)
                form.centred_text((b.x - bx, b.y - by, b.w, b.h), b.code, fs)
            c.endForm()
            c.saveState()
            c.translate(*dc.user(bx, by))
            c.doForm(name)
            c.restoreState()
    else:
        for b in truth:
            dc.rect(b.x, b.y, b.w, b.h)
            if layout == "inside":
                dc.centred_text((b.x, b.y, b.w, b.h), b.code, fs)
            else:
                tw = pdfmetrics.stringWidth(b.code, FONT, fs)
                upper = row_ys.index(b.y) % 2 == 0
                dc.text(b.x + (b.w - tw) / 2, b.y - 1.5 if upper else b.y + b.h + fs + 1,
                        b.code, fs)
    price_table_and_list(dc, MARGIN + cols * BOOTH + 30, MARGIN + 30, [b.code for b in truth])
    c.showPage()
    c.save()
    return SimpleNamespace(truth=truth, path=path)


CASES = [("inside", 0), ("beside", 0), ("forms", 0), ("inside", 90), ("beside", 90),
         ("forms", 90)]


@pytest.mark.parametrize("layout,rotate", CASES, ids=[f"{k}-rot{r}" for k, r in CASES])
def test_reportlab_plans_give_95_percent_of_booths_right(tmp_path, layout, rotate):
    plan = reportlab_plan(tmp_path / "rl.pdf", layout, rotate)
    data = plan.path.read_bytes()
    assert b"ReportLab" in data                       # written by the library, not by us
    if layout == "forms":
        assert data.count(b"/Subtype /Form") == 3          # one XObject per pair of rows
    if rotate:
        assert b"/Rotate 90" in data
    res = analyse(plan.path, booth_size=(3, 3))
    assert [p.number for p in res.pages] == [1]
    assert res.pages[0].rotation == rotate
    right, wrong = score(plan, res)
    assert len(right) >= 0.95 * len(plan.truth), (layout, rotate, wrong[:10])
    assert not wrong, wrong[:10]
    if layout == "beside":
        assert {b.how for b in res.booths} == {"beside"}
    # the price table's cells and the list's codes are no booths, nothing left over
    assert res.unmatched_codes == [] and res.unmatched_boxes == []
    assert res.needs_review() == []
    assert res.ignored["size_labels_and_prices"] >= 1
    assert res.ignored["list_entries"] >= 15


def test_reportlab_code_between_two_empty_boxes_asks_for_review(tmp_path):
    path = tmp_path / "rl.pdf"
    c = canvas.Canvas(str(path))
    draw_code_between_two_empty_outlines(DisplayCanvas(c, 300, 200))
    c.showPage()
    c.save()
    assert_code_between_two_empty_outlines_is_for_review(analyse(path))
