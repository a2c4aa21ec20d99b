"""The atomic swap: work on a checked temporary copy of the expo file, then put the copy in
its place in one rename, or throw it away; the expo file itself is never opened for writing.

A thin layer over ``db.fileops`` (which holds the one atomic replace: through symlinks, mode
kept, fsync of file and folder, the old WAL never replayed): ``open_copy`` checks the target
(a regular expo file of ours, writable), copies it (SQLite backup API) beside itself and opens
the copy at the current schema; ``Swap.commit`` replaces the target with it, refusing if
another program wrote the target meanwhile; ``Swap.discard`` removes it. A killed process
leaves at worst a stray hidden copy, which the next ``open_copy`` of that kind removes.
Used by the import and by the plan import (``db.planimport.write``).
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .. import connection, fileops, schema
from ..errors import DataError
from .report import Progress


@dataclass
class Swap:
    """A temporary copy of ``target`` (at ``temp``), waiting to replace it."""
    target: Path
    temp: Path
    expect: tuple | None = None      # the target's fingerprint when it was copied

    def commit(self) -> Path:
        """Put the copy in place of the target (``fileops.replace``). ``FileInUse`` if another
        program has the file open in WAL mode; the copy is then kept, so that ``commit`` can
        be tried again (``discard`` removes it)."""
        return fileops.replace(self.temp, self.target, database=True, expect=self.expect)

    def discard(self) -> None:
        fileops.remove(self.temp, sidecars=True)


def open_copy(target: str | os.PathLike, tag: str, *, base: str | os.PathLike | None = None,
              fast: bool = False, read_only_fix: str = "write into a copy",
              progress: Progress | None = None) -> tuple[Swap, sqlite3.Connection]:
    """A working copy of the expo file ``target`` and a connection to it (schema current,
    foreign keys on, no transaction open).

    The target is checked first (``open_expo``: a regular SQLite file of ours, not damaged
    or newer; writable). A target that does not exist gives a new, empty expo, or a copy of
    ``base``. ``fast``: no journal or fsync while writing the copy (it is flushed when it
    replaces the target). On any failure the copy is gone and the target untouched.
    """
    target = Path(target)
    real = fileops.check_target(target, "an expo file")
    exists = real.exists()
    if exists and not os.access(real, os.W_OK):
        raise DataError(f"{target}: the expo file is read-only; {read_only_fix}")
    source = target if exists or base is None else Path(base)   # named as the user gave it
    if exists or base is not None:
        from ..expo import open_expo   # checks: a regular SQLite file, our schema, not damaged
        open_expo(source, readonly=True).close()
    fileops.remove_stale(target, tag)
    swap = Swap(target, fileops.temp_beside(target, tag),
                fileops.fingerprint(real) if exists else None)
    conn = None
    try:
        if progress is not None:
            progress(0.0, "copying the expo file")
        if exists or base is not None:
            _copy(source, swap.temp)
        conn = connection.connect(swap.temp)
        conn.execute("PRAGMA trusted_schema = OFF")
        # The new file is always a single file (no WAL beside it to go stale).
        conn.execute("PRAGMA journal_mode = MEMORY" if fast else "PRAGMA journal_mode = DELETE")
        if fast:
            conn.execute("PRAGMA synchronous = OFF")       # fsync once at the end instead
        conn.execute("PRAGMA cache_size = -65536")
        conn.execute("PRAGMA foreign_keys = ON")
        schema.migrate(conn, str(target))
    except BaseException:
        if conn is not None:
            close_quietly(conn)
        swap.discard()
        raise
    return swap, conn


def _copy(source: Path, temp: Path) -> None:
    src = connection.readonly(source)
    try:
        dst = connection.connect(temp)
        try:
            # A throwaway copy until it replaces the target, which flushes it: no journal
            # or fsync while copying.
            dst.execute("PRAGMA journal_mode = OFF")
            dst.execute("PRAGMA synchronous = OFF")
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def missing_reference(conn: sqlite3.Connection) -> tuple[str, int | None, str] | None:
    """(table, rowid, parent table) of the first row that names a record that is not there
    (``PRAGMA foreign_key_check``), or None."""
    problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    if not problems:
        return None
    table, rowid, parent, _ = problems[0]
    return table, rowid, parent


def close_quietly(conn: sqlite3.Connection) -> None:
    try:
        conn.close()
    except sqlite3.Error:
        pass
