"""Translation entry point: every user-facing string goes through ``tr``."""
from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QLocale

from db.countries import country_name


def tr(text: str, context: str = "WeSemiBay", disambiguation: str | None = None, n: int = -1) -> str:
    """The interface string in the interface language. With ``n`` (the source holds
    ``%n``), Qt picks the language's plural form; English, the source language, reads
    "booth(s)" as "booth" for 1 and "booths" otherwise."""
    out = QCoreApplication.translate(context, text, disambiguation, n)
    if n >= 0 and "(" in out and out == text.replace("%n", str(n)):
        out = _ENGLISH_PLURAL.sub(lambda m: "" if n == 1 else m.group(1), out)
    return out


_ENGLISH_PLURAL = re.compile(r"\((s|es)\)")


def language() -> str:
    """The interface language: "en", "de" or "zh" (the locale ``load_translation`` set)."""
    lang = QLocale().name()[:2]
    return lang if lang in ("de", "zh") else "en"


def country(code: str | None) -> str | None:
    """A country code's name in the interface language (the code itself if unknown)."""
    return country_name(code, language())
