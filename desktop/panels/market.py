"""Market-context chart: global market shares for a tool type, by country and by firm.

The figures come straight from the supply-chain dataset (``db.supply``); the
chart always shows the data's year, source and licence under it, marks Chinese
providers, and says so plainly where the data has no figure.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPalette
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QVBoxLayout, QWidget

from db.countries import ALPHA3
from db.supply import MarketContext
from db.text import breakable

from .. import theme
from ..i18n import country, percent, tool_type, tr
from ..richtext import PARAGRAPH, SHORT, data_combo, esc, plain

# The light theme's bar colours (in use: the theme's ``bar``, ``bar_cn``).
BAR = theme.LIGHT.bar
BAR_CN = theme.LIGHT.bar_cn
TOP_FIRMS = 8


class ShareBars(QWidget):
    """Two bar groups (countries, firms); Chinese providers in red and tagged "CN"."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.ctx: MarketContext | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(10)

    def rows(self) -> list[tuple[str, str, float, bool]]:
        """(group, name, share, chinese) in drawing order: what the chart shows."""
        if self.ctx is None:
            return []
        # Names are data: plain, without bidi overrides, and short (measured on every paint).
        # Countries in the interface language (the data's code, "CHN"), firms as they are.
        out = [("country", plain(country(ALPHA3.get(s.country or "")) or s.name, SHORT), s.share,
                s.chinese) for s in self.ctx.by_country]
        firms = self.ctx.by_firm[:TOP_FIRMS]
        out += [("firm", plain(s.name, SHORT), s.share, s.chinese) for s in firms]
        return out

    def set_context(self, ctx: MarketContext | None) -> None:
        self.ctx = ctx
        self.setFixedHeight(int(self.content_height()))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, self.height())

    # The layout is computed here, once for painting and for the tests' overlap check.
    def _fonts(self) -> tuple[QFont, QFont, QFont]:
        font = QFont(self.font())
        font.setPixelSize(12)
        bold = QFont(font)
        bold.setBold(True)
        small = QFont(font)
        small.setPixelSize(9)
        small.setBold(True)
        return font, bold, small

    def _metrics(self) -> tuple[float, float]:
        """(row height, heading height) for the fonts in use."""
        font, bold, _small = self._fonts()
        return (max(18.0, QFontMetricsF(font).height() + 3),
                max(22.0, QFontMetricsF(bold).height() + 6))

    def content_height(self) -> float:
        rows = self.rows()
        if not rows:
            return 0
        row_h, head_h = self._metrics()
        groups = len({g for g, *_ in rows})
        return row_h * len(rows) + head_h * groups + 6

    def headings(self) -> list[str]:
        return [t for kind, _r, t, *_ in self.items() if kind == "heading"]

    def share_texts(self) -> list[str]:
        return [t for kind, _r, t, *_ in self.items() if kind == "share"]

    def text_rects(self) -> list[tuple[QRectF, str]]:
        """Where each text is drawn (its measured extent, not the box it is aligned in)."""
        return [(r, t) for kind, r, t, *_ in self.items() if kind in ("heading", "label", "share")]

    def items(self) -> list[tuple]:
        """What the chart draws, in order: (kind, rect, text, chinese, share) with kind
        "heading", "label" (right-aligned, elided), "cn" (the mark), "bar", "share"."""
        rows = self.rows()
        if not rows:
            return []
        font, bold, _small = self._fonts()
        fm, fb = QFontMetricsF(font), QFontMetricsF(bold)
        row_h, head_h = self._metrics()
        width = float(self.width())
        share_w = max(fm.horizontalAdvance(percent(r[2])) for r in rows) + 6
        label_w = min(max(fm.horizontalAdvance(r[1]) for r in rows) + 34, width * 0.45)
        bar_x = label_w + 6
        bar_w = max(20.0, width - bar_x - share_w - 4)
        out: list[tuple] = []
        y = 2.0
        group = None
        for g, name, share, cn in rows:
            if g != group:
                group = g
                head = tr("By country or region") if g == "country" \
                    else tr("Leading firms (top {n})").format(n=TOP_FIRMS)
                head = fb.elidedText(head, Qt.TextElideMode.ElideRight, width)
                th = fb.height()
                out.append(("heading", QRectF(0, y + (head_h - 2 - th) / 2,
                                              fb.horizontalAdvance(head), th), head, False, 0.0))
                y += head_h
            shown = fm.elidedText(name, Qt.TextElideMode.ElideRight, label_w - 30)
            tw, th = fm.horizontalAdvance(shown), fm.height()
            ty = y + (row_h - 2 - th) / 2
            out.append(("label", QRectF(label_w - 28 - tw, ty, tw, th), shown, cn, share))
            if cn:
                out.append(("cn", QRectF(label_w - 24, y + (row_h - 14) / 2, 20, 12), "CN", cn,
                            share))
            out.append(("bar", QRectF(bar_x, y + (row_h - 12) / 2, bar_w, 10), "", cn, share))
            text = percent(share)
            out.append(("share", QRectF(bar_x + bar_w + 4, ty, fm.horizontalAdvance(text), th),
                        text, cn, share))
            y += row_h
        return out

    def paintEvent(self, event) -> None:
        items = self.items()
        if not items:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        # Text in the palette's colour for text on this widget's background; bars, the
        # track and the CN mark in the theme's colours.
        c = theme.colors(self.palette())
        text = self.palette().color(QPalette.ColorRole.WindowText)
        font, bold, small = self._fonts()
        middle = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        for kind, r, t, cn, share in items:
            if kind == "heading":
                p.setFont(bold)
                p.setPen(text)
                p.drawText(r.adjusted(0, 0, 2, 0), middle, t)
            elif kind in ("label", "share"):
                p.setFont(font)
                p.setPen(c.cn_text if cn and kind == "label" else text)
                p.drawText(r.adjusted(0, 0, 2, 0), middle, t)
            elif kind == "cn":
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(theme.LIGHT.bar_cn)          # white on it reads in both themes
                p.drawRoundedRect(r, 2, 2)
                p.setPen(c.marker_text)
                p.setFont(small)
                p.drawText(r, Qt.AlignmentFlag.AlignCenter, t)
            elif kind == "bar":
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(c.chart_track)
                p.drawRect(r)
                p.setBrush(c.bar_cn if cn else c.bar)
                p.drawRect(QRectF(r.x(), r.y(), r.width() * max(0.0, min(share, 100.0)) / 100.0,
                                  r.height()))
        p.end()


class MarketChart(QWidget):
    """Tool-type picker, bars, and the caption with year, source and licence."""

    def __init__(self, expo, parent=None):
        super().__init__(parent)
        self.expo = expo
        self.holder: QWidget | None = None
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.picker = data_combo(QComboBox())
        self.picker.currentIndexChanged.connect(self._on_pick)
        self.bars = ShareBars()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setObjectName("marketCaption")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        theme.caption(self.caption)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title)
        lay.addWidget(self.picker)
        lay.addWidget(self.bars)
        lay.addWidget(self.caption)
        self.set_tool_types([])

    def set_tool_types(self, tool_types: list[str]) -> None:
        self.picker.blockSignals(True)
        self.picker.clear()
        for t in tool_types:
            self.picker.addItem(plain(tool_type(t), SHORT), t)
        self.picker.blockSignals(False)
        self.picker.setVisible(len(tool_types) > 1)
        self.setVisible(bool(tool_types))
        if self.holder is not None:          # the scroll area it sits in
            self.holder.setVisible(bool(tool_types))
        self._on_pick(0)

    def _on_pick(self, _i: int) -> None:
        tool = self.picker.currentData()
        if tool is None:
            self.bars.set_context(None)
            return
        self.show_tool_type(tool)

    def show_tool_type(self, tool: str) -> None:
        ctx = self.expo.market_context(tool)
        self.bars.set_context(ctx if ctx.has_data else None)
        # The title is rich text built here: every part from data is escaped.
        head = esc(tr("Market context: {tool}").format(tool=plain(tool_type(tool))))
        if ctx.has_data:
            self.title.setText(f"<b>{head}</b><br>" + esc(tr(
                "Global market shares for “{input}”, {year}").format(
                input=breakable(plain(ctx.input_name)), year=plain(ctx.year))))
            parts = [tr("Data year: {year}").format(year=ctx.year)]
            if ctx.market_size:
                parts.append(tr("global market: {size}").format(size=plain(ctx.market_size)))
            parts.append(tr("Source: ETO Advanced Semiconductor Supply Chain Dataset "
                            "(Emerging Technology Observatory, CSET)") +
                         (f"; {plain(ctx.source_note)}" if ctx.source_note else ""))
            parts.append(tr("Licence: {licence}").format(licence=plain(ctx.licence)))
            if ctx.why:
                parts.append(tr("Why this category: {why}").format(
                    why=plain(ctx.why, PARAGRAPH)))
            parts.append(tr("Shares describe the global market, not any exhibitor. "
                            "Chinese providers are marked CN."))
            self.caption.setText(" · ".join(parts[:4]) + "\n" + "\n".join(parts[4:]))
        else:
            self.title.setText(f"<b>{head}</b>")
            msg = tr("The supply-chain data has no market-share figure for this tool type.")
            if ctx.why:
                msg += " " + plain(ctx.why, PARAGRAPH)
            self.caption.setText(msg)
