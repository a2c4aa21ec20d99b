"""Grab the screening list's screens on the built-in expo, to read them as a user would.

    python scripts/screening_screens.py OUT --list FILE [--older FILE --older-date DATE]
                                        [--lang en|de|zh] [--size 1280x720] [--theme dark]

Builds the built-in expo and a fresh data folder in a temporary folder, stores ``--older``
(if given) as the list it had before, opens the window (offscreen, ``--size``), loads
``--list`` through File ▸ Load screening list… and writes into OUT: ``load.png`` (the
dialog's summary of what changed), ``window-<slug>.png`` (the window on SiCarrier,
HiSilicon, Pengjin Hi-Tech and Applied Materials), ``details-<slug>.png`` (their whole
Exhibitor tab), ``directory-listed.png`` (the directory filtered to exhibitors on a list,
the plan's marks on), ``marks.png`` (the marks on SiCarrier's hall, closer), ``review.png`` (the review of a possible match), ``sources.png`` and
``texts.txt`` (the same texts as plain text). Nothing of the user's own data is touched.

The list for ``--list`` is the user's own download; ``tests/screening_files.py`` can write
the 2026 entries of ``shared/testdata/csl`` in the official JSON layout:

    python -c "import sys; sys.path[:0] = ['tests']; from pathlib import Path; \\
      from screening_files import *; official_json_from_projection(PROJECTION_2026, \\
      Path('/tmp/consolidated.json'))"
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SLUGS = ("sicarrier", "hisilicon", "pengjin-hi-tech", "applied-materials")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path)
    p.add_argument("--list", type=Path, required=True, help="the list to load (CSV or JSON)")
    p.add_argument("--older", type=Path, help="a list stored before (to show what changed)")
    p.add_argument("--older-date", help="the older list's date, if the file gives none")
    p.add_argument("--lang", choices=("en", "de", "zh"), default="en")
    p.add_argument("--size", default="1280x720")
    p.add_argument("--theme", choices=("light", "dark"), default="light")
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    width, height = (int(v) for v in args.size.lower().split("x"))

    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    from db.build import build
    from db.expo import open_expo
    from db.screening import ScreeningStore, load_and_screen
    from db.userdata import UserData
    from desktop.app import load_translation
    from desktop.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    load_translation(app, args.lang)
    from desktop import theme
    theme.apply(args.theme)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    texts: list[str] = []

    def settle(until=lambda: True, rounds: int = 400) -> None:
        for _ in range(rounds):
            QThreadPool.globalInstance().waitForDone(20)
            app.processEvents()
            if until():
                return

    def whole(browser, name: str, width: int = 540) -> None:
        """A rich-text view's whole document at ``width`` (not only what fits on screen)."""
        from PySide6.QtGui import QImage, QPainter
        doc = browser.document().clone()
        doc.setTextWidth(width)
        img = QImage(width, int(doc.size().height()) + 1, QImage.Format.Format_ARGB32)
        img.fill(browser.palette().base().color())
        painter = QPainter(img)
        doc.drawContents(painter)
        painter.end()
        img.save(str(out / f"{name}.png"))

    def grab(widget, name: str, size=None) -> None:
        if size:
            widget.resize(*size)
        settle(rounds=3)
        widget.grab().save(str(out / f"{name}.png"))

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        expo = open_expo(build(tmp / "expo.sqlite"))
        data = tmp / "data"
        if args.older:
            load_and_screen(expo, ScreeningStore.in_dir(data), args.older, args.older_date)
        user = UserData(data / "user.sqlite")
        win = MainWindow(expo, user, settings=None)
        win.resize(width, height)
        win.show()
        settle(lambda: not win.screening.state.running())

        dlg = win.screening.open_dialog()
        dlg.path.setText(str(args.list))
        grab(dlg, "load-chosen")
        dlg.load()
        settle(lambda: dlg.result is not None or dlg.failure is not None)
        grab(dlg, "load")
        texts += ["== load dialog", dlg.where.text(), dlg.stored.text(), dlg.date_note.text(),
                  dlg.status.text(), dlg.summary.toPlainText()]
        dlg.close()

        for slug in SLUGS:
            win.selection.select("exhibitor", slug)
            settle(rounds=5)
            grab(win, f"window-{slug}")
            texts += [f"== details {slug}", win.detail.info.toPlainText()]
        win.selection.select("exhibitor", "sicarrier")
        res = win.screening.state.result(win.detail.view.exhibitor)
        possible = [m for m in res["matches"] if m["status"] == "possible"]
        if possible:
            review = win.screening.badge.open_review(win.detail.view, possible[0])
            grab(review, "review")
            review.reject()
        search = win.search
        search.screen_filter.setCurrentIndex(search.screen_filter.findData("listed"))
        win.screening.marks_action.setChecked(True)
        win.selection.select("exhibitor", "sicarrier")
        win.view.fit_all()
        settle(rounds=20)
        grab(win, "directory-listed")
        texts += ["== marks key", win.screening.key.text()]
        win.view.fly_to([win.scene.data.by_code[c] for c in win.expo.booths_of("sicarrier")])
        settle(rounds=20)
        grab(win.view, "marks")
        win.sources_dock.show()
        win.sources_dock.raise_()
        settle(rounds=5)
        grab(win, "sources")
        item = win.sources.tree.topLevelItem(0)
        texts += ["== sources", " | ".join(item.text(c) for c in range(6))]
        texts += [item.child(i).text(0) for i in range(item.childCount())]
        win.sources_dock.hide()
        for slug in SLUGS:                 # the whole Exhibitor tab, as its text lays out
            win.selection.select("exhibitor", slug)
            settle(rounds=3)
            whole(win.detail.info, f"details-{slug}")
        win.close()
        user.close()
        expo.close()
    (out / "texts.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
