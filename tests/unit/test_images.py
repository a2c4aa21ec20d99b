"""Pictures: hostile and broken files never crash or stall; good ones come out upright."""
from __future__ import annotations

import io
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from db import images

PICS = Path(__file__).resolve().parents[1] / "fixtures" / "catalogue" / "pictures"


def _read(name: str) -> bytes:
    return (PICS / name).read_bytes()


def _open(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


@pytest.mark.parametrize("name, reason", [
    ("bomb.png", "too many pixels"),
    ("truncated.jpg", "truncated or damaged"),
    ("not-a-picture.jpg", "not a picture"),
])
def test_bad_pictures_are_refused_quickly_with_a_reason(name, reason):
    data = _read(name)
    for call in (images.inspect, images.thumbnail, images.render):
        t0 = time.perf_counter()
        with pytest.raises(images.ImageProblem, match=reason):
            call(data)
        assert time.perf_counter() - t0 < 1.0, (name, call)


def test_the_bomb_is_refused_before_any_pixel_is_decoded():
    # The fixture is a 69-byte PNG whose header claims 60,000 x 60,000 pixels.
    data = _read("bomb.png")
    assert len(data) < 200
    with pytest.raises(images.ImageProblem, match="too many pixels"):
        images.inspect(data)


def test_our_own_limit_is_below_pillows(tmp_path):
    # 8,000 x 6,000 = 48 Mpx: under Pillow's 89 Mpx warning, over our 40 Mpx limit.
    big = images_bomb(8000, 6000)
    with pytest.raises(images.ImageProblem, match=r"8000 x 6000"):
        images.inspect(big)


def images_bomb(w: int, h: int) -> bytes:
    import sys
    sys.path.insert(0, str(PICS.parent))
    from make_fixtures import bomb_png
    return bomb_png(w, h)


def test_empty_and_missing_files(tmp_path):
    with pytest.raises(images.ImageProblem, match="empty"):
        images.inspect(b"")
    with pytest.raises(images.ImageProblem, match="file not found"):
        images.read_file(tmp_path / "nope.png")
    with pytest.raises(images.ImageProblem, match="folder"):
        images.read_file(tmp_path)


def test_exif_rotated_photo_comes_out_upright():
    data = _read("rotated.jpg")             # stored 120 x 80, EXIF orientation 6
    info = images.inspect(data)
    assert (info.width, info.height) == (80, 120)
    thumb = _open(info.thumb)
    assert thumb.height > thumb.width
    # the red left half of the stored picture is the top half once turned upright
    r, g, b = thumb.convert("RGB").getpixel((thumb.width // 2, 5))
    assert r > 150 and b < 100
    r, g, b = thumb.convert("RGB").getpixel((thumb.width // 2, thumb.height - 5))
    assert b > 150 and r < 100
    shown, w, h = images.render(data)
    assert (w, h) == (80, 120) and _open(shown).size == (80, 120)


def test_cmyk_is_shown_in_rgb_with_its_colour():
    thumb = _open(images.thumbnail(_read("cmyk.jpg"))[0])
    assert thumb.mode == "RGB"
    r, g, b = thumb.getpixel((5, 5))
    assert r > 200 and g < 60 and b < 60           # C=0 M=255 Y=255 K=0 is red


def test_16_bit_grey_is_scaled_not_clipped():
    thumb = _open(images.thumbnail(_read("grey16.png"))[0])
    value = thumb.convert("L").getpixel((5, 5))
    assert 100 < value < 160                         # 32768 of 65535 is mid grey, not white


@pytest.mark.parametrize("name", ["animated.gif", "animated.webp"])
def test_animated_pictures_give_their_first_frame(name):
    info = images.inspect(_read(name))
    assert info.frames == 3
    r, g, b = _open(info.thumb).convert("RGB").getpixel((5, 5))
    assert r > 150 and g < 100 and b < 100           # the first frame is red


def test_thumbnails_are_small_png_or_jpeg():
    info = images.inspect(_read("good.png"))
    thumb = _open(info.thumb)
    assert max(thumb.size) <= images.THUMB_SIZE
    assert info.thumb_mime in ("image/png", "image/jpeg")
    assert info.mime == "image/png"
    assert info.sha1 == images.sha1_of(_read("good.png"))


def test_big_jpeg_thumbnail_uses_draft_and_stays_fast():
    buf = io.BytesIO()
    Image.new("RGB", (4000, 3000), (10, 120, 200)).save(buf, "JPEG", quality=90)
    t0 = time.perf_counter()
    data, mime = images.thumbnail(buf.getvalue())
    assert time.perf_counter() - t0 < 1.0
    assert mime == "image/jpeg" and max(_open(data).size) == images.THUMB_SIZE


def test_thumbnail_or_none_logs_and_returns_none(caplog):
    with caplog.at_level("WARNING"):
        assert images.thumbnail_or_none(_read("truncated.jpg"), "#7") is None
    assert "#7" in caplog.text and "placeholder" in caplog.text


# ------------------------------------------------------------------ issue 10, point 13
def _png_chunks(data: bytes):
    pos = 8
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        yield pos, data[pos + 4:pos + 8], n
        pos += 12 + n


def _png(size=(64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(buf, "PNG")
    return buf.getvalue()


def _idat(data: bytes) -> tuple[int, int]:
    return next((pos, n) for pos, kind, n in _png_chunks(data) if kind == b"IDAT")


def png_bad_checksum() -> bytes:
    data = _png()
    pos, n = _idat(data)
    crc = pos + 8 + n
    return data[:crc] + bytes([data[crc] ^ 0xFF]) + data[crc + 1:]


def png_broken_stream() -> bytes:
    """Pixel data that is not a zlib stream, with a correct checksum."""
    data = bytearray(_png())
    pos, n = _idat(data)
    body = bytes(data[pos + 8:pos + 10]) + b"\xff" * (n - 2)
    data[pos + 8:pos + 8 + n] = body
    data[pos + 8 + n:pos + 12 + n] = struct.pack(">I", zlib.crc32(b"IDAT" + body))
    return bytes(data)


def png_cut_end() -> bytes:
    return _png()[:-8]                        # the IEND chunk cut short


def tiff_raising_typeerror() -> bytes:
    """A 1 x 1 TIFF whose second page has no dimensions: Pillow raises TypeError."""
    def ifd(entries, next_offset):
        return (struct.pack("<H", len(entries))
                + b"".join(struct.pack("<HHII", tag, 3, 1, v) for tag, v in entries)
                + struct.pack("<I", next_offset))
    first = [(256, 1), (257, 1), (258, 8), (259, 1), (262, 1), (273, 0), (277, 1), (278, 1),
             (279, 1)]
    second = [(259, 1), (262, 1)]
    at0 = 8
    at1 = at0 + 2 + 12 * len(first) + 4
    pixel = at1 + 2 + 12 * len(second) + 4
    first = [(t, pixel if t == 273 else v) for t, v in first]
    return b"II*\x00" + struct.pack("<I", at0) + ifd(first, at1) + ifd(second, 0) + b"\x80"


def test_any_exception_pillow_raises_is_a_reason_not_a_traceback():
    data = tiff_raising_typeerror()
    with pytest.raises(TypeError):             # what Pillow does with it
        Image.open(io.BytesIO(data)).n_frames
    for call in (images.inspect, images.thumbnail, images.render):
        try:
            call(data)
        except images.ImageProblem as exc:
            assert str(exc) and "\n" not in str(exc)


@pytest.mark.parametrize("make, reason", [
    (png_bad_checksum, "checksum"),
    (png_broken_stream, "truncated or damaged"),
    (png_cut_end, "truncated or damaged"),
])
def test_damaged_pngs_are_refused_by_the_whole_file_check(make, reason):
    with pytest.raises(images.ImageProblem, match=reason):
        images.inspect(make())
    images.inspect(_png())                     # the same picture undamaged is fine


def test_tiff_orientation_gives_the_size_as_shown():
    im = Image.new("RGB", (120, 80), (40, 110, 200))
    im.paste((220, 40, 40), (0, 0, 60, 80))   # left half red
    for orientation, size in ((1, (120, 80)), (3, (120, 80)), (5, (80, 120)), (6, (80, 120)),
                              (8, (80, 120))):
        buf = io.BytesIO()
        im.save(buf, "TIFF", tiffinfo={0x0112: orientation})
        info = images.inspect(buf.getvalue())
        assert (info.width, info.height) == size, orientation
        assert _open(info.thumb).size[0] < _open(info.thumb).size[1] or size[0] > size[1]
        shown, w, h = images.render(buf.getvalue())
        assert (w, h) == size and _open(shown).size == size


def test_multi_picture_jpeg_is_a_jpeg():
    buf = io.BytesIO()
    first, second = Image.new("RGB", (64, 48), (200, 30, 30)), Image.new("RGB", (64, 48))
    first.save(buf, "MPO", save_all=True, append_images=[second])
    info = images.inspect(buf.getvalue())
    assert info.mime == "image/jpeg" and (info.width, info.height) == (64, 48)
    r, g, b = _open(info.thumb).convert("RGB").getpixel((5, 5))
    assert r > 150 and g < 80                  # the first picture is the one shown


def test_the_check_decodes_every_byte_not_just_the_header():
    data = _read("good.jpg")
    for cut in (len(data) // 2, len(data) - 40):
        with pytest.raises(images.ImageProblem, match="truncated or damaged"):
            images.inspect(data[:cut])


def _corrupt_exif_jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (1, 2, 3)).save(
        buf, "JPEG", exif=b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x05\x00\x12\x01")
    return buf.getvalue()


def test_pillows_warnings_stay_inside_and_the_filters_are_restored_across_threads():
    """Pillow warns about corrupt EXIF; we report the file ourselves. Two threads making
    thumbnails at once (the window has two workers) leave the warning filters as they
    found them (``catch_warnings`` alone is not thread-safe)."""
    import threading
    import warnings
    data = _corrupt_exif_jpeg()
    before = list(warnings.filters)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        images.inspect(data)
    assert seen == []
    errors = []

    def work():
        try:
            for _ in range(60):
                images.thumbnail(data, 64)
        except Exception as exc:               # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert warnings.filters == before
