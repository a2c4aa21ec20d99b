"""Walking routes: along the aisles, never through a booth, in the best order."""
from __future__ import annotations

import heapq
import json
import math
import random

import pytest

from db import cli, layout
from db.routing import (ENTRANCE, LEVEL_CHANGE_M, WALK_SPEED_M_S, RouteGraph, UnknownBooth,
                        brute_force, held_karp, heuristic_order, path_length, plan_route)


@pytest.fixture(scope="module")
def builtin(expo_ro):
    graph = RouteGraph.from_expo(expo_ro)
    rects = {b.code: (b.x, b.y, b.w, b.h) for b in expo_ro.booths()}
    return graph, rects


def two_level_floor():
    """Four layout.py halls: two on the ground, two stacked above them on level 1."""
    halls, booths = [], []
    for i in range(4):
        spec = layout.HallSpec(slug=f"h{i}", name=f"H{i}", number=i + 1, x=0, y=0,
                               level=i // 2, blocks=3, segments=3, per_segment=6)
        spec.x = (i % 2) * (spec.w + 14)
        halls.append({"slug": spec.slug, "level": spec.level, "x": spec.x, "y": spec.y,
                      "w": spec.w, "h": spec.h})
        booths += layout.hall_booths(spec, merge_rate=0.15, rng=random.Random(i))
    rects = {b["code"]: (b["x"], b["y"], b["w"], b["h"]) for b in booths}
    levels = {b["code"]: halls[int(b["hall"][1:])]["level"] for b in booths}
    graph = RouteGraph.build(halls, [(b["code"], b["hall"], b["x"], b["y"], b["w"], b["h"])
                                     for b in booths])
    return graph, rects, levels


@pytest.fixture(scope="module")
def stacked():
    return two_level_floor()


@pytest.fixture(scope="module")
def many_halls(tmp_path_factory):
    """A synthetic expo of 3,000 booths in 42 halls on two levels (streets between them)."""
    from db.expo import open_expo
    from db.synthetic import make_demo
    path = tmp_path_factory.mktemp("many") / "demo.sqlite"
    make_demo(path, booths=3000, products=10, seed=3)
    with open_expo(path, readonly=True) as expo:
        graph = RouteGraph.from_expo(expo)
        booths = expo.booths()
    index = {h["slug"]: h["level"] for h in graph.halls}
    rects = {b.code: (b.x, b.y, b.w, b.h) for b in booths if b.code in graph.booths}
    levels = {b.code: index[b.hall] for b in booths if b.code in graph.booths}
    return graph, rects, levels


def whole_graph_distance(graph, a, b) -> float:
    """The walking distance between two anchors by a plain search over every node of the
    graph (the reference for the two-level search the routes use)."""
    dist = [math.inf] * graph.node_count
    heap = []
    for node, off in a.seeds:
        if off < dist[node]:
            dist[node] = off
            heap.append((off, node))
    heapq.heapify(heap)
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        for v, w in graph.adj[u]:
            if d + w < dist[v]:
                dist[v] = d + w
                heapq.heappush(heap, (d + w, v))
    best = min(dist[node] + off for node, off in b.seeds)
    if a.line >= 0 and a.line == b.line:
        best = min(best, abs(a.t - b.t) + a.stub + b.stub)
    return best


def assert_distances_are_the_whole_graphs(graph, codes):
    anchors = [graph.anchor(ENTRANCE)] + [graph.anchor(c) for c in codes]
    D, _ = graph.distances(anchors)
    for i, a in enumerate(anchors):
        for j, b in enumerate(anchors):
            if i != j:
                assert D[i][j] == pytest.approx(whole_graph_distance(graph, a, b), abs=1e-6), \
                    (a.label, b.label)


# ------------------------------------------------------------------ geometry
def crosses_interior(p, q, rect) -> bool:
    """Does segment p-q pass through the open rectangle (touching its edge is fine)?"""
    x, y, w, h = rect
    eps = 1e-6
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for pk, qk in ((-dx, p[0] - (x + eps)), (dx, (x + w - eps) - p[0]),
                   (-dy, p[1] - (y + eps)), (dy, (y + h - eps) - p[1])):
        if abs(pk) < 1e-12:
            if qk <= 0:
                return False
        else:
            t = qk / pk
            if pk < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
    return t0 < t1


def polyline_length(points) -> float:
    return sum(math.dist(a, b) for a, b in zip(points, points[1:]))


def check_leg_in_aisles(graph, leg, rects, levels=None):
    pts = leg.points
    assert len(pts) >= 2
    for k, (p, q) in enumerate(zip(pts, pts[1:])):
        # Along aisles and streets only: every piece runs straight across or down the plan.
        assert abs(p[0] - q[0]) < 1e-9 or abs(p[1] - q[1]) < 1e-9, (leg.frm, leg.to, p, q)
        lv = leg.levels[k] if leg.levels[k] == leg.levels[k + 1] else None
        for code, rect in rects.items():
            if levels is not None and lv is not None and levels[code] != lv:
                continue  # a booth on another storey
            assert not crosses_interior(p, q, rect), (leg.frm, leg.to, p, q, code)
        # Walls are crossed at doors only.
        for hall in graph.halls:
            if levels is not None and lv is not None and hall["level"] != lv:
                continue
            hx0, hy0 = hall["x"], hall["y"]
            hx1, hy1 = hx0 + hall["w"], hy0 + hall["h"]
            doors = [(graph.xs[n], graph.ys[n]) for _, n in hall["doors"]]
            crossings = []
            if abs(p[1] - q[1]) < 1e-9 and hy0 < p[1] < hy1:      # across a west or east wall
                crossings += [(wx, p[1]) for wx in (hx0, hx1)
                              if min(p[0], q[0]) <= wx <= max(p[0], q[0])]
            if abs(p[0] - q[0]) < 1e-9 and hx0 < p[0] < hx1:      # across a north or south wall
                crossings += [(p[0], wy) for wy in (hy0, hy1)
                              if min(p[1], q[1]) <= wy <= max(p[1], q[1])]
            for c in crossings:
                if levels is not None and lv is None and any(
                        math.dist(c, end) < 1e-9 and leg.levels[k + i] != hall["level"]
                        for i, end in enumerate((p, q))):
                    continue    # stairs end at a door upstairs, above this hall's wall
                assert min(math.dist(c, d) for d in doors) < 1e-6, (leg.frm, leg.to, c)
    # The drawn line is as long as the distance given (plus storeys climbed).
    climbs = sum(abs(a - b) for a, b in zip(leg.levels, leg.levels[1:]))
    assert polyline_length(pts) + climbs * LEVEL_CHANGE_M == pytest.approx(leg.distance_m, abs=1e-6)
    # All moves are straight across or down the plan: never shorter than the L1 distance.
    assert leg.distance_m >= abs(pts[0][0] - pts[-1][0]) + abs(pts[0][1] - pts[-1][1]) - 1e-6


def test_legs_follow_aisles_and_never_cross_a_booth(builtin):
    graph, rects = builtin
    rng = random.Random(7)
    codes = sorted(rects)
    for _ in range(40):
        a, b = rng.sample(codes, 2)
        leg = graph.path(graph.anchor(a), graph.anchor(b))
        check_leg_in_aisles(graph, leg, rects)
    leg = graph.path(graph.anchor(ENTRANCE), graph.anchor("1C09"))  # SiCarrier's island
    check_leg_in_aisles(graph, leg, rects)


def test_legs_start_and_end_at_the_booth_fronts(builtin):
    graph, rects = builtin
    leg = graph.path(graph.anchor("1B07"), graph.anchor("3B03"))
    for code, end in (("1B07", leg.points[0]), ("3B03", leg.points[-1])):
        x, y, w, h = rects[code]
        on_edge = (x - 1e-9 <= end[0] <= x + w + 1e-9 and y - 1e-9 <= end[1] <= y + h + 1e-9
                   and (end[0] in (x, x + w) or end[1] in (y, y + h)))
        assert on_edge, (code, end)
    assert not any(graph.anchor(c).enclosed for c in rects)


def test_neighbours_on_one_aisle_walk_straight(builtin):
    graph, rects = builtin
    # Two booths of row A face the aisle along the north wall of hall 1.
    row_a = sorted((c for c in rects if c.startswith("1A")), key=lambda c: rects[c][0])
    a, b = row_a[1], row_a[4]
    leg = graph.path(graph.anchor(a), graph.anchor(b))
    xa = rects[a][0] + rects[a][2] / 2
    xb = rects[b][0] + rects[b][2] / 2
    stubs = 2 * (rects[a][1] - graph.halls[0]["y"]) / 2   # front to aisle centre, at both ends
    assert leg.distance_m == pytest.approx(abs(xb - xa) + stubs)
    assert len(leg.points) == 4


def test_distances_are_symmetric_and_obey_the_triangle_inequality(builtin):
    graph, rects = builtin
    rng = random.Random(3)
    codes = rng.sample(sorted(rects), 12)
    anchors = [graph.anchor(ENTRANCE)] + [graph.anchor(c) for c in codes]
    D, _ = graph.distances(anchors)
    for i in range(len(D)):
        for j in range(len(D)):
            if i != j:
                assert D[i][j] == pytest.approx(graph.path(anchors[i], anchors[j]).distance_m)
            for k in range(len(D)):
                assert D[i][j] <= D[i][k] + D[k][j] + 1e-6


@pytest.mark.parametrize("n,seed", [(4, 1), (5, 2), (6, 3), (7, 4), (8, 5)])
def test_small_routes_are_optimal_against_brute_force(builtin, n, seed):
    graph, rects = builtin
    rng = random.Random(seed)
    stops = rng.sample(sorted(rects), n)
    route = plan_route(graph, ENTRANCE, stops)
    assert route.exact and sorted(route.order) == sorted(stops)
    anchors = [graph.anchor(ENTRANCE)] + [graph.anchor(c) for c in stops]
    D, _ = graph.distances(anchors)
    optimum, _ = brute_force(D)
    assert route.distance_m == pytest.approx(optimum)
    # The legs chain up: entrance -> first stop -> ... -> last stop.
    assert [leg.frm for leg in route.legs] == [ENTRANCE] + route.order[:-1]
    assert [leg.to for leg in route.legs] == route.order
    for leg in route.legs:
        check_leg_in_aisles(graph, leg, rects)
    assert route.walk_min == pytest.approx(route.distance_m / WALK_SPEED_M_S / 60)


def test_distances_are_those_of_a_search_over_the_whole_graph(builtin, stacked, many_halls):
    """Routes search inside a hall and then over streets and doors only; the distances
    must be exactly those of a search over every aisle of the floor."""
    rng = random.Random(11)
    for graph, rects, *_ in (builtin, stacked, many_halls):
        assert_distances_are_the_whole_graphs(graph, rng.sample(sorted(rects), 14))
    graph, rects, _ = many_halls
    hall_of = {code: graph.booths[code][0] for code in rects}
    one_hall = [c for c in sorted(rects) if hall_of[c] == 5][:8]      # same hall, both ways
    assert_distances_are_the_whole_graphs(graph, one_hall)


def test_routes_between_many_halls_and_levels_stay_in_aisles(many_halls):
    graph, rects, levels = many_halls
    rng = random.Random(8)
    stops = (rng.sample(sorted(c for c in rects if levels[c] == 0), 3)
             + rng.sample(sorted(c for c in rects if levels[c] == 1), 3))
    route = plan_route(graph, ENTRANCE, stops)
    anchors = [graph.anchor(ENTRANCE)] + [graph.anchor(c) for c in route.order]
    assert route.distance_m == pytest.approx(brute_force(graph.distances(anchors)[0])[0])
    assert {lv for leg in route.legs for lv in leg.levels} == {0, 1}
    assert len({graph.booths[c][0] for c in stops}) >= 4                # streets between halls
    for leg in route.legs:
        check_leg_in_aisles(graph, leg, rects, levels)


def test_held_karp_matches_brute_force_on_random_matrices():
    rng = random.Random(11)
    for n in range(1, 8):
        for metric in (True, False):
            pts = [(rng.uniform(0, 100), rng.uniform(0, 100)) for _ in range(n + 1)]
            D = [[0.0] * (n + 1) for _ in range(n + 1)]
            for i in range(n + 1):
                for j in range(i + 1, n + 1):
                    d = (abs(pts[i][0] - pts[j][0]) + abs(pts[i][1] - pts[j][1]) if metric
                         else rng.uniform(1, 100))
                    D[i][j] = D[j][i] = d
            order = held_karp(D)
            assert sorted(order) == list(range(1, n + 1))
            assert path_length(D, order) == pytest.approx(brute_force(D)[0])


def test_heuristic_is_close_to_the_optimum_beyond_ten_stops(builtin):
    graph, rects = builtin
    for seed in (1, 2, 3):
        stops = random.Random(seed).sample(sorted(rects), 12)
        anchors = [graph.anchor(ENTRANCE)] + [graph.anchor(c) for c in stops]
        D, _ = graph.distances(anchors)
        exact = path_length(D, held_karp(D))
        heur = path_length(D, heuristic_order(D))
        assert exact - 1e-6 <= heur <= exact * 1.05
    route = plan_route(graph, ENTRANCE, random.Random(9).sample(sorted(rects), 25))
    assert not route.exact and len(route.order) == 25
    for leg in route.legs:
        check_leg_in_aisles(graph, leg, rects)


def test_own_order_is_kept_and_start_booth_is_not_a_stop(builtin):
    graph, _ = builtin
    mine = ["4B03", "1B07", "3B03", "1B07", "2B03"]
    route = plan_route(graph, "1C09", mine + ["1C09"], optimise=False)
    assert route.order == ["4B03", "1B07", "3B03", "2B03"]
    assert route.legs[0].frm == "1C09" and not route.exact
    best = plan_route(graph, "1C09", mine)
    assert best.distance_m <= route.distance_m


def test_unknown_booth_is_a_data_error(builtin):
    graph, _ = builtin
    with pytest.raises(UnknownBooth, match="9Z99"):
        plan_route(graph, ENTRANCE, ["1B07", "9Z99"])


def test_upper_level_is_reached_by_stairs_and_stays_in_aisles(stacked):
    graph, rects, levels = stacked
    low = next(c for c in sorted(rects) if levels[c] == 0)
    high = next(c for c in sorted(rects) if levels[c] == 1)
    leg = graph.path(graph.anchor(low), graph.anchor(high))
    assert set(leg.levels) == {0, 1}
    assert leg.distance_m >= LEVEL_CHANGE_M
    rng = random.Random(5)
    for _ in range(20):
        a, b = rng.sample(sorted(rects), 2)
        check_leg_in_aisles(graph, graph.path(graph.anchor(a), graph.anchor(b)), rects, levels)
    route = plan_route(graph, ENTRANCE, rng.sample(sorted(rects), 9))
    anchors = [graph.anchor(ENTRANCE)] + [graph.anchor(c) for c in route.order]
    D, _ = graph.distances(anchors)
    assert route.distance_m == pytest.approx(brute_force(D)[0])


def test_route_command_prints_json(built_expo, capsys):
    rc = cli.main(["route", "--expo", str(built_expo), "--from", "entrance",
                   "--stops", "1C09,4B03,1B07,2B03", "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert sorted(out["order"]) == ["1B07", "1C09", "2B03", "4B03"]
    assert [leg["to"] for leg in out["legs"]] == out["order"]
    assert out["legs"][0]["from"] == "entrance"
    assert out["distance_m"] == pytest.approx(sum(leg["distance_m"] for leg in out["legs"]),
                                              abs=0.2)
    assert out["walk_min"] == pytest.approx(out["distance_m"] / WALK_SPEED_M_S / 60, abs=0.1)


def test_route_command_from_a_booth(built_expo, capsys):
    assert cli.main(["route", "--expo", str(built_expo), "--from", "1C09",
                     "--stops", "1B07,1B16", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["legs"][0]["from"] == "1C09" and len(out["order"]) == 2


def test_route_command_refuses_bad_booth_codes_in_one_line(built_expo, capsys):
    rc = cli.main(["route", "--expo", str(built_expo), "--from", "1C09",
                   "--stops", "1B07,NOPE1", "--json"])
    err = capsys.readouterr().err
    assert rc == 1
    assert err.count("\n") == 1 and "NOPE1" in err and "Traceback" not in err
