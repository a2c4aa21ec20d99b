"""The one asset lookup: where the program's own files are.

``assets/`` holds the icons, the interface translations, the product illustrations, the
Chinese font and the desktop entry. It sits beside ``db/`` in each of the three layouts the
program runs from, so one rule finds it:

    a checkout (also ``pip install -e .``)   <repo>/assets/
    the installed wheel                      site-packages/wesemibay_explorer/assets/
    the PyInstaller bundle                   <bundle>/_internal/assets/  (sys._MEIPASS)

Plain Python (no Qt): ``db.images`` reads the product art, ``desktop`` the rest. Nothing
else in the code base builds a path to an asset.
"""
from __future__ import annotations

import sys
from pathlib import Path


def assets_dir() -> Path:
    """The ``assets/`` folder of the running program."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "assets"
    return Path(__file__).resolve().parents[1] / "assets"


ASSETS = assets_dir()
ICONS = ASSETS / "icons"
TRANSLATIONS = ASSETS / "translations"
PRODUCT_ART = ASSETS / "products"
FONTS = ASSETS / "fonts"
DESKTOP_ENTRY = ASSETS / "wesemibay-explorer.desktop"


def asset(*parts: str) -> Path:
    """A path under ``assets/`` (``asset("icons", "wesemibay-256.png")``)."""
    return ASSETS.joinpath(*parts)
