"""Export an expo file as one JSON document or as CSV files."""
from __future__ import annotations

import base64
import csv
import json
import os
from pathlib import Path

from . import content, fileops, schema
from .dates import iso_date
from .expo import Expo, _json_value
from .text import strip_controls

# 2: dates at their precision ("2014", "2025-10"), "layout" beside booth codes, confidence
# labels, source citations, per-row sources of supply_map.
FORMAT_VERSION = 2
# Cells starting with these characters are read as formulas by spreadsheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cited(expo: Expo, kind: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for ref, src in expo._conn.execute("SELECT ref, source FROM cites WHERE kind = ? "
                                      "ORDER BY ref, source", (kind,)):
        out.setdefault(ref, []).append(src)
    return out


def _labels(expo: Expo) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(kind, ref) -> (confidence level, basis), for files that label their records."""
    if not expo._conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'confidence'").fetchone():
        return {}
    return {(k, r): (lv, b) for k, r, lv, b in
            expo._conn.execute("SELECT kind, ref, level, basis FROM confidence")}


def to_document(expo: Expo, screening=None) -> dict:
    """The whole expo as one JSON-ready document (format_version 2).

    Dates are written at their precision in reduced ISO 8601 ("2014", "2025-10",
    "2025-10-15") beside their ``date_precision``; every object that holds booth codes
    carries ``"layout": "schematic"`` on a schematic floor plan (never inside the code);
    fact-bearing records carry their ``confidence`` and its ``confidence_basis``.
    """
    meta = expo.meta()
    meta.pop("id", None)
    extra = meta.pop("extra", {}) or {}
    meta.update(extra)
    meta["schematic"] = bool(meta.get("schematic"))
    meta["synthetic"] = bool(meta.get("synthetic"))
    layout = content.booth_layout(meta)
    meta["layout"] = layout
    meta["sources"] = _cited(expo, "expo").get(meta.get("slug"), [])
    labels = _labels(expo)

    def label(rec: dict, kind: str, ref) -> None:
        level, basis = labels.get((kind, ref), (None, None))
        rec["confidence"], rec["confidence_basis"] = level, basis

    label(meta, "expo", meta.get("slug"))

    def table(sql: str, kind: str | None, key: str = "slug", json_cols=()):
        cited = _cited(expo, kind) if kind else {}
        rows = expo._rows(sql)
        for r in rows:
            for c in json_cols:
                r[c] = _json_value(r.get(c), list if c == "aliases" else dict)
            if kind:
                r["sources"] = cited.get(r[key], [])
            if kind in schema.CONFIDENCE_KINDS:
                label(r, kind, r[key])
        return rows

    occupants = expo.booth_occupants()
    booths = expo._rows("SELECT code, hall, zone, x, y, w, h, placed FROM booths ORDER BY code")
    for b in booths:
        b["placed"] = bool(b["placed"])
        b["layout"] = layout
        b["exhibitors"] = occupants.get(b["code"], [])
    event_topics: dict[str, list[str]] = {}
    for ev, t in expo._conn.execute("SELECT event, topic FROM event_topics ORDER BY event, topic"):
        event_topics.setdefault(ev, []).append(t)
    events = table("SELECT * FROM events ORDER BY date, slug", "event")
    for ev in events:
        ev["date"] = iso_date(ev["date"], ev.get("date_precision"))
        ev["topics"] = event_topics.get(ev["slug"], [])
    exhibitors = table("SELECT * FROM exhibitors ORDER BY slug", "exhibitor", json_cols=("aliases",))
    for ex in exhibitors:
        ex["booths"] = expo.booths_of(ex["slug"])
        ex["layout"] = layout
    # p.*: a file opened read-only keeps the columns of its own schema version.
    products = table("SELECT p.*, i.sha1 AS image_sha1 FROM products p "
                     "LEFT JOIN images i ON i.id = p.image ORDER BY p.slug",
                     "product", json_cols=("specs",))
    for p in products:
        p["image"] = p.pop("image_sha1")
        shown = p.get("shown_at_expo")
        p["shown_at_expo"] = None if shown is None else bool(shown)
    # Pictures travel inside the document (base64), so that export then import is faithful.
    images = [{"sha1": sha, "mime": mime, "width": w, "height": h, "credit": credit,
               "data": base64.b64encode(data).decode("ascii")}
              for sha, mime, w, h, credit, data in expo._conn.execute(
                  "SELECT sha1, mime, width, height, credit, data FROM images "
                  "WHERE id IN (SELECT image FROM products) AND data IS NOT NULL ORDER BY sha1")]
    links = table("SELECT id, from_kind, from_slug AS 'from', to_kind, to_slug AS 'to', reason "
                  "FROM links ORDER BY id", "link", key="id")
    halls = expo._rows("SELECT * FROM halls ORDER BY slug")
    for h in halls:
        h["layout"] = layout
    sources = expo._rows("SELECT * FROM sources ORDER BY id")
    licences = {s["id"]: s.get("licence") for s in sources}
    for s in sources:
        s["date"] = iso_date(s.get("date"), s.get("date_precision")) or None
        s["citations"] = content.source_citations(s.get("citations"))
    supply = table("SELECT * FROM supply_map ORDER BY tool_type", "supply", key="tool_type")
    for m in supply:  # the licence of the figures travels with every row
        m["licence"] = "; ".join(dict.fromkeys(
            licences[s] for s in m["sources"] if licences.get(s))) or None
    return {
        "format": "wesemibay-expo",
        "format_version": FORMAT_VERSION,
        "expo": meta,
        "zones": table("SELECT slug, name, name_zh, color FROM zones ORDER BY sort", "zone"),
        "halls": halls,
        "booths": booths,
        "exhibitors": exhibitors,
        "organisations": table("SELECT * FROM organisations ORDER BY slug", "organisation"),
        "products": products,
        "images": images,
        "topics": table("SELECT * FROM topics ORDER BY slug", "topic"),
        "events": events,
        "people": table("SELECT * FROM people ORDER BY slug", "person"),
        "quotes": table("SELECT * FROM quotes ORDER BY id", "quote", key="id"),
        "links": links,
        "supply_map": supply,
        "sources": sources,
    } | ({} if screening is None else {"screening": _screening_report().section(screening)})


def _screening_report():
    from .screening import report      # only when a screening list is stored
    return report


def _atomic_write(path: Path, write) -> None:
    """Write a text file atomically (see ``fileops.write_atomic``)."""
    fileops.write_atomic(path, write, tag="export")


def export_json(expo: Expo, out: str | os.PathLike, screening=None) -> Path:
    """Write the expo as one JSON document; with a ``db.screening.Screening``, its section."""
    out = Path(out)
    doc = to_document(expo, screening)
    _atomic_write(out, lambda fh: json.dump(doc, fh, ensure_ascii=False, indent=1))
    return out


def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula, and that cannot reorder
    what a spreadsheet shows (bidi controls and other control characters are dropped)."""
    if value is None:
        return ""
    text = strip_controls(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def export_csv(expo: Expo, out: str | os.PathLike, screening=None) -> Path:
    """One flat CSV, one row per product (exhibitors without products get one row).

    With a ``db.screening.Screening``, its rows go to ``<name>-screening.csv`` beside it.
    """
    out = Path(out)
    header = ["exhibitor_id", "company", "company_zh", "pinyin", "country", "category", "zone",
              "booth", "layout", "hall", "product_id", "product", "product_zh", "tool_type",
              "description", "sources"]
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
        w.writerow(header)
        for r in rows:
            srcs = cited_pr.get(r["pslug"], []) if r["pslug"] else cited_ex.get(r["slug"], [])
            w.writerow([safe_cell(v) for v in (
                r["slug"], r["name"], r["name_zh"], r["pinyin"], r["country"], r["category"],
                r["zone"], r["booth"], layout if r["booth"] else "", r["hall"], r["pslug"],
                r["pname"], r["pzh"], r["tool_type"], r["description"], " ".join(srcs))])

    _atomic_write(out, write)
    if screening is not None:
        report = _screening_report()
        rows = report.csv_rows(screening)
        _atomic_write(report.screening_csv_path(out),
                      lambda fh: report.write_csv_rows(fh, rows, safe_cell))
    return out
