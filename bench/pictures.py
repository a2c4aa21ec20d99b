"""Picture checks at import against a bare draft thumbnail (DESIGN §8).

    python bench/pictures.py --json [--repeat 7]

Makes a 4000 x 3000 photo-like JPEG and a 2000 x 1500 PNG in memory, then in the same
run, medians of ``--repeat`` runs:

- **bare**: what DESIGN §8 measured, ``Image.open`` + ``draft()`` + ``thumbnail()`` to
  256 px, no checks at all (the floor);
- **inspect**: ``db.images.inspect``, the import's picture check (whole file verified,
  decoded into a bounded size, upright size, thumbnail encoded);
- **thumbnail** / **render**: ``db.images.thumbnail`` and ``db.images.render``, the
  window's decode path.

Prints milliseconds per picture and the ratio inspect / bare for each picture.
"""
from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from db import images  # noqa: E402


def photo(w: int, h: int, fmt: str) -> bytes:
    """Edges, gradients and noise: compresses like a photo, not like a flat fill."""
    im = Image.linear_gradient("L").resize((w, h)).convert("RGB")
    d = ImageDraw.Draw(im)
    for i in range(0, w, max(1, w // 40)):
        d.line([(i, 0), (w - i, h)], fill=(i % 255, (i * 7) % 255, (i * 13) % 255), width=3)
    im = im.filter(ImageFilter.GaussianBlur(1))
    noise = Image.effect_noise((w, h), 24).convert("RGB")     # sensor noise: photo-sized file
    im = Image.blend(im, noise, 0.25)
    buf = io.BytesIO()
    im.save(buf, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return buf.getvalue()


def bare(data: bytes) -> None:
    im = Image.open(io.BytesIO(data))
    im.draft("RGB", (images.THUMB_SIZE, images.THUMB_SIZE))
    im.thumbnail((images.THUMB_SIZE, images.THUMB_SIZE))


def median_ms(fn, data: bytes, repeat: int) -> float:
    fn(data)                                    # warm up (plugins, caches)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - t0)
    return round(statistics.median(times) * 1000, 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out = {}
    for label, (w, h, fmt) in {"jpeg_4000x3000": (4000, 3000, "JPEG"),
                               "png_2000x1500": (2000, 1500, "PNG")}.items():
        data = photo(w, h, fmt)
        row = {"bytes": len(data),
               "bare_ms": median_ms(bare, data, args.repeat),
               "inspect_ms": median_ms(images.inspect, data, args.repeat),
               "thumbnail_ms": median_ms(images.thumbnail, data, args.repeat),
               "render_ms": median_ms(images.render, data, args.repeat)}
        row["inspect_over_bare"] = round(row["inspect_ms"] / row["bare_ms"], 2)
        out[label] = row
    if args.json:
        print(json.dumps(out))
    else:
        for label, row in out.items():
            print(label, row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
