"""Text that comes from data: the limits on its fields, and (pure, no Qt) helpers that make it
safe to show, search and export as plain text.

Limits are enforced where data is written (import, build); a foreign expo file may still carry
longer texts, so every surface that shows data also elides (see the display helpers).
"""
from __future__ import annotations

# ---------------------------------------------------------------- field limits
MAX_ID = 120          # slugs, booth codes, stable ids
MAX_NAME = 300        # names, titles, credits, single-line fields
MAX_SHORT = 300       # short single-line fields (country, category, tool type)
MAX_TEXT = 20_000     # summaries, descriptions, notes of a record
