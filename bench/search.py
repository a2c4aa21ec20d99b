"""Search-as-you-type latency on a large synthetic expo.

    python bench/search.py --products 1000000 --json

Makes (or reuses, with ``--keep DIR``) the synthetic demo expo of
``db.synthetic.make_demo`` (75,000 booths by default, the Canton Fair's scale),
then types a fixed list of common, rare, prefix and Chinese queries one
keystroke at a time, as the search box does, and times ``db.search.search``
for every keystroke (each measured three times, on a warm connection). Prints
p50_ms and p95_ms over all keystrokes, and per kind of query.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.expo import open_expo  # noqa: E402

QUERIES = {
    # words in a large share of the products
    "common": ["power bank", "Portable", "cable", "waterproof speaker", "RoHS", "smart watch"],
    # words or names in few records
    "rare": ["Shenzhen", "earphones Cordless", "No.1234", "p0500000", "xyzzy"],
    # what a user has typed so far
    "prefix": ["po", "blu", "rech", "ind", "mic", "sma"],
    # Chinese substrings and pinyin
    "chinese": ["充电宝", "蓝牙音箱", "智能手表", "便携式", "有限公司", "chong dian", "zhineng"],
}


def keystrokes(q: str) -> list[str]:
    """What the box holds after each keystroke (a Chinese word arrives from the IME at once)."""
    if any(ord(c) > 0x2e80 for c in q):
        return [q]
    return [q[:i] for i in range(1, len(q) + 1) if q[:i].strip()]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--products", type=int, default=100_000)
    ap.add_argument("--booths", type=int, default=75_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", metavar="DIR", help="keep (and reuse) the demo expo here")
    args = ap.parse_args(argv)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-search-"))
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"demo-{args.booths}-{args.products}.sqlite"
    made_s = None
    if not path.exists():
        from db.synthetic import make_demo
        t0 = time.perf_counter()
        make_demo(path, booths=args.booths, products=args.products)
        made_s = time.perf_counter() - t0
    times: dict[str, list[float]] = {k: [] for k in QUERIES}
    hits_of: dict[str, int] = {}
    with open_expo(path, readonly=True) as expo:
        expo.search("warm up")
        for kind, queries in QUERIES.items():
            for q in queries:
                for typed in keystrokes(q):
                    for _ in range(args.repeat):
                        t0 = time.perf_counter()
                        hits = expo.search(typed, limit=60)
                        times[kind].append((time.perf_counter() - t0) * 1000)
                hits_of[q] = len(hits)
    every = [t for ts in times.values() for t in ts]

    def pct(values, p):
        return round(statistics.quantiles(values, n=100, method="inclusive")[p - 1], 2)

    out = {"products": args.products, "booths": args.booths, "searches": len(every),
           "p50_ms": pct(every, 50), "p95_ms": pct(every, 95), "max_ms": round(max(every), 2),
           "by_kind": {k: {"p50_ms": pct(v, 50), "p95_ms": pct(v, 95)} for k, v in times.items()},
           "hits": hits_of}
    if made_s is not None:
        out["demo_built_s"] = round(made_s, 1)
    if not args.keep:
        for p in work.iterdir():
            p.unlink()
        work.rmdir()
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0 if out["p50_ms"] <= 50 else 1


if __name__ == "__main__":
    sys.exit(main())
