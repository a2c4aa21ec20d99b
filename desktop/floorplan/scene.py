"""The floor-plan scene: one level at a time, painted from pre-rendered tiles.

Thousands of booths as one ``QGraphicsItem`` each repaint slowly and need a
linear search for the booth under the mouse. Here the booths are flat lists
(``FloorData``), each level has a grid index for hit tests, and one item
(``PlanItem``) paints the current level from tiles that a worker thread draws
(see ``tiles``). Hall and zone labels are drawn in screen pixels at every zoom
and never overlap; selection, hover, focus and stars are drawn above the tiles.
"""
from __future__ import annotations

import math
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import compress, repeat

from PySide6.QtCore import QObject, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QRegion
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QStyleOptionGraphicsItem

from db.content import booth_layout
from db.expo import Expo
from db.floor import FloorRows, read_floor

from .. import theme
from ..i18n import place_name, tr
from ..richtext import SHORT, booth_text, plain
from .index import GridIndex
from .nav import reading_order
from .tiles import (NEUTRAL, Palette, RenderState, TileCache, mix, paint_ratio, render_region,
                    tile_px)

# The light theme's overlay colours, by their old names (the colours in use are the
# scene's ``colors``).
SELECT = theme.LIGHT.select
HOVER = theme.LIGHT.hover
FOCUS = theme.LIGHT.focus
# How long after the last user input on the plan missing tiles are drawn in the
# background (showing a scaled preview) rather than right away.
INTERACTIVE_S = 0.6
SYNC_BUDGET_S = 0.4
# While the worker is still drawing tiles of the view, repaint (with previews) at most
# this often; the last tile is shown at once. Each repaint with previews costs the UI
# thread ~15-20 ms at 1600x1000 and holds the interpreter, which slows the worker.
TILE_REPAINT_S = 0.1

_mix = mix  # kept for callers of the old name


@dataclass
class FloorData(FloorRows):
    """Everything the painters need, in flat lists indexed by booth id (the booths as
    ``db.floor.read_floor`` gives them, and what the window adds)."""
    labels: "list[str] | Labels" = field(default_factory=list)  # exhibitor names ("" if none)
    zone_colors: dict[str, QColor] = field(default_factory=dict)
    zone_names: dict[str, str] = field(default_factory=dict)
    hidden_zones: set[str] = field(default_factory=set)
    highlight: set[int] | None = None                     # None: no highlight layer
    selected: set[int] = field(default_factory=set)
    starred: set[int] = field(default_factory=set)
    visited: set[int] = field(default_factory=set)        # stops marked visited
    layout: str | None = None           # "schematic": the mark beside booth codes in text

    @classmethod
    def from_expo(cls, expo: Expo, cache_dir=None) -> "FloorData":
        """``cache_dir``: the data folder, where the booths are kept packed per file
        identity (``db.floor``), so that a later start reads them from one file."""
        d = cls(**vars(read_floor(expo, cache_dir)))
        d.layout = booth_layout(expo.meta())
        for z in expo.zones():
            d.zone_colors[z["slug"]] = QColor(z["color"])
            d.zone_names[z["slug"]] = plain(place_name(z), SHORT)
        d.labels = Labels(d.occupants, d.names)
        return d


class Labels:
    """Exhibitor names per booth ("" if none), joined when first asked for; plain and
    short (a label is clipped to its booth, and a foreign file's name may be any length)."""

    def __init__(self, occupants: list[list[str]], names: dict[str, str]):
        self.occupants = occupants
        self.names = names
        self._cache: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.occupants)

    def __getitem__(self, i: int) -> str:
        got = self._cache.get(i)
        if got is None:
            slugs = self.occupants[i]
            got = " / ".join(plain(self.names.get(s, s), SHORT) for s in slugs) if slugs else ""
            self._cache[i] = got
        return got

    def __iter__(self):
        return (self[i] for i in range(len(self)))


class Level:
    """One level of the expo: its halls, its booths and their grid index."""

    def __init__(self, number: int, halls: list[dict], ids: list[int], data: FloorData):
        self.number = number
        self.halls = halls
        self.ids = ids
        self.data = data
        self._index: GridIndex | None = None
        self._index_lock = threading.Lock()
        self._order: list[int] | None = None
        self._pos: dict[int, int] | None = None
        self.underlays: list = []      # the plan's pictures on this level (``underlay``)
        bounds = QRectF()
        for h in halls:
            bounds = bounds.united(QRectF(h["x"], h["y"], h["w"], h["h"]))
        for i in ids[:: max(1, len(ids) // 500)] if not halls else ():
            bounds = bounds.united(QRectF(*data.rects[i]))
        self.bounds = bounds if not bounds.isEmpty() else QRectF(0, 0, 100, 60)

    @property
    def index(self) -> GridIndex:
        if self._index is None:
            with self._index_lock:     # the tile worker may be making it
                if self._index is None:
                    self._index = GridIndex([self.data.rects[i] for i in self.ids])
        return self._index

    def within(self, x0: float, y0: float, x1: float, y1: float) -> list[int]:
        ids = self.ids
        return [ids[j] for j in self.index.within(x0, y0, x1, y1)]

    def at(self, x: float, y: float) -> int | None:
        j = self.index.at(x, y)
        return None if j is None else self.ids[j]

    def order(self) -> list[int]:
        """Booth ids in reading order (for Tab / Shift+Tab)."""
        if self._order is None:
            pos = {h["slug"]: (h["x"], h["y"]) for h in self.halls}
            self._order = reading_order(self.ids, self.data.rects, self.data.halls, pos)
            self._pos = {i: k for k, i in enumerate(self._order)}
        return self._order

    def position(self, i: int) -> int | None:
        self.order()
        return self._pos.get(i)


class PlanItem(QGraphicsItem):
    """Paints the current level from the tile cache, with scaled previews for missing tiles."""

    def __init__(self, scene: "FloorScene", bounds: QRectF):
        super().__init__()
        self.floor = scene
        self.bounds = bounds
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setZValue(0)
        self.last_missing = 0
        # Per viewport, where the last paint put the tiles: layer, device offset, tile
        # size and the map from device pixels to the viewport's logical pixels.
        self._frames: dict = {}
        self._request: tuple | None = None      # tiles to ask the worker for

    def boundingRect(self) -> QRectF:
        return self.bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        if widget is None:
            # Not a view (a picture for printing, ``scene.render``): drawn directly, at
            # the device's resolution, without touching the tiles of the views.
            self._paint_direct(painter, option)
            return
        fs = self.floor
        # Tiles are drawn and put on the screen in device pixels, one image pixel per
        # screen pixel, at the screen's device pixel ratio (2 on a HiDPI screen).
        t = painter.deviceTransform()             # scene -> device pixels
        painter.save()
        painter.resetTransform()
        base = painter.deviceTransform()          # viewport (logical) -> device pixels
        ratio = round(base.m11(), 4) or 1.0
        painter.setWorldTransform(base.inverted()[0])
        zoom = round(t.m11(), 6)
        ox, oy = round(t.dx()), round(t.dy())
        exposed = t.mapRect(option.exposedRect)
        # What the view shows of the plan (beyond its scene rect the view draws the
        # background: no tiles there).
        view_rect = base.mapRect(QRectF(widget.rect())).intersected(t.mapRect(self.bounds))
        tp = tile_px(ratio)
        state = fs.render_state
        level = fs.level
        cache = fs.tiles
        cache.hold()
        layer = (level, zoom, state.version, ratio)
        fs.note_layer(layer)
        self._frames[widget] = (layer, ox, oy, tp, painter.worldTransform())

        def tiles_in(r: QRectF):
            tx0 = math.floor((r.left() - ox) / tp)
            tx1 = math.floor((r.right() - 1 - ox) / tp)
            ty0 = math.floor((r.top() - oy) / tp)
            ty1 = math.floor((r.bottom() - 1 - oy) / tp)
            return [(tx, ty) for ty in range(ty0, ty1 + 1) for tx in range(tx0, tx1 + 1)]

        wanted = tiles_in(view_rect) if not view_rect.isEmpty() else []
        cache.reserve(len(wanted) * tp * tp * 5)        # this view's tiles, and a quarter more
        todo = []
        missing = []
        sync = fs.sync_allowed()
        deadline = time.perf_counter() + SYNC_BUDGET_S
        for tx, ty in tiles_in(exposed):
            key = (level, zoom, state.version, tx, ty, ratio)
            img = cache.get(key)
            if img is None and sync and time.perf_counter() < deadline:
                img = cache.render_now(key, state)
            if img is None:
                missing.append((tx, ty))
            else:
                todo.append((tx, ty, img))
        if missing:
            self._paint_preview(painter, t, exposed, missing, layer)
        whole = QRectF(0, 0, tp, tp)
        for tx, ty, img in todo:
            painter.drawImage(QRectF(tx * tp + ox, ty * tp + oy, tp, tp), img, whole)
        painter.restore()
        self.last_missing = len(missing)
        keys = [(level, zoom, state.version, tx, ty, ratio) for tx, ty in wanted]
        absent = [k for k in keys if cache.get(k) is None]
        if absent:
            cx, cy = view_rect.center().x() - ox, view_rect.center().y() - oy
            absent.sort(key=lambda k: (k[3] * tp + tp / 2 - cx) ** 2
                        + (k[4] * tp + tp / 2 - cy) ** 2)
            # Asked for once this frame is on the screen: the worker's drawing holds the
            # interpreter for each call, which would hold up the rest of the frame.
            if self._request is None:
                QTimer.singleShot(0, fs, self._send_request)
            self._request = (absent, state)
        fs.missing_tiles = len(absent)

    def _send_request(self) -> None:
        request, self._request = self._request, None
        if request is not None:
            self.floor.tiles.request(*request)

    def show_tiles(self, keys: list[tuple]) -> None:
        """Repaint the parts of the views where these newly drawn tiles go."""
        viewports = [view.viewport() for view in self.floor.views()]
        self._frames = {vp: f for vp, f in self._frames.items() if vp in viewports}
        for vp in viewports:
            frame = self._frames.get(vp)
            if frame is None:
                vp.update()
                continue
            layer, ox, oy, tp, to_logical = frame
            region = QRegion()
            for key in keys:
                if (key[0], key[1], key[2], key[5]) == layer:
                    r = to_logical.mapRect(QRectF(key[3] * tp + ox, key[4] * tp + oy, tp, tp))
                    region += r.toAlignedRect().adjusted(-1, -1, 1, 1)
            if not region.isEmpty():
                vp.update(region)

    def _paint_direct(self, painter: QPainter, option: QStyleOptionGraphicsItem) -> None:
        fs = self.floor
        t = painter.worldTransform()
        target = t.mapRect(option.exposedRect)
        if painter.hasClipping():
            target = target.intersected(t.mapRect(painter.clipBoundingRect()))
        if target.isEmpty():
            return
        painter.save()
        painter.setClipRect(target, Qt.ClipOperation.IntersectClip)
        # As the tiles are drawn: booths with crisp edges.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.resetTransform()
        painter.translate(target.topLeft())
        render_region(painter, fs.levels[fs.level], fs.data, fs.palette_, t.m11(),
                      target.left() - t.dx(), target.top() - t.dy(), target.width(),
                      target.height(), fs.render_state)
        painter.restore()

    def _paint_preview(self, painter: QPainter, t, exposed: QRectF, missing, layer) -> None:
        """Fill missing tiles with what is at hand: tiles of earlier layers (newest first,
        also of another device pixel ratio), then the overview, each pixel painted once.
        The painter draws in device pixels; ``t`` maps the scene to them."""
        fs = self.floor
        # Scaled images without anti-aliased edges: several times cheaper, same picture.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        tox, toy = round(t.dx()), round(t.dy())
        tp = tile_px(layer[3])
        todo = QRegion()
        for tx, ty in missing:
            todo += QRect(tx * tp + tox, ty * tp + toy, tp, tp)
        todo &= exposed.toAlignedRect()
        ox, oy = t.dx(), t.dy()
        for lv, zoom, version, ratio in reversed(fs.recent_layers(layer)):
            if todo.isEmpty():
                break
            old_px = tile_px(ratio)
            size = old_px * t.m11() / zoom
            # Tiles of that layer that cover what is still to do.
            r = todo.boundingRect()
            sx0 = math.floor((r.left() - ox) / size)
            sx1 = math.floor((r.right() + 1 - ox) / size)
            sy0 = math.floor((r.top() - oy) / size)
            sy1 = math.floor((r.bottom() + 1 - oy) / size)
            if (sx1 - sx0 + 1) * (sy1 - sy0 + 1) > 400:
                continue
            found = []
            done = QRegion()
            for ty in range(sy0, sy1 + 1):
                for tx in range(sx0, sx1 + 1):
                    old = fs.tiles.tiles.get((lv, zoom, version, tx, ty, ratio))
                    if old is None:
                        continue
                    target = QRectF(tx * size + ox, ty * size + oy, size, size)
                    if not todo.intersects(target.toAlignedRect()):
                        continue
                    found.append((target, old))
                    # Rounded, so that neighbouring tiles leave no seam between them.
                    left, top = round(target.left()), round(target.top())
                    done += QRect(left, top, round(target.right()) - left,
                                  round(target.bottom()) - top)
            if found:
                painter.setClipRegion(todo)
                whole = QRectF(0, 0, old_px, old_px)
                for target, old in found:
                    painter.drawImage(target, old, whole)
                todo -= done
        if not todo.isEmpty():
            painter.setClipRegion(todo)
            img, scale, origin = fs.tiles.overview(fs.level, fs.render_state)
            target = t.mapRect(QRectF(origin.x(), origin.y(), img.width() / scale,
                                      img.height() / scale))
            painter.fillRect(todo.boundingRect(), fs.backgroundBrush())
            painter.drawImage(target, img, QRectF(img.rect()))
        painter.setClipping(False)


class LabelItem(QGraphicsItem):
    """Hall and zone names in screen pixels at every zoom; a label that would overlap
    one already placed is shortened, then left out."""

    def __init__(self, scene: "FloorScene", bounds: QRectF):
        super().__init__()
        self.floor = scene
        self.bounds = bounds
        self.setZValue(5)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.font = QFont()
        self.font.setPixelSize(13)
        self.font.setBold(True)
        self.fm = QFontMetricsF(self.font)
        self.placed: list[tuple[str, QRectF]] = []   # what the last paint showed
        self.zones_shown: set[str] = set()
        self._boxes: dict[tuple, QImage] = {}

    def boundingRect(self) -> QRectF:
        return self.bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        fs = self.floor
        t = painter.worldTransform()
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setFont(self.font)
        h = self.fm.height() + 6
        halls = fs.levels[fs.level].halls
        # Zones first (each named once, above its first hall, as wide as its halls allow),
        # then hall names where there is room.
        groups: dict[str, list[dict]] = {}
        for hall in halls:
            groups.setdefault(hall.get("zone") or "", []).append(hall)
        def free(hall) -> float:
            """Pixels from the hall's left edge to the next hall to its right."""
            nxt = [m["x"] for m in halls if m["x"] > hall["x"] + 1e-6
                   and m["y"] < hall["y"] + hall["h"] and m["y"] + m["h"] > hall["y"]]
            return (min(nxt) - hall["x"]) * t.m11() - 8 if nxt else 1e9

        candidates = []
        for zone, members in groups.items():
            zname = fs.data.zone_names.get(zone, "")
            if not zname:
                continue
            first = min(members, key=lambda m: (m["y"], m["x"]))
            span = QRectF()
            for m in members:
                if abs(m["y"] - first["y"]) < 1e-6:
                    span = span.united(QRectF(m["x"], m["y"], m["w"], m["h"]))
            room = max(t.mapRect(span).width(), 40)
            short = self.fm.elidedText(zname, Qt.TextElideMode.ElideRight, room - 18)
            texts = [(f"{first['name']} · {zname}", room * 1.05),
                     (zname, min(room * 1.6, max(free(first), room)))]
            if short != zname and len(short) > 4:
                texts.append((short, room * 1.05))
            candidates.append((first, zone, texts))
        for hall in halls:
            room = max(t.mapRect(QRectF(0, 0, hall["w"], 1)).width(), 40)
            candidates.append((hall, "", [(hall["name"], room * 1.05)]))
        view = QRectF(widget.rect()) if widget is not None else QRectF(-1e6, -1e6, 2e6, 2e6)
        top_gap = 44 if len(fs.levels) > 1 else 6    # below the level switcher
        placed: list[tuple[str, QRectF]] = []
        # What the view draws over the plan (its badge, the minimap, the level buttons):
        # a label never goes under it.
        owner = widget.parentWidget() if widget is not None else None
        blocked = [QRectF(r) for r in getattr(owner, "covers", lambda: [])()]
        self.blocked = blocked
        shown: set[str] = set()
        done: set[str] = set()
        for hall, zone, texts in candidates:
            r = t.mapRect(QRectF(hall["x"], hall["y"], hall["w"], hall["h"]))
            for text, limit in texts:
                if hall["slug"] in done:
                    break
                w = self.fm.horizontalAdvance(text) + 18
                box = QRectF(r.left(), r.top() - h - 2, w, h)
                # A hall whose corner is off screen keeps its label at the edge of the view.
                if box.left() < view.left() + 6 and r.right() > view.left() + w + 12:
                    box.moveLeft(view.left() + 6)
                if box.top() < view.top() + top_gap and r.bottom() > view.top() + top_gap + 3 * h:
                    box.moveTop(view.top() + top_gap)
                if w > limit:
                    continue
                # Above the hall; where the badge, the minimap or another label is in the
                # way, just under what covers it (still over the hall), or below the hall:
                # a hall is not left without its name.
                under = [b.bottom() for b in blocked if box.intersects(b)]
                lower = QRectF(box.left(), max(under) + 2, w, h) if under else box
                if not (r.top() - h <= lower.top() <= r.bottom() - 2 * h):
                    lower = box
                below = QRectF(box.left(), r.bottom() + 2, w, h)
                for spot in (box, lower, below):
                    if not (any(spot.intersects(p) for _, p in placed)
                            or any(spot.intersects(b) for b in blocked)
                            or (spot is not box and not view.contains(spot))):
                        box = spot
                        break
                else:
                    continue
                done.add(hall["slug"])
                if zone:
                    shown.add(zone)
                placed.append((text, box))
                color = fs.data.zone_colors.get(hall.get("zone") or "", NEUTRAL)
                self._draw(painter, box, text, color)
        self.placed = placed
        self.zones_shown = shown
        painter.restore()

    def _draw(self, painter: QPainter, box: QRectF, text: str, color: QColor) -> None:
        # The box is a picture made once per size, colour and device pixel ratio and put
        # on whole device pixels: anti-aliased rounded boxes cost several times more to
        # draw, four times more at ratio 2. The text is drawn as text.
        base = painter.deviceTransform()           # logical -> device pixels
        ratio = round(base.m11(), 4) or 1.0
        colors = self.floor.colors
        box_color = colors.label_box
        key = (round(box.width(), 1), round(box.height(), 1), color.rgba(), ratio,
               box_color.rgba())
        img = self._boxes.get(key)
        if img is None:
            if len(self._boxes) > 500:
                self._boxes.clear()
            img = QImage(math.ceil(key[0] * ratio), math.ceil(key[1] * ratio),
                         QImage.Format.Format_ARGB32_Premultiplied)
            img.setDevicePixelRatio(ratio)
            img.fill(Qt.GlobalColor.transparent)
            p = QPainter(img)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(box_color)
            p.drawRoundedRect(QRectF(0, 0, key[0], key[1]), 4, 4)
            p.setBrush(color)
            p.drawRoundedRect(QRectF(5, key[1] / 2 - 4, 8, 8), 2, 2)
            p.end()
            self._boxes[key] = img
        at = base.map(box.topLeft())
        painter.save()
        painter.setWorldTransform(base.inverted()[0])
        painter.drawImage(QRectF(round(at.x()), round(at.y()), img.width(), img.height()), img,
                          QRectF(img.rect()))
        painter.restore()
        painter.setPen(colors.label_text)
        # Never clipped: a label is measured in this font, but a screen's hinting or a
        # fallback font may draw it a little wider; it must not lose its last word.
        painter.drawText(box.adjusted(16, 0, 0, 0),
                         Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextDontClip, text)


class OverlayItem(QGraphicsItem):
    """Selection, hover and keyboard focus, drawn above the tiles."""

    def __init__(self, data: FloorData, bounds: QRectF, scene: "FloorScene"):
        super().__init__()
        self.data = data
        self.bounds = bounds
        self.floor = scene
        self.hover: int | None = None
        self.focus: int | None = None
        self.setZValue(10)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:
        return self.bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        d = self.data
        on_level = self.floor.on_level
        exposed = option.exposedRect
        colors = self.floor.colors
        # Cosmetic pens are as wide in device pixels as asked: widths in logical pixels.
        ratio = paint_ratio(painter)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        # Stars and visited stops: shapes in screen pixels (desktop/floorplan/marks.py).
        from .marks import STAR, VISITED, VISITED_COLOR, paint_marks
        self.star_boxes = paint_marks(painter, STAR, [d.rects[i] for i in d.starred
                                                      if on_level(i)],
                                      colors.star, colors.star_ring, exposed)
        paint_marks(painter, VISITED, [d.rects[i] for i in d.visited if on_level(i)],
                    VISITED_COLOR, colors.star_ring, exposed)
        pen = QPen(colors.select, 3 * ratio)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for i in d.selected:
            if on_level(i):
                painter.drawRect(QRectF(*d.rects[i]))
        if self.hover is not None and on_level(self.hover):
            x, y, w, h = d.rects[self.hover]
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colors.hover_shadow)
            painter.drawRect(QRectF(x + 0.35, y + 0.35, w, h))  # shadow: the booth lifts
            pen = QPen(colors.hover, 2 * ratio)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(colors.hover_fill)
            painter.drawRect(QRectF(x - 0.1, y - 0.1, w, h))
        if self.focus is not None and on_level(self.focus):
            x, y, w, h = d.rects[self.focus]
            pen = QPen(colors.focus, 2 * ratio, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(x - 0.3, y - 0.3, w + 0.6, h + 0.6))


class _UnderlayBridge(QObject):
    prepared = Signal()             # emitted in the tile worker, delivered on the UI thread


class FloorScene(QGraphicsScene):
    levelChanged = Signal(int)
    tilesChanged = Signal()
    underlayChanged = Signal(bool)  # the plan's picture shown (True) or not

    def __init__(self, expo: Expo, parent=None, cache_dir=None):
        super().__init__(parent)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.data = FloorData.from_expo(expo, cache_dir)
        d = self.data
        halls = expo.halls()
        for h in halls:     # hall names are drawn on the plan: plain, short, in the language
            h["name"] = plain(place_name(h), SHORT)
        self.hall_level = {h["slug"]: int(h.get("level") or 0) for h in halls}
        hall_level = self.hall_level
        # Each booth's level, then each level's booths (one pass per level, not per booth).
        self.booth_level = list(map(hall_level.get, d.halls, repeat(0, len(d.halls))))
        present = set(self.booth_level)
        by_level: dict[int, list[int]] = (
            {n: list(range(len(d.halls))) for n in present} if len(present) == 1 else
            {n: list(compress(range(len(d.halls)), map(n.__eq__, self.booth_level)))
             for n in present})
        numbers = sorted(set(hall_level.values()) | set(by_level)) or [0]
        self.levels: dict[int, Level] = {
            n: Level(n, [h for h in halls if int(h.get("level") or 0) == n], by_level.get(n, []), d)
            for n in numbers}
        # The colours everything on the plan is painted with (``desktop.theme``): the
        # theme's, or paper's while a picture for printing is drawn (``paper``).
        self.colors = theme.colors()
        self.setBackgroundBrush(self.colors.plan_bg)
        self.palette_ = Palette(d.zone_colors, self.colors)
        self.tiles = TileCache(d, self.palette_)
        self.destroyed.connect(self.tiles.stop)
        for n, lv in self.levels.items():
            self.tiles.register_level(n, lv)
        self.tiles.changed.connect(self._tiles_arrived)
        self._tiles_shown_at = 0.0
        self._tiles_timer = QTimer(self)
        self._tiles_timer.setSingleShot(True)
        self._tiles_timer.timeout.connect(self._show_tiles)
        self.render_state = RenderState()
        self.interactive_until = 0.0
        self._last_state_change = 0.0
        self.missing_tiles = 0
        self._layers: list[tuple] = []
        bounds = QRectF()
        for lv in self.levels.values():
            bounds = bounds.united(lv.bounds)
        self.all_bounds = bounds
        self.level = numbers[0]
        self.content_rect = self.levels[self.level].bounds
        self._prepare(self.level)
        # Room around the floor so that zooming around the cursor and panning work at
        # any zoom and window shape, but not so much that the floor can be lost.
        m = max(bounds.width(), bounds.height()) * 0.6
        self.setSceneRect(bounds.adjusted(-m, -m, m, m))
        self.plan = PlanItem(self, self.sceneRect())
        self.addItem(self.plan)
        self.labels = LabelItem(self, self.sceneRect())
        self.addItem(self.labels)
        self.overlay = OverlayItem(d, self.sceneRect(), self)
        self.addItem(self.overlay)
        self.hall_items: list = []   # kept for callers of the old per-hall design
        theme.on_change(self.follow_theme)
        self._init_underlays(expo, halls)

    # ------------------------------------------------------------- underlay
    def _init_underlays(self, expo: Expo, halls: list[dict]) -> None:
        """The plan's pictures (an expo whose layout came from a plan): decoded by the tile
        worker when idle, then shown under the booths while ``underlay_on``."""
        from .underlay import load_underlays
        self.underlays = load_underlays(expo)
        self.underlay_on = bool(self.underlays)
        self._underlay_bridge = _UnderlayBridge()
        self._underlay_bridge.prepared.connect(self._underlays_prepared,
                                               Qt.ConnectionType.QueuedConnection)
        for u in self.underlays:
            self.levels.get(self.hall_level.get(u.hall, self.level), self.levels[self.level]) \
                .underlays.append(u)
        if self.underlays:
            bridge = self._underlay_bridge

            def prepare(underlays=list(self.underlays)):
                for u in underlays:
                    u.prepare()
                bridge.prepared.emit()
            self.tiles.when_idle(prepare)

    def underlay_ready(self) -> bool:
        return any(u.ready for u in self.underlays)

    def _underlays_prepared(self) -> None:
        self._show_underlay()

    def set_underlay_visible(self, on: bool) -> None:
        """View ▸ Plan underlay: the plan's picture under the booths, or not."""
        self.underlay_on = bool(on)
        self._show_underlay()

    def _show_underlay(self) -> None:
        want = self.underlay_on and self.underlay_ready()
        if want != self.render_state.underlay:
            self.render_state = replace(self.render_state,
                                        version=self.render_state.version + 1, underlay=want)
            self.plan.update()
            self.tilesChanged.emit()
        self.underlayChanged.emit(want)

    def close(self) -> None:
        self.tiles.stop()

    # ---------------------------------------------------------------- theme
    def follow_theme(self, _dark: bool | None = None) -> None:
        """Paint in the theme's colours from now on: every tile, the overview, the
        minimap's picture and the label boxes are drawn again (without a restart)."""
        colors = theme.colors()
        if colors is self.colors:
            return
        self.colors = colors
        self.palette_ = Palette(self.data.zone_colors, colors)
        self.tiles.palette = self.palette_    # a tile being drawn has the old version
        self.tiles.clear()
        self.tiles.overviews.clear()
        self._layers.clear()                  # no preview from tiles of the old colours
        self.labels._boxes.clear()
        self.setBackgroundBrush(colors.plan_bg)
        self.render_state = replace(self.render_state, version=self.render_state.version + 1)
        self.update()
        for view in self.views():
            view.viewport().update()
        self.tilesChanged.emit()

    @contextmanager
    def paper(self):
        """Within this block the scene paints in paper's colours (light: a printed or
        exported picture is on white paper, whatever the theme)."""
        saved = self.colors, self.palette_
        if self.colors is not theme.PAPER:
            self.colors = theme.PAPER
            self.palette_ = Palette(self.data.zone_colors, theme.PAPER)
        try:
            yield
        finally:
            self.colors, self.palette_ = saved

    # --------------------------------------------------------------- levels
    def level_numbers(self) -> list[int]:
        return sorted(self.levels)

    def set_level(self, n: int) -> None:
        if n == self.level or n not in self.levels:
            return
        self.level = n
        self.content_rect = self.levels[n].bounds
        self._prepare(n)
        self.overlay.hover = None
        self.update()
        self.levelChanged.emit(n)

    def _prepare(self, n: int) -> None:
        """Have the worker make the level's booth index (hit tests, close-up tiles) before
        the mouse or the zoom needs it."""
        level = self.levels[n]
        self.tiles.when_idle(lambda: level.index)

    def on_level(self, i: int) -> bool:
        return self.booth_level[i] == self.level

    def level_name(self, n: int) -> str:
        return tr("Level {n}").format(n=n + 1)

    # ------------------------------------------------------------- tiles state
    def sync_allowed(self) -> bool:
        """Draw missing tiles right away unless the user is interacting with the plan."""
        return time.perf_counter() >= self.interactive_until

    def mark_interactive(self) -> None:
        self.interactive_until = time.perf_counter() + INTERACTIVE_S

    def note_layer(self, layer: tuple) -> None:
        if not self._layers or self._layers[-1] != layer:
            if layer in self._layers:
                self._layers.remove(layer)
            self._layers.append(layer)
            del self._layers[:-4]

    def recent_layers(self, current: tuple) -> list[tuple]:
        """Earlier (level, zoom, version) layers of this level, oldest first."""
        return [ly for ly in self._layers if ly != current and ly[0] == current[0]][-2:]

    def is_sharp(self) -> bool:
        """True when everything visible is drawn from tiles of the current zoom and state."""
        return self.missing_tiles == 0 and self.plan.last_missing == 0

    def _tiles_arrived(self) -> None:
        wait = self._tiles_shown_at + TILE_REPAINT_S - time.perf_counter()
        if self.tiles.pending() == 0 or wait <= 0:
            self._show_tiles()
        elif not self._tiles_timer.isActive():
            self._tiles_timer.start(max(1, int(wait * 1000)))

    def _show_tiles(self) -> None:
        self._tiles_timer.stop()
        self._tiles_shown_at = time.perf_counter()
        # Only where the new tiles go: the rest of the view is as it was (a full repaint
        # costs four times more on a screen of ratio 2, and holds up the tile worker).
        self.plan.show_tiles(self.tiles.take_arrived())
        self.tilesChanged.emit()

    def _new_state(self) -> None:
        d = self.data
        self.render_state = replace(
            self.render_state, version=self.render_state.version + 1,
            highlight=None if d.highlight is None else frozenset(d.highlight),
            hidden_zones=frozenset(d.hidden_zones))
        # A single change (a search, a topic) is drawn right away; a quick series of
        # changes (typing) is drawn in the background while the old tiles show.
        now = time.perf_counter()
        if now - self._last_state_change < INTERACTIVE_S:
            self.mark_interactive()
        self._last_state_change = now
        self.plan.update()
        self.overlay.update()

    # --------------------------------------------------------------- queries
    def booth_at(self, p: QPointF) -> int | None:
        i = self.levels[self.level].at(p.x(), p.y())
        if i is not None and self.data.zones[i] in self.data.hidden_zones:
            return None
        return i

    def booth_rect(self, i: int) -> QRectF:
        x, y, w, h = self.data.rects[i]
        return QRectF(x, y, w, h)

    def booth_tooltip(self, i: int) -> str:
        d = self.data
        who = d.labels[i] or tr("Other exhibitor (not named in our sources)")
        zone = d.zone_names.get(d.zones[i] or "", "")
        text = f"{who}\n" + tr("Booth {code}").format(code=booth_text(d.codes[i], d.layout)) \
            + (f" · {zone}" if zone else "")
        if len(self.levels) > 1:
            text += f" · {self.level_name(self.booth_level[i])}"
        return text

    def is_dimmed(self, i: int) -> bool:
        """Whether booth ``i`` is drawn dimmed (a highlight is on and it is not a hit)."""
        return self.data.highlight is not None and i not in self.data.highlight

    # --------------------------------------------------------------- changes
    def set_selected(self, ids: set[int]) -> None:
        self.data.selected = set(ids)
        self.overlay.update()

    def set_highlight(self, ids: set[int] | None) -> None:
        new = None if ids is None else set(ids)
        if new == self.data.highlight:
            return
        self.data.highlight = new
        self._new_state()

    def set_hidden_zones(self, zones: set[str]) -> None:
        self.data.hidden_zones = set(zones)
        self._new_state()

    def set_starred(self, ids: set[int]) -> None:
        self.data.starred = set(ids)
        self.overlay.update()

    def set_visited(self, ids: set[int]) -> None:
        self.data.visited = set(ids)
        self.overlay.update()


NEUTRAL = NEUTRAL  # re-exported for the legend
