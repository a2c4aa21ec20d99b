"""The first window, driven as a user drives it: clicks, list rows, search, keys."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from desktop.models.exhibitors import SLUG_ROLE


def booth_point(window, code: str) -> QPoint:
    """Viewport pixel at the centre of a booth."""
    scene = window.scene
    i = scene.data.by_code[code]
    return window.view.mapFromScene(scene.booth_rect(i).center())


def sicarrier_booth(window) -> str:
    return window.expo.booths_of("sicarrier")[0]


def test_select_shows_the_same_thing_everywhere(window):
    assert window.select_text("sicarrier")
    # Detail panel
    assert "SiCarrier" in window.detail.title.text()
    assert "新凯来" in window.detail.title.text()
    info = window.detail.info.toPlainText()
    assert "Sources" in info and "Xinhua" in info
    # Directory
    assert window.search.selected_exhibitor() == "sicarrier"
    # Floor plan: exactly SiCarrier's booth is selected and in view
    ids = window.scene.data.selected
    assert {window.scene.data.codes[i] for i in ids} == {sicarrier_booth(window)}
    rect = window.scene.booth_rect(next(iter(ids)))
    assert window.view.visible_scene_rect().contains(rect)


def test_click_on_booth_selects_exhibitor(window, qtbot):
    code = window.expo.booths_of("tokyo-electron")[0]
    window.view.fly_to([window.scene.data.by_code[code]])
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=booth_point(window, code))
    assert window.selection.current == ("exhibitor", "tokyo-electron")
    assert window.search.selected_exhibitor() == "tokyo-electron"
    assert "Tokyo Electron" in window.detail.title.text()


def test_click_on_neutral_booth_says_not_named(window, qtbot):
    d = window.scene.data
    code = next(c for i, c in enumerate(d.codes) if not d.occupants[i])
    window.view.fly_to([d.by_code[code]])
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=booth_point(window, code))
    assert window.selection.current == ("booth", code)
    assert "not named in our sources" in window.detail.info.toPlainText()
    assert window.search.selected_exhibitor() is None


def test_click_on_empty_floor_clears_selection(window, qtbot):
    window.selection.select("exhibitor", "merck")
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    assert window.selection.current is None
    assert window.scene.data.selected == set()
    assert window.detail.title.text() == "Nothing selected"


def test_list_row_selects_on_plan_and_detail(window, qtbot):
    table = window.search.table
    model = table.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data(SLUG_ROLE) == "hisilicon")
    table.setCurrentIndex(model.index(row, 0))
    assert window.selection.current == ("exhibitor", "hisilicon")
    codes = {window.scene.data.codes[i] for i in window.scene.data.selected}
    assert codes == set(window.expo.booths_of("hisilicon"))
    assert "HiSilicon" in window.detail.title.text()


def test_search_as_you_type_lights_booths_and_enter_goes_to_best_hit(window, qtbot):
    window.focus_search()
    qtbot.keyClicks(window.search.box, "ALD")
    qtbot.waitUntil(lambda: window.search.results.isVisible())
    titles = [window.search.results.topLevelItem(i).text(0)
              for i in range(window.search.results.topLevelItemCount())]
    assert any(t.startswith("Products") for t in titles)
    lit = {window.scene.data.codes[i] for i in window.scene.data.highlight}
    assert sicarrier_booth(window) in lit
    assert len(lit) < len(window.scene.data.codes)  # the rest is dimmed
    qtbot.keyClick(window.search.box, Qt.Key.Key_Return)
    assert window.selection.current == ("exhibitor", "sicarrier")
    assert window.detail.tabs.currentIndex() == 1  # a product hit opens the Products tab
    assert "Alishan" in window.detail.products.toPlainText()
    # Clearing the box clears the highlight layer.
    window.search.box.clear()
    qtbot.waitUntil(lambda: window.scene.data.highlight is None)


def test_search_chinese_and_pinyin(window, qtbot):
    for query in ("新凯来", "xinkailai"):
        window.search.box.setText(query)
        window.search.run_search()
        assert window.search.hits and window.search.hits[0].id == "sicarrier"


def test_hostile_search_text_is_harmless(window):
    for query in ('"unbalanced', "NEAR(", "AND OR", "'; DROP TABLE exhibitors; --", "*", "((("):
        window.search.box.setText(query)
        window.search.run_search()
    assert window.search.model.rowCount() == 11


def test_directory_filter_by_text_and_zone(window):
    window.search.box.setText("tokyo")
    assert window.search.proxy.rowCount() == 1
    window.search.box.setText("")
    zone = window.expo.exhibitor("sicarrier")["zone"]
    window.search.zone.setCurrentIndex(window.search.zone.findData(zone))
    slugs = {window.search.proxy.index(r, 0).data(SLUG_ROLE)
             for r in range(window.search.proxy.rowCount())}
    assert "sicarrier" in slugs
    assert all(window.expo.exhibitor(s)["zone"] == zone for s in slugs)


def test_wheel_zooms_around_cursor(window):
    view = window.view
    pos = booth_point(window, sicarrier_booth(window))
    before_scene = view.mapToScene(pos)
    scale0 = view.scale_factor()
    for _ in range(3):
        ev = QWheelEvent(QPointF(pos), QPointF(view.viewport().mapToGlobal(pos)), QPoint(0, 0),
                         QPoint(0, 120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                         Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(view.viewport(), ev)
    assert view.scale_factor() > scale0 * 1.9
    after_scene = view.mapToScene(pos)
    assert abs(after_scene.x() - before_scene.x()) < 1.0
    assert abs(after_scene.y() - before_scene.y()) < 1.0


def test_zoom_is_bounded(window, qtbot):
    view = window.view
    view.setFocus()
    for _ in range(60):
        qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.scale_factor() <= 90.0 + 1e-6
    for _ in range(80):
        qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert view.scale_factor() >= view.min_scale() - 1e-6
    qtbot.keyClick(view, Qt.Key.Key_0)
    assert view.visible_scene_rect().contains(window.scene.content_rect)


def test_legend_hides_a_zone(window):
    zone = window.expo.exhibitor("sicarrier")["zone"]
    code = sicarrier_booth(window)
    i = window.scene.data.by_code[code]
    assert window.scene.booth_at(window.scene.booth_rect(i).center()) == i
    window.legend.buttons[zone].setChecked(False)
    assert zone in window.scene.data.hidden_zones
    assert window.scene.booth_at(window.scene.booth_rect(i).center()) is None
    window.legend.buttons[zone].setChecked(True)
    assert window.scene.booth_at(window.scene.booth_rect(i).center()) == i


def test_hover_names_the_booth(window, qtbot):
    code = sicarrier_booth(window)
    window.view.fly_to([window.scene.data.by_code[code]])
    qtbot.mouseMove(window.view.viewport(), booth_point(window, code))
    qtbot.waitUntil(lambda: window.scene.overlay.hover is not None)
    assert window.scene.data.codes[window.scene.overlay.hover] == code
    tip = window.scene.booth_tooltip(window.scene.overlay.hover)
    assert "SiCarrier" in tip and code in tip


def test_notes_autosave_and_star(window, qtbot, user):
    window.selection.select("exhibitor", "sicarrier")
    window.detail.tabs.setCurrentIndex(3)
    qtbot.keyClicks(window.detail.notes, "Ask about Alishan lead times")
    qtbot.waitUntil(lambda: user.note("wesemibay-2025", "exhibitor", "sicarrier") is not None,
                    timeout=3000)
    assert user.note("wesemibay-2025", "exhibitor", "sicarrier")["text"] == \
        "Ask about Alishan lead times"
    assert window.detail.note_status.text().startswith("Saved")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    assert user.is_favourite("wesemibay-2025", "exhibitor", "sicarrier")
    assert window.detail.star.isChecked()
    i = window.scene.data.by_code[sicarrier_booth(window)]
    assert i in window.scene.data.starred
    # Selecting something else and coming back shows the saved note.
    window.selection.select("exhibitor", "merck")
    assert window.detail.notes.toPlainText() == ""
    window.selection.select("exhibitor", "sicarrier")
    assert window.detail.notes.toPlainText() == "Ask about Alishan lead times"


def test_note_typed_then_selection_changed_is_not_lost(window, qtbot, user):
    window.selection.select("exhibitor", "merck")
    qtbot.keyClicks(window.detail.notes, "quick")
    window.selection.select("exhibitor", "edwards")  # before the autosave timer fires
    assert user.note("wesemibay-2025", "exhibitor", "merck")["text"] == "quick"


def test_policy_tab_lists_links_with_reasons_and_sources(window):
    window.selection.select("exhibitor", "sicarrier")
    text = window.detail.policy.toPlainText()
    assert "Why it matters" in text
    assert "Sources" in text


def test_schematic_badge(window):
    assert "Schematic layout" in window.view.badge


def test_note_on_a_product_with_tags(window, qtbot, user):
    window.selection.select("exhibitor", "sicarrier")
    detail = window.detail
    detail.tabs.setCurrentIndex(3)
    labels = [detail.note_about.itemText(i) for i in range(detail.note_about.count())]
    assert labels[0] == "SiCarrier" and any("Alishan" in t for t in labels)
    detail.note_on("product", "sicarrier-alishan")
    detail.notes.setFocus()
    qtbot.keyClicks(detail.notes, "Ask for ALD throughput figures")
    detail.note_tags.setText("follow-up, ALD")
    detail.note_tags.editingFinished.emit()
    note = user.note("wesemibay-2025", "product", "sicarrier-alishan")
    assert note["text"] == "Ask for ALD throughput figures"
    assert note["tags"] == ["follow-up", "ALD"]
    # The exhibitor's own note is separate and still empty.
    assert user.note("wesemibay-2025", "exhibitor", "sicarrier") is None
    # Back on the exhibitor, then on the product again: the product note is shown.
    detail.note_on("exhibitor", "sicarrier")
    assert detail.notes.toPlainText() == ""
    detail.note_on("product", "sicarrier-alishan")
    assert detail.notes.toPlainText() == "Ask for ALD throughput figures"
    assert detail.note_tags.text() == "follow-up, ALD"
    assert detail.note_status.text().startswith("Saved")


def test_directory_keeps_exhibitors_whose_products_match(window, qtbot):
    """Typing a product word keeps its exhibitor in the directory, not an empty list."""
    window.search.box.setText("Alishan")
    window.search.run_search()
    proxy = window.search.proxy
    slugs = {proxy.index(r, 0).data(SLUG_ROLE) for r in range(proxy.rowCount())}
    assert slugs == {"sicarrier"}


def test_many_zones_go_into_a_menu(qtbot, expo):
    from desktop.main_window import Legend
    zones = [{"slug": f"z{i}", "name": f"Zone number {i}", "color": "#336699"} for i in range(12)]
    legend = Legend(zones)
    qtbot.addWidget(legend)
    hidden = []
    legend.hiddenChanged.connect(hidden.append)
    assert legend.menu_button.text() == "Zones: 12 of 12 shown"
    legend.buttons["z3"].setChecked(False)
    assert hidden[-1] == {"z3"}
    assert legend.menu_button.text() == "Zones: 11 of 12 shown"
    legend._set_all(True)
    assert hidden[-1] == set()


def test_names_stay_the_widest_column_of_the_directory_on_a_small_screen(window, qtbot):
    """At 1280x720 the directory's dock is about a quarter of the window: the exhibitor
    names keep the most room; zone and country elide (their whole text in tooltips)."""
    from desktop.models.exhibitors import ExhibitorModel
    window.resize(1264, 680)
    qtbot.waitUntil(lambda: window.width() == 1264)
    table = window.search.table
    widths = {c: table.columnWidth(i) for i, c in enumerate(ExhibitorModel.COLUMNS)
              if not table.isColumnHidden(i)}
    assert widths["name"] >= max(w for c, w in widths.items() if c != "name"), widths




def test_a_hall_label_under_the_badge_moves_below_its_hall(window, qtbot):
    """Where the badge ("Schematic layout") sits over a hall's label place (the plan
    scrolled so that the top halls meet the top edge, as a short window shows them), that
    hall is named below itself instead of not at all."""
    view, fs = window.view, window.scene
    window.resize(1264, 680)
    qtbot.wait(50)
    view.fit_all()
    view.settle()
    halls = fs.levels[fs.level].halls
    assert len(fs.labels.placed) == len(halls)
    top = min(b.top() for _, b in fs.labels.placed)
    view.zoom_by(1.3)
    view.settle()
    top = min(b.top() for _, b in fs.labels.placed)
    view.verticalScrollBar().setValue(view.verticalScrollBar().value() + int(top) + 8)
    view.settle()
    qtbot.wait(50)
    badge = view.badge_rect()
    placed = fs.labels.placed
    assert not any(b.intersects(badge) for _, b in placed)
    names = [t for t, _ in placed]
    assert len(names) == len(halls), names            # every hall named, none under the badge
