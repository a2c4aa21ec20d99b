"""A zone's or hall's name in a language: the expo's data carries names per language.

``names`` (schema v4) maps a language code to a name; a record without a name in the
language falls back to a zone's ``name_zh`` (Chinese) and then to its own ``name``.
"""
from __future__ import annotations

import json


def names_of(value) -> dict[str, str]:
    """The ``names`` column as a dict (stored as JSON text; a bad value reads as none)."""
    if isinstance(value, dict):
        return value
    try:
        out = json.loads(value or "{}")
    except (TypeError, ValueError):
        return {}
    return {k: v for k, v in out.items() if isinstance(v, str) and v} \
        if isinstance(out, dict) else {}


def name_in(rec: dict, lang: str) -> str:
    """``rec``'s name in ``lang`` ("en", "de", "zh"), else its own name."""
    names = names_of(rec.get("names"))
    if names.get(lang):
        return names[lang]
    if lang == "zh" and rec.get("name_zh"):
        return rec["name_zh"]
    return rec.get("name") or ""
