"""Shared test settings: Qt renders offscreen, and no test touches real user folders."""
import os

# Must happen before anything imports Qt.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("WESEMIBAY_NO_DIALOGS", "1")

import pytest  # noqa: E402

# Statements are counted (db.connection.trace_statements) by some tests while the window's
# worker threads run: every connection gets the counting callback as it is made.
from db.connection import trace_from_birth  # noqa: E402

trace_from_birth()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Point HOME and the XDG folders at a temporary folder for every test."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    yield
