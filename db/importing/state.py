"""What the last import of each catalogue file left, so that a re-import reads only what changed.

For each CSV/TSV file an import read (by its name: its records cite a source made from the
name), the expo file keeps a row of ``import_state`` (schema v5):

- ``context``: a digest of everything besides a row's own line that decides how the row reads
  (the file's name, encoding, delimiter and header row, ``--map``, ``--strict``, and
  ``STATE_VERSION``, the rules of this program);
- for each row that was read without an error or a warning about its product, on one line,
  naming no picture (a warning about its exhibitor comes again when the cells of its group
  are read again):
  the digest of its line (``textfile.scan_lines``), the key of the product it gave
  (``product_keys``; 0 for a row without a product) and its *group*;
- ``exhibitors``: for each group, the exhibitor cells of its rows as the file gives them, and
  the exhibitor they named (slug and name).

A re-import of a file of that name whose context is the same (``FileState.known``): a line
whose digest is known is a row that gives the same product as it gave then, and it is not read
again; its product counts as unchanged. Its group's exhibitor cells are read again (once per
run of rows of one exhibitor), so everything the rows say about exhibitors and booths is
checked and written as in a full read; a known row whose exhibitor now reads differently
(another slug or name) is read in full. The other rows are read in full, and the new state is
saved with the import.

What keeps a state true (``drop_others``, ``drop_all``):

- an import that updates records drops the states of the files it did not read (their rows
  may no longer be what the expo holds); a JSON import drops them all;
- a row read in full that gives the product of a known row (a duplicate), or two known rows of
  different files that give one product, make the import read everything in full
  (``Restart``), which reports duplicates as always.
"""
from __future__ import annotations

import bisect
import hashlib
import json
import sqlite3
import sys
import zlib
from array import array
from dataclasses import dataclass, field

STATE_VERSION = 1     # raise when a change of the rules makes old states wrong


class Restart(Exception):
    """The rows cannot be compared safely (see the module text): read everything in full."""


def _portable(arr: array) -> array:
    """Arrays are stored little-endian."""
    if sys.byteorder == "big":
        arr.byteswap()
    return arr


def _array(code: str, data: bytes) -> array:
    arr = array(code)
    arr.frombytes(data)
    return _portable(arr)


def product_keys(slugs) -> array:
    """A 64-bit key per product slug (CRC-32 and Adler-32 of its UTF-8). Keys are only ever
    used to find *possible* duplicates: equal slugs always give equal keys, and two slugs
    with equal keys only make the import read in full."""
    data = [s.encode() for s in slugs]
    return array("Q", [(c << 32) | a for c, a in zip(map(zlib.crc32, data),
                                                      map(zlib.adler32, data))])


def context_digest(name: str, encoding: str, delimiter: str, header: list[str],
                   mapping: dict[str, str], strict: bool) -> bytes:
    text = json.dumps([STATE_VERSION, name, encoding, delimiter, header,
                       sorted(mapping.items()), bool(strict)], ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


@dataclass
class FileState:
    """The state of one file (see the module text)."""
    file: str
    context: bytes
    encoding: str
    lines: array              # 'Q' line digests
    products: array           # 'Q' product keys (0: none)
    groups: array             # 'I' group of each line
    exhibitors: list          # per group: [has product, description, cells, slug, name]
    _known: dict | None = field(default=None, repr=False)

    def known(self) -> dict[int, int]:
        """Line digest -> its index (made once)."""
        if self._known is None:
            self._known = dict(zip(self.lines, range(len(self.lines))))
        return self._known


def load(conn: sqlite3.Connection, names) -> dict[str, FileState]:
    """The states of the files ``names`` that the expo holds."""
    out = {}
    for name in set(names):
        row = conn.execute("SELECT context, encoding, lines, products, groups, exhibitors "
                           "FROM import_state WHERE file = ?", (name,)).fetchone()
        if row is None:
            continue
        context, encoding, lines, products, groups, exhibitors = row
        try:
            st = FileState(name, bytes(context), encoding, _array("Q", lines),
                           _array("Q", products), _array("I", groups), json.loads(exhibitors))
        except (ValueError, TypeError):
            continue          # not ours after all: read in full
        if len(st.lines) == len(st.products) == len(st.groups):
            out[name] = st
    return out


def save(conn: sqlite3.Connection, states: list[FileState]) -> None:
    for st in states:
        conn.execute("INSERT OR REPLACE INTO import_state(file, context, encoding, lines, "
                     "products, groups, exhibitors) VALUES (?,?,?,?,?,?,?)",
                     (st.file, st.context, st.encoding,
                      _portable(array("Q", st.lines)).tobytes(),
                      _portable(array("Q", st.products)).tobytes(),
                      _portable(array("I", st.groups)).tobytes(),
                      json.dumps(st.exhibitors, ensure_ascii=False, separators=(",", ":"))))


def drop_others(conn: sqlite3.Connection, names) -> None:
    """Forget every file but ``names``."""
    names = list(names)
    conn.execute(f"DELETE FROM import_state WHERE file NOT IN ({','.join('?' * len(names))})",
                 names)


def drop_all(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM import_state")


class Tracker:
    """What the new state of one file will hold, collected while it is read."""

    def __init__(self, name: str, context: bytes, encoding: str, scan, old: FileState | None):
        self.name = name
        self.context = context
        self.encoding = encoding
        self.scan = scan
        self.old = old
        self.exhibitors: list = []            # the groups (see FileState.exhibitors)
        self.lines = array("I")               # rows read in full: line, group, product slug
        self.groups = array("I")
        self.slugs: list[str] = []
        self.known_lines = array("I")         # rows known from the last import
        self.known_index = array("I")         # (their index in the old state)
        self.known_groups = array("I")
        self.multiline: set[int] = set()      # rows over several lines (never known)

    def add(self, line: int, group: int, slug: str) -> None:
        self.lines.append(line)
        self.groups.append(group)
        self.slugs.append(slug)

    def known(self, first: int, index: array, group: int) -> None:
        n = len(index)
        self.known_lines.extend(range(first, first + n))
        self.known_index.fromlist(index.tolist())
        self.known_groups.extend([group] * n)

    def known_products(self) -> array:
        """The product keys of the known rows (0: none)."""
        products = self.old.products if self.old is not None else array("Q")
        return array("Q", [products[i] for i in self.known_index])

    def read_slugs(self) -> list[str]:
        """The products of the rows read in full."""
        return [s for s in self.slugs if s]

    def state(self, flagged: set[int]) -> FileState:
        """The new state: every row read without a problem and on one line, in line order."""
        bad = flagged | self.multiline
        digests = self.scan.digests
        lines, groups = self.lines, self.groups
        keys = product_keys(self.slugs)
        for i in [i for i, s in enumerate(self.slugs) if not s]:
            keys[i] = 0
        if bad:
            keep = [i for i, line in enumerate(lines) if line not in bad]
            lines = array("I", [lines[i] for i in keep])
            groups = array("I", [groups[i] for i in keep])
            keys = array("Q", [keys[i] for i in keep])
        read = (lines, array("Q", [digests[line - 1] for line in lines]), keys, groups)
        if not self.known_lines:
            return self._make(*read[1:])
        old = self.old
        k_lines = self.known_lines
        k_index, k_groups = self.known_index, self.known_groups
        if bad:
            keep = [i for i, line in enumerate(k_lines) if line not in bad]
            if len(keep) < len(k_lines):
                k_lines = array("I", [k_lines[i] for i in keep])
                k_index = array("I", [k_index[i] for i in keep])
                k_groups = array("I", [k_groups[i] for i in keep])
        known = (k_lines, array("Q", [old.lines[i] for i in k_index]),
                 array("Q", [old.products[i] for i in k_index]), k_groups)
        return self._make(*_merge(known, read)[1:])

    def _make(self, digests: array, keys: array, groups: array) -> FileState:
        return FileState(self.name, self.context, self.encoding, digests, keys, groups,
                         self.exhibitors)


def _merge(a: tuple, b: tuple) -> tuple:
    """Two sets of columns (lines first), each in line order, as one in line order; ``b``
    the smaller (rows are put into ``a`` where they belong)."""
    if not b[0]:
        return a
    out = tuple(array(col.typecode) for col in a)
    at = 0
    a_lines = a[0]
    for j, line in enumerate(b[0]):
        p = bisect.bisect_left(a_lines, line, at)
        for col_out, col_a, col_b in zip(out, a, b):
            col_out.extend(col_a[at:p])
            col_out.append(col_b[j])
        at = p
    for col_out, col_a in zip(out, a):
        col_out.extend(col_a[at:])
    return out


def same(a: FileState | None, b: FileState) -> bool:
    """True when state ``b`` is what ``a`` already holds."""
    return a is not None and (a.context, a.encoding, a.lines, a.products, a.groups,
                              a.exhibitors) == (b.context, b.encoding, b.lines, b.products,
                                                b.groups, b.exhibitors)
