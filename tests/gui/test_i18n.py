"""Interface languages: every string has a German and a Chinese translation, and they load."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

ROOT = Path(__file__).resolve().parents[2]
QM = ROOT / "assets" / "translations"


def test_catalogues_cover_every_string():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "i18n.py"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("lang, source, expected", [
    ("de", "Policy timeline", "Politik-Zeitleiste"),
    ("zh", "Policy timeline", "政策时间线"),
    ("de", "Schematic layout", "Schematischer Plan"),
    ("zh", "Schematic layout", "示意布局"),
])
def test_compiled_translations_load(qapp, lang, source, expected):
    translator = QTranslator()
    assert translator.load(f"wesemibay_{lang}", str(QM))
    QCoreApplication.installTranslator(translator)
    try:
        assert QCoreApplication.translate("WeSemiBay", source) == expected
    finally:
        QCoreApplication.removeTranslator(translator)


def test_window_in_german(tmp_path, qapp):
    """The whole window comes up translated with --lang de (and the choice is remembered)."""
    from desktop import app as desktop_app
    out = tmp_path / "de.png"
    assert desktop_app.main(["--data-dir", str(tmp_path / "d"), "--lang", "de",
                             "--screenshot", str(out), "--size", "900x600"]) == 0
    assert QCoreApplication.translate("WeSemiBay", "Notes") == "Notizen"
    assert QCoreApplication.translate("WeSemiBay", "Policy context") == "Politischer Kontext"
