"""The walkable graph of a floor is built once and reused by every route on it, until the
floor changes: whoever changes it (this connection, another one, another process, an
import or a plan import that puts a new file in place)."""
from __future__ import annotations

import gc
import json
import subprocess
import sys
import threading
import weakref

import pytest

from db.expo import open_expo
from db.planimport.write import place_booths, rewrite_expo
from db.routing import ENTRANCE, GRAPHS_KEPT, RouteGraph, graph_for, plan_route
from db.synthetic import make_demo
import dbtest  # tests/dbtest.py


def rects_of(expo) -> dict[str, tuple[float, float, float, float]]:
    return {b.code: (b.x, b.y, b.w, b.h) for b in expo.booths() if b.placed}


def ends_at_front_of(leg, rect) -> bool:
    """Does the leg end on the edge of ``rect`` (the booth's front)?"""
    x, y, w, h = rect
    ex, ey = leg.points[-1]
    inside = x - 1e-9 <= ex <= x + w + 1e-9 and y - 1e-9 <= ey <= y + h + 1e-9
    return inside and (min(abs(ex - x), abs(ex - x - w)) < 1e-9
                       or min(abs(ey - y), abs(ey - y - h)) < 1e-9)


def walk_to(expo, code):
    return plan_route(graph_for(expo), ENTRANCE, [code]).legs[0]


def swap_places(conn, a: str, b: str) -> None:
    ra = conn.execute("SELECT hall, x, y, w, h FROM booths WHERE code = ?", (a,)).fetchone()
    rb = conn.execute("SELECT hall, x, y, w, h FROM booths WHERE code = ?", (b,)).fetchone()
    for code, (hall, x, y, w, h) in ((a, rb), (b, ra)):
        conn.execute("UPDATE booths SET hall = ?, x = ?, y = ?, w = ?, h = ? WHERE code = ?",
                     (hall, x, y, w, h, code))


# Two booths in different halls: 1B07 in hall 1, 3B03 in hall 3.
A, B = "1B07", "3B03"


def test_a_second_route_reuses_the_graph_built_for_the_first(expo_copy):
    with open_expo(expo_copy, readonly=True) as expo:
        graph = graph_for(expo)
        first = plan_route(graph, ENTRANCE, ["1C09", "4B03", A])
        assert graph_for(expo) is graph
        fresh = RouteGraph.from_expo(expo)
        assert first.distance_m == pytest.approx(
            plan_route(fresh, ENTRANCE, ["1C09", "4B03", A]).distance_m)
    # Another window or worker opening the unchanged file gets the same graph.
    with open_expo(expo_copy) as other:
        assert graph_for(other) is graph


def test_placing_booths_gives_the_next_route_the_new_floor(expo_copy):
    """Placing booths writes a new file in place of the old one (an import and a plan import
    do the same): a route on it walks to where the booth now stands."""
    window = open_expo(expo_copy)
    idle = open_expo(expo_copy, readonly=True)      # a second window, no route asked yet
    try:
        rects = rects_of(window)
        before = graph_for(window)
        assert ends_at_front_of(walk_to(window, A), rects[A])
        place_booths(expo_copy, [dict(zip("xywh", rects[B]), code=A),
                                 dict(zip("xywh", rects[A]), code=B)])
        # Asked only now, a window opened before still reads the file it opened; what it
        # gets must not be taken for the new file's floor.
        assert graph_for(idle) is before
        with open_expo(expo_copy, readonly=True) as reopened:
            after = graph_for(reopened)
            assert after is not before
            leg = walk_to(reopened, A)
            assert ends_at_front_of(leg, rects[B]) and not ends_at_front_of(leg, rects[A])
        # The window still reading the old file keeps the floor it shows.
        assert graph_for(window) is before
    finally:
        window.close()
        idle.close()


def test_a_change_committed_by_another_process_is_seen(expo_copy):
    window = open_expo(expo_copy)
    try:
        rects = rects_of(window)
        before = graph_for(window)
        assert graph_for(window) is before
        place = {r[5]: r[:5] for r in dbtest.query(window, 
            "SELECT hall, x, y, w, h, code FROM booths WHERE code IN (?, ?)", (A, B))}
        swapped = [place[B] + (A,), place[A] + (B,)]        # A where B stood, B where A stood
        code = (
            "import json, sqlite3, sys\n"
            "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "conn.execute('BEGIN')\n"
            "conn.executemany('UPDATE booths SET hall = ?, x = ?, y = ?, w = ?, h = ? '\n"
            "                 'WHERE code = ?', json.loads(sys.argv[2]))\n"
            "conn.execute('COMMIT')\n")
        subprocess.run([sys.executable, "-c", code, str(expo_copy), json.dumps(swapped)],
                       check=True, timeout=60)
        assert graph_for(window) is not before
        leg = walk_to(window, A)
        assert ends_at_front_of(leg, rects[B]) and not ends_at_front_of(leg, rects[A])
    finally:
        window.close()


def test_its_own_writes_are_seen(expo_copy):
    with open_expo(expo_copy) as expo:
        rects = rects_of(expo)
        before = graph_for(expo)
        conn = dbtest.own_connection(expo)
        conn.execute("BEGIN")
        swap_places(conn, A, B)
        conn.execute("COMMIT")
        assert graph_for(expo) is not before
        assert ends_at_front_of(walk_to(expo, A), rects[B])


def test_a_new_file_with_the_same_floor_keeps_the_graph(expo_copy):
    """A re-import that changes exhibitors but not the floor costs no new graph."""
    with open_expo(expo_copy, readonly=True) as expo:
        before = graph_for(expo)
    rewrite_expo(expo_copy, lambda conn: conn.execute(
        "UPDATE exhibitors SET name = name || ' (renamed)'"))
    with open_expo(expo_copy, readonly=True) as expo:
        assert dbtest.value(expo, "SELECT count(*) FROM exhibitors WHERE name LIKE "
                                  "'% (renamed)'") > 0
        assert graph_for(expo) is before


@pytest.fixture
def own_floor(tmp_path):
    """A floor no other test has (a small synthetic expo)."""
    path = tmp_path / "demo.sqlite"
    make_demo(path, booths=2000, products=10, seed=29)
    return path


def test_threads_asking_at_once_share_one_build(own_floor):
    """The window may plan a route in a worker while another asks for the same floor: all
    get one graph, built once (tried on eight new floors: a booth nudged each time)."""
    expos = [open_expo(own_floor, readonly=True) for _ in range(3)]
    askers = [expos[0], expos[0], expos[1], expos[2], expos[0], expos[1]]
    errors: list = []
    previous = None
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)         # threads take turns often: races show up
    try:
        with open_expo(own_floor) as editor:
            for _round in range(8):
                dbtest.own_connection(editor).execute(
                    "UPDATE booths SET x = x + 0.01 WHERE rowid = "
                    "(SELECT min(rowid) FROM booths WHERE placed)")
                start = threading.Barrier(len(askers))
                got: list = [None] * len(askers)

                def ask(i, expo):
                    try:
                        start.wait()
                        got[i] = graph_for(expo)
                    except BaseException as exc:      # reported below, not lost in the thread
                        errors.append(exc)
                threads = [threading.Thread(target=ask, args=(i, e))
                           for i, e in enumerate(askers)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join(60)
                assert not errors
                assert isinstance(got[0], RouteGraph) and got[0] is not previous
                assert all(g is got[0] for g in got)
                previous = got[0]
    finally:
        sys.setswitchinterval(switch)
        for e in expos:
            e.close()


def test_only_the_last_floors_are_kept(tmp_path):
    """Opening one expo after another does not pile up graphs in memory."""
    kept = []
    for seed in range(GRAPHS_KEPT + 1):
        path = tmp_path / f"demo{seed}.sqlite"
        make_demo(path, booths=300, products=5, seed=100 + seed)
        with open_expo(path, readonly=True) as expo:
            kept.append(weakref.ref(graph_for(expo)))
    gc.collect()
    assert kept[0]() is None
    assert all(ref() is not None for ref in kept[1:])
