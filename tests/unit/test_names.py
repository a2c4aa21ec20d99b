"""Zone and hall names per language (schema v4, ``names``): the built-in expo carries German
and Chinese names, other expos fall back to their own, and the names survive export and
import; a version-3 file upgrades with its names empty."""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

import dbtest  # tests/dbtest.py

from db import schema
from db.build import build
from db.expo import open_expo
from db.exporters import export_json
from db.importing import ImportFailed, import_files
from db.names import name_in

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def builtin(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("names") / "builtin.sqlite")


def test_builtin_zones_and_halls_have_german_and_chinese_names(builtin):
    with open_expo(builtin, readonly=True) as expo:
        zones = {z["slug"]: z for z in expo.zones()}
        halls = {h["slug"]: h for h in expo.halls()}
    wafer = zones["wafer-manufacturing"]
    assert name_in(wafer, "en") == "Wafer manufacturing"
    assert name_in(wafer, "de") == "Waferfertigung"
    assert name_in(wafer, "zh") == "晶圆制造"
    for z in zones.values():
        assert set(z["names"]) == {"de", "zh"}, z["slug"]
        assert z["names"]["de"] != z["name"] or z["slug"] == "advanced-packaging"
    assert name_in(halls["area-1"], "de") == "Bereich 1 (schematisch)"
    assert name_in(halls["area-1"], "zh") == "区域 1（示意）"
    assert name_in(halls["area-1"], "en") == "Area 1 (schematic)"


def test_a_record_without_names_falls_back_to_its_own_name():
    assert name_in({"name": "Hall A", "names": "{}"}, "de") == "Hall A"
    assert name_in({"name": "Hall A", "names": None}, "zh") == "Hall A"
    assert name_in({"name": "Hall A", "names": "not json"}, "de") == "Hall A"
    assert name_in({"name": "Zone B", "name_zh": "乙区", "names": {}}, "zh") == "乙区"
    assert name_in({"name": "Zone B", "name_zh": "乙区", "names": {"de": "Zone B-de"}}, "de") \
        == "Zone B-de"


def test_a_version_3_file_upgrades_with_empty_names(tmp_path):
    path = tmp_path / "v3.sqlite"
    shutil.copyfile(FIXTURES / "expo-v3.sqlite", path)
    with dbtest.connect(path) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == 3
    with open_expo(path) as expo:
        zones = expo.zones()
        halls = expo.halls()
    with dbtest.connect(path) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert zones and all(z["names"] == {} for z in zones)
    assert halls and all(h["names"] == {} for h in halls)
    # Shown in German, they read as they always did.
    assert name_in(zones[0], "de") == zones[0]["name"]


def test_names_round_trip_through_export_and_import(builtin, tmp_path):
    with open_expo(builtin, readonly=True) as expo:
        export_json(expo, tmp_path / "first.json")
    doc = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))
    zone = next(z for z in doc["zones"] if z["slug"] == "ic-design")
    assert zone["names"] == {"de": "IC-Design", "zh": "芯片设计"}
    assert doc["halls"][0]["names"]["zh"] == "区域 1（示意）"
    # An edited name in a new language goes in and comes out again.
    zone["names"]["fr"] = "Conception de circuits"
    (tmp_path / "edited.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    new = tmp_path / "new.sqlite"
    import_files(new, [tmp_path / "edited.json"])
    with open_expo(new, readonly=True) as expo:
        export_json(expo, tmp_path / "second.json")
        zones = {z["slug"]: z for z in expo.zones()}
    assert name_in(zones["ic-design"], "fr") == "Conception de circuits"
    again = json.loads((tmp_path / "second.json").read_text(encoding="utf-8"))
    assert again["zones"] == doc["zones"]
    assert again["halls"] == doc["halls"]


@pytest.mark.parametrize("names, message", [
    (["IC-Design"], "must be an object of language code to name, not a list"),
    ({"de": 5}, "['de'] must be a text, not a number"),
    ({"de lang": "x"}, "which is not a language code"),
])
def test_a_bad_names_value_is_refused_with_the_record(builtin, tmp_path, names, message):
    with open_expo(builtin, readonly=True) as expo:
        export_json(expo, tmp_path / "doc.json")
    doc = json.loads((tmp_path / "doc.json").read_text(encoding="utf-8"))
    doc["zones"][2]["names"] = names
    (tmp_path / "bad.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        import_files(tmp_path / "other.sqlite", [tmp_path / "bad.json"])
    errors = [str(e) for e in err.value.report.errors]
    assert any('"names"' in e and message in e for e in errors), errors
    assert not (tmp_path / "other.sqlite").exists()
