"""The floor-plan view: zoom around the cursor, pan, hover, click, keyboard walk,
a minimap and a level switcher."""
from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (QFont, QImage, QKeyEvent, QMouseEvent, QPainter, QPen,
                           QWheelEvent)
from PySide6.QtWidgets import (QApplication, QButtonGroup, QGraphicsView, QHBoxLayout,
                               QToolButton, QToolTip, QWidget)

from ..i18n import tr
from ..richtext import tooltip
from .nav import nearest_in_direction
from .scene import FloorScene

MAX_PX_PER_M = 90.0     # closest zoom: a 3 m booth is 270 px wide
ZOOM_STEP = 1.25
CLICK_SLOP = 4           # pixels a press may move and still count as a click
LABEL_PX_PER_M = 14.0    # zoom at which booth codes and names can be read


class Minimap(QWidget):
    """The whole level, small, with the visible rectangle; click or drag to move there."""

    def __init__(self, view: "FloorView"):
        super().__init__(view)
        self.view = view
        self.setObjectName("minimap")
        self.setAccessibleName(tr("Minimap"))
        self.setToolTip(tr("Overview: click or drag to move the view"))
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.resize(220, 140)
        self._picture: tuple[tuple, QImage] | None = None

    def layout_for(self, bounds: QRectF) -> None:
        w = 220
        h = int(max(60, min(180, w * bounds.height() / max(bounds.width(), 1))))
        self.resize(w, h)

    def _frame(self) -> tuple[QRectF, float, QRectF]:
        """(drawing rect in widget px, px per metre, level bounds)."""
        b = self.view.floor.content_rect
        inner = QRectF(self.rect()).adjusted(4, 4, -4, -4)
        s = min(inner.width() / max(b.width(), 1), inner.height() / max(b.height(), 1))
        w, h = b.width() * s, b.height() * s
        r = QRectF(inner.center().x() - w / 2, inner.center().y() - h / 2, w, h)
        return r, s, b

    def to_scene(self, p: QPointF) -> QPointF:
        r, s, b = self._frame()
        return QPointF(b.left() + (p.x() - r.left()) / s, b.top() + (p.y() - r.top()) / s)

    def from_scene(self, rect: QRectF) -> QRectF:
        r, s, b = self._frame()
        return QRectF(r.left() + (rect.left() - b.left()) * s, r.top() + (rect.top() - b.top()) * s,
                      rect.width() * s, rect.height() * s)

    def picture(self) -> tuple[QImage, QPointF]:
        """The level as drawn here: the overview image averaged down to this widget's
        size in device pixels (so it is sharp at every device pixel ratio), and where its
        top-left corner goes (logical pixels)."""
        fs = self.view.floor
        ratio = self.devicePixelRatio()
        img, scale, origin = fs.tiles.overview(fs.level, fs.render_state)
        r = self.from_scene(QRectF(origin.x(), origin.y(), img.width() / scale,
                                   img.height() / scale))
        left, top = round(r.left() * ratio), round(r.top() * ratio)
        w = max(1, round(r.right() * ratio) - left)
        h = max(1, round(r.bottom() * ratio) - top)
        key = (fs.level, fs.render_state.version, img.cacheKey(), left, top, w, h, ratio)
        if self._picture is None or self._picture[0] != key:
            small = img.scaled(w, h, Qt.AspectRatioMode.IgnoreAspectRatio,
                               Qt.TransformationMode.SmoothTransformation)
            small.setDevicePixelRatio(ratio)
            self._picture = (key, small)
        return self._picture[1], QPointF(left / ratio, top / ratio)

    def paintEvent(self, event) -> None:
        colors = self.view.floor.colors
        p = QPainter(self)
        p.fillRect(self.rect(), colors.minimap_bg)
        img, at = self.picture()
        p.drawImage(at, img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        vis = self.from_scene(self.view.visible_scene_rect()).intersected(QRectF(self.rect()))
        p.setPen(QPen(colors.select, 2))
        p.setBrush(colors.view_box)
        p.drawRect(vis)
        p.setPen(colors.minimap_frame)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._move(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._move(event.position())
        event.accept()

    def _move(self, p: QPointF) -> None:
        self.view.floor.mark_interactive()
        self.view.centerOn(self.to_scene(p))
        self.view.viewChanged.emit()


class LevelSwitcher(QWidget):
    """One button per level; shows one level at a time."""

    def __init__(self, view: "FloorView"):
        super().__init__(view)
        self.view = view
        self.setObjectName("levelSwitcher")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(2)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[int, QToolButton] = {}
        fs = view.floor
        for n in fs.level_numbers():
            b = QToolButton()
            b.setText(fs.level_name(n))
            b.setCheckable(True)
            b.setChecked(n == fs.level)
            b.setToolTip(tr("Show this level (Page Up / Page Down)"))
            b.clicked.connect(lambda _=False, n=n: view.set_level(n))
            self.group.addButton(b)
            lay.addWidget(b)
            self.buttons[n] = b
        self.setAutoFillBackground(True)
        fs.levelChanged.connect(self._sync)
        self.adjustSize()

    def _sync(self, n: int) -> None:
        b = self.buttons.get(n)
        if b is not None and not b.isChecked():
            b.setChecked(True)


class FloorView(QGraphicsView):
    boothClicked = Signal(int)      # booth id; -1 for empty floor
    boothActivated = Signal(int)    # double-click or Enter
    boothFocused = Signal(int)      # keyboard focus moved to this booth
    viewChanged = Signal()

    def __init__(self, scene: FloorScene, badge: str = "", parent=None):
        super().__init__(scene, parent)
        self.floor = scene
        self.badge = badge
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        # Labels stay at the edge of the view while panning: repaint it all (tiles are cheap).
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        # The plan paints every pixel of its scene rectangle (tiles or a preview): the
        # viewport need not be cleared first, nor the background drawn under the plan
        # (two fills of the whole view, four times the pixels on a HiDPI screen).
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName(tr("Floor plan"))
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        self._press: QPoint | None = None
        self._fitted = False
        self._screen_window = None      # the window whose screen changes we follow
        self.horizontalScrollBar().valueChanged.connect(self.viewChanged)
        self.verticalScrollBar().valueChanged.connect(self.viewChanged)
        self.minimap = Minimap(self)
        self.minimap.layout_for(scene.content_rect)
        self.level_switcher = LevelSwitcher(self)
        self.level_switcher.setVisible(len(scene.levels) > 1)
        self.viewChanged.connect(self.minimap.update)
        scene.tilesChanged.connect(self.minimap.update)
        scene.levelChanged.connect(self._level_changed)

    # ------------------------------------------------------------- helpers
    @property
    def focus_booth(self) -> int | None:
        return self.floor.overlay.focus

    def is_sharp(self) -> bool:
        return self.floor.is_sharp()

    def settle(self, timeout_s: float = 5.0) -> bool:
        """Process events until the picture is sharp (for tests, screenshots, benchmarks)."""
        end = time.perf_counter() + timeout_s
        # No repaint up front: pending updates are painted by processEvents, and a sharp
        # state is confirmed by a fresh repaint before returning.
        while time.perf_counter() < end:
            QApplication.processEvents()
            if self.floor.is_sharp():
                self.viewport().repaint()
                if self.floor.is_sharp():
                    return True
            time.sleep(0.002)
        return False

    def set_minimap_visible(self, on: bool) -> None:
        self.minimap.setVisible(on)

    def set_level(self, n: int) -> None:
        self.floor.set_level(n)

    def _level_changed(self, n: int) -> None:
        self.minimap.layout_for(self.floor.content_rect)
        self._place_children()
        self.fit_all()

    def _place_children(self) -> None:
        vp = self.viewport().geometry()
        mm = self.minimap
        mm.move(vp.right() - mm.width() - 10, vp.bottom() - mm.height() - 10)
        self.level_switcher.move(vp.left() + 10, vp.top() + 10)

    # ----------------------------------------------------------------- zoom
    def scale_factor(self) -> float:
        return self.transform().m11()

    def min_scale(self) -> float:
        r = self.floor.content_rect
        vw, vh = max(self.viewport().width(), 50), max(self.viewport().height(), 50)
        return 0.6 * min(vw / r.width(), vh / r.height())

    def fit_all(self) -> None:
        self.fitInView(self.floor.content_rect.adjusted(-4, -14, 4, 4),
                       Qt.AspectRatioMode.KeepAspectRatio)
        self._fitted = True
        self.viewChanged.emit()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom by ``factor`` keeping the scene point under ``anchor`` (viewport px) still."""
        current = self.scale_factor()
        target = max(self.min_scale(), min(MAX_PX_PER_M, current * factor))
        factor = target / current
        if abs(factor - 1.0) < 1e-6:
            return
        if anchor is None:
            anchor = QPointF(self.viewport().rect().center())
        before = self.mapToScene(anchor.toPoint())
        self.scale(factor, factor)
        after = self.mapToScene(anchor.toPoint())
        delta = after - before
        self.translate(delta.x(), delta.y())
        # translate() is ignored when the scroll bars define the position: move them.
        shift = self.mapFromScene(before) - anchor.toPoint()
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + shift.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + shift.y())
        self._fitted = False
        self.viewChanged.emit()

    def fly_to(self, ids: list[int] | set[int], min_px_per_m: float = LABEL_PX_PER_M) -> None:
        """Centre the view on these booths, zooming in far enough to read labels."""
        ids = list(ids)
        if not ids:
            return
        fs = self.floor
        if not any(fs.on_level(i) for i in ids):
            fs.set_level(fs.booth_level[ids[0]])
        ids = [i for i in ids if fs.on_level(i)]
        rect = QRectF()
        for i in ids:
            rect = rect.united(fs.booth_rect(i))
        vw, vh = self.viewport().width(), self.viewport().height()
        # Fit the booths with some floor around them, but never closer than 20 px/m
        # (context matters) nor farther than min_px_per_m (labels must be readable).
        want = min(vw / max(rect.width() + 24, 1), vh / max(rect.height() + 24, 1))
        target = max(min_px_per_m, min(want, 20.0))
        target = max(self.min_scale(), min(MAX_PX_PER_M, target))
        self.zoom_by(target / self.scale_factor())
        self.centerOn(rect.center())
        self.viewChanged.emit()

    def visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    # --------------------------------------------------------------- events
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fitted or self.scale_factor() < self.min_scale():
            self.fit_all()
        self._place_children()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._place_children()
        handle = self.window().windowHandle()
        if handle is not None and handle is not self._screen_window:
            self._screen_window = handle
            handle.screenChanged.connect(self._ratio_changed)

    def _ratio_changed(self, *_args) -> None:
        """The window moved to a screen of another device pixel ratio (or the ratio
        changed): paint again; tiles of the new ratio are drawn, the old ones show until
        they are there."""
        self.viewport().update()
        self.minimap.update()

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.NativeGesture and \
                event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
            self.floor.mark_interactive()
            self.zoom_by(1.0 + event.value(), event.position())
            return True
        if event.type() == QEvent.Type.Gesture:
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if pinch is not None:
                self.floor.mark_interactive()
                pos = self.viewport().mapFromGlobal(pinch.centerPoint().toPoint())
                self.zoom_by(pinch.scaleFactor(), QPointF(pos))
                return True
        return super().viewportEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps == 0:
            return super().wheelEvent(event)
        self.floor.mark_interactive()
        self.zoom_by(ZOOM_STEP ** steps, event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and self._press is not None:
            moved = (event.position().toPoint() - self._press).manhattanLength()
            self._press = None
            if moved <= CLICK_SLOP:
                i = self.floor.booth_at(self.mapToScene(event.position().toPoint()))
                self.boothClicked.emit(-1 if i is None else i)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        i = self.floor.booth_at(self.mapToScene(event.position().toPoint()))
        if i is not None:
            self.fly_to([i], min_px_per_m=30.0)
            self.boothActivated.emit(i)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons():
            self.floor.mark_interactive()
        super().mouseMoveEvent(event)
        if event.buttons():
            return
        i = self.floor.booth_at(self.mapToScene(event.position().toPoint()))
        overlay = self.floor.overlay
        if i != overlay.hover:
            overlay.hover = i
            overlay.update()
            if i is None:
                QToolTip.hideText()
                self.viewport().unsetCursor()
            else:
                self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
                QToolTip.showText(event.globalPosition().toPoint(),
                                  tooltip(self.floor.booth_tooltip(i)), self)

    def leaveEvent(self, event) -> None:
        if self.floor.overlay.hover is not None:
            self.floor.overlay.hover = None
            self.floor.overlay.update()
        super().leaveEvent(event)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.DevicePixelRatioChange:
            self._ratio_changed()
        # Tab / Shift+Tab walk the booths while the plan has focus (Ctrl+Tab leaves it).
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Tab,
                                                                    Qt.Key.Key_Backtab) \
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            back = event.key() == Qt.Key.Key_Backtab or \
                bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.walk(-1 if back else 1)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                    | Qt.KeyboardModifier.AltModifier)
        arrows = {Qt.Key.Key_Left: "left", Qt.Key.Key_Right: "right", Qt.Key.Key_Up: "up",
                  Qt.Key.Key_Down: "down"}
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.floor.mark_interactive()
            self.zoom_by(ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.floor.mark_interactive()
            self.zoom_by(1 / ZOOM_STEP)
        elif key == Qt.Key.Key_0:
            self.floor.mark_interactive()
            self.fit_all()
        elif key in arrows and mods:
            self.move_focus(arrows[key])
        elif key in arrows:
            self.floor.mark_interactive()
            dx = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}.get(key, 0)
            dy = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(key, 0)
            step = self.viewport().width() // 8
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + dx * step)
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() + dy * step)
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown) and len(self.floor.levels) > 1:
            levels = self.floor.level_numbers()
            k = levels.index(self.floor.level) + (1 if key == Qt.Key.Key_PageUp else -1)
            if 0 <= k < len(levels):
                self.set_level(levels[k])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.focus_booth is not None:
            self.boothActivated.emit(self.focus_booth)
        else:
            super().keyPressEvent(event)

    # ------------------------------------------------------ keyboard focus
    def _shown(self, i: int) -> bool:
        d = self.floor.data
        return self.floor.on_level(i) and d.zones[i] not in d.hidden_zones

    def set_focus_booth(self, i: int | None, reveal: bool = True) -> None:
        ov = self.floor.overlay
        ov.focus = i
        ov.update()
        if i is None:
            return
        if reveal:
            self.reveal(i)
        self.boothFocused.emit(i)
        text = self.floor.booth_tooltip(i)        # what a screen reader says of the booth
        self.setAccessibleDescription(text)
        r = self.mapFromScene(self.floor.booth_rect(i)).boundingRect()
        QToolTip.showText(self.viewport().mapToGlobal(r.bottomLeft()), tooltip(text), self)

    def reveal(self, i: int) -> None:
        """Bring booth ``i`` into view, readable, moving as little as possible."""
        fs = self.floor
        if not fs.on_level(i):
            fs.set_level(fs.booth_level[i])
        rect = fs.booth_rect(i)
        if self.scale_factor() < LABEL_PX_PER_M * 0.6:
            self.fly_to([i])
            return
        margin = 40 / self.scale_factor()
        vis = self.visible_scene_rect().adjusted(margin, margin, -margin, -margin)
        if not vis.contains(rect):
            self.centerOn(rect.center())
            self.viewChanged.emit()

    def walk(self, step: int) -> None:
        """Tab / Shift+Tab: the next / previous booth in reading order."""
        fs = self.floor
        level = fs.levels[fs.level]
        order = level.order()
        if not order:
            return
        cur = self.focus_booth
        pos = level.position(cur) if cur is not None else None
        if pos is None:
            vis = self.visible_scene_rect()
            start = [k for k, i in enumerate(order) if vis.contains(fs.booth_rect(i).center())]
            pos = (start[0] if step > 0 else start[-1]) if start else (0 if step > 0 else len(order) - 1)
            pos -= step
        n = len(order)
        for k in range(1, n + 1):
            i = order[(pos + step * k) % n]
            if self._shown(i):
                self.set_focus_booth(i)
                return

    def move_focus(self, direction: str) -> None:
        """Ctrl/Alt+arrow: the nearest booth in that direction."""
        fs = self.floor
        cur = self.focus_booth
        if cur is None or not self._shown(cur):
            self.walk(1)
            return
        level = fs.levels[fs.level]
        b = level.bounds
        j = nearest_in_direction(cur, direction, fs.data.rects, level.within,
                                 max(b.width(), b.height()), self._shown)
        if j is not None:
            self.set_focus_booth(j)

    # ------------------------------------------------------------- painting
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        """The background only where the plan does not paint: beyond its scene rect."""
        inner = self.sceneRect()
        if inner.contains(rect):
            return
        brush = self.floor.backgroundBrush()
        top = min(inner.top(), rect.bottom())
        bottom = max(inner.bottom(), rect.top())
        for r in (QRectF(rect.left(), rect.top(), rect.width(), top - rect.top()),
                  QRectF(rect.left(), bottom, rect.width(), rect.bottom() - bottom),
                  QRectF(rect.left(), top, inner.left() - rect.left(), bottom - top),
                  QRectF(inner.right(), top, rect.right() - inner.right(), bottom - top)):
            if r.width() > 0 and r.height() > 0:
                painter.fillRect(r, brush)

    def _badge_font(self) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(12)
        font.setBold(True)
        return font

    def badge_rect(self) -> QRectF:
        """Where the badge ("Schematic layout") is drawn, in viewport pixels."""
        if not self.badge:
            return QRectF()
        from PySide6.QtGui import QFontMetricsF
        fm = QFontMetricsF(self._badge_font(), self.viewport())
        w = fm.horizontalAdvance(self.badge) + 16
        r = QRectF(self.viewport().width() - w - 10, 10, w, fm.height() + 8)
        sw = self.level_switcher
        if sw.isVisible():        # a narrow view: below the level buttons, not under them
            g = QRectF(self.viewport().mapFrom(self, sw.geometry().topLeft()),
                       sw.geometry().size().toSizeF())
            if g.adjusted(-4, -4, 4, 4).intersects(r):
                r.moveTop(g.bottom() + 6)
        return r

    def covers(self) -> list[QRectF]:
        """What the view draws over the plan (viewport pixels): badge, minimap, levels."""
        out = [self.badge_rect()] if self.badge else []
        for child in (self.minimap, self.level_switcher):
            if child.isVisible():
                g = child.geometry()
                at = self.viewport().mapFrom(self, g.topLeft())
                out.append(QRectF(at.x() - 2, at.y() - 2, g.width() + 4, g.height() + 4))
        return out

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if self.hasFocus():     # visible focus: a frame in the palette's highlight colour
            painter.save()
            painter.resetTransform()
            pen = QPen(self.palette().highlight().color(), 3)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(self.viewport().rect()).adjusted(1.5, 1.5, -1.5, -1.5))
            painter.restore()
        if not self.badge:
            return
        painter.save()
        painter.resetTransform()
        painter.setFont(self._badge_font())
        r = self.badge_rect()
        colors = self.floor.colors
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colors.badge_bg)
        painter.drawRoundedRect(r, 4, 4)
        painter.setPen(colors.badge_text)
        painter.drawText(r, Qt.AlignmentFlag.AlignCenter, self.badge)
        painter.restore()
