"""A first import read in a second process while this one writes (``db.importing.parallel``,
issue 12) ends exactly as the one-process import: the same tables, search index and import
state, the same warnings and errors (file, line, column, fix) in the same order, capped the
same way, and a cancel or a bad row loses nothing. Real files; several batches of rows, so
that problems found while writing (a product given twice) fall among the rows' own."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from db.importing import ImportCancelled, ImportFailed, import_files, prepare_import

from catalogue_files import write_rows  # tests/catalogue_files.py

PICTURES = Path(__file__).resolve().parents[1] / "fixtures" / "catalogue" / "pictures"
HEADER = ["Company", "公司名称", "Booth No.", "Country/Region", "Product Name", "Tool type",
          "Description", "Picture"]


def write_catalogue(folder: Path, bad: bool) -> Path:
    """12,000 product rows of 400 exhibitors (each booth new: a warning each, past the cap),
    repeated rows (warnings from the writer), pictures good and bad; with ``bad``, errors from
    the rows and from the writer, more than the cap."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("good.png", "not-a-picture.jpg"):
        shutil.copyfile(PICTURES / name, folder / name)
    rows = []
    for i in range(12_000):
        e = i // 30
        rows.append([f"Parallel Maker {e}", f"并行{e}公司", f"P{e:03d}", ["China", "Japan"][e % 2],
                     f"Machine {i}", ["etch", "ald", "cvd"][i % 3], f"a chamber for wafer {i}",
                     "good.png" if i % 997 == 5 else "not-a-picture.jpg" if i % 1999 == 7
                     else ""])
        if i % 1000 == 999:
            rows.append(list(rows[-1]))                      # the same row again: skipped
    if bad:
        # Rows without a company: 150 over the file, then 60 near its end (past the cap).
        for k in [*range(3, 12_000, 80), *range(11_700, 11_820, 2)]:
            rows[k][0] = rows[k][1] = ""
        rows[5_100][6] = "a NUL \x00 here"
        rows[7_777] = list(rows[7_000])
        rows[7_777][6] = "other details"                     # a product given twice, differing
        rows[11_000][4] = "x" * 400                          # a name too long
    return write_rows(folder / "catalogue.csv", HEADER, rows)


def contents(path: Path) -> dict:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'search_%' AND name != 'search'")]
        out = {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}"))) for t in tables
               if t not in ("sources", "import_state")}
        out["product_rowids"] = conn.execute("SELECT rowid, slug FROM products").fetchall()
        out["with_picture"] = conn.execute("SELECT count(*) FROM products "
                                           "WHERE image IS NOT NULL").fetchone()[0]
        out["sources"] = conn.execute("SELECT id, title, kind FROM sources").fetchall()
        out["import_state"] = conn.execute(
            "SELECT file, context, encoding, lines, products, groups, exhibitors "
            "FROM import_state").fetchall()
        out["search"] = conn.execute("SELECT rowid, kind, ref, label, title, body FROM search "
                                     "ORDER BY rowid").fetchall()
        out["answers"] = conn.execute("SELECT rowid FROM search WHERE search MATCH 'chamber' "
                                      "ORDER BY rank LIMIT 50").fetchall()
    finally:
        conn.close()
    return out


def report_of(report) -> dict:
    doc = report.as_dict()
    doc.pop("seconds")
    return doc


def test_a_first_import_read_in_a_second_process_ends_as_in_one(tmp_path):
    path = write_catalogue(tmp_path / "files", bad=False)
    results = {}
    for mode in (False, True):
        expo = tmp_path / f"in-{mode}" / "expo.sqlite"         # the name is in the file
        report = import_files(expo, [path], reader_process=mode)
        results[mode] = (report_of(report), contents(expo))
    one, two = results[False], results[True]
    assert one[0]["added"]["product"] == 12_000 and one[0]["rejected"]["duplicate row"] == 12
    assert one[0]["more_warnings"] > 0                        # past the cap
    assert any("the same product as on line" in w for w in one[0]["warnings"])
    assert two[0] == one[0]
    for table in one[1]:
        assert two[1][table] == one[1][table], table
    # The picture is in, once, and the products that name it point to it.
    assert len(two[1]["images"]) == 1 and two[1]["with_picture"] == 13


def test_errors_read_in_a_second_process_are_listed_as_in_one(tmp_path):
    path = write_catalogue(tmp_path / "files", bad=True)
    failures = {}
    for mode in (False, True):
        expo = tmp_path / f"expo-{mode}.sqlite"
        with pytest.raises(ImportFailed) as info:
            import_files(expo, [path], reader_process=mode)
        assert not expo.exists()                               # nothing was made
        assert [p for p in tmp_path.iterdir() if ".import-" in p.name] == []
        failures[mode] = (report_of(info.value.report), str(info.value))
    one, two = failures[False], failures[True]
    assert one[0]["more_errors"] > 0
    errors = "\n".join(one[0]["errors"])
    assert "with different details" in errors and "NUL" in errors and "too long" in errors
    assert two == one


def test_a_cancel_stops_the_second_process_and_loses_nothing(tmp_path):
    path = write_catalogue(tmp_path / "files", bad=False)
    expo = tmp_path / "expo.sqlite"
    seen = []

    def progress(frac, message):
        seen.append(frac)
    with pytest.raises(ImportCancelled):
        prepare_import(expo, [path], progress=progress, cancel=lambda: len(seen) > 2,
                       reader_process=True)
    assert not expo.exists()
    assert [p for p in tmp_path.iterdir() if ".import-" in p.name] == []
