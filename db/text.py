"""Text that comes from data: the limits on its fields, and (pure, no Qt) helpers that make it
safe to show, search and export as plain text.

Limits are enforced where data is written (import, build); a foreign expo file may still carry
longer texts, so every surface that shows data also elides (see the display helpers).
"""
from __future__ import annotations

import re

# ---------------------------------------------------------------- field limits
MAX_ID = 120          # slugs, booth codes, stable ids
MAX_NAME = 300        # names, titles, credits, single-line fields
MAX_SHORT = 300       # short single-line fields (country, category, tool type)
MAX_TEXT = 20_000     # summaries, descriptions, notes of a record
MAX_PATH = 1024       # a picture's path in a catalogue cell
MAX_URL = 2000        # a source's address

# Columns of the expo file by what they hold (for JSON documents and the seed, where a
# field is named by its column). Names not listed are single-line names: MAX_NAME.
_ID_COLUMNS = frozenset({
    "slug", "code", "id", "ref", "exhibitor", "person", "organisation", "hall", "zone",
    "from", "to", "from_slug", "to_slug", "from_kind", "to_kind", "kind", "topic", "event",
    "input_id", "provider_id", "sha1", "source", "booth", "date", "date_precision", "side",
    "language", "color", "mime"})
_TEXT_COLUMNS = frozenset({
    "summary", "description", "text", "translation", "translation_note", "reason", "why",
    "note", "context", "source_note", "specs", "aliases", "extra"})
_SHORT_COLUMNS = frozenset({"country", "category", "tool_type", "type", "stage",
                            "market_size", "provider_type", "licence", "publisher"})


def field_limit(column: str) -> int:
    """The longest text, in characters, that a column of the expo file takes from data."""
    if column in _ID_COLUMNS:
        return MAX_ID
    if column in _TEXT_COLUMNS:
        return MAX_TEXT
    if column == "url":
        return MAX_URL
    if column in _SHORT_COLUMNS:
        return MAX_SHORT
    return MAX_NAME


# ------------------------------------------------------- checking text on write
_CTRL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WS_RE = re.compile(r"\s+")


def clean_field(value: str, limit: int, single_line: bool = True) -> tuple[str | None, str]:
    """``(text, "")`` ready to store, or ``(None, problem)`` when the value is refused.

    The one rule for every writer (CSV and JSON import, the seed): a NUL character is
    refused (the file is binary or damaged), other control characters are dropped, a
    single-line field is put on one line, and a text longer than ``limit`` characters is
    refused (``problem`` says how long it is and the limit).
    """
    if not value.isprintable():          # fast path: most values are plain printable text
        if "\x00" in value:
            return None, "contains a NUL character"
        value = _CTRL_RE.sub("", value)
        if single_line:
            value = _WS_RE.sub(" ", value)
    if len(value) > limit:
        return None, f"too long ({len(value):,} characters; at most {limit:,})"
    return value, ""
