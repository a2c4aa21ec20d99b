"""Light and dark: the theme setting, the application palette, and the colours painters use.

The setting is one of ``THEMES``: ``system`` (the default) follows the desktop's colour
scheme (``QStyleHints.colorScheme`` and its ``colorSchemeChanged`` signal, Qt 6.5+);
``light`` and ``dark`` ask the platform for that scheme (``QStyleHints.setColorScheme``,
Qt 6.8+). Where the platform or its style ignores the request (the offscreen platform, an
X11 desktop without a platform theme, the Windows "vista" style) the program sets a palette
of its own, with the Fusion style where the current style does not draw palettes.

Everything the program paints itself (floor plan tiles, previews, overview and minimap,
hall and zone labels, the route and note and star marks, the policy timeline, the market
chart, the rich text of the detail views) takes its colours from a ``Colors`` set chosen
by the application palette: ``colors()`` is ``DARK`` when the palette's window colour is
dark, else ``LIGHT``. So the painters always agree with the widgets around them, whatever
set the palette (the desktop, ``-stylesheet``, or this module). ``manager().changed`` says
when that flips; the floor plan draws its tiles again, rich-text views set their text again.

Exports stay light (paper is white): the printed floor and the PDF route sheet are drawn
with ``PAPER``.

Booth labels are drawn in the ink (near black or white) that contrasts best with each
booth's fill, at least 4.5:1 (WCAG AA), so the zone colours themselves never change.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from .settings import THEME as SETTING  # the settings key of the theme

THEMES = ("system", "light", "dark")
AA = 4.5                 # WCAG AA contrast for normal text

# Styles that draw with the platform's own colours and ignore the palette: a palette of
# our own needs the Fusion style there.
PALETTE_BLIND_STYLES = ("windowsvista", "macos")


class Colors:
    """One theme's colours, by role (``QColor`` attributes; read, never change them)."""

    def __init__(self, dark: bool, spec: dict):
        self.dark = dark
        for name, value in spec.items():
            setattr(self, name, QColor(*value) if isinstance(value, tuple) else QColor(value))

    def __repr__(self) -> str:
        return f"<Colors {'dark' if self.dark else 'light'}>"


# Roles (both sets have every one):
# plan_bg: around the halls; hall_fill/hall_edge: a hall; neutral/neutral_edge: a booth of
# no zone and the tint of booths whose exhibitor no source names; ink/ink_light: text on a
# booth (the one that contrasts best with its fill is used); hit_edge: the outline of booths
# lit by a highlight; select/hover/focus: the overlay; star/star_ring: a starred booth's
# mark; label_box/label_text: hall and zone names; minimap_*; badge_*: "Schematic layout";
# route_line/route_marker/casing/marker_ring/marker_text/start/stairs/note: the route layer;
# band_a/band_b/grid/year/event_text/event_dim/event_dim_text/connector/chip/us/china/expo/
# event_selected: the policy timeline; chart_track/bar/bar_cn/cn_text: the market chart;
# zh/muted/src/url/link/title_link/tag_bg/error: rich text and captions.
_LIGHT = dict(
    plan_bg="#eef0f3", hall_fill="#f7f7f4", hall_edge="#8a8f98",
    neutral="#e4e6ea", neutral_edge="#b8bcc4",
    ink="#1f2328", ink_light="#ffffff", text_dim="#9aa0a8", hit_edge="#111111",
    select="#d9480f", hover="#1c7ed6", hover_shadow=(0, 0, 0, 45),
    hover_fill=(255, 255, 255, 60), focus="#000000", star="#f59f00", star_ring="#ffffff",
    label_box=(255, 255, 255, 225), label_text="#1f2328",
    minimap_bg=(255, 255, 255, 240), minimap_frame="#8a8f98", view_box=(217, 72, 15, 18),
    badge_bg=(255, 243, 191, 235), badge_text="#5c3c00",
    route_line="#c2255c", route_marker="#c2255c", casing=(255, 255, 255, 230),
    marker_ring="#ffffff", marker_text="#ffffff", start="#277f39", stairs="#5f3dc4",
    note="#1864ab",
    band_a="#ffffff", band_b="#f8f9fa", grid="#dee2e6", year="#495057",
    event_text="#1f2328", event_dim="#c4c8ce", event_dim_text="#868e96", connector="#adb5bd",
    chip=(255, 255, 255, 220), us="#1c5fa8", china="#c92a2a", expo="#277f39",
    event_selected="#000000",
    chart_track="#e9ecef", bar="#5b7db1", bar_cn="#c92a2a", cn_text="#c92a2a",
    zh="#444444", muted="#5c6370", src="#505866", url="#1c5fa8", link="#1c5fa8",
    title_link="#1a2b44", tag_bg="#eef1f6", error="#b00020",
)
_DARK = dict(
    plan_bg="#16181c", hall_fill="#23262c", hall_edge="#646b76",
    neutral="#3a3f47", neutral_edge="#555c67",
    ink="#1f2328", ink_light="#ffffff", text_dim="#7d848e", hit_edge="#f1f3f5",
    select="#ff7a3d", hover="#4dabf7", hover_shadow=(0, 0, 0, 110),
    hover_fill=(255, 255, 255, 36), focus="#ffffff", star="#fcc419", star_ring="#16181c",
    label_box=(33, 36, 42, 230), label_text="#e9ecef",
    minimap_bg=(28, 30, 35, 240), minimap_frame="#646b76", view_box=(255, 122, 61, 30),
    badge_bg=(92, 70, 10, 235), badge_text="#ffe8a3",
    route_line="#f06595", route_marker="#c2255c", casing=(16, 18, 22, 230),
    marker_ring="#f1f3f5", marker_text="#ffffff", start="#277f39", stairs="#6741d9",
    note="#4dabf7",
    band_a="#1d2025", band_b="#23262c", grid="#3b4049", year="#b4bbc4",
    event_text="#e9ecef", event_dim="#4f5660", event_dim_text="#8a929c", connector="#5c636e",
    chip=(29, 32, 37, 225), us="#74a9ee", china="#ff8787", expo="#69db7c",
    event_selected="#ffffff",
    chart_track="#343a40", bar="#7f9fd6", bar_cn="#ff6b6b", cn_text="#ff8787",
    zh="#d0d4d9", muted="#a3aab4", src="#a7aeb8", url="#74c0fc", link="#74c0fc",
    title_link="#dbe4f0", tag_bg="#2c313a", error="#ff8a80",
)
LIGHT = Colors(False, _LIGHT)
DARK = Colors(True, _DARK)
PAPER = LIGHT            # exports: paper is white


# ------------------------------------------------------------------ contrast
def luminance(c: QColor) -> float:
    """WCAG relative luminance of an opaque colour (0 black .. 1 white)."""
    def lin(v: int) -> float:
        s = v / 255.0
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(c.red()) + 0.7152 * lin(c.green()) + 0.0722 * lin(c.blue())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two opaque colours (1 .. 21)."""
    la, lb = luminance(a), luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def over(top: QColor, bottom: QColor) -> QColor:
    """``top`` (possibly translucent) painted over the opaque ``bottom``."""
    a = top.alphaF()
    return QColor(round(top.red() * a + bottom.red() * (1 - a)),
                  round(top.green() * a + bottom.green() * (1 - a)),
                  round(top.blue() * a + bottom.blue() * (1 - a)))


def text_on(fill: QColor, colors: Colors | None = None) -> QColor:
    """The ink for text on ``fill``: the theme's dark or light ink, whichever contrasts
    more; pure black or white where neither reaches 4.5:1 (one of them always does)."""
    c = colors or LIGHT
    best = max((c.ink, c.ink_light), key=lambda ink: contrast(ink, fill))
    if contrast(best, fill) >= AA:
        return best
    return max((QColor("#000000"), QColor("#ffffff")), key=lambda ink: contrast(ink, fill))


# ------------------------------------------------------------------- palettes
def is_dark(palette: QPalette | None = None) -> bool:
    """Whether ``palette`` (the application's by default) is a dark one."""
    if palette is None:
        if QGuiApplication.instance() is None:
            return False
        palette = QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def colors(palette: QPalette | None = None) -> Colors:
    """The colours to paint with under ``palette`` (the application's by default)."""
    return DARK if is_dark(palette) else LIGHT


def _palette(spec: dict, disabled: dict) -> QPalette:
    pal = QPalette()
    roles = QPalette.ColorRole
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive,
                  QPalette.ColorGroup.Disabled):
        for role, value in spec.items():
            pal.setColor(group, getattr(roles, role), QColor(*value) if isinstance(value, tuple)
                         else QColor(value))
    for role, value in disabled.items():
        pal.setColor(QPalette.ColorGroup.Disabled, getattr(roles, role), QColor(value))
    return pal


def dark_palette() -> QPalette:
    """The palette the program sets where the platform gives no dark one (Fusion-like)."""
    return _palette(dict(
        Window="#25272b", WindowText="#e6e8eb", Base="#1c1e21", AlternateBase="#26292d",
        ToolTipBase="#30343a", ToolTipText="#e6e8eb", PlaceholderText="#8b929b",
        Text="#e6e8eb", Button="#2e3136", ButtonText="#e6e8eb", BrightText="#ff8787",
        Light="#3d4147", Midlight="#34373c", Mid="#24262a", Dark="#18191c", Shadow="#0b0c0d",
        Highlight="#2f6fbf", HighlightedText="#ffffff", Link="#74c0fc", LinkVisited="#b197fc",
        Accent="#2f6fbf"),
        dict(WindowText="#6f757d", Text="#6f757d", ButtonText="#6f757d",
             Highlight="#3d4147", HighlightedText="#9aa0a8"))


def light_palette() -> QPalette:
    """The palette the program sets where the platform is dark and ignores a light request
    (Fusion's classic colours)."""
    return _palette(dict(
        Window="#efefef", WindowText="#000000", Base="#ffffff", AlternateBase="#f7f7f7",
        ToolTipBase="#ffffdc", ToolTipText="#000000", PlaceholderText="#6c6c6c",
        Text="#000000", Button="#efefef", ButtonText="#000000", BrightText="#ffffff",
        Light="#ffffff", Midlight="#cacaca", Mid="#b8b8b8", Dark="#9f9f9f", Shadow="#767676",
        Highlight="#308cc6", HighlightedText="#ffffff", Link="#0b57d0", LinkVisited="#7b1fa2",
        Accent="#308cc6"),
        dict(WindowText="#8c8c8c", Text="#8c8c8c", ButtonText="#8c8c8c",
             Highlight="#919191", HighlightedText="#ffffff"))


# ------------------------------------------------------------------ the setting
class ThemeManager(QObject):
    """Applies the theme setting and says when the colours to paint with flip."""
    changed = Signal(bool)          # dark

    def __init__(self, app):
        super().__init__(app)
        self.app = app
        self.mode = "system"
        self.dark = is_dark(app.palette())
        self.fallback = False            # whether the palette is ours
        self._style = None               # the style replaced by Fusion, to restore
        self._applying = False
        # Any change of the application palette (the desktop's, ``-stylesheet``'s, ours).
        # (Qt 6 marks this signal obsolete in favour of the event, which would need an event
        # filter on the application: every event of every object through Python.)
        app.paletteChanged.connect(self._palette_changed)
        app.styleHints().colorSchemeChanged.connect(self._scheme_changed)

    def apply(self, mode: str) -> bool:
        """Use ``mode`` (one of ``THEMES``; anything else counts as "system"). Returns
        whether the colours are now dark."""
        mode = mode if mode in THEMES else "system"
        self.mode = mode
        app = self.app
        hints = app.styleHints()
        want = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(mode)
        self._applying = True
        try:
            if hasattr(hints, "setColorScheme"):       # Qt 6.8+
                if want is None:
                    hints.unsetColorScheme()
                else:
                    hints.setColorScheme(want)
            if want is None:
                scheme = hints.colorScheme()
                want_dark = {Qt.ColorScheme.Dark: True,
                             Qt.ColorScheme.Light: False}.get(scheme)
            else:
                want_dark = want == Qt.ColorScheme.Dark
            if self.fallback:
                # What the platform gives now, without our palette.
                self.fallback = False
                if self._style is not None:
                    app.setStyle(self._style)
                    self._style = None
                app.setPalette(QPalette())
            if want_dark is not None and is_dark(app.palette()) != want_dark:
                style = app.style().name().lower()
                if style in PALETTE_BLIND_STYLES:
                    self._style = style
                    app.setStyle("Fusion")
                app.setPalette(dark_palette() if want_dark else light_palette())
                self.fallback = True
        finally:
            self._applying = False
        self.refresh()
        return self.dark

    def refresh(self) -> None:
        dark = is_dark(self.app.palette())
        if dark != self.dark:
            self.dark = dark
            self.changed.emit(dark)

    def _palette_changed(self, _palette) -> None:
        if not self._applying:
            self.refresh()

    def _scheme_changed(self, _scheme) -> None:
        if self.mode == "system" and not self._applying:
            self.apply("system")


_manager: ThemeManager | None = None


def manager() -> ThemeManager:
    """The application's theme manager (made on first use)."""
    global _manager
    app = QGuiApplication.instance()
    if _manager is not None:
        try:
            if _manager.parent() is app:
                return _manager
        except RuntimeError:            # its application is gone
            pass
    _manager = ThemeManager(app)
    return _manager


def apply(mode: str) -> bool:
    """Apply the theme setting ``mode``; True when the colours are now dark."""
    return manager().apply(mode)


def on_change(slot) -> None:
    """Call ``slot(dark)`` when the colours flip between light and dark. ``slot`` should be
    a method of a QObject, so that the connection ends with it."""
    manager().changed.connect(slot)


# ---------------------------------------------------------------- rich text
def css(c: Colors | None = None) -> str:
    """The colours of rich text our code builds (classes used by the detail views)."""
    c = c or colors()
    n = lambda col: col.name()      # noqa: E731
    return ("<style>"
            f"a {{ color: {n(c.link)}; }}"
            f" a.title {{ color: {n(c.title_link)}; text-decoration: none; }}"
            f" .zh {{ color: {n(c.zh)}; }}"
            f" .muted {{ color: {n(c.muted)}; }}"
            f" .src {{ color: {n(c.src)}; }}"
            f" .url {{ color: {n(c.url)}; }}"
            f" .tag {{ background: {n(c.tag_bg)}; }}"
            f" .error {{ color: {n(c.error)}; }}"
            "</style>")


class _Follower(QObject):
    """Calls ``fn(colors)`` now and whenever the theme flips (lives as its widget's child,
    so it ends with it)."""

    def __init__(self, widget, fn, name: str):
        super().__init__(widget)
        self.setObjectName(name)
        self.fn = fn
        on_change(self.run)

    def run(self, _dark=None) -> None:
        self.fn(colors())


def follow(widget, fn, name: str = "themeFollower") -> None:
    """Call ``fn(colors)`` now and each time the colours flip, for as long as ``widget``
    lives (a later call with the same ``name`` replaces ``fn``)."""
    f = widget.findChild(_Follower, name)
    if f is None:
        f = _Follower(widget, fn, name)
    f.fn = fn
    f.run()


def caption(label, px: int = 11) -> None:
    """Make ``label`` a small caption in the theme's muted colour (kept when it flips)."""
    follow(label, lambda c: label.setStyleSheet(f"color: {c.muted.name()}; font-size: {px}px;"),
           "themeCaption")


def error_text(label, on: bool = True) -> None:
    """Colour ``label``'s text as an error (``on``) or as ordinary text, readable in
    either theme."""
    follow(label, lambda c: label.setStyleSheet(f"color: {c.error.name()};" if on else ""),
           "themeError")


# ---------------------------------------------------------------------- menu
def fill_menu(menu, settings=None) -> dict:
    """Fill ``menu`` (View ▸ Theme) with one checkable entry per theme; choosing one
    applies it at once and remembers it in ``settings`` (a ``QSettings``, or None).
    Returns {mode: QAction}."""
    from PySide6.QtGui import QAction, QActionGroup

    from .i18n import tr
    names = {"system": tr("&System (follow the desktop)"), "light": tr("&Light"),
             "dark": tr("&Dark")}
    group = QActionGroup(menu)
    group.setExclusive(True)
    current = manager().mode
    actions = {}
    for mode in THEMES:
        a = QAction(names[mode], menu)
        a.setCheckable(True)
        a.setChecked(mode == current)
        a.setData(mode)
        group.addAction(a)
        menu.addAction(a)
        actions[mode] = a
    def chosen(action) -> None:
        mode = action.data()
        if settings is not None:
            settings.setValue(SETTING, mode)
            settings.sync()
        apply(mode)
    group.triggered.connect(chosen)
    return actions
