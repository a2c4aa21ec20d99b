"""Synthetic floor-plan PDFs with known booth geometry, for tests and the benchmark.

A tiny PDF writer (raw content streams, no library) and plan layouts that carry
the difficulties organisers' plans have: rectangles, closed paths, cells built
from loose line segments, fill/stroke twins, pavilion outlines and shading boxes,
codes beside their boxes, size labels, codes printed edge to edge, three-sided
brackets, rotated pages, price tables and exhibitor lists, halls split over two
pages, form XObjects and fonts without a ToUnicode map.

Everything is drawn in *display* coordinates (points, origin top-left, y down,
as the page is seen after its /Rotate); the writer maps them to PDF user space.
``Plan.truth`` is the list of booths a reader should find: code and rectangle in
display points.
"""
from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass, field
from pathlib import Path

# Helvetica advance widths (1/1000 em) of the characters the plans use.
_HELV = {c: 556 for c in "0123456789$#"}
_HELV.update(dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                      (667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
                       667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611))))
_HELV.update(dict(zip("abcdefghijklmnopqrstuvwxyz",
                      (556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
                       556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500))))
_HELV.update({" ": 278, "-": 333, ".": 278, ",": 278, "/": 278, ":": 278, "(": 333, ")": 333,
              "&": 667, "'": 191, "+": 584, "=": 584, "%": 889})


def text_width(text: str, size: float) -> float:
    """Width of ``text`` in Helvetica at ``size`` points."""
    return sum(_HELV.get(c, 556) for c in text) * size / 1000.0


def _num(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return s if s not in ("", "-0") else "0"


def _pdf_string(text: str) -> str:
    data = text.encode("cp1252", "replace")
    out = []
    for b in data:
        ch = chr(b)
        if ch in "()\\":
            out.append("\\" + ch)
        elif 32 <= b < 127:
            out.append(ch)
        else:
            out.append(f"\\{b:03o}")
    return "(" + "".join(out) + ")"


class Canvas:
    """Content-stream operators in display coordinates (y down)."""

    def __init__(self) -> None:
        self.ops: list[str] = []

    def raw(self, op: str) -> None:
        self.ops.append(op)

    # paths
    def rect(self, x, y, w, h, mode="S") -> None:
        self.ops.append(f"{_num(x)} {_num(y)} {_num(w)} {_num(h)} re {mode}")

    def poly(self, pts, close=True, mode="S") -> None:
        first, *rest = pts
        parts = [f"{_num(first[0])} {_num(first[1])} m"]
        parts += [f"{_num(x)} {_num(y)} l" for x, y in rest]
        if close:
            parts.append("h")
        parts.append(mode)
        self.ops.append(" ".join(parts))

    def line(self, x0, y0, x1, y1) -> None:
        self.ops.append(f"{_num(x0)} {_num(y0)} m {_num(x1)} {_num(y1)} l S")

    def curve_circle(self, cx, cy, r) -> None:
        k = 0.5523 * r
        self.ops.append(
            f"{_num(cx + r)} {_num(cy)} m "
            f"{_num(cx + r)} {_num(cy + k)} {_num(cx + k)} {_num(cy + r)} {_num(cx)} {_num(cy + r)} c "
            f"{_num(cx - k)} {_num(cy + r)} {_num(cx - r)} {_num(cy + k)} {_num(cx - r)} {_num(cy)} c "
            f"{_num(cx - r)} {_num(cy - k)} {_num(cx - k)} {_num(cy - r)} {_num(cx)} {_num(cy - r)} c "
            f"{_num(cx + k)} {_num(cy - r)} {_num(cx + r)} {_num(cy - k)} {_num(cx + r)} {_num(cy)} c "
            "h S")

    def gray(self, stroke: float | None = None, fill: float | None = None) -> None:
        if stroke is not None:
            self.ops.append(f"{_num(stroke)} G")
        if fill is not None:
            self.ops.append(f"{_num(fill)} g")

    def width(self, w: float) -> None:
        self.ops.append(f"{_num(w)} w")

    def dash(self, on: float, off: float) -> None:
        self.ops.append(f"[{_num(on)} {_num(off)}] 0 d")

    # text
    def text(self, x, y, text, size=6.0, font="F1", angle=0.0) -> None:
        """``text`` with its baseline starting at (x, y); ``angle`` in degrees,
        counter-clockwise as seen on the page (90: reads bottom to top)."""
        a = math.radians(angle)
        dx, dy = math.cos(a), -math.sin(a)       # run direction, display coordinates
        ux, uy = -math.sin(a), -math.cos(a)      # glyph "up", display coordinates
        m = " ".join(_num(v) for v in (dx * size, dy * size, ux * size, uy * size, x, y))
        self.ops.append(f"BT /{font} 1 Tf {m} Tm {_pdf_string(text)} Tj ET")

    def centred_text(self, box, text, size=6.0, font="F1") -> None:
        x, y, w, h = box
        self.text(x + (w - text_width(text, size)) / 2, y + h / 2 + size * 0.35, text, size, font)

    def do(self, name: str, matrix=(1, 0, 0, 1, 0, 0)) -> None:
        self.ops.append("q " + " ".join(_num(v) for v in matrix) + f" cm /{name} Do Q")

    def data(self) -> bytes:
        return ("\n".join(self.ops) + "\n").encode("latin-1")


@dataclass
class Page:
    width: float                   # display width (after rotation), points
    height: float
    rotate: int = 0                # the page's /Rotate
    canvas: Canvas = field(default_factory=Canvas)
    forms: dict[str, Canvas] = field(default_factory=dict)   # name -> form XObject content
    form_bbox: dict[str, tuple] = field(default_factory=dict)


class PdfWriter:
    """Just enough PDF: pages, content streams, form XObjects, Type1 standard fonts."""

    def __init__(self, compress: bool = True) -> None:
        self.pages: list[Page] = []
        self.compress = compress
        self.fonts = {"F1": "Helvetica", "F2": "Helvetica-Bold"}
        self.custom_font = False      # F3: a font with /Differences and no ToUnicode

    def page(self, width: float, height: float, rotate: int = 0) -> Page:
        p = Page(width, height, rotate)
        self.pages.append(p)
        return p

    def to_bytes(self) -> bytes:
        objs: list[bytes] = []

        def add(body: bytes) -> int:
            objs.append(body)
            return len(objs)

        def stream(head: str, data: bytes) -> int:
            if self.compress:
                data = zlib.compress(data)
                head += " /Filter /FlateDecode"
            return add(f"<< {head} /Length {len(data)} >>\nstream\n".encode() + data
                       + b"\nendstream")

        font_ids = {name: add(f"<< /Type /Font /Subtype /Type1 /BaseFont /{base} "
                              f"/Encoding /WinAnsiEncoding >>".encode())
                    for name, base in self.fonts.items()}
        if self.custom_font:
            # glyph names from the standard set, remapped codes, no ToUnicode: a reader
            # must go through the /Differences to get the text right
            diffs = " ".join(f"/{n}" for n in ("zero", "one", "two", "three", "four", "five",
                                                 "six", "seven", "eight", "nine"))
            font_ids["F3"] = add(
                ("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type "
                 f"/Encoding /BaseEncoding /WinAnsiEncoding /Differences [65 {diffs}] >> >>"
                 ).encode())
        fonts = " ".join(f"/{n} {i} 0 R" for n, i in font_ids.items())
        pages_id = add(b"")  # placeholder, filled below
        kids = []
        for p in self.pages:
            mw, mh = (p.height, p.width) if p.rotate in (90, 270) else (p.width, p.height)
            # display (x right, y down) -> user space
            cm = {0: (1, 0, 0, -1, 0, mh), 90: (0, 1, 1, 0, 0, 0),
                  180: (-1, 0, 0, 1, mw, 0), 270: (0, -1, -1, 0, mw, mh)}[p.rotate]
            xobjs = []
            for name, cv in p.forms.items():
                bx = p.form_bbox.get(name, (-1e4, -1e4, 1e4, 1e4))
                fid = stream("/Type /XObject /Subtype /Form /BBox [" + " ".join(map(_num, bx))
                             + f"] /Resources << /Font << {fonts} >> >>", cv.data())
                xobjs.append(f"/{name} {fid} 0 R")
            content = ("q " + " ".join(map(_num, cm)) + " cm\n").encode() + p.canvas.data() + b"Q\n"
            cid = stream("", content)
            res = f"/Font << {fonts} >>" + (f" /XObject << {' '.join(xobjs)} >>" if xobjs else "")
            rot = f" /Rotate {p.rotate}" if p.rotate else ""
            kids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {_num(mw)} "
                            f"{_num(mh)}]{rot} /Resources << {res} >> /Contents {cid} 0 R >>"
                            .encode()))
        objs[pages_id - 1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                              f"/Count {len(kids)} >>").encode()
        root = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
        out = bytearray(b"%PDF-1.6\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(objs, 1):
            offsets.append(len(out))
            out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
        for off in offsets:
            out += f"{off:010d} 00000 n \n".encode()
        out += f"trailer\n<< /Size {len(objs) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n" \
            .encode()
        return bytes(out)

    def save(self, path) -> Path:
        path = Path(path)
        path.write_bytes(self.to_bytes())
        return path


# ---------------------------------------------------------------------------
# Plans with known geometry
@dataclass
class TruthBooth:
    code: str
    x: float
    y: float
    w: float
    h: float
    page: int = 1


@dataclass
class Plan:
    writer: PdfWriter
    truth: list[TruthBooth]
    pt_per_m: float
    booth_m: tuple[float, float] = (3.0, 3.0)
    notes: dict = field(default_factory=dict)

    def save(self, path) -> Path:
        return self.writer.save(path)


def booth_grid(code_of, x0, y0, cols, rows, bw, bh, aisle, pair=True, page=1):
    """Rows of booths: with ``pair`` two rows stand back to back between aisles."""
    out = []
    y = y0
    n = 0
    for r in range(rows):
        for c in range(cols):
            out.append(TruthBooth(code_of(n, r, c), x0 + c * bw, y, bw, bh, page))
            n += 1
        y += bh
        if not pair or r % 2 == 1:
            y += aisle
    return out


def hall_code(prefix="A"):
    return lambda n, r, c: f"{prefix}{(r + 1) * 100 + c + 1}"


def make_plan(kind: str = "rects", *, rows: int = 6, cols: int = 12, pt_per_m: float = 4.0,
              seed: int = 1, **opts) -> Plan:
    """A one-hall plan of ``rows`` x ``cols`` 3 m booths drawn the way ``kind`` says.

    kinds: ``rects`` (re), ``paths`` (closed m/l/h paths), ``cells`` (block outlines and
    loose dividing segments), ``twins`` (fill plus stroke offset by 0.3 pt), ``nested``
    (pavilion outline, shading boxes behind labels), ``beside`` (codes above or below
    their boxes), ``sizes`` (size labels inside), ``merged`` (codes edge to edge in one
    string), ``brackets`` (three-sided boxes, dashed and loose segments), ``forms``
    (booth blocks in form XObjects), ``outlines`` (codes drawn as paths: no text layer),
    ``nounicode`` (a font with /Differences and no ToUnicode).
    Options: ``rotate`` (0/90/270), ``sidebar`` (price table and exhibitor list on the
    page), ``list_page`` (an exhibitor list as a second page), ``furniture`` (stray
    segments count), ``font_size``.
    """
    rng = random.Random(seed)
    bm = 3.0
    bw = bh = bm * pt_per_m
    aisle = 3.0 * pt_per_m
    margin = 40.0
    prefix = opts.get("prefix", "A")
    fs = opts.get("font_size", max(2.0, min(bw * 0.18, 9.0)))
    if kind == "merged":
        # narrow booths with long codes: the codes touch each other
        fs = bw / text_width(f"{prefix}101", 1.0)
    truth = booth_grid(hall_code(prefix), margin, margin + 30, cols, rows, bw, bh, aisle)
    for b, code in zip(truth, opts.get("codes") or []):
        b.code = code            # the caller's codes (e.g. an expo's), in reading order
    plan_w = cols * bw
    sidebar = opts.get("sidebar", False)
    width = margin * 2 + plan_w + (220 if sidebar else 0)
    height = margin * 2 + 30 + (truth[-1].y + bh - truth[0].y)
    if sidebar:
        height = max(height, margin + 30 + 390)    # the price table, legend and list
    rotate = opts.get("rotate", 0)
    w = PdfWriter()
    page = w.page(width, height, rotate)
    cv = page.canvas
    cv.width(0.5)
    # hall outline and a title
    bottom = truth[-1].y + bh
    cv.rect(margin - 12, margin + 30 - 12, plan_w + 24, bottom + 12 - (margin + 30 - 12))
    cv.text(margin, margin + 10, "HALL A  EXHIBITION FLOOR PLAN", 10, "F2")
    font = "F3" if kind == "nounicode" else "F1"
    if kind == "nounicode":
        w.custom_font = True

    def code_text(code):
        # with F3, the digits 0-9 are char codes 65-74 ("A".."J") mapped by /Differences
        if font == "F3":
            return code[:len(prefix)] + "".join(chr(65 + int(d)) if d.isdigit() else d
                                               for d in code[len(prefix):])
        return code

    def label(b, where="inside"):
        if kind == "outlines":
            _outline_text(cv, b, fs)
            return
        if font == "F3":
            # prefix letters in F1, digits in F3
            t = code_text(b.code)
            tw = text_width(b.code, fs)
            x = b.x + (b.w - tw) / 2
            y = b.y + b.h / 2 + fs * 0.35
            cv.text(x, y, b.code[:len(prefix)], fs, "F1")
            cv.text(x + text_width(prefix, fs), y, t[len(prefix):], fs, "F3")
            return
        if where == "inside":
            cv.centred_text((b.x, b.y, b.w, b.h), b.code, fs)
        elif where == "above":
            cv.text(b.x + (b.w - text_width(b.code, fs)) / 2, b.y - 1.5, b.code, fs)
        else:
            cv.text(b.x + (b.w - text_width(b.code, fs)) / 2, b.y + b.h + fs + 1, b.code, fs)

    rows_of = {}
    for b in truth:
        rows_of.setdefault(round(b.y, 3), []).append(b)
    row_keys = sorted(rows_of)

    if kind in ("rects", "sizes", "nounicode", "outlines", "merged"):
        for b in truth:
            cv.rect(b.x, b.y, b.w, b.h)
    elif kind == "paths":
        for b in truth:
            cv.poly([(b.x, b.y), (b.x + b.w, b.y), (b.x + b.w, b.y + b.h), (b.x, b.y + b.h)])
    elif kind == "cells":
        # each pair of rows is a block outline; booths divided by loose segments
        for i in range(0, len(row_keys), 2):
            top = rows_of[row_keys[i]]
            bottom = rows_of[row_keys[i + 1]] if i + 1 < len(row_keys) else top
            x0, y0 = top[0].x, top[0].y
            x1, y1 = top[-1].x + top[-1].w, bottom[0].y + bottom[0].h
            cv.rect(x0, y0, x1 - x0, y1 - y0)
            if bottom is not top:
                cv.line(x0, top[0].y + top[0].h, x1, top[0].y + top[0].h)
            for b in top[1:]:
                cv.line(b.x, y0, b.x, y1)
    elif kind == "twins":
        for b in truth:
            cv.gray(fill=0.9)
            cv.rect(b.x, b.y, b.w, b.h, "f")
            cv.gray(stroke=0)
            cv.rect(b.x + 0.3, b.y + 0.3, b.w - 0.2, b.h - 0.4)
        cv.gray(fill=0)
    elif kind == "nested":
        # a pavilion outline around the first two rows, shading boxes behind labels
        pav = rows_of[row_keys[0]] + rows_of[row_keys[1]]
        x0 = min(b.x for b in pav) - 4
        y0 = min(b.y for b in pav) - 4
        x1 = max(b.x + b.w for b in pav) + 4
        y1 = max(b.y + b.h for b in pav) + 4
        cv.width(1.5)
        cv.rect(x0, y0, x1 - x0, y1 - y0)
        cv.width(0.5)
        cv.text(x0 + 2, y0 - 2, "CHINA PAVILION", 6, "F2")
        for b in truth:
            cv.rect(b.x, b.y, b.w, b.h)
            tw = text_width(b.code, fs)
            cv.gray(fill=0.85)
            cv.rect(b.x + (b.w - tw) / 2 - 0.8, b.y + b.h / 2 - fs * 0.55, tw + 1.6, fs * 1.1, "f")
            cv.gray(stroke=0.4)
            cv.rect(b.x + (b.w - tw) / 2 - 0.8, b.y + b.h / 2 - fs * 0.55, tw + 1.6, fs * 1.1)
            cv.gray(stroke=0, fill=0)
    elif kind == "beside":
        for b in truth:
            cv.rect(b.x, b.y, b.w, b.h)
    elif kind == "brackets":
        # a third of the booths open to the aisle (three sides), a third dashed,
        # a third as four loose segments with small gaps
        for i, b in enumerate(truth):
            x0, y0, x1, y1 = b.x, b.y, b.x + b.w, b.y + b.h
            k = i % 3
            if k == 0:
                open_top = round(b.y, 3) in row_keys[0::2]
                if open_top:
                    cv.poly([(x0, y0), (x0, y1), (x1, y1), (x1, y0)], close=False)
                else:
                    cv.poly([(x0, y1), (x0, y0), (x1, y0), (x1, y1)], close=False)
            elif k == 1:
                cv.dash(1, 1)
                cv.rect(x0, y0, b.w, b.h)
                cv.raw("[] 0 d")
            else:
                g = 0.4
                cv.line(x0 + g, y0, x1 - g, y0)
                cv.line(x1, y0 + g, x1, y1 - g)
                cv.line(x1 - g, y1, x0 + g, y1)
                cv.line(x0, y1 - g, x0, y0 + g)
    elif kind == "forms":
        # each pair of rows is one form XObject drawn at its place; booths inside the
        # form are relative to the block's top-left corner
        for i in range(0, len(row_keys), 2):
            blk = rows_of[row_keys[i]] + (rows_of[row_keys[i + 1]] if i + 1 < len(row_keys) else [])
            bx, by = blk[0].x, blk[0].y
            form = Canvas()
            form.width(0.5)
            for b in blk:
                form.rect(b.x - bx, b.y - by, b.w, b.h)
                form.centred_text((b.x - bx, b.y - by, b.w, b.h), b.code, fs)
            name = f"Blk{i // 2}"
            page.forms[name] = form
            cv.do(name, (1, 0, 0, 1, bx, by))
    else:
        raise ValueError(f"unknown plan kind {kind!r}")

    if kind == "merged":
        # codes as wide as their booths, so neighbours touch: every other row as one
        # string running over its booths, the others as one text object per booth
        for n, k in enumerate(row_keys):
            row = rows_of[k]
            if n % 2:
                s = "".join(b.code for b in row)
                cv.text(row[0].x, row[0].y + row[0].h / 2 + fs * 0.35, s, fs)
            else:
                for b in row:
                    cv.centred_text((b.x, b.y, b.w, b.h), b.code, fs)
    elif kind == "beside":
        for i, b in enumerate(truth):
            label(b, "above" if round(b.y, 3) in row_keys[0::2] else "below")
    elif kind != "forms":
        for b in truth:
            label(b)
    if kind == "sizes":
        for b in truth:
            lab = "3 X 3 X 9" if (int(b.code[-1]) % 2) else "10x10"
            cv.centred_text((b.x, b.y + b.h * 0.28, b.w, b.h * 0.6), lab, fs * 0.8)
    if sidebar:
        _sidebar(cv, margin + plan_w + 30, margin + 30, [b.code for b in truth], rng)
    furniture = opts.get("furniture", 0)
    if furniture:
        add_clutter(cv, truth, furniture, rng)
    if opts.get("list_page"):
        lp = w.page(595, 842)
        _exhibitor_list(lp.canvas, 40, 60, [b.code for b in truth][:40], rng)
    return Plan(w, truth, pt_per_m)


def _outline_text(cv: Canvas, b: TruthBooth, fs: float) -> None:
    """The code as stroked line segments (a seven-segment look): no text at all."""
    n = len(b.code)
    cw = fs * 0.6
    x = b.x + (b.w - n * cw) / 2
    y = b.y + b.h / 2 - fs / 2
    for i, _ch in enumerate(b.code):
        cx = x + i * cw
        cv.poly([(cx, y), (cx + cw * 0.7, y), (cx + cw * 0.7, y + fs), (cx, y + fs)],
                close=False)


def _sidebar(cv: Canvas, x: float, y: float, codes: list[str], rng) -> None:
    """A price table (ruled cells with prices and sizes) and an exhibitor list."""
    cv.text(x, y - 6, "BOOTH PRICES", 7, "F2")
    rows = [("Type", "Size", "Price"), ("Standard", "3 x 3", "$2,400"),
            ("Corner", "3 x 3", "$2,650"), ("Island", "6 x 6", "$9,800"),
            ("Raw space", "per m2", "$240")]
    cw, ch = (60, 40, 40), 11.0
    for r, row in enumerate(rows):
        cx = x
        for c, cell in enumerate(row):
            cv.rect(cx, y + r * ch, cw[c], ch)
            cv.text(cx + 2, y + r * ch + 8, cell, 6)
            cx += cw[c]
    # a legend: small swatches with words
    gy = y + len(rows) * ch + 14
    cv.text(x, gy, "LEGEND", 7, "F2")
    for k, what in enumerate(("Standard booth", "Island booth", "Food court", "Stage 2")):
        cv.gray(fill=0.3 + 0.15 * k)
        cv.rect(x, gy + 4 + 9 * k, 8, 6, "B")
        cv.gray(fill=0)
        cv.text(x + 11, gy + 9.5 + 9 * k, what, 5.5)
    ly = gy + 4 + 9 * 4 + 26
    cv.text(x, ly - 8, "EXHIBITOR LIST", 7, "F2")
    _exhibitor_list(cv, x, ly, codes[:25], rng, size=5.5)


_NAMES = ("Acme Vacuum", "Borealis Optics", "Cobalt Etch", "Delta Wafer", "Emei Metrology",
          "Fuxi Deposition", "Granite Lithography", "Helios Clean", "Iris Test", "Jade Packaging")


def _exhibitor_list(cv: Canvas, x: float, y: float, codes, rng, size: float = 9.0) -> None:
    for i, code in enumerate(codes):
        name = f"{_NAMES[i % len(_NAMES)]} {i + 1}"
        cv.text(x, y + i * size * 1.4, name, size)
        cv.text(x + text_width("M" * 18, size), y + i * size * 1.4, code, size)


def add_clutter(cv: Canvas, truth, n: int, rng) -> None:
    """``n`` stray line segments: hatching across booths, furniture, dimension ticks."""
    if not truth:
        return
    cv.gray(stroke=0.6)
    cv.width(0.2)
    made = 0
    boxes = truth
    while made < n:
        b = boxes[rng.randrange(len(boxes))]
        what = rng.random()
        if what < 0.6:
            # diagonal hatching inside the booth: one path per stroke
            k = rng.random()
            x0 = b.x + k * b.w
            cv.line(x0, b.y + b.h * 0.05, min(b.x + b.w, x0 + b.h * 0.3), b.y + b.h * 0.35)
            made += 1
        elif what < 0.85:
            # furniture: a small table (4 segments) or a chair
            s = b.w * rng.uniform(0.08, 0.35)
            fx = b.x + rng.uniform(0.1, 0.7) * b.w
            fy = b.y + rng.uniform(0.55, 0.8) * b.h
            cv.line(fx, fy, fx + s, fy)
            cv.line(fx + s, fy, fx + s, fy + s * 0.6)
            cv.line(fx + s, fy + s * 0.6, fx, fy + s * 0.6)
            cv.line(fx, fy + s * 0.6, fx, fy)
            made += 4
        else:
            # short dimension ticks along the booth's edge
            t = rng.random()
            cv.line(b.x + t * b.w, b.y + b.h - 1.0, b.x + t * b.w, b.y + b.h - 0.2)
            made += 1
    cv.gray(stroke=0)
    cv.width(0.5)


def make_split_plan(*, rows: int = 6, cols: int = 16, overlap: int = 2, pt_per_m: float = 4.0,
                    shift=(25.0, 18.0)) -> Plan:
    """One hall split over two pages; ``overlap`` columns appear on both pages and the
    second page's drawing is shifted by ``shift`` points."""
    bw = 3.0 * pt_per_m
    truth = booth_grid(hall_code("B"), 40, 70, cols, rows, bw, bw, 3.0 * pt_per_m)
    half = cols // 2
    w = PdfWriter()
    cut_x = truth[0].x + half * bw
    width = 80 + (half + overlap) * bw
    height = truth[-1].y + bw + 60
    p1 = w.page(width, height)
    p2 = w.page(width, height)
    p1.canvas.text(40, 30, "HALL B (WEST)  continued on page 2", 9, "F2")
    p2.canvas.text(40, 30, "HALL B (EAST)  continued from page 1", 9, "F2")
    page_truth = []
    for b in truth:
        col = round((b.x - truth[0].x) / bw)
        if col < half + overlap:
            p1.canvas.rect(b.x, b.y, b.w, b.h)
            p1.canvas.centred_text((b.x, b.y, b.w, b.h), b.code, 3.0)
        if col >= half - overlap:
            dx = -cut_x + 40 + overlap * bw + shift[0]
            p2.canvas.rect(b.x + dx, b.y + shift[1], b.w, b.h)
            p2.canvas.centred_text((b.x + dx, b.y + shift[1], b.w, b.h), b.code, 3.0)
        page_truth.append(b)
    plan = Plan(w, page_truth, pt_per_m)
    plan.notes["overlap_codes"] = sorted(b.code for b in truth
                                         if half - overlap <= round((b.x - truth[0].x) / bw)
                                         < half + overlap)
    return plan


def make_bench_plan(booths: int = 2000, segments: int = 50_000, seed: int = 7) -> Plan:
    """The benchmark's page: ``booths`` booths in paired rows, ``segments`` stray segments."""
    rng = random.Random(seed)
    cols = 50
    rows = math.ceil(booths / cols)
    pt_per_m = 4.0
    bw = 3.0 * pt_per_m
    truth = booth_grid(lambda n, r, c: f"{chr(65 + r // 10)}{(r % 10) * 100 + c + 100}",
                       40, 60, cols, rows, bw, bw, 3.0 * pt_per_m)[:booths]
    w = PdfWriter()
    width = 80 + cols * bw
    height = truth[-1].y + bw + 60
    page = w.page(width, height)
    cv = page.canvas
    cv.width(0.4)
    cv.text(40, 40, "HALL 1 FLOOR PLAN", 12, "F2")
    for b in truth:
        cv.rect(b.x, b.y, b.w, b.h)
        cv.centred_text((b.x, b.y, b.w, b.h), b.code, 2.8)
    add_clutter(cv, truth, segments, rng)
    return Plan(w, truth, pt_per_m)


def make_irregular_plan(pt_per_m: float = 4.0, door: bool = True) -> Plan:
    """A hall whose booths do not stand in hall-wide rows: staggered blocks, islands of
    several sizes, a block turned on its side, and (with ``door``) one entrance labelled
    on the hall's south wall. Hall: 60 m x 40 m; booths 3 m unless islands."""
    m = pt_per_m
    ox, oy = 30.0, 50.0                      # page position of the hall's corner, points
    truth: list[TruthBooth] = []

    def block(prefix, x, y, cols, rows, bw=3.0, bh=3.0):
        for r in range(rows):
            for c in range(cols):
                truth.append(TruthBooth(f"{prefix}{(r + 1) * 100 + c + 1}", ox + (x + c * bw) * m,
                                        oy + (y + r * bh) * m, bw * m, bh * m))
    block("A", 4, 4, 8, 2)          # 4..28 x 4..10
    block("B", 10, 14, 8, 2)        # staggered: 10..34 x 14..20
    block("C", 32, 4, 8, 2)         # 32..56 x 4..10
    block("D", 4, 24, 2, 4)         # a block on its side: 4..10 x 24..36
    truth.append(TruthBooth("E1", ox + 40 * m, oy + 15 * m, 6 * m, 6 * m))
    truth.append(TruthBooth("E2", ox + 44 * m, oy + 28 * m, 9 * m, 6 * m))
    block("F", 18, 27, 6, 2)        # 18..36 x 27..33
    w = PdfWriter()
    page = w.page(ox * 2 + 60 * m, oy + 40 * m + 40)
    cv = page.canvas
    cv.width(0.5)
    cv.text(ox, oy - 20, "HALL 7", 10, "F2")
    cv.width(1.2)
    cv.rect(ox, oy, 60 * m, 40 * m)
    cv.width(0.5)
    fs = 2.4
    for b in truth:
        cv.rect(b.x, b.y, b.w, b.h)
        cv.centred_text((b.x, b.y, b.w, b.h), b.code, fs)
    if door:
        cv.text(ox + 30 * m - text_width("ENTRANCE", 6) / 2, oy + 40 * m + 9, "ENTRANCE", 6, "F2")
    plan = Plan(w, truth, pt_per_m)
    plan.notes["hall_origin_pt"] = (ox, oy)
    plan.notes["door_m"] = (ox / m + 30.0, oy / m + 40.0)
    return plan
