"""The visitor's plan: starred stops with their notes, in visiting order, and its exports.

``collect_plan`` reads the favourites and notes of one expo from the user file
and joins them with the expo file: each stop gets its booth, exhibitor, hall,
zone, products of interest and notes. Records whose exhibitor or booth the expo
no longer has are kept as *orphans* (never dropped). ``attach_route`` adds the
walking route (``db.routing``) in the stops' order. ``write_markdown`` and
``write_csv`` write it out (atomically); CSV cells never start a formula.
"""
from __future__ import annotations

import csv
import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from .content import booth_layout, mark_booth
from .expo import Expo
from .fileops import write_atomic
from .routing import ENTRANCE, WALK_SPEED_M_S, Route, walk_minutes
from .text import MAX_ID, display_text, markdown_text, safe_cell
from .userdata import UserData

MAX_PRODUCTS = 6


@dataclass
class Stop:
    kind: str                     # "exhibitor" or "booth"
    ref: str
    name: str                     # exhibitor name(s), or "" for an unnamed booth
    name_zh: str = ""
    booth: str | None = None      # the booth walked to (None: the exhibitor has no booth)
    hall: str = ""
    zone: str = ""
    products: list[dict] = field(default_factory=list)  # name, note, tags, noted
    note: dict | None = None      # text, tags, updated
    number: int | None = None     # place in the walk (1 = first)
    leg_m: float | None = None    # walk from the previous stop
    total_m: float | None = None  # walk from the start
    exhibitors: list[str] = field(default_factory=list)  # slugs this stop visits

    @property
    def title(self) -> str:
        return self.name or f"Booth {self.booth or self.ref}"


@dataclass
class Plan:
    expo_name: str
    expo_slug: str
    schematic: bool
    stops: list[Stop]
    orphans: list[dict]
    start: str = ENTRANCE
    start_label: str = "the entrance"
    distance_m: float | None = None
    exact: bool = False
    optimised: bool = False
    layout: str | None = None     # "schematic": shown beside every booth code in the exports
    screening: object = None      # db.screening.Screening of the stops' exhibitors, or None

    @property
    def walk_min(self) -> float | None:
        return None if self.distance_m is None else walk_minutes(self.distance_m)

    def routed(self) -> list[Stop]:
        return [s for s in self.stops if s.number is not None]


class _Names:
    """Exhibitor slug -> (name, Chinese name or ""), read when asked (``in`` and ``[]``)."""

    def __init__(self, conn):
        self._conn = conn
        self._got: dict[str, tuple[str, str] | None] = {}

    def get(self, slug: str) -> tuple[str, str] | None:
        if slug not in self._got:
            row = self._conn.execute("SELECT name, name_zh FROM exhibitors WHERE slug = ?",
                                     (slug,)).fetchone()
            self._got[slug] = None if row is None else (row[0], row[1] or "")
        return self._got[slug]

    def __contains__(self, slug) -> bool:
        return self.get(slug) is not None

    def __getitem__(self, slug: str) -> tuple[str, str]:
        got = self.get(slug)
        if got is None:
            raise KeyError(slug)
        return got


def collect_plan(expo: Expo, user: UserData, expo_slug: str) -> Plan:
    meta = expo.meta()
    conn = expo._conn
    halls = {r[0]: r[1] for r in conn.execute("SELECT slug, name FROM halls")}
    zones = {r[0]: r[1] for r in conn.execute("SELECT slug, name FROM zones")}
    names = _Names(conn)            # the stops' exhibitors only, not all 30,000 of a fair
    notes = {(n["kind"], n["ref"]): n for n in user.notes(expo_slug)}

    def booth_row(code):
        return conn.execute("SELECT code, hall, zone FROM booths WHERE code = ? AND placed",
                            (code,)).fetchone()

    def exists(kind, ref):
        if kind == "exhibitor":
            return ref in names
        if kind == "booth":
            return conn.execute("SELECT 1 FROM booths WHERE code = ?", (ref,)).fetchone() is not None
        if kind == "product":
            return conn.execute("SELECT 1 FROM products WHERE slug = ?", (ref,)).fetchone() is not None
        return True

    stops = []
    for kind, ref in user.favourites(expo_slug):
        if not exists(kind, ref) or kind not in ("exhibitor", "booth"):
            continue
        note = notes.get((kind, ref))
        stop = Stop(kind, ref, "", note=_note(note))
        if kind == "exhibitor":
            stop.name, stop.name_zh = names[ref]
            booths = expo.booths_of(ref)
            stop.booth = next((b for b in booths if booth_row(b)), None)
            for p in expo.products_of(ref):
                pn = notes.get(("product", p["slug"]))
                stop.products.append({"slug": p["slug"], "name": p["name"],
                                      "shown_at_expo": p.get("shown_at_expo"),
                                      "name_zh": p.get("name_zh") or "",
                                      "note": _note(pn), "noted": pn is not None})
            noted = [p for p in stop.products if p["noted"]]
            stop.products = (noted or stop.products)[:MAX_PRODUCTS]
        else:
            stop.booth = ref if booth_row(ref) else None
            occ = [names[s][0] for (s,) in conn.execute(
                "SELECT exhibitor FROM booth_exhibitors WHERE booth = ? ORDER BY exhibitor",
                (ref,)) if s in names]
            stop.name = " / ".join(occ)
        if stop.booth:
            row = booth_row(stop.booth)
            stop.hall = halls.get(row[1], row[1] or "")
            stop.zone = zones.get(row[2], row[2] or "")
        stops.append(stop)
    plan = Plan(meta.get("name") or expo.path.stem, expo_slug, bool(meta.get("schematic")),
                stops, user.orphans(expo_slug, exists), layout=booth_layout(meta))
    for s in stops:               # whom each stop visits: the exhibitor, or all at the booth
        s.exhibitors = [s.ref] if s.kind == "exhibitor" else [r[0] for r in conn.execute(
            "SELECT exhibitor FROM booth_exhibitors WHERE booth = ? ORDER BY exhibitor", (s.ref,))]
    if (user.path.parent / "screening.sqlite").is_file():   # db.screening.STORE_NAME
        from .screening import plan_screening
        plan.screening = plan_screening(expo, user.path.parent,
                                        [x for s in stops for x in s.exhibitors])
    return plan


def screening_section(plan: Plan) -> list[tuple[int, str]]:
    """The plan's Screening section as plain text lines (level, text), for the Markdown and the
    route sheet: the list's date, the caveat, each exhibitor's status and matched entries."""
    if plan.screening is None:
        return []
    from .screening import summary_lines
    order = list(dict.fromkeys(x for s in plan.stops for x in s.exhibitors))
    return summary_lines(plan.screening, order or None)


def _note(n: dict | None) -> dict | None:
    if n is None:
        return None
    return {"text": n["text"], "tags": list(n["tags"]), "updated": n["updated"]}


def route_stops(plan: Plan) -> list[str]:
    """The booths to walk to, in the plan's order (each once)."""
    seen, out = set(), []
    for s in plan.stops:
        if s.booth and s.booth not in seen:
            seen.add(s.booth)
            out.append(s.booth)
    return out


def attach_route(plan: Plan, route: Route, start_label: str | None = None) -> Plan:
    """Number the stops and give each its walk, following ``route`` (stops reordered to it)."""
    plan.start = route.start
    plan.start_label = start_label or ("the entrance" if route.start == ENTRANCE
                                       else f"booth {mark_booth(route.start, plan.layout)}")
    plan.distance_m = route.distance_m
    plan.exact = route.exact
    plan.optimised = route.optimised
    legs = {leg.to: leg for leg in route.legs}
    rank = {code: i for i, code in enumerate(route.order)}
    total = 0.0
    cum = {}
    for code in route.order:
        total += legs[code].distance_m
        cum[code] = total
    for s in plan.stops:
        s.number = s.leg_m = s.total_m = None
    numbered = sorted((s for s in plan.stops if s.booth in rank or s.booth == route.start),
                      key=lambda s: rank.get(s.booth, -1))
    done = set()
    for s in numbered:
        s.number = rank.get(s.booth, -1) + 1 if s.booth != route.start else 0
        if s.booth not in done and s.booth in legs:
            s.leg_m, s.total_m = legs[s.booth].distance_m, cum[s.booth]
        elif s.booth in cum:
            s.leg_m, s.total_m = 0.0, cum[s.booth]
        else:
            s.leg_m, s.total_m = 0.0, 0.0
        done.add(s.booth)
    plan.stops = numbered + [s for s in plan.stops if s.number is None]
    return plan


# ---------------------------------------------------------------- Markdown
def _md(text) -> str:
    """Text from data made inert in Markdown (a table cell or a line): links, pictures, HTML,
    emphasis and pipes show literally (``db.text.markdown_text``)."""
    return markdown_text(text)


def _fmt_m(m: float | None) -> str:
    return "" if m is None else f"{m:.0f} m"


def summary_line(plan: Plan) -> str:
    n = len(plan.routed()) - sum(1 for s in plan.stops if s.number == 0)
    if plan.distance_m is None:
        return f"{len(plan.stops)} starred, no route planned yet."
    order = ("best order" if plan.exact else "a good order (heuristic)") if plan.optimised \
        else "your order"
    return (f"From {plan.start_label}: {n} stops, {plan.distance_m:.0f} m, about "
            f"{plan.walk_min:.0f} min walking at {WALK_SPEED_M_S} m/s ({order}).")


def plan_markdown(plan: Plan) -> str:
    today = _dt.date.today().isoformat()
    out = [f"# My plan: {_md(plan.expo_name)}", "",
           f"{_md(summary_line(plan))}  ", f"Made {today}."]
    if plan.schematic:
        out.append("The floor layout is schematic: booth positions are not the organiser's.")
    out += ["", "| # | Booth | Exhibitor | Hall | Walk | From start |", "|---|---|---|---|---|---|"]

    def booth(code: str) -> str:
        return mark_booth(code, plan.layout)

    def title(s: Stop) -> str:
        return s.name or f"Booth {booth(s.booth or s.ref)}"
    for s in plan.stops:
        num = "" if s.number is None else ("start" if s.number == 0 else str(s.number))
        out.append(f"| {num} | {_md(booth(s.booth) if s.booth else '—')} | {_md(title(s))} | "
                   f"{_md(s.hall)} | {_fmt_m(s.leg_m)} | {_fmt_m(s.total_m)} |")
    for s in plan.stops:
        head = f"{s.number}. " if s.number else ""
        out += ["", f"## {head}{_md(title(s))}" + (f" ({_md(s.name_zh)})" if s.name_zh else "")]
        where = [f"Booth {booth(s.booth)}" if s.booth else "No booth on the floor plan"]
        where += [w for w in (s.hall, s.zone) if w]
        out.append(_md(" · ".join(where)) + "  ")
        if s.leg_m is not None and s.number:
            out.append(f"Walk {_fmt_m(s.leg_m)} from the previous stop "
                       f"({_fmt_m(s.total_m)} from the start).  ")
        if s.products:
            out += ["", "Products of interest:"]
            for p in s.products:
                line = f"- {_md(p['name'])}" + (f" ({_md(p['name_zh'])})" if p.get("name_zh") else "")
                line += _md(_line_note(p))
                if p.get("note") and p["note"]["text"]:
                    line += f": {_md(p['note']['text'])}"
                out.append(line)
        out += _note_md(s.note)
    section = screening_section(plan)
    if section:
        out += ["", "## Screening"]
        for level, text in section:
            out += ["", _md(text)] if level == 0 else [f"{'  ' * (level - 1)}- {_md(text)}"]
    if plan.orphans:
        out += ["", "## Kept from an earlier expo file",
                "These favourites and notes refer to exhibitors or booths that this expo file "
                "does not have. They are kept, not deleted.", ""]
        for o in plan.orphans:
            star = "starred " if o["favourite"] else ""
            text = o["note"]["text"] if o.get("note") else ""
            ref = display_text(o["ref"], MAX_ID).replace("`", "")    # a code span is literal
            out.append(f"- {star}{_md(o['kind'])} `{ref}`"
                       + (f": {_md(text)}" if text else ""))
    return "\n".join(out) + "\n"


def _line_note(product: dict) -> str:
    """What a product is when no source says it was on show here (a company's product line)."""
    return " (company product line; not reported as shown at this expo)" \
        if product.get("shown_at_expo") == 0 else ""


def _note_md(note: dict | None) -> list[str]:
    if not note:
        return []
    out = ["", f"Notes (saved {_md(note['updated'])}):"]
    out += [f"> {_md(line)}" if line.strip() else ">" for line in note["text"].splitlines()]
    if note["tags"]:
        out.append("")
        out.append("Tags: " + ", ".join(_md(t) for t in note["tags"]))
    return out


def write_markdown(plan: Plan, out: str | os.PathLike) -> Path:
    out = Path(out)
    text = plan_markdown(plan)
    write_atomic(out, lambda fh: fh.write(text), tag="export")
    return out


# ---------------------------------------------------------------------- CSV
CSV_HEADER = ["order", "booth", "layout", "kind", "id", "exhibitor", "exhibitor_zh", "hall", "zone",
              "walk_m", "from_start_m", "from_start_min", "products", "note", "tags",
              "note_saved", "status", "screening", "screening_entries"]


def plan_rows(plan: Plan) -> list[list[str]]:
    from .screening import stop_cells
    rows = []
    for s in plan.stops:
        note = s.note or {}
        products = "; ".join(p["name"] + _line_note(p)
                             + (f": {p['note']['text']}" if p.get("note") else "")
                             for p in s.products)
        rows.append([
            "" if s.number is None else ("start" if s.number == 0 else s.number),
            s.booth or "", (plan.layout or "") if s.booth else "", s.kind, s.ref, s.name,
            s.name_zh, s.hall, s.zone,
            "" if s.leg_m is None else round(s.leg_m, 1),
            "" if s.total_m is None else round(s.total_m, 1),
            "" if s.total_m is None else round(walk_minutes(s.total_m), 1),
            products, note.get("text", ""), ", ".join(note.get("tags", [])),
            note.get("updated", ""), "planned" if s.booth else "no booth",
            *stop_cells(plan.screening, s.exhibitors)])
    for o in plan.orphans:
        note = o.get("note") or {}
        rows.append(["", "", "", o["kind"], o["ref"], "", "", "", "", "", "", "", "",
                     note.get("text", ""), ", ".join(note.get("tags", [])),
                     note.get("updated", ""), "orphaned: not in this expo file", "", ""])
    if plan.screening is not None:       # the list's date and the caveat, once
        rows.append([""] * (len(CSV_HEADER) - 3) + ["screening list"] + [
            " ".join(text for level, text in screening_section(plan) if level == 0), ""])
    return rows


def write_csv(plan: Plan, out: str | os.PathLike) -> Path:
    out = Path(out)

    def write(fh):
        w = csv.writer(fh)
        w.writerow(CSV_HEADER)
        for row in plan_rows(plan):
            w.writerow([safe_cell(v) for v in row])

    write_atomic(out, write, tag="export")
    return out
