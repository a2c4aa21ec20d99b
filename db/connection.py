"""Every SQLite connection the program opens is made here.

One place for the ways a file is opened (read-write, read-only, immutable, in memory) and
for counting what runs on them: ``trace_statements()`` records every statement on every
connection made here, in every thread, while it is active (the window's query budget is
measured with it; ``tests/gui/test_query_budget.py``).

Connections are made with ``check_same_thread=False`` and in autocommit mode
(``isolation_level=None``) unless asked otherwise: the callers open transactions
themselves (``BEGIN``/``COMMIT``), and a worker thread may hand its connection back.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

MODES = ("ro", "rw", "rwc", "immutable")


class _Connection(sqlite3.Connection):
    """A connection that can be found again while statements are being counted (and
    counted itself: ``open_connections``)."""
    __slots__ = ("__weakref__", "target")


_live: "weakref.WeakSet[_Connection]" = weakref.WeakSet()
_traced: "weakref.WeakSet[_Connection]" = weakref.WeakSet()
_logs: list["StatementLog"] = []
_lock = threading.Lock()
_from_birth = False         # trace_from_birth(): every new connection gets the callback


def trace_from_birth(on: bool = True) -> None:
    """Give every connection made from now on the trace callback as it is made (in the
    thread that makes it, before anyone uses it), so that a later ``trace_statements()``
    never has to install it on a connection another thread is using. The test suite turns
    this on; the program never counts statements and pays nothing for it."""
    global _from_birth
    _from_birth = on


def connect(target: str | os.PathLike, *, mode: str | None = None, timeout: float = 5.0,
            isolation_level: str | None = None) -> sqlite3.Connection:
    """A connection to ``target`` (a path, or ``":memory:"``).

    ``mode``: None opens a file for reading and writing (made if missing); "ro" read-only;
    "rw" read-write, never made; "rwc" as None, through a URI; "immutable" read-only for a
    file nobody can change (no -wal/-shm are made or read). Raises ``sqlite3.Error``.
    """
    if mode is not None and mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    if mode is None or str(target) == ":memory:":
        conn = sqlite3.connect(str(target), timeout=timeout, isolation_level=isolation_level,
                               check_same_thread=False, factory=_Connection)
    else:
        query = "immutable=1" if mode == "immutable" else f"mode={mode}"
        uri = Path(target).resolve().as_uri() + "?" + query
        conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=isolation_level,
                               check_same_thread=False, factory=_Connection)
    conn.target = str(target) if str(target) == ":memory:" else str(Path(target).resolve())
    with _lock:
        _live.add(conn)
        if _logs or _from_birth:
            _traced.add(conn)
            conn.set_trace_callback(_trace)
    return conn


def readonly(path: str | os.PathLike, *, timeout: float = 5.0,
             trusted_schema: bool = False) -> sqlite3.Connection:
    """A read-only connection to the database file at ``path``.

    Functions named in the file's schema never run (``trusted_schema`` off) unless asked
    for: the file may come from anyone.
    """
    conn = connect(path, mode="ro", timeout=timeout)
    if not trusted_schema:
        try:
            conn.execute("PRAGMA trusted_schema = OFF")
        except BaseException:
            conn.close()
            raise
    return conn


def open_connections(path: str | os.PathLike | None = None) -> int:
    """How many connections made here are open (on the database file at ``path``, or on
    any): what a closed window leaves behind is checked with it."""
    want = None if path is None else (
        ":memory:" if str(path) == ":memory:" else str(Path(path).resolve()))
    n = 0
    with _lock:
        conns = list(_live)
    for conn in conns:
        if want is not None and getattr(conn, "target", None) != want:
            continue
        try:
            conn.total_changes                 # raises once the connection is closed
        except sqlite3.ProgrammingError:
            continue
        n += 1
    return n


# ------------------------------------------------------------ counting statements
class StatementLog:
    """Statements run while a ``trace_statements()`` block was active: (thread, SQL)."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str]] = []

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def statements(self) -> list[str]:
        return [sql for _thread, sql in self.entries]

    def threads(self) -> set[str]:
        return {thread for thread, _sql in self.entries}

    def clear(self) -> None:
        with _lock:
            self.entries.clear()


def _trace(sql: str) -> None:
    if not _logs:
        return
    name = threading.current_thread().name
    with _lock:
        for log in _logs:
            log.entries.append((name, sql))


def _install() -> None:
    """Give every open connection the trace callback, once.

    Never taken off again (``_trace`` does nothing while nothing is counted): a connection
    in use by another thread may be inside a statement whose callback waits for the
    interpreter lock, and changing its callback from here would then wait for it forever.
    Installing the first callback on a connection another thread is using can wait for
    that connection's statement while holding the interpreter lock, and a statement that
    calls back into Python (a SQL function, a callback) then waits for us: a deadlock. So
    tests make connections traced from birth (``trace_from_birth``), and this only reaches
    connections made before that.
    """
    for conn in list(_live):
        if conn in _traced:
            continue
        try:
            conn.set_trace_callback(_trace)
        except sqlite3.ProgrammingError:      # closed meanwhile
            continue
        _traced.add(conn)


@contextmanager
def trace_statements() -> Iterator[StatementLog]:
    """Record every statement run on every connection made through ``connect`` (open now
    or opened inside the block), in any thread, until the block ends."""
    log = StatementLog()
    with _lock:
        _install()
        _logs.append(log)
    try:
        yield log
    finally:
        with _lock:
            _logs.remove(log)
