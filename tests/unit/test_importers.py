"""Import: real files in, real expo files checked; all or nothing."""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db.errors import DataError
from db.exporters import export_csv, export_json
from db.expo import open_expo
from db.importing import (HEADERS, ImportCancelled, ImportFailed, import_files, norm_header,
                          parse_mapping, prepare_import, slugify)
from db.importing.headers import ALIASES
from db.search import search
from db.userdata import UserData

from catalogue_files import big_csv, sha  # tests/catalogue_files.py
import dbtest  # tests/dbtest.py

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "catalogue"
MESSY = FIX / "messy-exhibitors.csv"



def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".import-" in p.name]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def failed(expo: Path, files, **kw) -> ImportFailed:
    before = sha(expo) if expo.exists() else None
    with pytest.raises(ImportFailed) as info:
        import_files(expo, files, **kw)
    if before is None:
        assert not expo.exists()
    else:
        assert sha(expo) == before, "the expo file changed although the import failed"
    assert leftovers(expo.parent) == []
    return info.value


# ------------------------------------------------------------------ the messy list
def test_messy_list_imports_into_the_builtin_expo(expo_copy):
    report = import_files(expo_copy, [MESSY])
    assert report.added == {"booth": 1, "exhibitor": 5, "product": 7}
    assert report.unchanged == {"exhibitor": 2}          # SiCarrier (by 新凯来), Tokyo Electron
    assert report.rejected == {"picture": 4}
    text = "\n".join(str(w) for w in report.warnings)
    assert 'G ("网址"), H ("联系人")' in text             # extra columns named
    assert "line 6, column C (\"展位号\"): booth 9Z99 is not on the floor plan" in text
    assert "line 6" in text and "truncated or damaged" in text
    assert "line 7" in text and "too many pixels" in text
    assert "line 8" in text and "not a picture" in text
    assert "line 9" in text and "missing.png: file not found" in text
    with open_expo(expo_copy, readonly=True) as expo:
        # co-exhibitors share 1B06; NAURA holds two booths
        assert expo.booth_occupants()["1B06"] == ["amec", "naura"]
        assert expo.booths_of("naura") == ["1B05", "1B06"]
        naura = expo.exhibitor("naura")
        assert (naura["name"], naura["name_zh"], naura["country"]) == ("NAURA", "北方华创", "CN")
        assert naura["zone"] == "wafer-manufacturing"        # the zone of its booth
        # matched by its Chinese name, not duplicated
        assert dbtest.query(expo, "SELECT count(*) FROM exhibitors WHERE name_zh = '新凯来'"
                                 ).fetchone()[0] == 1
        alishan = expo.record("product", "sicarrier-alishan-ald-system")
        assert alishan["exhibitor"] == "sicarrier"
        assert alishan["summary"] == "原子层沉积设备;\n单片式"      # quoted newline kept
        # unplaced booth: listed, not drawn
        b = expo.record("booth", "9Z99")
        assert b["placed"] == 0 and b["x"] is None
        # good pictures stored with thumbnails; bad ones left out, the product imported
        rot = dbtest.query(expo, "SELECT i.width, i.height, i.thumb IS NOT NULL FROM products p "
                                "JOIN images i ON i.id = p.image WHERE p.slug = 'naura-etch-platform'"
                                ).fetchone()
        assert rot == (80, 120, 1)                     # EXIF-rotated: stored upright size
        assert expo.record("product", "piotech-pecvd-tool")["image"] is None
        # every imported record cites the file it came from
        src = expo.sources_of("product", "piotech-pecvd-tool")
        assert src and src[0]["title"] == "Imported from the file messy-exhibitors.csv"
        # searchable at once, Chinese substrings included
        assert ("exhibitor", "naura") in [(h.kind, h.id) for h in expo.search("华创")]
        assert ("exhibitor", "shenzhen-test-tech") in [(h.kind, h.id)
                                                       for h in expo.search("9Z99")]
    assert leftovers(expo_copy.parent) == []


def test_strict_refuses_unknown_booths_and_changes_nothing(expo_copy):
    exc = failed(expo_copy, [MESSY], strict=True)
    assert any("line 6, column C (\"展位号\"): booth 9Z99 is not on the floor plan" in str(e)
               for e in exc.report.errors)


def test_reimport_updates_by_stable_ids_and_notes_survive(expo_copy, tmp_path):
    import_files(expo_copy, [MESSY])
    user = UserData(tmp_path / "user.sqlite")
    user.save_note("wesemibay-2025", "exhibitor", "naura", "Ask about the etch platform")
    again = import_files(expo_copy, [MESSY])
    assert again.added == {}
    assert again.unchanged == {"exhibitor": 7, "product": 7}
    changed = tmp_path / "changed.csv"
    changed.write_bytes(MESSY.read_bytes().replace("刻蚀设备".encode(), "刻蚀与清洗设备".encode()))
    third = import_files(expo_copy, [changed])
    assert third.updated == {"product": 1} and third.added == {}
    with open_expo(expo_copy, readonly=True) as expo:
        assert expo.record("product", "naura-etch-platform")["summary"] == "刻蚀与清洗设备"
        assert ("product", "naura-etch-platform") in [
            (h.kind, h.id) for h in expo.search("清洗")]    # index rebuilt
        assert expo.exhibitor("naura") is not None
    assert user.note("wesemibay-2025", "exhibitor", "naura")["text"] == \
        "Ask about the etch platform"
    user.close()


# ------------------------------------------------------------------ broken inputs
def test_every_error_is_listed_with_line_column_and_fix(expo_copy):
    exc = failed(expo_copy, [FIX / "broken.csv"])
    lines = [str(e) for e in exc.report.errors]
    assert lines == [
        'broken.csv: line 3, column A ("Company"): the exhibitor\'s name is empty; '
        "fill in the company name",
        'broken.csv: line 4, column D ("y"): “abc” is not a number; '
        "write a number in metres, e.g. 12.5",
        'broken.csv: line 5, column G ("Product"): too long (400 characters; at most 300); '
        "shorten it",
        'broken.csv: line 6, column H ("Product ID"): product \'W-1\' also on line 2 of '
        "broken.csv with different details; give each product its own id or name, or remove "
        "the duplicate (conflicting duplicate id)",
        'broken.csv: line 7, column I ("Specs"): specs are not valid JSON (Expecting property '
        'name enclosed in double quotes); write {"key": "value"} or key: value; key: value',
    ]
    assert "nothing was imported" in str(exc)


def test_broken_file_into_a_new_expo_creates_nothing(tmp_path):
    failed(tmp_path / "new.sqlite", [FIX / "broken.csv"])


def test_missing_name_column(expo_copy):
    exc = failed(expo_copy, [FIX / "no-company.csv"])
    assert str(exc.report.errors[0]) == (
        'no-company.csv: line 1: no exhibitor name column (e.g. Company, Exhibitor, 公司名称, '
        '展商名称); headers found: "Firm", "Stand"; rename the column or pass --map '
        '"YOUR HEADER=company"')
    # --map fixes it
    report = import_files(expo_copy, [FIX / "no-company.csv"],
                          mapping=parse_mapping(["Firm=company", "Stand=booth"]))
    assert report.added["exhibitor"] == 1


def test_undecodable_text(expo_copy, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes("Company,Country\nGood,CN\n".encode() + b"\xff\xfe\xfa\x80\x81,CN\n")
    exc = failed(expo_copy, [bad])
    assert str(exc.report.errors[0]).startswith("bad.csv: line 3: the text is neither UTF-8 "
                                                "nor GB18030")
    # a forced, wrong encoding names the line too
    gb = FIX / "gb18030.tsv"
    exc = failed(expo_copy, [gb], encoding="utf-8")
    assert str(exc.report.errors[0]) == ("gb18030.tsv: line 1: text that is not valid utf-8; "
                                         "save the file as UTF-8 or pass the right --encoding")


def test_gb18030_is_detected(expo_copy):
    report = import_files(expo_copy, [FIX / "gb18030.tsv"])
    assert report.added == {"exhibitor": 2, "product": 2}
    assert "read as GB18030" in str(report.warnings[0])
    with open_expo(expo_copy, readonly=True) as expo:
        names = {r[0] for r in dbtest.query(expo, "SELECT name FROM exhibitors")}
        assert {"长江存储", "华为海思"} <= names


def test_json_errors_name_the_record(expo_copy, tmp_path, export_doc):
    doc = json.loads(json.dumps(export_doc))
    doc["exhibitors"][1]["name"] = ""
    doc["halls"][0]["x"] = "wide"
    doc["products"][0]["exhibitor"] = "nobody"
    doc["exhibitors"].append(dict(doc["exhibitors"][0]))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    msgs = [str(e) for e in failed(expo_copy, [bad]).report.errors]
    second, first = doc["exhibitors"][1]["slug"], doc["exhibitors"][0]["slug"]
    assert f'bad.json: exhibitors[1] (slug {second!r}): "name" is missing or empty; ' \
           'fill in name' in msgs
    assert any(m.startswith("bad.json: halls[0]") and '"x" must be a number' in m for m in msgs)
    assert any("unknown exhibitor 'nobody'" in m for m in msgs)
    assert any(f"duplicate slug {first!r}" in m for m in msgs)
    syntax = write(tmp_path / "syntax.json", '{"format": "wesemibay-expo",\n "zones": [,]}')
    msg = str(failed(expo_copy, [syntax]).report.errors[0])
    assert msg.startswith("syntax.json: line 2, column 12: invalid JSON")


# ------------------------------------------------------------------ all or nothing
def test_cancel_leaves_the_expo_as_it_was(expo_copy):
    before = sha(expo_copy)
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 1
    with pytest.raises(ImportCancelled):
        prepare_import(expo_copy, [MESSY], cancel=cancel)
    assert sha(expo_copy) == before and leftovers(expo_copy.parent) == []


def test_prepared_import_touches_nothing_until_commit(expo_copy):
    before = sha(expo_copy)
    prepared = prepare_import(expo_copy, [MESSY])
    assert sha(expo_copy) == before
    prepared.discard()
    assert sha(expo_copy) == before and leftovers(expo_copy.parent) == []



def test_a_killed_import_leaves_the_expo_as_it_was(expo_copy, tmp_path):
    big = big_csv(tmp_path / "big.csv", 60_000)
    before = sha(expo_copy)
    proc = subprocess.Popen([sys.executable, "-m", "db", "import", str(big), "--expo",
                             str(expo_copy)], cwd=Path(__file__).resolve().parents[2],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:    # wait until it is writing its copy
            temp = [p for p in expo_copy.parent.iterdir() if ".import-" in p.name]
            if temp and temp[0].stat().st_size > 300_000:
                break
            time.sleep(0.02)
        else:
            pytest.fail("the import never started writing")
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert sha(expo_copy) == before
    open_expo(expo_copy).close()          # still a sound expo file


# ------------------------------------------------------------------ formats
def test_json_round_trip_is_faithful(built_expo, tmp_path, export_doc):
    first = tmp_path / "first.json"
    with open_expo(built_expo, readonly=True) as expo:
        export_json(expo, first)
    new = tmp_path / "new.sqlite"
    report = import_files(new, [first])
    assert report.added["booth"] == len(export_doc["booths"])
    second = tmp_path / "second.json"
    with open_expo(new, readonly=True) as expo:
        export_json(expo, second)
    a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (first, second))
    assert a == b
    assert a["images"] and all(p.get("image") for p in a["products"])   # pictures travel too
    assert any(not bk["placed"] or bk["x"] is not None for bk in b["booths"])


def test_csv_export_reimports_and_guards_formulas(tmp_path):
    src = write(tmp_path / "evil.csv", 'Company,Product,Description\n'
                '"=HYPERLINK(""http://x"")",+Plus tool,@mention\n-Minus Co,Thing,ok\n')
    expo_path = tmp_path / "e.sqlite"
    import_files(expo_path, [src])
    out = tmp_path / "out.csv"
    with open_expo(expo_path, readonly=True) as expo:
        export_csv(expo, out)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    cells = [c for r in rows[1:] for c in r]
    assert "'=HYPERLINK(\"http://x\")" in cells and "'+Plus tool" in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    again = tmp_path / "again.sqlite"
    import_files(again, [out])
    with open_expo(again, readonly=True) as expo:
        names = {r[0] for r in dbtest.query(expo, "SELECT name FROM exhibitors")}
        assert '=HYPERLINK("http://x")' in names and "-Minus Co" in names


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    f = write(tmp_path / "list.txt", delimiter.join(["Company", "Booth No.", "Country"]) + "\n"
              + delimiter.join(["ACME; Ltd" if delimiter != ";" else "ACME Ltd", "1A01", "Japan"])
              + "\n")
    report = import_files(tmp_path / "e.sqlite", [f])
    assert report.added["exhibitor"] == 1
    with open_expo(tmp_path / "e.sqlite", readonly=True) as expo:
        assert dbtest.query(expo, "SELECT country FROM exhibitors").fetchone()[0] == "JP"


def test_separate_files_link_by_exhibitor_name(tmp_path):
    ex = write(tmp_path / "exhibitors.csv", "Exhibitor,Stand,Country/Region\nACME,1A01,USA\n"
               "Beta GmbH,1A02,Germany\n")
    pr = write(tmp_path / "products.csv", "Company Name,Product Name,Tool type\nACME,Drill,pvd\n"
               "Beta GmbH,Saw,etch\nacme,Hammer,\n")
    report = import_files(tmp_path / "e.sqlite", [ex, pr])
    assert report.added == {"booth": 2, "exhibitor": 2, "product": 3}
    with open_expo(tmp_path / "e.sqlite", readonly=True) as expo:
        assert {p["name"] for p in expo.products_of("acme")} == {"Drill", "Hammer"}


@pytest.mark.parametrize("field, headers", [
    ("company", ["Company", "Exhibitor", "Company Name", "公司名称", "展商名称", "COMPANY_NAME"]),
    ("booth", ["Booth", "Booth No.", "Stand", "展位号", "booth-no"]),
    ("hall", ["Hall", "展馆"]),
    ("product", ["Product", "Product Name", "产品", "产品名称"]),
    ("country", ["Country", "Country/Region", "国家/地区", "country / region"]),
    ("description", ["Description", "简介"]),
    ("image", ["Image", "图片"]),
])
def test_header_variants(field, headers):
    for h in headers:
        assert ALIASES.get(norm_header(h)) == field, h
    assert field in HEADERS


def test_slugs_are_stable_and_safe():
    assert slugify("Tokyo Electron Ltd.") == "tokyo-electron-ltd"
    assert slugify("Société Générale") == "societe-generale"
    assert slugify("北方华创") == slugify("北方华创") != slugify("中微公司")
    assert slugify("北方华创").startswith("x-")


def test_bad_mapping_is_refused():
    with pytest.raises(DataError, match="unknown field 'nonsense'"):
        parse_mapping(["A=nonsense"])
    with pytest.raises(DataError, match="HEADER=field"):
        parse_mapping(["no equals sign"])


def test_cli_import(expo_copy, tmp_path):
    env = dict(os.environ)
    root = Path(__file__).resolve().parents[2]
    ok = subprocess.run([sys.executable, "-m", "db", "import", str(MESSY), "--expo",
                         str(expo_copy), "--json"], cwd=root, capture_output=True, text=True,
                        env=env)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["added"]["product"] == 7
    before = sha(expo_copy)
    bad = subprocess.run([sys.executable, "-m", "db", "import", str(FIX / "broken.csv"),
                          "--expo", str(expo_copy)], cwd=root, capture_output=True, text=True,
                         env=env)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert bad.stderr.count("error: broken.csv: line") == 5
    assert "5 errors; nothing was imported" in bad.stderr and sha(expo_copy) == before
