"""Opening and reading an expo file.

An expo file is one SQLite database (see ``schema``). ``open_expo`` checks that
the file is SQLite, not truncated and not from a newer program before anything
is written; a bad file raises ``DataError`` with one clear line and is left as
it was.
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from . import schema
from .errors import DataError

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Booth:
    code: str
    hall: str | None
    zone: str | None
    x: float
    y: float
    w: float
    h: float
    placed: bool


def _check_header(path: Path) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not an expo file") from None
    except PermissionError:
        raise DataError(f"{path}: permission denied") from None
    if len(head) == 0:
        raise DataError(f"{path}: the file is empty, not an expo file")
    if not head.startswith(SQLITE_MAGIC):
        raise DataError(f"{path}: not an expo file (not an SQLite database)")
    if len(head) < 100:
        raise DataError(f"{path}: the file is truncated (SQLite header incomplete)")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    size = path.stat().st_size
    if page_size and pages and size < page_size * pages:
        raise DataError(f"{path}: the file is truncated ({size} bytes, "
                        f"header says {page_size * pages}); it was left untouched")


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    if readonly:
        uri = path.resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


class Expo:
    """A read/write handle on one expo file."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self.db = sqlite_utils.Database(conn)

    # ----------------------------------------------------------------- basics
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Expo":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def meta(self) -> dict:
        row = self.conn.execute("SELECT * FROM expo WHERE id = 1").fetchone()
        if row is None:
            return {"name": self.path.stem, "schematic": 0, "synthetic": 0, "slug": self.path.stem}
        cols = [d[0] for d in self.conn.execute("SELECT * FROM expo LIMIT 0").description]
        meta = dict(zip(cols, row))
        meta["extra"] = json.loads(meta.get("extra") or "{}")
        return meta

    def rows(self, sql: str, params=()) -> list[dict]:
        cur = self.conn.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    # ------------------------------------------------------------------ floor
    def zones(self) -> list[dict]:
        return self.rows("SELECT * FROM zones ORDER BY sort, name")

    def halls(self) -> list[dict]:
        return self.rows("SELECT * FROM halls ORDER BY level, name")

    def booths(self) -> list[Booth]:
        cur = self.conn.execute(
            "SELECT code, hall, zone, x, y, w, h, placed FROM booths ORDER BY code")
        return [Booth(c, hl, z, x or 0.0, y or 0.0, w or 0.0, h or 0.0, bool(p))
                for c, hl, z, x, y, w, h, p in cur]

    def booth_occupants(self) -> dict[str, list[str]]:
        """Booth code -> exhibitor slugs at it (co-exhibitors share a booth)."""
        out: dict[str, list[str]] = {}
        for booth, ex in self.conn.execute(
                "SELECT booth, exhibitor FROM booth_exhibitors ORDER BY booth, exhibitor"):
            out.setdefault(booth, []).append(ex)
        return out

    def booths_of(self, exhibitor: str) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT booth FROM booth_exhibitors WHERE exhibitor = ? ORDER BY booth", (exhibitor,))]

    # -------------------------------------------------------------- exhibitors
    def exhibitor_rows(self) -> list[dict]:
        """All exhibitors with their booth codes joined (for the directory)."""
        return self.rows(
            """SELECT e.slug, e.name, e.name_zh, e.pinyin, e.country, e.category, e.zone,
                      COALESCE(z.name, '') AS zone_name,
                      COALESCE((SELECT group_concat(booth, ', ') FROM
                                 (SELECT booth FROM booth_exhibitors b
                                  WHERE b.exhibitor = e.slug ORDER BY booth)), '') AS booths,
                      (SELECT count(*) FROM products p WHERE p.exhibitor = e.slug) AS products
               FROM exhibitors e LEFT JOIN zones z ON z.slug = e.zone
               ORDER BY e.name COLLATE NOCASE""")

    def exhibitor(self, slug: str) -> dict | None:
        rows = self.rows("SELECT * FROM exhibitors WHERE slug = ?", (slug,))
        if not rows:
            return None
        row = rows[0]
        row["aliases"] = json.loads(row.get("aliases") or "[]")
        row["booths"] = self.booths_of(slug)
        return row

    def products_of(self, exhibitor: str) -> list[dict]:
        return self.rows("SELECT * FROM products WHERE exhibitor = ? ORDER BY name", (exhibitor,))

    def people_of(self, organisation: str) -> list[dict]:
        return self.rows("SELECT * FROM people WHERE organisation = ? ORDER BY name", (organisation,))

    def quotes_of(self, person: str) -> list[dict]:
        return self.rows("SELECT * FROM quotes WHERE person = ? ORDER BY id", (person,))

    def record(self, kind: str, ref: str) -> dict | None:
        table, key = _TABLES[kind]
        rows = self.rows(f"SELECT * FROM {table} WHERE {key} = ?", (ref,))
        return rows[0] if rows else None

    # ----------------------------------------------------------------- sources
    def sources_of(self, kind: str, ref: str) -> list[dict]:
        return self.rows(
            """SELECT s.* FROM cites c JOIN sources s ON s.id = c.source
               WHERE c.kind = ? AND c.ref = ? ORDER BY s.date, s.id""", (kind, ref))

    def links_from(self, kind: str, slug: str) -> list[dict]:
        return self.rows(
            """SELECT l.* FROM links l
               LEFT JOIN events e ON l.to_kind = 'event' AND e.slug = l.to_slug
               WHERE l.from_kind = ? AND l.from_slug = ?
               ORDER BY l.to_kind = 'event', e.date, l.to_slug""", (kind, slug))

    def linked_exhibitors(self, kind: str, slug: str) -> list[dict]:
        """Exhibitors a topic or event concerns, each with the reason of its link.

        A link from a product counts for its exhibitor. An event also concerns what its
        topics concern (``via`` names the topic then; None for a direct link). Direct
        links come first; an exhibitor appears once per link target.
        """
        targets = [(kind, slug, None)]
        if kind == "event":
            targets += [("topic", t, t) for (t,) in self.conn.execute(
                "SELECT topic FROM event_topics WHERE event = ? ORDER BY topic", (slug,))]
        out, seen = [], set()
        for to_kind, to_slug, via in targets:
            for row in self.rows(
                    """SELECT DISTINCT e.slug, e.name, l.reason FROM links l
                       JOIN exhibitors e ON (l.from_kind = 'exhibitor' AND e.slug = l.from_slug)
                          OR (l.from_kind = 'product' AND e.slug =
                              (SELECT exhibitor FROM products WHERE slug = l.from_slug))
                       WHERE l.to_kind = ? AND l.to_slug = ? ORDER BY e.name""",
                    (to_kind, to_slug)):
                if (row["slug"], via) in seen:
                    continue
                seen.add((row["slug"], via))
                row["via"] = via
                out.append(row)
        return out

    # ---------------------------------------------------------------- resolve
    def resolve(self, text: str) -> tuple[str, str] | None:
        """An exhibitor slug, booth code or exact name -> ("exhibitor"|"booth", key)."""
        text = text.strip()
        if not text:
            return None
        row = self.conn.execute("SELECT slug FROM exhibitors WHERE slug = ? OR name = ? "
                                "COLLATE NOCASE OR name_zh = ? LIMIT 1",
                                (text, text, text)).fetchone()
        if row:
            return ("exhibitor", row[0])
        row = self.conn.execute("SELECT code FROM booths WHERE code = ? COLLATE NOCASE",
                                (text,)).fetchone()
        if row:
            return ("booth", row[0])
        return None


_TABLES = {
    "exhibitor": ("exhibitors", "slug"),
    "organisation": ("organisations", "slug"),
    "product": ("products", "slug"),
    "topic": ("topics", "slug"),
    "event": ("events", "slug"),
    "person": ("people", "slug"),
    "quote": ("quotes", "id"),
    "link": ("links", "id"),
    "zone": ("zones", "slug"),
    "booth": ("booths", "code"),
}


def open_expo(path: str | os.PathLike, *, create: bool = False, readonly: bool = False) -> Expo:
    """Open (or with ``create`` make) an expo file, migrating it to the current schema.

    A file that is not SQLite, truncated, corrupt or from a newer version raises
    ``DataError`` and is not modified.
    """
    path = Path(path)
    if create and (not path.exists() or path.stat().st_size == 0):
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(path, readonly=False)
        try:
            schema.migrate(conn, str(path))
        except BaseException:
            conn.close()
            raise
        return Expo(conn, path)
    _check_header(path)
    try:
        probe = _connect(path, readonly=True)
        try:
            version = schema.file_version(probe)
            app_id = probe.execute("PRAGMA application_id").fetchone()[0]
            if version > schema.SCHEMA_VERSION:
                schema.migrate(probe, str(path))  # raises the "newer version" error
            if version and app_id != schema.APP_ID:
                raise DataError(f"{path}: an SQLite database, but not an expo file")
            if version == 0 and probe.execute(
                    "SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise DataError(f"{path}: an SQLite database, but not an expo file")
            result = probe.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise DataError(f"{path}: the database is damaged ({result}); it was left untouched")
        finally:
            probe.close()
    except sqlite3.DatabaseError as exc:
        raise DataError(f"{path}: cannot be read as an expo file ({exc}); "
                        "it was left untouched") from None
    conn = _connect(path, readonly=readonly)
    if not readonly and version < schema.SCHEMA_VERSION:
        try:
            schema.migrate(conn, str(path))
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise DataError(f"{path}: upgrading the file failed ({exc}); "
                            "it was left as it was") from None
        except BaseException:
            conn.close()
            raise
    return Expo(conn, path)
