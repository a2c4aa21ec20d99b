"""File ▸ Import floor plan…: read the plan, review what was found, write it all or nothing.

Three steps in one window:

1. *Reading*: ``db.planimport.analyse`` and the page pictures, in the background, with
   progress. Nothing is written; Cancel just closes.
2. *Review*: the page (``review.ReviewView``) with what was found, a list of what needs
   review, and the edits of ``db.planimport.PlanImport`` (fix a code with the expo's list
   codes offered as you type, merge, split, draw, remove, confirm, doors, the scale).
   Cancel closes without writing anything.
3. *Writing*: ``PlanImport.accept`` in the background (the expo file is replaced by a
   checked copy, or not at all), then a summary. ``written`` fires with the file; the
   window then opens it.

Pictures and PDF pages without vectors start in the same review with nothing found:
measure a line of known length (two points), then draw the booths and type their codes.
"""
from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QStringListModel, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QImage, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QCompleter, QDialog,
                               QDialogButtonBox, QDoubleSpinBox, QFormLayout, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QMessageBox, QProgressBar, QPushButton, QScrollArea,
                               QSizePolicy, QSpinBox, QSplitter, QStackedWidget, QToolBar,
                               QVBoxLayout, QWidget)

from db.errors import DataError

from .. import theme
from ..help import menu_path
from ..i18n import tr
from ..richtext import MESSAGE, SHORT, plain, plain_label, tooltip
from . import jobs
from .review import Legend, MarkItem, ReviewView

LIST_LIMIT = 500            # entries in the "to review" list (empty outlines last)
HOW_HAND = ("confirmed", "drawn")


POINT_M = 0.0254 / 72          # a PDF point, in metres


def scale_text(p) -> str:
    """A page's scale as a plan states it (1 : N, or centimetres per pixel of a picture)
    and where it came from, in the interface's language."""
    import re
    if not p.scale_m_per_pt:
        return tr("No scale yet")
    src = p.scale_source or ""
    m_size = re.match(r"booth size ([\d.]+) x ([\d.]+) m", src)
    m_line = re.match(r"measured line of ([\d.]+) m", src)
    if src.startswith("guess"):
        how = tr("a guess: the commonest booth taken as 3 m × 3 m; give its real size or "
                 "measure a line")
    elif m_size:
        how = tr("the commonest booth is {w} m × {h} m").format(w=m_size[1], h=m_size[2])
    elif m_line:
        how = tr("a measured line of {m} m").format(m=m_line[1])
    elif src.startswith("calibrated"):
        how = tr("calibrated by two points")
    else:
        how = plain(src, SHORT)
    if p.kind == "vector":
        return tr("Scale 1 : {n} ({how})").format(n=f"{p.scale_m_per_pt / POINT_M:,.0f}",
                                                  how=how)
    return tr("{cm} cm per pixel ({how})").format(cm=f"{p.scale_m_per_pt * 100:.3g}", how=how)


def read_plan(plan: Path, vocabulary_from: Path | None, progress) -> tuple:
    """The background part of step 1: (PlanImport, {page number: (QImage, w, h)})."""
    from db.planimport import analyse
    from db.planimport.extract import render_png
    res = analyse(plan, expo=vocabulary_from if vocabulary_from and vocabulary_from.exists()
                  else None, progress=lambda f, m: progress(0.8 * f, m))
    pictures = {}
    pages = res.pages
    for k, p in enumerate(pages):
        progress(0.8 + 0.2 * k / max(1, len(pages)), f"drawing page {p.number}")
        if res.kind == "picture":
            data = res.picture[0]
        else:       # as sharp as 4,096 pixels allow (codes are small print), 300 dpi at most
            dpi = max(72.0, min(300.0, 4096 * 72.0 / max(p.width, p.height, 1.0)))
            data, _w, _h, _ppp = render_png(res.path, p.number, dpi=dpi)
        img = QImage.fromData(data)
        if img.isNull():
            raise DataError(f"{plan}: page {p.number} could not be drawn")
        pictures[p.number] = img
    progress(1.0, "done")
    return res, pictures


class PlanImportDialog(QDialog):
    """Read, review and write one plan into ``target`` (a new file starts as ``base``)."""
    written = Signal(object)            # the summary dict of ``PlanImport.accept``

    def __init__(self, plan: str | Path, target: str | Path, base: str | Path | None = None,
                 parent=None):
        super().__init__(parent)
        self.plan = Path(plan)
        self.target = Path(target)
        self.base = Path(base) if base else None
        self.res = None
        self.pictures: dict[int, QImage] = {}
        self.page_no: int | None = None
        self.summary: dict | None = None
        self.edited = False
        self._refreshing = False
        self.state = "reading"          # reading | review | writing | done | failed
        self.job = None
        self.setWindowTitle(tr("Import floor plan: {name}").format(name=plain(self.plan.name,
                                                                              SHORT)))
        self.setObjectName("planImportDialog")

        # -- step 1: reading
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setAccessibleName(tr("Reading the plan"))
        self.progress_message = plain_label("")
        self.progress_message.setObjectName("planImportMessage")
        reading = QWidget()
        lr = QVBoxLayout(reading)
        lr.addStretch(1)
        lr.addWidget(QLabel(tr("Reading the plan… nothing is written until you accept.")))
        lr.addWidget(self.progress)
        lr.addWidget(self.progress_message)
        lr.addStretch(2)

        # -- step 2: review
        review = QWidget()
        self.view = ReviewView()
        self.view.scene().selectionChanged.connect(self._selection_changed)
        self.view.drawn.connect(self._drawn)
        self.view.pointed.connect(self._door_at)
        self.view.measured.connect(self._measured)
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.tools = QActionGroup(self)
        self.tools.setExclusive(True)
        self.tool_actions: dict[str, QAction] = {}
        for name, text, key, tip in (
                ("select", tr("Select"), "V", tr("Click a mark; Ctrl+click or drag a band for "
                                                 "several (V)")),
                ("draw", tr("Draw booth"), "D", tr("Drag a rectangle for a booth the reader "
                                                   "missed, then type its code (D)")),
                ("door", tr("Mark door"), "E", tr("Click where a door is (E)")),
                ("measure", tr("Measure line"), "L", tr("Drag from one point to another whose "
                                                        "distance you know (L)"))):
            a = QAction(text, self)
            a.setCheckable(True)
            a.setShortcut(QKeySequence(key))
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            a.setToolTip(tip)
            a.triggered.connect(lambda _=False, n=name: self.view.set_tool(n))
            self.tools.addAction(a)
            self.toolbar.addAction(a)
            self.view.addAction(a)
            self.tool_actions[name] = a
        self.tool_actions["select"].setChecked(True)
        self.view.toolChanged.connect(lambda n: self.tool_actions[n].setChecked(True))
        self.toolbar.addSeparator()
        for text, key, slot in ((tr("Zoom in"), "+", lambda: self.view.zoom(1.25)),
                                (tr("Zoom out"), "-", lambda: self.view.zoom(0.8)),
                                (tr("Whole page"), "0", self.view.fit)):
            a = QAction(text, self)
            a.setToolTip(f"{text} ({key})")
            a.triggered.connect(slot)
            self.toolbar.addAction(a)
        self.page_box = QComboBox()
        self.page_box.setAccessibleName(tr("Page"))
        self.page_box.currentIndexChanged.connect(self._page_chosen)
        self.page_label = QLabel(tr("Page:"))
        self.page_label.setBuddy(self.page_box)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.toolbar, 1)
        top.addWidget(self.page_label)
        top.addWidget(self.page_box)
        ll.addLayout(top)
        ll.addWidget(Legend())
        ll.addWidget(self.view, 1)
        side = self._side_panel()
        scroll = self.side_scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(side)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(340)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lv = QVBoxLayout(review)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(split, 1)

        # -- step 3: done (or failed)
        done = QWidget()
        ld = QVBoxLayout(done)
        self.result_text = plain_label("", MESSAGE, multiline=True)
        self.result_text.setObjectName("planImportResult")
        self.result_text.setWordWrap(True)
        self.result_head = QLabel()
        self.result_head.setObjectName("planImportHeadline")
        f = self.result_head.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        f.setBold(True)
        self.result_head.setFont(f)
        ld.addStretch(1)
        ld.addWidget(self.result_head)
        ld.addWidget(self.result_text)
        ld.addStretch(2)

        self.pages = QStackedWidget()
        for w in (reading, review, done):
            self.pages.addWidget(w)
        self.write_progress = QProgressBar()
        self.write_progress.setRange(0, 1000)
        self.write_progress.setAccessibleName(tr("Writing into the expo file"))
        self.write_progress.hide()
        self.buttons = QDialogButtonBox()
        # ActionRole: a button box makes its first AcceptRole button the default when
        # shown, and Enter in any field would then write
        self.accept_button = self.buttons.addButton(tr("Write into the expo"),
                                                    QDialogButtonBox.ButtonRole.ActionRole)
        self.accept_button.setObjectName("planAccept")
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = self.buttons.addButton(tr("Show the floor plan"),
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.clicked.connect(self.write)
        self.cancel_button.clicked.connect(self.reject)
        self.close_button.clicked.connect(self.accept)
        self.target_label = plain_label(tr("Into: {path}").format(path=str(self.target)))
        self.target_label.setObjectName("planImportTarget")
        theme.caption(self.target_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.target_label, 1)
        bottom.addWidget(self.write_progress)
        bottom.addWidget(self.buttons)
        lay = QVBoxLayout(self)
        lay.addWidget(self.pages, 1)
        lay.addLayout(bottom)
        # Enter belongs to the field it is pressed in (a code, a length), never to a button
        # of the dialog: no default button while reviewing (the write is a click away).
        for b in self.findChildren(QPushButton):
            b.setAutoDefault(False)
            b.setDefault(False)
        self._update_buttons()
        # most of the window, within the screen (the page wants room)
        g = parent.geometry() if parent is not None else None
        w, h = (int(g.width() * 0.94), int(g.height() * 0.92)) if g else (1200, 800)
        screen = (parent.screen() if parent is not None else None) or self.screen()
        if screen is not None:
            avail = screen.availableGeometry()
            w, h = min(w, int(avail.width() * 0.96)), min(h, int(avail.height() * 0.92))
        self.resize(max(760, w), max(520, h))

    # ------------------------------------------------------------ side panel
    def _side_panel(self) -> QWidget:
        side = QWidget()
        lay = QVBoxLayout(side)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setObjectName("planHint")
        lay.addWidget(self.hint)
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.counts.setObjectName("planCounts")
        lay.addWidget(self.counts)

        todo = QGroupBox(tr("To review"))
        lt = QVBoxLayout(todo)
        self.todo = QListWidget()
        self.todo.setAccessibleName(tr("What needs review"))
        self.todo.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.todo.currentItemChanged.connect(self._todo_chosen)
        # Enter on an entry: type its code at once
        self.todo.itemActivated.connect(lambda _item: (self.code.setFocus(),
                                                       self.code.selectAll()))
        lt.addWidget(self.todo)
        self.blockers = QLabel()
        self.blockers.setWordWrap(True)
        self.blockers.setObjectName("planBlockers")
        lt.addWidget(self.blockers)
        lay.addWidget(todo, 2)

        sel = QGroupBox(tr("Selected"))
        ls = QVBoxLayout(sel)
        self.selected_label = plain_label("")
        self.selected_label.setWordWrap(True)
        self.selected_label.setObjectName("planSelected")
        ls.addWidget(self.selected_label)
        row = QHBoxLayout()
        code_label = QLabel(tr("&Code:"))
        self.code = QLineEdit()
        self.code.setObjectName("planCode")
        self.code.setAccessibleName(tr("Booth code"))
        self.code.setPlaceholderText(tr("type a booth code, Enter"))
        code_label.setBuddy(self.code)
        self.completion = QStringListModel(self)
        completer = QCompleter(self.completion, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(12)
        self.code.setCompleter(completer)
        self.code.returnPressed.connect(self.apply_code)
        self.set_code_button = QPushButton(tr("Set code"))
        self.set_code_button.clicked.connect(self.apply_code)
        row.addWidget(code_label)
        row.addWidget(self.code, 1)
        row.addWidget(self.set_code_button)
        ls.addLayout(row)
        self.confirm_button = QPushButton(tr("C&onfirm as is"))
        self.confirm_button.setToolTip(tr("Accept a booth marked for review as it is"))
        self.confirm_button.clicked.connect(self.confirm)
        self.merge_button = QPushButton(tr("&Merge"))
        self.merge_button.setToolTip(tr("Join the selected booths and outlines into one; the "
                                        "top-left booth keeps its code"))
        self.merge_button.clicked.connect(self.merge)
        self.remove_button = QPushButton(tr("&Remove"))
        self.remove_button.setToolTip(tr("Remove the selected marks (Delete)"))
        self.remove_button.clicked.connect(self.remove)
        self.pair_button = QPushButton(tr("&Pair code with outline"))
        self.pair_button.setToolTip(tr("Select a code without an outline and an empty "
                                       "outline, then pair them"))
        self.pair_button.clicked.connect(self.pair)
        self.split_x = QPushButton(tr("Split left | right"))
        self.split_x.clicked.connect(lambda: self.split("x"))
        self.split_y = QPushButton(tr("Split top / bottom"))
        self.split_y.clicked.connect(lambda: self.split("y"))
        self.parts = QSpinBox()
        self.parts.setRange(2, 50)
        self.parts.setValue(2)
        self.parts.setAccessibleName(tr("Pieces"))
        self.parts.setToolTip(tr("Into how many pieces"))
        grid = QGridLayout()
        for k, b in enumerate((self.confirm_button, self.merge_button, self.remove_button,
                               self.pair_button, self.split_x, self.split_y)):
            b.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            grid.addWidget(b, k // 2, k % 2)
        pieces = QLabel(tr("P&ieces:"))
        pieces.setBuddy(self.parts)
        grid.addWidget(pieces, 3, 0, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.parts, 3, 1)
        ls.addLayout(grid)
        a_del = QAction(self)
        a_del.setShortcuts([QKeySequence(QKeySequence.StandardKey.Delete),
                            QKeySequence(Qt.Key.Key_Backspace)])
        a_del.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        a_del.triggered.connect(self.remove)
        self.view.addAction(a_del)
        lay.addWidget(sel)

        scale = QGroupBox(tr("Scale"))
        lsc = QVBoxLayout(scale)
        self.scale_label = plain_label("")
        self.scale_label.setWordWrap(True)
        self.scale_label.setObjectName("planScale")
        lsc.addWidget(self.scale_label)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        size_row = QHBoxLayout()
        self.booth_w = self._metres(3.0)
        self.booth_w.setAccessibleName(tr("Commonest booth width, metres"))
        self.booth_h = self._metres(3.0)
        self.booth_h.setAccessibleName(tr("Commonest booth depth, metres"))
        self.size_button = QPushButton(tr("Use"))
        self.size_button.setToolTip(tr("The plan's commonest booth has this size"))
        self.size_button.clicked.connect(self.use_booth_size)
        size_row.addWidget(self.booth_w)
        size_row.addWidget(QLabel("×"))
        size_row.addWidget(self.booth_h)
        size_row.addWidget(self.size_button)
        form.addRow(tr("Commonest booth:"), size_row)
        line_row = QHBoxLayout()
        self.line_length = self._metres(10.0)
        self.line_length.lineEdit().returnPressed.connect(self.use_line)
        self.line_length.setAccessibleName(tr("Length of the measured line, metres"))
        self.line_button = QPushButton(tr("Use"))
        self.line_button.setObjectName("planUseLine")
        self.line_button.setToolTip(tr("Draw the line with Measure line first"))
        self.line_button.clicked.connect(self.use_line)
        line_row.addWidget(self.line_length)
        line_row.addWidget(self.line_button)
        form.addRow(tr("Measured line:"), line_row)
        lsc.addLayout(form)
        lay.addWidget(scale)

        doors = QGroupBox(tr("Doors"))
        ldo = QVBoxLayout(doors)
        self.doors_label = QLabel()
        self.doors_label.setWordWrap(True)
        ldo.addWidget(self.doors_label)
        lay.addWidget(doors)

        self.status = plain_label("", MESSAGE)
        self.status.setWordWrap(True)
        self.status.setObjectName("planStatus")
        lay.addWidget(self.status)
        lay.addStretch(1)
        self._line: tuple[QPointF, QPointF] | None = None
        return side

    @staticmethod
    def _metres(value: float) -> QDoubleSpinBox:
        s = QDoubleSpinBox()
        s.setRange(0.1, 2000.0)
        s.setDecimals(2)
        s.setSingleStep(0.5)
        s.setValue(value)
        s.setSuffix(" m")
        return s

    # --------------------------------------------------------------- step 1
    def start(self, vocabulary_from: Path | None = None) -> None:
        """Read the plan in the background (the expo's booth codes are the vocabulary)."""
        src = vocabulary_from if vocabulary_from is not None else \
            (self.target if self.target.exists() else self.base)
        self.state = "reading"
        self.pages.setCurrentIndex(0)
        self.progress_message.setText(tr("Reading…"))
        self._update_buttons()
        plan = self.plan
        self.job = jobs.run(lambda progress: read_plan(plan, src, progress), owner=self,
                            progress=self._on_progress, finished=self._on_read,
                            failed=self._on_read_failed)

    def _on_progress(self, frac: float, message: str) -> None:
        bar = self.write_progress if self.state == "writing" else self.progress
        bar.setValue(int(max(0.0, min(1.0, frac)) * 1000))
        if self.state == "reading":
            self.progress_message.setText(plain(message))

    def _on_read(self, result) -> None:
        if self.state != "reading":          # cancelled meanwhile
            return
        self.res, self.pictures = result
        self.state = "review"
        self.pages.setCurrentIndex(1)
        self.page_box.blockSignals(True)
        self.page_box.clear()
        for p in self.res.pages:
            self.page_box.addItem(tr("Page {n}").format(n=p.number), p.number)
        self.page_box.blockSignals(False)
        self.page_box.setVisible(len(self.res.pages) > 1)
        self.page_label.setVisible(len(self.res.pages) > 1)
        first = next((b.page for b in self.res.booths), self.res.pages[0].number)
        self.show_page(first)
        if self.res.kind != "vector":
            self.view.set_tool("measure" if not self._page().scale_m_per_pt else "draw")
        self.view.setFocus()

    def _on_read_failed(self, exc) -> None:
        if self.state != "reading":
            return
        self.state = "failed"
        self.pages.setCurrentIndex(2)
        self.result_head.setText(tr("The plan could not be read."))
        self.result_text.setText(tr("The plan could not be read: {reason}. Nothing was "
                                    "written.").format(reason=str(exc)))
        self._update_buttons()

    # --------------------------------------------------------------- step 2
    def _page(self):
        return self.res.page(self.page_no)

    def _page_chosen(self, index: int) -> None:
        n = self.page_box.itemData(index)
        if n is not None and self.res is not None and n != self.page_no:
            self.show_page(n)

    def show_page(self, number: int) -> None:
        self.page_no = number
        p = self.res.page(number)
        k = self.page_box.findData(number)
        if k >= 0 and k != self.page_box.currentIndex():
            self.page_box.blockSignals(True)
            self.page_box.setCurrentIndex(k)
            self.page_box.blockSignals(False)
        self.view.set_page(self.pictures[number], p.width, p.height)
        self.refresh()
        self.view.fit()

    def refresh(self, select: list[int] | None = None) -> None:
        """Draw the marks of the page again and bring every count up to date."""
        res, n = self.res, self.page_no
        keep = select if select is not None else [m.ref for m in self.view.selected_marks()
                                                  if m.kind != "door"]
        marks = []
        for b in res.booths:
            if b.page == n:
                kind = "review" if b.how == "review" else "hand" if b.how in HOW_HAND \
                    else "unlisted" if res.vocabulary and not b.in_list else "found"
                tip = tr("Booth {code}").format(code=plain(b.code, SHORT))
                if b.note:
                    tip += "\n" + plain(b.note, SHORT)
                marks.append(MarkItem(kind, b.id, QRectF(QPointF(*b.box[:2]),
                                                         QPointF(*b.box[2:])), b.code,
                                      tooltip(tip)))
        for c in res.unmatched_codes:
            if c.page == n:
                marks.append(MarkItem("loose", c.id, QRectF(QPointF(*c.at[:2]),
                                                             QPointF(*c.at[2:])), c.code,
                                      tooltip(tr("Code {code} without an outline").format(
                                          code=plain(c.code, SHORT)))))
        for bx in res.unmatched_boxes:
            if bx.page == n:
                marks.append(MarkItem("empty", bx.id, QRectF(QPointF(*bx.box[:2]),
                                                             QPointF(*bx.box[2:])), "",
                                      tr("Empty outline")))
        typing = self.code.hasFocus()
        self._refreshing = True         # one update of the panel at the end, not three
        try:
            self.view.set_marks(marks, self._door_marks())
            self.view.select_refs(keep)
        finally:
            self._refreshing = False
        self._fill_todo()
        self._update_counts()
        if typing and self.code.isEnabled():
            self.code.setFocus()

    def _door_marks(self) -> list[MarkItem]:
        p = self._page()
        out = []
        for k, d in enumerate(self.res.doors):
            if d.page == p.number and d.pt is not None:
                x, y = d.pt
            elif d.hall == p.hall and p.scale_m_per_pt:
                x, y = p.to_page(d.x, d.y)
            else:
                continue
            s = 2.0 / p.scale_m_per_pt if p.scale_m_per_pt else 6.0
            out.append(MarkItem("door", k, QRectF(x - s / 2, y - s / 2, s, s), tr("door"),
                                tr("Door (select it and press Delete to remove it)")))
        return out

    def _fill_todo(self) -> None:
        res = self.res
        self.todo.blockSignals(True)
        self.todo.clear()
        entries = []
        seen, dup = set(), set()
        for b in res.booths:
            (dup if b.code in seen else seen).add(b.code)
        for b in res.booths:
            if b.how == "review":
                entries.append((b.id, b.page, tr("{code}: doubtful match").format(
                    code=plain(b.code, SHORT)), b.note))
            elif b.code in dup:
                entries.append((b.id, b.page, tr("{code}: code used twice").format(
                    code=plain(b.code, SHORT)), ""))
        for c in res.unmatched_codes:
            entries.append((c.id, c.page, tr("{code}: code without an outline").format(
                code=plain(c.code, SHORT)), ""))
        if res.vocabulary:          # not blocking, but often a misread or a typo on the plan
            for b in res.booths:
                if not b.in_list and b.how != "review" and b.code not in dup:
                    entries.append((b.id, b.page, tr("{code}: in none of the expo's lists")
                                    .format(code=plain(b.code, SHORT)),
                                    tr("A typo on the plan, or a booth the lists lack")))
        for bx in res.unmatched_boxes[:max(0, LIST_LIMIT - len(entries))]:
            entries.append((bx.id, bx.page, tr("Empty outline on page {n}").format(n=bx.page),
                            tr("Not a booth unless you give it a code")))
        for ref, page, text, tip in entries[:LIST_LIMIT]:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, (ref, page))
            if tip:
                item.setToolTip(tooltip(plain(tip, SHORT)))
            self.todo.addItem(item)
        self.todo.blockSignals(False)

    def blocking(self) -> list[str]:
        """What stops the write, in the interface's language (empty: ready)."""
        res = self.res
        out = []
        review = [b for b in res.booths if b.how == "review"]
        if review:
            out.append(tr("Booths to review: {n}").format(n=len(review)))
        if res.unmatched_codes:
            out.append(tr("Codes without an outline: {n}").format(n=len(res.unmatched_codes)))
        seen, dup = set(), set()
        for b in res.booths:
            (dup if b.code in seen else seen).add(b.code)
        if dup:
            out.append(tr("Codes used twice: {codes}").format(
                codes=", ".join(plain(c, SHORT) for c in sorted(dup)[:5])))
        used = {b.page for b in res.booths}
        for p in res.pages:
            if p.number in used and not p.scale_m_per_pt:
                out.append(tr("Page {n} has no scale yet: measure a line of known length "
                              "or give the commonest booth's size").format(n=p.number))
        if not res.booths:
            out.append(tr("No booth yet: draw the booths and give them their codes"))
        if not out and res.needs_review():       # anything the reader adds later
            out = [plain(line, SHORT) for line in res.needs_review()]
        return out

    def _update_counts(self) -> None:
        res = self.res
        p = self._page()
        how = {}
        for b in res.booths:
            how[b.how] = how.get(b.how, 0) + 1
        lines = [tr("Booths: {n} ({inside} with the code inside, {beside} beside, {hand} set "
                    "by you, {review} to review)").format(
                        n=len(res.booths), inside=how.get("inside", 0),
                        beside=how.get("beside", 0),
                        hand=how.get("confirmed", 0) + how.get("drawn", 0),
                        review=how.get("review", 0)),
                 tr("Codes without an outline: {n}").format(n=len(res.unmatched_codes)),
                 tr("Empty outlines: {n} (they are not written)").format(
                     n=len(res.unmatched_boxes))]
        if res.vocabulary:
            missing = res.listed_codes_not_found()
            strange = res.codes_not_in_list()
            lines.append(tr("Listed booths not on the plan: {n}").format(n=len(missing))
                         + (f" ({', '.join(plain(c, SHORT) for c in missing[:6])}"
                            f"{', …' if len(missing) > 6 else ''})" if missing else ""))
            lines.append(tr("Codes on the plan in no list: {n}").format(n=len(strange))
                         + (f" ({', '.join(plain(c, SHORT) for c in strange[:6])}"
                            f"{', …' if len(strange) > 6 else ''})" if strange else ""))
        self.counts.setText("\n".join(lines))
        if p.kind == "vector":
            hint = tr("Check the marks on the page. Fix a wrong code: select its booth (or "
                      "an entry of the list) and type the code. Draw a booth the reader "
                      "missed with Draw booth.")
        else:
            hint = tr("This plan is a picture: nothing can be read from it. 1. Measure line: "
                      "drag between two points whose distance you know and give the length. "
                      "2. Draw booth: drag a rectangle for each booth and type its code (the "
                      "expo's codes are offered as you type).")
        self.hint.setText(hint)
        self.scale_label.setText(scale_text(p))
        self.size_button.setEnabled(any(b.page == p.number for b in res.booths))
        self.line_button.setEnabled(self._line is not None)
        self.doors_label.setText(tr("Doors: {n}. Mark them with Mark door (the route planner "
                                    "walks in through them); without any, each hall gets "
                                    "one per wall.").format(n=len(res.doors)))
        block = self.blocking()
        self.blockers.setText("\n".join(block) if block else tr("Ready to write."))
        theme.error_text(self.blockers, bool(block))
        # the codes offered as you type: listed codes not placed yet, then loose codes
        used = {b.code for b in res.booths}
        offer = [c for c in res.vocabulary if c not in used]
        offer += sorted({c.code for c in res.unmatched_codes} - set(offer))
        self.completion.setStringList(offer)
        self._update_buttons()
        self._selection_changed()

    # -------------------------------------------------------------- choosing
    def _todo_chosen(self, item, _previous=None) -> None:
        if item is None:
            return
        ref, page = item.data(Qt.ItemDataRole.UserRole)
        if page != self.page_no:
            self.show_page(page)
        self.view.select_refs([ref], centre=True)

    def _selection_changed(self) -> None:
        if self.res is None or self._refreshing:
            return
        marks = self.view.selected_marks()
        kinds = [m.kind for m in marks]
        booths = [m for m in marks if m.kind in ("found", "unlisted", "hand", "review")]
        boxes = [m for m in marks if m.kind in ("found", "unlisted", "hand", "review", "empty")]
        if not marks:
            text = tr("Nothing selected: click a mark, or pick an entry of the list.")
        elif len(marks) == 1:
            m = marks[0]
            text = {"found": tr("Booth {code}"), "hand": tr("Booth {code} (set by you)"),
                    "unlisted": tr("Booth {code}: in none of the expo's lists"),
                    "review": tr("Booth {code}: to review"),
                    "empty": tr("An empty outline: type a code to make it a booth"),
                    "loose": tr("Code {code} without an outline: draw its booth or pair it "
                                "with an empty outline"),
                    "door": tr("A door")}[m.kind].format(code=plain(m.code, SHORT))
        else:
            text = tr("Marks selected: {n}").format(n=len(marks))
        self.selected_label.setText(text)
        single = len(marks) == 1 and kinds[0] in ("found", "unlisted", "hand", "review", "empty")
        if single and kinds[0] != "empty":
            if not self.code.hasFocus():
                self.code.setText(marks[0].code)
        elif not self.code.hasFocus():
            self.code.clear()
        self.code.setEnabled(single)
        self.set_code_button.setEnabled(single)
        self.confirm_button.setEnabled(any(m.kind == "review" for m in booths))
        self.merge_button.setEnabled(len(boxes) >= 2 and len(boxes) == len(marks))
        self.split_x.setEnabled(len(marks) == 1 and single)
        self.split_y.setEnabled(len(marks) == 1 and single)
        self.remove_button.setEnabled(bool(marks))
        self.pair_button.setEnabled(sorted(kinds) == ["empty", "loose"])

    # ----------------------------------------------------------------- edits
    def _edit(self, fn, *args):
        """Run one edit of the PlanImport; its one-line refusal goes to the status line."""
        try:
            out = fn(*args)
        except DataError as exc:
            self.status.setText(str(exc))
            theme.error_text(self.status, True)
            return None
        self.status.setText("")
        theme.error_text(self.status, False)
        self.edited = True
        return out if out is not None else True

    def _refs(self, kinds=None) -> list[int]:
        return [m.ref for m in self.view.selected_marks()
                if m.kind != "door" and (kinds is None or m.kind in kinds)]

    def apply_code(self) -> None:
        marks = [m for m in self.view.selected_marks() if m.kind != "door"]
        if len(marks) != 1 or marks[0].kind == "loose":
            return
        m = marks[0]
        text = self.code.text()
        if m.kind == "empty":
            got = self._edit(self.res.name_box, m.ref, text)
        else:
            got = self._edit(self.res.set_code, m.ref, text)
        if got:
            self.refresh([got.id])
            if m.kind == "empty":
                self._on_to_next_outline(got)

    def _on_to_next_outline(self, done) -> None:
        """After an empty outline got its code: the next empty outline of its row (else
        the next in reading order) is selected, with the list's next free code offered,
        so a row of outlines (drawn, or one rectangle split into pieces) is named by
        typing and Enter alone."""
        res = self.res
        x0, y0, x1, y1 = done.box
        cx, cy, h = (x0 + x1) / 2, (y0 + y1) / 2, y1 - y0
        boxes = [b for b in res.unmatched_boxes if b.page == done.page]
        if not boxes:
            return

        def centre(b):
            return (b.box[0] + b.box[2]) / 2, (b.box[1] + b.box[3]) / 2
        row = [b for b in boxes if abs(centre(b)[1] - cy) < h / 2 and centre(b)[0] > cx]
        nxt = min(row, key=lambda b: centre(b)[0]) if row else \
            min(boxes, key=lambda b: (round(centre(b)[1] / max(h, 1e-6)), centre(b)[0]))
        self.view.select_refs([nxt.id], centre=not self.view.mapToScene(
            self.view.viewport().rect()).boundingRect().contains(
                QRectF(QPointF(*nxt.box[:2]), QPointF(*nxt.box[2:]))))
        used = {b.code for b in res.booths}
        voc = res.vocabulary
        k = voc.index(done.code) if done.code in voc else -1
        offer = next((c for c in voc[k + 1:] if c not in used), "") if k >= 0 else ""
        self.code.setText(offer)
        self.code.setFocus()
        self.code.selectAll()

    def confirm(self) -> None:
        done = [r for r in self._refs(("review",)) if self._edit(self.res.confirm, r)]
        if done:
            self.refresh(done)

    def merge(self) -> None:
        """The selected booths and outlines become one; of the booths among them the one
        nearest the top-left corner keeps its code (the others' codes go loose)."""
        marks = [m for m in self.view.selected_marks()
                 if m.kind in ("found", "unlisted", "hand", "review", "empty")]
        marks.sort(key=lambda m: (m.kind == "empty", m.rect.top(), m.rect.left()))
        got = self._edit(self.res.merge, [m.ref for m in marks])
        if got:
            self.refresh([got.id])

    def split(self, axis: str) -> None:
        refs = self._refs(("found", "unlisted", "hand", "review", "empty"))
        if len(refs) != 1:
            return
        got = self._edit(self.res.split, refs[0], axis, self.parts.value())
        if got:
            # the first empty piece is selected, waiting for its code (Enter moves on to
            # the next one: ``_on_to_next_outline``)
            empty = [p for p in got if p.__class__.__name__ == "FoundBox"]
            first = min(empty, key=lambda p: (p.box[1], p.box[0])) if empty else got[0]
            self.refresh([first.id])
            if empty:
                self.code.clear()
                self.side_scroll.ensureWidgetVisible(self.code)
                self.code.setFocus()

    def pair(self) -> None:
        codes, boxes = self._refs(("loose",)), self._refs(("empty",))
        if len(codes) == 1 and len(boxes) == 1:
            got = self._edit(self.res.assign, codes[0], boxes[0])
            if got:
                self.refresh([got.id])

    def remove(self) -> None:
        doors = sorted((m.ref for m in self.view.selected_marks() if m.kind == "door"),
                       reverse=True)
        for k in doors:
            self._edit(self.res.remove_door, k)
        for r in self._refs():
            self._edit(self.res.remove, r)
        self.refresh([])

    def _drawn(self, rect: QRectF) -> None:
        """A rectangle dragged with Draw booth: a booth with the selected loose code, else
        an empty outline, selected, waiting for its code."""
        box = (rect.left(), rect.top(), rect.right(), rect.bottom())
        loose = [m for m in self.view.selected_marks() if m.kind == "loose"]
        if len(loose) == 1:
            got = self._edit(self.res.draw, self.page_no, box, self.res.item(loose[0].ref).code)
        else:
            got = self._edit(self.res.draw, self.page_no, box)
        if got:
            self.refresh([got.id])
            if got.__class__.__name__ == "FoundBox":
                self.code.clear()
                self.side_scroll.ensureWidgetVisible(self.code)
                self.code.setFocus()
                self.status.setText(tr("Type the new booth's code and press Enter."))

    def _door_at(self, p: QPointF) -> None:
        page = self._page()
        if not page.scale_m_per_pt:
            self.status.setText(tr("Set the scale first: doors are placed in metres."))
            return
        x, y = page.to_m(p.x(), p.y())
        if self._edit(self.res.add_door, x, y):
            self.refresh()

    def _measured(self, p0: QPointF, p1: QPointF) -> None:
        self._line = (p0, p1)
        self.line_button.setEnabled(True)
        d = math.hypot(p1.x() - p0.x(), p1.y() - p0.y())
        self.status.setText(tr("A line of {d} page units: give its length in metres and "
                               "press Use.").format(d=f"{d:.1f}"))
        self.side_scroll.ensureWidgetVisible(self.line_length)
        self.line_length.setFocus()
        self.line_length.selectAll()

    def use_line(self) -> None:
        if self._line is None:
            return
        (p0, p1), metres = self._line, self.line_length.value()
        u0, v0, u1, v1 = p0.x(), p0.y(), p1.x(), p1.y()
        if self._page().kind == "vector":
            ok = self._edit(self.res.scale_from_line, self.page_no, (u0, v0), (u1, v1), metres)
        else:
            # a picture: calibrated by the two points (the page's corner stays the origin)
            d = math.hypot(u1 - u0, v1 - v0)
            s = metres / d if d > 0 else 0.0
            ok = self._edit(self.res.calibrate, self.page_no, (u0, v0), (u0 * s, v0 * s),
                            (u1, v1), (u1 * s, v1 * s))
        if ok:
            self._line = None
            self.view.clear_line()
            self.refresh()
            if self._page().kind != "vector":
                self.view.set_tool("draw")

    def use_booth_size(self) -> None:
        if self._edit(self.res.scale_from_booth_size, self.booth_w.value(),
                      self.booth_h.value(), self.page_no):
            self.refresh()

    # --------------------------------------------------------------- step 3
    def write(self) -> None:
        if self.state != "review" or self.blocking():
            return
        self.state = "writing"
        self.write_progress.setValue(0)
        self.write_progress.show()
        self.pages.widget(1).setEnabled(False)
        self._update_buttons()
        res, target, base = self.res, self.target, self.base
        self.job = jobs.run(lambda progress: res.accept(target, underlay=True,
                                                        progress=progress, base=base),
                            owner=self, progress=self._on_progress, finished=self._on_written,
                            failed=self._on_write_failed)

    def _on_written(self, summary: dict) -> None:
        self.summary = summary
        self.state = "done"
        self.write_progress.hide()
        self.pages.widget(1).setEnabled(True)
        lines = [tr("Written into {file}: booths {n}, halls {halls}.").format(
            n=summary["booths"], halls=summary["halls"], file=str(self.target)),
            tr("Booths of the expo's lists placed: {updated}. New booths (no exhibitor yet): "
               "{added}.").format(updated=summary["updated"], added=summary["added"])]
        if summary.get("unplaced"):
            lines.append(tr("Booths of the old layout not on the plan: {n}. They wait in "
                            "{menu}, where you can draw them on the plan.").format(
                n=summary["unplaced"], menu=menu_path(tr("&View"), tr("&Unplaced booths"))))
        lines.append(tr("Every booth from the plan cites it as its source; the plan's picture "
                        "lies under the floor plan ({menu}).").format(
            menu=menu_path(tr("&View"), tr("Pla&n underlay"))))
        self.result_head.setText(tr("The plan is in the expo file."))
        self.result_text.setText("\n\n".join(lines))
        self.pages.setCurrentIndex(2)
        self._update_buttons()
        self.close_button.setDefault(True)      # Enter shows the floor plan
        self.close_button.setFocus()
        self.written.emit(summary)

    def _on_write_failed(self, exc) -> None:
        self.state = "review"
        self.write_progress.hide()
        self.pages.widget(1).setEnabled(True)
        self.status.setText(tr("Nothing was written: {reason}").format(reason=str(exc)))
        theme.error_text(self.status, True)
        self._update_buttons()

    # ---------------------------------------------------------------- closing
    def _update_buttons(self) -> None:
        st = self.state
        self.accept_button.setVisible(st in ("review", "writing"))
        ready = st == "review" and self.res is not None and not self.blocking()
        self.accept_button.setEnabled(ready)
        self.accept_button.setToolTip("" if ready else tr("Settle what the list shows first"))
        self.cancel_button.setVisible(st in ("reading", "review", "writing", "failed"))
        self.cancel_button.setEnabled(st != "writing")
        self.cancel_button.setText(tr("Close") if st == "failed" else tr("Cancel"))
        self.close_button.setVisible(st == "done")

    def reject(self) -> None:
        if self.state == "writing":
            return                          # the write finishes (all or nothing) first
        if self.state == "review" and self.edited and not _quiet():
            answer = QMessageBox.question(
                self, tr("Import floor plan"),
                tr("Discard your review? Nothing is written into the expo file."),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return
        if self.state in ("reading", "review"):
            self.state = "cancelled"
        super().reject()

    def keyPressEvent(self, event) -> None:
        """Enter belongs to the field it is typed in; it writes nothing (the write is the
        button's); once written, it shows the floor plan."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state != "done":
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event) -> None:
        if self.state == "writing":
            event.ignore()
            return
        super().closeEvent(event)


def _quiet() -> bool:
    import os
    return bool(os.environ.get("WESEMIBAY_NO_DIALOGS"))
