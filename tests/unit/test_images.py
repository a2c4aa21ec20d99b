"""Pictures: hostile and broken files never crash or stall; good ones come out upright."""
from __future__ import annotations

import io
import time
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
