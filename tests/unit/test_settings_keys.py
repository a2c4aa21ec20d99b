"""Settings keys in one place (issue 11): every ``QSettings`` key the program uses is a named
constant of ``desktop/settings.py``. An AST scan of ``desktop/`` fails on a key written as a
literal anywhere else: a known key's text, or any literal handed to a settings object's
``value``/``setValue``/``remove``/``contains``."""
from __future__ import annotations

import ast
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_CALLS = {"value", "setValue", "remove", "contains"}


def known_keys(root: Path) -> dict[str, str]:
    """{key text: constant name} as ``desktop/settings.py`` defines them."""
    tree = ast.parse((root / "desktop" / "settings.py").read_text(encoding="utf-8"))
    keys = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str) and "/" in node.value.value:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    keys[node.value.value] = target.id
    return keys


def _receiver(node: ast.AST) -> str:
    """The name a method is called on: ``settings`` in ``self.settings.value(...)``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _receiver(node.func)
    return ""


def scan(root: Path) -> list[str]:
    keys = known_keys(root)
    problems = []
    for path in sorted((root / "desktop").rglob("*.py")):
        rel = path.relative_to(root)
        if rel == Path("desktop/settings.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and node.value in keys:
                problems.append(f"{rel}:{node.lineno}: settings key {node.value!r} written "
                                f"out (desktop.settings.{keys[node.value]})")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in SETTINGS_CALLS and node.args \
                    and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str) \
                    and "settings" in _receiver(node.func.value).lower():
                problems.append(f"{rel}:{node.lineno}: settings key {node.args[0].value!r} "
                                f"is not in desktop/settings.py")
    return problems


def test_every_settings_key_is_named_in_desktop_settings():
    assert scan(ROOT) == []
    keys = known_keys(ROOT)
    for key in ("ui/language", "ui/theme", "window/geometry", "window/state", "last/expo",
                "last/selection", "welcome/hide", "start/pending"):
        assert key in keys, key


def test_the_scan_finds_a_key_written_out(tmp_path):
    root = tmp_path / "tree"
    shutil.copytree(ROOT / "desktop", root / "desktop",
                    ignore=shutil.ignore_patterns("__pycache__", "assets"))
    assert scan(root) == []
    (root / "desktop" / "planted.py").write_text(
        "def f(window, settings):\n"
        "    window.settings.setValue('last/expo', '/x.sqlite')\n"
        "    settings.value('ui/zoom', 1.0)\n"
        "    return {'key': 'ui/theme'}\n"
        "def g(box):\n"
        "    return box.value('not/a/setting')\n", encoding="utf-8")
    found = "\n".join(scan(root))
    assert "desktop/planted.py:2: settings key 'last/expo' written out" in found
    assert "desktop/planted.py:3: settings key 'ui/zoom' is not in desktop/settings.py" in found
    assert "desktop/planted.py:4: settings key 'ui/theme' written out" in found
    assert "planted.py:6" not in found              # a value() of something else
