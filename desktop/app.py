"""Start-up: options, paths, logging, error hook, settings, files, main window.

``wesemibay`` (also ``python -m desktop``). Exit codes: 0 success, 2 wrong
usage, 1 a bad file (one line on stderr naming it).
"""
from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import traceback
from pathlib import Path

from db.paths import default_data_dir  # one data folder for the window and the CLI

APP_NAME = "WeSemiBay Explorer"
ORG = "wesemibay"
LANGS = ("en", "de", "zh")
log = logging.getLogger("wesemibay")


def version() -> str:
    try:
        from importlib.metadata import version as _v
        return _v("wesemibay-explorer")
    except Exception:
        return "dev"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="wesemibay", description=f"{APP_NAME}: explore a trade show "
                                "offline (the built-in expo is WeSemiBay 2025, Shenzhen).")
    p.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    p.add_argument("--expo", metavar="PATH", help="expo file to open (default: the built-in expo)")
    p.add_argument("--data-dir", metavar="PATH", help="folder for your notes, favourites and "
                   "settings (default: %s)" % default_data_dir())
    p.add_argument("--lang", choices=LANGS, help="language of the interface (remembered)")
    p.add_argument("--select", metavar="TEXT", help="select an exhibitor (slug) or booth code")
    p.add_argument("--topic", metavar="SLUG", help="light up the booths linked to a policy topic")
    p.add_argument("--screenshot", metavar="PNG", help="render the window offscreen into PNG, exit")
    p.add_argument("--size", metavar="WxH", default="1600x1000", help="window size (screenshot)")
    args = p.parse_args(argv)
    try:
        w, h = (int(v) for v in args.size.lower().split("x"))
        if not (200 <= w <= 8000 and 200 <= h <= 8000):
            raise ValueError
        args.size_wh = (w, h)
    except ValueError:
        p.error(f"--size must look like 1600x1000 (200 to 8000 pixels), not {args.size!r}")
    return args


def setup_logging(data_dir: Path) -> None:
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_wesemibay", False)]:
        root.removeHandler(old)  # main() run twice in one process (tests): one log file
        old.close()
    handler = logging.FileHandler(data_dir / "wesemibay.log", encoding="utf-8")
    handler._wesemibay = True
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


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


def install_excepthook() -> None:
    """Log unexpected errors and tell the user, instead of dying silently in a slot."""
    def hook(etype, value, tb):
        text = "".join(traceback.format_exception(etype, value, tb))
        log.error("unhandled error:\n%s", text)
        sys.stderr.write(text)
        try:
            from PySide6.QtWidgets import QApplication, QMessageBox
            if QApplication.instance() is not None and not os.environ.get("WESEMIBAY_NO_DIALOGS"):
                QMessageBox.critical(None, APP_NAME, f"An unexpected error occurred:\n{value}\n\n"
                                     "Your notes are saved. Details are in wesemibay.log.")
        except Exception:
            pass
    sys.excepthook = hook


def open_files(expo_path: str | None, data_dir: Path):
    """Open the expo (built-in if None) and the user file; DataError on a bad file."""
    from db.build import builtin_path
    from db.expo import open_expo
    from db.userdata import UserData
    path = Path(expo_path) if expo_path else builtin_path(data_dir / "cache")
    expo = open_expo(path, readonly=not os.access(path, os.W_OK))
    user = UserData(data_dir / "user.sqlite")
    return expo, user


def load_translation(app, lang: str) -> None:
    from PySide6.QtCore import QLocale, QTranslator
    QLocale.setDefault(QLocale({"en": "en_GB", "de": "de_DE", "zh": "zh_CN"}[lang]))
    qm_dir = Path(__file__).with_name("assets") / "translations"
    translator = QTranslator(app)
    if translator.load(f"wesemibay_{lang}", str(qm_dir)):
        app.installTranslator(translator)


def open_start_files(expo_arg: str | None, data_dir: Path, settings, remember: bool = True):
    """The files to start with: ``--expo``, else the expo open last time, else the built-in.

    A last expo that can no longer be read is forgotten (and logged), never fatal;
    a bad ``--expo`` raises DataError for the caller to report.
    """
    from db.errors import DataError
    if expo_arg is not None or not remember:
        return open_files(expo_arg, data_dir)
    last = settings.value("last/expo")
    if isinstance(last, str) and Path(last).is_file():
        try:
            return open_files(last, data_dir)
        except DataError as exc:
            log.warning("last expo file not opened, using the built-in expo: %s", exc)
            settings.remove("last/expo")
    return open_files(None, data_dir)


_windows: list = []


def reopen_with(window, path: str) -> None:
    """Replace ``window`` by a new main window on the expo file at ``path``."""
    from db.expo import open_expo

    from .main_window import MainWindow
    expo = open_expo(path, readonly=not os.access(path, os.W_OK))
    new = MainWindow(expo, window.user, window.settings)
    if window.settings is not None:
        window.settings.setValue("last/expo", str(Path(path).resolve()))
    new.show()
    _windows.append(new)
    window.close()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.screenshot:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"wesemibay: {data_dir}: cannot create the data folder ({exc.strerror})",
              file=sys.stderr)
        return 1
    setup_logging(data_dir)
    install_excepthook()

    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from db.errors import DataError

    if QApplication.instance() is None:
        route_qt_messages()  # a test harness that made the app keeps its own handler
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG)
    app.setApplicationVersion(version())
    app.setDesktopFileName("wesemibay-explorer")  # the menu entry the installers add
    app.setWindowIcon(QIcon(str(Path(__file__).with_name("assets") / "icons" /
                                "wesemibay-256.png")))
    settings = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)
    lang = args.lang or settings.value("ui/language", "en")
    if lang not in LANGS:
        lang = "en"
    if args.lang:
        settings.setValue("ui/language", args.lang)
    load_translation(app, lang)

    try:
        expo, user = open_start_files(args.expo, data_dir, settings,
                                      remember=not args.screenshot)
    except DataError as exc:
        print(f"wesemibay: {exc}", file=sys.stderr)
        return 1

    from .main_window import MainWindow
    window = MainWindow(expo, user, None if args.screenshot else settings)
    if args.screenshot:
        window.resize(*args.size_wh)
    window.show()
    window.view.fit_all()  # before the first paint: no tiles drawn at a zoom never shown
    app.processEvents()
    if not args.select and not args.screenshot:
        window.restore_selection()
    if args.select and not window.select_text(args.select):
        print(f"wesemibay: --select {args.select!r}: no exhibitor or booth of that name "
              f"in {expo.path}", file=sys.stderr)
        return 1
    if args.topic:
        if expo.record("topic", args.topic) is None:
            print(f"wesemibay: --topic {args.topic!r}: no such topic in {expo.path}",
                  file=sys.stderr)
            return 1
        window.open_policy("topic", args.topic)
    if args.screenshot:
        app.processEvents()
        ok = window.grab().save(args.screenshot)
        window.close()
        if not ok:
            print(f"wesemibay: {args.screenshot}: cannot write the PNG", file=sys.stderr)
            return 1
        return 0
    _windows.append(window)
    # Everything loaded so far lives as long as the window: keep it out of the cyclic
    # collector's full passes, which otherwise cost 20-80 ms at trade-fair scale.
    gc.collect()
    gc.freeze()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
