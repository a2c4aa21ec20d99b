"""File ▸ Import floor plan… in the window: read a plan, review it (fix a code, draw a
missing booth, merge, split, remove, doors, scale), write it all or nothing; pictures
calibrated by two points with booths drawn on them; the plan's picture under the floor
plan; the layout's origin on screen; unplaced booths drawn on the plan.

Plans are made in the tests (``db.planimport.synthetic``'s PDF writer, Pillow pictures);
the expo is a copy of the built-in one (its booth codes are the vocabulary). Drawing
uses mouse events on the review view (``QTest``); everything else goes through the
keyboard or the dialog's own buttons.
"""
from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtTest import QTest

from db.expo import open_expo
from db.planimport.synthetic import PdfWriter, TruthBooth

PT_PER_M = 4.0          # the plans are drawn at 4 points per metre: a 3 m booth is 12 pt

# Booths of the built-in expo (SiCarrier stands at 1C09, a 6 m x 6 m booth there)
ROW_1 = [f"1C{n:02d}" for n in range(2, 10)]
ROW_2 = [f"1C{n:02d}" for n in range(11, 19)]
ROW_3 = [f"1D{n:02d}" for n in range(1, 9)]


def sha(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def plan_with_mistakes(path, *, wrong: dict[str, str] = {}, missing: str | None = None):
    """A one-hall plan (3 rows of 8 booths of 3 m, an aisle after the second row) whose
    ``wrong`` codes are misprinted and whose ``missing`` booth is not drawn at all.
    Returns the truth: every booth's code and rectangle in points."""
    w = PdfWriter()
    page = w.page(180, 190)
    cv = page.canvas
    cv.width(0.5)
    cv.text(40, 40, "HALL C FLOOR PLAN", 9, "F2")
    truth = []
    for r, row in enumerate((ROW_1, ROW_2, ROW_3)):
        for c, code in enumerate(row):
            x, y = 40 + c * 12, 70 + r * 12 + (12 if r >= 2 else 0)
            truth.append(TruthBooth(code, x, y, 12, 12))
            if code == missing:
                continue
            cv.rect(x, y, 12, 12)
            cv.centred_text((x, y, 12, 12), wrong.get(code, code), 2.6)
    cv.rect(28, 58, 8 * 12 + 24, 4 * 12 + 24)            # the hall
    w.save(path)
    return {b.code: b for b in truth}


def drag(view, p0, p1) -> None:
    """A left-button drag on the review view between two page points."""
    vp = view.viewport()
    a = view.mapFromScene(QPointF(*p0))
    b = view.mapFromScene(QPointF(*p1))
    mid = QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(vp, mid)
    QTest.mouseMove(vp, b)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def start(window, qtbot, plan, target=None, base=None):
    from desktop.planimport import start_plan_import
    dlg = start_plan_import(window, plan=str(plan), target=target or window.expo.path,
                            base=base)
    # not qtbot.addWidget: a child of the window, which the session deletes with it
    qtbot.waitUntil(lambda: dlg.state in ("review", "failed"), timeout=30_000)
    assert dlg.state == "review", dlg.result_text.text()
    dlg.view.resize(900, 700)
    dlg.view.fit()
    return dlg


def todo_row(dlg, text: str) -> int:
    for r in range(dlg.todo.count()):
        if text in dlg.todo.item(r).text():
            return r
    raise AssertionError(f"{text!r} not in {[dlg.todo.item(r).text() for r in range(dlg.todo.count())]}")


def type_code(qtbot, dlg, code: str) -> None:
    dlg.code.setFocus()
    dlg.code.selectAll()
    QTest.keyClicks(dlg.code, code)
    QTest.keyClick(dlg.code, Qt.Key.Key_Return)


def new_window(qtbot, old):
    from desktop.session import current
    qtbot.waitUntil(lambda: not old.isVisible(), timeout=10_000)
    new = current().window
    assert new is not old            # the session owns it (and closes it afterwards)
    new.resize(1400, 900)
    qtbot.waitExposed(new)
    return new


def write_and_show(qtbot, dlg, window):
    """Write into the expo, then close the dialog: the window opens the result."""
    dlg.accept_button.click()
    qtbot.waitUntil(lambda: dlg.state == "done", timeout=30_000)
    dlg.close_button.click()
    return new_window(qtbot, window)


def box_m(expo, code):
    b = next(b for b in expo.booths() if b.code == code)
    return (b.x, b.y, b.w, b.h), b.placed


# ------------------------------------------------------------------ a vector PDF
def test_import_review_fix_draw_accept_then_the_floor_plan_shows_it(window, qtbot, tmp_path):
    truth = plan_with_mistakes(tmp_path / "hall-c.pdf", wrong={"1C06": "1C6O"}, missing="1C12")
    dlg = start(window, qtbot, tmp_path / "hall-c.pdf")
    res = dlg.res
    assert len(res.booths) == 23 and res.booth_by_code("1C6O") is not None
    assert "1C06" in res.listed_codes_not_found() and "1C12" in res.listed_codes_not_found()

    # the misprinted code is in the list of what to look at; fix it from the keyboard,
    # with the expo's codes offered as you type
    dlg.todo.setFocus()
    dlg.todo.setCurrentRow(todo_row(dlg, "1C6O: in none of the expo's lists"))
    assert [(m.code, m.kind) for m in dlg.view.selected_marks()] == [("1C6O", "unlisted")]
    assert dlg.code.text() == "1C6O"
    QTest.keyClick(dlg.todo, Qt.Key.Key_Return)              # Enter: on to the code
    assert dlg.code.hasFocus() and dlg.code.selectedText() == "1C6O"
    QTest.keyClicks(dlg.code, "1C0")
    completer = dlg.code.completer()
    offered = [completer.completionModel().index(r, 0).data()
               for r in range(completer.completionModel().rowCount())]
    assert "1C06" in offered and "1C01" in offered and "1C02" not in offered   # 1C02 is placed
    dlg.code.selectAll()
    QTest.keyClicks(dlg.code, "1C06")
    QTest.keyClick(dlg.code, Qt.Key.Key_Return)
    fixed = res.booth_by_code("1C06")
    assert fixed is not None and fixed.how == "confirmed" and res.booth_by_code("1C6O") is None
    assert fixed.box == pytest.approx((truth["1C06"].x, truth["1C06"].y,
                                       truth["1C06"].x + 12, truth["1C06"].y + 12), abs=0.3)

    # the missing booth: Draw booth (D), drag its rectangle, type its code
    dlg.view.setFocus()
    QTest.keyClick(dlg.view, Qt.Key.Key_D)
    assert dlg.view.tool == "draw"
    t = truth["1C12"]
    drag(dlg.view, (t.x + 0.2, t.y + 0.2), (t.x + t.w - 0.2, t.y + t.h - 0.2))
    marks = dlg.view.selected_marks()
    assert [m.kind for m in marks] == ["empty"] and dlg.code.hasFocus()
    QTest.keyClicks(dlg.code, "1C12")
    QTest.keyClick(dlg.code, Qt.Key.Key_Return)
    drawn = res.booth_by_code("1C12")
    assert drawn is not None and drawn.how == "confirmed"
    assert drawn.box == pytest.approx((t.x, t.y, t.x + 12, t.y + 12), abs=1.0)

    # a door on the hall's south wall
    dlg.view.setFocus()
    QTest.keyClick(dlg.view, Qt.Key.Key_E)
    assert dlg.view.tool == "door"
    door_pt = (28 + 60, 58 + 72)
    vp = dlg.view.viewport()
    QTest.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     dlg.view.mapFromScene(QPointF(*door_pt)))
    assert len(res.doors) == 1 and res.doors[0].source == "user"
    assert (res.doors[0].x, res.doors[0].y) == pytest.approx((door_pt[0] / 4, door_pt[1] / 4),
                                                            abs=0.5)
    QTest.keyClick(dlg.view, Qt.Key.Key_Escape)
    assert dlg.view.tool == "select"

    assert dlg.blocking() == [] and dlg.accept_button.isEnabled()
    dlg.code.setFocus()
    QTest.keyClick(dlg.code, Qt.Key.Key_Return)          # Enter in a field writes nothing
    assert dlg.state == "review"
    dlg.accept_button.click()
    qtbot.waitUntil(lambda: dlg.state == "done", timeout=30_000)
    assert "booths 24, halls 1" in dlg.result_text.text()
    with open_expo(window.expo.path, readonly=True) as expo:
        for code in ("1C02", "1C06", "1C09", "1C12", "1D08"):
            b = truth[code]
            (x, y, w, h), placed = box_m(expo, code)
            # 0.25 m per point: the stated guess (the commonest booth taken as 3 m x 3 m)
            assert placed and (x, y, w, h) == pytest.approx(
                (b.x / PT_PER_M, b.y / PT_PER_M, 3.0, 3.0), abs=0.3), code
        assert "1C6O" not in {b.code for b in expo.booths()}
        assert not box_m(expo, "1A01")[1]           # the old layout's booths wait unplaced
        assert expo.sources_of("booth", "1C12")[0]["title"] == "Floor plan hall-c.pdf"

    # closing shows the floor plan: the booths where the plan has them, selectable
    dlg.close_button.click()
    new = new_window(qtbot, window)
    assert "organiser's plan hall-c.pdf" in new.view.badge
    assert "Layout from the organiser's plan hall-c.pdf, page 1" in \
        new.statusBar().currentMessage()
    from desktop.help.about import AboutDialog
    about = AboutDialog(new)
    qtbot.addWidget(about)
    from PySide6.QtGui import QTextDocument
    doc = QTextDocument()
    doc.setHtml(about.data.text())
    assert "Layout from the organiser's plan hall-c.pdf, page 1, read on" in doc.toPlainText()
    d = new.scene.data
    i = d.by_code["1C09"]
    assert d.rects[i] == pytest.approx((truth["1C09"].x / 4, truth["1C09"].y / 4, 3, 3),
                                       abs=0.3)
    new.view.fit_all()
    new.view.settle()
    x, y, w, h = d.rects[i]
    QTest.mouseClick(new.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier,
                     new.view.mapFromScene(QPointF(x + w / 2, y + h / 2)))
    assert new.selection.current == ("exhibitor", "sicarrier")
    html = new.detail.info.toPlainText()
    assert "Booth 1C09 · Sources: [1] Floor plan hall-c.pdf" in html     # cites the plan
    i12 = d.by_code["1C12"]
    x, y, w, h = d.rects[i12]
    QTest.mouseClick(new.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier,
                     new.view.mapFromScene(QPointF(x + w / 2, y + h / 2)))
    assert new.selection.current == ("booth", "1C12")
    assert "Floor plan hall-c.pdf" in new.detail.info.toPlainText()

    # a route on the imported plan: the plan's own walking graph, no leg through a booth
    from db.routing import FreeSpaceGraph
    for code in ("1C02", "1C18", "1D04"):
        new.user.toggle_favourite(new.expo_slug, "booth", code)
    new._refresh_stars()
    new.plan.show_route.setChecked(True)
    route = new.plan.route
    assert route is not None and isinstance(new.plan.graph, FreeSpaceGraph)
    assert route.distance_m > 20 and new.route_item.route is route
    rects = [d.rects[k] for k in range(len(d.codes))]
    for leg in route.legs:
        for (ax, ay), (bx, by) in zip(leg.points, leg.points[1:]):
            for k in range(1, 20):
                px, py = ax + (bx - ax) * k / 20, ay + (by - ay) * k / 20
                inside = [r for r in rects if r[0] + 0.05 < px < r[0] + r[2] - 0.05
                          and r[1] + 0.05 < py < r[1] + r[3] - 0.05]
                assert not inside, (leg, px, py)


def test_cancel_leaves_the_expo_file_byte_for_byte(window, qtbot, tmp_path):
    plan_with_mistakes(tmp_path / "p.pdf", wrong={"1C06": "1C6O"})
    path = window.expo.path
    before = sha(path)
    dlg = start(window, qtbot, tmp_path / "p.pdf")
    res = dlg.res
    dlg.todo.setCurrentRow(todo_row(dlg, "1C6O"))
    type_code(qtbot, dlg, "1C06")
    dlg.view.select_refs([res.booth_by_code("1C02").id])
    dlg.remove_button.click()
    assert res.booth_by_code("1C02") is None and dlg.edited
    dlg.cancel_button.click()
    assert dlg.state == "cancelled" and not dlg.isVisible()
    assert sha(path) == before
    assert not [p for p in Path(path).parent.iterdir() if ".plan-" in p.name]
    # cancelled while reading: the result is dropped, nothing written either
    from desktop.planimport import jobs, start_plan_import
    dlg2 = start_plan_import(window, plan=str(tmp_path / "p.pdf"), target=path)
    dlg2.cancel_button.click()
    assert jobs.wait_all(30)
    qtbot.wait(50)
    assert dlg2.state == "cancelled" and sha(path) == before
    assert window.isVisible()                              # nothing reopened


def test_merge_split_remove_and_scale_in_the_review(window, qtbot, tmp_path):
    plan_with_mistakes(tmp_path / "p.pdf")
    dlg = start(window, qtbot, tmp_path / "p.pdf")
    res = dlg.res
    a, b = res.booth_by_code("1C02"), res.booth_by_code("1C03")
    dlg.view.select_refs([a.id, b.id])
    assert dlg.merge_button.isEnabled()
    dlg.merge_button.click()
    assert a.box == pytest.approx((40, 70, 64, 82), abs=0.3) and res.booth_by_code("1C03") is None
    assert "1C03: code without an outline" in dlg.todo.item(0).text()
    assert not dlg.accept_button.isEnabled()              # a loose code blocks the write
    assert "Codes without an outline: 1" in dlg.blockers.text()
    dlg.view.select_refs([a.id])
    dlg.parts.setValue(2)
    dlg.split_x.click()
    right = [bx for bx in res.unmatched_boxes if bx.box[0] == pytest.approx(52, abs=0.3)]
    assert len(right) == 1 and a.box == pytest.approx((40, 70, 52, 82), abs=0.3)
    loose = next(c for c in res.unmatched_codes if c.code == "1C03")
    dlg.view.select_refs([loose.id, right[0].id])
    assert dlg.pair_button.isEnabled()
    dlg.pair_button.click()
    assert res.booth_by_code("1C03").box == pytest.approx((52, 70, 64, 82), abs=0.3)
    assert dlg.accept_button.isEnabled()
    # a wrong code typed is refused with one line; nothing changes
    dlg.view.select_refs([a.id])
    type_code(qtbot, dlg, "1C03")
    assert "already used" in dlg.status.text() and a.code == "1C02"
    # the scale: a known booth size, then a measured line
    dlg.booth_w.setValue(2.0)
    dlg.booth_h.setValue(2.0)
    dlg.size_button.click()
    assert res.page(1).scale_m_per_pt == pytest.approx(2 / 12, rel=0.02)
    assert "the commonest booth is 2 m × 2 m" in dlg.scale_label.text()
    dlg.view.setFocus()
    QTest.keyClick(dlg.view, Qt.Key.Key_L)
    drag(dlg.view, (40, 70), (136, 70))                  # 8 booths: 96 pt
    dlg.line_length.setValue(24.0)
    assert dlg.line_button.isEnabled()
    dlg.line_button.click()
    assert res.page(1).scale_m_per_pt == pytest.approx(0.25, rel=0.02)
    text = dlg.scale_label.text()                         # 0.25 m per point is 1 : 709
    assert text.startswith("Scale 1 : ") and text.endswith(" (a measured line of 24 m)")
    assert int(text.split()[3].replace(",", "")) == pytest.approx(709, abs=8)
    # remove with the keyboard
    dlg.view.set_tool("select")
    dlg.view.select_refs([res.booth_by_code("1D08").id])
    dlg.view.setFocus()
    QTest.keyClick(dlg.view, Qt.Key.Key_Delete)
    assert res.booth_by_code("1D08") is None
    assert any("1D08: code without an outline" in dlg.todo.item(r).text()
               for r in range(dlg.todo.count()))


def test_a_hall_over_two_pages_is_reviewed_page_by_page(window, qtbot, tmp_path):
    from db.planimport.synthetic import make_split_plan
    make_split_plan().save(tmp_path / "two.pdf")
    dlg = start(window, qtbot, tmp_path / "two.pdf")
    assert dlg.page_box.isVisibleTo(dlg) and dlg.page_box.count() == 2
    on_page = {n: {b.id for b in dlg.res.booths if b.page == n} for n in (1, 2)}
    assert on_page[1] and on_page[2]
    shown = set(dlg.view.items_by_ref)
    assert shown == on_page[dlg.page_no]
    other = 2 if dlg.page_no == 1 else 1
    dlg.page_box.setCurrentIndex(dlg.page_box.findData(other))
    assert dlg.page_no == other and set(dlg.view.items_by_ref) == on_page[other]


def test_colour_is_never_the_only_cue():
    from desktop.planimport.review import LOOKS
    seen = set()
    for kind, look in LOOKS.items():
        cue = (look.style, look.marker)
        assert cue not in seen, kind           # each kind also differs in line or marker
        seen.add(cue)


# ------------------------------------------------------------------- a picture
def picture_plan(path, n=6, px=40, origin=(60, 80)):
    """A plan that is only a picture: a row of ``n`` booths ``px`` pixels wide, no text."""
    img = Image.new("RGB", (origin[0] * 2 + n * px, origin[1] * 2 + px), "white")
    d = ImageDraw.Draw(img)
    for k in range(n):
        x = origin[0] + k * px
        d.rectangle([x, origin[1], x + px, origin[1] + px], outline="black", width=2)
    img.save(path)
    return origin, px


def test_picture_plan_calibrated_by_two_points_and_booths_drawn(window, qtbot, tmp_path):
    (ox, oy), px = picture_plan(tmp_path / "scan.png")
    path = window.expo.path
    dlg = start(window, qtbot, tmp_path / "scan.png")
    res = dlg.res
    assert res.kind == "picture" and res.booths == [] and dlg.view.tool == "measure"
    assert "No scale yet" in dlg.scale_label.text()
    assert not dlg.accept_button.isEnabled()
    # two points: the row's ends, 6 booths of 3 m = 18 m apart
    drag(dlg.view, (ox, oy), (ox + 6 * px, oy))
    dlg.line_length.setValue(18.0)
    dlg.line_button.click()
    page = res.page(1)
    assert page.scale_m_per_pt == pytest.approx(18 / (6 * px), rel=0.01)
    assert page.calibration and dlg.view.tool == "draw"
    # draw two booths, their codes offered as you type
    for k, code in ((0, "1C02"), (5, "1C07")):
        x = ox + k * px
        drag(dlg.view, (x + 1, oy + 1), (x + px - 1, oy + px - 1))
        assert dlg.code.hasFocus()
        QTest.keyClicks(dlg.code, code[:3])
        model = dlg.code.completer().completionModel()
        assert code in [model.index(r, 0).data() for r in range(model.rowCount())]
        QTest.keyClicks(dlg.code, code[3:])
        QTest.keyClick(dlg.code, Qt.Key.Key_Return)
        assert res.booth_by_code(code) is not None
    # the four between: one rectangle split into four, named by typing the first code
    # and pressing Enter (each time the next outline and the next free code come up)
    drag(dlg.view, (ox + px + 1, oy + 1), (ox + 5 * px - 1, oy + px - 1))
    dlg.parts.setValue(4)
    dlg.view.select_refs([dlg.view.selected_marks()[0].ref])
    dlg.split_x.click()
    assert len(res.unmatched_boxes) == 4 and dlg.code.hasFocus()
    QTest.keyClicks(dlg.code, "1C03")
    QTest.keyClick(dlg.code, Qt.Key.Key_Return)
    for code in ("1C04", "1C05", "1C06"):
        assert dlg.code.text() == code and dlg.code.selectedText() == code
        QTest.keyClick(dlg.code, Qt.Key.Key_Return)
    assert res.unmatched_boxes == [] and dlg.state == "review"
    assert dlg.blocking() == [] and dlg.accept_button.isEnabled()
    dlg.accept_button.click()
    qtbot.waitUntil(lambda: dlg.state == "done", timeout=30_000)
    s = 18 / (6 * px)
    with open_expo(path, readonly=True) as expo:
        for k in range(6):
            (x, y, w, h), placed = box_m(expo, f"1C0{k + 2}")
            assert placed and (x, y, w, h) == pytest.approx(((ox + k * px) * s, oy * s, 3, 3),
                                                            abs=0.15), k
    dlg.close_button.click()
    new = new_window(qtbot, window)
    assert "booths placed by hand" in new.statusBar().currentMessage()
    # the picture lies under the booths at its calibration, on by default
    assert new.a_underlay.isEnabled() and new.a_underlay.isChecked()
    qtbot.waitUntil(lambda: new.scene.render_state.underlay, timeout=10_000)
    u = new.scene.underlays[0]
    assert (u.rect.left(), u.rect.top()) == pytest.approx((0, 0), abs=0.01)
    assert u.rect.width() == pytest.approx((ox * 2 + 6 * px) * s, rel=0.01)
    new.a_underlay.setChecked(False)
    assert not new.scene.render_state.underlay


def test_underlay_is_drawn_under_the_booths(window, qtbot, tmp_path):
    """The plan's title, printed above the hall, is only in the plan's picture: it shows on
    the floor plan while View ▸ Plan underlay is on, and not when it is off."""
    plan_with_mistakes(tmp_path / "p.pdf")
    dlg = start(window, qtbot, tmp_path / "p.pdf")
    new = write_and_show(qtbot, dlg, window)
    qtbot.waitUntil(lambda: new.scene.render_state.underlay, timeout=10_000)
    from desktop.floorplan.route import render_floor
    source = new.scene.content_rect.adjusted(-8, -14, 8, 8)      # what render_floor shows

    def dark_pixels(img) -> int:
        # the title "HALL C FLOOR PLAN": 9 pt from (40, 40) pt, i.e. about 10..30 m x
        # 8.3..10 m on the floor (0.25 m per point)
        k = img.width() / source.width()
        n = 0
        for y in range(int((8.3 - source.top()) * k), int((10.0 - source.top()) * k)):
            for x in range(int((10 - source.left()) * k), int((30 - source.left()) * k), 2):
                n += img.pixelColor(x, y).lightness() < 180
        return n
    on = render_floor(new.scene, 800)
    new.a_underlay.setChecked(False)
    off = render_floor(new.scene, 800)
    assert dark_pixels(on) > 40 and dark_pixels(off) == 0
    new.a_underlay.setChecked(True)
    assert new.scene.render_state.underlay


# ------------------------------------------------------------- unplaced booths
def test_unplaced_booth_is_drawn_on_the_plan(window, qtbot, tmp_path):
    plan_with_mistakes(tmp_path / "p.pdf")
    dlg = start(window, qtbot, tmp_path / "p.pdf")
    new = write_and_show(qtbot, dlg, window)
    assert new.unplaced_dock is not None and new.booth_placer is not None
    tray = new.unplaced
    row = tray.codes.index("1A01")
    tray.list.setCurrentRow(row)
    placer = new.booth_placer
    assert placer.button.isEnabled()
    placer.button.click()
    assert placer.code == "1A01"
    view = new.view
    view.fit_all()
    vp = view.viewport()
    # in the hall's aisle (23.5 m .. 26.5 m): 10 m .. 13 m x 23.6 m .. 26.4 m
    a, b = view.mapFromScene(QPointF(10.0, 23.6)), view.mapFromScene(QPointF(13.0, 26.4))
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(vp, b)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
    scale = 1 / view.transform().m11()          # metres per pixel of the drag
    newer = new_window(qtbot, new)
    assert not placer.last_error
    d = newer.scene.data
    x, y, w, h = d.rects[d.by_code["1A01"]]
    assert (x, y, w, h) == pytest.approx((10, 23.6, 3, 2.8), abs=2 * scale + 0.05)
    assert "1A01" not in newer.unplaced.codes
    assert newer.selection.current == ("booth", "1A01")          # shown where it now stands
    with open_expo(newer.expo.path, readonly=True) as expo:
        assert expo.sources_of("booth", "1A01")[0]["title"] == "Floor plan p.pdf"


def test_unplaced_booth_outside_every_hall_is_refused(window, qtbot, tmp_path):
    plan_with_mistakes(tmp_path / "p.pdf")
    dlg = start(window, qtbot, tmp_path / "p.pdf")
    new = write_and_show(qtbot, dlg, window)
    before = sha(new.expo.path)
    new.unplaced.list.setCurrentRow(0)
    placer = new.booth_placer
    placer.button.click()
    placer.place(placer.code, QRectF(500, 500, 3, 3))
    placer.stop()
    from desktop.planimport import jobs
    assert jobs.wait_all(30)
    qtbot.waitUntil(lambda: "lies in no hall" in placer.last_error, timeout=5000)
    assert sha(new.expo.path) == before and new.isVisible()


def test_layout_label_on_the_builtin_expo(window):
    from desktop.planimport import layout_badge, layout_text
    assert layout_badge(window.expo) == "Schematic layout" == window.view.badge.split(" · ")[0]
    assert layout_text(window.expo, schematic=False) == ""
    assert not window.a_underlay.isEnabled() and not window.scene.underlays


def test_importing_into_the_builtin_expo_makes_a_new_file(window, qtbot, tmp_path):
    """A new file (as the catalogue import makes it): the built-in expo plus the plan."""
    plan_with_mistakes(tmp_path / "p.pdf")
    builtin = window.expo.path
    before = sha(builtin)
    out = tmp_path / "mine.sqlite"
    dlg = start(window, qtbot, tmp_path / "p.pdf", target=out, base=builtin)
    assert len(dlg.res.vocabulary) > 500             # the built-in expo's booth codes
    new = write_and_show(qtbot, dlg, window)
    assert sha(builtin) == before
    with open_expo(out, readonly=True) as expo:
        assert expo.exhibitor("sicarrier") is not None
        assert box_m(expo, "1C09")[1] and not expo.meta()["schematic"]
    assert Path(new.expo.path) == out and "organiser's plan p.pdf" in new.view.badge
