"""Import exhibitor lists and catalogues into an expo file: all or nothing.

Formats (documented with examples in ``docs/catalogue-format.md``):

- CSV/TSV: comma, semicolon, tab or bar, sniffed from the header line; UTF-8
  with or without BOM, or GB18030 (detected; ``encoding=`` forces one).
  Headers are matched by name ignoring case, spaces and punctuation, with the
  common English and Chinese variants (``HEADERS``); ``mapping`` covers any
  other header. One flat file (one row per product) or several files
  (exhibitors, booths, products) that each carry the exhibitor's name.
- JSON: the document that ``export --format json`` writes (``db.tablespec``).

The package, by job:

- ``textfile``: the encoding, the delimiter, the rows of a CSV/TSV file and their lines;
- ``headers``: the fields of a catalogue file and how its column names are matched;
- ``rows``: each row checked and read into exhibitors, booths and products;
- ``writer``: products into the copy, in bulk (a first import) or staged and merged;
- ``document``: the JSON document read, checked and written (``db.tablespec``);
- ``swap``: the checked temporary copy of the expo file and the atomic replace;
- ``parallel``: a first import of large files read in a second process while this one writes;
- ``report``: problems (file, line, column, fix), counts, ``ImportFailed``.

How an import runs (``prepare_import`` then ``PreparedImport.commit``):

1. The expo file is copied to a temporary file beside it (in the kernel under a read
   lock, or SQLite's backup API; ``swap``); the expo file itself is never opened for
   writing. Its whole-file check runs beside the import (or not at all when the integrity
   cache remembers the file checked clean), and the copy is flushed while rows are read.
2. Every row of every file is read and checked, and all errors are collected,
   each naming the file, line and column and saying what to fix. Good rows are
   written into the copy in one transaction as they are read.
3. If there is any error, or the user cancels, the copy is deleted: the expo
   file is byte for byte as it was.
4. Otherwise the transaction commits, the copy is flushed to disk, and
   ``commit()`` renames it over the expo file (atomic on one file system).

Records keep stable ids (see ``rows``). Re-importing updates those records;
notes and favourites, kept by id in the user file, survive.
"""
from __future__ import annotations

import os
import sqlite3
import time
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .. import fileops
from ..errors import DataError, is_storage_fault, storage_error
from ..integrity import IntegrityCache
from ..search import index_size, rebuild_index, update_entries
from . import document, parallel, state
from .headers import (ALIASES, FIELDS, HEADERS, col_letter, norm_header,  # noqa: F401
                      parse_mapping)
from .report import (ImportCancelled, ImportFailed, ImportReport, Problem,  # noqa: F401
                     Problems, Progress, plural)
from .rows import COUNTRIES, CsvReader, load_context, slugify  # noqa: F401
from .swap import Swap, close_quietly, missing_reference, open_copy
from .writer import BulkWriter, Changes, StagedWriter, write_records

# Replacing an entry of the search index costs about this many entries written by a rebuild
# (it is looked up, read back to take its words out, written): more changes than the index
# has entries / REPLACE_COST, and rebuilding the whole index is cheaper.
REPLACE_COST = 3

__all__ = ["prepare_import", "import_files", "PreparedImport", "ImportReport", "ImportFailed",
           "ImportCancelled", "Problem", "parse_mapping", "plural", "slugify", "norm_header",
           "HEADERS", "FIELDS", "COUNTRIES"]


@dataclass
class PreparedImport(Swap):
    """An import written into a temporary copy of the expo, waiting for ``commit``."""
    report: ImportReport | None = None

    def commit(self) -> ImportReport:
        """Put the imported copy in place of the expo file (see ``Swap.commit``); when the
        import found nothing to change, the copy is dropped and the expo file left as it was."""
        if self.report is not None and not self.report.changed:
            self.discard()
            return self.report
        super().commit()
        return self.report


def _picture_folder(pictures: str | os.PathLike | None) -> Path | None:
    if pictures is None:
        return None
    folder = Path(pictures)
    if not folder.is_dir():
        raise DataError(f"{folder}: the picture folder does not exist (or is not a folder)")
    return folder


def prepare_import(expo_path: str | os.PathLike, files: list[str | os.PathLike], *,
                   encoding: str | None = None, mapping: dict[str, str] | None = None,
                   strict: bool = False, progress: Progress | None = None,
                   cancel: Callable[[], bool] | None = None,
                   fast: bool = True, base: str | os.PathLike | None = None,
                   pictures: str | os.PathLike | None = None,
                   integrity_cache: IntegrityCache | None = None,
                   reader_process: bool | None = None) -> PreparedImport:
    """Check ``files`` and write them into a temporary copy of the expo file.

    Pictures named in CSV files are read from the catalogue file's folder and below,
    or, with ``pictures``, from that folder and below (relative paths start there).

    Raises ``ImportFailed`` (with every error) or ``ImportCancelled``; in both
    cases, and on any other failure, the expo file was not touched and the
    copy is gone. An expo path that does not exist yet makes a new expo, or
    a copy of ``base`` plus the import (e.g. the built-in expo plus a list).

    The expo file's whole-file check (``quick_check``) runs while the rows are read, unless
    ``integrity_cache`` (``db.integrity``) remembers this very file as checked clean; a
    damaged file fails the import with the check's one line.

    A first import of large catalogue files is read in a second process while this one
    writes (``parallel``); ``reader_process`` True or False forces it or keeps it in this
    process (None: where it pays).
    """
    t0 = time.perf_counter()
    target = Path(expo_path)
    files = [Path(f) for f in files]
    if not files:
        raise DataError("no file to import")
    for f in files:
        fileops.check_regular(f, "a catalogue file (CSV, TSV or JSON)")
    progress = progress or (lambda f, m: None)
    swap = conn = None
    try:
        try:
            swap, conn = open_copy(target, "import", base=base, fast=fast,
                                   read_only_fix="import into a copy", progress=progress,
                                   background=True, checked=integrity_cache)
            args = dict(encoding=encoding, mapping=mapping, strict=strict, progress=progress,
                        cancel=cancel, fast=fast, pictures=pictures,
                        reader_process=reader_process)
            try:
                report = _run_import(conn, target, files, **args)
            except state.Restart:
                # Rows cannot be compared with the last import's safely (a duplicate of a
                # known row): read everything in full, as a first re-import would.
                conn.execute("ROLLBACK")
                report = _run_import(conn, target, files, incremental=False, **args)
            conn.close()
            conn = None
            swap.settle()
        except (sqlite3.Error, OSError) as exc:
            if is_storage_fault(exc):
                raise storage_error(target, exc, "the import could not be written",
                                    "nothing was imported and the expo file is unchanged"
                                    ) from None
            raise
        report.seconds = time.perf_counter() - t0
        progress(1.0, "done")
        return PreparedImport(swap.target, swap.temp, swap.expect, report=report)
    except BaseException as exc:
        if conn is not None:
            close_quietly(conn)
        damage = None
        if swap is not None:
            if not isinstance(exc, (ImportCancelled, ImportFailed, KeyboardInterrupt)):
                damage = swap.damage()      # a failure met in a damaged file: say so
            swap.discard()
        if damage is not None:
            raise damage from None
        raise


def _run_import(conn: sqlite3.Connection, target: Path, files: list[Path], *, encoding, mapping,
                strict, progress, cancel, fast, pictures=None,
                incremental: bool = True, reader_process: bool | None = None) -> ImportReport:
    """Check ``files`` and write them into the open copy ``conn``; commit; the report.
    ``incremental``: rows known from the last import of their file are compared, not read
    again (``state``)."""
    conn.execute("BEGIN IMMEDIATE")
    # References are checked once, at the end (foreign_key_check): a record may name one
    # that comes later in the files.
    conn.execute("PRAGMA defer_foreign_keys = ON")
    report = ImportReport(files=[f.name for f in files])
    problems = Problems(report)
    ctx = load_context(conn)
    files_order = {f.name: i for i, f in enumerate(files)}
    csv_files = [f for f in files if f.suffix.lower() != ".json"]
    has_json = len(csv_files) < len(files)
    if csv_files and not has_json and \
            conn.execute("SELECT count(*) FROM expo").fetchone()[0] == 0:
        document.insert_expo(conn, {
            "slug": slugify(target.stem, "expo"), "name": target.stem,
            "summary": "Made by importing " + ", ".join(f.name for f in csv_files) + "."})
    bulk = ctx.products_empty and csv_files and not has_json
    # What this import leaves for the next one (catalogue files only, each name once), and
    # what the last one left (rows known from it are compared, not read again).
    track = bool(csv_files) and not has_json and \
        len({f.name for f in csv_files}) == len(csv_files)
    states = state.load(conn, [f.name for f in csv_files]) \
        if track and incremental and not ctx.products_empty else {}
    writer = BulkWriter(conn, report, csv_files) if bulk else StagedWriter(conn, report)
    docs = []
    elsewhere = bool(bulk) and (parallel.worth(csv_files) if reader_process is None
                                else reader_process)
    if elsewhere:
        # Read in a second process while this one writes (``parallel``).
        reader = parallel.read_in_child(ctx, writer, report, csv_files, encoding=encoding,
                                        mapping=mapping, strict=strict, progress=progress,
                                        cancel=cancel or (lambda: False),
                                        picture_folder=_picture_folder(pictures), track=track)
    else:
        reader = CsvReader(ctx, writer, report, encoding=encoding, mapping=mapping,
                           strict=strict, progress=progress, cancel=cancel,
                           picture_folder=_picture_folder(pictures), states=states, track=track)
    for i, f in enumerate(() if elsewhere else files):
        if f.suffix.lower() == ".json":
            doc = document.read(f, problems)
            if doc is not None:
                document.check(problems, conn, doc, f.name, ctx.sources)
                docs.append((f, doc))
        else:
            reader.read_csv(f, i, len(files))
        if reader.cancel():
            raise ImportCancelled()
    writer.finish()
    if report.errors or report.more_errors:
        report.errors.sort(key=lambda e: (files_order.get(e.file, 99), e.line or 0))
        raise ImportFailed(report)
    known = _known_products(reader, report)
    progress(0.78, "writing")
    for f, doc in docs:
        document.write(conn, doc, f.name, problems)
    changes = Changes()
    if csv_files:
        changes = write_records(conn, reader, writer, csv_files, report)
    if reader.cancel():
        raise ImportCancelled()
    if known:
        report.count("unchanged", "product", known)
    progress(0.85, "updating the search index")
    _update_index(conn, report, writer, changes, rebuild=bool(docs))
    records_changed = bool(report.total("added") or report.total("updated"))
    states_changed = _save_states(conn, reader, report, states, records_changed) if track \
        else False
    if has_json:
        state.drop_all(conn)
    report.changed = records_changed or states_changed or has_json
    if reader.cancel():
        raise ImportCancelled()
    progress(0.95, "saving")
    try:
        # References are enforced by SQLite (deferred: counted as rows are written, checked
        # here); only when one fails is the whole file searched for the record to name.
        conn.execute("COMMIT")
    except sqlite3.IntegrityError as exc:
        if "FOREIGN KEY" not in str(exc):
            raise
        table, rowid, parent = missing_reference(conn) or ("a table", None, "another")
        raise DataError(f"{', '.join(f.name for f in files)}: a record of {table} "
                        f"{_record_name(conn, table, rowid)}refers to a missing {parent} "
                        "record; nothing was imported") from None
    writer.close()
    if fast:
        conn.execute("PRAGMA journal_mode = DELETE")
    return report


def _known_products(reader: CsvReader, report: ImportReport) -> int:
    """The products of rows known from the last import (unchanged), after checking that no
    row read in full, and no known row of another file, gives one of them (a duplicate,
    which only a full read reports as it should: ``state.Restart``)."""
    keys = array("Q")
    for t in reader.trackers:
        if t.known_lines:
            keys.extend(t.known_products())
    if not keys:
        return 0
    n = len(keys) - keys.count(0)
    distinct = set(keys)
    distinct.discard(0)
    if len(distinct) < n:
        raise state.Restart()
    read = state.product_keys([s for t in reader.trackers for s in t.read_slugs()])
    if not distinct.isdisjoint(read):
        raise state.Restart()
    report.compared = sum(len(t.known_lines) for t in reader.trackers)
    return n


def _update_index(conn: sqlite3.Connection, report: ImportReport, writer, changes: Changes,
                  rebuild: bool) -> None:
    """Write the entries of what changed in place, or rebuild the index when that is
    cheaper (or a JSON document replaced records); ``report.search_index`` says which."""
    products = list(changes.products_changed)
    if changes.exhibitors_renamed:      # their name is in each of their products' entries
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS renamed(slug TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM temp.renamed")
        conn.executemany("INSERT OR IGNORE INTO temp.renamed VALUES (?)",
                         ((s,) for s in changes.exhibitors_renamed))
        products = list(set(products) | {r[0] for r in conn.execute(
            "SELECT p.slug FROM temp.renamed r JOIN products p ON p.exhibitor = r.slug")})
    replace = len(products) + len(changes.exhibitors_changed)
    if not rebuild and replace:
        rebuild = replace * REPLACE_COST >= index_size(conn)
    if rebuild:
        rebuild_index(conn)
        report.search_index = "rebuilt"
        report.index_records = index_size(conn)
        return
    added = update_entries(conn, "exhibitor", changes.exhibitors_new)
    added += writer.write_index()
    replaced = update_entries(conn, "exhibitor", changes.exhibitors_changed)
    replaced += update_entries(conn, "product", products)
    report.index_records = added + replaced
    report.search_index = "updated" if added + replaced else "unchanged"


def _save_states(conn: sqlite3.Connection, reader: CsvReader, report: ImportReport,
                 old: dict, records_changed: bool) -> bool:
    """Keep what this import leaves for the next one; True when that differs from what the
    expo holds. When records changed, the states of other files are dropped (their rows
    may no longer be what the expo holds)."""
    flagged: dict[str, set[int]] = {}
    for name, line in report.flagged:
        if line is not None:
            flagged.setdefault(name, set()).add(line)
    new = [t.state(flagged.get(t.name, set())) for t in reader.trackers]
    differ = [st for st in new if not state.same(old.get(st.file), st)]
    if records_changed:
        state.drop_others(conn, [st.file for st in new])
    state.save(conn, differ)
    return bool(differ)


def _record_name(conn: sqlite3.Connection, table: str, rowid) -> str:
    """``'slug' `` of a row, for a message; empty when it has none (WITHOUT ROWID tables)."""
    if rowid is None:
        return ""
    for key in ("slug", "code", "id"):
        try:
            row = conn.execute(f'SELECT "{key}" FROM "{table}" WHERE rowid = ?',
                               (rowid,)).fetchone()
        except sqlite3.OperationalError:
            continue
        if row:
            return f"({row[0]!r}) "
    return ""


def import_files(expo_path: str | os.PathLike, files: list[str | os.PathLike],
                 **kwargs) -> ImportReport:
    """Check, write and put in place: all or nothing (see ``prepare_import``)."""
    prepared = prepare_import(expo_path, files, **kwargs)
    try:
        return prepared.commit()
    except BaseException:
        prepared.discard()
        raise
