"""Policy context as a reader uses it: topics, the timeline, lit booths, sources, the chart."""
from __future__ import annotations

from PySide6.QtCore import Qt

import dbtest  # tests/dbtest.py


def linked_booths(expo, kind, slug) -> set[str]:
    exhibitors = set()
    for fk, fs in dbtest.rows(
            expo, "SELECT from_kind, from_slug FROM links WHERE to_kind = ? AND to_slug = ?",
            (kind, slug)):
        if fk == "exhibitor":
            exhibitors.add(fs)
        elif fk == "product":
            exhibitors.add(expo.record("product", fs)["exhibitor"])
    return {b for ex in exhibitors for b in expo.booths_of(ex)}


def lit_codes(window) -> set[str]:
    d = window.scene.data
    return {d.codes[i] for i in (d.highlight or ())}


def test_topic_lights_exactly_the_linked_booths(window, qtbot):
    window.open_policy("topic", "us-equipment-controls")
    assert window.policy_dock.isVisible()
    expected = linked_booths(window.expo, "topic", "us-equipment-controls")
    assert expected  # SiCarrier's tools and the foreign equipment makers
    assert lit_codes(window) == expected
    text = window.policy.text.toPlainText()
    assert "Exhibitors and products it concerns" in text and "SiCarrier" in text
    assert "Sources" in text


def test_every_topic_lights_its_links(window):
    for slug in [t["slug"] for t in window.expo.topics()]:
        window.open_policy("topic", slug)
        expected = linked_booths(window.expo, "topic", slug)
        # An event's topics add their booths; a topic lights its own links only.
        assert lit_codes(window) == expected, slug


def test_clicking_an_event_on_the_timeline(window, qtbot):
    window.open_policy("topic", "us-equipment-controls")
    tl = window.policy.timeline
    item = tl.items["bis-rule-2024-12-02"] if "bis-rule-2024-12-02" in tl.items else \
        next(iter(tl.items.values()))
    slug = item.event["slug"]
    tl.ensureVisible(item.sceneBoundingRect())
    pos = tl.mapFromScene(item.scenePos())
    qtbot.mouseClick(tl.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert window.policy.current == ("event", slug)
    assert item.selected
    assert window.expo.record("event", slug)["title"] in window.policy.text.toPlainText()


def test_timeline_has_us_and_china_lanes_and_spans_2014_to_2026(window):
    tl = window.policy.timeline
    assert tl.lane_names()[:2] == ["United States", "China"]
    years = sorted(e["date"][:4] for e in tl.events)
    assert years[0] == "2014" and years[-1] == "2026"
    sides = {e["side"] for e in tl.events}
    assert sides == {"us", "china", "expo"}


def test_timeline_wheel_zooms_time(window, qtbot):
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication
    window.open_policy("topic", "china-chip-funds")
    tl = window.policy.timeline
    a0, b0 = tl.visible_years()
    c = tl.viewport().rect().center()
    ev = QWheelEvent(QPointF(c), QPointF(tl.viewport().mapToGlobal(c)), QPoint(0, 0),
                     QPoint(0, 240), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                     Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(tl.viewport(), ev)
    a1, b1 = tl.visible_years()
    assert (b1 - a1) < (b0 - a0) * 0.8


def test_policy_context_tab_and_market_chart(window):
    window.selection.select("exhibitor", "sicarrier")
    text = window.detail.policy.toPlainText()
    assert "Why it matters" in text
    chart = window.detail.market
    assert not chart.isHidden()
    tools = [chart.picker.itemData(i) for i in range(chart.picker.count())]
    assert set(tools) == {"epitaxy", "etch", "cvd", "pvd", "ald"}
    chart.picker.setCurrentIndex(tools.index("ald"))
    ctx = window.expo.market_context("ald")
    rows = chart.bars.rows()
    assert [(n, s) for g, n, s, _ in rows if g == "country"] == \
        [(s.name, s.share) for s in ctx.by_country]
    assert [n for g, n, s, cn in rows if cn] == \
        [s.name for s in ctx.by_country if s.chinese] + [s.name for s in ctx.by_firm[:8] if s.chinese]
    caption = chart.caption.text()
    assert "2025" in caption and "CC BY-NC 4.0" in caption and "ETO" in caption


def test_market_chart_says_when_there_is_no_figure(window):
    window.selection.select("exhibitor", "pneumatic-tools-maker")
    chart = window.detail.market
    assert chart.bars.rows() == []
    assert "no market-share figure" in chart.caption.text()


def test_sources_view_lists_every_source_with_citing_records(window):
    tree = window.sources.tree
    n_sources = dbtest.value(window.expo, "SELECT count(*) FROM sources")
    assert tree.topLevelItemCount() == n_sources
    article = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                   if "In the shadow" in tree.topLevelItem(i).text(0))
    assert article.childCount() > 5
    headers = [tree.headerItem().text(c) for c in range(tree.columnCount())]
    assert headers == ["Source", "Publisher", "Date", "Citations", "Note", "Address"]
    assert article.text(2) == "19 December 2025"             # at its precision, as written
    assert article.text(4).startswith("Datelined Shenzhen")  # how it was read
    assert article.text(5).startswith("https://")
    # A source's citations are shown ("87 FR 62186" for the October 2022 rule).
    fr = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
              if "87 FR 62186" in tree.topLevelItem(i).text(3))
    assert "FR Doc. 2022-21658" in fr.text(3)


def test_topic_cli_screenshot_state(window):
    window.open_policy("topic", "commoditisation")
    assert lit_codes(window) == set(window.expo.booths_of("pneumatic-tools-maker"))


def test_an_event_lights_the_booths_it_lists(window):
    """What the Policy view lists for an event is exactly what lights up on the plan,
    including exhibitors concerned through the event's topics."""
    window.open_policy("event", "bis-rule-2024-12-02")
    listed = {r["slug"] for r in window.expo.linked_exhibitors("event", "bis-rule-2024-12-02")}
    assert listed  # the December 2024 rule concerns the equipment makers at the expo
    expected = {b for ex in listed for b in window.expo.booths_of(ex)}
    assert lit_codes(window) == expected
    text = window.policy.text.toPlainText()
    for slug in listed:
        assert window.expo.exhibitor(slug)["name"] in text


def test_timeline_labels_never_overlap(window, qtbot):
    """With every event lit (an event picked), crowded years keep dots but not mush."""
    window.open_policy("event", "bis-rule-2024-12-02")
    # A timeline given room (the default dock takes 42 % of the window: fewer rows fit),
    # once the dock's first size is set.
    qtbot.waitUntil(lambda: window.policy.timeline.viewport().height() > 0)
    qtbot.wait(50)
    window.resizeDocks([window.policy_dock], [540], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: window.policy_dock.height() >= 500)
    tl = window.policy.timeline
    assert "bis-rule-2024-12-02" in tl.labelled()          # the chosen one always reads
    boxes = []
    for slug in tl.labelled():
        it = tl.items[slug]
        x = tl.mapFromScene(it.pos()).x()
        boxes.append((it.y(), it.label_row, x + 8, x + 8 + it._label_w))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[:2] == b[:2]:
                assert a[3] <= b[2] or b[3] <= a[2], (a, b)
    assert len(tl.labelled()) >= 10
