"""Two running copies on one user file: no lost updates, both texts kept.

Every read-modify-write is one ``BEGIN IMMEDIATE`` transaction; a note's row
version tells a save based on an older text, and the other copy's text is then
kept as a conflict copy. The copies here are real processes on one real file.
Also: the schema step from version 1 (a real version-1 file in tests/fixtures).
"""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from db.errors import DataError
from db.userdata import USER_VERSION, UserData

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "user-v1.sqlite"
EXPO = "wesemibay-2025"
KEY = [EXPO, "exhibitor", "sicarrier"]

DRIVER = r"""
import json, sys
from db.userdata import UserData
u = UserData(sys.argv[1])
for line in sys.stdin:
    cmd = json.loads(line)
    op, key = cmd["op"], cmd.get("key")
    if op == "load":
        note, version = u.load_note(*key)
        out = {"note": note, "version": version}
    elif op == "save":
        s = u.save_note(*key, cmd["text"], tags=cmd.get("tags"), base=cmd.get("base"),
                        base_text=cmd.get("base_text"))
        out = {"version": s.version, "conflict": s.conflict}
    elif op == "tags":
        s = u.set_tags(*key, cmd["tags"], base=cmd.get("base"))
        out = {"version": s.version, "conflict": s.conflict}
    elif op == "append":            # n times: read the note, add a line, save on that base
        lines = []
        for i in range(cmd["n"]):
            note, version = u.load_note(*key)
            line = f"{cmd['name']}-{i}"
            text = note["text"] if note else ""
            u.save_note(*key, text + line + "\n", base=version, base_text=text)
            lines.append(line)
        out = {"lines": lines}
    elif op == "toggle":            # n stars and unstars of one ref, each read+write at once
        for i in range(cmd["n"]):
            u.toggle_favourite(*key)
        out = {"on": u.is_favourite(*key)}
    print(json.dumps(out), flush=True)
"""


class Copy:
    """A running copy of the program's data layer: a real process on the user file."""

    def __init__(self, path: Path):
        self.proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(path)], cwd=REPO,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, encoding="utf-8")

    def send(self, op: str, **kw) -> None:
        self.proc.stdin.write(json.dumps({"op": op, **kw}) + "\n")
        self.proc.stdin.flush()

    def answer(self) -> dict:
        line = self.proc.stdout.readline()
        assert line, self.proc.stderr.read()
        return json.loads(line)

    def ask(self, op: str, **kw) -> dict:
        self.send(op, **kw)
        return self.answer()

    def close(self) -> None:
        self.proc.stdin.close()
        assert self.proc.wait(timeout=60) == 0, self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()


@pytest.fixture
def path(tmp_path):
    p = tmp_path / "user.sqlite"
    UserData(p).close()
    return p


@pytest.fixture
def copies(path):
    a, b = Copy(path), Copy(path)
    yield a, b
    a.close()
    b.close()


def stored(path: Path):
    u = UserData(path)
    try:
        return u.note(*KEY), u.conflicts(EXPO, *KEY[1:])
    finally:
        u.close()


# ------------------------------------------------------------ two processes
def test_two_copies_saving_one_note_keep_both_texts(copies, path):
    a, b = copies
    base = a.ask("load", key=KEY)["version"]
    assert b.ask("load", key=KEY)["version"] == base == 0
    first = a.ask("save", key=KEY, text="A: ask about Alishan lead times", base=base)
    assert first["conflict"] is False
    second = b.ask("save", key=KEY, text="B: booth crowded, come back at 3", base=base)
    assert second["conflict"] is True                 # B's save was based on the old version
    note, copies_ = stored(path)
    assert note["text"] == "B: booth crowded, come back at 3"
    assert [c["text"] for c in copies_] == ["A: ask about Alishan lead times"]
    # A goes on typing on its own last version, which B's save made old: B's text is kept.
    third = a.ask("save", key=KEY, text="A: ask about Alishan lead times; and Emei",
                  base=first["version"])
    assert third["conflict"] is True
    note, copies_ = stored(path)
    assert note["text"] == "A: ask about Alishan lead times; and Emei"
    assert {c["text"] for c in copies_} == {"A: ask about Alishan lead times",
                                           "B: booth crowded, come back at 3"}


def test_tags_from_one_copy_and_text_from_another_are_both_kept(copies, path):
    a, b = copies
    a.ask("save", key=KEY, text="first", base=0)
    base = a.ask("load", key=KEY)["version"]
    assert b.ask("load", key=KEY)["version"] == base
    a.ask("tags", key=KEY, tags=["visit", "ALD"], base=base)
    # B's editor saves text only, started from "first": the tags changed, not the text.
    saved = b.ask("save", key=KEY, text="first, then more", base=base, base_text="first")
    assert saved["conflict"] is False
    note, _ = stored(path)
    assert (note["text"], note["tags"]) == ("first, then more", ["visit", "ALD"])
    # Both copies set tags on the same old version: neither copy's tags are lost.
    base = a.ask("load", key=KEY)["version"]
    a.ask("tags", key=KEY, tags=["visit", "ALD", "call"], base=base)
    b.ask("tags", key=KEY, tags=["visit", "ALD", "price"], base=base)
    note, _ = stored(path)
    assert set(note["tags"]) == {"visit", "ALD", "call", "price"}


def test_racing_copies_never_drop_each_others_lines(copies, path):
    """Both copies read, add a line and save, as fast as they can, at the same time.
    Every line either copy saved is in the note or in a conflict copy."""
    a, b = copies
    a.send("append", key=KEY, name="a", n=60)
    b.send("append", key=KEY, name="b", n=60)
    lines = a.answer()["lines"] + b.answer()["lines"]
    note, copies_ = stored(path)
    kept = set(note["text"].split()) | {w for c in copies_ for w in c["text"].split()}
    assert set(lines) <= kept, sorted(set(lines) - kept)[:5]
    assert len(lines) == 120


def test_stars_toggled_by_two_copies_count_every_toggle(copies, path):
    """Star and unstar from two copies: each toggle reads and writes in one transaction,
    so 2 x 51 toggles end starred (an odd number of toggles in all)."""
    a, b = copies
    a.send("toggle", key=KEY, n=51)
    b.send("toggle", key=KEY, n=50)
    a.answer()
    b.answer()
    u = UserData(path)
    try:
        assert u.is_favourite(*KEY)
    finally:
        u.close()


# --------------------------------------------------------- one process, rules
def test_same_text_on_an_old_version_is_no_conflict(path):
    u = UserData(path)
    try:
        v = u.save_note(*KEY, "same").version
        u.save_note(*KEY, "same", tags=["x"])
        saved = u.save_note(*KEY, "same", base=v)
        assert saved.conflict is False and u.conflicts(EXPO) == []
    finally:
        u.close()


def test_an_emptied_note_keeps_its_version(path):
    """Versions never restart: emptying a note and writing a new one is still a newer
    version than the text another copy loaded before."""
    u = UserData(path)
    try:
        _, base = u.load_note(*KEY)
        old = u.save_note(*KEY, "x", base=base)
        u.save_note(*KEY, "")                              # emptied elsewhere
        assert u.note(*KEY) is None and u.notes(EXPO) == []
        u.save_note(*KEY, "y")                             # and written again
        saved = u.save_note(*KEY, "x, edited", base=old.version)
        assert saved.conflict is True
        assert [c["text"] for c in u.conflicts(EXPO)] == ["y"]
    finally:
        u.close()


def test_merge_and_discard_conflict_copies(path):
    u = UserData(path)
    try:
        u.save_note(*KEY, "mine", tags=["a"])
        u.save_note(*KEY, "theirs", tags=["b"])
        u.save_note(*KEY, "mine again", tags=["a"], base=1)   # based on "mine": "theirs" kept
        [copy] = u.conflicts(EXPO, "exhibitor", "sicarrier")
        assert (copy["text"], copy["tags"]) == ("theirs", ["b"])
        u.merge_conflict(copy["id"])
        note = u.note(*KEY)
        assert note["text"] == "mine again\n\ntheirs" and set(note["tags"]) == {"a", "b"}
        assert u.conflicts(EXPO) == []
        assert u.merge_conflict(copy["id"]) is None        # already merged
        u.save_note(*KEY, "other", base=1)
        [copy] = u.conflicts(EXPO)
        u.discard_conflict(copy["id"])
        assert u.conflicts(EXPO) == []
    finally:
        u.close()


# --------------------------------------------------------------- migration
def test_version_1_file_is_upgraded_in_place(tmp_path):
    path = tmp_path / "user.sqlite"
    shutil.copyfile(FIXTURE, path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()
    u = UserData(path)
    try:
        assert u.recovered is None
        assert u.favourites(EXPO) == [("exhibitor", "sicarrier"), ("booth", "1B05"),
                                      ("exhibitor", "merck")]
        note, version = u.load_note(EXPO, "exhibitor", "sicarrier")
        assert note["text"] == "Ask about the Alishan ALD line\n新凯来: lead times?"
        assert note["tags"] == ["follow-up", "ALD"] and version == 1
        assert u.note(EXPO, "booth", "1B05")["tags"] == ["meeting"]
        assert u.note("wesemibay-2026", "exhibitor", "sicarrier")["text"] == \
            "a note on another expo"
        assert u.conflicts(EXPO) == []
        assert u.save_note(EXPO, "exhibitor", "sicarrier", "edited", base=1).conflict is False
    finally:
        u.close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == USER_VERSION >= 3
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_failed_upgrade_step_leaves_version_1_as_it_was(tmp_path):
    """The step to version 2 is one transaction: when it fails, nothing of it stays."""
    path = tmp_path / "user.sqlite"
    shutil.copyfile(FIXTURE, path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE note_conflicts(x)")       # in the way of the step's table
    conn.commit()
    conn.close()
    with pytest.raises(DataError) as info:
        UserData(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        columns = {r[1] for r in conn.execute("PRAGMA table_info(notes)")}
        assert "version" not in columns
        assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 4
    finally:
        conn.close()
