"""The whole-file integrity check off the start path (``db.integrity``): remembered per file
identity, so an unchanged file is not read again and a changed one is; damage told from bugs."""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from db import integrity
from db.errors import DataError
from db.expo import open_expo

from faults import damage_page  # tests/faults.py


def sha(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_an_unchanged_file_is_not_checked_again(expo_copy, tmp_path):
    cache = integrity.IntegrityCache(tmp_path / "data")
    first = integrity.check_file(expo_copy, cache)
    assert first.ok and not first.cached
    again = integrity.check_file(expo_copy, cache)
    assert again.ok and again.cached and again.checked_at == first.checked_at
    assert (tmp_path / "data" / "integrity.json").is_file()

    # Damage written behind SQLite's back, the size, time and header kept: the file counts
    # as unchanged, so the remembered result is given without reading it (the proof that
    # it was not checked again); asked for explicitly, it is read, and the damage found.
    st = os.stat(expo_copy)
    damage_page(expo_copy, "products")
    os.utime(expo_copy, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert integrity.check_file(expo_copy, cache).cached
    forced = integrity.check_file(expo_copy, cache, force=True)
    assert not forced.ok and not forced.cached
    assert str(expo_copy) in forced.message and "damaged" in forced.message
    assert not integrity.check_file(expo_copy, cache).ok        # and that is remembered


def test_a_changed_file_is_checked_again(expo_copy, tmp_path):
    cache = integrity.IntegrityCache(tmp_path / "data")
    assert not integrity.check_file(expo_copy, cache).cached
    with open_expo(expo_copy) as expo:                 # a real write: an import, an edit
        expo._conn.execute("UPDATE exhibitors SET summary = 'changed' WHERE slug = 'merck'")
        expo._conn.commit()
    result = integrity.check_file(expo_copy, cache)
    assert result.ok and not result.cached
    assert integrity.check_file(expo_copy, cache).cached

    damage_page(expo_copy, "products")                  # damage that changes its time
    os.utime(expo_copy, ns=(os.stat(expo_copy).st_atime_ns,
                            os.stat(expo_copy).st_mtime_ns + 1_000_000_000))
    result = integrity.check_file(expo_copy, cache)
    assert not result.ok and not result.cached and "damaged" in result.message


def test_the_check_writes_nothing_to_a_damaged_file(expo_copy, tmp_path):
    damage_page(expo_copy, "quotes")
    before = sha(expo_copy)
    result = integrity.check_file(expo_copy, integrity.IntegrityCache(tmp_path / "data"))
    assert not result.ok
    assert sha(expo_copy) == before
    assert not os.path.exists(f"{expo_copy}-journal") and not os.path.exists(f"{expo_copy}-wal")


def test_a_cache_that_cannot_be_read_means_checking_again(expo_copy, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "integrity.json").write_text("{not json", encoding="utf-8")
    cache = integrity.IntegrityCache(data)
    assert not integrity.check_file(expo_copy, cache).cached
    assert integrity.check_file(expo_copy, cache).cached         # written anew


def test_damage_met_later_is_told_from_a_bug(expo_copy):
    damage_page(expo_copy, "quotes")
    with open_expo(expo_copy, readonly=True, integrity=False) as expo:   # opens: no full read
        with pytest.raises(DataError) as info:
            expo.quotes_of("anyone")
        with pytest.raises(sqlite3.DatabaseError) as raw:
            expo._conn.execute("SELECT * FROM quotes WHERE person = 'x'").fetchall()
    assert integrity.is_damage(info.value)
    line = integrity.damage_line(expo_copy, raw.value)
    assert line is not None and str(expo_copy) in line and "damaged" in line
    bug = sqlite3.OperationalError("no such column: nonsense")
    assert not integrity.is_damage(bug) and integrity.damage_line(expo_copy, bug) is None
    assert not integrity.is_damage(ValueError("x"))


def test_cancelling_a_check_gives_no_result(built_expo):
    check = integrity.Check(built_expo)
    check.cancel()
    assert check.run() is None


def test_the_cache_keeps_a_bounded_number_of_files(built_expo, tmp_path):
    cache = integrity.IntegrityCache(tmp_path / "data")
    copies = []
    for i in range(integrity.KEEP + 3):
        path = tmp_path / f"copy{i}.sqlite"
        shutil.copyfile(built_expo, path)
        copies.append(path)
        ident = integrity.identity(path)
        cache.remember(ident, integrity.Result(True, "ok", False, 0.0))
    assert cache.lookup(integrity.identity(copies[0])) is None          # the oldest forgotten
    assert cache.lookup(integrity.identity(copies[-1])).cached
