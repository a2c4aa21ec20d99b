"""Walking routes along the aisles: a walkable graph built from hall geometry.

The graph (all units metres, x to the right, y downwards):

* **Aisles inside a hall.** Booths stand in blocks; every horizontal band of a
  hall that no booth covers (the y-projection gaps of its booths, the margins
  along the walls included) is an aisle, walked along its centre line across
  the whole hall; likewise every vertical band no booth covers is a cross
  aisle. Such a line can never pass through a booth of that hall, by
  construction. Nodes sit where the lines cross.
* **Booth fronts.** A booth is entered from the aisle its longest open side
  faces (ties: the main, horizontal aisles first, then the top or left side);
  the route runs from the middle of that side straight into the aisle centre.
  A booth that faces no aisle (enclosed in a block of three or more rows) is
  reached from the nearest aisle line, and is marked ``enclosed``.
* **Doors.** Each hall has four doors, one per wall, where the aisle closest to
  the middle of that wall meets it.
* **Streets between halls.** The same projection-gap rule applied to the halls'
  footprints gives streets between halls, plus a ring ``OUTSIDE_M`` metres
  outside the site. Doors connect straight to the nearest street on their side.
* **Levels.** Streets are on the ground (level 0). A hall on level ``L`` is
  reached by stairs or escalators just outside each of its doors; every storey
  up or down counts as ``LEVEL_CHANGE_M`` metres of walking.
* **Entrance.** The street crossing just south of the ground-floor halls,
  nearest to their middle.

Shortest paths are Dijkstra over this graph (booth fronts are points on aisle
edges, added per query, never stored), in two levels that give the same
distances: inside a hall, then over the streets and doors only (see
``_prepare_search``). The visiting order is exact (Held-Karp) up to
``EXACT_MAX`` stops and nearest neighbour improved by 2-opt and Or-opt beyond.
The route is open: it starts at the entrance or a chosen booth and ends at the
last stop. Walking time assumes ``WALK_SPEED_M_S`` (1.2 m/s, about 4.3 km/h: an
unhurried pace in a busy hall), with no time for the stops themselves.

``graph_for(expo)`` is the door for routes: it builds a floor's graph once and
hands the same one to every later route (and every thread) until the floor
changes; ``RouteGraph.from_expo`` builds a new one each time.
"""
from __future__ import annotations

import heapq
import itertools
import json
import math
import threading
import weakref
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import DataError

WALK_SPEED_M_S = 1.2
LEVEL_CHANGE_M = 30.0
OUTSIDE_M = 6.0
MIN_AISLE_M = 1.0
EXACT_MAX = 10
ENTRANCE = "entrance"
_TOL = 0.01


class UnknownBooth(DataError):
    """A booth code that the expo does not have (or that has no place on the floor)."""


def walk_minutes(distance_m: float) -> float:
    return distance_m / WALK_SPEED_M_S / 60.0


# ---------------------------------------------------------------------------
# Geometry helpers
def _gaps(intervals: list[tuple[float, float]], lo: float, hi: float) -> list[tuple[float, float]]:
    """Parts of [lo, hi] that no interval covers and that are wide enough to walk."""
    out = []
    cur = lo
    for a, b in sorted(intervals):
        if a > cur + _TOL:
            out.append((cur, a))
        if b > cur:
            cur = b
    if hi > cur + _TOL:
        out.append((cur, hi))
    return [(a, b) for a, b in out if b - a >= MIN_AISLE_M - 1e-9]


def _key(v: float) -> int:
    return int(round(v * 100))


@dataclass
class Line:
    """An aisle or street centre line; points on it are kept sorted."""
    horizontal: bool
    c: float          # the fixed coordinate (y of a horizontal line, x of a vertical one)
    lo: float
    hi: float
    level: int
    hall: int         # index of the hall, -1 for a street
    pos: list[float] = field(default_factory=list)
    nodes: list[int] = field(default_factory=list)

    def xy(self, t: float) -> tuple[float, float]:
        return (t, self.c) if self.horizontal else (self.c, t)


@dataclass
class Anchor:
    """Where a route can start or stop: a booth's front on an aisle, or a street node."""
    label: str
    point: tuple[float, float]              # on the aisle centre line (or the node)
    level: int
    head: list[tuple[float, float]]         # from the booth's front to ``point``
    seeds: list[tuple[int, float]]          # (graph node, metres from the front)
    line: int = -1
    t: float = 0.0
    segment: int = -1                       # index of the edge on ``line`` holding it
    enclosed: bool = False
    stub: float = 0.0                       # metres from the booth's front to ``point``


@dataclass
class Leg:
    frm: str
    to: str
    distance_m: float
    points: list[tuple[float, float]]       # polyline, metres
    levels: list[int]

    def as_dict(self, layout: str | None = None) -> dict:
        """``layout`` ("schematic" on the built-in expo) is written beside the booth codes."""
        out = {"from": self.frm, "to": self.to, "distance_m": round(self.distance_m, 1)}
        if layout:
            out["layout"] = layout
        return out


@dataclass
class Route:
    start: str
    order: list[str]
    legs: list[Leg]
    exact: bool = True           # the order is proven the shortest
    optimised: bool = True       # the order was chosen here (not the visitor's own)

    @property
    def distance_m(self) -> float:
        return sum(leg.distance_m for leg in self.legs)

    @property
    def walk_min(self) -> float:
        return walk_minutes(self.distance_m)

    def as_dict(self, layout: str | None = None) -> dict:
        """The route as JSON; ``layout`` ("schematic") is written beside every booth code."""
        out = {"from": self.start, "order": self.order,
               "legs": [g.as_dict(layout) for g in self.legs],
               "distance_m": round(self.distance_m, 1), "walk_min": round(self.walk_min, 1),
               "walk_speed_m_s": WALK_SPEED_M_S, "exact": self.exact,
               "optimised": self.optimised}
        if layout:
            out["layout"] = layout
        return out


class _Booths(Mapping):
    """Booth code -> (hall index, x, y, w, h), kept in arrays: a tuple and four floats per
    booth take 9 MB more at 75,000 booths (23 MB for the whole graph instead of 14)."""
    __slots__ = ("_row", "_hall", "_x", "_y", "_w", "_h")

    def __init__(self, rows=()) -> None:
        """``rows``: (code, hall index, x, y, w, h); a code given twice keeps its last place."""
        codes, halls, xs, ys, ws, hs = zip(*rows) if rows else ((),) * 6
        self._row = dict(zip(codes, range(len(codes))))
        self._hall = array("i", halls)
        self._x, self._y, self._w, self._h = (array("d", v) for v in (xs, ys, ws, hs))

    def __getitem__(self, code: str) -> tuple[int, float, float, float, float]:
        i = self._row[code]
        return self._hall[i], self._x[i], self._y[i], self._w[i], self._h[i]

    def __contains__(self, code) -> bool:
        return code in self._row

    def __iter__(self):
        return iter(self._row)

    def __len__(self) -> int:
        return len(self._row)


# ---------------------------------------------------------------------------
class RouteGraph:
    """The walkable graph of one expo."""

    def __init__(self) -> None:
        self.xs: list[float] = []
        self.ys: list[float] = []
        self.levels: list[int] = []
        self.region: list[int] = []              # per node: its hall's index, -1 on a street
        self._region_now = -1                    # the hall being built
        self.adj: list[list[tuple[int, float]]] = []
        self.lines: list[Line] = []
        self.halls: list[dict] = []
        self.booths = _Booths()                  # code -> (hall index, x, y, w, h)
        self.entrance: int = -1
        # per hall: gap edge (rounded) -> line index, for finding booth fronts
        self._above: list[dict[int, int]] = []   # key: bottom of a gap (a booth's top)
        self._below: list[dict[int, int]] = []   # key: top of a gap (a booth's bottom)
        self._left: list[dict[int, int]] = []
        self._right: list[dict[int, int]] = []
        self._hall_lines: list[list[int]] = []

    # ------------------------------------------------------------ building
    @classmethod
    def from_expo(cls, expo) -> "RouteGraph":
        """The graph of an expo file, built anew (``graph_for`` keeps one per floor); a
        layout read from an organiser's plan gets aisles from its own free space
        (``FreeSpaceGraph``), with the plan's or user's doors."""
        halls, booths, doors = _read_floor(expo)
        if cls is RouteGraph and doors is not None:
            return FreeSpaceGraph.build(halls, booths, doors=doors)
        return cls.build(halls, booths)

    @classmethod
    def build(cls, halls: list[dict], booths, **options) -> "RouteGraph":
        """``halls``: dicts with slug, level, x, y, w, h; ``booths``: (code, hall, x, y, w, h)."""
        g = cls(**options)
        g.halls = [dict(h, level=int(h.get("level") or 0)) for h in halls]
        index = {h["slug"]: i for i, h in enumerate(g.halls)}
        per_hall: list[list[tuple[float, float, float, float]]] = [[] for _ in g.halls]
        g._hall_booths = [[] for _ in g.halls]
        loose, placed = [], []
        for code, hall, x, y, w, h in booths:
            hi = index.get(hall, -1)
            if hi < 0:
                hi = g._hall_containing(x + w / 2, y + h / 2)
            if hi < 0:
                loose.append(code)
                continue
            placed.append((code, hi, x, y, w, h))
            per_hall[hi].append((x, y, w, h))
            g._hall_booths[hi].append(code)
        g.booths = _Booths(placed)
        del placed
        for hi, hall in enumerate(g.halls):
            g._region_now = hi
            g._build_hall(hi, hall, per_hall[hi])
        g._region_now = -1
        g._build_streets()
        g._connect_lines()
        g._prepare_search()
        g._hall_booths = None    # needed while building only
        return g

    def _hall_containing(self, x: float, y: float) -> int:
        for i, h in enumerate(self.halls):
            if h["x"] <= x <= h["x"] + h["w"] and h["y"] <= y <= h["y"] + h["h"]:
                return i
        return -1

    def _node(self, x: float, y: float, level: int) -> int:
        self.xs.append(x)
        self.ys.append(y)
        self.levels.append(level)
        self.region.append(self._region_now)
        self.adj.append([])
        return len(self.xs) - 1

    def _line(self, horizontal, c, lo, hi, level, hall) -> int:
        self.lines.append(Line(horizontal, c, lo, hi, level, hall))
        return len(self.lines) - 1

    def _put(self, li: int, t: float) -> int:
        """The node at ``t`` on line ``li`` (made if new)."""
        line = self.lines[li]
        line.pos.append(t)
        x, y = line.xy(t)
        n = self._node(x, y, line.level)
        self.region[n] = line.hall
        line.nodes.append(n)
        return n

    def _build_hall(self, hi: int, hall: dict, rects) -> None:
        x0, y0, x1, y1 = hall["x"], hall["y"], hall["x"] + hall["w"], hall["y"] + hall["h"]
        lvl = hall["level"]
        if rects:
            ygaps = _gaps([(y, y + h) for _, y, _, h in rects], y0, y1)
            xgaps = _gaps([(x, x + w) for x, _, w, _ in rects], x0, x1)
        else:
            ygaps, xgaps = [], []
        if not ygaps:
            ygaps = [((y0 + y1) / 2, (y0 + y1) / 2)]
        if not xgaps:
            xgaps = [((x0 + x1) / 2, (x0 + x1) / 2)]
        above, below, left, right = {}, {}, {}, {}
        hlines, vlines = [], []
        for a, b in ygaps:
            li = self._line(True, (a + b) / 2, x0, x1, lvl, hi)
            hlines.append(li)
            above[_key(b)] = li
            below[_key(a)] = li
        for a, b in xgaps:
            li = self._line(False, (a + b) / 2, y0, y1, lvl, hi)
            vlines.append(li)
            left[_key(b)] = li
            right[_key(a)] = li
        for hl in hlines:
            for vl in vlines:
                n = self._put(hl, self.lines[vl].c)
                self.lines[vl].pos.append(self.lines[hl].c)
                self.lines[vl].nodes.append(n)
        # Doors: where the aisle nearest each wall's middle meets that wall.
        mid_h = min(hlines, key=lambda li: abs(self.lines[li].c - (y0 + y1) / 2))
        mid_v = min(vlines, key=lambda li: abs(self.lines[li].c - (x0 + x1) / 2))
        hall["doors"] = [("W", self._put(mid_h, x0)), ("E", self._put(mid_h, x1)),
                         ("N", self._put(mid_v, y0)), ("S", self._put(mid_v, y1))]
        self._above.append(above)
        self._below.append(below)
        self._left.append(left)
        self._right.append(right)
        self._hall_lines.append(hlines + vlines)

    def _build_streets(self) -> None:
        if not self.halls:
            n = self._node(0.0, 0.0, 0)
            self.entrance = n
            return
        bx0 = min(h["x"] for h in self.halls) - OUTSIDE_M
        by0 = min(h["y"] for h in self.halls) - OUTSIDE_M
        bx1 = max(h["x"] + h["w"] for h in self.halls) + OUTSIDE_M
        by1 = max(h["y"] + h["h"] for h in self.halls) + OUTSIDE_M
        inner_x = _gaps([(h["x"], h["x"] + h["w"]) for h in self.halls], bx0 + OUTSIDE_M,
                        bx1 - OUTSIDE_M)
        inner_y = _gaps([(h["y"], h["y"] + h["h"]) for h in self.halls], by0 + OUTSIDE_M,
                        by1 - OUTSIDE_M)
        # (gap low, gap high, centre): the outer ring is a gap reaching the halls' outline
        xs = [(bx0 - OUTSIDE_M, bx0 + OUTSIDE_M, bx0)] + [(a, b, (a + b) / 2) for a, b in inner_x] \
            + [(bx1 - OUTSIDE_M, bx1 + OUTSIDE_M, bx1)]
        ys = [(by0 - OUTSIDE_M, by0 + OUTSIDE_M, by0)] + [(a, b, (a + b) / 2) for a, b in inner_y] \
            + [(by1 - OUTSIDE_M, by1 + OUTSIDE_M, by1)]
        hs = [self._line(True, c, bx0, bx1, 0, -1) for _, _, c in ys]
        vs = [self._line(False, c, by0, by1, 0, -1) for _, _, c in xs]
        for hl in hs:
            for vl in vs:
                n = self._put(hl, self.lines[vl].c)
                self.lines[vl].pos.append(self.lines[hl].c)
                self.lines[vl].nodes.append(n)
        self._street_x = [(a, b, li) for (a, b, _), li in zip(xs, vs)]
        self._street_y = [(a, b, li) for (a, b, _), li in zip(ys, hs)]
        # Entrance: on the street just south of the ground-floor halls, nearest their middle.
        low = min(h["level"] for h in self.halls)
        ground = [h for h in self.halls if h["level"] == low]
        gy = max(h["y"] + h["h"] for h in ground)
        south = min((self.lines[li] for li in hs if self.lines[li].c > gy), key=lambda ln: ln.c)
        mid = (min(h["x"] for h in ground) + max(h["x"] + h["w"] for h in ground)) / 2
        k = min(range(len(south.pos)), key=lambda i: abs(south.pos[i] - mid))
        self.entrance = south.nodes[k]
        for hi, hall in enumerate(self.halls):
            for side, door in hall["doors"]:
                self._door_to_street(hi, hall, side, door)

    def _door_to_street(self, hi: int, hall: dict, side: str, door: int) -> None:
        dx, dy = self.xs[door], self.ys[door]
        if side in ("W", "E"):
            edge = hall["x"] if side == "W" else hall["x"] + hall["w"]
            cands = [(a, b, li) for a, b, li in self._street_x
                     if (self.lines[li].c < edge if side == "W" else self.lines[li].c > edge)]
            a, b, li = (max if side == "W" else min)(cands, key=lambda s: self.lines[s[2]].c)
            t = dy
            adjacent = abs((b if side == "W" else a) - edge) < _TOL
        else:
            edge = hall["y"] if side == "N" else hall["y"] + hall["h"]
            cands = [(a, b, li) for a, b, li in self._street_y
                     if (self.lines[li].c < edge if side == "N" else self.lines[li].c > edge)]
            a, b, li = (max if side == "N" else min)(cands, key=lambda s: self.lines[s[2]].c)
            t = dx
            adjacent = abs((b if side == "N" else a) - edge) < _TOL
        line = self.lines[li]
        fx, fy = line.xy(t)
        if not adjacent and self._blocked(dx, dy, fx, fy, hi):
            return  # another hall stands between this door and the street: a closed door
        foot = self._put(li, t)
        w = math.hypot(fx - dx, fy - dy) + LEVEL_CHANGE_M * abs(hall["level"])
        self.adj[door].append((foot, w))
        self.adj[foot].append((door, w))

    def _blocked(self, x0, y0, x1, y1, own: int) -> bool:
        lo_x, hi_x, lo_y, hi_y = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        for i, h in enumerate(self.halls):
            if i == own:
                continue
            if (lo_x < h["x"] + h["w"] - _TOL and hi_x > h["x"] + _TOL
                    and lo_y < h["y"] + h["h"] - _TOL and hi_y > h["y"] + _TOL):
                return True
        return False

    def _connect_lines(self) -> None:
        for line in self.lines:
            order = sorted(range(len(line.pos)), key=line.pos.__getitem__)
            line.pos = [line.pos[i] for i in order]
            line.nodes = [line.nodes[i] for i in order]
            for k in range(len(order) - 1):
                a, b = line.nodes[k], line.nodes[k + 1]
                w = line.pos[k + 1] - line.pos[k]
                if w < 1e-9:
                    # the same place twice (a door on a crossing): join them for free
                    w = 0.0
                self.adj[a].append((b, w))
                self.adj[b].append((a, w))

    # ------------------------------------------------------------- anchors
    @property
    def node_count(self) -> int:
        return len(self.xs)

    def has_booth(self, code: str) -> bool:
        return code in self.booths

    def anchor(self, label: str) -> Anchor:
        """The entrance (``"entrance"``) or a booth's front, as a route end."""
        if label == ENTRANCE:
            n = self.entrance
            return Anchor(ENTRANCE, (self.xs[n], self.ys[n]), self.levels[n], [], [(n, 0.0)])
        try:
            hi, x, y, w, h = self.booths[label]
        except KeyError:
            raise UnknownBooth(f"unknown booth code {label!r}") from None
        cx, cy = x + w / 2, y + h / 2
        cands = self._fronts(label, hi, x, y, w, h)
        enclosed = not cands
        if enclosed:
            li = min(self._hall_lines[hi],
                     key=lambda i: abs(self.lines[i].c - (cy if self.lines[i].horizontal else cx)))
            fx, fy = cx, cy
        else:
            _, _, li, fx, fy = max(cands)
        line = self.lines[li]
        t = min(max(cx if line.horizontal else cy, line.lo), line.hi)
        point = line.xy(t)
        k = bisect_right(line.pos, t)
        k = min(max(k, 1), len(line.pos) - 1) if len(line.pos) > 1 else 0
        stub = math.hypot(point[0] - fx, point[1] - fy)
        if len(line.pos) == 1:
            seeds = [(line.nodes[0], stub + abs(t - line.pos[0]))]
            seg = -1
        else:
            seeds = [(line.nodes[k - 1], stub + abs(t - line.pos[k - 1])),
                     (line.nodes[k], stub + abs(line.pos[k] - t))]
            seg = k
        head = [(fx, fy)] if stub > 0 else []
        return Anchor(label, point, line.level, head, seeds, li, t, seg, enclosed, stub)

    def _fronts(self, label, hi, x, y, w, h) -> list[tuple]:
        """The aisles a booth's sides face: (side length, -rank, line, front x, front y)."""
        cx, cy = x + w / 2, y + h / 2
        cands = []
        for key, table, horiz, fx, fy, rank in (
                (_key(y), self._above[hi], True, cx, y, 0),
                (_key(y + h), self._below[hi], True, cx, y + h, 1),
                (_key(x), self._left[hi], False, x, cy, 2),
                (_key(x + w), self._right[hi], False, x + w, cy, 3)):
            li = table.get(key)
            if li is not None:
                cands.append(((w if horiz else h), -rank, li, fx, fy))
        return cands

    # ------------------------------------------------------------ searching
    # Searches run on two levels. Inside a hall, a search stays in that hall (a few
    # dozen nodes). Between halls it runs on the *overlay*: the street nodes, the
    # hall nodes that touch a street (the portals: doors), and one shortcut per pair
    # of portals of a hall, as long as the shortest way between them inside the hall.
    # Any walk between two booths either stays in its hall or leaves it by a portal
    # and comes into the last hall by a portal, so the two levels give exactly the
    # distances of the whole graph while visiting about a tenth of its nodes.
    def _prepare_search(self) -> None:
        """The portals of each hall, and the overlay with its shortcuts (once per graph)."""
        region, adj = self.region, self.adj
        n = len(self.xs)
        self._portals: list[list[int]] = [[] for _ in self.halls]
        for u in range(n):
            h = region[u]
            if h >= 0 and any(region[v] != h for v, _ in adj[u]):
                self._portals[h].append(u)
        portal = {u for ps in self._portals for u in ps}
        # overlay edges: (neighbour, metres, hall of the shortcut or -1 for a plain edge)
        oadj: dict[int, list[tuple[int, float, int]]] = {}
        for u in range(n):
            h = region[u]
            if h < 0:
                oadj[u] = [(v, w, -1) for v, w in adj[u]]
            elif u in portal:
                oadj[u] = [(v, w, -1) for v, w in adj[u] if region[v] != h]
        self._chains: dict[tuple[int, int], tuple[int, ...]] = {}
        for h, portals in enumerate(self._portals):
            for p in portals:
                dist, pred = self._local([(p, 0.0)], h)
                for q in portals:
                    if q == p or q not in dist:
                        continue
                    oadj[p].append((q, dist[q], h))
                    inner = []
                    u = pred[q]
                    while u != p:
                        inner.append(u)
                        u = pred[u]
                    self._chains[p, q] = tuple(reversed(inner))
        self._oadj = oadj

    def _local(self, seeds, h: int):
        """Shortest distances inside hall ``h`` from ``seeds`` ((node, metres) pairs)."""
        dist: dict[int, float] = {}
        pred: dict[int, int] = {}
        heap = []
        for node, d in seeds:
            if d < dist.get(node, math.inf):
                dist[node] = d
                pred[node] = -1
                heap.append((d, node))
        heapq.heapify(heap)
        region, adj = self.region, self.adj
        pop, push, inf = heapq.heappop, heapq.heappush, math.inf
        while heap:
            d, u = pop(heap)
            if d > dist[u]:
                continue
            for v, w in adj[u]:
                if region[v] != h:
                    continue
                nd = d + w
                if nd < dist.get(v, inf):
                    dist[v] = nd
                    pred[v] = u
                    push(heap, (nd, v))
        return dist, pred

    def _search(self, a: Anchor) -> "_Search":
        """``a``'s search inside its own hall (the overlay part comes with ``_spread``)."""
        h = self.region[a.seeds[0][0]]
        s = _Search(a, h)
        if h >= 0:
            s.ld, s.lp = self._local(a.seeds, h)
        return s

    def _spread(self, s: "_Search", targets: list["_Search"]) -> None:
        """Search the overlay from ``s``'s anchor until every target's way in is settled."""
        if s.h >= 0:
            seeds = [(p, s.ld[p]) for p in self._portals[s.h] if p in s.ld]
        else:
            seeds = s.anchor.seeds
        dist: dict[int, float] = {}
        pred: dict[int, tuple[int, int]] = {}
        heap = []
        for node, d in seeds:
            if d < dist.get(node, math.inf):
                dist[node] = d
                pred[node] = (-1, -1)
                heap.append((d, node))
        heapq.heapify(heap)
        wanted = set()
        for t in targets:
            wanted.update(self._portals[t.h] if t.h >= 0 else (n for n, _ in t.anchor.seeds))
        oadj = self._oadj
        pop, push, inf = heapq.heappop, heapq.heappush, math.inf
        while heap and wanted:
            d, u = pop(heap)
            if d > dist[u]:
                continue
            wanted.discard(u)
            for v, w, via in oadj[u]:
                nd = d + w
                if nd < dist.get(v, inf):
                    dist[v] = nd
                    pred[v] = (u, via)
                    push(heap, (nd, v))
        s.od, s.op = dist, pred

    def _reach(self, s: "_Search", t: "_Search") -> tuple[float, str, int]:
        """The distance from ``s``'s anchor to ``t``'s, and how: ("over", the node where
        the way leaves the overlay), ("local", t's seed reached inside the hall) or
        ("direct", -1: along the one line both stand on)."""
        a, b = s.anchor, t.anchor
        best, how, at = math.inf, "", -1
        od, inf = s.od, math.inf
        if t.h >= 0:
            ld = t.ld
            for q in self._portals[t.h]:
                d = od.get(q, inf) + ld.get(q, inf)
                if d < best:
                    best, how, at = d, "over", q
            if s.h == t.h:
                for node, off in b.seeds:
                    d = s.ld.get(node, inf) + off
                    if d <= best:
                        best, how, at = d, "local", node
        else:
            for node, off in b.seeds:
                d = od.get(node, inf) + off
                if d < best:
                    best, how, at = d, "over", node
        if a.line >= 0 and a.line == b.line:  # a line is free from end to end
            direct = abs(a.t - b.t) + a.stub + b.stub
            if direct <= best:
                best, how, at = direct, "direct", -1
        return best, how, at

    def _nodes(self, s: "_Search", t: "_Search", how: str, at: int) -> list[int]:
        """The graph nodes walked from ``s``'s anchor to ``t``'s (see ``_reach``)."""
        back: list[int] = []
        if how == "direct":
            return back
        u = at
        if how == "over":
            while True:
                back.append(u)
                v, via = s.op[u]
                if v < 0:
                    break
                if via >= 0:
                    back.extend(reversed(self._chains[v, u]))
                u = v
        if s.h >= 0:          # from the anchor, inside its hall, to where that part ends
            if how == "over":
                u = s.lp[u]
            while u >= 0:
                back.append(u)
                u = s.lp[u]
        back.reverse()
        if how == "over" and t.h >= 0:   # into the target's hall, to its front
            u = t.lp[at]
            while u >= 0:
                back.append(u)
                u = t.lp[u]
        return back

    def distances(self, anchors: list[Anchor]):
        """Symmetric matrix of walking distances, and the searches (for the paths)."""
        m = len(anchors)
        D = [[0.0] * m for _ in range(m)]
        searches = [self._search(a) for a in anchors]
        for i in range(m - 1):
            s = searches[i]
            self._spread(s, searches[i + 1:])
            for j in range(i + 1, m):
                d = self._reach(s, searches[j])[0]
                D[i][j] = D[j][i] = d
        return D, searches

    def path(self, a: Anchor, b: Anchor, search=None, target=None) -> Leg:
        """The leg from ``a`` to ``b`` along the aisles, with its polyline (``search`` and
        ``target``: the anchors' searches from ``distances``, made here when not given)."""
        t = target if target is not None else self._search(b)
        if search is None or search.od is None:
            search = search or self._search(a)
            self._spread(search, [t])
        d, how, at = self._reach(search, t)
        if math.isinf(d):
            raise DataError(f"no walkable way from {a.label} to {b.label}")
        pts: list[tuple[float, float, int]] = [(x, y, a.level) for x, y in a.head]
        pts.append((a.point[0], a.point[1], a.level))
        walked = self._nodes(search, t, how, at)
        pts.extend((self.xs[u], self.ys[u], self.levels[u]) for u in walked)
        pts.append((b.point[0], b.point[1], b.level))
        pts.extend((x, y, b.level) for x, y in reversed(b.head))
        pts = _simplify(pts)
        return Leg(a.label, b.label, d, [(x, y) for x, y, _ in pts], [lv for _, _, lv in pts])


class _Search:
    """One anchor's searches: inside its hall (``ld``/``lp``: metres and predecessor per
    node) and, once spread, on the overlay (``od``; ``op``: predecessor and shortcut)."""
    __slots__ = ("anchor", "h", "ld", "lp", "od", "op")

    def __init__(self, anchor: Anchor, h: int) -> None:
        self.anchor, self.h = anchor, h
        self.ld: dict[int, float] = {}
        self.lp: dict[int, int] = {}
        self.od: dict[int, float] | None = None
        self.op: dict[int, tuple[int, int]] = {}


# ---------------------------------------------------------------------------
# Imported plans: aisles from the plan's own free space
def _read_floor(expo) -> tuple[list[dict], list[tuple], list | None]:
    """What a graph is built from: the halls, the placed booths (code, hall, x, y, w, h)
    and, when the floor came from an organiser's plan, its doors (else None)."""
    halls = [dict(zip(("slug", "level", "x", "y", "w", "h"), r)) for r in expo._conn.execute(
        "SELECT slug, COALESCE(level, 0), x, y, w, h FROM halls "
        "WHERE w > 0 AND h > 0 ORDER BY slug")]
    booths = expo._conn.execute(
        "SELECT code, hall, x, y, w, h FROM booths WHERE placed AND w > 0 AND h > 0").fetchall()
    if booths and type(booths[0]) is not tuple:     # a connection with its own row factory
        booths = [tuple(r) for r in booths]
    layout = _plan_layout(expo)
    doors = None if layout is None else list(layout.get("doors") or [])
    return halls, booths, doors


def _plan_layout(expo) -> dict | None:
    """The expo's layout record when its floor came from an organiser's plan."""
    try:
        extra = expo.meta().get("extra") or {}
    except Exception:  # an old or foreign file without the expo row's columns
        return None
    lay = extra.get("floor_plan") if isinstance(extra, dict) else None
    return lay if isinstance(lay, dict) and lay.get("origin") == "plan" else None


def _hits(p, q, r, eps: float = 1e-3) -> bool:
    """Does segment p-q pass through the inside of rectangle r (x0, y0, x1, y1)?"""
    x0, y0, x1, y1 = r[0] + eps, r[1] + eps, r[2] - eps, r[3] - eps
    if x0 >= x1 or y0 >= y1:
        return False
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for d, lo, hi, v in ((dx, x0, x1, p[0]), (dy, y0, y1, p[1])):
        if abs(d) < 1e-12:
            if v <= lo or v >= hi:
                return False
            continue
        a, b = (lo - v) / d, (hi - v) / d
        if a > b:
            a, b = b, a
        t0, t1 = max(t0, a), min(t1, b)
        if t0 >= t1:
            return False
    return t1 - t0 > 1e-9


class _Rects:
    """The booths of one hall, bucketed in row and column bands, for aisle queries."""

    def __init__(self, rects: list[tuple[float, float, float, float]], cell: float) -> None:
        self.r = rects
        self.cell = cell
        self.rows: dict[int, list[int]] = {}
        self.cols: dict[int, list[int]] = {}
        for i, (x0, y0, x1, y1) in enumerate(rects):
            for k in range(int(y0 // cell), int(y1 // cell) + 1):
                self.rows.setdefault(k, []).append(i)
            for k in range(int(x0 // cell), int(x1 // cell) + 1):
                self.cols.setdefault(k, []).append(i)

    def _band(self, table, lo, hi):
        seen = set()
        for k in range(int(lo // self.cell), int(hi // self.cell) + 1):
            for i in table.get(k, ()):
                if i not in seen:
                    seen.add(i)
                    yield i

    def gap_before(self, vertical: bool, lo: float, hi: float, at: float, wall: float) -> float:
        """The nearest booth edge before ``at`` (above, or to the left) over [lo, hi]."""
        best = wall
        for i in self._band(self.cols if vertical else self.rows, lo, hi):
            a0, b0, a1, b1 = self.r[i]
            if vertical:
                if a0 < hi - _TOL and a1 > lo + _TOL and b1 <= at + _TOL and b1 > best:
                    best = b1
            elif b0 < hi - _TOL and b1 > lo + _TOL and a1 <= at + _TOL and a1 > best:
                best = a1
        return best

    def gap_after(self, vertical: bool, lo: float, hi: float, at: float, wall: float) -> float:
        """The nearest booth edge after ``at`` (below, or to the right) over [lo, hi]."""
        best = wall
        for i in self._band(self.cols if vertical else self.rows, lo, hi):
            a0, b0, a1, b1 = self.r[i]
            if vertical:
                if a0 < hi - _TOL and a1 > lo + _TOL and b0 >= at - _TOL and b0 < best:
                    best = b0
            elif b0 < hi - _TOL and b1 > lo + _TOL and a0 >= at - _TOL and a0 < best:
                best = a0
        return best

    def span(self, horizontal: bool, c: float, t: float, lo: float, hi: float):
        """How far the aisle line at ``c`` runs from ``t`` before a booth stops it."""
        left, right = lo, hi
        for i in self._band(self.rows if horizontal else self.cols, c, c):
            a0, b0, a1, b1 = self.r[i] if horizontal else (self.r[i][1], self.r[i][0],
                                                           self.r[i][3], self.r[i][2])
            if b0 + _TOL < c < b1 - _TOL:
                if a1 <= t + _TOL:
                    left = max(left, a1)
                elif a0 >= t - _TOL:
                    right = min(right, a0)
        return left, right

    def blocked(self, p, q) -> bool:
        lo, hi = min(p[1], q[1]), max(p[1], q[1])
        return any(_hits(p, q, self.r[i]) for i in self._band(self.rows, lo, hi))


class FreeSpaceGraph(RouteGraph):
    """The walkable graph of a floor read from an organiser's plan.

    Booths on such a floor need not stand in rows spanning the hall, so aisles
    are found booth by booth: in front of each side of a booth, the free band up
    to the next booth (or the wall) over that side's length is an aisle when it
    is at least ``MIN_AISLE_M`` wide; its centre line runs on until a booth (or
    the wall) stops it. Lines meet where they cross; a part of the hall cut off
    from the rest is joined by the shortest straight way that crosses no booth.
    Doors are the plan's or the user's (``doors``: dicts with hall, x, y); a
    hall without any gets one per wall, where the aisle nearest the wall's middle
    meets it (as on the built-in floor). Everything else (streets between halls,
    levels, the entrance, booth fronts, searching) is ``RouteGraph``'s.
    """

    def __init__(self, doors=()) -> None:
        super().__init__()
        self._door_specs = [d for d in doors if isinstance(d, dict)]
        self._front: dict[str, list[tuple]] = {}

    def _fronts(self, label, hi, x, y, w, h) -> list[tuple]:
        return self._front.get(label, [])

    def _build_hall(self, hi: int, hall: dict, rects) -> None:
        x0, y0 = hall["x"], hall["y"]
        x1, y1 = x0 + hall["w"], y0 + hall["h"]
        lvl = hall["level"]
        boxes = [(x, y, x + w, y + h) for x, y, w, h in rects]
        sides = sorted(min(w, h) for _, _, w, h in rects) or [min(hall["w"], hall["h"])]
        idx = _Rects(boxes, max(sides[len(sides) // 2] * 2.0, 4.0))
        made: dict[tuple, int] = {}
        hl: list[int] = []
        vl: list[int] = []

        def line(horizontal: bool, c: float, t: float) -> int:
            lo, hi_ = idx.span(horizontal, c, t, *((x0, x1) if horizontal else (y0, y1)))
            key = (horizontal, _key(c), _key(lo), _key(hi_))
            li = made.get(key)
            if li is None:
                li = made[key] = self._line(horizontal, c, lo, hi_, lvl, hi)
                (hl if horizontal else vl).append(li)
            return li

        wide = MIN_AISLE_M - 1e-9
        for code, (bx0, by0, bx1, by1) in zip(self._hall_booths[hi], boxes):
            cx, cy = (bx0 + bx1) / 2, (by0 + by1) / 2
            cands = []
            a = idx.gap_before(True, bx0, bx1, by0, y0)
            if by0 - a >= wide:
                cands.append((bx1 - bx0, 0, line(True, (a + by0) / 2, cx), cx, by0))
            b = idx.gap_after(True, bx0, bx1, by1, y1)
            if b - by1 >= wide:
                cands.append((bx1 - bx0, -1, line(True, (by1 + b) / 2, cx), cx, by1))
            a = idx.gap_before(False, by0, by1, bx0, x0)
            if bx0 - a >= wide:
                cands.append((by1 - by0, -2, line(False, (a + bx0) / 2, cy), bx0, cy))
            b = idx.gap_after(False, by0, by1, bx1, x1)
            if b - bx1 >= wide:
                cands.append((by1 - by0, -3, line(False, (bx1 + b) / 2, cy), bx1, cy))
            self._front[code] = cands
        if not hl:
            hl.append(self._line(True, (y0 + y1) / 2, *idx.span(True, (y0 + y1) / 2,
                                                               (x0 + x1) / 2, x0, x1), lvl, hi))
        if not vl:
            vl.append(self._line(False, (x0 + x1) / 2, *idx.span(False, (x0 + x1) / 2,
                                                                (y0 + y1) / 2, y0, y1), lvl, hi))
        hs = sorted(hl, key=lambda li: self.lines[li].c)
        hc = [self.lines[li].c for li in hs]
        for v in vl:
            V = self.lines[v]
            for k in range(bisect_left(hc, V.lo - _TOL), bisect_right(hc, V.hi + _TOL)):
                H = self.lines[hs[k]]
                if H.lo - _TOL <= V.c <= H.hi + _TOL:
                    n = self._put(hs[k], V.c)
                    V.pos.append(H.c)
                    V.nodes.append(n)
        for li in hl + vl:
            L = self.lines[li]
            for t in (L.lo, L.hi):
                if not any(abs(p - t) < _TOL for p in L.pos):
                    self._put(li, t)
        self._join_parts(hl + vl, idx)
        hall["doors"] = self._hall_doors(hall, hl, vl, idx)
        self._above.append({})
        self._below.append({})
        self._left.append({})
        self._right.append({})
        self._hall_lines.append(hl + vl)

    def _join_parts(self, lines: list[int], idx: _Rects) -> None:
        """Join parts of the hall's aisle network that touch nowhere: the shortest straight
        link between a part's nodes and the rest that crosses no booth."""
        parent = {li: li for li in lines}

        def find(a):
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a
        owner: dict[int, int] = {}
        for li in lines:
            for n in self.lines[li].nodes:
                if n in owner:
                    parent[find(li)] = find(owner[n])
                else:
                    owner[n] = li
        for _round in range(len(lines)):
            parts: dict[int, list[int]] = {}
            for n, li in owner.items():
                parts.setdefault(find(li), []).append(n)
            if len(parts) < 2:
                return
            main = max(parts, key=lambda r: len(parts[r]))
            joined = False
            for root, nodes in sorted(parts.items(), key=lambda kv: len(kv[1])):
                if root == main:
                    continue
                rest = [n for r, ns in parts.items() if r != root for n in ns]
                pairs = sorted(((self.xs[a] - self.xs[b]) ** 2 + (self.ys[a] - self.ys[b]) ** 2,
                                a, b) for a in nodes for b in rest)
                for d2, a, b in pairs[:400]:
                    if not idx.blocked((self.xs[a], self.ys[a]), (self.xs[b], self.ys[b])):
                        w = math.sqrt(d2)
                        self.adj[a].append((b, w))
                        self.adj[b].append((a, w))
                        parent[find(owner[a])] = find(owner[b])
                        joined = True
                        break
            if not joined:
                return          # parts that no straight way joins: reached by their doors only

    def _hall_doors(self, hall: dict, hl: list[int], vl: list[int], idx: _Rects):
        x0, y0 = hall["x"], hall["y"]
        x1, y1 = x0 + hall["w"], y0 + hall["h"]
        lvl = hall["level"]
        out = []
        for d in self._door_specs:
            if d.get("hall") != hall["slug"]:
                continue
            try:
                dx, dy = float(d["x"]), float(d["y"])
            except (KeyError, TypeError, ValueError):
                continue
            # onto the nearest wall
            gaps = {"W": abs(dx - x0), "E": abs(x1 - dx), "N": abs(dy - y0), "S": abs(y1 - dy)}
            side = min(gaps, key=gaps.get)
            dx = x0 if side == "W" else x1 if side == "E" else min(max(dx, x0), x1)
            dy = y0 if side == "N" else y1 if side == "S" else min(max(dy, y0), y1)
            best = None
            for li in hl + vl:
                L = self.lines[li]
                t = min(max(dx if L.horizontal else dy, L.lo), L.hi)
                px, py = L.xy(t)
                dist = math.hypot(px - dx, py - dy)
                if (best is None or dist < best[0]) and not idx.blocked((dx, dy), (px, py)):
                    best = (dist, li, t)
            if best is None:
                continue
            door = self._node(dx, dy, lvl)
            foot = self._put(best[1], best[2])
            self.adj[door].append((foot, best[0]))
            self.adj[foot].append((door, best[0]))
            out.append((side, door))
        if out:
            return out
        mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
        for side, pool, wall, mid, horizontal in (("W", hl, x0, mid_y, True),
                                                  ("E", hl, x1, mid_y, True),
                                                  ("N", vl, y0, mid_x, False),
                                                  ("S", vl, y1, mid_x, False)):
            reach = [li for li in pool if abs((self.lines[li].lo if side in "WN"
                                               else self.lines[li].hi) - wall) < _TOL]
            if reach:
                li = min(reach, key=lambda i: abs(self.lines[i].c - mid))
                out.append((side, self._put(li, wall)))
        if not out:
            # no aisle reaches a wall: a door on the wall nearest to some aisle's end
            best = None
            for li in hl + vl:
                L = self.lines[li]
                for t in (L.lo, L.hi):
                    px, py = L.xy(t)
                    for side, (qx, qy) in (("W", (x0, py)), ("E", (x1, py)),
                                           ("N", (px, y0)), ("S", (px, y1))):
                        dist = math.hypot(px - qx, py - qy)
                        if (best is None or dist < best[0]) and not idx.blocked((px, py), (qx, qy)):
                            best = (dist, side, li, t, qx, qy)
            if best is not None:
                dist, side, li, t, qx, qy = best
                door = self._node(qx, qy, lvl)
                foot = self._put(li, t)
                self.adj[door].append((foot, dist))
                self.adj[foot].append((door, dist))
                out.append((side, door))
        return out


def _simplify(pts):
    out = []
    for p in pts:
        if out and abs(out[-1][0] - p[0]) < 1e-9 and abs(out[-1][1] - p[1]) < 1e-9 \
                and out[-1][2] == p[2]:
            continue
        if len(out) >= 2:
            (ax, ay, al), (bx, by, bl) = out[-2], out[-1]
            cross = (bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax)
            forward = (bx - ax) * (p[0] - bx) + (by - ay) * (p[1] - by)
            if abs(cross) < 1e-9 and forward >= 0 and al == bl == p[2]:
                out[-1] = p
                continue
        out.append(p)
    return out


# ---------------------------------------------------------------------------
# Visiting order. D is a symmetric matrix; index 0 is the start; the path is
# open (it ends at the last stop).
def path_length(D, order: list[int]) -> float:
    return sum(D[a][b] for a, b in zip([0] + order, order))


def held_karp(D) -> list[int]:
    """The exact shortest open path from 0 through all other indices."""
    n = len(D) - 1
    if n <= 0:
        return []
    full = 1 << n
    INF = math.inf
    cost = [[INF] * n for _ in range(full)]
    back = [[-1] * n for _ in range(full)]
    for j in range(n):
        cost[1 << j][j] = D[0][j + 1]
    for mask in range(1, full):
        row = cost[mask]
        for j in range(n):
            cj = row[j]
            if cj == INF:
                continue
            Dj = D[j + 1]
            for k in range(n):
                bit = 1 << k
                if mask & bit:
                    continue
                nm = mask | bit
                c = cj + Dj[k + 1]
                if c < cost[nm][k]:
                    cost[nm][k] = c
                    back[nm][k] = j
    last = full - 1
    j = min(range(n), key=lambda k: cost[last][k])
    order = []
    mask = last
    while j >= 0:
        order.append(j + 1)
        pj = back[mask][j]
        mask ^= 1 << j
        j = pj
    order.reverse()
    return order


def brute_force(D) -> tuple[float, list[int]]:
    """Every order tried (for tests and benchmarks only)."""
    n = len(D) - 1
    best, best_order = math.inf, []
    for perm in itertools.permutations(range(1, n + 1)):
        c = D[0][perm[0]] if perm else 0.0
        for a, b in zip(perm, perm[1:]):
            c += D[a][b]
            if c >= best:
                break
        else:
            if c < best:
                best, best_order = c, list(perm)
    return best, best_order


def heuristic_order(D, rounds: int = 50) -> list[int]:
    """Nearest neighbour, then 2-opt and Or-opt moves until none helps."""
    n = len(D) - 1
    left = set(range(1, n + 1))
    order, cur = [], 0
    while left:
        nxt = min(left, key=lambda k: (D[cur][k], k))
        order.append(nxt)
        left.discard(nxt)
        cur = nxt
    for _ in range(rounds):
        improved = _two_opt(D, order)
        improved = _or_opt(D, order) or improved
        if not improved:
            break
    return order


def _two_opt(D, order: list[int]) -> bool:
    p = [0] + order
    m = len(p)
    improved = False
    for i in range(1, m - 1):
        for j in range(i + 1, m):
            a, b = p[i - 1], p[i]
            c = p[j]
            before = D[a][b]
            after = D[a][c]
            if j + 1 < m:
                d = p[j + 1]
                before += D[c][d]
                after += D[b][d]
            if after < before - 1e-9:
                p[i:j + 1] = reversed(p[i:j + 1])
                improved = True
    order[:] = p[1:]
    return improved


def _or_opt(D, order: list[int]) -> bool:
    improved = False
    for seg in (1, 2, 3):
        i = 0
        while i + seg <= len(order):
            p = [0] + order
            s, e = i + 1, i + seg          # segment p[s..e]
            prev = p[s - 1]
            nxt = p[e + 1] if e + 1 < len(p) else None
            removed = D[prev][p[s]] + (D[p[e]][nxt] - D[prev][nxt] if nxt is not None else 0.0)
            segment = p[s:e + 1]
            rest = p[:s] + p[e + 1:]
            best, where, flip = 0.0, -1, False
            for k in range(len(rest)):
                a = rest[k]
                b = rest[k + 1] if k + 1 < len(rest) else None
                for rev in (False, True):
                    first, last = (segment[-1], segment[0]) if rev else (segment[0], segment[-1])
                    add = D[a][first] + (D[last][b] - D[a][b] if b is not None else 0.0)
                    gain = removed - add
                    if gain > best + 1e-9:
                        best, where, flip = gain, k, rev
            if where >= 0:
                ins = segment[::-1] if flip else segment
                new = rest[:where + 1] + ins + rest[where + 1:]
                order[:] = new[1:]
                improved = True
            else:
                i += 1
    return improved


def best_order(D, exact_max: int = EXACT_MAX) -> tuple[list[int], bool]:
    """The visiting order (indices into D) and whether it is proven optimal."""
    n = len(D) - 1
    if n <= exact_max:
        return held_karp(D), True
    return heuristic_order(D), False


# ---------------------------------------------------------------------------
# One graph per floor, built once and shared by every route on it
#
# The key is the floor itself: a hash of the rows a graph is built from (halls,
# placed booths, the plan's doors), read through the expo's own connection, so it
# always describes the file that connection reads, even when an import or a plan
# import has since put a new file in its place (``os.replace``: an open connection
# keeps reading the old one), a write went into the write-ahead log (the main
# file's size and time unchanged), or two writes fell in one tick of the file
# clock. Reading and hashing the rows costs 70-120 ms at 75,000 booths (a build
# 165-300 ms), so it is done once per connection and again only when SQLite says
# the data may have changed: a commit by any other connection or process
# (``PRAGMA data_version``) or a write of its own (``total_changes``). A re-import
# that leaves the floor as it was keeps its graph. The hash is Python's own (it
# differs between processes): the graphs live in this process only.
GRAPHS_KEPT = 2                 # floors kept, most recently used (15 MB each at 75,000 booths)
_lock = threading.Lock()
_graphs: OrderedDict[tuple, RouteGraph] = OrderedDict()
_building: dict[tuple, threading.Event] = {}
_known: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()   # expo -> (state, key)
# One reader at a time on a connection that several threads ask through: from Python 3.12
# on, two threads running the same cached statement on one sqlite3 connection can get each
# other's rows (or none: "PRAGMA data_version" answered None under load).
_readers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # connection -> its lock
_readers_fallback = threading.Lock()                               # (no weak references)


def _reading(expo) -> threading.Lock:
    conn = expo._conn
    with _lock:
        try:
            return _readers.setdefault(conn, threading.Lock())
        except TypeError:
            return _readers_fallback


def _data_state(expo) -> tuple[int, int]:
    """Changes whenever the data ``expo``'s connection reads may have changed."""
    return expo._conn.execute("PRAGMA data_version").fetchone()[0], expo._conn.total_changes


def _floor_key(floor) -> tuple:
    halls, booths, doors = floor
    return (hash(tuple(tuple(h.values()) for h in halls)), len(booths), hash(tuple(booths)),
            None if doors is None else json.dumps(doors, sort_keys=True, default=str))


def _remember(expo, state, key) -> None:
    try:
        _known[expo] = (state, key)
    except TypeError:           # an object without weak references: its key is read each time
        pass


def graph_for(expo) -> RouteGraph:
    """The walkable graph of ``expo``'s floor, built on first use and reused until the
    floor changes (any thread may ask; a floor being built by one is waited for)."""
    with _reading(expo):
        state = _data_state(expo)
    with _lock:
        known = _known.get(expo)
        graph = _graphs.get(known[1]) if known is not None and known[0] == state else None
        if graph is not None:
            _graphs.move_to_end(known[1])
            return graph
    with _reading(expo):
        floor = _read_floor(expo)
    key = _floor_key(floor)
    while True:
        with _lock:
            graph = _graphs.get(key)
            if graph is not None:
                _graphs.move_to_end(key)
                _remember(expo, state, key)
                return graph
            building = _building.get(key)
            if building is None:
                building = _building[key] = threading.Event()
                break
        building.wait()         # then take that graph, or build it here if that build failed
    try:
        halls, booths, doors = floor
        graph = (RouteGraph.build(halls, booths) if doors is None
                 else FreeSpaceGraph.build(halls, booths, doors=doors))
        with _lock:
            _graphs[key] = graph
            while len(_graphs) > GRAPHS_KEPT:
                _graphs.popitem(last=False)
            _remember(expo, state, key)
        return graph
    finally:
        with _lock:
            del _building[key]
        building.set()


def plan_route(graph: RouteGraph, start: str, stops: list[str], optimise: bool = True) -> Route:
    """A route from ``start`` (``"entrance"`` or a booth code) through the booths ``stops``.

    With ``optimise`` the stops are put in the best order; without, they are
    walked in the order given (a visitor's own order). Repeated stops and the
    start itself are dropped from the stops.
    """
    seen = {start}
    codes = []
    for c in stops:
        if c not in seen:
            seen.add(c)
            codes.append(c)
    anchors = [graph.anchor(start)] + [graph.anchor(c) for c in codes]
    if not codes:
        return Route(start, [], [], True, optimise)
    if not optimise:  # the visitor's order: one search per leg is enough
        legs = [graph.path(a, b) for a, b in zip(anchors, anchors[1:])]
        return Route(start, codes, legs, False, False)
    D, searches = graph.distances(anchors)
    order, exact = best_order(D)
    legs = []
    for a, b in zip([0] + order, order):
        if a < b:
            leg = graph.path(anchors[a], anchors[b], searches[a], searches[b])
        else:
            leg = graph.path(anchors[b], anchors[a], searches[b], searches[a])
            leg = Leg(anchors[a].label, anchors[b].label, leg.distance_m, leg.points[::-1],
                      leg.levels[::-1])
        legs.append(leg)
    return Route(start, [anchors[i].label for i in order], legs, exact and optimise, optimise)


def entrance_point(graph: RouteGraph) -> tuple[float, float]:
    n = graph.entrance
    return graph.xs[n], graph.ys[n]


__all__ = ["RouteGraph", "FreeSpaceGraph", "Route", "Leg", "Anchor", "UnknownBooth", "graph_for",
           "plan_route", "held_karp", "brute_force", "heuristic_order", "best_order",
           "path_length", "walk_minutes", "WALK_SPEED_M_S", "LEVEL_CHANGE_M", "EXACT_MAX",
           "ENTRANCE"]
