"""Translation entry point: every user-facing string goes through ``tr``.

Besides the interface's own strings (``tr``, with Qt's plural forms through ``n``), the
window shows in its language: zone and hall names (``place_name``: the expo's data carries
them per language), country names (``country``), tool types (``tool_type``), numbers
(``number``, ``percent``) and whole numbers (``count``) in the locale's format.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QLocale

from db.countries import country_name
from db.names import name_in
from db.supply import TOOL_LABELS


def tr(text: str, context: str = "WeSemiBay", disambiguation: str | None = None, n: int = -1) -> str:
    """``text`` in the interface language. With a count ``n`` (the source holds ``%n``) the
    text is a plural in Qt's way ("%n booth(s)"): the catalogue holds each language's forms;
    English, the source language, reads "booth(s)" as "booth" for 1 and "booths" otherwise."""
    out = QCoreApplication.translate(context, text, disambiguation, n)
    if n >= 0 and "(" in out and out in (text.replace("%n", str(n)).replace("%Ln", str(n)),
                                         text.replace("%n", str(n)).replace(
                                             "%Ln", QLocale().toString(n))):
        out = _ENGLISH_PLURAL.sub(lambda m: "" if n == 1 else m.group(1), out)
    return out


_ENGLISH_PLURAL = re.compile(r"\((s|es)\)")


def N_(text: str) -> str:
    """Marks ``text`` for the catalogues where it is kept (a table of labels) and translated
    with ``tr(variable)`` where it is shown; ``scripts/i18n.py`` collects it."""
    return text


def language() -> str:
    """The interface language: "en", "de" or "zh" (the locale ``load_translation`` set)."""
    lang = QLocale().name()[:2]
    return lang if lang in ("de", "zh") else "en"


def country(code: str | None) -> str | None:
    """A country code's name in the interface language (the code itself if unknown)."""
    return country_name(code, language())


def place_name(rec: dict) -> str:
    """A zone's or hall's name in the interface language (its own name where the expo's data
    has none in that language)."""
    return name_in(rec, language())


def tool_type(code: str | None) -> str:
    """A tool type as it reads on screen ("CVD (chemical vapour deposition)", translated);
    a code the program does not know is shown as the data has it."""
    if not code:
        return ""
    label = TOOL_LABELS.get(code)
    return tr(label) if label else code


def number(value: float, decimals: int = 1) -> str:
    """A number in the locale's format (German ``1,2``)."""
    return QLocale().toString(float(value), "f", decimals)


def percent(value: float, decimals: int = 1) -> str:
    """A share in the locale's format and with its percent sign ("12,5 %" in German)."""
    text = number(value, decimals)
    return {"de": f"{text} %", "zh": f"{text}%"}.get(language(), f"{text}%")


def count(n: int) -> str:
    """A whole number with the locale's digit grouping (German ``12.345``)."""
    return QLocale().toString(int(n))


# Exhibitor categories of the built-in expo, shown in the interface language; another
# expo's categories are its data and shown as they are.
CATEGORIES = (N_("equipment"), N_("materials"), N_("chip design"), N_("EDA software"),
              N_("other"), N_("regional pavilion"))


def category(text: str | None) -> str:
    return tr(text) if text in CATEGORIES else (text or "")
