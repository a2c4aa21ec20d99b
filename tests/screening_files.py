"""Screening-list files for the tests: the real excerpts in shared/, and made lists and expos.

The real files live outside the project (``shared/data/csl-sample`` and
``shared/testdata/csl``, see their README and SOURCES); tests that need them skip when they are
absent. ``official_json_from_projection`` turns the 2026 projection (short keys, see
SOURCES.md) back into the official ``consolidated.json`` layout, entry for entry, so that the
real 2026 entries (SiCarrier, SMIC, Pengxinxu ...) can be loaded as a user would load them.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from db.expo import open_expo
import dbtest  # tests/dbtest.py


def _shared() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "testdata").is_dir():
            return parent / "shared"
    return None


SHARED = _shared()
SAMPLE_CSV = SHARED / "data" / "csl-sample" / "consolidated_sample.csv" if SHARED else None
CN_2023_CSV = SHARED / "testdata" / "csl" / "consolidated_cn_2023-11-30.csv" if SHARED else None
PROJECTION_2026 = (SHARED / "testdata" / "csl" / "csl_projection_cn_semis_2026-07-31.json"
                   if SHARED else None)


def need(path: Path | None) -> Path:
    """The path of a real file, or skip the test when it is not on this machine."""
    if path is None or not path.is_file():
        pytest.skip(f"real screening data not available ({path})")
    return path


def official_json_from_projection(src: Path, out: Path) -> Path:
    """The projection's 263 real entries written in the official consolidated.json layout."""
    doc = json.loads(src.read_text(encoding="utf-8"))
    tables = doc["tables"]

    def table(name, value):
        return tables[name][value] if isinstance(value, int) else (value or "")

    results = []
    for i, e in enumerate(doc["entries"]):
        results.append({
            "id": f"projection-{i}", "source": tables["sources"][e["s"]], "name": e["n"],
            "alt_names": e.get("a"), "type": e.get("t"), "entity_number": e.get("e"),
            "addresses": [{"address": None, "city": None, "state": None, "postal_code": None,
                           "country": c} for c in e.get("c") or []],
            "federal_register_notice": e.get("fr"),
            "license_requirement": table("licenceRequirements", e.get("lr")),
            "license_policy": table("licencePolicies", e.get("lp")),
            "programs": [table("programmes", e["pg"])] if "pg" in e else None,
            "source_list_url": table("urls", e.get("u")), "start_date": None})
    out.write_text(json.dumps({"results": results, "search_performed_at": doc["sourceGeneratedAt"],
                               "sources_used": [], "offset": 0, "total": len(results)}),
                   encoding="utf-8")
    return out


def make_expo(path: Path, exhibitors: list[tuple], slug: str = "made-expo") -> Path:
    """An expo file with just these exhibitors: (slug, name[, pinyin[, aliases]])."""
    open_expo(path, create=True).close()
    with dbtest.connect(path) as conn:
        conn.execute("INSERT INTO expo(id, slug, name) VALUES (1, ?, 'Made expo')", (slug,))
        for ex in exhibitors:
            slug_, name, pinyin, aliases = (tuple(ex) + (None, []))[:4]
            conn.execute("INSERT INTO exhibitors(slug, name, pinyin, aliases) VALUES "
                         "(?,?,?,?)", (slug_, name, pinyin, json.dumps(aliases)))
    return path


def el_record(name: str, alt_names=(), fr: str = "89 FR 96837", rid: str | None = None,
              **extra) -> dict:
    """An Entity List record in the CSV's field names."""
    # As ITA makes Entity List ids: sha224 of the name and the Federal Register text.
    rid = rid or hashlib.sha224((name.strip().lower() + fr.strip().lower()).encode()).hexdigest()
    rec = {"_id": rid,
           "source": "Entity List (EL) - Bureau of Industry and Security", "name": name,
           "alt_names": list(alt_names), "federal_register_notice": fr,
           "start_date": "2024-12-05", "addresses": "Somewhere Road 1, Shenzhen, CN",
           "license_requirement": "For all items subject to the EAR. (See §744.11 of the EAR)",
           "license_policy": "Presumption of denial.",
           "source_list_url": "https://www.bis.gov/regulations/ear/744#supplement-4-744"}
    rec.update(extra)
    return rec


def table_count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()
