"""The first-run welcome: what the expo is, why its plan looks as it does, three things to try.

A non-modal dialog over the main window: it never blocks (the window behind it takes
clicks and keys), Escape or Close dismiss it, and "Don't show this at start" is kept in
the settings (``welcome/hide``). Help ▸ Welcome shows it again. The start shows it
(``maybe_show_welcome``) unless the user said so, and never in a ``--screenshot`` run
(which has no settings).

Everything it says about the expo comes from the open file (``db.summary``): its name,
venue and date, how many booths carry a named exhibitor, how many sources it cites.
"""
from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (QCheckBox, QDialogButtonBox, QFrame, QGridLayout, QLabel,
                               QMainWindow, QPushButton, QScrollArea, QVBoxLayout, QWidget)

from db.dates import format_date
from db.summary import expo_summary

from ..i18n import tr
from ..richtext import PARAGRAPH, TITLE, button_text, esc, plain
from ..settings import WELCOME_HIDE
from . import HelpDialog, fit_size, heading, menu_path, sentences, show_dialog, ui_locale

HIDE_KEY = WELCOME_HIDE          # the settings key of "Don't show this again"
SEARCH_EXAMPLE = "ALD"          # the built-in expo's example search (story 2 of the design)


def welcome_wanted(settings: QSettings | None) -> bool:
    """Whether a start shows the welcome: never without settings (a screenshot run)."""
    if settings is None:
        return False
    return str(settings.value(HIDE_KEY, "false")).lower() not in ("true", "1")


def maybe_show_welcome(window: QMainWindow, note: str | None = None) -> "WelcomeDialog | None":
    """At start: show the welcome unless the user asked not to see it again; ``note`` (what
    the start has to say, such as why nothing was restored) stands at its top."""
    if not welcome_wanted(window.settings):
        return None
    dlg = show_welcome(window)
    dlg.set_note(note)
    return dlg


def show_welcome(window: QMainWindow) -> "WelcomeDialog":
    return show_dialog(window, WelcomeDialog)


def first_word(name: str) -> str:
    """A word of a name to search for: "Changzhou" of "Changzhou Bochang Electronics"; the
    first four characters of a name written without spaces ("新凯来科技" -> "新凯来科")."""
    name = name.strip()
    if " " not in name:
        return name if name.isascii() else name[:4]
    words = [w.strip(",.;:()") for w in name.split()]
    return next((w for w in words if len(w) >= 3), words[0])


def _own(text: str) -> str:
    """Our own (translated) sentence as a part of rich text: escaped."""
    return esc(text, PARAGRAPH)


def _para(text: str) -> QLabel:
    """A word-wrapped paragraph of rich text that our code built from escaped parts."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class WelcomeDialog(HelpDialog):
    def __init__(self, window: QMainWindow):
        super().__init__(window, "welcomeDialog", tr("Welcome to WeSemiBay Explorer"))
        expo = window.expo
        meta = expo.meta()
        summary = expo_summary(expo)
        name = meta.get("name") or expo.path.stem
        lang = ui_locale()

        outer = QVBoxLayout(self)
        outer.setSpacing(8)
        self.title = heading(tr("Welcome to WeSemiBay Explorer"), 1.4)
        outer.addWidget(self.title)
        # The text scrolls if it is taller than the screen allows (a long German text on a
        # 720-pixel screen); the title and the buttons always show.
        self.body = QWidget()
        lay = QVBoxLayout(self.body)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(8)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.body)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.scroll, 1)
        self.note = _para("")
        self.note.setObjectName("welcomeNote")
        self.note.setFrameShape(QFrame.Shape.StyledPanel)
        self.note.setMargin(6)
        self.note.hide()
        lay.addWidget(self.note)
        self.paragraphs: list[QLabel] = []

        def para(text: str) -> None:
            label = _para(text)
            self.paragraphs.append(label)
            lay.addWidget(label)

        para(_own(tr("WeSemiBay Explorer shows a trade show on your computer, offline: its "
                     "floor plan, who exhibits what, and the policy context around it. Every "
                     "fact shown carries its source.")))
        sources = menu_path(tr("&View"), tr("S&ources"))
        if summary.builtin:
            date = format_date(meta.get("start_date"),
                               (meta.get("extra") or {}).get("start_date_precision"), lang)
            text = (tr("The built-in expo is {name}, {venue}, opened on {date}.")
                    if meta.get("venue") and date else tr("The built-in expo is {name}."))
            text = _own(text).format(name=f"<b>{esc(name, TITLE)}</b>",
                                     venue=esc(meta.get("venue"), TITLE), date=esc(date))
            text = sentences(text, _own(tr(
                "It is built from news reports and a sourced fact sheet; {menu} lists all {n} "
                "sources.").format(menu=sources, n=summary.sources)))
        elif summary.sources:
            text = _own(tr("Open now: {name}. {menu} lists its {n} sources.")).format(
                name=f"<b>{esc(name, TITLE)}</b>", menu=_own(sources), n=summary.sources)
        else:
            text = _own(tr("Open now: {name}.")).format(name=f"<b>{esc(name, TITLE)}</b>")
        para(text)
        if meta.get("synthetic"):
            para(_own(tr("Synthetic data, made for tests and benchmarks.")))
        if meta.get("schematic") and not meta.get("synthetic"):
            para(_own(tr("No official floor plan of this expo is known, so the layout is "
                         "schematic: the halls follow the reported zones, but the booths are "
                         "not where they stood at the show.")))
        if summary.builtin and summary.named_booths < summary.booths:
            reported = (meta.get("extra") or {}).get("exhibitors_more_than")
            first = tr("Only {named} of the {booths} booths carry a name.").format(
                named=summary.named_booths, booths=summary.booths)
            why = (tr("Reports speak of more than {n} exhibitors, but an exhibitor is named "
                      "here only where a source names it.").format(n=reported)
                   if isinstance(reported, int) else
                   tr("An exhibitor is named here only where a source names it."))
            rest = tr("The other booths are drawn pale, never given invented names.")
            para(_own(sentences(first, why, rest)))

        lay.addWidget(heading(tr("Three things to try")))
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(10)
        self.tries: list[QPushButton] = []
        example = SEARCH_EXAMPLE if summary.builtin else first_word(
            plain((summary.example or ("", ""))[1], 40))
        if example:
            search_text = tr("Search: type a name or a word such as {example}. Hits appear as "
                             "you type, their booths light up, and Enter goes to the best one."
                             ).format(example=example)
        else:
            search_text = tr("Search: type a name or a word. Hits appear as you type, their "
                             "booths light up, and Enter goes to the best one.")
        self._add_try(grid, search_text,
                      tr("Search for {example}").format(example=button_text(example, 24))
                      if example else tr("Search"), lambda: self._try_search(example))
        if summary.example:
            slug, ex_name = summary.example
            self._add_try(grid, tr(
                "Click a coloured booth, or pick an exhibitor in the list: its details, "
                "products and sources appear on the right. Press S to star it for My plan."),
                tr("Show {name}").format(name=button_text(ex_name, 24)),
                lambda: self._try_select(slug))
        if summary.events:
            self._add_try(grid, tr(
                "Open the policy timeline and pick an event: the exhibitors it concerns light "
                "up on the floor plan."), tr("Open the timeline"), self._try_timeline)
        else:
            self._add_try(grid, tr(
                "Star a few booths, then open My plan: it puts them in a walking order along "
                "the aisles, to print or export."), tr("Open My plan"), self._try_plan)
        lay.addLayout(grid)
        para(_own(tr("{menu} lists every key.").format(
            menu=menu_path(tr("&Help"), tr("&Keyboard shortcuts")))))

        self.hide_box = QCheckBox(tr("Don't show this at start"))
        self.hide_box.setEnabled(window.settings is not None)
        self.hide_box.setChecked(not welcome_wanted(window.settings)
                                 and window.settings is not None)
        self.hide_box.toggled.connect(self._remember)
        again = QLabel(_own(tr("{menu} shows it again.").format(
            menu=menu_path(tr("&Help"), tr("&Welcome")))))
        buttons = self.close_buttons()
        foot = QGridLayout()
        foot.addWidget(self.hide_box, 0, 0)
        foot.addWidget(again, 1, 0)
        foot.addWidget(buttons, 0, 1, 2, 1, Qt.AlignmentFlag.AlignBottom)
        foot.setColumnStretch(0, 1)
        outer.addLayout(foot)
        self.foot = foot
        self.setFixedWidth(fit_size(window, 60, 0).width())
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)
        self._fit()

    def _fit(self) -> None:
        """Word-wrapped text: a window does not size itself by height-for-width, so take the
        height the text needs at this width, up to what the screen (and window) allow."""
        outer = self.layout()
        m = outer.contentsMargins()
        body = self.body.layout()
        body.invalidate()
        need = body.totalHeightForWidth(self.width() - m.left() - m.right())
        rest = (self.title.sizeHint().height() + self.foot.sizeHint().height()
                + 2 * outer.spacing() + m.top() + m.bottom())
        screen = self.window_.screen().availableGeometry().height()
        room = min(screen, self.window_.height() or screen) - 2 * self.title.sizeHint().height()
        self.scroll.setFixedHeight(max(80, min(need, room - rest)))
        outer.invalidate()
        self.setFixedHeight(self.scroll.height() + rest)

    def set_note(self, text: str | None) -> None:
        """A line above the rest (or none), such as "the last start did not finish"."""
        self.note.setText(f"<b>{_own(text)}</b>" if text else "")
        self.note.setVisible(bool(text))
        self._fit()

    def _add_try(self, grid: QGridLayout, text: str, button: str, slot) -> None:
        row = len(self.tries)
        number = QLabel(f"{row + 1}.")
        number.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        label = _para(_own(text))
        b = QPushButton(button)
        b.setAutoDefault(False)
        b.setAccessibleDescription(text)
        b.clicked.connect(lambda: self._run(slot))
        grid.addWidget(number, row, 0)
        grid.addWidget(label, row, 1)
        grid.addWidget(b, row, 2, Qt.AlignmentFlag.AlignTop)
        self.tries.append(b)

    def _remember(self, hide: bool) -> None:
        settings = self.window_.settings
        if settings is None:
            return
        if hide:
            settings.setValue(HIDE_KEY, True)
        else:
            settings.remove(HIDE_KEY)
        settings.sync()

    # ------------------------------------------------------------ the tries
    def _run(self, slot) -> None:
        """Do it in the window, and get out of its way (Help ▸ Welcome brings it back)."""
        self.close()
        self.window_.activateWindow()
        slot()

    def _try_search(self, example: str) -> None:
        w = self.window_
        w.focus_search()
        if example:
            w.search.box.setText(example)

    def _try_select(self, slug: str) -> None:
        w = self.window_
        from ..selection import Reason
        w.selection.select("exhibitor", slug, reason=Reason.COMMAND)
        w.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _try_plan(self) -> None:
        dock = self.window_.plan_dock
        dock.show()
        dock.raise_()
        dock.widget().setFocus(Qt.FocusReason.OtherFocusReason)

    def _try_timeline(self) -> None:
        w = self.window_
        if not w.policy_dock.isVisible():
            w.policy_dock.show()
            w.resizeDocks([w.policy_dock], [int(w.height() * 0.42)], Qt.Orientation.Vertical)
        w.policy_dock.raise_()
        w.policy_dock.widget().setFocus(Qt.FocusReason.OtherFocusReason)
