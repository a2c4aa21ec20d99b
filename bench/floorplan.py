"""Floor-plan benchmark: the program's own scene and view against a bare reference.

    python bench/floorplan.py --booths 75000 --json

makes (or reuses) a synthetic demo expo of that size, opens its floor plan with
the program's classes (``FloorScene``/``FloorView``) in an offscreen window and
measures, then draws the same booths as plain ``QGraphicsRectItem``s (no
labels, Qt's default BSP index) in the same process, so ratios can be read off
one run on a noisy machine. Prints one JSON object (``--json``) or a table.

Fields (ms unless named otherwise; p50/p95 are medians / 95th percentiles):
  open_s                 expo file opened to the first frame of the plan on screen
  repaint_ms_p50/95_fit  one repaint after a small pan (a drag), fit-all view
  repaint_ms_p50/95_zoom the same at a close-up where booth codes and names show
  pan_settle_ms_p50      a small pan to the sharp picture (new tiles drawn)
  zoom_step_ms_p50       one wheel step to the next frame on screen
  zoom_settle_ms_p50     one wheel step to the sharp final picture (steps alternate in and
                         out, so most of them land on a zoom drawn before)
  zoom_cold_ms_p50/95    the same for wheel steps in to zooms never drawn before (tile
                         cache emptied first), from fit-all and from the close-up
  hit_test_ms_p50        the booth under the mouse
  rss_mb                 resident memory after the measurements
  ref_*                  the same for the bare reference
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    except Exception:
        return float("nan")


def pct(values, q):
    if not values:
        return None
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(q / 100 * (len(values) - 1)))))
    return round(values[k], 3)


def ensure_demo(booths: int, products: int, seed: int, path: str | None) -> Path:
    from db.synthetic import make_demo
    if path:
        p = Path(path)
    else:
        p = Path(tempfile.gettempdir()) / "wesemibay-bench" / f"demo-{booths}-{products}-{seed}.sqlite"
    if not p.exists():
        print(f"making {p} ...", file=sys.stderr)
        make_demo(p, booths=booths, products=products, seed=seed)
    return p


def timed_repaint(view) -> float:
    t = time.perf_counter()
    view.viewport().repaint()
    return (time.perf_counter() - t) * 1000


def wheel(view, steps: int):
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication
    pos = QPointF(view.viewport().rect().center())
    ev = QWheelEvent(pos, QPointF(view.viewport().mapToGlobal(pos.toPoint())), QPoint(0, 0),
                     QPoint(0, 120 * steps), Qt.MouseButton.NoButton,
                     Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), ev)


def pan(view, dx: int, dy: int) -> None:
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() + dx)
    view.verticalScrollBar().setValue(view.verticalScrollBar().value() + dy)


def measure_program(path: Path, size, samples: int) -> dict:
    from PySide6.QtWidgets import QApplication

    from db.expo import open_expo
    from desktop.floorplan.scene import FloorScene
    from desktop.floorplan.view import LABEL_PX_PER_M, FloorView

    out: dict = {}
    t0 = time.perf_counter()
    expo = open_expo(path, readonly=True)
    scene = FloorScene(expo)
    view = FloorView(scene, "Synthetic data")
    view.resize(*size)
    view.show()
    QApplication.processEvents()
    view.fit_all()
    view.viewport().repaint()
    out["open_s"] = round(time.perf_counter() - t0, 3)
    out["booths"] = len(scene.data.codes)
    out["levels"] = len(scene.levels)
    out["booths_on_level"] = len(scene.levels[scene.level].ids)
    view.settle()

    def pans(n):
        times, settles = [], []
        for k in range(n):
            d = 24 if k % 2 == 0 else -24
            scene.mark_interactive()       # as a drag does
            t = time.perf_counter()
            pan(view, d, d // 2)
            times.append(timed_repaint(view))
            view.settle()
            settles.append((time.perf_counter() - t) * 1000)
        return times, settles

    fit, fit_settle = pans(samples)
    out["repaint_ms_p50_fit"] = pct(fit, 50)
    out["repaint_ms_p95_fit"] = pct(fit, 95)
    # Close-up: booth codes and exhibitor names readable.
    lvl = scene.levels[scene.level]
    target = lvl.ids[len(lvl.ids) // 2]
    view.fly_to([target], min_px_per_m=LABEL_PX_PER_M * 1.4)
    view.settle()
    zoom, zoom_settle = pans(samples)
    out["repaint_ms_p50_zoom"] = pct(zoom, 50)
    out["repaint_ms_p95_zoom"] = pct(zoom, 95)
    out["pan_settle_ms_p50"] = pct(fit_settle + zoom_settle, 50)
    out["zoom_px_per_m"] = round(view.scale_factor(), 2)
    # Wheel steps, alternating in and out, from fit-all and from the close-up.
    steps, settles, by_start = [], [], {}
    for start in ("fit", "close"):
        if start == "fit":
            view.fit_all()
        view.settle()
        for k in range(samples):
            t = time.perf_counter()
            wheel(view, 1 if k % 2 == 0 else -1)
            view.viewport().repaint()
            steps.append((time.perf_counter() - t) * 1000)
            view.settle()
            settles.append((time.perf_counter() - t) * 1000)
            by_start.setdefault(start, []).append(settles[-1])
        if start == "fit":
            view.fly_to([target], min_px_per_m=LABEL_PX_PER_M * 1.4)
    out["zoom_step_ms_p50"] = pct(steps, 50)
    out["zoom_step_ms_p95"] = pct(steps, 95)
    out["zoom_settle_ms_p50"] = pct(settles, 50)
    out["zoom_settle_ms_p95"] = pct(settles, 95)
    out["zoom_settle_ms_p50_fit"] = pct(by_start["fit"], 50)
    out["zoom_settle_ms_p50_close"] = pct(by_start["close"], 50)
    # Cold steps: every step in lands on a zoom with no tile drawn yet.
    cold = []
    for start in ("fit", "close"):
        if start == "fit":
            view.fit_all()
        else:
            view.fly_to([target], min_px_per_m=LABEL_PX_PER_M * 1.4)
        view.settle()
        scene.tiles.tiles.clear()
        for k in range(6):
            t = time.perf_counter()
            wheel(view, 1)
            view.viewport().repaint()
            view.settle()
            cold.append((time.perf_counter() - t) * 1000)
    out["zoom_cold_ms_p50"] = pct(cold, 50)
    out["zoom_cold_ms_p95"] = pct(cold, 95)
    out["zoom_cold_ms_max"] = round(max(cold), 3)
    # Hit test: points spread over the level.
    rng = random.Random(7)
    b = lvl.bounds
    pts = [(b.left() + rng.random() * b.width(), b.top() + rng.random() * b.height())
           for _ in range(2000)]
    from PySide6.QtCore import QPointF
    qpts = [QPointF(x, y) for x, y in pts]
    scene.booth_at(qpts[0])
    times = []
    for p in qpts:
        t = time.perf_counter()
        scene.booth_at(p)
        times.append((time.perf_counter() - t) * 1000)
    out["hit_test_ms_p50"] = pct(times, 50)
    out["hit_test_ms_p95"] = pct(times, 95)
    out["rss_mb"] = round(rss_mb(), 1)
    view.close()
    scene.close()
    expo.close()
    return out


def measure_reference(path: Path, size, samples: int) -> dict:
    """Plain QGraphicsRectItem per booth (the level the program shows), no labels."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QTransform
    from PySide6.QtWidgets import QApplication, QGraphicsRectItem, QGraphicsScene, QGraphicsView

    from db.expo import open_expo
    out: dict = {}
    rss0 = rss_mb()
    t0 = time.perf_counter()
    expo = open_expo(path, readonly=True)
    hall_level = {h["slug"]: h["level"] for h in expo.halls()}
    level = min(hall_level.values(), default=0) or 0
    colors = {z["slug"]: z["color"] for z in expo.zones()}
    rows = [(b.x, b.y, b.w, b.h, colors.get(b.zone)) for b in expo.booths()
            if b.hall in hall_level and hall_level[b.hall] == level]
    scene = QGraphicsScene()
    pens, brushes = {}, {}
    for x, y, w, h, color in rows:
        color = color or "#cccccc"
        if color not in brushes:
            brushes[color] = QBrush(QColor(color))
            pens[color] = QPen(QColor(color).darker(160), 0)
        item = QGraphicsRectItem(x, y, w, h)
        item.setBrush(brushes[color])
        item.setPen(pens[color])
        scene.addItem(item)
    view = QGraphicsView(scene)
    view.setRenderHints(QPainter.RenderHint.Antialiasing)
    view.resize(*size)
    view.show()
    QApplication.processEvents()
    bounds = scene.itemsBoundingRect()
    view.fitInView(bounds)
    view.viewport().repaint()
    out["ref_open_s"] = round(time.perf_counter() - t0, 3)
    out["ref_booths"] = len(rows)

    def pans(n):
        times = []
        for k in range(n):
            d = 24 if k % 2 == 0 else -24
            pan(view, d, d // 2)
            times.append(timed_repaint(view))
        return times

    fit = pans(samples)
    out["ref_repaint_ms_p50_fit"] = pct(fit, 50)
    out["ref_repaint_ms_p95_fit"] = pct(fit, 95)
    view.setTransform(QTransform.fromScale(20, 20))
    mid = rows[len(rows) // 2]
    view.centerOn(QPointF(mid[0] + mid[2] / 2, mid[1] + mid[3] / 2))  # a booth, as ours
    view.viewport().repaint()
    zoom = pans(samples)
    out["ref_repaint_ms_p50_zoom"] = pct(zoom, 50)
    out["ref_repaint_ms_p95_zoom"] = pct(zoom, 95)
    steps = []
    view.fitInView(bounds)
    view.viewport().repaint()
    for k in range(samples):
        f = 1.25 if k % 2 == 0 else 0.8
        t = time.perf_counter()
        view.scale(f, f)
        view.viewport().repaint()
        steps.append((time.perf_counter() - t) * 1000)
    out["ref_zoom_step_ms_p50"] = pct(steps, 50)
    out["ref_zoom_settle_ms_p50"] = pct(steps, 50)  # nothing more to wait for
    rng = random.Random(7)
    pts = [QPointF(bounds.left() + rng.random() * bounds.width(),
                   bounds.top() + rng.random() * bounds.height()) for _ in range(300)]
    t_ident = QTransform()
    times = []
    for p in pts:
        t = time.perf_counter()
        scene.itemAt(p, t_ident)
        times.append((time.perf_counter() - t) * 1000)
    out["ref_hit_test_ms_p50"] = pct(times, 50)
    out["ref_rss_mb_added"] = round(rss_mb() - rss0, 1)
    view.close()
    expo.close()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--booths", type=int, default=75000)
    ap.add_argument("--products", type=int, default=2000,
                    help="products in the demo expo (they do not affect the plan)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--expo", help="use this expo file instead of a demo one")
    ap.add_argument("--size", default="1600x1000")
    ap.add_argument("--samples", type=int, default=15)
    ap.add_argument("--ref-samples", type=int, default=5)
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    size = tuple(int(v) for v in args.size.lower().split("x"))
    path = Path(args.expo) if args.expo else ensure_demo(args.booths, args.products, args.seed, None)
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication([sys.argv[0]])  # noqa: F841
    result = {"expo": str(path), "view": args.size}
    result.update(measure_program(path, size, args.samples))
    if not args.no_reference:
        result.update(measure_reference(path, size, args.ref_samples))
        for k in ("repaint_ms_p50_fit", "repaint_ms_p50_zoom", "zoom_step_ms_p50",
                  "hit_test_ms_p50"):
            ref, ours = result.get("ref_" + k), result.get(k)
            if ref and ours:
                result["ratio_" + k] = round(ours / ref, 4)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        for k, v in result.items():
            print(f"{k:28s} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
