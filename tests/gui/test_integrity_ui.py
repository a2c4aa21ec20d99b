"""A damaged expo file in the window: found after the window shows (not on opening), said
once in a banner, never as a traceback, and the user's notes and the file left as they were."""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

from db.expo import open_expo
from db.userdata import UserData

from faults import damage_page  # tests/faults.py


def sha(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_a_damaged_file_is_said_once_and_nothing_is_touched(qtbot, builtin_file, tmp_path,
                                                            caplog, capsys):
    from desktop.app import handle_exception
    from desktop.main_window import MainWindow

    path = tmp_path / "damaged.sqlite"
    shutil.copyfile(builtin_file, path)
    damage_page(path, "quotes")             # read by nothing at start; quick_check finds it
    data = tmp_path / "data"
    user = UserData(data / "user.sqlite")
    expo = open_expo(path, integrity=False)             # as the window opens it
    slug = expo.slug
    user.save_note(slug, "exhibitor", "sicarrier", "Ask about the ALD tool")
    user.toggle_favourite(slug, "exhibitor", "sicarrier")
    notes_before = user.notes(slug)
    favourites_before = user.favourites(slug)
    expo_before = sha(path)

    win = MainWindow(expo, user, settings=None)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    banner = win.integrity.banner
    assert not banner.isVisible()                       # opening did not read every page
    win.integrity.check_in_background()
    qtbot.waitUntil(lambda: banner.isVisible(), timeout=10000)
    text = win.integrity.banner_text.text()
    assert "The expo file is damaged" in text and str(path) in text
    assert "Your notes and stars are kept in your own file and were not touched" in text

    # Once: hidden by the user, later damage met by a reader is not said again.
    banner.hide()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.execute("SELECT * FROM quotes").fetchall()
        raise AssertionError("the damaged page was read without an error")
    except sqlite3.DatabaseError as exc:
        met = exc
    finally:
        conn.close()
    handle_exception(type(met), met, met.__traceback__)     # as a slot's error would arrive
    qtbot.wait(50)
    assert not banner.isVisible()
    assert win.integrity.damage is not None
    err = capsys.readouterr().err
    assert "Traceback" not in err and "unexpected error" not in err.lower()
    assert "Traceback" not in caplog.text

    # Asked again from the menu: the same answer, still once.
    win.integrity.action.trigger()
    qtbot.waitUntil(lambda: not win.integrity.running(), timeout=10000)
    assert not banner.isVisible() and not win.integrity.result.ok

    win.close()
    assert user.notes(slug) == notes_before and user.favourites(slug) == favourites_before
    expo.close()
    assert sha(path) == expo_before
    user.close()
    reopened = UserData(data / "user.sqlite")
    assert [n["text"] for n in reopened.notes(slug)] == ["Ask about the ALD tool"]
    reopened.close()


def test_an_undamaged_file_shows_no_banner_and_is_remembered(window, qtbot):
    watch = window.integrity
    watch.check_in_background()
    qtbot.waitUntil(lambda: watch.result is not None, timeout=10000)
    assert watch.result.ok and not watch.result.cached and not watch.banner.isVisible()
    watch.result = None
    watch.check_in_background()
    qtbot.waitUntil(lambda: watch.result is not None, timeout=10000)
    assert watch.result.ok and watch.result.cached        # unchanged: not read again
    watch.result = None
    window.integrity.action.trigger()                      # File ▸ Check: read again
    qtbot.waitUntil(lambda: watch.result is not None, timeout=10000)
    assert watch.result.ok and not watch.result.cached
    assert "No damage found" in window.statusBar().currentMessage()
