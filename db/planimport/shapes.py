"""Booth outlines from a page's paths: rectangles, closed four-corner paths,
three-sided brackets, and cells built from loose line segments; twins merged.

Works in display points (see ``extract``). Curves (furniture, door swings) and
diagonal strokes (hatching) never make a box.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from .extract import PageContent

ALIGN_TOL = 0.6      # pt: a stroke this close to horizontal/vertical is axis-aligned
JOIN_GAP = 2.0       # pt: collinear pieces (dashes, loose segments) closer than this are one line
MEET_TOL = 1.2       # pt: lines that stop this short of each other still meet
MIN_SIDE = 2.0       # pt: smaller boxes are marks, not outlines
MIN_SEGMENT = 1.5    # pt: shorter strokes are ticks or hatching
MAX_CELL_VERTICES = 400_000


@dataclass
class Box:
    x0: float
    y0: float
    x1: float
    y1: float
    kind: str = "rect"        # rect | path | bracket | cell | drawn
    fill: bool = False
    stroke: bool = True

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        return self.y1 - self.y0

    @property
    def area(self) -> float:
        return (self.x1 - self.x0) * (self.y1 - self.y0)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def short(self) -> float:
        return min(self.x1 - self.x0, self.y1 - self.y0)

    def rect(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)

    def contains(self, x: float, y: float, tol: float = 0.0) -> bool:
        return self.x0 - tol <= x <= self.x1 + tol and self.y0 - tol <= y <= self.y1 + tol

    def encloses(self, o: "Box", tol: float = 0.5) -> bool:
        return (self.x0 - tol <= o.x0 and o.x1 <= self.x1 + tol
                and self.y0 - tol <= o.y0 and o.y1 <= self.y1 + tol)

    def distance(self, x0, y0, x1, y1) -> float:
        """Gap between this box and the rectangle (x0, y0, x1, y1); 0 when they overlap."""
        dx = max(self.x0 - x1, x0 - self.x1, 0.0)
        dy = max(self.y0 - y1, y0 - self.y1, 0.0)
        return (dx * dx + dy * dy) ** 0.5


def _near(p, q, tol=ALIGN_TOL) -> bool:
    return abs(p[0] - q[0]) <= tol and abs(p[1] - q[1]) <= tol


def _corners(pts: list, closed: bool) -> list:
    """Drop repeated points and points in the middle of straight runs."""
    out = []
    for p in pts:
        if not out or not _near(out[-1], p, 0.05):
            out.append(p)
    if closed and len(out) > 1 and _near(out[0], out[-1], 0.05):
        out.pop()
    changed = True
    while changed and len(out) > 2:
        changed = False
        n = len(out)
        rng = range(n) if closed else range(1, n - 1)
        for i in rng:
            a, b, c = out[i - 1], out[i], out[(i + 1) % n]
            if (abs(a[0] - b[0]) <= ALIGN_TOL and abs(b[0] - c[0]) <= ALIGN_TOL) or \
                    (abs(a[1] - b[1]) <= ALIGN_TOL and abs(b[1] - c[1]) <= ALIGN_TOL):
                out.pop(i)
                changed = True
                break
    return out


def _axis_rect(c: list) -> bool:
    """Four corners going round an axis-aligned rectangle."""
    for i in range(4):
        a, b = c[i], c[(i + 1) % 4]
        if not (abs(a[0] - b[0]) <= ALIGN_TOL or abs(a[1] - b[1]) <= ALIGN_TOL):
            return False
    xs = sorted(p[0] for p in c)
    ys = sorted(p[1] for p in c)
    return xs[1] - xs[0] <= ALIGN_TOL * 2 and xs[3] - xs[2] <= ALIGN_TOL * 2 and \
        ys[1] - ys[0] <= ALIGN_TOL * 2 and ys[3] - ys[2] <= ALIGN_TOL * 2


def _bracket(c: list) -> bool:
    """Three sides of a rectangle (a booth open to the aisle): U-shaped, axis-aligned."""
    if len(c) != 4:
        return False
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = c
    if abs(ax - bx) <= ALIGN_TOL and abs(cx - dx) <= ALIGN_TOL and abs(by - cy) <= ALIGN_TOL:
        return (ay - by) * (dy - cy) > 0 and abs(abs(ay - by) - abs(dy - cy)) <= \
            max(1.0, 0.1 * abs(ay - by)) and abs(bx - cx) > MIN_SIDE
    if abs(ay - by) <= ALIGN_TOL and abs(cy - dy) <= ALIGN_TOL and abs(bx - cx) <= ALIGN_TOL:
        return (ax - bx) * (dx - cx) > 0 and abs(abs(ax - bx) - abs(dx - cx)) <= \
            max(1.0, 0.1 * abs(ax - bx)) and abs(by - cy) > MIN_SIDE
    return False


def find_boxes(page: PageContent) -> list[Box]:
    """Candidate outlines on ``page``, twins merged, sorted by area."""
    boxes: list[Box] = []
    hsegs: list[tuple[float, float, float]] = []
    vsegs: list[tuple[float, float, float]] = []
    big = max(page.width, page.height) * 4
    for path in page.paths:
        if not (path.stroke or path.fill):
            continue
        for sp in path.subpaths:
            if sp.curved:
                continue
            pts = sp.points
            closed = sp.closed or (len(pts) > 2 and _near(pts[0], pts[-1]))
            n = len(pts)
            axis = True
            last = n if closed else n - 1
            for i in range(last):
                p, q = pts[i], pts[(i + 1) % n]
                if abs(p[1] - q[1]) <= ALIGN_TOL:
                    lo, hi = (p[0], q[0]) if p[0] < q[0] else (q[0], p[0])
                    if hi - lo >= MIN_SEGMENT and hi - lo < big:
                        hsegs.append(((p[1] + q[1]) / 2, lo, hi))
                elif abs(p[0] - q[0]) <= ALIGN_TOL:
                    lo, hi = (p[1], q[1]) if p[1] < q[1] else (q[1], p[1])
                    if hi - lo >= MIN_SEGMENT and hi - lo < big:
                        vsegs.append(((p[0] + q[0]) / 2, lo, hi))
                else:
                    axis = False
            if not axis or n < 4:
                continue
            c = _corners(pts, closed)
            kind = None
            if closed and len(c) == 4 and _axis_rect(c):
                kind = "rect" if n == 5 or n == 4 else "path"
            elif not closed and _bracket(c):
                kind = "bracket"
            if kind:
                xs = [p[0] for p in c]
                ys = [p[1] for p in c]
                b = Box(min(xs), min(ys), max(xs), max(ys), kind, path.fill, path.stroke)
                if b.w >= MIN_SIDE and b.h >= MIN_SIDE:
                    boxes.append(b)
    boxes.extend(cells(merge_lines(hsegs), merge_lines(vsegs)))
    page_area = page.width * page.height
    boxes = [b for b in boxes if b.area < 0.9 * page_area]
    return merge_twins(boxes)


def merge_lines(segs: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Collinear pieces joined: (coordinate, lo, hi), sorted by coordinate."""
    if not segs:
        return []
    segs.sort()
    out = []
    i, n = 0, len(segs)
    while i < n:
        c0 = segs[i][0]
        j = i
        while j < n and segs[j][0] - c0 <= ALIGN_TOL:
            j += 1
        group = sorted(segs[i:j], key=lambda s: s[1])
        cur_lo, cur_hi = group[0][1], group[0][2]
        cs = [group[0][0]]
        for c, lo, hi in group[1:]:
            if lo <= cur_hi + JOIN_GAP:
                cur_hi = max(cur_hi, hi)
                cs.append(c)
            else:
                out.append((sum(cs) / len(cs), cur_lo, cur_hi))
                cur_lo, cur_hi, cs = lo, hi, [c]
        out.append((sum(cs) / len(cs), cur_lo, cur_hi))
        i = j
    out.sort()
    return out


def cells(hlines, vlines) -> list[Box]:
    """The smallest rectangles closed by horizontal and vertical lines (table-cell style)."""
    if not hlines or not vlines:
        return []
    grid = 24.0
    buckets: dict[tuple[int, int], list[int]] = {}
    for i, (y, lo, hi) in enumerate(hlines):
        iy = int(y // grid)
        for ix in range(int((lo - MEET_TOL) // grid), int((hi + MEET_TOL) // grid) + 1):
            buckets.setdefault((ix, iy), []).append(i)
    on_h: list[list[tuple[float, int]]] = [[] for _ in hlines]
    on_v: list[list[tuple[float, int]]] = [[] for _ in vlines]
    vertex: set[tuple[int, int]] = set()
    for j, (x, lo, hi) in enumerate(vlines):
        ix = int(x // grid)
        seen = set()
        for iy in range(int((lo - MEET_TOL) // grid), int((hi + MEET_TOL) // grid) + 1):
            for i in buckets.get((ix, iy), ()):
                if i in seen:
                    continue
                seen.add(i)
                y, hlo, hhi = hlines[i]
                if lo - MEET_TOL <= y <= hi + MEET_TOL and hlo - MEET_TOL <= x <= hhi + MEET_TOL:
                    on_h[i].append((x, j))
                    on_v[j].append((y, i))
                    vertex.add((i, j))
        if len(vertex) > MAX_CELL_VERTICES:
            break
    for lst in on_h:
        lst.sort()
    for lst in on_v:
        lst.sort()
    out = []
    for i, j in vertex:
        y = hlines[i][0]
        x = vlines[j][0]
        row = on_h[i]
        col = on_v[j]
        rights = row[bisect_right(row, (x + MIN_SIDE, len(vlines))):]
        belows = col[bisect_right(col, (y + MIN_SIDE, len(hlines))):]
        if not rights or not belows:
            continue
        done = False
        for y2, i2 in belows[:40]:
            for x2, j2 in rights[:40]:
                if (i2, j2) in vertex:
                    out.append(Box(x, y, x2, y2, "cell"))
                    done = True
                    break
            if done:
                break
    return out


def merge_twins(boxes: list[Box]) -> list[Box]:
    """Boxes whose four edges all lie within a fraction of a point of each other are one
    (fill and stroke drawn separately, a booth drawn twice); the edges are averaged."""
    if not boxes:
        return []
    q = 2.0
    slots: dict[tuple[int, int], list[int]] = {}
    groups: list[list[Box]] = []
    for b in sorted(boxes, key=lambda b: (-(b.stroke), b.x0, b.y0)):
        tol = max(0.8, 0.04 * min(b.w, b.h))
        kx, ky = int(b.x0 // q), int(b.y0 // q)
        found = -1
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for gi in slots.get((kx + dx, ky + dy), ()):
                    g = groups[gi][0]
                    if abs(g.x0 - b.x0) <= tol and abs(g.y0 - b.y0) <= tol and \
                            abs(g.x1 - b.x1) <= tol and abs(g.y1 - b.y1) <= tol:
                        found = gi
                        break
                if found >= 0:
                    break
            if found >= 0:
                break
        if found >= 0:
            groups[found].append(b)
        else:
            slots.setdefault((kx, ky), []).append(len(groups))
            groups.append([b])
    out = []
    rank = {"rect": 0, "path": 1, "bracket": 2, "cell": 3}
    for g in groups:
        if len(g) == 1:
            out.append(g[0])
            continue
        kind = min((b.kind for b in g), key=lambda k: rank.get(k, 9))
        # a filled area is the booth's surface; a stroke drawn beside it is decoration
        src = [b for b in g if b.fill and not b.stroke] or g
        n = len(src)
        out.append(Box(sum(b.x0 for b in src) / n, sum(b.y0 for b in src) / n,
                       sum(b.x1 for b in src) / n, sum(b.y1 for b in src) / n, kind,
                       any(b.fill for b in g), any(b.stroke for b in g)))
    out.sort(key=lambda b: (b.area, b.y0, b.x0))
    return out


class BoxIndex:
    """Which boxes contain a point, or lie near a rectangle (a uniform grid)."""

    def __init__(self, boxes: list[Box], cell: float = 0.0) -> None:
        self.boxes = boxes
        if not cell:
            sides = sorted(b.short for b in boxes) or [20.0]
            cell = max(sides[len(sides) // 2], 4.0) * 2
        self.cell = cell
        self.grid: dict[tuple[int, int], list[int]] = {}
        self.huge: list[int] = []
        for i, b in enumerate(boxes):
            self._add(i, b)

    def _add(self, i: int, b: Box) -> None:
        c = self.cell
        nx = int(b.x1 // c) - int(b.x0 // c) + 1
        ny = int(b.y1 // c) - int(b.y0 // c) + 1
        if nx * ny > 400:
            self.huge.append(i)
            return
        for ix in range(int(b.x0 // c), int(b.x1 // c) + 1):
            for iy in range(int(b.y0 // c), int(b.y1 // c) + 1):
                self.grid.setdefault((ix, iy), []).append(i)

    def at(self, x: float, y: float, tol: float = 0.0) -> list[int]:
        """Indices of boxes containing (x, y), smallest first."""
        c = self.cell
        cand = self.grid.get((int(x // c), int(y // c)), [])
        hits = [i for i in cand if self.boxes[i].contains(x, y, tol)]
        hits += [i for i in self.huge if self.boxes[i].contains(x, y, tol)]
        hits.sort(key=lambda i: self.boxes[i].area)
        return hits

    def near(self, x0: float, y0: float, x1: float, y1: float, reach: float) -> list[int]:
        """Indices of boxes within ``reach`` of the rectangle."""
        c = self.cell
        seen = set()
        out = []
        for ix in range(int((x0 - reach) // c), int((x1 + reach) // c) + 1):
            for iy in range(int((y0 - reach) // c), int((y1 + reach) // c) + 1):
                for i in self.grid.get((ix, iy), ()):
                    if i not in seen:
                        seen.add(i)
                        if self.boxes[i].distance(x0, y0, x1, y1) <= reach:
                            out.append(i)
        for i in self.huge:
            if i not in seen and self.boxes[i].distance(x0, y0, x1, y1) <= reach:
                out.append(i)
        return out

    def inside(self, b: Box, tol: float = 0.5) -> list[int]:
        """Indices of boxes enclosed by ``b`` (``b`` itself excluded if indexed)."""
        return [i for i in self.near(b.x0, b.y0, b.x1, b.y1, 0.0)
                if self.boxes[i] is not b and b.encloses(self.boxes[i], tol)]
