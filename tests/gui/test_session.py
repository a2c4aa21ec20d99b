"""One owner of windows (issue 11): File ▸ Open asks the session for a new window through a
signal, and the window it replaces leaves nothing behind: no window, no thread, no handle
on its expo file (so that, on Windows, the file can be replaced once its window closed)."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication

from db.connection import open_connections
from desktop.main_window import MainWindow

from .test_notes_faults import answer_dialogs

PROC_FD = Path("/proc/self/fd")


def descriptors_on(path: Path) -> int:
    """This process's open descriptors on the file at ``path`` (and its -wal and -shm)."""
    if not PROC_FD.is_dir():
        pytest.skip("no /proc/self/fd here")
    names = {str(Path(path).resolve()) + s for s in ("", "-wal", "-shm")}
    n = 0
    for fd in PROC_FD.iterdir():
        try:
            n += os.readlink(fd) in names
        except OSError:
            continue
    return n


def main_windows() -> list:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]


def window_threads(win) -> set[threading.Thread]:
    """The threads a window runs: its background jobs' and the floor plan's tile thread."""
    return set(win.jobs.threads()) | {win.scene.tiles._thread}


def use(win, qtbot) -> None:
    """What a user does in a window: search (a job), the products view with thumbnails
    and a product's picture (jobs), until every job has answered."""
    win.search.box.setText("ALD")
    qtbot.waitUntil(lambda: any(h.kind == "exhibitor" for h in win.search.hits), timeout=5000)
    win.products_dock.show()
    win.products.table.selectRow(0)
    qtbot.waitUntil(lambda: win.products.view.picture_state != "loading", timeout=5000)
    assert win.jobs.wait_idle(5000)


def test_ten_reopens_leave_one_window_and_no_thread_or_file_behind(session, window, qtbot,
                                                                   tmp_path):
    first = window.expo.path
    other = tmp_path / "other.sqlite"
    shutil.copyfile(first, other)
    use(window, qtbot)
    assert window.jobs.threads()                    # the jobs ran in threads of their own
    others = set(threading.enumerate()) - window_threads(window)

    paths = [other, first]
    for k in range(10):
        old = session.window
        old.open_requested(str(paths[k % 2]))       # File ▸ Open, as the menu does it
        new = session.window
        assert new is not old and new.expo.path == paths[k % 2]
        assert not old.isVisible() and session.windows == [new]
        use(new, qtbot)

    win = session.window
    qtbot.waitUntil(lambda: main_windows() == [win], timeout=5000)     # the old ones deleted
    assert set(threading.enumerate()) == others | window_threads(win)
    assert len(win.jobs.threads()) <= 2
    assert QThreadPool.globalInstance().activeThreadCount() == 0
    shown, gone = (first, other) if win.expo.path == first else (other, first)
    assert descriptors_on(gone) == 0 and open_connections(gone) == 0
    # The window's own file: its handle and its worker threads' readers, nothing more.
    assert 1 <= open_connections(shown) <= 1 + len(win.jobs.threads())


def test_a_closed_window_is_deleted_its_threads_joined_and_its_file_closed(
        session, window, qtbot, tmp_path):
    path = window.expo.path
    use(window, qtbot)
    threads = window_threads(window)
    assert descriptors_on(path) >= 1
    window.close()
    assert not [t.name for t in threads if t.is_alive()]
    assert descriptors_on(path) == 0 and open_connections(path) == 0
    assert session.windows == []
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=5000)
    # Nothing holds the file: it can be replaced (as Windows allows only then), and a
    # window opens on the new one.
    replacement = tmp_path / "replacement.sqlite"
    shutil.copyfile(path, replacement)
    os.replace(replacement, path)
    again = session.open_file(path)
    assert again.expo.exhibitor("sicarrier") is not None


def test_a_file_that_cannot_be_opened_keeps_the_window(session, window, qtbot, tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not an expo file" * 64)
    seen, timer = answer_dialogs(qtbot, ["OK"])
    window.open_requested(str(bad))                 # one line over the window, which stays
    timer.stop()
    assert len(seen) == 1 and str(bad) in seen[0]
    assert session.windows == [window] and window.isVisible()
    assert descriptors_on(bad) == 0 and open_connections(bad) == 0


def test_file_open_in_the_running_program(tmp_path, builtin_file, monkeypatch):
    """The program's own session (``wesemibay``): File ▸ Open three times, one window and
    one set of threads at the end, the last file remembered for the next start."""
    from .test_firstrun import data_folder, settings_of, start
    data = data_folder(tmp_path, builtin_file)
    files = [tmp_path / "a.sqlite", tmp_path / "b.sqlite"]
    for f in files:
        shutil.copyfile(builtin_file, f)

    def during(window):
        from desktop import session as desktop_session
        session = desktop_session.current()
        before = set(threading.enumerate()) - window_threads(window)
        for k in range(3):
            session.window.open_requested(str(files[k % 2]))
        win = session.window
        for _ in range(50):
            QApplication.processEvents()
            if main_windows() == [win]:
                break
            threading.Event().wait(0.02)
        return {"windows": len(main_windows()), "path": win.expo.path,
                "extra threads": set(threading.enumerate()) - before - window_threads(win),
                "old file": descriptors_on(files[1])}

    seen = start(data, during, monkeypatch=monkeypatch)
    assert seen["rc"] == 0
    assert seen["windows"] == 1 and seen["path"] == files[0]
    assert seen["extra threads"] == set() and seen["old file"] == 0
    assert Path(settings_of(data).value("last/expo")) == files[0].resolve()
