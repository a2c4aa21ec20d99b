"""WeSemiBay Explorer's Qt desktop program. It imports ``db``; ``db`` never imports it.

The program's name and version live here, where every module of ``desktop`` (and the
start-up in ``desktop/app.py``) can ask for them without importing the start-up.
"""
from __future__ import annotations

APP_NAME = "WeSemiBay Explorer"
ORG = "wesemibay"
DIST = "wesemibay-explorer"        # the installed distribution's name (pyproject.toml)


def version() -> str:
    """The installed program's version ("dev" when it is not installed)."""
    try:
        from importlib.metadata import version as _v
        return _v(DIST)
    except Exception:
        return "dev"
