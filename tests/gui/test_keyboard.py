"""The window without a mouse, and with a screen reader: focus, panes, shortcuts, names.

Keys are sent to the widget that has the focus, as a keyboard does; an application-wide
filter fails a test that sees a mouse event.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from desktop.selection import Reason

MOUSE = {QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
         QEvent.Type.MouseButtonDblClick}


class MouseWatch(QObject):
    def __init__(self):
        super().__init__()
        self.seen = 0

    def eventFilter(self, obj, event):
        if event.type() in MOUSE:
            self.seen += 1
        return False


@pytest.fixture
def no_mouse(qapp):
    watch = MouseWatch()
    qapp.installEventFilter(watch)
    yield watch
    qapp.removeEventFilter(watch)
    assert watch.seen == 0, "a mouse event in a keyboard-only test"


def focus() -> object:
    return QApplication.focusWidget()


def press(qtbot, key, mods=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focus(), key, mods)


def shown(widget) -> bool:
    """On screen: a dock behind another's tab is moved off the window, not hidden."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def within(widget, root) -> bool:
    while widget is not None:
        if widget is root:
            return True
        widget = widget.parentWidget()
    return False


def test_keyboard_only_search_select_star_note_route_export(window, qtbot, tmp_path, no_mouse):
    win = window
    win.activateWindow()
    qtbot.waitUntil(lambda: focus() is win.search.box)          # focus starts in search
    qtbot.keyClicks(focus(), "SiCarrier")
    qtbot.waitUntil(lambda: win.search._shown_text == "SiCarrier" and bool(win.search.hits),
                    timeout=5000)
    press(qtbot, Qt.Key.Key_Return)
    assert win.selection.current == ("exhibitor", "sicarrier")
    # The focus left the box, so S stars instead of typing "SiCarriers".
    assert focus() is win.view and win.view.focus_booth is not None
    assert win.scene.data.codes[win.view.focus_booth] == "1C09"
    press(qtbot, Qt.Key.Key_S)
    assert win.search.box.text() == "SiCarrier"
    assert ("exhibitor", "sicarrier") in win.user.favourites(win.expo_slug)
    assert win.detail.star.isChecked() and win.detail.star.text().startswith("★")
    # A second stop, by its booth code, to make a walk.
    press(qtbot, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert focus() is win.search.box
    qtbot.keyClicks(focus(), "Tokyo Electron")
    qtbot.waitUntil(lambda: win.search._shown_text == "Tokyo Electron" and bool(win.search.hits),
                    timeout=5000)
    press(qtbot, Qt.Key.Key_Return)
    assert win.selection.current == ("exhibitor", "tokyo-electron")
    press(qtbot, Qt.Key.Key_S)
    # A note: Ctrl+Shift+N opens the Notes tab with the focus in the note.
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert focus() is win.detail.notes
    assert win.detail.tabs.currentWidget() is win.detail.notes.parentWidget()
    qtbot.keyClicks(focus(), "Ask about etch tools")
    qtbot.waitUntil(lambda: (win.user.note(win.expo_slug, "exhibitor", "tokyo-electron") or {})
                    .get("text") == "Ask about etch tools", timeout=5000)
    # Plan route (Ctrl+Shift+W): My plan shows, the route is drawn and fits the view.
    press(qtbot, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert win.plan_dock.isVisible() and within(focus(), win.plan)
    assert win.route_item.stop_count == 2
    visible = win.view.visible_scene_rect()
    assert all(visible.contains(p) for p, _ in win.route_item.stop_points(win.scene.level))
    # Export as PDF (Ctrl+Shift+E): the file dialog takes a typed name and Enter.
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dlg = win.plan.export_dlg
    assert isinstance(dlg, QFileDialog)
    qtbot.waitUntil(dlg.isVisible)
    out = tmp_path / "my-walk.pdf"
    name = dlg.findChild(QLineEdit, "fileNameEdit")
    name.setFocus()
    qtbot.waitUntil(lambda: focus() is name)
    name.selectAll()
    qtbot.keyClicks(name, str(out))
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(out.exists, timeout=10000)
    assert out.read_bytes().startswith(b"%PDF")
    assert win.plan.saved.isVisible() and str(out) in win.plan.saved.text()
    assert str(out) in win.statusBar().currentMessage()


def test_s_in_the_search_box_and_the_note_types_a_letter(window, qtbot):
    win = window
    win.selection.select("exhibitor", "sicarrier", reason=Reason.COMMAND)
    win.search.box.setFocus()
    qtbot.keyClick(win.search.box, Qt.Key.Key_S, Qt.KeyboardModifier.NoModifier, 10)
    assert win.search.box.text() == "s"
    assert win.user.favourites(win.expo_slug) == []
    win.keys.go("Notes")
    qtbot.keyClicks(win.detail.notes, "Ss")
    assert win.detail.notes.toPlainText() == "Ss"
    assert win.user.favourites(win.expo_slug) == []
    qtbot.waitUntil(lambda: win.search._shown_text == "s", timeout=5000)
    assert win.detail.flush_notes()


def test_f6_cycles_the_open_panes_and_ctrl_tab_leaves_the_plan(window, qtbot, no_mouse):
    win = window
    win.activateWindow()
    qtbot.waitUntil(lambda: focus() is win.search.box)
    seen = []
    for _ in range(6):
        press(qtbot, Qt.Key.Key_F6)
        seen.append(win.keys.current())
    names = [win.keys.panes[k].name for k in seen]
    # Results are hidden with nothing typed; My plan is a tab behind Details, raised.
    assert names == ["Exhibitor directory", "Floor plan", "Details", "My plan", "Search",
                     "Exhibitor directory"]
    press(qtbot, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    press(qtbot, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert win.keys.panes[win.keys.current()].name == "My plan"
    assert shown(win.plan)
    # Tab walks the booths on the plan; Ctrl+Tab leaves it, Ctrl+Shift+Tab back.
    win.keys.go("Floor plan")
    assert focus() is win.view
    press(qtbot, Qt.Key.Key_Tab)
    assert focus() is win.view and win.view.focus_booth is not None
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert focus() is not win.view and within(focus(), win.detail)
    press(qtbot, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)     # and back
    assert focus() is win.view
    press(qtbot, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ControlModifier
          | Qt.KeyboardModifier.ShiftModifier)
    assert win.keys.panes[win.keys.current()].name == "Exhibitor directory"
    # The Policy timeline, once open, is a pane too.
    press(qtbot, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert win.policy_dock.isVisible() and within(focus(), win.policy)
    names = set()
    for _ in range(8):
        press(qtbot, Qt.Key.Key_F6)
        names.add(win.keys.panes[win.keys.current()].name)
    assert "Policy timeline" in names and "Floor plan" in names


def test_tab_leaves_the_directory_and_reaches_the_detail_tabs(window, qtbot, no_mouse):
    win = window
    win.activateWindow()
    win.selection.select("exhibitor", "sicarrier", reason=Reason.COMMAND)
    win.search.table.setFocus()
    qtbot.waitUntil(lambda: focus() is win.search.table)
    press(qtbot, Qt.Key.Key_Tab)
    assert focus() is not win.search.table          # not trapped in the table's cells
    # The detail tabs: the tab bar takes the focus, arrows switch the tab.
    press(qtbot, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    bar = win.detail.tabs.tabBar()
    assert focus() is bar
    start = win.detail.tabs.currentIndex()
    press(qtbot, Qt.Key.Key_Right)
    assert win.detail.tabs.currentIndex() == start + 1
    # The note editor gives Tab back to the window (it is prose, not code).
    win.keys.go("Notes")
    press(qtbot, Qt.Key.Key_Tab)
    assert focus() is not win.detail.notes and win.detail.notes.toPlainText() == ""


def test_shortcuts_show_and_focus_their_pane_and_never_hide_it(window, qtbot, no_mouse):
    win = window
    win.activateWindow()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    for _ in range(2):       # twice: a second press must not hide it
        press(qtbot, Qt.Key.Key_P, ctrl_shift)
        assert shown(win.plan) and within(focus(), win.plan)
        assert not shown(win.detail)                  # My plan raised over Details
    for _ in range(2):
        press(qtbot, Qt.Key.Key_D, ctrl_shift)
        assert shown(win.detail) and within(focus(), win.detail) and not shown(win.plan)
    for _ in range(2):
        press(qtbot, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
        assert win.policy_dock.isVisible() and within(focus(), win.policy)
    for _ in range(2):
        press(qtbot, Qt.Key.Key_R, ctrl_shift)
        assert win.products_dock.isVisible() and within(focus(), win.products)
    press(qtbot, Qt.Key.Key_O, ctrl_shift)
    assert win.sources_dock.isVisible() and within(focus(), win.sources)
    # The View menu still toggles.
    win.policy_dock.toggleViewAction().trigger()
    assert not win.policy_dock.isVisible()


def test_escape_clears_a_topic_or_a_search_from_any_pane(window, qtbot, no_mouse):
    win = window
    win.activateWindow()
    win.open_policy("topic", "us-equipment-controls")
    assert win.marks.chip.isVisible()
    assert "US controls on chipmaking equipment: 3 booths lit" == win.marks.chip.label.text()
    win.search.table.setFocus()
    qtbot.waitUntil(lambda: focus() is win.search.table)
    press(qtbot, Qt.Key.Key_Escape)
    assert win.selection.lit.booths is None and win.scene.data.highlight is None
    assert not win.marks.chip.isVisible()
    # A search lights its hits; Esc on the plan clears the search with its light.
    win.search.box.setText("ALD")
    win.search.run_search()
    assert win.selection.lit.kind == "search" and win.marks.chip.isVisible()
    win.keys.go("Floor plan")
    press(qtbot, Qt.Key.Key_Escape)
    assert win.search.box.text() == "" and win.selection.lit.booths is None
    assert not win.marks.chip.isVisible()


def test_the_chip_clears_the_highlight(window, qtbot):
    win = window
    win.open_policy("topic", "us-equipment-controls")
    chip = win.marks.chip
    assert chip.isVisible() and chip.clear.isVisible()
    assert chip.clear.accessibleName() == "Clear highlight"
    chip.clear.click()
    assert win.selection.lit.booths is None and not chip.isVisible()


# ------------------------------------------------------------------ screen readers
INTERACTIVE = {QAccessible.Role.PushButton, QAccessible.Role.CheckBox,
               QAccessible.Role.RadioButton, QAccessible.Role.ComboBox,
               QAccessible.Role.EditableText, QAccessible.Role.SpinBox,
               QAccessible.Role.Slider, QAccessible.Role.List, QAccessible.Role.Table,
               QAccessible.Role.Tree, QAccessible.Role.PageTabList, QAccessible.Role.PageTab,
               QAccessible.Role.ButtonMenu, QAccessible.Role.ButtonDropDown,
               QAccessible.Role.Canvas, QAccessible.Role.Link, QAccessible.Role.MenuItem}
# Not checked: scroll bars (no focus; their area is named) and pictures (decoration).


def walk(iface, depth=0, out=None):
    out = [] if out is None else out
    if iface is None or not iface.isValid() or depth > 40:
        return out
    out.append(iface)
    # Rows and cells of big item views are data; their views are named.
    if iface.role() in (QAccessible.Role.Table, QAccessible.Role.Tree, QAccessible.Role.List):
        return out
    for k in range(iface.childCount()):
        walk(iface.child(k), depth + 1, out)
    return out


def unnamed_controls(root) -> list[str]:
    QAccessible.setActive(True)
    bad = []
    window_rect = QAccessible.queryAccessibleInterface(root).rect()
    for iface in walk(QAccessible.queryAccessibleInterface(root)):
        if iface.role() not in INTERACTIVE:
            continue
        if iface.state().invisible or iface.state().offscreen or iface.rect().isEmpty() \
                or not iface.rect().intersects(window_rect):
            continue                      # not on screen
        if iface.role() == QAccessible.Role.PageTabList and iface.childCount() == 0:
            continue                      # a tab bar without tabs that Qt keeps for reuse
        if not iface.text(QAccessible.Text.Name).strip():
            obj, chain = iface.object(), []
            while obj is not None and len(chain) < 5:
                chain.append(f"{type(obj).__name__}:{obj.objectName()}")
                obj = obj.parent()
            bad.append(f"{iface.role().name} in {' < '.join(chain)}")
    return bad


def test_every_control_of_the_window_has_a_spoken_name(window, qtbot):
    win = window
    win.selection.select("exhibitor", "sicarrier", reason=Reason.COMMAND)
    for key in ("Policy timeline", "Products", "Sources", "My plan", "Details"):
        win.keys.go(key)
    win.search.box.setText("ALD")
    win.search.run_search()
    assert unnamed_controls(win) == []
    # Symbol-only buttons say what they do.
    assert win.detail.star.accessibleName() == "Star: add to My plan"
    assert win.plan.up.accessibleName() == "Visit earlier"
    assert win.plan.down.accessibleName() == "Visit later"
    win.keys.a_star.trigger()
    assert win.detail.star.accessibleName() == "Starred: remove from My plan"


def test_every_control_of_a_large_expo_window_has_a_name(qtbot, tmp_path, user):
    """Many zones (the legend's menu and labelled entries), levels (their buttons)."""
    from db.expo import open_expo
    from db.synthetic import make_demo
    from desktop.main_window import MainWindow
    path = tmp_path / "demo.sqlite"
    make_demo(path, booths=600, products=300, seed=2)
    expo = open_expo(path)
    try:
        win = MainWindow(expo, user, settings=None)
        qtbot.addWidget(win)
        win.resize(1280, 720)
        win.show()
        qtbot.waitExposed(win)
        assert unnamed_controls(win) == []
        win.close()
    finally:
        expo.close()


def test_the_booth_under_keyboard_focus_is_announced(window, qtbot, monkeypatch):
    win = window
    QAccessible.setActive(True)
    sent = []
    real = QAccessible.updateAccessibility
    monkeypatch.setattr(QAccessible, "updateAccessibility",
                        lambda event: (sent.append((event.type(), event.object())), real(event)))
    win.activateWindow()
    win.keys.go("Floor plan")
    qtbot.waitUntil(win.view.hasFocus)
    i = win.scene.data.by_code["1C09"]
    win.view.set_focus_booth(i)
    name = QAccessible.queryAccessibleInterface(win.view).text(QAccessible.Text.Name)
    assert "1C09" in name and "SiCarrier" in name and "Wafer manufacturing" in name
    assert "starred" not in name
    assert (QAccessible.Event.Focus, win.view) in sent
    assert (QAccessible.Event.NameChanged, win.view) in sent
    qtbot.keyClick(win.view, Qt.Key.Key_Return)     # select it
    assert win.selection.current == ("exhibitor", "sicarrier")
    qtbot.keyClick(win.view, Qt.Key.Key_S)          # star it: said when next focused
    qtbot.keyClick(win.view, Qt.Key.Key_Tab)
    qtbot.keyClick(win.view, Qt.Key.Key_Backtab)
    assert win.view.focus_booth == i
    name = QAccessible.queryAccessibleInterface(win.view).text(QAccessible.Text.Name)
    assert name.startswith("Floor plan: ") and "starred" in name


def test_the_plan_shows_that_it_has_the_focus(window, qtbot):
    win = window
    win.activateWindow()
    hl = win.view.palette().highlight().color().name()

    def edge() -> str:
        img = win.view.viewport().grab().toImage()
        r = img.devicePixelRatio()
        return img.pixelColor(int(img.width() / 2), int(2 * r)).name()

    win.keys.go("Floor plan")
    qtbot.waitUntil(win.view.hasFocus)
    assert edge() == hl
    win.focus_search()
    qtbot.waitUntil(lambda: not win.view.hasFocus())
    assert edge() != hl
