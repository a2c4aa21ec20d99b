"""Translation entry point: every user-facing string goes through ``tr``."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale

from db.countries import country_name


def tr(text: str, context: str = "WeSemiBay", disambiguation: str | None = None, n: int = -1) -> str:
    return QCoreApplication.translate(context, text, disambiguation, n)


def language() -> str:
    """The interface language: "en", "de" or "zh" (the locale ``load_translation`` set)."""
    lang = QLocale().name()[:2]
    return lang if lang in ("de", "zh") else "en"


def country(code: str | None) -> str | None:
    """A country code's name in the interface language (the code itself if unknown)."""
    return country_name(code, language())
