"""The synthetic demo expo: exact sizes, deterministic, marked synthetic, searchable."""
from __future__ import annotations

import hashlib
import sqlite3

import pytest

from db.cli import check, main
from db.expo import open_expo
from db.search import search
from db.synthetic import make_demo
import dbtest  # tests/dbtest.py


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    make_demo(path, booths=1500, products=6000, seed=3)
    return path


def _digest(path) -> str:
    conn = sqlite3.connect(path)
    h = hashlib.sha256()
    for table, key in (("booths", "code"), ("exhibitors", "slug"), ("booth_exhibitors", "booth, exhibitor"),
                       ("products", "slug"), ("halls", "slug")):
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY {key}"):
            h.update(repr(row).encode())
    conn.close()
    return h.hexdigest()


def test_sizes_are_exact_and_file_is_marked_synthetic(demo):
    with open_expo(demo, readonly=True) as expo, dbtest.connect(expo) as c:
        assert c.execute("SELECT count(*) FROM booths").fetchone()[0] == 1500
        assert c.execute("SELECT count(*) FROM exhibitors").fetchone()[0] == 600
        assert c.execute("SELECT count(*) FROM products").fetchone()[0] == 6000
        meta = expo.meta()
        assert meta["synthetic"] == 1
        assert "synthetic" in meta["name"].lower()
    assert check(str(demo)) == []


def test_looks_like_a_show(demo):
    with open_expo(demo, readonly=True) as expo, dbtest.connect(expo) as c:
        levels = {r[0] for r in c.execute("SELECT level FROM halls")}
        assert len(levels) >= 2
        assert c.execute("SELECT count(DISTINCT zone) FROM halls").fetchone()[0] >= 5
        sizes = {(w, h) for w, h in c.execute("SELECT w, h FROM booths")}
        assert len(sizes) >= 3                       # standard, double, island, deeper ones
        per_ex = [n for (n,) in c.execute(
            "SELECT count(*) FROM booth_exhibitors GROUP BY exhibitor")]
        assert min(per_ex) == 1 and max(per_ex) >= 4  # one booth or several
        shared = c.execute("SELECT count(*) FROM (SELECT booth FROM booth_exhibitors "
                           "GROUP BY booth HAVING count(*) > 1)").fetchone()[0]
        assert shared >= 1                           # co-exhibitors now and then
        # Booths of one hall never overlap, and all lie inside their hall.
        halls = {s: (x, y, w, h) for s, x, y, w, h in c.execute("SELECT slug, x, y, w, h FROM halls")}
        by_hall: dict[str, list] = {}
        for code, hall, x, y, w, h in c.execute("SELECT code, hall, x, y, w, h FROM booths"):
            hx, hy, hw, hh = halls[hall]
            assert hx <= x and x + w <= hx + hw + 1e-6 and hy <= y and y + h <= hy + hh + 1e-6
            by_hall.setdefault(hall, []).append((x, y, w, h))
        for rects in by_hall.values():
            rects.sort()
            for i, (x, y, w, h) in enumerate(rects):
                for x2, y2, w2, h2 in rects[i + 1:i + 40]:
                    overlap = min(x + w, x2 + w2) - max(x, x2) > 1e-6 and \
                        min(y + h, y2 + h2) - max(y, y2) > 1e-6
                    assert not overlap
        # Neighbouring booths of one exhibitor are side by side.
        ex = c.execute("SELECT exhibitor FROM booth_exhibitors GROUP BY exhibitor "
                       "HAVING count(*) = 3 LIMIT 1").fetchone()[0]
        ys = {y for (y,) in c.execute("SELECT b.y FROM booths b JOIN booth_exhibitors e "
                                      "ON e.booth = b.code WHERE e.exhibitor = ?", (ex,))}
        assert len(ys) <= 2


def test_same_seed_same_file_other_seed_other_file(demo, tmp_path):
    again = tmp_path / "again.sqlite"
    make_demo(again, booths=1500, products=6000, seed=3)
    assert _digest(again) == _digest(demo)
    other = tmp_path / "other.sqlite"
    make_demo(other, booths=1500, products=6000, seed=4)
    assert _digest(other) != _digest(demo)


@pytest.mark.parametrize("query", ["drill", "stainless", "不锈钢", "bu xiu gang", "ningbo", "宁波"])
def test_product_text_is_searchable(demo, query):
    with open_expo(demo, readonly=True) as expo:
        hits = expo.search(query, limit=20)
        assert hits, query
        top = hits[0]
        if query == "bu xiu gang":
            assert "bu xiu gang" in expo.record("product", top.id)["pinyin"]
        else:
            assert query in (top.title + " " + top.subtitle).lower()


def test_search_narrows_with_more_words(demo):
    with open_expo(demo, readonly=True) as expo:
        broad = dbtest.query(expo, "SELECT count(*) FROM products WHERE name LIKE '%Drill%'"
                                  ).fetchone()[0]
        narrow = dbtest.query(expo, "SELECT count(*) FROM products WHERE name LIKE '%Drill%' "
                                   "AND name LIKE '%Cordless%'").fetchone()[0]
        assert 0 < narrow < broad
        hits = expo.search("cordless drill", limit=50)
    assert hits and all("drill" in h.title.lower() for h in hits if h.kind == "product")


def test_cli_demo(tmp_path, capsys):
    out = tmp_path / "cli.sqlite"
    assert main(["demo", "--booths", "300", "--products", "500", "--out", str(out),
                 "--seed", "9"]) == 0
    assert "synthetic" in capsys.readouterr().out
    with open_expo(out, readonly=True) as expo:
        assert dbtest.query(expo, "SELECT count(*) FROM booths").fetchone()[0] == 300
    assert main(["demo", "--booths", "0", "--out", str(tmp_path / "x.sqlite")]) == 2
    assert "--booths" in capsys.readouterr().err
    assert not (tmp_path / "x.sqlite").exists()
