"""The one owner of the program's windows: ``Session``.

A session holds what outlives a window (the user file, the settings) and the expo windows
it opened. It opens a window on an expo file, replaces a window by one on another file
when the window asks (File ▸ Open, after an import into a new file: the window's
``openRequested`` signal; the window never opens one itself), and when a window closes it
stops and joins the window's threads (its background jobs, the floor plan's tile thread),
closes its expo file and lets Qt delete it (``WA_DeleteOnClose``). So after any number of
File ▸ Open there is one window, one set of threads and no descriptor on a file that no
window shows (on Windows such a file can then be replaced).

    session = Session(user, settings)
    window = session.open(expo)          # or session.open_file(path)
    window.show()
    ...
    session.close()                      # every window closed, every thread joined

``desktop/app.py`` makes the program's session at start; tests make their own.
"""
from __future__ import annotations

import gc
import logging
import os
import weakref
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal

from db.errors import DataError
from db.expo import Expo, open_expo
from db.userdata import UserData

from . import settings as keys
from .i18n import tr
from .richtext import warn

log = logging.getLogger("wesemibay")

_sessions: list["weakref.ref[Session]"] = []


def current() -> "Session | None":
    """The session made last in this process that is still open (the program has one)."""
    for ref in reversed(_sessions):
        s = ref()
        if s is not None and not s.closed:
            return s
    return None


class Session(QObject):
    """Opens, reopens and closes expo windows and their threads (see the module's text)."""
    windowOpened = Signal(object)          # a MainWindow, made (not yet shown)
    windowClosed = Signal(str)             # the expo file of a window that closed

    def __init__(self, user: UserData, settings: QSettings | None = None,
                 parent: QObject | None = None, *, freeze: bool = False):
        super().__init__(parent)
        self.user = user
        self.settings = settings
        # Keep what a window loaded out of the cyclic collector's full passes (they cost
        # 20-80 ms at trade-fair scale); thawed when a window closes, so it is freed.
        self.freeze = freeze
        self._windows: list = []
        self.started = False               # the program's start finished (its loop runs)
        self.closed = False
        _sessions.append(weakref.ref(self))

    # ------------------------------------------------------------------ windows
    @property
    def windows(self) -> list:
        """The open windows, oldest first."""
        return list(self._windows)

    @property
    def window(self):
        """The window opened last (None when every window has closed)."""
        return self._windows[-1] if self._windows else None

    def open(self, expo: Expo):
        """A main window on ``expo`` (an open expo file; the session closes it with the
        window). Not shown yet: the caller sizes and shows it."""
        from .main_window import MainWindow
        window = MainWindow(expo, self.user, self.settings)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.openRequested.connect(self._open_requested)
        window.closed.connect(self._window_closed)
        self._windows.append(window)
        self.windowOpened.emit(window)
        return window

    def open_file(self, path: str | os.PathLike):
        """A main window on the expo file at ``path`` (read-only when the file cannot be
        written). Raises ``DataError`` for a file that cannot be opened."""
        path = Path(path)
        # Header and schema only: the whole-file check runs once the window shows.
        expo = open_expo(path, readonly=not os.access(path, os.W_OK), integrity=False)
        try:
            return self.open(expo)
        except BaseException:
            expo.close()
            raise

    def reopen(self, window, path: str | os.PathLike):
        """Replace ``window`` by a window on the expo file at ``path`` (the last expo from
        now on). A file that cannot be opened: one line over ``window``, which stays.
        Returns the new window, or None."""
        try:
            new = self.open_file(path)
        except DataError as exc:
            log.warning("not opened: %s", exc)
            warn(window, tr("Cannot open this file"), str(exc))
            return None
        if self.settings is not None:
            self.settings.setValue(keys.LAST_EXPO, str(Path(path).resolve()))
        if window is not None and window.isVisible():
            new.setGeometry(window.geometry())
        new.show()
        new.integrity.check_in_background()     # quick_check, now that the window shows
        if window is not None:
            window.close()             # it may stay (unsaved notes the user keeps open)
        return new

    def _open_requested(self, path: str) -> None:
        window = self.sender()
        self.reopen(window if window in self._windows else self.window, path)

    def _window_closed(self) -> None:
        window = self.sender()
        if window in self._windows:
            self.release(window)

    def release(self, window) -> None:
        """A window closed: stop its threads, close its expo file, forget it."""
        self._windows.remove(window)
        path = str(window.expo.path)
        window.shutdown()
        try:
            window.expo.close()
        except Exception:
            log.debug("closing %s failed", path, exc_info=True)
        self.windowClosed.emit(path)
        if self.freeze:
            QTimer.singleShot(0, self, self._settle_memory)

    # ------------------------------------------------------------------ memory
    def settle(self, collect: bool = True) -> None:
        """Everything loaded so far lives as long as the window: keep it out of the
        cyclic collector's full passes (when the session freezes). ``collect``: free
        what is garbage first (after a window closed; not at start, where it would walk
        every object once more: 0.3 s at trade-fair scale)."""
        if self.freeze:
            if collect:
                gc.collect()
            gc.freeze()

    def _settle_memory(self) -> None:
        # The closed window's objects were frozen with everything else: thaw, free, and
        # freeze what the open windows hold.
        gc.unfreeze()
        self.settle()

    # ------------------------------------------------------------------ closing
    def close(self) -> bool:
        """Close every window (each may refuse: unsaved notes kept open) and, once none
        is left, the session. True when everything closed."""
        for window in list(reversed(self._windows)):
            window.close()
        if self._windows:
            return False
        self.closed = True
        return True

    def abandon(self) -> None:
        """Put every window away without asking or saving anything (a start that refused
        its arguments): threads joined, files closed, windows deleted."""
        for window in list(reversed(self._windows)):
            window.hide()
            self.release(window)
            window.deleteLater()
        self.closed = True
