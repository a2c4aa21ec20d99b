"""Products across the whole expo: a table model that stays fast at a million rows.

The model holds only the ordered row ids that match the filters (one integer per
product); the rows themselves are fetched a page at a time when a view asks for
them and kept in a small cache. Filtering and sorting are SQL queries; when the
expo is large they run in a worker thread and the view is updated when they
finish. ``data()`` never raises and never runs more than one small indexed query
(a cache miss of 256 rows).
"""
from __future__ import annotations

import logging
from array import array
from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QPixmap

from db import catalogue
from db.catalogue import ProductFilter
from db.errors import DataError
from db.expo import Expo

from ..i18n import N_, place_name, tool_type, tr
from ..i18n import country as country_name
from ..integrity_view import report_damage
from ..jobs import Jobs
from ..richtext import plain, tooltip

log = logging.getLogger("wesemibay.products")

SLUG_ROLE = Qt.ItemDataRole.UserRole + 1
EXHIBITOR_ROLE = Qt.ItemDataRole.UserRole + 2
IMAGE_ROLE = Qt.ItemDataRole.UserRole + 3
PAGE = 256
ASYNC_ABOVE = 50_000      # products: run the id query in a worker above this many


# column key, header (the keys are db.catalogue.SORT_KEYS, in the same order)
COLUMNS = (
    ("name", N_("Product")),
    ("name_zh", N_("Chinese name")),
    ("exhibitor_name", N_("Exhibitor")),
    ("tool_type", N_("Tool type")),
    ("zone_name", N_("Zone")),
    ("country", N_("Country")),
)
assert tuple(k for k, _h in COLUMNS) == catalogue.SORT_KEYS


class ProductModel(QAbstractTableModel):
    loading = Signal(bool)
    countChanged = Signal(int)

    def __init__(self, expo: Expo, thumbnails=None, parent=None, jobs: Jobs | None = None):
        super().__init__(parent)
        self.expo = expo
        self.thumbs = thumbnails
        self.jobs = jobs if jobs is not None else Jobs(expo.path, name="products", parent=self)
        self._headers = tuple(tr(h) for _k, h in COLUMNS)
        # The rows name zones as the file does; shown in the interface language.
        self._zone_names = {z["name"]: place_name(z) for z in expo.zones()}
        self._ids = array("q")
        self._pages: OrderedDict[int, list] = OrderedDict()
        self._filter = ProductFilter()
        self._sort = (-1, Qt.SortOrder.AscendingOrder)     # -1: catalogue (rowid) order
        self._gen = 0
        self._image_rows: dict[int, set[int]] = {}
        self.busy = False
        self.total = self._count_all()
        if self.thumbs is not None:
            self.thumbs.ready.connect(self._on_thumb)
        # A large catalogue's ids are asked for when the table is first shown (``ensure_
        # loaded``), not at start: a million ids read in a worker would hold the interpreter
        # while the window is being made.
        self.loaded = False
        if self.total <= ASYNC_ABOVE:
            self.refresh(sync=True)

    def ensure_loaded(self) -> None:
        """Run the id query once, if nothing did yet (the table is shown)."""
        if not self.loaded:
            self.refresh()

    # -------------------------------------------------------------- queries
    def _count_all(self) -> int:
        return catalogue.product_count(self.expo)

    def _query(self) -> tuple:
        col, order = self._sort
        sort = COLUMNS[col][0] if 0 <= col < len(COLUMNS) else None
        return (ProductFilter(**vars(self._filter)), sort,
                order == Qt.SortOrder.DescendingOrder)

    def refresh(self, sync: bool | None = None) -> None:
        """Run the id query for the current filter and sort (in a worker when large)."""
        self.loaded = True
        self._gen += 1
        gen = self._gen
        filt, sort, descending = self._query()
        if sync is None:
            sync = self.total <= ASYNC_ABOVE
        if sync:
            try:
                ids = catalogue.product_ids(self.expo, filt, sort, descending)
            except DataError as exc:
                if not report_damage(self.expo.path, exc):
                    log.warning("%s", exc)
                ids = array("q")
            self._apply(ids)
            return
        self.busy = True
        self.loading.emit(True)
        # Only the latest filter's query runs on: an older one is interrupted.
        self.jobs.submit(lambda task: catalogue.product_ids(task.reader(), filt, sort, descending),
                         name="products query", key=("product-ids", id(self)),
                         done=lambda ids: self._on_ids(gen, ids),
                         failed=lambda _line, _exc: self._on_ids(gen, None))

    def _on_ids(self, gen: int, ids) -> None:
        if gen != self._gen:
            return  # a newer filter or sort is on its way
        self.busy = False
        self.loading.emit(False)
        self._apply(ids if ids is not None else array("q"))

    def _apply(self, ids: array) -> None:
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self._image_rows.clear()
        self.endResetModel()
        self.countChanged.emit(len(ids))

    def _page(self, page: int) -> list:
        rows = self._pages.get(page)
        if rows is not None:
            self._pages.move_to_end(page)
            return rows
        ids = self._ids[page * PAGE:(page + 1) * PAGE]
        rows = []
        if ids:
            try:
                got = catalogue.product_page(self.expo, ids)
            except DataError as exc:
                if not report_damage(self.expo.path, exc):
                    log.warning("%s", exc)
                got = {}
            rows = [got.get(i) for i in ids]
        self._pages[page] = rows
        if len(self._pages) > 64:
            self._pages.popitem(last=False)
        return rows

    # ------------------------------------------------------------ filtering
    @property
    def filter(self) -> ProductFilter:
        return self._filter

    def set_filter(self, **changes) -> None:
        for k, v in changes.items():
            setattr(self._filter, k, v)
        self.refresh()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if (column, order) == self._sort:
            return
        self._sort = (column, order)
        self.refresh()

    # ---------------------------------------------------------------- model
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._headers)):
            return self._headers[section]
        return None

    def row(self, i: int):
        if not 0 <= i < len(self._ids):
            return None
        try:
            rows = self._page(i // PAGE)
            return rows[i % PAGE] if i % PAGE < len(rows) else None
        except Exception:  # never raise into Qt
            log.exception("product row %s", i)
            return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.column() < len(COLUMNS)):
            return None
        r = self.row(index.row())
        if r is None:
            return None
        _rid, slug, name, zh, exname, tool, zone, country, image, ex, shown, zh_note = r
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            v = (name, zh, exname, tool_type(tool), self._zone_names.get(zone, zone),
                 country_name(country))[col]
            return plain(v)    # plain and elided: a cell never lays out a whole long field
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            if shown == 0:      # a product line no source reports as shown at this expo
                return tooltip(plain(name) + "\n" + tr(
                    "The company's product line; not reported as shown at this expo"))
            return tooltip(name)
        if role == Qt.ItemDataRole.ToolTipRole and col == 1 and zh:
            return tooltip(plain(zh) + ("\n" + plain(zh_note, None) if zh_note else ""))
        if role == Qt.ItemDataRole.DecorationRole and col == 0 and self.thumbs is not None:
            if image:
                self._image_rows.setdefault(image, set()).add(index.row())
            img = self.thumbs.image(image)
            return QPixmap.fromImage(img.scaled(
                28, 28, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        if role == SLUG_ROLE:
            return slug
        if role == EXHIBITOR_ROLE:
            return ex
        if role == IMAGE_ROLE:
            return image
        return None

    def slug_at(self, row: int) -> str | None:
        r = self.row(row)
        return r[1] if r else None

    def row_of(self, slug: str) -> int:
        """Row of a product among the loaded ids (-1 if filtered out)."""
        rowid = catalogue.product_rowid(self.expo, slug)
        if rowid is None:
            return -1
        try:
            return self._ids.index(rowid)
        except ValueError:
            return -1

    def _on_thumb(self, image_id: int) -> None:
        rows = self._image_rows.pop(image_id, None)
        for r in rows or ():
            if r < len(self._ids):
                idx = self.index(r, 0)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DecorationRole])

    def choices(self) -> dict[str, list[tuple[str, str]]]:
        """Filter choices: tool types, zones, countries (value, label)."""
        return catalogue.filter_choices(self.expo)
