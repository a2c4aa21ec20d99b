"""What an expo file holds, in a few figures: for the welcome and the About box.

``expo_summary(expo)`` answers how many booths there are and how many carry a named
exhibitor, how many sources the file cites and the date of the newest one (the data's
date), whether it is the built-in expo, and an exhibitor to show first. Plain Python, no Qt.
"""
from __future__ import annotations

from dataclasses import dataclass

from .expo import Expo

BUILTIN_PREFIX = "builtin-"     # db.build.builtin_path names the built-in expo's file so
EXAMPLE_CANDIDATES = 200


@dataclass(frozen=True)
class ExpoSummary:
    booths: int                 # placed booths (drawn on the plan)
    named_booths: int           # placed booths with at least one named exhibitor
    exhibitors: int             # named exhibitors, with a booth or not
    sources: int
    events: int                 # dated events (the policy timeline)
    newest_source: str | None   # stored ISO day of the newest dated source
    newest_precision: str | None
    builtin: bool               # the built-in expo (built from db/seed)
    example: tuple[str, str] | None   # (slug, name): a placed exhibitor with most products


def is_builtin(expo: Expo) -> bool:
    return expo.path.name.startswith(BUILTIN_PREFIX)


def expo_summary(expo: Expo) -> ExpoSummary:
    counts = expo._rows(
        "SELECT (SELECT count(*) FROM booths WHERE placed) AS booths,"
        " (SELECT count(DISTINCT b.code) FROM booths b JOIN booth_exhibitors be"
        "  ON be.booth = b.code WHERE b.placed) AS named_booths,"
        " (SELECT count(*) FROM exhibitors) AS exhibitors,"
        " (SELECT count(*) FROM sources) AS sources,"
        " (SELECT count(*) FROM events) AS events")[0]
    newest = expo._rows("SELECT date, date_precision FROM sources WHERE date IS NOT NULL"
                        " AND date != '' ORDER BY date DESC LIMIT 1")
    # Among the first placed exhibitors by name (bounded: a trade fair has 30,000), the one
    # with most products: SiCarrier in the built-in expo.
    example = expo._rows(
        "SELECT c.slug, c.name FROM (SELECT e.slug, e.name FROM exhibitors e WHERE EXISTS"
        " (SELECT 1 FROM booth_exhibitors be JOIN booths b ON b.code = be.booth"
        "  WHERE be.exhibitor = e.slug AND b.placed)"
        " ORDER BY e.name COLLATE NOCASE LIMIT ?) c"
        " ORDER BY (SELECT count(*) FROM products p WHERE p.exhibitor = c.slug) DESC,"
        " c.name COLLATE NOCASE LIMIT 1", (EXAMPLE_CANDIDATES,))
    return ExpoSummary(booths=counts["booths"], named_booths=counts["named_booths"],
                       exhibitors=counts["exhibitors"], sources=counts["sources"],
                       events=counts["events"],
                       newest_source=newest[0]["date"] if newest else None,
                       newest_precision=newest[0]["date_precision"] if newest else None,
                       builtin=is_builtin(expo),
                       example=(example[0]["slug"], example[0]["name"]) if example else None)


__all__ = ["ExpoSummary", "expo_summary", "is_builtin"]
