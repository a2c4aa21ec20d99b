"""The main window: floor plan in the centre, search and directory left, details right.

Selection is one shared state (``desktop.selection.Selection``, ``self.selection``):
whatever picks an exhibitor, booth or product (a click on the plan, a list row, a search
hit, ``--select``, a stop of My plan) or lights a topic sets it in one call, and the plan,
the directory, the details, the products view, My plan and the Policy view follow it.
The window composes the panels; it writes into none of them.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QIcon, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QHBoxLayout, QLabel, QMainWindow, QMenu,
                               QMessageBox, QSizePolicy, QToolButton, QVBoxLayout, QWidget)

from db.errors import DataError
from db.expo import Expo
from db.userdata import UserData

from .floorplan.follow import PlanFollower
from .floorplan.route import NoteMarksItem, RouteItem, render_floor
from . import geometry
from .flowlayout import FlowLayout
from .floorplan.scene import FloorScene, _mix
from .floorplan.view import FloorView
from .i18n import place_name, tr
from .jobs import Jobs
from .logs import dialogs_allowed
from .planimport import (attach_placing, layout_badge, layout_text, plan_import_action,
                         underlay_action)
from .richtext import TITLE, button_text, date_text, plain, tooltip, warn
from .selection import Highlight, Reason, Selected, Selection
from .settings import LANGUAGE, LAST_SELECTION, WINDOW_STATE
from .startphases import mark
from .panels.detail import DetailPanel
from .panels.plan import PlanPanel
from .panels.policy import PolicyPanel, SourcesPanel
from .panels.search import SearchPanel

log = logging.getLogger("wesemibay")


def swatch(color: QColor, size: int = 12) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(color)
    p.setPen(color.darker(150))
    p.drawRoundedRect(0.5, 0.5, size - 1, size - 1, 2, 2)
    p.end()
    return QIcon(pm)


class Legend(QWidget):
    """Zone colours; each entry toggles its zone's booths on the plan (a filter).

    Up to ``INLINE`` zones stand in a row of buttons; more (a trade fair has dozens) go
    into a "Zones" menu of checkable entries with their colours, so names stay readable.
    ``buttons`` maps zone slug to its checkable button or action either way.
    """
    hiddenChanged = Signal(set)
    INLINE = 6

    def __init__(self, zones: list[dict], parent=None):
        super().__init__(parent)
        lay = FlowLayout(self, spacing=2)
        lay.setContentsMargins(6, 2, 6, 2)
        small = self.font()
        small.setPointSizeF(max(7.5, small.pointSizeF() * 0.9))
        self.setFont(small)
        self.buttons: dict[str, QToolButton | QAction] = {}
        if len(zones) <= self.INLINE:
            lay.addWidget(QLabel(tr("Zones:")))
            for z in zones:
                b = QToolButton()
                b.setText(button_text(place_name(z)))
                b.setIcon(swatch(QColor(z["color"])))
                b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
                b.setCheckable(True)
                b.setChecked(True)
                b.setAutoRaise(True)
                b.setToolTip(tr("Show or hide this zone's booths"))
                b.toggled.connect(self._changed)
                b.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
                lay.addWidget(b)
                self.buttons[z["slug"]] = b
        else:
            self.menu_button = QToolButton()
            self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            self.menu_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            menu = QMenu(self.menu_button)
            a_all = menu.addAction(tr("Show all zones"))
            a_all.triggered.connect(lambda: self._set_all(True))
            a_none = menu.addAction(tr("Hide all zones"))
            a_none.triggered.connect(lambda: self._set_all(False))
            menu.addSeparator()
            for z in zones:
                a = menu.addAction(swatch(QColor(z["color"])), button_text(place_name(z)))
                a.setCheckable(True)
                a.setChecked(True)
                a.toggled.connect(self._changed)
                self.buttons[z["slug"]] = a
            self.menu_button.setMenu(menu)
            lay.addWidget(self.menu_button)
            # The first zones' colours at a glance, each with its name (shortened; the
            # whole name in its tooltip): a legend never becomes unlabelled squares.
            for z in zones[:24]:
                entry = QLabel()
                entry.setTextFormat(Qt.TextFormat.PlainText)
                entry.setText(plain(place_name(z), 18))
                entry.setToolTip(tooltip(place_name(z)))
                entry.setAccessibleName(plain(place_name(z)))
                entry.setObjectName("legendEntry")
                icon = QLabel()
                icon.setPixmap(swatch(QColor(z["color"]), 10).pixmap(10, 10))
                box = QWidget()
                bl = QHBoxLayout(box)
                bl.setContentsMargins(4, 0, 4, 0)
                bl.setSpacing(3)
                bl.addWidget(icon)
                bl.addWidget(entry)
                lay.addWidget(box)
            self._update_menu_title()
        pale = QLabel(tr("not named in sources"))
        pale.setToolTip(tr("Booths whose exhibitor no source names are drawn pale, "
                           "never as invented companies."))
        pale_box = QWidget()
        pl = QHBoxLayout(pale_box)
        pl.setContentsMargins(10, 0, 0, 0)
        pl.setSpacing(3)
        icon = QLabel()
        from . import theme    # pale in the light theme, dark in the dark one, as on the plan
        theme.follow(icon, lambda c: icon.setPixmap(
            swatch(_mix(QColor("#888888"), c.neutral, 0.72)).pixmap(12, 12)))
        pl.addWidget(icon)
        pl.addWidget(pale)
        lay.addWidget(pale_box)

    def _set_all(self, on: bool) -> None:
        for b in self.buttons.values():
            b.blockSignals(True)
            b.setChecked(on)
            b.blockSignals(False)
        self._changed()

    def _update_menu_title(self) -> None:
        if hasattr(self, "menu_button"):
            shown = sum(1 for b in self.buttons.values() if b.isChecked())
            self.menu_button.setText(tr("Zones: {shown} of {n} shown").format(
                shown=shown, n=len(self.buttons)))

    def _changed(self) -> None:
        self._update_menu_title()
        self.hiddenChanged.emit({s for s, b in self.buttons.items() if not b.isChecked()})


class MainWindow(QMainWindow):
    """One expo's window. It opens no other window: File ▸ Open (and an import into a new
    file) emits ``openRequested`` for its ``desktop.session.Session``, which owns it; when
    it closes it stops its threads (``shutdown``) and emits ``closed``."""
    openRequested = Signal(str)            # the path of an expo file to show instead
    closed = Signal()                      # the window closed (its threads have stopped)

    def __init__(self, expo: Expo, user: UserData, settings: QSettings | None = None):
        super().__init__()
        self.expo = expo
        self.user = user
        self.settings = settings
        # Background work (search, thumbnails, pictures, queries, imports): one runner,
        # stopped with the window.
        self.jobs = Jobs(expo.path, name="window-jobs", parent=self)
        self._shut_down = False
        self.meta = expo.meta()
        self.expo_slug = self.meta.get("slug") or expo.path.stem
        self.unsaved_box: QMessageBox | None = None   # the close-time question, while open
        self.note_ids: set[int] = set()                # booths with a note (on the plan)
        self.setWindowTitle(f"{plain(self.meta.get('name') or expo.path.stem, TITLE)}"
                            " — WeSemiBay Explorer")
        geometry.place(self, None)          # fits the screen; the saved one comes at the end

        badge = [b for b in [layout_badge(expo)] if b]      # where the layout came from
        if self.meta.get("synthetic"):
            badge.append(tr("Synthetic data"))
        # The booths, from their packed copy in the data folder when the file is unchanged.
        self.scene = FloorScene(expo, self, cache_dir=user.path.parent)
        self.view = FloorView(self.scene, " · ".join(badge))
        mark("plan_data")
        self.selection = Selection(expo, self.scene.data, self)
        # The window first (it opens the dock a change is shown in), then the plan (which
        # flies to what is selected in the room left to it), then the panels.
        self.selection.changed.connect(self._on_selected)
        self.selection.highlighted.connect(self._on_highlighted)
        self.plan_follower = PlanFollower(self.scene, self.view, self.selection, self)
        self.legend = Legend(expo.zones())
        self.legend.hiddenChanged.connect(self.scene.set_hidden_zones)
        # The legend wraps onto a second row in a narrow window rather than widen it.
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.legend.setSizePolicy(policy)
        centre = QWidget()
        cl = QVBoxLayout(centre)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(self.legend)
        cl.addWidget(self.view, 1)
        self.setCentralWidget(centre)
        from .integrity_view import IntegrityWatch    # quick_check after the window shows
        self.integrity = IntegrityWatch(self, expo.path, user.path.parent)
        cl.insertWidget(0, self.integrity.banner)

        self.search = SearchPanel(expo, self.selection, jobs=self.jobs)
        mark("directory_model")
        left = QDockWidget(tr("Search and exhibitors"), self)
        left.setObjectName("searchDock")
        left.setWidget(self.search)
        left.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, left)
        self.detail = DetailPanel(expo, user, self.selection)
        right = QDockWidget(tr("Details"), self)
        right.setObjectName("detailDock")
        right.setWidget(self.detail)
        right.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, right)

        # Policy view and sources: bottom docks, tabbed, hidden until asked for.
        self.policy = PolicyPanel(expo, self.selection)
        self.policy_dock = QDockWidget(tr("Policy timeline"), self)
        self.policy_dock.setObjectName("policyDock")
        self.policy_dock.setWidget(self.policy)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.policy_dock)
        self.sources = SourcesPanel(expo)
        self.sources_dock = QDockWidget(tr("Sources"), self)
        self.sources_dock.setObjectName("sourcesDock")
        self.sources_dock.setWidget(self.sources)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.sources_dock)
        self.tabifyDockWidget(self.policy_dock, self.sources_dock)
        self.policy_dock.hide()
        self.sources_dock.hide()

        # My plan: tabbed with the details; the route and note marks drawn on the floor plan.
        self.route_item = RouteItem()
        self.scene.addItem(self.route_item)
        self.note_marks = NoteMarksItem(self.scene.sceneRect())
        self.scene.addItem(self.note_marks)
        self.plan = PlanPanel(expo, user, self.selection,
                              render_floor=lambda w: render_floor(self.scene, w))
        self.plan_dock = QDockWidget(tr("My plan"), self)
        self.plan_dock.setObjectName("planDock")
        self.plan_dock.setWidget(self.plan)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.plan_dock)
        self.tabifyDockWidget(right, self.plan_dock)
        right.raise_()
        self.plan.routeChanged.connect(self.route_item.set_route)
        for item in (self.route_item, self.note_marks):
            item.set_level(self.scene.level)
            self.scene.levelChanged.connect(item.set_level)
        self.plan.favouritesChanged.connect(self._on_plan_changed)
        self.detail.noteSaved.connect(lambda *_: self._refresh_notes())
        self.detail.favouriteToggled.connect(lambda *_: self._refresh_stars())

        self._add_catalogue()
        geometry.arrange_docks(self, left, right,
                               [self.policy_dock, self.sources_dock, self.products_dock])
        attach_placing(self)            # the tray's "Draw on the floor plan"
        from .screening_view import ScreeningController   # the screening list (issue 13)
        self.screening = ScreeningController(self)
        self._build_actions()
        self._refresh_stars()
        status = [plain(self.meta.get("name"), TITLE)]     # data: plain, short, no overrides
        if self.meta.get("venue"):
            status.append(plain(self.meta["venue"], TITLE))
        if self.meta.get("start_date"):
            status.append(tr("opened {date}").format(date=date_text(
                self.meta["start_date"], (self.meta.get("extra") or {}).get("start_date_precision"))))
        status.append(tr("%Ln booth(s)", n=len(self.scene.data.codes)))
        status.append(layout_text(expo, schematic=False))  # "" unless it came from a plan
        self.statusBar().showMessage("  ·  ".join(s for s in status if s))
        if settings is not None:
            geometry.place(self, settings)      # this screen's saved geometry, if it fits
            geometry.restore_state(self, settings)

    # -------------------------------------------------------------- actions
    def _build_actions(self) -> None:
        m_file = self.menuBar().addMenu(tr("&File"))
        a_open = QAction(tr("&Open expo file…"), self)
        a_open.setShortcut(QKeySequence.StandardKey.Open)
        a_open.triggered.connect(self._open_dialog)
        m_file.addAction(a_open)
        self.a_import = QAction(tr("&Import exhibitors and catalogues…"), self)
        self.a_import.setShortcut(QKeySequence("Ctrl+I"))
        self.a_import.triggered.connect(lambda: self.import_dialog())
        m_file.addAction(self.a_import)
        m_file.addAction(plan_import_action(self))      # File ▸ Import floor plan…
        m_file.addAction(self.screening.load_action)
        m_file.addAction(self.integrity.action)
        m_file.addSeparator()
        a_quit = QAction(tr("&Quit"), self)
        a_quit.setShortcut(QKeySequence.StandardKey.Quit)
        a_quit.triggered.connect(self.close)
        m_file.addAction(a_quit)

        m_view = self.menuBar().addMenu(tr("&View"))
        for text, keys, slot in (
                (tr("Zoom &in"), QKeySequence.StandardKey.ZoomIn, lambda: self.view.zoom_by(1.25)),
                (tr("Zoom &out"), QKeySequence.StandardKey.ZoomOut, lambda: self.view.zoom_by(0.8)),
                (tr("&Fit floor plan"), QKeySequence("Ctrl+0"), self.view.fit_all)):
            a = QAction(text, self)
            a.setShortcut(keys)
            a.triggered.connect(slot)
            m_view.addAction(a)
        self.a_minimap = QAction(tr("&Minimap"), self)
        self.a_minimap.setCheckable(True)
        self.a_minimap.setChecked(True)
        self.a_minimap.setShortcut(QKeySequence("Ctrl+M"))
        self.a_minimap.setToolTip(tr("Shown while part of the floor is out of view"))
        geometry.follow_minimap(self.view, self.a_minimap)
        m_view.addAction(self.a_minimap)
        self.a_underlay = underlay_action(self)         # View ▸ Plan underlay
        m_view.addAction(self.a_underlay)
        m_view.addAction(self.screening.marks_action)

        m_view.addSeparator()
        a_policy = self.policy_dock.toggleViewAction()
        a_policy.setText(tr("&Policy timeline"))
        m_view.addAction(a_policy)
        a_sources = self.sources_dock.toggleViewAction()
        a_sources.setText(tr("S&ources"))
        m_view.addAction(a_sources)
        a_plan = self.plan_dock.toggleViewAction()
        a_plan.setText(tr("&My plan"))
        m_view.addAction(a_plan)
        a_products = self.products_dock.toggleViewAction()
        a_products.setText(tr("&Products"))
        m_view.addAction(a_products)
        if self.unplaced_dock is not None:
            a_unplaced = self.unplaced_dock.toggleViewAction()
            a_unplaced.setText(tr("&Unplaced booths"))
            m_view.addAction(a_unplaced)
        m_view.addSeparator()
        m_lang = m_view.addMenu(tr("&Language"))
        current = self.settings.value(LANGUAGE, "en") if self.settings is not None else "en"
        langs = QActionGroup(self)
        langs.setExclusive(True)
        for code, name in (("en", "English"), ("de", "Deutsch"), ("zh", "中文")):
            a = QAction(name, self)
            a.setCheckable(True)
            langs.addAction(a)
            a.setChecked(code == current)
            a.triggered.connect(lambda _=False, c=code: self.set_language(c))
            m_lang.addAction(a)
        # View ▸ Theme: system, light, dark (applied at once, remembered).
        from . import theme
        self.theme_actions = theme.fill_menu(m_view.addMenu(tr("&Theme")), self.settings)
        m_view.addSeparator()

        a_find = QAction(tr("&Search"), self)
        a_find.setShortcut(QKeySequence("Ctrl+K"))
        a_find.triggered.connect(self.focus_search)
        self.addAction(a_find)
        m_view.addAction(a_find)
        from .help import fill_help_menu   # Welcome, Keyboard shortcuts, About
        fill_help_menu(self, self.menuBar().addMenu(tr("&Help")))
        # Keyboard: panes (F6), Go and Plan menus, Esc, spoken names (desktop/keyboard.py);
        # the plan's marks, the highlight chip, route and highlight kept (desktop/marks.py).
        from .keyboard import KeyboardNav
        from .marks import PlanMarks
        self.marks = PlanMarks(self)
        self.keys = KeyboardNav(self)

    def focus_search(self) -> None:
        self.search.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.box.selectAll()

    def _open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open expo file"), "",
                                              tr("Expo files (*.sqlite *.db);;All files (*)"))
        if path:
            self.open_requested(path)

    def open_requested(self, path: str) -> None:
        """Ask for the expo file at ``path`` in place of this one (the session opens it,
        or says in one line over this window why it cannot)."""
        self.openRequested.emit(str(path))

    # ------------------------------------------------------------- selection
    def _on_selected(self, state: Selected) -> None:
        """A product picked from a link opens the Products view on it."""
        if state.product and state.reason == Reason.DETAIL:
            self.products_dock.show()
            self.products_dock.raise_()

    def _on_highlighted(self, lit: Highlight) -> None:
        """A topic or event lit: the Policy view shows it, the status bar counts its booths."""
        if lit.target is None:
            return
        if not self.policy_dock.isVisible():
            self.policy_dock.show()
            self.resizeDocks([self.policy_dock], [geometry.bottom_height(self.height())],
                             Qt.Orientation.Vertical)
        self.policy_dock.raise_()
        self.statusBar().showMessage(
            tr("{title}: %Ln booth(s) linked", n=len(lit.booths)).format(
                title=plain(lit.target.record.get("title", lit.ref), TITLE)))

    def restore_selection(self) -> None:
        """Select what was selected when this expo was last closed."""
        if self.settings is None:
            return
        saved = self.settings.value(LAST_SELECTION)
        if isinstance(saved, str) and saved.count("|") == 2:
            slug, kind, ref = saved.split("|")
            if slug == self.expo_slug:
                self.selection.select(kind, ref, reason=Reason.RESTORE)
        self.marks.restore(self.settings)   # the route shown and what was lit

    def set_language(self, lang: str) -> None:
        if self.settings is not None:
            self.settings.setValue(LANGUAGE, lang)
            self.settings.sync()
        QMessageBox.information(self, tr("Language"), tr(
            "The language changes the next time WeSemiBay Explorer starts."))

    def select_text(self, text: str) -> bool:
        """``--select``: an exhibitor slug or booth code (or an exact name)."""
        return self.selection.select_text(text, reason=Reason.COMMAND)

    def open_policy(self, kind: str, ref: str) -> bool:
        """Show the Policy view on a topic or event (its booths light up on the plan)."""
        return self.selection.highlight(kind, ref, reason=Reason.COMMAND)

    def show_product(self, slug: str) -> bool:
        """Open the Products view on one product (picture, specs, sources)."""
        return self.selection.select("product", slug, reason=Reason.DETAIL)

    # ------------------------------------------------------------- favourites
    def toggle_visited(self) -> None:
        self.marks.toggle_visited()

    def toggle_star(self) -> None:
        if self.selection.current is None:
            return
        try:
            self.user.toggle_favourite(self.expo_slug, *self.selection.current)
        except DataError as exc:
            self.detail.star_failed(not self.detail.star.isChecked(), exc)
            self.statusBar().showMessage(str(exc), 15000)
            return
        self.detail.clear_write_status()
        self.detail.refresh_star()
        self._refresh_stars()

    def _refresh_stars(self) -> None:
        if self._shut_down:              # a note saved as the window closes: nothing to show
            return
        d = self.scene.data
        ids = set()
        for kind, ref in self.user.favourites(self.expo_slug):
            if kind == "exhibitor":
                ids.update(d.by_exhibitor.get(ref, []))
            elif kind == "booth" and ref in d.by_code:
                ids.add(d.by_code[ref])
        self.scene.set_starred(ids)
        if hasattr(self, "plan"):
            self.plan.refresh()
            self._refresh_notes(plan=False)

    def _on_plan_changed(self) -> None:
        """Stars or order changed in My plan: the plan and details follow."""
        self.detail.refresh_star()
        d = self.scene.data
        ids = set()
        for kind, ref in self.user.favourites(self.expo_slug):
            ids.update(d.by_exhibitor.get(ref, []) if kind == "exhibitor"
                       else [d.by_code[ref]] if ref in d.by_code else [])
        self.scene.set_starred(ids)

    def _refresh_notes(self, plan: bool = True) -> None:
        """Mark booths with notes on the plan (and show the notes in My plan)."""
        if self._shut_down:
            return
        d = self.scene.data
        ids = set()
        for n in self.user.notes(self.expo_slug):
            if n["kind"] == "exhibitor":
                ids.update(d.by_exhibitor.get(n["ref"], []))
            elif n["kind"] == "booth" and n["ref"] in d.by_code:
                ids.add(d.by_code[n["ref"]])
        ids = sorted(ids)
        self.note_ids = set(ids)
        self.note_marks.set_rects([d.rects[i] for i in ids],
                                  [self.scene.booth_level[i] for i in ids])
        if plan:
            self.plan.refresh()

    # ------------------------------------------------------------------ close
    # ------------------------------------------------------- catalogue, import
    def _add_catalogue(self) -> None:
        """Products across the expo (with pictures), the unplaced-booth tray, thumbnails."""
        import os

        from .panels.products import ProductsPanel, UnplacedTray
        from .workers import ThumbnailLoader
        self.thumbs = ThumbnailLoader(self.expo.path, writable=os.access(self.expo.path, os.W_OK),
                                      parent=self, jobs=self.jobs)
        self.detail.set_thumbnails(self.thumbs)
        self.products = ProductsPanel(self.expo, self.selection, self.thumbs, jobs=self.jobs)
        self.products_dock = QDockWidget(tr("Products"), self)
        self.products_dock.setObjectName("productsDock")
        self.products_dock.setWidget(self.products)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.products_dock)
        self.products_dock.hide()
        self.unplaced_dock = None
        tray = UnplacedTray(self.expo, self.selection)
        if tray.codes:
            self.unplaced = tray
            self.unplaced_dock = QDockWidget(
                tr("Unplaced booths ({n})").format(n=len(tray.codes)), self)
            self.unplaced_dock.setObjectName("unplacedDock")
            self.unplaced_dock.setWidget(tray)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.unplaced_dock)

    def import_dialog(self, files=None, target=None):
        """File > Import…: into this expo, or into a new file when this one is built in."""
        from .panels.import_dialog import ImportDialog
        base = None
        if target is None:
            chosen = self.import_target(tr("Import"), tr(
                "The built-in expo is not changed by imports. Choose a new expo file: it "
                "will hold the built-in expo plus what you import."))
            if chosen is None:
                return None
            target, base = chosen
        dlg = ImportDialog(target, base=base, parent=self, commit=self._commit_import,
                           jobs=self.jobs, data_dir=self.user.path.parent)
        if files:
            dlg.add_files(files)
        dlg.imported.connect(lambda _report: setattr(self, "_imported_into", str(target)))
        dlg.finished.connect(lambda _code: self._after_import())
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.show()
        self.import_dlg = dlg
        return dlg

    def import_target(self, title: str, why: str):
        """Where an import writes: (this expo's file, None), or, when this is the built-in
        (or a read-only) expo, (a new file the user chooses, this file as its base); None
        when the user backs out."""
        path = Path(self.expo.path)
        if not (path.name.startswith("builtin-") or not os.access(path, os.W_OK)):
            return path, None
        QMessageBox.information(self, title, why)
        out, _ = QFileDialog.getSaveFileName(
            self, tr("New expo file"), str(Path.home() / "my-expo.sqlite"),
            tr("Expo files (*.sqlite)"))
        return (Path(out), path) if out else None

    def _commit_import(self, prepared):
        try:
            return prepared.commit()
        except PermissionError:    # Windows: a file in use cannot be replaced
            self.jobs.release_readers()
            self.expo.close()
            return prepared.commit()

    def _after_import(self) -> None:
        target = getattr(self, "_imported_into", None)
        if not target:
            return
        self._imported_into = None
        self.open_requested(target)

    def closeEvent(self, event) -> None:
        if not self.detail.flush_notes() and not self._settle_unsaved():
            event.ignore()
            return
        self.detail.stop_retrying()
        self.integrity.stop()
        if self.settings is not None:
            geometry.remember(self, self.settings)     # per screen
            self.settings.setValue(WINDOW_STATE, self.saveState())
            if self.selection.current:
                kind, ref = self.selection.current
                self.settings.setValue(LAST_SELECTION, f"{self.expo_slug}|{kind}|{ref}")
            else:
                self.settings.remove(LAST_SELECTION)
            self.marks.save(self.settings)
            self.settings.sync()
        super().closeEvent(event)
        self.shutdown()
        self.closed.emit()

    def shutdown(self) -> None:
        """Stop and join the window's threads: its background jobs (their readers closed)
        and the floor plan's tile thread. The expo file stays open for its owner (the
        session closes it). Safe to call more than once."""
        if self._shut_down:
            return
        self._shut_down = True
        self.detail.stop_retrying()
        self.jobs.shutdown()
        self.scene.close()

    def _settle_unsaved(self) -> bool:
        """Closing with notes the user file did not take: never drop them unsaid.

        Asks (keep the window open and retry, save them to a file the user picks, or
        close and have them written to a dated text file); without dialogs they are
        written to that file and stderr says where. True: the window may close.
        """
        outbox = self.detail.outbox
        if not dialogs_allowed():
            line = tr("Notes that could not be saved in the user file ({reason}): {n}.").format(
                reason=outbox.error(), n=len(outbox))
            try:
                line += " " + tr("They were written to {path}").format(path=outbox.rescue())
                outbox.clear()
            except DataError as exc:
                line += " " + tr("They could not be written elsewhere either: {reason}").format(
                    reason=str(exc))
            log.warning("%s", line)
            print(f"wesemibay: {line}", file=sys.stderr)
            return True
        while len(outbox):
            box = QMessageBox(QMessageBox.Icon.Warning, tr("Notes not saved"),
                              tr("Notes that could not be saved in your user file: {n}. "
                                 "Reason: {reason}").format(n=len(outbox), reason=outbox.error()),
                              parent=self)
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setInformativeText(tr(
                "Your text is still in this window. Keep the window open and saving is retried; "
                "save the notes to a file you choose; or close, and they are written to a dated "
                "text file (you are told where)."))
            keep = box.addButton(tr("Keep the window open"), QMessageBox.ButtonRole.RejectRole)
            pick = box.addButton(tr("Save to a file…"), QMessageBox.ButtonRole.ActionRole)
            close = box.addButton(tr("Close"), QMessageBox.ButtonRole.AcceptRole)
            box.setDefaultButton(keep)
            box.setEscapeButton(keep)
            self.unsaved_box = box          # tests answer it
            box.exec()
            clicked = box.clickedButton()
            self.unsaved_box = None
            self.detail.retry_unsaved()
            if not len(outbox) or clicked is keep:
                return not len(outbox)
            if clicked is pick:
                path, _ = QFileDialog.getSaveFileName(
                    self, tr("Save the unsaved notes"), str(Path.home() / "unsaved-notes.txt"),
                    tr("Text files (*.txt)"))
                if not path:
                    continue
                try:
                    outbox.write_to(path)
                except DataError as exc:
                    QMessageBox.warning(self, tr("Notes not saved"), str(exc))
                    continue
            else:
                try:
                    path = outbox.rescue()
                except DataError as exc:
                    answer = QMessageBox.critical(
                        self, tr("Notes not saved"),
                        tr("The notes could not be written anywhere: {reason}. Close anyway and "
                           "lose them?").format(reason=str(exc)),
                        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                        QMessageBox.StandardButton.No)
                    if answer == QMessageBox.StandardButton.Yes:
                        return True
                    continue
                QMessageBox.information(self, tr("Notes written to a file"), tr(
                    "The notes that could not be saved were written to {path}").format(path=path))
            log.warning("unsaved notes written to %s", path)
            outbox.clear()
        return True

    def sizeHint(self) -> QSize:
        screen = geometry.screen_of(self)
        return geometry.initial_size(screen.availableGeometry()) if screen is not None \
            else geometry.PREFERRED
