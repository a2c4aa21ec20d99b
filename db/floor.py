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
    """The placed booths (with a size) of ``expo``, by code.

    Column-wise: each list is made in one comprehension over the fetched rows (no
    per-booth appends), the occupants in one pass over ``booth_exhibitors``."""
    d = FloorRows()
    conn = expo._conn
    d.names = dict(conn.execute("SELECT slug, name FROM exhibitors"))
    rows = conn.execute("SELECT code, hall, zone, x, y, w, h FROM booths "
                        "WHERE placed AND w > 0 AND h > 0 ORDER BY code").fetchall()
    d.codes = [r[0] for r in rows]
    d.rects = [r[3:7] for r in rows]
    d.halls = [r[1] or "" for r in rows]
    d.zones = [r[2] for r in rows]
    del rows
    by_code = d.by_code = dict(zip(d.codes, range(len(d.codes))))
    occ: dict[str, list[str]] = {}
    by_ex = d.by_exhibitor
    for booth, ex in conn.execute(
            "SELECT booth, exhibitor FROM booth_exhibitors ORDER BY booth, exhibitor"):
        lst = occ.get(booth)
        if lst is None:
            occ[booth] = [ex]
        else:
            lst.append(ex)
        i = by_code.get(booth)
        if i is not None:
            lst = by_ex.get(ex)
            if lst is None:
                by_ex[ex] = [i]
            else:
                lst.append(i)
    empty: list[str] = []
    d.occupants = [occ.get(c, empty) for c in d.codes]
    for ids in by_ex.values():
        if len(ids) > 1:
            ids.sort()                  # booth ids in code order, as the plan lists them
    if d.rects:
        widths = sorted(r[2] for r in d.rects[:: max(1, len(d.rects) // 2000)])
        d.typical_w = widths[len(widths) // 2]
    return d
