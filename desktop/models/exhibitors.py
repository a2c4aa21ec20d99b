"""The exhibitor directory: a table model over the expo file, and its filter proxy."""
from __future__ import annotations

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QPersistentModelIndex,
                            QSortFilterProxyModel, Qt)
from PySide6.QtGui import QColor

from db.content import booth_layout
from db.expo import Expo
from db.text import search_fold
from db.views import curated

from ..i18n import country, place_name, tr
from ..richtext import LABEL, booths_text, layout_word, plain, tooltip
from ..screening import bucket, column_text, status_text

SLUG_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
ZONE_ROLE = Qt.ItemDataRole.UserRole + 3


class ExhibitorModel(QAbstractTableModel):
    """Rows are cached once; ``data()`` never queries and never raises.

    The Booth column shows the codes as they are (so that they sort, and copy, as codes);
    on a schematic layout its header says so ("Booth (schematic)", on two lines to keep
    the column narrow) and each cell's tooltip gives the codes marked. An exhibitor that
    no source places (a curated expo) shows "—", its tooltip saying why."""

    COLUMNS = ("name", "booths", "zone_name", "country", "screening")
    NO_BOOTH = "—"

    def __init__(self, expo: Expo, parent=None):
        super().__init__(parent)
        self._zone_colors: dict[str, QColor] = {}
        self._rows: list[dict] = []
        self.screening = None            # desktop.screening.ScreeningState, once set
        self.reload(expo)

    # ------------------------------------------------------------ screening
    def set_screening(self, state) -> None:
        """The Screening column: each row's status against the stored screening list, asked
        of the state by slug (``ScreeningState.status_of``: the exhibitors with a match come
        from ``db.screening.directory_statuses``, which can answer for a page of rows)."""
        self.screening = state
        self.screening_changed()

    def screening_changed(self) -> None:
        col = self.COLUMNS.index("screening")
        if self._rows:
            self.dataChanged.emit(self.index(0, col), self.index(len(self._rows) - 1, col))

    def screening_of(self, row: int) -> tuple[str, str | None] | None:
        """(status, review) of a row's exhibitor; None without a list or while unknown."""
        if self.screening is None or not (0 <= row < len(self._rows)):
            return None
        return self.screening.status_of(self._rows[row]["slug"])

    def _screening_data(self, row: int, role):
        got = self.screening_of(row)
        if got is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return column_text(*got)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(status_text(*got, self.screening.info))
        return None

    def reload(self, expo: Expo) -> None:
        self.beginResetModel()
        self.layout = booth_layout(expo.meta())
        self.curated = curated(expo)
        mark = layout_word(self.layout)
        booth = tr("Booth") + "\n" + tr("({layout})").format(layout=mark) if mark \
            else tr("Booth")
        self._headers = (tr("Exhibitor"), booth,
                         tr("Zone"), tr("Country"), tr("U.S. list"))
        self._rows = expo.exhibitor_rows()
        zones = expo.zones()
        self._zone_colors = {z["slug"]: QColor(z["color"]) for z in zones}
        names = {z["slug"]: place_name(z) for z in zones}    # in the interface language
        for r in self._rows:
            r["zone_name"] = names.get(r.get("zone") or "", r.get("zone_name") or "")
        for r in self._rows:
            r["_search"] = search_fold(" ".join(str(r.get(k) or "") for k in
                                                ("name", "name_zh", "pinyin", "booths",
                                                 "zone_name", "country", "category", "slug")))
        self._index = {r["slug"]: i for i, r in enumerate(self._rows)}
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

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

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) \
                or not (0 <= index.column() < len(self.COLUMNS)):
            return None
        row = self._rows[index.row()]
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
        if role == SEARCH_ROLE:
            return row["_search"]
        if role == ZONE_ROLE:
            return row.get("zone") or ""
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sort the cached rows in Python: one key per row, not a data() call per comparison
        (30,000 exhibitors sort in milliseconds)."""
        if not (0 <= column < len(self.COLUMNS)):
            return
        col = self.COLUMNS[column]
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_slugs = [(self._rows[i.row()]["slug"], i.column()) for i in old]
        blank = self.NO_BOOTH if col == "booths" and self.curated else ""   # as shown: last
        if col == "screening":          # on a list first, then possible, none, unknown
            rank = {"listed": "0", "possible": "1", "none": "2"}
            statuses = {r["slug"]: self.screening.status_of(r["slug"]) if self.screening
                        else None for r in self._rows}
            self._rows.sort(key=lambda r: (rank[bucket(*statuses[r["slug"]])]
                                           if statuses[r["slug"]] else "3",
                                           r["name"].casefold()),
                            reverse=order == Qt.SortOrder.DescendingOrder)
        else:
            self._rows.sort(key=lambda r: (str(r.get(col) or blank).casefold(),
                                           r["name"].casefold()),
                            reverse=order == Qt.SortOrder.DescendingOrder)
        self._index = {r["slug"]: i for i, r in enumerate(self._rows)}
        self.changePersistentIndexList(
            old, [self.index(self._index[s], c) for s, c in old_slugs])
        self.layoutChanged.emit()

    def search_text(self, row: int) -> str:
        return self._rows[row]["_search"]

    def zone_of(self, row: int) -> str:
        return self._rows[row].get("zone") or ""

    def row_of(self, slug: str) -> int:
        return self._index.get(slug, -1)

    def slug_at(self, row: int) -> str | None:
        return self._rows[row]["slug"] if 0 <= row < len(self._rows) else None


class ExhibitorFilter(QSortFilterProxyModel):
    """Filters by typed text (all words must match) and by zone; sorting is the source
    model's (fast, in Python), the proxy keeps its order."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._words: list[str] = []
        self._zones: set[str] | None = None
        self._also: set[str] = set()
        self._screening: str | None = None      # "listed", "possible", "none" or None: all

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)

    def set_text(self, text: str) -> None:
        self._words = search_fold(text).split()
        self.invalidateFilter()

    def set_also(self, slugs: set[str]) -> None:
        """Exhibitors to keep whatever the text (the search's hits, found by other fields)."""
        if slugs == self._also:
            return
        self._also = set(slugs)
        self.invalidateFilter()

    def set_zones(self, zones: set[str] | None) -> None:
        self._zones = zones
        self.invalidateFilter()

    def set_screening(self, group: str | None) -> None:
        """Keep only exhibitors on a screening list ("listed": a match or a confirmed
        possible match), with a possible match ("possible") or with none found ("none")."""
        self._screening = group
        self.invalidateFilter()

    def screening_changed(self) -> None:
        if self._screening is not None:
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        model = self.sourceModel()
        if self._zones is not None and model.zone_of(source_row) not in self._zones:
            return False
        if self._screening is not None:
            got = model.screening_of(source_row)
            if got is None or bucket(*got) != self._screening:
                return False
        if not self._words:
            return True
        hay = model.search_text(source_row)
        return all(w in hay for w in self._words) or model.slug_at(source_row) in self._also
