"""The local screening store: the loaded list, the last screening of each expo, decisions.

One SQLite file beside the user file (``<data dir>/screening.sqlite``). Loading a list writes
a complete new file (``db.fileops``: temporary file, fsync, rename, fsync of the folder), so a list is
either the old one or the new one, never half of each; the last screenings and the reviewers'
decisions are carried over into the new file. Screenings and decisions are small in-place
transactions.

Reviewers' decisions live in the user file (``db.userdata``, version 3), keyed by (expo slug,
exhibitor slug, entry identity). Before it had a table for them they were kept here; the
``decisions`` table stays so that they can be read and moved there once
(``db.screening.decisions.move_decisions``). An entry's identity is its source list and its
name (``EL|shenzhen sicarrier technologies co., ltd.``): the list's ``_id`` is a hash of the
name and the Federal Register text, so it changes whenever a citation is added, and would
lose the decision.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path

from .. import connection, fileops
from ..errors import DataError, is_storage_fault, storage_error
from ..expo import SQLITE_MAGIC
from .listfile import ParsedList
from .matching import MemoryIndex, SqlIndex
from .names import Name, entry_names, exact_key

STORE_NAME = "screening.sqlite"
STORE_VERSION = 1
STORE_APP_ID = 0x57534253  # "WSBS"
DECISIONS = ("confirmed", "cleared")
NO_FUZZY_TYPES = ("individual", "vessel", "aircraft")

_SCHEMA = """
CREATE TABLE list (
    id INTEGER PRIMARY KEY CHECK (id = 1), file_name TEXT NOT NULL, layout TEXT NOT NULL,
    sha256 TEXT NOT NULL, size INTEGER NOT NULL, entries INTEGER NOT NULL,
    list_date TEXT NOT NULL, date_basis TEXT NOT NULL, search_performed_at TEXT,
    file_date TEXT, stated_date TEXT, source_dates TEXT NOT NULL DEFAULT '{}',
    duplicates INTEGER NOT NULL DEFAULT 0, loaded_at TEXT NOT NULL);
CREATE TABLE entries (
    id INTEGER PRIMARY KEY, key TEXT NOT NULL, record_id TEXT, source TEXT, list_code TEXT,
    type TEXT, name TEXT NOT NULL, alt_names TEXT, programs TEXT, addresses TEXT,
    countries TEXT, federal_register_notice TEXT, citations TEXT, start_date TEXT,
    end_date TEXT, license_requirement TEXT, license_policy TEXT, source_list_url TEXT,
    source_information_url TEXT, remarks TEXT, list_date TEXT, fuzzy INTEGER NOT NULL);
CREATE TABLE names (
    id INTEGER PRIMARY KEY, entry INTEGER NOT NULL REFERENCES entries(id), field TEXT,
    role TEXT, text TEXT, exact TEXT NOT NULL, norm TEXT, tokens TEXT, compact TEXT);
CREATE TABLE name_tokens (token TEXT NOT NULL, size INTEGER NOT NULL, name INTEGER NOT NULL,
    PRIMARY KEY (token, size, name)) WITHOUT ROWID;
CREATE TABLE screenings (
    expo TEXT PRIMARY KEY, list_sha256 TEXT NOT NULL, list_date TEXT NOT NULL,
    screened_at TEXT NOT NULL, exhibitors INTEGER NOT NULL);
CREATE TABLE screening_matches (
    expo TEXT NOT NULL, exhibitor TEXT NOT NULL, entry_key TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (expo, exhibitor, entry_key)) WITHOUT ROWID;
CREATE TABLE decisions (
    expo TEXT NOT NULL, exhibitor TEXT NOT NULL, entry_key TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'cleared')),
    note TEXT NOT NULL DEFAULT '', entry_name TEXT, list_sha256 TEXT, list_date TEXT,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (expo, exhibitor, entry_key)) WITHOUT ROWID;
"""
_INDEXES = """
CREATE INDEX names_exact ON names(exact);
CREATE INDEX names_norm ON names(norm);
CREATE INDEX names_compact ON names(compact);
"""
_CARRIED = ("screenings", "screening_matches", "decisions")


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _j(values: list) -> str:
    return json.dumps(values, ensure_ascii=False) if values else "[]"


def entry_key(list_code: str, name: str) -> str:
    """An entry's identity across list versions: its source list and its name."""
    return f"{list_code}|{exact_key(name)}"


class ScreeningStore:
    """The screening store at ``path`` (made on the first ``replace_list``)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    @classmethod
    def in_dir(cls, data_dir: str | os.PathLike) -> "ScreeningStore":
        return cls(Path(data_dir) / STORE_NAME)

    # ------------------------------------------------------------- opening
    def exists(self) -> bool:
        return self.path.is_file() and self.path.stat().st_size > 0

    def _check(self) -> None:
        try:
            with open(self.path, "rb") as fh:
                head = fh.read(100)
        except OSError as exc:
            raise storage_error(self.path, exc, "cannot read the screening store") from None
        if not head.startswith(SQLITE_MAGIC):
            raise DataError(f"{self.path}: not a screening store (not an SQLite database); "
                            "move it away and load the list again")

    def connect(self, write: bool = False) -> sqlite3.Connection:
        """A connection to the store, checked; ``DataError`` if it is not a sound store."""
        if not self.exists():
            raise DataError(f"{self.path}: no screening list is stored")
        self._check()
        try:
            if write:
                conn = connection.connect(self.path, mode="rw", timeout=10)
                conn.execute("PRAGMA synchronous = FULL")
            else:
                conn = connection.readonly(self.path, timeout=10, trusted_schema=True)
            try:
                app, version = (conn.execute("PRAGMA application_id").fetchone()[0],
                                conn.execute("PRAGMA user_version").fetchone()[0])
            except BaseException:
                conn.close()
                raise
        except sqlite3.DatabaseError as exc:
            if is_storage_fault(exc):
                raise storage_error(self.path, exc, "cannot open the screening store") from None
            raise DataError(f"{self.path}: the screening store is damaged ({exc}); move it "
                            "away and load the list again") from None
        if app != STORE_APP_ID or version == 0:
            conn.close()
            raise DataError(f"{self.path}: an SQLite database, but not a screening store")
        if version > STORE_VERSION:
            conn.close()
            raise DataError(f"{self.path}: screening store from a newer version (schema "
                            f"{version}); it was left untouched")
        return conn

    # ---------------------------------------------------------------- list
    def info(self) -> dict | None:
        """The stored list: file name, sha256, date and how it was dated; None if none."""
        if not self.exists():
            return None
        with closing(self.connect()) as conn:
            cur = conn.execute("SELECT * FROM list WHERE id = 1")
            row = cur.fetchone()
            if row is None:
                return None
            out = dict(zip([d[0] for d in cur.description], row))
        out.pop("id")
        out["source_dates"] = json.loads(out["source_dates"] or "{}")
        return out

    def replace_list(self, parsed: ParsedList) -> dict:
        """Store ``parsed`` as the list (atomically), keeping screenings and decisions."""
        fileops.remove_stale(self.path, "list")
        tmp = fileops.temp_beside(self.path, "list", ".sqlite")
        try:
            conn = connection.connect(tmp)
            try:
                self._write(conn, parsed)
            finally:
                conn.close()
            fileops.replace(tmp, self.path, database=True)
        except BaseException as exc:
            fileops.remove(tmp, sidecars=True)
            if isinstance(exc, (OSError, sqlite3.Error)) and is_storage_fault(exc):
                raise storage_error(self.path, exc, "cannot write the screening store") from None
            raise
        return self.info()

    def _write(self, conn: sqlite3.Connection, parsed: ParsedList) -> None:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        for stmt in _SCHEMA.split(";"):
            if stmt.strip():
                conn.execute(stmt)
        conn.execute("INSERT INTO list VALUES (1,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
            parsed.file_name, parsed.layout, parsed.sha256, parsed.size, len(parsed.entries),
            parsed.list_date, parsed.date_basis, parsed.search_performed_at, parsed.file_date,
            parsed.stated_date, json.dumps(parsed.source_dates, ensure_ascii=False),
            parsed.duplicates, _now()))
        entries, names, tokens = [], [], []
        nid = 0
        for eid, e in enumerate(parsed.entries, 1):
            fuzzy = e.type.strip().lower() not in NO_FUZZY_TYPES
            entries.append((eid, entry_key(e.list_code, e.name), e.record_id, e.source,
                            e.list_code, e.type, e.name, _j(e.alt_names), _j(e.programs),
                            e.addresses, _j(e.countries), e.federal_register_notice,
                            _j(e.citations), e.start_date, e.end_date,
                            e.license_requirement, e.license_policy, e.source_list_url,
                            e.source_information_url, e.remarks, e.list_date, int(fuzzy)))
            for n in entry_names(e.name, e.alt_names):
                nid += 1
                names.append((nid, eid, n.field, n.role, n.text, n.exact, n.norm,
                              " ".join(sorted(n.tokens)), n.compact))
                if fuzzy:
                    tokens.extend((t, len(n.tokens), nid) for t in n.tokens)
        conn.executemany("INSERT INTO entries VALUES (" + ",".join("?" * 22) + ")", entries)
        conn.executemany("INSERT INTO names VALUES (?,?,?,?,?,?,?,?,?)", names)
        conn.executemany("INSERT OR IGNORE INTO name_tokens VALUES (?,?,?)", tokens)
        for stmt in _INDEXES.split(";"):
            if stmt.strip():
                conn.execute(stmt)
        conn.execute("COMMIT")
        if self.exists():                 # carry the screenings and decisions over
            self.connect().close()        # a damaged or foreign store stops here, untouched
            conn.execute("ATTACH DATABASE ? AS old", (self.path.resolve().as_uri() + "?mode=ro",))
            conn.execute("BEGIN")
            for table in _CARRIED:
                conn.execute(f"INSERT INTO {table} SELECT * FROM old.{table}")
            conn.execute("COMMIT")
            conn.execute("DETACH DATABASE old")
        conn.execute(f"PRAGMA application_id = {STORE_APP_ID}")
        conn.execute(f"PRAGMA user_version = {STORE_VERSION}")

    # -------------------------------------------------------------- entries
    def memory_index(self) -> MemoryIndex:
        """The whole list in memory, for screening many exhibitors."""
        with closing(self.connect()) as conn:
            rows = conn.execute("SELECT n.entry, n.field, n.role, n.text, n.exact, n.norm, "
                                "n.tokens, n.compact, e.fuzzy FROM names n "
                                "JOIN entries e ON e.id = n.entry ORDER BY n.id").fetchall()
        return MemoryIndex((entry, Name(f, r, t, x, nm, frozenset(tk.split()), c), bool(fz))
                           for entry, f, r, t, x, nm, tk, c, fz in rows)

    def sql_index(self, conn: sqlite3.Connection) -> SqlIndex:
        return SqlIndex(conn)

    def entries(self, ids, conn: sqlite3.Connection | None = None) -> dict[int, dict]:
        """Entries by id, their JSON fields decoded."""
        ids = sorted(set(ids))
        if not ids:
            return {}
        own = conn is None
        conn = conn or self.connect()
        try:
            out = {}
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                cur = conn.execute(f"SELECT * FROM entries WHERE id IN "
                                   f"({','.join('?' * len(chunk))})", chunk)
                cols = [d[0] for d in cur.description]
                for row in cur:
                    e = dict(zip(cols, row))
                    for c in ("alt_names", "programs", "countries", "citations"):
                        e[c] = json.loads(e[c] or "[]")
                    out[e["id"]] = e
            return out
        finally:
            if own:
                conn.close()

    # ---------------------------------------------------------- screenings
    def last_screening(self, expo: str) -> tuple[dict, dict[str, dict[str, dict]]] | None:
        """(header, {exhibitor: {entry key: match summary}}) of the expo's last screening."""
        if not self.exists():
            return None
        with closing(self.connect()) as conn:
            row = conn.execute("SELECT list_sha256, list_date, screened_at, exhibitors FROM "
                               "screenings WHERE expo = ?", (expo,)).fetchone()
            if row is None:
                return None
            head = dict(zip(("list_sha256", "list_date", "screened_at", "exhibitors"), row))
            found: dict[str, dict[str, dict]] = {}
            for ex, key, data in conn.execute("SELECT exhibitor, entry_key, data FROM "
                                              "screening_matches WHERE expo = ?", (expo,)):
                found.setdefault(ex, {})[key] = json.loads(data)
        return head, found

    def save_screening(self, expo: str, info: dict, n_exhibitors: int,
                       found: dict[str, dict[str, dict]]) -> None:
        """Keep this screening of ``expo`` as its last (one transaction)."""
        with closing(self.connect(write=True)) as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("DELETE FROM screening_matches WHERE expo = ?", (expo,))
                conn.execute("INSERT OR REPLACE INTO screenings VALUES (?,?,?,?,?)",
                             (expo, info["sha256"], info["list_date"], _now(), n_exhibitors))
                conn.executemany("INSERT INTO screening_matches VALUES (?,?,?,?)", [
                    (expo, ex, key, json.dumps(data, ensure_ascii=False, sort_keys=True))
                    for ex, per in found.items() for key, data in per.items()])
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if is_storage_fault(exc):
                    raise storage_error(self.path, exc, "cannot save the screening") from None
                raise

    def saved_matches(self, expo: str, slugs=None) -> dict[str, dict[str, str]] | None:
        """{exhibitor: {entry key: "match" | "possible"}} of the expo's last screening, if it
        was made against the stored list (None when there is none: screen the expo first).
        An exhibitor it does not name had no entry found. With ``slugs``, only those (a page
        of the directory); indexed lookups, the list is not loaded."""
        info = self.info()
        if info is None:
            return None
        with closing(self.connect()) as conn:
            row = conn.execute("SELECT list_sha256 FROM screenings WHERE expo = ?",
                               (expo,)).fetchone()
            if row is None or row[0] != info["sha256"]:
                return None
            sql = ("SELECT exhibitor, entry_key, json_extract(data, '$.status') FROM "
                   "screening_matches WHERE expo = ?")
            if slugs is None:
                rows = conn.execute(sql, (expo,)).fetchall()
            else:
                wanted, rows = sorted(set(slugs)), []
                for i in range(0, len(wanted), 500):
                    chunk = wanted[i:i + 500]
                    rows += conn.execute(sql + f" AND exhibitor IN ({','.join('?' * len(chunk))})",
                                         (expo, *chunk)).fetchall()
        out: dict[str, dict[str, str]] = {}
        for ex, key, status in rows:
            out.setdefault(ex, {})[key] = status
        return out

    # ----------------------------------------------------------- decisions
    def decisions(self, expo: str | None = None) -> dict[tuple[str, str], dict]:
        """Decisions kept here before the user file had a table for them: {(exhibitor,
        entry key): decision} of one expo (``expo`` None: of every expo, keyed by (expo,
        exhibitor, entry key))."""
        if not self.exists():
            return {}
        cols = ("exhibitor", "entry_key", "decision", "note", "entry_name", "list_sha256",
                "list_date", "decided_at")
        with closing(self.connect()) as conn:
            if expo is None:
                cur = conn.execute(f"SELECT expo, {', '.join(cols)} FROM decisions")
                return {tuple(r[:3]): dict(zip(("expo",) + cols, r)) for r in cur}
            cur = conn.execute(f"SELECT {', '.join(cols)} FROM decisions WHERE expo = ?",
                               (expo,))
            return {(r[0], r[1]): dict(zip(cols[2:], r[2:])) for r in cur}

    def drop_decisions(self, keys) -> None:
        """Remove decisions (expo, exhibitor, entry key) once the user file holds them."""
        keys = list(keys)
        if not keys:
            return
        with closing(self.connect(write=True)) as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("DELETE FROM decisions WHERE expo = ? AND exhibitor = ? AND "
                                 "entry_key = ?", keys)
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if is_storage_fault(exc):
                    raise storage_error(self.path, exc, "cannot update the screening store") \
                        from None
                raise
