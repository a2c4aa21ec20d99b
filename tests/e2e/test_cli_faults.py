"""Every ``wesemibay-db`` command, given a file that is not what it should be or an
environment that fails, ends with one line on stderr and exit code 1, as a user runs it
(issue 10: points 2, 6, 7, 8, 14 and the CLI)."""
from __future__ import annotations

import contextlib
import ctypes
import os
import re
import resource
import shutil
import signal
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO, run_db

sys.path.insert(0, str(REPO / "tests"))
from catalogue_files import big_csv, sha  # noqa: E402

MESSY = REPO / "tests" / "fixtures" / "catalogue" / "messy-exhibitors.csv"


def one_line(proc, *must) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for text in must:
        assert str(text) in lines[0], (text, lines[0])
    return lines[0]


# The whole matrix (every command x every kind of file) runs in-process in
# tests/unit/test_cli_matrix.py; here a few of each run as a user runs them.
@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe.sqlite"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("args", [
    ["check", "{fifo}"],
    ["search", "--expo", "{fifo}", "ALD"],
    ["import", "{fifo}", "--expo", "{tmp}/new.sqlite"],
    ["import", "/dev/zero", "--expo", "{tmp}/new.sqlite"],
    ["export", "--expo", "/dev/null", "--format", "json", "--out", "{tmp}/out.json"],
    ["export", "--expo", "{expo}", "--format", "json", "--out", "{fifo}"],
])
def test_special_files_are_refused_at_once(args, fifo, tmp_path, cli_expo):
    args = [a.format(fifo=fifo, tmp=tmp_path, expo=cli_expo) for a in args]
    proc = run_db(*args, timeout=30)          # a command that blocks fails here
    assert proc.returncode == 1
    line = one_line(proc)
    assert re.search(r": is a (named pipe|device), not ", line), line
    assert not (tmp_path / "new.sqlite").exists() and not (tmp_path / "out.json").exists()
    assert not fifo.is_file()


@pytest.mark.parametrize("command", ["check", "import"])
def test_a_foreign_trigger_is_refused(command, cli_expo, tmp_path):
    path = tmp_path / "foreign.sqlite"
    shutil.copyfile(cli_expo, path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TRIGGER wipe AFTER INSERT ON exhibitors BEGIN DELETE FROM products; "
                 "END")
    conn.commit()
    conn.close()
    before = sha(path)
    args = ["check", path] if command == "check" else ["import", MESSY, "--expo", path]
    proc = run_db(*args)
    assert proc.returncode == 1
    one_line(proc, f"{path}: refused: a trigger 'wipe' that WeSemiBay Explorer does not make",
             "use an untouched copy")
    assert sha(path) == before


# ------------------------------------------------------------- full disk
def test_disk_full_during_import_is_one_line_and_changes_nothing(cli_expo, tmp_path):
    """A real write failure: the file size limit (RLIMIT_FSIZE, SIGXFSZ ignored) makes the
    writes of the import fail with EFBIG, as a full disk makes them fail."""
    expo = tmp_path / "expo.sqlite"
    shutil.copyfile(cli_expo, expo)
    big = big_csv(tmp_path / "big.csv", 20_000)
    before = sha(expo)
    cap = expo.stat().st_size + 200_000

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (cap, cap))
    proc = subprocess.run([sys.executable, "-m", "db", "import", str(big), "--expo", str(expo)],
                          cwd=REPO, capture_output=True, text=True, timeout=120,
                          preexec_fn=limit)
    assert proc.returncode == 1
    one_line(proc, f"{expo}: the import could not be written: ",
             "nothing was imported and the expo file is unchanged")
    assert sha(expo) == before
    assert [p.name for p in tmp_path.iterdir() if ".import-" in p.name] == []


def _can_mount_tmpfs() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c",
                            "mount -t tmpfs -o size=64k tmpfs /mnt || exit 1"],
                           capture_output=True, timeout=20)
    return probe.returncode == 0


def test_a_really_full_disk_during_import(cli_expo, tmp_path):
    """ENOSPC from a real, small file system: a tmpfs mounted in a private namespace."""
    if not sys.platform.startswith("linux") or not _can_mount_tmpfs():
        pytest.skip("needs a small tmpfs (unshare -rm) to fill the disk")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    big = big_csv(tmp_path / "big.csv", 20_000)
    size = cli_expo.stat().st_size
    script = (f"mount -t tmpfs -o size={size + 300_000} tmpfs {mnt} && "
              f"cp {cli_expo} {mnt}/expo.sqlite && sha256sum {mnt}/expo.sqlite && "
              f"{sys.executable} -m db import {big} --expo {mnt}/expo.sqlite; echo rc=$?; "
              f"sha256sum {mnt}/expo.sqlite; ls -a {mnt}")
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", script], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    out = proc.stdout.split()
    assert out[0] == out[out.index("rc=1") + 1], proc.stdout      # unchanged, byte for byte
    assert "rc=1" in out
    one_line(proc, f"{mnt}/expo.sqlite: the import could not be written: the disk is full; "
                   "nothing was imported and the expo file is unchanged")
    assert not [name for name in out if ".import-" in name]


# ------------------------------------------------------- a read-only folder
def _without_override():
    """Run as root without the right to override file permissions (as a user runs)."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (1, 2):        # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            if libc.prctl(24, cap, 0, 0, 0) != 0:        # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses Linux permissions")
@pytest.mark.parametrize("command", ["import", "build", "export"])
def test_a_read_only_folder_is_named_not_the_hidden_temp_file(command, cli_expo, tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    target = folder / "expo.sqlite"
    shutil.copyfile(cli_expo, target)
    folder.chmod(0o555)
    args = {"import": ["import", str(MESSY), "--expo", str(target)],
            "build": ["build", "--out", str(target)],
            "export": ["export", "--expo", str(cli_expo), "--format", "json", "--out",
                       str(folder / "out.json")]}[command]
    try:
        proc = subprocess.run([sys.executable, "-m", "db", *args], cwd=REPO,
                              capture_output=True, text=True, timeout=60,
                              preexec_fn=_without_override)
    finally:
        folder.chmod(0o755)
    assert proc.returncode == 1
    line = one_line(proc, f"cannot write in the folder {folder}: permission denied")
    assert ".import-" not in line and ".build-" not in line and ".export-" not in line


# ------------------------------------------------------- WAL and symlinks
def test_import_next_to_a_leftover_wal_then_check(cli_expo, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    src = work / "open.sqlite"
    shutil.copyfile(cli_expo, src)
    conn = sqlite3.connect(src)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("UPDATE exhibitors SET summary = 'in the WAL' WHERE slug = 'merck'")
    conn.commit()
    expo = work / "expo.sqlite"
    for suffix in ("", "-wal", "-shm"):              # as a crashed program leaves them
        shutil.copyfile(f"{src}{suffix}", f"{expo}{suffix}")
    conn.close()
    with contextlib.closing(sqlite3.connect(cli_expo)) as c:
        before = c.execute("SELECT count(*) FROM exhibitors").fetchone()[0]
    proc = run_db("import", MESSY, "--expo", expo, "--json")
    assert proc.returncode == 0, proc.stderr
    added = json.loads(proc.stdout)["added"]["exhibitor"]
    assert added > 0
    proc = run_db("check", expo)
    assert proc.returncode == 0, proc.stderr
    assert f"{before + added} exhibitors" in proc.stdout     # nothing lost to the old WAL
    proc = run_db("search", "--expo", expo, "--json", "NAURA")
    assert '"naura"' in proc.stdout


def test_import_through_a_symlink_keeps_the_link_and_the_mode(cli_expo, tmp_path):
    real = tmp_path / "data" / "expo.sqlite"
    real.parent.mkdir()
    shutil.copyfile(cli_expo, real)
    real.chmod(0o640)
    link = tmp_path / "expo.sqlite"
    link.symlink_to(real)
    proc = run_db("import", MESSY, "--expo", link)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and link.resolve() == real
    assert oct(real.stat().st_mode & 0o777) == oct(0o640)
    assert "naura" in run_db("search", "--expo", real, "--json", "NAURA").stdout


# ------------------------------------------------------------------ bugs
def test_a_bug_is_one_line_naming_the_log_with_the_traceback(cli_expo, tmp_path):
    """A real fault in the program (here: one put into ``check`` for the test) gives one
    line that says it is a bug and where the traceback is; the traceback is in that file."""
    code = ("import sys; from db import cli\n"
            "def broken(path):\n    return {}['no such key']\n"
            "cli.check = broken\n"
            f"sys.exit(cli.main(['check', {str(cli_expo)!r}]))\n")
    env = dict(os.environ, TMPDIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=60, env=env)
    assert proc.returncode == 1
    line = one_line(proc, "wesemibay-db: internal error (KeyError): a bug in wesemibay-db, "
                          "not a fault in your files; the details are in ")
    log = Path(re.search(r"the details are in (\S+);", line).group(1))
    assert log.parent == tmp_path and log.name.startswith("wesemibay-db-bug-")
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "KeyError: 'no such key'" in text
    assert f"command: wesemibay-db check {cli_expo}" in text
