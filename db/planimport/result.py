"""What a plan import found, in a form the review view edits before anything is written.

A ``PlanImport`` holds pages (with their scale and place on the floor), booths
(code + outline + how they were matched), codes without an outline, outlines
without a code, halls and doors. Geometry is kept in *page units* (points on a
PDF page as it is shown, origin top-left, y down; pixels on a picture) and turned
into metres through each page's scale and offset, so a change of scale moves
every booth of that page at once.

Every edit checks its input and raises ``EditError`` with one line; nothing here
touches the expo file until ``accept``.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError
from ..text import MAX_ID, MAX_NAME

HOW = ("inside", "beside", "review", "confirmed", "drawn")
GUESS_BOOTH_M = 3.0      # the stated guess: the commonest booth is 3 m x 3 m
HALL_MARGIN_M = 3.0      # without a drawn hall outline: the booths' extent plus an aisle
GROUP_GAP_M = 10.0       # halls of unstitched pages stand this far apart


class EditError(DataError):
    """An edit the review cannot make (unknown id, empty or duplicate code, ...)."""


Rect = tuple[float, float, float, float]   # x0, y0, x1, y1 in page units


@dataclass
class PlanPage:
    number: int
    width: float                   # page units (points, or pixels for a picture)
    height: float
    rotation: int = 0
    kind: str = "vector"           # vector | scanned | picture
    scale_m_per_pt: float | None = None
    scale_source: str = ""
    offset_m: tuple[float, float] = (0.0, 0.0)
    hall: str = ""                 # slug of the hall it shows
    stitched_to: int | None = None # the page it was aligned with (shared booths)
    calibration: list | None = None  # [[u, v, x_m, y_m], [u, v, x_m, y_m]] (two points)
    placement: str = "auto"        # auto (side by side) | stitched | user
    anchors: list = field(default_factory=list)  # stitching: [(pt on stitched_to, pt here)]

    def to_m(self, x: float, y: float) -> tuple[float, float]:
        s = self.scale_m_per_pt or 0.0
        return (x * s + self.offset_m[0], y * s + self.offset_m[1])

    def to_page(self, xm: float, ym: float) -> tuple[float, float]:
        s = self.scale_m_per_pt
        if not s:
            raise EditError(f"page {self.number} has no scale yet; calibrate it first")
        return ((xm - self.offset_m[0]) / s, (ym - self.offset_m[1]) / s)

    def as_dict(self) -> dict:
        d = {"number": self.number, "scale_m_per_pt": _r(self.scale_m_per_pt, 6),
             "scale_source": self.scale_source, "offset_m": [_r(v) for v in self.offset_m],
             "rotation": self.rotation, "kind": self.kind, "hall": self.hall,
             "size": [_r(self.width, 2), _r(self.height, 2)]}
        if self.stitched_to:
            d["stitched_to"] = self.stitched_to
        if self.calibration:
            d["calibration"] = self.calibration
        return d


@dataclass
class FoundBooth:
    id: int
    code: str
    page: int
    box: Rect
    how: str
    label: Rect | None = None      # where the code was read
    in_list: bool = False
    note: str = ""


@dataclass
class FoundCode:
    id: int
    code: str
    page: int
    at: Rect
    in_list: bool = False


@dataclass
class FoundBox:
    id: int
    page: int
    box: Rect


@dataclass
class PlanHall:
    slug: str
    name: str
    pages: list[int]
    outline: dict[int, Rect] = field(default_factory=dict)   # page -> hall outline (page units)


@dataclass
class Door:
    hall: str
    x: float                       # metres
    y: float
    source: str = "user"           # plan | user
    page: int | None = None        # a door read from the plan: its page and point
    pt: tuple[float, float] | None = None


def _r(v, nd=3):
    return None if v is None else round(float(v), nd)


def _norm_rect(r) -> Rect:
    try:
        x0, y0, x1, y1 = (float(v) for v in r)
    except (TypeError, ValueError):
        raise EditError(f"a box is four numbers (x0, y0, x1, y1), not {r!r}") from None
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
        raise EditError("a box's corners must be finite numbers")
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    if x1 - x0 <= 0 or y1 - y0 <= 0:
        raise EditError("a box needs a width and a height")
    return (x0, y0, x1, y1)


def clean_code(code) -> str:
    """A booth code as typed: trimmed; EditError if empty, too long or multi-line."""
    if not isinstance(code, str):
        raise EditError("a booth code is text")
    c = code.strip()
    if not c:
        raise EditError("a booth code cannot be empty")
    if len(c) > MAX_ID:
        raise EditError(f"booth code {c[:20]!r}…: longer than {MAX_ID} characters")
    if re.search(r"[\x00-\x1f\x7f]", c):
        raise EditError(f"booth code {c!r}: contains a line break or control character")
    return c


class PlanImport:
    """The result of reading one plan file: pages, booths, leftovers; editable; ``accept``
    writes it into an expo file (all or nothing)."""

    def __init__(self, path: str | Path, kind: str, sha256: str) -> None:
        self.path = Path(path)
        self.kind = kind               # vector | scanned | picture
        self.sha256 = sha256
        self.pages: list[PlanPage] = []
        self.booths: list[FoundBooth] = []
        self.unmatched_codes: list[FoundCode] = []
        self.unmatched_boxes: list[FoundBox] = []
        self.halls: list[PlanHall] = []
        self.doors: list[Door] = []
        self.vocabulary: list[str] = []
        self.ignored: dict[str, int] = {}
        self.notes: list[str] = []
        self.seconds = 0.0
        self.picture: tuple[bytes, str, int, int] | None = None   # a picture plan's bytes
        self._next = 1

    # ------------------------------------------------------------- lookups
    def new_id(self) -> int:
        i = self._next
        self._next += 1
        return i

    def page(self, number: int) -> PlanPage:
        for p in self.pages:
            if p.number == number:
                return p
        raise EditError(f"{self.path.name} has no page {number} in this import")

    def item(self, id_: int):
        """The booth, code or box with this id."""
        for lst in (self.booths, self.unmatched_codes, self.unmatched_boxes):
            for it in lst:
                if it.id == id_:
                    return it
        raise EditError(f"no booth, code or box with id {id_}")

    def booth_by_code(self, code: str) -> FoundBooth | None:
        for b in self.booths:
            if b.code == code:
                return b
        return None

    def rect_m(self, page: int, box: Rect) -> tuple[float, float, float, float]:
        """(x, y, w, h) in metres of a page-unit box."""
        p = self.page(page)
        x0, y0 = p.to_m(box[0], box[1])
        x1, y1 = p.to_m(box[2], box[3])
        return (x0, y0, x1 - x0, y1 - y0)

    def hall_of(self, page: int) -> str:
        return self.page(page).hall

    @property
    def vocabulary_set(self) -> set[str]:
        return set(self.vocabulary)

    def codes_not_in_list(self) -> list[str]:
        if not self.vocabulary:
            return []
        voc = self.vocabulary_set
        found = {b.code for b in self.booths} | {c.code for c in self.unmatched_codes}
        return sorted(c for c in found if c not in voc)

    def listed_codes_not_found(self) -> list[str]:
        found = {b.code for b in self.booths} | {c.code for c in self.unmatched_codes}
        return sorted(c for c in self.vocabulary if c not in found)

    def halls_m(self) -> list[dict]:
        """Each hall's rectangle in metres: its drawn outline(s), or its booths plus an
        aisle, and always every booth of it."""
        out = []
        for h in self.halls:
            xs0, ys0, xs1, ys1 = [], [], [], []
            for pg, box in h.outline.items():
                x, y, w, hh = self.rect_m(pg, box)
                xs0.append(x), ys0.append(y), xs1.append(x + w), ys1.append(y + hh)
            bs = [self.rect_m(b.page, b.box) for b in self.booths if self.hall_of(b.page) == h.slug
                  and self.page(b.page).scale_m_per_pt]
            if bs:
                m = 0.0 if h.outline else HALL_MARGIN_M
                xs0.append(min(b[0] for b in bs) - m)
                ys0.append(min(b[1] for b in bs) - m)
                xs1.append(max(b[0] + b[2] for b in bs) + m)
                ys1.append(max(b[1] + b[3] for b in bs) + m)
            if not xs0:
                continue
            x0, y0, x1, y1 = min(xs0), min(ys0), max(xs1), max(ys1)
            out.append({"slug": h.slug, "name": h.name, "level": 0, "x": round(x0, 3),
                        "y": round(y0, 3), "w": round(x1 - x0, 3), "h": round(y1 - y0, 3),
                        "pages": h.pages})
        return out

    # ------------------------------------------------------------- review
    def needs_review(self) -> list[str]:
        """What must be settled before ``accept`` (empty: ready)."""
        out = []
        review = [b for b in self.booths if b.how == "review"]
        if review:
            out.append(f"{len(review)} booth{'s' if len(review) != 1 else ''} to review "
                       f"({', '.join(b.code for b in review[:5])}{', …' if len(review) > 5 else ''})")
        if self.unmatched_codes:
            n = len(self.unmatched_codes)
            out.append(f"{n} code{'s' if n != 1 else ''} without an outline "
                       f"({', '.join(c.code for c in self.unmatched_codes[:5])}"
                       f"{', …' if n > 5 else ''})")
        seen, dup = set(), set()
        for b in self.booths:
            (dup if b.code in seen else seen).add(b.code)
        if dup:
            out.append("codes used twice: " + ", ".join(sorted(dup)[:5]))
        used = {b.page for b in self.booths}
        for p in self.pages:
            if p.number in used and not p.scale_m_per_pt:
                out.append(f"page {p.number} has no scale (calibrate it by two points)")
        if not self.booths:
            if self.kind == "vector":
                out.append("no booth was found (no booth code inside or beside an outline; "
                           f"{len(self.unmatched_boxes)} empty outlines)")
            else:
                out.append("no booth placed yet: a picture plan's booths are drawn by hand")
        return out

    def summary(self) -> dict:
        how = {}
        for b in self.booths:
            how[b.how] = how.get(b.how, 0) + 1
        return {"booths": len(self.booths), "how": how,
                "unmatched_codes": len(self.unmatched_codes),
                "unmatched_boxes": len(self.unmatched_boxes)}

    def to_dict(self) -> dict:
        """The ``--json`` document."""
        booths = []
        for b in sorted(self.booths, key=lambda b: (b.page, b.box[1], b.box[0])):
            p = self.page(b.page)
            x, y, w, h = self.rect_m(b.page, b.box) if p.scale_m_per_pt else (None,) * 4
            d = {"code": b.code, "x": _r(x), "y": _r(y), "w": _r(w), "h": _r(h), "page": b.page,
                 "how": b.how, "hall": p.hall, "id": b.id}
            if self.vocabulary:
                d["in_list"] = b.in_list
            if b.note:
                d["note"] = b.note
            booths.append(d)

        def where(page, box):
            p = self.page(page)
            if not p.scale_m_per_pt:
                return {"x": None, "y": None, "w": None, "h": None}
            x, y, w, h = self.rect_m(page, box)
            return {"x": _r(x), "y": _r(y), "w": _r(w), "h": _r(h)}
        return {
            "plan": self.path.name, "sha256": self.sha256, "kind": self.kind,
            "pages": [p.as_dict() for p in self.pages],
            "halls": self.halls_m(),
            "booths": booths,
            "unmatched_codes": [dict(code=c.code, page=c.page, id=c.id, **where(c.page, c.at))
                                for c in self.unmatched_codes],
            "unmatched_boxes": [dict(page=b.page, id=b.id, **where(b.page, b.box))
                                for b in self.unmatched_boxes],
            "codes_not_in_list": self.codes_not_in_list(),
            "listed_codes_not_found": self.listed_codes_not_found(),
            "doors": [{"hall": d.hall, "x": _r(d.x), "y": _r(d.y), "source": d.source}
                      for d in self.doors],
            "ignored": self.ignored,
            "needs_review": self.needs_review(),
            "notes": self.notes,
            "seconds": round(self.seconds, 3),
        }

    # --------------------------------------------------------------- edits
    def _check_free(self, code: str, but: FoundBooth | None = None) -> None:
        for b in self.booths:
            if b.code == code and b is not but:
                raise EditError(f"booth code {code!r} is already used on page {b.page}")

    def set_code(self, booth_id: int, code: str) -> FoundBooth:
        """Correct a booth's code; the booth counts as confirmed."""
        b = self.item(booth_id)
        if not isinstance(b, FoundBooth):
            raise EditError(f"id {booth_id} is not a booth")
        c = clean_code(code)
        self._check_free(c, b)
        b.code, b.how, b.note = c, "confirmed", ""
        b.in_list = c in self.vocabulary_set
        # a code chosen by hand is no longer waiting for an outline
        self.unmatched_codes = [u for u in self.unmatched_codes if u.code != c]
        return b

    def confirm(self, booth_id: int) -> FoundBooth:
        """Accept a booth marked ``review`` as it is."""
        b = self.item(booth_id)
        if not isinstance(b, FoundBooth):
            raise EditError(f"id {booth_id} is not a booth")
        self._check_free(b.code, b)
        b.how, b.note = "confirmed", ""
        return b

    def assign(self, code_id: int, box_id: int) -> FoundBooth:
        """Put an unmatched code on an unmatched outline: a confirmed booth."""
        c, bx = self.item(code_id), self.item(box_id)
        if not isinstance(c, FoundCode) or not isinstance(bx, FoundBox):
            raise EditError("assign takes an unmatched code and an empty outline")
        if c.page != bx.page:
            raise EditError(f"the code is on page {c.page}, the outline on page {bx.page}")
        self._check_free(c.code)
        self.unmatched_codes.remove(c)
        self.unmatched_boxes.remove(bx)
        b = FoundBooth(self.new_id(), c.code, bx.page, bx.box, "confirmed", c.at, c.in_list)
        self.booths.append(b)
        return b

    def name_box(self, box_id: int, code: str) -> FoundBooth:
        """Give an empty outline a booth code (typed in the review): paired with the loose
        code of that text on its page when there is one (``assign``), else the outline
        becomes a confirmed booth with that code."""
        bx = self.item(box_id)
        if not isinstance(bx, FoundBox):
            raise EditError(f"id {box_id} is not an empty outline")
        c = clean_code(code)
        loose = next((u for u in self.unmatched_codes if u.code == c and u.page == bx.page),
                     None)
        if loose is not None:
            return self.assign(loose.id, bx.id)
        b = self.draw(bx.page, bx.box, c)           # checks that the code is free
        self.unmatched_boxes.remove(bx)
        b.how = "confirmed"
        return b

    def unassign(self, booth_id: int) -> tuple[FoundCode, FoundBox]:
        """Take a booth apart: its code and its outline go back to the leftovers."""
        b = self.item(booth_id)
        if not isinstance(b, FoundBooth):
            raise EditError(f"id {booth_id} is not a booth")
        self.booths.remove(b)
        c = FoundCode(self.new_id(), b.code, b.page, b.label or b.box, b.in_list)
        bx = FoundBox(self.new_id(), b.page, b.box)
        self.unmatched_codes.append(c)
        self.unmatched_boxes.append(bx)
        return c, bx

    def move(self, id_: int, box: Rect):
        """Give a booth or an empty outline new corners (page units)."""
        it = self.item(id_)
        r = _norm_rect(box)
        if isinstance(it, FoundBooth):
            it.box = r
            if it.how in ("inside", "beside", "review"):
                it.how = "confirmed"
        elif isinstance(it, FoundBox):
            it.box = r
        else:
            it.at = r
        return it

    def merge(self, ids: list[int]):
        """Join booths and/or empty outlines of one page into one outline (their union).
        With a booth among them the result is that booth (the first one's code); the
        other booths' codes go back to the unmatched codes."""
        items = [self.item(i) for i in ids]
        if len(items) < 2:
            raise EditError("merge needs two or more booths or outlines")
        if any(isinstance(it, FoundCode) for it in items):
            raise EditError("merge takes booths and outlines, not codes")
        pages = {it.page for it in items}
        if len(pages) != 1:
            raise EditError("merge takes outlines of one page")
        boxes = [it.box for it in items]
        union = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                 max(b[2] for b in boxes), max(b[3] for b in boxes))
        booths = [it for it in items if isinstance(it, FoundBooth)]
        for it in items:
            if isinstance(it, FoundBooth):
                self.booths.remove(it)
            else:
                self.unmatched_boxes.remove(it)
        if not booths:
            bx = FoundBox(self.new_id(), pages.pop(), union)
            self.unmatched_boxes.append(bx)
            return bx
        keep = booths[0]
        for other in booths[1:]:
            self.unmatched_codes.append(FoundCode(self.new_id(), other.code, other.page,
                                                  other.label or other.box, other.in_list))
        keep.box, keep.how, keep.note = union, "confirmed", ""
        self.booths.append(keep)
        return keep

    def split(self, id_: int, axis: str = "x", parts: int = 2, at: list[float] | None = None):
        """Cut a booth or an outline into ``parts`` equal pieces along ``axis`` ("x": side
        by side, "y": one above the other), or at the page coordinates ``at``. A booth keeps
        its code on the piece where the code was read; the other pieces become empty
        outlines. Returns the pieces."""
        it = self.item(id_)
        if isinstance(it, FoundCode):
            raise EditError("split takes a booth or an outline, not a code")
        if axis not in ("x", "y"):
            raise EditError("axis is 'x' or 'y'")
        x0, y0, x1, y1 = it.box
        lo, hi = (x0, x1) if axis == "x" else (y0, y1)
        if at:
            cuts = sorted(float(c) for c in at)
            if any(not lo < c < hi for c in cuts):
                raise EditError("each cut must lie inside the outline")
        else:
            if not isinstance(parts, int) or not 2 <= parts <= 50:
                raise EditError("parts is a whole number from 2 to 50")
            cuts = [lo + (hi - lo) * k / parts for k in range(1, parts)]
        edges = [lo] + cuts + [hi]
        rects = [((a, y0, b, y1) if axis == "x" else (x0, a, x1, b)) for a, b in zip(edges, edges[1:])]
        out = []
        if isinstance(it, FoundBooth):
            lx, ly = ((it.label[0] + it.label[2]) / 2, (it.label[1] + it.label[3]) / 2) \
                if it.label else ((x0 + x1) / 2, (y0 + y1) / 2)
            home = next((k for k, r in enumerate(rects) if r[0] <= lx <= r[2] and r[1] <= ly <= r[3]), 0)
            for k, r in enumerate(rects):
                if k == home:
                    it.box, it.how, it.note = r, "confirmed", ""
                    out.append(it)
                else:
                    bx = FoundBox(self.new_id(), it.page, r)
                    self.unmatched_boxes.append(bx)
                    out.append(bx)
        else:
            self.unmatched_boxes.remove(it)
            for r in rects:
                bx = FoundBox(self.new_id(), it.page, r)
                self.unmatched_boxes.append(bx)
                out.append(bx)
        return out

    def draw(self, page: int, box: Rect, code: str | None = None):
        """A booth the reader missed (with ``code``), or an empty outline (without)."""
        p = self.page(page)
        r = _norm_rect(box)
        if code is None:
            bx = FoundBox(self.new_id(), p.number, r)
            self.unmatched_boxes.append(bx)
            return bx
        c = clean_code(code)
        self._check_free(c)
        self.unmatched_codes = [u for u in self.unmatched_codes if u.code != c]
        b = FoundBooth(self.new_id(), c, p.number, r, "drawn", None, c in self.vocabulary_set)
        self.booths.append(b)
        return b

    def draw_m(self, page: int, x: float, y: float, w: float, h: float, code: str | None = None):
        """``draw`` with the box given in metres (x, y of its top-left corner, w, h)."""
        p = self.page(page)
        x0, y0 = p.to_page(x, y)
        x1, y1 = p.to_page(x + w, y + h)
        return self.draw(page, (x0, y0, x1, y1), code)

    def remove(self, id_: int) -> None:
        """Drop a booth (its code goes back to the unmatched codes), an empty outline (not a
        booth) or an unmatched code (not a booth code)."""
        it = self.item(id_)
        if isinstance(it, FoundBooth):
            self.booths.remove(it)
            if it.how not in ("drawn",):
                self.unmatched_codes.append(FoundCode(self.new_id(), it.code, it.page,
                                                      it.label or it.box, it.in_list))
        elif isinstance(it, FoundBox):
            self.unmatched_boxes.remove(it)
        else:
            self.unmatched_codes.remove(it)
        self.ignored["removed_by_hand"] = self.ignored.get("removed_by_hand", 0) + 1

    # --------------------------------------------------------------- scale
    def set_scale(self, page: int, m_per_pt: float, source: str = "set by hand") -> None:
        try:
            s = float(m_per_pt)
        except (TypeError, ValueError):
            raise EditError("a scale is a number of metres per point") from None
        if not (math.isfinite(s) and 1e-5 <= s <= 100.0):
            raise EditError(f"scale {m_per_pt!r} m per point is not plausible")
        p = self.page(page)
        p.scale_m_per_pt = s
        p.scale_source = source
        self._restitch()

    def scale_from_booth_size(self, w_m: float, h_m: float, page: int | None = None) -> None:
        """The commonest booth measures ``w_m`` x ``h_m`` metres."""
        from .analyse import commonest_booth
        for p in self.pages:
            if page is not None and p.number != page:
                continue
            boxes = [b.box for b in self.booths if b.page == p.number and b.how != "review"]
            if not boxes:
                continue
            short, long_, n = commonest_booth(boxes)
            s = math.sqrt((w_m * h_m) / (short * long_))
            self.set_scale(p.number, s, f"booth size {w_m:g} x {h_m:g} m given for the "
                           f"commonest booth ({n} of {len(boxes)})")

    def scale_from_line(self, page: int, p0, p1, metres: float) -> None:
        """A measured line: from ``p0`` to ``p1`` (page units) is ``metres`` long."""
        d = math.hypot(float(p1[0]) - float(p0[0]), float(p1[1]) - float(p0[1]))
        if d <= 0 or not (float(metres) > 0):
            raise EditError("a measured line needs two different points and a length above 0")
        self.set_scale(page, float(metres) / d, f"measured line of {float(metres):g} m")

    def calibrate(self, page: int, p0, m0, p1, m1) -> None:
        """Two points of the page (page units) and where they are on the floor (metres):
        the page's scale and offset follow (no rotation)."""
        u0, v0 = (float(v) for v in p0)
        u1, v1 = (float(v) for v in p1)
        x0, y0 = (float(v) for v in m0)
        x1, y1 = (float(v) for v in m1)
        d_pg = math.hypot(u1 - u0, v1 - v0)
        d_m = math.hypot(x1 - x0, y1 - y0)
        if d_pg <= 0 or d_m <= 0:
            raise EditError("calibration needs two different points on the page and on the floor")
        p = self.page(page)
        s = d_m / d_pg
        self.set_scale(page, s, "calibrated by two points")
        p.offset_m = (x0 - u0 * s, y0 - v0 * s)
        p.calibration = [[u0, v0, x0, y0], [u1, v1, x1, y1]]
        p.stitched_to, p.placement, p.anchors = None, "user", []
        self._restitch()

    def set_offset(self, page: int, dx_m: float, dy_m: float) -> None:
        """Where the page's top-left corner lies on the floor, metres (stitching by hand)."""
        p = self.page(page)
        p.offset_m = (float(dx_m), float(dy_m))
        p.stitched_to, p.placement, p.anchors = None, "user", []
        self._restitch()

    def _restitch(self) -> None:
        from .analyse import place_pages
        place_pages(self)

    # --------------------------------------------------------------- doors
    def add_door(self, x_m: float, y_m: float, hall: str | None = None) -> Door:
        """A door the user marks (metres); it belongs to the hall it lies on."""
        halls = self.halls_m()
        if not halls:
            raise EditError("there is no hall yet to put a door on")
        if hall is None:
            hall = min(halls, key=lambda h: _dist_to_rect(x_m, y_m, h))["slug"]
        elif hall not in {h["slug"] for h in halls}:
            raise EditError(f"no hall {hall!r} in this import")
        d = Door(hall, float(x_m), float(y_m), "user")
        self.doors.append(d)
        return d

    def remove_door(self, index: int) -> None:
        try:
            self.doors.pop(index)
        except IndexError:
            raise EditError(f"no door number {index}") from None

    def rename_hall(self, slug: str, name: str) -> None:
        for h in self.halls:
            if h.slug == slug:
                name = (name or "").strip()
                if not name or len(name) > MAX_NAME:
                    raise EditError("a hall name is 1 to 300 characters")
                h.name = name
                return
        raise EditError(f"no hall {slug!r} in this import")

    # -------------------------------------------------------------- accept
    def accept(self, expo_path: str | Path, *, underlay: bool = True, progress=None,
               base: str | Path | None = None) -> dict:
        """Write the halls and booths into ``expo_path`` (made if missing, as a copy of
        ``base`` when given): all or nothing. Raises DataError (one line) while
        ``needs_review()`` is not empty."""
        from .write import write_plan
        return write_plan(self, expo_path, underlay=underlay, progress=progress, base=base)


def _dist_to_rect(x, y, h) -> float:
    dx = max(h["x"] - x, 0.0, x - (h["x"] + h["w"]))
    dy = max(h["y"] - y, 0.0, y - (h["y"] + h["h"]))
    return math.hypot(dx, dy)
