"""Help ▸ About WeSemiBay Explorer: version, the open expo's data date and sources, licences.

The licences list what the program ships with, each as its own package metadata states it
(``DISTRIBUTIONS``; ``tests/gui/test_help.py`` compares every entry with the installed
metadata and checks that the list covers every package the program requires, so it cannot
drift), the data that comes with it (the ETO subset's CC BY-NC 4.0, the product pictures),
and the fonts found in ``assets/fonts`` when the box opens, with the licence file
beside them.
"""
from __future__ import annotations

import re
import sqlite3
import sys
from importlib import metadata
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (QApplication, QDialogButtonBox, QHBoxLayout, QLabel, QMainWindow,
                               QPushButton, QTextBrowser, QVBoxLayout)

from db.assets import FONTS
from db.dates import format_date
from db.summary import expo_summary
from db.supply import ETO_LICENCE

from ..i18n import tr
from ..richtext import PARAGRAPH, TITLE, esc
from . import HelpDialog, fit_size, heading, menu_path, show_dialog, ui_locale

PROGRAM_LICENCE = "MIT"
FONT_FILES = ("*.otf", "*.ttf", "*.ttc", "*.woff", "*.woff2")
LICENCE_FILES = ("OFL*", "LICEN[CS]E*", "COPYING*")

# Every package the program runs on (its requirements and theirs), with its licence exactly
# as the package's metadata gives it (License-Expression, else License, else a classifier).
# In the frozen build the packages' metadata is not shipped, so it is kept here.
DISTRIBUTIONS: dict[str, str] = {
    "PySide6-Essentials": "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only",
    "shiboken6": "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only",
    "Pillow": "MIT-CMU",
    "sqlite-utils": "Apache-2.0",
    "pypdfium2": "BSD-3-Clause, Apache-2.0, dependency licenses",
    # sqlite-utils' own requirements:
    "click": "BSD-3-Clause",
    "click-default-group": "Public Domain",
    "pluggy": "MIT",
    "python-dateutil": "BSD-3-Clause",
    "sqlite-fts4": "Apache License, Version 2.0",
    "tabulate": "MIT",
    "tzdata": "Apache-2.0",
    "pip": "MIT",
}
FOR_SQLITE_UTILS = ("click", "click-default-group", "pluggy", "python-dateutil", "sqlite-fts4",
                    "tabulate", "tzdata", "pip")
# Required only where pip picks older releases (python-dateutil 3.x on Python 3.10 needs
# six): listed when installed.
WHERE_INSTALLED: dict[str, str] = {"six": "MIT"}


def metadata_licence(dist: str) -> str | None:
    """A package's licence as its installed metadata states it (None: not installed)."""
    try:
        meta = metadata.metadata(dist)
    except metadata.PackageNotFoundError:
        return None
    for field in ("License-Expression", "License"):
        value = (meta.get(field) or "").strip()
        if value and value.upper() != "UNKNOWN" and "\n" not in value:
            return value
    for c in meta.get_all("Classifier") or []:
        if c.startswith("License ::"):
            return c.split("::")[-1].strip()
    return None


def dist_version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return ""


def program_version() -> str:
    from .. import version
    return version()


def font_licences(folder: Path = FONTS) -> list[tuple[str, str]]:
    """(font file, licence) for each font bundled in ``folder`` (none: an empty list). The
    licence is named from the licence file beside the fonts (the SIL OFL by its title)."""
    if not folder.is_dir():
        return []
    fonts = sorted({p for pattern in FONT_FILES for p in folder.glob(pattern)})
    licence_files = sorted({p for pattern in LICENCE_FILES for p in folder.glob(pattern)})
    names = []
    for path in licence_files:
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:4000]
        except OSError:
            continue
        m = re.search(r"SIL OPEN FONT LICEN[CS]E,?\s+Version\s+([\d.]+)", head, re.IGNORECASE)
        names.append(f"SIL Open Font License {m.group(1)} ({path.name})" if m else path.name)
    licence = "; ".join(names) or tr("no licence file found beside it")
    return [(p.name, licence) for p in fonts]


def licence_rows() -> list[tuple[str, str, str]]:
    """(component, version, licence) for the About box, the program first."""
    rows = [("WeSemiBay Explorer", program_version(), PROGRAM_LICENCE),
            (tr("ETO supply-chain data (subset), Emerging Technology Observatory, CSET"), "",
             ETO_LICENCE),
            (tr("Product pictures, drawn for this program"), "", PROGRAM_LICENCE)]
    rows += [(tr("Font {file}").format(file=name), "", licence)
             for name, licence in font_licences()]
    rows += [("Python", sys.version.split()[0], "PSF-2.0"),
             ("Qt", qVersion(), DISTRIBUTIONS["PySide6-Essentials"]),
             ("PySide6", pyside_version, DISTRIBUTIONS["PySide6-Essentials"]),
             ("SQLite", sqlite3.sqlite_version, tr("public domain"))]
    for dist, licence in DISTRIBUTIONS.items():
        if dist == "PySide6-Essentials":
            continue
        name = "pypdfium2 (PDFium)" if dist == "pypdfium2" else dist
        if dist in FOR_SQLITE_UTILS:
            name = tr("{name} (used by sqlite-utils)").format(name=dist)
        rows.append((name, dist_version(dist), licence))
    rows += [(tr("{name} (used by sqlite-utils)").format(name=dist), dist_version(dist), licence)
             for dist, licence in WHERE_INSTALLED.items() if dist_version(dist)]
    return rows


def show_about(window: QMainWindow) -> "AboutDialog":
    return show_dialog(window, AboutDialog)


class AboutDialog(HelpDialog):
    def __init__(self, window: QMainWindow):
        super().__init__(window, "aboutDialog", tr("About WeSemiBay Explorer"))
        lay = QVBoxLayout(self)

        head = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(QApplication.windowIcon().pixmap(64, 64))
        icon.setAccessibleName("WeSemiBay Explorer")
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        head.addWidget(icon)
        title = QVBoxLayout()
        title.addWidget(heading("WeSemiBay Explorer", 1.4))
        self.version = QLabel(tr("Version {version}").format(version=program_version()))
        self.version.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        title.addWidget(self.version)
        blurb = QLabel(tr("An offline explorer for trade shows, their exhibitors and the "
                          "policy context around them. Every fact shown carries its source."))
        blurb.setWordWrap(True)
        title.addWidget(blurb)
        head.addLayout(title, 1)
        lay.addLayout(head)

        expo = window.expo
        meta = expo.meta()
        summary = expo_summary(expo)
        lines = []
        if summary.newest_source:
            lines.append(tr("Data as of {date}: the newest of its {n} sources.").format(
                date=format_date(summary.newest_source, summary.newest_precision, ui_locale()),
                n=summary.sources))
        else:
            lines.append(tr("Sources: {n}.").format(n=summary.sources))
        lines.append(tr("{menu} lists every source with the records that cite it.").format(
            menu=menu_path(tr("&View"), tr("S&ources"))))
        from ..planimport import layout_text       # where the floor layout came from
        lines += [t for t in [layout_text(expo)] if t]
        name = esc(meta.get("name") or expo.path.stem, TITLE)
        text = "<br>".join([esc(tr("Expo: {name}"), PARAGRAPH).format(name=f"<b>{name}</b>")]
                           + [esc(line, PARAGRAPH) for line in lines])
        self.data = QLabel(text)
        self.data.setTextFormat(Qt.TextFormat.RichText)
        self.data.setWordWrap(True)
        self.data.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.data)

        lay.addWidget(heading(tr("Licences")))
        self.licences = QTextBrowser()
        self.licences.setObjectName("licencesText")
        self.licences.setAccessibleName(tr("Licences"))
        self.licences.setOpenLinks(False)
        self.rows = licence_rows()
        cells = "".join(
            "<tr>" + "".join(f"<td style='padding:1px 8px 1px 0'>{esc(v, PARAGRAPH)}</td>"
                             for v in row) + "</tr>" for row in self.rows)
        head = "".join(f"<th align='left' style='padding:1px 8px 1px 0'>{esc(h)}</th>"
                       for h in (tr("Component"), tr("Version"), tr("Licence")))
        self.licences.setHtml(f"<table width='100%'><tr>{head}</tr>{cells}</table>")
        lay.addWidget(self.licences, 1)
        note = QLabel(tr("The texts of the built-in expo are our own summaries of the sources "
                         "they cite; quotations are short and attributed. The market shares "
                         "come from ETO's dataset and keep its licence: not for commercial "
                         "use."))
        note.setWordWrap(True)
        lay.addWidget(note)

        buttons = self.close_buttons()
        self.sources_button = QPushButton(tr("Show the sources"))
        self.sources_button.setAutoDefault(False)
        self.sources_button.clicked.connect(self._show_sources)
        buttons.addButton(self.sources_button, QDialogButtonBox.ButtonRole.ActionRole)
        qt_button = QPushButton(tr("About Qt"))
        qt_button.setAutoDefault(False)
        qt_button.clicked.connect(QApplication.aboutQt)
        buttons.addButton(qt_button, QDialogButtonBox.ButtonRole.ActionRole)
        lay.addWidget(buttons)
        self.resize(fit_size(window, 58, 52))

    def _show_sources(self) -> None:
        dock = self.window_.sources_dock
        dock.show()
        dock.raise_()
        self.close()
