"""Keyboard walking over booths (pure Python, no Qt): reading order and directions."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

Rect = tuple[float, float, float, float]


def reading_order(ids: Sequence[int], rects: Sequence[Rect], hall_of: Sequence[str],
                  hall_pos: dict[str, tuple[float, float]]) -> list[int]:
    """Booths hall by hall (halls top to bottom, left to right), rows top to bottom,
    booths left to right within a row."""
    def key(i):
        hx, hy = hall_pos.get(hall_of[i], (0.0, 0.0))
        x, y, _, _ = rects[i]
        return (round(hy, 1), round(hx, 1), round(y, 2), round(x, 2))
    return sorted(ids, key=key)


DIRECTIONS = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}


def nearest_in_direction(i: int, direction: str, rects: Sequence[Rect],
                         within: Callable[[float, float, float, float], list[int]],
                         extent: float, allowed: Callable[[int], bool] = lambda j: True
                         ) -> int | None:
    """The booth nearest to booth ``i`` in ``direction`` (left/right/up/down).

    A candidate must lie ahead (its centre beyond ``i``'s edge in that direction);
    the score weighs sideways offset twice as much as distance ahead, so the
    walk stays in the row or column it is in. ``within`` is a spatial query;
    the search box grows until something is found or ``extent`` is exceeded.
    """
    ux, uy = DIRECTIONS[direction]
    x, y, w, h = rects[i]
    cx, cy = x + w / 2, y + h / 2
    reach = max(w, h) * 3
    while True:
        if ux:
            bx0, bx1 = (cx, cx + ux * reach) if ux > 0 else (cx - reach, cx)
            by0, by1 = cy - reach, cy + reach
        else:
            by0, by1 = (cy, cy + reach) if uy > 0 else (cy - reach, cy)
            bx0, bx1 = cx - reach, cx + reach
        best, best_score = None, math.inf
        for j in within(bx0, by0, bx1, by1):
            if j == i or not allowed(j):
                continue
            jx, jy, jw, jh = rects[j]
            jcx, jcy = jx + jw / 2, jy + jh / 2
            ahead = (jcx - cx) * ux + (jcy - cy) * uy
            half = (w * abs(ux) + h * abs(uy)) / 2
            if ahead <= half * 0.5:
                continue
            side = abs((jcx - cx) * uy) + abs((jcy - cy) * ux)
            score = ahead + 2.0 * side
            if score < best_score:
                best, best_score = j, score
        # Anything outside the box scores more than ``reach``: a better booth may hide there.
        if best is not None and best_score <= reach:
            return best
        if reach > extent:
            return best
        reach = best_score if best is not None else reach * 3
