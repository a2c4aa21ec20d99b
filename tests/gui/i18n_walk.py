"""Every user-visible string of a window, checked against the catalogue and the expo's data.

``visible_strings(window)`` walks the window's widgets (texts, tooltips, accessible names,
window titles, placeholders, tab and combo-box entries, menu actions, the header data and
first rows of item views); ``untranslated(strings, lang, data)`` returns those that are
neither a translation from the catalogue (placeholders may hold anything), nor the expo's
data, nor free of words (numbers, symbols, key names).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QComboBox, QDockWidget,
                               QGroupBox, QLabel, QLineEdit, QMenu, QPlainTextEdit, QTabBar,
                               QTabWidget, QTextEdit, QWidget)

ROOT = Path(__file__).resolve().parents[2]
from db.assets import TRANSLATIONS as CATALOGUES  # noqa: E402  (the one asset lookup)
# Not words of any language: the program's and the languages' own names, marks.
ALLOWED = {"WeSemiBay Explorer", "WeSemiBay", "English", "Deutsch", "中文", "CN", "PDF", "CSV",
           "Markdown", "JSON", "ETO", "CSET", "CC BY-NC 4.0", "SEMICON China", "OK"}
SEPARATORS = re.compile(r"\s*(?:\n|·|—|\||;|:|：|（|）|\(|\)|,|，|、|\s{2,})\s*")
QT_OWN = ("qt_", "ScrollLeftButton", "ScrollRightButton")


def _plain(text: str) -> str:
    if "<" in text and ">" in text:
        doc = QTextDocument()
        doc.setHtml(text)
        text = doc.toPlainText()
    return text.replace("\u2028", "\n").replace("\u2029", "\n")


def visible_strings(window) -> list[tuple[str, str]]:
    """(where, text) of every string the window can show."""
    out: list[tuple[str, str]] = []

    def add(where: str, text, mnemonic: bool = False) -> None:
        if isinstance(text, str) and text.strip():
            text = _plain(text)
            if mnemonic:      # "&File": the & marks the shortcut letter
                text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
            out.append((where, text))

    for w in [window, *window.findChildren(QWidget)]:
        if w.objectName().startswith(QT_OWN):
            continue            # Qt's own buttons, in Qt's own translation
        name = f"{type(w).__name__}:{w.objectName()}"
        add(name + ".toolTip", w.toolTip())
        add(name + ".accessibleName", w.accessibleName())
        add(name + ".accessibleDescription", w.accessibleDescription())
        add(name + ".statusTip", w.statusTip())
        add(name + ".whatsThis", w.whatsThis())
        if w.isWindow() or isinstance(w, QDockWidget):
            add(name + ".windowTitle", w.windowTitle())
        if isinstance(w, (QLabel, QAbstractButton)):
            add(name + ".text", w.text(), isinstance(w, QAbstractButton))
        if isinstance(w, QLineEdit):
            add(name + ".placeholder", w.placeholderText())
        if isinstance(w, (QTextEdit, QPlainTextEdit)):
            add(name + ".placeholder", w.placeholderText())
            if w.isReadOnly():          # a panel's text (details, policy): line by line
                for line in w.toPlainText().splitlines():
                    add(name + ".document", line)
        if isinstance(w, QGroupBox):
            add(name + ".title", w.title())
        if isinstance(w, QTabBar):
            for i in range(w.count()):
                add(name + ".tab", w.tabText(i), True)
                add(name + ".tabToolTip", w.tabToolTip(i))
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                add(name + ".tab", w.tabText(i), True)
        if isinstance(w, QComboBox):
            for i in range(w.count()):
                add(name + ".item", w.itemText(i))
        if isinstance(w, QMenu):
            add(name + ".title", w.title(), True)
            for a in w.actions():
                add(name + ".action", a.text(), True)
                add(name + ".actionTip", a.toolTip() if a.toolTip() != a.text().replace("&", "")
                    else "")
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            m = w.model()
            root = w.rootIndex()
            try:
                cols = m.columnCount(root)
            except TypeError:             # a list model keeps its one column private
                cols = 1
            for c in range(cols):
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    add(name + ".header", m.headerData(c, Qt.Orientation.Horizontal, role))
            for r in range(min(m.rowCount(root), 40)):
                for c in range(cols):
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        add(name + ".cell", m.data(m.index(r, c, root), role))
    return out


def _template(text: str) -> re.Pattern:
    parts = re.split(r"(\{[^{}]*\}|%L?n)", text)
    # A placeholder holds one piece: never across " · " or a line (the window joins pieces
    # with them), so "{m} m" cannot stand for a whole line that ends in " m".
    return re.compile("".join("[^·\n]+?" if p.startswith(("{", "%")) and p else re.escape(p)
                              for p in parts))


class Catalogue:
    """A language's translations, as patterns (a placeholder matches anything)."""

    def __init__(self, lang: str):
        cat = json.loads((CATALOGUES / f"{lang}.json").read_text(encoding="utf-8"))
        texts = []
        for v in cat.values():
            texts += v if isinstance(v, list) else [v]
        self.exact = {t.replace("&", "") for t in texts}
        # Templates whose own words are none ("{a} ({b})") would match anything: a text
        # they shape is checked piece by piece instead.
        self.patterns = [_template(t.replace("&", "")) for t in texts
                         if re.search(r"\{[^{}]*\}|%L?n", t) and re.search(
                             r"[^\W\d_]", re.sub(r"\{[^{}]*\}|%L?n", "", t))]
        self.pieces = set()
        for t in self.exact:     # parts of translations (a caption joins several)
            self.pieces.update(p for p in SEPARATORS.split(t) if p)

    def knows(self, text: str) -> bool:
        return text in self.exact or text in self.pieces or \
            any(p.fullmatch(text) for p in self.patterns)


def data_strings(doc, lang: str) -> set[str]:
    """Every text of an expo document (``db.exporters.to_document``), and its parts, but
    not what the window must show in ``lang``: a zone's or hall's name where the data has
    one in ``lang``, tool-type codes, country codes, the built-in expo's categories."""
    from desktop.i18n import CATEGORIES
    doc = json.loads(json.dumps(doc))
    for section in ("zones", "halls"):
        for rec in doc.get(section, []):
            if (rec.get("names") or {}).get(lang):
                rec["name"] = rec["names"][lang]
    for p in doc.get("products", []):
        p.pop("tool_type", None)
    for e in doc.get("exhibitors", []):
        e.pop("country", None)
        if e.get("category") in CATEGORIES:
            e.pop("category")
    doc.get("supply_map", []).clear()          # tool types
    out: set[str] = set()

    def walk(v):
        if isinstance(v, str):
            out.add(v)
            out.update(p for p in SEPARATORS.split(v) if p)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(doc)
    return out


def _wordless(text: str) -> bool:
    """Numbers, dates in digits, booth codes, symbols: nothing to translate."""
    return not re.search(r"[^\W\d_]{2,}", text) or bool(re.fullmatch(
        r"[\w.+-]*\d[\w.+-]*", text))


def _is_date(seg: str) -> bool:
    """A date as the locale writes it ("7. Oktober 2022", "2025年3月25日")."""
    from PySide6.QtCore import QLocale
    loc = QLocale()
    months = {loc.monthName(i, f) for i in range(1, 13)
              for f in (QLocale.FormatType.LongFormat, QLocale.FormatType.ShortFormat)}
    words = re.findall(r"[^\W\d_]+", seg)
    return bool(re.search(r"\d", seg)) and all(w in months or w in "年月日" for w in words)


def _is_data(seg: str, data: set[str], blob: str) -> bool:
    core = re.sub(r"^\[\d+\]\s*", "", seg.rstrip("…").strip())    # "[2] NPR": a source
    if not core:
        return True
    if core in data or (len(core) >= 4 and seg.endswith("…") and core in blob) or \
            (len(core.split()) >= 3 and core in blob):
        return True
    words = core.split(" ")          # two names side by side ("新凯来 Xinkailai")
    return any(" ".join(words[:i]) in data and " ".join(words[i:]) in data
               for i in range(1, len(words)))


def _labelled(seg: str, catalogue: "Catalogue", data: set[str], blob: str) -> bool:
    """A word of the catalogue before data ("über Alishan ALD tools")."""
    words = seg.split(" ")
    return any(catalogue.knows(" ".join(words[:i])) and _is_data(" ".join(words[i:]), data, blob)
               for i in range(1, len(words)))


_SYMBOL_FIRST = re.compile(r"^[\u2190-\u2BFF]\s+")


def untranslated(strings: list[tuple[str, str]], catalogue: Catalogue, data: set[str],
                 allowed: set[str] = frozenset()) -> list[tuple[str, str]]:
    """(where, piece) of every string that is not translated: checked whole, then line by
    line, then piece by piece (the window joins pieces with " · ", ": ", brackets…)."""
    blob = "\0".join(data)

    def known(text: str) -> bool:
        text = _SYMBOL_FIRST.sub("", text)    # "★ Starred", "✕ Clear": a mark, then words
        return not text or _is_date(text) or _wordless(text) or text in ALLOWED \
            or text in allowed or catalogue.knows(text) or _is_data(text, data, blob)

    bad = []
    for where, text in strings:
        text = text.strip()
        if known(text):
            continue
        for line in (line.strip() for line in text.split("\n")):
            if known(line):
                continue
            for seg in SEPARATORS.split(line):
                seg = seg.strip(" .\u2026") if seg.endswith(".") else seg.strip()
                if known(seg) or catalogue.knows(seg + ".") or _labelled(seg, catalogue, data,
                                                                         blob):
                    continue
                bad.append((where, seg))
    return bad
