"""The visitor's plan: stops in order with notes, orphans kept, Markdown and CSV exports."""
from __future__ import annotations

import csv

import pytest

from db.plan_export import (attach_route, collect_plan, plan_markdown, route_stops, write_csv,
                            write_markdown)
from db.routing import RouteGraph, plan_route
from db.userdata import UserData

EXPO = "wesemibay-2025"


@pytest.fixture
def user(tmp_path):
    u = UserData(tmp_path / "user.sqlite")
    yield u
    u.close()


@pytest.fixture(scope="module")
def graph(expo_ro):
    return RouteGraph.from_expo(expo_ro)


def star(user, *items):
    for kind, ref in items:
        user.set_favourite(EXPO, kind, ref, True)


def test_plan_lists_stops_with_notes_and_keeps_orphans(expo_ro, user, graph):
    assert expo_ro.meta()["slug"] == EXPO
    star(user, ("exhibitor", "sicarrier"), ("exhibitor", "merck"), ("exhibitor", "vanished-co"),
         ("booth", "2A04"))
    user.save_note(EXPO, "exhibitor", "sicarrier", "Crowded stand.\nAsk about Emei.",
                   tags=["follow-up"])
    user.save_note(EXPO, "product", "sicarrier-emei", "epitaxy: 8 inch SiC?")
    user.save_note(EXPO, "exhibitor", "vanished-co", "met them in 2024")
    user.save_note(EXPO, "booth", "9Z99", "a booth that is gone")
    plan = collect_plan(expo_ro, user, EXPO)
    assert [(s.kind, s.ref) for s in plan.stops] == [
        ("exhibitor", "sicarrier"), ("exhibitor", "merck"), ("booth", "2A04")]
    sic = plan.stops[0]
    assert sic.booth == expo_ro.booths_of("sicarrier")[0] and sic.hall == "Area 1 (schematic)"
    assert sic.note["text"].startswith("Crowded stand.") and sic.note["tags"] == ["follow-up"]
    # The product with a note is the product of interest.
    assert [p["slug"] for p in sic.products] == ["sicarrier-emei"]
    assert {(o["kind"], o["ref"]) for o in plan.orphans} == {("exhibitor", "vanished-co"),
                                                             ("booth", "9Z99")}
    gone = next(o for o in plan.orphans if o["ref"] == "vanished-co")
    assert gone["favourite"] and gone["note"]["text"] == "met them in 2024"
    # Nothing was dropped from the user file.
    assert ("exhibitor", "vanished-co") in user.favourites(EXPO)
    assert user.note(EXPO, "booth", "9Z99")["text"] == "a booth that is gone"


def test_markdown_and_csv_follow_the_route_order(expo_ro, user, graph, tmp_path):
    star(user, ("exhibitor", "merck"), ("exhibitor", "hisilicon"), ("exhibitor", "sicarrier"),
         ("exhibitor", "gone"))
    user.save_note(EXPO, "exhibitor", "sicarrier", "=HYPERLINK(\"http://x\") | pipes *stars*",
                   tags=["@risk", "设备"])
    plan = collect_plan(expo_ro, user, EXPO)
    route = plan_route(graph, "entrance", route_stops(plan))
    attach_route(plan, route)
    names = {"merck": "Merck", "hisilicon": "HiSilicon", "sicarrier": "SiCarrier"}
    booth_to_name = {expo_ro.booths_of(s)[0]: n for s, n in names.items()}
    expected = [booth_to_name[b] for b in route.order]

    md = write_markdown(plan, tmp_path / "plan.md").read_text(encoding="utf-8")
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings[:3] == [f"## {i}. {n}" + (" (新凯来)" if n == "SiCarrier" else "")
                            for i, n in enumerate(expected, 1)]
    assert f"{route.distance_m:.0f} m" in md and "min walking at 1.2 m/s" in md
    assert "> =HYPERLINK(\"http\\://x\") \\| pipes \\*stars\\*" in md
    assert "Tags: @risk, 设备" in md
    assert "`gone`" in md and "Kept from an earlier expo file" in md
    table = [line for line in md.splitlines() if line.startswith("| ") and "Booth" not in line]
    assert [row.split(" | ")[2] for row in table] == expected

    path = write_csv(plan, tmp_path / "plan.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    planned = [r for r in rows if r["status"] == "planned"]
    assert [r["exhibitor"] for r in planned] == expected
    assert [r["order"] for r in planned] == ["1", "2", "3"]
    assert [r["booth"] for r in planned] == route.order
    assert float(planned[-1]["from_start_m"]) == pytest.approx(route.distance_m, abs=0.1)
    sic = next(r for r in rows if r["id"] == "sicarrier")
    # Formula-looking cells are defused for spreadsheets; the text is otherwise kept.
    assert sic["note"] == "'=HYPERLINK(\"http://x\") | pipes *stars*"
    assert sic["tags"] == "'@risk, 设备"
    orphan = next(r for r in rows if r["id"] == "gone")
    assert orphan["status"].startswith("orphaned")
    for r in rows:
        for v in r.values():
            assert not v[:1] in ("=", "+", "-", "@"), (r, v)


def test_own_order_is_exported_as_the_visitor_set_it(expo_ro, user, graph, tmp_path):
    star(user, ("exhibitor", "merck"), ("exhibitor", "hisilicon"), ("exhibitor", "sicarrier"))
    user.reorder_favourites(EXPO, [("exhibitor", "sicarrier"), ("exhibitor", "hisilicon"),
                                   ("exhibitor", "merck")])
    plan = collect_plan(expo_ro, user, EXPO)
    attach_route(plan, plan_route(graph, "entrance", route_stops(plan), optimise=False))
    assert [s.ref for s in plan.stops] == ["sicarrier", "hisilicon", "merck"]
    assert "(your order)" in plan_markdown(plan)


def test_reorder_tags_and_text_only_saves(user):
    star(user, ("exhibitor", "a"), ("exhibitor", "b"), ("exhibitor", "c"))
    user.reorder_favourites(EXPO, [("exhibitor", "c"), ("exhibitor", "a")])
    assert user.favourites(EXPO) == [("exhibitor", "c"), ("exhibitor", "a"), ("exhibitor", "b")]
    user.save_note(EXPO, "exhibitor", "a", "first", tags=["x"])
    user.save_note(EXPO, "exhibitor", "a", "first, edited")      # the editor saves text only
    assert user.note(EXPO, "exhibitor", "a")["tags"] == ["x"]
    user.set_tags(EXPO, "exhibitor", "a", [" y ", "x", "y", ""])
    note = user.note(EXPO, "exhibitor", "a")
    assert (note["text"], note["tags"]) == ("first, edited", ["y", "x"])
    user.set_tags(EXPO, "exhibitor", "b", ["later"])             # tags alone make a note
    assert user.tags(EXPO) == ["later", "x", "y"]
