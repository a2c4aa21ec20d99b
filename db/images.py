"""Pictures: safe decoding and thumbnails with Pillow (no Qt here).

Every picture that reaches the program passes through ``inspect`` or
``render``, which never let a hostile or broken file crash or stall it:

- a decompression bomb is refused from its header, before any pixel is
  decoded (our own limit, ``MAX_PIXELS``, well below Pillow's);
- a file over ``MAX_BYTES`` is refused unread;
- JPEGs are decoded at reduced size with ``Image.draft()`` when only a
  thumbnail or a screen-sized view is wanted;
- EXIF orientation is applied (photos are shown upright);
- CMYK, 16-bit, palette and other modes are converted to 8-bit RGB(A);
- animated GIF/WebP/PNG files give their first frame.

A file that cannot be used raises ``ImageProblem`` with a short reason that
names no internals (e.g. "truncated or damaged image data").
"""
from __future__ import annotations

import hashlib
import io
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

log = logging.getLogger("wesemibay.images")

MAX_PIXELS = 40_000_000          # 40 Mpx: e.g. 8000 x 5000; Pillow's own default is 89 Mpx
MAX_BYTES = 50 * 1024 * 1024     # a catalogue picture larger than this is refused unread
THUMB_SIZE = 256                 # longest side of a thumbnail, pixels
VIEW_SIZE = 1600                 # longest side of the picture shown in the product view
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp",
        "BMP": "image/bmp", "TIFF": "image/tiff"}
FORMATS = tuple(MIME)            # formats we decode at all (no PSD, EPS, SVG…)


class ImageProblem(Exception):
    """The picture cannot be used; the message says why in a few words."""


@dataclass
class Inspected:
    """A usable picture: its upright size, type, first-frame flag and a thumbnail."""
    sha1: str
    width: int
    height: int
    mime: str
    frames: int
    thumb: bytes
    thumb_mime: str


def sha1_of(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def read_file(path: str | Path) -> bytes:
    """The bytes of a picture file; ImageProblem if missing, unreadable or too large."""
    path = Path(path)
    try:
        if path.is_dir():
            raise ImageProblem("is a folder, not a picture")
        size = path.stat().st_size
        if not path.is_file():
            raise ImageProblem("not a file")
        if size > MAX_BYTES:
            raise ImageProblem(f"file too large ({size // (1024 * 1024)} MB; "
                               f"limit {MAX_BYTES // (1024 * 1024)} MB)")
        return path.read_bytes()
    except FileNotFoundError:
        raise ImageProblem("file not found") from None
    except PermissionError:
        raise ImageProblem("permission denied") from None
    except IsADirectoryError:
        raise ImageProblem("is a folder, not a picture") from None
    except OSError as exc:
        raise ImageProblem(f"cannot read ({exc.strerror or exc})") from None


def _open(data: bytes) -> Image.Image:
    """Open lazily (header only) and refuse bombs before any pixel is decoded."""
    if not data:
        raise ImageProblem("empty file")
    if len(data) > MAX_BYTES:
        raise ImageProblem(f"file too large ({len(data) // (1024 * 1024)} MB)")
    try:
        with warnings.catch_warnings():
            # Pillow warns (then refuses) above its own, higher limit; ours comes first.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError:
        raise ImageProblem("too many pixels (decompression bomb?)") from None
    except UnidentifiedImageError:
        raise ImageProblem("not a picture (or a format we do not read)") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ImageProblem(f"damaged header ({_short(exc)})") from None
    w, h = im.size
    if w <= 0 or h <= 0:
        raise ImageProblem("no pixels")
    if w * h > MAX_PIXELS:
        raise ImageProblem(f"too many pixels ({w} x {h}; limit {MAX_PIXELS // 1_000_000} Mpx)")
    return im


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:80]


def _decode(im: Image.Image, max_side: int | None) -> Image.Image:
    """First frame, decoded (reduced for JPEG when possible), upright, 8-bit RGB/RGBA."""
    try:
        if getattr(im, "is_animated", False):
            im.seek(0)
        if max_side and im.format == "JPEG":
            im.draft("RGB", (max_side, max_side))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im.load()
            im = ImageOps.exif_transpose(im) or im
        return _to_8bit(im)
    except ImageProblem:
        raise
    except Image.DecompressionBombError:
        raise ImageProblem("too many pixels (decompression bomb?)") from None
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, KeyError,
            ZeroDivisionError, TypeError, MemoryError) as exc:
        text = str(exc)
        if "truncated" in text or "broken data stream" in text or isinstance(exc, EOFError):
            raise ImageProblem("truncated or damaged image data") from None
        raise ImageProblem(f"cannot decode ({_short(exc)})") from None


def _to_8bit(im: Image.Image) -> Image.Image:
    mode = im.mode
    if mode in ("RGB", "RGBA", "L"):
        return im
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        im = im.convert("I")
        _lo, hi = im.getextrema()
        scale = 255.0 / 65535.0 if hi > 255 else 1.0   # 16-bit samples to 8-bit
        return im.point(lambda v: v * scale).convert("L")
    if mode == "F":
        lo, hi = im.getextrema()
        scale = 255.0 / (hi - lo) if hi > lo else 1.0
        return im.point(lambda v: (v - lo) * scale).convert("L")
    if mode in ("P", "PA", "LA", "RGBa", "La") or "transparency" in im.info:
        return im.convert("RGBA")
    return im.convert("RGB")          # CMYK, YCbCr, LAB, HSV, 1, …


def _encode(im: Image.Image) -> tuple[bytes, str]:
    buf = io.BytesIO()
    has_alpha = im.mode in ("RGBA", "LA") and im.getextrema()[-1][0] < 255
    if has_alpha:
        im.save(buf, "PNG", optimize=False)
        return buf.getvalue(), "image/png"
    if im.mode not in ("RGB", "L"):
        im = im.convert("RGB")
    im.save(buf, "JPEG", quality=85)
    return buf.getvalue(), "image/jpeg"


def render(data: bytes, max_side: int = VIEW_SIZE) -> tuple[bytes, int, int]:
    """The picture upright, at most ``max_side`` on its longest side, as PNG/JPEG bytes."""
    im = _decode(_open(data), max_side)
    if max(im.size) > max_side:
        im.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out, _ = _encode(im)
    return out, im.width, im.height


def thumbnail(data: bytes, size: int = THUMB_SIZE) -> tuple[bytes, str]:
    """A thumbnail (longest side ``size``) as PNG (with transparency) or JPEG bytes."""
    im = _decode(_open(data), size)
    im.thumbnail((size, size), Image.Resampling.LANCZOS)
    return _encode(im)


def inspect(data: bytes, size: int = THUMB_SIZE) -> Inspected:
    """Check a picture fully (header, size, every byte decodes) and make its thumbnail."""
    im = _open(data)
    fmt = im.format or ""
    frames = getattr(im, "n_frames", 1) or 1
    w, h = im.size
    # EXIF orientations 5-8 swap width and height.
    try:
        orientation = im.getexif().get(0x0112, 1)
    except Exception:
        orientation = 1
    if orientation in (5, 6, 7, 8):
        w, h = h, w
    # Decode every byte once (at reduced size for JPEG) so that a truncated file is
    # caught here, not on screen.
    small = _decode(im, size)
    small.thumbnail((size, size), Image.Resampling.LANCZOS)
    thumb, thumb_mime = _encode(small)
    return Inspected(sha1_of(data), w, h, MIME.get(fmt, "application/octet-stream"), frames,
                     thumb, thumb_mime)


def thumbnail_or_none(data: bytes | None, label: str = "", size: int = THUMB_SIZE) -> bytes | None:
    """Like ``thumbnail`` but logs the reason and returns None for a bad picture."""
    if not data:
        return None
    try:
        return thumbnail(data, size)[0]
    except ImageProblem as exc:
        log.warning("picture %s: %s; showing a placeholder", label or "?", exc)
        return None


PRODUCT_ART = Path(__file__).resolve().parents[1] / "desktop" / "assets" / "products"
PRODUCT_ART_CREDIT = "Illustration: WeSemiBay Explorer project"


def attach_tool_pictures(conn, folder: Path = PRODUCT_ART, credit: str = PRODUCT_ART_CREDIT) -> int:
    """Give products without a picture the illustration of their tool type (``<tool>.png``).

    Used by the built-in expo: the pictures are our own drawings of each tool type
    (``scripts/draw_product_art.py``), never photographs of the real products.
    Returns the number of products that got a picture.
    """
    n = 0
    if not Path(folder).is_dir():
        return 0
    tools = [t for (t,) in conn.execute(
        "SELECT DISTINCT tool_type FROM products WHERE image IS NULL AND tool_type IS NOT NULL")]
    for tool in tools:
        path = Path(folder) / f"{tool.lower()}.png"
        if not path.is_file():
            continue
        try:
            data = read_file(path)
            info = inspect(data)
        except ImageProblem as exc:
            log.warning("picture %s: %s", path, exc)
            continue
        row = conn.execute("SELECT id FROM images WHERE sha1 = ?", (info.sha1,)).fetchone()
        if row:
            image_id = row[0]
        else:
            image_id = conn.execute(
                "INSERT INTO images(sha1, data, thumb, width, height, mime, credit) "
                "VALUES (?,?,?,?,?,?,?)", (info.sha1, data, info.thumb, info.width, info.height,
                                           info.mime, credit)).lastrowid
        n += conn.execute("UPDATE products SET image = ? WHERE image IS NULL AND tool_type = ?",
                          (image_id, tool)).rowcount
    return n
