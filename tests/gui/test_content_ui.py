"""Every statement on screen exactly as strong as its source (issue 16, the window's side).

The rules of ``db.content`` hold on every surface of the window, not only in the exports:

- every booth code the window shows on the built-in expo (a schematic layout) carries
  "(schematic)" beside it: the details of every exhibitor and of a neutral booth, the
  notes' heading, the directory, the search's hits, the floor plan's tooltips and the
  spoken focus text, My plan (list, start, summary, printed sheet) and the products view;
- every date is shown at its precision: the timeline's tooltips, the Policy view's
  headings and event lists, the Sources view, the details' linked events, the status bar;
- a fact that is not high confidence carries its quiet note ("medium confidence: …") in
  the details and the Policy view, every such fact and only those.

Each walk is shown able to fail: a surface planted without the mark, a date shown as its
stored day, a note dropped or added.
"""
from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from db import content
from db.dates import format_date, iso_date
from db.views import confidence_for

EXPO = "wesemibay-2025"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _plain(rich: str) -> str:
    """The text a reader sees of a rich-text string (a tooltip, a printed sheet)."""
    doc = QTextDocument()
    doc.setHtml(rich)
    return doc.toPlainText()


def _neutral_booth(window) -> str:
    d = window.scene.data
    return next(code for code, occ in zip(d.codes, d.occupants) if not occ)


# ---------------------------------------------------------------- booth codes
def booth_surfaces(window) -> dict[str, str]:
    """Every text of the window that can show a booth code, by where it is shown."""
    out: dict[str, str] = {}
    d = window.detail
    expo = window.expo
    for row in expo.exhibitor_rows():
        slug = row["slug"]
        assert window.selection.select("exhibitor", slug)
        out[f"details of {slug}"] = "\n".join(
            [d.title.text(), d.info.toPlainText(), d.products.toPlainText(),
             d.policy.toPlainText()])
    neutral = _neutral_booth(window)
    assert window.selection.select("booth", neutral)
    out["neutral booth's details"] = d.title.text() + "\n" + d.info.toPlainText()
    out["neutral booth's note heading"] = d.note_about.itemText(0)

    model = window.search.model
    booth_col = model.COLUMNS.index("booths")
    header = model.headerData(booth_col, Qt.Orientation.Horizontal)
    # The directory shows bare codes (they sort and copy as codes) under a marked header:
    # a cell counts as marked when its column's header is.
    cells = []
    for r in range(model.rowCount()):
        idx = model.index(r, booth_col)
        shown = idx.data() or ""
        if shown and shown != model.NO_BOOTH:
            cells.append(shown + (" (schematic)" if "(schematic)" in header else ""))
        cells.append(_plain(idx.data(Qt.ItemDataRole.ToolTipRole) or ""))
    out["directory"] = "\n".join(cells)

    window.search.box.setText("SiCarrier")
    window.search._timer.stop()          # searched here, on this thread
    window.search.run_search()
    res = window.search.results
    out["search hits"] = "\n".join(
        res.topLevelItem(i).child(j).text(0) for i in range(res.topLevelItemCount())
        for j in range(res.topLevelItem(i).childCount()))

    scene = window.scene
    out["floor plan tooltips"] = "\n".join(
        scene.booth_tooltip(i) for i in range(len(scene.data.codes)))
    focus = scene.data.by_code[expo.booths_of("sicarrier")[0]]
    window.view.set_focus_booth(focus, reveal=False)
    out["spoken focus text"] = window.view.accessibleDescription()

    user = window.user
    for slug in ("sicarrier", "merck", "qiyunfang"):
        user.set_favourite(EXPO, "exhibitor", slug, True)
    user.set_favourite(EXPO, "booth", neutral, True)
    plan = window.plan
    plan.set_start(expo.booths_of("merck")[0])
    plan.refresh(need_route=True)
    out["My plan"] = "\n".join(
        [plan.list.item(i).text() for i in range(plan.list.count())]
        + [plan.start_box.itemText(i) for i in range(plan.start_box.count())]
        + [plan.summary_text()])
    out["printed route sheet"] = _plain(plan.sheet_html(None))

    products = window.products
    texts = []
    for p in expo.products_of("sicarrier") + expo.products_of("pneumatic-tools-maker"):
        products.show_product(p["slug"])
        texts.append(products.view.text.toPlainText())
    out["products view"] = "\n".join(texts)
    return out


def unmarked(window) -> dict[str, list[str]]:
    codes = window.scene.data.codes
    found = {}
    for where, text in booth_surfaces(window).items():
        lines = content.unmarked_in_text(text, codes)
        if lines:
            found[where] = lines
    return found


def test_every_booth_code_on_screen_is_marked_schematic(window):
    surfaces = booth_surfaces(window)
    # The walk reaches the codes it claims to check (a walk of empty texts proves nothing).
    for where in ("details of sicarrier", "neutral booth's details", "directory",
                  "search hits", "floor plan tooltips", "spoken focus text", "My plan",
                  "printed route sheet", "products view"):
        assert "1C09 (schematic)" in surfaces[where] or \
            _neutral_booth(window) + " (schematic)" in surfaces[where], where
    assert unmarked(window) == {}
    header = window.search.model.headerData(1, Qt.Orientation.Horizontal)
    assert header == "Booth\n(schematic)"
    # The window writes the mark as the exports and the command line do.
    from desktop.richtext import booth_text
    assert booth_text("1C09", "schematic") == content.mark_booth("1C09", "schematic")
    assert booth_text("1C09", None) == "1C09"      # an organiser's plan: no mark


@pytest.mark.parametrize("module, name, where", [
    ("desktop.panels.detail", "booths_text", "details of sicarrier"),
    ("desktop.panels.detail", "booth_text", "neutral booth's details"),
    ("desktop.floorplan.scene", "booth_text", "floor plan tooltips"),
    ("desktop.panels.plan", "booth_text", "My plan"),
    ("desktop.panels.products", "booths_text", "products view"),
    ("desktop.panels.search", "booths_text", "search hits"),
    ("desktop.models.exhibitors", "booths_text", "directory"),
])
def test_a_surface_planted_without_the_mark_fails_the_walk(window, monkeypatch, module, name,
                                                           where):
    import importlib
    bare = (lambda codes, _layout: ", ".join(codes)) if name == "booths_text" \
        else (lambda code, _layout: code)
    monkeypatch.setattr(importlib.import_module(module), name, bare)
    assert where in unmarked(window)


def test_the_directory_header_unmarked_fails_the_walk(window):
    model = window.search.model
    model._headers = tuple(h.split("\n")[0] for h in model._headers)
    assert "directory" in unmarked(window)


def test_an_exhibitor_no_source_places_says_so(window):
    model = window.search.model
    for slug in ("qiyunfang", "longgang-pavilion"):
        assert window.expo.booths_of(slug) == []
        window.selection.select("exhibitor", slug)
        assert "Booth\nnone: no source places it" in window.detail.info.toPlainText()
        idx = model.index(model.row_of(slug), model.COLUMNS.index("booths"))
        assert idx.data() == "—"
        assert "No booth: no source places it" in idx.data(Qt.ItemDataRole.ToolTipRole)


# ---------------------------------------------------------------------- dates
def overprecise(text: str, events: list[dict]) -> list[str]:
    """Forms of a month- or year-precise event date that say more than is known: its
    stored day ("2014-01-01", "1 January 2014") where only "2014" is known."""
    bad = []
    for ev in events:
        if ev["date_precision"] == "day":
            continue
        for form in (ev["date"], format_date(ev["date"], "day")):
            if re.search(r"(?<![\d-])" + re.escape(form) + r"(?![\d-])", text):
                bad.append(f"{ev['slug']}: {form}")
    return bad


def date_surfaces(window) -> dict[str, str]:
    out: dict[str, str] = {"status bar": window.statusBar().currentMessage()}   # at start
    expo = window.expo
    tl = window.policy.timeline
    out["timeline tooltips"] = "\n".join(_plain(it.toolTip()) for it in tl.items.values())
    for t in expo.topics():
        window.open_policy("topic", t["slug"])
        out[f"topic {t['slug']}"] = window.policy.text.toPlainText()
    for e in expo.events():
        window.open_policy("event", e["slug"])
        out[f"event {e['slug']}"] = window.policy.text.toPlainText()
    tree = window.sources.tree
    out["Sources view"] = "\n".join(tree.topLevelItem(i).text(2)
                                    for i in range(tree.topLevelItemCount()))
    for row in expo.exhibitor_rows():
        window.selection.select("exhibitor", row["slug"])
        out[f"details of {row['slug']}"] = window.detail.policy.toPlainText() + \
            window.detail.info.toPlainText()
    return out


def test_dates_are_shown_at_their_precision_everywhere(window):
    expo = window.expo
    events = expo.events()
    precisions = {e["date_precision"] for e in events}
    assert {"day", "month", "year"} <= precisions        # the expo has all three
    surfaces = date_surfaces(window)
    assert {k: v for k, v in ((w, overprecise(t, events)) for w, t in surfaces.items()) if v} \
        == {}
    # Each date as a reader writes it, at its precision:
    tl = window.policy.timeline
    for e in events:
        when = format_date(e["date"], e["date_precision"])
        assert _plain(tl.items[e["slug"]].toolTip()).startswith(f"{when} — "), e["slug"]
        assert f"\n{when} · " in "\n" + surfaces[f"event {e['slug']}"], e["slug"]
    assert _plain(tl.items["big-fund-i"].toolTip()).startswith("2014 — ")
    assert "2014 · Big Fund I launched" in surfaces["topic china-chip-funds"]
    assert "Event: Crowds and a flag at SiCarrier's booth (October 2025)" in \
        surfaces["details of sicarrier"]
    tree = window.sources.tree
    from db.views import citations
    for i, (s, _refs) in enumerate(citations(expo)):
        assert tree.topLevelItem(i).text(2) == (
            format_date(s["date"], s["date_precision"]) if s.get("date") else "undated")
    assert "opened 15 October 2025" in surfaces["status bar"]


def test_a_date_shown_as_its_stored_day_fails_the_walk(window, monkeypatch):
    import desktop.panels.policy as policy
    # A surface that forgets the precision: the timeline shows the stored day.
    monkeypatch.setattr(policy, "date_text", lambda value, precision=None: iso_date(value))
    tl = policy.TimelineView(window.expo.events())
    bad = overprecise("\n".join(_plain(it.toolTip()) for it in tl.items.values()),
                      window.expo.events())
    assert "big-fund-i: 2014-01-01" in bad
    assert "zhang-hengming-at-sicarrier-booth: 2025-10-01" in bad
    tl.deleteLater()


def test_dates_follow_the_interface_language(window):
    from desktop.richtext import date_text
    from PySide6.QtCore import QLocale
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    assert date_text("2025-10-01", "month") == "Oktober 2025"
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    assert date_text("2025-10-01", "month") == "2025年10月"
    assert date_text("2014-01-01", "year") == "2014年"


# ------------------------------------------------------------------ confidence
NOTE = "medium confidence: "


def expected_notes(view) -> dict[str, list[str]]:
    """The notes each tab of the details must show: one per medium record it shows."""
    def note(kind, ref):
        label = view.confidence_of(kind, ref)
        return [NOTE + label["basis"]] if label and label["level"] == "medium" else []
    ex = view.exhibitor
    info = note("exhibitor", view.slug) if ex.get("summary") else []
    for p in view.people:
        info += note("person", p["slug"])
        for q in p["quotes"]:
            info += note("quote", q["id"])
    products = [n for p in view.products if p.get("summary") for n in note("product", p["slug"])]
    policy = []
    for ln in view.links:
        policy += note("link", ln["id"])
        if (ln["target"] or {}).get("summary"):
            policy += note(ln["to_kind"], ln["to_slug"])
    return {"info": info, "products": products, "policy": policy}


def shown_notes(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(NOTE)]


def test_every_medium_fact_in_the_details_carries_its_note_and_only_those(window):
    d = window.detail
    total = 0
    for row in window.expo.exhibitor_rows():
        window.selection.select("exhibitor", row["slug"])
        want = expected_notes(d.view)
        for tab, notes in want.items():
            assert shown_notes(getattr(d, tab).toPlainText()) == notes, (row["slug"], tab)
            total += len(notes)
    assert total >= 20          # the built-in expo has medium exhibitors, products, links…
    window.selection.select("exhibitor", "qiyunfang")
    assert "medium confidence: one foreign-language report" in d.info.toPlainText()
    window.selection.select("exhibitor", "merck")     # high: no note at all
    assert "confidence" not in d.info.toPlainText()


def test_a_dropped_or_added_note_fails_the_walk(window, monkeypatch):
    import desktop.panels.detail as detail
    monkeypatch.setattr(detail, "confidence_html", lambda label: "")
    window.selection.select("exhibitor", "sicarrier")
    assert shown_notes(window.detail.info.toPlainText()) != expected_notes(window.detail.view)["info"]
    monkeypatch.setattr(detail, "confidence_html",
                        lambda label: f"<p>{NOTE}{label['basis'] if label else 'x'}</p>")
    window.selection.select("exhibitor", "merck")
    assert shown_notes(window.detail.info.toPlainText()) != expected_notes(window.detail.view)["info"]


def test_the_policy_view_and_the_expo_show_their_notes(window):
    expo = window.expo
    for kind, rows in (("topic", expo.topics()), ("event", expo.events())):
        for rec in rows:
            window.open_policy(kind, rec["slug"])
            target = window.selection.lit.target
            want = []
            for key in [(kind, rec["slug"])] + [("link", r["link"]) for r in target.linked]:
                label = target.confidence_of(*key)
                if label and label["level"] == "medium":
                    want.append(NOTE + label["basis"])
            assert shown_notes(window.policy.text.toPlainText()) == want, rec["slug"]
    window.selection.clear()
    meta = expo.meta()
    label = confidence_for(expo, [("expo", meta["slug"])])[("expo", meta["slug"])]
    assert label["level"] == "medium"
    assert NOTE + label["basis"] in window.detail.info.toPlainText()


def test_a_file_without_labels_shows_no_note(qtbot, tmp_path, user):
    """An expo file that labels nothing (here the built-in expo as version 2 wrote it)
    shows no confidence note and no "no source places it"."""
    from db.expo import open_expo
    from desktop.main_window import MainWindow
    path = tmp_path / "v2.sqlite"
    shutil.copyfile(FIXTURES / "expo-v2.sqlite", path)
    expo = open_expo(path)
    try:
        win = MainWindow(expo, user, settings=None)
        qtbot.addWidget(win)
        for row in expo.exhibitor_rows():
            win.selection.select("exhibitor", row["slug"])
            text = "\n".join(b.toPlainText() for b in (win.detail.info, win.detail.products,
                                                      win.detail.policy))
            assert "confidence" not in text, row["slug"]
            assert "no source places it" not in text
        win.close()
    finally:
        expo.close()


# ------------------------------------------------- names and product lines
def test_chinese_names_carry_their_note_and_product_lines_are_labelled(window):
    d = window.detail
    window.selection.select("exhibitor", "sicarrier")
    products = d.products.toPlainText()
    for p in window.expo.products_of("sicarrier"):
        assert p["shown_at_expo"] == 0 and p["name_zh_note"]
    assert products.count("Our rendering of the mountain's Chinese name") == 5
    assert products.count("The company's product line; not reported as shown at this expo") == 5
    window.products.show_product("sicarrier-emei")
    text = window.products.view.text.toPlainText()
    assert "峨眉" in text and "Our rendering of the mountain's Chinese name" in text
    assert "The company's product line; not reported as shown at this expo" in text
    assert "medium confidence: trade press" in text
    model = window.products.model            # the products table says it in its tooltips
    row = model.row_of("sicarrier-emei")
    assert "not reported as shown at this expo" in _plain(
        model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole))
    assert "Our rendering of the mountain's Chinese name" in _plain(
        model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole))
    row = model.row_of("pneumatic-precision-tools")
    assert "product line" not in _plain(model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole))
    window.products.show_product("pneumatic-precision-tools")      # shown at the expo
    assert "product line" not in window.products.view.text.toPlainText()
    window.selection.select("exhibitor", "qiyunfang")
    assert "not confirmed by a cited source" in d.info.toPlainText()
    # The Policy view names the product line a link comes from, labelled as such.
    window.open_policy("topic", "us-equipment-controls")
    text = window.policy.text.toPlainText()
    assert "Exhibitors and products it concerns" in text
    assert "SiCarrier · Emei epitaxy tools (product line; not reported as shown at this " \
           "expo)" in html.unescape(text)
