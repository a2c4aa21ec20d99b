"""Incremental re-import (issue 12): a re-import of a catalogue file reads again only the rows
that changed, writes only their search entries (or rebuilds the index when that is cheaper),
and ends in exactly what reading every row would give. Real expo files throughout."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from db.expo import open_expo
from db.importing import ImportFailed, import_files, prepare_import
from db.search import search

from catalogue_files import sha, write_rows  # tests/catalogue_files.py
import dbtest  # tests/dbtest.py

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["Company", "公司名称", "Booth No.", "Country/Region", "Product Name", "Tool type",
          "Description"]
QUERIES = ["a", "t", "m", "etch", "plasma", "maker", "maker 3", "revised", "新", "中微", "ald", "deposition",
           "1A05", "tool 7", "germany", "chamber wafer", "brandnew", "renamed"]


def old_rows(n_ex: int = 12, per: int = 10) -> list[list[str]]:
    rows = []
    for e in range(n_ex):
        for k in range(per):
            i = e * per + k
            rows.append([f"Maker {e}", f"中微{e}公司", f"1A{e:02d}", "China",
                         f"Tool {i}", ["etch", "ald", "cvd"][i % 3],
                         f"a plasma chamber for wafer {i}"])
    return rows


def new_rows() -> list[list[str]]:
    """Old rows with some changed, some removed, some added, an exhibitor moved."""
    rows = []
    for r in old_rows():
        i = int(r[4].split()[1])
        if i % 17 == 3:
            continue                                   # removed
        r = list(r)
        if i % 13 == 5:
            r[6] += " revised"                         # a changed product
        if i % 29 == 7:
            r[5] = "deposition"                        # a changed tool type
        if r[0] == "Maker 4":
            r[3] = "Germany"                           # an exhibitor's cell on all its rows
        if r[0] == "Maker 6":
            r[2] = "1A99"                              # an exhibitor moved to another booth
        rows.append(r)
    rows.insert(40, ["Maker 3", "中微3公司", "1A03", "China", "Brandnew Tool", "etch",
                     "a new 新 etcher"])                # added to an exhibitor
    rows.append(["Maker 99", "新公司", "1A98", "Japan", "Tool 999", "ald", "brandnew"])
    return rows


def write_csv(path: Path, rows) -> Path:
    return write_rows(path, HEADER, rows)


def contents(path: Path) -> dict:
    """Every table's rows (the search index as its entries, and what searching answers),
    except the import's own state."""
    out = {}
    with open_expo(path, readonly=True) as expo, dbtest.connect(expo) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'search_%' AND name NOT IN ('search', 'import_state')")]
        for t in tables:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({t})")]
            out[t] = sorted(map(repr, conn.execute(f"SELECT {', '.join(cols)} FROM {t}")))
        out["search"] = sorted(conn.execute("SELECT kind, ref, label, title, body FROM search"))
        out["answers"] = {q: [(h.kind, h.id, h.title) for h in search(conn, q, limit=500)]
                          for q in QUERIES}
    return out


def state_rows(path: Path) -> int:
    with dbtest.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM import_state").fetchone()[0]


def reimported(tmp_path: Path, name: str, incremental: bool):
    """An expo made from the old file, then the new file (same name) imported into it; with
    ``incremental`` False the last import's state is removed first, so every row is read."""
    (tmp_path / name).mkdir(parents=True)
    expo = tmp_path / name / "expo.sqlite"
    import_files(expo, [write_csv(tmp_path / "old" / "catalogue.csv", old_rows())])
    assert state_rows(expo) == 1
    if not incremental:
        with dbtest.connect(expo) as conn:
            conn.execute("DELETE FROM import_state")
        conn.close()
    report = import_files(expo, [write_csv(tmp_path / "new" / "catalogue.csv", new_rows())])
    return expo, report


def test_reimport_reads_only_changed_rows_and_ends_as_a_full_read(tmp_path):
    fast, report = reimported(tmp_path, "fast", incremental=True)
    full, full_report = reimported(tmp_path, "full", incremental=False)
    # The incremental one compared most rows instead of reading them.
    assert full_report.compared == 0
    assert report.compared > 60, report.summary()
    # The same counts as reading every row...
    for what in ("added", "updated", "unchanged", "rejected"):
        assert getattr(report, what) == getattr(full_report, what), what
    assert report.added == {"product": 2, "exhibitor": 1, "booth": 2}
    assert report.updated["product"] == 9 + 4                  # revised + tool type
    assert report.updated["exhibitor"] == 2                     # Maker 4 and Maker 6
    # ...and the very same database and search answers.
    got, want = contents(fast), contents(full)
    for key in want:
        assert got[key] == want[key], key
    # Only what changed was written to the index, in place.
    assert report.search_index == "updated"
    assert report.index_records < 30
    assert f"search index updated for {report.index_records} records" in report.summary()


def test_reimport_matches_a_fresh_import_of_the_new_file(tmp_path):
    fast, _ = reimported(tmp_path, "fast", incremental=True)
    fresh = tmp_path / "fresh" / "expo.sqlite"
    fresh.parent.mkdir()
    import_files(fresh, [write_csv(tmp_path / "new" / "catalogue.csv", new_rows())])
    got, want = contents(fast), contents(fresh)
    # Rows missing from the new file are kept (docs/catalogue-format.md): the removed
    # products are the only difference, in the tables and in what search answers.
    removed = {f"maker-{i // 10}-tool-{i}" for i in range(120) if i % 17 == 3}
    with dbtest.connect(fast) as conn:
        assert {r[0] for r in conn.execute("SELECT slug FROM products")} - \
            {r[0] for r in dbtest.rows(fresh, "SELECT slug FROM products")} \
            == removed
    conn.close()
    assert [e for e in got["search"] if e[1] not in removed] == want["search"]
    for q in QUERIES:
        assert [h for h in got["answers"][q] if h[1] not in removed] == \
            [h for h in want["answers"][q] if h[1] not in removed], q
    assert got["exhibitors"] == want["exhibitors"]
    assert got["booth_exhibitors"] == want["booth_exhibitors"]


def test_a_reimport_of_the_same_file_changes_nothing(tmp_path):
    expo = tmp_path / "same.sqlite"
    path = write_csv(tmp_path / "catalogue.csv", old_rows())
    first = import_files(expo, [path])
    assert first.warnings        # each new booth is not on the floor plan
    before = sha(expo)
    report = import_files(expo, [path])
    assert report.compared == 120 and report.total("added") == report.total("updated") == 0
    assert report.unchanged["product"] == 120
    assert report.search_index == "unchanged" and not report.changed
    assert sha(expo) == before                       # the file was not even replaced



def test_warnings_about_exhibitors_come_again_as_in_a_full_read(tmp_path):
    rows = old_rows()
    for r in rows:
        if r[0] == "Maker 2":
            r[2] = "ZZ9"                             # a booth code the plan does not have
    rows[25][3] = "Japan"                            # differs from the row before it
    warned = []
    for name, incremental in (("fast", True), ("full", False)):
        expo = tmp_path / name / "expo.sqlite"
        expo.parent.mkdir()
        path = write_csv(tmp_path / name / "catalogue.csv", rows)
        import_files(expo, [path])
        if not incremental:
            with dbtest.connect(expo) as conn:
                conn.execute("DELETE FROM import_state")
            conn.close()
        report = import_files(expo, [path])
        assert (report.compared == 120) == incremental, report.compared
        warned.append([str(w) for w in report.warnings])
    assert any("differs" in w for w in warned[1]), warned[1]
    assert warned[0] == warned[1]


def test_many_changes_rebuild_the_index_and_say_so(tmp_path):
    expo = tmp_path / "expo.sqlite"
    import_files(expo, [write_csv(tmp_path / "old" / "catalogue.csv", old_rows())])
    rows = [r[:6] + [r[6] + " all revised"] for r in old_rows()]
    report = import_files(expo, [write_csv(tmp_path / "new" / "catalogue.csv", rows)])
    assert report.updated["product"] == 120
    assert report.search_index == "rebuilt"
    assert "search index rebuilt" in report.summary()
    fresh = tmp_path / "fresh" / "expo.sqlite"
    fresh.parent.mkdir()
    import_files(fresh, [tmp_path / "new" / "catalogue.csv"])
    got, want = contents(expo), contents(fresh)
    assert got["search"] == want["search"] and got["answers"] == want["answers"]


def test_cli_names_updated_or_rebuilt(tmp_path):
    expo = tmp_path / "cli.sqlite"
    old = write_csv(tmp_path / "old" / "catalogue.csv", old_rows())
    new = write_csv(tmp_path / "new" / "catalogue.csv", new_rows())

    def run(path, *extra):
        res = subprocess.run([sys.executable, "-m", "db", "import", str(path), "--expo",
                              str(expo), *extra], cwd=ROOT, capture_output=True, text=True,
                             env=dict(os.environ))
        assert res.returncode == 0, res.stderr
        return res.stdout
    run(old)
    out = run(new)
    assert "search index updated for " in out and "rebuilt" not in out
    data = json.loads(run(old, "--json"))     # back to the old rows: again a few records
    assert data["search_index"] == "updated" and 0 < data["index_records"] < 30


def test_a_bad_row_in_a_reimport_loses_nothing(tmp_path):
    expo = tmp_path / "expo.sqlite"
    import_files(expo, [write_csv(tmp_path / "old" / "catalogue.csv", old_rows())])
    before = sha(expo)
    rows = new_rows()
    rows[50][4] = "x" * 400                         # a product name over its limit
    with pytest.raises(ImportFailed) as exc:
        import_files(expo, [write_csv(tmp_path / "new" / "catalogue.csv", rows)])
    assert any(e.line == 52 for e in exc.value.report.errors)
    assert sha(expo) == before                       # state included: byte for byte
    assert not [p for p in tmp_path.iterdir() if ".import-" in p.name]
    # The next re-import still compares with the old state and ends as a full read would.
    report = import_files(expo, [write_csv(tmp_path / "new" / "catalogue.csv", new_rows())])
    assert report.compared > 60
    full, _ = reimported(tmp_path / "full", "full", incremental=False)
    assert contents(expo) == contents(full)


def test_a_cancelled_reimport_loses_nothing(tmp_path):
    expo = tmp_path / "cancel.sqlite"
    import_files(expo, [write_csv(tmp_path / "old" / "catalogue.csv", old_rows())])
    before = sha(expo)
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 1
    from db.importing import ImportCancelled
    with pytest.raises(ImportCancelled):
        prepare_import(expo, [write_csv(tmp_path / "new" / "catalogue.csv", new_rows())],
                       cancel=cancel)
    assert sha(expo) == before


def test_an_older_expo_file_gains_the_state_and_reimports_incrementally(tmp_path):
    """A file of schema v2 (before import_state) is upgraded by its first import; the
    next import of the same catalogue compares rows and ends as a full read would."""
    import shutil
    from db import schema
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "expo-v2.sqlite"
    paths = []
    for name, incremental in (("fast", True), ("full", False)):
        expo = tmp_path / name / "expo.sqlite"
        expo.parent.mkdir()
        shutil.copyfile(fixture, expo)
        import_files(expo, [write_csv(tmp_path / "old" / "catalogue.csv", old_rows())])
        with open_expo(expo, readonly=True) as e, dbtest.connect(e) as conn:
            assert schema.file_version(conn) == schema.SCHEMA_VERSION
        if not incremental:
            with dbtest.connect(expo) as conn:
                conn.execute("DELETE FROM import_state")
            conn.close()
        report = import_files(expo, [write_csv(tmp_path / "new" / "catalogue.csv",
                                               new_rows())])
        assert (report.compared > 60) == incremental
        paths.append(expo)
    assert contents(paths[0]) == contents(paths[1])
