"""The window's size and place: it opens to fit the screen it is on, and remembers its
geometry per screen; the docks' minimum sizes and default arrangement; the minimap shown
only when part of the floor is out of view.

Geometry is kept under a key per screen (its name and size: a laptop's own panel and the
office monitor each keep theirs), so a window closed on a large monitor never opens
larger than a small screen. A saved geometry that does not fit the screen now is not used.
"""
from __future__ import annotations

import re

from PySide6.QtCore import (QByteArray, QEvent, QObject, QPoint, QRect, QSettings, QSize, Qt,
                            QTimer)
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QDockWidget, QMainWindow

from .settings import GEOMETRY, SCREEN_GEOMETRY, WINDOW_STATE

PREFERRED = QSize(1400, 880)     # on a screen with room for it
LEGACY_KEY = GEOMETRY            # one geometry for all screens (earlier versions): if it fits
# What the window frame and title bar take (not known before the window is shown).
FRAME = QSize(16, 40)
# Docks: narrow enough for 1280x720 with every dock open, wide enough to read.
MIN_SIDE_WIDTH = 240             # search and exhibitors
MIN_DETAIL_WIDTH = 300           # details, My plan
MIN_BOTTOM_HEIGHT = 170          # policy timeline, sources, products


def screen_of(window) -> QScreen | None:
    return window.screen() or QGuiApplication.primaryScreen()


def screen_key(screen: QScreen | None) -> str:
    """The settings key of the window's geometry on ``screen`` (name and size)."""
    if screen is None:
        return LEGACY_KEY
    size = screen.size()
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", screen.name() or "screen")[:60] or "screen"
    return SCREEN_GEOMETRY.format(screen=f"{name}-{size.width()}x{size.height()}")


def initial_size(available: QRect, preferred: QSize = PREFERRED) -> QSize:
    """The first size on a screen whose available area is ``available``: the preferred
    size, made smaller where the screen (less the frame) is smaller."""
    return QSize(max(200, min(preferred.width(), available.width() - FRAME.width())),
                 max(200, min(preferred.height(), available.height() - FRAME.height())))


def fits(geometry: QRect, available: QRect) -> bool:
    """The window's geometry (without its frame) lies on the available area, frame included."""
    framed = geometry.adjusted(0, 0, FRAME.width(), FRAME.height())
    return framed.width() <= available.width() and framed.height() <= available.height() \
        and available.intersects(geometry)


def place(window: QMainWindow, settings: QSettings | None) -> None:
    """Open at the geometry saved for this screen, else sized to fit it and centred."""
    screen = screen_of(window)
    available = screen.availableGeometry() if screen is not None else QRect(0, 0, 1400, 900)
    saved = None
    if settings is not None:     # this screen's, else the one earlier versions kept for all
        saved = settings.value(screen_key(screen)) or settings.value(LEGACY_KEY)
    if isinstance(saved, QByteArray) and window.restoreGeometry(saved) \
            and fits(window.geometry(), available):
        return
    size = initial_size(available)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(size)
    left = available.left() + max(0, (available.width() - size.width() - FRAME.width()) // 2)
    top = available.top() + max(0, (available.height() - size.height() - FRAME.height()) // 2)
    window.move(QPoint(left, top))


def remember(window: QMainWindow, settings: QSettings) -> None:
    settings.setValue(screen_key(screen_of(window)), window.saveGeometry())


def arrange_docks(window: QMainWindow, left: QDockWidget, right: QDockWidget,
                  bottom: list[QDockWidget]) -> None:
    """Sensible minimum sizes; the bottom docks (timeline, sources, products) share one
    place as tabs, so two of them open never crush each other."""
    left.setMinimumWidth(MIN_SIDE_WIDTH)
    right.setMinimumWidth(MIN_DETAIL_WIDTH)
    # The side docks' widths follow the window's width when it is first shown (a screenshot
    # or a saved geometry may size it after this), unless a saved dock layout is restored.
    sizer = _FirstShow(window, lambda: window.resizeDocks(
        [left, right], side_widths(window.width()), Qt.Orientation.Horizontal))
    window.installEventFilter(sizer)
    window._dock_sizer = sizer
    for dock in bottom:
        dock.setMinimumHeight(MIN_BOTTOM_HEIGHT)
    for dock in bottom[1:]:
        window.tabifyDockWidget(bottom[0], dock)
    # The first bottom dock shown opens at a height that leaves the plan in view.
    state = {"sized": False}

    def first_shown(visible: bool, dock: QDockWidget) -> None:
        if visible and not state["sized"] and not dock.isFloating():
            state["sized"] = True
            QTimer.singleShot(0, lambda: window.resizeDocks(
                [dock], [bottom_height(window.height())], Qt.Orientation.Vertical))
    for dock in bottom:
        dock.visibilityChanged.connect(lambda visible, d=dock: first_shown(visible, d))
    window._bottom_sized = state


def side_widths(window_width: int) -> list[int]:
    """The search and detail docks' first widths: the plan keeps the most room."""
    return [max(MIN_SIDE_WIDTH, min(400, int(window_width * 0.27))),
            max(MIN_DETAIL_WIDTH, min(430, int(window_width * 0.3)))]


class _FirstShow(QObject):
    def __init__(self, parent, action):
        super().__init__(parent)
        self.action = action

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Show:
            obj.removeEventFilter(self)
            self.action()
        return False


def restore_state(window: QMainWindow, settings: QSettings) -> bool:
    """The dock layout saved last (its sizes kept, not the defaults)."""
    state = settings.value(WINDOW_STATE)
    if isinstance(state, QByteArray) and window.restoreState(state):
        sizer = getattr(window, "_dock_sizer", None)
        if sizer is not None:
            window.removeEventFilter(sizer)
        getattr(window, "_bottom_sized", {})["sized"] = True
        return True
    return False


def bottom_height(window_height: int) -> int:
    """The height a bottom dock opens at: room for the timeline, the plan kept in view."""
    return max(MIN_BOTTOM_HEIGHT, min(440, int(window_height * 0.42)))


def follow_minimap(view, action) -> None:
    """The minimap shows (when View ▸ Minimap is on) only while part of the floor is out of
    view: at fit-all it would only cover the plan."""
    def update() -> None:
        floor = view.floor.content_rect
        seen = view.visible_scene_rect()
        whole = seen.adjusted(-1, -1, 1, 1).contains(floor)
        on = action.isChecked() and not whole
        if view.minimap.isVisible() != on:
            view.set_minimap_visible(on)
    view.viewChanged.connect(update)
    view.horizontalScrollBar().valueChanged.connect(lambda _v: update())
    view.verticalScrollBar().valueChanged.connect(lambda _v: update())
    action.toggled.connect(lambda _on: update())
    update()
