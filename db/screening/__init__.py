"""Screening exhibitors against the U.S. Consolidated Screening List (CSL).

The user downloads ``consolidated.csv`` or ``consolidated.json`` from trade.gov; the program
never downloads anything. ``load_and_screen`` checks the file (``listfile``), keeps it in a
local store beside the user file (``store``), matches every exhibitor's names against every
entry's names (``names``, ``matching``), links matched entries to the expo's events and
topics that share a Federal Register citation (``policy``) and says what changed since the
expo was last screened against an earlier list. A match is a lead for a compliance check,
never a determination; docs/screening.md has the rules.
"""
from __future__ import annotations

import logging
import os

from ..errors import DataError
from ..paths import default_data_dir
from .citations import Citation, citation_strings, clean_licence_text, parse_citations
from .listfile import DATE_BASIS_TEXT, ParsedList, check_date, peek_date, read_list
from .names import FUZZY_MIN, entry_names, exhibitor_names
from .policy import citation_records
from .report import (CAVEAT, DOWNLOADS, OFFICIAL_PAGE, WHERE, csv_rows, entry_text,
                     format_table, list_line, screening_csv_path, section, status_label,
                     stop_cells, summary_lines, write_csv_rows)
from .decisions import decisions_for, move_decisions, set_decision
from .screen import (Screening, apply_decisions, diff, directory_statuses, found_by_key, load_and_screen, review_of,
                     screen_expo, screen_rows)
from .store import DECISIONS, STORE_NAME, ScreeningStore, entry_key

__all__ = [
    "CAVEAT", "Citation", "apply_decisions", "DATE_BASIS_TEXT", "DECISIONS", "DOWNLOADS", "FUZZY_MIN",
    "OFFICIAL_PAGE", "STORE_NAME", "ParsedList", "Screening", "ScreeningStore", "WHERE",
    "check_date", "citation_records", "citation_strings", "clean_licence_text", "csv_rows",
    "decisions_for", "default_data_dir", "diff", "directory_statuses", "entry_key",
    "entry_names", "exhibitor_names", "export_section", "entry_text", "found_by_key", "format_table",
    "list_line", "load_and_screen", "move_decisions", "parse_citations", "peek_date", "plan_screening",
    "read_list", "review_of", "screen_expo", "screen_rows", "screening_csv_path", "section",
    "set_decision", "status_label", "stop_cells", "summary_lines", "write_csv_rows",
]


def export_section(expo, data_dir: str | os.PathLike | None) -> Screening | None:
    """A fresh screening of the whole expo for an export, or None when no list is stored."""
    store = ScreeningStore.in_dir(data_dir if data_dir is not None else default_data_dir())
    if store.info() is None:
        return None
    return screen_expo(expo, store, save=False, compare=False)


def plan_screening(expo, data_dir: str | os.PathLike, slugs: list[str]) -> Screening | None:
    """The plan's exhibitors screened against the stored list (None: no list, or no store
    that can be read; a damaged store is logged, and the plan is still made)."""
    store = ScreeningStore.in_dir(data_dir)
    if not slugs or not store.exists():
        return None
    try:
        if store.info() is None:
            return None
        return screen_expo(expo, store, slugs=slugs, save=False, compare=False)
    except DataError as exc:
        logging.getLogger("wesemibay").warning("screening left out of the plan: %s", exc)
        return None
