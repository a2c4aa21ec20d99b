"""JSON documents: the expo document (``export --format json``) read, checked and written.

What a document holds is described once, in ``db.tablespec``: each section's table, key,
columns (JSON type, how stored, default, reference, limit) and derived fields. ``check``
validates a whole document before anything is written (types, lengths, required fields,
dates, duplicates, references), each fault one error naming the record
(``exhibitors[3] (slug 'acme')``) and the key; ``write`` writes it (inserting or updating
each record by its key). The built-in expo is written from the seed by the same ``write``
(``db.build``).
"""
from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path

from .. import fileops, images, schema
from .. import tablespec as T
from ..dates import DateError, parse_date
from ..errors import describe
from ..text import MAX_ID, MAX_NAME, MAX_TEXT, clean_field
from .report import Problems

_INT64 = 1 << 63
_MAX_COORD = 1e6
_UPSERTS: dict[tuple, str] = {}


# ------------------------------------------------------------------ reading
def read(path: Path, problems: Problems) -> dict | None:
    """The document in ``path``, or None (reported): not UTF-8, not JSON, not ours, newer."""
    name = path.name
    try:
        with fileops.open_regular(path, "a JSON document") as fh:
            raw = fh.read()
    except OSError as exc:
        problems.error(name, f"cannot read the file ({describe(exc)})")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        problems.error(name, "not valid UTF-8", line, fix="save the JSON file as UTF-8")
        return None
    del raw
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        problems.error(name, f"invalid JSON ({exc.msg})", exc.lineno, f"{exc.colno}",
                       fix="check the brackets, quotes and commas there")
        return None
    except RecursionError:
        problems.error(name, "invalid JSON (nested too deeply)", fix="export the document again")
        return None
    except ValueError as exc:      # NaN/Infinity, or an integer of thousands of digits
        problems.error(name, f"invalid JSON ({exc})", fix="write plain numbers")
        return None
    if not isinstance(doc, dict) or doc.get("format") != T.FORMAT:
        problems.error(name, f'not an expo document (no "format": "{T.FORMAT}")',
                       fix="import the JSON that `wesemibay-db export --format json` writes, "
                           "or a CSV file")
        return None
    version = doc.get("format_version", 1)
    if isinstance(version, bool) or not isinstance(version, (int, float)):
        problems.error(name, f'"format_version" must be a number, not {kind_of(version)}',
                       fix="import the JSON that `wesemibay-db export --format json` writes")
        return None
    if version > T.FORMAT_VERSION:
        problems.error(name, f"format_version {doc.get('format_version')} is newer than this "
                       f"program reads ({T.FORMAT_VERSION})", fix="update WeSemiBay Explorer")
        return None
    return doc


def _no_constant(word: str):
    raise ValueError(f"{word} is not a number JSON allows")


# ------------------------------------------------------------------ checking
def kind_of(v) -> str:
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


def _clean_texts(container, keys, label: str, limit: int) -> str | None:
    """Clean ``container[k]`` for each key in place; what is wrong with the first bad one."""
    for k in keys:
        item = container[k]
        if not isinstance(item, str):
            return f"{label.format(k)} must be a text, not {kind_of(item)}"
        clean, problem = clean_field(item, limit)
        if clean is None:
            return f"{label.format(k)} {problem}"
        container[k] = clean
    return None


def check_value(problems: Problems, name: str, where: str, rec: dict, f: str, kind: str,
                limit: int | None) -> bool:
    """Check (and clean in place) ``rec[f]`` against ``kind``; False and an error if wrong."""
    v = rec.get(f)
    if v is None:
        return True
    bad = None
    if kind == T.STR:
        if not isinstance(v, str):
            bad = f"must be a text, not {kind_of(v)}"
        else:
            clean, problem = clean_field(v, limit, limit != MAX_TEXT)
            if clean is None:
                bad = problem
            else:
                rec[f] = clean
    elif kind in (T.INT, T.NUM):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or \
                (kind == T.INT and not isinstance(v, int)):
            bad = f"must be {'a whole number' if kind == T.INT else 'a number'}, not {kind_of(v)}"
        elif isinstance(v, int) and not -_INT64 <= v < _INT64:
            bad = "is a number out of range"
        elif isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
            bad = "must be a finite number"
        elif kind == T.NUM and (abs(v) > _MAX_COORD or (f in ("w", "h") and v <= 0)):
            bad = f"= {v} is out of range (metres: at most {_MAX_COORD:,.0f}; width and " \
                  "depth above 0)"
    elif kind == T.BOOL:
        if not (isinstance(v, bool) or (isinstance(v, int) and v in (0, 1))):
            bad = f"must be true or false, not {kind_of(v)}"
    elif kind in (T.IDS, T.STRS):
        item_limit = MAX_ID if kind == T.IDS else MAX_NAME
        if not isinstance(v, list):
            bad = f"must be a list, not {kind_of(v)}"
        else:
            bad = _clean_texts(v, range(len(v)), "item {}", item_limit)
            if not bad:
                if len(json.dumps(v, ensure_ascii=False)) > MAX_TEXT:
                    bad = f"too long (more than {MAX_TEXT:,} characters as stored)"
    elif kind == T.JSON:
        if not isinstance(v, dict):
            bad = f"must be an object, not {kind_of(v)}"
        else:
            try:
                text = json.dumps(v, ensure_ascii=False)
            except (ValueError, RecursionError):
                text = None
            if text is None or "\\u0000" in text:
                bad = "holds a value that cannot be stored (a NUL character?)"
            elif len(text) > MAX_TEXT:
                bad = f"too long ({len(text):,} characters as stored; at most {MAX_TEXT:,})"
    elif kind == T.NAMES:
        if not isinstance(v, dict):
            bad = f"must be an object of language code to name, not {kind_of(v)}"
        else:
            odd = [k for k in v if not (0 < len(k) <= 16 and k.isascii()
                                        and k.replace("-", "").replace("_", "").isalnum())]
            bad = f"has {odd[0][:20]!r}, which is not a language code such as \"de\"" if odd \
                else _clean_texts(v, list(v), "[{!r}]", MAX_NAME)
    elif kind == T.LEVEL:
        if v not in schema.CONFIDENCE_LEVELS:
            bad = f"must be one of {', '.join(schema.CONFIDENCE_LEVELS)}"
    if bad:
        problems.error(name, f'"{f}" {bad}', column=where,
                       fix="shorten it" if "too long" in bad else "")
        return False
    return True


def _where(section: str, i: int, key: str, ident) -> str:
    where = f"{section}[{i}]"
    if isinstance(ident, str) and ident:
        text = ident if len(ident) <= 60 else ident[:57] + "…"
        where += f" ({key} {text!r})"
    return where


def _date_columns(section: T.Section) -> tuple[T.Column, T.Column] | None:
    dates = [c for c in section.columns if c.stored in (T.AS_DATE, T.AS_PRECISION)]
    if not dates:
        return None
    date = next(c for c in dates if c.stored == T.AS_DATE)
    return date, next(c for c in dates if c.stored == T.AS_PRECISION)


def check(problems: Problems, conn: sqlite3.Connection, doc: dict, name: str,
          known_sources: set[str]) -> None:
    """Validate a JSON document before anything is written: every field's type and length,
    required fields, dates, duplicates and references (to the document or the expo). Each
    fault is one error naming the record and the key; values are cleaned in place."""
    keys: dict[str, set] = {}
    valid: dict[str, list[tuple[int, dict]]] = {}     # section -> (index, record) that passed
    for section in ("expo", "images"):
        if doc.get(section) is not None and not isinstance(doc[section],
                                                           dict if section == "expo" else list):
            problems.error(name, f'"{section}" must be '
                           f'{"an object" if section == "expo" else "a list"}'
                           f", not {kind_of(doc[section])}", column=section)
            doc[section] = None
    meta = doc.get("expo") or {}
    meta_types = T.EXPO.types()
    for f, (kind, limit) in list(meta_types.items()) + [("confidence", (T.LEVEL, None)),
                                                        ("confidence_basis", (T.STR, MAX_TEXT))]:
        if not check_value(problems, name, "expo", meta, f, kind, limit):
            meta.pop(f, None)
    extra = {k: v for k, v in meta.items() if k not in meta_types}
    try:
        extra_len = len(json.dumps(extra, ensure_ascii=False))
    except (ValueError, RecursionError):
        extra_len = MAX_TEXT + 1
    if extra_len > MAX_TEXT:
        problems.error(name, f"the other fields of the expo are too long (more than "
                       f"{MAX_TEXT:,} characters as stored)", column="expo", fix="shorten them")
    for section in T.SECTIONS.values():
        recs = doc.get(section.name, [])
        if not isinstance(recs, list):
            problems.error(name, f'"{section.name}" must be a list, not {kind_of(recs)}',
                           column=section.name)
            doc[section.name] = []
            continue
        key = section.key_field
        types = section.types()
        dated = _date_columns(section)
        seen = set()
        good = []
        for i, rec in enumerate(recs):
            if not isinstance(rec, dict):
                problems.error(name, f"must be an object, not {kind_of(rec)}",
                               column=f"{section.name}[{i}]")
                continue
            ident = rec.get(key)
            where = _where(section.name, i, key, ident)
            ok = True
            for f, (kind, limit) in types.items():
                ok = check_value(problems, name, where, rec, f, kind, limit) and ok
            for f in section.required:
                v = rec.get(f)
                if v is None or (isinstance(v, str) and not v.strip()):
                    problems.error(name, f'"{f}" is missing or empty', column=where,
                                   fix=f"fill in {f}")
                    ok = False
            if dated and (rec.get(dated[0].field) is not None or dated[0].required):
                try:
                    parse_date(rec.get(dated[0].field), rec.get(dated[1].field))
                except DateError as exc:
                    problems.error(name, str(exc), column=where, fix="write the date as "
                                   "2025-10-15, 2025-10 or 2025, with date_precision day, "
                                   "month or year")
                    ok = False
            if rec.get("confidence") not in (None, *schema.CONFIDENCE_LEVELS):
                problems.error(name, f'"confidence" must be one of '
                               f'{", ".join(schema.CONFIDENCE_LEVELS)}', column=where)
                ok = False
            if not check_value(problems, name, where, rec, "confidence_basis", T.STR, MAX_TEXT):
                ok = False
            if isinstance(ident, str):
                if ident in seen:
                    problems.error(name, f"duplicate {key} {ident!r}", column=where,
                                   fix="each record needs its own id (conflicting duplicate id)")
                    ok = False
                seen.add(ident)
            if ok:
                good.append((i, rec))
        keys[section.name] = seen
        valid[section.name] = good
    # references, to what the document or the expo holds
    existing: dict[str, set] = {}
    for section in T.SECTIONS.values():
        for f, target_name in section.refs():
            target = T.SECTIONS[target_name]
            if target_name not in existing:
                existing[target_name] = keys.get(target_name, set()) | {
                    r[0] for r in conn.execute(f"SELECT {target.key} FROM {target.table}")}
            known = existing[target_name]
            for i, rec in valid.get(section.name, []):
                v = rec.get(f)
                for ref in (v if isinstance(v, list) else [v] if v is not None else []):
                    if ref not in known:
                        problems.error(name, f"unknown {target.kind} {ref!r} in \"{f}\"",
                                       column=_where(section.name, i, section.key_field,
                                                     rec.get(section.key_field)),
                                       fix=f"add the {target.kind} or correct the reference")
    srcs = keys.get("sources", set()) | known_sources
    cited = [("expo", [(0, meta)])] + [(s.name, valid.get(s.name, []))
                                       for s in T.SECTIONS.values() if s.cited]
    for section, recs in cited:
        for i, rec in recs:
            for s in rec.get("sources") or []:
                if s not in srcs:
                    problems.error(name, f"unknown source {s!r}",
                                   column="expo" if section == "expo" else f"{section}[{i}]",
                                   fix='add it to "sources" or remove the reference')
    image_types = [(c.field, c.type, c.limit) for c in T.IMAGES.columns
                   if c.field not in T.IMAGE_COMPUTED and c.stored != "base64"]
    for i, im in enumerate(doc.get("images") or []):
        if not isinstance(im, dict) or not isinstance(im.get("sha1"), str):
            problems.error(name, "image record without sha1", column=f"images[{i}]")
            continue
        for f, kind, limit in image_types:
            check_value(problems, name, f"images[{i}]", im, f, kind, limit)


# ------------------------------------------------------------------ writing
def _encode(section: T.Section, rec: dict, position: int, image_ids: dict) -> list:
    """The row a record is stored as: one value per column of ``section``, in order."""
    when = None
    row = []
    for c in section.columns:
        v = rec.get(c.field)
        stored = c.stored
        if stored == T.AS_JSON:
            v = json.dumps(v or ([] if c.type == T.STRS else {}), ensure_ascii=False)
        elif stored == T.AS_BOOL:
            v = c.default if v is None else int(bool(v))
        elif stored in (T.AS_DATE, T.AS_PRECISION):
            if when is None:     # reduced ISO dates -> (first day, precision)
                date, prec = _date_columns(section)
                when = parse_date(rec.get(date.field), rec.get(prec.field)) or (None, None)
            v = when[0] if stored == T.AS_DATE else when[1]
        elif stored == T.AS_IMAGE:
            v = image_ids.get(v) if v else None
        elif v is None and c.default is not None:
            v = position if c.default == T.INDEX else c.default
        row.append(v)
    return row


def insert_expo(conn: sqlite3.Connection, meta: dict) -> None:
    """The expo row (id 1) from an expo object: its columns, every other field in ``extra``
    (the derived ones, sources, confidence and layout, are kept elsewhere)."""
    cols = [c for c in T.EXPO.columns if c.stored != T.AS_EXTRA]
    taken = {c.field for c in cols}
    for d in T.EXPO.derived:
        taken.update(T.DERIVED[d].keys or (d,))
    extra = {k: v for k, v in meta.items() if k not in taken}
    row = _encode(T.EXPO, {c.field: meta.get(c.field) for c in cols}, 0, {})
    conn.execute(f"INSERT INTO expo(id, {', '.join(c.name for c in cols)}, extra) "
                 f"VALUES (1, {', '.join('?' * len(cols))}, ?)",
                 row[:len(cols)] + [json.dumps(extra, ensure_ascii=False)])


def _upsert(section: T.Section) -> str:
    cols = [c.name for c in section.columns]
    key = (section.table, section.key, tuple(cols))
    sql = _UPSERTS.get(key)
    if sql is None:
        sql = _UPSERTS[key] = (
            f"INSERT INTO {section.table}({', '.join(cols)}) VALUES "
            f"({', '.join('?' * len(cols))}) ON CONFLICT({section.key}) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in cols if c != section.key))
    return sql


def write(conn: sqlite3.Connection, doc: dict, name: str, problems: Problems) -> None:
    """Write a checked document into the open transaction of ``conn``: each record added,
    updated or left unchanged by its key (counted in ``problems.report``), then its derived
    fields (sources, confidence, booths, topics)."""
    rep = problems.report
    meta = doc.get("expo") or {}
    if conn.execute("SELECT count(*) FROM expo").fetchone()[0] == 0 and meta.get("slug"):
        insert_expo(conn, meta)
        rep.count("added", "expo")
    # pictures first (products refer to them by sha1)
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
            problems.warn(name, f"picture {im.get('sha1')}: {exc}; imported without it",
                          column=f"images[{i}]")
            continue
        image_ids[im["sha1"]] = images.store(conn, data, info=info, credit=im.get("credit"))
    for section in T.SECTIONS.values():
        recs = doc.get(section.name, []) or []
        if not recs:
            continue
        kind = T.kind_word(section)
        k = [c.name for c in section.columns].index(section.key)
        others = [c.name for c in section.columns if c.name != section.key]
        existing = {r[0]: r[1:] for r in conn.execute(
            f"SELECT {section.key}, {', '.join(others)} FROM {section.table}")}
        sql = _upsert(section)
        for position, rec in enumerate(recs):
            row = _encode(section, rec, position, image_ids)
            old = existing.get(row[k])
            if old is None:
                rep.count("added", kind)
            elif tuple(old) == tuple(row[:k] + row[k + 1:]):
                rep.count("unchanged", kind)
                continue
            else:
                rep.count("updated", kind)
            conn.execute(sql, row)
    # derived fields kept in tables of their own
    for section in T.SECTIONS.values():
        for d in section.derived:
            if d in _RELATIONS:
                _RELATIONS[d](conn, section, doc.get(section.name, []) or [], name, problems)
    for section in T.SECTIONS.values():
        if section.cited:
            key = section.key_field
            for rec in doc.get(section.name, []) or []:
                _cite(conn, section.kind, rec[key], rec.get("sources"))
    if meta.get("slug"):
        _cite(conn, "expo", meta["slug"], meta.get("sources"))
    # confidence labels (v3) travel with their records
    labelled = [("expo", meta, "slug")] if meta.get("slug") else []
    for section in T.SECTIONS.values():
        if section.labelled:
            labelled += [(section.kind, rec, section.key_field)
                         for rec in doc.get(section.name, []) or []]
    for kind, rec, key in labelled:
        if rec.get("confidence"):
            conn.execute("INSERT OR REPLACE INTO confidence(kind, ref, level, basis) "
                         "VALUES (?, ?, ?, ?)", (kind, rec[key], rec["confidence"],
                                                 rec.get("confidence_basis")))


def _cite(conn, kind: str, ref: str, sources) -> None:
    for s in sources or []:
        conn.execute("INSERT OR IGNORE INTO cites(kind, ref, source) VALUES (?, ?, ?)",
                     (kind, ref, s))


def _occupants(conn, section, recs, name, problems) -> None:
    """booths[].exhibitors: who stands at the booth (replaces what the expo had)."""
    for b in recs:
        if "exhibitors" in b:
            conn.execute("DELETE FROM booth_exhibitors WHERE booth = ?", (b["code"],))
            for ex in b.get("exhibitors") or []:
                conn.execute("INSERT OR IGNORE INTO booth_exhibitors(booth, exhibitor) "
                             "VALUES (?, ?)", (b["code"], ex))


def _booths_of(conn, section, recs, name, problems) -> None:
    """exhibitors[].booths: its booths; one the floor plan lacks is added, unplaced."""
    for ex in recs:
        for code in ex.get("booths") or []:
            if conn.execute("SELECT 1 FROM booths WHERE code = ?", (code,)).fetchone() is None:
                conn.execute("INSERT INTO booths(code, zone, placed) VALUES (?, ?, 0)",
                             (code, ex.get("zone")))
                problems.warn(name, f"booth {code} is not on the floor plan; imported as an "
                              "unplaced booth", column=f"exhibitor {ex['slug']!r}")
            conn.execute("INSERT OR IGNORE INTO booth_exhibitors(booth, exhibitor) VALUES (?, ?)",
                         (code, ex["slug"]))


def _topics(conn, section, recs, name, problems) -> None:
    """events[].topics."""
    for ev in recs:
        for t in ev.get("topics") or []:
            conn.execute("INSERT OR IGNORE INTO event_topics(event, topic) VALUES (?, ?)",
                         (ev["slug"], t))


_RELATIONS = {"exhibitors": _occupants, "booths": _booths_of, "topics": _topics}
