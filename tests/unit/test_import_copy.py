"""The import's working copy (issue 12): the expo file copied in the kernel under a read lock
(or through SQLite when its content is not all in the file), flushed while the rows are read,
and the expo file's whole-file check run alongside the import, or not at all when the
integrity cache remembers this very file as checked clean. A damaged file is refused with
one line and left byte for byte as it was. Real files throughout."""
from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from db import connection, fileops, integrity
from db.errors import DataError
from db.importing import import_files, prepare_import

from catalogue_files import sha  # tests/catalogue_files.py
from faults import damage_page as damage  # tests/faults.py

ROOT = Path(__file__).resolve().parents[2]


def catalogue(folder: Path, n: int = 3) -> Path:
    path = folder / "catalogue.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Company", "Booth No.", "Product Name", "Description"])
        for i in range(n):
            w.writerow([f"Copy Maker {i}", f"9Z{i:02d}", f"Copier {i}", f"makes copies {i}"])
    return path


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if ".import-" in p.name]


def test_the_copy_holds_what_the_expo_holds(expo_copy, tmp_path):
    """Byte for byte: a re-import that finds nothing to change leaves the file alone, and an
    import gives the expo's own rows plus the new ones."""
    path = catalogue(tmp_path)
    import_files(expo_copy, [path])
    with sqlite3.connect(expo_copy) as conn:
        before = conn.execute("SELECT count(*) FROM booths").fetchone()[0]
        makers = conn.execute("SELECT count(*) FROM exhibitors WHERE name LIKE 'Copy Maker%'"
                              ).fetchone()[0]
    conn.close()
    assert makers == 3 and before > 600                  # the built-in booths and the new
    assert integrity.Check(expo_copy).run().ok
    unchanged = sha(expo_copy)
    report = import_files(expo_copy, [path])
    assert not report.changed and sha(expo_copy) == unchanged


def test_a_file_in_wal_mode_is_copied_with_its_wal(expo_copy, tmp_path):
    """A change another program holds in the WAL (not yet in the file) is in the copy."""
    other = sqlite3.connect(expo_copy)
    other.execute("PRAGMA journal_mode = WAL")
    other.execute("PRAGMA wal_autocheckpoint = 0")
    other.execute("UPDATE exhibitors SET name = 'Held In The Wal' WHERE rowid = 1")
    other.commit()
    assert os.path.getsize(f"{expo_copy}-wal") > 0
    try:
        prepared = prepare_import(expo_copy, [catalogue(tmp_path)])
        try:
            with sqlite3.connect(prepared.temp) as conn:
                names = {r[0] for r in conn.execute("SELECT name FROM exhibitors")}
            conn.close()
            assert "Held In The Wal" in names and "Copy Maker 0" in names
        finally:
            prepared.discard()
    finally:
        other.close()
    assert leftovers(tmp_path) == []


def test_a_damaged_expo_file_is_refused_by_the_check_beside_the_import(expo_copy, tmp_path):
    damage(expo_copy, "supply_shares")          # a table the import never reads
    before = sha(expo_copy)
    with pytest.raises(DataError) as info:
        import_files(expo_copy, [catalogue(tmp_path)])
    line = str(info.value)
    assert "damaged" in line and str(expo_copy) in line and "\n" not in line
    assert sha(expo_copy) == before
    assert leftovers(tmp_path) == []


def test_damage_the_import_meets_is_reported_as_damage(expo_copy, tmp_path):
    """The import reads the booths: it fails on the damaged page before the check ends, and
    says the file is damaged (not an SQLite error, not a traceback)."""
    damage(expo_copy, "booths")
    before = sha(expo_copy)
    with pytest.raises(DataError) as info:
        import_files(expo_copy, [catalogue(tmp_path)])
    assert "damaged" in str(info.value) and str(expo_copy) in str(info.value)
    assert sha(expo_copy) == before and leftovers(tmp_path) == []
    proc = subprocess.run([sys.executable, "-m", "db", "import", "--expo", str(expo_copy),
                           str(catalogue(tmp_path))], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "damaged" in proc.stderr
    assert sha(expo_copy) == before and leftovers(tmp_path) == []


def _checks(log) -> int:
    return sum("quick_check" in s for s in log.statements)


def test_a_file_remembered_as_checked_clean_is_not_read_again(built_expo, tmp_path):
    cache = integrity.IntegrityCache(tmp_path / "data")
    path = catalogue(tmp_path)
    for name, known in (("unknown", False), ("known", True)):
        expo = tmp_path / name / "expo.sqlite"
        expo.parent.mkdir()
        expo.write_bytes(built_expo.read_bytes())
        if known:                                  # as the window does after opening it
            assert integrity.check_file(expo, cache).ok
        with connection.trace_statements() as log:
            report = import_files(expo, [path], integrity_cache=cache)
        assert report.added["exhibitor"] == 3
        assert _checks(log) == (0 if known else 1), name
    # The check that ran is remembered, by the identity the file had.
    assert integrity.IntegrityCache(tmp_path / "data").path.is_file()


def test_a_file_remembered_as_damaged_is_refused_at_once(expo_copy, tmp_path):
    cache = integrity.IntegrityCache(tmp_path / "data")
    damage(expo_copy, "supply_shares")
    assert not integrity.check_file(expo_copy, cache).ok
    before = sha(expo_copy)
    with connection.trace_statements() as log, pytest.raises(DataError) as info:
        import_files(expo_copy, [catalogue(tmp_path)], integrity_cache=cache)
    assert "damaged" in str(info.value) and _checks(log) == 0
    assert sha(expo_copy) == before and leftovers(tmp_path) == []


def test_the_command_line_uses_what_the_window_remembered(expo_copy, tmp_path):
    """``wesemibay-db import`` asks the integrity cache in the data folder (the window's): a
    file the window found damaged is refused with the line the window's check wrote down
    (naming the path the window opened; here the command line is given a link to it)."""
    cache = integrity.IntegrityCache(Path(os.environ["XDG_DATA_HOME"]) / "wesemibay-explorer")
    damage(expo_copy, "supply_shares")
    remembered = integrity.check_file(expo_copy, cache)
    assert not remembered.ok
    link = tmp_path / "link.sqlite"
    link.symlink_to(expo_copy)
    proc = subprocess.run([sys.executable, "-m", "db", "import", "--expo", str(link),
                           str(catalogue(tmp_path))], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"wesemibay-db: {remembered.message}"


def test_copy_bytes_copies_every_byte(tmp_path):
    src, dst = tmp_path / "src.bin", tmp_path / "dst.bin"
    data = os.urandom(3 << 20) + b"tail"
    src.write_bytes(data)
    dst.write_bytes(b"")
    fd_in = os.open(src, os.O_RDONLY)
    fd_out = os.open(dst, os.O_RDWR)
    try:
        assert fileops.copy_bytes(fd_in, fd_out) == len(data)
    finally:
        os.close(fd_in)
        os.close(fd_out)
    assert dst.read_bytes() == data
