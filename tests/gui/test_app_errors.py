"""The window's error hook and log: errors we expect are one plain line; a bug goes to the
log with its traceback, and the user is told where the log is. The log survives a data
folder that cannot be written."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from db.errors import DataError, StorageError, storage_error
from desktop import logs
from faults import read_only

from .test_notes_faults import answer_dialogs

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def logged(tmp_path, monkeypatch):
    """The program's logging set up in a fresh data folder; undone afterwards."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    data = tmp_path / "data"
    data.mkdir()
    yield data
    root = logging.getLogger()
    for h in [h for h in root.handlers if getattr(h, "_wesemibay", False)]:
        root.removeHandler(h)
        h.close()
    monkeypatch.setattr(logs, "log_path", None)


def raised(exc: BaseException):
    try:
        raise exc
    except BaseException:
        return sys.exc_info()


def test_expected_error_is_one_line_without_traceback(logged, capsys):
    log = logs.setup_logging(logged)
    assert log == logged / "wesemibay.log"
    exc = storage_error(logged / "user.sqlite", OSError(28, "No space left on device"),
                        "cannot save the note")
    logs.handle_exception(*raised(exc))
    err = capsys.readouterr().err
    assert err == f"wesemibay: {logged / 'user.sqlite'}: cannot save the note: the disk is full\n"
    text = log.read_text(encoding="utf-8")
    assert "the disk is full" in text and "Traceback" not in text


def test_bad_file_error_and_os_fault_are_expected(logged, capsys):
    logs.setup_logging(logged)
    logs.handle_exception(*raised(DataError("/x/expo.sqlite: not an expo file")))
    logs.handle_exception(*raised(PermissionError(13, "Permission denied", "/x/out.pdf")))
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["wesemibay: /x/expo.sqlite: not an expo file",
                     "wesemibay: /x/out.pdf: permission denied"]


def test_bug_goes_to_the_log_and_the_user_gets_one_line(logged, capsys):
    log = logs.setup_logging(logged)
    logs.handle_exception(*raised(ValueError("a bug, with <b>markup</b>")))
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "a bug in the program" in err and str(log) in err and "ValueError" in err
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "a bug, with <b>markup</b>" in text


def test_logging_survives_an_unwritable_data_folder(logged, capsys):
    with read_only(logged):
        log = logs.setup_logging(logged)
        assert log is not None and log.parent == Path(tempfile.gettempdir())
        logs.handle_exception(*raised(KeyError("bug")))
    assert str(log) in capsys.readouterr().err
    assert "KeyError" in log.read_text(encoding="utf-8")
    assert not (logged / "wesemibay.log").exists()


def test_the_log_rotates_at_one_megabyte_keeping_three_older_files(logged):
    log = logs.setup_logging(logged)
    line = "x" * 4000
    for i in range(1_800):                        # about 7 MB of log lines
        logging.getLogger("wesemibay").info("line %d %s", i, line)
    files = sorted(p.name for p in logged.iterdir() if p.name.startswith("wesemibay.log"))
    assert files == ["wesemibay.log", "wesemibay.log.1", "wesemibay.log.2", "wesemibay.log.3"]
    for name in files:
        assert (logged / name).stat().st_size <= logs.LOG_MAX_BYTES
    assert "line 1799 " in log.read_text(encoding="utf-8")         # the newest is kept
    assert "line 0 " not in "".join((logged / n).read_text(encoding="utf-8") for n in files)


def test_a_log_that_cannot_rotate_keeps_its_lines(logged):
    """The folder became read-only after the log was opened: no rename, no lost line."""
    log = logs.setup_logging(logged, max_bytes=10_000)
    with read_only(logged):
        for i in range(200):
            logging.getLogger("wesemibay").info("line %d %s", i, "y" * 100)
    text = log.read_text(encoding="utf-8")
    assert "line 0 " in text and "line 199 " in text
    assert not (logged / "wesemibay.log.1").exists()


def test_expected_error_dialog_shows_the_one_line(logged, qapp, qtbot, monkeypatch, capsys):
    monkeypatch.delenv("WESEMIBAY_NO_DIALOGS", raising=False)
    logs.setup_logging(logged)
    seen, timer = answer_dialogs(qtbot, ["OK"])
    logs.handle_exception(*raised(StorageError("/d/user.sqlite: cannot save the star: "
                                              "the file or its folder is read-only")))
    timer.stop()
    assert seen == ["/d/user.sqlite: cannot save the star: the file or its folder is read-only"]
    seen, timer = answer_dialogs(qtbot, ["OK"])
    logs.handle_exception(*raised(ZeroDivisionError("division by zero")))
    timer.stop()
    assert len(seen) == 1 and "\n" not in seen[0] and "Traceback" not in seen[0]
    assert str(logged / "wesemibay.log") in seen[0]


BUG_IN_A_SLOT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from desktop import app
    app.setup_logging(Path(sys.argv[1]))
    app.install_excepthook()
    qapp = QApplication([])
    def slot():
        {}["missing"]            # a bug, in a slot the event loop calls
    QTimer.singleShot(0, slot)
    QTimer.singleShot(300, qapp.quit)
    sys.exit(qapp.exec())
""")


def test_bug_in_a_slot_of_the_running_program(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WESEMIBAY_NO_DIALOGS="1")
    proc = subprocess.run([sys.executable, "-c", BUG_IN_A_SLOT, str(tmp_path)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "KeyError" in lines[0] and str(tmp_path / "wesemibay.log") in lines[0]
    log = (tmp_path / "wesemibay.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "'missing'" in log
