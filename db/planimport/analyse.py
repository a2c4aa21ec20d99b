"""Reading a whole plan file: choosing the plan page(s), stitching a hall split over
pages, scaling to metres, naming halls; pictures and scanned pages become pages to
calibrate and draw on by hand.
"""
from __future__ import annotations

import hashlib
import math
import time
from pathlib import Path
from statistics import median

from ..errors import DataError
from . import codes as C
from .extract import MAX_PAGES, PDFIUM_LOCK, close_pdf, open_pdf_bytes, read_page
from .pages import PageFinding, analyse_page
from .result import (GROUP_GAP_M, GUESS_BOOTH_M, Door, FoundBooth, FoundBox, FoundCode,
                     PlanHall, PlanImport, PlanPage)

MAX_PLAN_BYTES = 300 * 1024 * 1024
PICTURE_MAX_SIDE = 6000   # a picture plan is kept upright and at most this many pixels wide
PICTURE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"RIFF", "WEBP"))


def expo_vocabulary(expo_path) -> list[str]:
    """Booth codes the expo file knows (placed or not); [] when it does not exist yet."""
    if expo_path is None:
        return []
    p = Path(expo_path)
    if not p.exists():
        return []
    from ..expo import open_expo
    with open_expo(p, readonly=True) as expo:
        return [r[0] for r in expo._conn.execute("SELECT code FROM booths ORDER BY code")]


def parse_booth_size(text: str) -> tuple[float, float]:
    """``"3x3"``, ``"3 x 2.5"``, ``"3"`` -> metres; DataError naming the option."""
    t = (text or "").lower().replace("×", "x").replace("m", "").strip()
    parts = [p.strip() for p in t.split("x")]
    try:
        vals = [float(p) for p in parts]
    except ValueError:
        vals = []
    if len(vals) == 1:
        vals = vals * 2
    if len(vals) != 2 or not all(0.5 <= v <= 200 for v in vals):
        raise DataError(f"--booth-size {text!r}: write the commonest booth's size in metres, "
                        "e.g. 3x3 or 3x2.5")
    return vals[0], vals[1]


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise DataError(f"{path}: is a folder, not a plan")
        if size > MAX_PLAN_BYTES:
            raise DataError(f"{path}: too large for a plan ({size // 2**20} MB; limit "
                            f"{MAX_PLAN_BYTES // 2**20} MB)")
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except PermissionError:
        raise DataError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a plan") from None


def analyse(plan, *, expo=None, vocabulary=None, page: int | None = None,
            booth_size: tuple[float, float] | None = None, progress=None) -> PlanImport:
    """Read ``plan`` (PDF, PNG, JPEG or WebP) into a ``PlanImport``; nothing is written.

    ``expo``: the expo file whose booth codes are the vocabulary (``vocabulary``
    overrides it); ``page``: read only this page (1-based); ``booth_size``: the
    commonest booth in metres (else the stated guess, 3 m x 3 m).
    """
    t0 = time.perf_counter()
    progress = progress or (lambda frac, msg: None)
    path = Path(plan)
    data = _read(path)
    sha = hashlib.sha256(data).hexdigest()
    voc_list = list(vocabulary) if vocabulary is not None else expo_vocabulary(expo)
    head = data[:16]
    if data.lstrip()[:5].startswith(b"%PDF"):
        res = _analyse_pdf(path, data, sha, C.Vocabulary(voc_list), page, booth_size, progress)
    elif any(head.startswith(m) for m, _ in PICTURE_MAGIC) and (
            not head.startswith(b"RIFF") or data[8:12] == b"WEBP"):
        res = _analyse_picture(path, data, sha, page)
    else:
        raise DataError(f"{path}: not a plan this program reads (a PDF, or a PNG, JPEG or "
                        "WebP picture)")
    res.vocabulary = sorted(set(voc_list))
    voc = set(res.vocabulary)
    for b in res.booths:
        b.in_list = b.code in voc
    for c in res.unmatched_codes:
        c.in_list = c.code in voc
    res.seconds = time.perf_counter() - t0
    progress(1.0, "done")
    return res


# --------------------------------------------------------------------- PDF
def _analyse_pdf(path, data, sha, vocab, page, booth_size, progress) -> PlanImport:
    pdf = open_pdf_bytes(data, path)
    try:
        with PDFIUM_LOCK:
            n = len(pdf)
        if page is not None and not 1 <= page <= n:
            raise DataError(f"{path}: --page {page}: the file has {n} page{'s' if n != 1 else ''}")
        indices = [page - 1] if page is not None else list(range(min(n, MAX_PAGES)))
        findings: list[PageFinding] = []
        for k, i in enumerate(indices):
            progress(0.9 * k / max(len(indices), 1), f"reading page {i + 1} of {n}")
            findings.append(analyse_page(read_page(pdf, i), vocab))
    finally:
        close_pdf(pdf)
    res = PlanImport(path, "vector", sha)
    if n > MAX_PAGES and page is None:
        res.notes.append(f"only the first {MAX_PAGES} of {n} pages were read; use --page")
    best = max(findings, key=lambda f: (f.score, f.leaf_boxes))
    if best.score > 0:
        limit = max(3, 0.25 * best.score) if best.score >= 3 else best.score
        chosen = [f for f in findings if f.score >= limit]
    elif best.leaf_boxes > 0:
        chosen = [max(findings, key=lambda f: f.leaf_boxes)]
        res.notes.append(f"page {chosen[0].number}: outlines but no booth code was read (the "
                         "text may be drawn as outlines): every booth needs review")
    else:
        scanned = [f for f in findings if f.kind == "scanned"]
        if not scanned:
            raise DataError(f"{path}: no floor plan found: no outlines, no booth codes and "
                            "no pictures on " + (f"page {page}" if page else "any page"))
        chosen = [scanned[0]]
        res.kind = "scanned"
        res.notes.append(f"page {chosen[0].number} is a picture without vectors: calibrate "
                         "it by two points and draw the booths on it")
    for f in findings:
        if f in chosen:
            continue
        codes = sum(1 for _ in f.matches)
        what = {"text": "text without outlines (a list?)", "empty": "nothing to use",
                "scanned": "a picture"}.get(f.kind, f"{codes} booths found (fewer than on the "
                                                    "plan pages)")
        if len(findings) <= 20:
            res.notes.append(f"page {f.number} not used: {what}")
    ignored: dict[str, int] = {}
    for f in chosen:
        for k, v in f.ignored.items():
            ignored[k] = ignored.get(k, 0) + v
        res.pages.append(PlanPage(f.number, f.width, f.height, f.rotation,
                                  "scanned" if f.kind == "scanned" else "vector"))
        for m in f.matches:
            res.booths.append(FoundBooth(res.new_id(), m.token.code, f.number, m.box.rect(),
                                         m.how, m.token.bbox(), m.token.in_list, m.note))
        for t in f.unmatched:
            res.unmatched_codes.append(FoundCode(res.new_id(), t.code, f.number, t.bbox(),
                                                 t.in_list))
        for b in f.empty:
            res.unmatched_boxes.append(FoundBox(res.new_id(), f.number, b.rect()))
    res.ignored = ignored
    _stitch(res)
    # scale
    for p in res.pages:
        if p.kind == "scanned":
            p.scale_source = "none yet: calibrate the page by two points"
            continue
        boxes = [b.box for b in res.booths if b.page == p.number and b.how != "review"] or \
            [b.box for b in res.booths if b.page == p.number] or \
            [b.box for b in res.unmatched_boxes if b.page == p.number]
        if not boxes:
            p.scale_source = "none: nothing on this page to measure"
            continue
        short, long_, count = commonest_booth(boxes)
        if booth_size:
            w, h = booth_size
            p.scale_m_per_pt = math.sqrt((w * h) / (short * long_))
            p.scale_source = (f"booth size {w:g} x {h:g} m given for the commonest booth "
                              f"({count} of {len(boxes)})")
        else:
            p.scale_m_per_pt = GUESS_BOOTH_M / short
            p.scale_source = (f"guess: the commonest booth ({count} of {len(boxes)}) taken as "
                              f"{GUESS_BOOTH_M:g} m x {GUESS_BOOTH_M:g} m; set --booth-size or "
                              "measure a line")
    _halls(res, {f.number: f for f in chosen})
    place_pages(res)
    return res


def _mode_group(values: list[float]) -> list[int]:
    """Indices of the values in the most populated 4 %-wide size bin (with its neighbours:
    sizes drawn at 11.9 and 12.1 points are one size)."""
    bins: dict[int, list[int]] = {}
    for i, v in enumerate(values):
        bins.setdefault(int(math.floor(math.log(v) / math.log(1.04))), []).append(i)
    best = max(bins, key=lambda k: (len(bins[k]) + len(bins.get(k - 1, [])) +
                                    len(bins.get(k + 1, [])), len(bins[k]), -k))
    return bins[best] + bins.get(best - 1, []) + bins.get(best + 1, [])


def commonest_booth(boxes) -> tuple[float, float, int]:
    """Short and long side (page units) of the commonest booth size, and how many have it."""
    sides = [tuple(sorted((x1 - x0, y1 - y0))) for x0, y0, x1, y1 in boxes]
    sides = [(s, l_) for s, l_ in sides if s > 0]
    if not sides:
        raise DataError("no booth outline to measure")
    group = [sides[i] for i in _mode_group([s for s, _ in sides])]
    longs = [group[i][1] for i in _mode_group([l_ for _, l_ in group])]
    return median(s for s, _ in group), median(longs), len(longs)


def _stitch(res: PlanImport) -> None:
    """Pages sharing two or more booth codes show one hall: the later page is aligned on
    the earlier one and its copies of the shared booths are dropped."""
    if len(res.pages) < 2:
        return
    by_page: dict[int, dict[str, FoundBooth]] = {}
    for b in res.booths:
        if b.how != "review":
            by_page.setdefault(b.page, {}).setdefault(b.code, b)
    pages = sorted(res.pages, key=lambda p: p.number)
    for i, pb in enumerate(pages):
        for pa in pages[:i]:
            a, b = by_page.get(pa.number, {}), by_page.get(pb.number, {})
            common = sorted(set(a) & set(b))
            if len(common) < 2:
                continue
            # same drawing scale expected: compare the shared booths' sizes
            ratio = median((a[c].box[2] - a[c].box[0]) / max(b[c].box[2] - b[c].box[0], 1e-9)
                           for c in common)
            if not 0.9 <= ratio <= 1.1:
                continue
            dx = [a[c].box[0] - b[c].box[0] for c in common]
            dy = [a[c].box[1] - b[c].box[1] for c in common]
            mx, my = median(dx), median(dy)
            spread = max(max(abs(v - mx) for v in dx), max(abs(v - my) for v in dy))
            size = median(a[c].box[2] - a[c].box[0] for c in common)
            if spread > 0.15 * size:
                continue
            pb.stitched_to = pa.number
            pb.placement = "stitched"
            pb.anchors = [((a[c].box[0], a[c].box[1]), (b[c].box[0], b[c].box[1]))
                          for c in common]
            dropped = 0
            for c in common:
                res.booths.remove(b[c])
                del by_page[pb.number][c]
                dropped += 1
            res.ignored["stitched_duplicates"] = res.ignored.get("stitched_duplicates", 0) + \
                dropped
            res.notes.append(f"page {pb.number} stitched to page {pa.number} on "
                             f"{len(common)} booths drawn on both")
            break


def _halls(res: PlanImport, findings: dict[int, PageFinding]) -> None:
    from ..importing import slugify
    roots: dict[int, int] = {}
    for p in sorted(res.pages, key=lambda p: p.number):
        roots[p.number] = roots.get(p.stitched_to, p.number) if p.stitched_to else p.number
    used = set()
    for root in sorted(set(roots.values())):
        members = [n for n, r in roots.items() if r == root]
        name = next((findings[n].hall_name for n in members
                     if n in findings and findings[n].hall_name), "") or \
            (f"Plan page {root}" if len(members) == 1 else
             f"Plan pages {', '.join(map(str, members))}")
        slug = "plan-" + slugify(name, "hall")[:40]
        base, k = slug, 2
        while slug in used:
            slug, k = f"{base}-{k}", k + 1
        used.add(slug)
        hall = PlanHall(slug, name, members)
        for n in members:
            f = findings.get(n)
            if f is not None and f.hall_box is not None:
                hall.outline[n] = f.hall_box.rect()
            res.page(n).hall = slug
            if f is not None:
                for x, y in f.doors:
                    res.doors.append(Door(slug, 0.0, 0.0, "plan", n, (x, y)))
        res.halls.append(hall)


def place_pages(res: PlanImport) -> None:
    """Offsets of the pages on the floor: stitched pages follow their anchor page; the
    first page's corner is the origin; other halls stand side by side, left to right."""
    pages = sorted(res.pages, key=lambda p: p.number)
    for p in pages:
        if p.placement == "stitched" and p.stitched_to and p.scale_m_per_pt:
            a = res.page(p.stitched_to)
            if a.scale_m_per_pt:
                xs = [a.offset_m[0] + pa[0] * a.scale_m_per_pt - pb[0] * p.scale_m_per_pt
                      for pa, pb in p.anchors]
                ys = [a.offset_m[1] + pa[1] * a.scale_m_per_pt - pb[1] * p.scale_m_per_pt
                      for pa, pb in p.anchors]
                p.offset_m = (median(xs), median(ys))
    right = None
    for p in pages:
        if p.placement != "auto" or not p.scale_m_per_pt:
            continue
        if right is None:
            p.offset_m = (0.0, 0.0)
        else:
            p.offset_m = (0.0, 0.0)
            extent = _page_extent_m(res, p)
            p.offset_m = (right + GROUP_GAP_M - (extent[0] if extent else 0.0), 0.0)
        # the right edge of everything placed so far (this page and pages stitched to it)
        for q in pages:
            if q is p or (q.placement == "stitched" and q.stitched_to == p.number):
                ext = _page_extent_m(res, q)
                if ext:
                    right = max(right if right is not None else ext[2], ext[2])
    for d in res.doors:
        if d.page is not None and d.pt is not None:
            pg = res.page(d.page)
            if pg.scale_m_per_pt:
                d.x, d.y = pg.to_m(*d.pt)


def _page_extent_m(res: PlanImport, p: PlanPage):
    boxes = [b.box for b in res.booths if b.page == p.number] + \
        [b.box for b in res.unmatched_boxes if b.page == p.number]
    hall = next((h for h in res.halls if p.number in h.outline), None)
    if hall:
        boxes.append(hall.outline[p.number])
    if not boxes or not p.scale_m_per_pt:
        return None
    x0, y0 = p.to_m(min(b[0] for b in boxes), min(b[1] for b in boxes))
    x1, y1 = p.to_m(max(b[2] for b in boxes), max(b[3] for b in boxes))
    return (x0, y0, x1, y1)


# ----------------------------------------------------------------- pictures
def _analyse_picture(path, data, sha, page) -> PlanImport:
    from .. import images
    if page not in (None, 1):
        raise DataError(f"{path}: --page {page}: a picture has one page")
    try:
        images.inspect(data)                       # every byte decodes, not a bomb
        upright, w, h = images.render(data, max_side=PICTURE_MAX_SIDE)
        mime = images.inspect(upright).mime
    except images.ImageProblem as exc:
        raise DataError(f"{path}: cannot be used as a plan picture ({exc})") from None
    res = PlanImport(path, "picture", sha)
    p = PlanPage(1, float(w), float(h), 0, "picture")
    p.scale_source = "none yet: calibrate the picture by two points"
    p.hall = "plan-" + _slug_stem(path)
    res.pages.append(p)
    res.halls.append(PlanHall(p.hall, path.stem[:80] or "Plan", [1]))
    res.picture = (upright, mime, w, h)       # page units are this picture's pixels
    res.notes.append("a picture: no booth can be read from it; calibrate it by two points "
                     "and draw the booths on it")
    return res


def _slug_stem(path: Path) -> str:
    from ..importing import slugify
    return slugify(path.stem, "plan")[:40]
