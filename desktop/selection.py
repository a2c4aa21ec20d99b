"""The one selection that every panel follows.

What is selected (an exhibitor, a booth without a named exhibitor, and which of the
exhibitor's products) and what is lit on the floor plan (a policy topic or event, or the
search's hits) live here, in stable keys: exhibitor and product slugs, booth codes. Anything
sets them in one call, saying why:

    selection.select("booth", "1C09", reason=Reason.PLAN)
    selection.highlight("topic", "us-equipment-controls", reason=Reason.POLICY)
    selection.clear(reason=Reason.PLAN)

The selection reads what the panels show once per change (``db.views.exhibitor_view``,
``booth_view``, ``policy_target``) and hands it to them with ``changed`` and ``highlighted``;
no panel writes into another, and none reads the record again. The floor plan turns booth
codes into its own booth ids (``desktop.floorplan.follow``).
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from db.expo import Expo
from db.floor import FloorRows
from db.views import ExhibitorView, PolicyTarget, booth_view, exhibitor_view, policy_target


class Reason:
    """Why the selection changed (panels may follow differently: the plan does not fly to
    a booth that was clicked on it)."""
    PLAN = "plan"              # a click (or Enter) on a booth of the floor plan
    LIST = "list"              # a row of the exhibitor directory
    SEARCH = "search"          # a search hit (chosen, or Enter for the best one)
    COMMAND = "command"        # --select, --topic, a menu command, a test
    RESTORE = "restore"        # what was selected when the expo was last closed
    POLICY = "policy"          # the Policy view: a topic, an event, an exhibit it concerns
    STOP = "stop"              # a stop in My plan
    PRODUCT_ROW = "product-row"  # a row of the products table
    LINK = "link"              # a link to an exhibitor in a text (a product's, the Policy view's)
    DETAIL = "detail"          # a product of the exhibitor shown, picked in the details
    UNPLACED = "unplaced"      # the unplaced-booth tray
    KEYBOARD = "keyboard"      # a key (Esc clears the highlight)


SELECTABLE = ("exhibitor", "booth", "product", "person", "quote")


@dataclass(frozen=True)
class Selected:
    """What is selected: an exhibitor (with everything the details show), a booth without
    a named exhibitor, or nothing (``kind`` "")."""
    kind: str = ""
    ref: str = ""
    reason: str = ""
    view: ExhibitorView | None = None      # the exhibitor's details (db.views)
    booth: dict | None = None              # the booth without an exhibitor (db.views)
    product: str | None = None             # the exhibitor's product picked, if one was
    booths: tuple[str, ...] = ()           # booth codes to mark on the floor plan

    @property
    def key(self) -> tuple[str, str] | None:
        return (self.kind, self.ref) if self.kind else None


@dataclass(frozen=True)
class Highlight:
    """What is lit on the floor plan: a topic's or event's exhibits, the search's hits, or
    nothing (``booths`` None: no highlight layer; an empty set dims every booth)."""
    kind: str = ""                         # "topic", "event", "search" or ""
    ref: str = ""                          # the topic or event slug, or the searched text
    reason: str = ""
    booths: frozenset[str] | None = None
    target: PolicyTarget | None = None     # the topic or event as the Policy view shows it


class Selection(QObject):
    changed = Signal(object)               # Selected
    highlighted = Signal(object)           # Highlight

    def __init__(self, expo: Expo, floor: FloorRows, parent=None):
        super().__init__(parent)
        self.expo = expo
        self.floor = floor                  # booth codes and occupants (no query per click)
        self.state = Selected()
        self.lit = Highlight()

    @property
    def current(self) -> tuple[str, str] | None:
        """(kind, key) of the selection: ("exhibitor", slug), ("booth", code) or None."""
        return self.state.key

    # ------------------------------------------------------------- selecting
    def select(self, kind: str, ref: str, reason: str = Reason.COMMAND) -> bool:
        """Select an exhibitor, a booth (its exhibitor, if it has one), a product (and its
        exhibitor), or the exhibitor a person or quote belongs to. False (and nothing
        changes) when there is no such record, or it has no place to select."""
        product = None
        if kind == "booth":
            i = self.floor.by_code.get(ref)
            if i is None:
                return False                # not on the floor plan (the unplaced tray)
            occupants = self.floor.occupants[i]
            if not occupants:
                booth = booth_view(self.expo, ref) or {"code": ref}
                return self._set(Selected("booth", ref, reason, booth=booth, booths=(ref,)))
            kind, ref = "exhibitor", occupants[0]
        elif kind in ("product", "person", "quote"):
            found = self._owner(kind, ref)
            if found is None:
                return False
            product = ref if kind == "product" else None
            kind, ref = "exhibitor", found
        if kind != "exhibitor":
            return False
        view = self.state.view if self.state.view is not None and self.state.ref == ref \
            else exhibitor_view(self.expo, ref)
        if view is None:
            return False
        booths = tuple(b for b in view.exhibitor["booths"] if b in self.floor.by_code)
        return self._set(Selected("exhibitor", ref, reason, view=view, product=product,
                                  booths=booths))

    def _owner(self, kind: str, ref: str) -> str | None:
        """The exhibitor a product, person or quote belongs to."""
        rec = self.expo.record(kind, ref)
        if rec is not None and kind == "quote":
            rec = self.expo.record("person", rec.get("person") or "")
        if rec is None:
            return None
        return rec.get("exhibitor") if kind == "product" else rec.get("organisation")

    def select_text(self, text: str, reason: str = Reason.COMMAND) -> bool:
        """An exhibitor slug, booth code or exact name (``--select``)."""
        found = self.expo.resolve(text)
        return found is not None and self.select(*found, reason=reason)

    def clear(self, reason: str = Reason.COMMAND) -> None:
        self._set(Selected(reason=reason))

    def _set(self, state: Selected) -> bool:
        self.state = state
        self.changed.emit(state)
        return True

    # ----------------------------------------------------------- highlighting
    def highlight(self, kind: str, ref: str = "", *, booths=None,
                  reason: str = Reason.COMMAND) -> bool:
        """Light a topic's or event's exhibits (``kind`` "topic"/"event": read here once,
        with what the Policy view shows), or the booths of the search's hits (``kind``
        "search", ``booths`` their codes, ``ref`` the text). False if there is no such
        topic or event."""
        target = None
        if kind in ("topic", "event"):
            target = policy_target(self.expo, kind, ref)
            if target is None:
                return False
            codes = self.floor.codes
            lit = {codes[i] for row in target.linked
                   for i in self.floor.by_exhibitor.get(row["slug"], ())}
        elif kind == "search":
            lit = set(booths or ())
        else:
            raise ValueError(f"unknown highlight {kind!r}")
        self.lit = Highlight(kind, ref, reason, frozenset(lit), target)
        self.highlighted.emit(self.lit)
        return True

    def clear_highlight(self, reason: str = Reason.COMMAND) -> None:
        self.lit = Highlight(reason=reason)
        self.highlighted.emit(self.lit)
