"""Placing a booth of the *Unplaced booths* tray by drawing it on the floor plan.

Pick a booth in the tray, press *Draw on the floor plan*, drag a rectangle where the
booth stands (Esc cancels). The place is written with ``db.planimport.write.place_booths``
(all or nothing, in the background; the booth cites the plan the layout came from, or
"placed by hand") and the window opens the expo again with the booth on the floor.
"""
from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsRectItem, QPushButton

from ..i18n import tr
from ..richtext import SHORT, plain, warn
from . import dialogs_allowed, jobs

MIN_SIDE_M = 0.3


class BoothPlacer(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.tray = window.unplaced
        self.button = QPushButton(tr("&Draw on the floor plan"))
        self.button.setObjectName("placeBooth")
        self.button.setToolTip(tr("Pick a booth in the list, then drag a rectangle on the "
                                  "floor plan where it stands (Esc cancels)"))
        self.button.setEnabled(False)
        self.button.clicked.connect(self.start)
        self.tray.layout().addWidget(self.button)
        self.tray.list.currentRowChanged.connect(
            lambda row: self.button.setEnabled(row >= 0 and self.code is None))
        self.code: str | None = None
        self._start: QPointF | None = None
        self._rubber: QGraphicsRectItem | None = None
        self.job = None
        self.last_error = ""

    def current_code(self) -> str | None:
        row = self.tray.list.currentRow()
        return self.tray.codes[row] if 0 <= row < len(self.tray.codes) else None

    def _tell(self, title: str, text: str) -> None:
        self.last_error = text
        self.window.statusBar().showMessage(text, 15000)
        if dialogs_allowed():
            warn(self.window, title, text)

    # ------------------------------------------------------------------ mode
    def start(self) -> None:
        code = self.current_code()
        if code is None or self.code is not None:
            return
        path = self.window.expo.path
        if not os.access(path, os.W_OK):
            self._tell(tr("Booth not placed"), tr(
                "This expo file is read-only: open a copy of it to place booths."))
            return
        self.code = code
        self.button.setEnabled(False)
        view = self.window.view
        self._drag = view.dragMode()
        view.setDragMode(view.DragMode.NoDrag)
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)
        view.viewport().setCursor(Qt.CursorShape.CrossCursor)
        view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.window.statusBar().showMessage(tr(
            "Drag a rectangle on the floor plan where booth {code} stands. Esc cancels.")
            .format(code=plain(code, SHORT)))

    def stop(self) -> None:
        view = self.window.view
        view.viewport().removeEventFilter(self)
        view.removeEventFilter(self)
        view.setDragMode(self._drag)
        view.viewport().unsetCursor()
        if self._rubber is not None:
            self.window.scene.removeItem(self._rubber)
            self._rubber = None
        self._start = None
        self.code = None
        self.button.setEnabled(self.current_code() is not None)

    def eventFilter(self, obj, event) -> bool:
        if self.code is None:
            return False
        view = self.window.view
        t = event.type()
        if t == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self.stop()
            self.window.statusBar().showMessage(tr("Placing cancelled."), 5000)
            return True
        if obj is not view.viewport():
            return False
        if t == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._start = view.mapToScene(event.position().toPoint())
            pen = QPen(self.window.scene.colors.select, 2, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            self._rubber = self.window.scene.addRect(QRectF(self._start, self._start), pen)
            self._rubber.setZValue(50)
            return True
        if t == QEvent.Type.MouseMove and self._start is not None:
            p = view.mapToScene(event.position().toPoint())
            self._rubber.setRect(QRectF(self._start, p).normalized())
            return True
        if t == QEvent.Type.MouseButtonRelease and self._start is not None \
                and event.button() == Qt.MouseButton.LeftButton:
            p = view.mapToScene(event.position().toPoint())
            rect = QRectF(self._start, p).normalized()
            code = self.code
            self.stop()
            self.place(code, rect)
            return True
        if t in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
                 QEvent.Type.MouseButtonDblClick):
            return True
        return False

    # ----------------------------------------------------------------- write
    def place(self, code: str, rect: QRectF) -> None:
        """Write booth ``code`` at ``rect`` (metres on the floor) into the expo file."""
        if rect.width() < MIN_SIDE_M or rect.height() < MIN_SIDE_M:
            self._tell(tr("Booth not placed"), tr(
                "The rectangle is too small for a booth: drag from one corner to the other."))
            return
        from db.planimport.write import place_booths
        path = self.window.expo.path
        spot = [{"code": code, "x": round(rect.left(), 3), "y": round(rect.top(), 3),
                 "w": round(rect.width(), 3), "h": round(rect.height(), 3)}]
        self.button.setEnabled(False)
        self.window.statusBar().showMessage(tr("Placing booth {code}…").format(
            code=plain(code, SHORT)))
        self.job = jobs.run(lambda _progress: place_booths(path, spot), owner=self.window,
                            finished=lambda _summary: self._placed(code),
                            failed=self._failed)

    def _placed(self, code: str) -> None:
        """Open the expo again (its floor now has the booth) and select the booth."""
        from ..session import current
        self.window.open_requested(str(self.window.expo.path))
        session = current()
        new = session.window if session is not None else None
        if new is not None and new is not self.window:
            new.select_text(code)

    def _failed(self, exc) -> None:
        self.button.setEnabled(self.current_code() is not None)
        self._tell(tr("Booth not placed"), str(exc))
