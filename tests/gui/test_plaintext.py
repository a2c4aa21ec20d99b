"""Hostile data in the window: every surface shows it as plain text and loads nothing.

The window is opened on an expo that carries hostile strings everywhere (``hostile_data``):
HTML (``<span style="font-size:200px">``, ``<img src>`` pointing at ``/dev/zero`` and at a real
named pipe, ``<a href>``), Markdown links and pictures, bidi overrides, zero-width
characters, a NUL byte, a 300,000-character name and a 1 MB summary. Every record is
selected, every panel, dock and tab opened, booths hovered and focused; then every label,
tooltip, item model, text view, graphics item and dialog is checked, and every screen
rendered. A surface that interpreted a name as HTML would open the named pipe and hang: a
faulthandler deadline turns that into a failure with a traceback instead of a stuck run.
"""
from __future__ import annotations

import faulthandler
import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QTextImageFormat
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QApplication, QComboBox,
                               QGraphicsView, QLabel, QMessageBox, QTextEdit, QToolTip)

from hostile_data import (ANCHOR, MD_IMAGE, MD_LINK, RLO, SPAN, ZERO, ZWSP, fifo_img,
                          make_hostile_expo)

from db.expo import open_expo
from desktop.models.exhibitors import SLUG_ROLE

HANG_S = 30               # a surface that read the named pipe would block this long
DEADLINE_S = 300          # the last resort against any other hang
OVERRIDES = re.compile("[\u202a-\u202e\u2066\u2067]")   # FSI/PDI are ours (isolation)
OUR_TAGS = re.compile(r"</?(?:b|br|i|p|qt)\b[^<>]*>")     # what our rich text may contain
LINK_SCHEMES = ("product:", "exhibitor:", "topic:", "event:")
LONGEST = 1_100            # no shown line of data is longer (plain() elides to 300)


@pytest.fixture(scope="module")
def hostile_file(builtin_file, tmp_path_factory):
    return make_hostile_expo(builtin_file, tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def hostile(hostile_file, tmp_path):
    """A private copy of the hostile expo, with a watchdog: a surface that reads the named
    pipe blocks the UI thread; after ``HANG_S`` the watchdog opens the pipe for writing and
    closes it (the reader sees the end of the file and goes on) and the test fails. A last
    resort (``DEADLINE_S``) dumps every thread's traceback and ends the run."""
    path = tmp_path / "hostile.sqlite"
    shutil.copyfile(hostile_file.path, path)
    hostile_file.copy = path
    fired, done = threading.Event(), threading.Event()

    def watch():
        if done.wait(HANG_S):
            return
        fired.set()
        while not done.wait(0.05):
            try:
                os.close(os.open(hostile_file.fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:       # nobody reads the pipe right now
                pass
    thread = threading.Thread(target=watch, name="fifo-watchdog", daemon=True)
    thread.start()
    faulthandler.dump_traceback_later(DEADLINE_S, exit=True)
    yield hostile_file
    faulthandler.cancel_dump_traceback_later()
    done.set()
    thread.join()
    if fired.is_set():
        pytest.fail(f"the UI thread blocked on the named pipe {hostile_file.fifo} "
                    f"(a name was read as HTML and its <img> loaded)")


def _window(qtbot, path, user, settings=None):
    from desktop.main_window import MainWindow
    win = MainWindow(open_expo(path), user, settings)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def hwin(qtbot, hostile, session):
    """A window on the hostile expo, opened by a session (File ▸ Open goes through it)."""
    win = session.open(open_expo(hostile.copy))
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    return win


# ---------------------------------------------------------------- checks
def inert_rich(text: str) -> bool:
    """Rich text that can show nothing but our own formatting: all data in it is escaped."""
    return "<" not in OUR_TAGS.sub("", text)


def check_shown(text, where: str) -> None:
    """A string a plain surface shows: no bidi override, no control, short."""
    if not isinstance(text, str) or not text:
        return
    assert not OVERRIDES.search(text), (where, text[:200])
    assert "\x00" not in text, (where, text[:200])
    longest = max(len(line) for line in text.split("\n"))
    assert longest <= LONGEST, (where, longest)


def check_tooltip(text, where: str) -> None:
    if not text:
        return
    assert not QtGui.Qt.mightBeRichText(text) or inert_rich(text), (where, text[:300])
    check_shown(OUR_TAGS.sub("", text), where)


def check_label(label: QLabel, where: str) -> None:
    text = label.text()
    if label.textFormat() != Qt.TextFormat.PlainText and QtGui.Qt.mightBeRichText(text):
        assert inert_rich(text), (where, text[:300])
        check_shown(OUR_TAGS.sub("", text), where)
    else:
        check_shown(text, where)


def check_document(view: QTextEdit, where: str) -> None:
    """A text view whose HTML we build: no picture but our thumbnails, no link but ours,
    no giant fonts, and the data as literal text."""
    doc = view.document()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            fmt = frag.charFormat()
            if fmt.isImageFormat():
                name = QTextImageFormat(fmt).name()
                assert name.startswith(("thumb:", "plan:")), (where, name)
            if fmt.isAnchor():
                assert fmt.anchorHref().startswith(LINK_SCHEMES), (where, fmt.anchorHref())
            size = fmt.font().pixelSize() if fmt.font().pixelSize() > 0 else \
                fmt.font().pointSizeF() * 1.4
            assert size <= 40, (where, size, frag.text()[:80])
            it += 1
        block = block.next()
    assert not OVERRIDES.search(doc.toPlainText()), where


def check_model(model, where: str, limit: int = 2000) -> None:
    def columns(parent: QModelIndex) -> int:
        try:
            return max(1, model.columnCount(parent))
        except TypeError:             # a list model (its columnCount is private)
            return 1

    def walk(parent: QModelIndex, budget: list[int]):
        for r in range(model.rowCount(parent)):
            if budget[0] <= 0:
                return
            budget[0] -= 1
            for c in range(columns(parent)):
                idx = model.index(r, c, parent)
                check_shown(idx.data(Qt.ItemDataRole.DisplayRole), f"{where} display {r},{c}")
                check_tooltip(idx.data(Qt.ItemDataRole.ToolTipRole), f"{where} tooltip {r},{c}")
            first = model.index(r, 0, parent)
            if first.isValid() and model.rowCount(first) > 0:
                walk(first, budget)
    walk(QModelIndex(), [limit])


def walk_everything(app: QApplication, win) -> int:
    """Check every widget of the application; returns how many were checked."""
    n = 0
    for w in app.allWidgets():
        name = f"{type(w).__name__}#{w.objectName()}"
        check_tooltip(w.toolTip(), name + " tooltip")
        if w.isWindow():
            check_shown(w.windowTitle(), name + " title")
            assert len(w.windowTitle()) < 200, name
        if isinstance(w, QLabel):
            check_label(w, name)
        elif isinstance(w, QTextEdit):
            check_document(w, name)
        elif isinstance(w, QAbstractButton):
            check_shown(w.text(), name)
        elif isinstance(w, QComboBox):
            check_model(w.model(), name)
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            check_model(w.model(), name)
        if isinstance(w, QGraphicsView) and w.scene() is not None:
            for item in w.scene().items():
                check_tooltip(item.toolTip(), f"{name} item tooltip")
                if hasattr(item, "label"):
                    check_shown(getattr(item, "label"), f"{name} item label")
        n += 1
    check_shown(win.statusBar().currentMessage(), "status bar")
    return n


def render_all(win) -> None:
    for w in [win, *[d for d in (win.policy_dock, win.sources_dock, win.plan_dock,
                                 win.products_dock, win.unplaced_dock) if d and d.isVisible()]]:
        assert not w.grab().isNull()


def hostile_path(tmp_path: Path, suffix: str) -> Path:
    """A file whose path reads '.../<img src="/dev/zero">…<b>bold': a name cannot hold "/",
    so the tag spans folders."""
    folder = tmp_path / '<img src="' / "dev"
    folder.mkdir(parents=True)
    return folder / f'zero"><b>bold{suffix}'


# ----------------------------------------------------------------- tests
@pytest.mark.slow
def test_every_surface_shows_hostile_data_as_plain_text(hwin, hostile, qtbot, user, tmp_path):
    app = QApplication.instance()
    win = hwin
    slug = win.expo_slug
    pipe = fifo_img(hostile.fifo)
    # The visitor's own data is shown too: star every hostile exhibitor, write hostile notes.
    for ex in hostile.exhibitors:
        user.set_favourite(slug, "exhibitor", ex, True)
    user.save_note(slug, "exhibitor", "html-span", f"{pipe}\n{SPAN}\n{MD_LINK} {RLO}evil",
                   tags=[pipe, MD_IMAGE])
    user.save_note(slug, "exhibitor", hostile.long_slug, f"a long note {pipe}\n" * 5_000)
    user.save_note(slug, "exhibitor", "gone-co", f"orphan {pipe}")
    user.set_favourite(slug, "exhibitor", "gone-co", True)
    win._refresh_stars()
    assert win.unplaced_dock is not None                 # the hostile booth code is listed
    for dock in (win.policy_dock, win.sources_dock, win.plan_dock, win.products_dock,
                 win.unplaced_dock):
        dock.show()
    win.plan.show_route.setChecked(True)

    topic = min(t["slug"] for t in win.expo.topics())
    event = min(win.expo.events(), key=lambda e: e["date"])["slug"]
    checked = 0
    for ex in hostile.exhibitors:
        assert win.selection.select("exhibitor", ex), ex
        for tab in range(win.detail.tabs.count()):
            win.detail.tabs.setCurrentIndex(tab)
            qtbot.wait(5)
        products = win.expo.products_of(ex)
        if products:
            win.show_product(products[0]["slug"])
        # Hover the booth, and walk to it with the keyboard: both show its tooltip.
        for i in win.scene.data.by_exhibitor.get(ex, []):
            centre = win.view.mapFromScene(win.scene.booth_rect(i).center())
            qtbot.mouseMove(win.view.viewport(), centre)
            qtbot.waitUntil(lambda: win.scene.overlay.hover == i, timeout=3000)
            check_tooltip(QToolTip.text(), f"booth tooltip {ex}")
            assert QToolTip.text(), ex
            win.view.set_focus_booth(i)
            check_tooltip(QToolTip.text(), f"booth focus tooltip {ex}")
        render_all(win)
        checked += walk_everything(app, win)
    for kind, ref in (("topic", topic), ("event", event)):
        win.open_policy(kind, ref)
        render_all(win)
        walk_everything(app, win)
    for q in ("Span", "pipe", "Longname", "QuietTool", "Safe", "img src", "x" * 50):
        win.search.box.setText(q)
        win.search.run_search()
        walk_everything(app, win)
    assert checked > 100

    # What a user sees is the literal text, never its rendering.
    win.selection.select("exhibitor", "html-span")
    assert win.detail.title.text().startswith(f"{SPAN} Span Corp")
    assert f"{SPAN} Span Corp" in win.detail.info.toPlainText()
    assert f"{ANCHOR}" in win.detail.info.toPlainText()
    win.show_product(win.expo.products_of("html-span")[0]["slug"])
    qtbot.waitUntil(lambda: win.products.view.picture_state != "loading", timeout=10_000)
    assert win.products.view.credit.textFormat() == Qt.TextFormat.PlainText
    assert win.products.view.credit.text().replace(ZWSP, "").startswith(f"{pipe} Longname")
    win.selection.select("exhibitor", hostile.bidi_slug)
    assert win.detail.title.text().startswith("Safegnp.exe Tools")
    win.selection.select("exhibitor", hostile.nul_slug)
    assert win.detail.title.text() == f"NulByte {SPAN}"
    tray = [win.unplaced.list.item(r).text() for r in range(win.unplaced.list.count())]
    assert tray == [f"{pipe}9Z — {ANCHOR} Links Co"]
    stop_tips = [win.plan.list.item(r).toolTip() for r in range(win.plan.list.count())]
    assert any("&lt;img src=" in t for t in stop_tips)
    assert all(inert_rich(t) for t in stop_tips if t)
    # The status bar and the window title: the expo's hostile name, literal and short.
    assert win.windowTitle().startswith("<i>Hostile</i> Expo evil")
    assert win.statusBar().currentMessage().startswith(f"{ANCHOR} {MD_LINK} Longname")

    # The printed route sheet (PDF) and the Markdown export show the data as text.
    doc = win.plan.document()
    text = doc.toPlainText()
    assert f"{SPAN} Span Corp" in text and pipe in text and RLO not in text
    images = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                images.append(QTextImageFormat(fmt).name())
            it += 1
        block = block.next()
    assert set(images) <= {"plan:floor.png"}
    assert win.plan.export_pdf(tmp_path / "plan.pdf").stat().st_size > 1000
    md = win.plan.export_markdown(tmp_path / "plan.md").read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)(<|!\[|\]\()", md)


def test_long_fields_cost_nothing_on_screen(hwin, hostile, qtbot):
    """A 300,000-character name and a 1 MB summary: selected in well under the time it took
    (65 s), elided everywhere, and the details panel keeps its width."""
    win = hwin
    win.plan_dock.show()
    win.products_dock.show()
    t0 = time.perf_counter()
    assert win.selection.select("exhibitor", hostile.long_slug)
    for tab in range(win.detail.tabs.count()):
        win.detail.tabs.setCurrentIndex(tab)
    win.show_product("long-product")
    QApplication.processEvents()
    assert not win.grab().isNull()
    assert time.perf_counter() - t0 < 5.0
    title = win.detail.title.text().replace(ZWSP, "")
    assert title.startswith("Longname xxx") and "…" in title and len(title) < 400
    assert 10_000 < len(win.detail.info.toPlainText()) < 25_000       # the summary, elided
    assert win.detail.minimumSizeHint().width() < 600
    assert win.detail.width() < 700
    model = win.search.model
    row = model.row_of(hostile.long_slug)
    assert len(model.index(row, 0).data()) <= 2 * 300 + 2      # name and Chinese name


def test_a_remembered_hostile_selection_starts_without_hanging(qtbot, hostile, user, tmp_path):
    """The selection is remembered: a name with <img src=named pipe> used to hang every
    later start. Now the window starts on it, shows it literally, and renders."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    with open_expo(hostile.copy) as expo:
        slug = expo.meta()["slug"]
    for ex in (hostile.fifo_slug, "img-zero"):
        settings.setValue("last/selection", f"{slug}|exhibitor|{ex}")
        win = _window(qtbot, hostile.copy, user, settings)
        win.restore_selection()
        assert win.selection.current == ("exhibitor", ex)
        assert win.detail.title.text().startswith("<img src=")
        for tab in range(win.detail.tabs.count()):
            win.detail.tabs.setCurrentIndex(tab)
            assert not win.grab().isNull()
        win.close()
        win.expo.close()


def test_zero_width_characters_do_not_hide_a_name(hwin, qtbot, hostile):
    """Typed without the zero-width space, a name that has one is found (hits and the
    directory), and a plain name is found by text that has one."""
    win = hwin
    for typed, slug in (("QuietTool", hostile.zw_slug), (f"Plain{ZWSP}view", hostile.plain_slug)):
        win.search.box.setText(typed)
        win.search.run_search()
        assert (("exhibitor", slug) in [(h.kind, h.id) for h in win.search.hits]), typed
        proxy = win.search.proxy
        shown = {proxy.index(r, 0).data(SLUG_ROLE) for r in range(proxy.rowCount())}
        assert slug in shown, typed


def test_dialogs_show_file_names_and_messages_as_plain_text(hwin, qtbot, tmp_path):
    """A refused file whose path is HTML: the message box shows the path literally."""
    win = hwin
    bad = hostile_path(tmp_path, ".sqlite")
    bad.write_bytes(b"not an expo file at all" * 10)
    seen = []

    def close_box():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append((box.textFormat(), box.text()))
            box.done(0)
        else:
            QTimer.singleShot(20, close_box)
    QTimer.singleShot(20, close_box)
    win.open_requested(str(bad))
    assert seen, "no message box"
    fmt, text = seen[0]
    assert fmt == Qt.TextFormat.PlainText
    assert ZERO in text and "<b>bold" in text


def test_import_summary_is_plain_text(hwin, qtbot, tmp_path):
    """A refused import of a file named like HTML: headline and details are plain text."""
    bad = hostile_path(tmp_path, ".csv")
    bad.write_text("Company,Booth\n\x00oops,1A01\n", encoding="utf-8")
    target = bad.parent / 'zero"><i>new.sqlite'          # ".../<img src="/dev/zero"><i>new…"
    dlg = hwin.import_dialog(files=[str(bad)], target=target)
    qtbot.addWidget(dlg)
    dlg.import_button.click()
    qtbot.waitUntil(lambda: dlg.state in ("done", "failed"), timeout=20_000)
    assert dlg.state == "failed"
    for label in (dlg.headline, dlg.message):
        assert label.textFormat() == Qt.TextFormat.PlainText
    assert 'zero"><b>bold.csv: line 2' in dlg.details.toPlainText()
    where = dlg.findChild(QLabel, "importTarget")
    assert where.textFormat() == Qt.TextFormat.PlainText and ZERO in where.text()
    assert not target.exists()
    walk_everything(QApplication.instance(), hwin)
    assert not dlg.grab().isNull()
