"""Floor-plan benchmark: the program's own scene and view against a bare reference.

    python bench/floorplan.py --booths 75000 --json
    python bench/floorplan.py --expo demo.sqlite --dpr 1,2 --json

makes (or reuses) a synthetic demo expo of that size, opens its floor plan with
the program's classes (``FloorScene``/``FloorView``) in an offscreen window and
measures, then draws the same booths as plain ``QGraphicsRectItem``s (no
labels, Qt's default BSP index) in the same process, so ratios can be read off
one run on a noisy machine. Prints one JSON object (``--json``) or a table.

``--dpr 2`` measures on a screen of device pixel ratio 2 (a HiDPI screen, Qt's
``QT_SCALE_FACTOR``; the view keeps its logical size, so it has four times the
pixels); ``--dpr 1,2`` measures at both in one run, each ratio in its own
process (memory is per process), alternating ``--rounds`` times, and reports
the fields per ratio (medians of the rounds), the ratios 2x / 1x and the
budgets. ``--window`` measures the plan inside the whole main window (panels,
directory, search) instead of a bare view: its ``rss_mb`` is the window's.

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
  tile_cache_mb          what the plan's tiles held at the end (bounded in bytes)
  dpr                    the device pixel ratio measured at
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


def measure_program(path: Path, size, samples: int, window: bool = False,
                    underlay: bool = True) -> dict:
    from PySide6.QtWidgets import QApplication

    from db.expo import open_expo
    from desktop.floorplan.scene import FloorScene
    from desktop.floorplan.view import LABEL_PX_PER_M, FloorView

    out: dict = {"dpr": QApplication.primaryScreen().devicePixelRatio()}
    t0 = time.perf_counter()
    expo = open_expo(path, readonly=True)
    user = win = None
    if window:
        from db.userdata import UserData
        from desktop.main_window import MainWindow
        tmp = tempfile.TemporaryDirectory(prefix="wesemibay-bench-")
        user = UserData(Path(tmp.name) / "user.sqlite")
        win = MainWindow(expo, user, settings=None)
        win.resize(*size)
        win.show()
        scene, view = win.scene, win.view
    else:
        scene = FloorScene(expo)
        view = FloorView(scene, "Synthetic data")
        view.resize(*size)
        view.show()
    QApplication.processEvents()
    view.fit_all()
    view.viewport().repaint()
    out["open_s"] = round(time.perf_counter() - t0, 3)
    out["plan_px"] = f"{view.viewport().width()}x{view.viewport().height()}"
    out["booths"] = len(scene.data.codes)
    out["levels"] = len(scene.levels)
    out["booths_on_level"] = len(scene.levels[scene.level].ids)
    view.settle()
    if scene.underlays:     # an imported plan: its picture under the booths (or not)
        scene.set_underlay_visible(underlay)
        end = time.perf_counter() + 10
        while underlay and not scene.render_state.underlay and time.perf_counter() < end:
            QApplication.processEvents()
            time.sleep(0.005)
        view.settle()
    out["underlay"] = bool(scene.render_state.underlay)

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
        scene.tiles.clear()
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
    out["tile_cache_mb"] = round(scene.tiles.bytes / 2 ** 20, 1)
    if win is not None:
        win.close()
        user.close()
        tmp.cleanup()
    else:
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


# DESIGN section 6, on this machine: (field, budget, unit).
BUDGETS = [
    ("repaint_ms_p50_fit", 16, "ms"), ("repaint_ms_p95_fit", 16, "ms"),
    ("repaint_ms_p50_zoom", 16, "ms"), ("repaint_ms_p95_zoom", 16, "ms"),
    ("zoom_step_ms_p50", 16, "ms"), ("zoom_step_ms_p95", 16, "ms"),
    ("zoom_settle_ms_p50", 150, "ms"), ("zoom_settle_ms_p95", 150, "ms"),
    ("zoom_cold_ms_p50", 150, "ms"), ("zoom_cold_ms_p95", 150, "ms"),
    ("hit_test_ms_p50", 1, "ms"), ("hit_test_ms_p95", 1, "ms"),
    ("rss_mb", 400, "MB"),
]
# Fields compared between ratios (the figure at the higher ratio over the one at 1).
COMPARED = ["repaint_ms_p50_fit", "repaint_ms_p95_fit", "repaint_ms_p50_zoom",
            "repaint_ms_p95_zoom", "pan_settle_ms_p50", "zoom_step_ms_p50", "zoom_step_ms_p95",
            "zoom_settle_ms_p50", "zoom_settle_ms_p95", "zoom_cold_ms_p50", "zoom_cold_ms_p95",
            "hit_test_ms_p50", "rss_mb", "tile_cache_mb", "open_s"]


def budget_check(result: dict) -> dict:
    return {k: {"value": result.get(k), "budget": b, "ok": result.get(k) is not None
                and result[k] <= b} for k, b, _unit in BUDGETS}


def median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    n = len(values)
    return values[n // 2] if n % 2 else round((values[n // 2 - 1] + values[n // 2]) / 2, 3)


def run_ratios(args, argv) -> dict:
    """Each ratio in its own process (fresh memory; Qt's scale is fixed per process),
    alternating, so that a shared machine's noise hits every ratio alike."""
    import subprocess
    ratios = [r.strip() for r in args.dpr.split(",") if r.strip()]
    child = [a for a in (argv if argv is not None else sys.argv[1:])]
    k = 0
    while k < len(child):           # drop --dpr and its value
        if child[k] == "--dpr":
            del child[k:k + 2]
        elif child[k].startswith("--dpr="):
            del child[k]
        else:
            k += 1
    runs: dict[str, list[dict]] = {r: [] for r in ratios}
    for n in range(args.rounds):
        order = ratios if n % 2 == 0 else list(reversed(ratios))
        for r in order:
            env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=r)
            env.pop("QT_SCREEN_SCALE_FACTORS", None)
            env.pop("QT_ENABLE_HIGHDPI_SCALING", None)
            proc = subprocess.run([sys.executable, str(Path(__file__).resolve())] + child
                                  + ["--json"], env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"floorplan bench at dpr {r} failed:\n{proc.stderr}")
            runs[r].append(json.loads(proc.stdout))
    out: dict = {"expo": None, "view": args.size, "rounds": args.rounds, "dpr": {}}
    for r, results in runs.items():
        merged = dict(results[0])
        for key, value in results[0].items():
            values = [res.get(key) for res in results]
            if isinstance(value, (int, float)) and not isinstance(value, bool) \
                    and len(set(values)) > 1:
                merged[key] = median(values)
        out["expo"] = merged.pop("expo", None)
        merged.pop("view", None)
        merged.pop("budgets", None)         # checked below, on the medians
        if merged.get("dpr") != float(r):
            raise SystemExit(f"floorplan bench: asked for dpr {r}, the screen had "
                             f"{merged.get('dpr')}")
        out["dpr"][r] = merged
    base = ratios[0]
    for r in ratios[1:]:
        out[f"ratio_{r}x_to_{base}x"] = {
            k: round(out["dpr"][r][k] / out["dpr"][base][k], 3) for k in COMPARED
            if out["dpr"][r].get(k) and out["dpr"][base].get(k)}
    out["budgets"] = {r: budget_check(res) for r, res in out["dpr"].items()}
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
    ap.add_argument("--window", action="store_true",
                    help="measure the plan inside the whole main window")
    ap.add_argument("--dpr", help="device pixel ratio(s) to measure at, e.g. 2 or 1,2 "
                    "(each in its own process)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="with --dpr: processes per ratio, alternating")
    ap.add_argument("--no-underlay", action="store_true",
                    help="an imported plan: measure without its picture under the booths")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    size = tuple(int(v) for v in args.size.lower().split("x"))
    if args.dpr:
        try:
            ratios = [float(r) for r in args.dpr.split(",") if r.strip()]
        except ValueError:
            ratios = []
        if not ratios or min(ratios) <= 0 or args.rounds < 1:
            ap.error("--dpr takes ratios such as 2 or 1,2 (and --rounds a count from 1)")
    path = Path(args.expo) if args.expo else ensure_demo(args.booths, args.products, args.seed, None)
    if args.dpr:
        print(json.dumps(run_ratios(args, argv), indent=1))     # nested: JSON either way
        return 0
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication([sys.argv[0]])  # noqa: F841
    result = {"expo": str(path), "view": args.size}
    result.update(measure_program(path, size, args.samples, args.window,
                                  underlay=not args.no_underlay))
    if not args.no_reference:
        result.update(measure_reference(path, size, args.ref_samples))
        for k in ("repaint_ms_p50_fit", "repaint_ms_p50_zoom", "zoom_step_ms_p50",
                  "hit_test_ms_p50"):
            ref, ours = result.get("ref_" + k), result.get(k)
            if ref and ours:
                result["ratio_" + k] = round(ours / ref, 4)
    result["budgets"] = budget_check(result)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        for k, v in result.items():
            print(f"{k:28s} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
