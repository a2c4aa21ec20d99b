"""Text from data is plain, short and direction-safe wherever it is shown, searched or exported
(``db.text``'s display section, ``db.search``, the plan's Markdown and the CSV exports)."""
from __future__ import annotations

import csv
import re
import sqlite3
import time

import pytest

from db.exporters import export_csv, safe_cell
from db.expo import open_expo
from db.plan_export import collect_plan, plan_markdown, plan_rows
from db.search import query_terms, rebuild_index
from db.text import (BIDI_CONTROLS, FSI, PDI, ZERO_WIDTH, ZWSP, breakable, clean_text,
                     display_text, markdown_text, search_fold)
from db.userdata import UserData

RLO = "\u202e"
HOSTILE = [
    '<span style="font-size:200px">X</span>', '<img src="/dev/zero">', '<a href="http://e/">a</a>',
    "[x](http://evil.example)", "![x](/etc/passwd)", "&lt;b&gt;", "*em* _em_ **b** `code`",
    "~~gone~~", "| a | b |", "# heading", "- item", "+ item", "1. item", "2) item", "> quote",
    "http://evil.example", "www.evil.example", "<http://evil>", "$x$", "a\\b", "<!-- c -->",
]


# ------------------------------------------------------------------ display
def test_bidi_overrides_cannot_make_a_name_display_as_another():
    # U+202E shows "Safe\u202egnp.exe" as "Safeexe.png": the control is gone, the letters stay.
    assert display_text(f"Safe{RLO}gnp.exe") == "Safegnp.exe"
    for c in BIDI_CONTROLS:
        assert c not in display_text(f"a{c}b{c}c")
    # Right-to-left script is isolated, so it cannot reorder our words around it.
    shown = display_text("שלום 12")
    assert shown == f"{FSI}שלום 12{PDI}"
    assert display_text("Plain name") == "Plain name"


def test_controls_and_line_breaks():
    assert display_text("Nul\x00Byte") == "NulByte"
    assert display_text("one\ntwo\r\nthree\tfour") == "one two three four"
    assert display_text("one\r\ntwo\u2028three", multiline=True) == "one\ntwo\nthree"
    assert display_text(None) == "" and display_text(12) == "12"
    assert clean_text(f"a\x00{RLO}b\nc") == "ab\nc"


def test_long_text_is_elided_at_a_cost_that_does_not_grow_with_it():
    long = "x" * 300_000
    assert display_text(long, 300) == "x" * 299 + "…"
    assert len(display_text(long, 20_000)) == 20_000
    # A 1 MB field costs no more than a 1 kB one (only a bounded prefix is looked at).
    huge = ("word " * 200_000) + "\x00"
    t0 = time.perf_counter()
    for _ in range(100):
        display_text(huge, 300)
    assert time.perf_counter() - t0 < 1.0


def test_breakable_lets_a_label_wrap_a_long_run():
    text = breakable("Longname " + "x" * 100)
    assert all(len(run) <= 40 for run in re.split(r"[\s\u200b]", text))
    assert text.replace(ZWSP, "") == "Longname " + "x" * 100
    assert breakable("Short name") == "Short name"


# ----------------------------------------------------------------- Markdown
@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_is_inert(text):
    out = markdown_text(text)
    assert "\n" not in out
    # Every character that Markdown or its HTML could read as syntax is escaped...
    for m in re.finditer(r"[\[\]<>!`*_|~&$\\]", out):
        start = m.start()
        backslashes = len(out[:start]) - len(out[:start].rstrip("\\"))
        assert backslashes % 2 == 1 or out[start] == "\\", (text, out)
    assert not re.match(r"\s*([-+#>](\s|$)|[-=]+\s*$|\d+[.)])", out), out  # no block marker
    assert not re.search(r"(?<!\\):(?=//)|www\.", out, re.I)       # no address to link
    # ... and unescaping gives the text back.
    assert re.sub(r"\\(.)", r"\1", out) == text


def test_plan_markdown_keeps_links_and_pictures_inert(expo_copy, tmp_path):
    conn = sqlite3.connect(expo_copy)
    with conn:
        conn.execute("UPDATE exhibitors SET name = ?, name_zh = ? WHERE slug = 'sicarrier'",
                     ("[x](http://evil.example) ![x](/etc/passwd) <img src=x>", f"新{RLO}凯来"))
    conn.close()
    user = UserData(tmp_path / "u.sqlite")
    try:
        with open_expo(expo_copy, readonly=True) as expo:
            slug = expo.meta()["slug"]
            user.set_favourite(slug, "exhibitor", "sicarrier", True)
            user.save_note(slug, "exhibitor", "sicarrier",
                           "see ![p](/etc/passwd)\n1. first\n# not a heading")
            plan = collect_plan(expo, user, slug)
            md = plan_markdown(plan)
            rows = plan_rows(plan)
    finally:
        user.close()
    assert "](" not in md.replace("\\](", "") and "![" not in md.replace("\\!\\[", "")
    assert not re.search(r"(?<!\\)<", md) and RLO not in md
    assert "\\[x\\](http\\://evil.example) \\!\\[x\\](/etc/passwd) \\<img src=x\\>" in md
    assert "> 1\\. first" in md and "> \\# not a heading" in md
    assert not any(RLO in str(cell) for row in rows for cell in (safe_cell(v) for v in row))


def test_csv_cells_drop_bidi_controls_and_still_guard_formulas(expo_copy, tmp_path):
    assert safe_cell(f"{RLO}=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert safe_cell("a\x00b") == "ab"
    conn = sqlite3.connect(expo_copy)
    with conn:
        conn.execute("UPDATE exhibitors SET name = ? WHERE slug = 'merck'", (f"Safe{RLO}gnp.exe",))
    conn.close()
    with open_expo(expo_copy, readonly=True) as expo:
        out = export_csv(expo, tmp_path / "out.csv")
    with open(out, encoding="utf-8", newline="") as fh:
        names = [r["company"] for r in csv.DictReader(fh)]
    assert "Safegnp.exe" in names and not any(RLO in n for n in names)


# ------------------------------------------------------------------ search
def test_search_fold_ignores_invisible_characters():
    assert search_fold(f"Quiet{ZWSP}Tool") == search_fold("QuietTool") == "quiettool"
    for c in ZERO_WIDTH + BIDI_CONTROLS:
        assert search_fold(f"ab{c}cd") == "abcd", hex(ord(c))
    assert query_terms(f"Plain{ZWSP}view") == ["plainview"]


def test_zero_width_characters_do_not_break_search(expo_copy):
    """A name with a zero-width space inside a word is found by typing the word without it,
    and a plain name is found by a query that has one (pasted from somewhere)."""
    conn = sqlite3.connect(expo_copy)
    with conn:
        conn.execute("UPDATE exhibitors SET name = ? WHERE slug = 'merck'",
                     (f"Quiet{ZWSP}Tool Systems",))
        conn.execute("UPDATE exhibitors SET name = ? WHERE slug = 'edwards'",
                     (f"Plainview{ZERO_WIDTH[-3]} Labs",))   # a soft hyphen at the end
        conn.execute("UPDATE exhibitors SET name = ? WHERE slug = 'hisilicon'",
                     (f"Mirror{RLO}Works",))
        rebuild_index(conn)
    conn.close()
    with open_expo(expo_copy, readonly=True) as expo:
        def found(q):
            return [h.id for h in expo.search(q) if h.kind == "exhibitor"]
        assert "merck" in found("QuietTool")
        assert "merck" in found("quiettool systems")
        assert "merck" in found("Quiet\u200dTool")            # a joiner typed or pasted
        assert found("QuietTool")[0] == "merck"             # and ranked as the name it is
        assert "edwards" in found(f"Plain{ZWSP}view")
        assert "edwards" in found(f"\ufeffPlainview Labs")
        assert "hisilicon" in found("MirrorWorks")
        assert "hisilicon" in found(f"Mirror{RLO}Works")
