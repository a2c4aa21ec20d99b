"""Hostile and over-long fields on screen: what selecting such a record costs.

    python bench/long_fields.py --json

builds the hostile expo of the tests (``tests/hostile_data.py``: a 300,000-character name,
a 1 MB summary, HTML names pointing at a named pipe and at /dev/zero, bidi overrides), opens
the window offscreen and times, for each hostile exhibitor and for SiCarrier (the built-in
expo's fullest record) in the same run: ``select()`` plus a visit of every detail tab, the
product view, and a repaint of the window (``grab()``). Prints one JSON object (``--json``)
or a table. Before plain text everywhere, the 300,000-character name took 36 to 65 s here
and the named pipe hung the window for good.

Fields (ms, medians of ``--repeats``): ``select_ms`` per exhibitor, ``reference_ms`` for
SiCarrier, ``ratio_longname`` = longname / SiCarrier, ``display_text_us_1mb`` (one call of
``db.text.display_text`` on a 1 MB text, µs).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from PySide6.QtWidgets import QApplication

    from db.build import build
    from db.expo import open_expo
    from db.text import display_text
    from db.userdata import UserData
    from desktop.main_window import MainWindow
    from hostile_data import make_hostile_expo

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        hostile = make_hostile_expo(build(tmp / "builtin.sqlite"), tmp / "hostile")
        user = UserData(tmp / "user.sqlite")
        win = MainWindow(open_expo(hostile.path), user, None)
        win.resize(1600, 1000)
        win.show()
        app.processEvents()
        win.products_dock.show()

        def visit(slug: str) -> float:
            t0 = time.perf_counter()
            win.selection.select("exhibitor", slug)
            for tab in range(win.detail.tabs.count()):
                win.detail.tabs.setCurrentIndex(tab)
            products = win.expo.products_of(slug)
            if products:
                win.show_product(products[0]["slug"])
            app.processEvents()
            win.grab()
            return (time.perf_counter() - t0) * 1000

        slugs = ["sicarrier", *hostile.exhibitors]
        times: dict[str, list[float]] = {s: [] for s in slugs}
        for _ in range(args.repeats):
            for s in slugs:                 # interleaved: noise hits every record alike
                times[s].append(visit(s))
        select = {s: round(statistics.median(v), 1) for s, v in times.items()}
        big = "word " * 200_000
        t0 = time.perf_counter()
        for _ in range(100):
            display_text(big, 20_000)
        per_call = (time.perf_counter() - t0) / 100 * 1e6
        win.close()
        win.expo.close()
        user.close()
    result = {
        "select_ms": {s: v for s, v in select.items() if s != "sicarrier"},
        "reference_ms": select["sicarrier"],
        "ratio_longname": round(select[hostile.long_slug] / max(select["sicarrier"], 1e-3), 2),
        "display_text_us_1mb": round(per_call, 1),
        "repeats": args.repeats,
    }
    if args.json:
        print(json.dumps(result))
    else:
        for s, v in result["select_ms"].items():
            print(f"{s:14s} {v:8.1f} ms")
        print(f"{'sicarrier':14s} {result['reference_ms']:8.1f} ms (reference)")
        print(f"longname / sicarrier: {result['ratio_longname']}")
        print(f"display_text on 1 MB: {result['display_text_us_1mb']} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
