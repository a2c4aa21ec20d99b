"""Help ▸ Keyboard shortcuts: every key the window answers, read from the window itself.

The list is made when it is shown, from the window's real ``QAction``s (menu by menu,
then those that act inside one pane, such as S on the floor plan) and ``QShortcut``s with
their current shortcuts, plus the keys that panes handle themselves (``widget_keys()``:
the floor plan's Tab, arrows, +/-/0, Page Up/Down, Enter; the search box's Up/Down, Enter,
Escape). So it cannot drift from the code: a new action with a shortcut appears by itself,
and ``tests/gui/test_help.py`` compares the list with the actions and presses every key of
``widget_keys()`` to check that it does what the list says.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (QHeaderView, QMainWindow, QMenu, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from ..i18n import tr
from . import HelpDialog, fit_size, menu_path, show_dialog, strip_mnemonic

def widget_keys() -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """Keys that a pane handles in its own keyPressEvent (no QAction): (pane, keys, what
    they do). The pane is a path of the main window's attributes; keys are QKeySequence
    strings."""
    return (
        ("view", ("Tab", "Shift+Tab"), tr("Walk to the next or previous booth")),
        ("view", ("Ctrl+Left", "Ctrl+Right", "Ctrl+Up", "Ctrl+Down"),
         tr("Walk to the nearest booth in that direction")),
        ("view", ("Return",), tr("Select the booth under keyboard focus")),
        ("view", ("Left", "Right", "Up", "Down"), tr("Move the plan")),
        ("view", ("+", "-"), tr("Zoom in or out")),
        ("view", ("0",), tr("Show the whole floor")),
        ("view", ("PgUp", "PgDown"), tr("Go up or down one level (where there are several)")),
        ("search.box", ("Down", "Up"), tr("Move through the hits")),
        ("search.box", ("Return",), tr("Go to the chosen hit, or the best one")),
        ("search.box", ("Esc",), tr("Clear the search")),
    )


ARROWS = {Qt.Key.Key_Left: "←", Qt.Key.Key_Right: "→", Qt.Key.Key_Up: "↑", Qt.Key.Key_Down: "↓"}


@dataclass(frozen=True)
class Shortcut:
    group: str              # a menu path ("View"), or the pane the key works in
    keys: tuple[str, ...]   # each as the keyboard shows it ("Ctrl+K")
    text: str               # what it does
    source: object = None   # the QAction or QShortcut it was read from (None: widget_keys)


def key_text(seq: QKeySequence | str) -> str:
    """A key as the keyboard and the interface language name it ("Strg+K"); arrow keys as
    arrows ("Ctrl+←")."""
    seq = QKeySequence(seq)
    native = QKeySequence.SequenceFormat.NativeText
    if seq.count() == 1 and seq[0].key() in ARROWS:
        combo = seq[0]
        with_a = QKeySequence(QKeyCombination(combo.keyboardModifiers(), Qt.Key.Key_A))
        return with_a.toString(native)[:-1] + ARROWS[combo.key()]
    return seq.toString(native)


def keys_text(keys: tuple[str, ...]) -> str:
    """Keys of one row as the list shows them: "Tab, Shift+Tab"; keys that differ only in
    their last key share the rest: "Ctrl+← → ↑ ↓"."""
    split = [k.rsplit("+", 1) if "+" in k[:-1] else ["", k] for k in keys]
    prefixes = {p for p, _ in split}
    if len(keys) > 2 and len(prefixes) == 1:
        prefix = prefixes.pop()
        return (prefix + "+" if prefix else "") + " ".join(last for _, last in split)
    return ", ".join(keys)


def action_text(action: QAction) -> str:
    return strip_mnemonic(action.text()).rstrip("…").rstrip(".").strip()


def resolve(window: QMainWindow, path: str) -> QWidget | None:
    obj = window
    for part in path.split("."):
        obj = getattr(obj, part, None)
    return obj if isinstance(obj, QWidget) else None


def _pane_name(widget: QWidget) -> str:
    return widget.accessibleName() or widget.windowTitle() or widget.objectName() \
        or type(widget).__name__


def _keys(seqs) -> tuple[str, ...]:
    return tuple(key_text(s) for s in seqs if not s.isEmpty())


def collect(window: QMainWindow) -> list[Shortcut]:
    """Every shortcut of ``window``: menus in menu-bar order, then pane actions and
    shortcuts, then ``widget_keys()``."""
    rows: list[Shortcut] = []
    seen: set[int] = set()

    def walk(menu: QMenu, path: tuple[str, ...]) -> None:
        for a in menu.actions():
            if a.menu() is not None:
                walk(a.menu(), path + (a.menu().title(),))
            elif id(a) not in seen and _keys(a.shortcuts()) and a.text():
                seen.add(id(a))
                rows.append(Shortcut(menu_path(*path), _keys(a.shortcuts()), action_text(a), a))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), (top.menu().title(),))
    for a in window.findChildren(QAction):
        if id(a) in seen or not _keys(a.shortcuts()) or not a.text():
            continue
        seen.add(id(a))
        panes = [o for o in a.associatedObjects() if isinstance(o, QWidget)
                 and o is not window and not isinstance(o, QMenu)]
        for pane in panes or [window]:
            group = _pane_name(pane) if pane is not window else tr("Anywhere in the window")
            rows.append(Shortcut(group, _keys(a.shortcuts()), action_text(a), a))
    for sc in window.findChildren(QShortcut):
        if sc.key().isEmpty():
            continue
        parent = sc.parent()
        group = (tr("Anywhere in the window") if parent is window or not isinstance(parent, QWidget)
                 else _pane_name(parent))
        rows.append(Shortcut(group, _keys([sc.key()]), sc.whatsThis(), sc))
    for path, keys, text in widget_keys():
        pane = resolve(window, path)
        if pane is not None:
            rows.append(Shortcut(_pane_name(pane), tuple(key_text(k) for k in keys), text))
    return rows


def show_shortcuts(window: QMainWindow) -> "ShortcutsDialog":
    dlg = show_dialog(window, ShortcutsDialog)
    dlg.refresh()
    return dlg


class ShortcutsDialog(HelpDialog):
    def __init__(self, window: QMainWindow):
        super().__init__(window, "shortcutsDialog", tr("Keyboard shortcuts"))
        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcutsTree")
        self.tree.setAccessibleName(tr("Keyboard shortcuts"))
        self.tree.setHeaderLabels([tr("Keys"), tr("What it does")])
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.tree.setWordWrap(True)           # a long German line wraps instead of eliding
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tree)
        lay.addWidget(self.close_buttons())
        self.resize(fit_size(window, 56, 56))
        self.refresh()

    def refresh(self) -> None:
        self.rows = collect(self.window_)
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        bold = self.tree.font()
        bold.setBold(True)
        for row in self.rows:
            head = groups.get(row.group)
            if head is None:
                head = QTreeWidgetItem([row.group])
                head.setFirstColumnSpanned(False)
                head.setFont(0, bold)
                head.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.tree.addTopLevelItem(head)
                head.setFirstColumnSpanned(True)
                groups[row.group] = head
            head.addChild(QTreeWidgetItem([keys_text(row.keys), row.text]))
        self.tree.expandAll()
