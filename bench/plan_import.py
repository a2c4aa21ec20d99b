"""Plan-import benchmark: one PDF page with 2,000 booths and about 50,000 stray line
segments (hatching, furniture, dimension ticks), read into booths.

    python bench/plan_import.py [--json] [--booths 2000] [--segments 50000] [--repeat 3]
                                [--compare]

Prints one JSON object with ``--json``: ``booths`` (found), ``right`` (code and outline
as drawn), ``seconds`` (median of ``--repeat`` full runs of ``db.planimport.analyse``:
reading the PDF with PDFium, outlines, codes, matching, scale), ``read_seconds`` (the
PDFium part alone), ``segments`` (path segments on the page), ``budget_seconds`` (10).
With ``--compare`` the same page's raw objects are also read by pdfplumber (when it
is installed) in the same run: ``pdfplumber_objects_seconds`` against
``pdfium_objects_seconds``.
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

from db.planimport import analyse  # noqa: E402
from db.planimport.extract import close_pdf, open_pdf, read_page  # noqa: E402
from db.planimport.synthetic import make_bench_plan  # noqa: E402

BUDGET_S = 10.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--booths", type=int, default=2000)
    ap.add_argument("--segments", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--compare", action="store_true",
                    help="also read the page's objects with pdfplumber, if installed")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plan = make_bench_plan(args.booths, args.segments)
        path = plan.save(Path(tmp) / "bench.pdf")
        runs, reads = [], []
        res = None
        for _ in range(max(1, args.repeat)):
            t0 = time.perf_counter()
            res = analyse(path, booth_size=(3, 3))
            runs.append(time.perf_counter() - t0)
            pdf = open_pdf(path)
            t0 = time.perf_counter()
            content = read_page(pdf, 0)
            reads.append(time.perf_counter() - t0)
            close_pdf(pdf)
        truth = {b.code: b for b in plan.truth}
        right = 0
        for b in res.booths:
            t = truth.get(b.code)
            if t and b.how == "inside" and all(abs(a - e) <= 0.5 for a, e in zip(
                    b.box, (t.x, t.y, t.x + t.w, t.y + t.h))):
                right += 1
        out = {"booths": len(res.booths), "right": right, "truth": len(truth),
               "seconds": round(statistics.median(runs), 3),
               "seconds_all": [round(r, 3) for r in runs],
               "read_seconds": round(statistics.median(reads), 3),
               "segments": content.segment_count, "chars": len(content.chars),
               "pdf_bytes": path.stat().st_size, "budget_seconds": BUDGET_S,
               "within_budget": statistics.median(runs) <= BUDGET_S}
        if args.compare:
            out.update(compare(path, args.repeat))
    if args.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:28} {v}")
    return 0


def compare(path: Path, repeat: int) -> dict:
    """Raw object extraction of the same page: PDFium (pypdfium2) and pdfplumber."""
    import pypdfium2
    out = {"pypdfium2_version": pypdfium2.version.PYPDFIUM_INFO.version}
    mine = []
    for _ in range(max(1, repeat)):
        pdf = open_pdf(path)
        t0 = time.perf_counter()
        read_page(pdf, 0)
        mine.append(time.perf_counter() - t0)
        close_pdf(pdf)
    out["pdfium_objects_seconds"] = round(statistics.median(mine), 3)
    try:
        import pdfplumber
    except ImportError:
        out["pdfplumber_objects_seconds"] = None
        out["pdfplumber"] = "not installed"
        return out
    theirs = []
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        with pdfplumber.open(str(path)) as doc:
            page = doc.pages[0]
            n = len(page.chars) + len(page.rects) + len(page.lines) + len(page.curves)
        theirs.append(time.perf_counter() - t0)
    out["pdfplumber"] = pdfplumber.__version__
    out["pdfplumber_objects"] = n
    out["pdfplumber_objects_seconds"] = round(statistics.median(theirs), 3)
    out["ratio_pdfplumber_to_pdfium"] = round(statistics.median(theirs) / statistics.median(mine),
                                              1)
    return out


if __name__ == "__main__":
    sys.exit(main())
