"""The exhibitor directory: a table model over the expo file, and its filter proxy.

Like the products table, the model holds only the ordered row ids of the exhibitors
(``db.directory.exhibitor_ids``: sorted by SQLite; the filter proxy keeps the ids one query
finds) and reads the rows a page
at a time (``db.directory.exhibitor_page``), so that opening a 30,000-exhibitor expo reads
one page, not every row. ``data()`` never raises and runs at most one small query.
"""
from __future__ import annotations

import logging
from array import array
from collections import OrderedDict

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex,
                            QSortFilterProxyModel, Qt, Signal)
from PySide6.QtGui import QColor

from db import directory
from db.content import booth_layout
from db.errors import DataError
from db.expo import Expo
from db.views import curated

from ..i18n import country, place_name, tr
from ..integrity_view import report_damage
from ..richtext import LABEL, booths_text, layout_word, plain, tooltip
from ..screening import bucket, column_text, status_text
from ..workers import read_in_background

log = logging.getLogger("wesemibay.directory")

SLUG_ROLE = Qt.ItemDataRole.UserRole + 1
ZONE_ROLE = Qt.ItemDataRole.UserRole + 3
KEPT_ROLE = Qt.ItemDataRole.UserRole + 4     # "1" when the filter keeps the row, else "0"
PAGE = 256


class _Ordered(QObject):
    done = Signal(int, object)            # generation, the row ids in their new order or None


class ExhibitorModel(QAbstractTableModel):
    """Rows come a page at a time from SQLite; ``data()`` never raises.

    The Booth column shows the codes as they are (so that they sort, and copy, as codes);
    on a schematic layout its header says so ("Booth (schematic)", on two lines to keep
    the column narrow) and each cell's tooltip gives the codes marked. An exhibitor that
    no source places (a curated expo) shows "—", its tooltip saying why."""

    COLUMNS = directory.SORT_KEYS            # name, booths, zone_name, country, screening
    NO_BOOTH = "—"
    ASYNC_ABOVE = 5000                       # exhibitors: sort in a worker above this many

    def __init__(self, expo: Expo, parent=None):
        super().__init__(parent)
        self._zone_colors: dict[str, QColor] = {}
        self._ids = array("q")
        self._pages: OrderedDict[int, list] = OrderedDict()
        self._sort: tuple[str | None, bool] = ("name", False)
        self.screening = None            # desktop.screening.ScreeningState, once set
        self._had_list = False
        self._kept: set[int] | None = None      # row ids the filter keeps (None: all)
        self._order_gen = 0
        self.busy = False                # a new order is being asked for in a worker
        self._signals = _Ordered()
        self._signals.done.connect(self._apply_order)
        self.reload(expo)

    # ------------------------------------------------------------ screening
    def set_screening(self, state) -> None:
        """The Screening column: each row's status against the stored screening list, asked
        of the state by slug (``ScreeningState.status_of``); its sort and filter go to
        SQLite with the slugs of each group."""
        self.screening = state
        self.screening_changed()

    def screening_changed(self) -> None:
        """New statuses: the column shows them; a sort by them runs again. Without a list
        (now and before) nothing changes: no view is asked to measure its rows again."""
        has = self.screening is not None and self.screening.has_list()
        if not has and not self._had_list:
            return
        self._had_list = has
        if self._sort[0] == "screening":
            self._requery()
        col = self.COLUMNS.index("screening")
        if self._ids:
            self.dataChanged.emit(self.index(0, col), self.index(len(self._ids) - 1, col))

    def screening_groups(self) -> directory.Screening:
        statuses = self.screening.statuses() if self.screening is not None else None
        if statuses is None:
            return directory.Screening()
        groups: dict[str, list[str]] = {"listed": [], "possible": [], "none": []}
        for slug, got in statuses.items():
            groups[bucket(*got)].append(slug)
        return directory.Screening(groups["listed"], groups["possible"], known=True)

    def screening_of(self, row: int) -> tuple[str, str | None] | None:
        """(status, review) of a row's exhibitor; None without a list or while unknown."""
        slug = self.slug_at(row)
        if self.screening is None or slug is None:
            return None
        return self.screening.status_of(slug)

    def _screening_data(self, row: int, role):
        got = self.screening_of(row)
        if got is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return column_text(*got)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(status_text(*got, self.screening.info))
        return None

    # -------------------------------------------------------------- queries
    def reload(self, expo: Expo) -> None:
        self.beginResetModel()
        self.expo = expo
        self.layout = booth_layout(expo.meta())
        self.curated = curated(expo)
        mark = layout_word(self.layout)
        booth = tr("Booth") + "\n" + tr("({layout})").format(layout=mark) if mark \
            else tr("Booth")
        self._headers = (tr("Exhibitor"), booth,
                         tr("Zone"), tr("Country"), tr("U.S. list"))
        zones = expo.zones()
        self._zone_colors = {z["slug"]: QColor(z["color"]) for z in zones}
        self._zone_names = {z["slug"]: place_name(z) for z in zones}  # in the interface language
        self._text_ids: tuple[tuple, set[int] | None] = ((), None)
        self._ids = self._query()
        self._pages.clear()
        self.endResetModel()

    def _order_args(self) -> tuple:
        sort, descending = self._sort
        return (sort, descending, self.screening_groups() if sort == "screening" else None,
                self.NO_BOOTH if self.curated else "")

    @staticmethod
    def _ids_of(expo, args) -> array:
        sort, descending, screening, blank = args
        try:
            return directory.exhibitor_ids(expo, directory.DirectoryFilter(), sort, descending,
                                           screening, blank_booth=blank)
        except DataError as exc:
            if not report_damage(expo.path, exc):
                log.warning("%s", exc)
            return array("q")

    def _query(self) -> array:
        return self._ids_of(self.expo, self._order_args())

    def filter_job(self, filt: directory.DirectoryFilter):
        """A function of an ``Expo`` handle giving ``db.directory.kept`` for ``filt`` (run
        here, or in a worker thread with a handle of its own): the screening groups and the
        words' part known already go with it."""
        filt = directory.DirectoryFilter(filt.text, filt.zones, filt.group, set(filt.also))
        screening = self.screening_groups() if filt.group is not None else None
        words = tuple(filt.words())
        cached = self._text_ids[1] if self._text_ids[0] == words else None

        def job(expo):
            return directory.kept(expo, filt, screening, cached)
        job.words = words
        return job

    def keep_text_ids(self, words: tuple, ids: set[int] | None) -> None:
        if ids is not None:
            self._text_ids = (words, ids)

    def _requery(self) -> None:
        """Run the id query again (in a worker thread with a handle of its own above
        ``ASYNC_ABOVE`` exhibitors): the rows, and the selection on them, keep their place."""
        self._order_gen += 1
        if len(self._ids) <= self.ASYNC_ABOVE:
            self._apply_order(self._order_gen, self._query())
            return
        gen, args, signals = self._order_gen, self._order_args(), self._signals
        self.busy = True
        read_in_background(self.expo.path, lambda reader: self._ids_of(reader, args),
                           lambda ids: signals.done.emit(gen, ids), "directory-sort")

    def _apply_order(self, gen: int, ids) -> None:
        if gen != self._order_gen:
            return                          # a newer order is on its way
        self.busy = False
        if ids is None or len(ids) != len(self._ids):
            return                          # failed (said), or the file changed: keep as is
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_ids = [(self._ids[i.row()] if 0 <= i.row() < len(self._ids) else None, i.column())
                   for i in old]
        self._ids = ids
        self._pages.clear()
        where = {rowid: r for r, rowid in enumerate(self._ids)}
        self.changePersistentIndexList(
            old, [self.index(where[rid], c) if rid in where else QModelIndex()
                  for rid, c in old_ids])
        self.layoutChanged.emit()

    def _row(self, i: int) -> dict | None:
        if not 0 <= i < len(self._ids):
            return None
        page = i // PAGE
        rows = self._pages.get(page)
        if rows is None:
            ids = self._ids[page * PAGE:(page + 1) * PAGE]
            try:
                got = directory.exhibitor_page(self.expo, ids)
            except DataError as exc:
                if not report_damage(self.expo.path, exc):
                    log.warning("%s", exc)
                got = {}
            except Exception:           # never raise into Qt
                log.exception("directory page %s", page)
                got = {}
            rows = self._pages[page] = [got.get(r) for r in ids]
            if len(self._pages) > 64:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return rows[i % PAGE] if i % PAGE < len(rows) else None

    # ---------------------------------------------------------------- model
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole and self.COLUMNS[section] == "booths" \
                and self.layout == "schematic":
            return tooltip(tr("Booth codes on a schematic floor plan: no official floor plan "
                              "is known, so where a booth is drawn is ours, not the "
                              "organiser's."))
        return None

    def set_kept(self, kept: set[int] | None) -> None:
        """The row ids the filter proxy keeps (``KEPT_ROLE``); None: all."""
        self._kept = kept

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.column() < len(self.COLUMNS)):
            return None
        if role == KEPT_ROLE:             # no page read: the proxy asks it of every row
            return "1" if self._kept is None or self.rowid_at(index.row()) in self._kept \
                else "0"
        row = self._row(index.row())
        if row is None:
            return None
        col = self.COLUMNS[index.column()]
        if col == "screening" and role in (Qt.ItemDataRole.DisplayRole,
                                           Qt.ItemDataRole.ToolTipRole):
            return self._screening_data(index.row(), role)
        if role == Qt.ItemDataRole.DisplayRole:
            # Plain and elided (a name may be any length in a foreign file); made once.
            shown = row.get("_shown")
            if shown is None:
                shown = row["_shown"] = {}
            text = shown.get(col)
            if text is None:
                if col == "name" and row.get("name_zh"):   # both names, one column
                    text = f"{plain(row['name'])}  {plain(row['name_zh'])}"
                elif col == "booths" and not row.get("booths") and self.curated:
                    text = self.NO_BOOTH
                elif col == "country":       # its name in the interface language
                    text = plain(country(row.get("country")))
                elif col == "zone_name":     # so is the zone's
                    text = plain(self._zone_names.get(row.get("zone") or "")
                                 or row.get("zone_name"))
                else:
                    text = plain(row.get(col))
                shown[col] = text
            return text
        if role == Qt.ItemDataRole.ToolTipRole and col == "name":
            return tooltip(" · ".join(plain(n) for n in (row.get("name"), row.get("name_zh"),
                                                         row.get("pinyin")) if n))
        if role == Qt.ItemDataRole.ToolTipRole and col == "booths":
            if row.get("booths"):
                return tooltip(booths_text(row["booths"].split(", "), self.layout))
            if self.curated:
                return tooltip(tr("No booth: no source places it"))
            return None
        if role == Qt.ItemDataRole.ToolTipRole and col == "country" and row.get("country"):
            return tooltip(country(row["country"]), LABEL)
        if role == Qt.ItemDataRole.DecorationRole and col == "zone_name":
            return self._zone_colors.get(row.get("zone") or "")
        if role == SLUG_ROLE:
            return row["slug"]
        if role == ZONE_ROLE:
            return row.get("zone") or ""
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQLite (``db.directory``); the rows under the view's selection follow."""
        if not (0 <= column < len(self.COLUMNS)):
            return
        key = (self.COLUMNS[column], order == Qt.SortOrder.DescendingOrder)
        if key == self._sort:
            return
        self._sort = key
        self._requery()

    def zone_of(self, row: int) -> str:
        r = self._row(row)
        return (r.get("zone") or "") if r else ""

    def row_of(self, slug: str) -> int:
        """The row of an exhibitor (-1 when the filter hides it or there is none)."""
        try:
            rowid = directory.exhibitor_rowid(self.expo, slug)
        except DataError as exc:
            if not report_damage(self.expo.path, exc):
                log.warning("%s", exc)
            return -1
        if rowid is None:
            return -1
        try:
            return self._ids.index(rowid)
        except ValueError:
            return -1

    def slug_at(self, row: int) -> str | None:
        r = self._row(row)
        return r["slug"] if r else None

    def rowid_at(self, row: int) -> int:
        return self._ids[row] if 0 <= row < len(self._ids) else -1


class _Kept(QObject):
    done = Signal(int, object, object)    # generation, kept row ids (or None), the job


class ExhibitorFilter(QSortFilterProxyModel):
    """The directory's filters: typed text (all words must match), zone and screening group.
    Which exhibitors they keep is asked of SQLite (``db.directory.kept``; in a worker thread
    with a handle of its own above ``ASYNC_ABOVE`` exhibitors, so that typing never waits);
    Qt's own filter then keeps the rows whose ``KEPT_ROLE`` says so (the model looks each
    row's id up in that set). Sorting is the model's (in SQLite);
    the proxy keeps its order."""

    ASYNC_ABOVE = 5000

    def __init__(self, parent=None):
        super().__init__(parent)
        self._filter = directory.DirectoryFilter()
        self._gen = 0
        # Qt's own filter on KEPT_ROLE: without a filter its pattern is empty and Qt keeps
        # every row without asking (no Python call per row at 30,000 exhibitors).
        self.setFilterRole(KEPT_ROLE)
        self.setFilterKeyColumn(0)
        self.busy = False
        self._signals = _Kept()
        self._signals.done.connect(self._on_kept)

    @property
    def filter(self) -> directory.DirectoryFilter:
        return self._filter

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)

    def _set(self, **changes) -> None:
        if all(getattr(self._filter, k) == v for k, v in changes.items()):
            return
        for k, v in changes.items():
            setattr(self._filter, k, v)
        self._refilter()

    def _refilter(self) -> None:
        model = self.sourceModel()
        self._gen += 1
        if model is None:
            return
        job = model.filter_job(self._filter)
        if model.rowCount() <= self.ASYNC_ABOVE:
            self._on_kept(self._gen, self._run(job, model.expo), job)
            return
        gen, signals = self._gen, self._signals
        self.busy = True
        read_in_background(model.expo.path, lambda reader: self._run(job, reader),
                           lambda got: signals.done.emit(gen, got or (set(), None), job),
                           "directory-filter")

    def _run(self, job, expo):
        try:
            return job(expo)
        except DataError as exc:
            if not report_damage(expo.path, exc):
                log.warning("%s", exc)
            return set(), None

    def _on_kept(self, gen: int, got, job) -> None:
        if gen != self._gen:
            return                          # a newer filter is on its way
        self.busy = False
        kept, text_ids = got
        model = self.sourceModel()
        model.keep_text_ids(job.words, text_ids)
        model.set_kept(kept)
        pattern = "" if kept is None else "^1$"
        if self.filterRegularExpression().pattern() != pattern:
            self.setFilterRegularExpression(pattern)       # filters again
        else:
            self.invalidateFilter()

    def set_text(self, text: str) -> None:
        self._set(text=text)

    def set_also(self, slugs: set[str]) -> None:
        """Exhibitors to keep whatever the text (the search's hits, found by other fields)."""
        self._set(also=set(slugs))

    def set_zones(self, zones: set[str] | None) -> None:
        self._set(zones=None if zones is None else set(zones))

    def set_screening(self, group: str | None) -> None:
        """Keep only exhibitors on a screening list ("listed": a match or a confirmed
        possible match), with a possible match ("possible") or with none found ("none")."""
        self._set(group=group)

    def screening_changed(self) -> None:
        if self._filter.group is not None:
            self._refilter()
