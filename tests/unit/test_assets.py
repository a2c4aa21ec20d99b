"""The one asset lookup (db/assets.py): the top-level assets/ folder, from source and from
the frozen bundle, and no other path to an asset in the code."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

from db import assets

ROOT = Path(__file__).resolve().parents[2]


def test_from_source_the_lookup_is_the_top_level_assets_folder():
    assert assets.ASSETS == ROOT / "assets"
    assert (assets.ICONS / "wesemibay-256.png").is_file()
    assert {"wesemibay_de.qm", "wesemibay_zh.qm"} <= {p.name for p in assets.TRANSLATIONS.iterdir()}
    assert (assets.PRODUCT_ART / "ald.png").is_file()
    assert (assets.FONTS / "WeSemiBaySansSC-Regular.otf").is_file()
    assert assets.DESKTOP_ENTRY.read_text(encoding="utf-8").startswith("[Desktop Entry]")
    assert assets.asset("fonts", "OFL.txt") == assets.FONTS / "OFL.txt"
    assert not (ROOT / "desktop" / "assets").exists()


def test_in_the_frozen_bundle_the_lookup_is_beside_the_bundled_modules(monkeypatch, tmp_path):
    """PyInstaller sets sys.frozen and sys._MEIPASS (the bundle's _internal/ folder), where
    build.spec puts assets/ (tests/e2e/test_packaging.py checks that side)."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "_internal"), raising=False)
    assert assets.assets_dir() == tmp_path / "_internal" / "assets"
    monkeypatch.setattr(sys, "frozen", False)
    assert assets.assets_dir() == ROOT / "assets"


def scan(root: Path) -> list[str]:
    """Places in db/ and desktop/ (but the lookup itself) that name an assets folder."""
    found = []
    for path in sorted((root / "db").rglob("*.py")) + sorted((root / "desktop").rglob("*.py")):
        if path == root / "db" / "assets.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and node.value.strip("/\\").split("/")[0] == "assets":
                found.append(f"{path.relative_to(root).as_posix()}:{node.lineno}")
    return sorted(found)


def test_no_module_but_the_lookup_names_the_assets_folder(tmp_path):
    assert scan(ROOT) == []
    for part in ("db", "desktop"):
        (tmp_path / part).mkdir()
    (tmp_path / "db" / "assets.py").write_text('ASSETS = "assets"\n', encoding="utf-8")
    (tmp_path / "desktop" / "icons.py").write_text(
        'ICON = Path(__file__).with_name("assets") / "icons"\n'
        'QM = ROOT / "assets/translations"\n', encoding="utf-8")
    assert scan(tmp_path) == ["desktop/icons.py:1", "desktop/icons.py:2"]
