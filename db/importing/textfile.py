"""Text files: the encoding (UTF-8 with or without BOM, or GB18030), the delimiter, and the
rows of a CSV/TSV file with their line numbers; a file or row that cannot be read is reported
with its line."""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

from .. import csvrows, fileops
from .report import Problems

# The csv module's own cap on a cell (its default, 131,072, would make a long cell look like
# a quoting problem): far above every limit, so a long cell is reported as too long, with
# its line and column; beyond it, the message says so.
CSV_CELL_CAP = 1 << 26


class DecodeProblem(Exception):
    def __init__(self, line, message, fix):
        super().__init__(message)
        self.line, self.message, self.fix = line, message, fix


def detect_encoding(path: Path, data_head: bytes | None = None) -> tuple[str, str | None]:
    """(encoding, note) for a text file: UTF-8 (BOM or not), else GB18030; DecodeProblem if
    neither."""
    with fileops.open_regular(path, "a catalogue file") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig", None
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16", None
        fh.seek(0)
        bad_at = _first_bad(fh, "utf-8")
        if bad_at is None:
            return "utf-8", None
        fh.seek(0)
        if _first_bad(fh, "gb18030") is None:
            return "gb18030", "read as GB18030 (not valid UTF-8)"
        fh.seek(0)
        line = fh.read(bad_at).count(b"\n") + 1
    raise DecodeProblem(line, "the text is neither UTF-8 nor GB18030",
                        "save the file as UTF-8 (or pass --encoding with its encoding)")


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
    ``failed`` and ``close()``."""
    name: str
    raw: IO[bytes]
    size: int
    encoding: str
    reader: "csv._reader"
    failed: bool = False          # a row could not be decoded: the rest was not read

    def close(self) -> None:
        self.raw.close()

    def fraction(self) -> float:
        """How much of the file is read (0 to 1), for the progress bar."""
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

    def rows(self, problems: Problems) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) of each row after the header. A row the csv module cannot read is
        reported and skipped; text that cannot be decoded is reported and ends the file
        (``failed``)."""
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
                if "field limit" in str(exc):
                    problems.error(name, f"a cell of more than {CSV_CELL_CAP:,} characters: far "
                                   "too long, or a quote that is never closed", line_start,
                                   fix="check the quotes from this line on; shorten the cell")
                else:
                    problems.error(name, f"cannot read this row ({exc})", reader.line_num,
                                   fix="check the quotes on this line")
                line_start = reader.line_num + 1
                continue
            line = line_start
            line_start = reader.line_num + 1
            yield line, row


def open_csv(path: Path, encoding: str | None, problems: Problems) -> CsvFile | None:
    """The file opened for reading its rows, its encoding detected (or ``encoding``) and its
    delimiter sniffed from the first line; None (reported) when it cannot be read."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        problems.error(name, f"cannot read the file ({exc.strerror or exc})")
        return None
    if size == 0:
        problems.error(name, "the file is empty", fix="export the list again with a header row")
        return None
    if encoding is None:
        try:
            encoding, note = detect_encoding(path)
        except DecodeProblem as exc:
            problems.error(name, exc.message, exc.line, fix=exc.fix)
            return None
        if note:
            problems.warn(name, note, fix="pass --encoding if this is wrong")
    else:
        try:
            codecs.lookup(encoding)
        except LookupError:
            problems.error(name, f"unknown encoding {encoding!r}",
                           fix="use e.g. utf-8, utf-8-sig or gb18030")
            return None
    raw = fileops.open_regular(path, "a catalogue file")
    try:
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
        reader = csvrows.reader(text, delimiter=sniff_delimiter(first, path.suffix), quotechar='"',
                            doublequote=True, skipinitialspace=False, strict=False)
    except BaseException:
        raw.close()
        raise
    return CsvFile(name, raw, size, encoding, reader)
