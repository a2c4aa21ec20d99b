"""Expo-file schema: version stamps, refusal of bad files, and migrations."""
from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from db import schema
from db.errors import DataError
from db.expo import open_expo

from .conftest import sha256
import dbtest  # tests/dbtest.py


def _pragmas(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("PRAGMA user_version").fetchone()[0],
                conn.execute("PRAGMA application_id").fetchone()[0])
    finally:
        conn.close()


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


def test_new_expo_file_is_stamped_with_version_and_app_id(tmp_path):
    path = tmp_path / "new.sqlite"
    expo = open_expo(path, create=True)
    expo.close()
    assert _pragmas(path) == (schema.SCHEMA_VERSION, schema.APP_ID)
    assert {"expo", "booths", "exhibitors", "products", "sources", "cites", "search"} <= _tables(path)


def test_built_expo_is_stamped_with_version_and_app_id(built_expo):
    assert _pragmas(built_expo) == (schema.SCHEMA_VERSION, schema.APP_ID)


def test_valid_expo_reopens_without_change(expo_copy):
    before = sha256(expo_copy)
    with open_expo(expo_copy, readonly=True) as expo:
        assert expo.meta()["slug"] == "wesemibay-2025"
    assert sha256(expo_copy) == before


# --------------------------------------------------------------- bad files
def _text_file(tmp_path, built_expo):
    p = tmp_path / "notes.sqlite"
    p.write_text("These are my notes, not an expo.\n" * 20, encoding="utf-8")
    return p


def _empty_file(tmp_path, built_expo):
    p = tmp_path / "empty.sqlite"
    p.write_bytes(b"")
    return p


def _truncated(tmp_path, built_expo):
    data = built_expo.read_bytes()
    p = tmp_path / "truncated.sqlite"
    p.write_bytes(data[: len(data) // 2])
    return p


def _newer(tmp_path, built_expo):
    p = tmp_path / "newer.sqlite"
    shutil.copyfile(built_expo, p)
    conn = sqlite3.connect(p)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    return p


def _other_app(tmp_path, built_expo):
    p = tmp_path / "other.sqlite"
    conn = sqlite3.connect(p)
    conn.execute("CREATE TABLE recipes(name TEXT, minutes INTEGER)")
    conn.execute("INSERT INTO recipes VALUES ('soup', 20)")
    conn.commit()
    conn.close()
    assert _pragmas(p) == (0, 0)
    return p


def _other_app_with_version(tmp_path, built_expo):
    """Another application that also uses user_version (but has its own app id)."""
    p = tmp_path / "other-v1.sqlite"
    conn = sqlite3.connect(p)
    conn.execute("CREATE TABLE expo(id INTEGER)")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("PRAGMA application_id = 1234")
    conn.commit()
    conn.close()
    return p


def _damaged(tmp_path, built_expo):
    """Same size as a real expo, but pages in the middle overwritten with junk."""
    data = bytearray(built_expo.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    start = page * 2
    data[start:start + page * 6] = b"\xa5" * (page * 6)
    p = tmp_path / "damaged.sqlite"
    p.write_bytes(bytes(data))
    return p


BAD_FILES = {
    "text": (_text_file, None),
    "empty": (_empty_file, "empty"),
    "truncated": (_truncated, "truncated"),
    "newer": (_newer, "newer"),
    "other-app": (_other_app, "not an expo file"),
    "other-app-with-version": (_other_app_with_version, "not an expo file"),
    "damaged": (_damaged, None),
}


@pytest.mark.parametrize("readonly", [False, True], ids=["read-write", "read-only"])
@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_file_is_refused_and_left_untouched(kind, readonly, tmp_path, built_expo):
    make, words = BAD_FILES[kind]
    path = make(tmp_path, built_expo)
    before = sha256(path)
    listing = sorted(os.listdir(tmp_path))
    with pytest.raises(DataError) as info:
        open_expo(path, readonly=readonly)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    if words:
        assert words in message.lower()
    assert sha256(path) == before
    assert not Path(f"{path}-wal").exists()
    assert not Path(f"{path}-shm").exists()
    assert not Path(f"{path}-journal").exists()
    assert sorted(os.listdir(tmp_path)) == listing


def test_missing_path_is_refused_and_not_created(tmp_path):
    path = tmp_path / "nowhere" / "missing.sqlite"
    with pytest.raises(DataError) as info:
        open_expo(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    assert not path.exists()
    assert not path.parent.exists()


def test_folder_is_refused(tmp_path):
    with pytest.raises(DataError) as info:
        open_expo(tmp_path)
    assert str(tmp_path) in str(info.value)


# --------------------------------------------------------------- migrations
def _current_file(tmp_path) -> Path:
    path = tmp_path / "old.sqlite"
    open_expo(path, create=True).close()
    assert _pragmas(path)[0] == schema.SCHEMA_VERSION
    return path


def test_migration_step_upgrades_an_old_file(tmp_path, monkeypatch):
    """A file one version behind climbs one step (a future step is simulated here)."""
    path = _current_file(tmp_path)
    current = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + ["CREATE TABLE x(a);"])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", current + 1)
    open_expo(path).close()
    assert _pragmas(path) == (current + 1, schema.APP_ID)
    assert "x" in _tables(path)


def test_migration_failing_midway_rolls_back(tmp_path, monkeypatch):
    path = _current_file(tmp_path)
    current = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "MIGRATIONS",
                        schema.MIGRATIONS + ["CREATE TABLE x(a); CREATE TABLE broken("])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", current + 1)
    with pytest.raises(DataError):
        open_expo(path)
    monkeypatch.undo()
    assert _pragmas(path) == (current, schema.APP_ID)
    tables = _tables(path)
    assert "x" not in tables and "broken" not in tables
    # The file is still a sound expo file of the current version.
    open_expo(path, readonly=True).close()


def test_read_only_open_of_a_created_expo_leaves_no_files(tmp_path):
    folder = tmp_path / "expos"
    path = folder / "mine.sqlite"
    open_expo(path, create=True).close()
    dbtest.execute(path, "INSERT INTO expo(id, slug, name) VALUES (1, 'mine', 'My expo')")
    assert sorted(os.listdir(folder)) == ["mine.sqlite"]
    before = sha256(path)
    with open_expo(path, readonly=True) as expo:
        assert expo.meta()["name"] == "My expo"
    assert sha256(path) == before
    assert sorted(os.listdir(folder)) == ["mine.sqlite"]
