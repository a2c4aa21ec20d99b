"""Export an expo file as one JSON document or as CSV files."""
from __future__ import annotations

import base64
import csv
import json
import os
from pathlib import Path

from . import fileops
from .expo import Expo, _json_value

# Cells starting with these characters are read as formulas by spreadsheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cited(expo: Expo, kind: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for ref, src in expo.conn.execute("SELECT ref, source FROM cites WHERE kind = ? "
                                      "ORDER BY ref, source", (kind,)):
        out.setdefault(ref, []).append(src)
    return out


def to_document(expo: Expo) -> dict:
    meta = expo.meta()
    meta.pop("id", None)
    extra = meta.pop("extra", {}) or {}
    meta.update(extra)
    meta["schematic"] = bool(meta.get("schematic"))
    meta["synthetic"] = bool(meta.get("synthetic"))
    meta["sources"] = _cited(expo, "expo").get(meta.get("slug"), [])

    def table(sql: str, kind: str | None, key: str = "slug", json_cols=()):
        cited = _cited(expo, kind) if kind else {}
        rows = expo.rows(sql)
        for r in rows:
            for c in json_cols:
                r[c] = _json_value(r.get(c), list if c == "aliases" else dict)
            if kind:
                r["sources"] = cited.get(r[key], [])
        return rows

    occupants = expo.booth_occupants()
    booths = expo.rows("SELECT code, hall, zone, x, y, w, h, placed FROM booths ORDER BY code")
    for b in booths:
        b["placed"] = bool(b["placed"])
        b["exhibitors"] = occupants.get(b["code"], [])
    event_topics: dict[str, list[str]] = {}
    for ev, t in expo.conn.execute("SELECT event, topic FROM event_topics ORDER BY event, topic"):
        event_topics.setdefault(ev, []).append(t)
    events = table("SELECT * FROM events ORDER BY date, slug", "event")
    for ev in events:
        ev["topics"] = event_topics.get(ev["slug"], [])
    exhibitors = table("SELECT * FROM exhibitors ORDER BY slug", "exhibitor", json_cols=("aliases",))
    for ex in exhibitors:
        ex["booths"] = expo.booths_of(ex["slug"])
    products = table("SELECT p.slug, p.exhibitor, p.name, p.name_zh, p.pinyin, p.tool_type, "
                     "p.summary, p.specs, i.sha1 AS image FROM products p "
                     "LEFT JOIN images i ON i.id = p.image ORDER BY p.slug", "product",
                     json_cols=("specs",))
    # Pictures travel inside the document (base64), so that export then import is faithful.
    images = [{"sha1": sha, "mime": mime, "width": w, "height": h, "credit": credit,
               "data": base64.b64encode(data).decode("ascii")}
              for sha, mime, w, h, credit, data in expo.conn.execute(
                  "SELECT sha1, mime, width, height, credit, data FROM images "
                  "WHERE id IN (SELECT image FROM products) AND data IS NOT NULL ORDER BY sha1")]
    links = table("SELECT id, from_kind, from_slug AS 'from', to_kind, to_slug AS 'to', reason "
                  "FROM links ORDER BY id", "link", key="id")
    return {
        "format": "wesemibay-expo",
        "format_version": 1,
        "expo": meta,
        "zones": table("SELECT slug, name, name_zh, color FROM zones ORDER BY sort", "zone"),
        "halls": expo.rows("SELECT * FROM halls ORDER BY slug"),
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
        "supply_map": expo.rows("SELECT * FROM supply_map ORDER BY tool_type"),
        "sources": expo.rows("SELECT * FROM sources ORDER BY id"),
    }


def _atomic_write(path: Path, write) -> None:
    """Write a text file atomically (see ``fileops.write_atomic``)."""
    fileops.write_atomic(path, write, tag="export")


def export_json(expo: Expo, out: str | os.PathLike) -> Path:
    out = Path(out)
    doc = to_document(expo)
    _atomic_write(out, lambda fh: json.dump(doc, fh, ensure_ascii=False, indent=1))
    return out


def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def export_csv(expo: Expo, out: str | os.PathLike) -> Path:
    """One flat CSV, one row per product (exhibitors without products get one row)."""
    out = Path(out)
    header = ["exhibitor_id", "company", "company_zh", "pinyin", "country", "category", "zone",
              "booth", "hall", "product_id", "product", "product_zh", "tool_type", "description",
              "sources"]
    cited_ex = _cited(expo, "exhibitor")
    cited_pr = _cited(expo, "product")
    rows = expo.rows(
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
                r["zone"], r["booth"], r["hall"], r["pslug"], r["pname"], r["pzh"], r["tool_type"],
                r["description"], " ".join(srcs))])

    _atomic_write(out, write)
    return out
