"""The data command line, run as a user runs it: ``python -m db ...``."""
from __future__ import annotations

import csv
import json
import sqlite3

import pytest

from .conftest import run_db


def _one_error_line(proc, path=None):
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    if path is not None:
        assert str(path) in lines[0]
    return lines[0]


def test_build_reports_counts(cli_expo):
    # cli_expo was written by "build --out"; the file is a sound expo file.
    conn = sqlite3.connect(cli_expo)
    try:
        assert conn.execute("SELECT count(*) FROM exhibitors").fetchone()[0] == 11
    finally:
        conn.close()


def test_build_prints_summary(tmp_path):
    out = tmp_path / "sub" / "expo.sqlite"
    proc = run_db("build", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert out.exists()
    assert "11 exhibitors" in proc.stdout and str(out) in proc.stdout


def test_check_ok(cli_expo):
    proc = run_db("check", cli_expo)
    assert proc.returncode == 0, proc.stderr
    assert "ok" in proc.stdout
    assert "schematic" in proc.stdout
    assert proc.stderr == ""


def test_check_reports_uncited_record(cli_expo, tmp_path):
    bad = tmp_path / "uncited.sqlite"
    bad.write_bytes(cli_expo.read_bytes())
    conn = sqlite3.connect(bad)
    conn.execute("DELETE FROM cites WHERE kind = 'exhibitor' AND ref = 'merck'")
    conn.commit()
    conn.close()
    proc = run_db("check", bad)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "exhibitor merck: cites no source" in proc.stderr


def test_search_json_ald(cli_expo):
    proc = run_db("search", "--expo", cli_expo, "--json", "ALD")
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)
    assert isinstance(hits, list) and hits
    for h in hits:
        assert {"kind", "id", "title"} <= set(h)
    assert "sicarrier-alishan" in [h["id"] for h in hits]


def test_search_text_output_groups_by_kind(cli_expo):
    proc = run_db("search", "--expo", cli_expo, "新凯来")
    assert proc.returncode == 0, proc.stderr
    assert "Exhibitors:" in proc.stdout and "(sicarrier)" in proc.stdout


@pytest.mark.parametrize("query", ['"unbalanced', "NEAR(", "(((", "'; DROP TABLE x; --"])
def test_search_hostile_query(cli_expo, query):
    proc = run_db("search", "--expo", cli_expo, "--json", query)
    assert proc.returncode == 0, proc.stderr
    assert isinstance(json.loads(proc.stdout), list)


def test_export_json(cli_expo, tmp_path):
    out = tmp_path / "expo.json"
    proc = run_db("export", "--expo", cli_expo, "--format", "json", "--out", out)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["expo"]["slug"] == "wesemibay-2025"
    assert len(doc["exhibitors"]) == 11


def test_export_csv(cli_expo, tmp_path):
    out = tmp_path / "expo.csv"
    proc = run_db("export", "--expo", cli_expo, "--format", "csv", "--out", out)
    assert proc.returncode == 0, proc.stderr
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert "sicarrier-alishan" in [r["product_id"] for r in rows]
    assert {r["exhibitor_id"] for r in rows} >= {"sicarrier", "edwards", "merck"}


# ------------------------------------------------------------- user errors
def test_check_text_file(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello\n", encoding="utf-8")
    proc = run_db("check", bad)
    assert proc.returncode == 1
    _one_error_line(proc, bad)
    assert bad.read_text(encoding="utf-8") == "hello\n"


def test_check_missing_path(tmp_path):
    missing = tmp_path / "missing.sqlite"
    proc = run_db("check", missing)
    assert proc.returncode == 1
    _one_error_line(proc, missing)
    assert not missing.exists()


def test_search_on_text_file(tmp_path):
    bad = tmp_path / "notes.sqlite"
    bad.write_text("hello\n", encoding="utf-8")
    proc = run_db("search", "--expo", bad, "ALD")
    assert proc.returncode == 1
    _one_error_line(proc, bad)


def test_export_of_missing_expo(tmp_path):
    missing = tmp_path / "missing.sqlite"
    out = tmp_path / "out.json"
    proc = run_db("export", "--expo", missing, "--format", "json", "--out", out)
    assert proc.returncode == 1
    _one_error_line(proc, missing)
    assert not out.exists()


@pytest.mark.parametrize("args", [
    ["frobnicate"],
    [],
    ["build"],
    ["search", "ALD"],
    ["export", "--expo", "x.sqlite", "--out", "y.json"],
    ["export", "--expo", "x.sqlite", "--format", "xml", "--out", "y.xml"],
])
def test_wrong_usage_exits_2(args):
    proc = run_db(*args)
    assert proc.returncode == 2, (args, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert "usage:" in proc.stderr


@pytest.mark.parametrize("command", ["build", "export"])
def test_output_path_is_a_folder(cli_expo, tmp_path, command):
    folder = tmp_path / "existing-folder"
    folder.mkdir()
    if command == "build":
        proc = run_db("build", "--out", folder)
    else:
        proc = run_db("export", "--expo", cli_expo, "--format", "json", "--out", folder)
    assert proc.returncode == 1
    assert list(folder.iterdir()) == []
    line = _one_error_line(proc)
    assert str(folder) in line and ".build-" not in line and ".existing-folder." not in line
