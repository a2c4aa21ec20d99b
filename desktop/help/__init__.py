"""The Help menu: Welcome, Keyboard shortcuts, About WeSemiBay Explorer, About Qt.

``fill_help_menu(window, menu)`` is the main window's one hook; the dialogs live in
``welcome.py``, ``shortcuts.py`` and ``about.py`` beside this file.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QLocale, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QLabel, QMainWindow,
                               QMenu)

from ..i18n import tr


def ui_locale() -> str:
    """The interface language as ``db.dates.format_date`` takes it (en, de, zh)."""
    return QLocale().name().split("_")[0] or "en"


def strip_mnemonic(text: str) -> str:
    """A menu or action text as read in a sentence: "&View" -> "View", "视图(&V)" -> "视图",
    "Save && quit" -> "Save & quit"."""
    text = re.sub(r"\s*[(（]&[^)）]+[)）]", "", text)
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def sentences(*parts: str) -> str:
    """Sentences run together as the language writes them: a space after "." but none
    after a Chinese "。"."""
    out = ""
    for part in filter(None, parts):
        out += part if not out or out[-1] in "。！？；：" else " " + part
    return out


def menu_path(*titles: str) -> str:
    """A menu path as the menus show it: "View ▸ Sources" (mnemonic marks removed)."""
    return " ▸ ".join(strip_mnemonic(t) for t in titles)


def heading(text: str, scale: float = 1.0) -> QLabel:
    """A bold label (our own text), ``scale`` times the usual size."""
    label = QLabel(text)
    font = label.font()
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    return label


def fit_size(window: QMainWindow, width_em: int, height_em: int) -> QSize:
    """A dialog's size in lengths of "M", but no larger than the window (less a margin)."""
    em = window.fontMetrics().horizontalAdvance("M")
    w, h = width_em * em, height_em * em
    if window.width() > 0:
        w = min(w, max(30 * em, window.width() - 4 * em))
        h = min(h, max(24 * em, window.height() - 4 * em))
    return QSize(w, h)


class HelpDialog(QDialog):
    """A dialog of the Help menu: non-modal (the window behind it keeps working), one per
    window, with a Close button."""

    def __init__(self, window: QMainWindow, name: str, title: str):
        super().__init__(window)
        self.window_ = window
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setModal(False)
        self.setWindowModality(Qt.WindowModality.NonModal)
        window.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        # The window closes (or File ▸ Open replaces it): its Help dialogs go with it.
        if obj is self.window_ and event.type() == QEvent.Type.Hide \
                and not event.spontaneous() and self.isVisible():
            self.close()
        return False

    def close_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))
        buttons.rejected.connect(self.reject)
        return buttons


def show_dialog(window: QMainWindow, cls):
    """Show the window's dialog of class ``cls`` (made on first use, then kept), non-modal:
    the window behind it keeps working. Returns the dialog."""
    dlg = window.findChild(cls)
    if dlg is None:
        dlg = cls(window)
    dlg.show()
    dlg.raise_()
    dlg.activateWindow()
    return dlg


def fill_help_menu(window: QMainWindow, menu: QMenu) -> None:
    from .about import show_about
    from .shortcuts import show_shortcuts
    from .welcome import show_welcome

    a_welcome = QAction(tr("&Welcome"), window)
    a_welcome.setObjectName("actionWelcome")
    a_welcome.triggered.connect(lambda: show_welcome(window))
    menu.addAction(a_welcome)
    a_keys = QAction(tr("&Keyboard shortcuts"), window)
    a_keys.setObjectName("actionShortcuts")
    a_keys.setShortcut(QKeySequence.StandardKey.HelpContents)
    a_keys.triggered.connect(lambda: show_shortcuts(window))
    menu.addAction(a_keys)
    menu.addSeparator()
    a_about = QAction(tr("&About WeSemiBay Explorer"), window)
    a_about.setObjectName("actionAbout")
    a_about.setMenuRole(QAction.MenuRole.AboutRole)
    a_about.triggered.connect(lambda: show_about(window))
    menu.addAction(a_about)
    a_qt = QAction(tr("About &Qt"), window)
    a_qt.setObjectName("actionAboutQt")
    a_qt.setMenuRole(QAction.MenuRole.AboutQtRole)
    a_qt.triggered.connect(QApplication.aboutQt)
    menu.addAction(a_qt)
