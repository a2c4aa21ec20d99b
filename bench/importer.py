"""Import speed against the floor the database sets.

    python bench/importer.py --rows 1000000 --json

Writes a synthetic one-row-per-product CSV (exhibitors repeated on their product
rows, booth codes, Chinese names, descriptions), then in the same run:

- **import**: ``db.importing.import_files`` on the CSV into a new expo file
  (decoding, header matching, validation, staging, writing, search index, fsync);
- **raw**: the same rows, already parsed in memory (untimed), written with plain
  ``executemany`` into a new expo file with the same schema (same tables, indexes
  and search index), the same pragmas, in one transaction, then fsync.

- **re-import**: the same file with 1% of its rows changed (every 100th product's
  description), imported again into the imported expo (``reimport_s``); the last import's
  state lets unchanged rows cost only their comparison. The expo file was checked before
  (``db.integrity.check_file``, as the window does after it opens a file, remembered in the
  integrity cache), so the import does not read it whole again; ``reimport_check_s`` is the
  same re-import of a file nobody checked (its ``quick_check`` runs beside the import).

With ``--repeat N`` raw, import and re-import each run N times in turns and the fastest of
each counts (the machine may be shared).

Prints rows, import_rows_per_s, raw_rows_per_s, ratio (raw_s / import_s: the import's speed
as a share of raw ``executemany``), reimport_s, reimport_ratio (reimport_s / import_s),
reimport_check_s and reimport_check_ratio (the same with the file's check), and what the
re-import did to the search index.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db import integrity, schema  # noqa: E402
from db.importing import import_files, parallel, slugify  # noqa: E402
from db.search import exhibitor_index_row, product_index_row  # noqa: E402

TOOLS = ["ald", "cvd", "pvd", "epitaxy", "etch", "lithography", "metrology", "cmp", "clean",
         "implant", "wafer", "probe", "packaging", "test", "vacuum", "pneumatic"]
WORDS = ["precision", "thermal", "plasma", "wafer", "chamber", "reactor", "vacuum", "laser",
         "optical", "robotic", "inline", "automated", "compact", "high-throughput", "modular",
         "silicon", "carbide", "gallium", "nitride", "sensor", "controller", "module", "system",
         "platform", "inspection", "deposition", "annealing", "bonding", "dicing", "polishing"]
ZH = "北方华创中微半导体设备科技有限公司深圳上海北京精密刻蚀沉积薄膜检测晶圆封装测试光刻真空等离子"
COUNTRIES = ["China", "中国", "Japan", "USA", "Germany", "Korea", "Netherlands", "Taiwan"]


def zh_name(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(ZH) for _ in range(n))


def make_csv(path: Path, rows: int, seed: int = 7, per_exhibitor: int = 33) -> int:
    """A flat catalogue: one row per product; returns the number of exhibitors."""
    rng = random.Random(seed)
    n_ex = max(1, rows // per_exhibitor)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Company", "公司名称", "Booth No.", "Country/Region", "Product Name",
                    "产品名称", "Tool type", "Description"])
        ex = None
        for i in range(rows):
            e = i * n_ex // rows
            if ex is None or ex[0] != e:
                name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} Tech {e}"
                booth = f"{e % 12 + 1}{chr(65 + (e // 12) % 20)}{e // 240:03d}"
                ex = (e, name, zh_name(rng, 6) + "有限公司", booth, rng.choice(COUNTRIES))
            tool = rng.choice(TOOLS)
            pname = f"{rng.choice(WORDS).title()} {tool.upper()} {rng.randrange(100, 9999)}-{i}"
            desc = " ".join(rng.choice(WORDS) for _ in range(10)) + f" {tool} tool"
            w.writerow([ex[1], ex[2], ex[3], ex[4], pname, zh_name(rng, 4), tool, desc])
    return n_ex


def parse_for_raw(path: Path) -> dict:
    """The rows the import writes, parsed in memory (the untimed part of the raw run)."""
    src = "import-raw"
    exhibitors, booths, occupancy, products, p_search, cites = {}, {}, [], [], [], []
    with open(path, encoding="utf-8", newline="") as fh:
        r = csv.reader(fh)
        next(r)
        for company, zh, booth, country, pname, pzh, tool, desc in r:
            slug = slugify(company)
            if slug not in exhibitors:
                exhibitors[slug] = (slug, company, zh, None, country, None, None, None)
                booths[booth] = (booth, None, None, None, None, None, None, 0)
                occupancy.append((booth, slug))
            ps = f"{slug}-{slugify(pname)}"
            products.append((ps, slug, pname, pzh, None, tool, desc, "{}", None))
            p_search.append(product_index_row(ps, pname, pzh, None, tool, desc, company))
            cites.append(("product", ps, src))
    booth_of = {s: b for b, s in occupancy}
    e_search = [exhibitor_index_row(s, e[1], e[2], None, None, e[4], None, booth_of[s], None)
                for s, e in exhibitors.items()]
    return {"exhibitors": list(exhibitors.values()), "booths": list(booths.values()),
            "occupancy": occupancy, "products": products, "search": e_search + p_search,
            "cites": cites + [("exhibitor", s, src) for s in exhibitors]}


def raw_insert(path: Path, data: dict) -> float:
    """Plain executemany of the parsed rows, same schema and pragmas, one transaction."""
    import sqlite3
    t0 = time.perf_counter()
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = MEMORY")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -65536")
    conn.execute("PRAGMA foreign_keys = ON")
    schema.migrate(conn, str(path))
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO sources(id, title) VALUES ('import-raw', 'raw')")
    conn.executemany("INSERT INTO booths(code, hall, zone, x, y, w, h, placed) "
                     "VALUES (?,?,?,?,?,?,?,?)", data["booths"])
    conn.executemany("INSERT INTO exhibitors(slug, name, name_zh, pinyin, country, category, "
                     "zone, summary) VALUES (?,?,?,?,?,?,?,?)", data["exhibitors"])
    conn.executemany("INSERT INTO booth_exhibitors(booth, exhibitor) VALUES (?, ?)",
                     data["occupancy"])
    conn.executemany("INSERT INTO products(slug, exhibitor, name, name_zh, pinyin, tool_type, "
                     "summary, specs, image) VALUES (?,?,?,?,?,?,?,?,?)", data["products"])
    conn.executemany("INSERT INTO cites(kind, ref, source) VALUES (?, ?, ?)", data["cites"])
    conn.executemany("INSERT INTO search(kind, ref, label, title, body) VALUES (?,?,?,?,?)",
                     data["search"])
    conn.execute("COMMIT")
    conn.execute("PRAGMA synchronous = FULL")
    conn.close()
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())
    return time.perf_counter() - t0


def change_rows(src: Path, dst: Path, every: int = 100) -> int:
    """``src`` with the description of every ``every``-th row changed, written to ``dst``;
    how many rows changed."""
    n = 0
    with open(src, encoding="utf-8", newline="") as fi, \
            open(dst, "w", encoding="utf-8", newline="") as fo:
        r, w = csv.reader(fi), csv.writer(fo)
        w.writerow(next(r))
        for i, row in enumerate(r):
            if i % every == every // 2:
                row[7] = row[7] + " revised"
                n += 1
            w.writerow(row)
    return n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run raw, import and re-import this many times; the fastest counts")
    ap.add_argument("--keep", metavar="DIR", help="keep the CSV and the imported expo here")
    args = ap.parse_args(argv)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    csv_path = work / f"catalogue-{args.rows}.csv"
    if not csv_path.exists():
        make_csv(csv_path, args.rows)
    data = parse_for_raw(csv_path)
    raw_path = work / "raw.sqlite"
    imp_path = work / "imported.sqlite"
    # The machine may be shared: raw and import run in turns, each --repeat times, and the
    # fastest of each counts (the same for the re-import, each into a copy of the import).
    raw_times, imp_times, re_times = [], [], []
    for _ in range(args.repeat):
        for p in (raw_path, imp_path):
            if p.exists():
                p.unlink()
        raw_times.append(raw_insert(raw_path, data))
        reader_process = parallel.worth([csv_path])     # read in a second process?
        t0 = time.perf_counter()
        report = import_files(imp_path, [csv_path])
        imp_times.append(time.perf_counter() - t0)
        n = report.added.get("product", 0)
        assert n == args.rows, (n, args.rows, report.errors[:3])
    del data
    raw_s, imp_s = min(raw_times), min(imp_times)
    # The re-import reads a file of the same name (the state is kept per file name).
    changed_dir = work / "changed"
    changed_dir.mkdir(exist_ok=True)
    changed_csv = changed_dir / csv_path.name
    n_changed = change_rows(csv_path, changed_csv)
    re_path = work / "reimported.sqlite"
    cache = integrity.IntegrityCache(work / "data")
    check_times = []
    for _ in range(args.repeat):
        for checked, times in ((True, re_times), (False, check_times)):
            shutil.copyfile(imp_path, re_path)
            if checked:                      # the window checked it after opening it
                assert integrity.check_file(re_path, cache).ok
            t0 = time.perf_counter()
            re_report = import_files(re_path, [changed_csv],
                                     integrity_cache=cache if checked else None)
            times.append(time.perf_counter() - t0)
            assert re_report.updated.get("product", 0) == n_changed, (re_report.summary(),)
            assert re_report.compared >= args.rows - 2 * n_changed - args.rows // 30, \
                re_report.summary()
    re_s = min(re_times)
    out = {"rows": args.rows, "import_rows_per_s": round(n / imp_s), "raw_rows_per_s":
           round(args.rows / raw_s), "ratio": round(raw_s / imp_s, 3),
           "import_s": round(imp_s, 2), "raw_s": round(raw_s, 2),
           "csv_mb": round(csv_path.stat().st_size / 1e6, 1),
           "reimport_s": round(re_s, 2), "reimport_ratio": round(re_s / imp_s, 3),
           "reimport_check_s": round(min(check_times), 2),
           "reimport_check_ratio": round(min(check_times) / imp_s, 3),
           "import_reader_process": reader_process,
           "reimport_changed_rows": n_changed, "reimport_index": re_report.index_line(),
           "reimport_compared_rows": re_report.compared, "repeat": args.repeat}
    if not args.keep:
        shutil.rmtree(work)
    if args.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:>18}: {v}")
    return 0 if out["ratio"] >= 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
