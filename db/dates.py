"""Dates at the precision they are known: a day, a month or only a year.

An expo file stores a date as the ISO day that starts its period (``2014-01-01`` for
"2014", ``2025-10-01`` for "October 2025"), so that dates sort and place on a
timeline, plus its precision (``day``, ``month`` or ``year``). Everything that shows
or exports a date goes through this module, so a year-only date is never shown as
1 January:

* ``iso_date`` gives the reduced ISO 8601 form for exports and the command line
  (``2014``, ``2025-10``, ``2025-10-15``);
* ``format_date`` gives the reading form in English, German or Chinese
  (``October 2025``, ``Oktober 2025``, ``2025年10月``);
* ``parse_date`` reads any of those ISO forms back into (stored day, precision).

Pure Python, no Qt: the window calls ``format_date`` too.
"""
from __future__ import annotations

import datetime as _dt
import re

PRECISIONS = ("day", "month", "year")
# Older files and documents wrote "expo" for "during the expo, day not reported".
LEGACY_PRECISION = {"expo": "month"}

_ISO_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")

_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"),
}


class DateError(ValueError):
    """A date that is not an ISO date of a known precision."""


def parse_date(value: str | None, precision: str | None = None) -> tuple[str, str] | None:
    """``(stored ISO day, precision)`` for ``"2014"``, ``"2025-10"`` or ``"2025-10-15"``.

    ``precision`` (if given) must not be finer than ``value`` and wins over its length, so
    that ``("2014-01-01", "year")`` stays a year. None or "" gives None; anything else that
    is not such a date raises ``DateError`` with a one-line reason.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    m = _ISO_RE.match(text)
    if not m:
        raise DateError(f"{text!r} is not a date (write 2025-10-15, 2025-10 or 2025)")
    year, month, day = m.group(1), m.group(2), m.group(3)
    given = "day" if day else "month" if month else "year"
    prec = LEGACY_PRECISION.get(precision or "", precision) or given
    if prec not in PRECISIONS:
        raise DateError(f"date precision {precision!r} is not one of {', '.join(PRECISIONS)}")
    if PRECISIONS.index(prec) < PRECISIONS.index(given):
        raise DateError(f"{text!r} is not precise enough for precision {prec!r}")
    try:
        start = _dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise DateError(f"{text!r} is not a calendar date") from None
    if prec == "month":
        start = start.replace(day=1)
    elif prec == "year":
        start = start.replace(month=1, day=1)
    return start.isoformat(), prec


def _readable(value, precision) -> tuple[str, str] | str:
    """(stored day, precision), or the text to show instead ("" for no date; an unreadable
    value as it is)."""
    try:
        parsed = parse_date(value, precision)
    except DateError:
        return str(value)
    return "" if parsed is None else parsed


def iso_date(value: str | None, precision: str | None = None) -> str:
    """The date in reduced ISO 8601 form at its precision (``2014``, ``2025-10``); "" for none.

    A value that cannot be read is returned as it is (never a traceback on display).
    """
    parsed = _readable(value, precision)
    if isinstance(parsed, str):
        return parsed
    day, prec = parsed
    return day[:4] if prec == "year" else day[:7] if prec == "month" else day


def format_date(value: str | None, precision: str | None = None, locale: str = "en") -> str:
    """The date as a reader writes it at its precision, in ``locale`` (en, de or zh).

    ``format_date("2025-10-01", "month")`` -> "October 2025"; ``("2014-01-01", "year")``
    -> "2014"; ``("2025-10-15", "day", "de")`` -> "15. Oktober 2025"; ``"zh"`` ->
    "2025年10月15日". Unknown locales fall back to English; an unreadable value is
    returned as it is.
    """
    parsed = _readable(value, precision)
    if isinstance(parsed, str):
        return parsed
    day, prec = parsed
    y, m, d = int(day[:4]), int(day[5:7]), int(day[8:10])
    lang = (locale or "en").split("_")[0].split("-")[0].lower()
    if lang == "zh":
        return f"{y}年" if prec == "year" else f"{y}年{m}月" if prec == "month" \
            else f"{y}年{m}月{d}日"
    months = _MONTHS.get(lang, _MONTHS["en"])
    if prec == "year":
        return str(y)
    if prec == "month":
        return f"{months[m - 1]} {y}"
    return f"{d}. {months[m - 1]} {y}" if lang == "de" else f"{d} {months[m - 1]} {y}"


__all__ = ["PRECISIONS", "DateError", "parse_date", "iso_date", "format_date"]
