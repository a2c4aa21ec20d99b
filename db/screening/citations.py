"""Federal Register citations and licence texts, as the Consolidated Screening List writes them.

The list's ``federal_register_notice`` is free text. Real files hold, among others::

    89 FR 96837                      85 FR 83420; 89 FR 96837
    84 FR 22963, 84 FR 43495, ...    89FR96837          89 Fed. Reg. 96837
    85 FR 51603, 8/20/20.            67 F.R. 56530 9/4/02 67 F.R. 10890 3/11/02
    77 FR 58006 (no. 182)            76 FR 67059 No. 210
    76 FR No. 197 (10/12/2011)       Vol. 88, No. 151, 08/08/2023
    85 FR 83420; 88 FR               (cut short upstream: the bare "88 FR" is dropped)

``parse_citations`` finds every one of them. A citation names the volume and the first page
(``89 FR 96837``); where a text names only the issue (``Vol. 88, No. 151``) the citation is
``88 FR No. 151``. A date written right after a citation (``8/20/20``) is kept with it.

``clean_licence_text`` removes the Entity List's footnote marks that the list glues onto
licence texts (``...744.11 of the EAR)5``, ``734.9(g),3 746.8``, ``734.9(e)1``) and keeps
everything else (``EAR99``, ``744.21(b)``, ``(a)(3)``).
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import dataclass

_FR = r"(?:F\.?\s?R\.?|Fed\.?\s*Reg\.?)(?![A-Za-z])"
_DATE = r"(?P<date>\d{1,2}/\d{1,2}/(?:\d{4}|\d{2}))(?!\d)"
_CITATION = re.compile(
    r"(?<![\d.])(?P<vol>\d{1,3})\s*" + _FR + r"\s*"
    r"(?:(?P<page>\d{1,3}(?:,\d{3})+(?!\d)|\d{1,6}(?!\d))"
    r"|No\.?\s*(?P<issue>\d{1,4})(?!\d))"
    r"(?:[\s,.;:]*\(?\s*(?:no\.?\s*\d{1,4}\s*\)?[\s,.;:]*\(?)?" + _DATE + r"\)?)?",
    re.IGNORECASE)
_VOLUME = re.compile(
    r"\bVol(?:ume|\.)?\s*(?P<vol>\d{1,3})\s*,?\s*(?:No\.?|Number)\s*(?P<issue>\d{1,4})(?!\d)"
    r"(?:[\s,;:]*\(?" + _DATE + r"\)?)?", re.IGNORECASE)


@dataclass(frozen=True)
class Citation:
    """One Federal Register citation: volume and first page, or volume and issue number."""
    volume: int
    page: int | None = None
    issue: int | None = None
    date: str | None = None      # ISO date written beside it in the list, if any

    def __str__(self) -> str:
        if self.page is not None:
            return f"{self.volume} FR {self.page}"
        return f"{self.volume} FR No. {self.issue}"


def _iso(us_date: str | None) -> str | None:
    """``8/20/20`` or ``08/08/2023`` (month/day/year) as an ISO date; None when impossible."""
    if not us_date:
        return None
    month, day, year = (int(p) for p in us_date.split("/"))
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_citations(text: str | None) -> list[Citation]:
    """Every Federal Register citation in ``text``, in order, each once."""
    if not text:
        return []
    found: list[tuple[int, Citation]] = []
    taken: list[tuple[int, int]] = []
    for m in _VOLUME.finditer(text):
        found.append((m.start(), Citation(int(m["vol"]), None, int(m["issue"]), _iso(m["date"]))))
        taken.append(m.span())
    for m in _CITATION.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        page = m["page"]
        cit = Citation(int(m["vol"]), int(page.replace(",", "")) if page else None,
                       int(m["issue"]) if m["issue"] else None, _iso(m["date"]))
        found.append((m.start(), cit))
    out: list[Citation] = []
    seen: set[tuple] = set()
    for _, cit in sorted(found, key=lambda x: x[0]):
        key = (cit.volume, cit.page, cit.issue)
        if key not in seen:
            seen.add(key)
            out.append(cit)
    return out


def citation_strings(text: str | None) -> list[str]:
    """``parse_citations`` as strings: ``["85 FR 83420", "89 FR 96837"]``."""
    return list(_citation_strings(text or ""))


@functools.lru_cache(maxsize=65536)
def _citation_strings(text: str) -> tuple[str, ...]:
    return tuple(str(c) for c in parse_citations(text))


# Footnote marks glued onto licence texts: a lone digit after a closing parenthesis
# ("(e)1", "EAR)5", "EAR) 4"), after "(g)," before the next section ("(g),3 746.8",
# "(g), 3 §746.8"), or after the final "EAR" ("of the EAR2", "EAR 2").
_FOOTNOTES = (
    re.compile(r"(?<=\))\s?[1-9](?=$|[\s.,;])"),
    re.compile(r"(?<=\),)\s?[1-9](?=\s+§?\s?\d)"),
    re.compile(r"(?<=\bEAR)\s?[1-9](?![\d.]*\d)(?=\.?\s*$)"),
)


@functools.lru_cache(maxsize=65536)
def clean_licence_text(text: str | None) -> str:
    """A licence requirement or policy without footnote marks, whitespace tidied."""
    if not text:
        return ""
    out = text
    for rx in _FOOTNOTES:
        out = rx.sub("", out)
    return re.sub(r"\s+", " ", out).strip()
