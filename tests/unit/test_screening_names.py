"""Matching names honestly: exact, alias, normalised, fuzzy; near misses that must not match."""
from __future__ import annotations

import pytest

from db.screening.matching import MemoryIndex, SqlIndex, match_exhibitor
from db.screening.names import (distinctive, entry_names, exhibitor_names, norm_key, words)
from db.screening.store import NO_FUZZY_TYPES

# Real Entity List entries (CSL of 2026-07-31, see shared/testdata/csl/SOURCES.md).
SICARRIER = ("Shenzhen SiCarrier Technologies Co., Ltd.",
             ["Shenzhen Xinkailai Technology Co., Ltd.", "Shenzhen Xinkailai", "Xinkailai",
              "SICarrier", "Huawei Starlight Engineering Department"], "")
XINKAILAI_MACHINERY = ("Shenzhen Xinkailai Industrial Machinery Co., Ltd.", [], "")
PENGXINXU = ("Shenzhen Pengxinxu Technology Co., Ltd.",
             ["Peng Xin Xu", "PingXinXu", "PST", "Shenzhen Pensun Technology Co., Ltd.", "PXX"], "")
PXW = ("PXW Semiconductor Manufactory Co., Ltd.",
       ["Peng Chip", "Shenzhen Peng Xin Wei IC Manufacturing", "PengXinWei", "PXW"], "")
SMIC = ("Semiconductor Manufacturing International Corporation (SMIC)",
        ["Semiconductor Manufacturing International (Shanghai) Corporation", "SMIC Shanghai"], "")
NAURA_BEIJING = ("Beijing Naura Microelectronics Equipment Co., Ltd.", ["Beijing Naura"], "")
ACM = ("ACM Research (Shanghai)", ["Shengmei Shanghai", "ACM Shanghai"], "")
HUAWEI_MARINE = ("Huawei Technologies Co., Ltd. (Huawei). Affiliated Entity: Huawei Marine "
                 "Networks Co., Ltd.", ["Huawei Marine", "HMN Tech"], "")
CETC = ("China Electronics Technology Group Corporation", ["CETC"], "")
KAISHENG = ("Shenzhen Kai Sheng Technology Co., Ltd.", [], "")
PERSON = ("LI Ming", ["Ming LI"], "Individual")
CHENGDU_ZENITH = ("Chengdu GaStone Technology Co., Ltd.", ["CDGT", "and Chengdu Zenith"], "")
ENTRIES = [SICARRIER, XINKAILAI_MACHINERY, PENGXINXU, PXW, SMIC, NAURA_BEIJING, ACM,
           HUAWEI_MARINE, CETC, KAISHENG, PERSON, CHENGDU_ZENITH]


@pytest.fixture(scope="module")
def index():
    rows = [(i, n, etype.lower() not in NO_FUZZY_TYPES)
            for i, (name, alts, etype) in enumerate(ENTRIES) for n in entry_names(name, alts)]
    return MemoryIndex(rows)


def found(index, name, aliases=(), pinyin=None):
    """{entry name: (status, kind, score)} of what an exhibitor's names match."""
    return {ENTRIES[f.entry][0]: (f.status, f.kind, f.score)
            for f in match_exhibitor(index, exhibitor_names(name, list(aliases), pinyin))}


def test_normalisation_drops_case_punctuation_legal_forms_and_a_leading_and():
    same = ["Shenzhen SiCarrier Technologies Co., Ltd.", "SHENZHEN SICARRIER TECHNOLOGIES",
            "Shenzhen SiCarrier Technology Company Limited", "Shenzhen Sicarrier, Inc.",
            "and Shenzhen SiCarrier Corporation", "Shenzhen SiCarrier Group Co. Ltd",
            "Ｓｈｅｎｚｈｅｎ　ＳｉＣａｒｒｉｅｒ"]
    assert {norm_key(n) for n in same} == {"shenzhensicarrier"}
    # Legal forms go only at the end: "Technology" inside a name stays.
    assert norm_key("China Electronics Technology Research") == "chinaelectronicstechnologyresearch"
    assert words("Xi’an Huada, Si'En & Co") == ["xian", "huada", "sien", "and", "co"]


def test_distinctive_words_leave_out_places_and_generic_words():
    assert distinctive(words("Shenzhen Xinkailai Industrial Machinery Co., Ltd.")) == ["xinkailai"]
    assert distinctive(words("Semiconductor Manufacturing International Corporation")) == []
    assert distinctive(words("Hong Kong Pengxin Micro Integrated Circuit")) == ["pengxin"]


def test_an_entry_goes_by_its_name_aliases_and_parenthesised_short_name():
    names = {(n.field, n.role, n.exact) for n in entry_names(*SMIC[:2])}
    assert ("name", "alias", "smic") in names
    assert ("name", "name", "semiconductor manufacturing international corporation") in names
    # The connector "and " before the last alias is not part of the name.
    assert ("alt_names", "alias", "chengdu zenith") in {
        (n.field, n.role, n.exact) for n in entry_names(*CHENGDU_ZENITH[:2])}
    # A place in parentheses stays part of the name: ACM Research (Shanghai) is not ACM Research.
    assert {n.exact for n in entry_names(*ACM[:2]) if n.field == "name"} == {
        "acm research (shanghai)"}
    # An affiliated entity is listed under its own name, not its parent's.
    marine = [n.exact for n in entry_names(*HUAWEI_MARINE[:2]) if n.field == "name"]
    assert marine == ["huawei marine networks co., ltd."]


def test_the_listed_name_and_its_aliases_match(index):
    got = found(index, "SiCarrier", ["Xinkailai", "Shenzhen SiCarrier Technologies"], "Xinkailai")
    assert got[SICARRIER[0]][:2] == ("match", "alias")
    # The subsidiary with another name is a possible match, not a match.
    assert got[XINKAILAI_MACHINERY[0]] == ("possible", "fuzzy", 1.0)
    assert found(index, "Shenzhen SiCarrier Technologies Co., Ltd.")[SICARRIER[0]][:2] == (
        "match", "exact")
    assert found(index, "Shenzhen SiCarrier Technologies")[SICARRIER[0]][:2] == (
        "match", "normalised")
    assert found(index, "Semiconductor Manufacturing International Corporation")[SMIC[0]][:2] == (
        "match", "exact")


def test_pinyin_and_romanisation_variants(index):
    # The same name but for the spacing of its syllables and the legal form: a match.
    assert found(index, "Shenzhen Peng Xin Xu Technology")[PENGXINXU[0]] == (
        "match", "normalised", 1.0)
    # Spacing differs and a generic word is added: a possible match at full score.
    assert found(index, "Shenzhen Peng Xin Xu Electronics")[PENGXINXU[0]] == (
        "possible", "fuzzy", 1.0)
    # The exhibitor's pinyin is one of the entry's listed names: an alias match.
    assert found(index, "鹏新旭", pinyin="Peng Xin Xu")[PENGXINXU[0]][:2] == ("match", "alias")


@pytest.mark.parametrize("name, aliases", [
    ("Pengjin Hi-Tech", []),                          # a Shenzhen firm, not Pengxinxu
    ("Shenzhen Pengjin High-Tech Co., Ltd.", ["Pengjin"]),
    ("Shenzhen Peng Electronics Co., Ltd.", []),      # shares only the syllable "Peng"
    ("Shenzhen Kai Fa Technology Co., Ltd.", []),     # shares only "Kai" with Kai Sheng
    ("Shenzhen Xin Yuan Electronics", []),            # "Xin" only
    ("Shenzhen Xinkai Technology", []),               # Xinkai is not Xinkailai
    ("Shenzhen Pingxinxun Optical", []),
    ("Huawei Cloud Computing", []),                   # shares "Huawei" alone with Huawei Marine
    ("Li Ming Trading Co., Ltd.", []),               # a person's name: never fuzzy
    ("Shenzhen Technology Co., Ltd.", []),
    ("China Semiconductor Equipment Group", []),
])
def test_near_misses_are_not_matches(index, name, aliases):
    assert found(index, name, aliases) == {}


def test_weak_names_are_only_possible_matches(index):
    # An abbreviation alone, even when the list gives it, is a lead to check.
    assert found(index, "Tokyo Electron", ["PXW"])[PXW[0]][0] == "possible"
    assert found(index, "SMIC")[SMIC[0]] == ("possible", "alias", 1.0)
    # Equal once legal forms go, but made only of places and generic words: CEC is not CETC.
    assert found(index, "China Electronics Corporation")[CETC[0]] == (
        "possible", "normalised", 1.0)


def test_a_brand_that_differs_by_a_place_or_generic_words_is_a_possible_match(index):
    assert found(index, "ACM Research")[ACM[0]] == ("possible", "fuzzy", 1.0)
    assert found(index, "Huawei Marine Engineering Services")[HUAWEI_MARINE[0]][0] == "possible"
    assert found(index, "Naura")[NAURA_BEIJING[0]] == ("possible", "fuzzy", 1.0)
    # Most distinctive words shared: 2 of 3.
    assert found(index, "Peng Xin Wei Electronics Trading Ltd")[PXW[0]][:2] == ("possible", "fuzzy")


def test_the_fields_a_match_was_made_on_are_named(index):
    (f,) = [f for f in match_exhibitor(index, exhibitor_names("Tokyo Sun", ["Xinkailai"], None))
            if ENTRIES[f.entry] is SICARRIER]
    assert f.pairs[0] == {"exhibitor_field": "aliases", "exhibitor_text": "Xinkailai",
                          "entry_field": "alt_names", "entry_text": "Xinkailai",
                          "kind": "alias", "score": 1.0}


def test_the_store_index_finds_what_the_memory_index_finds(index, tmp_path):
    import sqlite3

    from db.screening.listfile import read_list
    from db.screening.store import ScreeningStore
    from db.screening.synthetic import write_list
    from screening_files import el_record  # tests/screening_files.py
    records = [el_record(n, alts, type=t) for n, alts, t in ENTRIES]
    store = ScreeningStore(tmp_path / "s.sqlite")
    store.replace_list(read_list(write_list(tmp_path / "l.csv", records), "2026-01-01"))
    conn = sqlite3.connect(store.path)
    try:
        sql = SqlIndex(conn)
        for name, aliases in [("SiCarrier", ["Xinkailai"]), ("Naura", []), ("SMIC", []),
                              ("Pengjin Hi-Tech", []), ("Peng Xin Wei Electronics", []),
                              ("ACM Research", []), ("Li Ming", [])]:
            names = exhibitor_names(name, aliases, None)
            mem = [(f.entry, f.kind, f.score, f.status) for f in match_exhibitor(index, names)]
            db = [(f.entry - 1, f.kind, f.score, f.status) for f in match_exhibitor(sql, names)]
            assert db == mem, name
    finally:
        conn.close()
