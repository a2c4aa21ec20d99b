"""The content rules of a curated expo, as code: every statement exactly as strong as its source.

The built-in expo obeys them (``db.build`` refuses a seed that breaks one, ``wesemibay-db
check`` reports a file that breaks one, and ``tests/unit/test_content_rules.py`` shows each
rule failing on a planted bad record):

1. **Confidence and wording.** Every fact-bearing record carries a confidence label (high or
   medium), derived from the fact-sheet rows it states (``db/seed/facts.json``): medium when
   any of them is medium. A medium record says so in its own words: its text carries a hedge
   ("according to …", "… reported", "… said") and its label a ``basis`` ("one
   foreign-language report") that the window shows beside it.
2. **Dates carry their precision** (day, month or year; see ``db.dates``): the stored day
   is the first of its period, and nothing shows it more precisely.
3. **Booth codes of a schematic layout are marked** "schematic" beside the code (a
   ``layout`` field or column in exports; "1C09 (schematic)" in text), never inside it.
4. **Quotations are verbatim**: each part of a quotation's German wording (parts split at
   "…") appears in the article as it stands.
5. **Every source is cited** by some record.

Pure Python, no Qt.
"""
from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass

from . import dates, schema
from .expo import _TABLES

# ------------------------------------------------------------------ wording
# Phrases that attribute a statement to its source instead of stating it as ours.
HEDGE_RE = re.compile(
    r"\b(according to|reportedly|reported|reports|report says|said|says|told|"
    r"describes?|described|in [A-Z][\w.]*'s words|claims?|claimed)\b", re.IGNORECASE)
# The fields whose text a reader takes as a record's statement.
TEXT_FIELDS = ("title", "summary", "reason", "role", "note", "context")
LEVELS = ("high", "medium")          # the labels the built-in expo uses
HEDGE_EXAMPLE = '"according to …", "… reported", "… said"'


def record_text(rec: dict) -> str:
    """The statement of a record: its text fields, joined."""
    return " ".join(str(rec[f]) for f in TEXT_FIELDS if rec.get(f))


def has_hedge(text: str) -> bool:
    return bool(HEDGE_RE.search(text or ""))


def derive_confidence(fact_ids: list[str], facts: dict[str, dict]) -> tuple[str, str | None]:
    """(level, basis) of a record stating ``fact_ids``: the weakest of its facts, and the
    reasons (``basis``) of those that are not high."""
    rank = {lv: i for i, lv in enumerate(("high", "medium", "low"))}
    level, bases = "high", []
    for fid in fact_ids:
        fact = facts[fid]
        if rank[fact["confidence"]] > rank[level]:
            level = fact["confidence"]
        if fact["confidence"] != "high" and fact.get("basis") and fact["basis"] not in bases:
            bases.append(fact["basis"])
    return level, ("; ".join(bases) or None) if level != "high" else None


def wording_problem(level: str | None, basis: str | None, text: str) -> str | None:
    """Why a record's label and wording disagree (None when they agree)."""
    if level is None:
        return "has no confidence label"
    if level not in schema.CONFIDENCE_LEVELS:
        return f"confidence {level!r} is not one of {', '.join(schema.CONFIDENCE_LEVELS)}"
    if level != "high":
        if not (basis or "").strip():
            return f"{level} confidence without a basis (say why, e.g. \"one source\")"
        if not has_hedge(text):
            return (f"{level} confidence, but its text states it flatly: add a hedge "
                    f"({HEDGE_EXAMPLE})")
    return None


# ------------------------------------------------------------------ booths
def booth_layout(meta: dict) -> str | None:
    """The layout marker of an expo's booth codes: "schematic" (the built-in expo), "synthetic"
    (a demo expo), or None where the floor plan is taken as the organiser's."""
    if meta.get("schematic"):
        return "schematic"
    if meta.get("synthetic"):
        return "synthetic"
    return None


def mark_booth(code: str, layout: str | None) -> str:
    """A booth code as text shows it: "1C09 (schematic)" on a schematic layout."""
    return f"{code} ({layout})" if layout else code


def _code_re(codes) -> re.Pattern | None:
    codes = sorted({c for c in codes if c}, key=len, reverse=True)
    if not codes:
        return None
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, codes)) + r")(?![\w-])")


def unmarked_in_text(text: str, codes, layout: str = "schematic") -> list[str]:
    """Lines of ``text`` that show a booth code not followed by its marker ("(schematic)")."""
    rx = _code_re(codes)
    out = []
    if rx is None:
        return out
    for line in text.splitlines():
        for m in rx.finditer(line):
            if not line[m.end():].startswith(f" ({layout})"):
                out.append(line.strip())
                break
    return out


def unmarked_in_json(doc, codes, layout: str = "schematic", where: str = "") -> list[str]:
    """Places in a JSON value where an object holds a booth code (as a value or in a list)
    without ``"layout": layout`` beside it."""
    codes = set(codes)
    out: list[str] = []
    if isinstance(doc, dict):
        holds = any((isinstance(v, str) and v in codes)
                    or (isinstance(v, list) and any(isinstance(x, str) and x in codes for x in v))
                    for v in doc.values())
        if holds and doc.get("layout") != layout:
            out.append(where or "(top)")
        for k, v in doc.items():
            if isinstance(v, (dict, list)):
                out += unmarked_in_json(v, codes, layout, f"{where}.{k}" if where else k)
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += unmarked_in_json(v, codes, layout, f"{where}[{i}]")
    return out


def unmarked_in_rows(rows: list[dict], codes, layout: str = "schematic") -> list[str]:
    """CSV rows (as dicts) that show a booth code in any cell without ``layout`` in their
    ``layout`` column."""
    rx = _code_re(codes)
    out = []
    for i, row in enumerate(rows, 2):
        if rx is None:
            break
        if any(rx.search(v or "") for k, v in row.items() if k != "layout") \
                and row.get("layout") != layout:
            out.append(f"line {i}")
    return out


# ------------------------------------------------------------------ quotes
def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"\s+", " ", text).strip()


def quote_problems(quotes: list[dict], article: str) -> list[str]:
    """Quotations whose German wording is not in ``article`` verbatim (parts split at "…")."""
    art = _norm(article)
    out = []
    for q in quotes:
        if (q.get("language") or "de") != "de":
            continue
        parts = [p.strip(" ,;:") for p in _norm(q["text"]).split("…")]
        for part in parts:
            if part and part not in art:
                out.append(f"quote {q.get('id')}: not in the article as written: {part[:60]!r}")
                break
    return out


# ------------------------------------------------------------------ files
# kind -> (table, key) of every record that carries a confidence label
_CONF_TABLES = {"expo": ("expo", "slug"),
                **{k: _TABLES[k] for k in schema.CONFIDENCE_KINDS if k != "expo"}}


def _rows(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    cur = conn.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _has_table(conn, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None


# Kinds of source that a user's own import writes (db.importing, db.planimport): the file
# itself is the source of what it says.
USER_SOURCE_KINDS = ("import", "floor plan", "manual")


def curated(conn: sqlite3.Connection) -> bool:
    """True for a file that labels the confidence of its records (the built-in expo, or an
    export of it): the content rules hold for every record there."""
    return _has_table(conn, "confidence") and \
        conn.execute("SELECT 1 FROM confidence LIMIT 1").fetchone() is not None


def confidence_of(conn: sqlite3.Connection, kind: str, ref: str) -> dict | None:
    """{"level", "basis"} of one record, or None where the file has no label for it."""
    if not _has_table(conn, "confidence"):
        return None
    row = conn.execute("SELECT level, basis FROM confidence WHERE kind = ? AND ref = ?",
                       (kind, ref)).fetchone()
    return {"level": row[0], "basis": row[1]} if row else None


def confidence_problems(conn: sqlite3.Connection) -> list[str]:
    if not curated(conn):
        return []
    labels = {(k, r): (lv, b) for k, r, lv, b in
              conn.execute("SELECT kind, ref, level, basis FROM confidence")}
    # Records a user imported (an organiser's list, a floor plan) state what their file says,
    # cited to that file; they carry no label of ours and the curated rules do not judge them.
    user_supplied = set(conn.execute(
        "SELECT c.kind, c.ref FROM cites c JOIN sources s ON s.id = c.source "
        "WHERE s.kind IN " + str(USER_SOURCE_KINDS)))
    out = []
    for kind, (table, key) in _CONF_TABLES.items():
        for rec in _rows(conn, f"SELECT * FROM {table}"):
            level, basis = labels.get((kind, rec[key]), (None, None))
            if level is None and (kind, rec[key]) in user_supplied:
                continue
            problem = wording_problem(level, basis, record_text(rec))
            if problem:
                out.append(f"{kind} {rec[key]}: {problem}")
    return out


def date_problems(conn: sqlite3.Connection) -> list[str]:
    """Event and source dates without a valid precision, or stored more precisely than it."""
    out = []
    legacy_ok = schema.file_version(conn) < 3   # upgraded to month when the file is opened
    checks = [("event", "SELECT slug, date, date_precision FROM events")]
    if "date_precision" in {r[1] for r in conn.execute("PRAGMA table_info(sources)")}:
        checks.append(("source", "SELECT id, date, date_precision FROM sources"))
    for kind, sql in checks:
        for ref, value, prec in conn.execute(sql):
            if value is None and kind == "source":
                continue
            if legacy_ok and prec in dates.LEGACY_PRECISION:
                continue
            if prec not in dates.PRECISIONS:
                out.append(f"{kind} {ref}: date {value!r} has no precision (day, month or year)")
                continue
            try:
                day, _ = dates.parse_date(value, prec)
            except dates.DateError as exc:
                out.append(f"{kind} {ref}: {exc}")
                continue
            if day != value:
                out.append(f"{kind} {ref}: date {value!r} of precision {prec!r} should be stored "
                           f"as {day!r}, the start of its period")
    return out


def uncited_sources(conn: sqlite3.Connection) -> list[str]:
    return [f"source {sid}: cited by no record" for (sid,) in conn.execute(
        "SELECT id FROM sources WHERE id NOT IN (SELECT source FROM cites) ORDER BY id")]


def file_problems(conn: sqlite3.Connection) -> list[str]:
    """The content rules that a file can show by itself (all but the quotations' wording,
    which needs the article): dates on every file; confidence wording and uncited sources
    on a curated file."""
    out = date_problems(conn)
    if curated(conn):
        out += confidence_problems(conn) + uncited_sources(conn)
    return out


@dataclass
class Counts:
    records: int          # fact-bearing records (expo, exhibitors, … links)
    sources: int
    medium: int           # records labelled medium confidence
    labelled: int         # records with a confidence label


def counts(conn: sqlite3.Connection) -> Counts:
    records = sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t, _ in _CONF_TABLES.values())
    sources = conn.execute("SELECT count(*) FROM sources").fetchone()[0]
    medium = labelled = 0
    if _has_table(conn, "confidence"):
        labelled, medium = conn.execute(
            "SELECT count(*), coalesce(sum(level != 'high'), 0) FROM confidence").fetchone()
    return Counts(records, sources, medium, labelled)


# ------------------------------------------------------------------ citations
FR_CITATION_RE = re.compile(r"\b(\d{1,3}) FR (\d{1,6})\b")


def source_citations(value) -> list[str]:
    """A source's machine-readable citations (its ``citations`` column, a JSON list)."""
    if not value:
        return []
    try:
        items = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return [str(c) for c in items if c]


def events_for_citation(conn: sqlite3.Connection, citation: str) -> list[dict]:
    """Events that cite a source carrying ``citation`` (e.g. "87 FR 62186"), by date.

    How the screening feature ties a list entry's Federal Register citation to the timeline;
    a citation no source carries gives no event (nothing is inferred from volume and page).
    """
    want = " ".join(citation.split()).casefold()
    if "citations" not in {r[1] for r in conn.execute("PRAGMA table_info(sources)")}:
        return []
    ids = [sid for sid, cits in conn.execute("SELECT id, citations FROM sources")
           if want in {c.casefold() for c in source_citations(cits)}]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return _rows(conn, "SELECT DISTINCT e.* FROM events e JOIN cites c ON c.kind = 'event' "
                       f"AND c.ref = e.slug WHERE c.source IN ({marks}) ORDER BY e.date, e.slug",
                 ids)
