"""The floor plan on HiDPI screens: drawn at the device pixel ratio (2, and fractional
ratios such as 1.5), as sharp as at 1x, with labels and lines of the same logical size,
and drawn again at the new ratio when the window moves to another screen."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene

from tests.gui.test_floorplan import demo_file  # noqa: F401  (the 2,000-booth demo)

PROBE = Path(__file__).resolve().parent / "hidpi_probe.py"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def floor(qapp, demo_file):
    from db.expo import open_expo
    from desktop.floorplan.scene import FloorScene
    expo = open_expo(demo_file, readonly=True)
    fs = FloorScene(expo)
    yield fs
    fs.close()
    expo.close()


def distance(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


def named_booth(fs, min_side: float = 3.0) -> int:
    d = fs.data
    level = fs.levels[fs.level]
    return next(i for i in level.ids[len(level.ids) // 2:] if d.occupants[i]
                and d.rects[i][2] >= min_side and d.rects[i][3] >= min_side)


# ------------------------------------------------------------ a real window
@pytest.mark.slow
def test_plan_is_sharp_at_each_screens_ratio_and_follows_the_window(demo_file, tmp_path):
    """Offscreen screens of ratio 1, 2, 1.5 and 1.25 side by side; the window is moved
    from one to the next as a user drags it (see hidpi_probe.py)."""
    screens = {"screens": [
        {"name": "one", "x": 0, "y": 0, "width": 1000, "height": 700,
         "logicalDpi": 96, "logicalBaseDpi": 96},
        {"name": "two", "x": 1000, "y": 0, "width": 2000, "height": 1400,
         "logicalDpi": 96, "logicalBaseDpi": 96},
        {"name": "three", "x": 3000, "y": 0, "width": 1500, "height": 1050,
         "logicalDpi": 96, "logicalBaseDpi": 96},
        {"name": "four", "x": 4500, "y": 0, "width": 1250, "height": 875,
         "logicalDpi": 96, "logicalBaseDpi": 96}]}
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(screens))
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_SCALE_FACTOR", "QT_ENABLE_HIGHDPI_SCALING")}
    env.update(QT_QPA_PLATFORM=f"offscreen:configfile={config}",
               QT_SCREEN_SCALE_FACTORS="one=1;two=2;three=1.5;four=1.25",
               PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, str(PROBE), str(demo_file), str(tmp_path)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)["screens"]
    assert [r["ratio"] for r in got.values()] == [1.0, 2.0, 1.5, 1.25, 1.0]
    at_1x = got["one-0"]
    for name, r in got.items():
        ratio = r["ratio"]
        # Moving the window was enough: the plan was drawn again from tiles of the new
        # ratio without anyone asking for a repaint.
        assert r["widget_ratio"] == ratio and r["redrawn_without_repaint_call"], name
        # The plan has the same logical size and ratio times the pixels.
        assert r["logical_px"] == at_1x["logical_px"]
        assert r["grab_ratio"] == ratio
        assert all(abs(px - v * ratio) < 1 for px, v in zip(r["grab_px"], r["logical_px"]))
        # Tiles are images of ratio times the pixels, with that device pixel ratio.
        assert r["tiles"] > 0
        assert r["tile_px"] == [[r["tile_px_expected"]] * 2]
        assert r["tile_px_expected"] == round(256 * ratio)
        assert r["tile_ratio"] == [ratio]
        # As sharp as the floor drawn directly at this ratio: 99% of all pixels the same,
        # and more than 95% of the pixels along edges have a colour the reference has
        # within a pixel (text may sit a device pixel apart). 1x tiles scaled up, as
        # before, give 90-94% and 13-57%.
        assert r["same_as_reference"] >= 0.98, name
        assert r["edges_near_reference"] >= 0.9, name
        # The selection outline is as wide in logical pixels (3) as at 1x.
        assert abs(r["selection_px"] - at_1x["selection_px"] * ratio) <= 1.5, name
        # The minimap's picture is made at this ratio, pixel for pixel.
        assert r["minimap_ratio"] == ratio
        assert all(abs(a - b) <= 2 for a, b in zip(r["minimap_px"], r["minimap_frame_px"]))


# ----------------------------------------------------------- tiles and lines
@pytest.mark.parametrize("ratio", [1.0, 1.25, 1.5, 2.0])
def test_tiles_have_ratio_times_the_pixels_and_that_ratio(floor, ratio):
    fs = floor
    i = named_booth(fs)
    x, y, _, _ = fs.data.rects[i]
    zoom = 20.0 * ratio                   # device pixels per metre at 20 px/m
    side = round(256 * ratio)
    key = (fs.level, zoom, fs.render_state.version, int(x * zoom // side),
           int(y * zoom // side), ratio)
    tile = fs.tiles.render_now(key, fs.render_state)
    assert (tile.width(), tile.height()) == (side, side)
    assert tile.devicePixelRatio() == ratio
    assert fs.tiles.tiles[key] is tile


def _text_box(img: QImage, ratio: float, rect: QRectF, fill: QColor):
    """The bounding box (logical pixels) of pixels far from ``fill`` inside ``rect``."""
    xs, ys = [], []
    for py in range(round(rect.top() * ratio), round(rect.bottom() * ratio)):
        for px in range(round(rect.left() * ratio), round(rect.right() * ratio)):
            if distance(img.pixelColor(px, py), fill) > 150:
                xs.append(px)
                ys.append(py)
    assert xs, "no text found"
    return ((max(xs) - min(xs) + 1) / ratio, (max(ys) - min(ys) + 1) / ratio,
            min(xs) / ratio, min(ys) / ratio)


def test_booth_codes_and_names_keep_their_logical_size_at_ratio_2(floor):
    fs = floor
    d = fs.data
    zoom = 30.0                                    # logical px per metre: codes and names
    for i in fs.levels[fs.level].ids:
        x, y, w, h = d.rects[i]
        if d.occupants[i] and w >= 3 and h >= 3 and \
                int(x * zoom // 256) == int((x + w) * zoom // 256) and \
                int(y * zoom // 256) == int((y + h) * zoom // 256):
            break
    tx, ty = int(x * zoom // 256), int(y * zoom // 256)
    fill = fs.palette_.get(d.zones[i], True, True)[0].color()
    boxes = {}
    for ratio in (1.0, 2.0):
        key = (fs.level, zoom * ratio, fs.render_state.version, tx, ty, ratio)
        tile = fs.tiles.render_now(key, fs.render_state)
        # The booth in the tile's logical pixels; its top line holds the code.
        left, top = x * zoom - tx * 256, y * zoom - ty * 256
        inner = QRectF(left + 1.5, top + 1.5, w * zoom - 3, h * zoom - 3)
        code_h = 14
        boxes[ratio] = (_text_box(tile, ratio, QRectF(inner.left(), inner.top(),
                                                      inner.width(), code_h), fill),
                        _text_box(tile, ratio, inner.adjusted(0, code_h, 0, 0), fill))
    for one, two in zip(boxes[1.0], boxes[2.0]):
        # Same width, height and place in logical pixels (within a pixel of rounding).
        assert all(abs(a - b) <= 1.0 for a, b in zip(one, two)), (one, two)


def test_tile_cache_is_bounded_in_bytes_not_in_tiles(floor):
    from desktop.floorplan.tiles import TileCache
    fs = floor
    cache = TileCache(fs.data, fs.palette_, max_bytes=4 * 256 * 256 * 4)   # 4 tiles at 1x
    try:
        for n, lv in fs.levels.items():
            cache.register_level(n, lv)
        state = fs.render_state
        for tx in range(6):
            cache.render_now((fs.level, 2.0, state.version, tx, 0, 1.0), state)
        assert len(cache.tiles) == 4 and cache.bytes == 4 * 256 * 256 * 4
        # One tile at ratio 2 holds four times the pixels: it takes the room of four.
        cache.render_now((fs.level, 4.0, state.version, 0, 0, 2.0), state)
        assert len(cache.tiles) == 1 and cache.bytes == 512 * 512 * 4
        assert cache.bytes <= cache.max_bytes
        cache.clear()
        assert not cache.tiles and cache.bytes == 0
        # A view that shows more than the bound holds gets room for its own tiles.
        cache.reserve(8 * 512 * 512 * 4)
        for tx in range(10):
            cache.render_now((fs.level, 4.0, state.version, tx, 0, 2.0), state)
        assert len(cache.tiles) == 8
        cache.reserve(0)
        assert cache.max_bytes == 4 * 256 * 256 * 4
    finally:
        cache.stop()


def _route_width(ratio: float) -> float:
    """Device pixels across the route's line (partly covered ones counted in part),
    drawn on a picture of this ratio."""
    from db.routing import Leg, Route
    from desktop.floorplan.route import ROUTE, RouteItem
    scene = QGraphicsScene(0, 0, 40, 10)
    item = RouteItem()
    scene.addItem(item)
    item.set_route(Route("entrance", ["a"], [Leg("entrance", "a", 36.0,
                                                 [(2.0, 5.0), (38.0, 5.0)], [0, 0])]))
    img = QImage(round(400 * ratio), round(100 * ratio), QImage.Format.Format_RGB32)
    img.setDevicePixelRatio(ratio)
    img.fill(QColor("white"))
    p = QPainter(img)
    scene.render(p, QRectF(0, 0, 400, 100), QRectF(0, 0, 40, 10))
    p.end()
    column = round(200 * ratio)                    # the middle, away from the markers
    # Over its white casing: how far each pixel is from white towards the route colour.
    full = distance(QColor("white"), QColor(ROUTE))
    return sum(max(0.0, 1 - distance(img.pixelColor(column, y), QColor(ROUTE)) / full)
               for y in range(img.height()))


def test_route_line_keeps_its_logical_width_at_ratio_2(qapp):
    one, two = _route_width(1.0), _route_width(2.0)
    assert 2.5 <= one <= 4.5                       # a 3.5 px line
    assert abs(two / one - 2) <= 0.15


def _colours(img: QImage) -> int:
    rows = range(img.height() // 4, img.height() * 3 // 4, 5)
    return len({img.pixel(x, y) for y in rows for x in range(img.width())})


def test_printed_floor_is_drawn_at_the_pictures_ratio_without_touching_the_tiles(floor):
    """The picture for the PDF (ratio 3) is drawn directly, as sharp as the printer
    needs, and leaves the views' tiles alone."""
    from PySide6.QtCore import Qt

    from desktop.floorplan.route import render_floor
    fs = floor
    fs.labels.setVisible(False)                    # the booths alone: no anti-aliased text
    before = dict(fs.tiles.tiles)
    img = render_floor(fs, width=400, ratio=3.0)
    assert img.devicePixelRatio() == 3.0
    assert fs.tiles.tiles == before
    # Booths are filled rectangles with outlines: a sharp picture has a few dozen
    # colours (fills, outlines, floor); the same floor drawn at ratio 1 and scaled up
    # has hundreds more, the blends along every edge.
    sharp = _colours(img)
    small = render_floor(fs, width=400, ratio=1.0)
    blurred = small.scaled(img.width(), img.height(), Qt.AspectRatioMode.IgnoreAspectRatio,
                           Qt.TransformationMode.SmoothTransformation)
    assert sharp <= 2 * len(fs.palette_._cache) + 10
    assert _colours(blurred) > 4 * sharp


def test_view_paints_the_background_beyond_the_plan_without_clearing_first(qtbot, floor):
    """The viewport does not clear itself (the plan covers it): zoomed out as far as it
    goes, what lies beyond the plan's scene is the plain background, not garbage."""
    from desktop.floorplan.view import FloorView
    view = FloorView(floor)
    qtbot.addWidget(view)
    view.resize(900, 300)                      # wide: the scene ends left and right
    view.show()
    qtbot.waitExposed(view)
    view.zoom_by(0.001)
    assert view.settle()
    img = view.viewport().grab().toImage()
    want = floor.backgroundBrush().color()
    for x, y in ((1, 1), (img.width() - 2, 1), (1, img.height() - 2),
                 (img.width() - 2, img.height() - 2)):
        assert img.pixelColor(x, y) == want
    # The corners are beyond the scene (else this shows nothing).
    assert not floor.sceneRect().contains(view.mapToScene(1, 1))


def test_a_view_larger_than_the_tile_bound_still_turns_sharp(qtbot, floor):
    """At ratio 2 a very large window shows more tiles than the cache's bound holds: it
    makes room for them rather than push out its own tiles as they arrive."""
    from desktop.floorplan.view import FloorView
    floor.tiles.limit = floor.tiles.max_bytes = 4 * 256 * 256 * 4      # 4 tiles
    view = FloorView(floor)
    qtbot.addWidget(view)
    view.resize(1000, 700)                     # a dozen tiles or more
    view.show()
    qtbot.waitExposed(view)
    view.fit_all()
    floor.mark_interactive()                   # tiles come from the worker, one by one
    view.zoom_by(1.25)
    assert view.settle()
    assert len(floor.tiles.tiles) > 4          # more than the bound asked for
