"""The left panel: search box (Ctrl+K), grouped hits, zone filter and the exhibitor directory."""
from __future__ import annotations

from PySide6.QtCore import QLocale, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QTextDocument
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QStyle,
                               QStyledItemDelegate, QStyleOptionViewItem, QTableView, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from db import search as dbsearch
from db.expo import Expo

from .. import theme
from ..i18n import place_name, tr
from ..jobs import URGENT, Jobs
from ..models.exhibitors import SLUG_ROLE, ExhibitorFilter, ExhibitorModel
from ..richtext import booths_text, data_combo, plain, tooltip
from ..selection import Reason, Selected, Selection

HIT_ROLE = Qt.ItemDataRole.UserRole + 10


class HighlightDelegate(QStyledItemDelegate):
    """Paints a hit with the words the user typed marked (bold on a light yellow)."""

    def __init__(self, panel: "SearchPanel"):
        super().__init__(panel)
        self.panel = panel

    def paint(self, painter, option, index) -> None:
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        terms = self.panel.terms() if index.data(HIT_ROLE) else []
        if not terms:
            return super().paint(painter, option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = QTextDocument()
        doc.setDefaultFont(opt.font)
        doc.setDocumentMargin(0)
        doc.setHtml(mark_terms(text, terms, selected=bool(
            opt.state & QStyle.StateFlag.State_Selected)))
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        painter.save()
        painter.translate(rect.left(), rect.top() + max(0, (rect.height() - doc.size().height()) / 2))
        painter.setClipRect(0, 0, rect.width(), rect.height())
        doc.drawContents(painter)
        painter.restore()


def mark_terms(text: str, terms: list[str], selected: bool = False) -> str:
    """HTML of ``text`` with every occurrence of the typed words (prefixes) in bold."""
    import html as _html
    import re as _re
    if not terms:
        return _html.escape(text)
    pattern = _re.compile("|".join(_re.escape(t) for t in sorted(terms, key=len, reverse=True)),
                          _re.IGNORECASE)
    color = "#ffffff" if selected else theme.colors().title_link.name()
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(_html.escape(text[pos:m.start()]))
        out.append(f"<b style='background:#ffe98a;color:#000'>{_html.escape(m.group())}</b>")
        pos = m.end()
    out.append(_html.escape(text[pos:]))
    return f"<span style='color:{color}; white-space:pre'>" + "".join(out) + "</span>"


class SearchBox(QLineEdit):
    """Down/Up move through the hits, Enter goes to the best (or the current) hit."""
    moveHit = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.moveHit.emit(1)
        elif event.key() == Qt.Key.Key_Up:
            self.moveHit.emit(-1)
        elif event.key() == Qt.Key.Key_Escape:
            self.clear()
        else:
            super().keyPressEvent(event)


class SearchPanel(QWidget):
    """Search as you type (its hits light their booths: the selection's highlight) and the
    directory (its current row follows the selection; a row picked selects)."""

    def __init__(self, expo: Expo, selection: Selection, parent=None, jobs: Jobs | None = None):
        super().__init__(parent)
        self.expo = expo
        self.selection = selection
        self.jobs = jobs if jobs is not None else Jobs(expo.path, name="search", parent=self)
        self.box = SearchBox()
        self.box.setPlaceholderText(tr("Search exhibitors, products, topics… (Ctrl+K)"))
        self.box.setClearButtonEnabled(True)
        self.box.setAccessibleName(tr("Search"))
        self.results = QTreeWidget()
        self.results.setHeaderHidden(True)
        self.results.setRootIsDecorated(False)
        self.results.setIndentation(8)
        self.results.setVisible(False)
        self.results.itemActivated.connect(self._on_item)
        self.results.itemClicked.connect(self._on_item)
        self.status = QLabel("")
        self.status.setObjectName("searchStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)   # it repeats what was typed
        # More hits than shown: the count says so and this shows them all (up to the cap).
        self.show_all = QPushButton(tr("Show all"))
        self.show_all.setObjectName("searchShowAll")
        self.show_all.setFlat(True)
        self.show_all.setVisible(False)
        self.show_all.clicked.connect(self.search_all)
        self._all = False                 # the hits shown are all of them (asked for)

        self.zone = data_combo(QComboBox())
        self.zone.addItem(tr("All zones"), None)
        for z in expo.zones():
            self.zone.addItem(plain(place_name(z)), z["slug"])
        self.zone.currentIndexChanged.connect(self._on_zone)

        self.model = ExhibitorModel(expo, self)
        self.proxy = ExhibitorFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        # By name, as the model was made: one query (the indicator first, or turning sorting
        # on sorts by Qt's default order, descending, once more).
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        # Widths set once, from the first rows (a column sized to its contents measures its
        # rows again on every change: thousands of data() calls at trade-fair scale).
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, self.model.columnCount()):
            self.table.horizontalHeader().setSectionResizeMode(
                c, QHeaderView.ResizeMode.Interactive)
        zone_col = ExhibitorModel.COLUMNS.index("zone_name")
        self.table.horizontalHeader().setSectionResizeMode(zone_col,
                                                           QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(zone_col, 84)
        # Country names (in the interface language) elide; the name stays the widest column.
        country_col = ExhibitorModel.COLUMNS.index("country")
        self.table.horizontalHeader().setSectionResizeMode(country_col,
                                                           QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(country_col, 64)
        booth_col = ExhibitorModel.COLUMNS.index("booths")  # several booths make a long text
        self.table.horizontalHeader().setSectionResizeMode(booth_col,
                                                           QHeaderView.ResizeMode.Interactive)
        # Wide enough for its header ("Booth" over "(schematic)" on a schematic layout).
        head = str(self.model.headerData(booth_col, Qt.Orientation.Horizontal) or "")
        fm = self.table.horizontalHeader().fontMetrics()
        self.table.setColumnWidth(booth_col, max(
            [70] + [fm.horizontalAdvance(line) + 14 for line in head.splitlines()]))
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        self.table.setAccessibleName(tr("Exhibitor directory"))

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.box)
        lay.addWidget(self.results, 2)
        status_row = QHBoxLayout()
        status_row.setContentsMargins(0, 0, 0, 0)
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.show_all)
        lay.addLayout(status_row)
        lay.addWidget(self.zone)
        lay.addWidget(self.table, 3)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(60)
        self._timer.timeout.connect(self._search_in_background)
        self._job = None              # the latest search's desktop.jobs.Job
        self._shown_text: str | None = None
        self.results.setItemDelegate(HighlightDelegate(self))
        self.box.textChanged.connect(self._on_text)
        self.box.returnPressed.connect(self.go_to_best)
        self.box.moveHit.connect(self._move_hit)
        self._syncing = False
        self.hits: list[dbsearch.Hit] = []
        selection.changed.connect(self._on_selected)
        # A new filter resets the directory (it asks SQLite again): the selection stays.
        self.model.modelReset.connect(self._reselect)

    def _reselect(self) -> None:
        current = self.selection.current
        self.select_exhibitor(current[1] if current and current[0] == "exhibitor" else None)

    # ------------------------------------------------------------- searching
    def _on_text(self, text: str) -> None:
        self._all = False
        self.proxy.set_text(text)
        self._timer.start()

    def _search_in_background(self) -> None:
        """Search as you type: the query runs in a worker thread, so typing never waits."""
        text = self.box.text()
        if not text.strip():
            self.run_search([])
            return
        from ..workers import search_job
        # One key: a newer text interrupts the running search and drops its answer.
        self._job = self.jobs.submit(search_job(text, limit=60), name="search", key="search",
                                     priority=URGENT,
                                     done=lambda hits, t=text: self._on_results(t, hits),
                                     failed=lambda line, _exc, t=text: self._on_failed(t, line))

    def _on_results(self, text: str, hits) -> None:
        if text == self.box.text() and not self._timer.isActive():
            self.run_search(hits)

    def _on_failed(self, text: str, line: str) -> None:
        """A search that could not run (a damaged file): no hits, and the reason."""
        if text == self.box.text() and not self._timer.isActive():
            self.run_search([])
            self.status.setText(plain(line))

    def terms(self) -> list[str]:
        """The words typed so far, as search matches them (for marking them in the hits)."""
        return dbsearch.query_terms(self._shown_text or "")

    def run_search(self, hits: list | None = None) -> None:
        """Show the hits for the box's text (searching now, on this thread, unless given)."""
        self._timer.stop()
        text = self.box.text()
        self._shown_text = text
        self.results.clear()
        if not text.strip():
            self.hits = []
            self.results.setVisible(False)
            self.status.setText("")
            self.show_all.setVisible(False)
            self.proxy.set_also(set())
            self.selection.clear_highlight(Reason.SEARCH)
            return
        if hits is None:
            hits = self.expo.search(text, limit=dbsearch.COUNT_CAP,
                                    candidates=dbsearch.COUNT_CAP) if self._all \
                else self.expo.search(text, limit=60)
        self.hits = hits
        for kind, group in dbsearch.grouped(self.hits):
            head = QTreeWidgetItem([f"{tr(dbsearch.KIND_LABEL.get(kind, kind))} ({len(group)})"])
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            f = head.font(0)
            f.setBold(True)
            head.setFont(0, f)
            self.results.addTopLevelItem(head)
            for hit in group:
                label = plain(hit.title) + (f" — {plain(hit.subtitle)}" if hit.subtitle else "")
                if hit.booths:
                    label += f"  [{booths_text(hit.booths, self.model.layout)}]"
                item = QTreeWidgetItem(head, [label])
                item.setData(0, HIT_ROLE, (hit.kind, hit.id))
                item.setToolTip(0, tooltip(label))
            head.setExpanded(True)
        self.results.setVisible(True)
        self.status.setText(self.count_text(self.hits, text))
        self.show_all.setVisible(bool(getattr(self.hits, "cut", False)) and not self._all)
        first = self._hit_items()
        if first:
            self.results.setCurrentItem(first[0])
        booths = sorted({b for h in self.hits for b in h.booths})
        self.proxy.set_also(self._hit_exhibitors())
        self.selection.highlight("search", text, booths=booths, reason=Reason.SEARCH)

    @staticmethod
    def count_text(hits, text: str) -> str:
        """"12 results", "Showing 60 of 360 results", "Showing 1,000 of 1,000+ results"."""
        if not hits:
            return tr("No results for “{q}”").format(q=plain(text.strip()))
        loc = QLocale()
        total = getattr(hits, "total", len(hits)) or len(hits)
        more = getattr(hits, "more", False)
        if total <= len(hits) and not more:
            return tr("%n result(s)", n=len(hits)).replace(str(len(hits)), loc.toString(len(hits)), 1)
        of = loc.toString(total) + ("+" if more else "")
        return tr("Showing {shown} of {total} results").format(
            shown=loc.toString(len(hits)), total=of)

    def search_all(self) -> None:
        """Show every hit (up to db.search.COUNT_CAP), searched off the UI thread."""
        text = self.box.text()
        if not text.strip():
            return
        self._all = True
        self.show_all.setVisible(False)
        self.status.setText(tr("Searching…"))
        from ..workers import search_job
        # The same key as the search as you type: a newer text interrupts it.
        self._job = self.jobs.submit(
            search_job(text, limit=dbsearch.COUNT_CAP, candidates=dbsearch.COUNT_CAP),
            name="search all", key="search", priority=URGENT,
            done=lambda hits, t=text: self._on_all_results(t, hits),
            failed=lambda line, _exc, t=text: self._on_failed(t, line))

    def _on_all_results(self, text: str, hits) -> None:
        if self._all and text == self.box.text():
            self.run_search(hits)

    def _hit_exhibitors(self) -> set[str]:
        """Exhibitors among the hits, and those whose products are hits: the directory keeps
        them in view, so typing "ALD" does not empty the list while it finds SiCarrier."""
        slugs = {h.id for h in self.hits if h.kind == "exhibitor"}
        products = [h.id for h in self.hits if h.kind == "product"]
        if products:
            slugs.update(self.expo.exhibitors_of_products(products))
        return slugs

    def _hit_items(self) -> list[QTreeWidgetItem]:
        out = []
        for i in range(self.results.topLevelItemCount()):
            head = self.results.topLevelItem(i)
            out.extend(head.child(j) for j in range(head.childCount()))
        return out

    def _move_hit(self, step: int) -> None:
        items = self._hit_items()
        if not items:
            return
        cur = self.results.currentItem()
        i = items.index(cur) if cur in items else -1
        self.results.setCurrentItem(items[max(0, min(len(items) - 1, i + step))])

    def go_to_best(self) -> None:
        if self._timer.isActive() or self._shown_text != self.box.text():
            self.run_search()
        item = self.results.currentItem()
        if item is None or item.data(0, HIT_ROLE) is None:
            items = self._hit_items()
            item = items[0] if items else None
        if item is not None:
            self._on_item(item)

    def _on_item(self, item: QTreeWidgetItem, _col: int = 0) -> None:
        data = item.data(0, HIT_ROLE)
        if not data:
            return
        kind, ref = data
        if kind in ("topic", "event"):
            self.selection.highlight(kind, ref, reason=Reason.SEARCH)
        else:
            self.selection.select(kind, ref, reason=Reason.SEARCH)

    # ------------------------------------------------------------- directory
    def set_screening(self, state) -> None:
        """The screening list's column and filter (``desktop.screening.ScreeningState``):
        shown while a list is stored."""
        self.screening = state
        self.screen_filter = data_combo(QComboBox())
        self.screen_filter.setAccessibleName(tr("Screening filter"))
        for text, group in ((tr("All exhibitors (screening)"), None),
                            (tr("On a screening list"), "listed"),
                            (tr("Possible match to check"), "possible"),
                            (tr("No entry found"), "none")):
            self.screen_filter.addItem(text, group)
        self.screen_filter.currentIndexChanged.connect(
            lambda _i: self.proxy.set_screening(self.screen_filter.currentData()))
        lay = self.layout()
        lay.insertWidget(lay.indexOf(self.zone) + 1, self.screen_filter)
        self.model.set_screening(state)
        state.changed.connect(self._screening_changed)
        self._screening_changed()

    def _screening_changed(self) -> None:
        on = self.screening.has_list()
        self.screen_filter.setVisible(on)
        if not on:
            self.screen_filter.setCurrentIndex(0)
        col = ExhibitorModel.COLUMNS.index("screening")
        self.table.setColumnHidden(col, not on)
        header = self.table.horizontalHeader()
        country = ExhibitorModel.COLUMNS.index("country")
        if on:      # the new column and its neighbours as narrow as their words: names need room
            fm = header.fontMetrics()

            def fit(c: int, *texts: str) -> None:
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
                self.table.setColumnWidth(c, 12 + max(fm.horizontalAdvance(t) for t in (
                    str(self.model.headerData(c, Qt.Orientation.Horizontal) or ""),) + texts))
            fit(col, tr("none found"), tr("possible"), tr("confirmed"))
            fit(country, "CN", "US")                  # two-letter codes under the header
            self.table.setColumnWidth(ExhibitorModel.COLUMNS.index("zone_name"), 64)
        else:
            # As wide as its header and the first rows' country names, measured once (sized
            # to its contents, the view would measure a thousand rows on every change).
            header.setSectionResizeMode(country, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(country, self._country_width())
            self.table.setColumnWidth(ExhibitorModel.COLUMNS.index("zone_name"), 105)
        self.model.screening_changed()
        self.proxy.screening_changed()

    def _country_width(self) -> int:
        """The Country column's width for its header and the first page's names."""
        col = ExhibitorModel.COLUMNS.index("country")
        head = str(self.model.headerData(col, Qt.Orientation.Horizontal) or "")
        fm = self.table.fontMetrics()
        return 14 + max([self.table.horizontalHeader().fontMetrics().horizontalAdvance(head)]
                        + [fm.horizontalAdvance(str(self.model.index(r, col).data() or ""))
                           for r in range(min(100, self.model.rowCount()))])

    def _on_zone(self, _i: int) -> None:
        slug = self.zone.currentData()
        self.proxy.set_zones(None if slug is None else {slug})

    def _on_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        slug = current.data(SLUG_ROLE)
        if slug:
            self.selection.select("exhibitor", slug, reason=Reason.LIST)

    def _on_selected(self, state: Selected) -> None:
        self.select_exhibitor(state.ref if state.kind == "exhibitor" else None)

    def select_exhibitor(self, slug: str | None) -> None:
        """Show ``slug`` as the current row without emitting a choice (shared selection)."""
        self._syncing = True
        try:
            row = self.model.row_of(slug) if slug else -1
            if row < 0:
                self.table.clearSelection()
                self.table.setCurrentIndex(QModelIndex())
                return
            idx = self.proxy.mapFromSource(self.model.index(row, 0))
            if idx.isValid():
                self.table.setCurrentIndex(idx)
                self.table.selectRow(idx.row())
                self.table.scrollTo(idx)
            else:
                self.table.clearSelection()
        finally:
            self._syncing = False

    def selected_exhibitor(self) -> str | None:
        idx = self.table.currentIndex()
        return idx.data(SLUG_ROLE) if idx.isValid() and self.table.selectionModel().isSelected(
            idx) else None
