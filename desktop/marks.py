"""The window's side of the plan's marks: visited stops, the highlight chip, the route
fitted into view, and the route and highlight kept from one start to the next.

- Plan ▸ Visited (V) marks the selection as a stop done (stored in the user file,
  ``UserData.set_visited``); the plan draws a ticked circle on its booths.
- While a topic, an event or a search lights booths, a chip above the plan says what is
  lit and how many booths ("ALD: 3 booths lit"); its ✕ (or Esc) clears it.
- *Plan route* fits the view to the route.
- On closing, the window keeps whether the route was shown, where it starts, and what
  was lit; the next start shows them again (unless that start is not restoring).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMainWindow, QToolButton

from db.errors import DataError

from .i18n import tr
from .richtext import TITLE, plain
from .selection import Highlight, Reason
from .settings import LAST_HIGHLIGHT, LAST_ROUTE


class HighlightChip(QFrame):
    """"<what>: n booths lit  ✕" above the plan while something is lit."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("highlightChip")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 2, 4, 2)
        lay.setSpacing(6)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)    # a search's text is data
        self.clear = QToolButton()
        self.clear.setText("✕ " + tr("Clear"))
        self.clear.setAccessibleName(tr("Clear highlight"))
        self.clear.setToolTip(tr("Clear highlight (Esc)"))
        self.clear.setAutoRaise(True)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.clear)
        self.hide()

    def show_lit(self, lit: Highlight) -> None:
        if lit.booths is None:
            self.hide()
            return
        n = len(lit.booths)
        if lit.kind == "search":
            what = tr("Search “{q}”").format(q=plain(lit.ref, TITLE))
        elif lit.target is not None:
            what = plain(lit.target.record.get("title", lit.ref), TITLE)
        else:
            what = plain(lit.ref, TITLE)
        self.label.setText(tr("{what}: %n booth(s) lit", n=n).format(what=what))
        self.label.setAccessibleName(self.label.text())
        self.show()


class PlanMarks(QObject):
    def __init__(self, win: QMainWindow):
        super().__init__(win)
        self.win = win
        self.chip = HighlightChip()
        centre = win.centralWidget().layout()
        centre.insertWidget(centre.indexOf(win.view), self.chip)
        self.chip.clear.clicked.connect(lambda: win.keys.clear_highlight())
        win.selection.highlighted.connect(self.chip.show_lit)
        win.plan.routePlanned.connect(self.fit_route)
        win.plan.exported.connect(lambda path: win.statusBar().showMessage(
            tr("Saved: {path}").format(path=path), 15000))
        self.refresh_visited()

    # --------------------------------------------------------------- visited
    def refresh_visited(self) -> None:
        w = self.win
        d = w.scene.data
        ids = set()
        try:
            done = w.user.visited(w.expo_slug)
        except DataError:
            done = []
        for kind, ref in done:
            if kind == "exhibitor":
                ids.update(d.by_exhibitor.get(ref, []))
            elif kind == "booth" and ref in d.by_code:
                ids.add(d.by_code[ref])
        w.scene.set_visited(ids)

    def toggle_visited(self) -> None:
        """Plan ▸ Visited (V): the selection is a stop done (or no longer)."""
        w = self.win
        if w.selection.current is None:
            return
        try:
            on = w.user.toggle_visited(w.expo_slug, *w.selection.current)
        except DataError as exc:
            w.statusBar().showMessage(str(exc), 15000)
            return
        self.refresh_visited()
        w.statusBar().showMessage(tr("Marked as visited.") if on
                                  else tr("No longer marked as visited."), 5000)

    # ----------------------------------------------------------------- route
    def route_rect(self) -> QRectF:
        """The route's extent on the level shown (with its stops)."""
        item = self.win.route_item
        rect = QRectF()
        path = item._paths.get(self.win.scene.level)
        if path is not None:
            rect = path.boundingRect()
        for p, _label in item.stop_points(self.win.scene.level):
            rect = rect.united(QRectF(p.x() - 1, p.y() - 1, 2, 2))
        return rect

    def fit_route(self, _route=None) -> None:
        """Plan route: the whole walk in view, with a margin for its markers."""
        view = self.win.view
        rect = self.route_rect()
        if rect.isNull() or rect.isEmpty():
            return
        view.fitInView(rect.adjusted(-6, -6, 6, 6), Qt.AspectRatioMode.KeepAspectRatio)
        if view.scale_factor() > 20.0:       # a short walk: not closer than 20 px/m
            view.zoom_by(20.0 / view.scale_factor())
            view.centerOn(rect.center())
        view._fitted = False
        view.viewChanged.emit()

    # ------------------------------------------------------ kept across starts
    def save(self, settings) -> None:
        w = self.win
        plan = w.plan
        settings.setValue(LAST_ROUTE, "|".join(
            [w.expo_slug, "1" if plan.show_route.isChecked() else "0", plan.start]))
        lit = w.selection.lit
        if lit.booths is not None and lit.kind in ("topic", "event", "search") and lit.ref:
            settings.setValue(LAST_HIGHLIGHT, "|".join([w.expo_slug, lit.kind, lit.ref]))
        else:
            settings.remove(LAST_HIGHLIGHT)

    def restore(self, settings) -> None:
        w = self.win
        route = settings.value(LAST_ROUTE)
        if isinstance(route, str) and route.count("|") >= 2:
            slug, shown, start = route.split("|", 2)
            if slug == w.expo_slug:
                w.plan.set_start(start)
                if shown == "1" and not w.plan.show_route.isChecked():
                    w.plan.show_route.setChecked(True)
        lit = settings.value(LAST_HIGHLIGHT)
        if isinstance(lit, str) and lit.count("|") >= 2:
            slug, kind, ref = lit.split("|", 2)
            if slug != w.expo_slug:
                return
            if kind == "search":
                w.search.box.setText(ref)
                w.search.run_search()
            elif kind in ("topic", "event"):
                w.selection.highlight(kind, ref, reason=Reason.RESTORE)
