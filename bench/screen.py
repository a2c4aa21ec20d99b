"""Screening benchmark: 30,000 exhibitors against a 26,000-entry list.

    python bench/screen.py [--json] [--exhibitors 30000] [--entries 26000]
                           [--layout csv|json] [--keep DIR]

Makes the synthetic demo expo (``db.synthetic``, 30,000 exhibitors) and a synthetic list in
the official layout (``db.screening.synthetic``: every entry marked synthetic; 600 of them
copy demo exhibitors' names as written, with another legal form and in another city), then:

* ``load_seconds``: reading and checking the list file and storing it (atomic write, fsync),
  as ``wesemibay-db screen --list`` does; budget 5 s;
* ``seconds``: screening every exhibitor against the stored list (loading it from the store,
  matching, policy context, saving the screening for the next comparison); budget 10 s;
* ``cli_seconds``: the whole ``wesemibay-db screen --json`` run with the stored list, for the
  record (process start, JSON output of 30,000 results).

Prints one JSON object with ``--json``: ``exhibitors``, ``entries``, ``seconds``,
``load_seconds``, ``cli_seconds``, the counts found and the budgets.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from db.expo import open_expo  # noqa: E402
from db.screening import ScreeningStore, read_list, screen_expo  # noqa: E402
from db.screening.synthetic import synthetic_records, write_list  # noqa: E402
from db.synthetic import make_demo  # noqa: E402

PLANTED = 90


def run(args, tmp: Path) -> dict:
    expo_path = tmp / f"demo-{args.exhibitors}.sqlite"
    if not expo_path.exists():
        make_demo(expo_path, booths=args.exhibitors + 1000, products=0,
                  exhibitors=args.exhibitors, seed=7)
    with open_expo(expo_path, readonly=True) as expo:
        names = [r["name"] for r in sorted(expo.exhibitor_rows(), key=lambda r: r["slug"])]
    step = max(1, len(names) // PLANTED)
    planted = names[::step][:PLANTED]
    list_path = tmp / f"synthetic-consolidated-{args.entries}.{args.layout}"
    if not list_path.exists():
        write_list(list_path, synthetic_records(args.entries, seed=3, planted=planted),
                   args.layout, search_performed_at="2030-01-01T00:00:00+00:00")
    data_dir = tmp / "data"
    store = ScreeningStore.in_dir(data_dir)
    if store.path.exists():
        store.path.unlink()

    t0 = time.perf_counter()
    parsed = read_list(list_path, "2030-01-01")
    store.replace_list(parsed)
    load_s = time.perf_counter() - t0

    with open_expo(expo_path, readonly=True) as expo:
        t0 = time.perf_counter()
        scr = screen_expo(expo, store)
        screen_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "db", "screen", "--expo", str(expo_path),
                           "--data-dir", str(data_dir), "--json"], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8")
    cli_s = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"wesemibay-db screen failed: {proc.stderr.strip()}")
    cli_results = json.loads(proc.stdout)
    return {"exhibitors": len(scr.results), "entries": len(parsed.entries),
            "seconds": round(screen_s, 2), "load_seconds": round(load_s, 2),
            "cli_seconds": round(cli_s, 2), "list_bytes": parsed.size, "layout": args.layout,
            "planted": len(planted), "match": scr.counts["match"],
            "possible": scr.counts["possible"], "none": scr.counts["none"],
            "cli_exhibitors": len(cli_results),
            "budget_seconds": 10, "budget_load_seconds": 5}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--exhibitors", type=int, default=30000)
    ap.add_argument("--entries", type=int, default=26000)
    ap.add_argument("--layout", choices=("csv", "json"), default="csv")
    ap.add_argument("--keep", metavar="DIR", help="keep (and reuse) the expo and list here")
    args = ap.parse_args()
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        rec = run(args, Path(args.keep))
    else:
        with tempfile.TemporaryDirectory(prefix="bench-screen-") as tmp:
            rec = run(args, Path(tmp))
    if args.json:
        print(json.dumps(rec))
    else:
        print(f"{rec['exhibitors']:,} exhibitors against {rec['entries']:,} entries "
              f"({rec['layout']}, {rec['list_bytes'] / 1e6:.1f} MB): screening {rec['seconds']} s "
              f"(budget 10), loading the list {rec['load_seconds']} s (budget 5), whole "
              f"command {rec['cli_seconds']} s; {rec['match']} match, {rec['possible']} "
              f"possible, {rec['none']} none ({rec['planted']} names planted)")


if __name__ == "__main__":
    main()
