"""Reading list files: both official layouts, real quirks, damaged files, the list's date."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from db.errors import DataError
from db.screening import read_list
from db.screening.listfile import CSV_COLUMNS
from db.screening.synthetic import write_list
from screening_files import (CN_2023_CSV, PROJECTION_2026, SAMPLE_CSV, el_record,  # tests/
                             need, official_json_from_projection)

RECORDS = [
    el_record("Shenzhen SiCarrier Technologies Co., Ltd.",
              ["Shenzhen Xinkailai Technology Co., Ltd.", "Xinkailai", "and SICarrier"],
              license_requirement="For all items subject to the EAR. (See §§ 734.9(e) and "
                                  "744.11 of the EAR)4",
              addresses="Building 1, Pingshan\nDistrict, Shenzhen, CN; Room 2, Longgang, "
                        "Shenzhen, CN"),
    el_record("Semiconductor Manufacturing International Corporation (SMIC)",
              ["SMIC Shanghai"], fr="85 FR 83420; 89 FR 96837", start_date="2020-12-22"),
    {"_id": "52291", "source": "Specially Designated Nationals (SDN) - Treasury Department",
     "type": "Individual", "programs": ["NPWMD"], "name": "RIM, Ryong Nam",
     "addresses": "Shenyang, CN; Pyongyang, KP", "dates_of_birth": ["1978-12-05"],
     "nationalities": ["KP"]},
]


def _fields(entries):
    return [(e.name, e.alt_names, e.source, e.list_code, e.citations, e.start_date,
             e.license_requirement, e.license_policy, e.countries) for e in entries]


def test_both_layouts_read_the_same_entries(tmp_path):
    csv_list = read_list(write_list(tmp_path / "consolidated.csv", RECORDS), "2026-07-31")
    json_list = read_list(write_list(tmp_path / "consolidated.json", RECORDS, "json",
                                     search_performed_at="2026-07-31T13:15:00+00:00"))
    tsv_list = read_list(write_list(tmp_path / "consolidated.tsv", RECORDS, "tsv"), "2026-07-31")
    assert (csv_list.layout, json_list.layout, tsv_list.layout) == ("csv", "json", "tsv")
    assert _fields(csv_list.entries) == _fields(json_list.entries) == _fields(tsv_list.entries)
    sic = csv_list.entries[0]
    # The connector "and " stays in the text of alt_names here; names.entry_names drops it.
    assert sic.alt_names[-1] == "and SICarrier"
    assert sic.countries == ["CN", "CN"]
    assert sic.license_requirement.endswith("744.11 of the EAR)")      # footnote 4 removed
    assert csv_list.entries[1].citations == ["85 FR 83420", "89 FR 96837"]
    assert csv_list.entries[1].list_code == "EL" and csv_list.entries[2].list_code == "SDN"


def test_the_csv_is_written_as_ita_publishes_it(tmp_path):
    raw = write_list(tmp_path / "c.csv", RECORDS).read_bytes()
    assert raw.startswith(b"_id,source,entity_number,type,programs,name,")
    assert not raw.endswith(b"\n")                   # no newline after the last row
    assert raw.split(b"\n")[1].startswith(b'"')       # every data field quoted
    # A quoted field holds a newline; the record still reads as one.
    assert len(read_list(tmp_path / "c.csv", "2026-01-01").entries) == 3


def test_identical_records_are_kept_once_and_relistings_are_kept(tmp_path):
    again = dict(RECORDS[1], federal_register_notice="85 FR 83420", _id="other")
    records = [RECORDS[0], RECORDS[1], dict(RECORDS[1]), again]
    parsed = read_list(write_list(tmp_path / "d.csv", records), "2026-01-01")
    assert parsed.duplicates == 1
    assert [e.citations for e in parsed.entries] == [
        ["89 FR 96837"], ["85 FR 83420", "89 FR 96837"], ["85 FR 83420"]]


def test_the_list_date_and_how_it_was_found(tmp_path):
    js = read_list(write_list(tmp_path / "a.json", RECORDS, "json",
                              search_performed_at="2026-07-31T13:15:00.015113+00:00",
                              sources_used=[{"source": RECORDS[0]["source"],
                                             "source_last_updated": "2026-07-29T10:00:00+00:00",
                                             "last_imported": "2026-07-31T13:15:00+00:00"},
                                            {"source": RECORDS[2]["source"],
                                             "source_last_updated": "N/A"}]), "2020-01-01")
    assert (js.list_date, js.date_basis) == ("2026-07-31", "search_performed_at")
    # Each entry has its own list's date where the file gives one.
    assert [e.list_date for e in js.entries] == ["2026-07-29", "2026-07-29", "2026-07-31"]
    stated = read_list(write_list(tmp_path / "b.csv", RECORDS), "2025-05-23")
    assert (stated.list_date, stated.date_basis) == ("2025-05-23", "stated")
    assert {e.list_date for e in stated.entries} == {"2025-05-23"}
    path = write_list(tmp_path / "c.csv", RECORDS)
    when = dt.datetime(2024, 3, 9, 12, tzinfo=dt.timezone.utc).timestamp()
    os.utime(path, (when, when))
    guessed = read_list(path)
    assert (guessed.list_date, guessed.date_basis) == ("2024-03-09", "file")


def _csv(tmp_path, text: str, name="bad.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


HEADER = ",".join(CSV_COLUMNS)
ROW = ",".join(f'"{v}"' for v in ["1", "Entity List (EL)", "", "", "", "Acme Co.", ""]
               + [""] * (len(CSV_COLUMNS) - 7))


@pytest.mark.parametrize("content, says", [
    ("", "the file is empty"),
    (HEADER + "\n", "the list has no entries"),
    ("name,address,phone\n\"Acme\",\"x\",\"y\"\n", "line 1: not the Consolidated Screening List"),
    (HEADER + "\n" + ROW + "\n" + ROW[:40], "line 3: a quoted field is not closed: the file is "
                                            "cut short"),
    (HEADER + "\n" + ROW + "\n" + ROW[:ROW.index(',"Acme')], "line 3: the record has 5 fields, "
                                                              "the header 29 (the file looks cut "
                                                              "short"),
    (HEADER + "\n" + ROW + ',"extra"\n', "line 2: the record has 30 fields, the header 29"),
    (HEADER + "\n" + ROW.replace('"Acme Co."', '""') + "\n", "line 2: the record has no name"),
    (HEADER + "\n" + ROW.replace('"Acme Co."', '"Ac"me"') + "\n", "line 2:"),
    ((HEADER + "\n" + ROW + "\n").encode("utf-8").replace(b"Acme", b"Ac\xe9e"),
     "line 2: not UTF-8 text"),
    ('{"results": [{"name": "Acme"}', "line 1: invalid JSON"),
    ('{"entries": []}', 'not the Consolidated Screening List JSON layout'),
    ('[{"name": "Acme", "source": "EL"}]', 'not the Consolidated Screening List JSON layout'),
    ('{"results": [{"source": "EL"}]}', "record 1 of results: no name"),
    ('{"results": [{"name": "Acme"}]}', "record 1 of results (Acme): no source list"),
    ('{"results": []}', "the list has no entries"),
])
def test_a_damaged_or_foreign_file_is_refused_with_one_line(tmp_path, content, says):
    path = _csv(tmp_path, content, "bad.json" if content[:1] in ("{", "[") else "bad.csv")
    with pytest.raises(DataError) as exc:
        read_list(path, "2026-01-01")
    message = str(exc.value)
    assert message.startswith(str(path) + ": ") and "\n" not in message
    assert says in message


def test_a_folder_or_missing_file_is_refused(tmp_path):
    with pytest.raises(DataError, match="is a folder"):
        read_list(tmp_path)
    with pytest.raises(DataError, match="no such file"):
        read_list(tmp_path / "nothing.csv")


def test_the_real_sample_reads_as_published():
    parsed = read_list(need(SAMPLE_CSV), "2025-06-25")
    assert len(parsed.entries) == 13 and parsed.layout == "csv"
    cetc = next(e for e in parsed.entries if e.name.startswith("China Electronics Technology"))
    assert cetc.list_code == "EL" and cetc.start_date == "2018-08-01"
    assert cetc.citations == ["83 FR 37423", "87 FR 77505"]
    assert any("Hebei Semiconductor Research Institute" in a for a in cetc.alt_names)
    assert len({e.list_code for e in parsed.entries}) == 10


def test_the_2023_excerpt_reads_with_its_quoted_newlines():
    parsed = read_list(need(CN_2023_CSV), "2023-11-30")
    assert len(parsed.entries) == 285
    assert sum("\n" in e.addresses for e in parsed.entries) == 2
    assert {e.list_code for e in parsed.entries} >= {"EL", "MEU", "CMIC", "UVL"}


def test_the_2026_entries_in_the_official_json_layout(tmp_path):
    src = need(PROJECTION_2026)
    # The projection itself is not the official layout and is refused.
    with pytest.raises(DataError, match="not the Consolidated Screening List JSON layout"):
        read_list(src)
    parsed = read_list(official_json_from_projection(src, tmp_path / "consolidated.json"))
    assert len(parsed.entries) == 263
    assert (parsed.list_date, parsed.date_basis) == ("2026-07-31", "search_performed_at")
    sic = next(e for e in parsed.entries if e.name == "Shenzhen SiCarrier Technologies Co., Ltd.")
    assert sic.citations == ["89 FR 96837"] and sic.license_policy == "Presumption of denial"


@pytest.mark.parametrize("text", ["31.07.2026", "2026-02-30", "2026-7-31", ""])
def test_a_stated_date_must_be_a_real_iso_date(text):
    from db.screening import check_date
    with pytest.raises(ValueError):
        check_date(text)
    assert check_date("2026-07-31") == "2026-07-31"
