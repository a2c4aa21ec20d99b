"""The floor plan's booths as flat lists, read in one pass (no Qt here).

``read_floor`` gives the window's floor plan (``desktop.floorplan.scene.FloorData``) what it
draws: the placed booths by code, their rectangles, halls, zones and exhibitors, and the
look-ups from a booth code or an exhibitor to the booth ids (the list positions). At
75,000 booths this is three queries and one loop.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FloorRows:
    codes: list[str] = field(default_factory=list)
    rects: list[tuple[float, float, float, float]] = field(default_factory=list)
    halls: list[str] = field(default_factory=list)
    zones: list[str | None] = field(default_factory=list)
    occupants: list[list[str]] = field(default_factory=list)     # exhibitor slugs per booth
    names: dict[str, str] = field(default_factory=dict)          # exhibitor slug -> name
    by_code: dict[str, int] = field(default_factory=dict)
    by_exhibitor: dict[str, list[int]] = field(default_factory=dict)
    typical_w: float = 3.0                                        # median booth width (m)


def read_floor(expo) -> FloorRows:
    """The placed booths (with a size) of ``expo``, by code."""
    d = FloorRows()
    conn = expo._conn
    d.names = dict(conn.execute("SELECT slug, name FROM exhibitors"))
    occ: dict[str, list[str]] = {}
    for booth, ex in conn.execute(
            "SELECT booth, exhibitor FROM booth_exhibitors ORDER BY booth, exhibitor"):
        lst = occ.get(booth)
        if lst is None:
            occ[booth] = [ex]
        else:
            lst.append(ex)
    codes, rects, halls, zones = d.codes, d.rects, d.halls, d.zones
    occupants, by_code, by_ex = d.occupants, d.by_code, d.by_exhibitor
    empty: list[str] = []
    for code, hall, zone, x, y, w, h in conn.execute(
            "SELECT code, hall, zone, x, y, w, h FROM booths "
            "WHERE placed AND w > 0 AND h > 0 ORDER BY code"):
        i = len(codes)
        codes.append(code)
        rects.append((x, y, w, h))
        halls.append(hall or "")
        zones.append(zone)
        slugs = occ.get(code, empty)
        occupants.append(slugs)
        if slugs:
            for s in slugs:
                lst = by_ex.get(s)
                if lst is None:
                    by_ex[s] = [i]
                else:
                    lst.append(i)
        by_code[code] = i
    if rects:
        widths = sorted(r[2] for r in rects[:: max(1, len(rects) // 2000)])
        d.typical_w = widths[len(widths) // 2]
    return d
