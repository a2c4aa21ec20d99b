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


EXPORT_CHILD = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from db.expo import open_expo
    from db.userdata import UserData
    from desktop import fonts

    expo_path, out = Path(sys.argv[1]), Path(sys.argv[2])
    app = QApplication([])
    system_cjk = fonts.system_cjk_families()
    family = fonts.ensure_cjk_font()            # what the program does at start (desktop/app.py)
    expo = open_expo(expo_path)
    user = UserData(out.parent / "user.sqlite")
    slug = expo.meta().get("slug") or expo_path.stem
    user.set_favourite(slug, "exhibitor", "sicarrier", True)
    from desktop.main_window import MainWindow
    win = MainWindow(expo, user, settings=None)
    win.plan.refresh()
    win.plan.export_pdf(out)
    print(json.dumps({"system_cjk": system_cjk, "family": family}))
""")


def pdf_embedded_fonts(path: Path) -> set[str]:
    """The BaseFont (subset tag removed) of every font embedded in the PDF (its descriptor
    carries the font program) that the pages use, forms included."""
    import pypdf
    names: set[str] = set()

    def note(font):
        desc = font.get("/FontDescriptor")
        if desc is not None and any(k in desc.get_object()
                                    for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            names.add(str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1])

    def walk(resources, seen):
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            note(font)
            for desc in font.get("/DescendantFonts") or []:
                note(desc.get_object())
        for xobj in (resources.get("/XObject") or {}).values():
            if id(xobj) not in seen and "/Resources" in xobj.get_object():
                seen.add(id(xobj))
                walk(xobj.get_object()["/Resources"], seen)

    for page in pypdf.PdfReader(str(path)).pages:
        walk(page.get("/Resources"), set())
    return names


def test_route_sheet_pdf_embeds_the_bundled_font_when_the_system_has_none(builtin_file,
                                                                          tmp_path):
    """Issue 17: the PDF export uses the bundled font too. With fontconfig seeing only
    DejaVu (no CJK font), SiCarrier's Chinese name is embedded in our font and extracts as
    the characters, not as boxes or nothing."""
    import pypdf
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    if not dejavu.is_dir():
        pytest.skip("no DejaVu fonts (scripts/install-system-deps.sh installs them)")
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?>\n<fontconfig><dir>{dejavu}</dir>'
                    f'<cachedir>{tmp_path / "fc-cache"}</cachedir></fontconfig>\n',
                    encoding="utf-8")
    out = tmp_path / "sheet" / "plan.pdf"
    out.parent.mkdir()
    proc = subprocess.run([sys.executable, "-c", EXPORT_CHILD, str(builtin_file), str(out)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=180,
                          env=child_env(tmp_path, FONTCONFIG_FILE=str(conf)))
    assert proc.returncode == 0, proc.stderr[-2000:]
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    assert r["system_cjk"] == [] and r["family"] == fonts.FAMILY   # really no CJK font
    used = pdf_embedded_fonts(out)
    assert any(n.replace("-", "").startswith("WeSemiBaySansSC") for n in used), used
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(str(out)).pages)
    assert NAME in text, text[:500]
