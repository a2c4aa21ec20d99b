"""Reading floor-plan PDFs: booths found with the right code and geometry, one case per
difficulty organisers' plans have (PDFs written by our own raw-content-stream writer,
``db.planimport.synthetic``; a second producer, Qt's QPdfWriter, is in tests/gui)."""
from __future__ import annotations

import pytest

from db.errors import DataError
from db.planimport import analyse, parse_booth_size
from db.planimport.synthetic import (PdfWriter, make_irregular_plan, make_plan,
                                     make_split_plan)

TOL_M = 0.15     # metres: a booth is right when its code matches and each edge is this close


def score(plan, res, m_per_pt: float = 0.25, offset=(0.0, 0.0)):
    """(right, wrong): booths whose code is on the plan and whose outline matches the
    drawing (in metres, page origin top-left) within TOL_M, and the rest."""
    truth = {b.code: b for b in plan.truth}
    right, wrong = [], []
    for b in res.to_dict()["booths"]:
        t = truth.get(b["code"])
        ok = t is not None and b["how"] in ("inside", "beside") and all(
            abs(got - want) <= TOL_M for got, want in (
                (b["x"], t.x * m_per_pt + offset[0]), (b["y"], t.y * m_per_pt + offset[1]),
                (b["w"], t.w * m_per_pt), (b["h"], t.h * m_per_pt)))
        (right if ok else wrong).append(b["code"])
    return right, wrong


def read(tmp_path, plan, **kw):
    path = plan.save(tmp_path / "plan.pdf")
    return analyse(path, booth_size=(3, 3), **kw)


VECTOR_CASES = [
    ("rects", {}), ("paths", {}), ("cells", {}), ("twins", {}), ("nested", {}),
    ("beside", {}), ("sizes", {}), ("merged", {}), ("brackets", {}), ("forms", {}),
    ("nounicode", {}),
    ("rects", {"rotate": 90}), ("merged", {"rotate": 270}), ("beside", {"rotate": 270}),
    ("cells", {"rotate": 90}), ("forms", {"rotate": 90}),
    ("rects", {"sidebar": True, "furniture": 400}), ("sizes", {"sidebar": True}),
    ("nested", {"sidebar": True, "furniture": 200}), ("brackets", {"sidebar": True}),
]


@pytest.mark.parametrize("kind,opts", VECTOR_CASES,
                         ids=[f"{k}-{'-'.join(f'{a}{b}' for a, b in o.items()) or 'plain'}"
                              for k, o in VECTOR_CASES])
def test_vector_plans_give_95_percent_of_booths_right(tmp_path, kind, opts):
    plan = make_plan(kind, **opts)
    res = read(tmp_path, plan)
    right, wrong = score(plan, res)
    assert len(right) >= 0.95 * len(plan.truth), (kind, opts, wrong[:10])
    assert not wrong, wrong[:10]
    # nothing invented: no code off the plan, no empty outline reported as a booth
    assert res.unmatched_codes == []
    assert res.unmatched_boxes == []
    assert res.needs_review() == []


def test_json_document_has_the_contract_fields(tmp_path):
    plan = make_plan("rects", rotate=90)
    doc = read(tmp_path, plan).to_dict()
    assert set(doc) >= {"pages", "booths", "unmatched_codes", "unmatched_boxes"}
    assert doc["pages"][0]["number"] == 1 and doc["pages"][0]["scale_m_per_pt"] == 0.25
    assert doc["pages"][0]["rotation"] == 90
    b = next(b for b in doc["booths"] if b["code"] == "A101")
    assert {k: b[k] for k in ("x", "y", "w", "h", "page", "how")} == \
        {"x": 10.0, "y": 17.5, "w": 3.0, "h": 3.0, "page": 1, "how": "inside"}


def test_rotated_pages_read_like_the_upright_one(tmp_path):
    upright = read(tmp_path, make_plan("rects")).to_dict()["booths"]
    for rot in (90, 270):
        turned = read(tmp_path, make_plan("rects", rotate=rot)).to_dict()["booths"]
        assert [(b["code"], b["x"], b["y"]) for b in turned] == \
            [(b["code"], b["x"], b["y"]) for b in upright]


def test_size_labels_prices_and_lists_never_become_booths(tmp_path):
    plan = make_plan("sizes", sidebar=True, list_page=True)
    res = read(tmp_path, plan)
    codes = {b.code for b in res.booths}
    assert codes == {b.code for b in plan.truth}
    assert not any("X" in c and c[0].isdigit() for c in codes)   # "3 X 3", "10X10"
    assert res.ignored["size_labels_and_prices"] >= 72           # one per booth, and prices
    assert res.ignored["list_entries"] >= 25                     # the sidebar list
    assert [p.number for p in res.pages] == [1]                  # the list page is not a plan
    assert any("page 2 not used" in n for n in res.notes)


def test_merged_codes_are_split_by_the_outlines_they_run_over(tmp_path):
    plan = make_plan("merged")
    res = read(tmp_path, plan)
    right, _ = score(plan, res)
    assert len(right) == len(plan.truth)


def test_merged_codes_without_outlines_split_by_the_vocabulary(tmp_path):
    """A merged run of codes beside a row: the listed codes split it."""
    from db.planimport import codes as C
    from db.planimport.extract import Char
    chars = []
    x = 0.0
    for ch in "A2601A2602A2603":
        chars.append(Char(ch, x, 0, x + 5, 6, x, 5, 1.0, 0.0, 8.0, 5.0, 1))
        x += 5
    tok = C.tokens(chars)[0][0]
    parts = C.split_merged(tok, C.Vocabulary(["A2601", "A2602", "A2603"]), lambda x, y: None)
    assert [p.text for p in parts] == ["A2601", "A2602", "A2603"]
    assert parts[1].x0 == pytest.approx(25.0)
    parts = C.split_merged(tok, C.Vocabulary([]), lambda x, y: None)       # by shape
    assert [p.text for p in parts] == ["A2601", "A2602", "A2603"]


def test_codes_beside_their_outlines_match_the_nearest_empty_one(tmp_path):
    plan = make_plan("beside")
    res = read(tmp_path, plan)
    assert {b.how for b in res.booths} == {"beside"}
    right, wrong = score(plan, res)
    assert len(right) == len(plan.truth) and not wrong


def draw_code_between_two_empty_outlines(cv) -> None:
    """Six booths with their codes, and a code halfway between two empty booths, on a
    300 x 200 pt page; ``cv`` has ``rect``, ``centred_text`` and ``text`` in display points
    (our writer's Canvas, or another producer's with the same methods)."""
    for i in range(6):
        cv.rect(20 + 14 * i, 40, 12, 12)
        cv.centred_text((20 + 14 * i, 40, 12, 12), f"C{101 + i}", 3)
    cv.rect(40, 100, 12, 12)
    cv.rect(64, 100, 12, 12)
    cv.text(55.0, 108, "C201", 3)


def assert_code_between_two_empty_outlines_is_for_review(res) -> None:
    b = res.booth_by_code("C201")
    assert b is not None and b.how == "review"
    assert any("to review" in r for r in res.needs_review())


def test_a_code_between_two_empty_outlines_is_marked_for_review(tmp_path):
    w = PdfWriter()
    draw_code_between_two_empty_outlines(w.page(300, 200).canvas)
    assert_code_between_two_empty_outlines_is_for_review(analyse(w.save(tmp_path / "p.pdf")))


def test_plan_without_text_layer_is_left_for_review(tmp_path):
    plan = make_plan("outlines")
    res = read(tmp_path, plan)
    assert res.booths == []
    assert len(res.unmatched_boxes) >= 0.95 * len(plan.truth)
    got = {tuple(round(v, 1) for v in b.box) for b in res.unmatched_boxes}
    want = {(round(t.x, 1), round(t.y, 1), round(t.x + t.w, 1), round(t.y + t.h, 1))
            for t in plan.truth}
    assert len(got & want) >= 0.95 * len(want)
    assert res.needs_review() and "no booth was found" in res.needs_review()[0]


def test_a_hall_split_over_two_pages_is_stitched(tmp_path):
    plan = make_split_plan()
    res = read(tmp_path, plan)
    doc = res.to_dict()
    assert [p["number"] for p in doc["pages"]] == [1, 2]
    assert doc["pages"][1]["stitched_to"] == 1
    assert len(doc["halls"]) == 1 and doc["halls"][0]["pages"] == [1, 2]
    got = {b["code"]: b for b in doc["booths"]}
    assert set(got) == {b.code for b in plan.truth}              # each booth once
    # page 1 is the reference: every booth sits where the whole drawing has it
    for t in plan.truth:
        b = got[t.code]
        assert b["x"] == pytest.approx(t.x * 0.25, abs=TOL_M)
        assert b["y"] == pytest.approx(t.y * 0.25, abs=TOL_M)
    assert res.ignored["stitched_duplicates"] == len(plan.notes["overlap_codes"])


def test_page_option_reads_one_page(tmp_path):
    plan = make_split_plan()
    path = plan.save(tmp_path / "split.pdf")
    res = analyse(path, page=2)
    assert [p.number for p in res.pages] == [2]
    with pytest.raises(DataError, match="has 2 pages"):
        analyse(path, page=3)


def test_vocabulary_reports_codes_in_no_list_and_listed_codes_not_found(tmp_path):
    plan = make_plan("rects", rows=2, cols=4)
    listed = ["A101", "A102", "A103", "A104", "A201", "Z999"]
    res = analyse(plan.save(tmp_path / "p.pdf"), vocabulary=listed)
    doc = res.to_dict()
    assert doc["codes_not_in_list"] == ["A202", "A203", "A204"]
    assert doc["listed_codes_not_found"] == ["Z999"]
    assert {b["code"]: b["in_list"] for b in doc["booths"]}["A101"] is True


def test_listed_spelling_wins_over_the_plan_spelling(tmp_path):
    w = PdfWriter()
    cv = w.page(200, 120).canvas
    for i, code in enumerate(["A-101", "A-102", "A-103"]):
        cv.rect(20 + 14 * i, 40, 12, 12)
        cv.centred_text((20 + 14 * i, 40, 12, 12), code, 2.5)
    res = analyse(w.save(tmp_path / "p.pdf"), vocabulary=["A101", "A102", "A103"])
    assert sorted(b.code for b in res.booths) == ["A101", "A102", "A103"]
    assert res.codes_not_in_list() == []


def test_scale_guess_is_stated_and_booth_size_sets_it(tmp_path):
    path = make_plan("rects").save(tmp_path / "p.pdf")
    guessed = analyse(path).pages[0]
    assert guessed.scale_m_per_pt == pytest.approx(0.25)
    assert guessed.scale_source.startswith("guess")
    sized = analyse(path, booth_size=(2.0, 2.0)).pages[0]
    assert sized.scale_m_per_pt == pytest.approx(2.0 / 12)
    assert "2 x 2 m given" in sized.scale_source


def test_parse_booth_size():
    assert parse_booth_size("3x3") == (3.0, 3.0)
    assert parse_booth_size("3 × 2.5 m") == (3.0, 2.5)
    assert parse_booth_size("4") == (4.0, 4.0)
    for bad in ("", "x", "3x", "0x3", "a by b"):
        with pytest.raises(DataError, match="--booth-size"):
            parse_booth_size(bad)


def test_irregular_hall_and_its_entrance(tmp_path):
    plan = make_irregular_plan()
    res = read(tmp_path, plan)
    right, wrong = score(plan, res)
    assert len(right) == len(plan.truth) and not wrong
    hall = res.to_dict()["halls"][0]
    assert hall["name"] == "Hall 7"
    assert (hall["x"], hall["y"], hall["w"], hall["h"]) == (7.5, 12.5, 60.0, 40.0)
    (door,) = res.doors
    assert (door.x, door.y) == pytest.approx(plan.notes["door_m"], abs=0.3)


@pytest.mark.parametrize("content,message", [
    (b"", "not a plan this program reads"),
    (b"hello, not a plan", "not a plan this program reads"),
    (b"%PDF-1.4\n garbage without objects", "cannot be read as a PDF"),
    (b"\x89PNG\r\n\x1a\n broken", "cannot be used as a plan picture"),
])
def test_bad_files_give_one_line(tmp_path, content, message):
    path = tmp_path / "bad.pdf"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message) as exc:
        analyse(path)
    assert "\n" not in str(exc.value) and "bad.pdf" in str(exc.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        analyse(tmp_path / "nope.pdf")
    with pytest.raises(DataError, match="is a folder"):
        analyse(tmp_path)


def test_a_page_without_anything_is_refused(tmp_path):
    w = PdfWriter()
    w.page(200, 200).canvas.text(20, 20, "Nothing but a title", 12)
    with pytest.raises(DataError, match="no floor plan found"):
        analyse(w.save(tmp_path / "p.pdf"))


def test_reading_and_rendering_from_two_threads_at_once(tmp_path):
    """PDFium is not thread-safe: the review view renders pages while a worker reads a
    plan; every call goes through one lock, so both finish with the right results."""
    import threading
    from db.planimport.extract import render_png
    path = make_plan("rects", rows=4, cols=8).save(tmp_path / "p.pdf")
    results, errors = [], []

    def reader():
        try:
            for _ in range(4):
                results.append(len(analyse(path).booths))
        except Exception as exc:           # pragma: no cover - reported below
            errors.append(exc)

    def renderer():
        try:
            for _ in range(8):
                png, w, h, _ = render_png(path, 1, dpi=72)
                results.append((w, h) if png.startswith(b"\x89PNG") else None)
        except Exception as exc:           # pragma: no cover
            errors.append(exc)
    threads = [threading.Thread(target=reader), threading.Thread(target=renderer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert results.count(32) == 4 and len(results) == 12 and None not in results


def test_an_unlisted_odd_code_beside_an_outline_goes_to_review(tmp_path):
    codes = [f"1A{n:02d}" for n in range(1, 16)] + ["ZZ1"]
    plan = make_plan("beside", rows=2, cols=8, codes=codes)
    res = analyse(plan.save(tmp_path / "p.pdf"), vocabulary=codes[:-1])
    odd = res.booth_by_code("ZZ1")
    assert odd.how == "review" and "in no list" in odd.note
    assert res.codes_not_in_list() == ["ZZ1"]
    assert {b.how for b in res.booths if b.code != "ZZ1"} == {"beside"}
