"""The shared sets of hostile and awkward pictures, and what each file must give.

They live outside the project, in ``shared/testdata`` beside the checkout (or where
``WESEMIBAY_TESTDATA`` points); tests that need them skip when they are absent. Never
copy them into the project.

- ``pillow-images``: Pillow's own test pictures, with ``expected.tsv`` (accept, refuse or
  either, the upright size and the picture an oriented copy must look like);
- ``pngsuite``: PngSuite; the ``x*.png`` files are broken on purpose and must be refused,
  every other file read at the size its IHDR chunk states;
- ``exif-orientation``: ``Landscape_0..8`` and ``Portrait_0..8``, each shown upright at the
  size of ``<kind>_1.jpg`` and looking like it.
"""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path


def shared_testdata() -> Path | None:
    """The shared test data folder, or None when it is not there."""
    env = os.environ.get("WESEMIBAY_TESTDATA")
    if env:
        return Path(env) if Path(env).is_dir() else None
    for up in Path(__file__).resolve().parents:
        cand = up / "shared" / "testdata"
        if cand.is_dir():
            return cand
    return None


@dataclass(frozen=True)
class Case:
    rel: str                      # path below the test data folder
    expect: str                   # accept, refuse or either
    size: tuple[int, int] | None  # upright width and height, where stated
    like: str | None              # rel of the picture it must look like once upright

    @property
    def id(self) -> str:
        return self.rel


def _ihdr_size(path: Path) -> tuple[int, int] | None:
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def _header_size(path: Path) -> tuple[int, int] | None:
    """The size a PNG, GIF or BMP file's header states (PNG: its IHDR chunk)."""
    suffix = path.suffix.lower()
    if suffix == ".png":
        return _ihdr_size(path)
    if suffix in (".gif", ".bmp"):
        from PIL import Image
        with Image.open(path) as im:
            return im.size
    return None


def cases() -> list[Case]:
    """Every picture of the three sets with its expectation (empty without test data)."""
    root = shared_testdata()
    if root is None:
        return []
    out = []
    tsv = root / "pillow-images" / "expected.tsv"
    if tsv.is_file():
        for line in tsv.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            name, expect, w, h, like, _ref = line.split("\t")
            size = (int(w), int(h)) if w != "-" else None
            if size is None and expect == "accept":
                size = _header_size(root / "pillow-images" / name)
            out.append(Case(f"pillow-images/{name}", expect, size,
                            f"pillow-images/{like}" if like != "-" else None))
    suite = root / "pngsuite"
    for p in sorted(suite.glob("*.png")) if suite.is_dir() else []:
        broken = p.name.startswith("x")
        out.append(Case(f"pngsuite/{p.name}", "refuse" if broken else "accept",
                        None if broken else _ihdr_size(p), None))
    exif = root / "exif-orientation"
    for kind in ("Landscape", "Portrait"):
        ref = exif / f"{kind}_1.jpg"
        if not ref.is_file():
            continue
        from PIL import Image
        with Image.open(ref) as im:
            size = im.size                # orientation 1: stored as shown
        for n in range(9):
            p = exif / f"{kind}_{n}.jpg"
            if p.is_file():
                out.append(Case(f"exif-orientation/{p.name}", "accept", size,
                                f"exif-orientation/{kind}_1.jpg" if n != 1 else None))
    return out
