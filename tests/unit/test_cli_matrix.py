"""Every ``wesemibay-db`` command against every kind of file it must refuse: exit code 1 and
one line on stderr naming the file, never a traceback, never a wait (issue 10, points 6, 7).
Run in-process (``db.cli.main``) to keep the matrix fast; tests/e2e/test_cli_faults.py runs a
few of each as a user does."""
from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from db.cli import main

from catalogue_files import sha  # tests/catalogue_files.py

MESSY = Path(__file__).resolve().parents[1] / "fixtures" / "catalogue" / "messy-exhibitors.csv"

COMMANDS = {
    "check": ["check", "{expo}"],
    "search": ["search", "--expo", "{expo}", "ALD"],
    "export-json": ["export", "--expo", "{expo}", "--format", "json", "--out", "{out}"],
    "export-csv": ["export", "--expo", "{expo}", "--format", "csv", "--out", "{out}"],
    "route": ["route", "--expo", "{expo}", "--stops", "1A01,1B02"],
    "import": ["import", str(MESSY), "--expo", "{expo}"],
}

FOREIGN = {
    "missing-table": (["DROP TABLE booth_exhibitors"], "the table 'booth_exhibitors' is missing"),
    "view-for-a-table": (["DROP TABLE booths",
                          "CREATE VIEW booths AS SELECT slug AS code FROM halls"],
                         "'booths' is a view, not a table"),
    "foreign-trigger": (["CREATE TRIGGER wipe AFTER INSERT ON exhibitors "
                         "BEGIN DELETE FROM products; END"], "a trigger 'wipe'"),
}


def run(capsys, args, unblock: Path | None = None):
    """(exit code, stderr lines) of ``main(args)``; fails instead of waiting forever."""
    out = {}

    def call():
        try:
            out["code"] = main([str(a) for a in args])
        except SystemExit as exc:
            out["code"] = exc.code
    t = threading.Thread(target=call, daemon=True)
    t.start()
    t.join(20)
    if t.is_alive():
        if unblock is not None:               # release it, then fail
            os.close(os.open(unblock, os.O_RDWR | os.O_NONBLOCK))
            t.join(5)
        pytest.fail(f"{args[0]} blocked on the file")
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return out["code"], err.strip().splitlines()


@pytest.mark.parametrize("special", ["named pipe", "device"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_refuses_a_special_file_at_once(command, special, tmp_path, capsys):
    if special == "named pipe":
        path = tmp_path / "pipe.sqlite"
        os.mkfifo(path)
    else:
        path = Path("/dev/null")
    out = tmp_path / "out.file"
    args = [a.format(expo=path, out=out) for a in COMMANDS[command]]
    code, lines = run(capsys, args, unblock=path if special == "named pipe" else None)
    assert code == 1
    assert lines == [f"wesemibay-db: {path}: is a {special}, not an expo file; give the path "
                     "of a regular file" + (" to write" if command == "import" else "")]
    assert not out.exists()


@pytest.mark.parametrize("fault", list(FOREIGN))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_refuses_a_foreign_schema(command, fault, built_expo, tmp_path, capsys):
    path = tmp_path / "foreign.sqlite"
    shutil.copyfile(built_expo, path)
    conn = sqlite3.connect(path)
    for statement in FOREIGN[fault][0]:
        conn.execute(statement)
    conn.commit()
    conn.close()
    before = sha(path)
    out = tmp_path / "out.file"
    code, lines = run(capsys, [a.format(expo=path, out=out) for a in COMMANDS[command]])
    assert code == 1 and len(lines) == 1, lines
    assert lines[0].startswith(f"wesemibay-db: {path}: refused: ")
    assert FOREIGN[fault][1] in lines[0] and "use an untouched copy" in lines[0]
    assert sha(path) == before and not out.exists()


@pytest.mark.parametrize("args", [["frobnicate"], [], ["route", "--expo", "x.sqlite"],
                                  ["import", "--expo", "x.sqlite"]])
def test_wrong_usage_is_exit_2(args, capsys):
    code, lines = run(capsys, args)
    assert code == 2 and lines[0].startswith("usage: wesemibay-db")
