"""Bad user files and folders, full disks and read-only files: real files, real faults.

What a user sees: a damaged or foreign user file is moved aside as a dated backup
(with its -wal/-shm) and a fresh one is made; a file SQLite reads is accepted even
when its header's page count runs past its end (WAL); a newer file is refused
untouched; a read-only file or folder opens read-only with the reason; a write that
fails raises one line and commits nothing, and succeeds once the fault is gone.
"""
from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from db.errors import DataError, StorageError
from db.userdata import USER_APP_ID, USER_VERSION, Outbox, UserData
from faults import LIMIT_SNIPPET, fill, read_only, tiny_fs, writes_fail_past

from .conftest import sha256

EXPO = "wesemibay-2025"
REPO = Path(__file__).resolve().parents[2]
BACKUP = re.compile(r"^user\.sqlite\.(damaged|foreign|orphaned)-\d{4}-\d\d-\d\dT\d{6}(-\d+)?$")


@pytest.fixture
def path(tmp_path):
    return tmp_path / "data" / "user.sqlite"


def make_user_file(path: Path, notes: int = 3) -> None:
    u = UserData(path)
    for i in range(notes):
        u.save_note(EXPO, "exhibitor", f"ex{i:03d}", f"note {i} " + "y" * 300, tags=["t"])
    u.set_favourite(EXPO, "exhibitor", "ex000", True)
    u.close()


def backups(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ".sqlite." in p.name)


def assert_moved_aside(path: Path, original: bytes, label: str, words: str) -> UserData:
    """The file is now a dated backup holding the same bytes; a fresh, working file took its
    place; the message is one line naming the file, the fault and the backup."""
    u = UserData(path)
    rec = u.recovered
    assert rec is not None
    message = rec.message()
    assert "\n" not in message and str(path) in message and words in message
    assert rec.backup.name in message and "moved aside" in message
    assert BACKUP.match(rec.backup.name) and f".{label}-" in rec.backup.name, rec.backup.name
    assert rec.backup.read_bytes() == original
    assert sorted(p.name for p in path.parent.iterdir() if rec.backup.name in p.name) == \
        [rec.backup.name]
    # The fresh file holds only what could still be read from the old one (make_user_file's
    # notes, word for word) and says how much that was.
    notes = u.notes(EXPO)
    assert (len(notes), len(u.favourites(EXPO))) == (rec.notes, rec.stars)
    for n in notes:
        assert n["text"] == f"note {int(n['ref'][2:])} " + "y" * 300 and n["tags"] == ["t"]
    if rec.notes or rec.stars:
        assert re.search(rf"\({rec.notes} notes?, {rec.stars} stars?\)", message)
    else:
        assert "new, empty user file" in message
    u.save_note(EXPO, "exhibitor", "sicarrier", "after the rescue")
    assert u.note(EXPO, "exhibitor", "sicarrier")["text"] == "after the rescue"
    u.close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == USER_APP_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == USER_VERSION
    finally:
        conn.close()
    return u


# ------------------------------------------------ point 3: after a full disk
def header_outruns_file(path: Path) -> bool:
    head = path.read_bytes()[:100]
    page_size = int.from_bytes(head[16:18], "big")
    return page_size * int.from_bytes(head[28:32], "big") > path.stat().st_size


def test_file_whose_checkpoint_failed_is_accepted(path):
    """Reproduces the report: the close-time checkpoint fails for want of space (here EFBIG:
    RLIMIT_FSIZE at the file's size), so page 1 in the file already counts pages that are
    still only in the -wal. SQLite reads it fine, and so must we, without a backup."""
    script = LIMIT_SNIPPET + textwrap.dedent(f"""
        import os
        from db.userdata import UserData
        u = UserData({str(path)!r})
        for i in range(120):
            u.save_note({EXPO!r}, "exhibitor", f"ex{{i}}", f"note {{i}} " + "x" * 1500)
        limit_writes(os.path.getsize({str(path)!r}))
        u.close()         # the checkpoint runs out of space; the -wal keeps the pages
    """)
    subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True, timeout=60)
    assert Path(f"{path}-wal").stat().st_size > 0
    assert header_outruns_file(path)           # the state the old header check refused
    u = UserData(path)
    try:
        assert u.recovered is None and u.readonly_reason is None
        assert len(u.notes(EXPO)) == 120
        assert u.note(EXPO, "exhibitor", "ex119")["text"].startswith("note 119 ")
    finally:
        u.close()
    assert backups(path.parent) == []
    conn = sqlite3.connect(path)               # the clean close finished the checkpoint
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert not header_outruns_file(path)


def test_file_on_a_disk_that_filled_up_is_accepted_after_space_is_freed(tmp_path):
    """The same on a really full disk (a small tmpfs, ENOSPC; root only)."""
    with tiny_fs(tmp_path / "disk") as disk:
        path = disk / "user.sqlite"
        u = UserData(path)
        for i in range(20):
            u.save_note(EXPO, "exhibitor", f"ex{i}", f"note {i} " + "x" * 3000)
        filler = fill(disk)
        with pytest.raises(StorageError) as info:
            u.save_note(EXPO, "exhibitor", "late", "z" * 20000)
        assert "the disk is full" in str(info.value) and str(path) in str(info.value)
        u.close()                               # checkpoint: no space for the new pages
        assert header_outruns_file(path)         # what the old header check called truncated
        filler.unlink()                         # space is freed
        u = UserData(path)
        try:
            assert u.recovered is None
            assert len(u.notes(EXPO)) == 20 and u.note(EXPO, "exhibitor", "late") is None
        finally:
            u.close()


# --------------------------------------------- point 5: bad files, moved aside
def test_truncated_file_is_moved_aside(path):
    make_user_file(path, notes=200)
    whole = path.read_bytes()
    for cut in (50, len(whole) // 2):
        path.write_bytes(whole[:cut])
        u = assert_moved_aside(path, whole[:cut], "damaged", "damaged")
        assert u.recovered.notes < 200
        path.unlink()
        for p in backups(path.parent):
            p.unlink()


def test_garbage_file_is_moved_aside(path):
    path.parent.mkdir(parents=True)
    garbage = os.urandom(8192)
    path.write_bytes(garbage)
    assert_moved_aside(path, garbage, "damaged", "not an SQLite database")


def test_text_file_is_moved_aside(path):
    path.parent.mkdir(parents=True)
    path.write_text("not a database\n" * 10, encoding="utf-8")
    assert_moved_aside(path, path.read_bytes(), "damaged", "damaged")


def test_damaged_page_is_moved_aside_and_the_rest_carried_over(path):
    make_user_file(path, notes=200)
    data = bytearray(path.read_bytes())
    data[4096 * 9: 4096 * 9 + 200] = os.urandom(200)   # a page of the notes table
    path.write_bytes(bytes(data))
    u = assert_moved_aside(path, bytes(data), "damaged", "damaged")
    assert 0 < u.recovered.notes < 200 and u.recovered.stars == 1


def test_missing_table_is_moved_aside(path):
    make_user_file(path)
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE favourites")
    conn.commit()
    conn.close()
    u = assert_moved_aside(path, path.read_bytes(), "damaged", "the table favourites is missing")
    assert (u.recovered.notes, u.recovered.stars) == (3, 0)


def test_missing_column_is_moved_aside(path):
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE favourites(expo, kind, ref, position, created)")
    conn.execute("CREATE TABLE notes(expo, kind, ref, text, created, updated)")   # no tags
    conn.execute(f"PRAGMA application_id = {USER_APP_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    assert_moved_aside(path, path.read_bytes(), "damaged", "the table notes lacks tags")


def test_another_programs_database_is_moved_aside_not_converted(path):
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places(id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places(url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    u = assert_moved_aside(path, before, "foreign", "not a WeSemiBay user file")
    conn = sqlite3.connect(u.recovered.backup)        # the other program's data, as it was
    try:
        assert conn.execute("SELECT url FROM moz_places").fetchall() == [("https://example.org",)]
        assert "notes" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()


def test_database_with_our_table_names_but_not_ours_is_moved_aside(path):
    """Same tables, no application id: another program's file (or a hand-made one)."""
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE favourites(expo, kind, ref, position, created)")
    conn.execute("CREATE TABLE notes(expo, kind, ref, text, tags, created, updated)")
    conn.commit()
    conn.close()
    assert_moved_aside(path, path.read_bytes(), "foreign", "not a WeSemiBay user file")


def test_wal_and_shm_go_with_the_backup(path):
    """A foreign database in WAL mode with an open writer elsewhere: its -wal moves with it."""
    path.parent.mkdir(parents=True)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA journal_mode = WAL")
    other.execute("PRAGMA wal_autocheckpoint = 0")
    other.execute("CREATE TABLE t(x)")
    other.execute("INSERT INTO t VALUES ('only in the wal')")
    wal = Path(f"{path}-wal").read_bytes()
    main = path.read_bytes()
    # ``other`` stays open, so its -wal stays, as after a crash.
    try:
        u = UserData(path)
        backup = u.recovered.backup
        u.close()
    finally:
        other.close()
    assert backup.read_bytes() == main and Path(f"{backup}-wal").read_bytes()[:32] == wal[:32]


def test_empty_file_is_used_as_a_new_user_file(path):
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    u = UserData(path)
    try:
        assert u.recovered is None
        u.save_note(EXPO, "exhibitor", "a", "x")
    finally:
        u.close()
    assert backups(path.parent) == []


def test_leftover_wal_without_its_file_is_never_replayed(path):
    """A -wal whose file is gone (deleted by hand) is moved aside, not applied to the new file."""
    script = textwrap.dedent(f"""
        import os
        from db.userdata import UserData
        u = UserData({str(path)!r})
        u.conn.execute("PRAGMA wal_autocheckpoint = 0")
        for i in range(30):
            u.save_note({EXPO!r}, "exhibitor", f"ex{{i}}", "old note")
        os._exit(0)
    """)
    subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True, timeout=60)
    assert Path(f"{path}-wal").stat().st_size > 0
    path.unlink()
    u = UserData(path)
    try:
        assert u.notes(EXPO) == []
        u.save_note(EXPO, "exhibitor", "new", "new note")
    finally:
        u.close()
    assert [p.name.split("-wal")[0] for p in backups(path.parent) if p.name.endswith("-wal")]
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT ref FROM notes").fetchall() == [("new",)]
    finally:
        conn.close()


def test_folder_in_place_of_the_user_file_is_refused_one_line(path):
    path.mkdir(parents=True)
    with pytest.raises(DataError) as info:
        UserData(path)
    assert str(path) in str(info.value) and "folder" in str(info.value)
    assert "\n" not in str(info.value) and path.is_dir() and not list(path.iterdir())


def test_named_pipe_as_user_file_is_refused_without_hanging(path):
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    script = f"from db.userdata import UserData\nUserData({str(path)!r})\n"
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1
    assert "not a regular file" in proc.stderr and str(path) in proc.stderr


def test_newer_file_is_refused_and_left_untouched(path):
    make_user_file(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {USER_VERSION + 1}")
    conn.close()
    before = sha256(path)
    with pytest.raises(DataError) as info:
        UserData(path)
    assert "newer" in str(info.value) and "\n" not in str(info.value)
    assert sha256(path) == before and backups(path.parent) == []


# -------------------------------------- read-only files and folders (real ones)
def test_read_only_user_file_opens_read_only_and_recovers(path):
    make_user_file(path)
    before = sha256(path)
    with read_only(path):
        u = UserData(path)
        assert u.readonly_reason and str(path) in u.readonly_reason
        assert u.note(EXPO, "exhibitor", "ex001")["text"].startswith("note 1 ")
        assert u.favourites(EXPO) == [("exhibitor", "ex000")]
        with pytest.raises(StorageError) as info:
            u.save_note(EXPO, "exhibitor", "ex001", "changed")
        message = str(info.value)
        assert str(path) in message and "cannot save the note" in message and "\n" not in message
        with pytest.raises(StorageError):
            u.set_favourite(EXPO, "exhibitor", "ex001", True)
        assert sha256(path) == before
    # Writable again: the same handle writes to the real file.
    u.save_note(EXPO, "exhibitor", "ex001", "changed")
    assert u.readonly_reason is None
    u.close()
    u = UserData(path)
    try:
        assert u.note(EXPO, "exhibitor", "ex001")["text"] == "changed"
    finally:
        u.close()


def test_read_only_data_folder_shows_the_notes_read_only(path):
    make_user_file(path)
    with read_only(path.parent):
        u = UserData(path)
        try:
            assert u.readonly_reason and str(path.parent) in u.readonly_reason
            assert len(u.notes(EXPO)) == 3
            with pytest.raises(StorageError):
                u.save_note(EXPO, "exhibitor", "new", "text")
        finally:
            u.close()
        assert sorted(p.name for p in path.parent.iterdir()) == ["user.sqlite"]


def test_read_only_data_folder_without_a_user_file(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    with read_only(folder):
        u = UserData(folder / "user.sqlite")
        try:
            assert u.readonly_reason and u.notes(EXPO) == []
            with pytest.raises(StorageError):
                u.toggle_favourite(EXPO, "exhibitor", "a")
        finally:
            u.close()
        assert list(folder.iterdir()) == []


def test_file_made_read_only_while_open(path):
    """Immutable while the program runs (root: chattr +i on the file and its -wal)."""
    make_user_file(path)
    u = UserData(path)
    u.save_note(EXPO, "exhibitor", "ex001", "before")
    try:
        with read_only(path, Path(f"{path}-wal")):
            with pytest.raises(StorageError) as info:
                u.save_note(EXPO, "exhibitor", "ex001", "during")
            assert str(path) in str(info.value)
            assert u.note(EXPO, "exhibitor", "ex001")["text"] == "before"
        u.save_note(EXPO, "exhibitor", "ex001", "after")
        assert u.note(EXPO, "exhibitor", "ex001")["text"] == "after"
    finally:
        u.close()


# ---------------------------------------------------------------- full disk
def test_full_disk_write_fails_cleanly_and_is_retried(path):
    """Writes past the -wal's size fail (EFBIG, as a full disk): one line, nothing half
    written, the outbox keeps the text; once writes work again the retry stores it."""
    make_user_file(path)
    u = UserData(path)
    try:
        u.save_note(EXPO, "exhibitor", "ex001", "stored")
        outbox = Outbox(u)
        wal = Path(f"{path}-wal")
        with writes_fail_past(wal.stat().st_size):
            with pytest.raises(StorageError) as info:
                u.save_note(EXPO, "exhibitor", "ex001", "x" * 50000)
            assert str(path) in str(info.value) and "\n" not in str(info.value)
            with pytest.raises(StorageError):
                u.set_favourite(EXPO, "booth", "1B05", True)
            outbox.put(EXPO, "exhibitor", "ex001", "typed while full " * 500, base=None)
            assert outbox.flush() == {}
            assert len(outbox) == 1 and outbox.error()
            assert u.note(EXPO, "exhibitor", "ex001")["text"] == "stored"
        done = outbox.flush()
        assert list(done) == [(EXPO, "exhibitor", "ex001")] and len(outbox) == 0
        assert u.note(EXPO, "exhibitor", "ex001")["text"].startswith("typed while full")
    finally:
        u.close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert not conn.execute("SELECT 1 FROM favourites WHERE ref = '1B05'").fetchall()
    finally:
        conn.close()


def test_really_full_disk_says_so(tmp_path):
    with tiny_fs(tmp_path / "disk") as disk:
        u = UserData(disk / "user.sqlite")
        try:
            fill(disk)
            with pytest.raises(StorageError) as info:
                u.save_note(EXPO, "exhibitor", "a", "q" * 200000)
            assert "the disk is full" in str(info.value)
        finally:
            u.close()


# ------------------------------------------------------------ rescue file
def test_unsaved_notes_are_written_to_a_dated_text_file(path, tmp_path):
    make_user_file(path)
    with read_only(path, path.parent):
        u = UserData(path)
        outbox = Outbox(u)
        outbox.put(EXPO, "exhibitor", "sicarrier", "Ask about Alishan\n新凯来", tags=["ALD"],
                   label="SiCarrier")
        outbox.put(EXPO, "product", "sicarrier-emei", "epitaxy", label="Emei")
        outbox.flush()
        assert len(outbox) == 2
        spare = tmp_path / "spare"
        spare.mkdir()
        with read_only(spare):
            written = outbox.rescue([path.parent, spare, tmp_path])   # the first two refuse
        u.close()
    assert written.parent == tmp_path
    assert re.match(r"^unsaved-notes-\d{4}-\d\d-\d\dT\d{6}\.txt$", written.name)
    text = written.read_text(encoding="utf-8")
    assert "Ask about Alishan\n新凯来" in text and "epitaxy" in text and "Tags: ALD" in text
    assert "SiCarrier" in text and str(path) in text
