"""Hostile and awkward pictures from the shared sets (Pillow's tests, PngSuite, EXIF
orientation examples): each one is either used, upright, at its true size and with a
thumbnail and a view that decode, or refused with a reason; an import of all of them
succeeds, stores only pictures that render, and names the row of every refused one.
"""
from __future__ import annotations

import csv
import functools
import io
import warnings

import pytest
from PIL import Image, ImageChops, ImageStat

from db import images
from db.expo import open_expo
from db.importing import import_files

from picture_sets import cases, shared_testdata  # tests/picture_sets.py
import dbtest  # tests/dbtest.py

ROOT = shared_testdata()
CASES = cases()
BY_REL = {c.rel: c for c in CASES}
needs_data = pytest.mark.skipif(ROOT is None, reason="shared/testdata is not here")


def _decoded(data: bytes) -> Image.Image:
    """Decode bytes with plain Pillow, every pixel (what a viewer of our output does)."""
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def _difference(a: bytes, b: bytes) -> float:
    """Mean difference (0-255) of two thumbnails, compared at the same size in RGB."""
    x, y = _decoded(a).convert("RGB"), _decoded(b).convert("RGB")
    y = y.resize(x.size)
    return sum(ImageStat.Stat(ImageChops.difference(x, y)).mean) / 3


def check_usable(data: bytes, info: images.Inspected) -> None:
    """What an accepted picture must give: the window's decode path works on it, the
    stored size is that of the picture as shown, the thumbnail decodes."""
    thumb = _decoded(info.thumb)
    assert 0 < max(thumb.size) <= images.THUMB_SIZE
    assert info.mime in set(images.MIME.values())
    shown, w, h = images.render(data, max(info.width, info.height))   # full size, upright
    assert (w, h) == (info.width, info.height)
    assert _decoded(shown).size == (w, h)
    small, _mime = images.thumbnail(data)
    assert max(_decoded(small).size) <= images.THUMB_SIZE


@needs_data
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_picture_is_used_at_its_true_size_or_refused(case):
    data = (ROOT / case.rel).read_bytes()
    if case.expect == "refuse":
        with pytest.raises(images.ImageProblem):
            images.inspect(data)
        return
    try:
        info = images.inspect(data)
    except images.ImageProblem as exc:
        assert case.expect == "either", f"{case.rel} refused: {exc}"
        assert str(exc) and "\n" not in str(exc)
        return
    check_usable(data, info)
    if case.size:
        assert (info.width, info.height) == case.size
    if case.like:
        assert _difference(info.thumb, _thumb_of(case.like)) <= 17, "not upright like " + case.like


@functools.lru_cache(maxsize=None)
def _thumb_of(rel: str) -> bytes:
    return images.inspect((ROOT / rel).read_bytes()).thumb


@needs_data
def test_the_cases_named_in_the_issue():
    """Issue 10, point 13, file by file (each of these failed before)."""
    def get(rel):
        return (ROOT / rel).read_bytes()
    # a TIFF on which Pillow raises TypeError: a refusal, not a traceback
    for rel in ("pillow-images/crash-2020-10-test.tif",
                "pillow-images/crash-63b1dffefc8c075ddc606c0a2f5fdc15ece78863.tif"):
        with pytest.raises(images.ImageProblem):
            images.inspect(get(rel))
    # PNGs with a damaged end chunk or data stream never render: refused at the check
    for rel in ("pillow-images/truncated_end_chunk.png", "pillow-images/broken_data_stream.png"):
        with pytest.raises(images.ImageProblem, match="truncated or damaged|checksum"):
            images.inspect(get(rel))
    # PNG chunk checksums are verified
    with pytest.raises(images.ImageProblem, match="checksum"):
        images.inspect(get("pngsuite/xcsn0g01.png"))
    # TIFF orientations 5-8: the size as shown, not swapped
    for n in range(1, 9):
        info = images.inspect(get(f"pillow-images/g4_orientation_{n}.tif"))
        assert (info.width, info.height) == (590, 88), n
    # multi-picture JPEG (MPO) is a JPEG
    assert images.inspect(get("pillow-images/sugarshack.mpo")).mime == "image/jpeg"


@needs_data
def test_libtiff_and_pillow_print_nothing_on_hostile_tiffs(capfd):
    """The reason comes from us, once; libtiff and Pillow's logging stay off stderr."""
    for p in sorted((ROOT / "pillow-images").glob("crash-*.tif")):
        try:
            images.inspect(p.read_bytes())
        except images.ImageProblem:
            pass
    out, err = capfd.readouterr()
    assert err == "" and out == ""


@needs_data
def test_importing_every_hostile_picture(tmp_path):
    """One catalogue naming every picture of the sets: the import succeeds; each row has a
    picture that renders at its true size, or a warning naming the file, line, column and
    path; nothing refused is stored."""
    catalogue = tmp_path / "catalogue.csv"
    with open(catalogue, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Company", "Product", "Image"])
        for i, case in enumerate(CASES):
            w.writerow([f"Maker {i // 25}", f"Item {i}", case.rel])
    expo = tmp_path / "hostile.sqlite"
    with warnings.catch_warnings():
        warnings.simplefilter("error")           # Pillow's warnings never leak out
        report = import_files(expo, [catalogue], pictures=ROOT)
    warned = {w.line: str(w) for w in report.warnings}
    with open_expo(expo, readonly=True) as ex:
        rows = {name: (data, thumb, w, h) for name, data, thumb, w, h in dbtest.query(ex, 
            "SELECT p.name, i.data, i.thumb, i.width, i.height FROM products p "
            "LEFT JOIN images i ON i.id = p.image")}
    assert len(rows) == len(CASES)
    refused = 0
    for i, case in enumerate(CASES):
        line = i + 2
        data, thumb, w, h = rows[f"Item {i}"]
        if data is None:
            refused += 1
            assert case.expect != "accept", f"{case.rel}: {warned.get(line)}"
            text = warned[line]
            assert text.startswith(f'catalogue.csv: line {line}, column C ("Image"): '
                                   f"picture {case.rel}: ")
            assert "imported without a picture" in text
        else:
            assert case.expect != "refuse", case.rel
            assert line not in warned
            assert data == (ROOT / case.rel).read_bytes()
            assert max(_decoded(thumb).size) <= images.THUMB_SIZE
            shown, sw, sh = images.render(data, max(w, h))
            assert (sw, sh) == (w, h) and _decoded(shown).size == (w, h)
            if case.size:
                assert (w, h) == case.size, case.rel
    assert report.rejected == {"picture": refused}
    assert refused >= sum(c.expect == "refuse" for c in CASES)
