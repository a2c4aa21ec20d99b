"""One selection: set from anywhere in one call, with its reason; every panel follows it.

The floor plan, the directory, the details, the products view, My plan and the Policy
view show what ``window.selection`` holds; none of them is told by another.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from db.connection import trace_statements
from desktop.models.exhibitors import SLUG_ROLE
from desktop.selection import Reason


def _record(selection) -> list:
    states: list = []
    selection.changed.connect(states.append)
    return states


def _booth_point(window, code):
    i = window.scene.data.by_code[code]
    window.view.fly_to([i])
    return window.view.mapFromScene(window.scene.booth_rect(i).center())


def _follows(window, slug: str) -> None:
    """Every panel shows the exhibitor ``slug``."""
    d = window.scene.data
    name = window.expo.exhibitor(slug)["name"]
    assert name in window.detail.title.text()
    assert window.search.selected_exhibitor() == slug
    assert {d.codes[i] for i in d.selected} == \
        {b for b in window.expo.booths_of(slug) if b in d.by_code}
    assert window.products._exhibitor == slug              # "Only the selected exhibitor"


def test_every_way_of_choosing_sets_the_one_selection_with_its_reason(window, qtbot, user):
    states = _record(window.selection)
    # A click on the plan.
    code = window.expo.booths_of("tokyo-electron")[0]
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=_booth_point(window, code))
    _follows(window, "tokyo-electron")
    # A row of the directory.
    table = window.search.table
    model = table.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data(SLUG_ROLE) == "merck")
    table.setCurrentIndex(model.index(row, 0))
    _follows(window, "merck")
    # A search hit (a product: its exhibitor, at the Products tab).
    window.search.box.setText("Alishan")
    window.search.run_search()
    window.search.go_to_best()
    _follows(window, "sicarrier")
    assert window.detail.tabs.currentIndex() == 1
    window.search.box.clear()                     # the directory shows every exhibitor again
    # --select, and a stop of My plan.
    assert window.select_text("hisilicon")
    _follows(window, "hisilicon")
    user.set_favourite(window.expo_slug, "exhibitor", "merck", True)
    window.plan.refresh()
    window.plan._on_activated(window.plan.list.item(0))
    _follows(window, "merck")
    # A row of the products table.
    window.products_dock.show()
    window.products.table.selectRow(0)
    first = window.products.model.index(0, 0).data(SLUG_ROLE)
    owner = window.expo.record("product", first)["exhibitor"]
    _follows(window, owner)
    assert window.selection.state.product == first
    assert [s.reason for s in states] == [Reason.PLAN, Reason.LIST, Reason.SEARCH,
                                          Reason.COMMAND, Reason.STOP, Reason.PRODUCT_ROW]
    # The selection speaks in slugs and booth codes, never in the plan's booth ids.
    assert all(isinstance(c, str) for s in states for c in s.booths)
    assert all(isinstance(s.ref, str) for s in states)


def test_a_click_on_empty_floor_clears_everywhere(window, qtbot):
    window.selection.select("exhibitor", "merck")
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    assert window.selection.current is None
    assert window.selection.state.reason == Reason.PLAN
    assert window.scene.data.selected == set()
    assert window.detail.title.text() == "Nothing selected"
    assert window.search.selected_exhibitor() is None
    assert window.products._exhibitor is None


def test_my_plan_follows_the_selection(window, user):
    for slug in ("merck", "sicarrier"):
        user.set_favourite(window.expo_slug, "exhibitor", slug, True)
    window.plan.refresh()
    window.selection.select("exhibitor", "sicarrier")
    assert window.plan.list.currentItem().data(Qt.ItemDataRole.UserRole + 1) == \
        ["exhibitor", "sicarrier"]
    window.selection.select("exhibitor", "tokyo-electron")     # not a stop
    assert window.plan.list.currentRow() == -1


def test_a_product_of_the_exhibitor_shown_reads_nothing_again(window):
    """The selection reads an exhibitor's details once; picking one of its products then
    reads which exhibitor it belongs to (and the products view reads the product it shows),
    not the details again."""
    window.selection.select("exhibitor", "sicarrier")
    view = window.selection.state.view
    with trace_statements() as log:
        window.selection.select("product", "sicarrier-emei", reason=Reason.DETAIL)
    assert window.selection.state.view is view
    details = ("FROM exhibitors e", "FROM people", "FROM links", "WITH wanted")
    assert not [s for s in log.statements if any(d in s for d in details)], log.statements
    assert sum(s.startswith("SELECT * FROM products WHERE slug") for s in log.statements) == 1
    assert window.products_dock.isVisible()                  # the details' link opens it
    assert window.products.view.slug == "sicarrier-emei"


def test_the_policy_view_and_the_plan_follow_a_highlight(window, qtbot):
    highlights: list = []
    window.selection.highlighted.connect(highlights.append)
    window.policy.choose("topic", "us-equipment-controls")      # a click in the Policy view
    lit = highlights[-1]
    assert (lit.kind, lit.ref, lit.reason) == ("topic", "us-equipment-controls", Reason.POLICY)
    assert window.policy.current == ("topic", "us-equipment-controls")
    assert window.policy_dock.isVisible()
    d = window.scene.data
    assert {d.codes[i] for i in d.highlight} == set(lit.booths) != set()
    assert "booths linked" in window.statusBar().currentMessage()
    # Esc on the plan clears the highlight (keyboard).
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert highlights[-1].reason == Reason.KEYBOARD and highlights[-1].booths is None
    assert window.scene.data.highlight is None
    # A search lights its hits; the Policy view keeps its text.
    window.search.box.setText("ALD")
    window.search.run_search()
    assert highlights[-1].kind == "search" and highlights[-1].booths
    assert window.policy.current == ("topic", "us-equipment-controls")
    QApplication.processEvents()


def test_unknown_records_change_nothing(window):
    window.selection.select("exhibitor", "merck")
    before = window.selection.state
    for kind, ref in (("exhibitor", "no-such"), ("booth", "ZZ99"), ("product", "no-such"),
                      ("person", "no-such"), ("quote", "no-such"), ("zone", "x")):
        assert not window.selection.select(kind, ref), (kind, ref)
    assert not window.selection.highlight("topic", "no-such")
    assert window.selection.state is before
    assert "Merck" in window.detail.title.text()
