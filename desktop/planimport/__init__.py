"""The organiser's floor plan in the window (``db.planimport`` does the reading and writing).

- ``start_plan_import``: File ▸ Import floor plan… (a PDF or a picture) → the review
  dialog (``dialog.PlanImportDialog``) → one all-or-nothing write → the window reopens the
  expo. Into the built-in expo: a new file is asked for first, which starts as a copy of it.
- ``layout_text`` / ``layout_badge``: where the expo's layout came from, in the
  interface's language (the status bar, About, the plan's badge).
- ``underlay_action``: View ▸ Plan underlay (the plan's picture under the booths).
- ``attach_placing``: the *Unplaced booths* tray's "Draw on the floor plan" (``place``).

The main window calls these in a few lines; everything else stays in this package.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog

from ..i18n import tr
from ..richtext import SHORT, plain

PLAN_FILES = "*.pdf *.png *.jpg *.jpeg *.webp"


def dialogs_allowed() -> bool:
    return not os.environ.get("WESEMIBAY_NO_DIALOGS")


# ----------------------------------------------------------------- labels
def layout_text(expo, schematic: bool = True) -> str:
    """One line: where the floor plan's layout came from ("" when nothing is to say;
    "Schematic layout" for a schematic one unless ``schematic`` is False)."""
    from db.dates import format_date
    from db.planimport.write import layout_of

    from ..help import ui_locale
    lay = layout_of(expo)
    if lay:
        name = plain(lay.get("file"), SHORT)
        date = format_date(str(lay.get("imported") or ""), "day", ui_locale())
        pages = [str(p.get("number")) for p in lay.get("pages") or [] if isinstance(p, dict)]
        if lay.get("kind") in ("picture", "scanned"):
            return tr("Layout from the organiser's plan {file} (booths placed by hand), "
                      "read on {date}").format(file=name, date=date)
        if len(pages) > 1:
            return tr("Layout from the organiser's plan {file}, pages {pages}, read on "
                      "{date}").format(file=name, pages=", ".join(pages), date=date)
        return tr("Layout from the organiser's plan {file}, page {page}, read on "
                  "{date}").format(file=name, page=pages[0] if pages else "1", date=date)
    if schematic and expo.meta().get("schematic"):
        return tr("Schematic layout")
    return ""


def layout_badge(expo) -> str:
    """The plan's badge: short ("Schematic layout", or the plan the layout came from)."""
    from db.planimport.write import layout_of
    lay = layout_of(expo)
    if lay:
        return tr("Layout from the organiser's plan {file}").format(
            file=plain(lay.get("file"), 40))
    if expo.meta().get("schematic"):
        return tr("Schematic layout")
    return ""


# ---------------------------------------------------------------- actions
def plan_import_action(window) -> QAction:
    """File ▸ Import floor plan…"""
    a = QAction(tr("Import &floor plan…"), window)
    a.setShortcut(QKeySequence("Ctrl+Shift+I"))
    a.setToolTip(tr("Turn the organiser's floor plan (PDF or picture) into booths"))
    a.triggered.connect(lambda: start_plan_import(window))
    return a


def underlay_action(window) -> QAction:
    """View ▸ Plan underlay: on by default when the expo has the plan's picture."""
    scene = window.scene
    a = QAction(tr("Pla&n underlay"), window)
    a.setCheckable(True)
    a.setChecked(scene.underlay_on)
    a.setEnabled(bool(scene.underlays))
    a.setToolTip(tr("The organiser's plan as a picture under the booths") if scene.underlays
                 else tr("This expo's layout did not come from a plan picture"))
    a.toggled.connect(scene.set_underlay_visible)
    return a


# ------------------------------------------------------------------ import
def start_plan_import(window, plan: str | os.PathLike | None = None,
                      target: str | os.PathLike | None = None,
                      base: str | os.PathLike | None = None):
    """Read ``plan`` (asked for when None) for the window's expo, or for ``target``;
    returns the dialog (None when the user backed out)."""
    from .dialog import PlanImportDialog
    if target is None:
        chosen = window.import_target(tr("Import floor plan"), tr(
            "The built-in expo is not changed by imports. Choose a new expo file: it will "
            "hold the built-in expo with the plan's layout."))
        if chosen is None:
            return None
        target, base = chosen
    if plan is None:
        plan, _ = QFileDialog.getOpenFileName(
            window, tr("Import floor plan"), "",
            tr("Floor plans (PDF or picture) ({patterns});;All files (*)").format(
                patterns=PLAN_FILES))
        if not plan:
            return None
    dlg = PlanImportDialog(plan, target, base, parent=window)
    dlg.setWindowModality(Qt.WindowModality.WindowModal)
    into = str(target)
    dlg.written.connect(lambda _summary: setattr(window, "_plan_written_into", into))
    dlg.finished.connect(lambda _code: _after_plan_import(window))
    dlg.show()
    dlg.start()
    window.plan_import_dlg = dlg
    return dlg


def _after_plan_import(window) -> None:
    target = getattr(window, "_plan_written_into", None)
    if target:
        window._plan_written_into = None
        window.open_requested(target)


def attach_placing(window):
    """The *Unplaced booths* tray learns to place a booth by drawing it on the plan."""
    if getattr(window, "unplaced_dock", None) is None:
        return None
    from .place import BoothPlacer
    window.booth_placer = BoothPlacer(window)
    return window.booth_placer
