"""The built-in WeSemiBay expo as built from db/seed/."""
from __future__ import annotations

import json
import shutil
from itertools import combinations

import pytest

from db.build import SEED_DIR, SEED_FILES, build, load_seed, validate_seed
from db.errors import DataError
from db.expo import open_expo
import dbtest  # tests/dbtest.py

EXHIBITORS = {"sicarrier", "applied-materials", "tokyo-electron", "merck", "edwards",
              "hisilicon", "founder-micro", "pengjin-hi-tech", "pneumatic-tools-maker"}
# Named in a source as at the expo, but no source places them: no booth (H2, H3).
UNPLACED = {"qiyunfang", "longgang-pavilion"}
EPS = 1e-6


def test_has_the_named_exhibitors(expo_ro):
    slugs = {r["slug"] for r in expo_ro.exhibitor_rows()}
    assert slugs == EXHIBITORS | UNPLACED
    for slug in UNPLACED:
        assert expo_ro.booths_of(slug) == [], slug


def test_has_at_least_600_booths(expo_ro):
    assert len(expo_ro.booths()) >= 600


def test_every_booth_lies_inside_its_hall(expo_ro):
    halls = {h["slug"]: h for h in expo_ro.halls()}
    assert len(halls) == 4
    for b in expo_ro.booths():
        h = halls[b.hall]
        assert b.w > 0 and b.h > 0, b
        assert h["x"] - EPS <= b.x and b.x + b.w <= h["x"] + h["w"] + EPS, b
        assert h["y"] - EPS <= b.y and b.y + b.h <= h["y"] + h["h"] + EPS, b
        assert b.zone == h["zone"], b


def test_no_two_booths_in_a_hall_overlap(expo_ro):
    by_hall: dict[str, list] = {}
    for b in expo_ro.booths():
        by_hall.setdefault(b.hall, []).append(b)
    for hall, booths in by_hall.items():
        for a, b in combinations(booths, 2):
            overlap = (a.x < b.x + b.w - EPS and b.x < a.x + a.w - EPS
                       and a.y < b.y + b.h - EPS and b.y < a.y + a.h - EPS)
            assert not overlap, (hall, a, b)


def test_halls_do_not_overlap(expo_ro):
    for a, b in combinations(expo_ro.halls(), 2):
        assert (a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"]
                or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"]), (a, b)


def test_each_exhibitor_has_one_booth_in_its_zones_hall(expo_ro):
    booths = {b.code: b for b in expo_ro.booths()}
    halls = {h["slug"]: h for h in expo_ro.halls()}
    for slug in EXHIBITORS:
        ex = expo_ro.exhibitor(slug)
        assert len(ex["booths"]) == 1, (slug, ex["booths"])
        booth = booths[ex["booths"][0]]
        assert halls[booth.hall]["zone"] == ex["zone"], slug


def test_unnamed_booths_have_no_invented_exhibitors(expo_ro):
    occupants = expo_ro.booth_occupants()
    assert sorted(x for occ in occupants.values() for x in occ) == sorted(EXHIBITORS)
    assert len(occupants) == len(EXHIBITORS)


def test_sicarrier_names(expo_ro):
    ex = expo_ro.exhibitor("sicarrier")
    assert ex["name"] == "SiCarrier"
    assert ex["name_zh"] == "新凯来"
    assert ex["pinyin"] == "Xinkailai"
    assert "Xinkailai" in ex["aliases"]
    assert expo_ro.resolve("新凯来") == ("exhibitor", "sicarrier")
    assert expo_ro.resolve("sicarrier") == ("exhibitor", "sicarrier")


def test_sicarrier_has_its_five_tool_lines(expo_ro):
    products = {p["pinyin"]: p["tool_type"] for p in expo_ro.products_of("sicarrier")}
    assert products == {"Emei": "epitaxy", "Wuyi": "etch", "Changbai": "cvd",
                        "Putuo": "pvd", "Alishan": "ald"}
    assert all(p["name"].startswith(p["pinyin"]) for p in expo_ro.products_of("sicarrier"))


def test_expo_metadata(expo_ro):
    meta = expo_ro.meta()
    assert meta["short_zh"] == "湾芯展"
    assert meta["edition"] == 2
    assert meta["start_date"] == "2025-10-15"
    assert bool(meta["schematic"]) is True
    assert bool(meta["synthetic"]) is False
    assert meta["city"] == "Shenzhen"


def test_every_cited_source_exists(expo_ro):
    missing = dbtest.rows(expo_ro, "SELECT kind, ref, source FROM cites WHERE source NOT IN "
                                   "(SELECT id FROM sources)")
    assert missing == []


def test_build_is_deterministic(built_expo, tmp_path):
    again = build(tmp_path / "again.sqlite")

    def snapshot(path):
        with open_expo(path, readonly=True) as expo:
            return (expo.booths(), expo.booth_occupants(), expo.halls())

    assert snapshot(again) == snapshot(built_expo)


def test_build_writes_no_side_files(tmp_path):
    out = build(tmp_path / "out" / "expo.sqlite")
    assert sorted(p.name for p in out.parent.iterdir()) == ["expo.sqlite"]


def test_rebuild_replaces_an_existing_file(tmp_path):
    out = tmp_path / "expo.sqlite"
    out.write_text("old junk", encoding="utf-8")
    build(out)
    with open_expo(out, readonly=True) as expo:
        assert len(expo.exhibitor_rows()) == len(EXHIBITORS | UNPLACED)


# ----------------------------------------------------------- seed validation
@pytest.fixture
def seed_copy(tmp_path):
    dst = tmp_path / "seed"
    shutil.copytree(SEED_DIR, dst)
    return dst


def _edit(seed_dir, name, change):
    path = seed_dir / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def test_seed_as_shipped_is_valid():
    validate_seed(load_seed())


def test_link_to_unknown_topic_is_refused(seed_copy, tmp_path):
    def change(links):
        links[2]["to_kind"] = "topic"
        links[2]["to"] = "no-such-topic"
    _edit(seed_copy, "links", change)
    data = {n: json.loads((seed_copy / f"{n}.json").read_text(encoding="utf-8"))
            for n in SEED_FILES}
    with pytest.raises(DataError) as info:
        validate_seed(data, seed_copy)
    msg = str(info.value)
    assert "links.json" in msg and "link 3" in msg and "no-such-topic" in msg
    assert "\n" not in msg
    out = tmp_path / "out.sqlite"
    with pytest.raises(DataError):
        build(out, seed_dir=seed_copy)
    assert not out.exists()


def test_record_with_empty_sources_is_refused(seed_copy):
    def change(products):
        for p in products:
            if p["slug"] == "sicarrier-putuo":
                p["sources"] = []
    _edit(seed_copy, "products", change)
    with pytest.raises(DataError) as info:
        load_seed(seed_copy)
    msg = str(info.value)
    assert "products.json" in msg and "sicarrier-putuo" in msg and "source" in msg


def test_unknown_source_id_is_refused(seed_copy):
    def change(events):
        events[0]["sources"] = ["S999"]
    _edit(seed_copy, "events", change)
    with pytest.raises(DataError) as info:
        load_seed(seed_copy)
    msg = str(info.value)
    assert "events.json" in msg and "big-fund-i" in msg and "S999" in msg


def test_invalid_json_names_file_and_line(seed_copy):
    (seed_copy / "topics.json").write_text('[\n  {"slug": "x",\n  oops\n]', encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_seed(seed_copy)
    msg = str(info.value)
    assert "topics.json" in msg and "line 3" in msg
