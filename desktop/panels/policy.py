"""The Policy view: topics, a zoomable timeline (US and China lanes, the expo), the exhibitors
and products a topic or event concerns, and every text with its sources and, where it is
not high, its confidence."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import (QGraphicsItem, QGraphicsScene, QGraphicsView, QLabel, QListWidget,
                               QListWidgetItem, QSplitter, QVBoxLayout, QWidget)

from db.content import source_citations
from db.expo import Expo
from db.views import PolicyTarget, citations

from .. import theme
from ..i18n import N_, tr
from ..richtext import (LABEL, STYLE, ThemedBrowser, attr, confidence_html, date_text, esc,
                        esc_text, plain, source_date, sources_html, tooltip)
from ..selection import Highlight, Reason, Selection

LANES = ("us", "china", "expo")
LANE_LABEL = {"us": N_("United States"), "china": N_("China"), "expo": N_("Expo and reporting")}
# The light theme's lane colours (in use: ``lane_color``, the theme's).
LANE_COLOR = {lane: getattr(theme.LIGHT, lane) for lane in LANES}
LANE_H = 88.0
PX_PER_YEAR = 110.0
TOP = 30.0


def lane_color(lane: str, colors: theme.Colors | None = None) -> QColor:
    """A lane's colour in the theme (readable as text on the timeline's background)."""
    c = colors or theme.colors()
    return getattr(c, lane) if lane in LANES else c.event_dim_text


def _year_fraction(date: str) -> float:
    d = dt.date.fromisoformat(date)
    start = dt.date(d.year, 1, 1)
    days = (dt.date(d.year + 1, 1, 1) - start).days
    return d.year + (d - start).days / days


class EventItem(QGraphicsItem):
    """A dot on its lane; the title is drawn in screen pixels when there is room."""

    def __init__(self, event: dict, x: float, y: float, label_row: int):
        super().__init__()
        self.event = event
        self.label_row = label_row
        self.selected = False
        self.lit = True
        self.setPos(x, y)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        when = date_text(event["date"], event.get("date_precision"))
        self.setToolTip(tooltip(f"{when} — {plain(event['title'])}"))
        self.show_label = True
        self._font = QFont()
        self._font.setPixelSize(11)
        fm = QFontMetricsF(self._font)
        self.label = fm.elidedText(plain(event["title"]), Qt.TextElideMode.ElideRight, 170)
        self._label_w = fm.horizontalAdvance(self.label) + 4
        self.setZValue(2)

    ROWS = (-35.0, -21.0, 8.0)       # label rows: above the dot, just above, below

    @classmethod
    def row_offset(cls, row: int) -> float:
        """How far above (negative) or below its dot a label of this row stands, in px."""
        return cls.ROWS[max(0, min(row, len(cls.ROWS) - 1))]

    def label_rect(self, at: QPointF, row: int | None = None) -> QRectF:
        """The label's text in viewport pixels, for the dot at ``at`` (viewport pixels)."""
        dy = self.row_offset(self.label_row if row is None else row)
        return QRectF(at.x() + 8, at.y() + dy, self._label_w - 4, 14)

    def boundingRect(self) -> QRectF:
        dy = self.row_offset(self.label_row)
        if not self.show_label:
            return QRectF(-8, -8, 16, 16)
        top, bottom = min(-7.0, dy - 2), max(7.0, dy + 16)
        return QRectF(-7, top, self._label_w + 14, bottom - top)

    def shape(self):
        from PySide6.QtGui import QPainterPath
        path = QPainterPath()
        path.addEllipse(QPointF(0, 0), 7, 7)
        if self.show_label:
            dy = self.row_offset(self.label_row)
            path.addRect(QRectF(6, dy - 1, self._label_w, 15))
        return path

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        c = theme.colors()
        color = lane_color(self.event["side"], c) if self.lit else c.event_dim
        painter.setPen(QPen(c.event_selected if self.selected else color.darker(130),
                            2.5 if self.selected else 1))
        painter.setBrush(color)
        r = 6.5 if self.selected else 5
        painter.drawEllipse(QPointF(0, 0), r, r)
        if self.show_label:
            dy = self.row_offset(self.label_row)
            painter.setPen(QPen(c.connector, 1))
            painter.drawLine(QPointF(0, -5 if dy < 0 else 5), QPointF(6, dy + 7))
            painter.setFont(self._font)
            painter.setPen(c.event_text if self.lit else c.event_dim_text)
            if self.selected:
                f = QFont(self._font)
                f.setBold(True)
                painter.setFont(f)
            painter.drawText(QRectF(8, dy, self._label_w + 20, 14), Qt.AlignmentFlag.AlignVCenter,
                             self.label)

    def mousePressEvent(self, event) -> None:
        view = self.scene().views()[0] if self.scene().views() else None
        if view is not None:
            view.eventClicked.emit(self.event["slug"])
        event.accept()


class TimelineView(QGraphicsView):
    """Years along x; one lane each for the US, China and the expo; wheel zooms in time."""
    eventClicked = Signal(str)

    def __init__(self, events: list[dict], parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setAccessibleName(tr("Policy timeline"))
        self.events = sorted(events, key=lambda e: (e["date"], e["slug"]))
        years = [int(e["date"][:4]) for e in self.events] or [2014, 2026]
        self.y0, self.y1 = min(years), max(years) + 1
        self.items: dict[str, EventItem] = {}
        self._fitted = False
        self._span: tuple[int, int] | None = None
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._bands: list = []       # (lane background, lane line) per lane
        self._years: list = []       # (grid line, year text) per year
        self._build()
        self.apply_colors()
        theme.on_change(self.apply_colors)

    def x_of(self, date: str) -> float:
        return (_year_fraction(date) - self.y0) * PX_PER_YEAR

    def _build(self) -> None:
        sc = self.scene()
        width = (self.y1 - self.y0) * PX_PER_YEAR
        for i, lane in enumerate(LANES):
            top = TOP + i * LANE_H
            band = sc.addRect(QRectF(-40, top, width + 80, LANE_H), QPen(Qt.PenStyle.NoPen))
            line = sc.addLine(-40, top + LANE_H * 0.62, width + 40, top + LANE_H * 0.62)
            self._bands.append((band, line))
        bottom = TOP + len(LANES) * LANE_H
        font = QFont()
        font.setPixelSize(11)
        for year in range(self.y0, self.y1 + 1):
            x = (year - self.y0) * PX_PER_YEAR
            grid = sc.addLine(x, TOP - 6, x, bottom)
            t = sc.addSimpleText(str(year), font)
            t.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
            t.setPos(x + 3, TOP - 22)
            self._years.append((grid, t))
        for ev in self.events:
            lane = ev["side"] if ev["side"] in LANES else "expo"
            x = self.x_of(ev["date"])
            y = TOP + LANES.index(lane) * LANE_H + LANE_H * 0.62
            item = EventItem(ev, x, y, 0)  # label rows are placed by _place_labels
            sc.addItem(item)
            self.items[ev["slug"]] = item
        self.setSceneRect(QRectF(-40, 0, width + 80 + 220, bottom + 10))

    def apply_colors(self, _dark: bool | None = None) -> None:
        """Colour the lanes, year lines and labels for the theme (and repaint the events)."""
        c = theme.colors()
        self.setBackgroundBrush(c.band_a)
        for i, (band, line) in enumerate(self._bands):
            band.setBrush(QBrush(c.band_b if i % 2 else c.band_a))
            lane = lane_color(LANES[i], c)
            line.setPen(QPen(lane.lighter(150) if not c.dark else lane.darker(170), 2))
        grid_pen = QPen(c.grid, 1)
        grid_pen.setCosmetic(True)          # one pixel at every zoom in time
        for grid, text in self._years:
            grid.setPen(grid_pen)
            text.setBrush(c.year)
        self.scene().update()
        self.viewport().update()

    def lane_names(self) -> list[str]:
        return [tr(LANE_LABEL[lane]) for lane in LANES]

    @staticmethod
    def _chip_font() -> QFont:
        font = QFont()
        font.setPixelSize(11)
        font.setBold(True)
        return font

    def lane_chips(self) -> list[tuple[QRectF, str]]:
        """Each lane's name chip (viewport pixels), bottom left of its lane."""
        fm = QFontMetricsF(self._chip_font())
        out = []
        for i, lane in enumerate(LANES):
            y = self.mapFromScene(QPointF(0, TOP + (i + 1) * LANE_H)).y() - 20
            name = tr(LANE_LABEL[lane])
            out.append((QRectF(4, y, fm.horizontalAdvance(name) + 10, 18), name))
        return out

    def year_rects(self) -> list[tuple[QRectF, str]]:
        """The year labels shown (viewport pixels)."""
        out = []
        for _grid, text in self._years:
            if text.isVisible():
                at = self.mapFromScene(text.pos())
                r = text.boundingRect()
                out.append((QRectF(at.x(), at.y(), r.width(), r.height()), text.text()))
        return out

    def text_rects(self) -> list[tuple[QRectF, str]]:
        """Every text the timeline shows, where it is drawn (viewport pixels): years, lane
        names and event labels; none overlaps another (``_place_labels``)."""
        out = self.year_rects() + self.lane_chips()
        for item in self.items.values():
            if item.show_label and item.isVisible():
                out.append((item.label_rect(QPointF(self.mapFromScene(item.pos()))), item.label))
        return out

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.resetTransform()
        painter.setFont(self._chip_font())
        c = theme.colors()
        for (chip, name), lane in zip(self.lane_chips(), LANES):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(c.chip)
            painter.drawRoundedRect(chip, 3, 3)
            painter.setPen(lane_color(lane, c))
            painter.drawText(chip.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, name)
        painter.restore()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if not steps:
            return super().wheelEvent(event)
        factor = 1.2 ** steps
        new = self.transform().m11() * factor
        if 0.25 <= new <= 12:
            self._span = None
            self.scale(factor, 1.0)
            self._place_labels()
        event.accept()

    LABEL_ROWS = 3

    def _place_years(self) -> None:
        """Year labels at every year while they fit, else every second, fifth… year."""
        if not self._years:
            return
        span = abs(self.mapFromScene(QPointF(PX_PER_YEAR, 0)).x()
                   - self.mapFromScene(QPointF(0, 0)).x())
        widest = max(t.boundingRect().width() for _g, t in self._years) + 8
        step = next((k for k in (1, 2, 5, 10, 20, 50) if span * k >= widest), 100)
        for n, (_grid, text) in enumerate(self._years):
            text.setVisible((self.y0 + n) % step == 0)

    def _place_labels(self) -> None:
        """Give lit events a label row where the label fits in screen pixels, inside the
        view, clear of the years, the lane names and every other label (in any lane); an
        event whose label would overlap keeps only its dot (and tooltip). The selected
        event is placed first, so its label always shows where there is room at all."""
        self._place_years()
        vp = QRectF(self.viewport().rect())
        taken = [r for r, _t in self.year_rects() + self.lane_chips()]
        top = max((r.bottom() for r in taken[:len(self.year_rects())]), default=0.0) + 1
        items = sorted(self.items.values(), key=lambda it: (not it.selected, it.x()))
        dots = {it: QRectF(QPointF(self.mapFromScene(it.pos())) - QPointF(6, 6), QSizeF(12, 12))
                for it in items}
        for it in items:
            show, row = False, 0
            if it.lit:
                at = QPointF(self.mapFromScene(it.pos()))
                for r in range(self.LABEL_ROWS):
                    rect = it.label_rect(at, r)
                    if rect.top() < top or rect.bottom() > vp.bottom() or \
                            rect.left() < vp.left() or rect.left() > vp.right():
                        continue
                    pad = rect.adjusted(-2, -1, 2, 1)
                    if not any(pad.intersects(t) for t in taken) and \
                            not any(pad.intersects(d) for o, d in dots.items() if o is not it):
                        taken.append(rect)
                        show, row = True, r
                        break
            if (show, row) != (it.show_label, it.label_row):
                it.prepareGeometryChange()
                it.show_label, it.label_row = show, row
                it.update()

    def labelled(self) -> set[str]:
        """Slugs of the events whose labels are shown."""
        return {s for s, it in self.items.items() if it.show_label}

    def set_selected(self, slug: str | None) -> None:
        for s, item in self.items.items():
            item.selected = s == slug
            item.update()
        if slug in self.items:
            self.ensureVisible(self.items[slug].sceneBoundingRect(), 80, 20)
        self._place_labels()

    def set_lit(self, slugs: set[str] | None) -> None:
        """Grey out events outside ``slugs`` (None: all lit); only lit events keep labels."""
        for s, item in self.items.items():
            item.lit = slugs is None or s in slugs
            item.update()
        lit = [self.items[s].event["date"] for s in (slugs or ()) if s in self.items]
        if lit:
            self.fit_years(int(min(lit)[:4]), int(max(lit)[:4]))
        else:
            self.fit_years(self.y0, self.y1 - 1)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            self.fit_years(self.y0, self.y1 - 1)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._span is not None:
            self.fit_years(*self._span)

    def fit_years(self, first: int, last: int) -> None:
        """Show the years ``first`` to ``last`` across the width, all lanes in height."""
        self._span = (first, last)
        x0 = (first - self.y0) * PX_PER_YEAR - 30
        x1 = (last + 1 - self.y0) * PX_PER_YEAR + 150  # room for the last labels
        self.fitInView(QRectF(x0, 0, x1 - x0, TOP + len(LANES) * LANE_H + 4),
                       Qt.AspectRatioMode.IgnoreAspectRatio)
        self._place_labels()

    def visible_years(self) -> tuple[float, float]:
        r = self.mapToScene(self.viewport().rect()).boundingRect()
        return (self.y0 + r.left() / PX_PER_YEAR, self.y0 + r.right() / PX_PER_YEAR)


class PolicyPanel(QWidget):
    """Topics list, timeline, and a text pane for the topic or event the selection lights
    (picking one here lights it: ``Selection.highlight``)."""

    def __init__(self, expo: Expo, selection: Selection, parent=None):
        super().__init__(parent)
        self.expo = expo
        self.selection = selection
        self.topics = QListWidget()
        self.topics.setAccessibleName(tr("Policy topics"))
        topics = expo.topics()
        self.topic_titles = {t["slug"]: t["title"] for t in topics}
        for t in topics:
            item = QListWidgetItem(plain(t["title"]))
            item.setToolTip(tooltip(t["title"], LABEL))
            item.setData(Qt.ItemDataRole.UserRole, t["slug"])
            self.topics.addItem(item)
        self.topics.currentItemChanged.connect(self._on_topic)
        events = expo.events()
        self.timeline = TimelineView(events)
        self.timeline.eventClicked.connect(lambda slug: self.choose("event", slug))
        self.text = ThemedBrowser()
        self.text.anchorClicked.connect(self._on_anchor)
        self.header = QLabel(tr("Pick a topic, or click an event on the timeline: the booths "
                                "it concerns light up on the floor plan."))
        self.header.setWordWrap(True)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.topics)
        top.addWidget(self.timeline)
        top.setStretchFactor(1, 4)
        top.setSizes([270, 900])
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(top)
        main.addWidget(self.text)
        main.setSizes([400, 260])
        # The timeline keeps room for its three lanes and their labels.
        self.timeline.setMinimumHeight(170)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 2)
        main.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.header)
        lay.addWidget(main, 1)
        self.current: tuple[str, str] | None = None
        selection.highlighted.connect(self._on_highlighted)

    def _on_topic(self, item: QListWidgetItem | None, _prev=None) -> None:
        if item is not None:
            self.choose("topic", item.data(Qt.ItemDataRole.UserRole))

    def _on_anchor(self, url) -> None:
        target = url.toString()
        if target.startswith(("exhibitor:", "product:")):
            kind, slug = target.split(":", 1)
            self.selection.select(kind, slug, reason=Reason.LINK)
        elif target.startswith(("topic:", "event:")):
            kind, slug = target.split(":", 1)
            self.choose(kind, slug)

    def choose(self, kind: str, slug: str) -> bool:
        """Light a topic or event (the Policy view, the floor plan and the status follow)."""
        return self.selection.highlight(kind, slug, reason=Reason.POLICY)

    def _on_highlighted(self, lit: Highlight) -> None:
        target = lit.target
        if target is None:
            return                      # the search's hits, or nothing: the text stays
        kind, slug = target.kind, target.slug
        self.current = (kind, slug)
        if kind == "topic":
            self.timeline.set_lit({e["slug"] for e in target.events})
            self.timeline.set_selected(None)
            for i in range(self.topics.count()):
                if self.topics.item(i).data(Qt.ItemDataRole.UserRole) == slug:
                    self.topics.blockSignals(True)
                    self.topics.setCurrentRow(i)
                    self.topics.blockSignals(False)
        else:
            self.timeline.set_lit(None)
            self.timeline.set_selected(slug)
        self.text.setHtml(STYLE + self._html(target))

    def _html(self, target: PolicyTarget) -> str:
        kind, rec = target.kind, target.record
        out = f"<h2>{esc(rec['title'])}</h2>"
        if kind == "event":
            side = LANE_LABEL.get(rec["side"], rec["side"])
            when = date_text(rec["date"], rec.get("date_precision"))
            out += f"<div class='muted'>{esc(when)} · {esc(tr(side))}</div>"
        out += f"<p>{esc_text(rec.get('summary') or '')}</p>"
        out += confidence_html(target.confidence_of(kind, target.slug))
        out += sources_html(target.sources)
        # Exhibitors, and the product lines of theirs it concerns: not necessarily what
        # they showed at this expo (SiCarrier's tool lines were shown at SEMICON China).
        out += f"<h3>{esc(tr('Exhibitors and products it concerns'))}</h3>"
        if target.linked:
            for r in target.linked:
                via = ""
                if r["via"]:
                    via = (f" <span class='muted'>({esc(tr('through the topic'))} "
                           f"<a href='topic:{attr(r['via'])}'>"
                           f"{esc(self.topic_titles.get(r['via'], r['via']))}</a>)</span>")
                what = ""
                if r.get("product"):
                    what = (f" · <a href='product:{attr(r['product'])}'>"
                            f"{esc(r['product_name'])}</a>")
                    if r.get("product_shown") == 0:
                        what += " <span class='muted'>(" + esc(tr(
                            "product line; not reported as shown at this expo")) + ")</span>"
                out += (f"<p><a href='exhibitor:{attr(r['slug'])}'>{esc(r['name'])}</a>{what} — "
                        f"{esc_text(r['reason'])}{via}</p>")
                out += confidence_html(target.confidence_of("link", r.get("link")))
        else:
            out += f"<p class='muted'>{esc(tr('No exhibitor or product is linked directly.'))}</p>"
        if kind == "topic":
            if target.events:
                out += f"<h3>{esc(tr('On the timeline'))}</h3>"
                out += "".join(f"<p>{esc(date_text(e['date'], e.get('date_precision')))} · "
                               f"<a href='event:{attr(e['slug'])}'>"
                               f"{esc(e['title'])}</a></p>" for e in target.events)
        elif target.topics:
            out += f"<h3>{esc(tr('Topics'))}</h3>" + "".join(
                f"<p><a href='topic:{attr(t['slug'])}'>{esc(t['title'])}</a></p>"
                for t in target.topics)
        return out


class SourcesPanel(QWidget):
    """Every source, with the records that cite it (View > Sources).

    Built when first shown (or first asked for its ``tree``): at trade-fair scale the
    citations are hundreds of thousands of rows, which the start of the window must not
    read."""

    def __init__(self, expo: Expo, parent=None):
        super().__init__(parent)
        from PySide6.QtWidgets import QTreeWidget
        self.expo = expo
        self._tree = QTreeWidget()
        self._tree.setHeaderLabels([tr("Source"), tr("Publisher"), tr("Date"), tr("Citations"),
                                    tr("Note"), tr("Address")])
        self._tree.setAccessibleName(tr("Sources"))
        self._tree.setColumnWidth(0, 360)
        self._tree.setColumnWidth(4, 260)
        self.loaded = False
        note = QLabel(tr("Addresses are shown to copy; nothing is fetched. Select a row and "
                         "press Ctrl+C to copy it."))
        note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(note)
        lay.addWidget(self._tree)

    @property
    def tree(self):
        """The tree of sources, filled on first use."""
        self.load()
        return self._tree

    def showEvent(self, event) -> None:
        self.load()
        super().showEvent(event)

    def load(self) -> None:
        """Fill the tree from the expo file's sources and citations (once)."""
        if self.loaded:
            return
        self.loaded = True
        from PySide6.QtWidgets import QTreeWidgetItem
        for s, refs in citations(self.expo):
            cites = "; ".join(plain(c) for c in source_citations(s.get("citations")))
            # Its note: how it was read, what it does not say (e.g. "the exact day is not
            # confirmed"); shown whole in the tooltip.
            top = QTreeWidgetItem([f"{plain(s['title'])} ({len(refs)})", plain(s.get("publisher")),
                                   source_date(s), cites, plain(s.get("note")),
                                   plain(s.get("url"))])
            top.setToolTip(0, tooltip(s["title"], LABEL))
            top.setToolTip(3, tooltip(cites, LABEL))
            top.setToolTip(4, tooltip(s.get("note")))
            top.setToolTip(5, tooltip(s.get("url"), LABEL))
            for kind, _ref, title in refs:
                text = plain(title, 120)
                child = QTreeWidgetItem([f"{tr(kind)}: {text}"])
                top.addChild(child)
            self._tree.addTopLevelItem(top)

    def set_screening(self, state) -> None:
        """The stored screening list as a source of its own (first row): its file, date, how
        it was dated, the official address, and the exhibitors it matches."""
        self.screening, self.screening_item = state, None
        state.changed.connect(self._show_screening)
        self._show_screening()

    def _show_screening(self) -> None:
        from PySide6.QtWidgets import QTreeWidgetItem

        from ..screening_view import sources_entry
        if self.screening_item is not None:
            self._tree.takeTopLevelItem(self._tree.indexOfTopLevelItem(self.screening_item))
            self.screening_item = None
        entry = sources_entry(self.screening)
        if entry is None:
            return
        cells, tips, children = entry
        item = QTreeWidgetItem(cells)
        for col, tip in tips.items():
            item.setToolTip(col, tooltip(tip))
        for text in children:
            item.addChild(QTreeWidgetItem([text]))
        self._tree.insertTopLevelItem(0, item)
        self.screening_item = item

    def keyPressEvent(self, event) -> None:
        from PySide6.QtGui import QKeySequence
        from PySide6.QtWidgets import QApplication
        if event.matches(QKeySequence.StandardKey.Copy) and self._tree.currentItem():
            item = self._tree.currentItem()
            QApplication.clipboard().setText(" · ".join(
                item.text(c) for c in range(self._tree.columnCount()) if item.text(c)))
            return
        super().keyPressEvent(event)
