"""Settings persist between runs: language, last expo, last selection, window layout."""
from __future__ import annotations

import shutil

from PySide6.QtCore import QSettings

from desktop import app as desktop_app


def test_language_sticks(tmp_path, qapp):
    data = tmp_path / "data"
    assert desktop_app.main(["--data-dir", str(data), "--lang", "de", "--screenshot",
                             str(tmp_path / "a.png"), "--size", "900x600"]) == 0
    settings = QSettings(str(data / "settings.ini"), QSettings.Format.IniFormat)
    assert settings.value("ui/language") == "de"


def test_last_selection_and_expo_are_restored(qtbot, expo, user, tmp_path):
    from desktop.main_window import MainWindow
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(expo, user, settings)
    qtbot.addWidget(win)
    win.show()
    win.selection.select("exhibitor", "merck")
    win.close()
    win2 = MainWindow(expo, user, settings)
    qtbot.addWidget(win2)
    win2.show()
    win2.restore_selection()
    assert win2.selection.current == ("exhibitor", "merck")
    assert "Merck" in win2.detail.title.text()
    win2.close()


def test_last_expo_file_is_reopened(tmp_path, builtin_file):
    data = tmp_path / "data"
    data.mkdir()
    other = tmp_path / "other.sqlite"
    shutil.copyfile(builtin_file, other)
    settings = QSettings(str(data / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("last/expo", str(other))
    expo, user = desktop_app.open_start_files(None, data, settings)
    assert expo.path == other
    expo.close()
    user.close()
    # A screenshot run never depends on what was open last time.
    expo, user = desktop_app.open_start_files(None, data, settings, remember=False)
    assert expo.path != other
    expo.close()
    user.close()


def test_broken_last_expo_falls_back_to_builtin(tmp_path):
    """A last expo that became unreadable must not stop the program from starting."""
    data = tmp_path / "data"
    data.mkdir()
    broken = tmp_path / "gone-bad.sqlite"
    broken.write_text("not a database")
    before = broken.read_bytes()
    settings = QSettings(str(data / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("last/expo", str(broken))
    expo, user = desktop_app.open_start_files(None, data, settings)
    assert expo.meta()["slug"] == "wesemibay-2025"
    assert settings.value("last/expo") is None  # forgotten
    assert broken.read_bytes() == before        # and left untouched
    expo.close()
    user.close()
