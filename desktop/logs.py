"""The program's log and its error hook: one place that says what a user sees of an error.

Errors we expect (``DataError``/``StorageError``: a bad file, a full disk, no permission)
reach the user as one line, in a dialog and on stderr. Anything else is a bug: its
traceback goes to the log, and the user gets one line saying where the log is. The same
split serves the error hook (``handle_exception``, for what escapes a slot) and the
background jobs (``desktop.jobs``: a failed job hands its caller the line).

The log is ``<data dir>/wesemibay.log``, rotated at ``LOG_MAX_BYTES`` with
``LOG_BACKUPS`` older files beside it (``wesemibay.log.1`` …), so it never grows without
bound. A data folder that cannot be written still starts the program: the log goes to the
temporary folder, and when nothing can be written, warnings go to stderr.

Nothing here imports Qt at module level (``wesemibay --help`` starts without it).
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import tempfile
import traceback
from pathlib import Path

from . import APP_NAME

log = logging.getLogger("wesemibay")

LOG_NAME = "wesemibay.log"
LOG_MAX_BYTES = 1_000_000           # one file; then it is renamed wesemibay.log.1 …
LOG_BACKUPS = 3                     # … and at most three older files are kept
log_path: Path | None = None        # where the log goes (None: stderr only)


def dialogs_allowed() -> bool:
    """False under tests and scripted runs (``WESEMIBAY_NO_DIALOGS``): nothing may block."""
    return not os.environ.get("WESEMIBAY_NO_DIALOGS")


def temp_folder(name: str) -> Path:
    """A per-user path in the temporary folder (for a data folder that cannot be written)."""
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return Path(tempfile.gettempdir()) / f"wesemibay-explorer-{user}-{name}"


class RotatingLog(logging.handlers.RotatingFileHandler):
    """A rotating log file that keeps writing when it cannot rotate (another running copy
    holds the old file open on Windows, or the folder became read-only): the file then
    grows past its bound rather than losing every later line."""

    def doRollover(self) -> None:
        try:
            super().doRollover()
        except OSError:
            if self.stream is None:
                self.stream = self._open()
            self.maxBytes = 0           # no more attempts in this run


def setup_logging(data_dir: Path, max_bytes: int = LOG_MAX_BYTES,
                  backups: int = LOG_BACKUPS) -> Path | None:
    """Log to ``<data dir>/wesemibay.log`` (rotated at ``max_bytes``, ``backups`` older
    files kept); when that cannot be written, to a file in the temporary folder; when
    nothing can, warnings to stderr. Returns the log file (or None)."""
    global log_path
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_wesemibay", False)]:
        root.removeHandler(old)  # main() run twice in one process (tests): one log file
        old.close()
    handler: logging.Handler | None = None
    for path in (data_dir / LOG_NAME, temp_folder(LOG_NAME)):
        try:
            handler = RotatingLog(path, maxBytes=max_bytes, backupCount=backups,
                                  encoding="utf-8")
            log_path = path
            break
        except OSError:
            continue
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
        log_path = None
    # A log line that cannot be written (the disk filled up) is dropped, not printed
    # with a traceback.
    logging.raiseExceptions = False
    handler._wesemibay = True
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return log_path


# Qt messages that carry no information for the user (the offscreen platform
# cannot resize native windows, which it does not have).
QT_NOISE = ("This plugin does not support propagateSizeHints", "This plugin does not support raise")


def route_qt_messages() -> None:
    """Send Qt's own messages to the log file instead of stderr."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}

    def handler(mode, context, message):
        if message.startswith(QT_NOISE):
            return
        logging.getLogger("qt").log(levels.get(mode, logging.WARNING), message)
    qInstallMessageHandler(handler)


def expected_error(value: BaseException) -> str | None:
    """One line for an error we expect (bad file, full disk, no permission); None for a bug."""
    from db.errors import DataError, describe, is_storage_fault
    if isinstance(value, DataError):
        return (str(value).strip().splitlines() or [type(value).__name__])[0]
    if is_storage_fault(value):
        name = getattr(value, "filename", None)
        return f"{name}: {describe(value)}" if name else describe(value)
    return None


def bug_line(kind: str) -> str:
    """The one line a user reads about a bug (its traceback is in the log)."""
    from .i18n import tr
    where = str(log_path) if log_path is not None else tr("the standard error output")
    return tr("An unexpected error occurred ({kind}), a bug in the program. Details are in "
              "{log}").format(kind=kind, log=where)


def show_line(title: str, line: str, critical: bool = False) -> None:
    """One plain line in a dialog (when a window can show one)."""
    try:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication, QMessageBox
        if QApplication.instance() is None or not dialogs_allowed():
            return
        box = QMessageBox(QMessageBox.Icon.Critical if critical else QMessageBox.Icon.Warning,
                          title, line, parent=QApplication.activeWindow())
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()
    except Exception:       # the hook itself must never fail
        log.exception("cannot show the error dialog")


def _report_damage(value: BaseException) -> bool:
    """A damaged page met in a slot: the banner of the window showing that file (True),
    never a traceback."""
    try:
        from .integrity_view import report_damage
        from .session import current
        path = getattr(value, "filename", None)
        if not path:
            session = current()
            window = session.window if session is not None else None
            path = str(window.expo.path) if window is not None else ""
        return report_damage(path, value)
    except Exception:                  # the hook itself must never fail
        log.debug("damage report failed", exc_info=True)
        return False


def handle_exception(etype, value, tb) -> None:
    """``sys.excepthook``: errors that escape a slot or start-up end here."""
    if issubclass(etype, KeyboardInterrupt):
        sys.__excepthook__(etype, value, tb)
        return
    if _report_damage(value):
        return                         # the window's banner says it, once
    line = expected_error(value)
    if line is not None:
        log.warning("%s", line)
        sys.stderr.write(f"wesemibay: {line}\n")
        show_line(APP_NAME, line)
        return
    text = "".join(traceback.format_exception(etype, value, tb))
    log.error("unexpected error (a bug):\n%s", text)
    if log_path is None:
        sys.stderr.write(text)          # no log file: stderr is the only record
    line = bug_line(etype.__name__)
    sys.stderr.write(f"wesemibay: {line}\n")
    show_line(APP_NAME, line, critical=True)


def install_excepthook() -> None:
    """Log unexpected errors and tell the user, instead of dying silently in a slot."""
    sys.excepthook = handle_exception
