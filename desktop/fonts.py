"""The program's own Chinese font, for systems that have none.

``assets/fonts/WeSemiBaySansSC-Regular.otf`` is a subset of Noto Sans CJK SC (SIL
Open Font License; see OFL.txt and README.md beside it, and scripts/subset_cjk_font.py):
the 8,105 characters of the Table of General Standard Chinese Characters plus every
character of the built-in data and the Chinese translation.

Call ``ensure_cjk_font()`` once a QGuiApplication exists and before the first window is
built: when no installed font covers Simplified Chinese it registers the bundled one with
Qt, so Chinese names are drawn with real glyphs instead of empty boxes. PDF export can ask
for ``FAMILY`` by name (``cjk_family()``) to embed it.
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase

from db.assets import FONTS

FONT_PATH = FONTS / "WeSemiBaySansSC-Regular.otf"
FAMILY = "WeSemiBay Sans SC"

log = logging.getLogger(__name__)
_registered: str | None = None


def system_cjk_families() -> list[str]:
    """Installed families that cover Simplified Chinese (the bundled one not counted)."""
    return [f for f in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
            if f != FAMILY]


def register_bundled_font(path: Path = FONT_PATH) -> str | None:
    """Add the bundled font to Qt's font database; its family, or None (logged) on failure."""
    global _registered
    if _registered is not None:
        return _registered
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("%s: could not load the bundled Chinese font; Chinese text may show "
                    "as boxes", path)
        return None
    _registered = families[0]
    # Qt falls back to this family for characters the chosen font lacks: substitute it
    # for the default family (and the generic ones), so every widget finds it.
    default = QFont().family()
    for family in {default, "Sans Serif", "sans-serif", "SansSerif", "Helvetica", "Arial"}:
        subs = QFont.substitutes(family)
        if _registered not in subs:
            QFont.insertSubstitution(family, _registered)
    return _registered


def ensure_cjk_font(force: bool = False) -> str | None:
    """Register the bundled Chinese font if the system has no font for Chinese.

    Returns the registered family, or None when a system font covers Chinese (nothing
    done) or the bundled font could not be loaded. ``force`` registers it regardless.
    Needs a QGuiApplication.
    """
    if not force:
        found = system_cjk_families()
        if found:
            log.debug("Chinese text: system fonts %s", found[:3])
            return None
    family = register_bundled_font()
    if family:
        log.info("Chinese text: no system font covers it; using the bundled %s", family)
    return family


def cjk_family() -> str:
    """The family to name for Chinese text in documents (PDF export): a system one if any."""
    found = system_cjk_families()
    if found:
        return found[0]
    return register_bundled_font() or FAMILY
