"""Fixtures for the data-layer unit tests: the built-in expo, built once per session."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from db.build import build
from db.exporters import export_json
from db.expo import open_expo


@pytest.fixture(scope="session")
def built_expo(tmp_path_factory) -> Path:
    """Path of the built-in expo, built once. Never modify it: use ``expo_copy``."""
    return build(tmp_path_factory.mktemp("builtin") / "expo.sqlite")


@pytest.fixture
def expo_copy(built_expo, tmp_path) -> Path:
    """A private copy of the built-in expo that a test may change."""
    dst = tmp_path / "copy.sqlite"
    shutil.copyfile(built_expo, dst)
    return dst


@pytest.fixture(scope="session")
def expo_ro(built_expo):
    """The built-in expo opened read-only (shared; do not write)."""
    expo = open_expo(built_expo, readonly=True)
    yield expo
    expo.close()


@pytest.fixture(scope="session")
def conn_ro(built_expo):
    """A read-only SQLite connection of the test's own to the built-in expo (for the
    ``db`` functions that take a connection, and for reading what a test checks)."""
    import sqlite3
    conn = sqlite3.connect(built_expo.resolve().as_uri() + "?mode=ro", uri=True)
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def export_doc(built_expo, tmp_path_factory) -> dict:
    """The built-in expo as exported by ``export_json`` and read back from disk."""
    out = tmp_path_factory.mktemp("export") / "expo.json"
    with open_expo(built_expo, readonly=True) as expo:
        export_json(expo, out)
    return json.loads(out.read_text(encoding="utf-8"))


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def all_strings(value):
    """Every string anywhere inside a JSON-like value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from all_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from all_strings(v)
