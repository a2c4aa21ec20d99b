"""Routes on an imported plan: the walking graph comes from the plan's own free space
(aisles between booths, the hall outline, the doors the plan shows or the user marks)."""
from __future__ import annotations

import random

import pytest

from db.expo import open_expo
from db.planimport import analyse
from db.planimport.synthetic import make_irregular_plan, make_plan
from db.routing import ENTRANCE, FreeSpaceGraph, RouteGraph, graph_for, plan_route
from tests.unit.test_routing import assert_distances_are_the_whole_graphs, check_leg_in_aisles


@pytest.fixture(scope="module")
def irregular(tmp_path_factory):
    """The irregular hall (staggered blocks, islands, a block on its side, one entrance
    on the south wall), imported into a new expo file."""
    tmp = tmp_path_factory.mktemp("irregular")
    plan = make_irregular_plan()
    res = analyse(plan.save(tmp / "hall7.pdf"), booth_size=(3, 3))
    expo_path = tmp / "hall7.sqlite"
    res.accept(expo_path)
    with open_expo(expo_path, readonly=True) as expo:
        graph = RouteGraph.from_expo(expo)
        rects = {b.code: (b.x, b.y, b.w, b.h) for b in expo.booths()}
    return plan, graph, rects


def test_an_imported_plan_gets_its_own_walking_graph(irregular):
    _, graph, rects = irregular
    assert isinstance(graph, FreeSpaceGraph)
    assert set(graph.booths) == set(rects)
    assert not any(graph.anchor(code).enclosed for code in rects)   # every booth faces an aisle


def test_routes_on_an_imported_plan_never_cross_a_booth(irregular):
    _, graph, rects = irregular
    rng = random.Random(11)
    codes = sorted(rects)
    for _ in range(25):
        route = plan_route(graph, ENTRANCE, rng.sample(codes, 5))
        assert len(route.legs) == 5
        for leg in route.legs:
            check_leg_in_aisles(graph, leg, rects)


def test_distances_on_an_imported_plan_are_the_whole_graphs(irregular):
    _, graph, rects = irregular
    assert_distances_are_the_whole_graphs(graph, random.Random(4).sample(sorted(rects), 12))


def test_the_route_enters_by_the_door_the_plan_shows(irregular):
    plan, graph, _ = irregular
    (door_side, door), = graph.halls[0]["doors"]
    assert door_side == "S"
    assert (graph.xs[door], graph.ys[door]) == pytest.approx(plan.notes["door_m"], abs=0.3)
    leg = plan_route(graph, ENTRANCE, ["B104"]).legs[0]
    dx, dy = graph.xs[door], graph.ys[door]
    # the walk from the street into the hall passes the wall at the door
    assert any(abs(p[0] - dx) < 1e-6 and abs(q[0] - dx) < 1e-6
               and min(p[1], q[1]) <= dy <= max(p[1], q[1])
               for p, q in zip(leg.points, leg.points[1:]))


def test_doors_the_user_marks_replace_the_default_ones(tmp_path):
    plan = make_irregular_plan(door=False)
    res = analyse(plan.save(tmp_path / "p.pdf"), booth_size=(3, 3))
    assert res.doors == []
    hall = res.halls_m()[0]
    res.add_door(hall["x"], hall["y"] + 20.0)              # on the west wall
    expo_path = tmp_path / "p.sqlite"
    res.accept(expo_path)
    with open_expo(expo_path, readonly=True) as expo:
        graph = RouteGraph.from_expo(expo)
        rects = {b.code: (b.x, b.y, b.w, b.h) for b in expo.booths()}
    ((side, door),) = graph.halls[0]["doors"]
    assert side == "W" and graph.xs[door] == pytest.approx(hall["x"])
    for leg in plan_route(graph, ENTRANCE, ["C108", "E2", "D402"]).legs:
        check_leg_in_aisles(graph, leg, rects)


def test_without_doors_each_wall_gets_one_where_an_aisle_meets_it(tmp_path):
    plan = make_plan("rects")
    res = analyse(plan.save(tmp_path / "p.pdf"), booth_size=(3, 3))
    res.accept(tmp_path / "p.sqlite")
    with open_expo(tmp_path / "p.sqlite", readonly=True) as expo:
        graph = RouteGraph.from_expo(expo)
        rects = {b.code: (b.x, b.y, b.w, b.h) for b in expo.booths()}
    assert sorted(s for s, _ in graph.halls[0]["doors"]) == ["E", "N", "S", "W"]
    rng = random.Random(5)
    for _ in range(10):
        for leg in plan_route(graph, ENTRANCE, rng.sample(sorted(rects), 4)).legs:
            check_leg_in_aisles(graph, leg, rects)


def test_the_builtin_expo_keeps_its_own_graph(expo_ro):
    assert type(RouteGraph.from_expo(expo_ro)) is RouteGraph


def test_marking_a_door_and_importing_again_gives_routes_the_new_door(tmp_path):
    """The graph kept for a floor is not reused once the plan is imported again with a
    door the user marked: the next route enters by that door."""
    plan = make_irregular_plan(door=False)
    res = analyse(plan.save(tmp_path / "p.pdf"), booth_size=(3, 3))
    expo_path = tmp_path / "p.sqlite"
    res.accept(expo_path)
    with open_expo(expo_path, readonly=True) as expo:
        before = graph_for(expo)
        assert isinstance(before, FreeSpaceGraph) and graph_for(expo) is before
        assert sorted(s for s, _ in before.halls[0]["doors"]) == ["E", "N", "S", "W"]
    hall = res.halls_m()[0]
    res.add_door(hall["x"], hall["y"] + 20.0)              # on the west wall
    res.accept(expo_path)
    with open_expo(expo_path, readonly=True) as expo:
        after = graph_for(expo)
        rects = {b.code: (b.x, b.y, b.w, b.h) for b in expo.booths()}
    assert after is not before
    ((side, door),) = after.halls[0]["doors"]
    assert side == "W" and (after.xs[door], after.ys[door]) == pytest.approx(
        (hall["x"], hall["y"] + 20.0))
    leg = plan_route(after, ENTRANCE, ["C108"]).legs[0]
    dx, dy = after.xs[door], after.ys[door]
    assert any(min(p[0], q[0]) - 1e-6 <= dx <= max(p[0], q[0]) + 1e-6      # through the door
               and min(p[1], q[1]) - 1e-6 <= dy <= max(p[1], q[1]) + 1e-6
               for p, q in zip(leg.points, leg.points[1:]))
    check_leg_in_aisles(after, leg, rects)
