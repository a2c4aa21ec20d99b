"""The plan's marks (star, note, visited), the highlight chip, the route kept and fitted,
the printed floor, plurals; hall labels and the legend at scale; the search count."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF, QSettings, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import QLabel

from db.synthetic import make_demo
from desktop.floorplan import marks
from desktop.floorplan.route import render_floor
from desktop.i18n import tr
from desktop.selection import Reason

from .conftest import open_window


def star(win, code):
    win.selection.select("booth", code, reason=Reason.COMMAND)
    win.toggle_star()


def test_marks_are_clear_at_overview_and_have_their_own_places(window, qtbot):
    win, fs = window, window.scene
    star(win, "1C09")
    win.detail.note_on("exhibitor", "sicarrier")
    win.keys.go("Notes")
    qtbot.keyClicks(win.detail.notes, "Ask for a demo")
    assert win.detail.flush_notes()
    win.keys.a_visited.trigger()                     # V: a stop done
    assert win.user.visited(win.expo_slug) == [("exhibitor", "sicarrier")]
    i = fs.data.by_code["1C09"]
    assert i in fs.data.starred and i in fs.data.visited and i in win.note_ids
    for zoom in ("overview", "close"):
        if zoom == "overview":
            win.view.fit_all()
        else:
            win.view.fly_to([i], min_px_per_m=20)
        win.view.settle()
        win.view.viewport().repaint()
        t = win.view.viewportTransform()
        boxes = [marks.mark_rect(t, fs.data.rects[i], k)
                 for k in (marks.STAR, marks.NOTE, marks.VISITED)]
        # Each at least 10 px at every zoom, none over another.
        assert all(b.width() >= marks.MIN_PX for b in boxes)
        assert not boxes[0].intersects(boxes[1]) and not boxes[1].intersects(boxes[2])
        shot = win.view.viewport().grab().toImage()
        star_px = [shot.pixelColor(int(boxes[0].center().x() * shot.devicePixelRatio()),
                                   int(boxes[0].center().y() * shot.devicePixelRatio()))]
        assert star_px[0].name() == win.scene.colors.star.name()
        if zoom == "close":
            # The booth code (top left) stays clear of the marks (right edge).
            booth = t.mapRect(QRectF(*fs.data.rects[i]))
            font = QFontMetricsF(win.font())
            code_right = booth.left() + 2 + font.horizontalAdvance("1C09") * 1.5
            assert all(b.left() > code_right for b in boxes)


def test_marks_differ_in_shape_not_only_in_colour():
    """Drawn in one grey, the three marks still differ (read by their shape)."""
    masks = []
    for kind in (marks.STAR, marks.NOTE, marks.VISITED):
        img = QImage(32, 32, QImage.Format.Format_ARGB32)
        img.fill(Qt.GlobalColor.white)
        p = QPainter(img)
        marks.paint_mark(p, kind, QRectF(8, 8, 16, 16), QColor("#777777"), QColor("#000000"))
        p.end()
        masks.append({(x, y) for x in range(32) for y in range(32)
                      if img.pixelColor(x, y).lightness() < 200})
    for a in range(3):
        for b in range(a + 1, 3):
            assert len(masks[a] ^ masks[b]) > 0.15 * 16 * 16, (a, b)


def test_plan_route_fits_the_view_and_the_route_and_highlight_survive_a_restart(
        expo, user, qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)

    def reopen():
        return open_window(qtbot, expo, user, settings, (1280, 720))

    win = reopen()
    for code in ("1C09", "4B03", "1B12"):          # far apart: SiCarrier, Pengjin, TEL
        star(win, code)
    win.view.fly_to([win.scene.data.by_code["2B03"]], min_px_per_m=40)   # far off
    win.keys.plan_route()
    assert win.route_item.stop_count == 3
    vis = win.view.visible_scene_rect()
    assert all(vis.contains(p) for p, _ in win.route_item.stop_points(win.scene.level))
    assert vis.width() < win.scene.content_rect.width() * 1.2      # fitted, not just fit-all
    win.open_policy("topic", "us-equipment-controls")
    lit = set(win.selection.lit.booths)
    win.close()

    win = reopen()
    win.restore_selection()
    assert win.plan.show_route.isChecked() and win.route_item.stop_count == 3
    assert win.selection.lit.kind == "topic" and set(win.selection.lit.booths) == lit
    assert win.marks.chip.isVisible()
    win.keys.clear_highlight()
    win.search.box.setText("ALD")
    win.search.run_search()
    win.close()
    win = reopen()
    win.restore_selection()
    assert win.search.box.text() == "ALD" and win.selection.lit.kind == "search"
    win.close()


def test_the_printed_floor_has_no_dimming_focus_box_or_hover(window):
    win, fs = window, window.scene
    clean = render_floor(fs, 400, 1.0)
    win.open_policy("topic", "us-equipment-controls")
    win.view.set_focus_booth(fs.data.by_code["2B03"], reveal=False)
    fs.overlay.hover = fs.data.by_code["3B03"]
    assert fs.data.highlight is not None
    printed = render_floor(fs, 400, 1.0)
    assert printed == clean
    # ... and the screen keeps its state.
    assert fs.data.highlight is not None and fs.overlay.focus == fs.data.by_code["2B03"]


def test_plurals_and_the_chip_say_one_booth(window):
    win = window
    win.search.box.setText("Tokyo Electron")
    win.search.run_search()
    assert win.marks.chip.label.text() == "Search “Tokyo Electron”: 1 booth lit"
    assert tr("{title}: %Ln booth(s) linked", n=1) == "{title}: 1 booth linked"
    assert tr("{title}: %Ln booth(s) linked", n=4) == "{title}: 4 booths linked"


@pytest.mark.parametrize("lang, one, many", [
    ("de", "{title}: 1 Stand verknüpft", "{title}: 4 Stände verknüpft"),
    ("zh", "{title}：关联 1 个展位", "{title}：关联 4 个展位")])
def test_plurals_in_german_and_chinese(qapp, lang, one, many):
    from PySide6.QtCore import QCoreApplication, QTranslator
    translator = QTranslator()
    from db.assets import TRANSLATIONS as qm
    assert translator.load(f"wesemibay_{lang}", str(qm))
    QCoreApplication.installTranslator(translator)
    try:
        assert tr("{title}: %Ln booth(s) linked", n=1) == one
        assert tr("{title}: %Ln booth(s) linked", n=4) == many
    finally:
        QCoreApplication.removeTranslator(translator)


# ------------------------------------------------------------ labels, legend, search
@pytest.fixture(scope="module")
def big_demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("marks-demo") / "demo.sqlite"
    make_demo(path, booths=20000, products=2000, seed=7)
    return path


@pytest.fixture
def big(qtbot, big_demo, user):
    from db.expo import open_expo
    expo = open_expo(big_demo, readonly=True)
    w = open_window(qtbot, expo, user, size=(1280, 720))
    yield w
    w.close()
    expo.close()


@pytest.mark.slow
def test_a_20000_booth_hall_keeps_labels_apart_and_clear_of_the_badge(big, qtbot):
    win, view, fs = big, big.view, big.scene
    assert view.badge
    for width in (1280, 1100, 1000, 1366, 1600):
        win.resize(width, 720)
        qtbot.wait(20)
        view.fit_all()
        for _ in range(3):
            view.settle()
            view.viewport().repaint()
            boxes = [b for _, b in fs.labels.placed]
            assert boxes
            for k, a in enumerate(boxes):
                assert not any(a.intersects(b) for b in boxes[k + 1:])
            covers = view.covers()
            assert view.badge_rect() in covers
            assert not any(b.intersects(c) for b in boxes for c in covers)
            # The badge and the level buttons do not cover each other either.
            sw = view.level_switcher.geometry()
            assert not view.badge_rect().intersects(QRectF(sw))
            view.zoom_by(1.25)
    # The legend stays labelled with 16 zones: every entry shows a name.
    names = [lbl.text() for lbl in win.legend.findChildren(QLabel)
             if lbl.objectName() == "legendEntry"]
    assert len(names) == len(fs.data.zone_names) >= 16 and all(names)


@pytest.mark.slow
def test_search_says_how_many_and_shows_all(big, qtbot):
    win = big
    panel = win.search
    words = [h.title.split()[0] for h in win.expo.search("a", limit=400, kinds=("exhibitor",))]
    common = max(set(words), key=words.count)
    panel.box.setText(common)
    panel.run_search()
    total = panel.hits.total
    assert len(panel.hits) == 60 < total
    assert panel.status.text() == f"Showing 60 of {total:,} results"
    assert panel.show_all.isVisible()
    panel.show_all.click()
    qtbot.waitUntil(lambda: len(panel.hits) == total, timeout=10000)
    assert panel.status.text() == f"{total:,} results"
    shown = sum(panel.results.topLevelItem(k).childCount()
                for k in range(panel.results.topLevelItemCount()))
    assert shown == total and not panel.show_all.isVisible()
