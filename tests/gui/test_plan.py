"""My plan, driven as a visitor does: star, annotate, plan the walk, reorder, export, print."""
from __future__ import annotations

import csv

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from db.routing import ENTRANCE, brute_force

EXPO = "wesemibay-2025"
STARS = ["sicarrier", "merck", "hisilicon", "pengjin-hi-tech", "tokyo-electron"]


def star_with_key(window, qtbot, slug):
    assert window.selection.select("exhibitor", slug)
    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus)
    qtbot.keyClick(window.view, Qt.Key.Key_S)


def type_note(window, qtbot, text):
    window.detail.tabs.setCurrentIndex(window.detail.tabs.count() - 1)
    window.activateWindow()
    window.detail.notes.setFocus()
    # Typed letters go to the editor (S is the star key only on the plan and the list).
    qtbot.waitUntil(window.detail.notes.hasFocus)
    qtbot.keyClicks(window.detail.notes, text)
    qtbot.waitUntil(lambda: window.detail.note_status.text().startswith("Saved"), timeout=3000)


def plan_rows(window):
    lst = window.plan.list
    return [lst.item(i).text() for i in range(lst.count())]


def booth(window, slug):
    return window.expo.booths_of(slug)[0]


@pytest.fixture
def planned(window, qtbot):
    """Five stars (key S), two notes typed in the details, and the best route."""
    for slug in STARS:
        star_with_key(window, qtbot, slug)
    window.selection.select("exhibitor", "sicarrier")
    type_note(window, qtbot, "Crowded stand; ask about Emei")
    window.selection.select("exhibitor", "merck")
    type_note(window, qtbot, "=gases catalogue")
    window.plan_dock.show()
    window.plan_dock.raise_()
    qtbot.waitUntil(lambda: window.plan.best.isVisible() and window.plan.best.isEnabled())
    qtbot.mouseClick(window.plan.best, Qt.MouseButton.LeftButton)
    return window


def test_stars_and_notes_appear_in_my_plan_and_on_the_floor(window, qtbot):
    assert window.plan.list.count() == 0
    assert "Nothing starred" in window.plan.summary.text()
    star_with_key(window, qtbot, "sicarrier")
    star_with_key(window, qtbot, "merck")
    assert window.user.favourites(EXPO) == [("exhibitor", "sicarrier"), ("exhibitor", "merck")]
    rows = plan_rows(window)
    assert len(rows) == 2 and "SiCarrier" in rows[0] and "Merck" in rows[1]
    d = window.scene.data
    assert d.starred == {d.by_code[booth(window, "sicarrier")], d.by_code[booth(window, "merck")]}
    # A note typed in the details shows in the plan and marks the booth on the floor.
    window.selection.select("exhibitor", "sicarrier")
    type_note(window, qtbot, "Ask about Emei")
    assert "Ask about Emei" in plan_rows(window)[0]
    assert d.rects[d.by_code[booth(window, "sicarrier")]] in window.note_marks.rects
    # The star button in the details adds a booth without a named exhibitor, too.
    code = next(c for i, c in enumerate(d.codes) if not d.occupants[i])
    window.selection.select("booth", code)
    qtbot.mouseClick(window.detail.star, Qt.MouseButton.LeftButton)
    assert code in plan_rows(window)[2]
    # The View menu toggles the dock.
    toggle = window.plan_dock.toggleViewAction()
    assert "My plan" in toggle.text().replace("&", "")


def test_plan_route_takes_the_best_order_and_draws_it(planned):
    window = planned
    route = window.plan.route
    assert route is not None and route.optimised and route.exact
    codes = [booth(window, s) for s in STARS]
    assert sorted(route.order) == sorted(codes)
    graph = window.plan.graph
    anchors = [graph.anchor(ENTRANCE)] + [graph.anchor(c) for c in codes]
    D, _ = graph.distances(anchors)
    assert route.distance_m == pytest.approx(brute_force(D)[0])
    # The list is in visiting order, and the floor plan shows the numbered route.
    rows = plan_rows(window)
    by_booth = {booth(window, s): s for s in STARS}
    # (each code marked beside it: the built-in expo's layout is schematic)
    assert [r.split("\n")[1].split(" · ")[0].strip() for r in rows] == \
        [f"{code} (schematic)" for code in route.order]
    assert rows[0].startswith("1 ")
    assert window.route_item.route is route and window.route_item.stop_count == 5
    assert window.route_item.isVisible() and not window.route_item.boundingRect().isEmpty()
    summary = window.plan.summary.text()
    assert f"{route.distance_m:.0f} m" in summary and "min walking" in summary
    assert "best order" in summary
    # The stored order is the visiting order: it survives a restart.
    assert [r for _, r in window.user.favourites(EXPO)] == [by_booth[c] for c in route.order]


def test_reorder_by_hand_and_the_route_follows(planned, qtbot):
    window = planned
    before = list(window.plan.route.order)
    window.plan.list.setCurrentRow(0)
    qtbot.mouseClick(window.plan.down, Qt.MouseButton.LeftButton)
    after = window.plan.route.order
    assert after == [before[1], before[0]] + before[2:]
    assert not window.plan.route.optimised and "your order" in window.plan.summary.text()
    assert window.route_item.route.order == after
    assert window.plan.list.currentRow() == 1
    window.plan.list.setCurrentRow(4)
    qtbot.mouseClick(window.plan.up, Qt.MouseButton.LeftButton)
    assert window.plan.route.order == after[:3] + [after[4], after[3]]
    # A drag in the list (a row moved by the view's model) reorders too.
    model = window.plan.list.model()
    moved_first = window.plan.route.order[4]
    window.plan.list.setCurrentRow(4)
    item = window.plan.list.takeItem(4)
    window.plan.list.insertItem(0, item)
    window.plan.list.setCurrentRow(0)
    model.rowsMoved.emit(model.index(0, 0).parent(), 4, 4, model.index(0, 0).parent(), 0)
    assert window.plan.route.order[0] == moved_first
    # Starting from a chosen booth: that booth is the start, the others follow.
    start = window.plan.route.order[2]
    window.plan.start_box.setCurrentIndex(window.plan.start_box.findData(start))
    window.plan.start_box.activated.emit(window.plan.start_box.currentIndex())
    assert window.plan.route.legs[0].frm == start and start not in window.plan.route.order


def test_unstar_from_the_plan(planned, qtbot):
    window = planned
    window.plan.list.setCurrentRow(0)
    first = window.plan.list.item(0).text()
    qtbot.mouseClick(window.plan.unstar, Qt.MouseButton.LeftButton)
    assert window.plan.list.count() == 4 and first not in plan_rows(window)
    assert len(window.plan.route.order) == 4 and window.route_item.stop_count == 4
    assert len(window.scene.data.starred) == 4
    # Its note stays.
    assert len(window.user.notes(EXPO)) == 2


def test_orphans_are_shown_and_kept(window, qtbot):
    window.user.set_favourite(EXPO, "exhibitor", "gone-company", True)
    window.user.save_note(EXPO, "exhibitor", "gone-company", "met in 2024")
    star_with_key(window, qtbot, "merck")
    assert window.plan.orphans.count() == 1 and not window.plan.orphans.isHidden()
    assert "gone-company" in window.plan.orphans.item(0).text()
    assert "met in 2024" in window.plan.orphans.item(0).text()
    assert ("exhibitor", "gone-company") in window.user.favourites(EXPO)


def test_exports_markdown_csv_pdf_and_print(planned, tmp_path):
    window = planned
    order = window.plan.route.order
    names = {booth(window, s): window.expo.exhibitor(s)["name"] for s in STARS}
    expected = [names[c] for c in order]

    md = window.plan.export_markdown(tmp_path / "plan.md").read_text(encoding="utf-8")
    heads = [line[3:] for line in md.splitlines() if line.startswith("## ")]
    assert [h.split(". ", 1)[1].split(" (")[0] for h in heads[:5]] == expected
    assert "> Crowded stand; ask about Emei" in md and "> =gases catalogue" in md

    with open(window.plan.export_csv(tmp_path / "plan.csv"), newline="",
              encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["exhibitor"] for r in rows] == expected
    merck = next(r for r in rows if r["id"] == "merck")
    assert merck["note"] == "'=gases catalogue"

    def pdf_text(path):
        reader = pypdf.PdfReader(str(path))
        return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)

    pdf = window.plan.export_pdf(tmp_path / "plan.pdf")
    text = pdf_text(pdf)
    assert "My plan" in text and f"{window.plan.route.distance_m:.0f} m" in text
    positions = [text.index(n) for n in expected]
    assert positions == sorted(positions)         # the stops in visiting order
    assert "Crowded stand; ask about Emei" in text and "=gases catalogue" in text
    assert "新凯来" in text

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    window.plan.print_to(printer)
    del printer
    printed = pdf_text(tmp_path / "printed.pdf")
    assert all(n in printed for n in expected) and "Crowded stand" in printed
