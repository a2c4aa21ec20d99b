"""A first run that teaches: the welcome, Help ▸ Keyboard shortcuts, the About box, and a
start that never locks the user out (issue 15, point 9).

Starts go through ``desktop.app.main`` as a user's start does (in this process, its event
loop running until the test has looked); a start that dies runs in a subprocess.
"""
from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:      # Python 3.10
    import tomli as tomllib

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from db import schema
from db.build import seed_fingerprint
from db.dates import format_date
from db.views import citations
from desktop import app as desktop_app
from desktop import session as desktop_session
from desktop import startstate
from desktop.help import about, shortcuts, welcome

from .test_floorplan import demo_file, win  # noqa: F401  (a 2,000-booth demo on two levels)

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------ helpers
def data_folder(tmp_path: Path, builtin_file: Path, name: str = "data") -> Path:
    """A fresh data folder whose cache already holds the built-in expo (as a first start
    leaves it), so that a start does not spend seconds building it again."""
    data = tmp_path / name
    cache = data / "cache"
    cache.mkdir(parents=True)
    shutil.copyfile(builtin_file,
                    cache / f"builtin-{schema.SCHEMA_VERSION}-{seed_fingerprint()}.sqlite")
    return data


def settings_of(data: Path) -> QSettings:
    return QSettings(str(data / "settings.ini"), QSettings.Format.IniFormat)


def start(data: Path, during, *extra: str, monkeypatch) -> dict:
    """Run the program's start (``wesemibay --data-dir data ...``) until its window is up,
    call ``during(window)`` inside the running event loop, then close every window.
    Returns what ``during`` returned, plus "rc"."""
    monkeypatch.setattr(gc, "freeze", lambda: None)   # the test process goes on afterwards
    monkeypatch.setattr(desktop_session, "_sessions", [])
    out: dict = {}
    app = QApplication.instance()

    def poll():
        session = desktop_session.current()
        if session is None or not session.started:     # the start has not finished yet
            QTimer.singleShot(20, poll)
            return
        window = session.window
        try:
            out.update(during(window) or {})
        except BaseException as exc:        # re-raised below, outside the event loop
            out["error"] = exc
        finally:
            for w in QApplication.topLevelWidgets():
                w.close()

    QTimer.singleShot(0, poll)
    guard = QTimer()
    guard.setSingleShot(False)                # never hang the run (again and again: a quit
    guard.timeout.connect(app.quit)           # that came before the loop ran is lost)
    guard.start(60_000)
    out["rc"] = desktop_app.main(["--data-dir", str(data), *extra])
    guard.stop()
    if "error" in out:
        raise out["error"]
    return out


def the_welcome(window):
    return window.findChild(welcome.WelcomeDialog)


# ------------------------------------------------------------------ welcome
def test_welcome_on_a_fresh_data_folder_then_not_after_dont_show_again(
        tmp_path, builtin_file, monkeypatch, qtbot):
    data = data_folder(tmp_path, builtin_file)

    def first(window):
        dlg = the_welcome(window)
        assert dlg is not None and dlg.isVisible()
        # Never blocking: not modal, and the window behind it takes keys from the keyboard
        # (sent through the window system, where a modal dialog would swallow them).
        assert not dlg.isModal()
        assert dlg.windowModality() == Qt.WindowModality.NonModal
        assert QApplication.activeModalWidget() is None
        window.activateWindow()
        handle = window.windowHandle()
        qtbot.keyClick(handle, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        assert window.search.box.hasFocus()
        for key in (Qt.Key.Key_A, Qt.Key.Key_L, Qt.Key.Key_D):
            qtbot.keyClick(handle, key)
        assert window.search.box.text().lower() == "ald"
        assert dlg.isVisible()                 # still there, out of the way
        qtbot.mouseClick(dlg.hide_box, Qt.MouseButton.LeftButton,
                         pos=QPoint(8, dlg.hide_box.height() // 2))    # on its box
        assert dlg.hide_box.isChecked()
        dlg.close()
        return {}

    assert start(data, first, monkeypatch=monkeypatch)["rc"] == 0
    assert settings_of(data).value(welcome.HIDE_KEY) in (True, "true")
    seen = start(data, lambda w: {"welcome": the_welcome(w)}, monkeypatch=monkeypatch)
    assert seen["rc"] == 0 and seen["welcome"] is None


def test_welcome_never_in_a_screenshot_run(tmp_path, builtin_file, monkeypatch):
    data = data_folder(tmp_path, builtin_file)
    shown = []
    real = welcome.WelcomeDialog.__init__
    monkeypatch.setattr(welcome.WelcomeDialog, "__init__",
                        lambda self, w: (shown.append(w), real(self, w))[1])
    assert desktop_app.main(["--data-dir", str(data), "--screenshot",
                             str(tmp_path / "shot.png"), "--size", "1280x720"]) == 0
    assert (tmp_path / "shot.png").stat().st_size > 0
    assert shown == []
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, welcome.WelcomeDialog) and w.isVisible()]


@pytest.fixture
def builtin_window(qtbot, builtin_file, user, tmp_path):
    """The window on the built-in expo (as the program names its file), with settings."""
    from db.expo import open_expo
    from desktop.main_window import MainWindow
    path = tmp_path / "cache" / "builtin-test.sqlite"
    path.parent.mkdir()
    shutil.copyfile(builtin_file, path)
    expo = open_expo(path)
    win = MainWindow(expo, user, settings_of(tmp_path))
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    expo.close()


def test_welcome_says_what_the_expo_is_and_why_few_booths_are_named(builtin_window):
    win = builtin_window
    dlg = welcome.show_welcome(win)
    text = " ".join(p.text() for p in dlg.paragraphs)
    assert "WeSemiBay Semiconductor Ecosystem Expo" in text
    assert "15 October 2025" in text               # the opening day, as a reader writes it
    assert "schematic" in text
    d = win.scene.data
    named = sum(1 for occ in d.occupants if occ)
    assert f"Only {named} of the {len(d.codes)} booths carry a name" in text
    assert "more than 600 exhibitors" in text and "only where a source names it" in text
    sources = win.sources.tree.topLevelItemCount()
    assert f"lists all {sources} sources" in text
    assert len(dlg.tries) == 3
    # It fits a 1280x720 window, all of its text in view.
    assert dlg.width() <= win.width() and dlg.height() <= win.height()
    assert dlg.scroll.verticalScrollBar().maximum() == 0


def test_welcome_on_a_short_window_scrolls_instead_of_running_off_it(builtin_window, qtbot):
    win = builtin_window
    win.resize(800, 420)
    qtbot.waitUntil(lambda: win.height() == 420)
    dlg = welcome.show_welcome(win)
    assert dlg.height() <= win.height() and dlg.width() <= win.width()
    assert dlg.scroll.verticalScrollBar().maximum() > 0      # the rest is a scroll away
    close = dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)
    bottom = close.mapTo(dlg, close.rect().bottomRight())
    assert close.isVisible() and dlg.rect().contains(bottom)  # and Close is always in reach


def test_the_three_things_to_try_do_what_they_say(builtin_window, qtbot):
    win = builtin_window
    search, show, timeline = welcome.show_welcome(win).tries
    assert search.text() == "Search for ALD" and show.text() == "Show SiCarrier"
    qtbot.mouseClick(search, Qt.MouseButton.LeftButton)
    assert win.search.box.text() == "ALD" and win.search.box.hasFocus()
    qtbot.waitUntil(lambda: win.search._shown_text == "ALD" and bool(win.search.hits),
                    timeout=5000)
    assert not the_welcome(win).isVisible()       # out of the way once something is tried
    qtbot.mouseClick(welcome.show_welcome(win).tries[1], Qt.MouseButton.LeftButton)
    assert win.selection.current == ("exhibitor", "sicarrier")
    assert win.view.hasFocus()                    # so that S stars it, as the text says
    qtbot.keyClick(win.view, Qt.Key.Key_S)
    assert ("exhibitor", "sicarrier") in set(win.user.favourites(win.expo_slug))
    assert not win.policy_dock.isVisible()
    qtbot.mouseClick(welcome.show_welcome(win).tries[2], Qt.MouseButton.LeftButton)
    assert win.policy_dock.isVisible()


def test_welcome_on_another_expo_speaks_of_that_one(win, qtbot):
    """A synthetic demo without sources or events: no claims of the built-in expo, a search
    word from its own exhibitors, and My plan instead of an empty timeline."""
    dlg = welcome.show_welcome(win)
    text = " ".join(p.text() for p in dlg.paragraphs)
    assert "Demo" in text and "Synthetic data" in text
    assert "built-in" not in text and "booths carry a name" not in text
    search, _, plan = dlg.tries
    word = search.text().removeprefix("Search for ")
    qtbot.mouseClick(search, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.search._shown_text == word and bool(win.search.hits),
                    timeout=5000)                 # the word finds something
    qtbot.mouseClick(welcome.show_welcome(win).tries[2], Qt.MouseButton.LeftButton)
    assert plan.text() == "Open My plan" and win.plan_dock.isVisible()


def test_welcome_closes_with_escape_and_help_menu_brings_it_back(builtin_window, qtbot):
    win = builtin_window
    dlg = welcome.show_welcome(win)
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()
    action = win.findChild(QAction, "actionWelcome")
    assert action is not None and action.associatedObjects()
    action.trigger()
    assert the_welcome(win).isVisible()
    about.show_about(win)
    shortcuts.show_shortcuts(win)
    # "Don't show this at start" is what the settings say, both ways.
    dlg.hide_box.setChecked(True)
    assert not welcome.welcome_wanted(win.settings)
    dlg.hide_box.setChecked(False)
    assert welcome.welcome_wanted(win.settings)
    # Closing the window closes its Help dialogs (File ▸ Open replaces a window so, too).
    dialogs = [the_welcome(win), win.findChild(about.AboutDialog),
               win.findChild(shortcuts.ShortcutsDialog)]
    assert all(d.isVisible() for d in dialogs)
    win.close()
    assert not any(d.isVisible() for d in dialogs)


# ---------------------------------------------------------------- shortcuts
def test_shortcut_list_matches_the_windows_actions(window, qtbot):
    window.findChild(QAction, "actionShortcuts").trigger()
    dlg = window.findChild(shortcuts.ShortcutsDialog)
    assert dlg.isVisible() and not dlg.isModal()
    listed = {}
    for g in range(dlg.tree.topLevelItemCount()):
        head = dlg.tree.topLevelItem(g)
        for c in range(head.childCount()):
            item = head.child(c)
            listed.setdefault(head.text(0), set()).add((item.text(0), item.text(1)))
    # Every action and shortcut object of the window that has a key is listed, with the
    # key it has now and its own text.
    actions = [a for a in window.findChildren(QAction)
               if any(not k.isEmpty() for k in a.shortcuts()) and a.text()]
    assert len(actions) >= 10
    for a in actions:
        row = (shortcuts.keys_text(tuple(shortcuts.key_text(k) for k in a.shortcuts()
                                         if not k.isEmpty())), shortcuts.action_text(a))
        assert any(row in rows for rows in listed.values()), row
    for sc in window.findChildren(QShortcut):
        if not sc.key().isEmpty():
            assert sc.whatsThis(), f"{sc.key().toString()} needs a whatsThis for the list"
            assert any((shortcuts.key_text(sc.key()), sc.whatsThis()) in rows
                       for rows in listed.values())
    # ... and nothing else: each row comes from a live action or a pane's own keys.
    from_actions = {(shortcuts.keys_text(r.keys), r.text) for r in dlg.rows if r.source}
    own = {(shortcuts.keys_text(tuple(shortcuts.key_text(k) for k in keys)), text)
           for _, keys, text in shortcuts.widget_keys()}
    assert set().union(*listed.values()) == from_actions | own
    # What a user looks for is there, under the menu it is in.
    assert ("Ctrl+K", "Search") in listed["View"]
    assert ("Ctrl+T", "Policy timeline") in listed["Go"]
    assert ("F6", "Next pane") in listed["Go"]
    assert ("S", "Star the selection") in listed["Plan"]
    assert ("Esc", "Clear highlight") in listed["Plan"]
    assert ("Tab, Shift+Tab", "Walk to the next or previous booth") in listed["Floor plan"]
    assert ("PgUp, PgDown", "Go up or down one level (where there are several)") \
        in listed["Floor plan"]


def test_a_new_action_appears_in_the_list_by_itself(window):
    extra = QAction("Frobnicate the plan", window)
    extra.setShortcut("Ctrl+Alt+F")
    window.view.addAction(extra)
    rows = shortcuts.collect(window)
    assert any(r.source is extra and r.group == "Floor plan" for r in rows)


def test_every_key_of_the_panes_does_what_the_list_says(win, qtbot):
    """The keys the list names without an action (widget_keys) are pressed one by one."""
    view, fs = win.view, win.scene
    assert len(fs.levels) >= 2
    view.setFocus()

    def press(widget, key, mods=Qt.KeyboardModifier.NoModifier):
        widget.setFocus()                 # keys go where the keyboard focus is
        qtbot.keyClick(widget, key, mods)

    def tab():
        press(view, Qt.Key.Key_Tab)
        first = view.focus_booth
        press(view, Qt.Key.Key_Tab)
        second = view.focus_booth
        press(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        assert first is not None and second != first and view.focus_booth == first

    def ctrl_arrows():
        start = view.focus_booth
        x = fs.booth_rect(start).center().x()
        press(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
        assert view.focus_booth != start and fs.booth_rect(view.focus_booth).center().x() > x

    def enter():
        i = view.focus_booth
        press(view, Qt.Key.Key_Return)
        occupants = fs.data.occupants[i]
        expected = ("exhibitor", occupants[0]) if occupants else ("booth", fs.data.codes[i])
        assert win.selection.current == expected

    def arrows():
        view.zoom_by(6)
        bar = view.horizontalScrollBar()
        before = bar.value()
        press(view, Qt.Key.Key_Right)
        assert bar.value() > before

    def zoom():
        view.fit_all()
        before = view.scale_factor()
        press(view, Qt.Key.Key_Plus)
        bigger = view.scale_factor()
        press(view, Qt.Key.Key_Minus)
        assert bigger > before and view.scale_factor() < bigger

    def fit():
        press(view, Qt.Key.Key_0)
        assert view.visible_scene_rect().contains(fs.content_rect)

    def levels():
        first = fs.level
        press(view, Qt.Key.Key_PageUp)
        assert fs.level != first
        press(view, Qt.Key.Key_PageDown)
        assert fs.level == first

    box = win.search.box

    def hits():
        box.setText(fs.data.occupants[next(i for i, o in enumerate(fs.data.occupants)
                                           if o)][0][:4])
        win.search.run_search()
        press(box, Qt.Key.Key_Down)
        one = win.search.results.currentItem()
        press(box, Qt.Key.Key_Down)
        assert one is not None and win.search.results.currentItem() is not one
        press(box, Qt.Key.Key_Up)
        assert win.search.results.currentItem() is one

    def go():
        win.selection.clear()
        press(box, Qt.Key.Key_Return)
        assert win.selection.current is not None

    def clear():
        press(box, Qt.Key.Key_Escape)
        assert box.text() == ""

    checks = {("view", "Tab"): tab, ("view", "Ctrl+Left"): ctrl_arrows,
              ("view", "Return"): enter, ("view", "Left"): arrows, ("view", "+"): zoom,
              ("view", "0"): fit, ("view", "PgUp"): levels, ("search.box", "Down"): hits,
              ("search.box", "Return"): go, ("search.box", "Esc"): clear}
    entries = shortcuts.widget_keys()
    # A key added to the list without a check here fails: the list never claims untested keys.
    assert {(path, keys[0]) for path, keys, _ in entries} == set(checks)
    for path, keys, _ in entries:
        assert shortcuts.resolve(win, path) is not None, path
        checks[(path, keys[0])]()


# -------------------------------------------------------------------- about
def test_about_has_version_data_date_sources_and_licences(builtin_window, qtbot):
    win = builtin_window
    win.findChild(QAction, "actionAbout").trigger()
    dlg = win.findChild(about.AboutDialog)
    assert dlg.isVisible() and not dlg.isModal()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert version in dlg.version.text()
    # The data's date is the newest date the Sources view lists (at its precision, as the
    # list shows it); the count is its rows.
    tree = win.sources.tree
    dates = [tree.topLevelItem(i).text(2) for i in range(tree.topLevelItemCount())]
    newest = max((s["date"], s["date_precision"]) for s, _refs in citations(win.expo)
                 if s.get("date"))
    shown = format_date(*newest)
    assert shown in dates
    info = dlg.data.text()
    assert shown in info
    assert f"newest of its {tree.topLevelItemCount()} sources" in info
    assert "View ▸ Sources" in info
    licences = dlg.licences.toPlainText()
    for needle in ("WeSemiBay Explorer", "MIT", "CC BY-NC 4.0", "PySide6", "Qt",
                   "LGPL-3.0-only", "Pillow", "sqlite-utils", "Apache-2.0", "pypdfium2",
                   "SQLite", "public domain"):
        assert needle in licences, needle
    for name, licence in about.font_licences():
        assert name in licences and licence in licences
    qtbot.mouseClick(dlg.sources_button, Qt.MouseButton.LeftButton)
    assert win.sources_dock.isVisible() and not dlg.isVisible()


def test_the_programs_own_licence_is_what_its_metadata_says():
    from importlib.metadata import metadata
    assert metadata("wesemibay-explorer")["License"].startswith(about.PROGRAM_LICENCE)


def test_licences_are_the_packages_own_and_cover_every_requirement():
    """Each licence is the one the installed package declares, and every package the
    program requires (and theirs, without extras) is listed."""
    from importlib.metadata import requires
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    for dist, licence in about.DISTRIBUTIONS.items():
        declared = about.metadata_licence(dist)
        if sys.version_info[:2] == (3, 11):
            # The list stands in for the metadata in the frozen build, whose Python is 3.11:
            # there it must be exactly what the packages declare.
            assert declared == licence, dist
        else:
            # On other Pythons pip may pick other releases (python-dateutil 3.x on 3.10,
            # since 4.0 needs 3.11), whose metadata words the same licence otherwise.
            assert declared, dist
    needed, todo = set(), ["wesemibay-explorer"]
    while todo:
        for text in requires(todo.pop()) or []:
            req = Requirement(text)
            if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                continue
            name = canonicalize_name(req.name)
            if name not in needed:
                needed.add(name)
                todo.append(req.name)
    listed = {canonicalize_name(d) for d in about.DISTRIBUTIONS}
    sometimes = {canonicalize_name(d) for d in about.WHERE_INSTALLED}
    assert listed <= needed <= listed | sometimes
    for dist, licence in about.WHERE_INSTALLED.items():
        assert about.metadata_licence(dist) in (None, licence), dist
        if canonicalize_name(dist) in needed:     # then the About box lists it
            assert (f"{dist} (used by sqlite-utils)", about.dist_version(dist), licence) \
                in about.licence_rows(), dist


def test_bundled_fonts_are_listed_with_the_licence_beside_them(tmp_path):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    assert about.font_licences(tmp_path / "none") == []
    (fonts / "Example-Regular.otf").write_bytes(b"OTTO")
    assert about.font_licences(fonts) == [("Example-Regular.otf",
                                           "no licence file found beside it")]
    (fonts / "OFL.txt").write_text("Copyright 2014 Adobe\n\nSIL OPEN FONT LICENSE Version 1.1 - "
                                   "26 February 2007\n")
    assert about.font_licences(fonts) == [("Example-Regular.otf",
                                           "SIL Open Font License 1.1 (OFL.txt)")]


# ------------------------------------------------------------ restore marker
def prepare_last_session(data: Path, builtin_file: Path, tmp_path: Path) -> Path:
    """Settings as a closed session leaves them: another expo open, Merck selected."""
    other = tmp_path / "other.sqlite"
    shutil.copyfile(builtin_file, other)
    s = settings_of(data)
    s.setValue("last/expo", str(other))
    s.setValue("last/selection", "wesemibay-2025|exhibitor|merck")
    s.sync()
    return other


def looked(window) -> dict:
    notice = window.statusBar().findChild(QLabel, "startNoticeText")
    dlg = the_welcome(window)
    assert dlg.isVisible()
    return {"selection": window.selection.current, "expo": window.expo.path,
            "notice": notice.toolTip() if notice is not None and notice.isVisible() else None,
            "welcome": dlg.note.text() if dlg.note.isVisible() else None,
            # all of it in view, nothing to scroll for
            "welcome fits": dlg.scroll.verticalScrollBar().maximum() == 0}


@pytest.mark.slow
def test_a_start_that_died_before_its_window_showed_restores_nothing_next_time(
        tmp_path, builtin_file, monkeypatch):
    data = data_folder(tmp_path, builtin_file)
    other = prepare_last_session(data, builtin_file, tmp_path)
    # A start that dies before its window shows (a crash while restoring, say).
    script = ("import os, sys\n"
              "from desktop import main_window\n"
              "main_window.MainWindow.show = lambda self: os._exit(3)\n"
              "from desktop.app import main\n"
              f"sys.exit(main(['--data-dir', {str(data)!r}]))\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WESEMIBAY_NO_DIALOGS="1")
    proc = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert settings_of(data).value(startstate.KEY)         # the marker stayed behind

    seen = start(data, looked, monkeypatch=monkeypatch)
    assert seen["rc"] == 0
    assert seen["selection"] is None                        # nothing restored ...
    assert seen["expo"] != other                            # not even the last expo file
    assert seen["notice"] and "last start did not finish" in seen["notice"]   # ... and said,
    assert "last start did not finish" in seen["welcome"]   # in the welcome too
    assert seen["welcome fits"]
    assert settings_of(data).value(startstate.KEY) is None  # this start finished

    # The settings were kept: the start after that one restores as usual.
    s = settings_of(data)
    s.setValue("last/expo", str(other))
    s.setValue("last/selection", "wesemibay-2025|exhibitor|merck")
    s.sync()
    seen = start(data, looked, monkeypatch=monkeypatch)
    assert seen["selection"] == ("exhibitor", "merck")
    assert seen["expo"] == other
    assert seen["notice"] is None and seen["welcome"] is None


def test_the_marker_is_written_before_restoring_and_cleared_once_the_window_ran(
        tmp_path, qtbot, qapp):
    s = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    first = startstate.StartGuard(s)
    assert first.restore
    assert QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat).value(startstate.KEY)
    # Not cleared (the start died): the next start does not restore.
    second = startstate.StartGuard(s)
    assert not second.restore
    second.arm(delay_ms=10)
    qtbot.waitUntil(lambda: second.done, timeout=2000)
    assert QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat).value(
        startstate.KEY) is None
    assert startstate.StartGuard(s).restore


def test_a_start_that_refuses_its_arguments_is_not_taken_for_a_crash(
        tmp_path, builtin_file, capsys):
    data = data_folder(tmp_path, builtin_file)
    assert desktop_app.main(["--data-dir", str(data), "--select", "no-such-exhibitor"]) == 1
    assert "no-such-exhibitor" in capsys.readouterr().err
    for w in QApplication.topLevelWidgets():     # the window it had shown
        w.close()
    assert settings_of(data).value(startstate.KEY) is None
    assert startstate.StartGuard(settings_of(data)).restore
