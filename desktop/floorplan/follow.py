"""The floor plan and the shared selection: a click on a booth selects it, and the plan
marks (and flies to) what is selected and lights what is highlighted.

Booth ids (positions in ``FloorData``'s lists) stay inside the floor plan: the selection
speaks in booth codes and slugs (``desktop.selection``).
"""
from __future__ import annotations

from PySide6.QtCore import QObject

from ..selection import Highlight, Reason, Selected, Selection
from .scene import FloorScene
from .view import FloorView

# The booth is where the user is looking (or already in view: a product of the exhibitor).
NO_FLY = (Reason.PLAN, Reason.PRODUCT_ROW, Reason.DETAIL)


class PlanFollower(QObject):
    def __init__(self, scene: FloorScene, view: FloorView, selection: Selection, parent=None):
        super().__init__(parent)
        self.scene = scene
        self.view = view
        self.selection = selection
        view.boothClicked.connect(self._on_booth_clicked)
        view.boothActivated.connect(self._on_booth_clicked)
        selection.changed.connect(self._on_selected)
        selection.highlighted.connect(self._on_highlighted)

    def _ids(self, codes) -> set[int]:
        by_code = self.scene.data.by_code
        return {by_code[c] for c in codes if c in by_code}

    def _on_booth_clicked(self, i: int) -> None:
        if i < 0:
            self.selection.clear(reason=Reason.PLAN)
            return
        self.selection.select("booth", self.scene.data.codes[i], reason=Reason.PLAN)
        self.scene.overlay.focus = i
        self.scene.overlay.update()

    def _on_selected(self, state: Selected) -> None:
        ids = self._ids(state.booths)
        self.scene.set_selected(ids)
        if ids and state.reason not in NO_FLY:
            visible = self.view.visible_scene_rect()
            if not all(visible.contains(self.scene.booth_rect(i)) for i in ids) \
                    or self.view.scale_factor() < 8:
                self.view.fly_to(ids)

    def _on_highlighted(self, lit: Highlight) -> None:
        ids = None if lit.booths is None else self._ids(lit.booths)
        self.scene.set_highlight(ids)
        if ids and lit.target is not None:
            self.view.fly_to(ids, min_px_per_m=4.0)
