"""The Notes tab, stars and My plan when the user file fails: what the user sees.

Real faults (tests/faults.py): a read-only user file (chattr +i as root, write bits
otherwise), a disk that refuses writes (RLIMIT_FSIZE: EFBIG past the -wal's size),
another running copy (a real process) saving the same note. The status line of the
note never says "Saved" unless SQLite committed the text; failed text stays in the
editor, is retried, and is written to a file on closing.
"""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox

from db.userdata import UserData
from faults import read_only, writes_fail_past

EXPO = "wesemibay-2025"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def user_path(tmp_path):
    return tmp_path / "data" / "user.sqlite"


@pytest.fixture
def make_window(qtbot, expo):
    made = []

    def make(user):
        from desktop.main_window import MainWindow
        win = MainWindow(expo, user, settings=None)
        qtbot.addWidget(win)
        win.resize(1400, 900)
        win.show()
        qtbot.waitExposed(win)
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow)
        made.append((win, user))
        return win
    yield make
    for win, user in made:
        win.detail.outbox.clear()      # the test decided what happens to them
        if win.isVisible():
            win.close()
        user.close()


def stored_text(path, kind="exhibitor", ref="sicarrier"):
    u = UserData(path)
    try:
        note = u.note(EXPO, kind, ref)
        return note["text"] if note else None
    finally:
        u.close()


def type_note(window, qtbot, text):
    window.detail.tabs.setCurrentIndex(3)
    window.detail.notes.setFocus()
    if text.isascii() and "\n" not in text:
        qtbot.keyClicks(window.detail.notes, text)
    else:                       # QTest cannot type CJK or newlines: paste them, as a user can
        window.detail.notes.insertPlainText(text)


def status(window) -> str:
    return window.detail.note_status.text()


# ------------------------------------------------------------- read-only file
def test_read_only_user_file_says_not_saved_keeps_text_and_retries(make_window, qtbot,
                                                                  user_path):
    UserData(user_path).close()
    with read_only(user_path):
        user = UserData(user_path)
        window = make_window(user)
        detail = window.detail
        # Said at once, before anything is typed.
        assert detail.write_status.isVisible()
        assert "cannot be saved" in detail.write_status.text()
        assert str(user_path) in detail.write_status.text()
        window.selection.select("exhibitor", "sicarrier")
        type_note(window, qtbot, "Ask about Alishan lead times")
        qtbot.waitUntil(lambda: status(window).startswith("Not saved"), timeout=3000)
        assert "Saved" not in status(window).replace("Not saved", "")
        assert "kept here" in status(window) and "retried" in status(window)
        assert str(user_path) in status(window)
        assert detail.notes.toPlainText() == "Ask about Alishan lead times"
        assert stored_text(user_path) is None
        # Away and back: the unsaved text is still there, still said to be unsaved.
        window.selection.select("exhibitor", "merck")
        assert detail.notes.toPlainText() == ""
        window.selection.select("exhibitor", "sicarrier")
        assert detail.notes.toPlainText() == "Ask about Alishan lead times"
        assert status(window).startswith("Not saved")
        detail._retry_timer.setInterval(100)
        qtbot.wait(300)
        assert status(window).startswith("Not saved")       # retried, still refused
    # The file is writable again: the retry timer saves the text by itself.
    qtbot.waitUntil(lambda: status(window).startswith("Saved"), timeout=3000)
    assert stored_text(user_path) == "Ask about Alishan lead times"
    assert len(detail.outbox) == 0 and not detail._retry_timer.isActive()
    assert not detail.write_status.isVisible()


# ---------------------------------------------------------------- full disk
def test_full_disk_during_autosave(make_window, qtbot, user_path):
    user = UserData(user_path)
    window = make_window(user)
    window.selection.select("exhibitor", "sicarrier")
    type_note(window, qtbot, "first line")
    qtbot.waitUntil(lambda: status(window).startswith("Saved"), timeout=3000)
    qtbot.keyClicks(window.detail.notes, ", then")
    window.detail.notes.insertPlainText(" a long second part " + "x" * 20000)   # pasted
    wal = Path(f"{user_path}-wal")
    with writes_fail_past(wal.stat().st_size):
        assert window.detail.save_note() is False
    assert status(window).startswith("Not saved")
    assert "input/output error" in status(window) or "disk is full" in status(window)
    assert stored_text(user_path) == "first line"
    assert window.detail.notes.toPlainText().startswith("first line, then a long")
    # The next retry (here: the window asks before closing) writes it.
    assert window.detail.flush_notes() is True
    assert status(window).startswith("Saved")
    assert stored_text(user_path).startswith("first line, then a long second part")


# ------------------------------------------------------------------- stars
def test_failed_star_is_shown_not_dropped(make_window, qtbot, user_path):
    u = UserData(user_path)
    u.set_favourite(EXPO, "exhibitor", "merck", True)
    u.close()
    with read_only(user_path):
        user = UserData(user_path)
        window = make_window(user)
        window.selection.select("exhibitor", "sicarrier")
        qtbot.mouseClick(window.detail.star, Qt.MouseButton.LeftButton)
        assert not window.detail.star.isChecked() and window.detail.star.text().startswith("☆")
        assert window.detail.write_status.text().startswith("Not starred:")
        window.view.setFocus()
        qtbot.keyClick(window.view, Qt.Key.Key_S)           # the S key, the same
        assert not window.detail.star.isChecked()
        assert window.detail.write_status.text().startswith("Not starred:")
        assert str(user_path) in window.statusBar().currentMessage()
        # Unstarring from My plan: refused, said so, and the stop stays listed.
        plan = window.plan
        assert plan.list.count() == 1
        plan.list.setCurrentRow(0)
        qtbot.mouseClick(plan.unstar, Qt.MouseButton.LeftButton)
        assert plan.error.isVisible() and plan.error.text().startswith("Not saved:")
        assert plan.list.count() == 1 and "Merck" in plan.list.item(0).text()


# --------------------------------------------------------- conflict copies
OTHER_COPY = textwrap.dedent("""
    import sys
    from db.userdata import UserData
    u = UserData(sys.argv[1])
    note, version = u.load_note("wesemibay-2025", "exhibitor", "sicarrier")
    u.save_note("wesemibay-2025", "exhibitor", "sicarrier", sys.argv[2], base=version,
                base_text=note["text"] if note else "")
    u.close()
""")


def test_conflict_copy_is_shown_in_notes_and_my_plan(make_window, qtbot, user_path):
    user = UserData(user_path)
    window = make_window(user)
    window.selection.select("exhibitor", "sicarrier")
    window.toggle_star()
    type_note(window, qtbot, "mine")
    qtbot.waitUntil(lambda: status(window).startswith("Saved"), timeout=3000)
    # Another running copy of the program saves this note (a real second process).
    subprocess.run([sys.executable, "-c", OTHER_COPY, str(user_path), "theirs: booth moved"],
                   cwd=REPO, check=True, timeout=60)
    qtbot.keyClicks(window.detail.notes, ", and more")
    window.detail.save_note()
    detail = window.detail
    assert "another running copy" in status(window)
    assert detail.conflict_box.isVisible()
    assert detail.conflict_text.toPlainText() == "theirs: booth moved"
    assert "kept here" in detail.conflict_title.text()
    assert stored_text(user_path) == "mine, and more"
    rows = [window.plan.list.item(i).text() for i in range(window.plan.list.count())]
    assert "conflict copies: 1" in rows[0]
    # The user takes the other text into the note: both texts, one note, no copy left.
    qtbot.mouseClick(detail.conflict_merge, Qt.MouseButton.LeftButton)
    assert detail.notes.toPlainText() == "mine, and more\n\ntheirs: booth moved"
    assert stored_text(user_path) == "mine, and more\n\ntheirs: booth moved"
    assert not detail.conflict_box.isVisible()
    rows = [window.plan.list.item(i).text() for i in range(window.plan.list.count())]
    assert "conflict" not in rows[0]


# ---------------------------------------------------------------- closing
def test_closing_with_unsaved_notes_writes_them_to_a_dated_file(make_window, qtbot, user_path,
                                                                capsys):
    UserData(user_path).close()
    with read_only(user_path):
        window = make_window(UserData(user_path))
        window.selection.select("exhibitor", "sicarrier")
        type_note(window, qtbot, "Ask about Alishan\n新凯来 lead times")
        window.selection.select("exhibitor", "merck")
        type_note(window, qtbot, "gases")
        assert window.close()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "could not be saved" in err[0] and "Saved" not in err[0]
    written = Path(re.search(r"written to (\S+)", err[0]).group(1))
    assert written.parent == user_path.parent and written.name.startswith("unsaved-notes-")
    text = written.read_text(encoding="utf-8")
    assert "Ask about Alishan\n新凯来 lead times" in text and "gases" in text
    assert "SiCarrier" in text and "Merck" in text


def answer_dialogs(qtbot, answers):
    """Answer the modal dialogs that come up, in order: a button text, or a file path for
    a file dialog. Returns the texts of the message boxes seen."""
    seen, todo = [], list(answers)

    def poll():
        w = QApplication.activeModalWidget()
        if w is None or not todo:
            return
        if isinstance(w, QFileDialog):        # Qt's own dialog (offscreen): type the name
            name = w.findChild(QLineEdit, "fileNameEdit")
            name.setText(todo.pop(0))
            w.accept()
        elif isinstance(w, QMessageBox):
            want = todo.pop(0)
            seen.append(w.text())
            button = next(b for b in w.buttons() if b.text().replace("&", "") == want)
            button.click()
    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(50)
    return seen, timer


def unsaved_note(make_window, qtbot, user_path, ref, text):
    """A window on a read-only user file with one note typed (and not saved)."""
    window = make_window(UserData(user_path))
    window.selection.select("exhibitor", ref)
    type_note(window, qtbot, text)
    return window


def test_close_dialog_keeps_the_window_open_or_saves_to_a_chosen_file(
        make_window, qtbot, user_path, tmp_path, monkeypatch):
    monkeypatch.delenv("WESEMIBAY_NO_DIALOGS", raising=False)
    UserData(user_path).close()
    with read_only(user_path):
        window = unsaved_note(make_window, qtbot, user_path, "sicarrier", "do not lose me")
        seen, timer = answer_dialogs(qtbot, ["Keep the window open"])
        assert window.close() is False
        timer.stop()
        assert window.isVisible() and len(window.detail.outbox) == 1
        assert "could not be saved" in seen[0] and str(user_path) in seen[0]
        chosen = tmp_path / "my-notes.txt"
        seen, timer = answer_dialogs(qtbot, ["Save to a file…", str(chosen)])
        assert window.close() is True
        timer.stop()
    assert "do not lose me" in chosen.read_text(encoding="utf-8")


def test_close_dialog_close_writes_a_dated_file_and_says_where(
        make_window, qtbot, user_path, monkeypatch):
    monkeypatch.delenv("WESEMIBAY_NO_DIALOGS", raising=False)
    UserData(user_path).close()
    with read_only(user_path):
        window = unsaved_note(make_window, qtbot, user_path, "merck",
                              "gases, ask for the price list")
        seen, timer = answer_dialogs(qtbot, ["Close", "OK"])
        assert window.close() is True
        timer.stop()
    assert len(seen) == 2 and "written to" in seen[1]
    written = Path(seen[1].split("written to ", 1)[1].strip())
    assert written.parent == user_path.parent
    assert "gases, ask for the price list" in written.read_text(encoding="utf-8")
