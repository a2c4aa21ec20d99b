"""How long background work holds up the UI thread (DESIGN §6: never more than 50 ms).

    python bench/ui_gaps.py [--json] [--booths 20000] [--products 300000] [--rows 80000]

A 5 ms timer ticks on the UI thread of a real window (offscreen) while a user's background
work runs; the longest gap between two ticks is how long the UI thread could not answer.
Phases, each measured on its own:

- ``search``: "etch deposition" typed one key every 80 ms on a synthetic expo of
  ``--booths``/``--products`` (each keystroke a search off the UI thread; newer ones
  interrupt older ones), until the hits of the whole text are shown;
- ``products``: the Products view filtered and sorted there (above 50,000 products the
  query runs off the UI thread);
- ``import``: a ``--rows`` row catalogue imported into a copy of it (File ▸ Import…);
- ``pictures``: on the built-in expo, every product's thumbnail and picture shown.

Figures: the longest gap (``max_ms``), the 99th percentile (``p99_ms``) and how long the
phase took (``took_s``), per phase. The same script runs against an older tree of the
program (``python OLD/bench/ui_gaps.py``) to compare commits in one run.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


class Gaps:
    """Ticks of a 5 ms timer on the UI thread; the gaps between them."""

    def __init__(self):
        from PySide6.QtCore import QTimer
        self.gaps: list[float] = []
        self._last = None
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)

    def _tick(self):
        now = time.perf_counter()
        if self._last is not None:
            self.gaps.append((now - self._last) * 1000)
        self._last = now

    def start(self):
        self.gaps, self._last = [], None
        self.timer.start()

    def stop(self, took: float) -> dict:
        self.timer.stop()
        g = sorted(self.gaps) or [0.0]
        return {"max_ms": round(g[-1], 1), "p99_ms": round(g[int(len(g) * 0.99) - 1 if
                                                          len(g) > 1 else 0], 1),
                "ticks": len(g), "took_s": round(took, 2)}


def run_until(app, cond, timeout_s: float = 120.0) -> None:
    end = time.perf_counter() + timeout_s
    while not cond():
        if time.perf_counter() > end:
            raise SystemExit("ui_gaps: a phase did not finish in time")
        app.processEvents()
        time.sleep(0.001)


def wait_ms(app, ms: float) -> None:
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--json", action="store_true")
    p.add_argument("--booths", type=int, default=20_000)
    p.add_argument("--products", type=int, default=300_000)
    p.add_argument("--rows", type=int, default=80_000)
    p.add_argument("--workdir", type=Path, help="reuse the expo files made here (faster)")
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["WESEMIBAY_NO_DIALOGS"] = "1"

    from PySide6.QtWidgets import QApplication

    from catalogue_files import big_csv
    from db.build import build
    from db.expo import open_expo
    from db.synthetic import make_demo
    from db.userdata import UserData
    from desktop.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    tmp = Path(tempfile.mkdtemp(prefix="wesemibay-gaps-"))
    work = args.workdir or tmp
    work.mkdir(parents=True, exist_ok=True)
    demo = work / f"demo-{args.booths}-{args.products}.sqlite"
    if not demo.exists():
        make_demo(demo, booths=args.booths, products=args.products, seed=7)
    builtin = work / "builtin.sqlite"
    if not builtin.exists():
        build(builtin)
    csv_file = work / f"catalogue-{args.rows}.csv"
    if not csv_file.exists():
        big_csv(csv_file, args.rows)
    user = UserData(tmp / "user.sqlite")
    gaps = Gaps()
    out: dict = {"sizes": {"booths": args.booths, "products": args.products, "rows": args.rows}}

    expo = open_expo(demo, readonly=True)
    win = MainWindow(expo, user, None)
    win.resize(1600, 1000)
    win.show()
    win.view.fit_all()
    wait_ms(app, 500)

    # --- search as you type
    text = "etch deposition"
    gaps.start()
    t0 = time.perf_counter()
    win.search.box.setFocus()
    for k in range(1, len(text) + 1):
        win.search.box.setText(text[:k])
        wait_ms(app, 80)
    run_until(app, lambda: win.search._shown_text == text)
    out["search"] = gaps.stop(time.perf_counter() - t0)
    win.search.box.setText("")
    wait_ms(app, 200)

    # --- the products view: filter, then sort
    win.products_dock.show()
    model = win.products.model
    wait_ms(app, 300)
    run_until(app, lambda: not model.busy)
    gaps.start()
    t0 = time.perf_counter()
    win.products.text.setText("etch")
    wait_ms(app, 200)
    run_until(app, lambda: not model.busy)
    model.sort(0)
    run_until(app, lambda: not model.busy)
    win.products.text.setText("")
    wait_ms(app, 200)
    run_until(app, lambda: not model.busy)
    out["products"] = gaps.stop(time.perf_counter() - t0)
    win.products_dock.hide()

    # --- an import (into a copy, as File ▸ Import… into another file does)
    target = tmp / "import-target.sqlite"
    shutil.copyfile(demo, target)
    dlg = win.import_dialog(files=[str(csv_file)], target=target)
    gaps.start()
    t0 = time.perf_counter()
    dlg.import_button.click()
    run_until(app, lambda: dlg.state in ("done", "failed", "cancelled"), timeout_s=600)
    out["import"] = gaps.stop(time.perf_counter() - t0)
    out["import"]["state"] = dlg.state
    dlg.state = "done"
    dlg.close()
    win.close()
    app.processEvents()
    expo.close()

    # --- pictures: every product's thumbnail, then each picture, on the built-in expo
    expo = open_expo(builtin, readonly=True)
    win = MainWindow(expo, user, None)
    win.resize(1600, 1000)
    win.show()
    wait_ms(app, 300)
    win.products_dock.show()
    table, model = win.products.table, win.products.model
    gaps.start()
    t0 = time.perf_counter()
    for row in range(model.rowCount()):
        table.selectRow(row)
        table.scrollTo(model.index(row, 0))
        wait_ms(app, 30)
        run_until(app, lambda: win.products.view.picture_state != "loading")
    from desktop.models.products import IMAGE_ROLE
    ids = [model.index(r, 0).data(IMAGE_ROLE) for r in range(model.rowCount())]
    run_until(app, lambda: all(win.thumbs.is_ready(i) for i in ids if isinstance(i, int)))
    out["pictures"] = gaps.stop(time.perf_counter() - t0)
    out["pictures"]["products"] = model.rowCount()
    win.close()
    app.processEvents()
    expo.close()
    user.close()
    shutil.rmtree(tmp, ignore_errors=True)

    if args.json:
        print(json.dumps(out))
    else:
        for phase in ("search", "products", "import", "pictures"):
            r = out[phase]
            print(f"{phase:9} longest UI gap {r['max_ms']:7.1f} ms, p99 {r['p99_ms']:6.1f} ms, "
                  f"{r['took_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
