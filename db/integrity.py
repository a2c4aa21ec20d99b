"""The whole-file integrity check (SQLite's ``quick_check``), off the start path.

Opening an expo file checks its header and schema (``db.expo.open_expo``) and nothing that
reads every page; ``quick_check`` does read every page (seconds for a 1 GB expo), so the
window runs it after it shows, in the background, and on demand. Its result is remembered
per file identity (``identity``: path, size, modification time, the 100-byte SQLite header
and the WAL beside it) in ``<data dir>/integrity.json``, so an unchanged file is not checked
again; any write to the file changes its identity (SQLite bumps the header's change counter
on each commit, and the time changes), so a changed file is.

A damaged file is only reported: the check opens it read-only and writes nothing, and the
user file is another file. ``damage_line`` tells a read that failed on damage later (a
model or a worker) from one that is a bug, so the window can say "damaged" once.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import connection, fileops
from .errors import DataError, database_fault, is_storage_fault, one_line

CACHE_NAME = "integrity.json"
KEEP = 64                      # files remembered (the oldest checks are forgotten first)


@dataclass(frozen=True)
class Identity:
    """What must be equal for a file to count as unchanged since its last check."""
    path: str
    size: int
    mtime_ns: int
    header: str                # sha1 of the first 100 bytes (SQLite's header)
    wal: tuple | None          # (size, mtime_ns) of the -wal file, if there is one

    def key(self) -> dict:
        return {"size": self.size, "mtime_ns": self.mtime_ns, "header": self.header,
                "wal": list(self.wal) if self.wal else None}


def identity(path: str | os.PathLike) -> Identity:
    """The file's identity now; ``DataError`` when it cannot be read."""
    path = fileops.real_path(path)
    try:
        with fileops.open_regular(path, "an expo file") as fh:
            st = os.fstat(fh.fileno())
            head = fh.read(100)
    except OSError as exc:
        raise DataError(f"{path}: cannot read it ({one_line(exc)})") from None
    try:
        wst = os.stat(f"{path}-wal")
        wal = (wst.st_size, wst.st_mtime_ns)
    except OSError:
        wal = None
    return Identity(str(path), st.st_size, st.st_mtime_ns, hashlib.sha1(head).hexdigest(), wal)


@dataclass(frozen=True)
class Result:
    ok: bool
    message: str               # "ok", or one line naming the file and what is wrong
    cached: bool               # True: remembered from an earlier check of the same file
    checked_at: float          # when the check ran (seconds since the epoch)


class IntegrityCache:
    """Results of earlier checks, by file identity, in ``<data dir>/integrity.json``.

    A cache that cannot be read is empty (every file is checked again); one that cannot be
    written keeps its results for this session only."""

    def __init__(self, data_dir: str | os.PathLike):
        self.path = Path(data_dir) / CACHE_NAME
        self._lock = threading.Lock()

    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def lookup(self, ident: Identity) -> Result | None:
        with self._lock:
            entry = self._load().get(ident.path)
        if not isinstance(entry, dict) or entry.get("identity") != ident.key():
            return None
        ok = entry.get("ok") is True
        message = entry.get("message")
        if not isinstance(message, str):
            return None
        return Result(ok, message, True, float(entry.get("checked_at") or 0))

    def remember(self, ident: Identity, result: Result) -> None:
        with self._lock:
            data = self._load()
            data.pop(ident.path, None)
            data[ident.path] = {"identity": ident.key(), "ok": result.ok,
                                "message": result.message, "checked_at": result.checked_at}
            while len(data) > KEEP:
                data.pop(next(iter(data)))
            try:
                fileops.write_atomic(self.path, lambda fh: json.dump(data, fh, indent=1),
                                     tag="integrity")
            except (DataError, OSError):
                pass            # remembered for nothing: the next start checks again


class Check:
    """One ``quick_check`` of a file, read-only; ``cancel()`` from another thread stops it."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._cancelled = False
        self._lock = threading.Lock()

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            if self._conn is not None:
                try:
                    self._conn.interrupt()
                except sqlite3.Error:
                    pass

    def run(self) -> Result | None:
        """The result, or None when cancelled. Never writes to the file."""
        now = time.time()
        try:
            conn = connection.readonly(self.path)
        except sqlite3.Error as exc:
            return Result(False, f"{self.path}: cannot open it ({one_line(exc)})", False, now)
        with self._lock:
            if self._cancelled:
                conn.close()
                return None
            self._conn = conn
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check(20)")]
        except sqlite3.OperationalError as exc:
            if self._cancelled or "interrupt" in str(exc).casefold():
                return None
            return Result(False, damage_line(self.path, exc) or
                          f"{self.path}: the check failed ({one_line(exc)})", False, now)
        except sqlite3.DatabaseError as exc:
            return Result(False, damage_line(self.path, exc) or
                          f"{self.path}: the file is damaged ({one_line(exc)})", False, now)
        finally:
            with self._lock:
                self._conn = None
            conn.close()
        if rows == ["ok"]:
            return Result(True, "ok", False, now)
        first = one_line(rows[0]) if rows else "no answer"
        more = f" and {len(rows) - 1} more problems" if len(rows) > 1 else ""
        return Result(False, f"{self.path}: the file is damaged ({first}{more}); it was left "
                      "untouched: use an undamaged copy", False, now)


def check_file(path: str | os.PathLike, cache: IntegrityCache | None, *, force: bool = False,
               check: Check | None = None) -> Result | None:
    """The file's integrity: remembered when the file is unchanged since its last check
    (unless ``force``), else checked now and remembered. None when cancelled.

    A file that changed while it was checked is not remembered (its result may not hold)."""
    before = identity(path)
    if cache is not None and not force:
        known = cache.lookup(before)
        if known is not None:
            return known
    result = (check or Check(path)).run()
    if result is None:
        return None
    if cache is not None:
        try:
            after = identity(path)
        except DataError:
            after = None
        if after == before:
            cache.remember(before, result)
    return result


def is_damage(exc: BaseException) -> bool:
    """True for an error that says the file is damaged (not a bug, not a full disk)."""
    if isinstance(exc, DataError):
        return bool(getattr(exc, "damaged", False))
    if isinstance(exc, sqlite3.DatabaseError) and not is_storage_fault(exc):
        return database_fault("-", exc) is not None
    return False


def damage_line(path: str | os.PathLike, exc: BaseException) -> str | None:
    """One line saying the file at ``path`` is damaged, for an error met while reading it;
    None when the error is not damage."""
    if not is_damage(exc):
        return None
    if isinstance(exc, DataError):
        return (str(exc).strip().splitlines() or [""])[0]
    fault = database_fault(path, exc)
    return str(fault) if fault is not None else None
