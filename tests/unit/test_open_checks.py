"""Opening a file from anyone: its type and its schema are checked before anything else
(issue 10, points 6 and 7). Each fault is refused with one line naming the file, and the
file is left byte for byte as it was."""
from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import threading
from pathlib import Path

import pytest

from db.cli import check
from db.errors import DataError
from db.expo import open_expo
from db.exporters import export_json
from db.importing import import_files

from catalogue_files import sha  # tests/catalogue_files.py

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "catalogue"
MESSY = FIX / "messy-exhibitors.csv"
V1 = Path(__file__).resolve().parents[1] / "fixtures" / "expo-v1.sqlite"


def _finishes(call, timeout: float = 10.0, unblock: Path | None = None):
    """Run ``call`` in a thread; (finished, exception). A call stuck on a named pipe is
    released by opening the pipe's other end, so that a failing test does not hang."""
    out = {}

    def run():
        try:
            out["value"] = call()
        except BaseException as exc:      # noqa: BLE001 (reported to the test)
            out["exc"] = exc
    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    finished = not t.is_alive()
    if not finished and unblock is not None:
        fd = os.open(unblock, os.O_RDWR | os.O_NONBLOCK)
        os.close(fd)
        t.join(5)
    return finished, out.get("exc")


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe.sqlite"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path):
    path = tmp_path / "sock.sqlite"
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))
    yield path
    s.close()


# ------------------------------------------------------------- special files
@pytest.mark.parametrize("readonly", [True, False], ids=["read-only", "read-write"])
def test_a_named_pipe_as_the_expo_is_refused_at_once(fifo, readonly):
    finished, exc = _finishes(lambda: open_expo(fifo, readonly=readonly), unblock=fifo)
    assert finished, "opening a named pipe blocked"
    assert isinstance(exc, DataError)
    assert str(exc) == (f"{fifo}: is a named pipe, not an expo file; give the path of a "
                        "regular file")


@pytest.mark.parametrize("kind", ["device", "socket"])
def test_a_device_or_socket_as_the_expo_is_refused(kind, unix_socket):
    path = Path("/dev/null") if kind == "device" else unix_socket
    finished, exc = _finishes(lambda: open_expo(path, readonly=True))
    assert finished and isinstance(exc, DataError)
    assert str(exc).startswith(f"{path}: is a {kind}, not an expo file")


def test_a_named_pipe_as_a_catalogue_is_refused_at_once(expo_copy, fifo):
    before = sha(expo_copy)
    finished, exc = _finishes(lambda: import_files(expo_copy, [MESSY, fifo]), unblock=fifo)
    assert finished, "importing a named pipe blocked"
    assert isinstance(exc, DataError)
    assert str(exc).startswith(f"{fifo}: is a named pipe, not a catalogue file")
    assert sha(expo_copy) == before


def test_an_endless_device_as_a_catalogue_is_refused(expo_copy):
    before = sha(expo_copy)
    finished, exc = _finishes(lambda: import_files(expo_copy, ["/dev/zero"]))
    assert finished and isinstance(exc, DataError)
    assert str(exc).startswith("/dev/zero: is a device, not a catalogue file")
    assert sha(expo_copy) == before


def test_a_named_pipe_as_the_import_target_or_export_is_refused(built_expo, fifo):
    finished, exc = _finishes(lambda: import_files(fifo, [MESSY]), unblock=fifo)
    assert finished and isinstance(exc, DataError)
    assert str(exc).startswith(f"{fifo}: is a named pipe, not an expo file")

    def export():
        with open_expo(built_expo, readonly=True) as expo:
            export_json(expo, fifo)
    finished, exc = _finishes(export, unblock=fifo)
    assert finished and isinstance(exc, DataError)
    assert str(exc).startswith(f"{fifo}: is a named pipe")
    assert fifo.exists() and not fifo.is_file()         # the pipe was not replaced


# ------------------------------------------------------------------ the schema
def _sql(*statements):
    def change(conn):
        for st in statements:
            conn.execute(st)
    return change


def _with_function(conn):
    conn.create_function("evil", 0, lambda: 1)
    conn.execute("CREATE TRIGGER t_evil AFTER INSERT ON booths BEGIN SELECT evil(); END")


SCHEMA_FAULTS = {
    "missing-table": (_sql("DROP TABLE sources"), "the table 'sources' is missing"),
    "view-in-place-of-a-table": (
        _sql("DROP TABLE exhibitors",
             "CREATE VIEW exhibitors AS SELECT slug, name, name AS name_zh FROM organisations"),
        "'exhibitors' is a view, not a table"),
    "missing-column": (_sql("ALTER TABLE products DROP COLUMN pinyin"),
                       "the table 'products' is not as this version makes it"),
    "extra-column": (_sql("ALTER TABLE exhibitors ADD COLUMN x INTEGER NOT NULL DEFAULT 0"),
                     "the table 'exhibitors' is not as this version makes it"),
    "trigger-deleting-rows": (
        _sql("CREATE TRIGGER wipe AFTER INSERT ON products BEGIN DELETE FROM cites; END"),
        "a trigger 'wipe' that WeSemiBay Explorer does not make"),
    "trigger-that-fails": (
        _sql("CREATE TRIGGER no BEFORE INSERT ON exhibitors BEGIN SELECT RAISE(ABORT, 'no'); "
             "END"), "a trigger 'no'"),
    "trigger-sqlite-refuses": (_with_function, "a trigger 't_evil'"),
    "foreign-view": (_sql("CREATE VIEW v AS SELECT * FROM exhibitors"), "a view 'v'"),
    "foreign-index": (_sql("CREATE INDEX spec_a ON products(json_extract(specs, '$.a'))"),
                      "an index 'spec_a'"),
    "search-index-replaced": (
        _sql("DROP TABLE search", "CREATE TABLE search(kind, ref, label, title, body)"),
        "the table 'search' is not as this version makes it"),
}


def _faulty(built_expo, tmp_path, kind) -> Path:
    change, _ = SCHEMA_FAULTS[kind]
    path = tmp_path / f"{kind}.sqlite"
    shutil.copyfile(built_expo, path)
    conn = sqlite3.connect(path)
    change(conn)
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("readonly", [True, False], ids=["read-only", "read-write"])
@pytest.mark.parametrize("kind", list(SCHEMA_FAULTS))
def test_a_schema_that_is_not_ours_is_refused_with_one_line(kind, readonly, built_expo,
                                                            tmp_path):
    path = _faulty(built_expo, tmp_path, kind)
    before = sha(path)
    with pytest.raises(DataError) as info:
        open_expo(path, readonly=readonly)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: refused: ")
    assert SCHEMA_FAULTS[kind][1] in message
    assert "use an untouched copy" in message               # and what to do
    assert sha(path) == before


@pytest.mark.parametrize("kind", list(SCHEMA_FAULTS))
def test_check_reports_a_foreign_schema(kind, built_expo, tmp_path):
    path = _faulty(built_expo, tmp_path, kind)
    with pytest.raises(DataError) as info:
        check(str(path))
    assert SCHEMA_FAULTS[kind][1] in str(info.value)


@pytest.mark.parametrize("kind", ["trigger-deleting-rows", "trigger-that-fails",
                                  "view-in-place-of-a-table", "missing-table"])
def test_no_import_into_a_foreign_schema(kind, built_expo, tmp_path):
    path = _faulty(built_expo, tmp_path, kind)
    before = sha(path)
    with pytest.raises(DataError) as info:
        import_files(path, [MESSY])
    assert SCHEMA_FAULTS[kind][1] in str(info.value)
    assert sha(path) == before
    conn = sqlite3.connect(path)
    try:
        if kind == "trigger-deleting-rows":                 # the trigger never fired
            assert conn.execute("SELECT count(*) FROM cites").fetchone()[0] > 0
    finally:
        conn.close()


def test_the_version_1_file_still_opens(tmp_path):
    path = tmp_path / "v1.sqlite"
    shutil.copyfile(V1, path)
    with open_expo(path, readonly=True) as expo:
        assert expo.meta()
    open_expo(path).close()                                 # and upgrades


def test_the_integrity_check_is_a_separate_step(built_expo, tmp_path):
    """The schema is read from sqlite_master alone; quick_check (every page) can be left
    out, so that it can move off the start path."""
    path = tmp_path / "damaged.sqlite"
    shutil.copyfile(built_expo, path)
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'booths'").fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page
    data[start + 8:start + page] = b"\xa5" * (page - 8)      # the table's page, not the schema
    path.write_bytes(bytes(data))
    with pytest.raises(DataError) as info:
        open_expo(path, readonly=True)
    assert "damaged" in str(info.value)
    open_expo(path, readonly=True, integrity=False).close()


def test_wrong_values_in_a_foreign_file_are_reported_by_check(expo_copy):
    conn = sqlite3.connect(expo_copy)
    conn.execute("UPDATE exhibitors SET name = X'00ff' WHERE slug = 'merck'")
    conn.execute("UPDATE products SET specs = '{' WHERE rowid = 1")
    conn.execute("UPDATE expo SET extra = '[1'")
    conn.execute("UPDATE exhibitors SET name = CAST(X'41ff42' AS TEXT) WHERE slug = 'edwards'")
    conn.commit()
    conn.close()
    problems = check(str(expo_copy))
    assert "exhibitors.name: 1 value of the wrong type (not text)" in problems
    assert "products.specs: 1 value that is not valid JSON" in problems
    with open_expo(expo_copy, readonly=True) as expo:         # and reading them never fails
        assert expo.meta()["extra"] == {}
        names = [r["name"] for r in expo.exhibitor_rows()]
        assert "A\ufffdB" in names                            # text that is not UTF-8
