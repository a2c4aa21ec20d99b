"""``wesemibay-db screen``, run as a user runs it."""
from __future__ import annotations

import hashlib
import json

import pytest

from db.expo import open_expo
from db.screening.synthetic import write_list
from screening_files import SAMPLE_CSV, el_record, need  # tests/screening_files.py

from .conftest import run_db

LIST = [el_record("Shenzhen SiCarrier Technologies Co., Ltd.",
                  ["Shenzhen Xinkailai Technology Co., Ltd.", "Xinkailai", "SICarrier"],
                  license_requirement="For all items subject to the EAR. (See §§ 734.9(e) and "
                                      "744.11 of the EAR)4"),
        el_record("Shenzhen Xinkailai Industrial Machinery Co., Ltd."),
        el_record("Shenzhen Pengxinxu Technology Co., Ltd.", ["Peng Xin Xu", "PST"])]


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line(proc) -> str:
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.fixture
def made_list(tmp_path):
    return write_list(tmp_path / "consolidated.csv", LIST)


def test_screen_json_follows_the_contract(cli_expo, made_list, tmp_path):
    data = tmp_path / "data"
    proc = run_db("screen", "--expo", cli_expo, "--list", made_list, "--list-date", "2026-07-31",
                  "--data-dir", data, "--json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    results = json.loads(proc.stdout)
    with open_expo(cli_expo, readonly=True) as expo:
        slugs = {r["slug"] for r in expo.exhibitor_rows()}
    assert isinstance(results, list) and {r["exhibitor"] for r in results} == slugs
    assert len(results) == len(slugs)                       # one object per exhibitor
    by = {r["exhibitor"]: r for r in results}
    for r in results:
        assert r["status"] in ("match", "possible", "none")
        assert (r["list_date"], r["list_sha256"]) == ("2026-07-31", sha(made_list))
    sic = by["sicarrier"]
    assert sic["name"] == "SiCarrier" and sic["status"] == "match"
    m = sic["matches"][0]
    assert (m["entry_name"], m["kind"], m["score"]) == (
        "Shenzhen SiCarrier Technologies Co., Ltd.", "alias", 1.0)
    assert m["list"] == "Entity List (EL) - Bureau of Industry and Security"
    assert m["citations"] == ["89 FR 96837"] and m["start_date"] == "2024-12-05"
    assert m["license_requirement"].endswith("744.11 of the EAR)")      # footnote mark gone
    assert m["license_policy"] == "Presumption of denial."
    assert {p["exhibitor_field"] for p in m["matched_on"]} >= {"name", "aliases"}
    assert [x["kind"] for x in sic["matches"][1:]] == ["fuzzy"]
    assert by["pengjin-hi-tech"]["status"] == "none" and by["merck"]["matches"] == []
    assert (data / "screening.sqlite").is_file()


def test_the_stored_list_is_used_without_list(cli_expo, made_list, tmp_path):
    data = tmp_path / "data"
    first = run_db("screen", "--expo", cli_expo, "--list", made_list, "--list-date",
                   "2026-07-31", "--data-dir", data)
    assert first.returncode == 0, first.stderr
    assert "Stored" in first.stdout and "dated by the date you stated" in first.stdout
    made_list.unlink()
    proc = run_db("screen", "--expo", cli_expo, "--data-dir", data)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Using the stored list" in out and "List of 2026-07-31" in out.replace("list of", "List of")
    assert "SiCarrier" in out and "possible match: check" in out
    assert "Merck" in out and "no entry found in the list of 2026-07-31" in out
    assert "not listed" not in out
    assert "not a determination" in out and "trade.gov/consolidated-screening-list" in out


def test_without_a_stored_list_it_says_where_the_list_is(cli_expo, tmp_path):
    proc = run_db("screen", "--expo", cli_expo, "--data-dir", tmp_path / "empty")
    assert proc.returncode == 2
    line = one_line(proc)
    assert "no screening list is stored" in line and "https://www.trade.gov/" in line


def test_a_bad_list_exits_1_and_changes_nothing(cli_expo, made_list, tmp_path):
    data = tmp_path / "data"
    assert run_db("screen", "--expo", cli_expo, "--list", made_list, "--list-date", "2026-01-01",
                  "--data-dir", data).returncode == 0
    before = sha(data / "screening.sqlite")
    cut = tmp_path / "cut.csv"
    cut.write_bytes(made_list.read_bytes()[:-40])               # a download cut short
    foreign = tmp_path / "other.json"
    foreign.write_text('{"entries": [{"n": "Acme"}]}', encoding="utf-8")
    for bad, says in ((cut, "line 4: a quoted field is not closed"),
                      (foreign, "not the Consolidated Screening List JSON layout")):
        proc = run_db("screen", "--expo", cli_expo, "--list", bad, "--data-dir", data, "--json")
        assert proc.returncode == 1 and proc.stdout == ""
        line = one_line(proc)
        assert line.startswith(f"wesemibay-db: {bad}: ") and says in line
        assert sha(data / "screening.sqlite") == before


def test_a_wrong_list_date_is_a_usage_error(cli_expo, made_list, tmp_path):
    proc = run_db("screen", "--expo", cli_expo, "--list", made_list, "--data-dir", tmp_path,
                  "--list-date", "31.07.2026")
    assert proc.returncode == 2 and "--list-date" in one_line(proc)
    assert not (tmp_path / "screening.sqlite").exists()


def test_the_real_sample_loads_and_screens(cli_expo, tmp_path):
    proc = run_db("screen", "--expo", cli_expo, "--list", need(SAMPLE_CSV), "--list-date",
                  "2025-06-25", "--data-dir", tmp_path, "--json")
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    # None of the 13 sample rows names an exhibitor of the built-in expo.
    assert {r["status"] for r in results} == {"none"}


def test_help_says_where_the_list_is_and_that_it_is_stored():
    proc = run_db("screen", "--help")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    assert "https://www.trade.gov/consolidated-screening-list" in text
    assert "without it the stored list is used" in text and "never downloads" in text


def test_export_carries_screening_when_a_list_is_stored(cli_expo, made_list, tmp_path):
    data = tmp_path / "data"
    out = tmp_path / "expo.json"
    proc = run_db("export", "--expo", cli_expo, "--format", "json", "--out", out,
                  "--data-dir", data)
    assert proc.returncode == 0 and "screening" not in json.loads(out.read_text("utf-8"))
    run_db("screen", "--expo", cli_expo, "--list", made_list, "--list-date", "2026-07-31",
           "--data-dir", data)
    proc = run_db("export", "--expo", cli_expo, "--format", "json", "--out", out,
                  "--data-dir", data)
    assert proc.returncode == 0, proc.stderr
    assert "not a determination" in proc.stdout
    section = json.loads(out.read_text("utf-8"))["screening"]
    assert section["list"]["list_date"] == "2026-07-31"
    assert section["list"]["sha256"] == sha(made_list)
    proc = run_db("export", "--expo", cli_expo, "--format", "csv", "--out", tmp_path / "e.csv",
                  "--data-dir", data)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "e-screening.csv").is_file() and "e-screening.csv" in proc.stdout


def test_screen_json_reads_the_reviewers_decisions_from_the_user_file(cli_expo, made_list,
                                                                      tmp_path):
    """A decision made in the window (the user file in --data-dir) is in the JSON; the user
    file is read, never changed."""
    from db.userdata import USER_FILE, UserData
    data = tmp_path / "data"
    assert run_db("screen", "--expo", cli_expo, "--list", made_list, "--list-date",
                  "2026-07-31", "--data-dir", data).returncode == 0
    key = "EL|shenzhen xinkailai industrial machinery co., ltd."
    user = UserData(data / USER_FILE)
    user.set_screening_decision("wesemibay-2025", "sicarrier", key, "cleared",
                                "the machinery arm, not the exhibitor")
    user.close()
    before = sha(data / USER_FILE)
    proc = run_db("screen", "--expo", cli_expo, "--data-dir", data, "--json")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    sic = next(r for r in json.loads(proc.stdout) if r["exhibitor"] == "sicarrier")
    m = next(x for x in sic["matches"] if x["entry_key"] == key)
    assert m["status"] == "possible"
    assert (m["decision"]["decision"], m["decision"]["note"]) == (
        "cleared", "the machinery arm, not the exhibitor")
    assert sic["review"] == "cleared"
    assert sha(data / USER_FILE) == before and not (data / f"{USER_FILE}-wal").exists()
