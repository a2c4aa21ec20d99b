"""One page of a plan: its outlines and codes, matched one to one.

Matching, in order:

1. **inside**: each code goes to the smallest outline around it, skipping a
   shading box drawn tightly behind the label; an outline holding several codes,
   or holding other claimed outlines (a pavilion, a hall), is no booth;
2. **beside**: codes left over go to the nearest empty booth-sized outline
   within reach (greedy, nearest pairs first); when another empty outline is
   nearly as close, the match is marked ``review``;
3. what is left is reported: codes without an outline, empty booth-sized
   outlines near the matched ones.

Codes on a line with words (an exhibitor list), in a column of codes outside
any outline, size labels and prices never become booths.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from statistics import median

from . import codes as C
from .extract import PageContent
from .shapes import Box, BoxIndex, find_boxes

_HALL_NAME = re.compile(r"(?i)\b(hall|halle|pavilion|pav\.)\s*([A-Z]?\d{0,3}[A-Z]?)\b|"
                        r"([0-9A-Z]{1,3})\s*(号馆|馆|展厅)")


@dataclass
class Match:
    token: C.Token
    box: Box
    how: str                   # inside | beside | review
    note: str = ""


@dataclass
class PageFinding:
    number: int
    width: float
    height: float
    rotation: int
    kind: str                  # vector | scanned | text | empty
    boxes: list[Box] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    unmatched: list[C.Token] = field(default_factory=list)
    empty: list[Box] = field(default_factory=list)
    hall_box: Box | None = None
    hall_name: str = ""
    doors: list[tuple[float, float]] = field(default_factory=list)
    ignored: dict = field(default_factory=dict)
    leaf_boxes: int = 0

    @property
    def score(self) -> int:
        return sum(1 for m in self.matches if m.how != "review") + \
            sum(1 for m in self.matches if m.how == "review") // 2


def _tight(b: Box, t: C.Token) -> bool:
    """``b`` is a label's shading box: it hugs the token."""
    tw, th = t.x1 - t.x0, t.y1 - t.y0
    pad = 1.5 * t.size
    return b.w <= tw + 2 * pad and b.h <= th + 2 * pad


def analyse_page(content: PageContent, vocab: C.Vocabulary) -> PageFinding:
    f = PageFinding(content.number, content.width, content.height, content.rotation, "vector")
    if not content.chars and content.segment_count < 20:
        f.kind = "scanned" if content.image_area > 0.25 else "empty"
        return f
    boxes = find_boxes(content)
    f.boxes = boxes
    index = BoxIndex(boxes)
    toks, removed, door_toks = C.tokens(content.chars)
    f.ignored = {"size_labels_and_prices": removed, "list_entries": 0, "duplicates": 0}
    if not boxes:
        f.kind = "text" if toks else "empty"

    def box_of(x, y):
        hits = index.at(x, y)
        return hits[0] if hits else None

    # code candidates (merged codes split first)
    cands: list[C.Token] = []
    for t in toks:
        for p in C.split_merged(t, vocab, box_of):
            listed = vocab.get(p.text) if vocab else None
            if listed or C.looks_like_code(p.text):
                p.code = listed or p.text
                p.in_list = bool(listed)
                p.kind = "code"
                cands.append(p)

    # 1. inside
    def claim(excluded: set[int]):
        claims: dict[int, list[C.Token]] = {}
        loose: list[C.Token] = []
        for t in cands:
            hits = [i for i in index.at(t.cx, t.cy) if i not in excluded]
            chosen = None
            for k, i in enumerate(hits):
                b = boxes[i]
                if b.short < 0.8 * min(t.size, t.y1 - t.y0, t.x1 - t.x0) or not (
                        b.contains(t.x0, t.y0, 0.6 * t.size)
                        and b.contains(t.x1, t.y1, 0.6 * t.size)):
                    continue     # smaller than the text: a mark or a piece of furniture
                if _tight(b, t) and k + 1 < len(hits):
                    continue     # a shading box behind the label; the booth is around it
                chosen = i
                break
            if chosen is None:
                loose.append(t)
            else:
                claims.setdefault(chosen, []).append(t)
        return claims, loose

    # an outline around two or more booth-sized outlines is a group (hall, pavilion)
    groups: set[int] = set()
    for _round in range(6):
        claims, loose_toks = claim(groups)
        single = [boxes[i] for i, ts in claims.items() if len(ts) == 1]
        if len(single) >= 3:
            ref0 = median(b.short for b in single)
        else:
            tsize = median(t.size for t in cands) if cands else 0.0
            ref0 = _size_class([b for b in boxes if b.short >= 1.5 * tsize])[3]
        new = set()
        for i in claims:
            b = boxes[i]
            inner = [j for j in index.inside(b, 0.5)
                     if boxes[j].short >= 0.6 * ref0 and boxes[j].area < 0.9 * b.area]
            if len(inner) >= 2:
                new.add(i)
        if not new:
            break
        groups |= new
    seen_codes: dict[str, Match] = {}
    for i, ts in claims.items():
        b = boxes[i]
        ts.sort(key=lambda t: ((t.cx - b.cx) ** 2 + (t.cy - b.cy) ** 2, t.code))
        first, rest = ts[0], ts[1:]
        # a second code in the same box: a double label, or a group whose booths were not
        # drawn as outlines; either way a person decides
        how = "inside" if not rest else "review"
        note = "" if not rest else "more codes in this outline: " + ", ".join(t.code for t in rest)
        if first.code in seen_codes:
            f.ignored["duplicates"] += 1
            how, note = "review", f"code {first.code} also read elsewhere on the page"
        m = Match(first, b, how, note)
        f.matches.append(m)
        seen_codes.setdefault(first.code, m)
        loose_toks.extend(rest)

    taken = {id(m.box) for m in f.matches}
    ref = [m.box for m in f.matches if m.how == "inside"] or [m.box for m in f.matches]
    sigs = {}
    for m in f.matches:
        sigs[C.signature(m.token.code)] = sigs.get(C.signature(m.token.code), 0) + 1
    main_sigs = {s for s, n in sigs.items() if n >= max(2, 0.05 * len(f.matches))}

    # booth-sized outlines
    if ref:
        shorts = sorted(b.short for b in ref)
        areas = sorted(b.area for b in ref)
        lo_short = 0.6 * shorts[max(0, len(shorts) // 20)]
        lo_area, hi_area = 0.35 * areas[max(0, len(areas) // 20)], 2.5 * areas[-1]
        ref_short = median(shorts)
    else:
        lo_short, lo_area, hi_area, ref_short = _size_class(boxes)
    taken_idx = {i for i, b in enumerate(boxes) if id(b) in taken}
    boothlike: list[int] = []
    for i, b in enumerate(boxes):
        if i in taken_idx or b.short < lo_short or not lo_area <= b.area <= hi_area:
            continue
        if any(j in taken_idx for j in index.inside(b, 0.5)):
            continue
        if any(j in taken_idx and boxes[j].encloses(b, 0.5) for j in index.at(b.cx, b.cy)):
            continue
        boothlike.append(i)
    # keep only outermost among booth-sized empties (a shading box in an empty booth)
    bl = set(boothlike)
    boothlike = [i for i in boothlike
                 if not any(j in bl and j != i and boxes[j].area > boxes[i].area * 1.05
                            and boxes[j].encloses(boxes[i], 0.5) for j in index.at(boxes[i].cx, boxes[i].cy))]
    # and not those holding two or more others (a group of empty booths)
    bl = set(boothlike)
    boothlike = [i for i in boothlike if sum(1 for j in index.inside(boxes[i], 0.5)
                                             if j in bl and boxes[j].area < boxes[i].area * 0.9) < 2]
    f.leaf_boxes = len(boothlike)

    # lists: codes on a line with words, or stacked in a column outside any outline
    pending = []
    column: dict[int, list[C.Token]] = {}
    for t in loose_toks:
        if t.code in seen_codes:
            f.ignored["duplicates"] += 1
            continue
        if t.line_words > 0:
            f.ignored["list_entries"] += 1
            continue
        column.setdefault(int(round(t.x0 / 2.0)), []).append(t)
        pending.append(t)
    in_column = set()
    for key in list(column):
        col = column[key] + column.get(key + 1, []) + column.get(key - 1, [])
        if len(col) >= 5:
            ys = sorted(t.cy for t in col)
            steps = [b - a for a, b in zip(ys, ys[1:])]
            if steps and max(steps) <= 3.0 * max(t.size for t in col):
                in_column.update(id(t) for t in col if not index.at(t.cx, t.cy))
    still = []
    doubtful = set()          # code-like, but in no list and unlike the plan's other codes
    for t in pending:
        if id(t) in in_column:
            f.ignored["list_entries"] += 1
        elif t.in_list or C.signature(t.code) in main_sigs or (not main_sigs and not vocab):
            still.append(t)
        else:
            doubtful.add(len(still))
            still.append(t)
    # 2. beside: nearest empty booth-sized outline
    empty = set(boothlike)
    pairs = []
    per_token: dict[int, list[float]] = {}
    for k, t in enumerate(still):
        reach = 0.6 * ref_short + t.size
        ds = []
        for i in index.near(t.x0, t.y0, t.x1, t.y1, reach):
            if i in empty:
                d = boxes[i].distance(t.x0, t.y0, t.x1, t.y1)
                pairs.append((d, k, i))
                ds.append(d)
        per_token[k] = sorted(ds)
    pairs.sort(key=lambda p: (p[0], p[1], p[2]))
    used_t, used_b = set(), set()
    for d, k, i in pairs:
        if k in used_t or i in used_b:
            continue
        used_t.add(k)
        used_b.add(i)
        ds = per_token[k]
        second = ds[1] if len(ds) > 1 else None
        clear = second is None or second >= 1.6 * d + 0.25 * still[k].size
        if k in doubtful:
            m = Match(still[k], boxes[i], "review", "in no list and unlike the plan's other "
                      "codes")
        else:
            m = Match(still[k], boxes[i], "beside" if clear else "review",
                      "" if clear else "another empty outline is nearly as close")
        f.matches.append(m)
        seen_codes.setdefault(still[k].code, m)
    f.unmatched = [t for k, t in enumerate(still) if k not in used_t and k not in doubtful]
    f.ignored["other_code_like_text"] = sum(1 for k in doubtful if k not in used_t)
    # 3. empty booth-sized outlines near the plan's booths
    matched_boxes = [m.box for m in f.matches]
    if matched_boxes:
        mindex = BoxIndex(matched_boxes, index.cell)
        reach = 1.5 * ref_short
        f.empty = [boxes[i] for i in boothlike if i not in used_b and
                   mindex.near(boxes[i].x0, boxes[i].y0, boxes[i].x1, boxes[i].y1, reach)]
    else:
        f.empty = [boxes[i] for i in boothlike]
    _hall(f, boxes, toks, door_toks, ref_short)
    return f


def _size_class(boxes: list[Box]) -> tuple[float, float, float, float]:
    """Without any code: the commonest outline size stands for a booth."""
    sizes = [b.short for b in boxes if b.short >= 3.0]
    if not sizes:
        return 1e9, 1e18, 0.0, 10.0
    bins: dict[int, int] = {}
    for s in sizes:            # log-spaced bins, 8 % wide
        k = int(math.log(s) / math.log(1.08))
        bins[k] = bins.get(k, 0) + 1
    mode = max(bins.items(), key=lambda kv: (kv[1], kv[0]))[0]
    ref = 1.08 ** (mode + 0.5)
    return 0.75 * ref, (0.7 * ref) ** 2, (4.0 * ref) ** 2, ref


def _hall(f: PageFinding, boxes: list[Box], toks, door_toks, ref_short: float) -> None:
    booth_boxes = [m.box for m in f.matches] or f.empty
    if booth_boxes:
        n = len(booth_boxes)
        biggest = max(b.area for b in booth_boxes)
        best = None
        for b in boxes:
            if b.area <= biggest * 3 or any(b is x for x in booth_boxes):
                continue
            inside = sum(1 for x in booth_boxes if b.encloses(x, 1.0))
            if inside >= 0.8 * n and (best is None or b.area < best.area):
                best = b
        f.hall_box = best
    # the hall's name: the largest text that says "Hall ..."
    best_size = 0.0
    for li, text, size in _line_texts(toks):
        m = _HALL_NAME.search(text)
        if m and size > best_size:
            best_size = size
            f.hall_name = re.sub(r"\s+", " ", m.group(0)).strip().title() if m.group(1) \
                else m.group(0).strip()
    # doors the plan shows: words like ENTRANCE near the hall outline
    if f.hall_box is not None:
        hb = f.hall_box
        for t in door_toks:
            if hb.distance(t.x0, t.y0, t.x1, t.y1) <= 3 * ref_short or hb.contains(t.cx, t.cy):
                x = min(max(t.cx, hb.x0), hb.x1)
                y = min(max(t.cy, hb.y0), hb.y1)
                dl, dr, dt, db = x - hb.x0, hb.x1 - x, y - hb.y0, hb.y1 - y
                side = min(dl, dr, dt, db)
                if side == dl:
                    x = hb.x0
                elif side == dr:
                    x = hb.x1
                elif side == dt:
                    y = hb.y0
                else:
                    y = hb.y1
                f.doors.append((x, y))


def _line_texts(toks):
    by_line: dict[int, list] = {}
    for t in toks:
        by_line.setdefault(t.line, []).append(t)
    for li, ts in by_line.items():
        yield li, " ".join(t.text for t in ts), max(t.size for t in ts)
