"""Writing a reviewed plan into an expo file: all or nothing.

The work happens in a temporary copy of the expo file, which replaces the file
(atomic rename) only when everything passed; on any failure the file is left
byte for byte as it was and the copy is removed.

What a plan import writes:

* one ``sources`` row for the plan file (its name and sha256), cited by the
  expo, every hall and every booth it placed (``cites`` kinds ``hall``/``booth``);
* the plan's halls and booths (booths the expo already had get their geometry;
  codes new to the expo become booths without an exhibitor); the layout the
  plan replaces is retired: its halls are removed and booths it placed that the
  plan lacks go back to the *Unplaced booths* tray;
* ``expo.extra["floor_plan"]``: where the layout came from (file, sha256, pages, scale
  and how it was set, date), the doors, and the plan's picture(s) as underlays
  (PNG in the ``images`` table, with a two-point calibration: picture pixels to
  metres). The expo is no longer marked schematic.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import os
import sqlite3
from pathlib import Path
from typing import Callable, TypeVar

from ..errors import DataError, is_storage_fault, storage_error
from ..text import MAX_ID

T = TypeVar("T")
PLACED_BY_HAND = "placed-by-hand"
# the sources this module writes: a plan file, or "placed by hand"
_OURS = f"(source LIKE 'plan-%' OR source = '{PLACED_BY_HAND}')"


def rewrite_expo(target: str | os.PathLike, work: Callable[[sqlite3.Connection], T], *,
                 base: str | os.PathLike | None = None) -> T:
    """Run ``work(conn)`` inside one transaction on a checked temporary copy of the expo
    file (made if missing: empty, or a copy of ``base``, e.g. the built-in expo) and put
    the copy in place of the file; all or nothing.

    The copy is the import's (``db.importing.swap``): it replaces the file through
    ``db.fileops.replace`` (atomic, through symlinks, the file's mode kept, the old WAL never
    replayed onto the new file).
    """
    from ..importing.swap import missing_reference, open_copy
    target = Path(target)
    swap = conn = None
    try:
        swap, conn = open_copy(target, "plan", base=base, read_only_fix="write into a copy")
        conn.execute("BEGIN IMMEDIATE")
        result = work(conn)
        missing = missing_reference(conn)
        if missing:
            table, _rowid, parent_table = missing
            raise DataError(f"{target}: a {table} record would refer to a missing "
                            f"{parent_table} record; nothing was written")
        conn.execute("COMMIT")
        conn.close()
        conn = None
        swap.commit()
        return result
    except (sqlite3.Error, OSError) as exc:
        _discard(conn, swap)
        if is_storage_fault(exc):
            raise storage_error(target, exc, "nothing was written") from None
        raise DataError(f"{target}: writing failed ({exc}); nothing was written") from None
    except BaseException:
        _discard(conn, swap)
        raise


def _discard(conn, swap) -> None:
    from ..importing.swap import close_quietly
    if conn is not None:
        close_quietly(conn)
    if swap is not None:
        swap.discard()


# ------------------------------------------------------------------ helpers
def _layout(conn) -> tuple[str, dict]:
    from ..expo import _json_value
    row = conn.execute("SELECT slug, extra FROM expo WHERE id = 1").fetchone()
    if row is None:
        return "", {}
    return row[0], _json_value(row[1], dict)


def _ensure_expo(conn, target: Path, plan_name: str) -> str:
    from ..importing import document, slugify
    row = conn.execute("SELECT slug FROM expo WHERE id = 1").fetchone()
    if row:
        return row[0]
    slug = slugify(target.stem, "expo")
    document.insert_expo(conn, {"slug": slug, "name": target.stem,
                                "summary": f"Made by importing the floor plan {plan_name}."})
    return slug


def _save_extra(conn, extra: dict) -> None:
    conn.execute("UPDATE expo SET extra = ? WHERE id = 1",
                 (json.dumps(extra, ensure_ascii=False, sort_keys=True),))


def _store_png(conn, data: bytes, credit: str) -> tuple[str, int, int, str]:
    """Store a plan's picture (``images.store``); its sha1, width, height and type."""
    from .. import images
    info = images.inspect(data)
    images.store(conn, data, info=info, credit=credit)
    return info.sha1, info.width, info.height, info.mime


def _drop_underlays(conn, layout: dict) -> None:
    """Pictures of a replaced layout, unless a product still shows them."""
    for u in layout.get("underlays", []) or []:
        sha = u.get("image") if isinstance(u, dict) else None
        if sha:
            conn.execute("DELETE FROM images WHERE sha1 = ? AND id NOT IN "
                         "(SELECT image FROM products WHERE image IS NOT NULL)", (sha,))


def _underlays(res, halls_by_page: dict[int, str], progress) -> list[tuple[bytes, dict]]:
    """(PNG or picture bytes, record) for each page the plan uses."""
    from .extract import render_png
    out = []
    used = sorted({b.page for b in res.booths})
    for n in used:
        p = res.page(n)
        if res.kind == "picture":
            data, _mime, w, h = res.picture
        else:
            progress(0.2, f"drawing page {n} as the underlay")
            data, w, h, _px_per_pt = render_png(res.path, n)
        # two corners of the picture and where they are on the floor (the picture
        # covers the whole page)
        u1, v1 = float(w), float(h)
        x0, y0 = p.to_m(0.0, 0.0)
        x1, y1 = p.to_m(p.width, p.height)
        rec = {"page": n, "hall": halls_by_page.get(n, ""), "width": w, "height": h,
               "calibration": [[0.0, 0.0, round(x0, 4), round(y0, 4)],
                               [u1, v1, round(x1, 4), round(y1, 4)]]}
        if p.calibration:
            rec["points"] = p.calibration       # the user's own two points (page units)
        out.append((data, rec))
    return out


# --------------------------------------------------------------------- API
def write_plan(res, expo_path, *, underlay: bool = True, progress=None, base=None) -> dict:
    """Write ``res`` (a reviewed ``PlanImport``) into ``expo_path``: all or nothing (a new
    ``expo_path`` starts as a copy of ``base`` when one is given)."""
    progress = progress or (lambda f, m: None)
    problems = res.needs_review()
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise DataError(f"{res.path.name}: nothing written: {problems[0]}{more}; review it "
                        "in the window or fix the plan")
    target = Path(expo_path)
    halls = [h for h in res.halls_m() if any(res.hall_of(b.page) == h["slug"]
                                             for b in res.booths)]
    rows = []
    for b in res.booths:
        x, y, w, h = res.rect_m(b.page, b.box)
        if not all(math.isfinite(v) for v in (x, y, w, h)) or w <= 0 or h <= 0:
            raise DataError(f"{res.path.name}: booth {b.code}: no usable size on the floor")
        rows.append((b.code, res.hall_of(b.page), x, y, w, h))
    hall_of_page = {p.number: p.hall for p in res.pages}
    pictures = _underlays(res, hall_of_page, progress) if underlay else []
    today = _dt.date.today().isoformat()
    src_id = f"plan-{res.sha256[:16]}"
    name = res.path.name
    used_pages = sorted({b.page for b in res.booths})

    def work(conn) -> dict:
        progress(0.6, "writing halls and booths")
        expo_slug = _ensure_expo(conn, target, name)
        _, extra = _layout(conn)
        old = extra.get("floor_plan") if isinstance(extra.get("floor_plan"), dict) else {}
        scales = "; ".join(f"page {p.number}: {p.scale_m_per_pt:.6g} m per point "
                           f"({p.scale_source})" for p in res.pages
                           if p.number in used_pages and p.scale_m_per_pt)
        conn.execute(
            "INSERT OR REPLACE INTO sources(id, title, date, date_precision, kind, note) "
            "VALUES (?,?,?,'day',?,?)",
            (src_id, f"Floor plan {name}", today, "floor plan",
             f"The organiser's floor plan, file {name} (sha256 {res.sha256}), "
             f"page{'s' if len(used_pages) != 1 else ''} {', '.join(map(str, used_pages))}; "
             f"read on {today}; {scales}."))
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS plan_codes(code TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM temp.plan_codes")
        conn.executemany("INSERT OR IGNORE INTO temp.plan_codes(code) VALUES (?)",
                         [(r[0],) for r in rows])
        # retire the layout being replaced
        unplaced = conn.execute(
            "SELECT count(*) FROM booths WHERE placed AND code NOT IN "
            "(SELECT code FROM temp.plan_codes)").fetchone()[0]
        conn.execute("UPDATE booths SET placed = 0, hall = NULL, x = NULL, y = NULL, w = NULL, "
                     "h = NULL WHERE code NOT IN (SELECT code FROM temp.plan_codes) AND "
                     "(placed OR hall IS NOT NULL)")
        conn.execute(f"DELETE FROM cites WHERE kind = 'booth' AND {_OURS} AND ref NOT IN "
                     "(SELECT code FROM temp.plan_codes)")
        conn.execute(f"DELETE FROM cites WHERE kind = 'hall' AND {_OURS}")
        conn.execute("UPDATE booths SET hall = NULL WHERE hall IS NOT NULL")
        conn.execute("DELETE FROM halls")
        for h in halls:
            conn.execute("INSERT INTO halls(slug, name, level, x, y, w, h) VALUES (?,?,?,?,?,?,?)",
                         (h["slug"], h["name"], 0, h["x"], h["y"], h["w"], h["h"]))
            conn.execute("INSERT OR IGNORE INTO cites(kind, ref, source) VALUES ('hall', ?, ?)",
                         (h["slug"], src_id))
        added = updated = 0
        for code, hall, x, y, w, h in rows:
            cur = conn.execute("UPDATE booths SET hall = ?, x = ?, y = ?, w = ?, h = ?, placed = 1 "
                               "WHERE code = ?", (hall, x, y, w, h, code))
            if cur.rowcount:
                updated += 1
            else:
                conn.execute("INSERT INTO booths(code, hall, zone, x, y, w, h, placed) "
                             "VALUES (?,?,NULL,?,?,?,?,1)", (code, hall, x, y, w, h))
                added += 1
            conn.execute(f"DELETE FROM cites WHERE kind = 'booth' AND ref = ? AND {_OURS}",
                         (code,))
            conn.execute("INSERT OR IGNORE INTO cites(kind, ref, source) VALUES ('booth', ?, ?)",
                         (code, src_id))
        conn.execute("INSERT OR IGNORE INTO cites(kind, ref, source) VALUES ('expo', ?, ?)",
                     (expo_slug, src_id))
        # stale plan sources nobody cites any more
        conn.execute("DELETE FROM cites WHERE kind = 'expo' AND source LIKE 'plan-%' AND "
                     "source != ? ", (src_id,))
        conn.execute("DELETE FROM sources WHERE (id LIKE 'plan-%' OR id = ?) AND id NOT IN "
                     "(SELECT source FROM cites)", (PLACED_BY_HAND,))
        _drop_underlays(conn, old)
        progress(0.8, "storing the plan's picture")
        unders = []
        for data, rec in pictures:
            sha1, w, h, mime = _store_png(conn, data, f"Floor plan {name}, page {rec['page']}")
            rec.update(image=sha1, mime=mime, width=w, height=h)
            unders.append(rec)
        layout = {
            "origin": "plan", "kind": res.kind, "file": name, "sha256": res.sha256,
            "source": src_id, "imported": today,
            "pages": [p.as_dict() for p in res.pages if p.number in used_pages],
            "booths": len(rows), "halls": [h["slug"] for h in halls],
            "doors": [{"hall": d.hall, "x": round(d.x, 3), "y": round(d.y, 3),
                       "source": d.source} for d in res.doors],
            "underlays": unders,
        }
        extra["floor_plan"] = layout
        _save_extra(conn, extra)
        conn.execute("UPDATE expo SET schematic = 0 WHERE id = 1")
        listed = set(res.vocabulary)
        return {"expo": str(target), "plan": name, "booths": len(rows), "added": added,
                "updated": updated, "unplaced": unplaced, "halls": len(halls),
                "not_in_list": sum(1 for r in rows if listed and r[0] not in listed),
                "underlays": len(unders), "source": src_id}

    out = rewrite_expo(target, work, base=base)
    progress(1.0, "done")
    return out


def place_booths(expo_path, placements: list[dict]) -> dict:
    """Give booths the expo already lists (e.g. from the *Unplaced booths* tray) a place on
    the floor: each ``{"code", "x", "y", "w", "h"[, "hall"]}`` in metres. All or nothing.

    The hall is the one given or the one the booth's centre lies in. Each placed booth
    cites the plan its layout came from, or the source "Placed by hand".
    """
    target = Path(expo_path)
    if not target.exists():
        raise DataError(f"{target}: no such expo file")
    clean = []
    for i, p in enumerate(placements, 1):
        try:
            code = str(p["code"]).strip()
            x, y, w, h = (float(p[k]) for k in ("x", "y", "w", "h"))
        except (KeyError, TypeError, ValueError):
            raise DataError(f"placement {i}: needs code, x, y, w and h (metres)") from None
        if not code or len(code) > MAX_ID:
            raise DataError(f"placement {i}: a booth code of 1 to {MAX_ID} characters")
        if not all(math.isfinite(v) and abs(v) < 1e5 for v in (x, y, w, h)) or w <= 0 or h <= 0:
            raise DataError(f"booth {code}: the place needs finite numbers and a size above 0")
        clean.append((code, p.get("hall"), x, y, w, h))
    if not clean:
        raise DataError("no booth to place")
    today = _dt.date.today().isoformat()

    def work(conn) -> dict:
        slug, extra = _layout(conn)
        layout = extra.get("floor_plan") if isinstance(extra.get("floor_plan"), dict) else None
        halls = conn.execute("SELECT slug, x, y, w, h FROM halls").fetchall()
        known = {r[0] for r in halls}
        src = layout.get("source") if layout else None
        if not src or not conn.execute("SELECT 1 FROM sources WHERE id = ?", (src,)).fetchone():
            src = PLACED_BY_HAND
            conn.execute("INSERT OR IGNORE INTO sources(id, title, date, date_precision, kind, "
                         "note) VALUES (?,?,?,'day',?,?)",
                         (src, "Placed by hand on the floor plan", today, "manual",
                          "Booths a user of WeSemiBay Explorer put on the floor plan by hand."))
        done = []
        for code, hall, x, y, w, h in clean:
            if not conn.execute("SELECT 1 FROM booths WHERE code = ?", (code,)).fetchone():
                raise DataError(f"{target}: booth {code}: not in this expo (import the "
                                "exhibitor list first, or draw it in the plan review)")
            if hall is None:
                cx, cy = x + w / 2, y + h / 2
                inside = [r[0] for r in halls
                          if r[1] <= cx <= r[1] + r[3] and r[2] <= cy <= r[2] + r[4]]
                if halls and not inside:
                    raise DataError(f"{target}: booth {code}: its place ({cx:.1f}, {cy:.1f} m) "
                                    "lies in no hall")
                hall = inside[0] if inside else None
            elif hall not in known:
                raise DataError(f"{target}: booth {code}: no hall {hall!r}")
            conn.execute("UPDATE booths SET hall = ?, x = ?, y = ?, w = ?, h = ?, placed = 1 "
                         "WHERE code = ?", (hall, x, y, w, h, code))
            conn.execute(f"DELETE FROM cites WHERE kind = 'booth' AND ref = ? AND {_OURS}",
                         (code,))
            conn.execute("INSERT OR IGNORE INTO cites(kind, ref, source) VALUES ('booth', ?, ?)",
                         (code, src))
            done.append(code)
        if layout is not None:
            hand = set(layout.get("placed_by_hand") or [])
            layout["placed_by_hand"] = sorted(hand | set(done))
            extra["floor_plan"] = layout
            _save_extra(conn, extra)
        return {"expo": str(target), "placed": len(done), "source": src}

    return rewrite_expo(target, work)


# --------------------------------------------------------------- reading
def layout_of(expo) -> dict | None:
    """Where the open expo's layout came from (``expo.extra["floor_plan"]``), or None."""
    extra = expo.meta().get("extra") or {}
    lay = extra.get("floor_plan") if isinstance(extra, dict) else None
    return lay if isinstance(lay, dict) and lay.get("origin") else None


def layout_label(expo) -> str:
    """One line for the window: where the floor plan's layout came from."""
    meta = expo.meta()
    lay = layout_of(expo)
    if lay:
        pages = [p.get("number") for p in lay.get("pages", [])]
        where = f", page{'s' if len(pages) != 1 else ''} {', '.join(map(str, pages))}" \
            if lay.get("kind") != "picture" and pages else ""
        by_hand = " (booths placed by hand)" if lay.get("kind") in ("picture", "scanned") else ""
        return (f"Layout from the organiser's plan {lay.get('file')}{where}{by_hand}, "
                f"read on {lay.get('imported')}")
    if meta.get("synthetic"):
        return "Synthetic data"
    if meta.get("schematic"):
        return "Schematic layout"
    return ""


def underlays(expo) -> list[dict]:
    """The plan pictures to draw under the floor: bytes, size and calibration (two points:
    picture pixels -> metres), per hall."""
    lay = layout_of(expo)
    out = []
    for u in (lay or {}).get("underlays", []) or []:
        row = expo._conn.execute("SELECT data, mime FROM images WHERE sha1 = ?",
                                (u.get("image"),)).fetchone()
        if row and row[0]:
            out.append(dict(u, data=row[0], mime=row[1]))
    return out


def doors_of(expo) -> list[dict]:
    """Doors the plan showed or the user marked (hall, x, y in metres)."""
    lay = layout_of(expo)
    return [d for d in (lay or {}).get("doors", []) or [] if isinstance(d, dict)]
