"""Layout on small and large screens: the window opens to fit the screen it is on and
remembers its geometry per screen; with the timeline and products open at 1280x720 the
status bar stays visible, the product detail is not crushed and the filter is labelled;
the timeline's and the market chart's texts never overlap (the rectangles their painting
code uses), at the size the window opens and filling the screen. Each screen size runs in
a process of its own (``layout_probe.py``): Qt's screens are fixed when it starts."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize

from desktop import geometry

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("layout_probe.py")


def probe(expo_file: Path, tmp_path: Path, width: int, height: int) -> dict:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [
        {"name": "panel", "x": 0, "y": 0, "width": width, "height": height,
         "logicalDpi": 96, "logicalBaseDpi": 96}]}))
    data = tmp_path / "data"
    data.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_SCALE_FACTOR", "QT_ENABLE_HIGHDPI_SCALING", "QT_SCREEN_SCALE_FACTORS")}
    env.update(QT_QPA_PLATFORM=f"offscreen:configfile={config}", PYTHONPATH=str(ROOT),
               WESEMIBAY_NO_DIALOGS="1")
    proc = subprocess.run([sys.executable, str(PROBE), str(expo_file), str(data)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def inside(frame: list, available: list) -> bool:
    x, y, w, h = frame
    ax, ay, aw, ah = available
    return x >= ax and y >= ay and x + w <= ax + aw and y + h <= ay + ah


def check_texts(m: dict) -> None:
    # Nothing printed over anything else, nothing outside its widget.
    assert m["timeline_overlaps"] == [] and m["timeline_outside"] == []
    assert m["chart_overlaps"] == [] and m["chart_outside"] == []
    # The lit topic's events are labelled (not every label dropped to avoid overlaps).
    assert {"bis-rule-2022-10-07", "bis-rule-2024-12-02"} <= set(m["timeline_labelled"])
    texts = [t for t, _r in m["timeline_texts"]]
    assert {"2022", "2024", "2026"} <= set(texts)          # the years, every one that fits
    assert {"United States", "China", "Expo and reporting"} <= set(texts)
    # The chart has all its rows and stands above its caption.
    assert m["chart_height"] >= m["chart_needs"]
    assert m["chart_bars_bottom"] < m["chart_caption_top"]
    assert "By country or region" in [t for t, _r in m["chart_texts"]]
    # The status bar stays on the window; the timeline has room for its lanes.
    assert m["status_visible"]
    sx, sy, sw, sh = m["status"]
    assert sy + sh <= m["window"][1]
    assert m["timeline_size"][1] >= 150


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_window_fits_the_screen_and_texts_never_overlap(builtin_file, tmp_path, width, height):
    got = probe(builtin_file, tmp_path, width, height)
    assert got["key"] == f"window/screens/panel-{width}x{height}"
    opened = got["opened"]
    assert inside(opened["frame"], got["available"]), (opened["frame"], got["available"])
    w, h = opened["min_hint"]
    assert w <= width - geometry.FRAME.width() and h <= height - geometry.FRAME.height()
    check_texts(opened)
    check_texts(got["filled"])
    assert inside(got["filled"]["frame"], got["available"])
    # With the products open too: the detail beside the table is readable, the filter
    # says what it is.
    assert got["products"]["detail_width"] >= geometry.MIN_DETAIL_WIDTH
    assert got["products"]["detail_text_width"] >= 280   # its text in lines, not words
    assert got["products"]["filter_label"] == ["Filter:"]
    assert got["products"]["filter_width"] >= 120
    # Remembered for this screen; one saved larger than the screen is not used.
    assert got["reopened"] == [1240, 660]
    tw, th = got["too_large_saved"]
    assert tw <= width - geometry.FRAME.width() and th <= height - geometry.FRAME.height()
    assert got["legacy"] == [1230, 650]        # what an earlier version kept, where it fits


@pytest.mark.slow
def test_a_1366x768_laptop(builtin_file, tmp_path):
    got = probe(builtin_file, tmp_path, 1366, 768)
    assert inside(got["opened"]["frame"], got["available"])
    assert got["opened"]["window"] == [1366 - geometry.FRAME.width(), 768 - geometry.FRAME.height()]
    check_texts(got["opened"])


def test_first_size_never_larger_than_the_screen():
    assert geometry.initial_size(QRect(0, 0, 1366, 728)) == QSize(1350, 688)
    assert geometry.initial_size(QRect(0, 0, 1280, 720)) == QSize(1264, 680)
    assert geometry.initial_size(QRect(0, 0, 2560, 1400)) == geometry.PREFERRED
    assert geometry.fits(QRect(0, 0, 1264, 680), QRect(0, 0, 1280, 720))
    assert not geometry.fits(QRect(0, 0, 1400, 880), QRect(0, 0, 1366, 728))


def test_screen_keys_differ_by_screen_name_and_size(qapp):
    class Fake:
        def __init__(self, name, w, h):
            self._n, self._s = name, QSize(w, h)

        def name(self):
            return self._n

        def size(self):
            return self._s
    keys = {geometry.screen_key(Fake(n, w, h)) for n, w, h in
            [("eDP-1", 1366, 768), ("eDP-1", 1920, 1080), ("HDMI 1", 1920, 1080)]}
    assert len(keys) == 3
    assert geometry.screen_key(Fake("HDMI 1/x", 1920, 1080)) == "window/screens/HDMI_1_x-1920x1080"
