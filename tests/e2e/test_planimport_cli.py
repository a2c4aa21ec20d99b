"""``wesemibay-db plan-import``, run as a user runs it (``python -m db plan-import ...``)."""
from __future__ import annotations

import hashlib
import json
import shutil

from db.planimport.synthetic import make_plan, make_split_plan

from .conftest import run_db
from .test_cli import _one_error_line


def test_json_without_accept_writes_nothing(tmp_path):
    plan = make_plan("beside", rotate=90)
    pdf = plan.save(tmp_path / "hall.pdf")
    expo = tmp_path / "expo.sqlite"
    proc = run_db("plan-import", pdf, "--expo", expo, "--booth-size", "3x3", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["pages"] == [dict(doc["pages"][0], number=1, scale_m_per_pt=0.25)]
    assert len(doc["booths"]) == len(plan.truth)
    a = next(b for b in doc["booths"] if b["code"] == "A101")
    assert (a["x"], a["y"], a["w"], a["h"], a["page"], a["how"]) == \
        (10.0, 17.5, 3.0, 3.0, 1, "beside")
    assert doc["unmatched_codes"] == [] and doc["unmatched_boxes"] == []
    assert doc["written"] is None
    assert not expo.exists()


def test_accept_writes_a_checked_expo(tmp_path):
    from db.cli import check
    from db.expo import open_expo
    from db.routing import RouteGraph, plan_route
    pdf = make_split_plan().save(tmp_path / "split.pdf")
    expo = tmp_path / "expo.sqlite"
    proc = run_db("plan-import", pdf, "--expo", expo, "--accept")
    assert proc.returncode == 0, proc.stderr
    assert "page 2:" in proc.stdout and "wrote 96 booths (96 new, 0 placed) in 1 hall" in \
        proc.stdout
    assert "guess" in proc.stdout                       # the scale's guess is stated
    assert check(str(expo)) == []
    with open_expo(expo, readonly=True) as handle:
        route = plan_route(RouteGraph.from_expo(handle), "entrance", ["B101", "B116", "B616"])
    assert len(route.legs) == 3


def test_accept_refuses_a_plan_that_needs_review(tmp_path, cli_expo):
    pdf = make_plan("outlines").save(tmp_path / "outlines.pdf")
    expo = tmp_path / "copy.sqlite"
    shutil.copyfile(cli_expo, expo)
    before = hashlib.sha256(expo.read_bytes()).digest()
    proc = run_db("plan-import", pdf, "--expo", expo, "--accept", "--json")
    assert proc.returncode == 1
    line = _one_error_line(proc, "outlines.pdf")
    assert "nothing written: no booth was found" in line
    doc = json.loads(proc.stdout)                       # what was found is still printed
    assert doc["booths"] == [] and len(doc["unmatched_boxes"]) >= 69
    assert hashlib.sha256(expo.read_bytes()).digest() == before


def test_wrong_usage_and_bad_files(tmp_path):
    pdf = make_plan("rects", rows=2, cols=2).save(tmp_path / "p.pdf")
    expo = tmp_path / "e.sqlite"
    proc = run_db("plan-import", pdf, "--expo", expo, "--booth-size", "big")
    assert proc.returncode == 2 and "--booth-size" in proc.stderr
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7 broken")
    proc = run_db("plan-import", bad, "--expo", expo)
    assert proc.returncode == 1
    assert "cannot be read as a PDF" in _one_error_line(proc, "bad.pdf")
    assert not expo.exists()


def test_page_and_measure_options(tmp_path, capsys):
    from db.cli import main
    pdf = make_plan("rects", rows=2, cols=4).save(tmp_path / "p.pdf")
    expo = tmp_path / "e.sqlite"
    assert main(["plan-import", str(pdf), "--expo", str(expo), "--json",
                 "--measure", "40,70,88,70=24"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["pages"][0]["scale_m_per_pt"] == 0.5
    assert doc["pages"][0]["scale_source"] == "measured line of 24 m"
    assert main(["plan-import", str(pdf), "--expo", str(expo), "--measure", "1,2=3"]) == 2
    assert "--measure" in capsys.readouterr().err
    assert main(["plan-import", str(pdf), "--expo", str(expo), "--page", "4"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "p.pdf: --page 4: the file has 1 page" in err[0]
    assert not expo.exists()
