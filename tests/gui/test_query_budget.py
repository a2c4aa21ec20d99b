"""A click costs what it shows, not what the plumbing repeats: the query budget.

Every statement on every connection the program opens (the expo, the user file, worker
threads' readers) is counted with ``db.connection.trace_statements``. With every panel
open, one click on SiCarrier's booth reads the exhibitor's details once (``db.views``),
its market context and its note and star: at most 15 statements (77 before the selection
was one object that resolves a change once and hands it to every panel).
"""
from __future__ import annotations

from PySide6.QtCore import Qt

from db.connection import trace_statements
from db.expo import open_reader

BUDGET = 15


def _settle(window, qtbot) -> None:
    """Let thumbnails, pictures and repaints finish (their statements count too)."""
    for _ in range(3):
        window.thumbs.wait(5000)
        window.jobs.wait_idle(5000)
        qtbot.wait(30)


def test_a_click_on_sicarrier_runs_at_most_15_statements(window, qtbot):
    for dock in (window.policy_dock, window.sources_dock, window.plan_dock,
                 window.products_dock):
        dock.show()
    _settle(window, qtbot)
    # The bottom docks share one place as tabs: each is shown once, as the details' tabs are.
    for dock in (window.sources_dock, window.products_dock, window.policy_dock):
        dock.raise_()
        _settle(window, qtbot)
    for tab in range(window.detail.tabs.count()):      # every tab of the details visited once
        window.detail.tabs.setCurrentIndex(tab)
        _settle(window, qtbot)
    window.detail.tabs.setCurrentIndex(0)
    code = window.expo.booths_of("sicarrier")[0]
    i = window.scene.data.by_code[code]
    window.view.fly_to([i])
    _settle(window, qtbot)
    pos = window.view.mapFromScene(window.scene.booth_rect(i).center())

    with trace_statements() as log:
        qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        _settle(window, qtbot)

    assert window.selection.current == ("exhibitor", "sicarrier")
    # What the click shows, every panel following it:
    assert "SiCarrier" in window.detail.title.text()
    assert "Xinhua" in window.detail.info.toPlainText()                 # its sources
    assert "Alishan" in window.detail.products.toPlainText()            # its products
    assert "Why it matters" in window.detail.policy.toPlainText()       # its policy links
    assert not window.detail.market.isHidden()                          # its market context
    assert window.search.selected_exhibitor() == "sicarrier"
    assert {window.scene.data.codes[j] for j in window.scene.data.selected} == {code}
    assert 0 < len(log) <= BUDGET, "\n".join(log.statements)
    # The details are read once: one query for the sources of every record they show
    # (the market chart reads its own: the licence of its figures).
    sources = [s for s in log.statements if "JOIN sources" in s and "'supply'" not in s]
    assert len(sources) == 1, log.statements


def test_statements_are_counted_on_every_connection_and_thread(expo, user):
    """Connections opened before the count, during it, in another thread: all counted;
    nothing after it."""
    import threading
    reader = open_reader(expo.path)                  # opened before the count
    with trace_statements() as log:
        expo.meta()
        expo.booths_of("sicarrier")
        user.favourites("wesemibay-2025")

        def work():
            with open_reader(expo.path) as own:      # opened inside, in a worker thread
                own.image_data(1)
            reader.topics()
        t = threading.Thread(target=work, name="worker")
        t.start()
        t.join()
    expo.topics()                                    # after the count: not counted
    reader.close()
    threads = {thread for thread, _sql in log.entries}
    assert threads == {"MainThread", "worker"}
    statements = log.statements
    assert any("FROM booth_exhibitors" in s for s in statements)
    assert any("FROM favourites" in s for s in statements)
    assert any("FROM images" in s for s in statements)
    assert sum("FROM topics" in s for s in statements) == 1
