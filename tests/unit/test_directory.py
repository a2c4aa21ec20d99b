"""The directory sorted and filtered by SQLite (``db.directory``), against the same rows
sorted and filtered in Python (``Expo.exhibitor_rows``) on the built-in expo."""
from __future__ import annotations

import pytest

from db import directory
from db.directory import DirectoryFilter, Screening
from db.text import search_fold

ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
HAY = ("name", "name_zh", "pinyin", "booths", "zone_name", "country", "category", "slug")


def nocase(text) -> str:
    """SQLite's NOCASE: ASCII letters folded, everything else compared as it is."""
    return (text or "").translate(ASCII_LOWER)


@pytest.fixture(scope="module")
def rows(expo_ro):
    return expo_ro.exhibitor_rows()


def slugs(expo, ids) -> list[str]:
    page = directory.exhibitor_page(expo, ids)
    return [page[i]["slug"] for i in ids]


def reference(rows, key, descending=False) -> list[str]:
    ordered = sorted(rows, key=lambda r: (key(r), nocase(r["name"]), r["slug"]))
    return [r["slug"] for r in (reversed(ordered) if descending else ordered)]


KEYS = {
    "name": lambda r: "",
    "booths": lambda r: nocase(r["booths"] or "—"),
    "zone_name": lambda r: nocase(r["zone_name"]),
    "country": lambda r: nocase(r["country"]),
}


@pytest.mark.parametrize("sort", sorted(KEYS))
@pytest.mark.parametrize("descending", [False, True])
def test_each_column_sorts_as_python_does(expo_ro, rows, sort, descending):
    ids = directory.exhibitor_ids(expo_ro, DirectoryFilter(), sort, descending,
                                  blank_booth="—")
    assert len(ids) == len(rows) == 11
    assert slugs(expo_ro, ids) == reference(rows, KEYS[sort], descending)


def test_the_screening_column_sorts_on_a_list_first(expo_ro, rows):
    screening = Screening(listed=["sicarrier"], possible=["hisilicon", "merck"], known=True)
    rank = {"sicarrier": 0, "hisilicon": 1, "merck": 1}
    ids = directory.exhibitor_ids(expo_ro, DirectoryFilter(), "screening", False, screening)
    assert slugs(expo_ro, ids) == reference(rows, lambda r: rank.get(r["slug"], 2))
    ids = directory.exhibitor_ids(expo_ro, DirectoryFilter(), "screening", True, screening)
    assert slugs(expo_ro, ids) == reference(rows, lambda r: rank.get(r["slug"], 2), True)


def python_filter(rows, filt: DirectoryFilter, screening: Screening | None = None) -> set:
    words = search_fold(filt.text).split()
    out = set()
    for r in rows:
        hay = search_fold(" ".join(str(r.get(k) or "") for k in HAY))
        if words and not (all(w in hay for w in words) or r["slug"] in filt.also):
            continue
        if filt.zones is not None and (r["zone"] or "") not in filt.zones:
            continue
        if filt.group is not None:
            if screening is None or not screening.known:
                continue
            group = ("listed" if r["slug"] in screening.listed else
                     "possible" if r["slug"] in screening.possible else "none")
            if group != filt.group:
                continue
        out.add(r["slug"])
    return out


def queries(rows) -> list[str]:
    """What a user types: pieces of names (Latin and Chinese), pinyin, booth codes, zones,
    countries, categories, slugs, two words at once, other case, nothing found."""
    out = {"", "ALD", "sicar", "SICAR", "1b", "wafer", "cn", "zzzz-nothing", "  ", "新凯",
           "hall 1", "tokyo electron", "Ｓicarrier"}
    for r in rows:
        for k in HAY:
            value = str(r.get(k) or "")
            if value:
                out.add(value[:3])
                out.add(value.split()[0][-4:])
        out.add(f"{(r['name'] or '')[:2]} {(r['zone_name'] or 'x')[:2]}")
    return sorted(out)


def test_the_text_filter_keeps_what_python_keeps(expo_ro, rows):
    for text in queries(rows):
        filt = DirectoryFilter(text=text)
        got = set(slugs(expo_ro, directory.exhibitor_ids(expo_ro, filt, None)))
        assert got == python_filter(rows, filt), text
        kept, _ = directory.kept(expo_ro, filt)
        assert (kept is None) == (not search_fold(text).split())
        if kept is not None:
            assert set(slugs(expo_ro, sorted(kept))) == got, text
    assert {"sicarrier"} == set(slugs(expo_ro, directory.exhibitor_ids(
        expo_ro, DirectoryFilter(text="sicar"), None)))


def test_zones_groups_and_the_search_hits_combine(expo_ro, rows):
    screening = Screening(listed=["sicarrier"], possible=["hisilicon"], known=True)
    zones = {r["zone"] for r in rows if r["zone"]}
    one = sorted(zones)[0]
    cases = [DirectoryFilter(zones={one}), DirectoryFilter(zones={""}),
             DirectoryFilter(group="listed"), DirectoryFilter(group="possible"),
             DirectoryFilter(group="none"), DirectoryFilter(text="a", zones={one}),
             DirectoryFilter(text="zzzz", also={"merck", "edwards"}),
             DirectoryFilter(text="sicar", also={"merck"}, group="none"),
             DirectoryFilter(text="e", zones=zones, group="none")]
    for filt in cases:
        want = python_filter(rows, filt, screening)
        got = set(slugs(expo_ro, directory.exhibitor_ids(expo_ro, filt, "name",
                                                          screening=screening)))
        assert got == want, filt
        kept, _ = directory.kept(expo_ro, filt, screening)
        assert set(slugs(expo_ro, sorted(kept))) == want, filt
    # While the expo was not screened against the list, a group keeps nobody.
    assert not directory.exhibitor_ids(expo_ro, DirectoryFilter(group="none"), None,
                                       screening=Screening())


def test_a_page_holds_the_directory_row(expo_ro, rows):
    by_slug = {r["slug"]: r for r in rows}
    ids = directory.exhibitor_ids(expo_ro, DirectoryFilter(), "name")
    for rowid, row in directory.exhibitor_page(expo_ro, ids).items():
        want = by_slug[row["slug"]]
        assert {k: row[k] for k in want} == want
        assert directory.exhibitor_rowid(expo_ro, row["slug"]) == rowid
    assert directory.exhibitor_rowid(expo_ro, "no-such-exhibitor") is None
    assert directory.exhibitor_page(expo_ro, []) == {}
