"""The window's command line, run as a user runs it (a subprocess, offscreen)."""
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


def test_screenshot_of_selected_exhibitor(tmp_path):
    out = tmp_path / "shot.png"
    proc = run("--select", "sicarrier", "--screenshot", str(out), "--size", "1200x800",
               tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    with Image.open(out) as img:
        size = img.size
        colours = img.convert("RGB").getcolors(maxcolors=1_000_000)
    assert size == (1200, 800)
    assert colours is not None and len(colours) > 50  # a real picture, not a blank frame
    # The user file and settings went to --data-dir, not elsewhere.
    assert (tmp_path / "data" / "user.sqlite").exists()


def test_bad_expo_file_one_line_exit_1(tmp_path):
    bad = tmp_path / "broken.sqlite"
    bad.write_text("this is not a database\n")
    before = bad.read_bytes()
    proc = run("--expo", str(bad), "--screenshot", str(tmp_path / "x.png"), tmp_path=tmp_path)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and "Traceback" not in proc.stderr
    assert bad.read_bytes() == before
    assert not (tmp_path / "x.png").exists()


def test_unknown_selection_is_an_error(tmp_path):
    proc = run("--select", "no-such-exhibitor", "--screenshot", str(tmp_path / "x.png"),
               tmp_path=tmp_path)
    assert proc.returncode == 1
    assert "no-such-exhibitor" in proc.stderr


def test_wrong_usage_exit_2(tmp_path):
    proc = run("--size", "huge", tmp_path=tmp_path)
    assert proc.returncode == 2
    proc = run("--lang", "fr", tmp_path=tmp_path)
    assert proc.returncode == 2


def test_version(tmp_path):
    proc = run("--version", tmp_path=tmp_path)
    assert proc.returncode == 0 and proc.stdout.startswith("wesemibay ")
