"""Draw the built-in expo's product pictures: our own flat illustrations of each tool type.

    python scripts/draw_product_art.py [--out assets/products]

Nothing is taken from the web: every picture is drawn here with Pillow from
simple shapes (a tool cabinet, its process chamber, the wafer and what the
process does to it), at 2x and scaled down for smooth edges. Credit shown in
the program: "Illustration: WeSemiBay Explorer project". The same script
always draws the same pictures.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from db.assets import PRODUCT_ART  # noqa: E402  (the one asset lookup)

W, H = 640, 480
S = 2  # supersampling
CREDIT = "Illustration: WeSemiBay Explorer project"

INK = (38, 50, 72)
CABINET = (226, 232, 240)
CABINET_EDGE = (150, 162, 180)
CHAMBER = (200, 214, 230)
WAFER = (92, 108, 138)
FILM_A = (88, 160, 220)
FILM_B = (240, 170, 80)
PLASMA = (178, 120, 220)
GAS = (120, 190, 150)


def _font(size: int):
    for name in ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size * S)
        except OSError:
            continue
    return ImageFont.load_default()


def _canvas(bg):
    im = Image.new("RGB", (W * S, H * S), bg)
    return im, ImageDraw.Draw(im)


def _r(*xy):
    return [v * S for v in xy]


def _base(d, title: str, subtitle: str) -> None:
    """Cabinet, window onto the chamber, wafer stage, label."""
    d.rounded_rectangle(_r(110, 70, 530, 400), radius=18 * S, fill=CABINET, outline=CABINET_EDGE,
                        width=3 * S)
    d.rounded_rectangle(_r(150, 110, 490, 330), radius=12 * S, fill=CHAMBER, outline=INK,
                        width=3 * S)
    d.rectangle(_r(130, 400, 170, 420), fill=CABINET_EDGE)
    d.rectangle(_r(470, 400, 510, 420), fill=CABINET_EDGE)
    for i in range(3):  # status lights
        d.ellipse(_r(460 - i * 22, 350, 474 - i * 22, 364),
                  fill=[(110, 200, 120), (240, 200, 80), (220, 110, 100)][i])
    d.text((W * S // 2, 440 * S), title, fill=INK, font=_font(26), anchor="mm")
    d.text((W * S // 2, 466 * S), subtitle, fill=(90, 100, 120), font=_font(13), anchor="mm")


def _wafer(d, y: int = 290, x0: int = 200, x1: int = 440) -> None:
    d.rectangle(_r(x0 - 20, y + 8, x1 + 20, y + 22), fill=(160, 120, 90))   # heater / chuck
    d.rectangle(_r(x0, y - 6, x1, y + 8), fill=WAFER)


def draw_ald(d):
    _base(d, "ALD", "atomic layer deposition: one layer of atoms per cycle")
    _wafer(d)
    for i in range(6):   # alternating atomic layers
        c = FILM_A if i % 2 == 0 else FILM_B
        d.rectangle(_r(200, 278 - i * 7, 440, 284 - i * 7), fill=c)
    for k, (x, c) in enumerate(((210, FILM_A), (400, FILM_B))):  # two precursor pulses
        d.rectangle(_r(x, 60, x + 30, 130), fill=c, outline=INK, width=2 * S)
        for j in range(4):
            d.ellipse(_r(x + 8, 150 + j * 22 + k * 10, x + 22, 164 + j * 22 + k * 10), fill=c)


def draw_cvd(d):
    _base(d, "CVD", "chemical vapour deposition: a film grows from a gas")
    _wafer(d)
    d.rectangle(_r(200, 270, 440, 284), fill=FILM_A)
    d.rectangle(_r(170, 125, 470, 140), fill=(170, 180, 196), outline=INK, width=2 * S)  # showerhead
    for x in range(190, 460, 30):
        d.line(_r(x, 142, x, 250), fill=GAS, width=4 * S)
        d.polygon(_r(x - 7, 245, x + 7, 245, x, 258), fill=GAS)
    d.rectangle(_r(305, 60, 335, 125), fill=GAS, outline=INK, width=2 * S)


def draw_pvd(d):
    _base(d, "PVD", "physical vapour deposition: atoms sputtered from a target")
    _wafer(d)
    d.rectangle(_r(200, 272, 440, 284), fill=(190, 190, 200))
    d.rectangle(_r(200, 120, 440, 142), fill=(170, 172, 180), outline=INK, width=2 * S)  # target
    d.ellipse(_r(190, 150, 450, 230), fill=PLASMA)
    for x, y in ((230, 240), (280, 252), (330, 236), (380, 256), (420, 244), (260, 262)):
        d.ellipse(_r(x - 6, y - 6, x + 6, y + 6), fill=(150, 150, 165))


def draw_epitaxy(d):
    _base(d, "Epitaxy", "a crystal layer grown in line with the one beneath")
    d.rectangle(_r(180, 140, 460, 320), fill=(236, 240, 246))
    for row in range(7):
        for col in range(10):
            x, y = 200 + col * 28, 300 - row * 24
            c = WAFER if row < 3 else FILM_A
            d.ellipse(_r(x - 8, y - 8, x + 8, y + 8), fill=c)
            if col < 9:
                d.line(_r(x + 8, y, x + 20, y), fill=(160, 170, 185), width=2 * S)
            if row < 6:
                d.line(_r(x, y - 8, x, y - 16), fill=(160, 170, 185), width=2 * S)
    d.line(_r(180, 238, 460, 238), fill=FILM_B, width=3 * S)


def draw_etch(d):
    _base(d, "Etch", "a pattern carved into the layer below the mask")
    d.rectangle(_r(200, 250, 440, 300), fill=FILM_A)
    d.rectangle(_r(180, 300, 460, 316), fill=WAFER)
    for x in range(215, 440, 45):   # trenches through the film
        d.rectangle(_r(x, 250, x + 20, 300), fill=CHAMBER)
    for x in range(200, 440, 45):   # mask on top
        d.rectangle(_r(x, 238, x + 15, 250), fill=(220, 110, 100))
    d.ellipse(_r(190, 130, 450, 215), fill=PLASMA)
    for x in range(225, 440, 45):
        d.line(_r(x, 215, x, 240), fill=(120, 70, 170), width=3 * S)
        d.polygon(_r(x - 6, 234, x + 6, 234, x, 246), fill=(120, 70, 170))


def draw_pneumatic(d):
    d.text((W * S // 2, 440 * S), "Pneumatic tool", fill=INK, font=_font(26), anchor="mm")
    d.text((W * S // 2, 466 * S), "driven by compressed air", fill=(90, 100, 120), font=_font(13),
           anchor="mm")
    d.rounded_rectangle(_r(150, 150, 420, 230), radius=30 * S, fill=(230, 120, 70), outline=INK,
                        width=3 * S)                                     # body
    d.rounded_rectangle(_r(220, 225, 290, 360), radius=14 * S, fill=(60, 70, 90))   # grip
    d.rectangle(_r(420, 175, 500, 205), fill=(170, 178, 190), outline=INK, width=2 * S)  # chuck
    d.rectangle(_r(500, 184, 560, 196), fill=(120, 128, 140))             # bit
    d.line(_r(255, 360, 255, 390, 140, 390, 100, 330), fill=GAS, width=10 * S, joint="curve")
    for i in range(3):
        d.arc(_r(60 - i * 14, 290 - i * 14, 120 + i * 14, 350 + i * 14), 130, 230,
              fill=(150, 200, 170), width=3 * S)


DRAW = {"ald": draw_ald, "cvd": draw_cvd, "pvd": draw_pvd, "epitaxy": draw_epitaxy,
        "etch": draw_etch, "pneumatic": draw_pneumatic}


def draw(tool: str) -> Image.Image:
    im, d = _canvas((248, 250, 252))
    DRAW[tool](d)
    return im.resize((W, H), Image.Resampling.LANCZOS)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(PRODUCT_ART))
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for tool in DRAW:
        path = out / f"{tool}.png"
        draw(tool).save(path, optimize=True)
        print(f"wrote {path}")
    (out / "CREDITS.txt").write_text(
        f"{CREDIT}.\nDrawn by scripts/draw_product_art.py from simple shapes; "
        "no material from elsewhere.\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
