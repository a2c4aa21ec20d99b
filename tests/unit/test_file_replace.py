"""Replacing an expo file: atomically, through symlinks, keeping its mode, never letting an
old WAL be replayed onto the new file (issue 10, points 2 and 8)."""
from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from db.cli import check
from db.errors import DataError, FileInUse
from db.expo import open_expo
from db.exporters import export_csv
from db.importing import import_files

from catalogue_files import sha  # tests/catalogue_files.py

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "catalogue"
MESSY = FIX / "messy-exhibitors.csv"


def _wal_writer(path: Path) -> sqlite3.Connection:
    """A connection that put ``path`` in WAL mode and committed a change still in the WAL."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("UPDATE exhibitors SET summary = 'changed in the WAL' WHERE slug = 'merck'")
    conn.commit()
    return conn


def _crashed_wal_copy(src: Path, dst: Path) -> None:
    """``dst`` as a program that crashed with ``src`` open in WAL mode leaves it."""
    conn = _wal_writer(src)
    try:
        for suffix in ("", "-wal", "-shm"):
            shutil.copyfile(f"{src}{suffix}", f"{dst}{suffix}")
    finally:
        conn.close()


def test_import_next_to_a_leftover_wal_keeps_the_imported_records(expo_copy, tmp_path):
    target = tmp_path / "crashed.sqlite"
    _crashed_wal_copy(expo_copy, target)
    assert Path(f"{target}-wal").stat().st_size > 0
    import_files(target, [MESSY])
    # No old WAL or shared-memory file is left to be replayed onto the new file.
    assert not Path(f"{target}-wal").exists() and not Path(f"{target}-shm").exists()
    assert check(str(target)) == []                    # integrity_check, keys, sources
    with open_expo(target, readonly=True) as expo:
        assert expo.exhibitor("naura") is not None     # the imported records are there
        # the change that was still in the WAL was part of what was imported into
        assert expo.exhibitor("merck")["summary"] == "changed in the WAL"
    with open(target, "rb") as fh:
        assert fh.read(20)[18:20] == b"\x01\x01"       # a rollback-journal file, not WAL


def test_import_is_refused_while_another_program_has_the_wal_open(expo_copy):
    other = _wal_writer(expo_copy)
    try:
        before = (sha(expo_copy), sha(f"{expo_copy}-wal"))
        with pytest.raises(FileInUse) as info:
            import_files(expo_copy, [MESSY])
        assert str(info.value).startswith(f"{expo_copy}: the file is open in another program")
        assert isinstance(info.value, DataError) and isinstance(info.value, PermissionError)
        assert (sha(expo_copy), sha(f"{expo_copy}-wal")) == before
        assert [p.name for p in expo_copy.parent.iterdir() if ".import-" in p.name] == []
        # the other program still reads its own data, undisturbed
        assert other.execute("SELECT summary FROM exhibitors WHERE slug = 'merck'"
                             ).fetchone()[0] == "changed in the WAL"
    finally:
        other.close()
    import_files(expo_copy, [MESSY])                   # once it is closed, the import runs
    assert check(str(expo_copy)) == []


def test_a_refused_commit_can_be_retried_after_closing_the_own_connection(expo_copy):
    from db.importing import prepare_import
    mine = _wal_writer(expo_copy)                      # e.g. the window's own connection
    prepared = prepare_import(expo_copy, [MESSY])
    try:
        with pytest.raises(PermissionError):
            prepared.commit()
        mine.close()
        prepared.commit()
    finally:
        prepared.discard()
    with open_expo(expo_copy, readonly=True) as expo:
        assert expo.exhibitor("naura") is not None


def test_import_through_a_symlink_updates_its_target_and_keeps_the_link(expo_copy, tmp_path):
    work = tmp_path / "work"
    real_dir = work / "real"
    real_dir.mkdir(parents=True)
    real = real_dir / "expo.sqlite"
    shutil.move(expo_copy, real)
    link = work / "link.sqlite"
    link.symlink_to(Path("real") / "expo.sqlite")
    import_files(link, [MESSY])
    assert link.is_symlink() and os.readlink(link) == os.path.join("real", "expo.sqlite")
    with open_expo(real, readonly=True) as expo:
        assert expo.exhibitor("naura") is not None
    assert sorted(p.name for p in work.iterdir()) == ["link.sqlite", "real"]
    assert sorted(p.name for p in real_dir.iterdir()) == ["expo.sqlite"]


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o664], ids=oct)
def test_import_keeps_the_file_mode(expo_copy, mode):
    os.chmod(expo_copy, mode)
    import_files(expo_copy, [MESSY])
    assert stat.S_IMODE(os.stat(expo_copy).st_mode) == mode
    import_files(expo_copy, [MESSY])                   # and again: nothing drifts
    assert stat.S_IMODE(os.stat(expo_copy).st_mode) == mode


def test_a_new_expo_gets_the_usual_mode_not_a_private_one(tmp_path):
    old = os.umask(0o022)
    try:
        new = tmp_path / "new.sqlite"
        import_files(new, [MESSY])
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(new).st_mode) == 0o644


def test_export_through_a_symlink_writes_the_target(built_expo, tmp_path):
    real = tmp_path / "out.csv"
    real.write_text("old\n", encoding="utf-8")
    os.chmod(real, 0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with open_expo(built_expo, readonly=True) as expo:
        export_csv(expo, link)
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("exhibitor_id,")
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o640


def test_a_change_by_another_program_during_an_import_is_not_overwritten(expo_copy):
    from db.importing import prepare_import
    prepared = prepare_import(expo_copy, [MESSY])
    try:
        conn = sqlite3.connect(expo_copy)              # another program writes meanwhile
        conn.execute("UPDATE exhibitors SET summary = 'their change' WHERE slug = 'merck'")
        conn.commit()
        conn.close()
        before = sha(expo_copy)
        with pytest.raises(DataError) as info:
            prepared.commit()
        assert "another program changed the file" in str(info.value)
        assert sha(expo_copy) == before
    finally:
        prepared.discard()
