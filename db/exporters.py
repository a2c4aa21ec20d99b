"""Export an expo file as one JSON document or as CSV files.

The JSON document is described in ``db.tablespec`` (sections, columns, JSON keys, derived
fields); ``to_document`` reads every section as the spec says, so a column added there is
exported without a change here. The CSV export writes the columns the import reads
(``db.importing.headers.EXPORT_FIELDS``).
"""
from __future__ import annotations

import base64
import csv
import json
import os
from pathlib import Path

from . import content, fileops
from . import tablespec as T
from .dates import iso_date
from .expo import Expo, _json_value
from .importing.headers import EXPORT_FIELDS
from .tablespec import FORMAT_VERSION  # noqa: F401  (the document's version, re-exported)
from .text import FORMULA_START, safe_cell  # noqa: F401  (re-exported)


def _cited(expo: Expo, kind: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for ref, src in expo._conn.execute("SELECT ref, source FROM cites WHERE kind = ? "
                                       "ORDER BY ref, source", (kind,)):
        out.setdefault(ref, []).append(src)
    return out


def _labels(expo: Expo) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(kind, ref) -> (confidence level, basis), for files that label their records."""
    conn = expo._conn
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'confidence'").fetchone():
        return {}
    return {(k, r): (lv, b) for k, r, lv, b in
            conn.execute("SELECT kind, ref, level, basis FROM confidence")}


def _grouped(expo: Expo, sql: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in expo._conn.execute(sql):
        out.setdefault(key, []).append(value)
    return out


class _Reader:
    """The derived fields of records (``tablespec.DERIVED``), each read once, when first
    asked for."""

    def __init__(self, expo: Expo, layout: str | None):
        self.expo = expo
        self.layout = layout
        self._cache: dict = {}

    def _get(self, what, make):
        if what not in self._cache:
            self._cache[what] = make()
        return self._cache[what]

    def fill(self, rec: dict, derived: str, kind: str, ref) -> None:
        expo = self.expo
        if derived == "sources":
            rec["sources"] = self._get(("cites", kind), lambda: _cited(expo, kind)).get(ref, [])
        elif derived == "confidence":
            labels = self._get("labels", lambda: _labels(expo))
            rec["confidence"], rec["confidence_basis"] = labels.get((kind, ref), (None, None))
        elif derived == "layout":
            rec["layout"] = self.layout
        elif derived == "booths":
            rec["booths"] = self._get("booths", lambda: _grouped(
                expo, "SELECT exhibitor, booth FROM booth_exhibitors ORDER BY exhibitor, booth"
            )).get(ref, [])
        elif derived == "exhibitors":
            rec["exhibitors"] = self._get("occupants", expo.booth_occupants).get(ref, [])
        elif derived == "topics":
            rec["topics"] = self._get("topics", lambda: _grouped(
                expo, "SELECT event, topic FROM event_topics ORDER BY event, topic")).get(ref, [])
        elif derived == "licence":       # the licence of the figures travels with every row
            licences = self._get("licences", lambda: dict(expo._conn.execute(
                "SELECT id, licence FROM sources")))
            rec["licence"] = "; ".join(dict.fromkeys(
                licences[s] for s in rec["sources"] if licences.get(s))) or None
        else:
            raise KeyError(derived)


def _strs(text) -> list[str]:
    return [str(v) for v in _json_value(text, list) if v]


def _decode(c: T.Column, value, row: dict, images: dict, precision: str | None):
    """A column's value as the document holds it (``precision``: the column that holds the
    precision of the row's date)."""
    stored = c.stored
    if stored == T.AS_JSON:
        return _strs(value) if c.type == T.STRS else _json_value(value, dict)
    if stored == T.AS_BOOL:
        return None if value is None else bool(value)
    if stored == T.AS_DATE:
        return iso_date(value, row.get(precision)) or None
    if stored == T.AS_IMAGE:
        return images.get(value) if value is not None else None
    return value


def _records(expo: Expo, section: T.Section, reader: _Reader, images: dict) -> list[dict]:
    """The records of ``section``: their columns in the table's order (a file opened read-only
    keeps the columns of its own schema version), then the derived fields."""
    cols = {c.name: c for c in section.columns if c.exported}
    precision = next((c.name for c in section.columns if c.stored == T.AS_PRECISION), None)
    typed = [c for c in cols.values() if c.stored in (T.AS_JSON, T.AS_BOOL, T.AS_DATE, T.AS_IMAGE)]
    out = []
    for row in expo._rows(f"SELECT * FROM {section.table} ORDER BY {section.order}"):
        rec = {cols[k].field: _decode(cols[k], v, row, images, precision)
               for k, v in row.items() if k in cols}
        ref = row.get(section.key)
        for d in section.derived:
            reader.fill(rec, d, section.kind, ref)
        for c in typed:       # a file of an older version lacks it: written empty, at the end
            if c.name not in row:
                rec[c.field] = _decode(c, None, row, images, precision)
        out.append(rec)
    return out


def _meta(expo: Expo, reader: _Reader) -> dict:
    meta = expo.meta()
    meta.pop("id", None)
    extra = meta.pop("extra", {}) or {}
    meta.update(extra)
    for c in T.EXPO.columns:
        if c.stored == T.AS_BOOL:
            meta[c.field] = bool(meta.get(c.field))
    reader.layout = content.booth_layout(meta)
    for d in T.EXPO.derived:
        reader.fill(meta, d, "expo", meta.get("slug"))
    return meta


def _images(expo: Expo) -> list[dict]:
    """The pictures products show, inside the document (base64), so that export then import
    is faithful."""
    cols = [c for c in T.IMAGES.columns if c.exported]
    out = []
    for row in expo._rows(f"SELECT {', '.join(c.name for c in cols)} FROM images "
                          "WHERE id IN (SELECT image FROM products) AND data IS NOT NULL "
                          f"ORDER BY {T.IMAGES.order}"):
        out.append({c.field: base64.b64encode(row[c.name]).decode("ascii")
                    if c.stored == "base64" else row[c.name] for c in cols})
    return out


def to_document(expo: Expo, screening=None) -> dict:
    """The whole expo as one JSON-ready document (``tablespec.FORMAT_VERSION``).

    Dates are written at their precision in reduced ISO 8601 ("2014", "2025-10",
    "2025-10-15") beside their ``date_precision``; every object that holds booth codes
    carries ``"layout": "schematic"`` on a schematic floor plan (never inside the code);
    fact-bearing records carry their ``confidence`` and its ``confidence_basis``.
    """
    reader = _Reader(expo, None)
    meta = _meta(expo, reader)
    doc = {"format": T.FORMAT, "format_version": T.FORMAT_VERSION}
    images: dict | None = None
    for name in T.DOCUMENT_ORDER:
        if name == "expo":
            doc["expo"] = meta
        elif name == "images":
            doc["images"] = _images(expo)
        else:
            section = T.SECTIONS[name]
            if images is None and any(c.stored == T.AS_IMAGE for c in section.columns):
                images = dict(expo._conn.execute("SELECT id, sha1 FROM images"))
            doc[name] = _records(expo, section, reader, images or {})
    if screening is not None:
        doc["screening"] = _screening_report().section(screening)
    return doc


def _screening_report():
    from .screening import report      # only when a screening list is stored
    return report


def export_json(expo: Expo, out: str | os.PathLike, screening=None) -> Path:
    """Write the expo as one JSON document; with a ``db.screening.Screening``, its section."""
    out = Path(out)
    doc = to_document(expo, screening)
    fileops.write_atomic(out, lambda fh: json.dump(doc, fh, ensure_ascii=False, indent=1),
                         tag="export")
    return out


def export_csv(expo: Expo, out: str | os.PathLike, screening=None) -> Path:
    """One flat CSV, one row per product (exhibitors without products get one row).

    With a ``db.screening.Screening``, its rows go to ``<name>-screening.csv`` beside it.
    """
    out = Path(out)
    layout = content.booth_layout(expo.meta()) or ""
    cited_ex = _cited(expo, "exhibitor")
    cited_pr = _cited(expo, "product")
    rows = expo._rows(
        """SELECT e.slug, e.name, e.name_zh, e.pinyin, e.country, e.category, e.zone,
                  (SELECT group_concat(booth, ' ') FROM booth_exhibitors b
                    WHERE b.exhibitor = e.slug) AS booth,
                  (SELECT group_concat(DISTINCT hall) FROM booths WHERE code IN
                    (SELECT booth FROM booth_exhibitors b WHERE b.exhibitor = e.slug)) AS hall,
                  p.slug AS pslug, p.name AS pname, p.name_zh AS pzh, p.tool_type,
                  COALESCE(p.summary, e.summary) AS description
           FROM exhibitors e LEFT JOIN products p ON p.exhibitor = e.slug
           ORDER BY e.slug, p.slug""")

    def write(fh):
        w = csv.writer(fh)
        w.writerow(EXPORT_FIELDS)
        for r in rows:
            srcs = cited_pr.get(r["pslug"], []) if r["pslug"] else cited_ex.get(r["slug"], [])
            cells = {"exhibitor_id": r["slug"], "company": r["name"], "company_zh": r["name_zh"],
                     "pinyin": r["pinyin"], "country": r["country"], "category": r["category"],
                     "zone": r["zone"], "booth": r["booth"],
                     "layout": layout if r["booth"] else "", "hall": r["hall"],
                     "product_id": r["pslug"], "product": r["pname"], "product_zh": r["pzh"],
                     "tool_type": r["tool_type"], "description": r["description"],
                     "sources": " ".join(srcs)}
            w.writerow([safe_cell(cells[f]) for f in EXPORT_FIELDS])

    fileops.write_atomic(out, write, tag="export")
    if screening is not None:
        report = _screening_report()
        rows = report.csv_rows(screening)
        fileops.write_atomic(report.screening_csv_path(out),
                             lambda fh: report.write_csv_rows(fh, rows, safe_cell), tag="export")
    return out
