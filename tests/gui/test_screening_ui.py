"""The screening list in the window, driven as a user drives it.

Lists are written in the official layouts (``db.screening.synthetic.write_list``: the CSV
and JSON of consolidated.csv/.json) and loaded through File ▸ Load screening list…, with
the file dialog answered by a path; the loader, the store and the user file are the real
ones. The real 2026 entries (``tests/screening_files.py``) are loaded too where the shared
test data is on this machine.
"""
from __future__ import annotations

import csv
import hashlib
import re
import shutil

import pypdf
import pytest
from PySide6.QtCore import QDate, QRectF, Qt, QUrl
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QFileDialog

from db.connection import trace_statements
from db.screening import OFFICIAL_PAGE, ScreeningStore, load_and_screen
from db.screening.synthetic import write_list
from db.userdata import UserData
from screening_files import PROJECTION_2026, el_record, need, official_json_from_projection

EXPO = "wesemibay-2025"
EL = "Entity List (EL) - Bureau of Industry and Security"
SIC = el_record("Shenzhen SiCarrier Technologies Co., Ltd.",
                ["Shenzhen Xinkailai Technology Co., Ltd.", "Xinkailai", "SICarrier"])
# HiSilicon: a possible match (another HiSilicon firm); its entry cites the rule of 7 October
# 2022 (87 FR 62186), which a source of that event in the built-in expo carries.
SHANGHAI_HISI = el_record("Shanghai HiSilicon Technologies Co., Ltd.", fr="84 FR 43495; 87 FR 62186")
# Near misses for Pengjin Hi-Tech (鹏进): other Shenzhen firms sharing a syllable.
NEAR = [el_record("Shenzhen Pengxinxu Technology Co., Ltd.", ["Peng Xin Xu", "PST"]),
        el_record("PXW Semiconductor Manufactory Co., Ltd.", ["Peng Chip"],
                  fr="87 FR 77505; 89 FR 96837")]
OLD = [SIC, SHANGHAI_HISI] + NEAR
NEW = [dict(SIC, license_policy="Presumption of denial; case-by-case for 3B001 items"),
       SHANGHAI_HISI,
       el_record("Shenzhen Xinkailai Industrial Machinery Co., Ltd.")] + NEAR[:1]


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def store_of(window) -> ScreeningStore:
    return ScreeningStore.in_dir(window.user.path.parent)


def load_through_menu(window, qtbot, monkeypatch, path, stated: str | None = None):
    """File ▸ Load screening list…, the file dialog answered with ``path``, then Load."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.screening.load_action.trigger()
    dlg = window.screening.dialog
    qtbot.waitExposed(dlg)
    qtbot.mouseClick(dlg.choose_button, Qt.MouseButton.LeftButton)
    assert dlg.path.text() == str(path)
    if stated:
        assert not dlg.date_row.isHidden()        # the file gives no date: it is asked for
        dlg.state_date.setChecked(True)
        dlg.date.setDate(QDate.fromString(stated, "yyyy-MM-dd"))
    assert dlg.load_button.isEnabled()
    qtbot.mouseClick(dlg.load_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.result is not None or dlg.failure is not None, timeout=15000)
    qtbot.waitUntil(lambda: not window.screening.state.running(), timeout=15000)
    return dlg


def details(window, slug) -> str:
    assert window.selection.select("exhibitor", slug)
    return window.detail.info.toPlainText()


@pytest.fixture
def loaded(window, qtbot, monkeypatch, tmp_path):
    path = write_list(tmp_path / "consolidated.csv", OLD)
    dlg = load_through_menu(window, qtbot, monkeypatch, path, stated="2025-01-01")
    assert dlg.result is not None, dlg.failure
    dlg.close()
    return window


def test_load_through_the_menu_says_where_the_list_is_and_how_it_is_dated(
        window, qtbot, monkeypatch, tmp_path):
    assert not window.screening.marks_action.isEnabled()       # nothing to mark yet
    path = write_list(tmp_path / "consolidated.csv", OLD)
    dlg = load_through_menu(window, qtbot, monkeypatch, path, stated="2025-01-01")
    assert f"from {OFFICIAL_PAGE} and choose it below." in dlg.where.text()
    assert "never downloads" in dlg.where.text() and "dated" in dlg.where.text()
    assert "does not say when the list was made" in dlg.date_note.text()
    summary = dlg.summary.toPlainText()
    assert "Stored consolidated.csv as your screening list: the list of 1 January 2025, " \
           "dated by the date you gave when loading it." in summary
    n = len(window.expo.exhibitor_rows())
    assert f"WeSemiBay Semiconductor Ecosystem Expo: {n} exhibitors screened: 1 with a match, " \
           f"1 with a possible match to check, {n - 2} with no entry found in the list of " \
           "1 January 2025." in summary
    assert "A list match is a lead for a compliance check, not a determination" in summary
    info = store_of(window).info()
    assert (info["list_date"], info["date_basis"], info["sha256"]) == (
        "2025-01-01", "stated", sha(path))
    assert "Stored now. Your copy of the U.S. Consolidated Screening List (consolidated.csv, 4 " \
           "entries), dated 1 January 2025 by the date you gave when loading it." \
        in dlg.stored.text()
    assert window.screening.marks_action.isEnabled()


def test_a_json_list_is_dated_by_itself(window, qtbot, monkeypatch, tmp_path):
    path = write_list(tmp_path / "consolidated.json", OLD, layout="json",
                      search_performed_at="2026-07-31T13:15:00+00:00")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.screening.load_action.trigger()
    dlg = window.screening.dialog
    qtbot.mouseClick(dlg.choose_button, Qt.MouseButton.LeftButton)
    assert dlg.date_row.isHidden()
    assert dlg.date_note.text() == ("This file gives its own date: 31 July 2026 "
                                    "(search_performed_at); that date is used.")
    qtbot.mouseClick(dlg.load_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.result is not None or dlg.failure is not None, timeout=15000)
    assert "the list of 31 July 2026, dated by the date the file gives (search_performed_at)" \
        in dlg.summary.toPlainText()


def test_badge_says_match_possible_and_none_with_the_lists_date(loaded):
    window = loaded
    sic = details(window, "sicarrier")
    assert "■ Match on the U.S. screening list" in sic
    assert "Shenzhen SiCarrier Technologies Co., Ltd. — " + EL in sic
    assert "Federal Register: 89 FR 96837" in sic
    assert "Licence requirement: For all items subject to the EAR. (See §744.11 of the EAR)" \
        in sic
    assert "Licence policy: Presumption of denial." in sic
    assert "From your copy of the U.S. screening list of 1 January 2025: a lead for a " \
           "compliance check, not a determination." in sic
    assert OFFICIAL_PAGE in sic
    # The built-in sourced facts stay, with their own date: the list does not replace them.
    assert "According to a copy of the U.S. Consolidated Screening List generated on 31 July " \
           "2026" in sic
    assert sic.index("Match on the U.S. screening list") < sic.index("Government-backed")
    assert "Matched\n“SiCarrier” matches “SICarrier”, one of the entry's other names; " \
           "“Xinkailai” matches “Xinkailai”, one of the entry's other names" in sic
    assert "Listed since\n5 December 2024" in sic

    hisi = details(window, "hisilicon")
    assert "▲ Possible match: check" in hisi
    assert "Possible match, to check — Shanghai HiSilicon Technologies Co., Ltd." in hisi
    assert "similar distinctive words, score 1.00: check" in hisi
    assert "Review: confirm or clear this possible match…" in hisi
    # Policy context: the expo's event whose source carries the same citation, dated.
    assert "Policy context (the expo's records citing the same notice):\nEvent: First US rules " \
           "on advanced chips and chipmaking tools (7 October 2022) — 87 FR 62186\nWhy it " \
           "matters: The US Bureau of Industry and Security issued an interim rule" in hisi
    assert "as the list writes it" not in hisi

    amat = details(window, "applied-materials")
    assert "No entry found in the list of 1 January 2025" in amat
    assert "names screened: Applied Materials" in amat
    assert "it is not a clearance" in amat
    for text in (sic, hisi, amat):
        assert "not listed" not in text.lower()


def test_a_cited_event_opens_in_the_policy_view(loaded):
    window = loaded
    details(window, "hisilicon")
    hrefs = re.findall(r"href=\"(screening:event:[^\"]+)\"", window.detail.info.toHtml())
    assert hrefs == ["screening:event:bis-rule-2022-10-07"]
    window.detail.info.anchorClicked.emit(QUrl(hrefs[0]))     # as a click on the link does
    assert window.policy.current == ("event", "bis-rule-2022-10-07")
    assert "First US rules on advanced chips" in window.policy.text.toPlainText()


def test_the_lists_words_stay_plain_text(window, qtbot, monkeypatch, tmp_path):
    odd = dict(SIC, license_policy="Presumption of <b>denial</b> & <a href='x'>more</a>",
               alt_names=SIC["alt_names"] + ["<i>Xinkailai</i> Group"])
    dlg = load_through_menu(window, qtbot, monkeypatch,
                            write_list(tmp_path / "consolidated.csv", [odd]), "2025-01-01")
    assert dlg.result is not None, dlg.failure
    text = details(window, "sicarrier")
    assert "Licence policy: Presumption of <b>denial</b> & <a href='x'>more</a>" in text
    assert "<i>Xinkailai</i> Group" in text


def test_near_miss_names_stay_none_on_screen(loaded):
    window = loaded
    text = details(window, "pengjin-hi-tech")
    assert "No entry found in the list of 1 January 2025" in text
    assert "Pengxinxu" not in text.split("U.S. screening list")[-1].split("names")[0]
    model = window.search.model
    row = model.row_of("pengjin-hi-tech")
    assert model.screening_of(row) == ("none", None)


def test_directory_column_and_filter(loaded, qtbot):
    window = loaded
    search = window.search
    model, proxy = search.model, search.proxy
    col = model.COLUMNS.index("screening")
    assert not search.table.isColumnHidden(col)
    assert model.headerData(col, Qt.Orientation.Horizontal) == "U.S. list"
    # The new column and the country codes beside it take only the room of their words.
    window.resize(1280, 720)
    qtbot.wait(50)
    header = search.table.horizontalHeader()
    fm = header.fontMetrics()
    country = model.COLUMNS.index("country")
    assert header.sectionSize(col) <= 14 + fm.horizontalAdvance("none found")
    assert header.sectionSize(country) <= 14 + fm.horizontalAdvance("Country")
    assert header.sectionSize(0) > fm.horizontalAdvance("Exhibitor") + 20

    def cell(slug):
        return model.index(model.row_of(slug), col).data()
    assert (cell("sicarrier"), cell("hisilicon"), cell("applied-materials")) == (
        "match", "possible", "none found")
    assert "No entry found in the list of 1 January 2025" in model.index(
        model.row_of("merck"), col).data(Qt.ItemDataRole.ToolTipRole)

    def shown():
        return {proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1)
                for r in range(proxy.rowCount())}
    filt = search.screen_filter
    assert filt.isVisibleTo(search)
    filt.setCurrentIndex(filt.findData("listed"))
    assert shown() == {"sicarrier"}
    filt.setCurrentIndex(filt.findData("possible"))
    assert shown() == {"hisilicon"}
    filt.setCurrentIndex(filt.findData("none"))
    assert "sicarrier" not in shown() and "pengjin-hi-tech" in shown()
    assert len(shown()) == model.rowCount() - 2
    filt.setCurrentIndex(0)
    assert proxy.rowCount() == model.rowCount()
    search.table.sortByColumn(col, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) for r in range(2)] == [
        "sicarrier", "hisilicon"]


def test_the_column_is_hidden_without_a_list(window):
    col = window.search.model.COLUMNS.index("screening")
    assert window.search.table.isColumnHidden(col)
    assert window.search.screen_filter.isHidden()
    assert window.search.model.index(0, col).data() is None
    assert "screening list" not in window.detail.info.toPlainText()


def test_a_reviewers_decision_survives_a_newer_list(loaded, qtbot, monkeypatch, tmp_path):
    window = loaded
    details(window, "hisilicon")
    badge = window.screening.badge
    assert badge.link("screening:review:0", window.detail.view)
    dlg = badge.review_dialog
    qtbot.waitExposed(dlg)
    assert not dlg.save_button.isEnabled()          # a decision must be chosen
    dlg.clear.setChecked(True)
    dlg.note.setPlainText("A Shanghai subsidiary; the exhibitor is the Shenzhen parent")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.result() == dlg.DialogCode.Accepted
    text = window.detail.info.toPlainText()
    assert "Possible match, cleared by a reviewer" in text
    assert "Cleared by a reviewer on " in text and "(against the list of 1 January 2025): " \
        "A Shanghai subsidiary; the exhibitor is the Shenzhen parent" in text
    model = window.search.model
    col = model.COLUMNS.index("screening")
    assert model.index(model.row_of("hisilicon"), col).data() == "cleared"

    newer = write_list(tmp_path / "consolidated.json", NEW, layout="json",
                       search_performed_at="2025-06-01T08:00:00Z")
    dlg = load_through_menu(window, qtbot, monkeypatch, newer)
    summary = dlg.summary.toPlainText()
    assert "It replaces the list of 1 January 2025." in summary
    assert "What changed since the list of 1 January 2025: matches added: 1, removed: 0, " \
           "changed: 1." in summary
    assert "added: SiCarrier: Shenzhen Xinkailai Industrial Machinery Co., Ltd. [EL]" in summary
    assert "changed: SiCarrier: Shenzhen SiCarrier Technologies Co., Ltd. [EL] " \
           "(licence policy)" in summary
    text = details(window, "hisilicon")
    assert "Possible match, cleared by a reviewer" in text
    assert "A Shanghai subsidiary" in text and "(against the list of 1 January 2025)" in text
    assert model.index(model.row_of("hisilicon"), col).data() == "cleared"
    assert "From your copy of the U.S. screening list of 1 June 2025" in \
        details(window, "sicarrier")
    # In the user file, where notes live; none in the store.
    assert store_of(window).decisions(EXPO) == {}
    (decision,) = window.user.screening_decisions(EXPO).values()
    assert (decision["decision"], decision["list_date"]) == ("cleared", "2025-01-01")


def test_a_bad_file_changes_nothing(loaded, qtbot, monkeypatch, tmp_path):
    window = loaded
    store = store_of(window).path
    before = store.read_bytes()
    good = write_list(tmp_path / "good.csv", NEW).read_text(encoding="utf-8")
    cut = tmp_path / "consolidated-cut.csv"
    cut.write_text(good[:good.rindex('"Presumption')] + '"Presump', encoding="utf-8")
    dlg = load_through_menu(window, qtbot, monkeypatch, cut, stated="2025-06-01")
    assert dlg.result is None
    assert dlg.failure.startswith(f"{cut}: line ") and "\n" not in dlg.failure
    assert dlg.status.text().startswith("Not loaded: ")
    assert dlg.status.text().endswith("Nothing was changed.")
    assert store.read_bytes() == before
    assert "list of 1 January 2025" in details(window, "sicarrier")
    for junk in (b"\x00\x01 not a list", b'{"results": [{"name": "x"'):
        bad = tmp_path / "junk.json"
        bad.write_bytes(junk)
        dlg = load_through_menu(window, qtbot, monkeypatch, bad)
        assert dlg.failure is not None and dlg.failure.startswith(str(bad))
        assert store.read_bytes() == before


def _booth_picture(window, code: str) -> QImage:
    scene = window.scene
    i = scene.data.by_code[code]
    x, y, w, h = scene.data.rects[i]
    src = QRectF(x - 0.5, y - 0.5, w + 1, h + 1)
    img = QImage(120, int(120 * src.height() / src.width()), QImage.Format.Format_ARGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    scene.render(p, QRectF(0, 0, img.width(), img.height()), src)
    p.end()
    return img


def _rows(img: QImage, hit) -> list[int]:
    """The rows of a booth's picture (away from its edges) with a pixel where ``hit``."""
    return [y for y in range(img.height()) if any(hit(x, y) for x in range(8, img.width() - 8))]


def test_plan_marks_booths_of_listed_exhibitors_when_asked(loaded, qtbot):
    window = loaded
    sic = window.expo.booths_of("sicarrier")[0]
    hisi = window.expo.booths_of("hisilicon")[0]
    amat = window.expo.booths_of("applied-materials")[0]
    before = {c: _booth_picture(window, c) for c in (sic, hisi, amat)}
    action = window.screening.marks_action
    assert action.isEnabled() and not action.isChecked()
    action.setChecked(True)
    marks = window.screening.marks
    assert marks.isVisible() and marks.counts == {"listed": 1, "possible": 1}
    key = window.screening.key
    assert key.isVisibleTo(window)
    assert key.text().startswith("Screening marks, your list of 1 January 2025: hatched = on") \
        and "dashed outline = possible match to check (1)" in key.text()
    window.scene.set_level(window.scene.booth_level[window.scene.data.by_code[sic]])
    after = {c: _booth_picture(window, c) for c in (sic, hisi, amat)}
    assert after[sic] != before[sic] and after[hisi] != before[hisi]
    assert after[sic] != after[hisi]                     # hatched vs dashed: not alike
    assert after[amat] == before[amat]                   # no entry found: no mark
    # The booth's code and name stay whole: the marks start below them.
    label_rows = _rows(before[sic], lambda x, y: QColor(before[sic].pixel(x, y)).lightness() < 90)
    marked_rows = _rows(after[sic], lambda x, y: after[sic].pixel(x, y) != before[sic].pixel(x, y))
    assert label_rows and marked_rows and max(label_rows) < min(marked_rows)
    action.setChecked(False)
    assert _booth_picture(window, sic) == before[sic]
    assert not key.isVisibleTo(window)


def test_sources_view_lists_the_list_and_its_date(loaded):
    window = loaded
    item = window.sources.tree.topLevelItem(0)
    assert item.text(0) == ("U.S. Consolidated Screening List: your copy (consolidated.csv, "
                            "4 entries) (2)")
    assert item.text(1) == "U.S. International Trade Administration"
    assert item.text(2) == "1 January 2025"
    assert item.text(4).startswith("Dated by the date you gave when loading it; loaded ")
    assert item.text(5) == OFFICIAL_PAGE
    assert [item.child(i).text(0) for i in range(item.childCount())] == [
        "exhibitor: SiCarrier — match", "exhibitor: HiSilicon — possible"]


def test_route_sheet_has_a_screening_section(loaded, tmp_path):
    window = loaded
    for slug in ("sicarrier", "applied-materials"):
        window.user.set_favourite(EXPO, "exhibitor", slug, True)
    window.plan.refresh(need_route=True)
    html = window.plan.sheet_html(None)
    assert "<h3>Screening</h3>" in html
    pdf = window.plan.export_pdf(tmp_path / "plan.pdf")
    text = " ".join(" ".join((page.extract_text() or "").split())
                    for page in pypdf.PdfReader(str(pdf)).pages)
    assert "Screening" in text
    assert "SiCarrier: Match on the U.S. screening list" in text
    assert "Applied Materials: No entry found in the list of 1 January 2025" in text
    assert "a lead for a compliance check, not a determination" in text
    # The plan's Markdown and CSV, written from the window, carry the same section.
    md = window.plan.export_markdown(tmp_path / "plan.md").read_text(encoding="utf-8")
    assert "## Screening" in md and "SiCarrier" in md.split("## Screening")[1]
    table = list(csv.reader(window.plan.export_csv(tmp_path / "plan.csv").read_text(
        encoding="utf-8").splitlines()))
    col = table[0].index("screening")
    assert "- SiCarrier: match\n  - match: Shenzhen SiCarrier Technologies Co., Ltd." in md
    assert "- Applied Materials: no entry found in the list of 2025-01-01" in md
    assert {r[5]: r[col] for r in table[1:3]} == {
        "SiCarrier": "match", "Applied Materials": "no entry found in the list of 2025-01-01"}
    assert table[-1][col - 1] == "screening list" and "not a determination" in table[-1][col]


def test_a_stored_list_is_screened_when_the_window_opens(qtbot, expo, tmp_path):
    """The list loaded earlier (here by the command line's loader): the directory and the
    badge follow once the expo is screened in the background; a click reads no more."""
    from desktop.main_window import MainWindow
    data = tmp_path / "data"
    load_and_screen(expo, ScreeningStore.in_dir(data),
                    write_list(tmp_path / "consolidated.csv", OLD), "2025-01-01")
    user = UserData(data / "user.sqlite")
    try:
        win = MainWindow(expo, user, settings=None)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitUntil(lambda: win.screening.state.screened, timeout=15000)
        model = win.search.model
        col = model.COLUMNS.index("screening")
        assert model.index(model.row_of("sicarrier"), col).data() == "match"
        with trace_statements() as log:
            assert "■ Match on the U.S. screening list" in details(win, "sicarrier")
        assert not [s for s in log.statements if "names n" in s or "entries" in s]
        win.close()
    finally:
        user.close()


def test_the_real_2026_entries_on_the_built_in_expo(window, qtbot, monkeypatch, tmp_path):
    path = official_json_from_projection(need(PROJECTION_2026), tmp_path / "consolidated.json")
    dlg = load_through_menu(window, qtbot, monkeypatch, path)
    assert dlg.result is not None, dlg.failure
    text = details(window, "sicarrier")
    assert "■ Match on the U.S. screening list" in text
    assert "Shenzhen SiCarrier Technologies Co., Ltd." in text
    assert "Possible match, to check — Shenzhen Xinkailai Industrial Machinery Co., Ltd." in text
    assert "list of 31 July 2026" in text
    # No event or topic of the built-in expo carries 89 FR 96837: none is inferred.
    assert "No event or topic of this expo cites 89 FR 96837" in text
    assert "No entry found in the list of 31 July 2026" in details(window, "pengjin-hi-tech")
