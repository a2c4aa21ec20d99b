"""Full-text search over the built-in expo."""
from __future__ import annotations

import re

import pytest

from db.expo import open_expo
from db.search import build_query, grouped
import dbtest  # tests/dbtest.py


def _ids(hits):
    return [(h.kind, h.id) for h in hits]


@pytest.mark.parametrize("query, kind, ref", [
    ("ALD", "product", "sicarrier-alishan"),
    ("Alishan", "product", "sicarrier-alishan"),
    ("alishan", "product", "sicarrier-alishan"),
    ("阿里山", "product", "sicarrier-alishan"),
    ("新凯来", "exhibitor", "sicarrier"),
    ("原子层", "product", "sicarrier-alishan"),
    ("atomic layer", "product", "sicarrier-alishan"),
    ("xinkailai", "exhibitor", "sicarrier"),
    ("Xinkailai", "exhibitor", "sicarrier"),
    ("epi", "product", "sicarrier-emei"),
    ("Emei", "product", "sicarrier-emei"),
    ("峨眉", "product", "sicarrier-emei"),
    ("Tokyo", "exhibitor", "tokyo-electron"),
    ("David Sacks", "person", "david-sacks-cfr"),
])
def test_finds(expo_ro, query, kind, ref):
    assert (kind, ref) in _ids(expo_ro.search(query))


def test_booth_code_finds_its_exhibitor(expo_ro):
    (code,) = expo_ro.booths_of("sicarrier")
    for q in (code, code.lower()):
        hits = expo_ro.search(q)
        assert _ids(hits)[0] == ("exhibitor", "sicarrier"), q


def test_exact_name_ranks_exhibitor_first(expo_ro):
    hits = expo_ro.search("SiCarrier")
    assert _ids(hits)[0] == ("exhibitor", "sicarrier")
    assert hits[0].title == "SiCarrier"
    assert hits[0].booths == expo_ro.booths_of("sicarrier")


def test_exact_product_name_ranks_first(expo_ro):
    assert _ids(expo_ro.search("Alishan"))[0] == ("product", "sicarrier-alishan")


def test_product_hits_carry_their_exhibitors_booth(expo_ro):
    hit = next(h for h in expo_ro.search("Alishan") if h.id == "sicarrier-alishan")
    assert hit.booths == expo_ro.booths_of("sicarrier")


def test_nonsense_finds_nothing(expo_ro):
    assert expo_ro.search("zzqxw") == []


def test_limit_and_kinds(expo_ro):
    hits = expo_ro.search("SiCarrier", limit=3)
    assert len(hits) == 3
    products = expo_ro.search("SiCarrier", kinds=("product",))
    assert products and all(h.kind == "product" for h in products)


HOSTILE = ['"unbalanced', "NEAR(", "AND", "OR OR", "(((", "*",
           "'; DROP TABLE exhibitors; --", "\x00", "", "   ", "a" * 5000, "😀", "col:val",
           "^start", "-x", "title:SiCarrier", 'Ali"shan', "sicarrier*", "NOT sicarrier",
           "\ud800", "新凯来 OR", "{kind}", "%", "_"]


def test_hostile_strings_never_raise(expo_copy):
    # A writable copy, so that a query that reached SQL could really drop a table.
    with open_expo(expo_copy) as expo:
        for q in HOSTILE:
            hits = expo.search(q)
            assert isinstance(hits, list), repr(q)
    assert dbtest.value(expo_copy, "SELECT count(*) FROM exhibitors") == 11
    assert dbtest.value(expo_copy, "SELECT count(*) FROM search WHERE kind = 'exhibitor'") == 11


def test_operators_are_searched_as_words(expo_ro):
    # "NOT sicarrier" must not mean "everything but SiCarrier": it finds texts with
    # both words, such as the SEMICON debut ("... not yet ready for production").
    with_not = _ids(expo_ro.search("NOT sicarrier"))
    assert ("event", "semicon-china-2025") in with_not
    assert set(with_not) <= set(_ids(expo_ro.search("sicarrier", limit=500)))
    # A column filter is not honoured: "title:SiCarrier" looks for both words.
    assert expo_ro.search("title:SiCarrier") == []
    # A quote inside a word is just a separator.
    assert ("product", "sicarrier-alishan") not in _ids(expo_ro.search("zzz\"alishan"))


_SAFE = re.compile(r'"[^"\s]+(?: [^"\s]+)*"\*?(?: AND "[^"\s]+(?: [^"\s]+)*"\*?)*')


@pytest.mark.parametrize("text", ['"unbalanced', "NEAR(", "AND", "OR OR", "col:val",
                                  "'; DROP TABLE exhibitors; --", "^start", "-x",
                                  "a) OR (b", "新凯来*", 'x" OR "y'])
def test_build_query_only_quoted_terms(text):
    query = build_query(text)
    assert query is not None
    assert _SAFE.fullmatch(query), query
    # No bare FTS5 operator or syntax character outside the quotes.
    outside = re.sub(r'"[^"]*"', "", query)
    assert set(outside.replace("AND", "").replace("*", "").replace(" ", "")) == set()


@pytest.mark.parametrize("text", ["", "   ", "(((", "*", "\x00", "😀", "--"])
def test_build_query_of_nothing_is_none(text):
    assert build_query(text) is None


def test_build_query_examples():
    assert build_query("NEAR(") == '"near"*'
    assert build_query("OR OR") == '"or" AND "or"*'
    assert build_query("原子层") == '"原 子 层"'
    assert build_query("ALD", prefix=False) == '"ald"'


def test_grouped_keeps_kinds_together_in_order_of_best_hit(expo_ro):
    hits = expo_ro.search("SiCarrier")
    groups = grouped(hits)
    kinds = [k for k, _ in groups]
    assert kinds[0] == "exhibitor"
    assert len(kinds) == len(set(kinds)) >= 3
    assert sum(len(g) for _, g in groups) == len(hits)
    for kind, group in groups:
        assert all(h.kind == kind for h in group)
        # within a group the order of the ranked list is kept
        assert [hits.index(h) for h in group] == sorted(hits.index(h) for h in group)
    # groups are ordered by the rank of their first hit
    firsts = [hits.index(g[0]) for _, g in groups]
    assert firsts == sorted(firsts)


def test_grouped_of_nothing_is_empty():
    assert grouped([]) == []


def test_short_words_are_prefixes_on_a_small_expo(expo_ro):
    """On the built-in expo even two letters find things as you type ("Em" -> Emei)."""
    ids = [h.id for h in expo_ro.search("Em")]
    assert "sicarrier-emei" in ids


def test_short_words_are_not_prefixes_on_a_large_expo(tmp_path):
    """Past SMALL_INDEX records a one- or two-letter word is not expanded as a prefix
    (it would gather most of a million products); the third letter starts matching."""
    from db.search import SMALL_INDEX
    from db.synthetic import make_demo
    path = tmp_path / "big.sqlite"
    make_demo(path, booths=500, products=SMALL_INDEX + 1000, seed=1)
    with open_expo(path, readonly=True) as expo:
        assert expo.search("po") == [] or all(
            h.kind == "exhibitor" for h in expo.search("po"))
        three = expo.search("por")
        assert three and any(h.title.lower().startswith("por") for h in three)


def test_a_short_word_on_a_large_expo_lists_each_record_once(expo_ro, monkeypatch):
    """With the rules of an expo past SMALL_INDEX records, "s" finds exhibitors whose name
    starts with it and those at booths whose code does (the halls S1-S4): one named
    "S..." at an S booth is still one hit."""
    from db import search as S
    monkeypatch.setattr(S, "SMALL_INDEX", 0)
    hits = expo_ro.search("s", limit=1000)
    keys = [(h.kind, h.id) for h in hits]
    assert len(keys) > 10 and len(set(keys)) == len(keys)


def test_a_word_repeated_is_asked_once():
    assert build_query("a b a") == '"a" AND "b" AND "a"*'
    assert build_query("etch " * 2000) == '"etch" AND "etch"*'     # the last one typed on
    assert build_query("原子 原子") == '"原 子"'


def test_search_says_how_many_match_and_shows_all_when_asked(tmp_path):
    """A word many records share: the first page says how many there are in all, never a
    silent cut; asking for all (up to COUNT_CAP) shows every one; beyond it "1,000+"."""
    from db.search import COUNT_CAP
    from db.synthetic import make_demo
    path = tmp_path / "demo.sqlite"
    make_demo(path, booths=1500, products=3000, seed=3)
    with open_expo(path, readonly=True) as expo:
        words = [h.title.split()[0] for h in expo.search("a", limit=400, kinds=("product",))]
        common = max(set(words), key=words.count)
        hits = expo.search(common, limit=60)
        assert len(hits) == 60 and hits.cut
        assert hits.total > 60
        everything = expo.search(common, limit=COUNT_CAP, candidates=COUNT_CAP)
        assert not everything.more and not everything.cut
        assert len(everything) == everything.total == hits.total     # all of them
        assert {h.id for h in hits} <= {h.id for h in everything}
    with open_expo(path, readonly=True) as expo:
        few = expo.search("zzzzqqq")
        assert few == [] and few.total == 0 and not few.cut
