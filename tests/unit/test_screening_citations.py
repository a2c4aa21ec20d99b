"""Federal Register citations in every free-text form the list uses; licence footnotes."""
from __future__ import annotations

import csv
import json
import re

import pytest

from db.screening import citation_strings, clean_licence_text, parse_citations

from screening_files import CN_2023_CSV, PROJECTION_2026, SAMPLE_CSV, need  # tests/screening_files.py


@pytest.mark.parametrize("text, expected", [
    ("89 FR 96837", ["89 FR 96837"]),
    ("89 Fed. Reg. 96837", ["89 FR 96837"]),
    ("89 Fed Reg 96837", ["89 FR 96837"]),
    ("89FR96837", ["89 FR 96837"]),
    ("99FR 12345", ["99 FR 12345"]),
    ("89 FR 96,837", ["89 FR 96837"]),
    ("84 fr 40241", ["84 FR 40241"]),
    ("85 FR 83420; 89 FR 96837", ["85 FR 83420", "89 FR 96837"]),
    ("84 FR 22963, 84 FR 43495, 85 FR 29853, 85 FR 36720,  85 FR 51603",
     ["84 FR 22963", "84 FR 43495", "85 FR 29853", "85 FR 36720", "85 FR 51603"]),
    ("66 FR 24266;70 FR 54629;75 FR 78877; 88 FR", ["66 FR 24266", "70 FR 54629", "75 FR 78877"]),
    ("81 FR 64696 and 84 FR 40241", ["81 FR 64696", "84 FR 40241"]),
    ("85 FR 83420; 88 FR", ["85 FR 83420"]),                   # cut short upstream
    ("77 FR 58006 (no. 182)", ["77 FR 58006"]),
    ("76 FR 67059 No. 210", ["76 FR 67059"]),
    ("76 FR No. 197 (10/12/2011)", ["76 FR No. 197"]),
    ("Vol. 88, No. 151, 08/08/2023", ["88 FR No. 151"]),
    ("67 F.R. 56530 9/4/02 67 F.R. 10890 3/11/02 71 F.R. 38843 7/10/06",
     ["67 FR 56530", "67 FR 10890", "71 FR 38843"]),
    ("85 FR 51603, 8/20/20. 85 FR 52901, 8/27/20.", ["85 FR 51603", "85 FR 52901"]),
    ("84 FR 22963, 84 FR 22963", ["84 FR 22963"]),                # each once
    ("", []),
    (None, []),
    ("See the rule of 2 December 2024", []),
    ("https://www.govinfo.gov/content/pkg/FR-2024-12-05/html/2024-28270.htm", []),
])
def test_every_free_text_form(text, expected):
    assert citation_strings(text) == expected


def test_dates_written_beside_a_citation_are_kept_with_it():
    cits = parse_citations("79 FR 24566, 5/1/14; 83 FR 3580, 1/26/18 ")
    assert [(str(c), c.date) for c in cits] == [("79 FR 24566", "2014-05-01"),
                                                ("83 FR 3580", "2018-01-26")]
    (issue,) = parse_citations("Vol. 88, No. 151, 08/08/2023")
    assert (issue.volume, issue.page, issue.issue, issue.date) == (88, None, 151, "2023-08-08")
    (dpl, *_) = parse_citations("67 F.R. 56530 9/4/02 67 F.R. 10890 3/11/02")
    assert dpl.date == "2002-09-04"


@pytest.mark.parametrize("text, expected", [
    ("For all items subject to the EAR. (See §§ 734.9(e) and 744.11 of the EAR)4",
     "For all items subject to the EAR. (See §§ 734.9(e) and 744.11 of the EAR)"),
    ("For all items subject to the EAR. (See §§734.4(a)(9), 734.9(e)(3), and 744.11 of the EAR)5",
     "For all items subject to the EAR. (See §§734.4(a)(9), 734.9(e)(3), and 744.11 of the EAR)"),
    ("For all items subject to the EAR. (See §§ 734.9(e)(2) and 744.11 of the EAR) 4",
     "For all items subject to the EAR. (See §§ 734.9(e)(2) and 744.11 of the EAR)"),
    ("For all items subject to the EAR. (See §§ 734.9(g),3 746.8(a)(3), and 744.21(b) of the EAR)",
     "For all items subject to the EAR. (See §§ 734.9(g), 746.8(a)(3), and 744.21(b) of the EAR)"),
    ("For All Items Subject to the EAR (See §734.9(g), 3 §746.8(a)(3), and §744.21(b) of the EAR).",
     "For All Items Subject to the EAR (See §734.9(g), §746.8(a)(3), and §744.21(b) of the EAR)."),
    ("For all items subject to the EAR, see §§ 734.9(e)1 and 744.11 of the EAR2",
     "For all items subject to the EAR, see §§ 734.9(e) and 744.11 of the EAR"),
    ("For All Items Subject to the EAR (See §734.9(e)1, and §744.11 of the EAR)2.",
     "For All Items Subject to the EAR (See §734.9(e), and §744.11 of the EAR)."),
    # Not footnotes: EAR99, paragraph numbers, a licence number, and extra spaces tidied.
    ("Presumption of approval for EAR99; case-by-case review for all items on the CCL",
     "Presumption of approval for EAR99; case-by-case review for all items on the CCL"),
    ("Presumption of approval for EAR99", "Presumption of approval for EAR99"),
    ("License Exception GOV under § 740.11(b)(2) and (e).",
     "License Exception GOV under § 740.11(b)(2) and (e)."),
    ("pursuant to General License No. 11 of December 20, 2016.",
     "pursuant to General License No. 11 of December 20, 2016."),
    ("For all items subject to the EAR.  (See §744.11 of the EAR)",
     "For all items subject to the EAR. (See §744.11 of the EAR)"),
])
def test_licence_footnote_marks_are_removed(text, expected):
    assert clean_licence_text(text) == expected


# A plainer reading of the same texts: volume, "FR", then a page or an issue number.
_MENTION = re.compile(r"(\d+)\s*(?:F\.?R\.?|Fed\.? Reg\.?)\s*(\d[\d,]*|No\.\s*\d+)"
                      r"|Vol\.\s*(\d+),\s*(No\.\s*\d+)", re.I)


def _notices():
    texts = []
    for path in (SAMPLE_CSV, CN_2023_CSV):
        if path is not None and path.is_file():
            with open(path, encoding="utf-8", newline="") as fh:
                texts += [r["federal_register_notice"] for r in csv.DictReader(fh)]
    if PROJECTION_2026 is not None and PROJECTION_2026.is_file():
        doc = json.loads(PROJECTION_2026.read_text(encoding="utf-8"))
        texts += [e.get("fr") or "" for e in doc["entries"]]
    return texts


def test_no_citation_in_the_real_files_is_missed():
    need(CN_2023_CSV)
    texts = _notices()
    assert len(texts) > 500
    for text in texts:
        mentions = {(m[0] or m[2], re.sub(r"\D", "", m[1] or m[3]), "No" in (m[1] or m[3]))
                    for m in _MENTION.findall(text)}
        found = {(str(c.volume), str(c.page if c.page is not None else c.issue), c.page is None)
                 for c in parse_citations(text)}
        assert found == mentions, text


def test_the_sample_rows_read_as_published():
    sample = need(SAMPLE_CSV)
    with open(sample, encoding="utf-8", newline="") as fh:
        by_name = {r["name"]: r for r in csv.DictReader(fh)}
    cetc = next(v for k, v in by_name.items() if k.startswith("China Electronics Technology"))
    assert citation_strings(cetc["federal_register_notice"]) == ["83 FR 37423", "87 FR 77505"]
    dpl = by_name["I. ASH"]
    assert citation_strings(dpl["federal_register_notice"]) == [
        "67 FR 56530", "67 FR 10890", "71 FR 38843"]
    isn = next(v for k, v in by_name.items() if k.startswith("Sinobright"))
    assert citation_strings(isn["federal_register_notice"]) == ["88 FR No. 151"]
