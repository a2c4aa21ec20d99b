"""File > Import… in the window: progress, cancel, summary; nothing changes on failure."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, QTimer

from catalogue_files import big_csv, sha  # tests/catalogue_files.py

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "catalogue"


@pytest.fixture
def dialog_for(window, qtbot):
    def make(files):
        # The window's child: it goes with the window (an import reopens the window).
        return window.import_dialog(files=[str(f) for f in files])
    return make


def _new_window(session, old):
    new = session.window                 # the session opened it in the old one's place
    assert new is not old and session.windows == [new]
    return new


def test_import_shows_summary_then_the_window_shows_the_result(window, dialog_for, qtbot,
                                                                session):
    path = window.expo.path
    before = sha(path)
    dlg = dialog_for([FIX / "messy-exhibitors.csv"])
    assert dlg.import_button.isEnabled()
    dlg.import_button.click()
    qtbot.waitUntil(lambda: dlg.state == "done", timeout=20_000)
    assert sha(path) != before
    assert dlg.headline.text().startswith("Imported.")
    table = {dlg.counts.item(r, 0).text(): [dlg.counts.item(r, c).text() for c in range(1, 5)]
             for r in range(dlg.counts.rowCount())}
    assert table["Products"] == ["7", "0", "0", "0"]
    assert table["Exhibitors"] == ["5", "0", "2", "0"]
    assert table["Pictures"] == ["0", "0", "0", "4"]
    details = dlg.details.toPlainText()
    assert "booth 9Z99 is not on the floor plan" in details
    assert details.startswith("Search index updated for 12 records.")   # 7 products, 5 exhibitors
    assert "line 7, column I (\"图片\"): picture pictures/bomb.png: too many pixels" in details
    dlg.close_button.click()                  # closing reopens the window on the new file
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    new = _new_window(session, window)
    assert new.unplaced_dock is not None
    assert any(i.startswith("9Z99") for i in
               (new.unplaced.list.item(r).text() for r in range(new.unplaced.list.count())))
    new.unplaced.list.setCurrentRow(0)
    new.unplaced._chosen(new.unplaced.list.item(0))
    assert new.selection.current == ("exhibitor", "shenzhen-test-tech")
    model = new.products.model
    names = {model.index(r, 0).data() for r in range(model.rowCount())}
    assert {"Alishan ALD system", "Etch platform", "CCP etcher"} <= names


def test_broken_file_lists_every_error_and_changes_nothing(window, dialog_for, qtbot):
    path = window.expo.path
    before = sha(path)
    dlg = dialog_for([FIX / "broken.csv"])
    dlg.import_button.click()
    qtbot.waitUntil(lambda: dlg.state == "failed", timeout=20_000)
    assert "Nothing was imported: 5 errors to fix. The expo file is unchanged." == \
        dlg.headline.text()
    details = dlg.details.toPlainText()
    for line in (3, 4, 5, 6, 7):
        assert f"broken.csv: line {line}, column" in details
    assert sha(path) == before
    dlg.close_button.click()
    assert window.isVisible()                 # nothing to reload


def test_cancel_while_importing_leaves_the_file_unchanged(window, dialog_for, qtbot, tmp_path):
    big = big_csv(tmp_path / "big.csv", 80_000)
    path = window.expo.path
    before = sha(path)
    dlg = dialog_for([big])
    # The window stays responsive during the import: measure the longest gap between
    # ticks of a 10 ms timer on the UI thread.
    gaps, clock = [], QElapsedTimer()
    clock.start()
    tick = QTimer()
    tick.setInterval(10)
    tick.timeout.connect(lambda: (gaps.append(clock.restart())))
    tick.start()
    dlg.import_button.click()
    assert not dlg.close_button.isEnabled()
    qtbot.waitUntil(lambda: dlg.progress.value() > 0, timeout=20_000)
    dlg.cancel_button.click()
    qtbot.waitUntil(lambda: dlg.state == "cancelled", timeout=20_000)
    tick.stop()
    assert dlg.headline.text() == "Cancelled. Nothing was imported; the expo file is unchanged."
    assert sha(path) == before
    assert not [p for p in Path(path).parent.iterdir() if ".import-" in p.name]
    assert max(gaps) < 400, f"the UI thread was blocked for {max(gaps)} ms"


def test_import_into_a_new_file_keeps_the_builtin_unchanged(window, qtbot, tmp_path):
    out = tmp_path / "mine.sqlite"
    from desktop.panels.import_dialog import ImportDialog
    dlg = ImportDialog(out, base=window.expo.path, parent=window)
    qtbot.addWidget(dlg)
    before = sha(window.expo.path)
    dlg.add_files([str(FIX / "gb18030.tsv")])
    dlg.import_button.click()
    qtbot.waitUntil(lambda: dlg.state == "done", timeout=20_000)
    assert sha(window.expo.path) == before and out.exists()
    from db.expo import open_expo
    with open_expo(out, readonly=True) as expo:
        assert expo.exhibitor("sicarrier") is not None          # the built-in expo …
        assert [e["name"] for e in expo.exhibitor_rows()].count("长江存储") == 1  # … + import
