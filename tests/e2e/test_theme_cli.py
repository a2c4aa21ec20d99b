"""The theme and Qt's own options on the window's command line, run as a user runs them."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def run(*args, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "desktop", "--data-dir", str(tmp_path / "data"),
                           *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def median_lightness(path: Path) -> float:
    with Image.open(path) as img:
        hist = img.convert("L").histogram()
    half, seen = sum(hist) / 2, 0
    for level, n in enumerate(hist):
        seen += n
        if seen >= half:
            return level
    return 255


def test_dark_screenshot(tmp_path):
    dark, light = tmp_path / "dark.png", tmp_path / "light.png"
    proc = run("--theme", "dark", "--select", "sicarrier", "--screenshot", str(dark),
               "--size", "1280x720", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    proc = run("--theme", "light", "--select", "sicarrier", "--screenshot", str(light),
               "--size", "1280x720", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert median_lightness(dark) < 70 < 180 < median_lightness(light)


def test_qt_options_pass_through(tmp_path):
    """-style, -platform and -stylesheet reach Qt (the style sheet paints the status bar)."""
    sheet = tmp_path / "magenta.qss"
    sheet.write_text("QStatusBar { background: #ff00ff; }\n")
    out = tmp_path / "shot.png"
    proc = run("-style", "fusion", "-platform", "offscreen", "-stylesheet", str(sheet),
               "--screenshot", str(out), "--size", "900x600", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    with Image.open(out) as img:
        rgb = img.convert("RGB")
        bottom = [rgb.getpixel((x, rgb.height - 4)) for x in range(0, rgb.width, 10)]
    assert sum(p == (255, 0, 255) for p in bottom) > len(bottom) // 2


def test_unknown_option_is_wrong_usage(tmp_path):
    out = tmp_path / "x.png"
    proc = run("--frobnicate", "--screenshot", str(out), tmp_path=tmp_path)
    assert proc.returncode == 2
    assert "unrecognized arguments: --frobnicate" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()
    proc = run("--theme", "dusk", "--screenshot", str(out), tmp_path=tmp_path)
    assert proc.returncode == 2 and "dusk" in proc.stderr
