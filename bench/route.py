"""Route benchmark: exact small routes against brute force, and 50 stops on 75,000 booths.

    python bench/route.py [--json] [--booths 75000] [--expo PATH] [--repeat 3]

Prints one line per case (one JSON object per line with ``--json``):

* small cases (4 to 10 stops) on the built-in expo: ``stops``, ``ms`` (plan_route
  from the entrance, distances included), ``length`` (metres) and ``optimum``
  (the brute-force shortest order over the same distances);
* 50-stop cases on the synthetic expo (``db.synthetic``, 75,000 booths by
  default), the way the window plans them (``graph_for``, then ``plan_route``):
  first ``synthetic-50-first-second``, in one run: ``first_route_ms`` (the
  walkable graph built, then the route), ``graph_ms`` (the build within it),
  ``second_route_ms`` (another 50 stops, the graph reused), ``reopen_route_ms``
  (a route through a new connection on the unchanged file: the floor read and
  recognised, not rebuilt), ``graph_mb`` (memory the graph keeps, by
  ``tracemalloc``) and ``graph_nodes``; then ``synthetic-50-N``: ``ms`` for
  ``--repeat`` more routes on the reused graph, with ``graph_ms`` beside them.

Budgets (DESIGN, issues 6 and 12): 50 stops on 75,000 booths within 1 s with the graph
reused (``second_route_ms``, every ``ms``), within 1.5 s with the graph built
(``first_route_ms``); exact up to 10 stops.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.build import build  # noqa: E402
from db.expo import open_expo  # noqa: E402
from db.routing import ENTRANCE, RouteGraph, brute_force, graph_for, plan_route  # noqa: E402


def emit(args, record: dict) -> None:
    if args.json:
        print(json.dumps(record), flush=True)
    elif "first_route_ms" in record:
        print(f"{record['case']:<28} {record['stops']:3d} stops  first "
              f"{record['first_route_ms']:.1f} ms (graph {record['graph_ms']:.1f} ms, "
              f"{record['graph_mb']:.1f} MB), second {record['second_route_ms']:.1f} ms, "
              f"new connection {record['reopen_route_ms']:.1f} ms", flush=True)
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


def timed_route(expo, stops) -> tuple[float, float, object, object]:
    """(ms for the whole route, ms to get the graph, graph, route), as the window plans one."""
    t0 = time.perf_counter()
    graph = graph_for(expo)
    t1 = time.perf_counter()
    route = plan_route(graph, ENTRANCE, stops)
    t2 = time.perf_counter()
    return (t2 - t0) * 1000, (t1 - t0) * 1000, graph, route


def graph_megabytes(expo) -> float:
    """Memory a freshly built graph of ``expo`` keeps (the build's temporaries freed)."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        graph = RouteGraph.from_expo(expo)
        kept = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    del graph
    return kept / 1e6


def large_cases(args, tmp: Path) -> None:
    path = synthetic_expo(args, tmp)
    expo = open_expo(path, readonly=True)
    codes = sorted(b.code for b in expo.booths() if b.placed and b.w > 0 and b.h > 0)
    rng = random.Random(75)
    first_ms, graph_ms, graph, first = timed_route(expo, rng.sample(codes, 50))
    second_ms, _, again, second = timed_route(expo, rng.sample(codes, 50))
    other = open_expo(path, readonly=True)
    reopen_ms, _, reopened, _ = timed_route(other, rng.sample(codes, 50))
    other.close()
    levels = len({h["level"] for h in graph.halls})
    emit(args, {"case": "synthetic-50-first-second", "expo": path.name, "booths": len(graph.booths),
                "halls": len(graph.halls), "levels": levels, "graph_nodes": graph.node_count,
                "stops": 50, "first_route_ms": round(first_ms, 1), "graph_ms": round(graph_ms, 1),
                "second_route_ms": round(second_ms, 1), "reopen_route_ms": round(reopen_ms, 1),
                "reused": again is graph and reopened is graph,
                "graph_mb": round(graph_megabytes(expo), 1),
                "length": round(first.distance_m, 1), "second_length": round(second.distance_m, 1),
                "within_budget": first_ms <= 1500 and second_ms <= 1000})
    for k in range(args.repeat):
        ms, _, _, route = timed_route(expo, rng.sample(codes, 50))
        emit(args, {"case": f"synthetic-50-{k + 1}", "expo": path.name, "booths": len(graph.booths),
                    "halls": len(graph.halls), "levels": levels,
                    "graph_nodes": graph.node_count, "stops": 50, "ms": round(ms, 1),
                    "graph_ms": round(graph_ms, 1), "length": round(route.distance_m, 1),
                    "within_budget": ms < 1000})
    expo.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--booths", type=int, default=75000, help="synthetic expo size")
    p.add_argument("--expo", help="use this (synthetic) expo file instead of making one")
    p.add_argument("--repeat", type=int, default=3,
                   help="more 50-stop routes to time on the reused graph")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-route-") as tmp:
        small_cases(args, Path(tmp))
        large_cases(args, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
