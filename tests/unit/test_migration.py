"""A real expo file of schema v1 (kept as a fixture) upgrades step by step, data intact."""
from __future__ import annotations

import contextlib
import hashlib
import shutil
import sqlite3
from pathlib import Path

from db import schema
from db.expo import open_expo
import dbtest  # tests/dbtest.py

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "expo-v1.sqlite"


def test_v1_file_upgrades_to_current(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copyfile(FIXTURE, path)
    with contextlib.closing(sqlite3.connect(path)) as c:  # 3.13 warns about unclosed ones
        assert c.execute("PRAGMA user_version").fetchone()[0] == 1
        before = c.execute("SELECT slug, name FROM exhibitors ORDER BY slug").fetchall()
    with open_expo(path) as expo:
        assert dbtest.query(expo, "PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        after = dbtest.query(expo, "SELECT slug, name FROM exhibitors ORDER BY slug").fetchall()
        assert after == before
        # The v2 tables exist (empty: the old file had no market data).
        assert dbtest.query(expo, "SELECT count(*) FROM supply_shares").fetchone()[0] == 0


def test_read_only_open_of_old_file_does_not_upgrade_it(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copyfile(FIXTURE, path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with open_expo(path, readonly=True) as expo:
        assert dbtest.query(expo, "SELECT count(*) FROM exhibitors").fetchone()[0] == 9
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
