"""Starting the window with a bad user file or data folder, as a user would (a subprocess).

A damaged or foreign user file: the program starts, says on stderr (one line) that it
was moved aside and where, and a fresh one is made. A newer one: exit 1, one line,
untouched. A data folder that cannot be written: the program still starts, says that
notes cannot be saved; the log and the built-in expo go to the temporary folder. A data
folder that cannot be made: exit 1, one line.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


from db.userdata import USER_APP_ID
from faults import read_only

ROOT = Path(__file__).resolve().parents[2]


def run(data: Path, tmp: Path, *args):
    tmp.mkdir(exist_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp))
    return subprocess.run([sys.executable, "-m", "desktop", "--data-dir", str(data),
                           "--screenshot", str(tmp / "shot.png"), "--size", "800x600", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def one_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def test_garbage_user_file_is_moved_aside_and_the_program_starts(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "user.sqlite").write_bytes(b"\x00garbage" * 1000)
    proc = run(data, tmp_path / "tmp")
    assert proc.returncode == 0
    line = one_line(proc.stderr)
    assert "user.sqlite" in line and "damaged" in line and "moved aside" in line
    [backup] = [p for p in data.iterdir() if ".damaged-" in p.name]
    assert backup.read_bytes() == b"\x00garbage" * 1000 and backup.name in line
    conn = sqlite3.connect(data / "user.sqlite")
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 2
    finally:
        conn.close()
    assert (tmp_path / "tmp" / "shot.png").exists()


def test_user_file_from_a_newer_version_is_refused_untouched(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    conn = sqlite3.connect(data / "user.sqlite")
    conn.execute("CREATE TABLE notes(x)")
    conn.execute(f"PRAGMA application_id = {USER_APP_ID}")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = (data / "user.sqlite").read_bytes()
    proc = run(data, tmp_path / "tmp")
    assert proc.returncode == 1
    line = one_line(proc.stderr)
    assert "newer" in line and str(data / "user.sqlite") in line
    assert (data / "user.sqlite").read_bytes() == before
    assert sorted(p.name for p in data.iterdir() if p.name.startswith("user")) == ["user.sqlite"]


def test_read_only_data_folder_still_starts(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with read_only(data):
        proc = run(data, tmp_path / "tmp")
    assert proc.returncode == 0
    line = one_line(proc.stderr)
    assert "notes and stars cannot be saved" in line and str(data) in line
    assert list(data.iterdir()) == []
    tmp = tmp_path / "tmp"
    assert any(p.name.endswith("-wesemibay.log") for p in tmp.iterdir())
    assert list(tmp.glob("*-cache/builtin-*.sqlite"))       # the built-in expo, built there
    assert (tmp / "shot.png").exists()


def test_data_folder_that_cannot_be_made_is_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    proc = run(blocker / "data", tmp_path / "tmp")
    assert proc.returncode == 1
    line = one_line(proc.stderr)
    assert str(blocker / "data") in line and "data folder" in line
