"""Text files: the encoding (UTF-8 with or without BOM, or GB18030), the delimiter, and the
rows of a CSV/TSV file with their line numbers; a file or row that cannot be read is reported
with its line.

Before its rows are read, a file's bytes are scanned once (``scan_lines``): the encoding is
checked there, and every line gets a digest (8 bytes of BLAKE2b), which a re-import compares
with the lines of the last import of a file of that name (``db.importing.state``). A line
known from then is not read again: ``CsvFile.rows(skip=True)`` gives a run of known lines as
one item, and reads only the other lines, through the csv module as always.
"""
from __future__ import annotations

import bisect
import codecs
import csv
import hashlib
import io
from array import array
from dataclasses import dataclass, field
from functools import partial
from itertools import accumulate, repeat
from operator import methodcaller
from pathlib import Path
from typing import IO, Iterator

from .. import csvrows, fileops
from .report import Problems

# The csv module's own cap on a cell (its default, 131,072, would make a long cell look like
# a quoting problem): far above every limit, so a long cell is reported as too long, with
# its line and column; beyond it, the message says so.
CSV_CELL_CAP = 1 << 26


LINE_CHUNK = 1 << 22      # bytes read at a time by the scan
# Encodings in which the bytes \n and \r only ever end a line (ASCII-compatible, without
# shift states): lines can be found and compared before they are decoded.
BYTE_LINES = frozenset(codecs.lookup(e).name for e in (
    "utf-8", "utf-8-sig", "gb18030", "gbk", "gb2312", "big5", "shift_jis", "cp1252",
    "latin-1", "ascii"))


_blake8 = partial(hashlib.blake2b, digest_size=8)
_digest = methodcaller("digest")


def line_digests(lines: list[bytes]) -> bytes:
    """8 bytes of BLAKE2b per line, joined (what a line is compared by)."""
    return b"".join(map(_digest, map(_blake8, lines)))


@dataclass
class LineScan:
    """What one pass over a file's bytes found.

    ``digests``: of every line (index 0 is line 1, its line end included); with ``known``
    (an earlier import's line digests -> their index), also ``index``: that index for each
    line, or -1; ``offsets``: where each line starts (one more: the end); ``text``: the
    bytes of the lines that are not known. ``bad_line``: the first line that is not valid
    in the encoding checked (1-based), or None.
    """
    digests: array
    index: array | None = None
    offsets: array | None = None
    text: dict[int, bytes] = field(default_factory=dict)
    bad_line: int | None = None

    @property
    def lines(self) -> int:
        return len(self.digests)


def _line_end(buf: bytes) -> int:
    """Where the last complete line of ``buf`` ends (0: none). A \r as the very last byte
    may be the first half of \r\n: it waits for the next read."""
    return max(buf.rfind(b"\n") + 1, buf.rfind(b"\r", 0, len(buf) - 1) + 1)


def _bad_line(part: bytes, at: int) -> int:
    """The 0-based line (within ``part``) of the byte at ``at``."""
    pre = part[:at]
    n = len(pre.splitlines(keepends=True))
    return n - 1 if pre and not pre.endswith((b"\n", b"\r")) else n


def scan_lines(fh: IO[bytes], *, check: str | None = None,
               known: dict[int, int] | None = None, trust_known: bool = False) -> LineScan:
    """Read ``fh`` to its end in large blocks: the digest of each line; with ``check``, the
    first line that does not decode in that encoding (with ``trust_known``, known lines
    count as valid: they are byte for byte lines that decoded before); with ``known``, which
    lines are known (see ``LineScan``). Lines are ended by \n, \r\n or \r, as Python's
    text files (``newline=""``) and the csv module end them."""
    digests = array("Q")
    scan = LineScan(digests)
    if known is not None:
        scan.index = array("i")
        scan.offsets = array("Q", [0])
    rest = b""
    line_no = 0
    pos = 0
    while True:
        chunk = fh.read(LINE_CHUNK)
        buf = rest + chunk if rest else chunk
        if not buf:
            break
        cut = len(buf) if not chunk else _line_end(buf)
        if cut == 0:
            rest = buf
            continue
        part, rest = (buf, b"") if cut == len(buf) else (buf[:cut], buf[cut:])
        lines = part.splitlines(keepends=True)
        block = line_digests(lines)
        digests.frombytes(block)
        if check and scan.bad_line is None and not (known is not None and trust_known):
            try:
                part.decode(check)
            except UnicodeDecodeError as exc:
                scan.bad_line = line_no + _bad_line(part, exc.start) + 1
        if known is not None:
            ints = array("Q")
            ints.frombytes(block)
            idx = list(map(known.get, ints, repeat(-1)))
            scan.index.extend(idx)
            scan.offsets.extend(accumulate(map(len, lines), initial=pos))
            scan.offsets.pop()            # (the next block starts where this one ends)
            new = {}
            i = -1
            for _ in range(idx.count(-1)):       # the lines not known (found in C)
                i = idx.index(-1, i + 1)
                new[line_no + i] = lines[i]
            if check and trust_known and scan.bad_line is None:
                for i, line in new.items():
                    try:
                        line.decode(check)
                    except UnicodeDecodeError:
                        scan.bad_line = i + 1
                        break
            scan.text.update(new)
        line_no += len(lines)
        pos += len(part)
        if not chunk:
            break
    if scan.offsets is not None:
        scan.offsets.append(pos)
    return scan


def _first_bad(fh, encoding: str) -> int | None:
    dec = codecs.getincrementaldecoder(encoding)("strict")
    pos = 0
    while True:
        chunk = fh.read(1 << 20)
        try:
            dec.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            return pos + max(0, exc.start)
        if not chunk:
            return None
        pos += len(chunk)


def sniff_delimiter(first_line: str, suffix: str = "") -> str:
    if suffix.lower() in (".tsv", ".tab"):
        return "\t"
    counts = {d: 0 for d in (",", ";", "\t", "|")}
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


@dataclass
class CsvFile:
    """An open CSV/TSV file: its rows through ``reader``; ``raw`` tells how far it is read.

    What the row checks (``rows.CsvReader.read_table``) need of a table of cells, whatever
    its format: ``name``, ``header()``, ``rows()`` (line, cells), ``fraction()`` read so far,
    ``failed`` and ``close()``. ``scan``: its lines' digests (``scan_lines``), when its
    encoding lets lines be found in its bytes."""
    name: str
    raw: IO[bytes]
    size: int
    encoding: str
    reader: "csv._reader"
    failed: bool = False          # a row could not be decoded: the rest was not read
    delimiter: str = ","
    scan: LineScan | None = None
    _at: float | None = None      # how far rows(skip=True) is (its own reading)

    def close(self) -> None:
        self.raw.close()

    def fraction(self) -> float:
        """How much of the file is read (0 to 1), for the progress bar."""
        if self._at is not None:
            return self._at
        return min(1.0, self.raw.tell() / self.size)

    def header(self, problems: Problems) -> list[str] | None:
        """The first row; None (reported) when the file has none or it cannot be read."""
        name, encoding = self.name, self.encoding
        try:
            return next(self.reader)
        except StopIteration:
            problems.error(name, "the file is empty",
                           fix="export the list again with a header row")
        except UnicodeDecodeError:
            problems.error(name, f"the header is not valid {encoding}", 1,
                           fix="save the file as UTF-8 or pass the right --encoding")
        except csv.Error as exc:
            problems.error(name, f"cannot read the header ({exc})", 1)
        return None

    def header_lines(self) -> int:
        """How many lines the header took (1 unless a quoted header cell spans lines)."""
        return self.reader.line_num

    def rows(self, problems: Problems, skip: bool = False
             ) -> Iterator[tuple[int, list[str] | int]]:
        """(line, cells) of each row after the header. A row the csv module cannot read is
        reported and skipped; text that cannot be decoded is reported and ends the file
        (``failed``).

        With ``skip`` (and a scan that matched the lines of an earlier import), a run of
        lines known from then, each a whole row, comes as one item, (first line, how many);
        only the other lines are read."""
        if skip and self.scan is not None and self.scan.index is not None:
            yield from self._rows_skipping(problems)
            return
        reader, name = self.reader, self.name
        line_start = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                problems.error(name, f"text that is not valid {self.encoding} (at or after this "
                               "line)", reader.line_num + 1,
                               fix="save the file as UTF-8 or pass the right --encoding")
                self.failed = True
                return
            except csv.Error as exc:
                self._csv_error(problems, exc, line_start, reader.line_num)
                line_start = reader.line_num + 1
                continue
            line = line_start
            line_start = reader.line_num + 1
            yield line, row

    def _csv_error(self, problems: Problems, exc: csv.Error, line_start: int,
                   line_now: int) -> None:
        if "field limit" in str(exc):
            problems.error(self.name, f"a cell of more than {CSV_CELL_CAP:,} characters: far "
                           "too long, or a quote that is never closed", line_start,
                           fix="check the quotes from this line on; shorten the cell")
        else:
            problems.error(self.name, f"cannot read this row ({exc})", line_now,
                           fix="check the quotes on this line")

    def _rows_skipping(self, problems: Problems) -> Iterator[tuple[int, list[str] | int]]:
        scan = self.scan
        index, n = scan.index, scan.lines
        unknown = sorted(scan.text)
        feed = _LineFeed(self)
        reader = csv.reader(feed, delimiter=self.delimiter, quotechar='"', doublequote=True,
                            skipinitialspace=False, strict=False)
        pos = self.header_lines()
        while pos < n:
            self._at = pos / n
            if index[pos] >= 0:
                j = bisect.bisect_left(unknown, pos)
                end = unknown[j] if j < len(unknown) else n
                yield pos + 1, end - pos
                pos = end
                continue
            feed.pos = pos
            try:
                row = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                problems.error(self.name, f"text that is not valid {self.encoding} (at or "
                               "after this line)", feed.pos,
                               fix="save the file as UTF-8 or pass the right --encoding")
                self.failed = True
                return
            except csv.Error as exc:
                self._csv_error(problems, exc, pos + 1, feed.pos)
                pos = max(feed.pos, pos + 1)
                continue
            yield pos + 1, row
            pos = feed.pos
        self._at = 1.0

    def line_text(self, i: int) -> str:
        """Line ``i`` (0-based) as text, line end included (from the scan, or the file)."""
        data = self.scan.text.get(i)
        if data is None:
            offsets = self.scan.offsets
            self.raw.seek(offsets[i])
            data = self.raw.read(offsets[i + 1] - offsets[i])
        encoding = "utf-8" if self.encoding == "utf-8-sig" and i else self.encoding
        return data.decode(encoding)


class _LineFeed:
    """The lines of a file for ``csv.reader``, from line ``pos`` on (set before each row)."""

    def __init__(self, f: CsvFile):
        self.f = f
        self.n = f.scan.lines
        self.pos = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.pos >= self.n:
            raise StopIteration
        i = self.pos
        self.pos += 1
        return self.f.line_text(i)


def open_csv(path: Path, encoding: str | None, problems: Problems,
             known: dict[int, int] | None = None, trust_known: bool = False) -> CsvFile | None:
    """The file opened for reading its rows, its encoding detected (UTF-8, with or without
    BOM, else GB18030; or ``encoding``) and its delimiter sniffed from the first line; its
    lines scanned (``scan_lines``, with ``known`` and ``trust_known``). None (reported) when
    it cannot be read."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        problems.error(name, f"cannot read the file ({exc.strerror or exc})")
        return None
    if size == 0:
        problems.error(name, "the file is empty", fix="export the list again with a header row")
        return None
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            problems.error(name, f"unknown encoding {encoding!r}",
                           fix="use e.g. utf-8, utf-8-sig or gb18030")
            return None
    raw = fileops.open_regular(path, "a catalogue file")
    try:
        note = None
        detect = encoding is None
        if detect:
            head = raw.read(4)
            raw.seek(0)
            if head.startswith(codecs.BOM_UTF8):
                encoding = "utf-8-sig"
            elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                encoding = "utf-16"
        scan = None
        if encoding is None or codecs.lookup(encoding).name in BYTE_LINES:
            scan = scan_lines(raw, check="utf-8" if encoding is None else None, known=known,
                              trust_known=trust_known)
            raw.seek(0)
        if encoding is None:
            if scan.bad_line is None:
                encoding = "utf-8"
            elif _first_bad(raw, "gb18030") is None:
                encoding, note = "gb18030", "read as GB18030 (not valid UTF-8)"
                raw.seek(0)
            else:
                problems.error(name, "the text is neither UTF-8 nor GB18030", scan.bad_line,
                               fix="save the file as UTF-8 (or pass --encoding with its "
                                   "encoding)")
                raw.close()
                return None
        if note:
            problems.warn(name, note, fix="pass --encoding if this is wrong")
        text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        try:
            first = text.readline()
            text.seek(0)
        except UnicodeDecodeError:
            problems.error(name, f"text that is not valid {encoding}", 1,
                           fix="save the file as UTF-8 or pass the right --encoding")
            raw.close()
            return None
        csv.field_size_limit(CSV_CELL_CAP)
        delimiter = sniff_delimiter(first, path.suffix)
        reader = csvrows.reader(text, delimiter=delimiter, quotechar='"',
                            doublequote=True, skipinitialspace=False, strict=False)
    except BaseException:
        raw.close()
        raise
    return CsvFile(name, raw, size, encoding, reader, delimiter=delimiter, scan=scan)
