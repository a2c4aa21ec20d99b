"""The window without a mouse: panes, focus, the Go and Plan menus, spoken names.

- Focus starts in the search box. F6 / Shift+F6 (and Ctrl+Tab / Ctrl+Shift+Tab on the
  floor plan, where Tab walks the booths) move to the next or previous pane: search,
  directory, floor plan, details, My plan, and the bottom docks that are open.
- Go ▸ (Ctrl+Shift+F floor plan, Ctrl+Shift+D details, Ctrl+Shift+N notes, Ctrl+Shift+P
  My plan, Ctrl+T timeline, Ctrl+Shift+R products, Ctrl+Shift+O sources) shows the pane,
  raises it when it is a tab, and puts the focus in it; it never hides one. The View menu's
  entries still toggle the docks.
- Plan ▸ Star the selection (S), Visited (V), Plan route (Ctrl+Shift+W), Export as PDF…
  (Ctrl+Shift+E); Esc clears a highlight (and the search that made it) in any pane.
- After a search and Enter the focus goes to the plan, on the booth selected, so S stars it.
- The booth under keyboard focus on the plan is announced: the view's accessible name
  becomes "Floor plan: <exhibitor>, booth <code>, <zone>, starred…" and a focus and a
  name-changed event go to the accessibility bridge (AT-SPI on Linux).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAccessible, QAccessibleEvent, QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDockWidget, QLineEdit,
                               QMainWindow, QTabBar, QWidget)

from .i18n import tr
from .selection import Reason


def first_focusable(root: QWidget) -> QWidget | None:
    """The first visible, enabled widget under ``root`` that takes focus by Tab."""
    if root.isVisible() and root.isEnabled() and root.focusPolicy() & Qt.FocusPolicy.TabFocus \
            and not isinstance(root, QDockWidget):
        return root
    for child in root.findChildren(QWidget):
        if child.isVisible() and child.isEnabled() and child.focusPolicy() & Qt.FocusPolicy.TabFocus \
                and not isinstance(child, QDockWidget) and child.window() is root.window():
            return child
    return None


class Pane:
    """One stop of F6: its name, the dock it lives in (None: always there), and the widget
    that takes the focus."""

    def __init__(self, name: str, dock: QDockWidget | None, target, root=None):
        self.name = name
        self.dock = dock
        self.target = target            # () -> QWidget
        self.root = root or target      # () -> QWidget: the focus is "in" the pane under it

    def is_open(self) -> bool:
        return self.dock is None or self.dock.toggleViewAction().isChecked()

    def contains(self, w: QWidget | None) -> bool:
        root = self.root()
        while w is not None:
            if w is root:
                return True
            w = w.parentWidget()
        return False


class KeyboardNav(QObject):
    def __init__(self, win: QMainWindow):
        super().__init__(win)
        self.win = win
        w = win
        self.panes = [
            Pane(tr("Search"), None, lambda: w.search.box,
                 lambda: w.search.box),
            Pane(tr("Search results"), None, lambda: w.search.results),
            Pane(tr("Exhibitor directory"), None, lambda: w.search.table),
            Pane(tr("Floor plan"), None, lambda: w.view),
            Pane(tr("Details"), w.detail.parentWidget(), lambda: w.detail.tabs.tabBar(),
                 lambda: w.detail),
            Pane(tr("My plan"), w.plan_dock, self._plan_target, lambda: w.plan),
            Pane(tr("Policy timeline"), w.policy_dock, lambda: first_focusable(w.policy),
                 lambda: w.policy),
            Pane(tr("Products"), w.products_dock, lambda: w.products.text, lambda: w.products),
            Pane(tr("Sources"), w.sources_dock, lambda: first_focusable(w.sources),
                 lambda: w.sources),
        ]
        if w.unplaced_dock is not None:
            self.panes.append(Pane(tr("Unplaced booths"), w.unplaced_dock,
                                   lambda: first_focusable(w.unplaced), lambda: w.unplaced))
        # The exhibitor and products tables: Tab leaves them (arrows move between cells).
        w.search.table.setTabKeyNavigation(False)
        w.products.table.setTabKeyNavigation(False)
        w.detail.notes.setTabChangesFocus(True)     # Tab leaves the note (it is prose)
        w.view.setProperty("paneName", tr("Floor plan"))
        w.view.installEventFilter(self)
        w.view.boothFocused.connect(self.announce_booth)
        w.search.box.returnPressed.connect(self._after_search_enter)
        w.search.results.itemActivated.connect(lambda *_: self._after_search_enter())
        self._build_actions()
        name_controls(win)
        win.installEventFilter(self)       # tabbing docks makes new tab bars: named
        w.search.box.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------------ menus
    def _action(self, text: str, keys, slot, menu=None) -> QAction:
        a = QAction(text, self.win)
        if keys:
            a.setShortcut(QKeySequence(keys))
        a.triggered.connect(slot)
        self.win.addAction(a)
        if menu is not None:
            menu.addAction(a)
        return a

    def _build_actions(self) -> None:
        w = self.win
        bar = w.menuBar()
        help_menu = bar.actions()[-1] if bar.actions() else None
        m_go = bar.addMenu(tr("&Go"))
        m_plan = bar.addMenu(tr("&Plan"))
        if help_menu is not None:           # Help stays last
            bar.removeAction(help_menu)
            bar.addAction(help_menu)
        self.a_next = self._action(tr("Next pane"), "F6", lambda: self.cycle(1), m_go)
        self.a_prev = self._action(tr("Previous pane"), "Shift+F6", lambda: self.cycle(-1), m_go)
        m_go.addSeparator()
        go = (("Floor plan", tr("&Floor plan"), "Ctrl+Shift+F"),
              ("Details", tr("&Details"), "Ctrl+Shift+D"),
              ("Notes", tr("&Notes"), "Ctrl+Shift+N"),
              ("My plan", tr("&My plan"), "Ctrl+Shift+P"),
              ("Policy timeline", tr("&Policy timeline"), "Ctrl+T"),
              ("Products", tr("P&roducts"), "Ctrl+Shift+R"),
              ("Sources", tr("S&ources"), "Ctrl+Shift+O"))
        self.go_actions = {}
        for key, text, keys in go:
            self.go_actions[key] = self._action(text, keys, lambda _=False, k=key: self.go(k), m_go)

        self.a_star = self._action(tr("Star the selection"), "S", self.win.toggle_star, m_plan)
        self.a_visited = self._action(tr("Visited"), "V", self.win.toggle_visited, m_plan)
        self.a_visited.setToolTip(tr("Mark the selection as visited (a stop done)"))
        m_plan.addSeparator()
        self.a_route = self._action(tr("Plan route"), "Ctrl+Shift+W", self.plan_route, m_plan)
        self.a_pdf = self._action(tr("Export as PDF…"), "Ctrl+Shift+E",
                                  lambda: self._export("pdf"), m_plan)
        self._action(tr("Export as Markdown…"), None, lambda: self._export("md"), m_plan)
        self._action(tr("Export as CSV…"), None, lambda: self._export("csv"), m_plan)
        m_plan.addSeparator()
        # Esc: in every pane but the search box (which clears its text) and dialogs.
        self.a_clear = QAction(tr("Clear highlight"), w)
        self.a_clear.setShortcut(QKeySequence("Esc"))
        self.a_clear.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.a_clear.triggered.connect(self.clear_highlight)
        for pane in (w.view, w.search.table, w.search.results, w.detail, w.plan, w.policy,
                     w.products):
            pane.addAction(self.a_clear)
        m_plan.addAction(self.a_clear)

    # ------------------------------------------------------------------ panes
    def _plan_target(self) -> QWidget:
        p = self.win.plan
        return p.list if p.list.count() else first_focusable(p) or p.list

    def current(self) -> int | None:
        fw = QApplication.focusWidget()
        for k, pane in enumerate(self.panes):
            if pane.name != tr("Search") and pane.contains(fw):
                return k
        return 0 if self.panes[0].contains(fw) else None

    def available(self) -> list[int]:
        out = []
        for k, pane in enumerate(self.panes):
            if not pane.is_open():
                continue
            if pane.name == tr("Search results") and not self.win.search.results.isVisible():
                continue
            out.append(k)
        return out

    def cycle(self, step: int) -> None:
        """F6 / Shift+F6: the next or previous open pane (a tabbed dock is raised)."""
        order = self.available()
        cur = self.current()
        if cur in order:
            k = order[(order.index(cur) + step) % len(order)]
        else:
            k = order[0] if step > 0 else order[-1]
        self.enter(self.panes[k])

    def enter(self, pane: Pane) -> QWidget | None:
        if pane.dock is not None:
            if not pane.dock.toggleViewAction().isChecked():
                pane.dock.show()
            pane.dock.raise_()
        QApplication.processEvents()        # a raised tab becomes visible
        target = pane.target()
        if target is not None:
            target.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return target

    def pane(self, key: str) -> Pane:
        names = {"Floor plan": tr("Floor plan"), "Details": tr("Details"),
                 "My plan": tr("My plan"), "Policy timeline": tr("Policy timeline"),
                 "Products": tr("Products"), "Sources": tr("Sources")}
        return next(p for p in self.panes if p.name == names[key])

    def go(self, key: str) -> None:
        """Show the pane (never hide it), raise it and put the focus in it."""
        w = self.win
        if key == "Notes":
            self.enter(self.pane("Details"))
            w.detail.tabs.setCurrentIndex(w.detail.tabs.indexOf(w.detail.notes.parentWidget()))
            target = w.detail.notes if w.detail.notes.isEnabled() else w.detail.tabs.tabBar()
            target.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        if key == "Floor plan":
            w.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        if key == "Policy timeline" and not w.policy_dock.isVisible():
            w.policy_dock.show()
            w.resizeDocks([w.policy_dock], [int(w.height() * 0.42)], Qt.Orientation.Vertical)
        self.enter(self.pane(key))

    def eventFilter(self, obj, event) -> bool:
        if obj is self.win:
            if event.type() == QEvent.Type.ChildPolished and isinstance(event.child(), QTabBar) \
                    and not event.child().accessibleName():
                event.child().setAccessibleName(tr("Panels"))
            return False
        # On the plan Tab walks the booths; Ctrl+Tab / Ctrl+Shift+Tab leave it (as F6 does).
        if obj is self.win.view and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            back = event.key() == Qt.Key.Key_Backtab \
                or bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.cycle(-1 if back else 1)
            return True
        if obj is self.win.view and event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self.win.view.viewport().update()         # its focus frame
        if obj is self.win.view and event.type() == QEvent.Type.FocusIn:
            i = self.win.view.focus_booth
            if i is not None:
                QTimer.singleShot(0, lambda: self.announce_booth(i))
        return False

    # ---------------------------------------------------------- the selection
    def _after_search_enter(self) -> None:
        """Search + Enter chose a hit: the focus goes where S stars it (the plan on the
        booth selected; the details when it has no booth on the plan)."""
        w = self.win
        state = w.selection.state
        if state.reason != Reason.SEARCH or not state.kind:
            return
        by_code = w.scene.data.by_code
        ids = [by_code[c] for c in state.booths if c in by_code]
        if ids:
            w.view.set_focus_booth(ids[0], reveal=False)
            w.view.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.enter(self.pane("Details"))

    def clear_highlight(self) -> None:
        """Esc: the topic's or search's light goes (a search's text with it)."""
        w = self.win
        if w.selection.lit.kind == "search" and w.search.box.text():
            w.search.box.clear()
            w.search.run_search()
        else:
            w.selection.clear_highlight(Reason.KEYBOARD)

    def plan_route(self) -> None:
        self.go("My plan")
        self.win.plan.plan_best_route()

    def _export(self, fmt: str) -> None:
        self.go("My plan")
        self.win.plan.export_dialog(fmt)

    # --------------------------------------------------------------- speaking
    def booth_speech(self, i: int) -> str:
        """What a screen reader says of booth ``i``: exhibitor, code, zone, level, marks."""
        fs = self.win.scene
        text = fs.booth_tooltip(i).replace("\n", ", ")
        marks = []
        if i in fs.data.starred:
            marks.append(tr("starred"))
        if i in getattr(fs.data, "visited", ()):
            marks.append(tr("visited"))
        if i in self.win.note_ids:
            marks.append(tr("has a note"))
        if i in fs.data.selected:
            marks.append(tr("selected"))
        return ", ".join([text] + marks)

    def announce_booth(self, i: int) -> None:
        view = self.win.view
        text = self.booth_speech(i)
        view.setAccessibleDescription(text)
        # setAccessibleName sends the name-changed event itself; the focus event makes
        # a screen reader read the new name now.
        view.setAccessibleName(tr("Floor plan") + ": " + text)
        QAccessible.updateAccessibility(QAccessibleEvent(view, QAccessible.Event.NameChanged))
        if view.hasFocus():
            QAccessible.updateAccessibility(QAccessibleEvent(view, QAccessible.Event.Focus))
        self.spoken = text


def name_tab_bars(win: QMainWindow) -> None:
    """The tab bars of docks tabbed together (made by Qt as docks move) get a name."""
    for bar in win.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if not bar.accessibleName():
            bar.setAccessibleName(tr("Panels"))


def name_controls(root: QWidget) -> None:
    """Accessible names for the controls that show no text of their own (symbols, combo
    boxes, line edits without a label): a screen reader says the name."""
    w = root
    for widget, name in ((w.search.zone, tr("Zone filter")),
                         (w.search.results, tr("Search results")),
                         (w.detail.tabs, tr("Details")),
                         (w.detail.notes, tr("Your note")),
                         (w.detail.info, tr("Exhibitor")),
                         (w.detail.products, tr("Products")),
                         (w.detail.policy, tr("Policy context")),
                         (w.plan.start_box, tr("Where the walk starts")),
                         (w.plan.up, tr("Visit earlier")),
                         (w.plan.down, tr("Visit later")),
                         (w.plan.export, tr("Export"))):
        if not widget.accessibleName():
            widget.setAccessibleName(name)
    name_tab_bars(root)
    for widget in root.findChildren(QWidget):
        if widget.accessibleName():
            continue
        if isinstance(widget, QAbstractButton) and isinstance(widget.parentWidget(), QLineEdit) \
                and not widget.text():
            widget.setAccessibleName(tr("Clear the text"))   # a line edit's clear button
            continue
        if isinstance(widget, (QComboBox, QLineEdit)):
            hint = _plain_tip(widget.toolTip()) or (
                widget.placeholderText() if isinstance(widget, QLineEdit) else "")
            if hint:
                widget.setAccessibleName(hint.split("(")[0].strip())
        elif isinstance(widget, QAbstractButton) and widget.toolTip() and \
                not any(ch.isalnum() for ch in widget.text()):
            widget.setAccessibleName(_plain_tip(widget.toolTip()))


def _plain_tip(tip: str) -> str:
    """A tooltip's words (tooltips of data are escaped rich text)."""
    if not tip or "<" not in tip:
        return tip or ""
    from PySide6.QtGui import QTextDocumentFragment
    return QTextDocumentFragment.fromHtml(tip).toPlainText().strip()
