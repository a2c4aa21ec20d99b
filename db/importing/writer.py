"""The writer: catalogue rows into the working copy of the expo, in one transaction.

Two ways, one interface (``add`` a product as it is read, ``picture`` when a picture is first
named, ``finish`` after the last row, ``write_products`` at the end):

- ``BulkWriter``, when the expo has no products yet (a first import): every product is new,
  so rows go straight into ``products``, ``cites`` and the search index in batches of
  ``executemany``; a product given twice is found when a batch fails on its key.
- ``StagedWriter``, otherwise: rows go into a scratch (TEMP) table; at the end duplicates
  are found with one query and the products are merged with set operations (added /
  updated / unchanged).

``write_records`` writes what the rows said about exhibitors and booths, then asks the
writer for the products. A further writer (e.g. one that re-imports only what changed)
plugs in with the same four calls.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import sqlite3
from array import array
from pathlib import Path

from .. import images
from ..errors import DataError
from ..search import exhibitor_index_row, index_text
from .report import ImportReport, Problems
from .rows import Context, CsvReader, slugify

PRODUCT_ROWID_GAP = 1 << 24   # index rowids kept free before bulk-imported products
BATCH = 5000
_PRODUCT_INSERT = ("INSERT INTO products(slug, exhibitor, name, name_zh, pinyin, tool_type, "
                   "summary, specs, image) VALUES (?,?,?,?,?,?,?,?,?)")
_CITE_INSERT = "INSERT OR IGNORE INTO cites(kind, ref, source) VALUES (?, ?, ?)"
_SEARCH_INSERT = "INSERT INTO search(rowid, kind, ref, label, title, body) VALUES (?,?,?,?,?,?)"


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
        self.product_col: dict[str, str] = {}
        self.image_ids: dict[str, int] = {}
        self._p_buf: list[tuple] = []
        self._s_buf: list[tuple] = []
        self._c_buf: list[tuple] = []
        self._lines = array("i")
        self._files = array("H")
        self._row_index = array("i")     # product rowid - first -> index in _lines
        # Exhibitors are written after their products: check references at COMMIT.
        conn.execute("PRAGMA defer_foreign_keys = ON")
        self.file_source = import_sources(conn, files)
        self._file_no = {f.name: i for i, f in enumerate(files)}
        self._file_names = [f.name for f in files]
        self._rowid_base = conn.execute(
            "SELECT coalesce(max(rowid), 0) FROM search").fetchone()[0]
        # Product rows get index rowids after a gap, so that the exhibitors written at the end
        # still come first in index order (see db.search.search).
        self._rowid = self._rowid_base + PRODUCT_ROWID_GAP
        self._first_product = conn.execute(
            "SELECT coalesce(max(rowid), 0) FROM products").fetchone()[0] + 1

    def add(self, slug, ex_slug, product, zh, py, tool_key, desc, specs_json, image_sha1,
            src_list, label, body, name, line) -> None:
        self._rowid += 1
        self._p_buf.append((slug, ex_slug, product, zh, py, tool_key, desc, specs_json,
                            self.image_ids.get(image_sha1) if image_sha1 else None))
        self._s_buf.append((self._rowid, "product", slug, label,
                            label if label.isascii() else index_text(label), body))
        if src_list:
            self._c_buf.extend(("product", slug, s_) for s_ in src_list)
        else:
            self._c_buf.append(("product", slug, self.file_source[name]))
        self._lines.append(line)
        self._files.append(self._file_no[name])
        if len(self._p_buf) >= BATCH:
            self.flush()

    def picture(self, data: bytes, info: images.Inspected, credit: str) -> None:
        """Store a picture as soon as it is named: the products that follow refer to it."""
        self.image_ids[info.sha1] = images.store(self.conn, data, info=info, credit=credit)

    def exhibitor_rowid(self, j: int) -> int | None:
        """The index rowid of the ``j``-th new exhibitor: before the products' (see above)."""
        return self._rowid_base + 1 + j if j < PRODUCT_ROWID_GAP - 1 else None

    def finish(self) -> None:
        self.flush()

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
            slugs = {p[0] for p in p_buf[:done]} if done < len(p_buf) else None
            conn.executemany(_CITE_INSERT,
                             c_buf if slugs is None else [c for c in c_buf if c[1] in slugs])
            conn.executemany(_SEARCH_INSERT, s_buf[:done])
            self._row_index.extend(range(start, start + done))
            self.staged += done
        if done < len(p_buf):
            self._insert_one_by_one(p_buf[done:], s_buf[done:], c_buf, start + done)

    def _insert_one_by_one(self, p_buf, s_buf, c_buf, first_line) -> None:
        """A batch with a product given twice: find it, skip exact repeats, report the rest."""
        conn = self.conn
        cites = {}
        for c in c_buf:
            cites.setdefault(c[1], []).append(c)
        kept = 0
        for i, (prow, srow) in enumerate(zip(p_buf, s_buf)):
            line = self._lines[first_line + i]
            fname = self._file_names[self._files[first_line + i]]
            try:
                conn.execute(_PRODUCT_INSERT, prow)
            except sqlite3.IntegrityError as exc:
                if "UNIQUE" not in str(exc):
                    raise
                old = conn.execute("SELECT rowid, exhibitor, name, name_zh, pinyin, tool_type, "
                                   "summary, specs, image FROM products WHERE slug = ?",
                                   (prow[0],)).fetchone()
                j = old[0] - self._first_product if old else -1
                k = self._row_index[j] if 0 <= j < len(self._row_index) else -1
                where = (f"line {self._lines[k]} of {self._file_names[self._files[k]]}"
                         if k >= 0 else "an earlier line")
                if old and tuple(old[1:]) == tuple(prow[1:]):
                    self.report.count("rejected", "duplicate row")
                    self.warn(fname, f"the same product as on {where}; skipped", line)
                else:
                    self.error(fname, f"product {prow[0]!r} also on {where} with different "
                               "details", line, self.product_col.get(fname),
                               fix="give each product its own id or name, or remove the "
                                   "duplicate (conflicting duplicate id)")
                continue
            self._row_index.append(first_line + i)
            conn.executemany(_CITE_INSERT, cites.get(prow[0], []))
            conn.execute(_SEARCH_INSERT, srow)
            kept += 1
        self.staged += kept

    def write_products(self, src_ids, ctx, reader) -> bool:
        """The products are in already (index rows included): nothing to rebuild."""
        self.report.count("added", "product", self.staged)
        return False

    def write_index(self) -> None:
        """The products' search rows went in with them."""

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
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS stage_products(" +
                     ", ".join(_STAGE_COLS) + ")")
        conn.execute("DELETE FROM stage_products")

    def add(self, slug, ex_slug, product, zh, py, tool_key, desc, specs_json, image_sha1,
            src_list, label, body, name, line) -> None:
        self._buf.append((
            slug, ex_slug, product, zh, py, tool_key, desc, specs_json, image_sha1,
            " ".join(src_list) if src_list else None, label, index_text(label), body, name, line))
        if len(self._buf) >= BATCH:
            self.flush()

    def picture(self, data: bytes, info: images.Inspected, credit: str) -> None:
        """Pictures are stored at the end (``write_products``), read again from their files."""

    def exhibitor_rowid(self, j: int) -> None:
        return None

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

    def write_products(self, src_ids: dict[str, str], ctx: Context, reader: CsvReader) -> bool:
        """Merge the staged products into the expo's; True when the search index needs a
        rebuild (a product changed)."""
        conn = self.conn
        rep = self.report
        rebuild = False
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
            return rebuild
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
                rebuild = True
            new_filter = "JOIN stage_state t ON t.rid = s.rowid AND t.state = 'added'"
        # cites: the row's own sources, else its file's import source
        conn.execute(f"INSERT OR IGNORE INTO cites(kind, ref, source) SELECT 'product', s.slug, "
                     f"f.source FROM stage_products s {new_filter} JOIN stage_src f "
                     "ON f.file = s.file WHERE s.sources IS NULL")
        conn.execute(f"INSERT OR IGNORE INTO cites(kind, ref, source) SELECT 'product', s.slug, "
                     f"j.value FROM stage_products s {new_filter}, "
                     "json_each('[\"' || replace(s.sources, ' ', '\",\"') || '\"]') j "
                     "WHERE s.sources IS NOT NULL")
        self.index_new = (f"SELECT 'product', s.slug, s.label, s.title, s.body "
                          f"FROM stage_products s {new_filter} ORDER BY s.rowid")
        return rebuild

    def write_index(self) -> None:
        """Search rows of the new products (when the index is not rebuilt as a whole)."""
        if self.staged:
            self.conn.execute("INSERT INTO search(kind, ref, label, title, body) "
                              + self.index_new)

    def close(self) -> None:
        self.conn.execute("DROP TABLE IF EXISTS temp.stage_products")


def write_records(conn: sqlite3.Connection, reader: CsvReader, writer, files: list[Path],
                  report: ImportReport) -> bool:
    """Write the exhibitors and booths the rows gave, then the products (``writer``); True
    when the search index needs a rebuild."""
    rep = report
    ctx = reader.ctx
    rebuild = False
    src_ids = import_sources(conn, files)
    # booths
    for code, geo in reader.booth_geometry.items():
        conn.execute("UPDATE booths SET x = ?, y = ?, w = ?, h = ?, placed = 1 WHERE code = ?",
                     (geo["x"], geo["y"], geo["w"], geo["h"], code))
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
    ex_rows_new = []
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
        if old is None:
            conn.execute("INSERT INTO exhibitors(slug, name, name_zh, pinyin, country, category, "
                         "zone, summary) VALUES (?,?,?,?,?,?,?,?)",
                         (slug, new["name"], new["name_zh"], new["pinyin"], new["country"],
                          new["category"], new["zone"], new["summary"]))
            rep.count("added", "exhibitor")
            ex_rows_new.append(slug)
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
                rebuild = True
            sources = ex.sources
        for s in sources:
            conn.execute(_CITE_INSERT, ("exhibitor", slug, s))
        if ex.booths:
            before = [r[0] for r in conn.execute(
                "SELECT booth FROM booth_exhibitors WHERE exhibitor = ? ORDER BY booth", (slug,))]
            after = sorted(ex.booths)
            if before != after:
                conn.execute("DELETE FROM booth_exhibitors WHERE exhibitor = ?", (slug,))
                conn.executemany("INSERT INTO booth_exhibitors(booth, exhibitor) VALUES (?, ?)",
                                 [(c, slug) for c in after])
                if old is not None:
                    if not changed:
                        rep.count("updated", "exhibitor")
                        changed = True
                    rebuild = True
        if old is not None and not changed:
            rep.count("unchanged", "exhibitor")
    # exhibitor search rows for new exhibitors (before their products: index order)
    if not rebuild:
        for j, slug in enumerate(ex_rows_new):
            ex = reader.exhibitors[slug]
            v = ex.values
            conn.execute(_SEARCH_INSERT, (writer.exhibitor_rowid(j),) + exhibitor_index_row(
                slug, ex.name, v.get("company_zh"), v.get("pinyin"), None, v.get("country"),
                v.get("category"), " ".join(sorted(ex.booths)), v.get("exhibitor_summary")))
    rebuild = writer.write_products(src_ids, ctx, reader) or rebuild
    if not rebuild:
        writer.write_index()
    return rebuild
