"""The theme (system, light, dark): what the program paints itself follows it.

Pixels of real grabs are sampled: under the dark theme the floor plan, the policy timeline
and the market chart are dark with light text; text in the detail views and booth labels on
every zone colour keep a contrast of at least 4.5:1 (WCAG AA) in both themes; a switch at
run time draws the tiles again; exports stay light.
"""
from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QPointF, QRectF, QSettings
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QTextCharFormat

from desktop import theme
from desktop.floorplan.tiles import Palette, RenderState, render_region

AA = 4.5


@pytest.fixture(autouse=True)
def _system_theme_afterwards(qapp):
    """Every test leaves the application as it found it: the platform's (light) palette."""
    yield
    theme.apply("system")
    assert not theme.is_dark()


@pytest.fixture(params=["light", "dark"])
def mode(request, qapp):
    """The theme, applied before the window (fixture ``window``, asked for after) is made."""
    theme.apply(request.param)
    return request.param


@pytest.fixture
def dark(qapp):
    assert theme.apply("dark")


def lightness(c: QColor) -> int:
    return c.lightness()


def background_and_text(img: QImage, rect: QRectF | None = None) -> tuple[QColor, QColor]:
    """The most common colour in ``rect`` of ``img`` (the background) and the colour there
    that differs most from it in lightness (text)."""
    r = (rect or QRectF(img.rect())).toAlignedRect().intersected(img.rect())
    counts = Counter(img.pixel(x, y) for y in range(r.top(), r.bottom() + 1)
                     for x in range(r.left(), r.right() + 1))
    bg = QColor.fromRgb(counts.most_common(1)[0][0])
    text = max((QColor.fromRgb(p) for p in counts), key=lambda c: abs(c.lightness()
                                                                      - bg.lightness()))
    return bg, text


def plan_background_point(win) -> QPointF:
    """A scene point on the current level between halls (no hall, no booth, no label), in
    view with the whole floor fitted."""
    win.view.fit_all()
    fs = win.scene
    level = fs.levels[fs.level]
    b = level.bounds
    # (with the band above each hall where its name and zone are written)
    halls = [QRectF(h["x"], h["y"], h["w"], h["h"]).adjusted(-2, -12, 2, 2) for h in level.halls]
    for k in range(1, 40):
        for j in range(1, 40):
            p = QPointF(b.left() + b.width() * k / 40, b.top() + b.height() * j / 40)
            v = win.view.mapFromScene(p)
            if v.y() > 60 and not any(h.contains(p) for h in halls) \
                    and win.view.viewport().rect().contains(v):
                return p
    raise AssertionError("no point between halls on the plan")


def plan_pixel(win, p: QPointF) -> QColor:
    win.view.set_minimap_visible(False)
    win.view.fit_all()
    assert win.view.settle()
    img = win.view.viewport().grab().toImage()
    v = win.view.mapFromScene(p)
    return img.pixelColor(v.x(), v.y())


def text_fragments(doc):
    """(text, foreground colour) of every run of text in a QTextDocument, links included."""
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.isValid() and frag.text().strip():
                fmt: QTextCharFormat = frag.charFormat()
                yield frag.text(), fmt
            it += 1
        block = block.next()


def check_detail_contrast(win, colors) -> dict:
    """Every run of text in the detail views reads at AA against the view's background;
    returns the colours found for the Chinese name and the links."""
    found = {}
    for browser in (win.detail.info, win.detail.products, win.detail.policy):
        base = browser.viewport().palette().color(QPalette.ColorRole.Base)
        text = browser.palette().color(QPalette.ColorRole.Text)
        assert base.lightness() < 80 if colors.dark else base.lightness() > 200
        for s, fmt in text_fragments(browser.document()):
            brush = fmt.foreground()
            fg = brush.color() if brush.style().value else text
            ratio = theme.contrast(fg, base)
            assert ratio >= AA, (s, fg.name(), base.name(), ratio)
            if "新凯来" in s:
                found["zh"] = fg
            if fmt.isAnchor():
                found.setdefault("links", []).append(fg)
    return found


# ------------------------------------------------------------------------ dark
def test_dark_theme_plan_timeline_and_chart(qtbot, dark, window):
    win = window
    win.selection.select("exhibitor", "sicarrier")
    c = theme.DARK
    # The plan: the floor between halls in the dark theme's colour, booth text light on
    # the pale-free dark booths (a booth whose exhibitor no source names).
    p = plan_background_point(win)
    assert plan_pixel(win, p) == c.plan_bg
    assert lightness(c.plan_bg) < 40
    # The timeline: dark lanes, light year labels and event titles.
    win.open_policy("topic", "us-equipment-controls")
    qtbot.waitUntil(lambda: win.policy.timeline.isVisible())
    tl = win.policy.timeline
    img = tl.viewport().grab().toImage()
    bg, text = background_and_text(img)
    assert bg.lightness() < 60, bg.name()
    assert text.lightness() > 170, text.name()
    # The market chart (Policy context tab): dark background, light text.
    win.detail.tabs.setCurrentIndex(2)
    bars = win.detail.market.bars
    qtbot.waitUntil(lambda: bars.isVisible() and bars.height() > 50)
    img = bars.grab().toImage()
    # The group heading ("By country or region") and the shares' column: text only.
    for part in (QRectF(0, 2, bars.width() * 0.5, 18),
                 QRectF(bars.width() - 46, 0, 46, bars.height())):
        bg, text = background_and_text(img, part)
        assert bg.lightness() < 60, bg.name()
        assert text.lightness() > 170, text.name()
    assert theme.contrast(bars.palette().color(QPalette.ColorRole.WindowText), bg) >= AA
    win.close()


def test_detail_text_links_and_chinese_name_contrast(mode, window):
    colors = theme.colors()
    assert colors.dark == (mode == "dark")
    win = window
    win.selection.select("exhibitor", "sicarrier")
    found = check_detail_contrast(win, colors)
    assert found["zh"] == colors.zh
    assert found["links"] and all(fg in (colors.link, colors.title_link)
                                  for fg in found["links"])
    win.close()


@pytest.mark.parametrize("colors", [theme.LIGHT, theme.DARK], ids=["light", "dark"])
def test_booth_labels_readable_on_every_zone_colour(expo, colors):
    """For every zone of the built-in expo, a booth of a named exhibitor and one of an
    unnamed one, drawn as the tiles draw them: the label's ink against the fill ≥ 4.5:1."""
    from desktop.floorplan.scene import FloorData, FloorScene
    scene = FloorScene(expo)
    try:
        d: FloorData = scene.data
        palette = Palette(d.zone_colors, colors)
        checked = set()
        for i in range(len(d.codes)):
            key = (d.zones[i], bool(d.occupants[i]))
            if key in checked or d.zones[i] is None:
                continue
            checked.add(key)
            level = scene.levels[scene.booth_level[i]]
            x, y, w, h = d.rects[i]
            scale = 40.0                        # px per metre: codes and names drawn
            img = QImage(int(w * scale) + 20, int(h * scale) + 20, QImage.Format.Format_RGB32)
            p = QPainter(img)
            render_region(p, level, d, palette, scale, x * scale - 10, y * scale - 10,
                          img.width(), img.height(), RenderState())
            p.end()
            fill = palette.get(d.zones[i], key[1], True)[0].color()
            ink = palette.ink(d.zones[i], key[1], True)
            assert theme.contrast(ink, fill) >= AA, (d.zones[i], key, fill.name(), ink.name())
            # The label is drawn in that ink on that fill.
            inside = QRectF(12, 12, w * scale - 6, h * scale - 6)
            bg, text = background_and_text(img, inside)
            assert bg == fill, (bg.name(), fill.name())
            assert text == ink, (d.codes[i], text.name(), ink.name())
        zones = {z["slug"] for z in expo.zones()}
        assert {z for z, _ in checked} == zones
        assert {named for _, named in checked} == {True, False}
    finally:
        scene.close()


def test_text_on_always_reaches_aa():
    for r in range(0, 256, 17):
        for g in range(0, 256, 17):
            for b in range(0, 256, 51):
                fill = QColor(r, g, b)
                for c in (theme.LIGHT, theme.DARK):
                    assert theme.contrast(theme.text_on(fill, c), fill) >= AA


# --------------------------------------------------------------- run-time switch
def test_switching_theme_repaints_tiles_timeline_and_text(qtbot, expo, user, tmp_path):
    from desktop.main_window import MainWindow
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    theme.apply("light")
    win = MainWindow(expo, user, settings)
    qtbot.addWidget(win)
    win.show()
    win.selection.select("exhibitor", "sicarrier")
    win.open_policy("topic", "us-equipment-controls")
    p = plan_background_point(win)
    assert plan_pixel(win, p) == theme.LIGHT.plan_bg
    version = win.scene.render_state.version
    zh_before = check_detail_contrast(win, theme.LIGHT)["zh"]

    # View > Theme > Dark: applied at once and remembered.
    actions = win.theme_actions
    assert set(actions) == {"system", "light", "dark"} and actions["light"].isChecked()
    actions["dark"].trigger()
    assert settings.value("ui/theme") == "dark"
    assert theme.is_dark() and win.scene.colors is theme.DARK
    assert win.scene.render_state.version > version
    assert plan_pixel(win, p) == theme.DARK.plan_bg
    # Every tile now in the cache was drawn in the dark colours.
    current = win.scene.render_state.version
    drawn = [img for key, img in win.scene.tiles.tiles.items() if key[2] == current]
    assert drawn
    for img in drawn:
        bg, _ = background_and_text(img)
        assert bg.lightness() < 60
    # The minimap's picture, the timeline and the detail text followed.
    mm, _ = win.view.minimap.picture()
    assert background_and_text(mm)[0].lightness() < 60
    bg, text = background_and_text(win.policy.timeline.viewport().grab().toImage())
    assert bg.lightness() < 60 and text.lightness() > 170
    zh_after = check_detail_contrast(win, theme.DARK)["zh"]
    assert zh_after == theme.DARK.zh != zh_before

    actions["light"].trigger()
    assert settings.value("ui/theme") == "light"
    assert plan_pixel(win, p) == theme.LIGHT.plan_bg
    check_detail_contrast(win, theme.LIGHT)
    win.close()


def test_system_theme_follows_a_desktop_palette_change(window, qapp):
    """Under "system" a dark palette from the desktop (as KDE sets one) turns the plan dark."""
    theme.apply("system")
    win = window
    p = plan_background_point(win)
    assert plan_pixel(win, p) == theme.LIGHT.plan_bg
    qapp.setPalette(theme.dark_palette())       # what the desktop does
    assert theme.manager().dark
    assert plan_pixel(win, p) == theme.DARK.plan_bg
    qapp.setPalette(QPalette())
    assert plan_pixel(win, p) == theme.LIGHT.plan_bg
    win.close()


def test_exports_stay_light(dark, window):
    from desktop.floorplan.route import render_floor
    win = window
    img = render_floor(win.scene, 400, 1.0)
    bg, text = background_and_text(img)
    assert bg.lightness() > 200, bg.name()       # paper
    assert text.lightness() < 80
    # The printed sheet's picture is light; the window stays dark.
    assert win.scene.colors is theme.DARK
    p = plan_background_point(win)
    assert plan_pixel(win, p) == theme.DARK.plan_bg
    win.close()


# ---------------------------------------------------------------- command line
def test_theme_option_is_remembered(tmp_path, qapp):
    from desktop import app as desktop_app
    data = tmp_path / "data"
    assert desktop_app.main(["--data-dir", str(data), "--theme", "dark", "--screenshot",
                             str(tmp_path / "a.png"), "--size", "900x600"]) == 0
    settings = QSettings(str(data / "settings.ini"), QSettings.Format.IniFormat)
    assert settings.value("ui/theme") == "dark"
    shot = QImage(str(tmp_path / "a.png"))
    assert background_and_text(shot)[0].lightness() < 60
    # Next start without --theme: still dark.
    theme.apply("system")
    assert desktop_app.main(["--data-dir", str(data), "--screenshot",
                             str(tmp_path / "b.png"), "--size", "900x600"]) == 0
    assert theme.is_dark()


def test_qt_options_are_kept_for_qt_and_ours_are_checked(capsys):
    from desktop import app as desktop_app
    args = desktop_app.parse_args(["-style", "fusion", "--lang", "de", "-platform", "offscreen",
                                   "-reverse", "-qwindowgeometry=800x600+0+0", "--style", "x"])
    assert args.lang == "de"
    assert args.qt_args == ["-style", "fusion", "-platform", "offscreen", "-reverse",
                            "-qwindowgeometry=800x600+0+0", "--style", "x"]
    for bad in (["--frobnicate"], ["-style"], ["stray"], ["--theme", "dusk"], ["-frob"]):
        with pytest.raises(SystemExit) as exc:
            desktop_app.parse_args(bad)
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert bad[0].lstrip("-") in err or "dusk" in err
    assert desktop_app.THEMES == theme.THEMES
