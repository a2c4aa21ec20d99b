"""Error types of the data layer.

Errors we expect are told apart from bugs (as Anki and qutebrowser do):

- ``DataError``: the user's file or data is wrong (exit code 1, one line naming the file,
  the record and the fault);
- ``StorageError`` (a ``DataError``): the environment failed, not the data: the disk is full,
  a folder is read-only, permission is denied, an I/O error; the same one line, exit code 1;
- ``UsageError``: the command was called wrongly (exit code 2).

Anything else escaping the data layer is a bug in the program: it goes to the log with its
traceback, and the user gets one line saying where the log is.
"""
from __future__ import annotations

import errno
import os
import sqlite3


class DataError(Exception):
    """Bad data or a bad file: the message is one line naming file, record and fault."""


class StorageError(DataError):
    """The environment failed (disk full, no permission, read-only, I/O error)."""


class FileInUse(StorageError, PermissionError):
    """The file is open in another program (or another window), so it cannot be replaced.

    Also a ``PermissionError``: on Windows, replacing a file in use raises one, so callers
    that close their own handle and retry on ``PermissionError`` handle both alike.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = os.fspath(path)
        message = (f"{self.path}: the file is open in another program or window; close it "
                   "there and try again")
        StorageError.__init__(self, message)
        self.args = (message,)

    def __str__(self) -> str:
        return self.args[0]


class UsageError(Exception):
    """The command line was used wrongly."""


_ERRNO_TEXT = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "the file system is read-only",
    errno.EIO: "an input/output error occurred (failing disk or removed drive?)",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "is a folder, not a file",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EMFILE: "too many open files",
    errno.EXDEV: "cannot move across file systems",
    errno.EFBIG: "the file is too large (file system or size limit reached)",
    errno.EBUSY: "the file is busy (in use by the system or another program)",
    errno.ETXTBSY: "the file is busy (in use by the system or another program)",
    errno.ELOOP: "too many symbolic links (a link loop?)",
}

_SQLITE_TEXT = (
    ("database or disk is full", "the disk is full"),
    ("disk i/o error", "an input/output error occurred (full or failing disk?)"),
    ("readonly database", "the file or its folder is read-only"),
    ("unable to open database file", "the file cannot be opened (missing folder or no permission)"),
    ("database is locked", "the file is locked by another program; try again"),
    ("database table is locked", "the file is locked by another program; try again"),
    ("out of memory", "not enough memory"),
)


def one_line(text) -> str:
    """``text`` on one line (SQLite's and the system's messages may span several)."""
    return " ".join(str(text).split())


def describe(exc: BaseException) -> str:
    """A short, plain description of an ``OSError`` or ``sqlite3.Error`` for one user line."""
    if isinstance(exc, OSError):
        text = _ERRNO_TEXT.get(exc.errno or 0)
        if text:
            return text
        return one_line(exc.strerror or str(exc) or type(exc).__name__).rstrip(".")
    message = one_line(exc)
    low = message.casefold()
    for needle, text in _SQLITE_TEXT:
        if needle in low:
            return text
    return message or type(exc).__name__


def is_storage_fault(exc: BaseException) -> bool:
    """True when ``exc`` says the environment failed (disk, permission), not the data."""
    if isinstance(exc, OSError):
        return exc.errno in _ERRNO_TEXT and exc.errno not in (errno.ENOENT, errno.ENOTDIR,
                                                              errno.EISDIR, errno.ELOOP,
                                                              errno.ENAMETOOLONG)
    if isinstance(exc, sqlite3.OperationalError):
        low = str(exc).casefold()
        return any(needle in low for needle, _ in _SQLITE_TEXT)
    return False


def storage_error(path: str | os.PathLike, exc: BaseException, doing: str = "",
                  then: str = "") -> StorageError:
    """``StorageError`` with one line: ``PATH: [doing: ]what went wrong[; then]``."""
    what = describe(exc)
    return StorageError(f"{os.fspath(path)}: {doing + ': ' if doing else ''}{what}"
                        f"{'; ' + then if then else ''}")


_DAMAGE = ("malformed", "not a database", "corrupt", "fts5", "could not decode")


def database_fault(path: str | os.PathLike, exc: BaseException) -> DataError | None:
    """The one-line error for an ``sqlite3`` error met while reading a file, or None when it
    is not the file's or the environment's fault (then it is a bug).

    Damage that opening does not see (it does not read every row), text that is not UTF-8,
    a full disk or an I/O error: ``PATH: the file is damaged (...)`` and the like.
    """
    if is_storage_fault(exc):
        return storage_error(path, exc, "cannot read or write it")
    low = str(exc).casefold()
    if "could not decode" in low:
        fault = DataError(f"{os.fspath(path)}: the file holds text that is not valid UTF-8 "
                          "(damaged, or made by another program); use an undamaged copy")
    elif any(word in low for word in _DAMAGE):
        fault = DataError(f"{os.fspath(path)}: the file is damaged ({one_line(exc)}); use an "
                          "undamaged copy")
    else:
        return None
    fault.damaged = True          # db.integrity.is_damage: the window says so once
    return fault
