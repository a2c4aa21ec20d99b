"""``db.summary``: the figures the welcome and the About box quote, checked against the seed
and the expo's own booth list."""
from __future__ import annotations

import json
import shutil

from db.build import SEED_DIR
from db.expo import open_expo
from db.summary import expo_summary


def test_summary_of_the_builtin_expo_matches_its_seed(built_expo, tmp_path):
    seed_sources = json.loads((SEED_DIR / "sources.json").read_text(encoding="utf-8"))
    builtin = tmp_path / "builtin-3-0123456789abcdef.sqlite"   # as db.build.builtin_path names it
    shutil.copyfile(built_expo, builtin)
    with open_expo(builtin, readonly=True) as expo:
        s = expo_summary(expo)
        booths = [b for b in expo.booths() if b.placed]
        occupants = expo.booth_occupants()
        n_exhibitors = len(expo.exhibitor_rows())
    assert s.builtin
    assert s.booths == len(booths) > 500
    assert s.named_booths == sum(1 for b in booths if occupants.get(b.code)) > 0
    assert s.named_booths < s.booths       # most booths are the unnamed "other exhibitors"
    assert s.exhibitors == n_exhibitors
    assert s.sources == len(seed_sources)
    assert s.events == len(json.loads((SEED_DIR / "events.json").read_text(encoding="utf-8")))
    assert s.newest_source == max(src["date"] for src in seed_sources if src.get("date"))
    assert s.example == ("sicarrier", "SiCarrier")   # the named exhibitor with most products


def test_summary_of_another_and_of_an_empty_expo(built_expo, tmp_path):
    with open_expo(built_expo, readonly=True) as expo:
        assert not expo_summary(expo).builtin        # any other file name
    with open_expo(tmp_path / "empty.sqlite", create=True) as expo:
        s = expo_summary(expo)
    assert (s.booths, s.named_booths, s.exhibitors, s.sources, s.events) == (0, 0, 0, 0, 0)
    assert s.newest_source is None and s.example is None
