"""The built-in expo presents nothing unverified as fact.

Checks follow the "Not verified" list of shared/research/policy_facts.md and the
honesty rules in db/seed/README.md.
"""
from __future__ import annotations

import re

import pytest

from .conftest import all_strings


def _texts(doc):
    """(where, text) for every string in the exported document except source metadata."""
    for section, value in doc.items():
        if section in ("sources", "format"):
            continue
        if isinstance(value, list):
            for rec in value:
                key = rec.get("slug") or rec.get("id") or rec.get("code") or rec.get("tool_type")
                for s in all_strings(rec):
                    yield f"{section}:{key}", s
        else:
            for s in all_strings(value):
                yield section, s


def _grep(doc, pattern, flags=re.IGNORECASE):
    rx = re.compile(pattern, flags)
    return [(where, text) for where, text in _texts(doc) if rx.search(text)]


def test_texts_are_searched(export_doc):
    # The helper sees the content the other tests check (guards against vacuous passes).
    assert _grep(export_doc, r"Entity List")
    assert _grep(export_doc, r"15 October 2025")
    assert _grep(export_doc, r"David O\. Sacks")


def test_no_closing_date_is_stated(export_doc):
    closing = (r"2025-10-17|17 October 2025|October 17,? 2025|17 Oct\b|"
               r"15\s*(?:-|–|to|until)\s*17 October|clos(?:es|ed|ing) on")
    assert _grep(export_doc, closing) == []
    assert all(ev["date"] != "2025-10-17" for ev in export_doc["events"])


def test_sicarrier_is_not_said_to_be_on_the_entity_list(export_doc):
    claims = _grep(export_doc, r"SiCarrier (was|is|has been) (added to|on|placed on|listed on) "
                               r"the Entity List")
    assert claims == []
    # Nor in the form "added SiCarrier (...) to the Entity List".
    assert _grep(export_doc, r"add(ed|s|ing) SiCarrier\b[^.]{0,60}to the Entity List") == []
    # The screening-list entries (H1) appear only as what a dated copy of the list says.
    for where, text in _texts(export_doc):
        for sentence in _sentences(text):
            if "89 FR 96837" in sentence:
                assert sentence.startswith("According to a copy of the U.S. Consolidated "
                                           "Screening List generated on 31 July 2026"), where


def test_december_2024_rule_does_not_name_sicarrier(export_doc):
    ev = next(e for e in export_doc["events"] if e["slug"] == "bis-rule-2024-12-02")
    assert ev["date"] == "2024-12-02"
    assert "sicarrier" not in (ev["title"] + " " + ev["summary"]).lower()
    for ev in export_doc["events"]:
        if ev["date"] == "2024-12-02":
            assert "sicarrier" not in (ev["title"] + ev["summary"]).lower(), ev["slug"]


def test_sicarrier_entity_list_texts_say_not_verified(export_doc):
    link = next(ln for ln in export_doc["links"]
                if ln["from"] == "sicarrier" and ln["to"] == "entity-list")
    assert "not verified" in link["reason"]
    topic = next(t for t in export_doc["topics"] if t["slug"] == "entity-list")
    assert "not verified" in topic["summary"]


def test_no_visitor_numbers(export_doc):
    numbers = (r"\b\d[\d,.]*\s*(?:thousand|million|k|万)?\s*(?:visitors|attendees|visits|"
               r"people visited|人次)|\bvisitors?\b[^.]{0,40}\b\d{3}")
    assert _grep(export_doc, numbers) == []
    extra = {k for k in export_doc["expo"] if "visitor" in k.lower()}
    assert extra == set()


def test_layout_is_marked_schematic(export_doc):
    assert export_doc["expo"]["schematic"] is True
    assert export_doc["expo"]["layout"] == "schematic"
    assert "schematic" in export_doc["expo"]["summary"]
    assert "No official floor plan is known" in export_doc["expo"]["summary"]
    # Hall names say they are ours, so nobody takes them for the venue's halls.
    assert [h["name"] for h in export_doc["halls"]] == [
        f"Area {n} (schematic)" for n in range(1, 5)]
    assert not any(re.search(r"\bhall\b", h["name"] + h["slug"], re.I)
                   for h in export_doc["halls"])


def _sentences(text):
    return re.split(r"(?<!U\.S\.)(?<=[.])\s+", text)   # "U.S." ends no sentence


def test_what_sicarrier_showed_at_wesemibay_is_not_claimed(export_doc):
    rx = re.compile(r"SiCarrier\b[^.]{0,40}\b(showed|displayed|exhibited|unveiled|presented|"
                    r"launched)\b[^.]*\b(WeSemiBay|Shenzhen expo|2025 expo|the expo)", re.I)
    claims = [s for _, t in _texts(export_doc) for s in _sentences(t)
              if rx.search(s) and not re.search(r"\bnot (reported|verified)\b", s)
              and "Qiyunfang" not in s]   # its subsidiary's launch (H2) is not SiCarrier's
    assert claims == []
    lines = [p for p in export_doc["products"] if p["exhibitor"] == "sicarrier"]
    assert len(lines) == 5
    for p in lines:
        # The company's product lines, shown at SEMICON China; not exhibits of this expo.
        assert p["shown_at_expo"] is False, p["slug"]
        assert p["summary"].startswith("A SiCarrier product line"), p["slug"]
        assert "SEMICON China" in p["summary"], p["slug"]
        assert "What SiCarrier showed at the Shenzhen expo is not reported." in p["summary"]
        assert p["specs"] == {}, p["slug"]  # no source gives specifications
    pneumatic = next(p for p in export_doc["products"] if p["slug"] == "pneumatic-precision-tools")
    assert pneumatic["shown_at_expo"] is True   # NPR saw them on show


def test_unverified_policy_details_are_not_stated(export_doc):
    # The ECCN entry covering ALD tools is not verified.
    assert _grep(export_doc, r"ALD tools? (are|is) (listed|controlled|covered) under") == []
    # Big Fund II: neither exact size nor day is asserted.
    bf2 = next(e for e in export_doc["events"] if e["slug"] == "big-fund-ii")
    assert bf2["date_precision"] == "year"
    assert "roughly" in bf2["summary"]
    assert _grep(export_doc, r"¥\s?204") == []


def test_the_two_david_sacks_are_different_people(export_doc):
    people = {p["slug"]: p for p in export_doc["people"]}
    sackses = {slug: p for slug, p in people.items() if "Sacks" in p["name"]}
    assert len(sackses) == 2
    cfr = [p for p in sackses.values() if "Council on Foreign Relations" in p["affiliation_text"]]
    wh = [p for p in sackses.values() if p["name"] == "David O. Sacks"]
    assert len(cfr) == 1 and len(wh) == 1
    assert cfr[0]["name"] == "David Sacks"
    assert wh[0]["affiliation_text"] == "White House"
    assert cfr[0]["slug"] != wh[0]["slug"]


def test_the_article_quote_is_attributed_to_the_cfr_sacks(export_doc):
    people = {p["slug"]: p for p in export_doc["people"]}
    sacks_quotes = [q for q in export_doc["quotes"] if "Sacks" in people[q["person"]]["name"]]
    assert sacks_quotes, "the article's David Sacks quote is missing"
    for q in sacks_quotes:
        person = people[q["person"]]
        assert person["name"] == "David Sacks"
        assert person["affiliation_text"] == "Council on Foreign Relations"
        assert "npr-2025-12-19" in q["sources"]
    assert not [q for q in export_doc["quotes"]
                if people[q["person"]]["name"] == "David O. Sacks"]


def test_quotes_are_short_attributed_and_translated(export_doc):
    people = {p["slug"] for p in export_doc["people"]}
    assert len(export_doc["quotes"]) >= 5
    for q in export_doc["quotes"]:
        assert q["person"] in people, q["id"]
        assert q["language"], q["id"]
        assert q["translation"] and q["translation"].strip(), q["id"]
        assert q["translation"] != q["text"], q["id"]
        assert 0 < len(q["text"]) <= 400, q["id"]
        assert q["sources"], q["id"]


@pytest.mark.parametrize("slug", ["zhang-hengming", "jarod-wang", "zeng-yaoguang",
                                  "chris-miller", "david-sacks-cfr"])
def test_people_quoted_in_the_article_cite_it(export_doc, slug):
    person = next(p for p in export_doc["people"] if p["slug"] == slug)
    assert "npr-2025-12-19" in person["sources"]
