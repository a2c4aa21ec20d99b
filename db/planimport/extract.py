"""Reading a PDF page's vector paths and characters with PDFium (pypdfium2).

Everything leaves this module in *display* coordinates: points, origin at the
top-left corner of the page as a viewer shows it (its /Rotate applied), x to the
right, y down. Paths inside form XObjects are transformed by every enclosing
form's matrix; characters come from PDFium's text page, which already includes
forms and maps fonts without a ToUnicode table through their encoding.
"""
from __future__ import annotations

import ctypes
import io
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError

try:  # the import is cheap; a missing library is one clear line, not a traceback
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
except ImportError:  # pragma: no cover - the dependency is declared in pyproject.toml
    pdfium = None
    pdfium_c = None

# PDFium is not thread-safe, not even across documents: every call into it, from any
# thread, goes through this lock (pypdfium2's documentation, "Incompatibility with
# Threading"). Reading a plan in a worker while the window renders a page is then safe.
PDFIUM_LOCK = threading.RLock()

MAX_PAGES = 200            # pages looked at in one file
MAX_OBJECTS = 2_000_000    # page objects read from one page (a hostile file stops here)


@dataclass
class SubPath:
    points: list[tuple[float, float]]
    closed: bool
    curved: bool


@dataclass
class PathObj:
    subpaths: list[SubPath]
    stroke: bool
    fill: bool
    dashed: bool
    width: float


@dataclass
class Char:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    ox: float          # origin (baseline start), display coordinates
    oy: float
    dx: float          # unit run direction, display coordinates
    dy: float
    size: float        # font size in points (as drawn)
    adv: float         # advance along the run direction, points
    obj: int           # text object it belongs to (0: unknown)
    bad: bool = False  # PDFium could not map it to Unicode


@dataclass
class PageContent:
    number: int                     # 1-based
    width: float
    height: float
    rotation: int
    paths: list[PathObj] = field(default_factory=list)
    chars: list[Char] = field(default_factory=list)
    image_area: float = 0.0         # share of the page covered by pictures (0..1+)
    segment_count: int = 0


def _require() -> None:
    if pdfium is None:
        raise DataError("reading PDF plans needs the pypdfium2 package "
                        "(pip install pypdfium2)")


def open_pdf(path: str | Path):
    """A pypdfium2 document; DataError with one line for a bad or protected file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a plan") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return open_pdf_bytes(data, path)


def open_pdf_bytes(data: bytes, path: str | Path = "plan"):
    """A pypdfium2 document from the file's bytes (``path`` names it in messages)."""
    _require()
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise DataError(f"{path}: not a PDF file")
    try:
        with PDFIUM_LOCK:
            return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        text = str(exc)
        if "password" in text.lower():
            raise DataError(f"{path}: the PDF is password-protected; open it in a PDF viewer "
                            "and save an unprotected copy") from None
        raise DataError(f"{path}: cannot be read as a PDF ({text.rstrip('.')})") from None


def page_count(pdf) -> int:
    return len(pdf)


class _Frame:
    """Maps PDF user space of one page to display coordinates."""

    def __init__(self, page) -> None:
        left, bottom, right, top = page.get_bbox()
        self.rot = page.get_rotation() % 360
        self.l, self.b, self.r, self.t = left, bottom, right, top
        if self.rot in (90, 270):
            self.width, self.height = top - bottom, right - left
        else:
            self.width, self.height = right - left, top - bottom
        l, b, r, t = left, bottom, right, top
        # display = A * user + B, as (a, b, c, d, e, f): X = a*x + c*y + e, Y = b*x + d*y + f
        self.m = {0: (1, 0, 0, -1, -l, t), 90: (0, 1, 1, 0, -b, -l),
                  180: (-1, 0, 0, 1, r, -b), 270: (0, -1, -1, 0, t, r)}[self.rot]


def _mul(m1, m2):
    """The matrix that applies m2 first, then m1 (PDF row-vector convention)."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (a2 * a1 + b2 * c1, a2 * b1 + b2 * d1,
            c2 * a1 + d2 * c1, c2 * b1 + d2 * d1,
            e2 * a1 + f2 * c1 + e1, e2 * b1 + f2 * d1 + f1)


def read_page(pdf, index: int, *, text: bool = True) -> PageContent:
    """The paths and characters of page ``index`` (0-based)."""
    with PDFIUM_LOCK:
        page = pdf[index]
        try:
            fr = _Frame(page)
            out = PageContent(index + 1, fr.width, fr.height, fr.rot)
            _read_objects(page, fr, out)
            if text:
                _read_chars(page, fr, out)
        finally:
            page.close()
    return out


def close_pdf(pdf) -> None:
    with PDFIUM_LOCK:
        pdf.close()


def _read_objects(page, fr: _Frame, out: PageContent) -> None:
    c = pdfium_c
    PATH, FORM, IMAGE = c.FPDF_PAGEOBJ_PATH, c.FPDF_PAGEOBJ_FORM, c.FPDF_PAGEOBJ_IMAGE
    get_type = c.FPDFPageObj_GetType
    get_matrix = c.FPDFPageObj_GetMatrix
    count_segs = c.FPDFPath_CountSegments
    get_seg = c.FPDFPath_GetPathSegment
    seg_point = c.FPDFPathSegment_GetPoint
    seg_type = c.FPDFPathSegment_GetType
    seg_close = c.FPDFPathSegment_GetClose
    draw_mode = c.FPDFPath_GetDrawMode
    dash_count = c.FPDFPageObj_GetDashCount
    stroke_width = c.FPDFPageObj_GetStrokeWidth
    get_bounds = c.FPDFPageObj_GetBounds
    MOVETO, BEZIER = c.FPDF_SEGMENT_MOVETO, c.FPDF_SEGMENT_BEZIERTO
    fx, fy = ctypes.c_float(), ctypes.c_float()
    fm, st = ctypes.c_int(), ctypes.c_int()
    sw = ctypes.c_float()
    bl, bb, br, bt = (ctypes.c_float() for _ in range(4))
    mat = c.FS_MATRIX()
    paths = out.paths
    budget = [MAX_OBJECTS]
    page_area = max(fr.width * fr.height, 1.0)
    nseg = 0

    def walk(count, parent, getter, pm):
        nonlocal nseg
        n = count(parent)
        for i in range(n):
            budget[0] -= 1
            if budget[0] < 0:
                return
            o = getter(parent, i)
            if not o:
                continue
            t = get_type(o)
            if t == PATH:
                if not get_matrix(o, mat):
                    continue
                m = _mul(pm, (mat.a, mat.b, mat.c, mat.d, mat.e, mat.f))
                a, b, cc, d, e, f = m
                k = count_segs(o)
                if k <= 0:
                    continue
                nseg += k
                subs = []
                pts = None
                closed = curved = False
                skip = 0
                for j in range(k):
                    s = get_seg(o, j)
                    st_ = seg_type(s)
                    if skip:       # the two control points before a curve's end point
                        skip -= 1
                        if skip == 0:
                            seg_point(s, fx, fy)
                            x, y = fx.value, fy.value
                            pts.append((a * x + cc * y + e, b * x + d * y + f))
                            if seg_close(s):
                                closed = True
                        continue
                    if st_ == BEZIER:
                        curved = True
                        skip = 2
                        continue
                    seg_point(s, fx, fy)
                    x, y = fx.value, fy.value
                    p = (a * x + cc * y + e, b * x + d * y + f)
                    if st_ == MOVETO or pts is None:
                        if pts is not None and len(pts) > 1:
                            subs.append(SubPath(pts, closed, curved))
                        pts = [p]
                        closed = curved = False
                    else:
                        pts.append(p)
                    if seg_close(s):
                        closed = True
                if pts is not None and len(pts) > 1:
                    subs.append(SubPath(pts, closed, curved))
                if not subs:
                    continue
                draw_mode(o, fm, st)
                width = 0.0
                if st.value and stroke_width(o, sw):
                    width = sw.value * math.sqrt(abs(a * d - b * cc))
                paths.append(PathObj(subs, bool(st.value), bool(fm.value),
                                     dash_count(o) > 0, width))
            elif t == FORM:
                if not get_matrix(o, mat):
                    continue
                m = _mul(pm, (mat.a, mat.b, mat.c, mat.d, mat.e, mat.f))
                walk(c.FPDFFormObj_CountObjects, o, c.FPDFFormObj_GetObject, m)
            elif t == IMAGE:
                if get_bounds(o, bl, bb, br, bt):
                    out.image_area += abs((br.value - bl.value) * (bt.value - bb.value)) / page_area

    walk(c.FPDFPage_CountObjects, page.raw, c.FPDFPage_GetObject, fr.m)
    out.segment_count = nseg


def _read_chars(page, fr: _Frame, out: PageContent) -> None:
    c = pdfium_c
    tp = page.get_textpage()
    try:
        raw = tp.raw
        n = c.FPDFText_CountChars(raw)
        if n <= 0:
            return
        get_uni = c.FPDFText_GetUnicode
        loose = c.FPDFText_GetLooseCharBox
        origin = c.FPDFText_GetCharOrigin
        matrix = c.FPDFText_GetMatrix
        generated = c.FPDFText_IsGenerated
        text_obj = c.FPDFText_GetTextObject
        map_error = c.FPDFText_HasUnicodeMapError
        font_size = c.FPDFText_GetFontSize
        rect = c.FS_RECTF()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        mat = c.FS_MATRIX()
        a, b, cc, d, e, f = fr.m
        chars = out.chars
        objs: dict[int, int] = {}
        for i in range(n):
            u = get_uni(raw, i)
            if generated(raw, i) == 1 or u in (0xFFFE, 0xFFFF):
                continue
            ch = chr(u) if 0 < u < 0x110000 else "\ufffd"
            if ch in "\r\n":
                continue
            if not loose(raw, i, rect) or not origin(raw, i, ox, oy):
                continue
            # loose box (user space) -> display, as an axis-aligned box
            xs = (a * rect.left + cc * rect.top + e, a * rect.right + cc * rect.bottom + e)
            ys = (b * rect.left + d * rect.top + f, b * rect.right + d * rect.bottom + f)
            x0, x1 = min(xs), max(xs)
            y0, y1 = min(ys), max(ys)
            px = a * ox.value + cc * oy.value + e
            py = b * ox.value + d * oy.value + f
            fsize = font_size(raw, i) or 1.0
            if matrix(raw, i, mat):
                vx, vy = mat.a, mat.b          # text space x axis in user space
                size = fsize * (math.hypot(mat.c, mat.d) or math.hypot(vx, vy))
            else:
                vx, vy, size = 1.0, 0.0, max(y1 - y0, 1.0)
            dxx, dyy = a * vx + cc * vy, b * vx + d * vy
            norm = math.hypot(dxx, dyy) or 1.0
            dxx, dyy = dxx / norm, dyy / norm
            # advance along the run: the box's extent in that direction
            adv = abs(x1 - x0) if abs(dxx) >= abs(dyy) else abs(y1 - y0)
            handle = text_obj(raw, i)
            key = ctypes.cast(handle, ctypes.c_void_p).value or 0 if handle else 0
            obj = objs.setdefault(key, len(objs) + 1) if key else 0
            chars.append(Char(ch, x0, y0, x1, y1, px, py, dxx, dyy, size, adv, obj,
                              bool(map_error(raw, i) == 1)))
    finally:
        tp.close()


def render_page(pdf, index: int, *, max_side: int = 4096, dpi: float = 150.0):
    """The page as a Pillow image (RGB) and its pixels per point."""
    _require()
    with PDFIUM_LOCK:
        page = pdf[index]
        try:
            w, h = page.get_size()
            scale = dpi / 72.0
            longest = max(w, h) * scale
            if longest > max_side:
                scale *= max_side / longest
            bitmap = page.render(scale=scale, may_draw_forms=False)
            try:
                image = bitmap.to_pil().convert("RGB")
            finally:
                bitmap.close()
        finally:
            page.close()
    return image, scale


def render_png(path: str | Path, page: int = 1, *, max_side: int = 4096,
               dpi: float = 150.0) -> tuple[bytes, int, int, float]:
    """PNG bytes of one page (1-based), its size in pixels and its pixels per point."""
    with PDFIUM_LOCK:
        pdf = open_pdf(path)
        try:
            if not 1 <= page <= len(pdf):
                raise DataError(f"{path}: has no page {page} (it has {len(pdf)})")
            image, scale = render_page(pdf, page - 1, max_side=max_side, dpi=dpi)
        finally:
            pdf.close()
    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=False)
    return buf.getvalue(), image.width, image.height, scale
