"""The layering the project rests on, checked by reading the code (an AST scan):

- ``desktop/`` holds no SQL: no string that reads as an SQL statement (or a part of one),
  no ``.execute*()`` call, no ``sqlite3.connect``: the window reaches its data through
  ``db`` (``Expo``, ``UserData`` and the functions of ``db`` that take them);
- ``db/`` never imports PySide6 (or any Qt) or ``desktop``;
- no model imports a panel and no panel imports another panel (shared rich text lives in
  ``desktop/richtext.py``);
- nothing writes the selection into a panel (``window.detail.show_exhibitor(…)``): panels
  follow ``desktop.selection.Selection`` themselves (the floor plan through
  ``desktop/floorplan/follow.py``);
- nothing in ``desktop/`` imports the start-up ``desktop/app.py`` (but ``__main__.py``): a
  window asks its session for another window; the version is ``desktop.version()``.

``scan(root)`` lists what breaks a rule in the tree at ``root``; the tests run it on the
project and on a copy with a planted file of each kind, to show that it can fail.
"""
from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# An SQL statement as this project writes it: the statement's keyword in capitals, then
# one of the clauses that make it a statement (so "SELECT" alone in a sentence is not).
_STATEMENT = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|REPLACE|WITH|ATTACH|VACUUM)\b.*?"
    r"\b(FROM|INTO|SET|TABLE|INDEX|VIEW|TRIGGER|VALUES|WHERE|AS|DATABASE)\b", re.S)
_PRAGMA = re.compile(r"\bPRAGMA\s+\w+")
# Parts of a statement kept in separate strings ("WHERE x = ?", " ORDER BY name").
_CLAUSE = re.compile(r"\b(WHERE|ORDER BY|GROUP BY|LEFT JOIN|INNER JOIN|JOIN|LIMIT|HAVING)\b"
                     r"\s+[\w.]+(\s*(=|<|>|IN\b|LIKE\b|IS\b|COLLATE\b|ASC\b|DESC\b|,|\?|$))",
                     re.S)
# The same written in lower case: only with what prose never has (* = ? or a dotted name).
_LOWER = re.compile(r"^\s*(select|insert|update|delete|pragma|with)\s.*\b(from|into|set|where)\b"
                    r".*([*=?]|\b\w+\.\w+\b)", re.S)
_EXECUTE = {"execute", "executemany", "executescript"}
_QT = ("PySide6", "PySide2", "PyQt5", "PyQt6", "shiboken6", "shiboken2", "desktop")
# Widgets that a panel embeds, not panels of their own (the detail panel's market chart).
PANEL_PARTS = {"market"}
# How a panel shows the selection, and the window's names of the panels: only the panel
# itself (or, for the plan, desktop/floorplan/) calls these.
FOLLOW = {"show_exhibitor", "show_booth", "show_empty", "show_product_tab",
          "select_exhibitor", "set_exhibitor", "set_selected", "set_highlight"}
PANELS = {"detail", "search", "products", "scene", "plan", "policy", "sources", "unplaced"}


def looks_like_sql(text: str) -> bool:
    return bool(_STATEMENT.search(text) or _PRAGMA.search(text) or _CLAUSE.search(text)
                or _LOWER.search(text))


def _strings(tree: ast.AST):
    """(line, text) of every string constant; an f-string's parts with ``?`` for its holes."""
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = []
            for v in node.values:
                inside.add(id(v))
                parts.append(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str)
                             else "?")
            yield node.lineno, "".join(parts)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in inside:
            yield node.lineno, node.value


def _imported(tree: ast.AST, path: Path, root: Path):
    """(line, module) of every import, relative ones resolved against ``root``."""
    package = path.relative_to(root).with_suffix("").parts[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[:len(package) - node.level + 1])
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:          # "from . import detail" names a module
                yield node.lineno, f"{module}.{alias.name}"
        elif isinstance(node, ast.Call) and node.args \
                and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str) \
                and ((isinstance(node.func, ast.Name) and node.func.id == "__import__")
                     or (isinstance(node.func, ast.Attribute)
                         and node.func.attr == "import_module")):
            yield node.lineno, node.args[0].value


def scan(root: Path) -> list[str]:
    """What breaks the layering in the tree at ``root`` (empty when nothing does)."""
    problems = []
    for path in sorted((root / "desktop").rglob("*.py")):
        rel = path.relative_to(root)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, text in _strings(tree):
            if looks_like_sql(text):
                problems.append(f"{rel}:{line}: SQL in desktop/: {text.strip()[:60]!r}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in _EXECUTE:
                    problems.append(f"{rel}:{node.lineno}: .{node.func.attr}() in desktop/")
                elif node.func.attr == "connect" and isinstance(node.func.value, ast.Name) \
                        and node.func.value.id == "sqlite3":
                    problems.append(f"{rel}:{node.lineno}: sqlite3.connect() in desktop/")
                elif node.func.attr in FOLLOW and isinstance(node.func.value, ast.Attribute) \
                        and node.func.value.attr in PANELS \
                        and rel.parts[:2] != ("desktop", "floorplan"):
                    problems.append(f"{rel}:{node.lineno}: writes the selection into a panel "
                                    f"(.{node.func.value.attr}.{node.func.attr})")
        parts = rel.with_suffix("").parts
        for line, module in _imported(tree, path, root):
            target = module.split(".")
            if target[:2] == ["desktop", "app"] and parts != ("desktop", "__main__"):
                problems.append(f"{rel}:{line}: imports the start-up ({module})")
            if parts[:2] == ("desktop", "models") and target[:2] == ["desktop", "panels"]:
                problems.append(f"{rel}:{line}: a model imports a panel ({module})")
            if parts[:2] == ("desktop", "panels") and target[:2] == ["desktop", "panels"] \
                    and len(target) > 2 and target[2] not in (parts[2], "__init__") \
                    and target[2] not in PANEL_PARTS and parts[2] != "__init__":
                problems.append(f"{rel}:{line}: a panel imports another panel ({module})")
    for path in sorted((root / "db").rglob("*.py")):
        rel = path.relative_to(root)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, module in _imported(tree, path, root):
            if module.split(".")[0] in _QT:
                problems.append(f"{rel}:{line}: db/ imports {module}")
    return problems


def test_desktop_holds_no_sql_and_db_no_qt():
    assert scan(ROOT) == []


def _copy_tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    for part in ("db", "desktop"):
        shutil.copytree(ROOT / part, root / part,
                        ignore=shutil.ignore_patterns("__pycache__", "seed"))
    return root


def test_the_scan_finds_what_is_planted(tmp_path):
    root = _copy_tree(tmp_path)
    assert scan(root) == []
    (root / "desktop" / "panels" / "planted.py").write_text(
        'from . import detail\n'
        'from ..panels.policy import PolicyPanel\n'
        'QUERY = "SELECT name FROM exhibitors WHERE slug = ?"\n'
        'def f(expo, table):\n'
        '    rows = expo.rows(f"SELECT * FROM {table}")\n'
        '    expo._conn.execute(" ORDER BY name")\n'
        '    tail = " WHERE e.zone = ?"\n'
        '    lower = "select slug from exhibitors where zone = ?"\n'
        '    return "PRAGMA user_version"\n', encoding="utf-8")
    (root / "desktop" / "planted_window.py").write_text(
        "class Window:\n"
        "    def select(self, view, ids):\n"
        "        self.detail.show_exhibitor(view)\n"
        "        self.scene.set_selected(ids)\n"
        "from .app import reopen_with\n", encoding="utf-8")
    (root / "desktop" / "models" / "planted.py").write_text(
        "import sqlite3\n"
        "from ..panels.detail import STYLE\n"
        "conn = sqlite3.connect('x.sqlite')\n", encoding="utf-8")
    (root / "db" / "planted.py").write_text(
        "import importlib\n"
        "from PySide6.QtCore import QObject\n"
        "def window():\n"
        "    from desktop.main_window import MainWindow\n"
        "    return importlib.import_module('PySide6.QtWidgets')\n", encoding="utf-8")
    found = scan(root)
    text = "\n".join(found)
    for expected in (
            "desktop/panels/planted.py:1: a panel imports another panel (desktop.panels.detail)",
            "desktop/panels/planted.py:2: a panel imports another panel (desktop.panels.policy)",
            "desktop/panels/planted.py:3: SQL in desktop/: 'SELECT name FROM exhibitors",
            "desktop/panels/planted.py:5: SQL in desktop/: 'SELECT * FROM ?'",
            "desktop/panels/planted.py:6: .execute() in desktop/",
            "desktop/panels/planted.py:6: SQL in desktop/: 'ORDER BY name'",
            "desktop/panels/planted.py:7: SQL in desktop/: 'WHERE e.zone = ?'",
            "desktop/panels/planted.py:8: SQL in desktop/: 'select slug from exhibitors",
            "desktop/panels/planted.py:9: SQL in desktop/: 'PRAGMA user_version'",
            "desktop/planted_window.py:3: writes the selection into a panel (.detail.show_exhib",
            "desktop/planted_window.py:4: writes the selection into a panel (.scene.set_selected)",
            "desktop/planted_window.py:5: imports the start-up (desktop.app)",
            "desktop/models/planted.py:2: a model imports a panel (desktop.panels.detail)",
            "desktop/models/planted.py:3: sqlite3.connect() in desktop/",
            "db/planted.py:2: db/ imports PySide6.QtCore",
            "db/planted.py:4: db/ imports desktop.main_window",
            "db/planted.py:5: db/ imports PySide6.QtWidgets"):
        assert expected in text, (expected, found)


def test_prose_is_not_taken_for_sql():
    for text in ("Select a booth or exhibitor and press S to add it to your plan.",
                 "Pick a topic, or click an event on the timeline: the booths it concerns "
                 "light up on the floor plan.",
                 "Booths in the imported lists that the floor plan does not show.",
                 "Select the rows you want, then press Ctrl+C to copy them from the list.",
                 "Where the walk starts", "Order", "Limit 5 per hall", "With sources"):
        assert not looks_like_sql(text), text
