"""The window started as a user starts it, on a colleague's expo file full of hostile text:
``--select`` an exhibitor whose name is ``<img src="named pipe">`` (it used to hang the start
for good, since the selection is remembered) or ``<img src="/dev/zero">`` (it used to abort)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from hostile_data import make_hostile_expo

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def hostile(cli_expo, tmp_path_factory):
    return make_hostile_expo(cli_expo, tmp_path_factory.mktemp("hostile"))


@pytest.mark.slow
@pytest.mark.parametrize("select", ["pipe-ltd", "img-zero", "longname"])
def test_screenshot_of_a_hostile_exhibitor(hostile, tmp_path, select):
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    try:
        proc = subprocess.run([sys.executable, "-m", "desktop", "--data-dir", str(tmp_path / "d"),
                               "--expo", str(hostile.path), "--select", select,
                               "--screenshot", str(out), "--size", "1400x900"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"--select {select}: the window did not start within 60 s (a hang)")
    assert proc.returncode == 0, proc.stderr
    with Image.open(out) as img:
        assert img.size == (1400, 900)
