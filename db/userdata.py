"""The visitor's own data: favourites and notes, in a user file apart from any expo.

Records are keyed by (expo slug, kind, stable id), so that replacing or
re-importing an expo file never loses them. The file runs in WAL mode with
``synchronous=FULL`` and every change is its own short ``BEGIN IMMEDIATE``
transaction that reads and writes together: once a call here returns, the change
survives a killed process or a power cut, and two running copies never overwrite
each other's work unseen.

What this module promises, and how:

- **Nothing shown as saved is lost.** A write either commits or raises
  ``StorageError`` (disk full, read-only file or folder, I/O error) with one line
  saying why; ``Outbox`` keeps notes that could not be written, retries them, and
  writes them to a dated text file when they still cannot be saved at the end.
- **Two running copies keep both texts.** Each note has a row version. A save
  names the version it was based on; if another copy has saved since, its text is
  kept as a *conflict copy* (``conflicts()``) instead of being overwritten.
- **A bad user file is never converted and never fatal.** Opening lets SQLite judge
  the file (schema, ``application_id``, expected tables and columns,
  ``quick_check``); the header's page count is not trusted, since in WAL mode the
  newest pages may still be in the ``-wal`` file. A damaged or foreign file is
  moved aside as a dated backup (with its ``-wal``/``-shm``) and a fresh one is
  made (``UserData.recovered`` says so); a file from a newer version is refused
  untouched (``DataError``). When the file or folder cannot be written, the data
  is opened as a read-only snapshot and ``readonly_reason`` says why; writes then
  fail with that reason (and succeed again once the file is writable).
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import json
import os
import sqlite3
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import connection, fileops
from .errors import DataError, StorageError, describe, is_storage_fault, storage_error

USER_VERSION = 4
USER_FILE = "user.sqlite"     # its name in the data folder (the screening store sits beside it)
USER_APP_ID = 0x57534255  # "WSBU"
SQLITE_MAGIC = b"SQLite format 3\x00"
SIDECARS = ("-wal", "-shm", "-journal")
BUSY_TIMEOUT_S = 5.0

# One list of statements per schema step; ``_migrate`` runs each step in its own transaction.
_STEPS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE favourites (
            expo TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL,
            PRIMARY KEY (expo, kind, ref)) WITHOUT ROWID""",
        """CREATE TABLE notes (
            expo TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '', tags TEXT NOT NULL DEFAULT '[]',
            created TEXT NOT NULL, updated TEXT NOT NULL,
            PRIMARY KEY (expo, kind, ref)) WITHOUT ROWID""",
    ],
    # v2: a row version per note (an emptied note stays as a row, so versions never
    # restart), and the conflict copies kept when two running copies edit one note.
    2: [
        "ALTER TABLE notes ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
        """CREATE TABLE note_conflicts (
            id INTEGER PRIMARY KEY, expo TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL,
            text TEXT NOT NULL, tags TEXT NOT NULL DEFAULT '[]',
            saved TEXT NOT NULL,
            kept TEXT NOT NULL)""",
        "CREATE INDEX note_conflicts_key ON note_conflicts(expo, kind, ref)",
    ],
    # v3: reviewers' decisions on screening-list matches (db.screening), keyed by the expo,
    # the exhibitor and the entry's identity (its list and name), so that they survive
    # re-screening and newer lists; the list it was decided on is kept with it.
    3: [
        """CREATE TABLE screening_decisions (
            expo TEXT NOT NULL, exhibitor TEXT NOT NULL, entry_key TEXT NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('confirmed','cleared')),
            note TEXT NOT NULL DEFAULT '', entry_name TEXT, list_sha256 TEXT, list_date TEXT,
            decided_at TEXT NOT NULL,
            PRIMARY KEY (expo, exhibitor, entry_key)) WITHOUT ROWID""",
    ],
    # v4: stops the visitor has been to (the "visited" mark on the plan and in My plan).
    4: [
        """CREATE TABLE visited (
            expo TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL, at TEXT NOT NULL,
            PRIMARY KEY (expo, kind, ref)) WITHOUT ROWID""",
    ],
}

# The tables and columns each version must have (a file lacking one is damaged).
_TABLES: dict[int, dict[str, set[str]]] = {
    1: {"favourites": {"expo", "kind", "ref", "position", "created"},
        "notes": {"expo", "kind", "ref", "text", "tags", "created", "updated"}},
}
_TABLES[2] = {**_TABLES[1],
              "notes": _TABLES[1]["notes"] | {"version"},
              "note_conflicts": {"id", "expo", "kind", "ref", "text", "tags", "saved", "kept"}}
_TABLES[3] = {**_TABLES[2],
              "screening_decisions": {"expo", "exhibitor", "entry_key", "decision", "note",
                                      "entry_name", "list_sha256", "list_date", "decided_at"}}
SCREENING_DECISIONS = ("confirmed", "cleared")
_DECISION_COLUMNS = ("expo", "exhibitor", "entry_key", "decision", "note", "entry_name",
                     "list_sha256", "list_date", "decided_at")
_TABLES[4] = {**_TABLES[3], "visited": {"expo", "kind", "ref", "at"}}


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _stamp() -> str:
    """Local date and time for file names: 2026-12-01T203000."""
    return _dt.datetime.now().strftime("%Y-%m-%dT%H%M%S")


def _tags(raw: str) -> list[str]:
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return []
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def _clean_tags(tags) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in tags if t.strip()))


@dataclass(frozen=True)
class Saved:
    """What a committed note write did."""
    updated: str           # when (UTC, ISO 8601)
    version: int           # the note's row version now: the base of the next save
    conflict: bool = False  # another copy had saved a different text: it is a conflict copy now
    text: str = ""         # the note's text now


@dataclass(frozen=True)
class Recovery:
    """A damaged or foreign user file that was moved aside when the user file was opened."""
    path: Path
    backup: Path
    reason: str
    notes: int = 0         # notes and stars still readable in a damaged file, carried over
    stars: int = 0

    def message(self) -> str:
        text = f"{self.path}: {self.reason}; it was moved aside as {self.backup.name} and a new"
        if self.notes or self.stars:
            counts = (f"{self.notes} note{'s' * (self.notes != 1)}, "
                      f"{self.stars} star{'s' * (self.stars != 1)}")
            return text + f" user file was made with what could still be read from it ({counts})"
        return text + ", empty user file was made"


# ------------------------------------------------------------ file checks
def _file_problem(path: Path) -> tuple[str, str] | None:
    """Check what can be told without SQLite: ``(label, reason)`` for a bad file, else None.

    Raises ``DataError`` for something that is not a file at all (a folder, a pipe),
    which is left alone: moving it is not ours to do.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise storage_error(path, exc, "cannot read the user file") from None
    if not stat.S_ISREG(st.st_mode):
        what = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise DataError(f"{path}: the user file is {what}; move it away or start with "
                        "another --data-dir")
    if st.st_size == 0:
        return None
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise storage_error(path, exc, "cannot read the user file") from None
    if not head.startswith(SQLITE_MAGIC[:len(head)]):
        return "damaged", "the user file is damaged (not an SQLite database)"
    if len(head) < 100:
        return "damaged", "the user file is damaged (truncated: its header is incomplete)"
    return None


def _judge(conn: sqlite3.Connection, path: Path) -> tuple[str, str] | None:
    """Let SQLite judge an open file: None when it is a sound user file (or an empty one).

    Returns ``(label, reason)`` for a damaged or foreign file; raises ``DataError``
    for a file from a newer version and ``StorageError`` when it cannot be read.
    """
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        objects = dict(conn.execute("SELECT name, type FROM sqlite_master"))
        if app_id == 0 and version == 0 and not objects:
            return None                               # an empty database: made into ours
        if app_id != USER_APP_ID:
            return "foreign", ("is not a WeSemiBay user file (another program's SQLite "
                               "database)")
        if version > USER_VERSION:
            raise DataError(f"{path}: user file from a newer version of the program (schema "
                            f"{version}); it was left untouched: use the newer version, or "
                            "start with another --data-dir")
        if version < 1:
            return "damaged", "the user file is damaged (no schema version)"
        for table, columns in _TABLES[version].items():
            if objects.get(table) != "table":
                return "damaged", f"the user file is damaged (the table {table} is missing)"
            have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            if columns - have:
                return "damaged", (f"the user file is damaged (the table {table} lacks "
                                   f"{', '.join(sorted(columns - have))})")
        result = [row[0] for row in conn.execute("PRAGMA quick_check")]
        if result != ["ok"]:
            return "damaged", f"the user file is damaged ({result[0]})"
    except sqlite3.DatabaseError as exc:
        if is_storage_fault(exc):
            raise storage_error(path, exc, "cannot read the user file") from None
        return "damaged", f"the user file is damaged ({exc})"
    return None


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _move_aside(path: Path, label: str, reason: str) -> Recovery:
    """Rename ``path`` and its -wal/-shm to ``<name>.<label>-<date>``: the dated backup."""
    base = f"{path.name}.{label}-{_stamp()}"
    backup, n = path.with_name(base), 1
    while any(Path(f"{backup}{s}").exists() for s in ("",) + SIDECARS):
        n += 1
        backup = path.with_name(f"{base}-{n}")
    try:
        # The main file first: a -wal left without its file is moved aside when the new
        # file is made, never replayed onto it.
        if path.exists():
            os.replace(path, backup)
        for s in SIDECARS:
            if Path(f"{path}{s}").exists():
                os.replace(f"{path}{s}", f"{backup}{s}")
    except OSError as exc:
        raise storage_error(path, exc, f"{reason}; moving it aside failed") from None
    _fsync_dir(path.parent)
    return Recovery(path, backup, reason)


def _readable(src: sqlite3.Connection, sql: str):
    """The rows of ``sql`` up to the first one SQLite cannot read (a damaged page)."""
    try:
        cur = src.execute(sql)
        while (row := cur.fetchone()) is not None:
            yield row
    except sqlite3.DatabaseError:
        return


def _salvage(backup: Path, conn: sqlite3.Connection) -> tuple[int, int]:
    """Copy the notes, stars and conflict copies still readable in a damaged user file of
    ours (``backup``) into the new one; returns (notes, stars). The backup stays as it is."""
    had = {s for s in ("-wal", "-shm") if Path(f"{backup}{s}").exists()}
    try:
        src = _connect(backup, "ro")
    except sqlite3.Error:
        return 0, 0
    notes = stars = 0
    try:
        if src.execute("PRAGMA application_id").fetchone()[0] != USER_APP_ID:
            return 0, 0
        tables = {n: {r[1] for r in src.execute(f"PRAGMA table_info({n})")}
                  for (n,) in src.execute("SELECT name FROM sqlite_master WHERE type='table'")
                  if n in _TABLES[USER_VERSION]}
        conn.execute("BEGIN IMMEDIATE")
        if _TABLES[1]["favourites"] <= tables.get("favourites", set()):
            for row in _readable(src, "SELECT expo, kind, ref, position, created FROM favourites"):
                if all(isinstance(v, str) for v in row[:3]):
                    stars += conn.execute("INSERT OR IGNORE INTO favourites VALUES (?,?,?,?,?)",
                                          row).rowcount
        if _TABLES[1]["notes"] <= tables.get("notes", set()):
            version = "version" if "version" in tables["notes"] else "1"
            for row in _readable(src, "SELECT expo, kind, ref, text, tags, created, updated, "
                                      f"{version} FROM notes"):
                if all(isinstance(v, str) for v in row[:7]):
                    row = row[:4] + (json.dumps(_tags(row[4]), ensure_ascii=False),) + row[5:]
                    conn.execute("INSERT OR IGNORE INTO notes(expo, kind, ref, text, tags, "
                                 "created, updated, version) VALUES (?,?,?,?,?,?,?,?)", row)
                    notes += bool(row[3].strip() or row[4] != "[]")
        if _TABLES[2]["note_conflicts"] <= tables.get("note_conflicts", set()):
            for row in _readable(src, "SELECT expo, kind, ref, text, tags, saved, kept "
                                      "FROM note_conflicts"):
                if all(isinstance(v, str) for v in row):
                    conn.execute("INSERT INTO note_conflicts(expo, kind, ref, text, tags, saved, "
                                 "kept) VALUES (?,?,?,?,?,?,?)", row)
        if _TABLES[3]["screening_decisions"] <= tables.get("screening_decisions", set()):
            for row in _readable(src, f"SELECT {', '.join(_DECISION_COLUMNS)} "
                                      "FROM screening_decisions"):
                if all(isinstance(v, str) for v in row[:5] + row[8:]) \
                        and row[3] in SCREENING_DECISIONS:
                    conn.execute("INSERT OR IGNORE INTO screening_decisions VALUES "
                                 "(?,?,?,?,?,?,?,?,?)", row)
        conn.execute("COMMIT")
    except sqlite3.Error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        return 0, 0
    finally:
        src.close()
        for side in {"-wal", "-shm"} - had:     # made empty by the read-only reader: not ours
            with contextlib.suppress(OSError):
                if side == "-shm" or not Path(f"{backup}{side}").stat().st_size:
                    os.unlink(f"{backup}{side}")
    return notes, stars


def _write_problem(path: Path) -> str | None:
    """Why the user file (or its folder, for -wal/-shm) cannot be written; None if it can.

    Tried for real (``os.access`` says yes to root, and knows nothing of read-only
    mounts or immutable files).
    """
    target = path
    try:
        if path.exists():
            os.close(os.open(path, os.O_RDWR))
        if not all(Path(f"{path}{s}").exists() for s in ("-wal", "-shm")):
            target = path.parent
            fd, probe = tempfile.mkstemp(prefix=".wesemibay-probe-", dir=path.parent)
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        return f"{target}: {describe(exc)}"
    return None


def _connect(target: str | Path, mode: str | None = None) -> sqlite3.Connection:
    return connection.connect(target, mode=mode, timeout=BUSY_TIMEOUT_S)


def _migrate(conn: sqlite3.Connection) -> None:
    """Climb the schema one step per transaction (another copy may be climbing too)."""
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= USER_VERSION:
                conn.execute("COMMIT")
                return
            step = version + 1
            for stmt in _STEPS[step]:
                conn.execute(stmt)
            if step == 1:
                conn.execute(f"PRAGMA application_id = {USER_APP_ID}")
            conn.execute(f"PRAGMA user_version = {step}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


# -------------------------------------------------------------- user file
class UserData:
    """The user file. Every write is one ``BEGIN IMMEDIATE`` transaction; see the module doc.

    ``recovered`` is a ``Recovery`` when a damaged or foreign file was moved aside on
    opening; ``readonly_reason`` is set while the data can only be read (writes raise
    ``StorageError`` with it, until the file can be written again).
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.recovered: Recovery | None = None
        self.readonly_reason: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(self.path.parent, exc, "cannot create the data folder") from None
        problem = _file_problem(self.path)        # a folder or pipe: DataError, left alone
        reason = _write_problem(self.path)
        if reason is None:
            self.conn = self._open_writable(problem)
        else:
            self.readonly_reason = reason
            self.conn = self._open_snapshot(problem)

    # ----------------------------------------------------------- opening
    def _open_writable(self, problem: tuple[str, str] | None) -> sqlite3.Connection:
        if problem is None and self.path.exists():
            conn = _connect(str(self.path))
            try:
                problem = _judge(conn, self.path)
            finally:
                conn.close()
        if problem is not None:
            self.recovered = _move_aside(self.path, *problem)
        elif not self.path.exists() and any(Path(f"{self.path}{s}").exists() for s in SIDECARS):
            # A -wal without its file belongs to no file we know: never replay it on a new one.
            _move_aside(self.path, "orphaned", "a -wal or -shm file without its user file")
        conn = _connect(str(self.path))
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            _migrate(conn)
            if problem is not None and problem[0] == "damaged":
                notes, stars = _salvage(self.recovered.backup, conn)
                self.recovered = dataclasses.replace(self.recovered, notes=notes, stars=stars)
        except sqlite3.Error as exc:
            conn.close()
            if is_storage_fault(exc):
                raise storage_error(self.path, exc, "cannot open the user file") from None
            raise DataError(f"{self.path}: cannot open the user file ({exc})") from None
        except BaseException:
            conn.close()
            raise
        return conn

    def _open_snapshot(self, problem: tuple[str, str] | None) -> sqlite3.Connection:
        """A read-only view: the file copied into memory (upgraded there if older)."""
        mem = _connect(":memory:")
        if problem is not None:
            self.readonly_reason += f"; {problem[1]}"
        elif self.path.exists() and self.path.stat().st_size:
            src = None
            try:
                src = _connect(self.path, "ro")
                src.execute("PRAGMA user_version").fetchone()
            except sqlite3.OperationalError:
                # No -wal/-shm and no right to make them: the file is all there is.
                if src is not None:
                    src.close()
                src = _connect(self.path, "immutable")
            try:
                problem = _judge(src, self.path)
                if problem is None:
                    src.backup(mem)
                else:
                    self.readonly_reason += f"; {problem[1]}"
            finally:
                src.close()
        _migrate(mem)
        return mem

    def _ensure_writable(self, doing: str) -> None:
        """In read-only mode, try the real file again: it may be writable by now."""
        if self.readonly_reason is None:
            return
        reason = _write_problem(self.path)
        if reason is not None:
            self.readonly_reason = reason
            err = StorageError(f"{self.path}: {doing}: {reason}")
            err.reason = reason
            raise err
        conn = self._open_writable(_file_problem(self.path))
        self.conn.close()
        self.conn, self.readonly_reason = conn, None

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------ transactions
    @contextlib.contextmanager
    def _write(self, doing: str):
        """One ``BEGIN IMMEDIATE`` transaction: reads and writes in it see no other writer."""
        self._ensure_writable(doing)
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            err = storage_error(self.path, exc, doing)
            err.reason = describe(exc)       # the short why, for the note's status line
            raise err from None

    def _rows(self, sql: str, params=()) -> list[tuple]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise storage_error(self.path, exc, "cannot read the user file") from None

    # ------------------------------------------------------------ favourites
    def is_favourite(self, expo: str, kind: str, ref: str) -> bool:
        return bool(self._rows("SELECT 1 FROM favourites WHERE expo=? AND kind=? AND ref=?",
                               (expo, kind, ref)))

    @staticmethod
    def _set_favourite(conn, expo, kind, ref, on: bool) -> None:
        if on:
            pos = conn.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM favourites "
                               "WHERE expo = ?", (expo,)).fetchone()[0]
            conn.execute("INSERT OR IGNORE INTO favourites(expo, kind, ref, position, created)"
                         " VALUES (?,?,?,?,?)", (expo, kind, ref, pos, _now()))
        else:
            conn.execute("DELETE FROM favourites WHERE expo=? AND kind=? AND ref=?",
                         (expo, kind, ref))

    def set_favourite(self, expo: str, kind: str, ref: str, on: bool) -> None:
        with self._write("cannot save the star" if on else "cannot remove the star") as conn:
            self._set_favourite(conn, expo, kind, ref, on)

    def toggle_favourite(self, expo: str, kind: str, ref: str) -> bool:
        """Star or unstar (read and write in one transaction); returns the new state."""
        with self._write("cannot save the star") as conn:
            on = conn.execute("SELECT 1 FROM favourites WHERE expo=? AND kind=? AND ref=?",
                              (expo, kind, ref)).fetchone() is None
            self._set_favourite(conn, expo, kind, ref, on)
        return on

    def favourites(self, expo: str) -> list[tuple[str, str]]:
        return [(k, r) for k, r in self._rows(
            "SELECT kind, ref FROM favourites WHERE expo = ? ORDER BY position, created", (expo,))]

    def reorder_favourites(self, expo: str, items: list[tuple[str, str]]) -> None:
        """Put these favourites first, in this order (one transaction); others follow."""
        items = [tuple(i) for i in items]
        with self._write("cannot save the order of the plan") as conn:
            rest = [(k, r) for k, r in conn.execute(
                "SELECT kind, ref FROM favourites WHERE expo = ? ORDER BY position, created",
                (expo,)) if (k, r) not in set(items)]
            for pos, (kind, ref) in enumerate(items + rest, 1):
                conn.execute("UPDATE favourites SET position = ? "
                             "WHERE expo = ? AND kind = ? AND ref = ?", (pos, expo, kind, ref))

    # ---------------------------------------------------------------- visited
    def visited(self, expo: str) -> list[tuple[str, str]]:
        """The stops marked visited (kind, ref), in the order they were marked."""
        return [(k, r) for k, r in self._rows(
            "SELECT kind, ref FROM visited WHERE expo = ? ORDER BY at, kind, ref", (expo,))]

    def set_visited(self, expo: str, kind: str, ref: str, on: bool) -> None:
        with self._write("cannot save the visited mark") as conn:
            if on:
                conn.execute("INSERT OR IGNORE INTO visited(expo, kind, ref, at) "
                             "VALUES (?,?,?,?)", (expo, kind, ref, _now()))
            else:
                conn.execute("DELETE FROM visited WHERE expo=? AND kind=? AND ref=?",
                             (expo, kind, ref))

    def toggle_visited(self, expo: str, kind: str, ref: str) -> bool:
        """Mark or unmark a stop as visited (one transaction); returns the new state."""
        with self._write("cannot save the visited mark") as conn:
            on = conn.execute("SELECT 1 FROM visited WHERE expo=? AND kind=? AND ref=?",
                              (expo, kind, ref)).fetchone() is None
            if on:
                conn.execute("INSERT INTO visited(expo, kind, ref, at) VALUES (?,?,?,?)",
                             (expo, kind, ref, _now()))
            else:
                conn.execute("DELETE FROM visited WHERE expo=? AND kind=? AND ref=?",
                             (expo, kind, ref))
        return on

    # ------------------------------------------------------------------ notes
    def load_note(self, expo: str, kind: str, ref: str) -> tuple[dict | None, int]:
        """The note (None when there is none) and its row version (0: never saved), read
        together: the version is the base of the editor's next save."""
        rows = self._rows("SELECT text, tags, created, updated, version FROM notes "
                          "WHERE expo=? AND kind=? AND ref=?", (expo, kind, ref))
        if not rows:
            return None, 0
        text, tags, created, updated, version = rows[0]
        tags = _tags(tags)
        if not text.strip() and not tags:
            return None, version                 # emptied: kept as a row for its version
        return ({"text": text, "tags": tags, "created": created, "updated": updated,
                 "version": version}, version)

    def note(self, expo: str, kind: str, ref: str) -> dict | None:
        return self.load_note(expo, kind, ref)[0]

    def save_note(self, expo: str, kind: str, ref: str, text: str,
                  tags: list[str] | None = None, base: int | None = None,
                  base_text: str | None = None) -> Saved:
        """Store a note in one transaction; empty text with no tags empties it.

        ``tags=None`` keeps the note's tags as they are (the editor saves text only).
        ``base`` is the version the edit started from (``load_note``) and ``base_text``
        the text it started from. When another copy has saved since (the version moved
        on) and the stored text is neither this text nor ``base_text``, the stored text
        is kept as a conflict copy; tags given here are merged with the stored ones.
        ``base=None``: no such check.
        """
        with self._write("cannot save the note") as conn:
            return self._save(conn, expo, kind, ref, text, tags, base, base_text)

    def set_tags(self, expo: str, kind: str, ref: str, tags: list[str],
                 base: int | None = None) -> Saved:
        """Change a note's tags, keeping its text as stored (one transaction)."""
        with self._write("cannot save the tags") as conn:
            return self._save(conn, expo, kind, ref, None, tags, base)

    def _save(self, conn, expo, kind, ref, text: str | None, tags: list[str] | None,
              base: int | None, base_text: str | None = None) -> Saved:
        """The read-modify-write of a note, inside the caller's transaction."""
        now = _now()
        row = conn.execute("SELECT text, tags, updated, version FROM notes "
                           "WHERE expo=? AND kind=? AND ref=?", (expo, kind, ref)).fetchone()
        cur_text, cur_tags, cur_updated, cur_ver = \
            (row[0], _tags(row[1]), row[2], row[3]) if row else ("", [], now, 0)
        text = cur_text if text is None else text
        new_tags = cur_tags if tags is None else _clean_tags(tags)
        conflict = False
        if base is not None and base != cur_ver:       # another copy saved since
            if tags is not None:
                new_tags += [t for t in cur_tags if t not in new_tags]
            if cur_text.strip() and cur_text not in (text, base_text):
                conflict = True
                self._keep_conflict(conn, expo, kind, ref, cur_text, cur_tags, cur_updated, now)
        if row is not None and (text, new_tags) == (cur_text, cur_tags):
            return Saved(cur_updated, cur_ver, conflict, text)
        conn.execute(
            "INSERT INTO notes(expo, kind, ref, text, tags, created, updated, version) "
            "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(expo, kind, ref) DO UPDATE SET "
            "text = excluded.text, tags = excluded.tags, updated = excluded.updated, "
            "version = excluded.version, created = CASE WHEN notes.text = '' AND "
            "notes.tags = '[]' THEN excluded.created ELSE notes.created END",
            (expo, kind, ref, text, json.dumps(new_tags, ensure_ascii=False), now, now,
             cur_ver + 1))
        return Saved(now, cur_ver + 1, conflict, text)

    @staticmethod
    def _keep_conflict(conn, expo, kind, ref, text, tags, saved, now) -> None:
        if conn.execute("SELECT 1 FROM note_conflicts WHERE expo=? AND kind=? AND ref=? AND "
                        "text=?", (expo, kind, ref, text)).fetchone():
            return
        conn.execute("INSERT INTO note_conflicts(expo, kind, ref, text, tags, saved, kept) "
                     "VALUES (?,?,?,?,?,?,?)",
                     (expo, kind, ref, text, json.dumps(tags, ensure_ascii=False), saved, now))

    def notes(self, expo: str) -> list[dict]:
        rows = self._rows("SELECT kind, ref, text, tags, updated FROM notes WHERE expo = ? "
                          "ORDER BY updated DESC", (expo,))
        out = []
        for k, r, t, g, u in rows:
            tags = _tags(g)
            if t.strip() or tags:
                out.append({"kind": k, "ref": r, "text": t, "tags": tags, "updated": u})
        return out

    def tags(self, expo: str) -> list[str]:
        """Every tag used in this expo's notes, sorted."""
        found = set()
        for (raw,) in self._rows("SELECT tags FROM notes WHERE expo = ?", (expo,)):
            found.update(_tags(raw))
        return sorted(found, key=str.casefold)

    # ------------------------------------------------------ conflict copies
    def conflicts(self, expo: str, kind: str | None = None, ref: str | None = None) -> list[dict]:
        """Texts another running copy had saved over which this one saved (oldest first)."""
        sql = "SELECT id, kind, ref, text, tags, saved, kept FROM note_conflicts WHERE expo = ?"
        params: tuple = (expo,)
        if kind is not None:
            sql += " AND kind = ? AND ref = ?"
            params += (kind, ref)
        return [{"id": i, "kind": k, "ref": r, "text": t, "tags": _tags(g), "saved": s, "kept": kp}
                for i, k, r, t, g, s, kp in self._rows(sql + " ORDER BY id", params)]

    def merge_conflict(self, conflict_id: int) -> Saved | None:
        """Append a conflict copy to its note (tags merged) and drop the copy, in one
        transaction. None when the copy is gone (another copy merged it)."""
        with self._write("cannot add the conflict copy to the note") as conn:
            row = conn.execute("SELECT expo, kind, ref, text, tags FROM note_conflicts "
                               "WHERE id = ?", (conflict_id,)).fetchone()
            if row is None:
                return None
            expo, kind, ref, extra, extra_tags = row
            note = conn.execute("SELECT text, tags FROM notes WHERE expo=? AND kind=? AND ref=?",
                                (expo, kind, ref)).fetchone()
            text, tags = (note[0], _tags(note[1])) if note else ("", [])
            if extra.strip() not in text:
                text = text.rstrip() + "\n\n" + extra.strip() if text.strip() else extra
            saved = self._save(conn, expo, kind, ref, text,
                               tags + [t for t in _tags(extra_tags) if t not in tags], None)
            conn.execute("DELETE FROM note_conflicts WHERE id = ?", (conflict_id,))
        return saved

    def discard_conflict(self, conflict_id: int) -> None:
        """Drop a conflict copy (the user chose to)."""
        with self._write("cannot remove the conflict copy") as conn:
            conn.execute("DELETE FROM note_conflicts WHERE id = ?", (conflict_id,))

    # ------------------------------------------------- screening decisions
    def screening_decisions(self, expo: str) -> dict[tuple[str, str], dict]:
        """A reviewer's decisions on screening-list matches of one expo:
        {(exhibitor, entry key): {"decision", "note", "entry_name", "list_sha256",
        "list_date", "decided_at"}}."""
        return _decisions(self._rows(
            f"SELECT {', '.join(_DECISION_COLUMNS[1:])} FROM screening_decisions "
            "WHERE expo = ?", (expo,)))

    def set_screening_decision(self, expo: str, exhibitor: str, entry_key: str,
                               decision: str | None, note: str = "",
                               entry_name: str | None = None, list_sha256: str | None = None,
                               list_date: str | None = None) -> None:
        """Mark a match "confirmed" or "cleared" (with a note and the list it was decided
        on); ``None`` takes the decision back. One transaction."""
        if decision is not None and decision not in SCREENING_DECISIONS:
            raise DataError(f"decision must be one of {', '.join(SCREENING_DECISIONS)}, "
                            f"not {decision!r}")
        with self._write("cannot save the screening decision") as conn:
            if decision is None:
                conn.execute("DELETE FROM screening_decisions WHERE expo = ? AND exhibitor = ? "
                             "AND entry_key = ?", (expo, exhibitor, entry_key))
            else:
                conn.execute("INSERT OR REPLACE INTO screening_decisions VALUES "
                             "(?,?,?,?,?,?,?,?,?)",
                             (expo, exhibitor, entry_key, decision, note or "", entry_name,
                              list_sha256, list_date, _now()))

    def add_screening_decisions(self, rows: list[dict]) -> int:
        """Decisions made elsewhere (the screening store kept them before the user file
        did), in one transaction; a decision the user file already has is kept. Returns
        how many were added."""
        added = 0
        with self._write("cannot save the screening decisions") as conn:
            for r in rows:
                if r.get("decision") not in SCREENING_DECISIONS:
                    continue
                added += conn.execute(
                    "INSERT OR IGNORE INTO screening_decisions VALUES (?,?,?,?,?,?,?,?,?)",
                    tuple(r.get(c) if c != "note" else (r.get("note") or "")
                          for c in _DECISION_COLUMNS[:-1])
                    + (r.get("decided_at") or _now(),)).rowcount
        return added

    # ------------------------------------------------------- plan helpers
    def orphans(self, expo: str, exists) -> list[dict]:
        """Favourites and notes whose record ``exists(kind, ref)`` says is gone. Kept, not dropped."""
        out: dict[tuple[str, str], dict] = {}
        for kind, ref in self.favourites(expo):
            if not exists(kind, ref):
                out[(kind, ref)] = {"kind": kind, "ref": ref, "favourite": True, "note": None}
        for n in self.notes(expo):
            key = (n["kind"], n["ref"])
            if not exists(*key):
                out.setdefault(key, {"kind": key[0], "ref": key[1], "favourite": False})
                out[key]["note"] = {k: n[k] for k in ("text", "tags", "updated")}
        return list(out.values())


def _decisions(rows) -> dict[tuple[str, str], dict]:
    return {(r[0], r[1]): dict(zip(_DECISION_COLUMNS[3:], r[2:])) for r in rows}


def read_screening_decisions(path: str | os.PathLike, expo: str) -> dict[tuple[str, str], dict]:
    """The screening decisions of one expo in the user file at ``path``, read without
    opening it for writing (nothing is made, moved or upgraded): {} when there is no file
    or it is older than version 3. ``DataError`` for a file that is not a sound user file."""
    path = Path(path)
    if not path.is_file() or not path.stat().st_size:
        return {}
    try:
        if any(Path(f"{path}{s}").exists() for s in ("-wal", "-shm")):
            conn = connection.readonly(path, timeout=BUSY_TIMEOUT_S)     # in use: its WAL too
        else:   # nobody has it open: read the file as it is, making no -wal/-shm beside it
            conn = connection.connect(path, mode="immutable", timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise storage_error(path, exc, "cannot read the user file") from None
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != USER_APP_ID:
            raise DataError(f"{path}: not a WeSemiBay user file")
        if conn.execute("PRAGMA user_version").fetchone()[0] < 3:
            return {}
        return _decisions(conn.execute(
            f"SELECT {', '.join(_DECISION_COLUMNS[1:])} FROM screening_decisions "
            "WHERE expo = ?", (expo,)).fetchall())
    except sqlite3.DatabaseError as exc:
        if is_storage_fault(exc):
            raise storage_error(path, exc, "cannot read the user file") from None
        raise DataError(f"{path}: cannot read the screening decisions ({exc})") from None
    finally:
        conn.close()


# ----------------------------------------------------------------- outbox
@dataclass
class Draft:
    """A note typed but not yet committed."""
    expo: str
    kind: str
    ref: str
    text: str
    tags: list[str] | None = None     # None: keep the stored tags
    base: int | None = None           # the version the first unsaved edit was based on
    base_text: str | None = None      # and the text it started from
    label: str = ""                   # what the note is about, for the rescue file
    error: str | None = None          # why the last attempt failed (one line, with the file)
    reason: str | None = None         # the same, short: "the disk is full"
    since: str = field(default_factory=_now)

    @property
    def key(self) -> tuple[str, str, str]:
        return self.expo, self.kind, self.ref


class Outbox:
    """Notes waiting to be written: kept in memory and retried until SQLite commits them.

    The window puts every edit here and flushes at once; an edit that fails stays
    (with the reason) and is retried by a timer, by the next edit and on closing.
    What still cannot be saved at the end goes to a dated text file (``rescue``).
    """

    def __init__(self, user: UserData):
        self.user = user
        self.drafts: dict[tuple[str, str, str], Draft] = {}

    def __len__(self) -> int:
        return len(self.drafts)

    def clear(self) -> None:
        """Forget the drafts (they were written elsewhere, or the user chose to lose them)."""
        self.drafts.clear()

    def get(self, expo: str, kind: str, ref: str) -> Draft | None:
        return self.drafts.get((expo, kind, ref))

    def put(self, expo: str, kind: str, ref: str, text: str, tags: list[str] | None = None,
            base: int | None = None, base_text: str | None = None, label: str = "") -> Draft:
        """Queue the newest text of a note; an older unsaved edit keeps its base."""
        draft = self.drafts.get((expo, kind, ref))
        if draft is None:
            draft = self.drafts[(expo, kind, ref)] = Draft(expo, kind, ref, text, tags, base,
                                                           base_text, label)
        else:
            draft.text = text
            if tags is not None:
                draft.tags = tags
            draft.label = label or draft.label
        return draft

    def save(self, expo: str, kind: str, ref: str) -> Saved | None:
        """Try to write one draft; returns ``Saved`` (the draft is gone) or None (it stays)."""
        draft = self.drafts.get((expo, kind, ref))
        if draft is None:
            return None
        try:
            saved = self.user.save_note(expo, kind, ref, draft.text, tags=draft.tags,
                                        base=draft.base, base_text=draft.base_text)
        except DataError as exc:
            draft.error = str(exc)
            draft.reason = getattr(exc, "reason", None) or str(exc)
            return None
        del self.drafts[(expo, kind, ref)]
        return saved

    def flush(self) -> dict[tuple[str, str, str], Saved]:
        """Try every draft; returns those that were written (the rest stay, with the reason)."""
        done = {}
        for key in list(self.drafts):
            saved = self.save(*key)
            if saved is not None:
                done[key] = saved
        return done

    def error(self) -> str | None:
        """The newest reason a draft could not be written."""
        errors = [d.error for d in self.drafts.values() if d.error]
        return errors[-1] if errors else None

    def rescue_text(self) -> str:
        lines = ["WeSemiBay Explorer: notes that could not be saved in the user file",
                 f"User file: {self.user.path}", f"Written: {_now()}", ""]
        for d in self.drafts.values():
            lines.append(f"## {d.label or d.ref} ({d.kind} {d.ref}, expo {d.expo})")
            if d.error:
                lines.append(f"Not saved: {d.error}")
            if d.tags:
                lines.append("Tags: " + ", ".join(d.tags))
            lines += ["", d.text, ""]
        return "\n".join(lines)

    def write_to(self, path: str | os.PathLike) -> Path:
        """Write every draft to one text file (atomically); raises ``StorageError``."""
        path = Path(path)
        text = self.rescue_text()
        try:
            fileops.write_atomic(path, lambda fh: fh.write(text), tag="export")
        except OSError as exc:
            raise storage_error(path, exc, "cannot write the unsaved notes") from None
        return path

    def rescue(self, folders=None) -> Path:
        """Write the drafts to ``unsaved-notes-<date>.txt`` in the first folder that takes it:
        the user file's folder, the home folder, the temporary folder."""
        if folders is None:
            folders = [self.user.path.parent, Path.home(), Path(tempfile.gettempdir())]
        name = f"unsaved-notes-{_stamp()}.txt"
        last: StorageError | None = None
        for folder in folders:
            try:
                return self.write_to(Path(folder) / name)
            except DataError as exc:
                last = exc if isinstance(exc, StorageError) else StorageError(str(exc))
        raise last or StorageError("no folder to write the unsaved notes to")
