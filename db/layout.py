"""Schematic floor layouts: halls filled with booth rows and aisles.

Used for the built-in expo (whose real floor plan is not known, so it is drawn
schematically) and for synthetic expos. Units are metres; x grows to the right,
y downwards.
"""
from __future__ import annotations

import random
import string
from dataclasses import dataclass

ROW_LETTERS = string.ascii_uppercase


@dataclass
class HallSpec:
    slug: str
    name: str
    number: int | str  # used in booth codes: "<number><row letter><col>"
    x: float
    y: float
    level: int = 0
    zone: str | None = None
    segments: int = 2          # booth runs per row, separated by cross aisles
    per_segment: int = 10      # booths per run
    blocks: int = 4            # back-to-back double rows
    booth_w: float = 3.0
    booth_d: float = 3.0
    aisle: float = 3.0
    cross_aisle: float = 4.0
    margin: float = 5.0

    @property
    def w(self) -> float:
        return (2 * self.margin + self.segments * self.per_segment * self.booth_w
                + (self.segments - 1) * self.cross_aisle)

    @property
    def h(self) -> float:
        return (2 * self.margin + self.blocks * 2 * self.booth_d
                + (self.blocks - 1) * self.aisle)


def hall_booths(spec: HallSpec, merge_rate: float = 0.0, rng: random.Random | None = None,
                single_rows: str = ""):
    """Booths of one hall as dicts (code, hall, zone, x, y, w, h).

    ``merge_rate`` joins that share of neighbouring booth pairs into double
    booths, so the floor has varied sizes.
    """
    rng = rng or random.Random(0)
    booths = []
    rows = spec.blocks * 2
    for r in range(rows):
        block, inner = divmod(r, 2)
        y = spec.y + spec.margin + block * (2 * spec.booth_d + spec.aisle) + inner * spec.booth_d
        letter = _row_code(r)
        col = 0
        for s in range(spec.segments):
            x0 = spec.x + spec.margin + s * (spec.per_segment * spec.booth_w + spec.cross_aisle)
            c = 0
            while c < spec.per_segment:
                width = 1
                if (c + 1 < spec.per_segment and merge_rate and letter not in single_rows
                        and rng.random() < merge_rate):
                    width = 2
                col += 1
                booths.append({
                    "code": f"{spec.number}{letter}{col:02d}",
                    "hall": spec.slug, "zone": spec.zone,
                    "x": round(x0 + c * spec.booth_w, 3), "y": round(y, 3),
                    "w": spec.booth_w * width, "h": spec.booth_d,
                })
                c += width
    return booths


def _row_code(r: int) -> str:
    if r < 26:
        return ROW_LETTERS[r]
    return ROW_LETTERS[r // 26 - 1] + ROW_LETTERS[r % 26]


def merge_block(booths: list[dict], codes: list[str], new_code: str) -> list[dict]:
    """Replace the booths ``codes`` by one booth covering their bounding box."""
    chosen = [b for b in booths if b["code"] in codes]
    x0 = min(b["x"] for b in chosen)
    y0 = min(b["y"] for b in chosen)
    x1 = max(b["x"] + b["w"] for b in chosen)
    y1 = max(b["y"] + b["h"] for b in chosen)
    merged = dict(chosen[0], code=new_code, x=x0, y=y0, w=x1 - x0, h=y1 - y0)
    out = [b for b in booths if b["code"] not in codes]
    out.append(merged)
    return out
