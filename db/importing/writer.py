"""The writer: catalogue rows into the working copy of the expo, in one transaction.

Two ways, one interface (``add`` a product as it is read, ``picture`` when a picture is first
named, ``file_done`` after each file, ``finish`` after the last row, ``write_products`` and
``write_index`` at the end, ``close``):

- ``BulkWriter``, when the expo has no products yet (a first import): every product is new,
  so rows go straight into ``products``, ``cites`` and the search index in batches of
  ``executemany``; a product given twice is found when a batch fails on its key. Each
  product's index entry gets the rowid ``PRODUCT_ENTRY_BASE + products.rowid`` (see
  ``db.search``), so that a later import finds it without a scan.
- ``StagedWriter``, otherwise: rows go into a scratch (TEMP) table; at the end duplicates
  are found with one query and the products are merged with set operations (added /
  updated / unchanged). Only the changed products' entries are written again.

``write_records`` writes what the rows said about exhibitors and booths, then asks the
writer for the products; what changed (``Changes``) tells the import which index entries to
write again (``db.search.update_entries``), or whether rebuilding the index is cheaper.
"""
from __future__ import annotations

import bisect
import datetime as _dt
import hashlib
import sqlite3
from array import array
from dataclasses import dataclass, field
from itertools import count, repeat
from operator import itemgetter
from pathlib import Path

from .. import images
from ..errors import DataError
from ..search import PRODUCT_ENTRY_BASE, product_layout
from .report import ImportReport, Problems
from .rows import Context, CsvReader, slugify

BATCH = 5000
_PRODUCT_INSERT = ("INSERT INTO products(slug, exhibitor, name, name_zh, pinyin, tool_type, "
                   "summary, specs, image) VALUES (?,?,?,?,?,?,?,?,?)")
_CITE_INSERT = "INSERT OR IGNORE INTO cites(kind, ref, source) VALUES (?, ?, ?)"
_PRODUCT_CITE = "INSERT OR IGNORE INTO cites(kind, ref, source) VALUES ('product', ?, ?)"
_ENTRY_INSERT = ("INSERT INTO search(rowid, kind, ref, label, title, body) "
                 "VALUES (?, 'product', ?, ?, ?, ?)")


@dataclass
class Changes:
    """What an import changed, for the search index (``db.search.update_entries``)."""
    exhibitors_new: list = field(default_factory=list)
    exhibitors_changed: list = field(default_factory=list)
    exhibitors_renamed: list = field(default_factory=list)   # their products' entries too
    products_changed: list = field(default_factory=list)


def import_sources(conn, files: list[Path]) -> dict[str, str]:
    """One source per imported file, cited by records that name no source of their own."""
    today = _dt.date.today().isoformat()
    out = {}
    for p in files:
        digest = hashlib.sha1(p.name.encode()).hexdigest()[:8]
        sid = f"import-{slugify(p.stem, 'file')[:40]}-{digest}"
        out[p.name] = sid
        conn.execute("INSERT OR IGNORE INTO sources(id, title, date, date_precision, kind, "
                     "note) VALUES (?,?,?,'day',?,?)",
                     (sid, f"Imported from the file {p.name}", today, "import",
                      "Records imported from an exhibitor list or catalogue supplied by the user."))
    return out


class BulkWriter(Problems):
    """Products straight into the tables of the copy (the expo has none yet)."""

    def __init__(self, conn: sqlite3.Connection, report: ImportReport, files: list[Path]):
        super().__init__(report)
        self.conn = conn
        self.staged = 0
        self.entries = 0                  # index entries written
        self.product_col: dict[str, str] = {}
        self.image_ids: dict[str, int] = {}
        self._p_buf: list[tuple] = []
        self._s_buf: list[tuple] = []
        self._c_buf: list[tuple] = []     # (slug, source) of rows that name their sources
        self._name = ""                   # the file of the rows in the buffers
        self._lines = array("i")          # the line of each row given
        self._file_starts: list[tuple[int, str]] = []   # (first row, file) of each file
        self._row_index = array("i")     # product rowid - first -> index in _lines
        # Exhibitors are written after their products: check references at COMMIT.
        conn.execute("PRAGMA defer_foreign_keys = ON")
        self.file_source = import_sources(conn, files)
        self._first_product = conn.execute(
            "SELECT coalesce(max(rowid), 0) FROM products").fetchone()[0] + 1

    def add(self, prow: tuple, label: str, title: str, body: str, src_list, name: str,
            line: int) -> None:
        """One product row: ``prow`` as ``_PRODUCT_INSERT`` takes it, but the picture by its
        sha1; its index entry's label, title and body; the sources it names."""
        if prow[8] is not None:
            prow = prow[:8] + (self.image_ids.get(prow[8]),)
        if name != self._name:
            self.flush()
            self._name = name
            self._file_starts.append((len(self._lines), name))
        self._p_buf.append(prow)
        self._s_buf.append((label, title, body))
        if src_list:
            self._c_buf.extend([(prow[0], s_) for s_ in src_list])
        self._lines.append(line)
        if len(self._p_buf) >= BATCH:
            self.flush()

    def take(self, name: str, p_buf: list, s_buf: list, c_buf: list, lines: list) -> None:
        """A batch of rows read elsewhere (``parallel``), as ``add`` would have buffered
        them (pictures by their sha1), written at once."""
        if self.image_ids and any(p[8] is not None for p in p_buf):
            ids = self.image_ids
            p_buf = [p if p[8] is None else p[:8] + (ids.get(p[8]),) for p in p_buf]
        if name != self._name:
            self.flush()
            self._name = name
            self._file_starts.append((len(self._lines), name))
        start = len(self._lines)
        self._lines.extend(lines)
        self._write_batch(p_buf, s_buf, c_buf, start)

    def picture(self, data: bytes, info: images.Inspected, credit: str) -> None:
        """Store a picture as soon as it is named: the products that follow refer to it."""
        self.image_ids[info.sha1] = images.store(self.conn, data, info=info, credit=credit)

    def file_done(self) -> None:
        self.flush()

    def finish(self) -> None:
        self.flush()

    def _where(self, k: int) -> tuple[int, str]:
        """(line, file) of the ``k``-th row given."""
        i = bisect.bisect_right(self._file_starts, (k, "\uffff")) - 1
        return self._lines[k], self._file_starts[i][1]

    def flush(self) -> None:
        """Write the rows read so far (one ``executemany`` per table).

        (A writer thread does not help here: binding each row needs the GIL, and the
        two threads then hand it back and forth; measured slower.)
        """
        if not self._p_buf:
            return
        batch = (self._p_buf, self._s_buf, self._c_buf, len(self._lines) - len(self._p_buf))
        self._p_buf, self._s_buf, self._c_buf = [], [], []
        self._write_batch(*batch)

    def _write_batch(self, p_buf, s_buf, c_buf, start) -> None:
        # No savepoint per batch: releasing one makes FTS5 flush its pending terms into a
        # new segment each time, which costs dearly in merges at a million rows.
        conn = self.conn
        source = self.file_source[self._name]
        before = conn.execute("SELECT coalesce(max(rowid), 0) FROM products").fetchone()[0]
        try:
            conn.executemany(_PRODUCT_INSERT, p_buf)
            done = len(p_buf)
        except sqlite3.IntegrityError:
            # Rows before the failing one are in (rowids follow each other); the rest goes
            # one by one, so that each duplicate is found and reported.
            done = conn.execute("SELECT coalesce(max(rowid), 0) FROM products"
                                ).fetchone()[0] - before
        if done:
            rows = p_buf[:done] if done < len(p_buf) else p_buf
            slugs = list(map(itemgetter(0), rows))
            self._cite(slugs, c_buf, source)
            labels, titles, bodies = zip(*s_buf[:done])
            conn.executemany(_ENTRY_INSERT, zip(count(PRODUCT_ENTRY_BASE + before + 1), slugs,
                                                labels, titles, bodies))
            self.entries += done
            self._row_index.extend(range(start, start + done))
            self.staged += done
        if done < len(p_buf):
            self._insert_one_by_one(p_buf[done:], s_buf[done:], c_buf, start + done, source)

    def _cite(self, slugs: list[str], c_buf: list[tuple], source: str) -> None:
        """Each product cites the sources its row names, else its file's import source."""
        if c_buf:
            named = {c[0] for c in c_buf}
            self.conn.executemany(_PRODUCT_CITE, [c for c in c_buf if c[0] in set(slugs)])
            slugs = [s_ for s_ in slugs if s_ not in named]
        self.conn.executemany(_PRODUCT_CITE, zip(slugs, repeat(source)))

    def _insert_one_by_one(self, p_buf, s_buf, c_buf, first_row, source) -> None:
        """A batch with a product given twice: find it, skip exact repeats, report the rest."""
        conn = self.conn
        kept = 0
        for i, (prow, srow) in enumerate(zip(p_buf, s_buf)):
            line, fname = self._where(first_row + i)
            try:
                cur = conn.execute(_PRODUCT_INSERT, prow)
            except sqlite3.IntegrityError as exc:
                if "UNIQUE" not in str(exc):
                    raise
                old = conn.execute("SELECT rowid, exhibitor, name, name_zh, pinyin, tool_type, "
                                   "summary, specs, image FROM products WHERE slug = ?",
                                   (prow[0],)).fetchone()
                j = old[0] - self._first_product if old else -1
                k = self._row_index[j] if 0 <= j < len(self._row_index) else -1
                if k >= 0:
                    first_line, first_file = self._where(k)
                    where = f"line {first_line} of {first_file}"
                else:
                    where = "an earlier line"
                if old and tuple(old[1:]) == tuple(prow[1:]):
                    self.report.count("rejected", "duplicate row")
                    self.warn(fname, f"the same product as on {where}; skipped", line)
                else:
                    self.error(fname, f"product {prow[0]!r} also on {where} with different "
                               "details", line, self.product_col.get(fname),
                               fix="give each product its own id or name, or remove the "
                                   "duplicate (conflicting duplicate id)")
                continue
            self._row_index.append(first_row + i)
            self._cite([prow[0]], [c for c in c_buf if c[0] == prow[0]], source)
            conn.execute(_ENTRY_INSERT, (PRODUCT_ENTRY_BASE + cur.lastrowid, prow[0]) + srow)
            self.entries += 1
            kept += 1
        self.staged += kept

    def write_products(self, src_ids, ctx, reader, changes: Changes) -> None:
        """The products are in already (index entries included)."""
        self.report.count("added", "product", self.staged)

    def write_index(self) -> int:
        """The products' entries went in with them: how many."""
        return self.entries

    def close(self) -> None:
        pass


_STAGE_COLS = ("slug", "exhibitor", "name", "name_zh", "pinyin", "tool_type", "summary", "specs",
               "image_sha1", "sources", "label", "title", "body", "file", "line")


class StagedWriter(Problems):
    """Products into a scratch table, merged into the expo's at the end (set operations)."""

    def __init__(self, conn: sqlite3.Connection, report: ImportReport):
        super().__init__(report)
        self.conn = conn
        self.staged = 0
        self.product_col: dict[str, str] = {}
        self._buf: list[tuple] = []
        self._index_new = None
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS stage_products(" +
                     ", ".join(_STAGE_COLS) + ")")
        conn.execute("DELETE FROM stage_products")

    def add(self, prow: tuple, label: str, title: str, body: str, src_list, name: str,
            line: int) -> None:
        self._buf.append(prow + (" ".join(src_list) if src_list else None, label, title, body,
                                 name, line))
        if len(self._buf) >= BATCH:
            self.flush()

    def picture(self, data: bytes, info: images.Inspected, credit: str) -> None:
        """Pictures are stored at the end (``write_products``), read again from their files."""

    def file_done(self) -> None:
        pass

    def flush(self) -> None:
        if self._buf:
            self.conn.executemany(
                f"INSERT INTO stage_products VALUES ({', '.join('?' * len(_STAGE_COLS))})",
                self._buf)
            self.staged += len(self._buf)
            self._buf.clear()
    def finish(self) -> None:
        """Products given twice: identical rows are skipped, differing ones are errors."""
        self.flush()
        if not self.staged:
            return
        dups = [r[0] for r in self.conn.execute(
            "SELECT slug FROM stage_products GROUP BY slug HAVING count(*) > 1 LIMIT 1000")]
        for slug in dups:
            rows = self.conn.execute(
                "SELECT rowid, file, line, exhibitor, name, name_zh, pinyin, tool_type, summary, "
                "specs, image_sha1 FROM stage_products WHERE slug = ? ORDER BY rowid",
                (slug,)).fetchall()
            first = rows[0]
            for r in rows[1:]:
                if r[3:] == first[3:]:
                    self.report.count("rejected", "duplicate row")
                    self.warn(r[1], f"the same product as on line {first[2]} of {first[1]}; "
                              "skipped", r[2])
                    self.conn.execute("DELETE FROM stage_products WHERE rowid = ?", (r[0],))
                    self.staged -= 1
                else:
                    self.error(r[1], f"product {slug!r} also on line {first[2]} of {first[1]} "
                               "with different details", r[2], self.product_col.get(r[1]),
                               fix="give each product its own id or name, or remove the "
                                   "duplicate (conflicting duplicate id)")

    def write_products(self, src_ids: dict[str, str], ctx: Context, reader: CsvReader,
                       changes: Changes) -> None:
        """Merge the staged products into the expo's; the changed ones go to ``changes``."""
        conn = self.conn
        rep = self.report
        if reader.images:
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS stage_images(sha1 TEXT PRIMARY KEY, id)")
            conn.execute("DELETE FROM stage_images")
            for sha, (path, info, credit) in reader.images.items():
                try:
                    data = images.read_file(path)
                except images.ImageProblem as exc:
                    raise DataError(f"{path}: {exc} (it changed during the import)") from None
                if images.sha1_of(data) != sha:
                    raise DataError(f"{path}: the picture changed during the import; try again")
                conn.execute("INSERT INTO stage_images(sha1, id) VALUES (?, ?)",
                             (sha, images.store(conn, data, info=info, credit=credit)))
            img_expr = "(SELECT id FROM stage_images i WHERE i.sha1 = s.image_sha1)"
        else:
            img_expr = "NULL"
        if not self.staged:
            return
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS stage_src(file TEXT PRIMARY KEY, source)")
        conn.execute("DELETE FROM stage_src")
        conn.executemany("INSERT INTO stage_src VALUES (?, ?)", list(src_ids.items()))
        cols = "slug, exhibitor, name, name_zh, pinyin, tool_type, summary, specs, image"
        sel = f"s.slug, s.exhibitor, s.name, s.name_zh, s.pinyin, s.tool_type, s.summary, " \
              f"s.specs, {img_expr}"
        if ctx.products_empty:
            conn.execute(f"INSERT INTO products({cols}) SELECT {sel} FROM stage_products s "
                         "ORDER BY s.rowid")
            rep.count("added", "product", self.staged)
            new_filter = ""
        else:
            conn.execute("CREATE TEMP TABLE stage_state AS SELECT s.rowid AS rid, CASE "
                         "WHEN p.slug IS NULL THEN 'added' "
                         "WHEN p.exhibitor IS s.exhibitor AND p.name IS s.name "
                         " AND p.name_zh IS COALESCE(s.name_zh, p.name_zh) "
                         " AND p.pinyin IS COALESCE(s.pinyin, p.pinyin) "
                         " AND p.tool_type IS COALESCE(s.tool_type, p.tool_type) "
                         " AND p.summary IS COALESCE(s.summary, p.summary) "
                         " AND (s.specs = '{}' OR p.specs IS s.specs) "
                         f" AND (s.image_sha1 IS NULL OR p.image IS {img_expr}) "
                         "THEN 'unchanged' ELSE 'updated' END AS state "
                         "FROM stage_products s LEFT JOIN products p ON p.slug = s.slug")
            for state, n in conn.execute("SELECT state, count(*) FROM stage_state GROUP BY state"):
                rep.count(state, "product", n)
            conn.execute(f"INSERT INTO products({cols}) SELECT {sel} FROM stage_products s "
                         "JOIN stage_state t ON t.rid = s.rowid AND t.state = 'added' "
                         "ORDER BY s.rowid")
            n_upd = rep.updated.get("product", 0)
            if n_upd:
                conn.execute("UPDATE products SET exhibitor = s.exhibitor, name = s.name, "
                             "name_zh = COALESCE(s.name_zh, products.name_zh), "
                             "pinyin = COALESCE(s.pinyin, products.pinyin), "
                             "tool_type = COALESCE(s.tool_type, products.tool_type), "
                             "summary = COALESCE(s.summary, products.summary), "
                             "specs = CASE WHEN s.specs = '{}' THEN products.specs "
                             "ELSE s.specs END, "
                             f"image = COALESCE({img_expr}, products.image) "
                             "FROM stage_products s JOIN stage_state t ON t.rid = s.rowid "
                             "AND t.state = 'updated' WHERE products.slug = s.slug")
                changes.products_changed.extend(r[0] for r in conn.execute(
                    "SELECT s.slug FROM stage_products s JOIN stage_state t ON t.rid = s.rowid "
                    "AND t.state = 'updated'"))
            new_filter = "JOIN stage_state t ON t.rid = s.rowid AND t.state = 'added'"
        # cites: the row's own sources, else its file's import source
        conn.execute(f"INSERT OR IGNORE INTO cites(kind, ref, source) SELECT 'product', s.slug, "
                     f"f.source FROM stage_products s {new_filter} JOIN stage_src f "
                     "ON f.file = s.file WHERE s.sources IS NULL")
        conn.execute(f"INSERT OR IGNORE INTO cites(kind, ref, source) SELECT 'product', s.slug, "
                     f"j.value FROM stage_products s {new_filter}, "
                     "json_each('[\"' || replace(s.sources, ' ', '\",\"') || '\"]') j "
                     "WHERE s.sources IS NOT NULL")
        self._index_new = new_filter

    def write_index(self) -> int:
        """Index entries of the new products (when the index is not rebuilt as a whole): by
        the layout of a large index (see ``db.search``), else after the last entry. How
        many."""
        if not self.staged or self._index_new is None:
            return 0
        conn = self.conn
        if product_layout(conn):
            conn.execute("INSERT INTO search(rowid, kind, ref, label, title, body) "
                         "SELECT ? + p.rowid, 'product', s.slug, s.label, s.title, s.body "
                         f"FROM stage_products s {self._index_new} JOIN products p "
                         "ON p.slug = s.slug ORDER BY p.rowid", (PRODUCT_ENTRY_BASE,))
        else:
            conn.execute("INSERT INTO search(kind, ref, label, title, body) "
                         "SELECT 'product', s.slug, s.label, s.title, s.body "
                         f"FROM stage_products s {self._index_new} ORDER BY s.rowid")
        return self.report.added.get("product", 0)

    def close(self) -> None:
        self.conn.execute("DROP TABLE IF EXISTS temp.stage_products")


def write_records(conn: sqlite3.Connection, reader: CsvReader, writer, files: list[Path],
                  report: ImportReport) -> Changes:
    """Write the exhibitors and booths the rows gave, then the products (``writer``); what
    changed, for the search index."""
    rep = report
    ctx = reader.ctx
    changes = Changes()
    src_ids = import_sources(conn, files)
    # booths
    if reader.booth_geometry:
        now = {r[0]: r[1:] for r in conn.execute("SELECT code, x, y, w, h, placed FROM booths")}
        for code, geo in reader.booth_geometry.items():
            new = (geo["x"], geo["y"], geo["w"], geo["h"], 1)
            if now.get(code) != new:
                conn.execute("UPDATE booths SET x = ?, y = ?, w = ?, h = ?, placed = 1 "
                             "WHERE code = ?", (geo["x"], geo["y"], geo["w"], geo["h"], code))
                rep.count("updated", "booth")
    for row in reader.new_booths.values():
        ex = reader.exhibitors.get(row["exhibitor"])
        zone = (ex.values.get("zone") if ex else None) or \
            (ctx.exhibitors.get(row["exhibitor"]) or {}).get("zone")
        conn.execute("INSERT INTO booths(code, hall, zone, x, y, w, h, placed) "
                     "VALUES (?,?,?,?,?,?,?,?)", (row["code"], row["hall"], zone, row["x"],
                                                  row["y"], row["w"], row["h"], row["placed"]))
        rep.count("added", "booth")
    # exhibitors
    booths_now: dict[str, list[str]] = {}
    if ctx.exhibitors:
        for booth, slug in conn.execute("SELECT booth, exhibitor FROM booth_exhibitors "
                                        "ORDER BY exhibitor, booth"):
            booths_now.setdefault(slug, []).append(booth)
    for slug, ex in reader.exhibitors.items():
        v = ex.values
        old = ctx.exhibitors.get(slug)
        new = {"name": ex.name, "name_zh": v.get("company_zh"), "pinyin": v.get("pinyin"),
               "country": v.get("country"), "category": v.get("category"), "zone": v.get("zone"),
               "summary": v.get("exhibitor_summary")}
        if new["zone"] is None and old is None and ex.booths and ctx.booths:
            # No zone given: the zone of its booth on the floor plan, if it has one.
            known = [c for c in ex.booths if c.casefold() in ctx.booths]
            if known:
                row = conn.execute("SELECT zone FROM booths WHERE code = ? AND zone IS NOT NULL",
                                   (known[0],)).fetchone()
                new["zone"] = row[0] if row else None
        changed = False
        if old is None:
            conn.execute("INSERT INTO exhibitors(slug, name, name_zh, pinyin, country, category, "
                         "zone, summary) VALUES (?,?,?,?,?,?,?,?)",
                         (slug, new["name"], new["name_zh"], new["pinyin"], new["country"],
                          new["category"], new["zone"], new["summary"]))
            rep.count("added", "exhibitor")
            changes.exhibitors_new.append(slug)
            sources = ex.sources or [src_ids[ex.file]]
        else:
            merged = {k: (val if val is not None else old.get(k)) for k, val in new.items()}
            changed = any(merged[k] != old.get(k) for k in merged)
            if changed:
                conn.execute("UPDATE exhibitors SET name = ?, name_zh = ?, pinyin = ?, "
                             "country = ?, category = ?, zone = ?, summary = ? WHERE slug = ?",
                             (merged["name"], merged["name_zh"], merged["pinyin"],
                              merged["country"], merged["category"], merged["zone"],
                              merged["summary"], slug))
                rep.count("updated", "exhibitor")
                changes.exhibitors_changed.append(slug)
                if merged["name"] != old.get("name"):
                    changes.exhibitors_renamed.append(slug)   # in its products' labels
            sources = ex.sources
        for s in sources:
            conn.execute(_CITE_INSERT, ("exhibitor", slug, s))
        if ex.booths:
            before = booths_now.get(slug, []) if old is not None else []
            after = sorted(ex.booths)
            if before != after:
                conn.execute("DELETE FROM booth_exhibitors WHERE exhibitor = ?", (slug,))
                conn.executemany("INSERT INTO booth_exhibitors(booth, exhibitor) VALUES (?, ?)",
                                 [(c, slug) for c in after])
                if old is not None and not changed:
                    rep.count("updated", "exhibitor")
                    changes.exhibitors_changed.append(slug)     # its entry lists its booths
                    changed = True
        if old is not None and not changed:
            rep.count("unchanged", "exhibitor")
    writer.write_products(src_ids, ctx, reader, changes)
    return changes
