"""Where the program keeps the user's files (no Qt: the command line needs it too)."""
from __future__ import annotations

import os
import sys
from pathlib import Path


def default_data_dir() -> Path:
    """The user's data folder (never beside the program, which may be read-only)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "wesemibay-explorer"
