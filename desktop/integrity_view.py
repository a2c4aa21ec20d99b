"""The expo file's integrity on screen: a background check after the window shows, File ▸
Check the file for damage, and one banner when the file is damaged.

The check and its memory are ``db.integrity`` (``quick_check`` read-only, remembered per file
identity in the data folder, so an unchanged file is not checked again). A damaged page met
later by a model or a worker (``sqlite3.DatabaseError``, or the ``DataError`` ``db`` makes of
it) reaches the same banner through ``report_damage``, from any thread: said once per file,
never as a traceback. Nothing here writes to the expo file or the user file.
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton

from db import integrity

from .i18n import tr
from .jobs import LOW, runner_of, shared_runner

log = logging.getLogger("wesemibay.integrity")


class _Hub(QObject):
    damaged = Signal(str, str)            # the file's path, one line saying what is wrong


_hub: _Hub | None = None


def hub() -> _Hub:
    """The one place damage is told to (made on the UI thread by the first window)."""
    global _hub
    if _hub is None:
        _hub = _Hub()
    return _hub


def report_damage(path, exc: BaseException) -> bool:
    """Tell the window showing ``path`` (None: the open one) that a read failed on damage,
    from any thread. False when ``exc`` is not damage (then it is the caller's to handle)."""
    line = integrity.damage_line(path or "the expo file", exc)
    if line is None or _hub is None:
        return False
    log.warning("%s", line)
    try:
        _hub.damaged.emit(str(Path(path).resolve()) if path else "", line)
    except RuntimeError:                  # the application is going away
        pass
    return True


class _Done(QObject):
    done = Signal(object, bool)           # db.integrity.Result or None, asked for by the user


class IntegrityWatch(QObject):
    """The window's part: ``banner`` (hidden until damage is found), ``action`` (the menu
    entry), ``check_in_background()`` (after the window shows)."""

    def __init__(self, window, expo_path, data_dir, parent=None):
        super().__init__(parent or window)
        self.window = window
        self.path = Path(expo_path).resolve()
        self.cache = integrity.IntegrityCache(data_dir)
        self.result: integrity.Result | None = None
        self.damage: str | None = None    # the line shown, once
        self._check: integrity.Check | None = None
        self._signals = _Done()
        self._signals.done.connect(self._on_done)
        hub().damaged.connect(self._on_damaged)

        self.banner = QFrame()
        self.banner.setObjectName("damageBanner")
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setStyleSheet("#damageBanner { background: #fde2e1; color: #5c0b07; }"
                                  "#damageBanner QLabel { color: #5c0b07; }")
        lay = QHBoxLayout(self.banner)
        lay.setContentsMargins(8, 4, 4, 4)
        self.banner_text = QLabel()
        self.banner_text.setTextFormat(Qt.TextFormat.PlainText)
        self.banner_text.setWordWrap(True)
        self.banner_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.banner_text, 1)
        close = QToolButton()
        close.setText(tr("Hide"))
        close.setAutoRaise(True)
        close.clicked.connect(self.banner.hide)
        lay.addWidget(close)
        self.banner.setAccessibleName(tr("The expo file is damaged"))
        self.banner.hide()

        self.action = QAction(tr("&Check the file for damage"), window)
        self.action.setStatusTip(tr("Read every page of the expo file (it is not changed)"))
        self.action.triggered.connect(lambda: self.check_in_background(force=True))

    # --------------------------------------------------------------- checking
    def running(self) -> bool:
        return self._check is not None

    def check_in_background(self, force: bool = False) -> None:
        """Check the file (or take the remembered result of an unchanged file) in a thread;
        ``force``: check even so (the menu entry)."""
        if self._check is not None:
            return
        check = self._check = integrity.Check(self.path)
        signals = self._signals
        if force:
            self._status(tr("Checking the expo file for damage…"))

        def work(task):
            task.on_cancel(check.cancel)   # the window closes: the check stops at once
            try:
                return integrity.check_file(self.path, self.cache, force=force, check=check)
            except Exception as exc:       # the file went away, a bug: logged, never raised
                log.warning("integrity check of %s: %s", self.path, exc)
                return None

        runner = runner_of(self.window) or shared_runner()
        runner.submit(work, name="integrity", priority=LOW,
                      done=lambda result: signals.done.emit(result, force))

    def stop(self) -> None:
        """Stop a running check (the window closes)."""
        if self._check is not None:
            self._check.cancel()

    def _on_done(self, result, asked: bool) -> None:
        self._check = None
        if result is None:
            return
        self.result = result
        if not result.ok:
            self.show_damage(result.message)
        elif asked:
            self._status(tr("No damage found in the expo file."))
        else:
            log.info("integrity of %s: ok%s", self.path, " (remembered)" if result.cached else "")

    # ---------------------------------------------------------------- damage
    def _on_damaged(self, path: str, line: str) -> None:
        if path in (str(self.path), ""):      # "": the file is not known (the open one)
            self.show_damage(line)

    def show_damage(self, line: str) -> None:
        """The banner, once per window: later reports of the same file add nothing."""
        if self.damage is not None:
            return
        self.damage = line
        log.warning("%s", line)
        self.banner_text.setText(tr("The expo file is damaged: {line}. Your notes and stars "
                                    "are kept in your own file and were not touched.").format(
                                        line=line.rstrip(". ")))
        self.banner.show()

    def _status(self, text: str) -> None:
        bar = getattr(self.window, "statusBar", None)
        if bar is not None:
            bar().showMessage(text, 10000)
