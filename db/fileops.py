"""Files: one place that checks what a path is and that replaces files atomically.

Every writer of a whole file goes through ``temp_beside`` and ``replace`` (or ``write_atomic``
and ``produce_atomic``, which do both): expo files (import and plan import through
``db.importing.swap``, build, demo), exports (JSON, CSV, Markdown), the screening store, the
rescue file of unsaved notes. ``tests/unit/test_atomic_writers.py`` lists the few other
places that call ``os.replace`` or ``mkstemp``, and why. What ``replace`` does:

- the new content is written to a hidden temporary file in the folder of the *real* file
  (a symlink is followed: the link stays, its target is replaced);
- the new file gets the old file's permission bits (and owner, where allowed); a new file
  gets the usual ``0666 & ~umask``, never the temporary file's private 0600;
- the file is flushed to disk (``fsync``) before the rename and the folder after it, so a
  crash leaves either the old or the new file, never a mix;
- for a database, the old file's ``-wal``/``-shm`` are dealt with first: a WAL that another
  program still has open makes the replacement refuse (``FileInUse``); otherwise the old WAL
  is checkpointed and removed under an exclusive lock, so it can never be replayed onto the
  new file.

Paths are checked before they are opened (``check_regular``, ``open_regular``): a named pipe,
device or socket would block or never end, so it is refused at once with one line.
"""
from __future__ import annotations

import errno
import os
import sqlite3
import stat
import tempfile
import time
from pathlib import Path
from typing import IO, Callable

from . import connection
from .errors import DataError, FileInUse, one_line, storage_error

SIDECARS = ("-wal", "-shm", "-journal")


# ---------------------------------------------------------------- what a path is
def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_regular(path: str | os.PathLike, what: str = "a file", *,
                  missing_ok: bool = False) -> os.stat_result | None:
    """The ``stat`` of ``path`` (through symlinks) if it is a regular file.

    A folder, named pipe, device or socket raises ``DataError`` (``PATH: is a named pipe,
    not an expo file``) without opening it; a missing file too, unless ``missing_ok``
    (then None).
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if missing_ok and not os.path.islink(path):
            return None
        if os.path.islink(path):
            raise DataError(f"{os.fspath(path)}: a symbolic link to a missing file") from None
        raise DataError(f"{os.fspath(path)}: no such file") from None
    except NotADirectoryError:
        raise DataError(f"{os.fspath(path)}: a part of the path is not a folder") from None
    except ValueError:                     # an embedded NUL character
        raise DataError(f"{os.fspath(path)!r}: not a valid file name") from None
    except OSError as exc:
        raise storage_error(path, exc) from None
    if not stat.S_ISREG(st.st_mode):
        raise DataError(f"{os.fspath(path)}: is {_kind(st.st_mode)}, not {what}; "
                        "give the path of a regular file")
    return st


def open_regular(path: str | os.PathLike, what: str = "a file") -> IO[bytes]:
    """Open a regular file for reading; anything else is refused without blocking on it."""
    check_regular(path, what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) \
        | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise storage_error(path, exc, "cannot open it") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):           # swapped between the check and the open
            raise DataError(f"{os.fspath(path)}: is {_kind(mode)}, not {what}; "
                            "give the path of a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def real_path(path: str | os.PathLike) -> Path:
    """The file that ``path`` names, through any symbolic links (the link's target)."""
    return Path(os.path.realpath(path))


def check_target(path: str | os.PathLike, what: str = "a file") -> Path:
    """The real file to write for ``path``: refused if it exists and is not a regular file."""
    path = Path(path)
    real = real_path(path)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        return real
    except OSError as exc:
        raise storage_error(path, exc) from None
    if stat.S_ISDIR(st.st_mode):
        raise DataError(f"{path}: is a folder; give the path of the file to write")
    if not stat.S_ISREG(st.st_mode):
        raise DataError(f"{path}: is {_kind(st.st_mode)}, not {what}; "
                        "give the path of a regular file to write")
    return real


# ------------------------------------------------------------ temporary files
def temp_beside(target: str | os.PathLike, tag: str, suffix: str = "") -> Path:
    """A new, empty hidden file in the folder of the real file behind ``target``.

    Errors name ``target`` (the path the user gave) and its folder, never the temporary name.
    """
    target = Path(target)
    real = check_target(target)
    folder = real.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(target, exc, f"cannot make the folder {folder}") from None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{real.name}.{tag}-", suffix=suffix, dir=folder)
    except OSError as exc:
        raise storage_error(target, exc, f"cannot write in the folder {folder}") from None
    os.close(fd)
    return Path(name)


def remove(path: str | os.PathLike, *, sidecars: bool = False) -> None:
    """Remove a file (and its SQLite side files) if it is there; never raises."""
    names = [os.fspath(path)]
    if sidecars:
        names += [os.fspath(path) + s for s in SIDECARS]
    for name in names:
        try:
            os.unlink(name)
        except OSError:
            pass


def remove_stale(target: str | os.PathLike, tag: str, older_than: float = 60.0) -> None:
    """Remove temporary files of ``tag`` left beside ``target`` by a killed process."""
    real = real_path(target)
    try:
        found = list(real.parent.glob(f".{real.name}.{tag}-*"))
    except OSError:
        return
    for p in found:
        try:
            if time.time() - p.stat().st_mtime > older_than:
                p.unlink()
        except OSError:
            pass


_NO_FAST_COPY = {getattr(errno, n) for n in ("EXDEV", "ENOSYS", "EINVAL", "EOPNOTSUPP",
                                                  "ENOTSUP", "EBADF", "EPERM") if hasattr(errno, n)}


def _kernel_copy(way: str, src: int, dst: int, at: int, count: int) -> int:
    if way == "copy_file_range":
        return os.copy_file_range(src, dst, count, at, at)
    os.lseek(dst, at, os.SEEK_SET)                 # sendfile writes where ``dst`` is
    return os.sendfile(dst, src, at, count)


def copy_bytes(src: int, dst: int) -> int:
    """Copy the whole file open at ``src`` into the empty file open at ``dst``, inside the
    kernel where it can (``copy_file_range``: a reflink on file systems that share blocks,
    else a copy in the page cache; then ``sendfile``; else reads and writes). The number of
    bytes copied, which is the source's size; ``OSError`` (ENOSPC, EFBIG, EIO...) on failure,
    with ``dst`` holding a part (the caller removes it). The caller keeps the source from
    changing meanwhile (e.g. a read lock on a database)."""
    size = os.fstat(src).st_size
    done = 0
    for way in ("copy_file_range", "sendfile"):
        if done or not hasattr(os, way):
            continue
        try:
            while done < size:
                n = _kernel_copy(way, src, dst, done, min(size - done, 1 << 30))
                if n == 0:
                    break
                done += n
        except OSError as exc:
            if done or exc.errno not in _NO_FAST_COPY:
                raise
    while done < size:                       # no way in the kernel (or not for these files)
        data = os.pread(src, min(size - done, 1 << 20), done)
        if not data:
            break
        view = memoryview(data)
        while view:
            n = os.pwrite(dst, view, done)
            done += n
            view = view[n:]
    if done != size:
        raise OSError(errno.EIO, "the file was shorter than its size while it was copied")
    return done


def fsync_file(path: str | os.PathLike) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))   # Windows flushes writers only
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: str | os.PathLike) -> None:
    """Flush a folder's entries (a rename) to disk; a no-op where folders cannot be opened."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _default_mode() -> int:
    """``0666 & ~umask`` without changing the umask (other threads may be making files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o644


# ------------------------------------------------------------------ replacing
def fingerprint(path: str | os.PathLike) -> tuple:
    """What another program's write to the database at ``path`` changes (see ``changed``):
    the file's identity, SQLite's file change counter, and its WAL's size and time."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as fh:
            ino = os.fstat(fh.fileno()).st_ino
            counter = fh.read(28)[24:28]
    except OSError:
        return (None, None, None)
    try:
        st = os.stat(name + "-wal")
        wal = (st.st_ino, st.st_size, st.st_mtime_ns)
    except OSError:
        wal = None
    return (ino, counter, wal)


def changed(path: str | os.PathLike, before: tuple) -> bool:
    """True when the database at ``path`` was written since ``fingerprint`` gave ``before``.

    A commit in rollback mode bumps the change counter; in WAL mode the WAL grows. A WAL
    that is gone was checkpointed into the file (a program closing it), which changes no
    content, so it does not count.
    """
    now = fingerprint(path)
    if now[:2] != before[:2]:
        return True
    if now[2] is None:
        return False
    if before[2] is None:
        return now[2][1] > 0           # a WAL with frames appeared: someone wrote
    return now[2] != before[2]


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


class _Claim:
    """Sole access to a database file: its WAL checkpointed and gone, an exclusive lock held."""

    def __init__(self, real: Path, shown: Path):
        self.conn = None
        try:
            conn = connection.connect(real, mode="rwc", timeout=1.0)
        except sqlite3.Error as exc:
            raise storage_error(shown, exc, "cannot replace it") from None
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode == "wal":
                # Leaving WAL mode needs sole access: it checkpoints the WAL into the file and
                # deletes it. Another program with the file open keeps it in WAL mode.
                mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
                if mode == "wal":
                    raise FileInUse(shown)
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as exc:
            conn.close()
            low = str(exc).casefold()
            if "locked" in low or "busy" in low:
                raise FileInUse(shown) from None
            raise storage_error(shown, exc, "cannot replace it") from None
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise DataError(f"{shown}: cannot be replaced: it is not a sound database "
                            f"({one_line(exc)})"
                            ) from None
        except BaseException:
            conn.close()
            raise
        self.conn = conn

    def release(self) -> None:
        if self.conn is not None:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            self.conn.close()
            self.conn = None


def replace(temp: str | os.PathLike, target: str | os.PathLike, *, database: bool = False,
            expect: tuple | None = None) -> Path:
    """Put ``temp`` in place of ``target`` atomically; returns the real path written.

    ``database``: ``target`` is an SQLite file whose ``-wal``/``-shm``/``-journal`` belong to
    the old content (see the module text). ``expect``: a ``fingerprint`` of the target taken
    when its content was read; if it changed since, another program wrote the file and the
    replacement is refused rather than losing that program's change.
    On failure ``temp`` is left for the caller to remove and ``target`` is as it was.
    """
    temp, target = Path(temp), Path(target)
    real = check_target(target)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise storage_error(target, exc) from None
    try:
        os.chmod(temp, stat.S_IMODE(st.st_mode) if st else _default_mode())
        if st is not None and os.name == "posix":
            tst = os.stat(temp)
            if (tst.st_uid, tst.st_gid) != (st.st_uid, st.st_gid):
                try:
                    os.chown(temp, st.st_uid, st.st_gid)
                except OSError:
                    pass               # not allowed: the file becomes the writer's
        fsync_file(temp)
    except OSError as exc:
        raise storage_error(target, exc, "cannot write the new file") from None
    if expect is not None and changed(real, expect):
        raise DataError(f"{target}: another program changed the file while it was being "
                        "updated; nothing was replaced: try again")
    claim = _Claim(real, target) if database and st is not None and _is_sqlite(real) else None
    try:
        if database:
            for s in SIDECARS:             # the old file's; never to be replayed onto the new
                try:
                    os.unlink(os.fspath(real) + s)
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    raise storage_error(target, exc, f"cannot remove its old {s} file") from None
        try:
            os.replace(temp, real)
        except PermissionError as exc:
            if os.name == "nt":            # Windows: a file open elsewhere cannot be replaced
                raise FileInUse(target) from None
            raise storage_error(target, exc, "cannot replace it") from None
        except OSError as exc:
            raise storage_error(target, exc, "cannot replace it") from None
    finally:
        if claim is not None:
            claim.release()
    fsync_dir(real.parent)
    return real


def write_atomic(path: str | os.PathLike, write: Callable[[IO[str]], None], *,
                 tag: str = "tmp", encoding: str = "utf-8") -> Path:
    """Write a text file through ``write(fh)`` into a temporary file, then ``replace``."""
    path = Path(path)

    def produce(temp: Path) -> None:
        try:
            with open(temp, "w", encoding=encoding, newline="") as fh:
                write(fh)
        except OSError as exc:
            raise storage_error(path, exc, "cannot write it") from None
    return produce_atomic(path, produce, tag=tag)


def produce_atomic(path: str | os.PathLike, produce: Callable[[Path], None], *,
                   tag: str = "tmp") -> Path:
    """Have ``produce(temp)`` write the new file at a temporary path beside ``path`` (e.g. a
    PDF writer that takes a file name), then ``replace``; on any failure the temporary file
    is removed and ``path`` is as it was."""
    path = Path(path)
    temp = temp_beside(path, tag)
    try:
        produce(temp)
        replace(temp, path)
    except BaseException:
        remove(temp)
        raise
    return path
