"""Real faults for the user-file tests: read-only files and folders, full disks.

No mocks: each helper makes the operating system itself refuse the write.

- ``read_only(paths)``: permission bits do not stop root (tests may run as root), so as root
  the helper sets the immutable attribute (``chattr +i``, supported by ext4, xfs, btrfs,
  tmpfs), which refuses writes even through file descriptors opened before; as another user
  it takes away the write bits (which do not affect descriptors already open). Either way it
  checks that a write really fails, and skips the test when it cannot make one fail.
- ``writes_fail_past(limit)``: ``RLIMIT_FSIZE`` with ``SIGXFSZ`` ignored makes every write
  past ``limit`` bytes fail with ``EFBIG``, in this process, as a full disk does: no
  privileges needed. Keep the ``with`` block short (it applies to every file the process
  writes); subprocesses use the same two calls.
- ``tiny_fs(folder)``: a 1 MiB tmpfs mounted on ``folder`` (root only; skips otherwise),
  for a disk that is really full (``ENOSPC``); ``fill(folder)`` fills it up.
- ``damage_page(path, table)``: a damaged database: a table's root page overwritten in place
  (the schema and the header intact, so the file still opens).
"""
from __future__ import annotations

import contextlib
import errno
import os
import resource
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _write_refused(path: Path) -> bool:
    try:
        if path.is_dir():
            probe = path / ".write-probe"
            probe.write_bytes(b"x")
            probe.unlink()
        else:
            os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
    except OSError:
        return True
    return False


@contextlib.contextmanager
def read_only(*paths: Path):
    """Make files or folders refuse writes for real (see the module doc); undone on exit."""
    paths = [Path(p) for p in paths]
    done: list[tuple[Path, object]] = []
    try:
        for p in paths:
            if IS_ROOT:
                if shutil.which("chattr") is None:
                    pytest.skip("running as root without chattr: cannot make a file read-only")
                proc = subprocess.run(["chattr", "+i", str(p)], capture_output=True, text=True)
                if proc.returncode:
                    pytest.skip(f"chattr +i not supported here: {proc.stderr.strip()}")
                done.append((p, "chattr"))
            else:
                mode = stat.S_IMODE(p.stat().st_mode)
                p.chmod(mode & ~0o222)
                done.append((p, mode))
            if not _write_refused(p):
                pytest.skip(f"{p}: cannot make it refuse writes on this system")
        yield
    finally:
        for p, how in reversed(done):
            if how == "chattr":
                subprocess.run(["chattr", "-i", str(p)], check=True)
            else:
                p.chmod(how)


@contextlib.contextmanager
def writes_fail_past(limit: int):
    """Every write past ``limit`` bytes of any file fails with EFBIG (a disk that is full)."""
    if not hasattr(resource, "RLIMIT_FSIZE"):
        pytest.skip("no RLIMIT_FSIZE on this system")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old)


# The same, for a subprocess: a snippet that sets the limit to the size of a file.
LIMIT_SNIPPET = (
    "import resource, signal\n"
    "def limit_writes(n):\n"
    "    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
    "    resource.setrlimit(resource.RLIMIT_FSIZE, (n, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))\n"
)


@contextlib.contextmanager
def tiny_fs(folder: Path, size_kib: int = 1024):
    """A small tmpfs on ``folder`` (root only), unmounted on exit."""
    if not IS_ROOT or sys.platform != "linux" or shutil.which("mount") is None:
        pytest.skip("mounting a small file system needs root on Linux")
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs",
                           str(folder)], capture_output=True, text=True)
    if proc.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` until it reports ENOSPC; returns the filler file."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    return filler


def damage_page(path, table: str) -> None:
    """Overwrite a table's root page in place (the schema and the header stay intact)."""
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * size + 8)
        fh.write(b"\xa5" * (size - 8))
