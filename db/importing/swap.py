"""The atomic swap: work on a checked temporary copy of the expo file, then put the copy in
its place in one rename, or throw it away; the expo file itself is never opened for writing.

A thin layer over ``db.fileops`` (which holds the one atomic replace: through symlinks, mode
kept, fsync of file and folder, the old WAL never replayed): ``open_copy`` checks the target
(a regular expo file of ours, writable), copies it beside itself (in the kernel under a read lock, or SQLite's backup API) and opens
the copy at the current schema; ``Swap.commit`` replaces the target with it, refusing if
another program wrote the target meanwhile; ``Swap.discard`` removes it. A killed process
leaves at worst a stray hidden copy, which the next ``open_copy`` of that kind removes.
Used by the import and by the plan import (``db.planimport.write``).
"""
from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .. import connection, fileops, integrity, schema
from ..errors import DataError
from .report import Progress


class _Background:
    """One piece of work on a thread of its own; ``result()`` waits for it and gives its
    value, or raises its exception."""

    def __init__(self, name: str, work, *args):
        self._value = self._exc = None
        self._thread = threading.Thread(target=self._run, args=(work, *args), daemon=True,
                                        name=name)
        self._thread.start()

    def _run(self, work, *args) -> None:
        try:
            self._value = work(*args)
        except BaseException as exc:          # handed to whoever waits for it
            self._exc = exc

    def result(self):
        self._thread.join()
        if self._exc is not None:
            exc, self._exc = self._exc, None
            raise exc
        return self._value


@dataclass
class Swap:
    """A temporary copy of ``target`` (at ``temp``), waiting to replace it."""
    target: Path
    temp: Path
    expect: tuple | None = None      # the target's fingerprint when it was copied
    # open_copy(background=True): the check of the file copied and the flush of the copy,
    # running while the copy is written; ``settle`` waits for them.
    _check: integrity.Check | None = field(default=None, repr=False, compare=False)
    _checking: _Background | None = field(default=None, repr=False, compare=False)
    _flushing: _Background | None = field(default=None, repr=False, compare=False)
    _fd: int | None = field(default=None, repr=False, compare=False)

    def settle(self) -> None:
        """Wait for the work ``open_copy(background=True)`` left running: the flush of the
        copy, and the integrity check of the file it copied (``DataError`` when that file
        is damaged). Call it after the connection to the copy is closed, before ``commit``."""
        try:
            if self._flushing is not None:
                flushing, self._flushing = self._flushing, None
                flushing.result()
        finally:
            self._close_fd()
        if self._checking is not None:
            checking, self._checking = self._checking, None
            result = checking.result()
            if result is not None and not result.ok:
                raise DataError(result.message)

    def damage(self) -> DataError | None:
        """After a failure: waits for the check still running, and gives its ``DataError``
        when the file copied is damaged (the failure was then most likely that damage)."""
        try:
            self.settle()
        except DataError as exc:
            return exc
        except (OSError, sqlite3.Error):
            pass
        return None

    def commit(self) -> Path:
        """Put the copy in place of the target (``fileops.replace``). ``FileInUse`` if another
        program has the file open in WAL mode; the copy is then kept, so that ``commit`` can
        be tried again (``discard`` removes it)."""
        self.settle()
        return fileops.replace(self.temp, self.target, database=True, expect=self.expect)

    def discard(self) -> None:
        if self._check is not None:
            self._check.cancel()
        try:
            self.settle()
        except Exception:                  # failing already: the copy goes whatever happened
            pass
        fileops.remove(self.temp, sidecars=True)

    def _close_fd(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)


def open_copy(target: str | os.PathLike, tag: str, *, base: str | os.PathLike | None = None,
              fast: bool = False, read_only_fix: str = "write into a copy",
              progress: Progress | None = None, background: bool = False,
              checked: integrity.IntegrityCache | None = None
              ) -> tuple[Swap, sqlite3.Connection]:
    """A working copy of the expo file ``target`` and a connection to it (schema current,
    foreign keys on, no transaction open).

    The target is checked first (``open_expo``: a regular SQLite file of ours, not damaged
    or newer; writable). A target that does not exist gives a new, empty expo, or a copy of
    ``base``. ``fast``: no journal or fsync while writing the copy (it is flushed when it
    replaces the target). On any failure the copy is gone and the target untouched.

    The whole-file check (``quick_check``) is skipped when ``checked`` (the integrity cache,
    ``db.integrity``) remembers this very file as checked clean; when it runs, its result is
    remembered there. ``background``: it runs on a thread while the caller writes the copy,
    and the copy is flushed to disk on another; the caller calls ``Swap.settle()`` (which
    raises the check's ``DataError``) before it trusts the copy (``commit`` does too).
    """
    target = Path(target)
    real = fileops.check_target(target, "an expo file")
    exists = real.exists()
    if exists and not os.access(real, os.W_OK):
        raise DataError(f"{target}: the expo file is read-only; {read_only_fix}")
    source = target if exists or base is None else Path(base)   # named as the user gave it
    copied = exists or base is not None
    # Taken before the checks: a write by another program from here on refuses the commit.
    expect = fileops.fingerprint(real) if exists else None
    later = False
    if copied:
        from ..expo import open_expo   # checks: a regular SQLite file, our schema, not damaged
        quick = checked is None and not background      # the check as part of opening
        open_expo(source, readonly=True, integrity=quick).close()
        if not quick:
            known = checked.lookup(integrity.identity(source)) if checked is not None else None
            if known is not None and not known.ok:
                raise DataError(known.message)
            if known is None and not background:
                result = integrity.check_file(source, checked)
                if result is not None and not result.ok:
                    raise DataError(result.message)
            later = known is None and background
    fileops.remove_stale(target, tag)
    swap = Swap(target, fileops.temp_beside(target, tag), expect)
    conn = None
    try:
        if progress is not None:
            progress(0.0, "copying the expo file")
        if copied:
            fd = _copy(source, swap.temp, keep_open=background)
            if fd is not None:
                swap._fd = fd
                swap._flushing = _Background("flush the copy", os.fsync, fd)
        if later:
            # After the copy: closing a file descriptor of the source in this process would
            # drop the check's read lock on it (POSIX locks belong to the process).
            swap._check = integrity.Check(source)
            swap._checking = _Background("check the expo file", partial(
                integrity.check_file, source, checked, check=swap._check))
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


def _copy(source: Path, temp: Path, keep_open: bool = False) -> int | None:
    """Copy the database ``source`` to the empty file ``temp``: byte for byte, in the kernel,
    while a read lock keeps writers out (a file in rollback-journal mode, on POSIX); else
    through SQLite's backup API. ``keep_open``: the copy's file descriptor is returned open
    (a byte copy; None otherwise), for the caller to flush and close later."""
    if os.name == "posix" and not os.path.exists(f"{source}-wal"):
        # Both files are opened before the lock is taken and closed after it is released:
        # closing any descriptor of a file drops this process's POSIX locks on it.
        src_fd = os.open(source, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            dst_fd = os.open(temp, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
            try:
                if _copy_locked(source, src_fd, dst_fd):
                    if keep_open:
                        fd, dst_fd = dst_fd, None
                        return fd
                    return None
            finally:
                if dst_fd is not None:
                    os.close(dst_fd)
        finally:
            os.close(src_fd)
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
    return None


def _copy_locked(source: Path, src_fd: int, dst_fd: int) -> bool:
    """Copy ``src_fd`` into ``dst_fd`` under a read transaction on ``source``; False (nothing
    copied) when the file is in WAL mode (its content is not all in the file)."""
    src = connection.readonly(source)
    try:
        src.execute("BEGIN")
        # The read lock (a hot journal is rolled back before it is granted): no other
        # connection can write the file until the transaction ends.
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if src.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            return False
        if os.fstat(src_fd).st_ino != os.stat(source).st_ino:
            return False                   # replaced meanwhile: copy what SQLite reads
        fileops.copy_bytes(src_fd, dst_fd)
        src.execute("COMMIT")
        return True
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
