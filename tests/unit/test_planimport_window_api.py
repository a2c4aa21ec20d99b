"""The two additions the review window needs from ``db.planimport``: a code typed on an
empty outline (``name_box``), and a write into a new file that starts as a copy of
another expo (``accept(..., base=…)``: importing into the built-in expo)."""
from __future__ import annotations

import hashlib

import pytest

from db.build import build
from db.errors import DataError
from db.expo import open_expo
from db.planimport import EditError, FoundBooth, analyse
from db.planimport.synthetic import make_plan


def test_a_code_typed_on_an_empty_outline(tmp_path):
    path = make_plan("rects", rows=2, cols=4).save(tmp_path / "p.pdf")
    res = analyse(path)
    a = res.booth_by_code("A101")
    code, box = res.unassign(a.id)              # A101 loose, its outline empty
    got = res.name_box(box.id, "A101")          # the loose code of that text: paired
    assert isinstance(got, FoundBooth) and got.box == a.box and got.how == "confirmed"
    assert res.unmatched_codes == [] and res.unmatched_boxes == []
    empty = res.draw(1, (300, 300, 312, 312))
    got = res.name_box(empty.id, " Z9 ")        # a new code: the outline becomes its booth
    assert (got.code, got.box, got.how) == ("Z9", (300, 300, 312, 312), "confirmed")
    assert empty not in res.unmatched_boxes
    other = res.draw(1, (320, 300, 332, 312))
    with pytest.raises(EditError, match="already used"):
        res.name_box(other.id, "A102")
    with pytest.raises(EditError, match="not an empty outline"):
        res.name_box(got.id, "Q1")
    assert other in res.unmatched_boxes         # a refused edit changes nothing


def test_accept_into_a_new_file_starts_from_the_base(tmp_path):
    base = build(tmp_path / "builtin.sqlite")
    before = hashlib.sha256(base.read_bytes()).hexdigest()
    codes = ["1C02", "1C03", "1C04", "1C05", "1C06", "1C07", "1C08", "1C09"]
    path = make_plan("rects", rows=1, cols=8, codes=codes).save(tmp_path / "p.pdf")
    res = analyse(path, expo=base)
    out = tmp_path / "mine.sqlite"
    summary = res.accept(out, base=base)
    assert summary["updated"] == 8 and summary["added"] == 0
    assert hashlib.sha256(base.read_bytes()).hexdigest() == before
    with open_expo(out, readonly=True) as expo:
        assert expo.exhibitor("sicarrier") is not None          # the base's records …
        booths = {b.code: b for b in expo.booths()}
        assert booths["1C09"].placed and not booths["1A01"].placed   # … with the plan's layout
    # a base that is not an expo file: one line, no file made
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database")
    with pytest.raises(DataError):
        res.accept(tmp_path / "other.sqlite", base=bad)
    assert not (tmp_path / "other.sqlite").exists()
