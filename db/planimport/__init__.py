"""The organiser's floor plan into booths: read a vector PDF (or take a picture to draw
on), review what was found, and write halls and booths into an expo file, all or nothing.

    res = analyse("plan.pdf", expo="expo.sqlite", booth_size=(3, 3))
    res.to_dict()              # what was found (the ``plan-import --json`` document)
    res.set_code(id, "A101")   # ... edits (see ``PlanImport``)
    res.accept("expo.sqlite")  # the write; DataError while something needs review

No Qt here: the review view in ``desktop`` drives this object.
"""
from .analyse import analyse, expo_vocabulary, parse_booth_size
from .result import (HOW, Door, EditError, FoundBooth, FoundBox, FoundCode, PlanHall,
                     PlanImport, PlanPage)

__all__ = ["analyse", "expo_vocabulary", "parse_booth_size", "PlanImport", "PlanPage",
           "FoundBooth", "FoundCode", "FoundBox", "PlanHall", "Door", "EditError", "HOW"]
