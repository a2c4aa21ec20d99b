"""Pre-rendered tiles of the floor plan, drawn in a worker thread (as map viewers do).

The plan of one level at one zoom (pixels per metre) is cut into tiles of
256 x 256 logical pixels aligned to the scene origin, so a pan at the same zoom
reuses every tile already drawn. A tile is painted into a ``QImage`` (painting
on images is thread-safe in Qt; pixmaps are not), with booths batched by colour
and labels clipped to their booth, so they never overlap.

Tiles are drawn at the screen's device pixel ratio: at ratio 2 a tile is a
512 x 512 image with ``devicePixelRatio`` 2 (at 1.25, 320 x 320), painted with
labels sized in logical pixels and lines as wide as at ratio 1, and put on the
screen pixel for pixel. The cache is bounded in bytes, so a 2x screen keeps
fewer tiles, not four times the memory.

While the sharp tiles of a new zoom are being drawn the view shows what it
has: tiles of an earlier zoom and the level's overview image, scaled. So a
wheel step shows a frame at once and the sharp picture follows.
"""
from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from itertools import compress

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPen,
                           QTransform)

from db.text import display_text

from ..theme import LIGHT, Colors, text_on

TILE = 256                      # logical pixels
# The light theme's colours, by their old names (the colours in use are a ``Palette``'s
# ``colors``: see ``desktop.theme``).
BACKGROUND = LIGHT.plan_bg
NEUTRAL = LIGHT.neutral
NEUTRAL_EDGE = LIGHT.neutral_edge
HALL_FILL = LIGHT.hall_fill
HALL_EDGE = LIGHT.hall_edge
TEXT = LIGHT.ink
TEXT_DIM = LIGHT.text_dim
TEXT_ON_DARK = LIGHT.ink_light
# Booths narrower than this (pixels) are drawn without their own outline.
OUTLINE_MIN_PX = 5.0
# A standard booth's width (pixels) from which booth codes / names are drawn.
CODES_MIN_PX = 22.0


def tile_px(ratio: float) -> int:
    """A tile's side in device pixels at this device pixel ratio."""
    return max(1, round(TILE * ratio))


def line_px(ratio: float) -> float:
    """The width of a cosmetic pen (device pixels) for a 1-logical-pixel line; 0 (Qt's
    fast hairline) where that is one device pixel."""
    n = round(ratio)
    return 0.0 if n <= 1 else float(n)


def paint_ratio(painter: QPainter) -> float:
    """Device pixels per logical pixel of what ``painter`` paints on (screen, image)."""
    dev = painter.device()
    return dev.devicePixelRatio() if dev is not None else 1.0


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved ``t`` of the way towards ``b``."""
    return QColor(int(a.red() + (b.red() - a.red()) * t),
                  int(a.green() + (b.green() - a.green()) * t),
                  int(a.blue() + (b.blue() - a.blue()) * t))


@dataclass(frozen=True)
class RenderState:
    """What besides geometry changes a tile's picture; a new state means new tiles."""
    version: int = 0
    highlight: frozenset | None = None
    hidden_zones: frozenset = frozenset()
    underlay: bool = False          # the plan's picture under the booths (``underlay``)


class Palette:
    """Fill and edge colours for (zone, named, lit) in one theme's ``colors``, and the ink
    of labels on each fill, computed once.

    A named exhibitor's booth is filled with its zone's colour in every theme; a booth
    whose exhibitor no source names is that colour mostly turned into the theme's neutral
    (pale in the light theme, dark in the dark one); dimmed booths (a highlight is on and
    they are not hits) fade into the hall. Labels take the ink that contrasts best with
    the fill (at least 4.5:1 when lit)."""

    def __init__(self, zone_colors: dict[str, QColor], colors: Colors = LIGHT):
        self.zone_colors = zone_colors
        self.colors = colors
        self._cache: dict[tuple, tuple[QBrush, QPen, QBrush]] = {}
        self._inks: dict[tuple, QColor] = {}
        self._lock = threading.Lock()    # the UI thread and the tile worker both ask

    def get(self, zone: str, named: bool, lit: bool):
        key = (zone, named, lit)
        got = self._cache.get(key)
        if got is None:
            c = self.colors
            base = self.zone_colors.get(zone, c.neutral)
            if named:
                fill, edge = QColor(base), base.darker(160)
            else:
                fill, edge = mix(base, c.neutral, 0.72), c.neutral_edge
            if not lit:
                fill, edge = mix(fill, c.hall_fill, 0.75), mix(edge, c.hall_fill, 0.7)
            pen = QPen(edge, 0)
            got = (QBrush(fill), pen, QBrush(fill.darker(115)))
            with self._lock:
                got = self._cache.setdefault(key, got)
        return got

    def ink(self, zone: str, named: bool, lit: bool) -> QColor:
        """The colour of a label on a booth of this look (the same object each time)."""
        key = (zone, named, lit)
        got = self._inks.get(key)
        if got is None:
            fill = self.get(zone, named, lit)[0].color()
            got = text_on(fill, self.colors)
            if not lit:
                got = mix(got, fill, 0.45)        # dimmed, still legible
            with self._lock:
                got = self._inks.setdefault(key, got)
        return got


# Booths are bucketed by the cell (CELL metres square) of their top-left corner.
CELL = 16.0
BATCHES_KEPT = 6


class BoothBatches:
    """The booths of one level for one highlight, ready to draw: per grid cell and per
    look (zone, named, lit), lists of ``QRectF``s made once (as drawn, and inset for
    outlines), so drawing a tile costs Python work per cell, not per booth."""

    INSET = 0.15                # metres: the inset rectangles of outlined booths

    def __init__(self, cells: dict, max_w: float, max_h: float, rects=None):
        # cells: {(cx, cy): {(zone, named, lit): [rects, inset rects or None, booth ids]}};
        # the inset rectangles are made when first drawn (only zooms that outline booths
        # draw them: not the whole floor of a large expo on its first frame).
        self.cells = cells
        self.max_w, self.max_h = max_w, max_h
        self.rects = rects               # the booths' (x, y, w, h), by id

    @classmethod
    def build(cls, ids, data) -> "BoothBatches":
        """All booths lit (no highlight)."""
        rects, zones, occupants = data.rects, data.zones, data.occupants
        cells: dict[tuple[int, int], dict[tuple, list]] = {}
        get, floor, rect = cells.get, math.floor, QRectF     # (a loop over every booth)
        for i in ids:
            x, y, w, h = rects[i]
            c = (floor(x / CELL), floor(y / CELL))
            cell = get(c)
            if cell is None:
                cell = cells[c] = {}
            key = (zones[i], bool(occupants[i]), True)
            entry = cell.get(key)
            if entry is None:
                entry = cell[key] = [[rect(x, y, w, h)], None, [i]]
            else:
                entry[0].append(rect(x, y, w, h))
                entry[2].append(i)
        max_w = max((rects[i][2] for i in ids), default=0.0)
        max_h = max((rects[i][3] for i in ids), default=0.0)
        return cls(cells, max_w, max_h, rects)

    def highlighted(self, hl) -> "BoothBatches":
        """The same booths with only those in ``hl`` lit (sharing the rectangles)."""
        cells = {}
        for c, cell in self.cells.items():
            out = cells[c] = {}
            for (zone, named, _), entry in cell.items():
                raw, ins, ids = entry
                flags = [i in hl for i in ids]
                if all(flags):
                    out[(zone, named, True)] = entry
                elif not any(flags):
                    out[(zone, named, False)] = entry
                else:
                    off = [not f for f in flags]
                    out[(zone, named, True)] = [list(compress(raw, flags)),
                                                None if ins is None else
                                                list(compress(ins, flags)),
                                                list(compress(ids, flags))]
                    out[(zone, named, False)] = [list(compress(raw, off)),
                                                 None if ins is None else
                                                 list(compress(ins, off)),
                                                 list(compress(ids, off))]
        return BoothBatches(cells, self.max_w, self.max_h, self.rects)

    def _inset(self, entry: list) -> list:
        """The entry's inset rectangles, made once (two threads may both make them: the
        same rectangles)."""
        got = entry[1]
        if got is None:
            d = self.INSET
            got = entry[1] = [QRectF(x + d, y + d, w - 2 * d, h - 2 * d)
                              for x, y, w, h in map(self.rects.__getitem__, entry[2])]
        return got

    def gather(self, x0: float, y0: float, x1: float, y1: float, hidden, k: int = 0):
        """{look: [QRectF]} of the booths that may meet the scene rectangle: their
        rectangles (k=0) or inset by 0.15 m (k=1)."""
        out: dict[tuple, list] = {}
        get = self.cells.get
        for cy in range(math.floor((y0 - self.max_h) / CELL), math.floor(y1 / CELL) + 1):
            for cx in range(math.floor((x0 - self.max_w) / CELL), math.floor(x1 / CELL) + 1):
                cell = get((cx, cy))
                if cell is None:
                    continue
                for key, entry in cell.items():
                    if hidden and key[0] in hidden:
                        continue
                    got = entry[0] if k == 0 else self._inset(entry)
                    lst = out.get(key)
                    if lst is None:
                        out[key] = list(got)
                    else:
                        lst.extend(got)
        return out

    def lit_raw(self, x0: float, y0: float, x1: float, y1: float, hidden) -> list:
        """The booths (as drawn, no inset) lit by the highlight near the rectangle."""
        return [r for key, rl in self.gather(x0, y0, x1, y1, hidden).items()
                if key[2] for r in rl]


_BATCHES_LOCK = threading.Lock()


def level_batches(level, data, highlight) -> BoothBatches:
    """The level's ``BoothBatches`` for this highlight, made once (a few kept)."""
    with _BATCHES_LOCK:
        kept = level.__dict__.setdefault("_batches", OrderedDict())
        base = kept.get(None)
        if base is None:
            base = kept[None] = BoothBatches.build(level.ids, data)
        if highlight is None:
            return base
        got = kept.get(highlight)
        if got is None:
            got = kept[highlight] = base.highlighted(highlight)
            while len(kept) > BATCHES_KEPT:
                # The oldest highlight goes; the base (first in) stays.
                del kept[next(k for k in kept if k is not None)]
        else:
            kept.move_to_end(highlight)
        return got


def render_region(painter: QPainter, level, data, palette: Palette, scale: float,
                  dx: float, dy: float, w: float, h: float, state: RenderState,
                  labels: bool = True) -> None:
    """Paint the part of ``level`` that maps to rect (0, 0, w, h) of the painter.

    The painter's position of scene point p is p * scale - (dx, dy); these are
    logical pixels: on a device of ratio 2 (``paint_ratio``) every one is two
    device pixels, labels keep their logical size and lines their logical width.
    """
    x0, y0 = dx / scale, dy / scale
    x1, y1 = (dx + w) / scale, (dy + h) / scale
    base = painter.worldTransform()
    line = line_px(paint_ratio(painter))
    colors = palette.colors
    painter.fillRect(QRectF(0, 0, w, h), colors.plan_bg)
    painter.setTransform(QTransform(scale, 0, 0, scale, -dx, -dy) * base)
    hall_pen = QPen(colors.hall_edge, line)
    hall_pen.setCosmetic(True)
    painter.setPen(hall_pen)
    painter.setBrush(colors.hall_fill)
    for hall in level.halls:
        if hall["x"] < x1 and hall["x"] + hall["w"] > x0 and hall["y"] < y1 \
                and hall["y"] + hall["h"] > y0:
            painter.drawRect(QRectF(hall["x"], hall["y"], hall["w"], hall["h"]))
    if state.underlay:
        px_per_m = scale * paint_ratio(painter)
        for u in getattr(level, "underlays", ()):
            u.paint(painter, x0, y0, x1, y1, px_per_m, colors.dark)
    if not level.ids:
        painter.setTransform(base)
        return
    hidden = state.hidden_zones
    hl = state.highlight
    booth_px = data.typical_w * scale
    outlined = booth_px >= OUTLINE_MIN_PX
    inset = min(0.15, 0.6 / scale) if outlined else 0.0
    batches = level_batches(level, data, hl)
    if 0.0 < inset < 0.15:
        # Close up the inset shrinks with the zoom, and a tile holds few booths: the
        # booths that meet it, from the level's index, drawn as before.
        rects, zones, occupants = data.rects, data.zones, data.occupants
        looks = {}
        for i in level.within(x0, y0, x1, y1):
            z = zones[i]
            if z in hidden:
                continue
            key = (z, bool(occupants[i]), hl is None or i in hl)
            x, y, bw, bh = rects[i]
            r = QRectF(x + inset, y + inset, bw - 2 * inset, bh - 2 * inset)
            lst = looks.get(key)
            if lst is None:
                looks[key] = [r]
            else:
                lst.append(r)
    else:
        looks = batches.gather(x0, y0, x1, y1, hidden, 1 if inset else 0)
    # Dimmed booths first, lit ones over them.
    for key in sorted(looks, key=lambda k: k[2]):
        rl = looks[key]
        brush, pen, _ = palette.get(key[0] or "", key[1], key[2])
        painter.setBrush(brush)
        if not outlined:
            painter.setPen(Qt.PenStyle.NoPen)
        elif line:
            wide = QPen(pen)
            wide.setWidthF(line)
            wide.setCosmetic(True)
            painter.setPen(wide)
        else:
            painter.setPen(pen)
        painter.drawRects(rl)
    if hl is not None:
        # Hits stand out: an outline around each lit booth (dark on the light plan,
        # light on the dark one).
        lit = batches.lit_raw(x0, y0, x1, y1, hidden)
        if lit:
            ratio = paint_ratio(painter)
            pen = QPen(colors.hit_edge, line if outlined else 1.5 * ratio)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRects(lit)
    painter.setTransform(base)
    if labels and booth_px >= CODES_MIN_PX:
        zones = data.zones
        shown = [i for i in level.within(x0, y0, x1, y1) if zones[i] not in hidden]
        paint_labels(painter, data, palette, shown, scale, dx, dy, booth_px, hl)


_FONTS: dict[tuple[int, int], tuple] = {}
_FONTS_LOCK = threading.Lock()


def _fonts(code_px: int, name_px: int):
    key = (code_px, name_px)
    with _FONTS_LOCK:
        got = _FONTS.get(key)
        if got is None:
            code_font = QFont()
            code_font.setPixelSize(code_px)
            name_font = QFont()
            name_font.setPixelSize(name_px)
            name_font.setBold(True)
            got = (code_font, name_font, QFontMetricsF(code_font), QFontMetricsF(name_font))
            _FONTS[key] = got
        return got


def _label_fonts(booth_px: float):
    """The fonts of booth codes and names when a typical booth is ``booth_px`` wide."""
    return _fonts(max(8, min(12, int(booth_px / 4))), max(9, min(14, int(booth_px / 3.2))))


def label_band_px(booth_px: float) -> float:
    """How far down from a booth's top its labels reach (the code and a line of the name),
    in pixels; 0 at zooms where the plan draws no labels."""
    if booth_px < CODES_MIN_PX:
        return 0.0
    _, _, fm_code, fm_name = _label_fonts(booth_px)
    return 1 + fm_code.height() + fm_name.height()


def paint_labels(painter: QPainter, data, palette, ids, scale, dx, dy, booth_px, hl) -> None:
    """Booth codes and exhibitor names, each clipped to its own booth (no overlaps)."""
    code_font, name_font, fm_code, fm_name = _label_fonts(booth_px)
    code_h, name_h = fm_code.height(), fm_name.height()
    rects, codes, labels = data.rects, data.codes, data.labels
    zones, occupants = data.zones, data.occupants
    ink = palette.ink
    left_top = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
    wrap = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
    elide = Qt.TextElideMode.ElideRight
    painter.setFont(code_font)
    names = []
    current = None
    for i in ids:
        x, y, w, h = rects[i]
        r = QRectF(x * scale - dx + 2, y * scale - dy + 1, w * scale - 4, h * scale - 2)
        color = ink(zones[i] or "", bool(occupants[i]), hl is None or i in hl)
        if color is not current:
            painter.setPen(color)
            current = color
        code = display_text(codes[i], 40)    # data: short, no bidi overrides
        if r.height() >= code_h and r.width() >= fm_code.horizontalAdvance(code):
            painter.drawText(r, left_top, code)
        if labels[i] and r.height() >= code_h + name_h * 0.9:
            names.append((i, r, color))
    if not names:
        return
    painter.setFont(name_font)
    for i, r, color in names:
        if color is not current:
            painter.setPen(color)
            current = color
        text_rect = r.adjusted(0, code_h, 0, 0)
        label = labels[i]
        lines = max(1, int(text_rect.height() // name_h))
        if fm_name.horizontalAdvance(label) <= text_rect.width() * lines * 0.92:
            painter.save()
            painter.setClipRect(text_rect)
            painter.drawText(text_rect, wrap, label)
            painter.restore()
        else:
            elided = fm_name.elidedText(label, elide, text_rect.width())
            if len(elided) > 3:
                painter.drawText(text_rect, left_top, elided)


def render_tile(level, data, palette, zoom: float, tx: int, ty: int,
                state: RenderState, ratio: float = 1.0) -> QImage:
    """Tile (tx, ty) at ``zoom`` device pixels per metre: an image of ``tile_px(ratio)``
    pixels a side with that device pixel ratio, covering device pixels from
    (tx, ty) * tile_px(ratio) of the plan drawn at that zoom."""
    n = tile_px(ratio)
    img = QImage(n, n, QImage.Format.Format_RGB32)
    img.setDevicePixelRatio(ratio)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    side = n / ratio
    render_region(p, level, data, palette, zoom / ratio, tx * side, ty * side, side, side,
                  state)
    p.end()
    return img


def render_overview(level, data, palette, state: RenderState, max_px: int = 2048):
    """The whole level in one image (no labels); returns (image, scale, scene origin)."""
    b = level.bounds
    scale = max_px / max(b.width(), b.height(), 1.0)
    w = max(1, int(math.ceil(b.width() * scale)))
    h = max(1, int(math.ceil(b.height() * scale)))
    img = QImage(w, h, QImage.Format.Format_RGB32)
    p = QPainter(img)
    render_region(p, level, data, palette, scale, b.left() * scale, b.top() * scale, w, h,
                  state, labels=False)
    p.end()
    return img, scale, QPointF(b.left(), b.top())


class _Bridge(QObject):
    tileReady = Signal(object)      # (key, QImage)


# What the tiles may hold, in bytes: 256 tiles at ratio 1 (a 1600 x 1000 view shows 35 to
# 40), 64 at ratio 2, where each holds four times the pixels. The bench's 1x run uses
# about 56 MB; the window's own plan (about 760 x 930) needs 20 tiles a zoom at ratio 2.
MAX_TILE_BYTES = 64 * 2 ** 20


class TileCache(QObject):
    """Tiles by (level, zoom in device px per metre, state version, tx, ty, device pixel
    ratio), at most ``max_bytes`` of them; a worker thread draws missing ones."""
    changed = Signal()              # new tiles arrived: repaint

    def __init__(self, data, palette: Palette, max_bytes: int = MAX_TILE_BYTES, parent=None):
        super().__init__(parent)
        self.data = data
        self.palette = palette
        self.limit = max_bytes           # the bound asked for
        self.max_bytes = max_bytes       # the bound in force (see ``reserve``)
        self.bytes = 0
        self.tiles: OrderedDict[tuple, QImage] = OrderedDict()
        self.overviews: dict[tuple[int, int], tuple] = {}
        self._levels: dict[int, object] = {}
        self._jobs: list[tuple] = []
        self._wanted: set[tuple] = set()
        # Tiles being drawn or drawn and on their way to the UI thread: not asked for again.
        self._inflight: set[tuple] = set()
        self._new_keys: list[tuple] = []    # keys of tiles that arrived since last asked
        self._idle: list = []       # work for when no tile is wanted (indexes, batches)
        self._states: dict[int, RenderState] = {}
        self._cv = threading.Condition()
        self._busy = False
        self._stop = False
        self._bridge = _Bridge()
        self._bridge.tileReady.connect(self._arrived, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._run, name="floorplan-tiles", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------ interface
    def register_level(self, number: int, level) -> None:
        self._levels[number] = level

    def get(self, key: tuple) -> QImage | None:
        img = self.tiles.get(key)
        if img is not None:
            self.tiles.move_to_end(key)
        return img

    def put(self, key: tuple, img: QImage) -> None:
        old = self.tiles.pop(key, None)
        if old is not None:
            self.bytes -= old.sizeInBytes()
        self.tiles[key] = img
        self.bytes += img.sizeInBytes()
        while self.bytes > self.max_bytes and len(self.tiles) > 1:
            _, gone = self.tiles.popitem(last=False)
            self.bytes -= gone.sizeInBytes()

    def reserve(self, nbytes: int) -> None:
        """Keep room for at least ``nbytes``: a view that shows more tiles than the bound
        holds (a very large window at ratio 2) would push out its own tiles as they
        arrive and never be sharp."""
        self.max_bytes = max(self.limit, nbytes)

    def take_arrived(self) -> list[tuple]:
        """The keys of the tiles that arrived from the worker since the last call."""
        got, self._new_keys = self._new_keys, []
        return got

    def clear(self) -> None:
        """Forget every tile (they are drawn again when shown)."""
        self.tiles.clear()
        self.bytes = 0

    def render_now(self, key: tuple, state: RenderState) -> QImage:
        level_no, zoom, _version, tx, ty, ratio = key
        img = render_tile(self._levels[level_no], self.data, self.palette, zoom, tx, ty, state,
                          ratio)
        self.put(key, img)
        return img

    def request(self, keys: list[tuple], state: RenderState) -> None:
        """Draw these tiles (in this order) in the worker; earlier requests are dropped."""
        with self._cv:
            self._states[state.version] = state
            inflight = self._inflight
            self._jobs = [k for k in keys if k not in self.tiles and k not in inflight]
            self._wanted = set(self._jobs)
            if self._jobs:
                self._cv.notify()

    def hold(self) -> None:
        """Drop the tiles asked for (the one being drawn is finished): a frame is being
        painted, and asks again for what it still lacks once it is on the screen."""
        with self._cv:
            self._jobs = []
            self._wanted = set()

    def when_idle(self, task) -> None:
        """Run ``task()`` in the worker once no tile is waiting (e.g. build an index)."""
        with self._cv:
            self._idle.append(task)
            self._cv.notify()

    def pending(self) -> int:
        with self._cv:
            return len(self._jobs) + (1 if self._busy else 0)

    def overview(self, level_no: int, state: RenderState):
        key = (level_no, state.version)
        got = self.overviews.get(key)
        if got is None:
            got = render_overview(self._levels[level_no], self.data, self.palette, state)
            for k in [k for k in self.overviews if k[0] == level_no]:
                del self.overviews[k]
            self.overviews[key] = got
        return got

    def stop(self, *_args) -> None:
        with self._cv:
            self._stop = True
            self._jobs = []
            self._cv.notify()
        self._thread.join(timeout=2)

    # --------------------------------------------------------------- worker
    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._jobs and not self._idle and not self._stop:
                    self._cv.wait()
                if self._stop:
                    return
                if not self._jobs:
                    task = self._idle.pop(0)
                    key = None
                else:
                    key = self._jobs.pop(0)
                    self._inflight.add(key)
                    state = self._states.get(key[2])
                    level = self._levels.get(key[0])
                self._busy = True
            if key is None:
                try:
                    task()
                finally:
                    with self._cv:
                        self._busy = False
                continue
            sent = False
            try:
                if state is not None and level is not None:
                    img = render_tile(level, self.data, self.palette, key[1], key[3], key[4],
                                      state, key[5])
                    self._bridge.tileReady.emit((key, img))
                    sent = True
            finally:
                with self._cv:
                    self._busy = False
                    if not sent:
                        self._inflight.discard(key)

    def _arrived(self, payload) -> None:
        if self._stop:
            return
        key, img = payload
        with self._cv:
            self._inflight.discard(key)
        self.put(key, img)
        self._new_keys.append(key)
        self.changed.emit()


def now() -> float:
    return time.perf_counter()
