"""Whole translations: in Deutsch and 中文 every string the window shows is in the catalogue or
comes from the expo's data; zone and hall names come from the data in the language; tool
types, countries, chart labels, table headers, plurals and numbers follow the language."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, Qt

from db.countries import NAMES, country_name
from db.exporters import to_document

from .i18n_walk import Catalogue, data_strings, untranslated, visible_strings

EXPO = "wesemibay-2025"


def open_window(qapp, qtbot, expo, user, lang: str):
    from desktop.app import load_translation
    from desktop.main_window import MainWindow
    load_translation(qapp, lang)          # the autouse fixture removes it afterwards
    win = MainWindow(expo, user, settings=None)
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    for dock in (win.policy_dock, win.products_dock, win.sources_dock):
        dock.show()
    win.select_text("sicarrier")
    win.open_policy("topic", "us-equipment-controls")
    for slug in ("sicarrier", "merck"):
        user.toggle_favourite(EXPO, "exhibitor", slug)
    win._refresh_stars()
    win.plan.plan_best_route()
    qapp.processEvents()
    return win


def countries(lang: str) -> set[str]:
    return {country_name(c, lang) for c in NAMES}


@pytest.mark.parametrize("lang", ["de", "zh"])
def test_every_visible_string_is_translated_or_data(qapp, qtbot, expo, user, lang):
    win = open_window(qapp, qtbot, expo, user, lang)
    strings = visible_strings(win)
    bars = win.detail.market.bars
    strings += [("market chart", label) for _g, label, *_ in bars.rows()]
    strings += [("market chart", t) for t in bars.headings() + bars.share_texts()]
    assert len(strings) > 300                # the walk sees the whole window
    # Firms' names, the market's size and the figures' source come from the market data
    # (ETO), not the expo file: data too.
    firms = {label for g, label, *_ in bars.rows() if g == "firm"}
    ctx = expo.market_context("ald")
    market = data_strings({"m": [ctx.input_name, ctx.market_size, ctx.source_note,
                                 ctx.licence]}, lang)
    bad = untranslated(strings, Catalogue(lang), data_strings(to_document(expo), lang) | market,
                       countries(lang) | firms)
    assert bad == []


@pytest.mark.parametrize("lang", ["de", "zh"])
def test_help_dialogs_are_translated(qapp, qtbot, expo, user, lang):
    """About, the welcome and the keyboard shortcuts: the program's words in the catalogue;
    components, versions and their licences are names (from the packages' metadata)."""
    from desktop.help.about import licence_rows, show_about
    from desktop.help.shortcuts import show_shortcuts
    from desktop.help.welcome import show_welcome
    win = open_window(qapp, qtbot, expo, user, lang)
    names = set()
    for row in licence_rows():
        for cell in row:
            names.add(cell)
            names.update(p.strip() for p in cell.replace(";", ",").split(",") if p.strip())
    names |= {"dependency licenses", "Apache License", "Public Domain"}
    data = data_strings(to_document(expo), lang)
    for show in (show_about, show_welcome, show_shortcuts):
        dialog = show(win)
        qapp.processEvents()
        strings = visible_strings(dialog)
        assert len(strings) > 10, show.__name__
        assert untranslated(strings, Catalogue(lang), data, names) == [], show.__name__
        dialog.close()


def test_the_check_finds_english_in_a_german_window(qapp, qtbot, expo, user):
    """The same walk over the English window, against the German catalogue, fails: the
    check above can fail."""
    win = open_window(qapp, qtbot, expo, user, "en")
    bad = {s for _w, s in untranslated(visible_strings(win), Catalogue("de"),
                                       data_strings(to_document(expo), "de"), countries("de"))}
    assert {"Search and exhibitors", "Policy timeline", "Fit floor plan"} <= bad


def test_zone_hall_tool_and_country_names_follow_the_language(qapp, qtbot, expo, user):
    win = open_window(qapp, qtbot, expo, user, "de")
    legend = {b.text().replace("&&", "&") for b in win.legend.buttons.values()}
    assert {"Waferfertigung", "Verbindungshalbleiter", "IC-Design"} <= legend
    assert "Waferfertigung" in win.scene.data.zone_names.values()
    hall_names = {h["name"] for lvl in win.scene.levels.values() for h in lvl.halls}
    assert "Bereich 1 (schematisch)" in hall_names
    # Directory: zone and country in German; detail: zone and category.
    model = win.search.model
    rows = {model.data(model.index(r, 0)): r for r in range(model.rowCount())}
    r = next(i for n, i in rows.items() if n.startswith("Merck"))
    assert model.data(model.index(r, 2)) == "Waferfertigung"
    assert model.data(model.index(r, 3)) == "Deutschland"
    detail = win.detail.text.toPlainText() if hasattr(win.detail, "text") else ""
    win.select_text("sicarrier")
    qapp.processEvents()
    # Products: headers and tool types, never a raw code such as "cvd".
    pm = win.products.model
    headers = [pm.headerData(c, Qt.Orientation.Horizontal) for c in range(pm.columnCount())]
    assert headers == ["Produkt", "Chinesischer Name", "Aussteller", "Anlagentyp", "Bereich",
                       "Land"]
    tools = {pm.data(pm.index(i, 3)) for i in range(pm.rowCount())}
    assert "CVD (chemische Gasphasenabscheidung)" in tools
    assert not tools & {"cvd", "ald", "pvd", "etch", "epitaxy"}
    assert "Ätzen" in [win.products.tool.itemText(i) for i in range(win.products.tool.count())]
    # The market chart: countries and the heading in German, shares with a decimal comma.
    bars = win.detail.market.bars
    labels = [label for _g, label, *_ in bars.rows()]
    assert "Vereinigte Staaten" in labels and "China" in labels
    assert any("," in s and s.endswith(" %") for s in bars.share_texts())
    assert "Nach Land oder Region" in bars.headings()
    del detail


def test_plurals_and_numbers_in_german(qapp, qtbot, expo, user):
    win = open_window(qapp, qtbot, expo, user, "de")
    assert "1,2 m/s" in win.plan.summary.text()            # not "1.2 m/s"
    assert "2 Stationen" in win.plan.summary.text()
    # My plan's stops name their hall in German too.
    rows = [win.plan.list.item(i).text() for i in range(win.plan.list.count())]
    assert any("Bereich 1 (schematisch)" in r for r in rows), rows
    assert not any("Area 1" in r for r in rows)
    assert QCoreApplication.translate("WeSemiBay", "%Ln booth(s)", None, 1) == "1 Stand"
    assert QCoreApplication.translate("WeSemiBay", "%Ln booth(s)", None, 1234) == "1.234 Stände"
    win.open_policy("topic", "us-equipment-controls")
    assert "Stände verknüpft" in win.statusBar().currentMessage() or \
        "Stand verknüpft" in win.statusBar().currentMessage()


def test_plurals_read_well_in_english(qapp, qtbot, expo, user):
    from desktop.i18n import tr
    assert tr("%Ln booth(s)", n=1) == "1 booth"
    assert tr("%Ln booth(s)", n=3) == "3 booths"
    assert tr("{title}: %Ln booth(s) linked", n=1).format(title="X") == "X: 1 booth linked"
