"""Route benchmark: exact small routes against brute force, and 50 stops on 75,000 booths.

    python bench/route.py [--json] [--booths 75000] [--expo PATH]

Prints one line per case (one JSON object per line with ``--json``):

* small cases (4 to 10 stops) on the built-in expo: ``stops``, ``ms`` (plan_route
  from the entrance, distances included), ``length`` (metres) and ``optimum``
  (the brute-force shortest order over the same distances);
* 50-stop cases on the synthetic expo (``db.synthetic``, 75,000 booths by
  default): ``stops`` and ``ms`` for the route, plus ``graph_ms`` (building the
  walkable graph once per expo file, reused by every route afterwards).

Budget (DESIGN / issue 6): 50 stops on 75,000 booths within 1 s; exact up to 10.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.build import build  # noqa: E402
from db.expo import open_expo  # noqa: E402
from db.routing import ENTRANCE, RouteGraph, brute_force, plan_route  # noqa: E402


def emit(args, record: dict) -> None:
    if args.json:
        print(json.dumps(record), flush=True)
    else:
        extra = ""
        if "optimum" in record:
            extra = f"  length {record['length']:.1f} m, optimum {record['optimum']:.1f} m"
        print(f"{record['case']:<28} {record['stops']:3d} stops  {record['ms']:8.1f} ms{extra}",
              flush=True)


def small_cases(args, tmp: Path) -> None:
    expo = open_expo(build(tmp / "builtin.sqlite"), readonly=True)
    graph = RouteGraph.from_expo(expo)
    codes = sorted(graph.booths)
    rng = random.Random(2025)
    for n in (4, 5, 6, 7, 8, 9, 10):
        stops = rng.sample(codes, n)
        t0 = time.perf_counter()
        route = plan_route(graph, ENTRANCE, stops)
        ms = (time.perf_counter() - t0) * 1000
        anchors = [graph.anchor(ENTRANCE)] + [graph.anchor(c) for c in stops]
        D, _ = graph.distances(anchors)
        optimum, _ = brute_force(D)
        emit(args, {"case": f"builtin-{n}", "expo": "builtin", "stops": n, "ms": round(ms, 2),
                    "length": round(route.distance_m, 3), "optimum": round(optimum, 3),
                    "exact": route.exact})
    expo.close()


def synthetic_expo(args, tmp: Path) -> Path:
    if args.expo:
        return Path(args.expo)
    from db.synthetic import make_demo
    out = tmp / f"demo-{args.booths}.sqlite"
    make_demo(out, booths=args.booths, products=1000, seed=1)
    return out


def large_cases(args, tmp: Path) -> None:
    path = synthetic_expo(args, tmp)
    expo = open_expo(path, readonly=True)
    t0 = time.perf_counter()
    graph = RouteGraph.from_expo(expo)
    graph_ms = (time.perf_counter() - t0) * 1000
    n_booths = len(graph.booths)
    codes = sorted(graph.booths)
    rng = random.Random(75)
    for k in range(args.repeat):
        stops = rng.sample(codes, 50)
        t0 = time.perf_counter()
        route = plan_route(graph, ENTRANCE, stops)
        ms = (time.perf_counter() - t0) * 1000
        emit(args, {"case": f"synthetic-50-{k + 1}", "expo": path.name, "booths": n_booths,
                    "halls": len(graph.halls),
                    "levels": len({h["level"] for h in graph.halls}),
                    "graph_nodes": graph.node_count, "stops": 50, "ms": round(ms, 1),
                    "graph_ms": round(graph_ms, 1), "length": round(route.distance_m, 1),
                    "within_budget": ms < 1000})
    expo.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--booths", type=int, default=75000, help="synthetic expo size")
    p.add_argument("--expo", help="use this (synthetic) expo file instead of making one")
    p.add_argument("--repeat", type=int, default=3, help="50-stop routes to time")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-route-") as tmp:
        small_cases(args, Path(tmp))
        large_cases(args, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
