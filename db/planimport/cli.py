"""``wesemibay-db plan-import``: an organiser's floor plan into halls and booths.

    wesemibay-db plan-import PLAN --expo PATH [--page N] [--booth-size WxH]
                 [--measure X0,Y0,X1,Y1=METRES] [--accept] [--json] [--no-underlay]

Without ``--accept`` nothing is written. With it, what was found is written all
or nothing; while something needs review (a doubtful match, a code without an
outline) the command exits 1 with one line and the expo file is untouched.
"""
from __future__ import annotations

import json
import re
import sys

from ..errors import DataError, UsageError


def register(sub) -> None:
    """Add the ``plan-import`` subcommand to ``wesemibay-db``'s subparsers."""
    p = sub.add_parser("plan-import", help="read an organiser's floor plan (PDF or picture) "
                       "into halls and booths; writes only with --accept")
    p.add_argument("plan", metavar="PLAN", help="the plan: a PDF, or a PNG, JPEG or WebP picture")
    p.add_argument("--expo", required=True, help="expo file whose booth codes are the "
                   "vocabulary, and that --accept writes into (made if missing)")
    p.add_argument("--page", type=int, help="read only this page (1-based)")
    p.add_argument("--booth-size", metavar="WxH", help="the commonest booth's size in metres "
                   "(default: a guess of 3x3)")
    p.add_argument("--measure", metavar="X0,Y0,X1,Y1=METRES",
                   help="scale from a measured line on the plan page (points, origin top-left)")
    p.add_argument("--accept", action="store_true", help="write what was found into the expo "
                   "file, all or nothing")
    p.add_argument("--no-underlay", action="store_true",
                   help="with --accept: do not keep the plan's picture in the expo file")
    p.add_argument("--json", action="store_true", help="print what was found as one JSON object")
    p.set_defaults(func=run)


def _measure(text: str):
    m = re.fullmatch(r"\s*([-\d.]+)\s*,\s*([-\d.]+)\s*,\s*([-\d.]+)\s*,\s*([-\d.]+)\s*=\s*"
                     r"([\d.]+)\s*m?\s*", text or "")
    if not m:
        raise UsageError(f"--measure {text!r}: write X0,Y0,X1,Y1=METRES, e.g. 100,200,160,200=15")
    try:
        x0, y0, x1, y1, metres = (float(v) for v in m.groups())
    except ValueError:
        raise UsageError(f"--measure {text!r}: not numbers") from None
    return (x0, y0), (x1, y1), metres


def run(args) -> int:
    from .analyse import analyse, parse_booth_size
    size = None
    if args.booth_size:
        try:
            size = parse_booth_size(args.booth_size)
        except DataError as exc:
            raise UsageError(str(exc)) from None
    if args.page is not None and args.page < 1:
        raise UsageError("--page counts from 1")
    measure = _measure(args.measure) if args.measure else None
    res = analyse(args.plan, expo=args.expo, page=args.page, booth_size=size)
    if measure:
        used = sorted({b.page for b in res.booths}) or [p.number for p in res.pages]
        res.scale_from_line(args.page or used[0], measure[0], measure[1], measure[2])
        if len(res.pages) > 1:
            first = res.page(args.page or used[0])
            for p in res.pages:
                if p is not first:
                    res.set_scale(p.number, first.scale_m_per_pt, first.scale_source)
    doc = res.to_dict()
    written = None
    error = None
    if args.accept:
        try:
            written = res.accept(args.expo, underlay=not args.no_underlay)
        except DataError as exc:
            error = exc
    if args.json:
        doc["written"] = written
        print(json.dumps(doc, ensure_ascii=False))
    else:
        _print_summary(res, doc)
        if written:
            print(f"wrote {written['booths']} booths ({written['added']} new, "
                  f"{written['updated']} placed) in {written['halls']} "
                  f"hall{'s' if written['halls'] != 1 else ''} into {args.expo}"
                  + (f"; {written['unplaced']} booths of the old layout are now unplaced"
                     if written['unplaced'] else ""))
    if error is not None:
        raise error
    if not args.accept and not args.json:
        print("nothing was written (add --accept to write it)", file=sys.stderr)
    return 0


def _print_summary(res, doc: dict) -> None:
    name = res.path.name
    for p in res.pages:
        n = sum(1 for b in res.booths if b.page == p.number)
        how = {}
        for b in res.booths:
            if b.page == p.number:
                how[b.how] = how.get(b.how, 0) + 1
        parts = ", ".join(f"{v} {k}" for k, v in sorted(how.items()))
        scale = f"{p.scale_m_per_pt:.4g} m per point" if p.scale_m_per_pt else "no scale"
        print(f"{name}: page {p.number}: {n} booths" + (f" ({parts})" if parts else "")
              + f"; {scale} ({p.scale_source})")
    if res.unmatched_codes:
        print(f"codes without an outline: {', '.join(c.code for c in res.unmatched_codes[:20])}"
              + (" …" if len(res.unmatched_codes) > 20 else ""))
    if res.unmatched_boxes:
        print(f"empty outlines (not written): {len(res.unmatched_boxes)}")
    if doc["codes_not_in_list"]:
        print(f"on the plan but in no list: {', '.join(doc['codes_not_in_list'][:20])}"
              + (" …" if len(doc["codes_not_in_list"]) > 20 else ""))
    if doc["listed_codes_not_found"]:
        print(f"listed but not on the plan: {', '.join(doc['listed_codes_not_found'][:20])}"
              + (" …" if len(doc["listed_codes_not_found"]) > 20 else ""))
    for note in res.notes:
        print(f"note: {note}")
    for r in res.needs_review():
        print(f"to review: {r}")
