"""Draw the application icon (a floor plan with one lit booth) with Pillow.

Writes ``assets/icons/wesemibay-<N>.png`` for N in 16..512, plus
``wesemibay.ico`` (Windows) and ``wesemibay.icns`` (macOS). The output is
committed; run this again only after changing the drawing:

    python installer/make_icons.py
"""
from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from db.assets import ICONS as ICON_DIR  # noqa: E402  (the one asset lookup)

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
NAVY = (31, 58, 95, 255)
BOOTH = (220, 230, 240, 255)
LIT = (242, 140, 40, 255)


def draw(size: int) -> Image.Image:
    """The icon at ``size`` pixels; small sizes get fewer, larger booths so they stay crisp."""
    scale = 8 if size <= 64 else 2          # supersample, then reduce
    s = size * scale
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    margin = round(s * 0.04)
    d.rounded_rectangle((margin, margin, s - margin, s - margin), radius=round(s * 0.18),
                        fill=NAVY)
    n = 3 if size <= 32 else 4               # booths per row and column
    inner = s - 2 * margin
    pad = inner * 0.16
    gap = inner * (0.07 if n == 3 else 0.05)
    cell = (inner - 2 * pad - (n - 1) * gap) / n
    lit = (1, 1) if n == 3 else (2, 1)
    for row in range(n):
        for col in range(n):
            x0 = margin + pad + col * (cell + gap)
            y0 = margin + pad + row * (cell + gap)
            d.rounded_rectangle((x0, y0, x0 + cell, y0 + cell), radius=cell * 0.12,
                                fill=LIT if (col, row) == lit else BOOTH)
    return img.resize((size, size), Image.Resampling.LANCZOS)


def main() -> int:
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    images = {n: draw(n) for n in SIZES}
    for n, im in images.items():
        im.save(ICON_DIR / f"wesemibay-{n}.png", optimize=True)
    big = draw(1024)
    images[256].save(ICON_DIR / "wesemibay.ico",
                     sizes=[(n, n) for n in (16, 24, 32, 48, 64, 128, 256)],
                     append_images=[images[n] for n in (16, 24, 32, 48, 64, 128)])
    big.save(ICON_DIR / "wesemibay.icns",
             append_images=[images[n] for n in (16, 32, 64, 128, 256, 512)])
    print(f"icons written to {ICON_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
