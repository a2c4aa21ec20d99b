"""``csv.reader`` that reads NUL characters on every Python the program supports.

Python 3.11 lets the csv module read a NUL character inside a line; 3.10 stops the whole
file with "line contains NUL". The importer checks every cell itself and names a NUL with
its line and column (refused in a name, a warning in a picture cell: ``db.text``), so on
3.10 the NUL characters travel through the parser escaped, and each cell gets them back.
On 3.11 and later this is ``csv.reader`` itself.
"""
from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable, Iterator

# The escape: U+FFFF, a noncharacter that never means anything to the csv module (it is no
# delimiter, quote or line end), doubled for itself and followed by "0" for a NUL.
_MARK = "\uffff"
_ESCAPED = re.compile(_MARK + "(.)", re.S)


def reader(lines: Iterable[str], **fmt):
    """``csv.reader(lines, **fmt)``, with NUL characters read as any other (see above)."""
    if sys.version_info >= (3, 11):
        return csv.reader(lines, **fmt)
    return _NulReader(lines, fmt)


def _escape(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        if "\0" in line or _MARK in line:
            line = line.replace(_MARK, _MARK + _MARK).replace("\0", _MARK + "0")
        yield line


def _unescape(cell: str) -> str:
    if _MARK not in cell:
        return cell
    return _ESCAPED.sub(lambda m: "\0" if m.group(1) == "0" else _MARK, cell)


class _NulReader:
    """Python 3.10: the rows of ``csv.reader`` over escaped lines, cells unescaped."""

    def __init__(self, lines: Iterable[str], fmt: dict):
        # Keep the lines (an open text file) alive as long as the reader: the generator drops
        # them at the end of the file, and a text file freed before its owner closes it warns.
        self._lines = lines
        self._reader = csv.reader(_escape(lines), **fmt)

    def __iter__(self) -> _NulReader:
        return self

    def __next__(self) -> list[str]:
        return [_unescape(cell) for cell in next(self._reader)]

    @property
    def line_num(self) -> int:
        return self._reader.line_num

    @property
    def dialect(self):
        return self._reader.dialect
