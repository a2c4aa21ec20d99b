"""Build the built-in WeSemiBay expo file from the readable sources in ``db/seed/``.

The seed files are JSON that people can read and edit; every fact-bearing
record cites sources. The floor layout is schematic (no official floor plan is
known): one schematic hall per reported zone, booths in rows with aisles; the
booths of exhibitors that no source names are neutral "other exhibitor" booths.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
from pathlib import Path

from . import content, dates, fileops, layout, schema
from . import tablespec as T
from .errors import DataError, is_storage_fault, storage_error
from .images import PRODUCT_ART, attach_tool_pictures
from .expo import open_expo
from .importing import document
from .importing.report import ImportReport, Problems
from .search import rebuild_index
from .text import MAX_ID, clean_field
from .supply import ETO_DIR, load_eto

SEED_DIR = Path(__file__).with_name("seed")
SEED_FILES = ("sources", "facts", "expo", "zones", "exhibitors", "organisations", "products",
              "people", "quotes", "topics", "events", "links", "supply_map")
# Records of these files must cite at least one source, and name the fact-sheet rows they state.
MUST_CITE = ("exhibitors", "organisations", "products", "topics", "events", "people", "quotes",
             "links")
# Hall names say they are ours: no source gives the venue's halls.
HALL_NAME = "Area {n} (schematic)"
HALL_NAMES = {"de": "Bereich {n} (schematisch)", "zh": "区域 {n}（示意）"}


def load_seed(seed_dir: Path = SEED_DIR) -> dict:
    data = {}
    for name in SEED_FILES:
        path = seed_dir / f"{name}.json"
        try:
            data[name] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DataError(f"{path}: seed file missing") from None
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}: line {exc.lineno}: invalid JSON ({exc.msg})") from None
    validate_seed(data, seed_dir)
    return data


def _records(data: dict, name: str) -> list[dict]:
    return data[name] if isinstance(data[name], list) else [data[name]]


def _label(rec: dict, i: int) -> str:
    return rec.get("slug") or rec.get("id") or f"link {i + 1}"


def validate_seed(data: dict, seed_dir: Path = SEED_DIR) -> None:
    """Check references, sources and the content rules; raise DataError naming the file and
    record (see db.content for the rules)."""
    source_ids = {s["id"] for s in data["sources"]}
    slugs = {
        "zone": {z["slug"] for z in data["zones"]},
        "exhibitor": {e["slug"] for e in data["exhibitors"]},
        "organisation": {o["slug"] for o in data["organisations"]},
        "product": {p["slug"] for p in data["products"]},
        "topic": {t["slug"] for t in data["topics"]},
        "event": {e["slug"] for e in data["events"]},
        "person": {p["slug"] for p in data["people"]},
    }

    def fail(name: str, label: str, problem: str):
        raise DataError(f"{seed_dir / name}.json: {label}: {problem}")

    facts = {}
    for f in data["facts"]:
        if f.get("confidence") not in content.LEVELS:
            fail("facts", f["id"], f"confidence must be one of {', '.join(content.LEVELS)}")
        if f["confidence"] != "high" and not (f.get("basis") or "").strip():
            fail("facts", f["id"], "a medium fact needs a basis (why it is not high)")
        for s in f.get("sources") or []:
            if s not in source_ids:
                fail("facts", f["id"], f"unknown source {s!r}")
        facts[f["id"]] = f
    for s in data["sources"]:
        try:
            dates.parse_date(s.get("date"))
        except dates.DateError as exc:
            fail("sources", s["id"], str(exc))
    for name in MUST_CITE + ("expo",):
        for i, rec in enumerate(_records(data, name)):
            label = _label(rec, i)
            srcs = rec.get("sources") or []
            if name in MUST_CITE and not srcs:
                fail(name, label, "cites no source")
            for s in srcs:
                if s not in source_ids:
                    fail(name, label, f"unknown source {s!r}")
            if not rec.get("facts"):
                fail(name, label, 'names no fact-sheet row ("facts")')
            for fid in rec["facts"]:
                if fid not in facts:
                    fail(name, label, f"unknown fact {fid!r} (see facts.json)")
                if not set(facts[fid]["sources"]) & set(srcs):
                    fail(name, label, f"states fact {fid} but cites none of its sources "
                                      f"({', '.join(facts[fid]['sources'])})")
            level, basis = content.derive_confidence(rec["facts"], facts)
            problem = content.wording_problem(level, basis, content.record_text(rec))
            if problem:
                fail(name, label, problem)
            for field, value in (rec.get("name_sources") or {}).items():
                for s in value:
                    if s not in srcs:
                        fail(name, label, f"the name {field!r} cites {s!r}, which the record "
                                          "does not cite")
    for name in ("exhibitors", "products"):
        for rec in data[name]:
            named = rec.get("name_sources") or {}
            others = [rec.get("pinyin")] + list(rec.get("aliases") or [])
            if rec.get("name_zh") and not rec.get("name_zh_note"):
                others.append(rec["name_zh"])
            for other in others:
                if other and other not in named:
                    fail(name, rec["slug"], f"the name {other!r} cites no source: add it to "
                                            "name_sources (or, for name_zh, say where it comes "
                                            "from in name_zh_note)")
    for ev in data["events"]:
        try:
            dates.parse_date(ev.get("date"))
        except dates.DateError as exc:
            fail("events", ev["slug"], str(exc))
        if not ev.get("date"):
            fail("events", ev["slug"], "has no date")

    def need(kind, slug, where):
        if slug is not None and slug not in slugs[kind]:
            raise DataError(f"{seed_dir / where}: unknown {kind} {slug!r}")

    for e in data["exhibitors"]:
        need("zone", e.get("zone"), f"exhibitors.json: {e['slug']}")
    for p in data["products"]:
        need("exhibitor", p["exhibitor"], f"products.json: {p['slug']}")
    for q in data["quotes"]:
        need("person", q["person"], f"quotes.json: {q['id']}")
    for ev in data["events"]:
        for t in ev.get("topics", []):
            need("topic", t, f"events.json: {ev['slug']}")
        if ev.get("side") not in ("us", "china", "expo"):
            raise DataError(f"{seed_dir}/events.json: {ev['slug']}: side must be us, china or expo")
    for i, ln in enumerate(data["links"]):
        need(ln["from_kind"], ln["from"], f"links.json: link {i + 1}")
        need(ln["to_kind"], ln["to"], f"links.json: link {i + 1}")
    cited = set()
    for name in MUST_CITE + ("expo", "zones"):
        for rec in _records(data, name):
            cited.update(rec.get("sources") or [])
    for tool, m in (data["supply_map"].get("tool_types") or {}).items():
        if not (m or {}).get("sources"):
            fail("supply_map", tool, "cites no source")
        for s in m["sources"]:
            if s not in source_ids:
                fail("supply_map", tool, f"unknown source {s!r}")
        cited.update(m["sources"])
    for s in data["sources"]:
        if s["id"] not in cited:
            fail("sources", s["id"], "cited by no record")
    _check_lengths(data, seed_dir)


def _check_lengths(data: dict, seed_dir: Path) -> None:
    """Every text of the seed within its column's limit (``db.text``), as imports are."""
    for name in SEED_FILES:
        records = data[name] if isinstance(data[name], list) else [data[name]]
        for i, rec in enumerate(records):
            if not isinstance(rec, dict):
                continue
            label = rec.get("slug") or rec.get("id") or f"record {i + 1}"
            for key, value in rec.items():
                values = value if isinstance(value, list) else [value]
                limit = MAX_ID if isinstance(value, list) and key != "aliases" else \
                    T.limit_of(name, key)
                for v in values:
                    if isinstance(v, str):
                        ok, problem = clean_field(v, limit, single_line=False)
                        if ok is None:
                            raise DataError(f"{seed_dir / name}.json: {label}: {key!r} {problem}")


def seed_fingerprint(seed_dir: Path = SEED_DIR) -> str:
    h = hashlib.sha256()
    for name in SEED_FILES:
        h.update((seed_dir / f"{name}.json").read_bytes())
    for path in sorted(ETO_DIR.glob("*.csv")):
        h.update(path.read_bytes())
    for path in sorted(PRODUCT_ART.glob("*.png")):
        h.update(path.read_bytes())
    for mod in ("build.py", "layout.py", "schema.py", "search.py", "supply.py", "images.py",
                "content.py", "dates.py", "tablespec.py", "importing/document.py"):
        src = Path(__file__).parent / mod
        # A frozen program may ship without its sources: then the schema version stands in.
        h.update(src.read_bytes() if src.exists() else f"{mod} {schema.SCHEMA_VERSION}".encode())
    return h.hexdigest()[:16]


def builtin_layout(zones: list[dict], exhibitors: list[dict]):
    """Halls (one per zone, 2 x 2) and booths; named exhibitors placed in their zone."""
    rng = random.Random(2025)
    halls, booths = [], []
    gap = 12.0
    for i, zone in enumerate(zones):
        spec = layout.HallSpec(slug=f"area-{i + 1}", name=HALL_NAME.format(n=i + 1),
                               number=i + 1, x=0, y=0, zone=zone["slug"])
        col, row = i % 2, i // 2
        spec.x = col * (spec.w + gap)
        spec.y = row * (spec.h + gap)
        halls.append({"slug": spec.slug, "name": spec.name, "level": 0, "x": spec.x,
                      "y": spec.y, "w": spec.w, "h": spec.h, "zone": zone["slug"],
                      "names": {lang: name.format(n=i + 1) for lang, name in HALL_NAMES.items()}})
        hb = layout.hall_booths(spec, merge_rate=0.08, rng=rng, single_rows="BCD")
        booths.extend(hb)
    occupancy: list[tuple[str, str]] = []
    by_zone: dict[str, list[dict]] = {}
    for ex in exhibitors:
        by_zone.setdefault(ex.get("zone"), []).append(ex)
    for i, zone in enumerate(zones):
        hall_no = i + 1
        placed = by_zone.get(zone["slug"], [])
        # Named exhibitors stand along the first aisle of their hall, spread out.
        slots = [f"{hall_no}B{c:02d}" for c in (3, 7, 12, 16, 5, 10, 14, 18)]
        slots += [f"{hall_no}C{c:02d}" for c in (3, 7, 12, 16, 5, 10, 14, 18)]
        codes = {b["code"] for b in booths}
        for ex, slot in zip(placed, [s for s in slots if s in codes]):
            if ex["slug"] == "sicarrier":
                # The article reports a crowd at SiCarrier's stand: an island booth
                # (four standard booths joined); its size is schematic, not reported.
                block = [f"{hall_no}C{c:02d}" for c in (9, 10)] + \
                        [f"{hall_no}D{c:02d}" for c in (9, 10)]
                if all(c in codes for c in block):
                    booths = layout.merge_block(booths, block, block[0])
                    occupancy.append((block[0], ex["slug"]))
                    codes = {b["code"] for b in booths}
                    continue
            occupancy.append((slot, ex["slug"]))
    booths.sort(key=lambda b: b["code"])
    return halls, booths, occupancy


def build(out: str | os.PathLike, seed_dir: Path = SEED_DIR) -> Path:
    """Write the built-in expo to ``out`` atomically (``fileops``: a temp file, then rename)."""
    data = load_seed(seed_dir)
    out = Path(out)
    fileops.check_target(out, "an expo file")
    tmp = fileops.temp_beside(out, "build", ".sqlite")
    try:
        expo = open_expo(tmp, create=True)
        try:
            write_seed(expo._conn, data)
            expo._conn.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.Error as exc:
            if is_storage_fault(exc):
                raise storage_error(out, exc, "cannot write it") from None
            raise
        finally:
            expo.close()
        fileops.replace(tmp, out, database=True)
    except BaseException:
        fileops.remove(tmp, sidecars=True)
        raise
    return out


# Keys of the seed that state where a record's facts come from (checked by
# ``validate_seed``); the file keeps what they give: confidence labels and sources.
SEED_ONLY = ("facts", "name_sources")


def seed_document(data: dict) -> dict:
    """The seed as an expo document (``db.tablespec``): the schematic halls and booths,
    link ids, the supply map as a list, and each record's confidence label (from the
    fact-sheet rows it states)."""
    facts = {f["id"]: f for f in data["facts"]}

    def record(rec: dict, labelled: bool = True) -> dict:
        out = {k: v for k, v in rec.items() if k not in SEED_ONLY}
        if labelled:
            out["confidence"], out["confidence_basis"] = content.derive_confidence(
                rec["facts"], facts)
        return out

    e = data["expo"]
    meta = record(e)
    meta["schematic"] = bool(e.get("schematic", True))
    meta["synthetic"] = False
    meta["start_date_precision"] = dates.parse_date(e["start_date"])[1]
    halls, booths, occupancy = builtin_layout(data["zones"], data["exhibitors"])
    occupants: dict[str, list[str]] = {}
    for code, slug in occupancy:
        occupants.setdefault(code, []).append(slug)
    for b in booths:
        if b["code"] in occupants:
            b["exhibitors"] = occupants[b["code"]]
    doc = {"format": T.FORMAT, "format_version": T.FORMAT_VERSION, "expo": meta,
           "zones": [record(z, False) for z in data["zones"]], "halls": halls,
           "booths": booths,
           "links": [dict(record(ln), id=ln.get("id") or f"link-{i + 1:03d}")
                     for i, ln in enumerate(data["links"])],
           "supply_map": [{"tool_type": tool, **(m or {})} for tool, m in
                          (data["supply_map"].get("tool_types") or {}).items()],
           "sources": [record(s, False) for s in data["sources"]]}
    for name in ("exhibitors", "organisations", "products", "topics", "events", "people",
                 "quotes"):
        doc[name] = [record(r) for r in data[name]]
    return doc


def write_seed(conn, data: dict) -> None:
    """Write the seed into an empty expo file (one transaction): the records through the
    document writer (as an import writes them), the market context, the pictures and the
    search index."""
    conn.execute("BEGIN")
    try:
        document.write(conn, seed_document(data), "seed", Problems(ImportReport()))
        load_eto(conn)
        # Product pictures: our own illustrations of each tool type, with their credit.
        attach_tool_pictures(conn)
        rebuild_index(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def builtin_path(cache_dir: str | os.PathLike) -> Path:
    """The built-in expo, built once into ``cache_dir`` and reused while the seed is unchanged."""
    cache_dir = Path(cache_dir)
    path = cache_dir / f"builtin-{schema.SCHEMA_VERSION}-{seed_fingerprint()}.sqlite"
    if not path.exists():
        build(path)
        for old in cache_dir.glob("builtin-*.sqlite"):
            if old != path:
                try:
                    old.unlink()
                except OSError:
                    pass
    return path
