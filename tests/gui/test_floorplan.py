"""The floor plan driven as a user drives it, on a 2,000-booth synthetic demo expo:
wheel, drag, keys, clicks, minimap, legend filter, levels; assertions on what
the view shows (pixels of the picture, selection, visible rectangle)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from db.synthetic import make_demo
from desktop.floorplan.nav import nearest_in_direction


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("gui-demo") / "demo.sqlite"
    make_demo(path, booths=2000, products=3000, seed=5)
    return path


@pytest.fixture
def win(qtbot, demo_file, user):
    from db.expo import open_expo
    from desktop.main_window import MainWindow
    expo = open_expo(demo_file, readonly=True)
    w = MainWindow(expo, user, settings=None)
    qtbot.addWidget(w)
    w.resize(1500, 950)
    w.show()
    qtbot.waitExposed(w)
    w.view.fit_all()
    assert w.view.settle()
    yield w
    w.close()
    expo.close()


# ---------------------------------------------------------------- helpers
def pixel(view, scene_pt: QPointF) -> QColor:
    view.settle()
    img = view.viewport().grab().toImage()
    p = view.mapFromScene(scene_pt)
    return img.pixelColor(p.x(), p.y())


def booth_centre(win, i) -> QPointF:
    return win.scene.booth_rect(i).center()


def saturation(c: QColor) -> int:
    return max(c.red(), c.green(), c.blue()) - min(c.red(), c.green(), c.blue())


def level_booths(win):
    fs = win.scene
    return fs.levels[fs.level].ids


def wheel(view, pos: QPoint, steps: int = 1):
    ev = QWheelEvent(QPointF(pos), QPointF(view.viewport().mapToGlobal(pos)), QPoint(0, 0),
                     QPoint(0, 120 * steps), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                     Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), ev)


def mouse(widget, kind, pos: QPoint, button=Qt.MouseButton.LeftButton,
          buttons=Qt.MouseButton.LeftButton):
    ev = QMouseEvent(kind, QPointF(pos), QPointF(widget.mapToGlobal(pos)), button, buttons,
                     Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, ev)


def drag(widget, start: QPoint, end: QPoint, steps: int = 6):
    mouse(widget, QEvent.Type.MouseButtonPress, start)
    for k in range(1, steps + 1):
        p = start + (end - start) * (k / steps)
        mouse(widget, QEvent.Type.MouseMove, p, Qt.MouseButton.NoButton)
    mouse(widget, QEvent.Type.MouseButtonRelease, end, buttons=Qt.MouseButton.NoButton)


# ------------------------------------------------------------------ tests
def test_synthetic_badge_and_levels(win, qtbot):
    view, fs = win.view, win.scene
    assert "Synthetic data" in view.badge
    assert len(fs.levels) >= 2
    switcher = view.level_switcher
    assert switcher.isVisible() and len(switcher.buttons) == len(fs.levels)
    first = fs.level
    mine = set(level_booths(win))
    other = fs.level_numbers()[1]
    qtbot.mouseClick(switcher.buttons[other], Qt.MouseButton.LeftButton)
    assert fs.level == other
    assert switcher.buttons[other].isChecked()
    theirs = set(level_booths(win))
    assert theirs and not (theirs & mine)
    # The plan now shows the other level: its booth is under the mouse, the first level's is not.
    i = next(iter(theirs))
    assert fs.booth_at(booth_centre(win, i)) == i
    assert view.visible_scene_rect().contains(fs.content_rect)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert fs.level == first
    # Selecting an exhibitor on another level switches to it and shows the booth.
    j = next(iter(theirs))
    slug = fs.data.occupants[j][0] if fs.data.occupants[j] else None
    if slug:
        win.selection.select("exhibitor", slug)
    else:
        win.selection.select("booth", fs.data.codes[j])
    assert fs.level == other
    assert view.visible_scene_rect().contains(fs.booth_rect(j))


def test_fit_all_shows_the_level_and_tiles_paint_booths_in_zone_colour(win):
    view, fs = win.view, win.scene
    assert view.visible_scene_rect().contains(fs.content_rect)
    d = fs.data
    i = next(i for i in level_booths(win) if d.occupants[i])
    view.fly_to([i])
    got = pixel(view, booth_centre(win, i) + QPointF(0, fs.booth_rect(i).height() * 0.35))
    want = d.zone_colors[d.zones[i]]
    assert abs(got.red() - want.red()) + abs(got.green() - want.green()) \
        + abs(got.blue() - want.blue()) < 40


def test_wheel_zooms_around_cursor_and_the_picture_turns_sharp(win, qtbot):
    view, fs = win.view, win.scene
    i = level_booths(win)[len(level_booths(win)) // 2]
    pos = view.mapFromScene(booth_centre(win, i))
    before = view.mapToScene(pos)
    s0 = view.scale_factor()
    for _ in range(4):
        wheel(view, pos)
    assert view.scale_factor() == pytest.approx(s0 * 1.25 ** 4, rel=1e-3)
    after = view.mapToScene(pos)
    assert abs(after.x() - before.x()) < 1.0 and abs(after.y() - before.y()) < 1.0
    qtbot.waitUntil(view.is_sharp, timeout=5000)
    assert fs.booth_at(view.mapToScene(pos)) == i
    # Zoomed out as far as it goes, the plan is still there (bounded zoom).
    for _ in range(40):
        wheel(view, pos, -1)
    assert view.scale_factor() == pytest.approx(view.min_scale(), rel=1e-3)
    assert view.visible_scene_rect().intersects(fs.content_rect)


def test_drag_pans_and_click_selects(win, qtbot):
    view, fs = win.view, win.scene
    d = fs.data
    i = next(i for i in level_booths(win) if d.occupants[i])
    view.fly_to([i])
    vp = view.viewport()
    r0 = view.visible_scene_rect()
    centre = vp.rect().center()
    drag(vp, centre, centre + QPoint(120, 60))
    r1 = view.visible_scene_rect()
    s = view.scale_factor()
    assert r1.left() == pytest.approx(r0.left() - 120 / s, abs=2 / s)
    assert r1.top() == pytest.approx(r0.top() - 60 / s, abs=2 / s)
    assert win.selection.current is None        # a drag is not a click
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=view.mapFromScene(booth_centre(win, i)))
    assert win.selection.current == ("exhibitor", d.occupants[i][0])
    assert i in d.selected
    assert d.labels[i].split(" / ")[0] in win.detail.title.text()


def test_double_click_zooms_to_the_booth(win, qtbot):
    view, fs = win.view, win.scene
    i = level_booths(win)[7]
    pos = view.mapFromScene(booth_centre(win, i))
    s0 = view.scale_factor()
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert view.scale_factor() > s0 * 3
    assert view.visible_scene_rect().contains(fs.booth_rect(i))


def test_tab_walks_booths_in_reading_order_and_enter_opens(win, qtbot):
    view, fs = win.view, win.scene
    d = fs.data
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    a = view.focus_booth
    assert a is not None and view.hasFocus()          # Tab stayed in the plan
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    b = view.focus_booth
    order = fs.levels[fs.level].order()
    assert order.index(b) == order.index(a) + 1
    ax, ay, _, _ = d.rects[a]
    bx, by, _, _ = d.rects[b]
    assert (by, bx) > (ay, ax) or d.halls[a] != d.halls[b]
    qtbot.keyClick(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert view.focus_booth == a
    # The focused booth is visible and readable.
    assert view.visible_scene_rect().contains(fs.booth_rect(a))
    assert view.scale_factor() >= 8
    qtbot.keyClick(view, Qt.Key.Key_Return)
    if d.occupants[a]:
        assert win.selection.current == ("exhibitor", d.occupants[a][0])
    else:
        assert win.selection.current == ("booth", d.codes[a])
    assert a in d.selected


def test_ctrl_arrow_moves_to_the_nearest_booth_in_that_direction(win, qtbot):
    view, fs = win.view, win.scene
    d = fs.data
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    a = view.focus_booth
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    b = view.focus_booth
    ax, ay, aw, ah = d.rects[a]
    bx, by, bw, bh = d.rects[b]
    assert bx >= ax + aw - 1e-6 and abs(by - ay) < 1e-6     # next one along the row
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    c = view.focus_booth
    cx, cy, cw, ch = d.rects[c]
    assert cy >= by + bh - 1e-6
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert d.rects[view.focus_booth][0] < cx
    assert view.visible_scene_rect().contains(fs.booth_rect(view.focus_booth))


def test_nearest_in_direction_prefers_the_same_row():
    rects = [(0, 0, 3, 3), (3, 0, 3, 3), (6, 0, 3, 3), (3.5, 3, 3, 3), (0, 9, 3, 3)]

    def within(x0, y0, x1, y1):
        return [i for i, (x, y, w, h) in enumerate(rects)
                if x < x1 and x + w > x0 and y < y1 and y + h > y0]
    assert nearest_in_direction(0, "right", rects, within, 100) == 1
    assert nearest_in_direction(1, "down", rects, within, 100) == 3
    assert nearest_in_direction(3, "down", rects, within, 100) == 4
    assert nearest_in_direction(0, "left", rects, within, 100) is None


def test_minimap_click_and_drag_move_the_view_and_it_can_be_hidden(win, qtbot):
    view, fs = win.view, win.scene
    mm = view.minimap
    # At fit-all the whole floor is in view: no minimap over the plan.
    assert not mm.isVisible()
    view.fly_to([level_booths(win)[0]])
    assert mm.isVisible()               # part of the floor out of view: the minimap shows
    target = mm.from_scene(fs.booth_rect(level_booths(win)[-1])).center().toPoint()
    qtbot.mouseClick(mm, Qt.MouseButton.LeftButton, pos=target)
    centre = view.visible_scene_rect().center()
    want = mm.to_scene(QPointF(target))
    s = mm._frame()[1]
    assert abs(centre.x() - want.x()) < 2 / s and abs(centre.y() - want.y()) < 2 / s
    # Drag on the minimap: the view follows.
    start = mm.rect().center()
    drag(mm, start, start + QPoint(-30, -10))
    centre2 = view.visible_scene_rect().center()
    want2 = mm.to_scene(QPointF(start + QPoint(-30, -10)))
    assert abs(centre2.x() - want2.x()) < 2 / s and abs(centre2.y() - want2.y()) < 2 / s
    # The visible rectangle drawn on the minimap follows the view.
    vis = mm.from_scene(view.visible_scene_rect())
    assert vis.contains(QPointF(start + QPoint(-30, -10)))
    win.a_minimap.trigger()
    assert not mm.isVisible()
    win.a_minimap.trigger()
    assert mm.isVisible()
    view.fit_all()
    assert not mm.isVisible()


def test_legend_filter_hides_a_zone_on_the_picture(win):
    view, fs = win.view, win.scene
    d = fs.data
    i = next(i for i in level_booths(win) if d.occupants[i])
    zone = d.zones[i]
    view.fly_to([i])
    pt = booth_centre(win, i) + QPointF(0, fs.booth_rect(i).height() * 0.35)
    shown = pixel(view, pt)
    assert saturation(shown) > 60
    win.legend.buttons[zone].setChecked(False)
    hidden = pixel(view, pt)
    assert saturation(hidden) < 20                 # only the hall floor is left
    assert fs.booth_at(booth_centre(win, i)) is None
    win.legend.buttons[zone].setChecked(True)
    assert saturation(pixel(view, pt)) > 60
    assert fs.booth_at(booth_centre(win, i)) == i


def test_search_highlight_dims_the_rest_and_clearing_restores(win, qtbot):
    view, fs = win.view, win.scene
    d = fs.data
    ids = level_booths(win)
    hit = next(i for i in ids if d.occupants[i])
    other = next(i for i in ids if d.occupants[i] and d.zones[i] == d.zones[hit] and i != hit
                 and abs(d.rects[i][1] - d.rects[hit][1]) < 1e-6)
    view.fly_to([hit, other])
    pt_hit = booth_centre(win, hit) + QPointF(0, d.rects[hit][3] * 0.35)
    pt_other = booth_centre(win, other) + QPointF(0, d.rects[other][3] * 0.35)
    before = pixel(view, pt_other)
    fs.set_highlight({hit})
    assert fs.is_dimmed(other) and not fs.is_dimmed(hit)
    lit, dim = pixel(view, pt_hit), pixel(view, pt_other)
    assert saturation(lit) > saturation(dim) + 40
    fs.set_highlight(None)
    assert pixel(view, pt_other) == before
    # Typing in the search box lights up the hits' booths.
    win.focus_search()
    name = d.labels[hit].split(" / ")[0]
    qtbot.keyClicks(win.search.box, name)
    qtbot.waitUntil(lambda: d.highlight is not None and hit in d.highlight, timeout=3000)
    assert len(d.highlight) < len(d.codes)


def test_hover_lifts_and_names_the_booth(win, qtbot):
    view, fs = win.view, win.scene
    d = fs.data
    i = next(i for i in level_booths(win) if d.occupants[i])
    view.fly_to([i])
    qtbot.mouseMove(view.viewport(), view.mapFromScene(booth_centre(win, i)))
    qtbot.waitUntil(lambda: fs.overlay.hover == i)
    tip = fs.booth_tooltip(i)
    assert d.codes[i] in tip and d.labels[i].split(" / ")[0] in tip


def test_hall_and_zone_labels_never_overlap(win, qtbot):
    view, fs = win.view, win.scene
    for _ in range(6):
        view.settle()
        placed = fs.labels.placed
        assert placed
        boxes = [b for _, b in placed]
        for k, a in enumerate(boxes):
            assert not any(a.intersects(b) for b in boxes[k + 1:])
        view.zoom_by(1 / 1.25)
    view.fit_all()
    view.settle()
    zones = {h.get("zone") for h in fs.levels[fs.level].halls}
    assert fs.labels.zones_shown == zones          # every zone is named on the plan
    texts = " ".join(t for t, _ in fs.labels.placed)
    assert sum(fs.data.zone_names[z] in texts for z in zones) >= len(zones) - 2


def test_zoom_keys_and_arrow_keys(win, qtbot):
    view = win.view
    view.setFocus()
    s0 = view.scale_factor()
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.scale_factor() == pytest.approx(s0 * 1.25 ** 2, rel=1e-3)
    r0 = view.visible_scene_rect()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.visible_scene_rect().left() > r0.left()
    qtbot.keyClick(view, Qt.Key.Key_0)
    assert view.visible_scene_rect().contains(win.scene.content_rect)


@pytest.mark.parametrize("px_per_m", [1.2, 2.5, 6.0])
def test_highlight_and_hidden_zone_are_exact_once_sharp_at_far_and_middle_zooms(
        win, qtbot, px_per_m):
    """Far out the tiles are drawn from pre-batched booths (plain fills, then 0.15 m insets
    with outlines); from 4 px/m booth by booth: the colours must be the same everywhere."""
    from desktop.floorplan.tiles import HALL_FILL
    from desktop.floorplan.view import FloorView
    fs = win.scene
    view = FloorView(fs)                        # small, so that it can zoom out that far
    qtbot.addWidget(view)
    view.resize(420, 320)
    view.show()
    qtbot.waitExposed(view)
    view.fit_all()
    d = fs.data
    big = [i for i in level_booths(win) if d.occupants[i] and d.rects[i][2] >= 3
           and d.rects[i][3] >= 3]
    hit = big[len(big) // 2]

    def dist(i):
        return (d.rects[i][0] - d.rects[hit][0]) ** 2 + (d.rects[i][1] - d.rects[hit][1]) ** 2
    other = min((i for i in big if i != hit and d.zones[i] == d.zones[hit]), key=dist)
    gone = min((i for i in big if d.zones[i] != d.zones[hit]), key=dist)
    fs.set_hidden_zones({d.zones[gone]})
    fs.set_highlight({hit})
    fs.mark_interactive()                      # as a wheel step: tiles come from the worker
    view.zoom_by(px_per_m / view.scale_factor(),
                 QPointF(view.mapFromScene(booth_centre(win, hit))))
    assert view.scale_factor() == pytest.approx(px_per_m, rel=1e-3)
    want = {hit: fs.palette_.get(d.zones[hit], True, True)[0].color(),
            other: fs.palette_.get(d.zones[other], True, False)[0].color(),
            gone: HALL_FILL}
    for i, colour in want.items():
        view.centerOn(booth_centre(win, i))
        assert view.settle()
        assert pixel(view, booth_centre(win, i)) == colour, (i, px_per_m)
