"""The visitor's user file: favourites, notes and tags."""
from __future__ import annotations

import gc
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from db.errors import DataError
from db.userdata import USER_APP_ID, USER_VERSION, UserData

from .conftest import sha256

EXPO = "wesemibay-2025"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def user_path(tmp_path):
    return tmp_path / "data" / "user.sqlite"


@pytest.fixture
def ud(user_path):
    u = UserData(user_path)
    yield u
    u.close()


def test_new_user_file_is_stamped(user_path):
    UserData(user_path).close()
    conn = sqlite3.connect(user_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == USER_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == USER_APP_ID
    finally:
        conn.close()


# -------------------------------------------------------------- favourites
def test_toggle_favourite(ud):
    assert not ud.is_favourite(EXPO, "exhibitor", "sicarrier")
    assert ud.toggle_favourite(EXPO, "exhibitor", "sicarrier") is True
    assert ud.is_favourite(EXPO, "exhibitor", "sicarrier")
    assert ud.toggle_favourite(EXPO, "exhibitor", "sicarrier") is False
    assert not ud.is_favourite(EXPO, "exhibitor", "sicarrier")
    assert ud.favourites(EXPO) == []


def test_favourites_keep_the_order_they_were_added(ud):
    for kind, ref in [("exhibitor", "sicarrier"), ("product", "sicarrier-alishan"),
                      ("exhibitor", "merck"), ("booth", "1B05")]:
        ud.set_favourite(EXPO, kind, ref, True)
    assert ud.favourites(EXPO) == [("exhibitor", "sicarrier"), ("product", "sicarrier-alishan"),
                                   ("exhibitor", "merck"), ("booth", "1B05")]
    ud.toggle_favourite(EXPO, "product", "sicarrier-alishan")
    assert ud.favourites(EXPO) == [("exhibitor", "sicarrier"), ("exhibitor", "merck"),
                                   ("booth", "1B05")]
    # Re-adding puts it at the end; setting an existing favourite again changes nothing.
    ud.toggle_favourite(EXPO, "product", "sicarrier-alishan")
    ud.set_favourite(EXPO, "exhibitor", "sicarrier", True)
    assert ud.favourites(EXPO) == [("exhibitor", "sicarrier"), ("exhibitor", "merck"),
                                   ("booth", "1B05"), ("product", "sicarrier-alishan")]


def test_same_ref_of_different_kinds_are_different_favourites(ud):
    ud.set_favourite(EXPO, "exhibitor", "x", True)
    assert not ud.is_favourite(EXPO, "product", "x")


# ------------------------------------------------------------------- notes
def test_note_save_update_and_delete_on_empty(ud):
    assert ud.note(EXPO, "exhibitor", "sicarrier") is None
    ud.save_note(EXPO, "exhibitor", "sicarrier", "Ask about the Alishan ALD line")
    first = ud.note(EXPO, "exhibitor", "sicarrier")
    assert first["text"] == "Ask about the Alishan ALD line"
    assert first["tags"] == []
    ud.save_note(EXPO, "exhibitor", "sicarrier", "Asked: no specs given. 新凯来 ✓")
    second = ud.note(EXPO, "exhibitor", "sicarrier")
    assert second["text"] == "Asked: no specs given. 新凯来 ✓"
    assert second["created"] == first["created"]
    assert second["updated"] >= first["updated"]
    assert len(ud.notes(EXPO)) == 1
    ud.save_note(EXPO, "exhibitor", "sicarrier", "   \n ")
    assert ud.note(EXPO, "exhibitor", "sicarrier") is None
    assert ud.notes(EXPO) == []


def test_tags(ud):
    ud.save_note(EXPO, "product", "sicarrier-emei", "epitaxy", tags=["follow-up", "设备"])
    assert ud.note(EXPO, "product", "sicarrier-emei")["tags"] == ["follow-up", "设备"]
    # Tags alone keep a note alive; text and tags empty delete it.
    ud.save_note(EXPO, "product", "sicarrier-emei", "", tags=["follow-up"])
    note = ud.note(EXPO, "product", "sicarrier-emei")
    assert note == {**note, "text": "", "tags": ["follow-up"]}
    ud.save_note(EXPO, "product", "sicarrier-emei", "", tags=[])
    assert ud.note(EXPO, "product", "sicarrier-emei") is None


def test_notes_list(ud):
    ud.save_note(EXPO, "exhibitor", "merck", "gases")
    ud.save_note(EXPO, "booth", "1B05", "meet here", tags=["meeting"])
    listed = {(n["kind"], n["ref"]): (n["text"], n["tags"]) for n in ud.notes(EXPO)}
    assert listed == {("exhibitor", "merck"): ("gases", []),
                      ("booth", "1B05"): ("meet here", ["meeting"])}


def test_notes_and_favourites_are_keyed_by_expo(ud):
    ud.save_note("wesemibay-2025", "exhibitor", "sicarrier", "2025 note")
    ud.save_note("wesemibay-2026", "exhibitor", "sicarrier", "2026 note")
    ud.set_favourite("wesemibay-2026", "exhibitor", "sicarrier", True)
    assert ud.note("wesemibay-2025", "exhibitor", "sicarrier")["text"] == "2025 note"
    assert ud.note("wesemibay-2026", "exhibitor", "sicarrier")["text"] == "2026 note"
    assert [n["text"] for n in ud.notes("wesemibay-2025")] == ["2025 note"]
    assert ud.favourites("wesemibay-2025") == []
    assert ud.favourites("wesemibay-2026") == [("exhibitor", "sicarrier")]
    ud.save_note("wesemibay-2026", "exhibitor", "sicarrier", "")
    assert ud.note("wesemibay-2025", "exhibitor", "sicarrier")["text"] == "2025 note"


# ------------------------------------------------------------- durability
def test_data_survive_close_and_reopen(user_path):
    u = UserData(user_path)
    u.set_favourite(EXPO, "exhibitor", "sicarrier", True)
    u.set_favourite(EXPO, "exhibitor", "merck", True)
    u.save_note(EXPO, "exhibitor", "sicarrier", "crowded booth", tags=["visit"])
    u.close()
    u = UserData(user_path)
    try:
        assert u.favourites(EXPO) == [("exhibitor", "sicarrier"), ("exhibitor", "merck")]
        note = u.note(EXPO, "exhibitor", "sicarrier")
        assert (note["text"], note["tags"]) == ("crowded booth", ["visit"])
    finally:
        u.close()


def test_data_survive_a_killed_process(user_path):
    script = textwrap.dedent(f"""
        import os
        from db.userdata import UserData
        u = UserData({str(user_path)!r})
        u.set_favourite({EXPO!r}, "exhibitor", "sicarrier", True)
        u.save_note({EXPO!r}, "exhibitor", "sicarrier", "written before the crash")
        os._exit(0)  # no close(), no clean shutdown
    """)
    subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True, timeout=60)
    u = UserData(user_path)
    try:
        assert u.favourites(EXPO) == [("exhibitor", "sicarrier")]
        assert u.note(EXPO, "exhibitor", "sicarrier")["text"] == "written before the crash"
    finally:
        u.close()


# ------------------------------------------------------------- bad files
def _assert_refused_untouched(path: Path, words: str | None = None):
    before = sha256(path)
    with pytest.raises(DataError) as info:
        UserData(path)
    message = str(info.value)
    del info
    gc.collect()  # let any connection left behind by the failed open go away
    assert str(path) in message and "\n" not in message
    if words:
        assert words in message
    assert sha256(path) == before
    assert not Path(f"{path}-wal").exists()
    assert not Path(f"{path}-shm").exists()


def test_user_file_from_newer_version_is_refused_and_untouched(user_path):
    u = UserData(user_path)
    u.save_note(EXPO, "exhibitor", "sicarrier", "keep me")
    u.close()
    conn = sqlite3.connect(user_path)
    conn.execute(f"PRAGMA user_version = {USER_VERSION + 1}")
    conn.close()
    _assert_refused_untouched(user_path, "newer")
    conn = sqlite3.connect(user_path)
    try:
        assert conn.execute("SELECT text FROM notes").fetchall() == [("keep me",)]
    finally:
        conn.close()


def test_newer_user_file_in_rollback_journal_mode_is_untouched(user_path):
    user_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(user_path)
    conn.execute("CREATE TABLE favourites(expo, kind, ref, position, created, extra)")
    conn.execute(f"PRAGMA application_id = {USER_APP_ID}")
    conn.execute(f"PRAGMA user_version = {USER_VERSION + 1}")
    conn.commit()
    conn.close()
    _assert_refused_untouched(user_path, "newer")


def test_refused_user_file_is_closed_at_once(user_path):
    UserData(user_path).close()
    conn = sqlite3.connect(user_path)
    conn.execute(f"PRAGMA user_version = {USER_VERSION + 1}")
    conn.close()
    assert not Path(f"{user_path}-wal").exists()
    with pytest.raises(DataError) as info:
        UserData(user_path)
    assert "newer" in str(info.value)
    assert not Path(f"{user_path}-wal").exists()
    assert not Path(f"{user_path}-shm").exists()


def test_visited_marks_are_kept_per_expo_and_survive_reopening(user_path):
    u = UserData(user_path)
    try:
        assert u.visited(EXPO) == []
        assert u.toggle_visited(EXPO, "exhibitor", "sicarrier") is True
        u.set_visited(EXPO, "booth", "1B05", True)
        u.set_visited("another-expo", "booth", "1B05", True)
        assert set(u.visited(EXPO)) == {("exhibitor", "sicarrier"), ("booth", "1B05")}
    finally:
        u.close()
    u = UserData(user_path)
    try:
        assert set(u.visited(EXPO)) == {("exhibitor", "sicarrier"), ("booth", "1B05")}
        assert u.toggle_visited(EXPO, "exhibitor", "sicarrier") is False
        assert u.visited(EXPO) == [("booth", "1B05")]
        assert u.visited("another-expo") == [("booth", "1B05")]
    finally:
        u.close()


def test_a_version_1_user_file_climbs_to_the_visited_table(tmp_path):
    """The real version-1 fixture: notes and stars kept, the visited table added."""
    import shutil
    path = tmp_path / "user.sqlite"
    shutil.copyfile(REPO / "tests" / "fixtures" / "user-v1.sqlite", path)
    before = sqlite3.connect(path)
    stars = before.execute("SELECT count(*) FROM favourites").fetchone()[0]
    before.close()
    u = UserData(path)
    try:
        assert u.recovered is None
        assert sum(len(u.favourites(e)) for (e,) in u._rows(
            "SELECT DISTINCT expo FROM favourites")) == stars
        u.set_visited(EXPO, "booth", "1B05", True)
        assert u.visited(EXPO) == [("booth", "1B05")]
    finally:
        u.close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == USER_VERSION == 4
    finally:
        conn.close()
