"""Reviewers' decisions on matches: in the user file, beside the visitor's notes.

A reviewer marks a match (usually a possible one) ``confirmed`` or ``cleared``, with a note.
The decision is the user's own work, so it lives in the user file (``db.userdata``, version
3, table ``screening_decisions``), keyed by (expo slug, exhibitor slug, entry identity): it
survives re-screening, a newer list and a replaced screening store. The screening store kept
decisions before the user file had a table for them; ``move_decisions`` moves them there once.
"""
from __future__ import annotations

import logging

from ..errors import DataError
from ..userdata import USER_FILE, UserData, read_screening_decisions
from .store import ScreeningStore

log = logging.getLogger("wesemibay")


def decisions_for(store: ScreeningStore, expo_slug: str,
                  user: UserData | None = None) -> dict[tuple[str, str], dict]:
    """The decisions to show with a screening of one expo: {(exhibitor, entry key): ...}.

    The user file's (the open ``user``, else the user file beside the store, read without
    being changed), over any the store still keeps from before they moved. A user file that
    cannot be read is logged and the screening goes on without its decisions.
    """
    out = dict(store.decisions(expo_slug))
    if user is not None:
        out.update(user.screening_decisions(expo_slug))
        return out
    try:
        out.update(read_screening_decisions(store.path.parent / USER_FILE, expo_slug))
    except DataError as exc:
        log.warning("%s; the reviewers' decisions are left out", exc)
    return out


def move_decisions(store: ScreeningStore, user: UserData) -> int:
    """Move the decisions the store kept into the user file, once: copied (a decision the
    user file already has wins), then removed from the store. Run twice, or after a crash
    between the two steps, it copies nothing twice. Returns how many were added."""
    if not store.exists():
        return 0
    legacy = store.decisions()
    if not legacy:
        return 0
    added = user.add_screening_decisions(list(legacy.values()))
    store.drop_decisions(legacy.keys())
    return added


def set_decision(user: UserData, store: ScreeningStore, expo_slug: str, exhibitor: str,
                 key: str, decision: str | None, note: str = "",
                 entry_name: str | None = None) -> None:
    """A reviewer's decision on a match ("confirmed", "cleared", or None to take it back),
    written to the user file with the stored list it was made on (its SHA-256 and date)."""
    info = store.info() if decision is not None else None
    user.set_screening_decision(expo_slug, exhibitor, key, decision, note, entry_name,
                                info["sha256"] if info else None,
                                info["list_date"] if info else None)
