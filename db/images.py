"""Pictures: safe reading, checking and thumbnails with Pillow (no Qt here).

Every picture that reaches the program passes through ``read_file`` (from a
catalogue's folder) and ``inspect`` (at import) or ``render``/``thumbnail`` (on
screen), which never let a hostile or broken file crash or stall it:

- a catalogue names pictures by path; ``picture_path`` resolves it (symlinks
  included) and refuses any that leave the picture folder (``../``, absolute
  paths, links out);
- ``read_file`` reads regular files only (no named pipe, device, socket or
  /proc, /sys file), never more than ``MAX_BYTES``;
- a decompression bomb is refused from its header, before any pixel is
  decoded (our own limit, ``MAX_PIXELS``, well below Pillow's);
- ``inspect`` verifies the whole file (Pillow's ``verify()`` where the format
  has one, e.g. PNG chunk checksums) and decodes every byte of the picture as
  shown (at reduced size for JPEG, ``Image.draft()``), so that what is stored
  also renders; the stored width and height are those of the decoded picture,
  upright;
- EXIF orientation is applied (photos are shown upright);
- CMYK, 16-bit, palette and other modes are converted to 8-bit RGB(A);
- animated GIF/WebP/PNG files give their first frame.

Any exception Pillow raises on a hostile file (documented or not: TypeError,
struct.error, IndexError, MemoryError…) becomes ``ImageProblem`` with a short
reason that names no internals (e.g. "truncated or damaged image data").
"""
from __future__ import annotations

import contextlib
import functools
import glob
import hashlib
import io
import logging
import os
import stat
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import PIL
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from .assets import PRODUCT_ART

log = logging.getLogger("wesemibay.images")
# Pillow logs what it finds wrong in a damaged file (e.g. "More samples per pixel than can be
# decoded") at error level; we report the file ourselves, so without a handler of the
# program's own these lines must not reach stderr through logging's last resort.
logging.getLogger("PIL").addHandler(logging.NullHandler())

MAX_PIXELS = 40_000_000          # 40 Mpx: e.g. 8000 x 5000; Pillow's own default is 89 Mpx
MAX_BYTES = 50 * 1024 * 1024     # a catalogue picture larger than this is refused unread
THUMB_SIZE = 256                 # longest side of a thumbnail, pixels
VIEW_SIZE = 1600                 # longest side of the picture shown in the product view
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp",
        "BMP": "image/bmp", "TIFF": "image/tiff",
        "MPO": "image/jpeg"}     # multi-picture JPEG (cameras): a JPEG to every reader
# Formats we decode at all (no PSD, EPS, SVG…); Pillow opens MPO through its JPEG reader.
FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")
_DRAFT_FORMATS = ("JPEG", "MPO")


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


# ------------------------------------------------------------------ where a picture may come from
def picture_path(cell: str, folder: str | os.PathLike) -> Path:
    """The file a catalogue's picture cell names, symlinks resolved, inside ``folder``.

    A relative path starts at ``folder``. ImageProblem if the path is not a valid
    file name or leads outside ``folder`` (``../``, an absolute path elsewhere, or a
    symlink that points out): a catalogue never makes the program read other files.
    """
    if not cell or "\0" in cell:
        raise ImageProblem("not a valid file name")
    root = Path(os.path.realpath(folder))
    try:
        p = Path(cell)
        joined = p if p.is_absolute() else root / p
        real = Path(os.path.realpath(joined))
    except (OSError, ValueError, RuntimeError):
        raise ImageProblem("not a valid file name") from None
    if real != root and root not in real.parents:
        plain = Path(os.path.normpath(joined))
        if plain == root or root in plain.parents:
            raise ImageProblem(f"a symbolic link to a file outside the picture folder {root}")
        raise ImageProblem(f"outside the picture folder {root}")
    return real


@functools.lru_cache(maxsize=1)
def _pseudo_devices() -> frozenset[tuple[int, int]]:
    """Devices of the kernel's pseudo file systems (/proc, /sys…), from /proc/self/mountinfo.

    Their "regular files" are not files on a disk: reading them returns the kernel's
    state (e.g. /proc/self/environ, the program's environment).
    """
    kinds = {"proc", "sysfs", "debugfs", "tracefs", "securityfs", "cgroup", "cgroup2",
             "configfs", "pstore", "bpf", "efivarfs", "fusectl", "devpts", "devtmpfs",
             "mqueue", "binfmt_misc", "nsfs", "selinuxfs", "rpc_pipefs", "autofs"}
    found = set()
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                left, _sep, right = line.partition(" - ")
                fields = left.split()
                if len(fields) > 2 and right.split()[:1] and right.split()[0] in kinds:
                    major, _c, minor = fields[2].partition(":")
                    found.add((int(major), int(minor)))
    except (OSError, ValueError):
        pass                        # not Linux: the size checks below still apply
    return frozenset(found)


def _refuse_special(st: os.stat_result) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise ImageProblem("is a folder, not a picture")
    if not stat.S_ISREG(st.st_mode):
        raise ImageProblem("not a regular file (a named pipe, device or socket)")
    pseudo = _pseudo_devices()
    if pseudo and (os.major(st.st_dev), os.minor(st.st_dev)) in pseudo:
        raise ImageProblem("a system file (/proc, /sys), not a picture")
    if st.st_size == 0:
        raise ImageProblem("empty file")
    if st.st_size > MAX_BYTES:
        raise ImageProblem(f"file too large ({st.st_size // (1024 * 1024)} MB; "
                           f"limit {MAX_BYTES // (1024 * 1024)} MB)")


def read_file(path: str | os.PathLike) -> bytes:
    """The bytes of a picture file; ImageProblem if it is missing, unreadable, not a
    regular file (a named pipe, device, socket, /proc or /sys file) or larger than
    ``MAX_BYTES``. The file's type and size are checked before it is opened, and the
    read stops at the limit whatever the file system says its size is.
    """
    try:
        st = os.stat(path)
        _refuse_special(st)
        flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                 | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
        fd = os.open(path, flags)
        with open(fd, "rb") as fh:      # buffered: read() loops until the limit or EOF
            now = os.fstat(fd)
            if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
                raise ImageProblem("the file changed while it was read")
            _refuse_special(now)
            data = fh.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise ImageProblem(f"file too large (limit {MAX_BYTES // (1024 * 1024)} MB)")
        if len(data) != now.st_size:
            raise ImageProblem("the file changed while it was read (or is not a file on disk)")
        return data
    except (FileNotFoundError, NotADirectoryError):
        raise ImageProblem("file not found") from None
    except PermissionError:
        raise ImageProblem("permission denied") from None
    except IsADirectoryError:
        raise ImageProblem("is a folder, not a picture") from None
    except ValueError:              # e.g. a NUL in the name
        raise ImageProblem("not a valid file name") from None
    except OSError as exc:
        raise ImageProblem(f"cannot read ({exc.strerror or exc})") from None


# ------------------------------------------------------------------ quiet decoding
_quiet_lock = threading.Lock()
_quiet_users = 0
_quiet_ctx: warnings.catch_warnings | None = None


@contextlib.contextmanager
def _quiet():
    """Pillow's warnings about a damaged file (corrupt EXIF, "Tag data larger than file",
    its own bomb warning) stay silent while we decode: the file's problem is reported
    by us, once. ``catch_warnings`` is not thread-safe (two thumbnail workers would
    leave the filters changed), so the threads share one, counted, block; warnings of
    other threads are silent while a picture is being decoded, and the filters are
    restored when the last decode ends.
    """
    global _quiet_users, _quiet_ctx
    with _quiet_lock:
        if _quiet_users == 0:
            ctx = warnings.catch_warnings()
            ctx.__enter__()
            warnings.simplefilter("ignore")
            _quiet_ctx = ctx
        _quiet_users += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_users -= 1
            if _quiet_users == 0 and _quiet_ctx is not None:
                _quiet_ctx.__exit__(None, None, None)
                _quiet_ctx = None


@functools.lru_cache(maxsize=1)
def _silence_libtiff() -> bool:
    """libtiff writes its complaints about a damaged TIFF to stderr (dozens of lines for
    one fuzzed file); Pillow raises an exception anyway, which we report. Turn libtiff's
    global handlers off in the copy Pillow loaded (best effort: only a library already
    in the process is touched, none is loaded).
    """
    import ctypes                   # here, not at start-up: only when a picture is decoded
    noload = getattr(os, "RTLD_NOLOAD", 0)
    if not noload:
        return False
    base = Path(PIL.__file__).resolve().parent
    names = (glob.glob(str(base.parent / "pillow.libs" / "libtiff*"))
             + glob.glob(str(base / ".dylibs" / "libtiff*"))
             + ["libtiff.so.6", "libtiff.so.5", "libtiff.6.dylib"])
    for name in names:
        try:
            lib = ctypes.CDLL(name, mode=noload | ctypes.RTLD_LOCAL)
            for fn in (lib.TIFFSetErrorHandler, lib.TIFFSetWarningHandler):
                fn.restype = ctypes.c_void_p
                fn.argtypes = [ctypes.c_void_p]
                fn(None)
            return True
        except (OSError, AttributeError):
            continue
    return False



# ------------------------------------------------------------------ checking and decoding
def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:80]


def _problem(exc: Exception, stage: str) -> ImageProblem:
    """A one-line reason for any exception Pillow raised on a file."""
    if isinstance(exc, ImageProblem):
        return exc
    log.debug("picture refused at %s: %s", stage, type(exc).__name__, exc_info=exc)
    if isinstance(exc, Image.DecompressionBombError):
        return ImageProblem("too many pixels (decompression bomb?)")
    if isinstance(exc, UnidentifiedImageError):
        return ImageProblem("not a picture (or a format we do not read)")
    if isinstance(exc, MemoryError):
        return ImageProblem("too large to decode")
    text = str(exc)
    low = text.lower()
    if "checksum" in low or "crc" in low:
        return ImageProblem("damaged data (a checksum does not match)")
    if isinstance(exc, EOFError) or any(t in low for t in (
            "truncated", "broken data stream", "unrecognized data stream", "broken png file")):
        return ImageProblem("truncated or damaged image data")
    if "decompressed data too large" in low:          # PNG text chunks that inflate hugely
        return ImageProblem("too much compressed text in the file (decompression bomb?)")
    where = "damaged header" if stage == "header" else "cannot decode"
    if not isinstance(exc, (OSError, ValueError, SyntaxError)):
        # IndexError, KeyError, struct.error, ZeroDivisionError…: Pillow's parser met data
        # it did not expect; its message ("list index out of range") would mean nothing.
        return ImageProblem(f"{where} (damaged or unusual data)")
    return ImageProblem(f"{where} ({_short(exc)})")


def _open(data: bytes) -> Image.Image:
    """Open lazily (header only) and refuse bombs before any pixel is decoded."""
    if not data:
        raise ImageProblem("empty file")
    if len(data) > MAX_BYTES:
        raise ImageProblem(f"file too large ({len(data) // (1024 * 1024)} MB)")
    _silence_libtiff()
    try:
        with _quiet():
            im = Image.open(io.BytesIO(data), formats=FORMATS)
            w, h = im.size
    except Exception as exc:        # any exception on a hostile header is the file's fault
        raise _problem(exc, "header") from None
    if not (isinstance(w, int) and isinstance(h, int)) or w <= 0 or h <= 0:
        raise ImageProblem("no pixels")
    if w * h > MAX_PIXELS:
        raise ImageProblem(f"too many pixels ({w} x {h}; limit {MAX_PIXELS // 1_000_000} Mpx)")
    return im


def _verify(data: bytes) -> Image.Image:
    """The picture, opened again after Pillow's ``verify()`` read the whole file.

    Only PNG has a ``verify()`` in Pillow (chunk checksums, chunk order, the end
    chunk); for the other formats the full decode is the check.
    """
    im = _open(data)
    if type(im).verify is ImageFile.ImageFile.verify:
        return im
    try:
        with _quiet():
            im.verify()
    except Exception as exc:
        raise _problem(exc, "verify") from None
    return _open(data)


def _orientation(im: Image.Image) -> int:
    """The EXIF/XMP orientation ``exif_transpose`` will apply (1 if none or unreadable)."""
    try:
        o = im.getexif().get(0x0112, 1)
        return o if isinstance(o, int) else 1
    except Exception:
        return 1


def _decode(im: Image.Image, max_side: int | None) -> tuple[Image.Image, tuple[int, int]]:
    """Decode the first frame (reduced for JPEG when possible), upright, 8-bit RGB/RGBA.

    Returns the picture and the upright size of the full picture. Every byte of the
    first frame is decoded; the decoded size is checked against the header's.
    """
    try:
        with _quiet():
            if getattr(im, "is_animated", False):
                im.seek(0)
            header = im.size
            if max_side and im.format in _DRAFT_FORMATS:
                im.draft("RGB", (max_side, max_side))
            drafted = im.size
            im.load()
            if im.size != drafted or im.width * im.height > MAX_PIXELS:
                raise ImageProblem("the decoded picture does not match its header")
            o = _orientation(im)
            # exif_transpose copies even an upright picture: call it only to turn one
            up = (ImageOps.exif_transpose(im) or im) if o in (2, 3, 4, 5, 6, 7, 8) else im
            if drafted == header:
                full = up.size                     # decoded at full size: what is shown
            else:
                full = (header[1], header[0]) if o in (5, 6, 7, 8) else header
            return _to_8bit(up), full
    except Exception as exc:        # any exception while decoding is the file's fault
        raise _problem(exc, "decode") from None


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


def _shrink_encode(im: Image.Image, max_side: int) -> tuple[bytes, str, int, int]:
    try:
        with _quiet():
            if max(im.size) > max_side:
                im.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            out, mime = _encode(im)
        return out, mime, im.width, im.height
    except Exception as exc:
        raise _problem(exc, "decode") from None


def render(data: bytes, max_side: int = VIEW_SIZE) -> tuple[bytes, int, int]:
    """The picture upright, at most ``max_side`` on its longest side, as PNG/JPEG bytes."""
    im, _full = _decode(_open(data), max_side)
    out, _mime, w, h = _shrink_encode(im, max_side)
    return out, w, h


def thumbnail(data: bytes, size: int = THUMB_SIZE) -> tuple[bytes, str]:
    """A thumbnail (longest side ``size``) as PNG (with transparency) or JPEG bytes."""
    im, _full = _decode(_open(data), size)
    out, mime, _w, _h = _shrink_encode(im, size)
    return out, mime


def inspect(data: bytes, size: int = THUMB_SIZE) -> Inspected:
    """Check a picture fully (every byte verified and decoded) and make its thumbnail.

    Width and height are those of the picture as shown (after its orientation).
    """
    im = _verify(data)
    fmt = im.format or ""
    try:
        with _quiet():
            frames = int(getattr(im, "n_frames", 1) or 1)
    except Exception as exc:
        raise _problem(exc, "header") from None
    small, (w, h) = _decode(im, size)
    thumb, thumb_mime, _tw, _th = _shrink_encode(small, size)
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


# ------------------------------------------------------------------ storing
def store(conn, data: bytes, *, info: Inspected | None = None, credit: str | None = None) -> int:
    """The ``images`` row of a picture, made or reused: the one place a picture is stored.

    A picture is known by its sha1: the row the file already has for it is reused (its
    thumbnail with it; one is made if the row has none and ``info`` is given) and keeps its
    credit (``credit`` is written only where the row has none). A new picture is checked
    whole (``inspect``, unless the caller passes what it gave: ``info``; ``ImageProblem``
    if it cannot be used) and stored with its thumbnail, size, type and ``credit``.
    """
    sha = info.sha1 if info is not None else sha1_of(data)
    row = conn.execute("SELECT id, thumb IS NULL FROM images WHERE sha1 = ?", (sha,)).fetchone()
    if row:
        image_id, no_thumb = row
        if credit:
            conn.execute("UPDATE images SET credit = COALESCE(credit, ?) WHERE id = ?",
                         (credit, image_id))
        if no_thumb and info is not None:
            conn.execute("UPDATE images SET thumb = ? WHERE id = ?", (info.thumb, image_id))
        return image_id
    if info is None:
        info = inspect(data)
    return conn.execute("INSERT INTO images(sha1, data, thumb, width, height, mime, credit) "
                        "VALUES (?,?,?,?,?,?,?)", (info.sha1, data, info.thumb, info.width,
                                                   info.height, info.mime, credit)).lastrowid


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
            image_id = store(conn, read_file(path), credit=credit)
        except ImageProblem as exc:
            log.warning("picture %s: %s", path, exc)
            continue
        n += conn.execute("UPDATE products SET image = ? WHERE image IS NULL AND tool_type = ?",
                          (image_id, tool)).rowcount
    return n
