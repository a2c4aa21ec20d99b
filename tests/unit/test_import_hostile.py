"""Hostile catalogues: every fault is an error naming the file, the line or record and the
field, never a traceback, and the expo file stays as it was (issue 10, points 11, 12, 14)."""
from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from db.build import SEED_DIR, load_seed
from db.errors import DataError
from db.importing import ImportFailed, import_files
from db.text import MAX_ID, MAX_NAME, MAX_TEXT

from catalogue_files import sha  # tests/catalogue_files.py


def _refused(expo: Path, files) -> list[str]:
    """The errors of an import that must fail; the expo file is checked unchanged."""
    before = sha(expo)
    with pytest.raises(ImportFailed) as info:
        import_files(expo, files)
    assert sha(expo) == before
    assert [p.name for p in expo.parent.iterdir() if ".import-" in p.name] == []
    return [str(e) for e in info.value.report.errors]


# ------------------------------------------------------------ JSON: wrong types
def _set(section, i, key, value):
    def change(doc):
        doc[section][i][key] = value
    return change


def _top(key, value):
    def change(doc):
        doc[key] = value
    return change


JSON_FAULTS = {
    # name: (change, the error line after "doc.json: ")
    "object-for-a-name": (_set("exhibitors", 0, "name", {"en": "x"}),
                          "exhibitors[0] (slug '{ex0}'): \"name\" must be a text, not an object"),
    "list-for-an-id": (_set("exhibitors", 0, "slug", ["a"]),
                       "exhibitors[0]: \"slug\" must be a text, not a list"),
    "integer-beyond-64-bits": (_set("booths", 0, "x", 2 ** 70),
                               "booths[0] (code '1A01'): \"x\" is a number out of range"),
    "integer-beyond-64-bits-in-a-whole-number": (
        _set("zones", 0, "sort", -(2 ** 64)),
        "zones[0] (slug '{zone0}'): \"sort\" is a number out of range"),
    "number-for-a-list": (_set("exhibitors", 0, "sources", 5),
                          "exhibitors[0] (slug '{ex0}'): \"sources\" must be a list, not a number"),
    "number-for-the-booths": (_set("exhibitors", 0, "booths", 7),
                              "exhibitors[0] (slug '{ex0}'): \"booths\" must be a list, not a "
                              "number"),
    "null-for-a-section": (_top("products", None), "products: \"products\" must be a list, not "
                                                   "null"),
    "null-in-a-list": (_set("booths", 0, "exhibitors", [None]),
                       "booths[0] (code '1A01'): \"exhibitors\" item 0 must be a text, not null"),
    "number-in-a-list": (_set("events", 0, "topics", [1]),
                         "events[0] (slug '{ev0}'): \"topics\" item 0 must be a text, not a "
                         "number"),
    "text-for-a-number": (_set("halls", 0, "w", "74"),
                          "halls[0] (slug '{hall0}'): \"w\" must be a number, not a text"),
    "list-for-the-specs": (_set("products", 0, "specs", [1, 2]),
                           "products[0] (slug '{pr0}'): \"specs\" must be an object, not a list"),
    "number-for-a-reference": (_set("quotes", 0, "person", 5),
                               "quotes[0] (id '{q0}'): \"person\" must be a text, not a number"),
    "unknown-reference": (_set("halls", 0, "zone", "nowhere"),
                          "halls[0] (slug '{hall0}'): unknown zone 'nowhere' in \"zone\"; add "
                          "the zone or correct the reference"),
    "list-for-the-expo": (_top("expo", [1]), "expo: \"expo\" must be an object, not a list"),
    "object-for-the-pictures": (_top("images", {"a": 1}),
                                "images: \"images\" must be a list, not an object"),
    "text-for-the-edition": (lambda d: d["expo"].__setitem__("edition", "two"),
                             "expo: \"edition\" must be a whole number, not a text"),
    "text-for-the-format-version": (_top("format_version", "2"),
                                    "\"format_version\" must be a number, not a text; import "
                                    "the JSON that `wesemibay-db export --format json` writes"),
    "nul-in-a-name": (_set("exhibitors", 0, "name", "Ac\x00me"),
                      "exhibitors[0] (slug '{ex0}'): \"name\" contains a NUL character"),
    "nul-in-the-specs": (_set("products", 0, "specs", {"a": "b\x00"}),
                         "products[0] (slug '{pr0}'): \"specs\" holds a value that cannot be "
                         "stored (a NUL character?)"),
}


@pytest.mark.parametrize("kind", list(JSON_FAULTS))
def test_json_of_the_wrong_type_is_an_error_naming_the_record_and_key(kind, expo_copy,
                                                                      tmp_path, export_doc):
    change, expected = JSON_FAULTS[kind]
    doc = copy.deepcopy(export_doc)
    names = {"ex0": doc["exhibitors"][0]["slug"], "zone0": doc["zones"][0]["slug"],
             "hall0": doc["halls"][0]["slug"],
             "ev0": doc["events"][0]["slug"], "pr0": doc["products"][0]["slug"],
             "q0": doc["quotes"][0]["id"]}
    change(doc)
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    errors = _refused(expo_copy, [path])
    assert "doc.json: " + expected.format(**names) in errors


@pytest.mark.parametrize("text, expected", [
    ('{"format": "wesemibay-expo", "zones": [{"slug": "a", "name": "A", "sort": NaN}]}',
     "doc.json: invalid JSON (NaN is not a number JSON allows); write plain numbers"),
    ('{"format": "wesemibay-expo", "x": ' + "[" * 50_000 + "]" * 50_000 + "}",
     "doc.json: invalid JSON (nested too deeply); export the document again"),
    ('{"format": "wesemibay-expo", "x": ' + "9" * 5000 + "}", "doc.json: invalid JSON ("),
])
def test_json_that_python_cannot_take_is_an_error(text, expected, expo_copy, tmp_path):
    path = tmp_path / "doc.json"
    path.write_text(text, encoding="utf-8")
    errors = _refused(expo_copy, [path])
    assert errors[0].startswith(expected)


# ------------------------------------------------------------ CSV: messages
def _csv(tmp_path, text: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_one_megabyte_cell_is_too_long_not_a_quoting_problem(expo_copy, tmp_path):
    path = _csv(tmp_path, 'Company,Booth,Product,Description\n'
                          'Acme,1A01,Tool,"' + "x" * 1_000_000 + '"\n')
    assert _refused(expo_copy, [path]) == [
        'list.csv: line 2, column D ("Description"): too long (1,000,000 characters; at most '
        '20,000); shorten it']


def test_a_cell_beyond_what_can_be_read_names_its_line(expo_copy, tmp_path, monkeypatch):
    from db.importing import textfile
    # The cap is 64 M characters; a smaller one keeps the test fast and the code path the same.
    monkeypatch.setattr(textfile, "CSV_CELL_CAP", 300_000)
    path = tmp_path / "list.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('Company,Booth\nGood,1A01\nAcme,"')
        fh.write("x\n" * 200_000)             # a quote that is never closed
    errors = _refused(expo_copy, [path])
    assert errors[0] == ("list.csv: line 3: a cell of more than 300,000 characters: far too "
                         "long, or a quote that is never closed; check the quotes from this "
                         "line on; shorten the cell")


@pytest.mark.parametrize("cell, problem", [
    ("Ac\x00me", "contains a NUL character; remove it (the file may be binary or damaged)"),
    ("A" * 400, "too long (400 characters; at most 300); shorten it"),
])
def test_a_refused_name_gives_one_error_and_no_false_empty_name(cell, problem, expo_copy,
                                                                tmp_path):
    path = _csv(tmp_path, f"Company,Booth,Product\n{cell},1A01,Tool\n")
    assert _refused(expo_copy, [path]) == [
        f'list.csv: line 2, column A ("Company"): {problem}']


def test_a_refused_booth_gives_no_false_missing_booth(expo_copy, tmp_path):
    path = _csv(tmp_path, "Company,Booth,x,y,w,h\nAcme," + "1" * 400 + ",1,1,1,1\n")
    assert _refused(expo_copy, [path]) == [
        'list.csv: line 2, column B ("Booth"): too long (400 characters; at most 300); '
        'shorten it']


def test_a_nul_byte_in_a_picture_cell_is_a_warning_with_its_column(expo_copy, tmp_path):
    # A picture that cannot be used never refuses its row (as a missing picture does not).
    path = _csv(tmp_path, "Company,Booth,Product,Image\nAcme,1A01,Tool,pic\x00.png\n")
    report = import_files(expo_copy, [path])
    assert report.added["product"] == 1
    assert any(str(w).startswith('list.csv: line 2, column D ("Image"): picture pic\\x00.png')
               for w in report.warnings), [str(w) for w in report.warnings]


def test_a_line_break_in_a_name_is_joined_with_a_warning(expo_copy, tmp_path):
    path = _csv(tmp_path, 'Company,Booth,Product\nAcme,1A01,"Tool\nBeta,1A02,Other"\n')
    report = import_files(expo_copy, [path])
    assert 'list.csv: line 2, column C ("Product"): a line break inside this cell; joined into ' \
           'one line; check for a quote that is not closed where it should be' in \
           [str(w) for w in report.warnings]


# ------------------------------------------------------ field lengths everywhere
def test_limits_are_the_same_for_csv_and_json(expo_copy, tmp_path, export_doc):
    long_name = "N" * (MAX_NAME + 1)
    csv_errors = _refused(expo_copy, [_csv(tmp_path, f"Company\n{long_name}\n")])
    doc = copy.deepcopy(export_doc)
    doc["exhibitors"][0]["name"] = long_name
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    json_errors = _refused(expo_copy, [path])
    problem = f"too long ({MAX_NAME + 1} characters; at most {MAX_NAME})"
    assert csv_errors == [f'list.csv: line 2, column A ("Company"): {problem}; shorten it']
    assert f'doc.json: exhibitors[0] (slug {doc["exhibitors"][0]["slug"]!r}): "name" ' \
           f'{problem}; shorten it' in json_errors


@pytest.mark.parametrize("section, key, limit", [
    ("exhibitors", "summary", MAX_TEXT), ("products", "slug", MAX_ID),
    ("sources", "title", MAX_NAME), ("booths", "exhibitors", MAX_ID),
])
def test_every_json_field_has_its_limit(section, key, limit, expo_copy, tmp_path, export_doc):
    doc = copy.deepcopy(export_doc)
    rec = doc[section][0]
    rec[key] = ["x" * (limit + 1)] if key == "exhibitors" else "x" * (limit + 1)
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    errors = _refused(expo_copy, [path])
    assert any(f'"{key}"' in e and f"{limit + 1:,} characters; at most {limit:,}" in e
               for e in errors), errors


def test_the_seed_is_held_to_the_same_limits(tmp_path):
    seed = tmp_path / "seed"
    shutil.copytree(SEED_DIR, seed)
    path = seed / "exhibitors.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data[0]["name"] = "N" * (MAX_NAME + 1)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_seed(seed)
    assert str(info.value) == (f"{path}: {data[0]['slug']}: 'name' too long "
                               f"({MAX_NAME + 1} characters; at most {MAX_NAME})")
