"""The directory at trade-fair scale asks SQLite in a worker thread (sort and filter): the
same rows as on the UI thread, the selection kept on its exhibitor, nothing read in full."""
from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.models.exhibitors import SLUG_ROLE


def shown(proxy) -> list[str]:
    return [proxy.index(r, 0).data(SLUG_ROLE) for r in range(proxy.rowCount())]


def test_the_worker_sorts_and_filters_as_the_ui_thread_does(window, qtbot):
    search = window.search
    model, proxy, table = search.model, search.proxy, search.table
    expected = {}
    for col in range(4):                           # on the UI thread (a small expo)
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            table.sortByColumn(col, order)
            expected[col, order] = shown(proxy)
    search.box.setText("wafer")
    expected["wafer"] = set(shown(proxy))
    search.box.clear()
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)

    model.ASYNC_ABOVE = proxy.ASYNC_ABOVE = 0      # as at 30,000 exhibitors
    window.selection.select("exhibitor", "sicarrier")
    for (col, order), want in ((k, v) for k, v in expected.items() if k != "wafer"):
        table.sortByColumn(col, order)
        qtbot.waitUntil(lambda: not model.busy, timeout=5000)
        assert shown(proxy) == want, (col, order)
        assert search.selected_exhibitor() == "sicarrier"    # the selection follows it
    search.box.setText("wafer")
    qtbot.waitUntil(lambda: not proxy.busy and set(shown(proxy)) == expected["wafer"],
                    timeout=5000)
    assert 0 < proxy.rowCount() < model.rowCount()
    search.box.clear()
    qtbot.waitUntil(lambda: proxy.rowCount() == model.rowCount(), timeout=5000)
    # Only the pages a view showed were read, not every row.
    assert len(model._pages) == 1


def test_a_large_catalogue_is_read_when_its_table_is_first_shown(qtbot, expo, user,
                                                                  monkeypatch):
    import desktop.models.products as products
    from desktop.main_window import MainWindow
    monkeypatch.setattr(products, "ASYNC_ABOVE", 0)      # as at a million products
    win = MainWindow(expo, user, settings=None)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    model = win.products.model
    assert not model.loaded and model.rowCount() == 0     # nothing read at start
    win.products_dock.show()
    qtbot.waitUntil(lambda: model.rowCount() == model.total > 0, timeout=5000)
    assert model.index(0, 0).data()
