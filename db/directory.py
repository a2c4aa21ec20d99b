"""The exhibitor directory, a page at a time: its filter and sort orders as queries.

The window's directory (``desktop.models.exhibitors``) holds only the ordered row ids of
the exhibitors that its filter keeps (``exhibitor_ids``: one integer per exhibitor, sorted
and filtered by SQLite) and asks for the rows a page at a time (``exhibitor_page``), as the
products table does with ``db.catalogue``: nothing reads every row into Python, at 30,000
exhibitors either. A failed query raises ``DataError`` naming the file (damage said so).

The text filter keeps an exhibitor when every typed word is in its folded text (names,
pinyin, booth codes, zone, country, category, slug: ``db.text.search_fold``, as search
folds), or when its slug is in ``also`` (the search's hits, found by other fields).
"""
from __future__ import annotations

import json
import sqlite3
from array import array
from dataclasses import dataclass, field

from .errors import DataError, database_fault, one_line
from .text import search_fold

SORT_KEYS = ("name", "booths", "zone_name", "country", "screening")
GROUPS = ("listed", "possible", "none")      # the screening filter's groups
_FUNCS = "_wesemibay_directory"             # attribute marking a connection set up

_BOOTHS = ("(SELECT group_concat(booth, ', ') FROM (SELECT booth FROM booth_exhibitors b "
           "WHERE b.exhibitor = e.slug ORDER BY booth))")
_HAY = (f"coalesce(e.name, '') || ' ' || coalesce(e.name_zh, '') || ' ' || "
        f"coalesce(e.pinyin, '') || ' ' || coalesce({_BOOTHS}, '') || ' ' || "
        f"coalesce(z.name, '') || ' ' || coalesce(e.country, '') || ' ' || "
        f"coalesce(e.category, '') || ' ' || e.slug")


@dataclass
class DirectoryFilter:
    """What the directory shows: ``text`` (all its words), ``zones`` (None: all), the
    screening ``group`` (None: all; else one of ``GROUPS``), and ``also``."""
    text: str = ""
    zones: set[str] | None = None
    group: str | None = None
    also: set[str] = field(default_factory=set)

    def words(self) -> list[str]:
        return search_fold(self.text).split()


@dataclass
class Screening:
    """The screening statuses the directory sorts and filters by: the slugs in each group
    (an exhibitor in none of them has no entry found), or ``known`` False while the expo
    was not screened against the stored list (the filter then keeps nobody)."""
    listed: list[str] = field(default_factory=list)
    possible: list[str] = field(default_factory=list)
    known: bool = False


def _has_words(text, words) -> int:
    """SQL ``wesemibay_has_words(text, words)``: 1 when every space-separated word of
    ``words`` (folded already) is in the folded ``text``."""
    hay = search_fold(text or "")
    return int(all(w in hay for w in words.split()))


def _prepare(conn: sqlite3.Connection) -> None:
    if not getattr(conn, _FUNCS, False):
        conn.create_function("wesemibay_has_words", 2, _has_words, deterministic=True)
        try:
            setattr(conn, _FUNCS, True)
        except AttributeError:            # a plain sqlite3.Connection: register each time
            pass


def _failed(expo, exc: sqlite3.Error, what: str) -> DataError:
    return database_fault(expo.path, exc) or DataError(
        f"{expo.path}: {what} failed ({one_line(exc)})")


def _sort_sql(sort: str | None, blank: str) -> tuple[str, list]:
    """The ORDER BY key of a sort column and its parameters (ties: name, then slug)."""
    if sort == "booths":
        return f"coalesce({_BOOTHS}, ?) COLLATE NOCASE", [blank]
    if sort == "zone_name":
        return "coalesce(z.name, '') COLLATE NOCASE", []
    if sort == "country":
        return "coalesce(e.country, '') COLLATE NOCASE", []
    return "e.name COLLATE NOCASE", []


def exhibitor_ids(expo, filt: DirectoryFilter, sort: str | None = "name",
                  descending: bool = False, screening: Screening | None = None,
                  blank_booth: str = "") -> array:
    """Row ids of the exhibitors ``filt`` keeps, in the order of ``sort`` (a ``SORT_KEYS``
    entry; ties by name, then slug; ``descending`` reverses the whole order).

    ``screening`` gives the statuses to sort and filter by (``sort="screening"``: on a list
    first, then possible, then none found, then unknown). ``blank_booth`` is what an
    exhibitor without a booth sorts as (the directory shows "—" on a curated expo).
    """
    screening = screening or Screening()
    where: list[str] = []
    params: list = []
    if filt.zones is not None:
        where.append("coalesce(e.zone, '') IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(filt.zones)))
    if filt.group is not None:
        if not screening.known:
            where.append("0")
        elif filt.group in ("listed", "possible"):
            where.append("e.slug IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(getattr(screening, filt.group)))
        else:
            where.append("e.slug NOT IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(screening.listed + screening.possible))
    words = filt.words()
    if words:
        test = "wesemibay_has_words(" + _HAY + ", ?)"
        params.append(" ".join(words))
        if filt.also:
            test = f"({test} OR e.slug IN (SELECT value FROM json_each(?)))"
            params.append(json.dumps(sorted(filt.also)))
        where.append(test)
    direction = "DESC" if descending else "ASC"
    if sort == "screening":
        if screening.known:
            key = ("CASE WHEN e.slug IN (SELECT value FROM json_each(?)) THEN 0 "
                   "WHEN e.slug IN (SELECT value FROM json_each(?)) THEN 1 ELSE 2 END")
            key_params = [json.dumps(screening.listed), json.dumps(screening.possible)]
        else:
            key, key_params = "3", []
    else:
        key, key_params = _sort_sql(sort, blank_booth)
    order = f"{key} {direction}" + ("" if sort in (None, "name") else
                                     f", e.name COLLATE NOCASE {direction}")
    join = " LEFT JOIN zones z ON z.slug = e.zone" if (words or sort == "zone_name") else ""
    sql = (f"SELECT e.rowid FROM exhibitors e{join}"
           + (" WHERE " + " AND ".join(where) if where else "")
           + f" ORDER BY {order}, e.slug {direction}")
    try:
        if words:
            _prepare(expo._conn)
        return array("q", (r[0] for r in expo._conn.execute(sql, params + key_params)))
    except sqlite3.Error as exc:
        raise _failed(expo, exc, "the directory query") from None


def exhibitor_page(expo, rowids) -> dict[int, dict]:
    """Row id -> the directory's row (slug, name, name_zh, pinyin, country, category, zone,
    zone_name, booths: the codes joined by ", ", products: how many) for ``rowids``.
    Text that is not UTF-8 (a file made elsewhere) is shown with replacement characters."""
    ids = ",".join(str(int(i)) for i in rowids)
    if not ids:
        return {}
    rows = expo._rows(
        "SELECT e.rowid AS _rowid, e.slug, e.name, e.name_zh, e.pinyin, e.country, "
        "e.category, e.zone, coalesce(z.name, '') AS zone_name, "
        f"coalesce({_BOOTHS}, '') AS booths, "
        "(SELECT count(*) FROM products p WHERE p.exhibitor = e.slug) AS products "
        f"FROM exhibitors e LEFT JOIN zones z ON z.slug = e.zone WHERE e.rowid IN ({ids})")
    return {r.pop("_rowid"): r for r in rows}


def rowids_of(expo, slugs) -> set[int]:
    """Row ids of the exhibitors with these slugs (those that exist)."""
    try:
        return {r[0] for r in expo._conn.execute(
            "SELECT rowid FROM exhibitors WHERE slug IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(slugs)),))}
    except sqlite3.Error as exc:
        raise _failed(expo, exc, "the directory query") from None


def kept(expo, filt: DirectoryFilter, screening: Screening | None = None,
         text_ids: set[int] | None = None) -> tuple[set[int] | None, set[int] | None]:
    """(row ids of the exhibitors ``filt`` keeps, or None when it keeps all; row ids of
    those its words alone keep, or None without words) — the same exhibitors as
    ``exhibitor_ids``, in parts, so that a caller can keep the words' part (``text_ids``,
    the slow one: every row's text folded) while only ``also`` or the zone changes."""
    words = filt.words()
    parts = []
    if words:
        if text_ids is None:
            text_ids = set(exhibitor_ids(expo, DirectoryFilter(text=" ".join(words)), None))
        parts.append(text_ids | rowids_of(expo, filt.also) if filt.also else text_ids)
    if filt.zones is not None or filt.group is not None:
        parts.append(set(exhibitor_ids(expo, DirectoryFilter(zones=filt.zones,
                                                             group=filt.group), None,
                                       screening=screening)))
    if not parts:
        return None, None
    return set.intersection(*parts), (text_ids if words else None)


def exhibitor_rowid(expo, slug: str) -> int | None:
    """The row id of an exhibitor (None if there is none)."""
    try:
        found = expo._conn.execute("SELECT rowid FROM exhibitors WHERE slug = ?",
                                   (slug,)).fetchone()
    except sqlite3.Error as exc:
        raise _failed(expo, exc, "the directory query") from None
    return found[0] if found else None
