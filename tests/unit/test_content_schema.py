"""Schema v3 (confidence labels, date precision everywhere, source citations): real files of
versions 1 and 2 upgrade to it; the cached built-in expo is rebuilt; ``db.dates`` formats."""
from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from db import build, content, schema
from db.dates import DateError, format_date, iso_date, parse_date
from db.expo import open_expo
from db.exporters import to_document
import dbtest  # tests/dbtest.py

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize("name, version", [("expo-v1.sqlite", 1), ("expo-v2.sqlite", 2)])
def test_old_files_upgrade_to_v3_with_dates_at_their_precision(tmp_path, name, version):
    path = tmp_path / name
    shutil.copyfile(FIXTURES / name, path)
    with contextlib.closing(sqlite3.connect(path)) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == version
        before = c.execute("SELECT slug, date, date_precision FROM events ORDER BY slug").fetchall()
        n_sources = c.execute("SELECT count(*) FROM sources").fetchone()[0]
    assert ("jarod-wang-talk", "2025-10-15", "expo") in before   # "during the expo"
    with open_expo(path) as expo, dbtest.connect(expo) as conn:
        assert schema.file_version(conn) == schema.SCHEMA_VERSION >= 3
        after = dict((s, (d, p)) for s, d, p in conn.execute(
            "SELECT slug, date, date_precision FROM events"))
        # The expo days become October 2025, stored as the start of the month.
        assert after["jarod-wang-talk"] == ("2025-10-01", "month")
        assert after["big-fund-i"] == ("2014-01-01", "year")
        assert after["bis-rule-2022-10-07"] == ("2022-10-07", "day")
        assert content.date_problems(conn) == []
        # Full source dates are marked as days; undated ones stay undated.
        rows = conn.execute("SELECT id, date, date_precision, citations FROM sources").fetchall()
        assert len(rows) == n_sources
        assert all(precision == ("day" if date else None) for _i, date, precision, _c in rows)
        assert all(citations == "[]" for _i, _d, _p, citations in rows)
        # New tables and columns exist, empty: the old file made no confidence claims.
        assert conn.execute("SELECT count(*) FROM confidence").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM products WHERE shown_at_expo IS NOT NULL "
                            "OR name_zh_note IS NOT NULL").fetchone()[0] == 0
        assert not content.curated(conn) and content.file_problems(conn) == []
        doc = to_document(expo)
    ev = {e["slug"]: e for e in doc["events"]}
    assert (ev["jarod-wang-talk"]["date"], ev["big-fund-i"]["date"]) == ("2025-10", "2014")


def test_read_only_export_of_a_v2_file_shows_dates_at_their_precision(tmp_path):
    path = tmp_path / "v2.sqlite"
    shutil.copyfile(FIXTURES / "expo-v2.sqlite", path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with open_expo(path, readonly=True) as expo:
        doc = to_document(expo)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest     # not upgraded
    ev = {e["slug"]: e for e in doc["events"]}
    assert ev["zhang-hengming-at-sicarrier-booth"]["date"] == "2025-10"
    assert ev["big-fund-ii"]["date"] == "2019"
    assert all(b["layout"] == "schematic" for b in doc["booths"])


def test_a_cached_old_build_is_rebuilt(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    # What an earlier version left there: the real v2 built-in file under its v2 name.
    stale = cache / "builtin-2-0123456789abcdef.sqlite"
    shutil.copyfile(FIXTURES / "expo-v2.sqlite", stale)
    path = build.builtin_path(cache)
    assert path.name == f"builtin-{schema.SCHEMA_VERSION}-{build.seed_fingerprint()}.sqlite"
    assert not stale.exists() and sorted(p.name for p in cache.iterdir()) == [path.name]
    with open_expo(path, readonly=True) as expo, dbtest.connect(expo) as conn:
        assert content.curated(conn)
        assert expo.exhibitor("qiyunfang") is not None
    assert build.builtin_path(cache) == path            # reused while the seed is unchanged


def test_the_fingerprint_follows_the_fact_sheet_and_the_content_rules(tmp_path, monkeypatch):
    seed = tmp_path / "seed"
    shutil.copytree(build.SEED_DIR, seed)
    base = build.seed_fingerprint(seed)
    assert base == build.seed_fingerprint()
    facts = json.loads((seed / "facts.json").read_text(encoding="utf-8"))
    facts[0]["about"] += " (edited)"
    (seed / "facts.json").write_text(json.dumps(facts), encoding="utf-8")
    assert build.seed_fingerprint(seed) != base
    # The rules' code is part of it too: a build made under other rules is not reused.
    real = Path.read_bytes

    def fake(path):
        data = real(path)
        return data + b"# changed" if path.name == "content.py" else data
    monkeypatch.setattr(Path, "read_bytes", fake)
    assert build.seed_fingerprint() != base


# ---------------------------------------------------------------------- db.dates
@pytest.mark.parametrize("value, precision, expected", [
    ("2014", None, ("2014-01-01", "year")),
    ("2014-01-01", "year", ("2014-01-01", "year")),
    ("2025-10", None, ("2025-10-01", "month")),
    ("2025-10-15", "month", ("2025-10-01", "month")),
    ("2025-10-15", "expo", ("2025-10-01", "month")),      # older files
    ("2025-10-15", None, ("2025-10-15", "day")),
    (None, None, None), ("", "day", None),
])
def test_parse_date(value, precision, expected):
    assert parse_date(value, precision) == expected


@pytest.mark.parametrize("value, precision", [
    ("2025", "day"), ("2025-10", "day"), ("2025-13", None), ("2025-02-30", None),
    ("15.10.2025", None), ("2025-10-15", "week"), ("around 2019", None)])
def test_parse_date_refuses(value, precision):
    with pytest.raises(DateError):
        parse_date(value, precision)


@pytest.mark.parametrize("value, precision, locale, expected", [
    ("2014-01-01", "year", "en", "2014"),
    ("2025-10-01", "month", "en", "October 2025"),
    ("2025-10-15", "day", "en", "15 October 2025"),
    ("2025-10-15", None, "en", "15 October 2025"),
    ("2025-03-01", "month", "de", "März 2025"),
    ("2025-10-15", "day", "de", "15. Oktober 2025"),
    ("2025-10-15", "day", "de_DE", "15. Oktober 2025"),
    ("2014-01-01", "year", "zh", "2014年"),
    ("2025-10-01", "month", "zh", "2025年10月"),
    ("2025-10-15", "day", "zh_CN", "2025年10月15日"),
    ("2025-10-15", "day", "fr", "15 October 2025"),
    (None, None, "en", ""),
    ("not a date", None, "en", "not a date"),
])
def test_format_date(value, precision, locale, expected):
    assert format_date(value, precision, locale) == expected


def test_iso_date():
    assert iso_date("2014-01-01", "year") == "2014"
    assert iso_date("2025-10-01", "month") == "2025-10"
    assert iso_date("2025-10-15", "day") == "2025-10-15"
    assert iso_date(None) == ""
