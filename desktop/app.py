"""Start-up: options, paths, logging, error hook, settings, files, main window.

``wesemibay`` (also ``python -m desktop``). Exit codes: 0 success, 2 wrong
usage, 1 a bad file (one line on stderr naming it).

Errors we expect (``DataError``/``StorageError``: a bad file, a full disk, no
permission) reach the user as one line, in a dialog and on stderr. Anything else
is a bug: its traceback goes to the log, and the user gets one line saying where
the log is. A data folder that cannot be written still starts the program: the
log goes to the temporary folder, the built-in expo is built there, and the user
file is read-only (``UserData.readonly_reason``, shown in the window).
"""
from __future__ import annotations

import argparse
import gc
import logging
import os
import sqlite3
import sys
from pathlib import Path

from db.paths import default_data_dir  # one data folder for the window and the CLI

from . import APP_NAME, ORG, version  # noqa: F401  (the program's name and version)
from . import settings as keys       # every settings key, by name
from .logs import (dialogs_allowed, handle_exception, install_excepthook,  # noqa: F401
                   route_qt_messages, setup_logging, show_line, temp_folder)

LANGS = ("en", "de", "zh")
THEMES = ("system", "light", "dark")   # desktop.theme.THEMES (here: --help needs no Qt)
log = logging.getLogger("wesemibay")


# Qt's own command-line options (``qt6options(7)``), passed through to QApplication: those
# that take a value (``-style fusion`` or ``-style=fusion``) and those that do not. Qt also
# takes them with two dashes.
QT_VALUE_OPTIONS = ("style", "stylesheet", "platform", "platformpluginpath", "platformtheme",
                    "plugin", "qwindowgeometry", "qwindowicon", "qwindowtitle", "session",
                    "display", "geometry", "name", "title", "dialogs", "fontengine",
                    "qmljsdebugger")
QT_FLAG_OPTIONS = ("reverse", "widgetcount", "nograb", "dograb", "sync", "testability")


def split_qt_options(extra: list[str]) -> tuple[list[str], list[str]]:
    """(Qt's options with their values, everything else) from what our parser left."""
    qt: list[str] = []
    rest: list[str] = []
    k = 0
    while k < len(extra):
        arg = extra[k]
        name = arg.lstrip("-") if arg.startswith("-") and arg != "-" else ""
        name, eq, _value = name.partition("=")
        if name in QT_VALUE_OPTIONS and (eq or k + 1 < len(extra)):
            qt.append(arg)
            if not eq:
                qt.append(extra[k + 1])
                k += 1
        elif name in QT_FLAG_OPTIONS and not eq:
            qt.append(arg)
        else:
            rest.append(arg)
        k += 1
    return qt, rest


def qt_option(qt_args: list[str], name: str) -> str | None:
    """The value of Qt's option ``-name`` (``-name v``, ``-name=v``, ``--name v``) or None."""
    for k, arg in enumerate(qt_args):
        key, eq, value = arg.lstrip("-").partition("=")
        if key == name:
            return value if eq else (qt_args[k + 1] if k + 1 < len(qt_args) else None)
    return None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Our options; Qt's own (``-style``, ``-platform``, ``-reverse``…) are kept in
    ``qt_args`` for QApplication. Anything else is wrong usage (exit 2)."""
    p = argparse.ArgumentParser(prog="wesemibay", description=f"{APP_NAME}: explore a trade show "
                                "offline (the built-in expo is WeSemiBay 2025, Shenzhen).",
                                epilog="Qt's standard options (-style, -platform, -reverse, "
                                "-qwindowgeometry, -stylesheet…) are passed on to Qt.")
    p.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    p.add_argument("--expo", metavar="PATH", help="expo file to open (default: the built-in expo)")
    p.add_argument("--data-dir", metavar="PATH", help="folder for your notes, favourites and "
                   "settings (default: %s)" % default_data_dir())
    p.add_argument("--lang", choices=LANGS, help="language of the interface (remembered)")
    p.add_argument("--select", metavar="TEXT", help="select an exhibitor (slug) or booth code")
    p.add_argument("--topic", metavar="SLUG", help="light up the booths linked to a policy topic")
    p.add_argument("--screenshot", metavar="PNG", help="render the window offscreen into PNG, exit")
    p.add_argument("--size", metavar="WxH", default="1600x1000", help="window size (screenshot)")
    p.add_argument("--theme", choices=THEMES, help="light or dark colours, or the desktop's "
                   "(system, the default; remembered)")
    args, extra = p.parse_known_args(argv)
    args.qt_args, rest = split_qt_options(extra)
    if rest:
        p.error("unrecognized arguments: " + " ".join(rest))
    try:
        w, h = (int(v) for v in args.size.lower().split("x"))
        if not (200 <= w <= 8000 and 200 <= h <= 8000):
            raise ValueError
        args.size_wh = (w, h)
    except ValueError:
        p.error(f"--size must look like 1600x1000 (200 to 8000 pixels), not {args.size!r}")
    return args


def builtin_expo(data_dir: Path) -> Path:
    """The built-in expo, built into ``<data dir>/cache`` (or the temporary folder when the data
    folder cannot be written)."""
    from db.build import builtin_path
    from db.errors import StorageError, storage_error
    try:
        return builtin_path(data_dir / "cache")
    except (OSError, sqlite3.Error, StorageError) as exc:
        log.warning("cannot build the built-in expo in %s (%s); using the temporary folder",
                    data_dir / "cache", exc)
    cache = temp_folder("cache")
    try:
        return builtin_path(cache)
    except (OSError, sqlite3.Error) as exc:
        raise storage_error(cache, exc, "cannot build the built-in expo") from None


def open_files(expo_path: str | None, data_dir: Path):
    """Open the expo (built-in if None) and the user file; DataError on a bad file."""
    from db.expo import open_expo
    from db.userdata import UserData
    path = Path(expo_path) if expo_path else builtin_expo(data_dir)
    # Header and schema only: quick_check reads every page, it runs once the window shows
    # (desktop.integrity_view, remembered per file in the data folder).
    expo = open_expo(path, readonly=not os.access(path, os.W_OK), integrity=False)
    user = UserData(data_dir / "user.sqlite")
    return expo, user


def report_user_file(user, window=None) -> list[str]:
    """Say what happened to the user file on opening: moved aside, or read-only (stderr, log,
    and a dialog over ``window``). Returns the lines."""
    from .i18n import tr
    lines = []
    if user.recovered is not None:
        lines.append(user.recovered.message())
    if user.readonly_reason:
        lines.append(tr("{path}: notes and stars cannot be saved: {reason}. What you type is "
                        "kept in the window, and written to a text file when you close it.")
                     .format(path=user.path, reason=user.readonly_reason))
    for line in lines:
        log.warning("%s", line)
        print(f"wesemibay: {line}", file=sys.stderr)
    if lines and window is not None and dialogs_allowed():
        from PySide6.QtCore import QTimer
        QTimer.singleShot(0, window, lambda: show_line(tr("Your notes"), "\n\n".join(lines)))
    return lines


def load_translation(app, lang: str) -> None:
    from PySide6.QtCore import QLocale, QTranslator
    QLocale.setDefault(QLocale({"en": "en_GB", "de": "de_DE", "zh": "zh_CN"}[lang]))
    from db.assets import TRANSLATIONS as qm_dir
    translator = QTranslator(app)
    if translator.load(f"wesemibay_{lang}", str(qm_dir)):
        app.installTranslator(translator)
    # Qt's own words too (key names in Help ▸ Keyboard shortcuts: "Strg+K"), where shipped.
    from PySide6.QtCore import QLibraryInfo
    qt = QTranslator(app)
    if lang != "en" and qt.load(f"qtbase_{QLocale().name() if lang == 'zh' else lang}",
                                QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)


def open_start_files(expo_arg: str | None, data_dir: Path, settings, remember: bool = True):
    """The files to start with: ``--expo``, else the expo open last time, else the built-in.

    A last expo that can no longer be read is forgotten (and logged), never fatal;
    a bad ``--expo`` raises DataError for the caller to report.
    """
    from db.errors import DataError
    if expo_arg is not None or not remember:
        return open_files(expo_arg, data_dir)
    last = settings.value(keys.LAST_EXPO)
    if isinstance(last, str) and Path(last).is_file():
        try:
            return open_files(last, data_dir)
        except DataError as exc:
            log.warning("last expo file not opened, using the built-in expo: %s", exc)
            settings.remove(keys.LAST_EXPO)
    return open_files(None, data_dir)


def main(argv: list[str] | None = None) -> int:
    # The start makes its objects once and keeps them as long as the window (75,000 booths,
    # a directory, a plan): the cyclic collector's passes over them while they are being
    # made (0.1-0.2 s at trade-fair scale) find nothing to free. It runs again once the
    # window does (``run_window``), over what is not frozen by then.
    global _gc_paused
    _gc_paused = gc.isenabled()
    gc.disable()
    try:
        return _main(argv)
    finally:
        _resume_gc()


_gc_paused = False          # ``main`` paused the cyclic collector for the start


def _resume_gc() -> None:
    global _gc_paused
    if _gc_paused:
        _gc_paused = False
        gc.enable()


def _main(argv: list[str] | None) -> int:
    from .startphases import enabled as timing_phases, mark   # bench/open.py's phases
    mark("python")
    args = parse_args(argv)
    if args.screenshot:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        os.environ["WESEMIBAY_NO_DIALOGS"] = "1"      # nothing may wait for a click
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"wesemibay: {data_dir}: cannot create the data folder ({exc.strerror})",
              file=sys.stderr)
        return 1
    setup_logging(data_dir)
    install_excepthook()
    from .qtcheck import cannot_start
    if cannot_start(qt_option(args.qt_args, "platform")):  # a library or the display missing:
        return 1                                            # one line, not Qt's abort

    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from db.errors import DataError

    if QApplication.instance() is None:
        route_qt_messages()  # a test harness that made the app keeps its own handler
    app = QApplication.instance() or QApplication([sys.argv[0], *args.qt_args])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG)
    app.setApplicationVersion(version())
    app.setDesktopFileName("wesemibay-explorer")  # the menu entry the installers add
    from db.assets import ICONS
    app.setWindowIcon(QIcon(str(ICONS / "wesemibay-256.png")))
    settings = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)
    lang = args.lang or settings.value(keys.LANGUAGE, "en")
    if lang not in LANGS:
        lang = "en"
    if args.lang:
        settings.setValue(keys.LANGUAGE, args.lang)
    load_translation(app, lang)
    from .fonts import ensure_cjk_font
    ensure_cjk_font()          # Chinese names drawn even where the system has no CJK font
    from . import theme
    if args.theme:
        settings.setValue(keys.THEME, args.theme)
    theme.apply(args.theme or str(settings.value(keys.THEME, "system")))
    mark("qt")

    from .startstate import StartGuard      # a start that died: restore nothing this time
    guard = None if args.screenshot else StartGuard(settings, app)
    try:
        expo, user = open_start_files(args.expo, data_dir, settings,
                                      remember=guard is not None and guard.restore)
    except DataError as exc:
        print(f"wesemibay: {exc}", file=sys.stderr)
        log.warning("not started: %s", exc)
        show_line(APP_NAME, str(exc))     # started from a menu, nobody reads stderr
        return guard.finish(1) if guard else 1      # refused, not crashed: no marker left

    mark("files")
    # The session owns the windows (File ▸ Open replaces one) and their threads.
    from .session import Session
    session = Session(user, None if args.screenshot else settings, freeze=not args.screenshot)
    try:
        return run_window(app, args, session, expo, user, guard)
    finally:
        if session.close():     # whatever is still open: threads joined, files closed
            user.close()


def run_window(app, args, session, expo, user, guard) -> int:
    """Show the first window, apply ``--select``/``--topic``, run until the last window
    closes (or take the screenshot). Returns the exit code."""
    from .startphases import enabled as timing_phases, mark   # bench/open.py's phases
    from .main_window import MainWindow  # noqa: F401  (its imports, timed)
    mark("imports")
    window = session.open(expo)
    mark("window")
    if args.screenshot:
        window.resize(*args.size_wh)
    window.show()
    window.view.fit_all()  # before the first paint: no tiles drawn at a zoom never shown
    app.processEvents()
    if not args.select and guard is not None and guard.restore:
        window.restore_selection()
    if args.select and not window.select_text(args.select):
        print(f"wesemibay: --select {args.select!r}: no exhibitor or booth of that name "
              f"in {expo.path}", file=sys.stderr)
        session.abandon()               # a refused start: nothing saved
        return guard.finish(1) if guard else 1
    if args.topic:
        if expo.record("topic", args.topic) is None:
            print(f"wesemibay: --topic {args.topic!r}: no such topic in {expo.path}",
                  file=sys.stderr)
            session.abandon()
            return guard.finish(1) if guard else 1
        window.open_policy("topic", args.topic)
    report_user_file(user, window)     # its dialog comes up once the window runs
    if args.screenshot:
        app.processEvents()
        ok = window.grab().save(args.screenshot)
        window.close()
        if not ok:
            print(f"wesemibay: {args.screenshot}: cannot write the PNG", file=sys.stderr)
            return 1
        return 0
    guard.show_notice(window)
    guard.arm()                        # the marker goes once the window has run a moment
    window.integrity.check_in_background()     # quick_check, now that the window shows
    mark("shown")
    if timing_phases():
        from .startphases import finish_when_ready
        finish_when_ready(window, app)
    from .help.welcome import maybe_show_welcome
    maybe_show_welcome(window, note=None if guard.restore else guard.message())
    # Everything loaded so far lives as long as the window: keep it out of the cyclic
    # collector's full passes, which otherwise cost 20-80 ms at trade-fair scale. (No
    # collection first: it would walk every object once more, 0.3 s at that scale.)
    session.settle(collect=False)
    session.started = True
    _resume_gc()                        # paused by ``main`` for the start
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
