"""Opening and reading an expo file.

An expo file is one SQLite database (see ``schema``). ``open_expo`` checks that
the file is SQLite, not truncated and not from a newer program before anything
is written; a bad file raises ``DataError`` with one clear line and is left as
it was.
"""
from __future__ import annotations

import functools
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from . import connection, fileops, schema
from . import search as _search
from . import supply as _supply
from .errors import DataError, database_fault, is_storage_fault, one_line, storage_error
from .names import names_of

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


def _lenient_text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _json_value(text, kind: type):
    """A JSON column's value, or an empty ``kind`` when a foreign file holds something else."""
    try:
        value = json.loads(text) if isinstance(text, str) and text else kind()
    except (ValueError, RecursionError):
        return kind()
    return value if isinstance(value, kind) else kind()


def _check_header(path: Path) -> None:
    """A regular file that starts like an SQLite database and is as long as it says."""
    with fileops.open_regular(path, "an expo file") as fh:
        try:
            head = fh.read(100)
            size = os.fstat(fh.fileno()).st_size
        except OSError as exc:
            raise storage_error(path, exc, "cannot read it") from None
    if len(head) == 0:
        raise DataError(f"{path}: the file is empty, not an expo file")
    if not head.startswith(SQLITE_MAGIC):
        raise DataError(f"{path}: not an expo file (not an SQLite database)")
    if len(head) < 100:
        raise DataError(f"{path}: the file is truncated (SQLite header incomplete)")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    if page_size and pages and size < page_size * pages:
        raise DataError(f"{path}: the file is truncated ({size} bytes, "
                        f"header says {page_size * pages}); it was left untouched")


def _connect(path: Path, readonly: bool, probe: bool = False) -> sqlite3.Connection:
    # A file from anyone: functions never run from its schema (triggers, views and
    # indexes we did not make are refused by check_schema anyway). The probe reads the
    # schema with the default, so that a foreign index gets its own clear message.
    if readonly:
        conn = connection.readonly(path, trusted_schema=probe)
    else:
        conn = connection.connect(path)
        conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


# ------------------------------------------------------------------ the schema
_REFUSED_FIX = ("it is not an expo file as WeSemiBay Explorer writes it (changed by another "
                "program?); use an untouched copy, or make it again with wesemibay-db import "
                "from its source files")


@functools.lru_cache(maxsize=None)
def expected_schema(version: int) -> dict[str, tuple[str, str | None]]:
    """Name -> (type, SQL) of every object an expo file of ``version`` holds.

    Made by running the migrations up to ``version`` on an empty database. The SQL of the
    tables a virtual table keeps (e.g. the search index's ``search_data``) is None: their
    text depends on the SQLite version, only their type is checked.
    """
    mem = connection.connect(":memory:")
    try:
        for step in schema.MIGRATIONS[:version]:
            for statement in schema._split(step):
                mem.execute(statement)
        rows = mem.execute("SELECT type, name, sql FROM sqlite_master "
                           "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").fetchall()
    finally:
        mem.close()
    virtual = [name for type_, name, sql in rows
               if type_ == "table" and (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
    out = {}
    for type_, name, sql in rows:
        shadow = any(name.startswith(v + "_") for v in virtual)
        out[name] = (type_, None if shadow else _norm_sql(sql))
    return out


def _norm_sql(sql: str | None) -> str | None:
    return " ".join(sql.split()) if sql else sql


_SQLITE_TABLES = {"sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"}


def check_schema(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Refuse a file whose schema is not exactly ours for ``version``.

    Reads only ``sqlite_master`` (never the rows): every table, index and the search index
    must be there as we made them (a view in place of a table, a missing table or column, a
    changed constraint are refused), and nothing else may be: no triggers, views or indexes
    we did not make (they would run or fail during an import).
    """
    expected = expected_schema(version)
    found = {}
    for type_, name, tbl, sql in conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master"):
        if (type_ == "index" and name.startswith("sqlite_autoindex_") and sql is None) \
                or (type_ == "table" and name in _SQLITE_TABLES):
            continue                       # SQLite's own (statistics, autoindexes)
        found[name] = (type_, sql)
    for name, (type_, sql) in found.items():
        want = expected.get(name)
        if want is None:
            what = {"trigger": "a trigger", "view": "a view", "index": "an index",
                    "table": "a table"}.get(type_, type_)
            raise DataError(f"{path}: refused: {what} {name!r} that WeSemiBay Explorer does "
                            f"not make; {_REFUSED_FIX}")
        if want[0] != type_:
            raise DataError(f"{path}: refused: {name!r} is a {type_}, not a {want[0]}; "
                            f"{_REFUSED_FIX}")
        if want[1] is not None and _norm_sql(sql) != want[1]:
            raise DataError(f"{path}: refused: the {type_} {name!r} is not as this version "
                            f"makes it (columns or constraints differ); {_REFUSED_FIX}")
    missing = [name for name in expected if name not in found]
    if missing:
        raise DataError(f"{path}: refused: the table {missing[0]!r} is missing"
                        + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
                        + f"; {_REFUSED_FIX}")


def check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    """SQLite's ``quick_check`` (reads every page: a separate step, so it can move)."""
    result = conn.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise DataError(f"{path}: the database is damaged ({one_line(result)}); it was left "
                        "untouched")


class Expo:
    """A handle on one expo file: the one door to its data.

    The window and the command line ask its methods (and the functions of ``db`` that take
    an ``Expo``: ``db.floor``, ``db.catalogue``, ``db.views``); none of them takes SQL from
    its caller. ``_conn`` and ``_rows`` are for modules of ``db`` only.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, version: int | None = None):
        self._conn = conn       # private to db/ (the window asks Expo's methods instead)
        self.path = path
        self._meta: tuple[int, dict] | None = None
        if version is not None:
            self.version = version          # known when opened: no need to read it again

    # ----------------------------------------------------------------- basics
    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> "Expo":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @functools.cached_property
    def version(self) -> int:
        """The file's schema version (a read-only handle on an older file is not upgraded)."""
        return schema.file_version(self._conn)

    def interrupt(self) -> None:
        """Stop a statement running on this handle (from another thread): it raises there."""
        self._conn.interrupt()

    def stop_when(self, check, every: int = 20_000) -> None:
        """Stop any statement on this handle (it raises "interrupted") once ``check()`` is
        true, asked every ``every`` steps of SQLite's machine; None: never. Unlike
        ``interrupt``, this also stops a statement that starts after the request."""
        self._conn.set_progress_handler((lambda: 1 if check() else 0) if check else None,
                                        every)

    def meta(self) -> dict:
        """The expo's own record (name, venue, dates, schematic and synthetic flags…).

        Kept until something is written through this handle (a copy is returned)."""
        changes = self._conn.total_changes
        if self._meta is None or self._meta[0] != changes:
            rows = self._rows("SELECT * FROM expo WHERE id = 1")
            if not rows:
                meta = {"name": self.path.stem, "schematic": 0, "synthetic": 0,
                        "slug": self.path.stem}
            else:
                meta = rows[0]
                meta["extra"] = _json_value(meta.get("extra"), dict)
            self._meta = (changes, meta)
        return dict(self._meta[1])

    @property
    def slug(self) -> str:
        """The expo's stable id (the user file keys notes and stars by it)."""
        return self.meta().get("slug") or self.path.stem

    def _rows(self, sql: str, params=()) -> list[dict]:
        """Rows of a query as dicts, for modules of db/ (never SQL from the window)."""
        try:
            return self._read(sql, params)
        except DataError as exc:
            if not getattr(exc, "undecodable", False):
                raise
        # A file made elsewhere may hold text that is not UTF-8: read it again, replacing
        # what cannot be decoded (only then, so that the usual reads stay fast).
        factory = self._conn.text_factory
        self._conn.text_factory = _lenient_text
        try:
            return self._read(sql, params)
        finally:
            self._conn.text_factory = factory

    def _read(self, sql: str, params) -> list[dict]:
        try:
            cur = self._conn.execute(sql, params)
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, r)) for r in cur.fetchall()]
        except sqlite3.DatabaseError as exc:
            fault = self._fault(exc)
            if fault is exc:
                raise
            fault.undecodable = "could not decode" in str(exc).casefold()
            raise fault from None
        except UnicodeDecodeError:           # SQLite's message quoted undecodable bytes
            raise DataError(f"{self.path}: the file is damaged; use an undamaged copy"
                            ) from None

    def _fault(self, exc: sqlite3.DatabaseError) -> Exception:
        """A read that failed: damage the opening checks did not see (they do not read every
        row) or a full disk is a ``DataError`` naming the file; anything else stays a bug."""
        return database_fault(self.path, exc) or exc

    # ------------------------------------------------------------------ floor
    def zones(self) -> list[dict]:
        """Zones in order; ``names`` (a name per language, ``db.names``) as a dict."""
        return self._named(self._rows("SELECT * FROM zones ORDER BY sort, name"))

    def halls(self) -> list[dict]:
        return self._named(self._rows("SELECT * FROM halls ORDER BY level, name"))

    @staticmethod
    def _named(rows: list[dict]) -> list[dict]:
        for r in rows:
            r["names"] = names_of(r.get("names"))
        return rows

    def booths(self) -> list[Booth]:
        cur = self._conn.execute(
            "SELECT code, hall, zone, x, y, w, h, placed FROM booths ORDER BY code")
        return [Booth(c, hl, z, x or 0.0, y or 0.0, w or 0.0, h or 0.0, bool(p))
                for c, hl, z, x, y, w, h, p in cur]

    def booth_occupants(self) -> dict[str, list[str]]:
        """Booth code -> exhibitor slugs at it (co-exhibitors share a booth)."""
        out: dict[str, list[str]] = {}
        for booth, ex in self._conn.execute(
                "SELECT booth, exhibitor FROM booth_exhibitors ORDER BY booth, exhibitor"):
            out.setdefault(booth, []).append(ex)
        return out

    def booths_of(self, exhibitor: str) -> list[str]:
        return [r[0] for r in self._conn.execute(
            "SELECT booth FROM booth_exhibitors WHERE exhibitor = ? ORDER BY booth", (exhibitor,))]

    def unplaced_booths(self, limit: int = 5000) -> list[tuple[str, str | None, str | None]]:
        """Booths the lists name but the floor plan lacks: (code, exhibitor names joined
        by ", " or None, the first exhibitor's slug or None), by code."""
        return [tuple(r) for r in self._conn.execute(
            "SELECT b.code, group_concat(e.name, ', '), min(e.slug) FROM booths b "
            "LEFT JOIN booth_exhibitors be ON be.booth = b.code "
            "LEFT JOIN exhibitors e ON e.slug = be.exhibitor "
            "WHERE b.placed = 0 GROUP BY b.code ORDER BY b.code LIMIT ?", (limit,))]

    # -------------------------------------------------------------- exhibitors
    def exhibitor_rows(self) -> list[dict]:
        """All exhibitors with their booth codes joined (for the directory)."""
        return self._rows(
            """SELECT e.slug, e.name, e.name_zh, e.pinyin, e.country, e.category, e.zone,
                      COALESCE(z.name, '') AS zone_name,
                      COALESCE((SELECT group_concat(booth, ', ') FROM
                                 (SELECT booth FROM booth_exhibitors b
                                  WHERE b.exhibitor = e.slug ORDER BY booth)), '') AS booths,
                      (SELECT count(*) FROM products p WHERE p.exhibitor = e.slug) AS products
               FROM exhibitors e LEFT JOIN zones z ON z.slug = e.zone
               ORDER BY e.name COLLATE NOCASE""")

    def exhibitor(self, slug: str) -> dict | None:
        rows = self._rows("SELECT * FROM exhibitors WHERE slug = ?", (slug,))
        if not rows:
            return None
        row = rows[0]
        row["aliases"] = _json_value(row.get("aliases"), list)
        row["booths"] = self.booths_of(slug)
        return row

    def products_of(self, exhibitor: str) -> list[dict]:
        return self._rows("SELECT * FROM products WHERE exhibitor = ? ORDER BY name", (exhibitor,))

    def people_of(self, organisation: str) -> list[dict]:
        return self._rows("SELECT * FROM people WHERE organisation = ? ORDER BY name",
                          (organisation,))

    def quotes_of(self, person: str) -> list[dict]:
        return self._rows("SELECT * FROM quotes WHERE person = ? ORDER BY id", (person,))

    def record(self, kind: str, ref: str) -> dict | None:
        table, key = _TABLES[kind]
        rows = self._rows(f"SELECT * FROM {table} WHERE {key} = ?", (ref,))
        return rows[0] if rows else None

    def exhibitors_of_products(self, products: list[str]) -> set[str]:
        """Slugs of the exhibitors of these products."""
        out: set[str] = set()
        products = list(products)
        for i in range(0, len(products), 500):
            chunk = products[i:i + 500]
            out.update(r[0] for r in self._conn.execute(
                f"SELECT DISTINCT exhibitor FROM products WHERE slug IN "
                f"({','.join('?' * len(chunk))})", chunk))
        return out

    # ----------------------------------------------------------------- policy
    def topics(self) -> list[dict]:
        """Every topic (slug, title, side), by title."""
        return self._rows("SELECT slug, title, side FROM topics ORDER BY title")

    def events(self) -> list[dict]:
        """Every event on the timeline (slug, date, date_precision, title, side)."""
        return self._rows("SELECT slug, date, date_precision, title, side FROM events")

    def events_of_topic(self, topic: str) -> list[dict]:
        """The events a topic is tied to (slug, date, date_precision, title), by date."""
        return self._rows(
            "SELECT e.slug, e.date, e.date_precision, e.title FROM event_topics et JOIN events e "
            "ON e.slug = et.event WHERE et.topic = ? ORDER BY e.date", (topic,))

    def topics_of_event(self, event: str) -> list[dict]:
        """The topics an event is tied to (slug, title), by title."""
        return self._rows(
            "SELECT t.slug, t.title FROM event_topics et JOIN topics t ON t.slug = et.topic "
            "WHERE et.event = ? ORDER BY t.title", (event,))

    def market_context(self, tool_type: str):
        """Global market shares for a tool type (``db.supply.MarketContext``)."""
        return _supply.market_context(self._conn, tool_type)

    # ----------------------------------------------------------------- sources
    def sources_of(self, kind: str, ref: str) -> list[dict]:
        return self._rows(
            """SELECT s.* FROM cites c JOIN sources s ON s.id = c.source
               WHERE c.kind = ? AND c.ref = ? ORDER BY s.date, s.id""", (kind, ref))

    def links_from(self, kind: str, slug: str) -> list[dict]:
        return self._rows(
            """SELECT l.* FROM links l
               LEFT JOIN events e ON l.to_kind = 'event' AND e.slug = l.to_slug
               WHERE l.from_kind = ? AND l.from_slug = ?
               ORDER BY l.to_kind = 'event', e.date, l.to_slug""", (kind, slug))

    def linked_exhibitors(self, kind: str, slug: str) -> list[dict]:
        """Exhibitors a topic or event concerns, each with the reason of its link.

        A link from a product counts for its exhibitor (``product``, ``product_name`` and
        ``product_shown``, its ``shown_at_expo``, say which; None for a link from the
        exhibitor). An event also concerns what its topics concern (``via`` names the topic
        then; None for a direct link). Direct links come first; an exhibitor appears once
        per link target and product. ``link`` is the id of the link whose reason is given
        (its sources and confidence are the link's).
        """
        targets = [(kind, slug, None)]
        if kind == "event":
            targets += [("topic", t, t) for (t,) in self._conn.execute(
                "SELECT topic FROM event_topics WHERE event = ? ORDER BY topic", (slug,))]
        shown = "p.shown_at_expo" if self.version >= 3 else "NULL"
        out, seen = [], set()
        for to_kind, to_slug, via in targets:
            for row in self._rows(
                    f"""SELECT DISTINCT e.slug, e.name, l.reason, l.id AS link,
                              p.slug AS product, p.name AS product_name,
                              {shown} AS product_shown
                       FROM links l
                       LEFT JOIN products p ON l.from_kind = 'product' AND p.slug = l.from_slug
                       JOIN exhibitors e ON (l.from_kind = 'exhibitor' AND e.slug = l.from_slug)
                          OR (l.from_kind = 'product' AND e.slug = p.exhibitor)
                       WHERE l.to_kind = ? AND l.to_slug = ?
                       ORDER BY e.name, p.name IS NOT NULL, p.name, l.id""",
                    (to_kind, to_slug)):
                if (row["slug"], row["product"], via) in seen:
                    continue
                seen.add((row["slug"], row["product"], via))
                row["via"] = via
                out.append(row)
        return out

    # ---------------------------------------------------------------- pictures
    def image_credit(self, image_id: int) -> str | None:
        row = self._conn.execute("SELECT credit FROM images WHERE id = ?",
                                 (image_id,)).fetchone()
        return row[0] if row else None

    def image_blobs(self, image_id: int) -> tuple[bytes | None, bytes | None] | None:
        """(stored thumbnail or None, picture data) of an image; None if there is none."""
        row = self._conn.execute("SELECT thumb, data FROM images WHERE id = ?",
                                 (image_id,)).fetchone()
        return None if row is None else (row[0], row[1])

    def image_data(self, image_id: int) -> bytes | None:
        row = self._conn.execute("SELECT data FROM images WHERE id = ?",
                                 (image_id,)).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------------ search
    def search(self, text: str, limit: int = 50, kinds=None, candidates=None) -> list:
        """Search as the window and ``wesemibay-db search`` do (``db.search.search``):
        the hits, with ``total`` and ``more`` (how many match in all)."""
        return _search.search(self._conn, text, limit=limit, kinds=kinds, candidates=candidates)

    # ---------------------------------------------------------------- resolve
    def resolve(self, text: str) -> tuple[str, str] | None:
        """An exhibitor slug, booth code or exact name -> ("exhibitor"|"booth", key)."""
        text = text.strip()
        if not text:
            return None
        row = self._conn.execute("SELECT slug FROM exhibitors WHERE slug = ? OR name = ? "
                                 "COLLATE NOCASE OR name_zh = ? LIMIT 1",
                                 (text, text, text)).fetchone()
        if row:
            return ("exhibitor", row[0])
        row = self._conn.execute("SELECT code FROM booths WHERE code = ? COLLATE NOCASE",
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


def open_expo(path: str | os.PathLike, *, create: bool = False, readonly: bool = False,
              integrity: bool = True) -> Expo:
    """Open (or with ``create`` make) an expo file, migrating it to the current schema.

    The checks, in order, before anything is written: a regular file (a named pipe or device
    is refused without opening it), an SQLite header that is complete and not truncated, our
    application id and a schema version we read, the schema exactly as that version makes it
    (``check_schema``), then ``quick_check`` (``check_integrity``; skipped with
    ``integrity=False``). A file that fails one raises ``DataError`` with one line naming the
    file, the fault and the fix, and is not modified.
    """
    path = Path(path)
    if create:
        st = fileops.check_regular(path, "an expo file", missing_ok=True)
        if st is None or st.st_size == 0:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                conn = _connect(path, readonly=False)
            except (OSError, sqlite3.Error) as exc:
                raise storage_error(path, exc, "cannot make the expo file") from None
            try:
                schema.migrate(conn, str(path))
            except BaseException:
                conn.close()
                raise
            return Expo(conn, path, schema.SCHEMA_VERSION)
    _check_header(path)
    try:
        probe = _connect(path, readonly=True, probe=True)
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
            check_schema(probe, path, version)
            probe.execute("PRAGMA trusted_schema = OFF")
            if integrity:
                check_integrity(probe, path)
        finally:
            probe.close()
    except sqlite3.DatabaseError as exc:
        if is_storage_fault(exc):
            raise storage_error(path, exc, "cannot read it") from None
        raise DataError(f"{path}: cannot be read as an expo file ({one_line(exc)}); "
                        "it was left untouched") from None
    except UnicodeDecodeError:     # SQLite's own message quoted bytes that are not UTF-8
        raise DataError(f"{path}: cannot be read as an expo file (its schema is damaged); "
                        "it was left untouched") from None
    try:
        conn = _connect(path, readonly=readonly)
    except sqlite3.Error as exc:
        raise storage_error(path, exc, "cannot open it") from None
    if not readonly and version < schema.SCHEMA_VERSION:
        try:
            schema.migrate(conn, str(path))
        except sqlite3.DatabaseError as exc:
            conn.close()
            if is_storage_fault(exc):
                raise storage_error(path, exc, "upgrading the file failed; it was left as it "
                                    "was") from None
            raise DataError(f"{path}: upgrading the file failed ({one_line(exc)}); "
                            "it was left as it was") from None
        except BaseException:
            conn.close()
            raise
        version = schema.SCHEMA_VERSION
    return Expo(conn, path, version)


def open_reader(path: str | os.PathLike) -> Expo:
    """A read-only handle for a worker thread, on an expo file the window has opened (and
    checked) with ``open_expo``: no checks again, nothing written. Close it when done."""
    path = Path(path)
    try:
        return Expo(connection.readonly(path), path)
    except sqlite3.Error as exc:
        raise storage_error(path, exc, "cannot open it") from None


def store_thumbnail(path: str | os.PathLike, image_id: int, thumb: bytes) -> None:
    """Keep a thumbnail made on screen in the expo file (when it has none yet), so that it
    is made once. Waits at most half a second for the file; ``DataError`` if it cannot."""
    try:
        conn = connection.connect(path, mode="rw", timeout=0.5)
        try:
            conn.execute("UPDATE images SET thumb = ? WHERE id = ? AND thumb IS NULL",
                         (thumb, image_id))
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DataError(f"{path}: the thumbnail of picture #{image_id} was not kept "
                        f"({one_line(exc)})") from None
