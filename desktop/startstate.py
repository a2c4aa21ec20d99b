"""Restored state never locks a user out.

A start restores what the last session left: the expo file open last time, the selection
(and whatever else is kept for the next start, such as a route or a highlight). If one of
those makes the program die before its window is up, every later start would die the same
way. So a start writes a marker into the settings *before* it restores anything, and clears
it once the window has shown, the restore has finished and the window has run for a moment
(or when the program quits normally). A start that finds the marker still there knows the
last start never got that far: it restores nothing, opens the built-in expo (unless an expo
is named on the command line), and says so in the status bar (and in the welcome, when
that shows). A start that refuses its arguments (exit 1) is no crash: it clears the marker.

    guard = StartGuard(settings)          # before the last expo is opened
    if guard.restore: window.restore_selection()
    guard.show_notice(window)             # the line in the status bar, if it skipped
    guard.arm()                           # clears the marker once the window has run
    return guard.finish(1)                # a start that refuses its arguments (exit 1)

Screenshot runs neither restore nor write the marker.
"""
from __future__ import annotations

import logging
import os
import time

from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QMainWindow, QToolButton, QWidget

from .i18n import tr
from .settings import START_PENDING

log = logging.getLogger("wesemibay")

KEY = START_PENDING        # written before restoring; cleared once the window ran
STEADY_MS = 1500           # how long the window must run before the start counts as done


class StartGuard(QObject):
    """The crash-safe marker of one start (see the module's text)."""

    def __init__(self, settings: QSettings, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        left = settings.value(KEY)
        #: the previous start wrote the marker and never cleared it
        self.previous_failed = left is not None
        if self.previous_failed:
            log.warning("the previous start did not finish (marker %r): not restoring the "
                        "last expo, selection, route or highlight", left)
        settings.setValue(KEY, f"{time.strftime('%Y-%m-%dT%H:%M:%S')} pid {os.getpid()}")
        settings.sync()
        self.done = False

    @property
    def restore(self) -> bool:
        """Whether this start may restore the last session's state."""
        return not self.previous_failed

    def message(self) -> str:
        return tr("The last start did not finish, so this one did not reopen the last expo "
                  "file or restore the selection, route or highlight.")

    def show_notice(self, window: QMainWindow) -> QWidget | None:
        """When restoring was skipped: a line in the status bar (with a button that
        dismisses it). Returns the notice, or None when there is nothing to say."""
        if not self.previous_failed:
            return None
        notice = QWidget()
        notice.setObjectName("startNotice")
        lay = QHBoxLayout(notice)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        label = QLabel(tr("The last start did not finish: nothing was restored."))
        label.setObjectName("startNoticeText")
        label.setToolTip(self.message())
        label.setAccessibleName(label.text())
        label.setAccessibleDescription(self.message())
        close = QToolButton()
        close.setText("×")
        close.setAutoRaise(True)
        close.setAccessibleName(tr("Dismiss this message"))
        close.setToolTip(tr("Dismiss this message"))
        close.clicked.connect(notice.deleteLater)
        lay.addWidget(label)
        lay.addWidget(close)
        window.statusBar().addPermanentWidget(notice)
        return notice

    def arm(self, delay_ms: int = STEADY_MS) -> None:
        """Clear the marker once the event loop has run ``delay_ms`` (the window showed its
        restored state) or when the program quits normally, whichever comes first."""
        QTimer.singleShot(delay_ms, self, self.finish)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.finish)

    def finish(self, rc: int | None = None) -> int | None:
        """The start is done (or refused its arguments without crashing, and returns
        ``rc``): remove the marker. Returns ``rc``."""
        if not self.done:
            self.done = True
            self.settings.remove(KEY)
            self.settings.sync()
        return rc
