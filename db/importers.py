"""Import exhibitor lists and catalogues into an expo file: all or nothing.

Formats (documented with examples in ``docs/catalogue-format.md``):

- CSV/TSV: comma, semicolon, tab or bar, sniffed from the header line; UTF-8
  with or without BOM, or GB18030 (detected; ``encoding=`` forces one).
  Headers are matched by name ignoring case, spaces and punctuation, with the
  common English and Chinese variants (``HEADERS``); ``mapping`` covers any
  other header. One flat file (one row per product) or several files
  (exhibitors, booths, products) that each carry the exhibitor's name.
- JSON: the document that ``export --format json`` writes.

How an import runs (``prepare_import`` then ``PreparedImport.commit``):

1. The expo file is copied (SQLite backup API) to a temporary file beside it;
   the expo file itself is never opened for writing.
2. Every row of every file is read and checked, and all errors are collected,
   each naming the file, line and column and saying what to fix. Good rows are
   written into the copy in one transaction as they are read: straight into
   its tables when the expo has no products yet (the bulk path: batches of
   ``executemany``), else into a scratch (TEMP) table that is merged with set
   operations at the end (added / updated / unchanged).
3. If there is any error, or the user cancels, the copy is deleted: the expo
   file is byte for byte as it was.
4. Otherwise the transaction commits, the copy is flushed to disk, and
   ``commit()`` renames it over the expo file (atomic on one file system).
   A killed process leaves at worst a stray ``.import-*`` file, which a later
   import removes.

Records keep stable ids: a file's own id column, else a slug derived from
the name (the same name always gives the same slug), else an existing
exhibitor with the same name. Re-importing updates those records; notes and
favourites, kept by id in the user file, survive.
"""
from __future__ import annotations

import base64
import codecs
import csv
import datetime as _dt
from array import array
import hashlib
import io
import json
import os
import re
import sqlite3
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import csvrows, fileops, images, schema
from .dates import DateError, parse_date
from .errors import DataError, describe, is_storage_fault, storage_error
from .exporters import FORMAT_VERSION, FORMULA_START
from .search import TOOL_WORDS, exhibitor_index_row, index_text, rebuild_index

# --------------------------------------------------------------------- fields
# Canonical field -> header names that mean it (compared after ``norm_header``).
HEADERS: dict[str, tuple[str, ...]] = {
    "exhibitor_id": ("exhibitor_id", "exhibitor id", "company id", "exhibitor slug",
                     "展商编号", "展商id", "公司编号", "企业编号"),
    "company": ("company", "exhibitor", "company name", "exhibitor name", "exhibiting company",
                "公司名称", "展商名称", "公司", "展商", "企业名称", "参展商", "参展商名称",
                "参展企业", "公司名"),
    "company_en": ("company name (english)", "english name", "company english name",
                   "英文名称", "公司英文名称", "英文名", "英文公司名称"),
    "company_zh": ("company_zh", "company name (chinese)", "chinese name", "company chinese name",
                   "中文名称", "公司中文名称", "中文名"),
    "pinyin": ("pinyin", "拼音"),
    "country": ("country", "country/region", "country or region", "nation", "国家/地区",
                "国家", "国家和地区", "国别", "国家或地区"),
    "category": ("category", "sector", "industry", "exhibitor category", "类别", "行业",
                 "展商类别", "企业类别"),
    "zone": ("zone", "area", "展区", "区域"),
    "booth": ("booth", "booth no.", "booth no", "booth number", "booth code", "booths", "stand",
              "stand no.", "stand number", "展位号", "展位", "摊位号", "展台号"),
    "hall": ("hall", "hall no.", "展馆", "馆号", "展厅"),
    "x": ("x", "booth x"), "y": ("y", "booth y"),
    "w": ("w", "width", "booth width"), "h": ("h", "height", "depth", "booth depth"),
    "exhibitor_summary": ("company profile", "company description", "exhibitor description",
                          "exhibitor summary", "about the company", "公司简介", "企业简介",
                          "展商简介", "公司介绍"),
    "description": ("description", "summary", "简介", "描述", "介绍", "product description",
                    "产品简介", "产品描述", "产品介绍"),
    "product_id": ("product_id", "product id", "sku", "model no.", "产品编号", "产品id"),
    "product": ("product", "product name", "产品", "产品名称", "展品", "展品名称"),
    "product_zh": ("product_zh", "product name (chinese)", "product chinese name", "产品中文名称"),
    "product_pinyin": ("product pinyin", "产品拼音"),
    "tool_type": ("tool type", "tool_type", "product type", "equipment type", "设备类型",
                  "产品类型", "工艺类型"),
    "specs": ("specs", "specifications", "规格", "参数", "技术参数", "规格参数"),
    "image": ("image", "picture", "photo", "image file", "image path", "图片", "产品图片",
              "图片文件", "照片"),
    "image_credit": ("image credit", "photo credit", "picture credit", "图片来源", "图片版权"),
    "sources": ("sources", "source", "来源"),
}
FIELDS = tuple(HEADERS)
EXHIBITOR_FIELDS = ("company", "company_en", "company_zh", "pinyin", "country", "category", "zone",
                    "exhibitor_summary")
PRODUCT_FIELDS = ("product", "product_id", "product_zh", "product_pinyin", "tool_type", "specs",
                  "image", "image_credit")

# Limits: longer values are refused with the line and column.
from .text import (MAX_ID, MAX_NAME, MAX_PATH, MAX_SHORT, MAX_TEXT,  # noqa: E402  (re-exported)
                   clean_field, field_limit)
MAX_ERRORS = 200           # listed in full up to this many; then counted
MAX_WARNINGS = 200
PRODUCT_ROWID_GAP = 1 << 24   # index rowids kept free before bulk-imported products

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

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_BOOTH_SPLIT = re.compile(r"[,;/|、，；\s]+")

# The longest cell of each field (characters) and whether it is kept on one line; a longer
# cell is refused with its line and column (db/text.py holds the limits).
CELL_LIMITS: dict[str, tuple[int, bool]] = {
    "exhibitor_id": (MAX_ID, True), "company": (MAX_NAME, True), "company_en": (MAX_NAME, True),
    "company_zh": (MAX_NAME, True), "pinyin": (MAX_NAME, True), "country": (MAX_SHORT, True),
    "category": (MAX_SHORT, True), "zone": (MAX_SHORT, True), "booth": (MAX_SHORT, True),
    "hall": (MAX_SHORT, True), "x": (MAX_SHORT, True), "y": (MAX_SHORT, True),
    "w": (MAX_SHORT, True), "h": (MAX_SHORT, True), "exhibitor_summary": (MAX_TEXT, False),
    "description": (MAX_TEXT, False), "product_id": (MAX_ID, True), "product": (MAX_NAME, True),
    "product_zh": (MAX_NAME, True), "product_pinyin": (MAX_NAME, True),
    "tool_type": (MAX_SHORT, True), "specs": (MAX_TEXT, False), "image": (MAX_PATH, True),
    "image_credit": (MAX_NAME, True), "sources": (MAX_TEXT, True),
}
assert set(CELL_LIMITS) == set(HEADERS)
# The csv module's own cap on a cell (its default, 131,072, would make a long cell look like
# a quoting problem): far above every limit, so a long cell is reported as too long, with
# its line and column; beyond it, the message says so.
CSV_CELL_CAP = 1 << 26
_PRODUCT_CELLS = tuple((f, CELL_LIMITS[f][0], CELL_LIMITS[f][1]) for f in (
    "product", "description", "product_id", "product_zh", "product_pinyin", "tool_type",
    "specs", "image", "image_credit", "sources"))
_EXHIBITOR_CELLS = tuple((f, CELL_LIMITS[f][0], CELL_LIMITS[f][1]) for f in (
    "exhibitor_id", "company", "company_en", "company_zh", "pinyin", "country", "category",
    "zone", "booth", "hall", "x", "y", "w", "h", "exhibitor_summary", "description", "sources"))


def _shown(text: str, limit: int = 60) -> str:
    """A value from a file as shown inside a message: on one line, at most ``limit`` long."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def norm_header(text: str) -> str:
    """Header as compared: NFKC, case-folded, without spaces and punctuation."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text or "").casefold())


_ALIASES = {norm_header(alias): f for f, names in HEADERS.items() for alias in names + (f,)}
# Columns our own CSV export writes that describe the expo, not the record: read, not warned about.
_ALIASES.update({norm_header(c): "ignore" for c in ("layout",)})


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


def col_letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


# ------------------------------------------------------------------- results
@dataclass
class Problem:
    file: str
    message: str
    line: int | None = None
    column: str | None = None     # e.g. 'C ("Booth No.")' or a JSON path
    fix: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f": line {self.line}"
        if self.column and self.line is not None:
            where += f", column {self.column}"
        elif self.column:
            where += f": {self.column}"       # a record of a JSON document
        return f"{where}: {self.message}" + (f"; {self.fix}" if self.fix else "")


@dataclass
class ImportReport:
    files: list[str] = field(default_factory=list)
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    more_warnings: int = 0
    more_errors: int = 0
    rows: int = 0
    seconds: float = 0.0

    def count(self, what: str, kind: str, n: int = 1) -> None:
        d = getattr(self, what)
        d[kind] = d.get(kind, 0) + n

    def total(self, what: str) -> int:
        return sum(getattr(self, what).values())

    def warn(self, problem: Problem) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(problem)
        else:
            self.more_warnings += 1

    def error(self, problem: Problem) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(problem)
        else:
            self.more_errors += 1

    def summary(self) -> str:
        def fmt(d):
            return ", ".join(f"{v} {plural(k, v)}" for k, v in sorted(d.items()) if v) or "none"
        lines = [f"added: {fmt(self.added)}", f"updated: {fmt(self.updated)}",
                 f"unchanged: {fmt(self.unchanged)}", f"rejected: {fmt(self.rejected)}"]
        n = len(self.warnings) + self.more_warnings
        if n:
            lines.append(f"{n} warning{'s' if n != 1 else ''}")
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {"files": self.files, "added": self.added, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected, "rows": self.rows,
                "warnings": [str(w) for w in self.warnings], "more_warnings": self.more_warnings,
                "errors": [str(e) for e in self.errors], "more_errors": self.more_errors,
                "seconds": round(self.seconds, 3)}


def plural(kind: str, n: int) -> str:
    if n == 1:
        return kind
    return {"person": "people", "supply entry": "supply entries", "duplicate row": "duplicate rows"
            }.get(kind, kind + "s")


class ImportFailed(DataError):
    """The files have errors; nothing was imported. ``report.errors`` lists them all."""

    def __init__(self, report: ImportReport):
        self.report = report
        n = len(report.errors) + report.more_errors
        first = str(report.errors[0]) if report.errors else "import failed"
        more = f" (and {n - 1} more error{'s' if n > 2 else ''})" if n > 1 else ""
        super().__init__(first + more + "; nothing was imported")


class ImportCancelled(Exception):
    """The user cancelled; nothing was imported."""


Progress = Callable[[float, str], None]


# ------------------------------------------------------------------ decoding
def detect_encoding(path: Path, data_head: bytes | None = None) -> tuple[str, str | None]:
    """(encoding, note) for a text file: UTF-8 (BOM or not), else GB18030; DataError if neither."""
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
    raise _DecodeProblem(line, "the text is neither UTF-8 nor GB18030",
                         "save the file as UTF-8 (or pass --encoding with its encoding)")


class _DecodeProblem(Exception):
    def __init__(self, line, message, fix):
        super().__init__(message)
        self.line, self.message, self.fix = line, message, fix


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


# -------------------------------------------------------------- staging rows
@dataclass
class _Exhibitor:
    slug: str
    name: str
    line: int
    file: str
    explicit_id: bool
    values: dict = field(default_factory=dict)       # field -> value (first non-empty wins)
    booths: dict = field(default_factory=dict)       # code -> (file, line, col) (ordered)
    sources: list = field(default_factory=list)


@dataclass
class _Context:
    """What the target expo already holds, loaded once (small tables only)."""
    booths: dict[str, str]                     # casefolded code -> code
    halls: dict[str, str]                      # casefolded slug or name -> slug
    zones: dict[str, str]                      # casefolded slug/name/name_zh -> slug
    exhibitors: dict[str, dict]                # slug -> row
    exhibitor_names: dict[str, str]            # casefolded name / name_zh -> slug
    sources: set[str]
    products_empty: bool


def _load_context(conn: sqlite3.Connection) -> _Context:
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
            halls.setdefault(norm_header(name), slug)
    zones = {}
    for slug, name, zh in conn.execute("SELECT CAST(slug AS TEXT), CAST(name AS TEXT), "
                                       "CAST(name_zh AS TEXT) FROM zones WHERE slug IS NOT NULL"):
        for key in (slug, name, zh):
            if key:
                zones.setdefault(norm_header(key), slug)
    cols = ("slug", "name", "name_zh", "pinyin", "aliases", "country", "category", "zone", "summary")
    exhibitors = {r[0]: dict(zip(cols, r)) for r in conn.execute(
        f"SELECT {', '.join(f'CAST({c} AS TEXT)' for c in cols)} FROM exhibitors "
        "WHERE slug IS NOT NULL")}
    names = {}
    for slug, ex in exhibitors.items():
        for key in (ex["name"], ex["name_zh"]):
            if key:
                names.setdefault(_name_key(key), slug)
    sources = {s for (s,) in conn.execute("SELECT id FROM sources")}
    empty = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM products)").fetchone()[0] == 1
    return _Context(booths, halls, zones, exhibitors, names, sources, bool(empty))


def _name_key(name: str) -> str:
    return norm_header(name)


# Columns that describe the exhibitor of a row (a repeated exhibitor is recognised by them).
_EXHIBITOR_KEY = ("exhibitor_id", "company", "company_en", "company_zh", "pinyin", "country",
                  "category", "zone", "exhibitor_summary", "booth", "hall", "x", "y", "w", "h",
                  "sources")

_STAGE_COLS = ("slug", "exhibitor", "name", "name_zh", "pinyin", "tool_type", "summary", "specs",
               "image_sha1", "sources", "label", "title", "body", "file", "line")


class _Importer:
    def __init__(self, conn: sqlite3.Connection, *, encoding: str | None,
                 mapping: dict[str, str] | None, strict: bool, progress: Progress | None,
                 cancel: Callable[[], bool] | None):
        self.conn = conn
        self.encoding = encoding
        self.mapping = {norm_header(k): v for k, v in (mapping or {}).items()}
        self.strict = strict
        self.progress = progress or (lambda f, m: None)
        self.cancel = cancel or (lambda: False)
        self.report = ImportReport()
        self.ctx = _load_context(conn)
        self.exhibitors: dict[str, _Exhibitor] = {}
        self._last_rows: dict[tuple, _Exhibitor] = {}
        self.new_booths: dict[str, dict] = {}           # code -> booth row (unplaced or placed)
        self.booth_geometry: dict[str, dict] = {}       # existing code -> new geometry
        self.product_col: dict[str, str] = {}           # file -> product id / name column
        self.images: dict[str, tuple] = {}              # sha1 -> (path, Inspected, credit)
        self.image_by_path: dict[tuple, str | None] = {}   # (folder, cell) -> sha1
        self.import_sources: dict[str, dict] = {}       # file -> source row
        self.staged = 0
        self._stage_buf: list[tuple] = []
        self.direct = False
        self._p_buf: list[tuple] = []
        self._s_buf: list[tuple] = []
        self._c_buf: list[tuple] = []
        self._lines = array("i")
        self._files = array("H")
        self._row_index = array("i")     # product rowid - first -> index in _lines
        self.image_ids: dict[str, int] = {}
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS stage_products(" +
                     ", ".join(_STAGE_COLS) + ")")
        conn.execute("DELETE FROM stage_products")

    # ------------------------------------------------------------ problems
    def error(self, file, message, line=None, column=None, fix=""):
        self.report.error(Problem(file, message, line, column, fix))

    def warn(self, file, message, line=None, column=None, fix=""):
        self.report.warn(Problem(file, message, line, column, fix))

    # ------------------------------------------------------------ CSV files
    def read_csv(self, path: Path, file_no: int, n_files: int) -> None:
        name = path.name
        try:
            size = path.stat().st_size
        except OSError as exc:
            self.error(name, f"cannot read the file ({exc.strerror or exc})")
            return
        if size == 0:
            self.error(name, "the file is empty", fix="export the list again with a header row")
            return
        encoding = self.encoding
        if encoding is None:
            try:
                encoding, note = detect_encoding(path)
            except _DecodeProblem as exc:
                self.error(name, exc.message, exc.line, fix=exc.fix)
                return
            if note:
                self.warn(name, note, fix="pass --encoding if this is wrong")
        else:
            try:
                codecs.lookup(encoding)
            except LookupError:
                self.error(name, f"unknown encoding {encoding!r}",
                           fix="use e.g. utf-8, utf-8-sig or gb18030")
                return
        raw = fileops.open_regular(path, "a catalogue file")
        try:
            text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
            try:
                first = text.readline()
                text.seek(0)
            except UnicodeDecodeError:
                self.error(name, f"text that is not valid {encoding}", 1,
                           fix="save the file as UTF-8 or pass the right --encoding")
                return
            delimiter = sniff_delimiter(first, path.suffix)
            csv.field_size_limit(CSV_CELL_CAP)
            reader = csvrows.reader(text, delimiter=delimiter, quotechar='"', doublequote=True,
                                    skipinitialspace=False, strict=False)
            self._read_rows(reader, name, path, raw, size, file_no, n_files, encoding)
        finally:
            raw.close()

    def _header(self, header: list[str], name: str) -> dict[str, int] | None:
        cols: dict[str, int] = {}
        specs: dict[str, int] = {}
        ignored = []
        for i, h in enumerate(header):
            h_clean = (h or "").strip().lstrip("\ufeff")
            key = norm_header(h_clean)
            if not key:
                continue
            target = self.mapping.get(key) or _ALIASES.get(key)
            if target in ("ignore", "-"):
                continue
            if target is None:
                ignored.append(f'{col_letter(i)} ("{_shown(h_clean)}")')
                continue
            if target.startswith("specs."):
                specs[target[6:]] = i
                continue
            if target in cols and target in ("company", "product") \
                    and f"{target}_zh" not in cols and key not in self.mapping:
                # Bilingual lists: "Company" and "公司名称" side by side; the column with
                # the Chinese header holds the Chinese name.
                j = cols[target]
                if _CJK_RE.search(h_clean) and not _CJK_RE.search(header[j]):
                    cols[f"{target}_zh"] = i
                    continue
                if _CJK_RE.search(header[j]) and not _CJK_RE.search(h_clean):
                    cols[f"{target}_zh"] = j
                    cols[target] = i
                    continue
            if target in cols:
                j = cols[target]
                self.error(name, f'columns {col_letter(j)} ("{_shown(header[j])}") and '
                           f'{col_letter(i)} ("{_shown(h_clean)}") both mean "{target}"', 1,
                           fix="rename or remove one of them, or use --map to say which is which")
                continue
            cols[target] = i
        if ignored:
            self.warn(name, "columns not recognised, ignored: " + ", ".join(ignored), 1,
                      fix='use --map "HEADER=field" to import one (see docs/catalogue-format.md)')
        if "company" not in cols and "company_en" not in cols:
            if "exhibitor_id" in cols and "product" in cols:
                pass  # a product file that names exhibitors by id only
            else:
                shown = [f'"{_shown(h)}"' for h in header if h.strip()]
                found = ", ".join(shown[:12]) + (f" and {len(shown) - 12} more"
                                                  if len(shown) > 12 else "") or "none"
                self.error(name, "no exhibitor name column (e.g. Company, Exhibitor, 公司名称, "
                           f"展商名称); headers found: {found}", 1,
                           fix='rename the column or pass --map "YOUR HEADER=company"')
                return None
        self._specs_cols = specs
        return cols

    def _read_rows(self, reader, name, path, raw, size, file_no, n_files, encoding) -> None:
        line_start = 1
        try:
            header = next(reader)
        except StopIteration:
            self.error(name, "the file is empty", fix="export the list again with a header row")
            return
        except UnicodeDecodeError:
            self.error(name, f"the header is not valid {encoding}", 1,
                       fix="save the file as UTF-8 or pass the right --encoding")
            return
        except csv.Error as exc:
            self.error(name, f"cannot read the header ({exc})", 1)
            return
        cols = self._header(header, name)
        if cols is None:
            return
        self._ex_fields = [f for f in _EXHIBITOR_KEY if f in cols]
        header = [_shown(h.strip().lstrip("\ufeff")) for h in header]   # for messages
        ncols = len(header)
        base = Path(path).parent
        items = list(cols.items())
        width_warned = False
        rows = 0
        line_start = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError:
                self.error(name, f"text that is not valid {encoding} (at or after this line)",
                           reader.line_num + 1,
                           fix="save the file as UTF-8 or pass the right --encoding")
                return
            except csv.Error as exc:
                if "field limit" in str(exc):
                    self.error(name, f"a cell of more than {CSV_CELL_CAP:,} characters: far too "
                               "long, or a quote that is never closed", line_start,
                               fix="check the quotes from this line on; shorten the cell")
                else:
                    self.error(name, f"cannot read this row ({exc})", reader.line_num,
                               fix="check the quotes on this line")
                line_start = reader.line_num + 1
                continue
            line = line_start
            line_start = reader.line_num + 1
            rows += 1
            if rows % 2000 == 0:
                if self.cancel():
                    raise ImportCancelled()
                frac = (file_no + min(1.0, raw.tell() / size)) / n_files
                self.progress(0.75 * frac, f"{name}: line {line}")
            if len(row) > ncols and any(c.strip() for c in row[ncols:]) and not width_warned:
                width_warned = True
                self.warn(name, f"this row has {len(row)} cells but the header {ncols}; "
                          "the extra cells were ignored", line,
                          fix="check the delimiter and the quotes")
            vals = {}
            full = len(row) >= ncols
            for f, i in items:
                if full or i < len(row):
                    v = row[i]
                    if v:
                        v = v.strip()
                        if v:
                            if v[0] == "'" and len(v) > 1 and v[1] in FORMULA_START:
                                v = v[1:]   # undo the formula guard of our CSV export
                            vals[f] = v
            if not vals:
                continue
            if self._specs_cols:
                specs = {}
                for k, i in self._specs_cols.items():
                    v = row[i].strip() if i < len(row) else ""
                    if v:
                        clean, problem = clean_field(v, MAX_TEXT, False)
                        if clean is None:
                            self.error(name, problem, line, f'{col_letter(i)} ("{header[i]}")',
                                       fix="shorten it" if problem.startswith("too long")
                                       else "remove it (the file may be binary or damaged)")
                            specs = None
                            break
                        specs[k] = clean
                if specs is None:
                    continue
                if specs:
                    vals["_specs_extra"] = specs
            self._row(vals, name, line, header, cols, base)
        self.report.rows += rows

    def _col(self, cols, header, f) -> str:
        i = cols.get(f)
        if i is None:
            return f
        return f'{col_letter(i)} ("{header[i]}")'

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
                              "picture", line, self._col(cols, header, f),
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
                self.error(name, problem, line, self._col(cols, header, f), fix=fix)
                continue
            if single_line and ("\n" in v or "\r" in v):
                self.warn(name, "a line break inside this cell; joined into one line", line,
                          self._col(cols, header, f),
                          fix="check for a quote that is not closed where it should be")
            if clean:
                vals[f] = clean
            else:
                del vals[f]
        return ok

    def _row(self, vals: dict, name: str, line: int, header, cols, base: Path) -> None:
        # Flat files repeat an exhibitor's cells on each of its product rows: when they are
        # the same as on the exhibitor's previous row, skip straight to the product.
        get = vals.get
        ekey = (name, None if "product" in vals else get("description"),
                *[get(f) for f in self._ex_fields])
        ex = self._last_rows.get(ekey)
        if ex is None:
            n_errors = len(self.report.errors) + self.report.more_errors
            if not self._clean(vals, _EXHIBITOR_CELLS, name, line, cols, header):
                return
            ex = self._exhibitor_part(vals, name, line, header, cols)
            if ex is None:
                return
            if len(self.report.errors) + self.report.more_errors == n_errors:
                if len(self._last_rows) > 4096:
                    self._last_rows.clear()
                self._last_rows[ekey] = ex
        self._product_part(ex, vals, name, line, header, cols, base)

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
                       self._col(cols, header, "company"), fix="fill in the company name")
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
                    slug = self.ctx.exhibitor_names.get(_name_key(key))
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
                           self._col(cols, header, "exhibitor_id"),
                           fix="add the exhibitor's name or correct the id")
                return None
            ex = _Exhibitor(slug, display or existing["name"], line, name, explicit)
            self.exhibitors[slug] = ex
        elif display and display != ex.name and norm_header(display) != norm_header(ex.name):
            if explicit and ex.explicit_id:
                self.error(name, f"exhibitor id {slug!r} was used for “{ex.name}” on line "
                           f"{ex.line} of {ex.file}, here for “{display}”", line,
                           self._col(cols, header, "exhibitor_id"),
                           fix="give each exhibitor its own id (conflicting duplicate id)")
                return None
        # exhibitor attributes (first non-empty value wins; a different one is a warning)
        ev = ex.values
        for f in ("company_zh", "pinyin", "country", "category", "zone", "exhibitor_summary"):
            v = company_zh if f == "company_zh" else get(f)
            if v is None:
                continue
            if f == "country":
                v = COUNTRIES.get(norm_header(v), v)
            elif f == "zone":
                z = self.ctx.zones.get(norm_header(v))
                if z is None:
                    self.warn(name, f"zone “{v}” is not a zone of this expo; left empty", line,
                              self._col(cols, header, "zone"),
                              fix="use one of: " + ", ".join(sorted(set(self.ctx.zones.values()))))
                    ev.setdefault("zone", None)
                    continue
                v = z
            old = ev.get(f)
            if old is None:
                ev[f] = v
            elif old != v and f != "exhibitor_summary":
                self.warn(name, f"{f} “{v}” differs from “{old}” given earlier for "
                          f"{ex.name}; kept the first", line, self._col(cols, header, f))
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
                          self._col(cols, header, "sources"))
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
                               self._col(cols, header, "booth"), fix="check the booth column")
                    continue
                self._booth(ex, code, vals, geometry if len(codes) == 1 else None,
                            name, line, cols, header)
        elif any(f in vals for f in ("x", "y", "w", "h")):
            self.error(name, "booth position given without a booth code", line,
                       self._col(cols, header, "booth"), fix="fill in the booth code")
        return ex

    def _product_part(self, ex, vals, name, line, header, cols, base) -> None:
        """The product of a row (the hot path of a large import: keep it lean)."""
        get = vals.get
        for f, limit, single_line in _PRODUCT_CELLS:
            v = get(f)
            if v is not None and (len(v) > limit or not v.isprintable()):
                if not self._clean(vals, _PRODUCT_CELLS, name, line, cols, header):
                    return      # refused (and reported)
                break
        product = get("product")
        if product is None:
            for f in ("product_id", "tool_type", "image", "product_zh", "specs"):
                if f in vals:
                    self.error(name, "product details without a product name", line,
                               self._col(cols, header, "product"),
                               fix="fill in the product name or clear the product columns")
                    break
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
                               self._col(cols, header, "specs"), fix="shorten them")
                    return
        slug = pid or f"{ex.slug}-{slugify(product, 'p')}"
        tool_key = tool.lower() if tool else None
        image_sha1 = None
        img = get("image")
        if img:
            image_sha1 = self._image(img, get("image_credit"), name, line, cols, header, base)
        # Rows keep being written after an error (into the scratch table or the copy, which
        # is then thrown away), so that duplicates further down are found and listed too.
        if name not in self.product_col:
            self.product_col[name] = self._col(cols, header, "product_id" if pid else "product")
        # label: what title_field(product, zh, exhibitor name) gives, inlined
        exname = ex.name
        label = product
        if zh and zh != product:
            label += " | " + zh
        if exname and exname != product and exname != zh:
            label += " | " + exname
        body = index_text(f"{py} {py.replace(' ', '')}" if py else None, tool,
                          TOOL_WORDS.get(tool_key) if tool_key else None, desc)
        if self.direct:
            # Bulk path (the expo has no products yet): straight into the tables of the copy.
            self._rowid += 1
            self._p_buf.append((slug, ex.slug, product, zh, py, tool_key, desc, specs_json,
                                self.image_ids.get(image_sha1) if image_sha1 else None))
            self._s_buf.append((self._rowid, "product", slug, label,
                                label if label.isascii() else index_text(label), body))
            if src_list:
                self._c_buf.extend(("product", slug, s_) for s_ in src_list)
            else:
                self._c_buf.append(("product", slug, self.file_source[name]))
            self._lines.append(line)
            self._files.append(self._file_no[name])
            if len(self._p_buf) >= 5000:
                self.flush_direct()
            return
        self._stage_buf.append((
            slug, ex.slug, product, zh, py, tool_key, desc, specs_json, image_sha1,
            " ".join(src_list) if src_list else None, label, index_text(label), body, name, line))
        if len(self._stage_buf) >= 5000:
            self.flush_stage()

    def _geometry(self, vals, name, line, cols, header):
        if not any(f in vals for f in ("x", "y", "w", "h")):
            return None
        out = {}
        for f in ("x", "y", "w", "h"):
            v = vals.get(f)
            if v is None:
                self.error(name, f"booth position needs x, y, w and h; {f} is empty", line,
                           self._col(cols, header, f), fix="fill in all four or none")
                return None
            try:
                num = float(v.replace(",", ".")) if v.count(",") == 1 and "." not in v \
                    else float(v)
            except ValueError:
                self.error(name, f"“{v}” is not a number", line, self._col(cols, header, f),
                           fix="write a number in metres, e.g. 12.5")
                return None
            if num != num or num in (float("inf"), float("-inf")) or abs(num) > 1e6 \
                    or (f in ("w", "h") and num <= 0):
                self.error(name, f"{f} = {v} is out of range", line, self._col(cols, header, f),
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
                    hall = self.ctx.halls.get(hv.casefold()) or self.ctx.halls.get(norm_header(hv))
                row = {"code": code, "hall": hall, "zone": None, "placed": 0,
                       "x": None, "y": None, "w": None, "h": None, "exhibitor": ex.slug}
                if geometry:
                    row.update(geometry, placed=1)
                elif self.strict:
                    self.error(name, f"booth {code} is not on the floor plan", line,
                               self._col(cols, header, "booth"),
                               fix="correct the booth code, add x, y, w, h columns, or import "
                                   "without --strict to list it as an unplaced booth")
                    return
                else:
                    self.warn(name, f"booth {code} is not on the floor plan; imported as an "
                              "unplaced booth", line, self._col(cols, header, "booth"),
                              fix="correct the code or give its position (x, y, w, h)")
                self.new_booths[code.casefold()] = row
        ex.booths.setdefault(code, (name, line))

    def start_direct(self, files: list[Path]) -> None:
        """Use the bulk path: the target has no products, so every product is new."""
        self.direct = True
        # Exhibitors are written after their products: check references at COMMIT.
        self.conn.execute("PRAGMA defer_foreign_keys = ON")
        self.file_source = _import_sources(self.conn, files)
        self._file_no = {f.name: i for i, f in enumerate(files)}
        self._file_names = [f.name for f in files]
        self._rowid_base = self.conn.execute(
            "SELECT coalesce(max(rowid), 0) FROM search").fetchone()[0]
        # Product rows get index rowids after a gap, so that the exhibitors written at the end
        # still come first in index order (see db.search.search).
        self._rowid = self._rowid_base + PRODUCT_ROWID_GAP
        self._first_product = self.conn.execute(
            "SELECT coalesce(max(rowid), 0) FROM products").fetchone()[0] + 1

    def flush_direct(self) -> None:
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
            conn.executemany("INSERT INTO products(slug, exhibitor, name, name_zh, pinyin, "
                             "tool_type, summary, specs, image) VALUES (?,?,?,?,?,?,?,?,?)",
                             p_buf)
            done = len(p_buf)
        except sqlite3.IntegrityError:
            # Rows before the failing one are in (rowids follow each other); the rest goes
            # one by one, so that each duplicate is found and reported.
            done = conn.execute("SELECT coalesce(max(rowid), 0) FROM products"
                                ).fetchone()[0] - before
        if done:
            slugs = {p[0] for p in p_buf[:done]} if done < len(p_buf) else None
            conn.executemany("INSERT OR IGNORE INTO cites(kind, ref, source) VALUES (?, ?, ?)",
                             c_buf if slugs is None else [c for c in c_buf if c[1] in slugs])
            conn.executemany("INSERT INTO search(rowid, kind, ref, label, title, body) "
                             "VALUES (?,?,?,?,?,?)", s_buf[:done])
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
                conn.execute("INSERT INTO products(slug, exhibitor, name, name_zh, pinyin, "
                             "tool_type, summary, specs, image) VALUES (?,?,?,?,?,?,?,?,?)", prow)
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
            conn.executemany("INSERT OR IGNORE INTO cites(kind, ref, source) VALUES (?, ?, ?)",
                             cites.get(prow[0], []))
            conn.execute("INSERT INTO search(rowid, kind, ref, label, title, body) "
                         "VALUES (?,?,?,?,?,?)", srow)
            kept += 1
        self.staged += kept

    def check_duplicates(self) -> None:
        """Products given twice: identical rows are skipped, differing ones are errors."""
        self.flush_stage()
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

    def flush_stage(self) -> None:
        if self._stage_buf:
            self.conn.executemany(
                f"INSERT INTO stage_products VALUES ({', '.join('?' * len(_STAGE_COLS))})",
                self._stage_buf)
            self.staged += len(self._stage_buf)
            self._stage_buf.clear()

    def _specs(self, text, name, line, cols, header):
        if text.startswith("{"):
            try:
                val = json.loads(text)
            except json.JSONDecodeError as exc:
                self.error(name, f"specs are not valid JSON ({exc.msg})", line,
                           self._col(cols, header, "specs"),
                           fix='write {"key": "value"} or key: value; key: value')
                return None
            if not isinstance(val, dict):
                self.error(name, "specs must be an object", line, self._col(cols, header, "specs"))
                return None
            return {str(k): v for k, v in val.items()}
        out = {}
        for part in re.split(r"[;\n；]", text):
            if not part.strip():
                continue
            pieces = re.split(r"[:：=]", part, maxsplit=1)
            if len(pieces) < 2:
                self.error(name, f"spec “{_shown(part.strip(), 40)}” has no value", line,
                           self._col(cols, header, "specs"),
                           fix="write key: value pairs separated by semicolons")
                return None
            out[pieces[0].strip()] = pieces[1].strip()
        return out

    picture_folder: Path | None = None   # set by prepare_import(pictures=…)

    def _image(self, img, credit, name, line, cols, header, base: Path) -> str | None:
        """The sha1 of the picture a cell names, or None (with a warning naming the row).

        Pictures are read only from the picture folder (the catalogue file's folder,
        or the one named with ``pictures=``) and below, symlinks resolved first.
        """
        folder = self.picture_folder or base
        key = (folder, img)
        if key in self.image_by_path:
            return self.image_by_path[key]
        col = self._col(cols, header, "image")
        sha = None
        shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in img[:120])
        shown += "…" if len(img) > 120 else ""
        try:
            p = images.picture_path(img, folder)
            data = images.read_file(p)
            info = images.inspect(data)
            sha = info.sha1
            if sha not in self.images:
                credit = (credit or f"Supplied in the catalogue file {name}")[:MAX_SHORT]
                self.images[sha] = (p, info, credit)
                if self.direct:
                    self.image_ids[sha] = _store_image(self.conn, data, info, credit)
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
            self.warn(name, f"picture {shown}: {reason}; imported without a picture", line, col,
                      fix=fix)
        self.image_by_path[key] = sha
        return sha

    # --------------------------------------------------------------- JSON
    def read_json(self, path: Path) -> dict | None:
        name = path.name
        try:
            with fileops.open_regular(path, "a JSON document") as fh:
                raw = fh.read()
        except OSError as exc:
            self.error(name, f"cannot read the file ({describe(exc)})")
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            self.error(name, "not valid UTF-8", line, fix="save the JSON file as UTF-8")
            return None
        del raw
        try:
            doc = json.loads(text, parse_constant=_no_constant)
        except json.JSONDecodeError as exc:
            self.error(name, f"invalid JSON ({exc.msg})", exc.lineno, f"{exc.colno}",
                       fix="check the brackets, quotes and commas there")
            return None
        except RecursionError:
            self.error(name, "invalid JSON (nested too deeply)",
                       fix="export the document again")
            return None
        except ValueError as exc:      # NaN/Infinity, or an integer of thousands of digits
            self.error(name, f"invalid JSON ({exc})", fix="write plain numbers")
            return None
        if not isinstance(doc, dict) or doc.get("format") != "wesemibay-expo":
            self.error(name, 'not an expo document (no "format": "wesemibay-expo")',
                       fix="import the JSON that `wesemibay-db export --format json` writes, "
                           "or a CSV file")
            return None
        version = doc.get("format_version", 1)
        if isinstance(version, bool) or not isinstance(version, (int, float)):
            self.error(name, f'"format_version" must be a number, not {_kind_of(version)}',
                       fix="import the JSON that `wesemibay-db export --format json` writes")
            return None
        if version > FORMAT_VERSION:
            self.error(name, f"format_version {doc.get('format_version')} is newer than this "
                       f"program reads ({FORMAT_VERSION})", fix="update WeSemiBay Explorer")
            return None
        return doc


def _no_constant(word: str):
    raise ValueError(f"{word} is not a number JSON allows")


# ------------------------------------------------------------------ JSON docs
_JSON_SECTIONS = {
    # section: (key, required fields, table, columns)
    "zones": ("slug", ("slug", "name"), "zones", ("slug", "name", "name_zh", "color", "sort")),
    "halls": ("slug", ("slug", "name", "x", "y", "w", "h"), "halls",
              ("slug", "name", "level", "x", "y", "w", "h", "zone")),
    "booths": ("code", ("code",), "booths", ("code", "hall", "zone", "x", "y", "w", "h", "placed")),
    "exhibitors": ("slug", ("slug", "name"), "exhibitors",
                   ("slug", "name", "name_zh", "name_zh_note", "pinyin", "aliases", "country",
                    "category", "zone", "summary")),
    "organisations": ("slug", ("slug", "name"), "organisations",
                      ("slug", "name", "name_zh", "kind", "summary")),
    "products": ("slug", ("slug", "exhibitor", "name"), "products",
                 ("slug", "exhibitor", "name", "name_zh", "name_zh_note", "pinyin", "tool_type",
                  "shown_at_expo", "summary", "specs", "image")),
    "topics": ("slug", ("slug", "title"), "topics", ("slug", "title", "summary", "side")),
    "events": ("slug", ("slug", "date", "title", "side"), "events",
               ("slug", "date", "date_precision", "title", "summary", "side")),
    "people": ("slug", ("slug", "name"), "people",
               ("slug", "name", "name_zh", "role", "organisation", "affiliation_text", "note")),
    "quotes": ("id", ("id", "text"), "quotes",
               ("id", "person", "text", "language", "translation", "translation_note", "context")),
    "links": ("id", ("id", "from_kind", "from", "to_kind", "to", "reason"), "links",
              ("id", "from_kind", "from_slug", "to_kind", "to_slug", "reason")),
    "supply_map": ("tool_type", ("tool_type",), "supply_map",
                   ("tool_type", "input_id", "input_name", "why")),
    "sources": ("id", ("id", "title"), "sources",
                ("id", "title", "publisher", "author", "date", "date_precision", "url", "citations",
                 "kind", "licence", "note")),
}
_CITE_KIND = {"supply_map": "supply", "zones": "zone", "exhibitors": "exhibitor",
              "organisations": "organisation",
              "products": "product", "topics": "topic", "events": "event", "people": "person",
              "quotes": "quote", "links": "link"}
# What each field of a record must hold: "str" (a text, limit by column: db.text.field_limit),
# "int" (a 64-bit integer), "num" (a finite number), "bool", "ids" (a list of ids), "strs"
# (a list of names), "json" (any JSON value, stored as JSON text). null is allowed where the
# field is not required. Fields not listed are ignored.
_S, _I, _N, _B, _IDS = "str", "int", "num", "bool", "ids"
_JSON_TYPES: dict[str, dict[str, str]] = {
    "zones": {"slug": _S, "name": _S, "name_zh": _S, "color": _S, "sort": _I, "sources": _IDS},
    "halls": {"slug": _S, "name": _S, "level": _I, "x": _N, "y": _N, "w": _N, "h": _N,
              "zone": _S},
    "booths": {"code": _S, "hall": _S, "zone": _S, "x": _N, "y": _N, "w": _N, "h": _N,
               "placed": _B, "exhibitors": _IDS},
    "exhibitors": {"slug": _S, "name": _S, "name_zh": _S, "name_zh_note": _S, "pinyin": _S,
                   "aliases": "strs",
                   "country": _S, "category": _S, "zone": _S, "summary": _S, "sources": _IDS,
                   "booths": _IDS},
    "organisations": {"slug": _S, "name": _S, "name_zh": _S, "kind": _S, "summary": _S,
                      "sources": _IDS},
    "products": {"slug": _S, "exhibitor": _S, "name": _S, "name_zh": _S, "name_zh_note": _S,
                 "pinyin": _S, "tool_type": _S, "shown_at_expo": _B, "summary": _S,
                 "specs": "json", "image": _S, "sources": _IDS},
    "topics": {"slug": _S, "title": _S, "summary": _S, "side": _S, "sources": _IDS},
    "events": {"slug": _S, "date": _S, "date_precision": _S, "title": _S, "summary": _S,
               "side": _S, "sources": _IDS, "topics": _IDS},
    "people": {"slug": _S, "name": _S, "name_zh": _S, "role": _S, "organisation": _S,
               "affiliation_text": _S, "note": _S, "sources": _IDS},
    "quotes": {"id": _S, "person": _S, "text": _S, "language": _S, "translation": _S,
               "translation_note": _S, "context": _S, "sources": _IDS},
    "links": {"id": _S, "from_kind": _S, "from": _S, "to_kind": _S, "to": _S, "reason": _S,
              "sources": _IDS},
    "supply_map": {"tool_type": _S, "input_id": _S, "input_name": _S, "why": _S,
                   "sources": _IDS},
    "sources": {"id": _S, "title": _S, "publisher": _S, "author": _S, "date": _S,
                "date_precision": _S, "url": _S, "citations": "strs", "kind": _S,
                "licence": _S, "note": _S},
}
_META_TYPES = {"slug": _S, "name": _S, "name_zh": _S, "short_zh": _S, "edition": _I,
               "venue": _S, "city": _S, "start_date": _S, "days": _I, "summary": _S,
               "schematic": _B, "synthetic": _B, "sources": _IDS}
# A picture's "data" is not checked here: a picture that cannot be used is a warning when it is
# written (``_write_document``), never a reason to refuse the document.
_IMAGE_TYPES = {"sha1": _S, "credit": _S}
_INT64 = 1 << 63
_MAX_COORD = 1e6
# References checked before writing: (section, field) -> the section whose keys it names.
_REFS = {("halls", "zone"): "zones", ("booths", "hall"): "halls", ("booths", "zone"): "zones",
         ("booths", "exhibitors"): "exhibitors", ("exhibitors", "zone"): "zones",
         ("products", "exhibitor"): "exhibitors", ("quotes", "person"): "people",
         ("events", "topics"): "topics"}


def _kind_of(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "a text"
    if isinstance(v, list):
        return "a list"
    return "an object"


def _check_value(imp: _Importer, name: str, where: str, rec: dict, f: str, kind: str) -> bool:
    """Check (and clean in place) ``rec[f]`` against ``kind``; False and an error if wrong."""
    v = rec.get(f)
    if v is None:
        return True
    bad = None
    if kind == _S or kind == "data":
        if not isinstance(v, str):
            bad = f"must be a text, not {_kind_of(v)}"
        elif kind == _S:
            limit = field_limit(f)
            clean, problem = clean_field(v, limit, limit != MAX_TEXT)
            if clean is None:
                bad = problem
            else:
                rec[f] = clean
    elif kind in (_I, _N):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or \
                (kind == _I and not isinstance(v, int)):
            bad = f"must be {'a whole number' if kind == _I else 'a number'}, not {_kind_of(v)}"
        elif isinstance(v, int) and not -_INT64 <= v < _INT64:
            bad = "is a number out of range"
        elif isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
            bad = "must be a finite number"
        elif kind == _N and (abs(v) > _MAX_COORD or (f in ("w", "h") and v <= 0)):
            bad = f"= {v} is out of range (metres: at most {_MAX_COORD:,.0f}; width and " \
                  "depth above 0)"
    elif kind == _B:
        if not (isinstance(v, bool) or (isinstance(v, int) and v in (0, 1))):
            bad = f"must be true or false, not {_kind_of(v)}"
    elif kind in (_IDS, "strs"):
        limit = MAX_ID if kind == _IDS else MAX_NAME
        if not isinstance(v, list):
            bad = f"must be a list, not {_kind_of(v)}"
        else:
            for j, item in enumerate(v):
                if not isinstance(item, str):
                    bad = f"item {j} must be a text, not {_kind_of(item)}"
                    break
                clean, problem = clean_field(item, limit)
                if clean is None:
                    bad = f"item {j} {problem}"
                    break
                v[j] = clean
            else:
                if len(json.dumps(v, ensure_ascii=False)) > MAX_TEXT:
                    bad = f"too long (more than {MAX_TEXT:,} characters as stored)"
    elif kind == "json":
        if not isinstance(v, dict):
            bad = f"must be an object, not {_kind_of(v)}"
        else:
            try:
                text = json.dumps(v, ensure_ascii=False)
            except (ValueError, RecursionError):
                text = None
            if text is None or "\\u0000" in text:
                bad = "holds a value that cannot be stored (a NUL character?)"
            elif len(text) > MAX_TEXT:
                bad = f"too long ({len(text):,} characters as stored; at most {MAX_TEXT:,})"
    if bad:
        imp.error(name, f'"{f}" {bad}', column=where,
                  fix="shorten it" if "too long" in bad else "")
        return False
    return True


def _where(section: str, i: int, key: str, ident) -> str:
    where = f"{section}[{i}]"
    if isinstance(ident, str) and ident:
        shown = ident if len(ident) <= 60 else ident[:57] + "…"
        where += f" ({key} {shown!r})"
    return where


def _check_document(imp: _Importer, doc: dict, name: str) -> None:
    """Validate a JSON document before anything is written: every field's type and length,
    required fields, duplicates and references. Each fault is one error naming the record
    (``section[i] (key 'id')``) and the key; values are cleaned in place (``clean_field``)."""
    keys: dict[str, set] = {}
    valid: dict[str, list[tuple[int, dict]]] = {}     # section -> (index, record) that passed
    for section in ("expo", "images"):
        if doc.get(section) is not None and not isinstance(doc[section],
                                                           dict if section == "expo" else list):
            imp.error(name, f'"{section}" must be {"an object" if section == "expo" else "a list"}'
                      f", not {_kind_of(doc[section])}", column=section)
            doc[section] = None
    meta = doc.get("expo") or {}
    for f, kind in _META_TYPES.items():
        if not _check_value(imp, name, "expo", meta, f, kind):
            meta.pop(f, None)
    extra = {k: v for k, v in meta.items() if k not in _META_TYPES}
    try:
        extra_len = len(json.dumps(extra, ensure_ascii=False))
    except (ValueError, RecursionError):
        extra_len = MAX_TEXT + 1
    if extra_len > MAX_TEXT:
        imp.error(name, f"the other fields of the expo are too long (more than {MAX_TEXT:,} "
                  "characters as stored)", column="expo", fix="shorten them")
    for section, (key, required, _t, cols) in _JSON_SECTIONS.items():
        recs = doc.get(section, [])
        if not isinstance(recs, list):
            imp.error(name, f'"{section}" must be a list, not {_kind_of(recs)}', column=section)
            doc[section] = []
            continue
        types = _JSON_TYPES[section]
        seen = set()
        good = []
        for i, rec in enumerate(recs):
            if not isinstance(rec, dict):
                imp.error(name, f"must be an object, not {_kind_of(rec)}",
                          column=f"{section}[{i}]")
                continue
            ident = rec.get(key)
            where = _where(section, i, key, ident)
            ok = True
            for f, kind in types.items():
                ok = _check_value(imp, name, where, rec, f, kind) and ok
            for f in required:
                v = rec.get(f)
                if v is None or (isinstance(v, str) and not v.strip()):
                    imp.error(name, f'"{f}" is missing or empty', column=where,
                              fix=f"fill in {f}")
                    ok = False
            if section in ("events", "sources") and (rec.get("date") is not None
                                                     or section == "events"):
                try:
                    parse_date(rec.get("date"), rec.get("date_precision"))
                except DateError as exc:
                    imp.error(name, str(exc), column=where, fix="write the date as 2025-10-15, "
                              "2025-10 or 2025, with date_precision day, month or year")
                    ok = False
            if rec.get("confidence") not in (None, *schema.CONFIDENCE_LEVELS):
                imp.error(name, f'"confidence" must be one of '
                          f'{", ".join(schema.CONFIDENCE_LEVELS)}', column=where)
                ok = False
            if isinstance(ident, str):
                if ident in seen:
                    imp.error(name, f"duplicate {key} {ident!r}", column=where,
                              fix="each record needs its own id (conflicting duplicate id)")
                    ok = False
                seen.add(ident)
            if ok:
                good.append((i, rec))
        keys[section] = seen
        valid[section] = good
    # references, to what the document or the expo holds
    existing = {}
    for (section, f), target in _REFS.items():
        if target not in existing:
            t_key, _r, t_table, _c = _JSON_SECTIONS[target]
            existing[target] = keys.get(target, set()) | {
                r[0] for r in imp.conn.execute(f"SELECT {t_key} FROM {t_table}")}
        known = existing[target]
        t_kind = {"people": "person"}.get(target, target[:-1])
        for i, rec in valid.get(section, []):
            v = rec.get(f)
            for ref in (v if isinstance(v, list) else [v] if v is not None else []):
                if ref not in known:
                    imp.error(name, f"unknown {t_kind} {ref!r} in \"{f}\"",
                              column=_where(section, i, _JSON_SECTIONS[section][0],
                                            rec.get(_JSON_SECTIONS[section][0])),
                              fix=f"add the {t_kind} or correct the reference")
    srcs = keys.get("sources", set()) | imp.ctx.sources
    for section, kind in [("expo", "expo")] + list(_CITE_KIND.items()):
        recs = [(0, meta)] if section == "expo" else valid.get(section, [])
        for i, rec in recs:
            for s in rec.get("sources") or []:
                if s not in srcs:
                    imp.error(name, f"unknown source {s!r}",
                              column="expo" if section == "expo" else f"{section}[{i}]",
                              fix='add it to "sources" or remove the reference')
    for i, im in enumerate(doc.get("images") or []):
        if not isinstance(im, dict) or not isinstance(im.get("sha1"), str):
            imp.error(name, "image record without sha1", column=f"images[{i}]")
            continue
        for f, kind in _IMAGE_TYPES.items():
            _check_value(imp, name, f"images[{i}]", im, f, kind)


def _write_document(imp: _Importer, doc: dict, name: str) -> None:
    conn = imp.conn
    rep = imp.report
    meta = doc.get("expo") or {}
    if conn.execute("SELECT count(*) FROM expo").fetchone()[0] == 0 and meta.get("slug"):
        std = ("slug", "name", "name_zh", "short_zh", "edition", "venue", "city", "start_date",
               "days", "summary", "schematic", "synthetic")
        derived = ("sources", "layout", "confidence", "confidence_basis")  # stored elsewhere
        extra = {k: v for k, v in meta.items() if k not in std + derived}
        conn.execute("INSERT INTO expo(id, slug, name, name_zh, short_zh, edition, venue, city, "
                     "start_date, days, summary, schematic, synthetic, extra) "
                     "VALUES (1,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                     tuple(meta.get(k) for k in std[:10])
                     + (1 if meta.get("schematic") else 0, 1 if meta.get("synthetic") else 0,
                        json.dumps(extra, ensure_ascii=False)))
        rep.count("added", "expo")
    # images first (products refer to them by sha1)
    image_ids = {}
    for i, im in enumerate(doc.get("images", []) or []):
        try:
            text = im.get("data")
            if not isinstance(text, str) or not text:
                raise images.ImageProblem("no picture data (base64 text expected)")
            if len(text) > (images.MAX_BYTES + 2) // 3 * 4 + 4:      # checked before decoding
                raise images.ImageProblem(f"too large (limit {images.MAX_BYTES >> 20} MB)")
            data = base64.b64decode(text, validate=True)
            info = images.inspect(data)
        except (ValueError, images.ImageProblem) as exc:
            rep.count("rejected", "picture")
            imp.warn(name, f"picture {im.get('sha1')}: {exc}; imported without it",
                     column=f"images[{i}]")
            continue
        image_ids[im["sha1"]] = _store_image(conn, data, info, im.get("credit"))
    for section, (key, _req, table, cols) in _JSON_SECTIONS.items():
        recs = doc.get(section, []) or []
        if not recs:
            continue
        kind = {"people": "person", "supply_map": "supply entry"}.get(section, section[:-1])
        existing = {r[0]: r[1:] for r in conn.execute(
            f"SELECT {key}, {', '.join(cols[1:])} FROM {table}")}
        for sort_i, rec in enumerate(recs):
            row = []
            when = None
            if section in ("events", "sources"):   # reduced ISO dates -> (first day, precision)
                when = parse_date(rec.get("date"), rec.get("date_precision")) or (None, None)
            for c in cols:
                src = {"from_slug": "from", "to_slug": "to"}.get(c, c)
                v = rec.get(src)
                if c == "aliases":
                    v = json.dumps(v or [], ensure_ascii=False)
                elif c == "specs":
                    v = json.dumps(v or {}, ensure_ascii=False)
                elif c == "placed":
                    v = 1 if v in (None, True, 1) else 0
                elif c == "sort" and v is None:
                    v = sort_i
                elif c == "color" and v is None:
                    v = "#cccccc"
                elif c == "image":
                    v = image_ids.get(v) if v else None
                elif when is not None and c in ("date", "date_precision"):
                    v = when[0] if c == "date" else when[1]
                elif c == "citations":
                    v = json.dumps(v or [], ensure_ascii=False)
                elif c == "shown_at_expo":
                    v = None if v is None else int(bool(v))
                elif c == "level" and v is None:
                    v = 0
                row.append(v)
            ident = row[0]
            old = existing.get(ident)
            if old is None:
                rep.count("added", kind)
            elif tuple(old) == tuple(row[1:]):
                rep.count("unchanged", kind)
                continue
            else:
                rep.count("updated", kind)
            conn.execute(f"INSERT INTO {table}({', '.join(cols)}) VALUES "
                         f"({', '.join('?' * len(cols))}) ON CONFLICT({key}) DO UPDATE SET "
                         + ", ".join(f"{c} = excluded.{c}" for c in cols[1:]), row)
    # relations
    for b in doc.get("booths", []) or []:
        if "exhibitors" in b:
            conn.execute("DELETE FROM booth_exhibitors WHERE booth = ?", (b["code"],))
            for ex in b.get("exhibitors") or []:
                conn.execute("INSERT OR IGNORE INTO booth_exhibitors(booth, exhibitor) "
                             "VALUES (?, ?)", (b["code"], ex))
    for ex in doc.get("exhibitors", []) or []:
        for code in ex.get("booths") or []:
            if conn.execute("SELECT 1 FROM booths WHERE code = ?", (code,)).fetchone() is None:
                conn.execute("INSERT INTO booths(code, zone, placed) VALUES (?, ?, 0)",
                             (code, ex.get("zone")))
                imp.warn(name, f"booth {code} is not on the floor plan; imported as an "
                         "unplaced booth", column=f"exhibitor {ex['slug']!r}")
            conn.execute("INSERT OR IGNORE INTO booth_exhibitors(booth, exhibitor) VALUES (?, ?)",
                         (code, ex["slug"]))
    for ev in doc.get("events", []) or []:
        for t in ev.get("topics") or []:
            conn.execute("INSERT OR IGNORE INTO event_topics(event, topic) VALUES (?, ?)",
                         (ev["slug"], t))
    for section, kind in _CITE_KIND.items():
        key = _JSON_SECTIONS[section][0]
        for rec in doc.get(section, []) or []:
            for s in rec.get("sources") or []:
                conn.execute("INSERT OR IGNORE INTO cites(kind, ref, source) VALUES (?, ?, ?)",
                             (kind, rec[key], s))
    for s in meta.get("sources") or []:
        if meta.get("slug"):
            conn.execute("INSERT OR IGNORE INTO cites(kind, ref, source) VALUES (?, ?, ?)",
                         ("expo", meta["slug"], s))
    # confidence labels (v3) travel with their records
    labelled = [("expo", meta, "slug")] if meta.get("slug") else []
    for section, kind in _CITE_KIND.items():
        if kind in schema.CONFIDENCE_KINDS:
            labelled += [(kind, rec, _JSON_SECTIONS[section][0])
                         for rec in doc.get(section, []) or []]
    for kind, rec, key in labelled:
        if rec.get("confidence"):
            conn.execute("INSERT OR REPLACE INTO confidence(kind, ref, level, basis) "
                         "VALUES (?, ?, ?, ?)", (kind, rec[key], rec["confidence"],
                                                 rec.get("confidence_basis")))


def _store_image(conn, data: bytes, info: images.Inspected, credit: str | None) -> int:
    row = conn.execute("SELECT id FROM images WHERE sha1 = ?", (info.sha1,)).fetchone()
    if row:
        if credit:
            conn.execute("UPDATE images SET credit = COALESCE(credit, ?) WHERE id = ?",
                         (credit, row[0]))
        return row[0]
    cur = conn.execute("INSERT INTO images(sha1, data, thumb, width, height, mime, credit) "
                       "VALUES (?,?,?,?,?,?,?)", (info.sha1, data, info.thumb, info.width,
                                                  info.height, info.mime, credit))
    return cur.lastrowid


# --------------------------------------------------------------- the writing
def _import_sources(conn, files: list[Path]) -> dict[str, str]:
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


def _write_csv_records(imp: _Importer, files: list[Path]) -> bool:
    """Write staged exhibitors, booths and products; True when the search index needs a rebuild."""
    conn = imp.conn
    rep = imp.report
    ctx = imp.ctx
    rebuild = False
    src_ids = _import_sources(conn, files)
    # booths
    for code, geo in imp.booth_geometry.items():
        conn.execute("UPDATE booths SET x = ?, y = ?, w = ?, h = ?, placed = 1 WHERE code = ?",
                     (geo["x"], geo["y"], geo["w"], geo["h"], code))
        rep.count("updated", "booth")
    for row in imp.new_booths.values():
        ex = imp.exhibitors.get(row["exhibitor"])
        zone = (ex.values.get("zone") if ex else None) or \
            (ctx.exhibitors.get(row["exhibitor"]) or {}).get("zone")
        conn.execute("INSERT INTO booths(code, hall, zone, x, y, w, h, placed) "
                     "VALUES (?,?,?,?,?,?,?,?)", (row["code"], row["hall"], zone, row["x"],
                                                  row["y"], row["w"], row["h"], row["placed"]))
        rep.count("added", "booth")
    # exhibitors
    ex_rows_new = []
    for slug, ex in imp.exhibitors.items():
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
            conn.execute("INSERT OR IGNORE INTO cites(kind, ref, source) VALUES (?, ?, ?)",
                         ("exhibitor", slug, s))
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
            ex = imp.exhibitors[slug]
            v = ex.values
            rowid = imp._rowid_base + 1 + j if imp.direct and j < PRODUCT_ROWID_GAP - 1 else None
            conn.execute("INSERT INTO search(rowid, kind, ref, label, title, body) "
                         "VALUES (?,?,?,?,?,?)", (rowid,) + exhibitor_index_row(
                             slug, ex.name, v.get("company_zh"), v.get("pinyin"), None,
                             v.get("country"), v.get("category"), " ".join(sorted(ex.booths)),
                             v.get("exhibitor_summary")))
    if imp.direct:
        rep.count("added", "product", imp.staged)
        return rebuild
    # pictures
    if imp.images:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS stage_images(sha1 TEXT PRIMARY KEY, id)")
        conn.execute("DELETE FROM stage_images")
        for sha, (path, info, credit) in imp.images.items():
            try:
                data = images.read_file(path)
            except images.ImageProblem as exc:
                raise DataError(f"{path}: {exc} (it changed during the import)") from None
            if images.sha1_of(data) != sha:
                raise DataError(f"{path}: the picture changed during the import; try again")
            conn.execute("INSERT INTO stage_images(sha1, id) VALUES (?, ?)",
                         (sha, _store_image(conn, data, info, credit)))
        img_expr = "(SELECT id FROM stage_images i WHERE i.sha1 = s.image_sha1)"
    else:
        img_expr = "NULL"
    # products: set operations from the staging table
    if not imp.staged:
        return rebuild
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS stage_src(file TEXT PRIMARY KEY, source)")
    conn.execute("DELETE FROM stage_src")
    conn.executemany("INSERT INTO stage_src VALUES (?, ?)", list(src_ids.items()))
    cols = "slug, exhibitor, name, name_zh, pinyin, tool_type, summary, specs, image"
    sel = f"s.slug, s.exhibitor, s.name, s.name_zh, s.pinyin, s.tool_type, s.summary, s.specs, " \
          f"{img_expr}"
    if ctx.products_empty:
        conn.execute(f"INSERT INTO products({cols}) SELECT {sel} FROM stage_products s "
                     "ORDER BY s.rowid")
        rep.count("added", "product", imp.staged)
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
            conn.execute(f"UPDATE products SET exhibitor = s.exhibitor, name = s.name, "
                         "name_zh = COALESCE(s.name_zh, products.name_zh), "
                         "pinyin = COALESCE(s.pinyin, products.pinyin), "
                         "tool_type = COALESCE(s.tool_type, products.tool_type), "
                         "summary = COALESCE(s.summary, products.summary), "
                         "specs = CASE WHEN s.specs = '{}' THEN products.specs ELSE s.specs END, "
                         f"image = COALESCE({img_expr}, products.image) "
                         "FROM stage_products s JOIN stage_state t ON t.rid = s.rowid "
                         "AND t.state = 'updated' WHERE products.slug = s.slug")
            rebuild = True
        new_filter = "JOIN stage_state t ON t.rid = s.rowid AND t.state = 'added'"
    # cites: the row's own sources, else its file's import source
    conn.execute(f"INSERT OR IGNORE INTO cites(kind, ref, source) SELECT 'product', s.slug, "
                 f"f.source FROM stage_products s {new_filter} JOIN stage_src f ON f.file = s.file "
                 "WHERE s.sources IS NULL")
    conn.execute(f"INSERT OR IGNORE INTO cites(kind, ref, source) SELECT 'product', s.slug, "
                 f"j.value FROM stage_products s {new_filter}, "
                 "json_each('[\"' || replace(s.sources, ' ', '\",\"') || '\"]') j "
                 "WHERE s.sources IS NOT NULL")
    if not rebuild:
        conn.execute("INSERT INTO search(kind, ref, label, title, body) "
                     f"SELECT 'product', s.slug, s.label, s.title, s.body FROM stage_products s "
                     f"{new_filter} ORDER BY s.rowid")
    return rebuild


# ------------------------------------------------------------------ the API
@dataclass
class PreparedImport:
    """An import written into a temporary copy of the expo, waiting for ``commit``."""
    target: Path
    temp: Path
    report: ImportReport
    expect: tuple | None = None      # the target's fingerprint when it was copied

    def commit(self) -> ImportReport:
        """Put the imported copy in place of the expo file (``fileops.replace``: atomic, through
        symlinks, mode kept, the old WAL never replayed). ``FileInUse`` if another program has
        the file open in WAL mode; the copy is then kept, so that ``commit`` can be tried again
        (``discard`` removes it)."""
        fileops.replace(self.temp, self.target, database=True, expect=self.expect)
        return self.report

    def discard(self) -> None:
        fileops.remove(self.temp, sidecars=True)


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """``["Firma=company", …]`` -> {header: field}; DataError naming a bad item."""
    out = {}
    for item in items or []:
        header, sep, target = item.rpartition("=")
        header, target = header.strip(), target.strip()
        if not sep or not header or not target:
            raise DataError(f'--map {item!r}: write it as "HEADER=field", e.g. "Firma=company"')
        if target not in FIELDS and target not in ("ignore",) and not (
                target.startswith("specs.") and len(target) > 6):
            raise DataError(f"--map {item!r}: unknown field {target!r}; fields are "
                            + ", ".join(FIELDS) + ", specs.KEY and ignore")
        out[header] = target
    return out


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
                   pictures: str | os.PathLike | None = None) -> PreparedImport:
    """Check ``files`` and write them into a temporary copy of the expo file.

    Pictures named in CSV files are read from the catalogue file's folder and below,
    or, with ``pictures``, from that folder and below (relative paths start there).

    Raises ``ImportFailed`` (with every error) or ``ImportCancelled``; in both
    cases, and on any other failure, the expo file was not touched and the
    copy is gone. An expo path that does not exist yet makes a new expo, or
    a copy of ``base`` plus the import (e.g. the built-in expo plus a list).
    """
    t0 = time.perf_counter()
    target = Path(expo_path)
    files = [Path(f) for f in files]
    if not files:
        raise DataError("no file to import")
    for f in files:
        fileops.check_regular(f, "a catalogue file (CSV, TSV or JSON)")
    progress = progress or (lambda f, m: None)
    real = fileops.check_target(target, "an expo file")
    exists = real.exists()
    if exists and not os.access(real, os.W_OK):
        raise DataError(f"{target}: the expo file is read-only; import into a copy")
    source = target if exists or base is None else Path(base)   # named as the user gave it
    if exists or base is not None:
        from .expo import open_expo   # checks: a regular SQLite file, our schema, not damaged
        open_expo(source, readonly=True).close()
    fileops.remove_stale(target, "import")
    temp = fileops.temp_beside(target, "import")
    expect = fileops.fingerprint(real) if exists else None
    conn = None
    try:
        progress(0.0, "copying the expo file")
        try:
            if exists or base is not None:
                src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
                try:
                    dst = sqlite3.connect(str(temp))
                    try:
                        # A throwaway copy until commit, which flushes it: no journal or
                        # fsync while copying.
                        dst.execute("PRAGMA journal_mode = OFF")
                        dst.execute("PRAGMA synchronous = OFF")
                        src.backup(dst)
                    finally:
                        dst.close()
                finally:
                    src.close()
            conn = sqlite3.connect(str(temp), isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA trusted_schema = OFF")
            # The new file is always a single file (no WAL beside it to go stale).
            conn.execute("PRAGMA journal_mode = MEMORY" if fast else "PRAGMA journal_mode = DELETE")
            if fast:
                conn.execute("PRAGMA synchronous = OFF")       # fsync once at the end instead
            conn.execute("PRAGMA cache_size = -65536")
            conn.execute("PRAGMA foreign_keys = ON")
            schema.migrate(conn, str(target))
            report = _run_import(conn, target, files, encoding=encoding, mapping=mapping,
                                 strict=strict, progress=progress, cancel=cancel, fast=fast,
                                 pictures=pictures)
            conn.close()
            conn = None
        except (sqlite3.Error, OSError) as exc:
            if is_storage_fault(exc):
                raise storage_error(target, exc, "the import could not be written",
                                    "nothing was imported and the expo file is unchanged"
                                    ) from None
            raise
        report.seconds = time.perf_counter() - t0
        progress(1.0, "done")
        return PreparedImport(target, temp, report, expect)
    except BaseException:
        if conn is not None:
            try:
                conn.close()
            except sqlite3.Error:
                pass
        fileops.remove(temp, sidecars=True)
        raise


def _run_import(conn: sqlite3.Connection, target: Path, files: list[Path], *, encoding, mapping,
                strict, progress, cancel, fast, pictures=None) -> ImportReport:
    """Check ``files`` and write them into the open copy ``conn``; commit; the report."""
    conn.execute("BEGIN IMMEDIATE")
    # References are checked once, at the end (foreign_key_check): a record may name one
    # that comes later in the files.
    conn.execute("PRAGMA defer_foreign_keys = ON")
    imp = _Importer(conn, encoding=encoding, mapping=mapping, strict=strict,
                    progress=progress, cancel=cancel)
    imp.picture_folder = _picture_folder(pictures)
    imp.report.files = [f.name for f in files]
    files_order = {f.name: i for i, f in enumerate(files)}
    csv_files = [f for f in files if f.suffix.lower() != ".json"]
    if csv_files and not any(f.suffix.lower() == ".json" for f in files) and \
            conn.execute("SELECT count(*) FROM expo").fetchone()[0] == 0:
        conn.execute("INSERT INTO expo(id, slug, name, summary) VALUES (1, ?, ?, ?)",
                     (slugify(target.stem, "expo"), target.stem,
                      "Made by importing " + ", ".join(f.name for f in csv_files) + "."))
    if imp.ctx.products_empty and csv_files and len(csv_files) == len(files):
        imp.start_direct(csv_files)
    docs = []
    for i, f in enumerate(files):
        if f.suffix.lower() == ".json":
            doc = imp.read_json(f)
            if doc is not None:
                _check_document(imp, doc, f.name)
                docs.append((f, doc))
        else:
            imp.read_csv(f, i, len(files))
        if imp.cancel():
            raise ImportCancelled()
    if imp.direct:
        imp.flush_direct()
    else:
        imp.check_duplicates()
    if imp.report.errors or imp.report.more_errors:
        imp.report.errors.sort(key=lambda e: (files_order.get(e.file, 99), e.line or 0))
        raise ImportFailed(imp.report)
    progress(0.78, "writing")
    rebuild = False
    for f, doc in docs:
        _write_document(imp, doc, f.name)
        rebuild = True
    if csv_files:
        rebuild = _write_csv_records(imp, csv_files) or rebuild
    if imp.cancel():
        raise ImportCancelled()
    if rebuild:
        progress(0.85, "rebuilding the search index")
        rebuild_index(conn)
    problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        table, rowid, parent, _ = problems[0]
        raise DataError(f"{', '.join(f.name for f in files)}: a record of {table} "
                        f"{_record_name(conn, table, rowid)}refers to a missing {parent} "
                        "record; nothing was imported")
    if imp.cancel():
        raise ImportCancelled()
    progress(0.95, "saving")
    conn.execute("COMMIT")
    conn.execute("DROP TABLE IF EXISTS temp.stage_products")
    if fast:
        conn.execute("PRAGMA journal_mode = DELETE")
    return imp.report


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
