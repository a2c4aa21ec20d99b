"""Plain text on every surface, and the one place where rich text is built.

Text that comes from data (names, summaries, credits, notes, file names) is never given to
Qt in a way that could read it as HTML: a ``QLabel`` shows it with ``Qt.PlainText``, a tooltip
gets escaped rich text (Qt guesses the format of a tooltip from its first line, so a
name starting with ``<img`` would otherwise be loaded as a picture, even from a named pipe),
item models return plain strings for display and escaped rich text for tooltips, message
boxes are plain, and rich text (``QTextBrowser``, the printed route sheet) is built by our
code from ``esc``-aped parts. Every helper also elides (``db.text.display_text``): an
over-long field costs nothing on screen, and bidi overrides cannot make a name display as
another.
"""
from __future__ import annotations

import html
import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QMessageBox, QTextBrowser, QWidget

from db.content import source_citations
from db.dates import format_date
from db.text import MAX_NAME, MAX_TEXT, breakable, display_text

from . import theme
from .i18n import language, tr

LABEL = MAX_NAME       # a name, a title, a list cell (characters)
SHORT = 80             # a legend entry, a button, a picker entry
TITLE = 120            # the window title, a PDF title
TOOLTIP = 1_000        # a tooltip (its lines wrap)
PARAGRAPH = 1_000      # a sentence or two in a word-wrapped label
TEXT = MAX_TEXT        # a summary or a note in a scrollable view
MESSAGE = 4_000        # a dialog's message

TOOLTIP_OPEN = "<p style='white-space:pre-wrap'>"     # long lines wrap
TOOLTIP_OPEN_LINES = "<p style='white-space:pre'>"     # short lines stay as they are
TOOLTIP_CLOSE = "</p>"
TOOLTIP_LINE = 80      # up to this many characters a tooltip line is not wrapped


def plain(value, limit: int | None = LABEL, *, multiline: bool = False) -> str:
    """Text from data as a plain string to show (elided, no bidi overrides or controls)."""
    return display_text(value, limit, multiline=multiline)


def esc(value, limit: int | None = LABEL, *, multiline: bool = False) -> str:
    """Text from data as a part of rich text that our code builds: escaped (and elided).
    With ``multiline`` its line breaks become ``<br>``."""
    text = html.escape(display_text(value, limit, multiline=multiline))
    return text.replace("\n", "<br>") if multiline else text


def attr(value) -> str:
    """An id (slug) inside an attribute of rich text we build, such as ``href='product:…'``:
    escaped, quotes included, but never elided (the link must still lead to the record)."""
    return html.escape(str(value or ""), quote=True)


def esc_text(value, limit: int | None = TEXT, *, multiline: bool = False) -> str:
    """A long text (summary, description, note) as escaped rich text, elided to ``limit``."""
    return esc(value, limit, multiline=multiline)


def tooltip(value, limit: int | None = TOOLTIP) -> str:
    """A tooltip that shows ``value`` literally: escaped rich text (line breaks kept, long
    lines wrapped), or "" for nothing. Use it for every tooltip that holds data."""
    text = display_text(value, limit, multiline=True)
    if not text:
        return ""
    short = max(len(line) for line in text.split("\n")) <= TOOLTIP_LINE
    return (TOOLTIP_OPEN_LINES if short else TOOLTIP_OPEN) + html.escape(text) + TOOLTIP_CLOSE


def set_plain(label: QLabel, value, limit: int | None = LABEL, *,
              multiline: bool = False) -> None:
    """Show ``value`` in ``label`` as plain text (the label's format is set to plain). In a
    word-wrapped label a long run without spaces may break anywhere, so that it never
    widens the label (and the panel holding it) beyond the window."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    text = display_text(value, limit, multiline=multiline)
    label.setText(breakable(text) if label.wordWrap() else text)


def plain_label(value="", limit: int | None = LABEL, *, multiline: bool = False,
                parent: QWidget | None = None) -> QLabel:
    """A label that shows plain text, whatever is later set on it."""
    label = QLabel(parent)
    set_plain(label, value, limit, multiline=multiline)
    return label


def data_combo(box: QComboBox, chars: int = 16) -> QComboBox:
    """A combo box whose entries come from data: its width no longer follows its longest
    entry (a 300-character name would widen the whole panel); the list still shows them."""
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(chars)
    return box


def button_text(value, limit: int | None = SHORT) -> str:
    """Text from data for a button, an action or a menu entry: plain, elided, and with
    ``&`` doubled so that it shows instead of making a keyboard shortcut."""
    return display_text(value, limit).replace("&", "&&")


def message(parent: QWidget | None, title: str, text, *,
            icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> QMessageBox:
    """A message box whose text (often naming a file or a record) is shown as plain text."""
    box = QMessageBox(icon, display_text(title, TITLE), "", QMessageBox.StandardButton.Ok,
                      parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(display_text(text, MESSAGE, multiline=True))
    return box


def warn(parent: QWidget | None, title: str, text) -> None:
    """``QMessageBox.warning``, with the text shown as plain text."""
    message(parent, title, text).exec()


def inform(parent: QWidget | None, title: str, text) -> None:
    """``QMessageBox.information``, with the text shown as plain text."""
    message(parent, title, text, icon=QMessageBox.Icon.Information).exec()


class ThemedBrowser(QTextBrowser):
    """A ``QTextBrowser`` for the rich text our code builds, in the theme's colours.

    The colours (links, Chinese names, muted text, sources: the classes of ``theme.css``)
    go in front of the HTML it is given; when the theme flips between light and dark the
    text is set again (where it was scrolled to) in the new colours. Style sheets in the
    HTML itself should set sizes and margins, not colours.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._html = ""
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        theme.on_change(self._theme_changed)

    def setHtml(self, text: str) -> None:       # noqa: N802 (Qt's name)
        self._html = text
        super().setHtml(theme.css() + text)

    def html_source(self) -> str:
        """The HTML last given (without the theme's colours)."""
        return self._html

    def _theme_changed(self, _dark: bool) -> None:
        bars = (self.verticalScrollBar(), self.horizontalScrollBar())
        at = [b.value() for b in bars]
        self.setHtml(self._html)
        for b, v in zip(bars, at):
            b.setValue(v)


# ------------------------------------------------------- the panels' rich text
# Sizes and margins of the detail views' rich text; its colours (.zh, .muted, .src, .url,
# .tag, a.title, links) come from the theme (``ThemedBrowser``, ``theme.css``).
STYLE = """
<style>
 body { font-size: 13px; }
 h2 { margin: 0 0 2px 0; font-size: 18px; }
 .zh { font-size: 14px; }
 .src { font-size: 11px; margin: 2px 0 8px 0; }
 .quote { margin: 6px 0 2px 10px; font-style: italic; }
 h3 { margin: 12px 0 4px 0; font-size: 14px; }
 .conf { font-size: 11px; margin: 0 0 4px 0; }
</style>
"""


# ------------------------------------------------ statements as strong as their source
def date_text(value, precision=None) -> str:
    """A date as the interface language writes it, at its precision (``db.dates``):
    "October 2025" for a month, "2014" for a year; "" for none."""
    return plain(format_date(value, precision, language())) if value else ""


def source_date(source: dict) -> str:
    """A source's date at its precision, or "undated"."""
    return date_text(source.get("date"), source.get("date_precision")) or tr("undated")


def layout_word(layout: str | None) -> str | None:
    """The mark of a booth layout (``db.content.booth_layout``) in the interface language:
    "schematic"; None where codes need no mark."""
    if layout == "schematic":
        return tr("schematic")
    if layout == "synthetic":
        return tr("synthetic")
    return layout


def booth_text(code, layout: str | None) -> str:
    """A booth code as plain text with its layout beside it, never inside it:
    "1C09 (schematic)" on the built-in expo (``db.content.mark_booth``'s form, in the
    interface language: "1C09（示意）"), "1C09" on an organiser's floor plan."""
    if not layout:
        return plain(code)
    return tr("{code} ({layout})").format(code=plain(code), layout=layout_word(layout))


def booths_text(codes, layout: str | None) -> str:
    """Several booth codes, each marked: "1B05 (schematic), 1B07 (schematic)"."""
    return ", ".join(booth_text(c, layout) for c in codes)


def confidence_text(label: dict | None) -> str:
    """ "medium confidence: one foreign-language report" for a fact that is not high; ""
    for a high one, or where the file labels none (an imported expo)."""
    if not label or label.get("level") in (None, "high"):
        return ""
    level = {"medium": tr("medium confidence"), "low": tr("low confidence")}.get(
        label["level"], plain(label["level"]))
    basis = plain(label.get("basis"), PARAGRAPH)
    return tr("{level}: {basis}").format(level=level, basis=basis) if basis else level


def confidence_html(label: dict | None) -> str:
    """The quiet note beside a fact that is not high confidence (muted, small); ""."""
    text = confidence_text(label)
    return f"<div class='conf'><span class='muted'>{esc(text, PARAGRAPH)}</span></div>" \
        if text else ""


def zh_note_html(note) -> str:
    """The note beside a Chinese name that carries one ("Our rendering of …"); ""."""
    return f"<div class='conf'><span class='muted'>{esc(note, PARAGRAPH)}</span></div>" \
        if note else ""


def product_line_html(product: dict) -> str:
    """The label of a product that no source reports as shown at this expo
    (``shown_at_expo`` 0: SiCarrier's tool lines, shown at SEMICON China); "" otherwise."""
    if product.get("shown_at_expo") != 0:
        return ""
    return "<div class='muted'>" + esc(tr(
        "The company's product line; not reported as shown at this expo"), PARAGRAPH) + "</div>"


def sources_html(sources: list[dict], label: str = "") -> str:
    """A record's sources as the panels show them under it: publisher, title, date (at
    its precision), citations, licence and address (as text to copy, never a link that
    fetches); ``label`` (plain text) names the record first ("Booth 1C09")."""
    if not sources:
        return f'<div class="src">{esc(tr("No source recorded."))}</div>'
    items = []
    for s in sources:
        bits = [f"<b>{esc(s.get('publisher') or '')}</b>" if s.get("publisher") else "",
                esc(s.get("title")), esc(source_date(s))]
        # Its citations ("87 FR 62186"), unless its title already gives them.
        bits += [esc(c) for c in source_citations(s.get("citations"))
                 if c not in (s.get("title") or "")]
        if s.get("licence"):
            bits.append(esc(tr("licence") + ": " + s["licence"]))
        if s.get("url"):
            bits.append(f"<span class='url'>{esc(s['url'])}</span>")
        items.append(" · ".join(b for b in bits if b))
    return ('<div class="src">' + (esc(label) + " · " if label else "") + esc(tr("Sources"))
            + ": " + "<br>".join(
        f"[{i + 1}] {t}" for i, t in enumerate(items)) + "</div>")


def specs_html(raw: str | None, heading: str = "") -> str:
    """A product's specs (a JSON object) as a two-column table; nothing if there are none."""
    try:
        specs = json.loads(raw or "{}")
    except ValueError:
        specs = {}
    if not isinstance(specs, dict) or not specs:
        return ""
    head = f"<h3>{esc(heading)}</h3>" if heading else ""
    return head + "<table>" + "".join(
        f"<tr><td class='muted'>{esc(k)}</td><td>{esc(v)}</td></tr>"
        for k, v in specs.items()) + "</table>"
