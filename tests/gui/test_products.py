"""The products view, thumbnails, pictures and the product model at scale."""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from db import images as dbimages
from db.expo import open_expo

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "catalogue" / "pictures"


def test_model_passes_qtmodeltester(qtmodeltester, expo):
    from desktop.models.products import ProductModel
    model = ProductModel(expo)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 6


def test_filters_and_sorting(window, qtbot):
    panel = window.products
    model = panel.model
    assert model.rowCount() == 6
    panel.tool.setCurrentIndex(panel.tool.findData("ald"))
    assert model.rowCount() == 1 and model.index(0, 0).data() == "Alishan ALD tools"
    panel.tool.setCurrentIndex(0)
    panel.country.setCurrentIndex(panel.country.findData("CN"))
    assert model.rowCount() == 5                          # the pneumatic maker has no country
    panel.country.setCurrentIndex(0)
    panel.zone.setCurrentIndex(panel.zone.findData("wafer-manufacturing"))
    assert model.rowCount() == 6
    panel.zone.setCurrentIndex(0)
    panel.text.setText("峨眉")
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert model.index(0, 0).data() == "Emei epitaxy tools"
    panel.text.setText("")
    qtbot.waitUntil(lambda: model.rowCount() == 6)
    panel.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 0).data() == "Wuyi etch tools"
    assert panel.count.text() == "6 products"
    # only the selected exhibitor
    window.selection.select("exhibitor", "pneumatic-tools-maker")
    panel.only.setChecked(True)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == \
        ["Precision pneumatic tools"]


def test_choosing_a_row_shows_the_product_and_selects_its_exhibitor(window, qtbot):
    window.products_dock.show()
    panel = window.products
    row = next(r for r in range(panel.model.rowCount())
               if panel.model.index(r, 0).data() == "Alishan ALD tools")
    panel.table.setCurrentIndex(panel.model.index(row, 0))
    assert window.selection.current == ("exhibitor", "sicarrier")
    view = panel.view
    assert view.slug == "sicarrier-alishan"
    qtbot.waitUntil(lambda: view.picture_state == "shown", timeout=5000)
    assert not view.shown_picture().isNull()
    assert view.credit.text() == "Illustration: WeSemiBay Explorer project"
    html = view.text.toHtml()
    assert "阿里山" in html and "ALD (atomic layer deposition)" in html and "DigiTimes" in html


def test_products_tab_shows_thumbnails_as_they_arrive(window, qtbot):
    window.selection.select("exhibitor", "sicarrier")
    window.detail.show_product_tab()
    images = set(window.detail._product_images)
    assert len(images) == 5                                 # one per tool type
    qtbot.waitUntil(lambda: all(window.thumbs.is_ready(i) for i in images), timeout=5000)
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument
    doc = window.detail.products.document()
    for i in images:
        img = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(f"thumb:{i}"))
        assert img is not None and not img.isNull()
        assert img.pixel(img.width() // 2, img.height() // 2) != \
            window.thumbs.placeholder.scaled(64, 64).pixel(32, 32)
    # a click on a product opens the products view on it
    window.detail._on_product_link(QUrl("product:sicarrier-wuyi"))
    assert window.products_dock.isVisible() and window.products.view.slug == "sicarrier-wuyi"


def _add_picture(expo_path: Path, slug: str, data: bytes) -> int:
    conn = sqlite3.connect(expo_path)
    with conn:
        image_id = conn.execute("INSERT INTO images(sha1, data, thumb, mime, credit) VALUES "
                                "(?, ?, NULL, 'image/jpeg', 'test')",
                                (dbimages.sha1_of(data), data)).lastrowid
        conn.execute("UPDATE products SET image = ? WHERE slug = ?", (image_id, slug))
    conn.close()
    return image_id


@pytest.mark.parametrize("picture", ["bomb.png", "truncated.jpg", "not-a-picture.jpg"])
def test_hostile_pictures_get_the_placeholder_and_a_log_line(expo, qtbot, caplog, picture):
    from desktop.panels.products import ProductView
    from desktop.workers import ThumbnailLoader
    image_id = _add_picture(expo.path, "sicarrier-emei", (FIX / picture).read_bytes())
    loader = ThumbnailLoader(expo.path)
    with caplog.at_level("WARNING"):
        img = loader.image(image_id)
        assert img is loader.placeholder
        with qtbot.waitSignal(loader.ready, timeout=5000):
            pass
        assert loader.image(image_id) is loader.placeholder
        view = ProductView(expo)
        qtbot.addWidget(view)
        view.show_product("sicarrier-emei")
        qtbot.waitUntil(lambda: view.picture_state == "placeholder"
                        and "could not be shown" in view.credit.text(), timeout=5000)
    assert f"#{image_id}" in caplog.text and "placeholder" in caplog.text
    loader.wait()


def test_thumbnails_are_made_in_a_worker_and_cached_in_the_file(expo, qtbot):
    from desktop.workers import ThumbnailLoader
    image_id = _add_picture(expo.path, "sicarrier-emei", (FIX / "rotated.jpg").read_bytes())
    loader = ThumbnailLoader(expo.path, writable=True)
    loader.image(image_id)
    with qtbot.waitSignal(loader.ready, timeout=5000):
        pass
    img = loader.image(image_id)
    assert img.height() > img.width()                       # EXIF-rotated: upright
    loader.wait()
    thumb = expo.image_blobs(image_id)[0]
    assert thumb and dbimages.inspect(thumb).height > dbimages.inspect(thumb).width


def _big_expo(path: Path, n: int) -> None:
    """An expo with ``n`` products (plain inserts; no search index needed here)."""
    from db.expo import open_expo as _open
    _open(path, create=True).close()
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("BEGIN")
    c.execute("INSERT INTO zones(slug, name) VALUES ('z', 'Zone')")
    c.executemany("INSERT INTO exhibitors(slug, name, country, zone) VALUES (?, ?, 'CN', 'z')",
                  [(f"ex{i}", f"Exhibitor {i}") for i in range(n // 30 + 1)])
    c.executemany("INSERT INTO products(slug, exhibitor, name, tool_type) VALUES (?, ?, ?, ?)",
                  ((f"p{i}", f"ex{i // 30}", f"Product {i:07d}", ("ald", "cvd", "etch")[i % 3])
                   for i in range(n)))
    c.execute("COMMIT")
    c.close()


def test_model_stays_fast_with_many_products(qtbot, tmp_path):
    from desktop.models.products import ProductModel
    path = tmp_path / "big.sqlite"
    _big_expo(path, 120_000)
    expo = open_expo(path)
    try:
        t0 = time.perf_counter()
        model = ProductModel(expo)                           # above the threshold: async
        built_ms = (time.perf_counter() - t0) * 1000
        assert not model.loaded                  # read when its table is first shown
        with qtbot.waitSignal(model.countChanged, timeout=20_000) as sig:
            model.ensure_loaded()
        assert sig.args == [120_000] and model.rowCount() == 120_000
        assert built_ms < 200
        for row in (0, 119_999, 60_000, 5):                   # a cache miss is one small query
            t0 = time.perf_counter()
            value = model.index(row, 0).data()
            assert (time.perf_counter() - t0) * 1000 < 50
            assert value.startswith("Product ")
        assert model.index(119_999, 0).data() == "Product 0119999"
        with qtbot.waitSignal(model.countChanged, timeout=20_000) as sig:
            model.set_filter(tool_type="cvd")
        assert sig.args == [40_000]
        with qtbot.waitSignal(model.countChanged, timeout=20_000):
            model.sort(0, Qt.SortOrder.DescendingOrder)
        assert model.index(0, 0).data() == "Product 0119998"
        assert model.index(-1, 0).data() is None and model.data(model.index(0, 9)) is None
    finally:
        expo.close()


def test_search_marks_the_typed_words():
    from desktop.panels.search import mark_terms
    html = mark_terms("Alishan ALD tools — 阿里山", ["ald", "阿里"])
    assert "<b style='background:#ffe98a;color:#000'>ALD</b>" in html
    assert ">阿里</b>" in html and "Alishan" in html
    assert mark_terms("<script>", ["x"]).count("&lt;script&gt;") == 1


def test_search_runs_off_the_ui_thread(window, qtbot):
    box = window.search.box
    box.setText("原子层")           # what an input method commits (QTest types ASCII only)
    assert window.search.hits == []                 # nothing yet: debounced, then a worker
    qtbot.waitUntil(lambda: any(h.id == "sicarrier-alishan" for h in window.search.hits),
                    timeout=5000)
    job = window.search._job                        # it ran as a job of the window's runner
    assert job is not None and job.thread is not None and job.thread != "MainThread"
    assert job.thread in {t.name for t in window.jobs.threads()}
    assert window.search.terms() == ["原子层"]
    json.dumps([h.as_dict() for h in window.search.hits])
