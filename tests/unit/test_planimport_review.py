"""The review object's edits and the all-or-nothing write of halls and booths: what the
review view will drive, checked on real expo files (the built-in one, a list import, a
new file), real PDFs and real pictures."""
from __future__ import annotations

import hashlib
import io
import json
import sqlite3

import pytest
from PIL import Image, ImageDraw

from db.cli import check
from db.errors import DataError
from db.expo import open_expo
from db.importing import import_files
from db.planimport import EditError, FoundBooth, FoundBox, analyse
from db.planimport.synthetic import PdfWriter, make_plan
from db.planimport.write import layout_label, place_booths, underlays


def small_plan(tmp_path, name="plan.pdf", **kw):
    plan = make_plan("rects", rows=2, cols=4, **kw)
    return plan, plan.save(tmp_path / name)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------ edits
def test_edit_a_code_confirm_and_refuse_a_duplicate(tmp_path):
    _, path = small_plan(tmp_path)
    res = analyse(path)
    b = res.booth_by_code("A101")
    res.set_code(b.id, "  A-1  ")
    assert (b.code, b.how) == ("A-1", "confirmed")
    with pytest.raises(EditError, match="already used"):
        res.set_code(b.id, "A102")
    for bad in ("", "  ", "A\n1", "x" * 200):
        with pytest.raises(EditError):
            res.set_code(b.id, bad)
    with pytest.raises(EditError, match="no booth, code or box"):
        res.set_code(9999, "A1")


def test_merge_split_draw_assign_remove(tmp_path):
    plan, path = small_plan(tmp_path)
    res = analyse(path, booth_size=(3, 3))
    a, b = res.booth_by_code("A101"), res.booth_by_code("A102")
    merged = res.merge([a.id, b.id])
    assert merged is a and a.box == (40.0, 70.0, 64.0, 82.0) and a.how == "confirmed"
    assert [c.code for c in res.unmatched_codes] == ["A102"]       # its code is free again
    left, right = res.split(a.id, "x", 2)
    assert left is a and a.box == (40.0, 70.0, 52.0, 82.0)          # the code was read left
    assert isinstance(right, FoundBox) and right.box == (52.0, 70.0, 64.0, 82.0)
    assert res.needs_review() and "without an outline" in res.needs_review()[0]
    got = res.assign(res.unmatched_codes[0].id, right.id)
    assert (got.code, got.box, got.how) == ("A102", (52.0, 70.0, 64.0, 82.0), "confirmed")
    assert res.needs_review() == []
    drawn = res.draw_m(1, 60.0, 20.0, 3.0, 3.0, "X9")                 # metres
    assert drawn.how == "drawn" and res.rect_m(1, drawn.box) == pytest.approx((60, 20, 3, 3))
    res.remove(drawn.id)
    assert res.booth_by_code("X9") is None and res.unmatched_codes == []
    box = res.draw(1, (300, 300, 312, 312))
    assert isinstance(box, FoundBox)
    res.remove(box.id)
    with pytest.raises(EditError):
        res.split(a.id, "z")
    with pytest.raises(EditError):
        res.merge([a.id])
    with pytest.raises(EditError):
        res.draw(1, (10, 10, 10, 20), "Q1")                            # no width


def test_scale_by_line_and_by_booth_size(tmp_path):
    _, path = small_plan(tmp_path)
    res = analyse(path)
    res.scale_from_line(1, (40, 70), (88, 70), 24.0)                   # 48 pt are 24 m
    assert res.pages[0].scale_m_per_pt == pytest.approx(0.5)
    assert res.rect_m(1, res.booth_by_code("A101").box) == pytest.approx((20, 35, 6, 6))
    res.scale_from_booth_size(3, 3)
    assert res.pages[0].scale_m_per_pt == pytest.approx(0.25)
    with pytest.raises(EditError):
        res.scale_from_line(1, (1, 1), (1, 1), 5)


# ------------------------------------------------------------------ the write
def test_accept_into_a_new_file_with_source_cites_and_layout(tmp_path):
    plan, path = small_plan(tmp_path)
    res = analyse(path, booth_size=(3, 3))
    expo_path = tmp_path / "new.sqlite"
    out = res.accept(expo_path)
    assert out["booths"] == 8 and out["added"] == 8 and out["halls"] == 1
    assert check(str(expo_path)) == []
    with open_expo(expo_path, readonly=True) as expo:
        booths = {b.code: b for b in expo.booths()}
        assert (booths["A101"].x, booths["A101"].y, booths["A101"].w) == (10.0, 17.5, 3.0)
        assert all(b.placed and b.hall == "plan-hall-a" for b in booths.values())
        src = expo.sources_of("booth", "A101")
        assert len(src) == 1 and src[0]["title"] == "Floor plan plan.pdf"
        assert digest(path) in src[0]["note"]
        assert expo.sources_of("hall", "plan-hall-a") == src
        assert src[0] in expo.sources_of("expo", expo.meta()["slug"])
        lay = expo.meta()["extra"]["floor_plan"]
        assert (lay["origin"], lay["file"], lay["sha256"]) == ("plan", "plan.pdf", digest(path))
        assert lay["pages"][0]["scale_m_per_pt"] == 0.25
        assert "booth size 3 x 3 m given" in lay["pages"][0]["scale_source"]
        assert expo.meta()["schematic"] == 0
        assert layout_label(expo).startswith("Layout from the organiser's plan plan.pdf, page 1")
        (u,) = underlays(expo)
        im = Image.open(io.BytesIO(u["data"]))
        assert im.size == (u["width"], u["height"])
        # the calibration maps the picture's corners onto the page's corners in metres
        (u0, v0, x0, y0), (u1, v1, x1, y1) = u["calibration"]
        assert (x0, y0) == (0.0, 0.0) and x1 == pytest.approx(plan.writer.pages[0].width * 0.25)


def test_accept_over_the_builtin_expo_replaces_its_schematic_layout(expo_copy, tmp_path):
    with open_expo(expo_copy, readonly=True) as expo:
        codes = [b.code for b in expo.booths()][:8]
        linked = expo.booth_occupants()
    plan, path = small_plan(tmp_path, codes=codes)
    res = analyse(path, expo=expo_copy, booth_size=(3, 3))
    assert sorted(b.code for b in res.booths) == sorted(codes)
    assert all(b.in_list for b in res.booths)
    out = res.accept(expo_copy)
    assert (out["added"], out["updated"]) == (0, 8)
    with open_expo(expo_copy, readonly=True) as expo:
        placed = [b for b in expo.booths() if b.placed]
        assert sorted(b.code for b in placed) == sorted(codes)
        assert [h["slug"] for h in expo.halls()] == ["plan-hall-a"]
        assert out["unplaced"] == len(expo.booths()) - 8                # back in the tray
        assert expo.booth_occupants() == linked                          # exhibitors stay
        assert expo.meta()["schematic"] == 0
    assert check(str(expo_copy)) == []


def test_a_listed_but_unplaced_booth_gets_its_place(tmp_path):
    expo_path = tmp_path / "listed.sqlite"
    csv = tmp_path / "list.csv"
    csv.write_text("Company,Booth\nAcme Vacuum,A101\nBorealis Optics,A102\nCobalt Etch,A203\n",
                   encoding="utf-8")
    import_files(expo_path, [csv])
    with open_expo(expo_path, readonly=True) as expo:
        assert not any(b.placed for b in expo.booths())                 # the tray holds them
    _, path = small_plan(tmp_path)
    res = analyse(path, expo=expo_path, booth_size=(3, 3))
    assert res.to_dict()["codes_not_in_list"] == ["A103", "A104", "A201", "A202", "A204"]
    res.accept(expo_path)
    with open_expo(expo_path, readonly=True) as expo:
        b = {b.code: b for b in expo.booths()}
        assert b["A203"].placed and (b["A203"].x, b["A203"].y) == (16.0, 20.5)
        assert expo.booths_of("acme-vacuum") == ["A101"]


def test_nothing_is_written_while_something_needs_review(tmp_path, expo_copy):
    w = PdfWriter()
    cv = w.page(300, 200).canvas
    for i in range(6):
        cv.rect(20 + 14 * i, 40, 12, 12)
        cv.centred_text((20 + 14 * i, 40, 12, 12), f"C{101 + i}", 3)
    cv.text(120, 150, "C777", 3)                                      # a code with no outline
    res = analyse(w.save(tmp_path / "p.pdf"))
    before = digest(expo_copy)
    with pytest.raises(DataError, match="nothing written: 1 code without an outline") as exc:
        res.accept(expo_copy)
    assert "\n" not in str(exc.value)
    assert digest(expo_copy) == before
    res.remove(res.unmatched_codes[0].id)                             # not a booth after all
    res.accept(expo_copy)
    assert digest(expo_copy) != before


def test_a_failed_write_leaves_the_file_and_no_copy(tmp_path, expo_copy, monkeypatch):
    _, path = small_plan(tmp_path)
    res = analyse(path)
    before = digest(expo_copy)
    import db.planimport.write as write

    def boom(*a, **k):
        raise sqlite3.OperationalError("database or disk is full")
    monkeypatch.setattr(write, "_store_png", boom)
    with pytest.raises(DataError, match="nothing was written: the disk is full"):
        res.accept(expo_copy)
    assert digest(expo_copy) == before
    assert [p.name for p in expo_copy.parent.iterdir() if ".import-" in p.name] == []


def test_a_read_only_or_foreign_expo_file_is_refused(tmp_path):
    _, path = small_plan(tmp_path)
    res = analyse(path)
    notexpo = tmp_path / "notes.txt"
    notexpo.write_text("hello")
    with pytest.raises(DataError, match="not an expo file"):
        res.accept(notexpo)
    assert notexpo.read_text() == "hello"


def test_place_booths_from_the_tray(tmp_path):
    _, path = small_plan(tmp_path)
    expo_path = tmp_path / "e.sqlite"
    analyse(path, booth_size=(3, 3)).accept(expo_path)
    conn = sqlite3.connect(expo_path)
    conn.execute("INSERT INTO booths(code, placed) VALUES ('Z1', 0)")
    conn.commit()
    conn.close()
    before = digest(expo_path)
    with pytest.raises(DataError, match="lies in no hall"):
        place_booths(expo_path, [{"code": "Z1", "x": 500, "y": 500, "w": 3, "h": 3}])
    with pytest.raises(DataError, match="not in this expo"):
        place_booths(expo_path, [{"code": "NOPE", "x": 20, "y": 23.6, "w": 3, "h": 2.5}])
    with pytest.raises(DataError, match="finite numbers"):
        place_booths(expo_path, [{"code": "Z1", "x": float("nan"), "y": 23.6, "w": 3, "h": 3}])
    assert digest(expo_path) == before
    out = place_booths(expo_path, [{"code": "Z1", "x": 20, "y": 23.6, "w": 3, "h": 2.5}])
    assert out["placed"] == 1 and out["source"].startswith("plan-")
    with open_expo(expo_path, readonly=True) as expo:
        z = next(b for b in expo.booths() if b.code == "Z1")
        assert (z.placed, z.hall, z.x, z.y) == (True, "plan-hall-a", 20.0, 23.6)
        assert expo.sources_of("booth", "Z1")[0]["title"] == "Floor plan plan.pdf"
        assert expo.meta()["extra"]["floor_plan"]["placed_by_hand"] == ["Z1"]


# ------------------------------------------------------------------ pictures
def picture_plan(tmp_path, fmt="PNG") -> object:
    """A plan as a picture: 4 booths of 40 px drawn in a row; 10 px are 1 m."""
    im = Image.new("RGB", (400, 200), "white")
    d = ImageDraw.Draw(im)
    for i in range(4):
        d.rectangle((40 + 40 * i, 60, 80 + 40 * i, 100), outline="black")
    path = tmp_path / f"plan.{fmt.lower()}"
    im.save(path, fmt)
    return path


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_picture_is_calibrated_and_booths_drawn_by_hand(tmp_path, fmt):
    path = picture_plan(tmp_path, fmt)
    res = analyse(path)
    assert res.kind == "picture" and res.booths == [] and res.pages[0].scale_m_per_pt is None
    assert any("no scale" in r or "drawn by hand" in r for r in res.needs_review())
    with pytest.raises(EditError, match="no scale yet"):
        res.draw_m(1, 0, 0, 4, 4, "P1")
    # two points 100 px apart are 10 m apart; the first is at (4, 6) m on the floor
    res.calibrate(1, (40, 60), (4.0, 6.0), (140, 60), (14.0, 6.0))
    for i, code in enumerate(["P1", "P2", "P3", "P4"]):
        res.draw(1, (40 + 40 * i, 60, 80 + 40 * i, 100), code)
    assert res.needs_review() == []
    expo_path = tmp_path / "pic.sqlite"
    res.accept(expo_path)
    with open_expo(expo_path, readonly=True) as expo:
        b = {b.code: b for b in expo.booths()}
        assert (b["P2"].x, b["P2"].y, b["P2"].w, b["P2"].h) == pytest.approx((8, 6, 4, 4))
        lay = expo.meta()["extra"]["floor_plan"]
        assert lay["kind"] == "picture" and lay["pages"][0]["calibration"][0] == [40, 60, 4, 6]
        (u,) = underlays(expo)
        assert (u["width"], u["height"]) == (400, 200)
        (_, _, x0, y0), (_, _, x1, y1) = u["calibration"]
        assert (x0, y0, x1, y1) == pytest.approx((0.0, 0.0, 40.0, 20.0))
        assert "placed by hand" in layout_label(expo)


def test_a_scanned_pdf_page_is_a_page_to_draw_on(tmp_path):
    im = Image.new("RGB", (300, 200), "white")
    ImageDraw.Draw(im).rectangle((30, 30, 60, 60), outline="black")
    buf = io.BytesIO()
    im.save(buf, "PDF")                       # Pillow writes the picture as the whole page
    path = tmp_path / "scan.pdf"
    path.write_bytes(buf.getvalue())
    res = analyse(path)
    assert res.kind == "scanned" and res.pages[0].kind == "scanned"
    res.scale_from_line(1, (0, 0), (100, 0), 10.0)
    res.draw(1, (30, 30, 60, 60), "S1")
    out = res.accept(tmp_path / "scan.sqlite")
    assert out["booths"] == 1 and out["underlays"] == 1


def test_json_round_trip_of_the_layout_survives_export_and_import(tmp_path):
    from db.exporters import export_json
    _, path = small_plan(tmp_path)
    expo_path = tmp_path / "e.sqlite"
    analyse(path, booth_size=(3, 3)).accept(expo_path)
    with open_expo(expo_path, readonly=True) as expo:
        doc_path = export_json(expo, tmp_path / "e.json")
    doc = json.loads(doc_path.read_text(encoding="utf-8"))
    assert doc["expo"]["floor_plan"]["origin"] == "plan"
