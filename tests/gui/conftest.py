"""Fixtures for the window tests: the built-in expo built once, a fresh user file per test."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from db.build import build
from db.expo import open_expo
from db.userdata import UserData


@pytest.fixture(scope="session")
def builtin_file(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("gui-builtin") / "expo.sqlite")


@pytest.fixture
def expo(builtin_file, tmp_path):
    path = tmp_path / "expo.sqlite"
    shutil.copyfile(builtin_file, path)
    handle = open_expo(path)
    yield handle
    handle.close()


@pytest.fixture
def user(tmp_path):
    handle = UserData(tmp_path / "data" / "user.sqlite")
    yield handle
    handle.close()


@pytest.fixture
def session(qtbot, user):
    """The windows' owner, as the program has one: File ▸ Open in a window replaces it by
    another through the session. Closed (windows, threads, expo files) afterwards."""
    from desktop.session import Session
    s = Session(user, settings=None)
    yield s
    s.close()
    s.abandon()                    # a window that kept itself open (unsaved notes)


@pytest.fixture
def window(qtbot, session, expo):
    win = session.open(expo)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    win.view.fit_all()
    return win


def open_window(qtbot, expo, user, settings=None, size=(1400, 900)):
    """A shown main window on ``expo``, the whole floor in view."""
    from desktop.main_window import MainWindow
    win = MainWindow(expo, user, settings=settings)
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    win.view.fit_all()
    return win


@pytest.fixture(autouse=True)
def _english_afterwards(qapp):
    """A test that starts the program with --lang leaves no translator or locale behind."""
    yield
    from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
    for t in qapp.findChildren(QTranslator):
        QCoreApplication.removeTranslator(t)
        t.deleteLater()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
