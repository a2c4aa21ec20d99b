"""The *My plan* dock: starred stops in visiting order, the route, exports and printing.

The list is the visiting order: drag a stop or use the arrow buttons and the
route follows at once; *Best order* lets ``db.routing`` choose the order. The
route is drawn on the floor plan by the main window (``routeChanged``). Stops
whose exhibitor or booth is not in this expo file are listed apart, as kept.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSize, QSizeF, Qt, QUrl, Signal
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QHBoxLayout,
                               QLabel, QListWidget, QListWidgetItem, QMenu,
                               QPushButton, QToolButton, QVBoxLayout, QWidget)

from db.content import booth_layout
from db.errors import DataError
from db.expo import Expo
from db.plan_export import (Plan, attach_route, collect_plan, route_stops, write_csv,
                            write_markdown)
from db.routing import ENTRANCE, WALK_SPEED_M_S, RouteGraph, graph_for, plan_route
from db.userdata import UserData

from .. import theme
from ..i18n import count, number, place_name, tr
from ..richtext import TITLE, booth_text, data_combo, esc, esc_text, plain, tooltip, warn
from ..screening import sheet_lines
from ..selection import Reason, Selected, Selection

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
SHEET_W = 680     # text width of an A4 page with 15 mm margins, at 96 dpi


class PlanPanel(QWidget):
    """Starred stops in visiting order; a stop activated selects it, and the stop of what
    is selected is the list's current row."""
    routeChanged = Signal(object)          # db.routing.Route, or None to clear
    favouritesChanged = Signal()           # unstarred or reordered here
    routePlanned = Signal(object)          # Plan route chose an order: the plan fits to it
    exported = Signal(str)                 # a file was written (its path)

    def hall_name(self, name: str | None) -> str:
        return self._hall_names.get(name or "", name or "")

    def __init__(self, expo: Expo, user: UserData, selection: Selection, render_floor=None,
                 parent=None):
        super().__init__(parent)
        self.expo = expo
        self.user = user
        self.selection = selection
        self.expo_slug = expo.meta().get("slug") or expo.path.stem
        self.layout = booth_layout(expo.meta())     # "schematic": marked beside every code
        # Hall names as the plan's rows give them, shown in the interface language.
        self._hall_names = {h["name"]: place_name(h) for h in expo.halls()}
        self.render_floor = render_floor    # () -> QImage of the floor with the route
        self.plan: Plan | None = None
        self.route = None
        self.start = ENTRANCE
        self._best: tuple | None = None     # (start, stop keys, exact) of the last best order
        self._route_key: tuple | None = None

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("planSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        # A change to the plan that could not be written says so here (and the list
        # shows what is stored).
        self.error = QLabel()
        self.error.setObjectName("planError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        theme.error_text(self.error)
        self.error.hide()
        # Where the last export went (a confirmation that stays until the next one).
        self.saved = QLabel()
        self.saved.setObjectName("planSaved")
        self.saved.setTextFormat(Qt.TextFormat.PlainText)
        self.saved.setWordWrap(True)
        self.saved.hide()
        self.start_box = data_combo(QComboBox())
        self.start_box.setToolTip(tr("Where the walk starts"))
        self.start_box.activated.connect(self._on_start)
        self.best = QPushButton(tr("Plan route"))
        self.best.setToolTip(tr("Put the stops in the shortest walking order and show the route"))
        self.best.clicked.connect(self.plan_best_route)
        self.show_route = QCheckBox(tr("Show on floor plan"))
        self.show_route.toggled.connect(lambda _on: self.refresh())
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("From")))
        top.addWidget(self.start_box, 1)
        top.addWidget(self.best)

        self.list = QListWidget()
        self.list.setAccessibleName(tr("Stops in visiting order"))
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setWordWrap(True)
        self.list.setSpacing(1)
        self.list.model().rowsMoved.connect(self._on_rows_moved)
        self.list.itemDoubleClicked.connect(self._on_activated)
        self.list.itemActivated.connect(self._on_activated)

        self.up = QToolButton()
        self.up.setText("▲")
        self.up.setToolTip(tr("Visit earlier"))
        self.up.clicked.connect(lambda: self.move_selected(-1))
        self.down = QToolButton()
        self.down.setText("▼")
        self.down.setToolTip(tr("Visit later"))
        self.down.clicked.connect(lambda: self.move_selected(1))
        self.unstar = QToolButton()
        self.unstar.setText(tr("Unstar"))
        self.unstar.setToolTip(tr("Remove this stop from the plan (its notes stay)"))
        self.unstar.clicked.connect(self.unstar_selected)
        self.export = QToolButton()
        self.export.setText(tr("Export"))
        self.export.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export)
        menu.addAction(tr("Markdown…"), lambda: self.export_dialog("md"))
        menu.addAction(tr("CSV…"), lambda: self.export_dialog("csv"))
        menu.addAction(tr("PDF…"), lambda: self.export_dialog("pdf"))
        self.export.setMenu(menu)
        self.print_button = QToolButton()
        self.print_button.setText(tr("Print…"))
        self.print_button.clicked.connect(self.print_dialog)
        buttons = QHBoxLayout()
        for b in (self.up, self.down, self.unstar):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.export)
        buttons.addWidget(self.print_button)

        self.orphan_title = QLabel(tr("Kept from an earlier expo file (not on this floor):"))
        self.orphan_title.setWordWrap(True)
        self.orphans = QListWidget()
        self.orphans.setMaximumHeight(90)
        self.orphans.setAccessibleName(tr("Favourites and notes not in this expo file"))

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(self.error)
        lay.addWidget(self.show_route)
        lay.addWidget(self.list, 1)
        lay.addLayout(buttons)
        lay.addWidget(self.saved)
        lay.addWidget(self.orphan_title)
        lay.addWidget(self.orphans)
        self.refresh()
        selection.changed.connect(self._on_selected)

    # ------------------------------------------------------------- state
    @property
    def graph(self) -> RouteGraph:
        """The floor's walkable graph: built once per floor (``db.routing.graph_for``),
        shared with every other route on it, and new when the floor changes."""
        return graph_for(self.expo)

    def stop_keys(self) -> list[tuple[str, str]]:
        return [tuple(self.list.item(i).data(KEY_ROLE)) for i in range(self.list.count())]

    def refresh(self, need_route: bool = False) -> None:
        """Re-read favourites and notes; recompute the route in the list's order.

        The route (and the walkable graph, built on first use) is only computed
        while it is shown, or when ``need_route`` asks for it (exports, printing).
        """
        plan = collect_plan(self.expo, self.user, self.expo_slug)
        booths = route_stops(plan)
        if self.start != ENTRANCE and self.start not in booths:
            self.start = ENTRANCE
        key = (self.start, tuple(booths))
        if not (need_route or self.show_route.isChecked()):
            self.route, self._route_key = None, None
        elif key != self._route_key:     # a note edit keeps the route; only stops move it
            self.route = None
            if [b for b in booths if b != self.start]:
                self.route = plan_route(self.graph, self.start, booths, optimise=False)
            self._route_key = key
        if self.route is not None:
            keys = [(s.kind, s.ref) for s in plan.stops]
            best = self._best is not None and self._best[:2] == (self.start, keys)
            self.route.optimised = best
            self.route.exact = best and self._best[2]
            attach_route(plan, self.route, self._start_label())
        self.plan = plan
        self._fill()
        self._emit_route()

    def _start_label(self) -> str:
        if self.start == ENTRANCE:
            return tr("the entrance")
        return tr("booth {code}").format(code=self.booth(self.start))

    def booth(self, code) -> str:
        """A booth code as the plan shows it: "1C09 (schematic)" on a schematic layout."""
        return booth_text(code, self.layout)

    def stop_booth(self, s) -> str:
        """What a stop without a name is called: "Booth 1C09 (schematic)"."""
        return tr("Booth {code}").format(
            code=self.booth(s.booth) if s.booth else plain(s.ref))

    def _fill(self) -> None:
        plan = self.plan
        conflicts: dict[tuple[str, str], int] = {}
        for c in self.user.conflicts(self.expo_slug):
            conflicts[(c["kind"], c["ref"])] = conflicts.get((c["kind"], c["ref"]), 0) + 1
        selected = self.list.currentItem().data(KEY_ROLE) if self.list.currentItem() else None
        self.list.blockSignals(True)
        self.list.clear()
        for s in plan.stops:
            if s.number is None and s.booth is None:
                num = "–"
            elif s.number == 0:
                num = tr("start")
            else:
                num = str(s.number) if s.number is not None else str(self.list.count() + 1)
            # Names, notes and tags are data: plain, elided, one line each.
            head = f"{num}   {plain(s.name) or self.stop_booth(s)}"
            where = [self.booth(s.booth) if s.booth else tr("no booth on the plan"),
                     plain(self.hall_name(s.hall))]
            if s.leg_m is not None and s.number:
                where.append(tr("{m} m").format(m=count(round(s.leg_m))))
            text = head + "\n      " + " · ".join(w for w in where if w)
            if s.note and s.note["text"].strip():
                first = s.note["text"].strip().splitlines()[0]
                text += "\n      ✎ " + plain(first, 60)
            if s.note and s.note["tags"]:
                text += "\n      # " + plain(", ".join(s.note["tags"]))
            copies = conflicts.get((s.kind, s.ref), 0) + sum(
                conflicts.get(("product", p["slug"]), 0) for p in s.products)
            if copies:
                text += "\n      ⚠ " + tr("conflict copies: {n} (another running copy saved a "
                                         "different text; see Notes)").format(n=copies)
            item = QListWidgetItem(text)
            item.setData(KEY_ROLE, [s.kind, s.ref])
            item.setToolTip(tooltip(s.note["text"]) if s.note else "")
            self.list.addItem(item)
            if selected == [s.kind, s.ref]:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

        self.orphans.clear()
        for o in plan.orphans:
            text = f"{o['kind']} {plain(o['ref'])}"
            if o.get("note"):
                text += f": {plain(o['note']['text'].strip().splitlines()[0]) if o['note']['text'].strip() else ''}"
            item = QListWidgetItem(("★ " if o["favourite"] else "") + text)
            item.setForeground(Qt.GlobalColor.darkGray)
            item.setToolTip(tr("Not in this expo file; kept in your user file."))
            self.orphans.addItem(item)
        self.orphans.setVisible(bool(plan.orphans))
        self.orphan_title.setVisible(bool(plan.orphans))

        self.start_box.blockSignals(True)
        self.start_box.clear()
        self.start_box.addItem(tr("Entrance (south side)"), ENTRANCE)
        for s in plan.stops:
            if s.booth:
                self.start_box.addItem(tr("Booth {code}").format(code=self.booth(s.booth))
                                       + (f" · {plain(s.name)}" if s.name else ""), s.booth)
        i = self.start_box.findData(self.start)
        self.start_box.setCurrentIndex(max(i, 0))
        self.start_box.blockSignals(False)

        has = bool(plan.stops)
        for w in (self.best, self.up, self.down, self.unstar, self.export, self.print_button,
                  self.show_route):
            w.setEnabled(has)
        self.summary.setText(self.summary_text())

    def summary_text(self) -> str:
        plan = self.plan
        if not plan.stops:
            return tr("Nothing starred yet. Select a booth or exhibitor and press S (or ☆ in "
                      "the details) to add it to your plan.")
        if self.route is None or not self.route.legs:
            return tr("%n starred; no walk needed.", n=len(plan.stops))
        n = len(self.route.order)
        order = tr("best order") if self.route.optimised else tr("your order")
        return tr("%n stop(s) from {start}: {m} m, about {mins} min walking at {v} m/s "
                  "({order}).", n=n).format(start=self._start_label(),
                                            m=count(round(self.route.distance_m)),
                                            mins=count(max(1, round(self.route.walk_min))),
                                            v=number(WALK_SPEED_M_S), order=order)

    def _emit_route(self) -> None:
        self.routeChanged.emit(self.route if self.show_route.isChecked() else None)

    # ----------------------------------------------------------- actions
    def plan_best_route(self) -> None:
        """Choose the shortest order, save it as the visiting order, and show the route."""
        plan = collect_plan(self.expo, self.user, self.expo_slug)
        booths = route_stops(plan)
        if not booths:
            return
        best = plan_route(self.graph, self.start, booths, optimise=True)
        rank = {code: i for i, code in enumerate(best.order)}
        keys = [(s.kind, s.ref) for s in sorted(
            plan.stops, key=lambda s: (-1 if s.booth == self.start
                                       else rank.get(s.booth, len(rank))))]
        if not self._write(self.user.reorder_favourites, self.expo_slug, keys):
            return
        self._best = (self.start, keys, best.exact)
        self.show_route.blockSignals(True)
        self.show_route.setChecked(True)
        self.show_route.blockSignals(False)
        self.refresh()
        self.favouritesChanged.emit()
        self.routePlanned.emit(self.route)

    def set_start(self, start: str) -> None:
        self.start = start
        self.refresh()

    def _on_start(self, index: int) -> None:
        self.set_start(self.start_box.itemData(index) or ENTRANCE)

    def move_selected(self, delta: int) -> None:
        row = self.list.currentRow()
        if row < 0 or not 0 <= row + delta < self.list.count():
            return
        keys = self.stop_keys()
        keys.insert(row + delta, keys.pop(row))
        self._save_order(keys, select=keys[row + delta])

    def _on_rows_moved(self, *args) -> None:
        current = self.list.currentItem()
        self._save_order(self.stop_keys(),
                         select=tuple(current.data(KEY_ROLE)) if current else None)

    def _save_order(self, keys, select=None) -> None:
        if not self._write(self.user.reorder_favourites, self.expo_slug, keys):
            return
        self.refresh()
        if select is not None:
            for i in range(self.list.count()):
                if tuple(self.list.item(i).data(KEY_ROLE)) == tuple(select):
                    self.list.setCurrentRow(i)
        self.favouritesChanged.emit()

    def unstar_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        kind, ref = item.data(KEY_ROLE)
        if not self._write(self.user.set_favourite, self.expo_slug, kind, ref, False):
            return
        self.refresh()
        self.favouritesChanged.emit()

    def _write(self, action, *args) -> bool:
        """Write a change to the user file; on failure say why and show what is stored."""
        try:
            action(*args)
        except DataError as exc:
            self.error.setText(tr("Not saved: {reason}").format(reason=str(exc)))
            self.error.show()
            self.refresh()
            return False
        self.error.hide()
        return True

    def _on_activated(self, item: QListWidgetItem) -> None:
        kind, ref = item.data(KEY_ROLE)
        self.selection.select(kind, ref, reason=Reason.STOP)

    def _on_selected(self, state: Selected) -> None:
        """The selected exhibitor's (or booth's) stop becomes the current row, if it is one."""
        key = list(state.key) if state.key else None
        row = next((i for i in range(self.list.count())
                    if self.list.item(i).data(KEY_ROLE) == key), -1)
        if row != self.list.currentRow():
            self.list.blockSignals(True)
            self.list.setCurrentRow(row)
            self.list.blockSignals(False)

    # ----------------------------------------------------------- exports
    def ensure_route(self) -> None:
        if self.route is None:
            self.refresh(need_route=True)

    def export_markdown(self, path) -> Path:
        self.ensure_route()
        return write_markdown(self.plan, path)

    def export_csv(self, path) -> Path:
        self.ensure_route()
        return write_csv(self.plan, path)

    def document(self) -> QTextDocument:
        """The printable route sheet: floor plan picture, numbered stops, notes."""
        self.ensure_route()
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        # An A4 page inside 15 mm margins, in the document's 96 dpi units.
        doc.setPageSize(QSizeF(SHEET_W, SHEET_W * 267 / 180))
        image = None
        if self.render_floor and self.route:
            self.routeChanged.emit(self.route)      # the picture shows the route
            image = self.render_floor(SHEET_W)
            self._emit_route()
        if image is not None and not image.isNull():
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("plan:floor.png"), image)
        doc.setHtml(self.sheet_html(image))
        return doc

    def sheet_html(self, image: QImage | None) -> str:
        plan = self.plan
        out = ["<html><body style='font-size:10pt'>",
               f"<h1 style='font-size:16pt'>{esc(tr('My plan'))}: {esc(plan.expo_name)}</h1>",
               f"<p>{esc(self.summary_text())}</p>"]
        if plan.schematic:
            out.append(f"<p style='color:#555'>{esc(tr('The floor layout is schematic: booth positions are not the organiser’s.'))}</p>")
        if image is not None and not image.isNull():
            height = round(SHEET_W * image.height() / max(1, image.width()))
            out.append(f"<p align='center'><img src='plan:floor.png' width='{SHEET_W}' "
                       f"height='{height}'></p>")
        out.append("<table border='1' cellspacing='0' cellpadding='4' width='100%' "
                   "style='border-collapse:collapse'>")
        out.append("<tr style='background:#eeeeee'>" + "".join(
            f"<th align='left'>{esc(h)}</th>" for h in (
                "#", tr("Booth"), tr("Exhibitor"), tr("Products of interest"), tr("Notes"),
                tr("Walk"))) + "</tr>")
        for s in plan.stops:
            num = "" if s.number is None else (tr("start") if s.number == 0 else str(s.number))
            name = esc(s.name) or esc(self.stop_booth(s))
            if s.name_zh:
                name += f"<br>{esc(s.name_zh)}"
            products = "<br>".join(
                esc(p["name"]) + (f": <i>{esc_text(p['note']['text'], multiline=True)}</i>"
                                  if p.get("note") else "")
                for p in s.products)
            note = ""
            if s.note:
                note = esc_text(s.note["text"], multiline=True)
                if s.note["tags"]:
                    note += f"<br><span style='color:#555'>#{esc(', #'.join(s.note['tags']))}</span>"
            walk = "" if s.leg_m is None or not s.number else \
                tr("{m} m").format(m=count(round(s.leg_m)))
            where = esc(self.booth(s.booth) if s.booth else "—") + (
                f"<br><span style='color:#555'>{esc(self.hall_name(s.hall))}</span>"
                                           if s.hall else "")
            out.append(f"<tr><td><b>{esc(num)}</b></td><td>{where}</td><td><b>{name}</b></td>"
                       f"<td>{products}</td><td>{note}</td><td>{esc(walk)}</td></tr>")
        out.append("</table>")
        section = sheet_lines(plan)          # what a stored screening list says of the stops
        if section:
            out.append(f"<h3>{esc(tr('Screening'))}</h3>")
            out += [f"<p style='margin:2px 0 2px {16 * max(0, level - 1)}px'>"
                    + (f"<b>{esc(text, 1000)}</b>" if level == 1 else esc(text, 1000)) + "</p>"
                    for level, text in section]
        if plan.orphans:
            out.append(f"<h3>{esc(tr('Kept from an earlier expo file'))}</h3><ul>")
            for o in plan.orphans:
                text = o["note"]["text"] if o.get("note") else ""
                out.append(f"<li>{esc(o['kind'])} {esc(o['ref'])}"
                           + (f": {esc_text(text, multiline=True)}" if text else "") + "</li>")
            out.append("</ul>")
        out.append(f"<p style='color:#555'>{esc(tr('Walking times at {v} m/s, without time at the stops.').format(v=number(WALK_SPEED_M_S)))}</p>")
        out.append("</body></html>")
        return "".join(out)

    def export_pdf(self, path) -> Path:
        """Write the route sheet as an A4 PDF (atomically)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".pdf", dir=path.parent)
        os.close(fd)
        try:
            writer = QPdfWriter(tmp)
            writer.setTitle(tr("My plan") + ": " + plain(self.plan.expo_name, TITLE))
            writer.setCreator("WeSemiBay Explorer")
            writer.setResolution(150)
            writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                             QPageLayout.Orientation.Portrait,
                                             QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
            doc = self.document()
            doc.print_(writer)
            del writer  # finishes the file
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return path

    def print_to(self, printer) -> None:
        self.document().print_(printer)

    def print_dialog(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(tr("My plan"))
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.print_to(printer)

    def export_dialog(self, fmt: str) -> QFileDialog:
        """Ask where to write the plan (a window-modal dialog that does not block: the
        keyboard and tests answer it), write it, and say where it went."""
        filters = {"md": tr("Markdown (*.md)"), "csv": tr("CSV (*.csv)"), "pdf": tr("PDF (*.pdf)")}
        name = f"my-plan-{self.expo_slug}.{fmt}"
        dlg = QFileDialog(self, tr("Export the plan"), str(Path.home() / name), filters[fmt])
        dlg.setObjectName("exportDialog")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setDefaultSuffix(fmt)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dlg.fileSelected.connect(lambda path: self.export_to(fmt, path))
        dlg.open()
        self.export_dlg = dlg
        return dlg

    def export_to(self, fmt: str, path) -> Path | None:
        """Write the plan as ``fmt`` to ``path``; the panel (and the window's status bar)
        says where it went, or why not."""
        try:
            out = {"md": self.export_markdown, "csv": self.export_csv,
                   "pdf": self.export_pdf}[fmt](path)
        except (OSError, DataError) as exc:
            warn(self, tr("Cannot export the plan"), str(exc))
            return None
        self.saved.setText(tr("Saved: {path}").format(path=str(out)))
        self.saved.setToolTip(tooltip(str(out)))
        self.saved.show()
        self.exported.emit(str(out))
        return out

    def sizeHint(self) -> QSize:
        return QSize(380, 500)
