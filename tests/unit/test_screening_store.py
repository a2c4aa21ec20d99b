"""The local store: atomic replacement, refusal of foreign files, changes, decisions."""
from __future__ import annotations

import hashlib
import sqlite3

import pytest

from db.errors import DataError
from db.expo import open_expo
from db.userdata import USER_FILE, UserData
from db.screening import (ScreeningStore, load_and_screen, move_decisions, read_list,
                          screen_expo, set_decision)
from db.screening.store import STORE_APP_ID, STORE_VERSION
from db.screening.synthetic import write_list
from screening_files import el_record, make_expo  # tests/screening_files.py

EXHIBITORS = [("sicarrier", "SiCarrier", "Xinkailai", ["Shenzhen SiCarrier Technologies"]),
              ("pengxin", "Shenzhen Peng Xin Micro Electronics"),
              ("pengjin", "Pengjin Hi-Tech"),
              ("naura", "Naura"),
              ("merck", "Merck", None, ["Merck Group"])]
OLD = [el_record("Shenzhen SiCarrier Technologies Co., Ltd.", ["Xinkailai", "SICarrier"]),
       el_record("Shenzhen Xinkailai Industrial Machinery Co., Ltd."),
       el_record("PXW Semiconductor Manufactory Co., Ltd.", ["Shenzhen Pengxin Micro", "PXW"],
                 fr="87 FR 77505")]
NEW = [el_record("Shenzhen SiCarrier Technologies Co., Ltd.", ["Xinkailai", "SICarrier"],
                 fr="89 FR 96837; 90 FR 12345",
                 license_policy="Presumption of denial; case-by-case for items of 3B001"),
       el_record("PXW Semiconductor Manufactory Co., Ltd.", ["Shenzhen Pengxin Micro", "PXW"],
                 fr="87 FR 77505"),
       el_record("Beijing Naura Microelectronics Equipment Co., Ltd.")]


@pytest.fixture
def expo(tmp_path):
    with open_expo(make_expo(tmp_path / "expo.sqlite", EXHIBITORS), readonly=True) as e:
        yield e


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_loaded_list_is_kept_dated_and_works_without_the_file(tmp_path, expo):
    src = write_list(tmp_path / "consolidated.csv", OLD)
    store = ScreeningStore.in_dir(tmp_path / "data")
    scr = load_and_screen(expo, store, src, "2025-06-25")
    info = store.info()
    assert store.path == tmp_path / "data" / "screening.sqlite"
    assert (info["list_date"], info["date_basis"], info["entries"]) == ("2025-06-25", "stated", 3)
    assert info["sha256"] == sha(src) and info["file_name"] == "consolidated.csv"
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == STORE_APP_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == STORE_VERSION
    conn.close()
    src.unlink()                                      # offline from now on
    again = screen_expo(expo, store)
    assert [r["status"] for r in again.results] == [r["status"] for r in scr.results]
    assert not list(store.path.parent.glob(".screening-*"))   # no temporary file left


def test_a_bad_file_changes_nothing(tmp_path, expo):
    store = ScreeningStore.in_dir(tmp_path)
    load_and_screen(expo, store, write_list(tmp_path / "old.csv", OLD), "2025-01-01")
    before = sha(store.path)
    bad = tmp_path / "new.csv"
    bad.write_bytes(write_list(tmp_path / "full.csv", NEW).read_bytes()[:-30])   # cut short
    with pytest.raises(DataError, match="cut short"):
        load_and_screen(expo, store, bad, "2025-02-01")
    assert sha(store.path) == before and store.info()["list_date"] == "2025-01-01"


@pytest.mark.parametrize("content, says", [
    (b"not a database at all", "not a screening store"),
    (None, "not a screening store"),                    # an SQLite file of someone else
])
def test_a_foreign_store_is_refused_and_left_alone(tmp_path, expo, content, says):
    store = ScreeningStore.in_dir(tmp_path)
    if content is None:
        conn = sqlite3.connect(store.path)
        conn.execute("CREATE TABLE t(x)")
        conn.execute("PRAGMA user_version = 1")
        conn.close()
    else:
        store.path.write_bytes(content)
    before = sha(store.path)
    with pytest.raises(DataError, match=says):
        store.info()
    with pytest.raises(DataError, match=says):
        load_and_screen(expo, store, write_list(tmp_path / "l.csv", OLD), "2025-01-01")
    assert sha(store.path) == before


def test_a_store_from_a_newer_version_is_refused(tmp_path, expo):
    store = ScreeningStore.in_dir(tmp_path)
    store.replace_list(read_list(write_list(tmp_path / "l.csv", OLD), "2025-01-01"))
    conn = sqlite3.connect(store.path)
    conn.execute(f"PRAGMA user_version = {STORE_VERSION + 1}")
    conn.close()
    with pytest.raises(DataError, match="newer version"):
        screen_expo(expo, store)


def test_a_newer_list_says_what_changed(tmp_path, expo):
    store = ScreeningStore.in_dir(tmp_path)
    first = load_and_screen(expo, store, write_list(tmp_path / "old.csv", OLD), "2025-01-01")
    assert first.changes is None                      # nothing to compare with yet
    scr = load_and_screen(expo, store, write_list(tmp_path / "new.csv", NEW), "2025-06-01")
    assert scr.previous["list_date"] == "2025-01-01"
    changes = {(c["exhibitor"], c["change"], c["entry_name"]): c for c in scr.changes}
    assert set(changes) == {
        ("sicarrier", "removed", "Shenzhen Xinkailai Industrial Machinery Co., Ltd."),
        ("sicarrier", "changed", "Shenzhen SiCarrier Technologies Co., Ltd."),
        ("naura", "added", "Beijing Naura Microelectronics Equipment Co., Ltd.")}
    changed = changes[("sicarrier", "changed", "Shenzhen SiCarrier Technologies Co., Ltd.")]
    assert changed["fields"] == ["citations", "federal_register_notice", "license_policy"]
    assert changed["before"]["citations"] == ["89 FR 96837"]
    assert changed["after"]["citations"] == ["89 FR 96837", "90 FR 12345"]
    # The same list again: nothing to report.
    assert screen_expo(expo, store).changes is None


def test_the_change_is_measured_against_the_list_it_replaces(tmp_path, expo):
    """An expo never screened with the stored list is screened with it before it goes."""
    store = ScreeningStore.in_dir(tmp_path)
    store.replace_list(read_list(write_list(tmp_path / "old.csv", OLD), "2025-01-01"))
    scr = load_and_screen(expo, store, write_list(tmp_path / "new.csv", NEW), "2025-06-01")
    assert scr.previous["list_date"] == "2025-01-01" and len(scr.changes) == 3


def test_a_decision_survives_rescreening_and_a_new_list(tmp_path, expo):
    """Decisions live in the user file beside the store (db.userdata v3), keyed by the
    entry's identity: a newer list (other citations, so another _id) keeps them."""
    store = ScreeningStore.in_dir(tmp_path)
    user = UserData(tmp_path / USER_FILE)
    scr = load_and_screen(expo, store, write_list(tmp_path / "old.csv", OLD), "2025-01-01")
    pengxin = next(r for r in scr.results if r["exhibitor"] == "pengxin")
    (m,) = pengxin["matches"]
    assert (pengxin["status"], m["kind"]) == ("possible", "fuzzy")
    set_decision(user, store, "made-expo", "pengxin", m["entry_key"], "confirmed",
                 "Same firm: its site names PXW as parent", m["entry_name"])
    sic = next(r for r in scr.results if r["exhibitor"] == "sicarrier")
    machinery = next(x for x in sic["matches"] if x["status"] == "possible")
    set_decision(user, store, "made-expo", "sicarrier", machinery["entry_key"], "cleared",
                 "subsidiary")
    # A new list changes the entry's citations (so its _id): the decision stays with it,
    # read from the user file without opening it for writing.
    user.close()
    scr = load_and_screen(expo, store, write_list(tmp_path / "new.csv", NEW), "2025-06-01")
    pengxin = next(r for r in scr.results if r["exhibitor"] == "pengxin")
    assert pengxin["matches"][0]["decision"]["decision"] == "confirmed"
    assert pengxin["matches"][0]["decision"]["note"].startswith("Same firm")
    assert pengxin["matches"][0]["decision"]["list_date"] == "2025-01-01"
    assert pengxin["review"] == "confirmed" and pengxin["status"] == "possible"
    user = UserData(tmp_path / USER_FILE)
    try:
        assert user.screening_decisions("made-expo")[("sicarrier", machinery["entry_key"])][
            "note"] == "subsidiary"
        assert store.decisions("made-expo") == {}            # none in the store
        # Undo.
        set_decision(user, store, "made-expo", "pengxin", m["entry_key"], None)
        assert ("pengxin", m["entry_key"]) not in user.screening_decisions("made-expo")
        with pytest.raises(DataError, match="decision must be one of"):
            set_decision(user, store, "made-expo", "pengxin", m["entry_key"], "maybe")
    finally:
        user.close()


def test_decisions_the_store_kept_move_to_the_user_file_once(tmp_path, expo):
    """A store made before the user file had a table for decisions: they are moved once
    (copied, then removed from the store); the user file's own decision wins."""
    store = ScreeningStore.in_dir(tmp_path)
    scr = load_and_screen(expo, store, write_list(tmp_path / "old.csv", OLD), "2025-01-01")
    keys = {r["exhibitor"]: r["matches"][0]["entry_key"] for r in scr.results if r["matches"]}
    conn = sqlite3.connect(store.path)            # as the data side's first version wrote them
    conn.executemany("INSERT INTO decisions VALUES (?,?,?,?,?,?,?,?,?)", [
        ("made-expo", "pengxin", keys["pengxin"], "confirmed", "from the store", "PXW",
         scr.info["sha256"], "2025-01-01", "2026-11-30T10:00:00+00:00"),
        ("made-expo", "sicarrier", keys["sicarrier"], "cleared", "store's", "SiCarrier",
         scr.info["sha256"], "2025-01-01", "2026-11-30T10:00:00+00:00")])
    conn.commit()
    conn.close()
    # Before they move, a screening shows them all the same.
    assert next(r for r in screen_expo(expo, store, save=False).results
                if r["exhibitor"] == "pengxin")["review"] == "confirmed"
    user = UserData(tmp_path / USER_FILE)
    try:
        user.set_screening_decision("made-expo", "sicarrier", keys["sicarrier"], "confirmed",
                                    "user's own")
        assert move_decisions(store, user) == 1
        assert store.decisions() == {}
        got = user.screening_decisions("made-expo")
        assert got[("pengxin", keys["pengxin"])]["note"] == "from the store"
        assert got[("pengxin", keys["pengxin"])]["decided_at"] == "2026-11-30T10:00:00+00:00"
        assert got[("sicarrier", keys["sicarrier"])]["note"] == "user's own"
        assert move_decisions(store, user) == 0
        # A newer list carries no decisions over: there are none left in the store.
        load_and_screen(expo, store, write_list(tmp_path / "new.csv", NEW), "2025-06-01")
        assert store.decisions() == {} and len(user.screening_decisions("made-expo")) == 2
    finally:
        user.close()