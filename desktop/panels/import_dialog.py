"""File > Import…: choose files, watch the progress (cancel any time), read the summary.

The import runs as a background job (``desktop.workers.import_job``) against a temporary copy of the expo
file; only a finished, checked import replaces the file. The summary lists what
was added, updated, left unchanged and rejected, with every warning; a refused
import lists every error with its file, line and column, and says that nothing
changed.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QPlainTextEdit, QProgressBar, QPushButton, QStackedWidget,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ..i18n import tr
from ..richtext import MESSAGE, plain, plain_label
from ..jobs import Jobs
from ..workers import discard_import, import_job

ENCODINGS = ((None, "Detect (UTF-8 or GB18030)"), ("utf-8", "UTF-8"), ("gb18030", "GB18030"),
             ("utf-16", "UTF-16"), ("cp1252", "Windows-1252"))


class ImportDialog(QDialog):
    """Three pages: choose, progress, summary. ``imported`` fires after the file was replaced."""
    imported = Signal(object)          # the ImportReport

    def __init__(self, target: str | os.PathLike, base: str | os.PathLike | None = None,
                 parent=None, commit=None, jobs: Jobs | None = None,
                 data_dir: str | os.PathLike | None = None):
        super().__init__(parent)
        # The data folder's integrity cache: a file checked clean is not checked again.
        self.data_dir = Path(data_dir) if data_dir is not None else None
        # The window's runner (its threads end with the window), or one of its own.
        self.jobs = jobs if jobs is not None else Jobs(name="import", parent=self)
        self.setWindowTitle(tr("Import exhibitors and catalogues"))
        self.resize(760, 520)
        self.target = Path(target)
        self.base = Path(base) if base else None
        self._commit = commit       # callable(prepared) -> report; default: prepared.commit()
        self.job = None             # the import's desktop.jobs.Job, while it runs
        self.report = None
        self.state = "choose"       # choose | running | done | failed | cancelled

        # -- page 1: choose
        self.files = QListWidget()
        self.files.setAccessibleName(tr("Files to import"))
        add = QPushButton(tr("Add files…"))
        add.clicked.connect(self._browse)
        remove = QPushButton(tr("Remove"))
        remove.clicked.connect(lambda: [self.files.takeItem(self.files.row(i))
                                        for i in self.files.selectedItems()])
        btns = QHBoxLayout()
        btns.addWidget(add)
        btns.addWidget(remove)
        btns.addStretch(1)
        self.encoding = QComboBox()
        for value, label in ENCODINGS:
            self.encoding.addItem(tr(label), value)
        self.mapping = QLineEdit()
        self.mapping.setPlaceholderText(tr("e.g. Firma=company; Stand-Nr.=booth"))
        self.strict = QCheckBox(tr("Refuse booth codes that are not on the floor plan"))
        form = QFormLayout()
        form.addRow(tr("Text encoding:"), self.encoding)
        form.addRow(tr("Other column names:"), self.mapping)
        form.addRow("", self.strict)
        where = plain_label(tr("Into: {path}").format(path=str(self.target)), None)
        where.setWordWrap(True)
        where.setObjectName("importTarget")
        hint = QLabel(tr("CSV or TSV files (one row per product, or separate exhibitor, booth "
                         "and product lists) or a JSON expo document. Nothing changes unless "
                         "every row can be imported."))
        hint.setWordWrap(True)
        p1 = QWidget()
        l1 = QVBoxLayout(p1)
        l1.addWidget(hint)
        l1.addWidget(self.files, 1)
        l1.addLayout(btns)
        l1.addLayout(form)
        l1.addWidget(where)

        # -- page 2: progress
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.message = plain_label("")     # progress messages name files and records
        self.message.setObjectName("importMessage")
        self.cancel_button = QPushButton(tr("Cancel import"))
        self.cancel_button.clicked.connect(self.cancel)
        p2 = QWidget()
        l2 = QVBoxLayout(p2)
        l2.addStretch(1)
        l2.addWidget(QLabel(tr("Importing… the expo file is not touched until the end.")))
        l2.addWidget(self.progress)
        l2.addWidget(self.message)
        l2.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        l2.addStretch(2)

        # -- page 3: summary
        self.headline = plain_label("")
        self.headline.setObjectName("importHeadline")
        self.headline.setWordWrap(True)
        self.counts = QTableWidget(0, 5)
        self.counts.setHorizontalHeaderLabels([tr("Records"), tr("Added"), tr("Updated"),
                                               tr("Unchanged"), tr("Rejected")])
        self.counts.verticalHeader().setVisible(False)
        self.counts.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.counts.horizontalHeader().setStretchLastSection(True)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setObjectName("importDetails")
        p3 = QWidget()
        l3 = QVBoxLayout(p3)
        l3.addWidget(self.headline)
        l3.addWidget(self.counts, 1)
        l3.addWidget(self.details, 2)

        self.pages = QStackedWidget()
        for p in (p1, p2, p3):
            self.pages.addWidget(p)
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(tr("Import"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.import_button.clicked.connect(self.start)
        self.close_button.clicked.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.pages, 1)
        lay.addWidget(self.buttons)
        self._update_buttons()

    # -------------------------------------------------------------- choosing
    def _browse(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, tr("Choose files to import"), "",
            tr("Catalogues (*.csv *.tsv *.txt *.json);;All files (*)"))
        self.add_files(paths)

    def add_files(self, paths) -> None:
        for p in paths:
            self.files.addItem(str(p))
        self._update_buttons()

    def chosen(self) -> list[str]:
        return [self.files.item(i).text() for i in range(self.files.count())]

    def _mapping(self) -> dict[str, str] | str:
        from db.importing import parse_mapping
        items = [m.strip() for m in self.mapping.text().replace("\n", ";").split(";") if m.strip()]
        try:
            return parse_mapping(items)
        except Exception as exc:
            return str(exc)

    def _update_buttons(self) -> None:
        choosing = self.state == "choose"
        self.import_button.setVisible(choosing)
        self.import_button.setEnabled(choosing and self.files.count() > 0)
        self.close_button.setEnabled(self.state != "running")

    # --------------------------------------------------------------- running
    def start(self) -> None:
        files = self.chosen()
        if not files or self.state != "choose":
            return
        mapping = self._mapping()
        if isinstance(mapping, str):
            self._show_failed([mapping], tr("The column names are not understood."))
            return
        self.state = "running"
        self.pages.setCurrentIndex(1)
        self.progress.setValue(0)
        self.message.setText(tr("Reading…"))
        self._update_buttons()
        self.job = self.jobs.submit(
            import_job(self.target, files, base=self.base, encoding=self.encoding.currentData(),
                       mapping=mapping, strict=self.strict.isChecked(),
                       data_dir=self.data_dir),
            name=f"import into {self.target.name}", progress=self._on_progress,
            done=self._on_finished, failed=lambda line, exc: self._on_failed(exc, line),
            cancelled=self._on_cancelled, drop=discard_import)

    def cancel(self) -> None:
        if self.job is not None and self.state == "running":
            self.message.setText(tr("Cancelling…"))
            self.cancel_button.setEnabled(False)
            self.job.cancel()

    def _on_progress(self, frac: float, message: str) -> None:
        self.progress.setValue(int(max(0.0, min(1.0, frac)) * 1000))
        self.message.setText(plain(message))

    def _on_finished(self, prepared) -> None:
        try:
            report = self._commit(prepared) if self._commit else prepared.commit()
        except OSError as exc:
            prepared.discard()
            self._show_failed([str(exc)], tr("The expo file could not be replaced; "
                                             "nothing was imported."))
            return
        self.report = report
        self.state = "done"
        self._show_report(report, tr("Imported. %Ln warning(s).",
                                     n=len(report.warnings) + report.more_warnings))
        self.imported.emit(report)

    def _on_failed(self, exc, line: str | None = None) -> None:
        """A refused import (its report lists every error), or a failure: its one line
        (for a bug, where the log is)."""
        report = getattr(exc, "report", None)
        if report is not None:
            lines = [str(e) for e in report.errors]
            if report.more_errors:
                lines.append(tr("… and %Ln more error(s)", n=report.more_errors))
            n = len(report.errors) + report.more_errors
            self.report = report
            self._show_failed(lines, tr("Nothing was imported: %Ln error(s) to fix. The expo "
                                        "file is unchanged.", n=n), report)
        else:
            self._show_failed([line or str(exc)],
                              tr("Nothing was imported. The expo file is unchanged."))

    def _on_cancelled(self) -> None:
        self.state = "cancelled"
        self.pages.setCurrentIndex(2)
        self.headline.setText(tr("Cancelled. Nothing was imported; the expo file is unchanged."))
        self.counts.setRowCount(0)
        self.details.setPlainText("")
        self._update_buttons()

    # --------------------------------------------------------------- summary
    def _show_failed(self, lines: list[str], headline: str, report=None) -> None:
        self.state = "failed"
        self.pages.setCurrentIndex(2)
        self.headline.setText(headline)
        self.counts.setRowCount(0)
        text = "\n".join(plain(line, MESSAGE) for line in lines)
        if report is not None and report.warnings:
            text += "\n\n" + tr("Warnings:") + "\n" + "\n".join(plain(str(w), MESSAGE)
                                                                for w in report.warnings)
        self.details.setPlainText(text)
        self._update_buttons()

    def _show_report(self, report, headline: str) -> None:
        from db.importing import plural
        self.pages.setCurrentIndex(2)
        self.headline.setText(headline)
        kinds = sorted(set(report.added) | set(report.updated) | set(report.unchanged)
                       | set(report.rejected))
        self.counts.setRowCount(len(kinds) + 1)
        for r, kind in enumerate(kinds):
            values = [tr(plural(kind, 2)).capitalize()] + [
                str(getattr(report, what).get(kind, 0))
                for what in ("added", "updated", "unchanged", "rejected")]
            for c, v in enumerate(values):
                self.counts.setItem(r, c, QTableWidgetItem(v))
        total = [tr("Total")] + [str(report.total(w)) for w in
                                 ("added", "updated", "unchanged", "rejected")]
        for c, v in enumerate(total):
            item = QTableWidgetItem(v)
            f = item.font()
            f.setBold(True)
            item.setFont(f)
            self.counts.setItem(len(kinds), c, item)
        self.counts.resizeColumnsToContents()
        lines = [plain(str(w), MESSAGE) for w in report.warnings]
        if report.more_warnings:
            lines.append(tr("… and %Ln more warning(s)", n=report.more_warnings))
        lines = lines or [tr("No warnings.")]
        self.details.setPlainText("\n".join([plain(report.index_summary(), MESSAGE)] + lines))
        self._update_buttons()

    def reject(self) -> None:
        if self.state == "running":
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event) -> None:
        if self.state == "running":
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)
