"""Screening an expo: the built-in expo against real 2026 entries, policy context, exports."""
from __future__ import annotations

import csv
import hashlib
import json
import shutil

import pytest

from db.expo import open_expo
from db.exporters import export_csv, export_json
from db.importing import import_files
from db.plan_export import collect_plan, write_csv, write_markdown
from db.screening import (CAVEAT, ScreeningStore, export_section, load_and_screen, screen_expo,
                          screening_csv_path)
from db.userdata import UserData
from screening_files import PROJECTION_2026, need, official_json_from_projection  # tests/
import dbtest  # tests/dbtest.py

EXPO = "wesemibay-2025"
CONTRACT = {"exhibitor", "name", "status", "matches", "list_date", "list_sha256"}
MATCH_CONTRACT = {"entry_name", "list", "federal_register_notice", "citations", "start_date",
                  "license_requirement", "license_policy", "kind", "score", "matched_on"}


@pytest.fixture(scope="module")
def list_2026(tmp_path_factory):
    """The real 2026 entries in the official consolidated.json layout."""
    return official_json_from_projection(need(PROJECTION_2026),
                                         tmp_path_factory.mktemp("csl") / "consolidated.json")


@pytest.fixture(scope="module")
def stored(built_expo, list_2026, tmp_path_factory):
    """A data folder whose store holds the 2026 list (the built-in expo screened once)."""
    data = tmp_path_factory.mktemp("data")
    with open_expo(built_expo, readonly=True) as expo:
        scr = load_and_screen(expo, ScreeningStore.in_dir(data), list_2026)
    return data, scr


def by_slug(scr):
    return {r["exhibitor"]: r for r in scr.results}


def test_the_builtin_expo_against_the_2026_list(stored, list_2026, built_expo):
    _, scr = stored
    results = by_slug(scr)
    with open_expo(built_expo, readonly=True) as expo:
        assert set(results) == {r["slug"] for r in expo.exhibitor_rows()}   # one per exhibitor
    sha = hashlib.sha256(list_2026.read_bytes()).hexdigest()
    for r in scr.results:
        assert CONTRACT <= set(r) and (r["list_date"], r["list_sha256"]) == ("2026-07-31", sha)
        for m in r["matches"]:
            assert MATCH_CONTRACT <= set(m)
    sic = results["sicarrier"]
    assert sic["status"] == "match"
    first = sic["matches"][0]
    assert (first["entry_name"], first["kind"], first["status"]) == (
        "Shenzhen SiCarrier Technologies Co., Ltd.", "alias", "match")
    assert first["list"] == "Entity List (EL) - Bureau of Industry and Security"
    assert first["citations"] == ["89 FR 96837"] and first["federal_register_notice"] == "89 FR 96837"
    assert first["license_policy"] == "Presumption of denial"
    assert first["license_requirement"].startswith("For all items subject to the EAR")
    assert {"exhibitor_field": "aliases", "exhibitor_text": "Xinkailai", "entry_field": "alt_names",
            "entry_text": "Xinkailai", "kind": "alias", "score": 1.0} in first["matched_on"]
    # Its subsidiary under another name is only a possible match.
    other = [m for m in sic["matches"] if m["entry_name"].startswith("Shenzhen Xinkailai Ind")]
    assert [(m["status"], m["kind"]) for m in other] == [("possible", "fuzzy")]
    assert results["hisilicon"]["status"] == "match"
    # Pengjin is a Shenzhen firm whose name resembles Pengxinxu and Pengxin (PXW): none.
    assert results["pengjin-hi-tech"]["status"] == "none"
    for slug in ("applied-materials", "tokyo-electron", "merck", "edwards", "founder-micro"):
        assert results[slug] == {**results[slug], "status": "none", "matches": []}


def test_matched_entries_link_to_events_citing_the_same_notice(built_expo, stored, tmp_path):
    data, _ = stored
    path = tmp_path / "expo.sqlite"
    shutil.copyfile(built_expo, path)
    with dbtest.connect(path) as c:
        c.execute("INSERT INTO sources(id, title, url) VALUES ('fr-el', 'Additions to the Entity "
                  "List (89 Fed. Reg. 96830)', 'https://example.org/el')")
        c.execute("INSERT INTO sources(id, title, note) VALUES ('fr-el-2', 'Entity List rule', "
                  "'Entries printed at 89 FR 96837 and following pages')")
        c.execute("INSERT INTO events(slug, date, title, summary, side) VALUES ('el-2024-12', "
                  "'2024-12-02', 'SiCarrier added to the Entity List', 'Why it matters: US "
                  "suppliers need a licence.', 'us')")
        c.execute("INSERT INTO events(slug, date, title, side) VALUES ('near-2024', '2024-12-02', "
                  "'A rule whose first page is 96830', 'us')")
        c.execute("INSERT INTO topics(slug, title, summary) VALUES ('el-topic', 'Entity List', "
                  "'The list of restricted parties.')")
        c.executemany("INSERT INTO cites(kind, ref, source) VALUES (?,?,?)",
                      [("event", "el-2024-12", "fr-el-2"), ("event", "near-2024", "fr-el"),
                       ("topic", "el-topic", "fr-el-2")])
    with open_expo(path, readonly=True) as expo:
        scr = screen_expo(expo, ScreeningStore.in_dir(data), save=False)
    first = by_slug(scr)["sicarrier"]["matches"][0]
    assert [(p["kind"], p["slug"], p["citation"], p["sources"]) for p in
            first["policy_context"]] == [("event", "el-2024-12", "89 FR 96837", ["fr-el-2"]),
                                         ("topic", "el-topic", "89 FR 96837", ["fr-el-2"])]
    assert first["policy_context"][0]["why"].startswith("Why it matters")
    # An entry with other citations links to nothing.
    hisi = by_slug(scr)["hisilicon"]["matches"][0]
    assert "89 FR 96837" not in hisi["citations"] and hisi["policy_context"] == []


def test_the_expo_export_has_a_screening_section_only_with_a_stored_list(built_expo, stored,
                                                                         tmp_path):
    data, _ = stored
    with open_expo(built_expo, readonly=True) as expo:
        assert export_section(expo, tmp_path / "no-list-here") is None
        out = export_json(expo, tmp_path / "plain.json", screening=None)
        assert "screening" not in json.loads(out.read_text(encoding="utf-8"))
        scr = export_section(expo, data)
        doc = json.loads(export_json(expo, tmp_path / "expo.json", scr).read_text("utf-8"))
        csv_out = export_csv(expo, tmp_path / "expo.csv", scr)
    section = doc["screening"]
    assert section["list"]["list_date"] == "2026-07-31" and len(section["list"]["sha256"]) == 64
    assert section["caveat"] == CAVEAT and "not a determination" in CAVEAT
    assert section["counts"] == {"match": 2, "possible": 0, "none": len(doc["exhibitors"]) - 2}
    assert {r["exhibitor"] for r in section["exhibitors"]} == {e["slug"] for e in doc["exhibitors"]}
    with open(screening_csv_path(csv_out), newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    sic = [r for r in rows if r["exhibitor"] == "sicarrier"]
    assert sic[0]["status"] == "match" and sic[0]["citations"] == "89 FR 96837"
    assert sic[0]["list_date"] == "2026-07-31" and sic[0]["caveat"] == CAVEAT
    merck = [r for r in rows if r["exhibitor"] == "merck"]
    assert [r["status"] for r in merck] == ["no entry found in the list of 2026-07-31"]
    # The export with its screening section still imports as an expo document.
    report = import_files(tmp_path / "again.sqlite", [tmp_path / "expo.json"])
    assert report.added["exhibitor"] == len(doc["exhibitors"]) and not report.errors


def test_the_plan_exports_carry_a_screening_section(built_expo, stored, tmp_path):
    data, _ = stored
    user = UserData(data / "user.sqlite")           # the user file beside the store
    try:
        for slug in ("sicarrier", "merck"):
            user.set_favourite(EXPO, "exhibitor", slug, True)
        with open_expo(built_expo, readonly=True) as expo:
            plan = collect_plan(expo, user, EXPO)
    finally:
        user.close()
    md = write_markdown(plan, tmp_path / "plan.md").read_text(encoding="utf-8")
    section = md.split("## Screening", 1)[1]
    assert "U.S. Consolidated Screening List of 2026-07-31" in section
    assert "A list match is a lead for a compliance check, not a determination" in section
    assert "- SiCarrier: match\n  - match: Shenzhen SiCarrier Technologies Co., Ltd." in section
    assert "89 FR 96837" in section and "licence policy: Presumption of denial" in section
    assert "- Merck: no entry found in the list of 2026-07-31" in section
    with open(write_csv(plan, tmp_path / "plan.csv"), newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_id = {r["id"]: r for r in rows}
    assert by_id["sicarrier"]["screening"] == "match"
    assert "Shenzhen SiCarrier Technologies Co., Ltd. [EL: match, 89 FR 96837]" in \
        by_id["sicarrier"]["screening_entries"]
    assert by_id["merck"]["screening"] == "no entry found in the list of 2026-07-31"
    last = rows[-1]
    assert last["status"] == "screening list" and CAVEAT in last["screening"]


def test_without_a_stored_list_the_plan_has_no_screening_section(built_expo, tmp_path):
    user = UserData(tmp_path / "user.sqlite")
    try:
        user.set_favourite(EXPO, "exhibitor", "sicarrier", True)
        with open_expo(built_expo, readonly=True) as expo:
            plan = collect_plan(expo, user, EXPO)
    finally:
        user.close()
    assert plan.screening is None
    assert "## Screening" not in write_markdown(plan, tmp_path / "p.md").read_text("utf-8")
    with open(write_csv(plan, tmp_path / "p.csv"), newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["screening"] for r in rows] == [""]
