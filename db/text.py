"""Text that comes from data: the limits on its fields, and (pure, no Qt) helpers that make it
safe to show, search and export as plain text.

Limits are enforced where data is written (import, build); a foreign expo file may still carry
longer texts, so every surface that shows data also elides (see the display helpers).
"""
from __future__ import annotations

import re
import unicodedata

# ---------------------------------------------------------------- field limits
MAX_ID = 120          # slugs, booth codes, stable ids
MAX_NAME = 300        # names, titles, credits, single-line fields
MAX_SHORT = 300       # short single-line fields (country, category, tool type)
MAX_TEXT = 20_000     # summaries, descriptions, notes of a record
MAX_PATH = 1024       # a picture's path in a catalogue cell
MAX_URL = 2000        # a source's address


# ------------------------------------------------ display, search and export normalisation
# Text from data is shown as plain text, never interpreted; these helpers also make sure it
# cannot steer the direction of the text around it, hide words from search, or cost more
# on screen than its visible part. Pure functions: the window (``desktop.richtext``), search
# and the exporters call them.
# Bidirectional formatting controls: embeddings and overrides (U+202A-U+202E) and isolates
# (U+2066-U+2069). A name with U+202E (right-to-left override) shows "Safe\u202egnp.exe" as
# "Safeexe.png" and reverses whatever follows it on the same line. They are removed from
# data; where data text contains right-to-left script it is isolated instead (FSI ... PDI).
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Invisible characters that split or join a word without showing: zero-width space,
# non-joiner, joiner, word joiner, zero-width no-break space (byte-order mark), soft hyphen,
# Mongolian vowel separator. Search ignores them (in the index and in what is typed).
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
FSI, PDI = "\u2068", "\u2069"   # first-strong isolate ... pop directional isolate
ZWSP = "\u200b"
ELLIPSIS = "…"

# Controls that have no business on screen (C0 but tab and newline, DEL, C1), and bidi controls.
_DISPLAY_DROP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + BIDI_CONTROLS + "]")
_LINE_BREAKS = re.compile("[\t\r\n\u2028\u2029\x85]+")
_PARA_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")
_SEARCH_DROP = re.compile("[" + ZERO_WIDTH + BIDI_CONTROLS + "\u200e\u200f\u061c]")
# Strong right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, NKo, ..., their presentation
# forms and the supplementary right-to-left blocks).
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff"
                   "\U0001e800-\U0001efff]")
# Characters Markdown (CommonMark, GitHub's dialect) may read as syntax anywhere in a line:
# links and pictures, emphasis, code, HTML and entities, table pipes, strikethrough, math;
# "://" and "www." so that no address becomes a link. At the start of a line also heading
# and list markers ("# ", "- ", "+ ", "1." / "1)") and lines of "-" or "=" (rules, headings).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>!|~&$])|(?<=[A-Za-z])(:)(?=//)|(?<=www)(\.)",
                         re.IGNORECASE)
_MD_LINE_START = re.compile(r"^(\s*)([-+#](?=\s|$)|[-=]+(?=\s*$)|\d+(?=[.)]))")


def elide(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the cut marked with an ellipsis."""
    if limit <= 0 or len(text) <= limit:
        return text
    return text[:max(0, limit - 1)].rstrip() + ELLIPSIS


def isolate(text: str) -> str:
    """Wrap text that holds right-to-left script in FSI ... PDI, so that it cannot reorder
    what stands around it (our own words, separators, numbers); other text is returned as
    it is."""
    return f"{FSI}{text}{PDI}" if _RTL.search(text) else text


def display_text(value, limit: int | None = MAX_NAME, *, multiline: bool = False) -> str:
    """Text from data as it is shown anywhere: plain, at most ``limit`` characters, without
    control characters or bidi overrides, isolated if it holds right-to-left script.

    ``multiline`` keeps line breaks (summaries, notes); otherwise they become spaces. Only
    a bounded prefix of a long text is ever looked at, so a 1 MB field costs microseconds.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if limit and len(text) > limit * 2 + 16:
        text = text[:limit * 2 + 16]      # dropped characters may shorten it; keep enough
    text = clean_text(text, multiline=multiline)
    if limit:
        text = elide(text, limit)
    return isolate(text)


def strip_controls(value) -> str:
    """Text from data without control characters (NUL included) and bidi controls; tabs
    and line breaks stay, nothing else changes. For exports meant to be read (CSV cells)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return text if text.isprintable() else _DISPLAY_DROP.sub("", text)


# Cells starting with these characters are read as formulas by spreadsheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula, and that cannot reorder
    what a spreadsheet shows (bidi controls and other control characters are dropped).
    The import (``db.importing``) takes the guard off again."""
    if value is None:
        return ""
    text = strip_controls(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def clean_text(value, *, multiline: bool = True) -> str:
    """``strip_controls``, and line breaks made "\\n" (or spaces, unless ``multiline``);
    ``display_text`` also elides and isolates."""
    text = strip_controls(value)
    if text.isprintable():
        return text
    return _PARA_BREAKS.sub("\n", text) if multiline else _LINE_BREAKS.sub(" ", text)


BREAK_RUN = 40
_LONG_RUN = re.compile(r"[^\s\u200b]{%d,}" % (BREAK_RUN + 1))


def breakable(text: str) -> str:
    """``text`` with a zero-width space after every ``BREAK_RUN`` characters of a longer run
    without spaces, so that a word-wrapped label can break it instead of growing as wide
    as the run. Search ignores zero-width spaces, so a copied text still finds its record."""
    if len(text) <= BREAK_RUN:
        return text

    def cut(m: re.Match) -> str:
        word = m.group()
        return ZWSP.join(word[i:i + BREAK_RUN] for i in range(0, len(word), BREAK_RUN))
    return _LONG_RUN.sub(cut, text)


def search_fold(text: str) -> str:
    """Text as search compares it: NFKC, case-folded, without zero-width characters or bidi
    controls (so "Quiet\u200bTool" and "QuietTool" are the same word)."""
    if not text:
        return ""
    if not text.isascii():
        text = _SEARCH_DROP.sub("", text)
        text = unicodedata.normalize("NFKC", text)
    return text.casefold()


def search_clean(text: str) -> str:
    """Text as it goes into the search index: zero-width characters and bidi controls
    removed, nothing else changed (the tokenizer folds case)."""
    if not text or text.isascii():
        return text
    return _SEARCH_DROP.sub("", text)


def markdown_text(value, limit: int | None = None) -> str:
    """Text from data made inert inside Markdown: one line, every character Markdown (or
    the HTML it allows) could read as syntax backslash-escaped, so ``[x](http://...)``,
    ``![x](...)``, ``<img ...>``, ``&lt;``, emphasis, headings, list markers and table
    pipes show literally and nothing is linked or loaded."""
    text = display_text(value, limit)
    text = _MD_SPECIAL.sub(lambda m: "\\" + m.group(), text)
    m = _MD_LINE_START.match(text)
    if m:
        if m.group(2)[0].isdigit():      # "1." -> "1\." (the digits stay)
            end = m.end()
            text = text[:end] + "\\" + text[end:]
        else:
            text = text[:m.start(2)] + "\\" + text[m.start(2):]
    return text


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
