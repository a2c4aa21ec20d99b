"""Row checks: each row of a catalogue file read into an exhibitor, its booths and a product.

Every cell is checked (``db.text.clean_field``: NUL refused, control characters dropped,
length limits), numbers, booth codes, specs, picture paths and references are checked, and
each fault is reported with its file, line and column. Products go to the writer as they are
read (``writer.add``); exhibitors and booths are collected here and written at the end.

Records keep stable ids: a file's own id column, else a slug derived from the name (the same
name always gives the same slug), else an existing exhibitor with the same name.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from itertools import groupby
from operator import gt, itemgetter
from pathlib import Path
from typing import Callable

from .. import images
from ..search import TOOL_WORDS, index_part, index_text
from ..text import FORMULA_START, MAX_SHORT, MAX_TEXT, clean_field
from . import headers as H
from . import state
from .report import ImportCancelled, Problems, Progress, shown
from .textfile import CsvFile, open_csv

COUNTRIES = {
    "cn": "CN", "china": "CN", "prc": "CN", "peoplesrepublicofchina": "CN", "中国": "CN",
    "中国大陆": "CN", "chinamainland": "CN", "mainlandchina": "CN",
    "us": "US", "usa": "US", "unitedstates": "US", "unitedstatesofamerica": "US", "美国": "US",
    "jp": "JP", "japan": "JP", "日本": "JP", "de": "DE", "germany": "DE", "德国": "DE",
    "kr": "KR", "korea": "KR", "southkorea": "KR", "republicofkorea": "KR", "韩国": "KR",
    "tw": "TW", "taiwan": "TW", "taiwanchina": "TW", "chinesetaipei": "TW", "中国台湾": "TW",
    "台湾": "TW", "nl": "NL", "netherlands": "NL", "thenetherlands": "NL", "荷兰": "NL",
    "gb": "GB", "uk": "GB", "unitedkingdom": "GB", "英国": "GB", "sg": "SG", "singapore": "SG",
    "新加坡": "SG", "fr": "FR", "france": "FR", "法国": "FR", "ch": "CH", "switzerland": "CH",
    "瑞士": "CH", "il": "IL", "israel": "IL", "以色列": "IL", "hk": "HK", "hongkong": "HK",
    "hongkongchina": "HK", "中国香港": "HK", "香港": "HK", "it": "IT", "italy": "IT", "意大利": "IT",
    "at": "AT", "austria": "AT", "奥地利": "AT", "be": "BE", "belgium": "BE", "比利时": "BE",
    "my": "MY", "malaysia": "MY", "马来西亚": "MY", "in": "IN", "india": "IN", "印度": "IN",
}

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_BOOTH_SPLIT = re.compile(r"[,;/|、，；\s]+")
_CJK_RE = H.CJK_RE
_norm = H.norm_header
_col = H.column_label

# Columns that describe the exhibitor of a row (a repeated exhibitor is recognised by them).
# The spelled-out words of each tool type, as they go into the index (turned once).
_TOOL_INDEXED = {k: index_text(v) for k, v in TOOL_WORDS.items()}

_EXHIBITOR_KEY = ("exhibitor_id", "company", "company_en", "company_zh", "pinyin", "country",
                  "category", "zone", "exhibitor_summary", "booth", "hall", "x", "y", "w", "h",
                  "sources")


def slugify(text: str, fallback_prefix: str = "x") -> str:
    """A stable ASCII id from a name; names with no Latin letters get a hash-based id."""
    text = text or ""
    folded = text if text.isascii() else \
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NON_SLUG.sub("-", folded.lower()).strip("-")[:80].strip("-")
    if slug:
        return slug
    digest = hashlib.sha1(unicodedata.normalize("NFKC", text or "").encode()).hexdigest()[:10]
    return f"{fallback_prefix}-{digest}"


@dataclass
class Exhibitor:
    """An exhibitor as the files give it, written at the end (``writer.write_records``)."""
    slug: str
    name: str
    line: int
    file: str
    explicit_id: bool
    values: dict = field(default_factory=dict)       # field -> value (first non-empty wins)
    booths: dict = field(default_factory=dict)       # code -> (file, line) (ordered)
    sources: list = field(default_factory=list)
    _indexed: str | None = None

    def indexed_name(self) -> str:
        """The name as it goes into the search index (``index_text``), turned once."""
        if self._indexed is None:
            self._indexed = index_part(self.name)
        return self._indexed


@dataclass
class Context:
    """What the target expo already holds, loaded once (small tables only)."""
    booths: dict[str, str]                     # casefolded code -> code
    halls: dict[str, str]                      # casefolded slug or name -> slug
    zones: dict[str, str]                      # casefolded slug/name/name_zh -> slug
    exhibitors: dict[str, dict]                # slug -> row
    exhibitor_names: dict[str, str]            # casefolded name / name_zh -> slug
    sources: set[str]
    products_empty: bool


def load_context(conn: sqlite3.Connection) -> Context:
    # Text columns may hold anything in a file made elsewhere (a number, a blob): read them
    # as text, so that a foreign value is compared, never a reason to fail.
    booths = {c.casefold(): c for (c,) in conn.execute(
        "SELECT CAST(code AS TEXT) FROM booths WHERE code IS NOT NULL")}
    halls = {}
    for slug, name in conn.execute("SELECT CAST(slug AS TEXT), CAST(name AS TEXT) FROM halls "
                                   "WHERE slug IS NOT NULL"):
        halls[slug.casefold()] = slug
        if name:
            halls.setdefault(name.casefold(), slug)
            halls.setdefault(_norm(name), slug)
    zones = {}
    for slug, name, zh in conn.execute("SELECT CAST(slug AS TEXT), CAST(name AS TEXT), "
                                       "CAST(name_zh AS TEXT) FROM zones WHERE slug IS NOT NULL"):
        for key in (slug, name, zh):
            if key:
                zones.setdefault(_norm(key), slug)
    cols = ("slug", "name", "name_zh", "pinyin", "aliases", "country", "category", "zone", "summary")
    exhibitors = {r[0]: dict(zip(cols, r)) for r in conn.execute(
        f"SELECT {', '.join(f'CAST({c} AS TEXT)' for c in cols)} FROM exhibitors "
        "WHERE slug IS NOT NULL")}
    names = {}
    for slug, ex in exhibitors.items():
        for key in (ex["name"], ex["name_zh"]):
            if key:
                names.setdefault(_norm(key), slug)
    sources = {s for (s,) in conn.execute("SELECT id FROM sources")}
    empty = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM products)").fetchone()[0] == 1
    return Context(booths, halls, zones, exhibitors, names, sources, bool(empty))


class CsvReader(Problems):
    """Reads catalogue files row by row into ``exhibitors``, ``new_booths`` and
    ``booth_geometry``; products go to ``writer`` (``add``) as they are read, pictures are
    checked when first named (``writer.picture``).

    With ``states`` (``db.importing.state``: what the last import of each file left), a
    row whose line is known from then is not read again (its exhibitor cells are, once per
    run of rows of one exhibitor); ``new_states`` is what this import leaves, when
    ``track`` is set."""

    def __init__(self, ctx: Context, writer, report, *, encoding: str | None,
                 mapping: dict[str, str] | None, strict: bool, progress: Progress | None,
                 cancel: Callable[[], bool] | None, picture_folder: Path | None = None,
                 states: dict[str, "state.FileState"] | None = None, track: bool = False):
        super().__init__(report)
        self.ctx = ctx
        self.writer = writer
        self._add = writer.add
        self.encoding = encoding
        self.mapping = {_norm(k): v for k, v in (mapping or {}).items()}
        self.strict = strict
        self.progress = progress or (lambda f, m: None)
        self.cancel = cancel or (lambda: False)
        self.picture_folder = picture_folder
        self.exhibitors: dict[str, Exhibitor] = {}
        self._last_rows: dict[tuple, Exhibitor] = {}
        self.new_booths: dict[str, dict] = {}           # code -> booth row (unplaced or placed)
        self.booth_geometry: dict[str, dict] = {}       # existing code -> new geometry
        self.product_col: dict[str, str] = {}           # file -> product id / name column
        self.images: dict[str, tuple] = {}              # sha1 -> (path, Inspected, credit)
        self.image_by_path: dict[tuple, str | None] = {}   # (folder, cell) -> sha1
        writer.product_col = self.product_col
        self.states = states
        self.track = track
        self.trackers: list[state.Tracker] = []
        self._track: state.Tracker | None = None
        self._groups: dict[tuple, int] = {}

    # ------------------------------------------------------------ files
    def read_csv(self, path: Path, file_no: int, n_files: int) -> None:
        old = self.states.get(path.name) if self.states else None
        f = open_csv(path, self.encoding, self, known=old.known() if old else None,
                     trust_known=bool(old and self.encoding is None
                                      and old.encoding in ("utf-8", "utf-8-sig")))
        if f is None:
            return
        try:
            self.read_table(f, Path(path).parent, file_no, n_files, old)
        finally:
            f.close()

    def read_table(self, f: CsvFile, base: Path, file_no: int, n_files: int,
                   old: "state.FileState | None" = None) -> None:
        """Every row of a table of cells (a CSV file, or any source with ``CsvFile``'s
        interface): the header matched, each row checked and read. ``base``: the folder
        picture paths start from (unless a picture folder was named). ``old``: the state
        the last import of this file left (rows known from it are not read again)."""
        name = f.name
        header = f.header(self)
        if header is None:
            return
        matched = H.match_header(header, name, self.mapping, self)
        if matched is None:
            return
        cols, self._specs_cols = matched
        self._ex_fields = [fd for fd in _EXHIBITOR_KEY if fd in cols]
        scan = getattr(f, "scan", None)
        track = skip = None
        if self.track and scan is not None:
            context = state.context_digest(name, f.encoding, f.delimiter, header, self.mapping,
                                           self.strict)
            track = state.Tracker(name, context, f.encoding, scan, old)
            self.trackers.append(track)
            skip = old is not None and old.context == context and scan.index is not None
        self._track = track
        self._groups = {}
        header = [shown(h.strip().lstrip("\ufeff")) for h in header]   # for messages
        ncols = len(header)
        fields = tuple(cols)
        where = tuple(cols.values())
        cells_of = itemgetter(*where) if len(where) > 1 else (lambda r, i=where[0]: (r[i],))
        limits = tuple(H.CELL_LIMITS[fd][0] for fd in fields)
        specs_cols = list(self._specs_cols.items())
        width_warned = False
        rows = 0
        row_of = self._row
        printable = str.isprintable
        for line, row in f.rows(self, skip=skip) if skip else f.rows(self):
            if type(row) is int:            # a run of lines known from the last import
                rows += row
                self._known_run(f, line, row, old, header, cols, base)
                if self.cancel():
                    raise ImportCancelled()
                continue
            rows += 1
            if rows % 2000 == 0:
                if self.cancel():
                    raise ImportCancelled()
                frac = (file_no + f.fraction()) / n_files
                self.progress(0.75 * frac, f"{name}: line {line}")
            if len(row) >= ncols:
                if len(row) > ncols and not width_warned and any(c.strip() for c in row[ncols:]):
                    width_warned = True
                    self.warn(name, f"this row has {len(row)} cells but the header {ncols}; "
                              "the extra cells were ignored", line,
                              fix="check the delimiter and the quotes")
                cells = cells_of(row)
            else:
                cells = tuple(row[i] if i < len(row) else "" for i in where)
            # Every cell printable and within its field's limit: nothing to clean (the
            # usual case; otherwise each cell is checked as it is used).
            plain = all(map(printable, cells)) and not any(map(gt, map(len, cells), limits))
            vals = {fd: v for fd, c in zip(fields, cells) if c and (v := c.strip())}
            if not vals:
                continue
            if "'" in "".join(vals.values()):
                for fd, v in vals.items():
                    if v[0] == "'" and len(v) > 1 and v[1] in FORMULA_START:
                        vals[fd] = v[1:]   # undo the formula guard of our CSV export
            if specs_cols:
                specs = {}
                for k, i in specs_cols:
                    v = row[i].strip() if i < len(row) else ""
                    if v:
                        clean, problem = clean_field(v, MAX_TEXT, False)
                        if clean is None:
                            self.error(name, problem, line, f'{H.col_letter(i)} ("{header[i]}")',
                                       fix="shorten it" if problem.startswith("too long")
                                       else "remove it (the file may be binary or damaged)")
                            specs = None
                            break
                        specs[k] = clean
                if specs is None:
                    continue
                if specs:
                    vals["_specs_extra"] = specs
            row_of(vals, name, line, header, cols, base, plain)
            if track is not None and scan.index is None and f.reader.line_num != line:
                track.multiline.add(line)       # a row over several lines: never known
        if not f.failed:
            self.report.rows += rows
        if hasattr(self.writer, "file_done"):
            self.writer.file_done()

    def _known_run(self, f: CsvFile, first: int, count: int, old: "state.FileState",
                   header, cols, base: Path) -> None:
        """Lines ``first`` .. ``first + count - 1``, each known from the last import: their
        exhibitor cells read again (once per run of one group); a row whose exhibitor now
        reads differently is read in full."""
        index = f.scan.index[first - 1:first - 1 + count]
        groups = [old.groups[i] for i in index]
        name = f.name
        track = self._track
        at = 0
        for g, run in groupby(groups):
            n = len(list(run))
            line = first + at
            payload = old.exhibitors[g]
            ex = self._replay(payload, name, line, header, cols)
            if ex is not None and ex.slug == payload[3] and ex.name == payload[4]:
                gid = self._group(payload[0], payload[1], payload[2], ex, name)
                track.known(line, index[at:at + n], gid)
            else:                                 # read these rows in full
                for k in range(n):
                    self._demoted(f, line + k, header, cols, base)
            at += n

    def _demoted(self, f: CsvFile, line: int, header, cols, base: Path) -> None:
        row = next(csv.reader([f.line_text(line - 1)], delimiter=f.delimiter, quotechar='"',
                              doublequote=True, skipinitialspace=False, strict=False), [])
        vals = {}
        for fd, i in cols.items():
            v = row[i].strip() if i < len(row) else ""
            if v:
                if v[0] == "'" and len(v) > 1 and v[1] in FORMULA_START:
                    v = v[1:]
                vals[fd] = v
        if vals:
            self._row(vals, f.name, line, header, cols, base, False)

    def _replay(self, payload: list, name: str, line: int, header, cols):
        """The exhibitor of a known row, from its group's cells (as ``_row`` reads them)."""
        has_product, desc, cells = payload[0], payload[1], payload[2]
        ekey = (name, None if has_product else desc, *cells)
        ex = self._last_rows.get(ekey)
        if ex is not None:
            return ex
        vals = {fd: v for fd, v in zip(self._ex_fields, cells) if v is not None}
        if has_product:
            vals["product"] = True
        elif desc is not None:
            vals["description"] = desc
        n_errors = self.report.n_errors
        if not self._clean(vals, H.EXHIBITOR_CELLS, name, line, cols, header):
            return None
        ex = self._exhibitor_part(vals, name, line, header, cols)
        if ex is not None and self.report.n_errors == n_errors:
            if len(self._last_rows) > 4096:
                self._last_rows.clear()
            self._last_rows[ekey] = ex
        return ex

    def _group(self, has_product: bool, desc, cells, ex: "Exhibitor", name: str) -> int:
        """The id of a group (the exhibitor cells of a row), made on first sight."""
        key = (has_product, desc, *cells)
        gid = self._groups.get(key)
        if gid is None:
            gid = self._groups[key] = len(self._track.exhibitors)
            self._track.exhibitors.append([has_product, desc, list(cells), ex.slug, ex.name])
        return gid

    # ------------------------------------------------------------ cells
    def _clean(self, vals: dict, cells, name, line, cols, header) -> bool:
        """Check the row's cells of ``cells`` in place (``text.clean_field``: NUL refused,
        control characters dropped, length limit); False when one is refused (each reported,
        so that no later check reports a consequence such as an "empty" name)."""
        ok = True
        for f, limit, single_line in cells:
            v = vals.get(f)
            if v is None or (len(v) <= limit and v.isprintable()):
                continue
            clean, problem = clean_field(v, limit, single_line)
            if clean is None and f == "image":     # a picture that cannot be used: a warning
                if "NUL" not in problem:            # (``_image`` names a NUL in the path)
                    self.warn(name, f"picture cell {problem}; the row is imported without a "
                              "picture", line, _col(cols, header, f),
                              fix="correct the picture's path in the file")
                    del vals[f]
                continue
            if clean is None:
                ok = False
                if problem.startswith("too long"):
                    fix = "shorten it"
                    if single_line and "\n" in v:
                        fix += ", or close the quote that opens it (it runs over several lines)"
                else:
                    fix = "remove it (the file may be binary or damaged)"
                self.error(name, problem, line, _col(cols, header, f), fix=fix)
                continue
            if single_line and ("\n" in v or "\r" in v):
                self.warn(name, "a line break inside this cell; joined into one line", line,
                          _col(cols, header, f),
                          fix="check for a quote that is not closed where it should be")
            if clean:
                vals[f] = clean
            else:
                del vals[f]
        return ok

    # ------------------------------------------------------------ a row
    def _row(self, vals: dict, name: str, line: int, header, cols, base: Path,
             plain: bool = False) -> None:
        """One row. ``plain``: every cell is printable and within its limit (nothing to
        clean)."""
        # Flat files repeat an exhibitor's cells on each of its product rows: when they are
        # the same as on the exhibitor's previous row, skip straight to the product.
        get = vals.get
        has_product = "product" in vals
        desc = None if has_product else get("description")
        cells = tuple(map(get, self._ex_fields))
        ekey = (name, desc, *cells)
        ex = self._last_rows.get(ekey)
        if ex is None:
            n_errors = self.report.n_errors
            if not plain and not self._clean(vals, H.EXHIBITOR_CELLS, name, line, cols, header):
                return
            flagged = self.report.flagged
            was_flagged = (name, line) in flagged
            ex = self._exhibitor_part(vals, name, line, header, cols)
            if ex is None:
                return
            if self.report.n_errors == n_errors:
                if len(self._last_rows) > 4096:
                    self._last_rows.clear()
                self._last_rows[ekey] = ex
                if plain and not was_flagged:
                    # A warning about the exhibitor (a booth not on the plan, a value that
                    # differs from an earlier row's) does not keep the row from being known
                    # next time: its exhibitor cells are read again then (``_replay``, from
                    # cells that needed no cleaning), so the warning comes again.
                    flagged.discard((name, line))
        gid = self._group(has_product, desc, cells, ex, name) if self._track else 0
        self._product_part(ex, vals, name, line, header, cols, base, plain, gid)

    def _exhibitor_part(self, vals: dict, name: str, line: int, header, cols):
        get = vals.get          # cells checked by _clean already
        company = get("company")
        company_en = get("company_en")
        company_zh = get("company_zh")
        ex_id = get("exhibitor_id")
        display = company_en or company
        if company_en and company and _CJK_RE.search(company) and not company_zh:
            company_zh = company
        if not display and not ex_id:
            self.error(name, "the exhibitor's name is empty", line,
                       _col(cols, header, "company"), fix="fill in the company name")
            return None
        # --- which exhibitor
        if ex_id:
            slug = ex_id
            explicit = True
        else:
            slug = None
            explicit = False
            for key in (display, company_zh):
                if key:
                    slug = self.ctx.exhibitor_names.get(_norm(key))
                    if slug:
                        break
            if slug is None:
                base_name = display if not _CJK_RE.search(display or "") or not vals.get("pinyin") \
                    else vals["pinyin"]
                slug = slugify(base_name or display, "ex")
        ex = self.exhibitors.get(slug)
        if ex is None:
            existing = self.ctx.exhibitors.get(slug)
            if display is None and existing is None:
                self.error(name, f"exhibitor id {slug!r} is not in this file or the expo, and "
                           "the row has no exhibitor name", line,
                           _col(cols, header, "exhibitor_id"),
                           fix="add the exhibitor's name or correct the id")
                return None
            ex = Exhibitor(slug, display or existing["name"], line, name, explicit)
            self.exhibitors[slug] = ex
        elif display and display != ex.name and _norm(display) != _norm(ex.name):
            if explicit and ex.explicit_id:
                self.error(name, f"exhibitor id {slug!r} was used for “{ex.name}” on line "
                           f"{ex.line} of {ex.file}, here for “{display}”", line,
                           _col(cols, header, "exhibitor_id"),
                           fix="give each exhibitor its own id (conflicting duplicate id)")
                return None
        # exhibitor attributes (first non-empty value wins; a different one is a warning)
        ev = ex.values
        for f in ("company_zh", "pinyin", "country", "category", "zone", "exhibitor_summary"):
            v = company_zh if f == "company_zh" else get(f)
            if v is None:
                continue
            if f == "country":
                v = COUNTRIES.get(_norm(v), v)
            elif f == "zone":
                z = self.ctx.zones.get(_norm(v))
                if z is None:
                    self.warn(name, f"zone “{v}” is not a zone of this expo; left empty", line,
                              _col(cols, header, "zone"),
                              fix="use one of: " + ", ".join(sorted(set(self.ctx.zones.values()))))
                    ev.setdefault("zone", None)
                    continue
                v = z
            old = ev.get(f)
            if old is None:
                ev[f] = v
            elif old != v and f != "exhibitor_summary":
                self.warn(name, f"{f} “{v}” differs from “{old}” given earlier for "
                          f"{ex.name}; kept the first", line, _col(cols, header, f))
        if "description" in vals and "product" not in vals and "exhibitor_summary" not in ev:
            desc = get("description")
            if desc:
                ev["exhibitor_summary"] = desc
        srcs = vals.get("sources")
        src_list = None
        if srcs:
            src_list = [s for s in _BOOTH_SPLIT.split(srcs) if s]
            unknown = [s for s in src_list if s not in self.ctx.sources]
            if unknown:
                self.warn(name, "unknown source ids ignored: " + ", ".join(unknown), line,
                          _col(cols, header, "sources"))
                src_list = [s for s in src_list if s in self.ctx.sources] or None
        if src_list and "product" not in vals:
            ex.sources.extend(s for s in src_list if s not in ex.sources)
        # --- booths
        booth_cell = get("booth")
        if booth_cell:
            geometry = self._geometry(vals, name, line, cols, header)
            codes = [c for c in _BOOTH_SPLIT.split(booth_cell) if c]
            for code in codes:
                if len(code) > 40:
                    self.error(name, f"booth code “{code[:40]}…” is too long", line,
                               _col(cols, header, "booth"), fix="check the booth column")
                    continue
                self._booth(ex, code, vals, geometry if len(codes) == 1 else None,
                            name, line, cols, header)
        elif any(f in vals for f in ("x", "y", "w", "h")):
            self.error(name, "booth position given without a booth code", line,
                       _col(cols, header, "booth"), fix="fill in the booth code")
        return ex

    def _product_part(self, ex, vals, name, line, header, cols, base, plain=False,
                      gid=0) -> None:
        """The product of a row (the hot path of a large import: keep it lean)."""
        get = vals.get
        if not plain:
            for f, limit, single_line in H.PRODUCT_CELLS:
                v = get(f)
                if v is not None and (len(v) > limit or not v.isprintable()):
                    if not self._clean(vals, H.PRODUCT_CELLS, name, line, cols, header):
                        return      # refused (and reported)
                    break
        product = get("product")
        if product is None:
            for f in ("product_id", "tool_type", "image", "product_zh", "specs"):
                if f in vals:
                    self.error(name, "product details without a product name", line,
                               _col(cols, header, "product"),
                               fix="fill in the product name or clear the product columns")
                    return
            if self._track is not None:
                self._track.add(line, gid, "")      # a row of exhibitor cells only
            return
        desc = get("description")
        src_list = None
        srcs = get("sources")
        if srcs:
            src_list = [s for s in _BOOTH_SPLIT.split(srcs) if s in self.ctx.sources] or None
        pid = get("product_id")
        zh = get("product_zh")
        py = get("product_pinyin")
        tool = get("tool_type")
        specs_json = "{}"
        if "specs" in vals or "_specs_extra" in vals:
            specs = {}
            specs_text = get("specs")
            if specs_text:
                specs = self._specs(specs_text, name, line, cols, header)
                if specs is None:
                    return
            if get("_specs_extra"):
                specs.update(vals["_specs_extra"])
            if specs:
                specs_json = json.dumps(specs, ensure_ascii=False)
                if len(specs_json) > MAX_TEXT:
                    self.error(name, f"the specs are too long ({len(specs_json):,} characters "
                               f"as stored; at most {MAX_TEXT:,})", line,
                               _col(cols, header, "specs"), fix="shorten them")
                    return
        slug = pid or f"{ex.slug}-{slugify(product, 'p')}"
        tool_key = tool.lower() if tool else None
        image_sha1 = None
        img = get("image")
        if img:
            image_sha1 = self._image(img, get("image_credit"), name, line, cols, header, base)
            self.report.flagged.add((name, line))    # a picture may change on its own
        # Rows keep being written after an error (into the scratch table or the copy, which
        # is then thrown away), so that duplicates further down are found and listed too.
        if name not in self.product_col:
            self.product_col[name] = _col(cols, header, "product_id" if pid else "product")
        # label: what title_field(product, zh, exhibitor name) gives, inlined; its indexed
        # form part by part (see db.search.index_text), the exhibitor's name turned once
        exname = ex.name
        label = product
        title = index_part(product)
        if zh and zh != product:
            label += " | " + zh
            title += " | " + index_part(zh)
        if exname and exname != product and exname != zh:
            label += " | " + exname
            title += " | " + ex.indexed_name()
        # body: index_text(pinyin forms, tool, the tool's words, description), part by part
        parts = []
        if py:
            parts.append(index_part(f"{py} {py.replace(' ', '')}"))
        if tool:
            parts.append(index_part(tool))
            words = _TOOL_INDEXED.get(tool_key)
            if words:
                parts.append(words)
        if desc:
            parts.append(index_part(desc))
        body = " ".join(parts)
        self._add((slug, ex.slug, product, zh, py, tool_key, desc, specs_json, image_sha1),
                  label, title, body, src_list, name, line)
        if self._track is not None:
            self._track.add(line, gid, slug)

    def _geometry(self, vals, name, line, cols, header):
        if not any(f in vals for f in ("x", "y", "w", "h")):
            return None
        out = {}
        for f in ("x", "y", "w", "h"):
            v = vals.get(f)
            if v is None:
                self.error(name, f"booth position needs x, y, w and h; {f} is empty", line,
                           _col(cols, header, f), fix="fill in all four or none")
                return None
            try:
                num = float(v.replace(",", ".")) if v.count(",") == 1 and "." not in v \
                    else float(v)
            except ValueError:
                self.error(name, f"“{v}” is not a number", line, _col(cols, header, f),
                           fix="write a number in metres, e.g. 12.5")
                return None
            if num != num or num in (float("inf"), float("-inf")) or abs(num) > 1e6 \
                    or (f in ("w", "h") and num <= 0):
                self.error(name, f"{f} = {v} is out of range", line, _col(cols, header, f),
                           fix="width and depth must be positive metres")
                return None
            out[f] = num
        return out

    def _booth(self, ex, code, vals, geometry, name, line, cols, header):
        known = self.ctx.booths.get(code.casefold())
        if known:
            code = known
            if geometry:
                self.booth_geometry[code] = geometry
        else:
            pending = self.new_booths.get(code.casefold())
            if pending is not None:
                code = pending["code"]
            else:
                hall = None
                hv = vals.get("hall")
                if hv:
                    hall = self.ctx.halls.get(hv.casefold()) or self.ctx.halls.get(_norm(hv))
                row = {"code": code, "hall": hall, "zone": None, "placed": 0,
                       "x": None, "y": None, "w": None, "h": None, "exhibitor": ex.slug}
                if geometry:
                    row.update(geometry, placed=1)
                elif self.strict:
                    self.error(name, f"booth {code} is not on the floor plan", line,
                               _col(cols, header, "booth"),
                               fix="correct the booth code, add x, y, w, h columns, or import "
                                   "without --strict to list it as an unplaced booth")
                    return
                else:
                    self.warn(name, f"booth {code} is not on the floor plan; imported as an "
                              "unplaced booth", line, _col(cols, header, "booth"),
                              fix="correct the code or give its position (x, y, w, h)")
                self.new_booths[code.casefold()] = row
        ex.booths.setdefault(code, (name, line))

    def _specs(self, text, name, line, cols, header):
        if text.startswith("{"):
            try:
                val = json.loads(text)
            except json.JSONDecodeError as exc:
                self.error(name, f"specs are not valid JSON ({exc.msg})", line,
                           _col(cols, header, "specs"),
                           fix='write {"key": "value"} or key: value; key: value')
                return None
            if not isinstance(val, dict):
                self.error(name, "specs must be an object", line, _col(cols, header, "specs"))
                return None
            return {str(k): v for k, v in val.items()}
        out = {}
        for part in re.split(r"[;\n；]", text):
            if not part.strip():
                continue
            pieces = re.split(r"[:：=]", part, maxsplit=1)
            if len(pieces) < 2:
                self.error(name, f"spec “{shown(part.strip(), 40)}” has no value", line,
                           _col(cols, header, "specs"),
                           fix="write key: value pairs separated by semicolons")
                return None
            out[pieces[0].strip()] = pieces[1].strip()
        return out

    def _image(self, img, credit, name, line, cols, header, base: Path) -> str | None:
        """The sha1 of the picture a cell names, or None (with a warning naming the row).

        Pictures are read only from the picture folder (the catalogue file's folder,
        or the one named with ``pictures=``) and below, symlinks resolved first.
        """
        folder = self.picture_folder or base
        key = (folder, img)
        if key in self.image_by_path:
            return self.image_by_path[key]
        col = _col(cols, header, "image")
        sha = None
        text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in img[:120])
        text += "…" if len(img) > 120 else ""
        try:
            p = images.picture_path(img, folder)
            data = images.read_file(p)
            info = images.inspect(data)
            sha = info.sha1
            if sha not in self.images:
                credit = (credit or f"Supplied in the catalogue file {name}")[:MAX_SHORT]
                self.images[sha] = (p, info, credit)
                self.writer.picture(data, info, credit)
        except images.ImageProblem as exc:
            self.report.count("rejected", "picture")
            reason = str(exc)
            if "outside the picture folder" in reason:
                fix = ("put the picture in the catalogue file's folder (or below), or name "
                       "the pictures' folder when importing (--pictures DIR)"
                       if self.picture_folder is None else
                       "put the picture in the picture folder (or below)")
            elif reason in ("file not found", "not a valid file name"):
                fix = ("check the path (relative to the catalogue file)"
                       if self.picture_folder is None else
                       f"check the path (relative to the picture folder {folder})")
            else:
                fix = f"replace it with a JPEG or PNG under {images.MAX_PIXELS // 1_000_000} Mpx"
            self.warn(name, f"picture {text}: {reason}; imported without a picture", line, col,
                      fix=fix)
        self.image_by_path[key] = sha
        return sha
