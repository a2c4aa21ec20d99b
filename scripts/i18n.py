"""Interface translations: extract the strings, keep the catalogues, compile the .qm files.

Every user-facing string in ``desktop/`` goes through ``desktop.i18n.tr("…")``. This script
finds those literals with Python's ``ast`` (so it needs no Qt tool to read Python), keeps one
JSON catalogue per language in ``assets/translations/<lang>.json`` (source -> text,
easy to review and edit; a plural, ``tr(text, n=count)`` with ``%n``, holds its forms as a
list), writes Qt's ``.ts`` files from them and compiles ``.qm`` files with
``pyside6-lrelease``.

Plurals: a source string with ``%n`` (called as ``tr("%n booth(s) linked", n=count)``) is
a numerus message. Its catalogue entry is a list of Qt's plural forms for that language
(German: one, other; Chinese: one form), written as ``<numerusform>``s. English shows the
source itself, with "(s)" resolved by ``desktop.i18n.tr``.

    python scripts/i18n.py            # update catalogues (new strings get an empty entry), compile
    python scripts/i18n.py --check    # exit 1 if a catalogue lacks a string (no writing)
"""
from __future__ import annotations

import argparse
import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from db.assets import TRANSLATIONS as OUT  # noqa: E402  (the one asset lookup)

SRC = ROOT / "desktop"
LANGS = {"de": "de_DE", "zh": "zh_CN"}
CONTEXT = "WeSemiBay"
# Strings passed to tr() through a variable (labels kept in tables); keep in step with
# db.search.KIND_LABEL, desktop.panels.policy.LANE_LABEL, import_dialog.ENCODINGS and the
# record kinds shown in the Sources view.
DYNAMIC = ("Exhibitors", "Products", "Organisations", "Topics", "Events", "People", "Quotes",
           "United States", "China", "Expo and reporting", "Detect (UTF-8 or GB18030)",
           "exhibitor", "organisation", "product", "topic", "event", "person", "quote", "link",
           "expo", "zone")


# Plural forms per language (Qt's rules): German "one, other", Chinese one form. English
# needs no catalogue: ``desktop.i18n.tr`` turns "%n booth(s)" into "1 booth" or "3 booths".
FORMS = {"de": 2, "zh": 1}
PLURALS: set[str] = set()      # sources used with a count: tr(text, n=…) / tr(text, None, n)


def extract() -> list[str]:
    """Every string the window shows through ``tr("…")`` or marks with ``N_("…")``, the tool
    types' labels (``db.supply.TOOL_LABELS``) and ``DYNAMIC``; plurals into ``PLURALS``."""
    found: dict[str, None] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("tr", "N_") and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found[node.args[0].value] = None
                if node.func.id == "tr" and (len(node.args) >= 4 or
                                             any(k.arg == "n" for k in node.keywords)):
                    PLURALS.add(node.args[0].value)
    sys.path.insert(0, str(ROOT))
    from db.supply import TOOL_LABELS
    for text in (*DYNAMIC, *TOOL_LABELS.values()):
        found.setdefault(text, None)
    return list(found)


def entry_ok(lang: str, source: str, text) -> bool:
    """A translation is there: a text, or for a plural its forms, each with the count."""
    if source in PLURALS:
        return (isinstance(text, list) and len(text) == FORMS[lang]
                and all(isinstance(t, str) and ("%n" in t or "%Ln" in t) for t in text))
    return isinstance(text, str) and bool(text)


def write_ts(lang: str, catalogue: dict[str, str], path: Path) -> None:
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>",
             f'<TS version="2.1" language="{LANGS[lang]}">', "<context>",
             f"    <name>{CONTEXT}</name>"]
    for source, text in catalogue.items():
        if isinstance(text, list) or "%n" in source:     # a plural: its forms
            lines.append('    <message numerus="yes">')
            lines.append(f"        <source>{escape(source)}</source>")
            forms = text if isinstance(text, list) else ([text] if text else [])
            if forms:
                lines.append("        <translation>")
                lines += [f"            <numerusform>{escape(f)}</numerusform>" for f in forms]
                lines.append("        </translation>")
            else:
                lines.append('        <translation type="unfinished"></translation>')
            lines.append("    </message>")
            continue
        lines.append("    <message>")
        lines.append(f"        <source>{escape(source)}</source>")
        if text:
            lines.append(f"        <translation>{escape(text)}</translation>")
        else:
            lines.append('        <translation type="unfinished"></translation>')
        lines.append("    </message>")
    lines += ["</context>", "</TS>", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def lrelease() -> str:
    exe = shutil.which("pyside6-lrelease") or str(Path(sys.executable).with_name("pyside6-lrelease"))
    return exe


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    strings = extract()
    OUT.mkdir(parents=True, exist_ok=True)
    missing = 0
    for lang in LANGS:
        cat_path = OUT / f"{lang}.json"
        catalogue = json.loads(cat_path.read_text(encoding="utf-8")) if cat_path.exists() else {}
        wanted = strings
        todo = [s for s in wanted if not entry_ok(lang, s, catalogue.get(s))]
        missing += len(todo)
        if args.check:
            for s in todo:
                print(f"{cat_path.name}: untranslated: {s!r}")
            continue
        empty = lambda s: [""] * FORMS[lang] if s in PLURALS else ""   # noqa: E731
        merged = {s: catalogue.get(s) or empty(s) for s in wanted}
        cat_path.write_text(json.dumps(merged, ensure_ascii=False, indent=1) + "\n",
                            encoding="utf-8")
        ts = OUT / f"wesemibay_{lang}.ts"
        write_ts(lang, merged, ts)
        subprocess.run([lrelease(), "-silent", str(ts), "-qm", str(OUT / f"wesemibay_{lang}.qm")],
                       check=True)
        ts.unlink()
        print(f"{lang}: {len(wanted) - len(todo)}/{len(wanted)} strings translated")
    return 1 if (args.check and missing) else 0


if __name__ == "__main__":
    sys.exit(main())
