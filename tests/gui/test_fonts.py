"""The bundled Chinese font (desktop/fonts.py, assets/fonts/).

Registration changes Qt's font database for the whole process, so the registration tests
run in a child process, with fontconfig pointed at a configuration of our choosing.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtGui import QRawFont

from desktop import fonts

REPO = Path(__file__).resolve().parents[2]
NAME = "新凯来"   # SiCarrier's Chinese name: three distinct characters

CHILD = textwrap.dedent("""
    import hashlib, json, sys
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QImage, QPainter
    from desktop import fonts

    app = QGuiApplication([])

    def render(text, family=None):
        out = []
        for ch in text:
            img = QImage(48, 48, QImage.Format.Format_Grayscale8)
            img.fill(255)
            p = QPainter(img)
            f = QFont(family) if family else QFont()
            f.setPixelSize(32)
            p.setFont(f)
            p.setPen(QColor(0, 0, 0))
            p.drawText(img.rect(), Qt.AlignmentFlag.AlignCenter, ch)
            p.end()
            data = bytes(img.constBits())[: img.sizeInBytes()]
            out.append({"dark": sum(1 for b in data if b < 128),
                        "hash": hashlib.sha1(data).hexdigest()})
        return out

    text = sys.argv[1]
    result = {"system_cjk": fonts.system_cjk_families(), "before": render(text)}
    family = fonts.ensure_cjk_font()
    result.update(family=family, in_db=bool(family) and family in QFontDatabase.families(),
                  after=render(text), default_family=QFont().family())
    print(json.dumps(result))
""")


def run_child(env: dict, tmp_path: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, NAME], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def child_env(tmp_path: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO), **extra)
    return env


def distinct_glyphs(glyphs: list[dict]) -> int:
    """How many of the rendered characters have ink and look different from each other."""
    return len({g["hash"] for g in glyphs if g["dark"] >= 30})


def test_bundled_font_covers_the_data_and_the_general_standard_characters(qapp):
    raw = QRawFont(str(fonts.FONT_PATH), 16)
    assert raw.isValid() and raw.familyName() == fonts.FAMILY
    spec = importlib.util.spec_from_file_location("subset_cjk_font",
                                                  REPO / "scripts" / "subset_cjk_font.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    wanted = {c for c in script.data_characters() if ord(c) > 0x7F}
    assert any(0x4E00 <= ord(c) <= 0x9FFF for c in wanted)  # the data has Chinese at all
    missing = sorted(c for c in wanted if not raw.supportsCharacter(ord(c)))
    assert not missing, ("characters of db/seed or the translations not in the bundled "
                         f"font (run scripts/subset_cjk_font.py): {''.join(missing[:50])}")
    han_blocks = (range(0x3400, 0x4DC0), range(0x4E00, 0xA000), range(0x20000, 0x31350))
    han = sum(1 for block in han_blocks for cp in block if raw.supportsCharacter(cp))
    assert 8105 <= han <= 8600      # the table's 8,105 characters, and few more from the data
    assert (fonts.FONT_PATH.parent / "OFL.txt").read_text(encoding="utf-8").count(
        "SIL OPEN FONT LICENSE Version 1.1") == 1
    assert fonts.FONT_PATH.stat().st_size < 6_000_000


def test_chinese_renders_with_the_bundled_font_when_the_system_has_none(tmp_path):
    conf = tmp_path / "fonts.conf"   # no font folders at all
    conf.write_text(f'<?xml version="1.0"?>\n<fontconfig><cachedir>{tmp_path / "fc-cache"}'
                    "</cachedir></fontconfig>\n", encoding="utf-8")
    r = run_child(child_env(tmp_path, FONTCONFIG_FILE=str(conf)), tmp_path)
    assert r["system_cjk"] == []
    # Without it the three characters are boxes or nothing: the setting is a real test.
    assert distinct_glyphs(r["before"]) < 3
    assert r["family"] == fonts.FAMILY and r["in_db"]
    # With it the default font (not asked for by name) draws three different glyphs.
    assert distinct_glyphs(r["after"]) == 3, r["after"]


def test_a_system_chinese_font_is_left_alone(tmp_path):
    if not shutil.which("fc-list") or not subprocess.run(
            ["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True).stdout.strip():
        pytest.skip("no Chinese font on this system (scripts/install-system-deps.sh adds one)")
    r = run_child(child_env(tmp_path), tmp_path)
    assert r["system_cjk"] and fonts.FAMILY not in r["system_cjk"]
    assert r["family"] is None and not r["in_db"]
    assert distinct_glyphs(r["after"]) == 3
