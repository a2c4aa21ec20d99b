"""The user file's version 3: reviewers' screening decisions, on a real version-2 file.

``tests/fixtures/user-v2.sqlite`` was made with the code of version 2 (stars, notes with row
versions, a conflict copy, two expos). Opening it climbs one step, in one transaction, and
keeps everything; a step that fails leaves version 2 as it was.
"""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from db.errors import DataError
from db.userdata import USER_VERSION, UserData, read_screening_decisions

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "user-v2.sqlite"
EXPO = "wesemibay-2025"
KEY = "EL|shenzhen xinkailai industrial machinery co., ltd."


def _dump(path: Path) -> dict:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3").fetchall()
                for t in ("favourites", "notes", "note_conflicts")}
    finally:
        conn.close()


def test_version_2_file_gets_the_decisions_table_and_keeps_everything(tmp_path):
    path = tmp_path / "user.sqlite"
    shutil.copyfile(FIXTURE, path)
    before = _dump(path)
    assert read_screening_decisions(path, EXPO) == {}         # v2: none, file untouched
    assert path.read_bytes() == FIXTURE.read_bytes()
    u = UserData(path)
    try:
        assert u.recovered is None
        assert u.favourites(EXPO) == [("exhibitor", "sicarrier"), ("booth", "1B05"),
                                      ("exhibitor", "hisilicon")]
        note, version = u.load_note(EXPO, "exhibitor", "sicarrier")
        assert note["text"].endswith("Check the Entity List entry first.") and version == 2
        assert [c["text"] for c in u.conflicts(EXPO)] == ["first copy's text"]
        assert u.screening_decisions(EXPO) == {}
        u.set_screening_decision(EXPO, "sicarrier", KEY, "cleared", "a subsidiary, not the "
                                 "exhibitor", "Shenzhen Xinkailai Industrial Machinery Co., Ltd.",
                                 "ab" * 32, "2026-07-31")
    finally:
        u.close()
    assert _dump(path) == before
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == USER_VERSION >= 3
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    got = read_screening_decisions(path, EXPO)[("sicarrier", KEY)]
    assert (got["decision"], got["note"], got["list_date"]) == (
        "cleared", "a subsidiary, not the exhibitor", "2026-07-31")
    assert read_screening_decisions(path, "wesemibay-2026") == {}


def test_failed_step_to_version_3_leaves_version_2_as_it_was(tmp_path):
    path = tmp_path / "user.sqlite"
    shutil.copyfile(FIXTURE, path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE screening_decisions(x)")        # in the way of the step
    conn.commit()
    conn.close()
    before = _dump(path)
    with pytest.raises(DataError) as info:
        UserData(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert [r[1] for r in conn.execute("PRAGMA table_info(screening_decisions)")] == ["x"]
    finally:
        conn.close()
    assert _dump(path) == before


def test_a_decision_is_one_of_two_words_and_can_be_taken_back(tmp_path):
    u = UserData(tmp_path / "user.sqlite")
    try:
        with pytest.raises(DataError, match="decision must be one of confirmed, cleared"):
            u.set_screening_decision(EXPO, "sicarrier", KEY, "probably")
        u.set_screening_decision(EXPO, "sicarrier", KEY, "confirmed", "same address")
        u.set_screening_decision(EXPO, "sicarrier", KEY, "cleared", "checked again")
        assert u.screening_decisions(EXPO)[("sicarrier", KEY)]["note"] == "checked again"
        u.set_screening_decision(EXPO, "sicarrier", KEY, None)
        assert u.screening_decisions(EXPO) == {}
        # Rows from elsewhere (the store's, moved): the user file's own decision wins.
        u.set_screening_decision(EXPO, "sicarrier", KEY, "cleared", "mine")
        added = u.add_screening_decisions([
            {"expo": EXPO, "exhibitor": "sicarrier", "entry_key": KEY, "decision": "confirmed",
             "note": "theirs"},
            {"expo": EXPO, "exhibitor": "naura", "entry_key": "EL|x", "decision": "confirmed",
             "note": None, "decided_at": "2026-11-30T10:00:00+00:00"},
            {"expo": EXPO, "exhibitor": "bad", "entry_key": "EL|y", "decision": "maybe"}])
        assert added == 1
        got = u.screening_decisions(EXPO)
        assert got[("sicarrier", KEY)]["note"] == "mine" and ("bad", "EL|y") not in got
        assert got[("naura", "EL|x")]["decided_at"] == "2026-11-30T10:00:00+00:00"
    finally:
        u.close()


def test_decisions_are_salvaged_from_a_damaged_file(tmp_path):
    path = tmp_path / "user.sqlite"
    u = UserData(path)
    u.set_screening_decision(EXPO, "sicarrier", KEY, "cleared", "kept through damage")
    u.close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE favourites")        # damaged: a table of its version is missing
    conn.commit()
    conn.close()
    u = UserData(path)
    try:
        assert u.recovered is not None and "favourites" in u.recovered.reason
        assert u.screening_decisions(EXPO)[("sicarrier", KEY)]["note"] == "kept through damage"
    finally:
        u.close()
