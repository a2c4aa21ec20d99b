"""The products catalogue, a page at a time: filters, sort orders and pages as queries.

The window's products table (``desktop.models.products``) holds only the ordered row ids
that match the filters (``product_ids``) and asks for the rows a page at a time
(``product_page``), so that it stays fast at a million products. A failed query raises
``DataError`` naming the file (the table then shows nothing and logs why).
"""
from __future__ import annotations

import sqlite3
from array import array
from dataclasses import dataclass

from . import search as dbsearch
from .errors import DataError, database_fault, one_line

# Sort keys in the table's column order, and the SQL that sorts by each.
SORT_KEYS = ("name", "name_zh", "exhibitor_name", "tool_type", "zone_name", "country")
_SORT_SQL = {
    "name": "p.name COLLATE NOCASE",
    "name_zh": "p.name_zh",
    "exhibitor_name": "e.name COLLATE NOCASE",
    "tool_type": "p.tool_type",
    "zone_name": "e.zone",
    "country": "e.country",
}
CANDIDATES = 20_000       # text filter: the first this many matching products, as search does


@dataclass
class ProductFilter:
    text: str = ""
    tool_type: str | None = None
    zone: str | None = None
    country: str | None = None
    exhibitor: str | None = None

    def where(self) -> tuple[str, list]:
        """The WHERE clause (with its parameters) that keeps the products this filter keeps."""
        where, params = [], []
        if self.tool_type:
            where.append("p.tool_type = ?")
            params.append(self.tool_type)
        if self.exhibitor:
            where.append("p.exhibitor = ?")
            params.append(self.exhibitor)
        if self.zone:
            where.append("e.zone = ?")
            params.append(self.zone)
        if self.country:
            where.append("e.country = ?")
            params.append(self.country)
        q = dbsearch.build_query(self.text) if self.text.strip() else None
        if self.text.strip() and q is None:
            where.append("0")
        elif q:
            # Bounded, like search as you type: the first 20,000 matching products.
            where.append("p.slug IN (SELECT ref FROM search WHERE search MATCH ? "
                         f"AND kind = 'product' LIMIT {CANDIDATES})")
            params.append(q)
        return (" WHERE " + " AND ".join(where)) if where else "", params


def _failed(expo, exc: sqlite3.Error, what: str) -> DataError:
    """Damage (or a full disk) said as such; anything else as the query that failed."""
    return database_fault(expo.path, exc) or DataError(
        f"{expo.path}: {what} failed ({one_line(exc)})")


def product_count(expo) -> int:
    """How many products the catalogue has (at most; cheap at any size)."""
    try:
        return expo._conn.execute("SELECT max(rowid) FROM products").fetchone()[0] or 0
    except sqlite3.Error:
        return 0


def product_ids(expo, filt: ProductFilter, sort: str | None = None,
                descending: bool = False) -> array:
    """Row ids of the products ``filt`` keeps, sorted by ``sort`` (a ``SORT_KEYS`` entry;
    None: catalogue order), ties in catalogue order."""
    where, params = filt.where()
    key = _SORT_SQL.get(sort or "", "p.rowid")
    direction = "DESC" if descending else "ASC"
    join = " JOIN exhibitors e ON e.slug = p.exhibitor" if ("e." in where or "e." in key) else ""
    sql = (f"SELECT p.rowid FROM products p{join}{where} "
           f"ORDER BY {key} {direction}, p.rowid {direction}")
    try:
        return array("q", (r[0] for r in expo._conn.execute(sql, params)))
    except sqlite3.Error as exc:
        raise _failed(expo, exc, "the product query") from None


def product_page(expo, rowids) -> dict[int, tuple]:
    """Row id -> (rowid, slug, name, name_zh, exhibitor name, tool type, zone name,
    country, image id, exhibitor slug, shown_at_expo, name_zh_note) for the products
    ``rowids`` (the last two None in a file older than schema 3)."""
    ids = ",".join(str(int(i)) for i in rowids)
    if not ids:
        return {}
    labels = "p.shown_at_expo, p.name_zh_note" if expo.version >= 3 else "NULL, NULL"
    try:
        return {r[0]: r for r in expo._conn.execute(
            "SELECT p.rowid, p.slug, p.name, p.name_zh, e.name, p.tool_type, "
            f"z.name, e.country, p.image, p.exhibitor, {labels} "
            "FROM products p LEFT JOIN exhibitors e ON e.slug = p.exhibitor "
            "LEFT JOIN zones z ON z.slug = e.zone "
            f"WHERE p.rowid IN ({ids})")}
    except sqlite3.Error as exc:
        raise _failed(expo, exc, "a product page") from None


def product_rowid(expo, slug: str) -> int | None:
    """The row id of a product (None if there is no such product)."""
    try:
        found = expo._conn.execute("SELECT rowid FROM products WHERE slug = ?",
                                   (slug,)).fetchone()
    except sqlite3.Error:
        return None
    return found[0] if found else None


def filter_choices(expo) -> dict[str, list[tuple[str, str]]]:
    """Filter choices: tool types, zones, countries, as (value, label)."""
    conn = expo._conn
    try:
        # Tool types from (at most) the first 20,000 products: cheap at any size.
        tools = [(t, t) for (t,) in conn.execute(
            "SELECT tool_type FROM (SELECT tool_type FROM products LIMIT 20000) "
            "WHERE tool_type IS NOT NULL GROUP BY tool_type ORDER BY tool_type LIMIT 500")]
        zones = [(s, n) for s, n in conn.execute("SELECT slug, name FROM zones ORDER BY sort")]
        countries = [(c, c) for (c,) in conn.execute(
            "SELECT DISTINCT country FROM exhibitors WHERE country IS NOT NULL "
            "ORDER BY country LIMIT 500")]
    except sqlite3.Error:
        return {"tool_type": [], "zone": [], "country": []}
    return {"tool_type": tools, "zone": zones, "country": countries}
