"""The content rules of the built-in expo (db.content), run on the real built file and its
real outputs; each rule is also shown failing on a planted bad record.

1. every record's confidence label matches its wording (medium: hedged, with a basis);
2. every date carries its precision;
3. every booth code in every db/CLI output is marked "schematic" on the built-in expo;
4. every quotation's German wording appears in the article verbatim;
5. every source is cited by something.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from db import cli, content
from db.build import SEED_DIR, load_seed
from db.errors import DataError
from db.expo import open_expo
from db.exporters import export_csv, export_json
from db.plan_export import attach_route, collect_plan, plan_markdown, plan_rows, route_stops
from db.plan_export import CSV_HEADER as PLAN_CSV_HEADER
from db.routing import RouteGraph, plan_route
from db.userdata import UserData
import dbtest  # tests/dbtest.py


def _article() -> Path | None:
    """The German article the quotations come from (shared research, not in the project)."""
    for base in Path(__file__).resolve().parents:
        path = base / "shared" / "seed" / "wesemibay-article.de.txt"
        if path.is_file():
            return path
    return None


ARTICLE = _article()
needs_article = pytest.mark.skipif(ARTICLE is None, reason="shared/seed article not available")


@pytest.fixture
def seed_copy(tmp_path):
    dst = tmp_path / "seed"
    shutil.copytree(SEED_DIR, dst)
    return dst


def _edit_seed(seed_dir: Path, name: str, change) -> None:
    path = seed_dir / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def _refused(seed_dir: Path) -> str:
    with pytest.raises(DataError) as info:
        load_seed(seed_dir)
    msg = str(info.value)
    assert "\n" not in msg
    return msg


def _rec(records, slug):
    return next(r for r in records if r.get("slug") == slug or r.get("id") == slug)


# ------------------------------------------------------------ 1. confidence and wording
def test_every_record_is_labelled_and_worded_as_strong_as_its_facts(conn_ro):
    assert content.confidence_problems(conn_ro) == []
    counts = content.counts(conn_ro)
    assert counts.labelled == counts.records          # every fact-bearing record
    # The labels are the fact sheet's: the weakest row each record states.
    seed = load_seed()
    facts = {f["id"]: f for f in seed["facts"]}
    stored = {(k, r): (lv, b) for k, r, lv, b in
              conn_ro.execute("SELECT kind, ref, level, basis FROM confidence")}
    assert stored[("product", "pneumatic-precision-tools")] == \
        ("medium", "a compressed-air vendor's page")
    assert stored[("exhibitor", "qiyunfang")] == ("medium", "one foreign-language report")
    assert stored[("exhibitor", "longgang-pavilion")] == ("high", None)
    for kind, name in (("topic", "topics"), ("event", "events"), ("product", "products")):
        for rec in seed[name]:
            assert stored[(kind, rec["slug"])] == content.derive_confidence(rec["facts"], facts)
    medium = [(k, r) for (k, r), (lv, _) in stored.items() if lv == "medium"]
    assert counts.medium == len(medium) > 0


def test_a_medium_record_stated_flatly_is_caught_in_the_file(expo_copy, capsys):
    conn = sqlite3.connect(expo_copy)
    conn.execute("UPDATE topics SET summary = 'SiCarrier is a Huawei supplier.' "
                 "WHERE slug = 'sicarrier-rise'")
    conn.commit()
    assert content.confidence_problems(conn) == [
        "topic sicarrier-rise: medium confidence, but its text states it flatly: add a hedge "
        f"({content.HEDGE_EXAMPLE})"]
    conn.close()
    assert cli.main(["check", str(expo_copy)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"{expo_copy}: topic sicarrier-rise: medium confidence, but its text states "
                   f"it flatly: add a hedge ({content.HEDGE_EXAMPLE})"]


def test_a_record_without_label_or_basis_is_caught(expo_copy):
    conn = sqlite3.connect(expo_copy)
    conn.execute("DELETE FROM confidence WHERE kind = 'link' AND ref = 'link-005'")
    conn.execute("UPDATE confidence SET basis = NULL WHERE kind = 'event' "
                 "AND ref = 'wesemibay-2024'")
    conn.commit()
    problems = content.confidence_problems(conn)
    conn.close()
    assert "link link-005: has no confidence label" in problems
    assert any(p.startswith("event wesemibay-2024: medium confidence without a basis")
               for p in problems)
    assert len(problems) == 2


def test_a_medium_fact_stated_flatly_in_the_seed_is_refused(seed_copy):
    def change(products):
        _rec(products, "pneumatic-precision-tools")["summary"] = (
            "Compressed-air tools used in chip fabs; fabs use compressed air to drive valves.")
    _edit_seed(seed_copy, "products", change)
    msg = _refused(seed_copy)
    assert "products.json" in msg and "pneumatic-precision-tools" in msg and "hedge" in msg


def test_a_record_must_cite_the_sources_of_the_facts_it_states(seed_copy):
    def change(events):
        _rec(events, "big-fund-iii")["facts"] = ["E2", "H1"]   # H1 rests on S43
    _edit_seed(seed_copy, "events", change)
    msg = _refused(seed_copy)
    assert "events.json" in msg and "big-fund-iii" in msg and "H1" in msg and "S43" in msg


def test_an_unsourced_alternative_name_is_refused(seed_copy):
    def change(exhibitors):
        sic = _rec(exhibitors, "sicarrier")
        del sic["name_sources"]["Shenzhen SiCarrier Technologies"]
    _edit_seed(seed_copy, "exhibitors", change)
    msg = _refused(seed_copy)
    assert "sicarrier" in msg and "Shenzhen SiCarrier Technologies" in msg


# ------------------------------------------------------------ 2. dates carry their precision
def test_every_date_carries_its_precision(conn_ro, export_doc):
    assert content.date_problems(conn_ro) == []
    precisions = {p for (p,) in conn_ro.execute("SELECT date_precision FROM events")}
    assert precisions == {"day", "month", "year"}
    for s in conn_ro.execute("SELECT id, date, date_precision FROM sources "
                             "WHERE date IS NOT NULL"):
        assert s[2] in ("day", "month", "year"), s
    # The export writes each date at its precision, never 1 January for a year.
    shown = {ev["slug"]: ev["date"] for ev in export_doc["events"]}
    assert shown["big-fund-i"] == "2014" and shown["sicarrier-founded"] == "2021"
    assert shown["jarod-wang-talk"] == "2025-10" and shown["bis-rule-2022-10-07"] == "2022-10-07"
    dated = {s["id"]: s["date"] for s in export_doc["sources"]}
    assert dated["S7"] == "2025-05" and dated["S44"] == "2025" and dated["S3"] == "2025-10-20"
    assert "-01-01" not in json.dumps(export_doc["events"])


def test_dates_stored_more_precisely_than_known_are_caught(expo_copy):
    conn = sqlite3.connect(expo_copy)
    conn.execute("UPDATE events SET date = '2014-06-30' WHERE slug = 'big-fund-i'")
    conn.execute("UPDATE events SET date_precision = 'someday' WHERE slug = 'jarod-wang-talk'")
    conn.execute("UPDATE sources SET date_precision = NULL WHERE id = 'S3'")
    conn.commit()
    problems = content.date_problems(conn)
    conn.close()
    assert problems == [
        "event big-fund-i: date '2014-06-30' of precision 'year' should be stored as "
        "'2014-01-01', the start of its period",
        "event jarod-wang-talk: date '2025-10-01' has no precision (day, month or year)",
        "source S3: date '2025-10-20' has no precision (day, month or year)"]


def test_a_seed_date_in_no_known_form_is_refused(seed_copy):
    def change(events):
        _rec(events, "big-fund-ii")["date"] = "around 2019"
    _edit_seed(seed_copy, "events", change)
    msg = _refused(seed_copy)
    assert "events.json" in msg and "big-fund-ii" in msg and "around 2019" in msg


# ------------------------------------------------------------ 3. booth codes marked schematic
def _outputs(expo_path: Path, tmp_path: Path, capsys) -> dict[str, tuple[str, object]]:
    """Every db/CLI output that shows booth codes, made from ``expo_path``."""
    out: dict[str, tuple[str, object]] = {}
    with open_expo(expo_path, readonly=True) as expo:
        export_json(expo, tmp_path / "expo.json")
        export_csv(expo, tmp_path / "expo.csv")
        codes = [expo.booths_of(s)[0] for s in ("sicarrier", "merck", "hisilicon")]
        user = UserData(tmp_path / "user.sqlite")
        try:
            slug = expo.meta()["slug"]
            for s in ("sicarrier", "merck", "hisilicon"):
                user.set_favourite(slug, "exhibitor", s, True)
            unnamed = next(b.code for b in expo.booths() if not expo.booth_occupants().get(b.code))
            user.set_favourite(slug, "booth", unnamed, True)
            plan = collect_plan(expo, user, slug)
            graph = RouteGraph.from_expo(expo)
            attach_route(plan, plan_route(graph, codes[0], route_stops(plan)))
        finally:
            user.close()
    out["export json"] = ("json", json.loads((tmp_path / "expo.json").read_text("utf-8")))
    with open(tmp_path / "expo.csv", encoding="utf-8", newline="") as fh:
        out["export csv"] = ("rows", list(csv.DictReader(fh)))
    out["plan markdown"] = ("text", plan_markdown(plan))
    out["plan csv"] = ("rows", [dict(zip(PLAN_CSV_HEADER, map(str, r))) for r in plan_rows(plan)])
    for name, argv in (("route", ["route", "--expo", str(expo_path), "--stops", ",".join(codes)]),
                       ("route from a booth", ["route", "--expo", str(expo_path), "--from",
                                               codes[0], "--stops", ",".join(codes[1:])]),
                       ("route json", ["route", "--expo", str(expo_path), "--stops",
                                       ",".join(codes), "--json"]),
                       ("search", ["search", "--expo", str(expo_path), "SiCarrier"]),
                       ("search json", ["search", "--expo", str(expo_path), "--json", "Merck"])):
        assert cli.main(argv) == 0
        text = capsys.readouterr().out
        out[name] = ("json", json.loads(text)) if name.endswith("json") else ("text", text)
    return out


def _unmarked(kind: str, payload, codes) -> list[str]:
    if kind == "json":
        return content.unmarked_in_json(payload, codes)
    if kind == "rows":
        return content.unmarked_in_rows(payload, codes)
    return content.unmarked_in_text(payload, codes)


def _shows_codes(kind: str, payload, codes) -> bool:
    text = json.dumps(payload) if kind != "text" else payload
    return content._code_re(codes).search(text) is not None


def test_every_booth_code_in_every_output_is_marked_schematic(built_expo, tmp_path, capsys):
    with open_expo(built_expo, readonly=True) as expo:
        codes = [b.code for b in expo.booths()]
    outputs = _outputs(built_expo, tmp_path, capsys)
    for name, (kind, payload) in outputs.items():
        assert _shows_codes(kind, payload, codes), name        # the check is not vacuous
        assert _unmarked(kind, payload, codes) == [], name
    assert "1C09 (schematic)" in outputs["route"][1] or "(schematic)" in outputs["route"][1]
    # Never inside the code itself: the export's booth codes are the bare codes.
    doc = outputs["export json"][1]
    assert {b["code"] for b in doc["booths"]} == set(codes)
    assert all(r["booth"] in codes for r in outputs["export csv"][1] if r["booth"])


def test_outputs_of_an_unmarked_layout_are_caught(expo_copy, tmp_path, capsys):
    # Plant: the same expo with its schematic flag cleared; every output now shows bare
    # codes, and the rule says so for each of them.
    conn = sqlite3.connect(expo_copy)
    conn.execute("UPDATE expo SET schematic = 0")
    conn.commit()
    conn.close()
    with open_expo(expo_copy, readonly=True) as expo:
        codes = [b.code for b in expo.booths()]
    outputs = _outputs(expo_copy, tmp_path, capsys)
    for name, (kind, payload) in outputs.items():
        assert _unmarked(kind, payload, codes), name


def test_the_scanners_catch_single_planted_codes():
    codes = ["1C09", "2B03"]
    assert content.unmarked_in_text("walk to 1C09 (schematic) then 2B03\n", codes) == \
        ["walk to 1C09 (schematic) then 2B03"]
    assert content.unmarked_in_text("1C09 (schematic), 2B03 (schematic)", codes) == []
    assert content.unmarked_in_text("booth 11C09 or 1C090", codes) == []   # not a code
    doc = {"booths": [{"code": "1C09", "layout": "schematic"}, {"code": "2B03"}],
           "legs": [{"from": "entrance", "to": "1C09", "layout": "schematic"}],
           "order": ["1C09"]}
    assert content.unmarked_in_json(doc, codes) == ["(top)", "booths[1]"]
    rows = [{"booth": "1C09", "layout": "schematic"}, {"booth": "2B03", "layout": ""},
            {"booth": "", "layout": ""}]
    assert content.unmarked_in_rows(rows, codes) == ["line 3"]


def test_exports_with_the_marker_still_import(built_expo, expo_copy, tmp_path):
    # JSON: export, import into a new file, export again: the same document.
    with open_expo(built_expo, readonly=True) as expo:
        export_json(expo, tmp_path / "a.json")
        export_csv(expo, tmp_path / "a.csv")
    from db.importing import import_files
    import_files(tmp_path / "new.sqlite", [tmp_path / "a.json"])
    with open_expo(tmp_path / "new.sqlite", readonly=True) as expo:
        export_json(expo, tmp_path / "b.json")
    with dbtest.connect(tmp_path / "new.sqlite") as conn, dbtest.connect(built_expo) as built:
        assert content.file_problems(conn) == []
        assert content.counts(conn) == content.counts(built)
    a = json.loads((tmp_path / "a.json").read_text("utf-8"))
    b = json.loads((tmp_path / "b.json").read_text("utf-8"))
    assert a == b
    # CSV: re-imported into the expo it came from, every booth code is found as it is.
    report = import_files(expo_copy, [tmp_path / "a.csv"])
    assert report.warnings == []          # the layout column is known, every booth found
    assert report.added == {} and report.updated == {}
    assert report.unchanged == {"exhibitor": 11, "product": 6}
    assert not dbtest.rows(expo_copy, "SELECT code FROM booths WHERE code LIKE '%schematic%' "
                                      "OR placed = 0")


# ------------------------------------------------------------ 4. quotations verbatim
@needs_article
def test_every_quotation_is_in_the_article_verbatim(export_doc):
    article = ARTICLE.read_text(encoding="utf-8")
    quotes = export_doc["quotes"]
    assert len(quotes) >= 11
    assert content.quote_problems(quotes, article) == []


@needs_article
def test_a_reworded_quotation_is_caught(export_doc):
    article = ARTICLE.read_text(encoding="utf-8")
    q = dict(_rec(export_doc["quotes"], "q-zhang-hengming-excellent"))
    q["text"] = "Ihre Produkte sind sehr gut – sie sind hervorragend"
    assert content.quote_problems([q], article) == [
        "quote q-zhang-hengming-excellent: not in the article as written: "
        "'Ihre Produkte sind sehr gut – sie sind hervorragend'"]
    # A part after "…" is checked too.
    q2 = dict(_rec(export_doc["quotes"], "q-david-sacks-cfr-risk"))
    q2["text"] = q2["text"].replace("Hauptkonkurrenten", "größten Konkurrenten")
    assert len(content.quote_problems([q2], article)) == 1


# ------------------------------------------------------------ 5. every source cited
def test_every_source_is_cited(conn_ro):
    assert content.uncited_sources(conn_ro) == []
    assert conn_ro.execute("SELECT count(*) FROM cites WHERE kind = 'supply'").fetchone()[0] == 6


def test_an_uncited_source_is_caught(expo_copy, seed_copy):
    conn = sqlite3.connect(expo_copy)
    conn.execute("INSERT INTO sources(id, title) VALUES ('S99', 'Nobody cites this')")
    conn.commit()
    assert content.uncited_sources(conn) == ["source S99: cited by no record"]
    assert "source S99: cited by no record" in content.file_problems(conn)
    conn.close()

    def change(sources):
        sources.append({"id": "S98", "title": "Nobody cites this either"})
    _edit_seed(seed_copy, "sources", change)
    msg = _refused(seed_copy)
    assert "sources.json" in msg and "S98" in msg and "cited by no record" in msg


# ------------------------------------------------------------ the check command
def test_check_reports_records_sources_and_medium_facts(built_expo, capsys):
    seed = load_seed()
    facts = {f["id"]: f for f in seed["facts"]}
    records = [seed["expo"]] + [r for n in ("exhibitors", "organisations", "products", "topics",
                                            "events", "people", "quotes", "links")
                                for r in seed[n]]
    medium = sum(content.derive_confidence(r["facts"], facts)[0] == "medium" for r in records)
    assert cli.main(["check", str(built_expo)]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    assert (f"; {len(records)} records, {len(seed['sources'])} sources, {medium} "
            "medium-confidence facts (hedged, with their basis)") in out.out
    assert "(schematic layout)" in out.out


def test_federal_register_citations_link_sources_to_events(conn_ro):
    assert [e["slug"] for e in content.events_for_citation(conn_ro, "87 FR 62186")] == \
        ["bis-rule-2022-10-07"]
    assert [e["slug"] for e in content.events_for_citation(conn_ro, "fr doc.  2023-23049")] \
        == ["bis-package-2023-10-17"]
    assert [e["slug"] for e in content.events_for_citation(conn_ro,
                                                           "FR Doc. 2024-28267")] == \
        ["bis-rule-2024-12-02"]
    # The screening list's citation for SiCarrier is in no source's citations: no event is
    # inferred for it (the rule's date is not verified).
    assert content.events_for_citation(conn_ro, "89 FR 96837") == []
    cits = {r[0]: content.source_citations(r[1])
            for r in conn_ro.execute("SELECT id, citations FROM sources")}
    assert all(content.FR_CITATION_RE.fullmatch(c) or c.startswith("FR Doc. ")
               for cs in cits.values() for c in cs)


def test_csv_export_marks_layout_only_beside_a_booth(built_expo, tmp_path):
    with open_expo(built_expo, readonly=True) as expo:
        export_csv(expo, tmp_path / "x.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "x.csv").read_text("utf-8"))))
    assert {r["layout"] for r in rows if r["booth"]} == {"schematic"}
    assert {r["layout"] for r in rows if not r["booth"]} == {""}
    assert {r["exhibitor_id"] for r in rows if not r["booth"]} == {"qiyunfang",
                                                                   "longgang-pavilion"}


def test_an_imported_catalogue_passes_the_rules_that_apply_to_it(tmp_path, capsys):
    # Import writes its own source (the file, dated today): its date carries its precision
    # too, so check passes; nothing is labelled, so only the date rule applies.
    from db.importing import import_files
    catalogue = Path(__file__).resolve().parents[1] / "fixtures" / "catalogue" / \
        "messy-exhibitors.csv"
    out = tmp_path / "imported.sqlite"
    import_files(out, [catalogue])
    with dbtest.connect(out) as conn:
        assert not content.curated(conn)
        assert content.file_problems(conn) == []
        (prec,) = conn.execute("SELECT date_precision FROM sources WHERE kind = 'import'"
                               ).fetchone()
        assert prec == "day"
    assert cli.main(["check", str(out)]) == 0
    assert "no confidence labels" in capsys.readouterr().out
