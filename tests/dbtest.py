"""SQL for tests: what a test reads or plants in an expo file, through a connection of
its own (the program's ``Expo`` keeps its connection to itself and takes no SQL).

``expo`` may be an ``Expo`` or a path. Writes are committed at once, so the program's
handle on the same file sees them with its next read.
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Iterator


def _path(expo) -> Path:
    return Path(expo.path if hasattr(expo, "path") else os.fspath(expo))


@contextmanager
def connect(expo) -> Iterator[sqlite3.Connection]:
    """A connection to the expo file, in autocommit mode, closed afterwards."""
    with closing(sqlite3.connect(_path(expo), isolation_level=None, timeout=5)) as conn:
        yield conn


class Result(list):
    """Rows of a query, read to the end (``fetchone``/``fetchall`` as a cursor has them)."""

    def fetchone(self):
        return self[0] if self else None

    def fetchall(self) -> list:
        return list(self)


def query(expo, sql: str, params=()) -> Result:
    """Rows of a read (a list that also answers ``fetchone``/``fetchall``)."""
    with connect(expo) as conn:
        return Result(conn.execute(sql, params).fetchall())


def rows(expo, sql: str, params=()) -> list[tuple]:
    with connect(expo) as conn:
        return conn.execute(sql, params).fetchall()


def one(expo, sql: str, params=()) -> tuple | None:
    with connect(expo) as conn:
        return conn.execute(sql, params).fetchone()


def value(expo, sql: str, params=()):
    """The first column of the first row (None when there is no row)."""
    row = one(expo, sql, params)
    return None if row is None else row[0]


def execute(expo, sql: str, params=()) -> int:
    """Run one statement that writes; returns the number of rows it changed."""
    with connect(expo) as conn:
        return conn.execute(sql, params).rowcount


def executemany(expo, sql: str, seq) -> None:
    with connect(expo) as conn:
        conn.execute("BEGIN")
        conn.executemany(sql, seq)
        conn.execute("COMMIT")


def own_connection(expo) -> sqlite3.Connection:
    """The handle's own connection (private to ``db``): only for a test of what a handle
    sees of writes made through it, as ``db`` modules make them (build, demo)."""
    return expo._conn
