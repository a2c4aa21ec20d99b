"""qtmodeltester on every item model."""
from PySide6.QtCore import QPoint, Qt

from desktop.models.exhibitors import ExhibitorFilter, ExhibitorModel


def test_exhibitor_model(qtmodeltester, expo):
    model = ExhibitorModel(expo)
    assert model.rowCount() == 11   # 9 with a booth, 2 unplaced (H2, H3)
    qtmodeltester.check(model, force_py=True)


def test_exhibitor_filter(qtmodeltester, expo):
    model = ExhibitorModel(expo)
    proxy = ExhibitorFilter()
    proxy.setSourceModel(model)
    proxy.set_text("sicar")
    assert proxy.rowCount() == 1
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_text("")
    qtmodeltester.check(proxy, force_py=True)


def test_directory_sorts_by_clicked_column(window, qtbot):
    from desktop.models.exhibitors import SLUG_ROLE
    table = window.search.table
    header = table.horizontalHeader()
    booth_col = 1
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(booth_col) + 5, 5))
    proxy = table.model()
    booths = [proxy.index(r, booth_col).data() for r in range(proxy.rowCount())]
    assert booths == sorted(booths) or booths == sorted(booths, reverse=True)
    first = booths[0]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(booth_col) + 5, 5))
    booths2 = [proxy.index(r, booth_col).data() for r in range(proxy.rowCount())]
    assert booths2 == list(reversed(booths)) and booths2[-1] == first
    # The selection follows the exhibitor, not the row number.
    window.selection.select("exhibitor", "sicarrier")
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(0) + 5, 5))
    assert window.search.selected_exhibitor() == "sicarrier"
    assert table.currentIndex().data(SLUG_ROLE) == "sicarrier"


def test_models_stay_valid_after_sorting(qtmodeltester, expo):
    model = ExhibitorModel(expo)
    proxy = ExhibitorFilter()
    proxy.setSourceModel(model)
    proxy.sort(1, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy, force_py=True)
