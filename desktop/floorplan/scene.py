"""The floor-plan scene: one item per hall paints that hall's booths.

Thousands of booths as one ``QGraphicsItem`` each repaint slowly and need a
linear search for the booth under the mouse; here each hall paints only the
booths in the exposed rectangle (found with a grid index), labels appear as the
zoom allows (level of detail), and text is drawn in device pixels so it stays
sharp and never grows into mush.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QStyleOptionGraphicsItem

from db.expo import Expo

from ..i18n import tr
from .index import GridIndex

NEUTRAL = QColor("#e4e6ea")
NEUTRAL_EDGE = QColor("#b8bcc4")
HALL_FILL = QColor("#f7f7f4")
HALL_EDGE = QColor("#8a8f98")
SELECT = QColor("#d9480f")
HOVER = QColor("#1c7ed6")


@dataclass
class FloorData:
    """Everything the painters need, in flat lists indexed by booth id."""
    codes: list[str] = field(default_factory=list)
    rects: list[tuple[float, float, float, float]] = field(default_factory=list)
    halls: list[str] = field(default_factory=list)
    zones: list[str | None] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)      # exhibitor names ("" if none)
    occupants: list[list[str]] = field(default_factory=list)
    zone_colors: dict[str, QColor] = field(default_factory=dict)
    zone_names: dict[str, str] = field(default_factory=dict)
    hidden_zones: set[str] = field(default_factory=set)
    highlight: set[int] | None = None                     # None: no highlight layer
    selected: set[int] = field(default_factory=set)
    starred: set[int] = field(default_factory=set)
    by_code: dict[str, int] = field(default_factory=dict)
    by_exhibitor: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def from_expo(cls, expo: Expo) -> "FloorData":
        d = cls()
        for z in expo.zones():
            d.zone_colors[z["slug"]] = QColor(z["color"])
            d.zone_names[z["slug"]] = z["name"]
        names = {r[0]: r[1] for r in expo.conn.execute("SELECT slug, name FROM exhibitors")}
        occ = expo.booth_occupants()
        for b in expo.booths():
            if not b.placed or b.w <= 0 or b.h <= 0:
                continue
            i = len(d.codes)
            d.codes.append(b.code)
            d.rects.append((b.x, b.y, b.w, b.h))
            d.halls.append(b.hall or "")
            d.zones.append(b.zone)
            slugs = occ.get(b.code, [])
            d.occupants.append(slugs)
            d.labels.append(" / ".join(names.get(s, s) for s in slugs))
            d.by_code[b.code] = i
            for s in slugs:
                d.by_exhibitor.setdefault(s, []).append(i)
        return d


class HallItem(QGraphicsItem):
    """Paints one hall and the booths standing in it."""

    def __init__(self, hall: dict, data: FloorData, ids: list[int]):
        super().__init__()
        self.hall = hall
        self.data = data
        self.ids = ids
        self.index = GridIndex([data.rects[i] for i in ids])
        self._rect = QRectF(hall["x"], hall["y"], hall["w"], hall["h"])
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setZValue(0)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def booth_at(self, p: QPointF) -> int | None:
        j = self.index.at(p.x(), p.y())
        return None if j is None else self.ids[j]

    def visible_ids(self, rect: QRectF) -> list[int]:
        return [self.ids[j] for j in self.index.within(rect.left(), rect.top(),
                                                       rect.right(), rect.bottom())]

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        d = self.data
        lod = option.levelOfDetailFromTransform(painter.worldTransform())  # px per metre
        painter.setPen(QPen(HALL_EDGE, 0))
        painter.setBrush(HALL_FILL)
        painter.drawRect(self._rect)
        exposed = option.exposedRect
        ids = self.visible_ids(exposed)
        dim = d.highlight is not None
        # Batch booths by colour: one drawRects call per colour.
        batches: dict[tuple[str, bool], list[QRectF]] = {}
        for i in ids:
            z = d.zones[i]
            if z in d.hidden_zones:
                continue
            named = bool(d.occupants[i])
            lit = (not dim) or (i in d.highlight)
            key = (z or "", named, lit)
            x, y, w, h = d.rects[i]
            batches.setdefault(key, []).append(QRectF(x + 0.15, y + 0.15, w - 0.3, h - 0.3))
        for (z, named, lit), rects in batches.items():
            base = d.zone_colors.get(z, NEUTRAL)
            if named:
                fill = QColor(base)
                edge = base.darker(160)
            else:
                fill = _mix(base, NEUTRAL, 0.72)
                edge = NEUTRAL_EDGE
            if not lit:
                fill = _mix(fill, HALL_FILL, 0.75)
                edge = _mix(edge, HALL_FILL, 0.7)
            painter.setBrush(QBrush(fill))
            painter.setPen(QPen(edge, 0))
            painter.drawRects(rects)
        if dim and lod > 0:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor("#111111"), 0))
            for i in ids:
                if i in d.highlight and d.zones[i] not in d.hidden_zones:
                    x, y, w, h = d.rects[i]
                    painter.drawRect(QRectF(x + 0.1, y + 0.1, w - 0.2, h - 0.2))
        self._paint_labels(painter, ids, lod)

    def _paint_labels(self, painter: QPainter, ids: list[int], lod: float) -> None:
        d = self.data
        booth_px = 3.0 * lod  # a standard booth's width in pixels
        if booth_px < 22:
            return
        t: QTransform = painter.worldTransform()
        painter.save()
        painter.resetTransform()
        code_font = QFont(painter.font())
        code_font.setPixelSize(max(8, min(12, int(booth_px / 4))))
        name_font = QFont(painter.font())
        name_font.setPixelSize(max(9, min(14, int(booth_px / 3.2))))
        name_font.setBold(True)
        fm_code = QFontMetricsF(code_font)
        fm_name = QFontMetricsF(name_font)
        dim = d.highlight is not None
        for i in ids:
            if d.zones[i] in d.hidden_zones:
                continue
            x, y, w, h = d.rects[i]
            r = t.mapRect(QRectF(x, y, w, h)).adjusted(2, 1, -2, -1)
            lit = (not dim) or (i in d.highlight)
            color = QColor("#1f2328") if lit else QColor("#9aa0a8")
            painter.setPen(color)
            if r.width() >= fm_code.horizontalAdvance(d.codes[i]) and r.height() >= fm_code.height():
                painter.setFont(code_font)
                painter.drawText(r, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                                 d.codes[i])
            label = d.labels[i]
            if label and r.height() >= fm_code.height() + fm_name.height() * 0.9:
                painter.setFont(name_font)
                text_rect = r.adjusted(0, fm_code.height(), 0, 0)
                elided = fm_name.elidedText(label, Qt.TextElideMode.ElideRight, text_rect.width())
                if len(elided) > 3:
                    painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
                                     label if fm_name.horizontalAdvance(label) <= text_rect.width()
                                     else elided)
        painter.restore()


class HallLabelItem(QGraphicsItem):
    """Hall name and zone, drawn in screen pixels above the hall at every zoom."""

    def __init__(self, hall: dict, zone_name: str, color: QColor):
        super().__init__()
        self.hall = hall
        self.text = hall["name"] + (f" · {zone_name}" if zone_name else "")
        self.color = color
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.setPos(hall["x"], hall["y"])
        self.setZValue(5)
        self._font = QFont()
        self._font.setPixelSize(13)
        self._font.setBold(True)
        fm = QFontMetricsF(self._font)
        self._rect = QRectF(0, -fm.height() - 8, fm.horizontalAdvance(self.text) + 18,
                            fm.height() + 6)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 225))
        painter.drawRoundedRect(self._rect, 4, 4)
        painter.setBrush(self.color)
        painter.drawRoundedRect(QRectF(self._rect.left() + 5, self._rect.center().y() - 4, 8, 8),
                                2, 2)
        painter.setPen(QColor("#1f2328"))
        painter.setFont(self._font)
        painter.drawText(self._rect.adjusted(16, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, self.text)


class OverlayItem(QGraphicsItem):
    """Selection, hover and keyboard focus, drawn above the halls."""

    def __init__(self, data: FloorData, bounds: QRectF):
        super().__init__()
        self.data = data
        self.bounds = bounds
        self.hover: int | None = None
        self.focus: int | None = None
        self.setZValue(10)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:
        return self.bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        d = self.data
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for i in d.starred:
            x, y, w, h = d.rects[i]
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#f59f00"))
            painter.drawEllipse(QPointF(x + w - 0.55, y + 0.55), 0.4, 0.4)
        for i in d.selected:
            x, y, w, h = d.rects[i]
            painter.setBrush(Qt.BrushStyle.NoBrush)
            pen = QPen(SELECT, 3)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawRect(QRectF(x, y, w, h))
        if self.hover is not None:
            x, y, w, h = d.rects[self.hover]
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(0, 0, 0, 45))
            painter.drawRect(QRectF(x + 0.35, y + 0.35, w, h))  # shadow: the booth lifts
            pen = QPen(HOVER, 2)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(QColor(255, 255, 255, 60))
            painter.drawRect(QRectF(x - 0.1, y - 0.1, w, h))
        if self.focus is not None:
            x, y, w, h = d.rects[self.focus]
            pen = QPen(QColor("#000000"), 2, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(x - 0.3, y - 0.3, w + 0.6, h + 0.6))


class FloorScene(QGraphicsScene):
    def __init__(self, expo: Expo, parent=None):
        super().__init__(parent)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.data = FloorData.from_expo(expo)
        self.hall_items: list[HallItem] = []
        halls = expo.halls()
        by_hall: dict[str, list[int]] = {}
        for i, h in enumerate(self.data.halls):
            by_hall.setdefault(h, []).append(i)
        self.setBackgroundBrush(QColor("#eef0f3"))
        for hall in halls:
            item = HallItem(hall, self.data, by_hall.get(hall["slug"], []))
            self.addItem(item)
            self.hall_items.append(item)
            zone = hall.get("zone")
            label = HallLabelItem(hall, self.data.zone_names.get(zone, ""),
                                  self.data.zone_colors.get(zone, NEUTRAL))
            self.addItem(label)
        bounds = QRectF()
        for item in self.hall_items:
            bounds = bounds.united(item.boundingRect())
        if bounds.isEmpty():
            bounds = QRectF(0, 0, 100, 60)
        self.content_rect = bounds
        self.setSceneRect(bounds.adjusted(-bounds.width() * 0.1, -bounds.height() * 0.1 - 10,
                                          bounds.width() * 0.1, bounds.height() * 0.1))
        self.overlay = OverlayItem(self.data, self.sceneRect())
        self.addItem(self.overlay)

    # --------------------------------------------------------------- queries
    def booth_at(self, p: QPointF) -> int | None:
        for item in self.hall_items:
            if item._rect.contains(p):
                i = item.booth_at(p)
                if i is not None and self.data.zones[i] not in self.data.hidden_zones:
                    return i
                return None
        return None

    def booth_rect(self, i: int) -> QRectF:
        x, y, w, h = self.data.rects[i]
        return QRectF(x, y, w, h)

    def booth_tooltip(self, i: int) -> str:
        d = self.data
        who = d.labels[i] or tr("Other exhibitor (not named in our sources)")
        zone = d.zone_names.get(d.zones[i] or "", "")
        return f"{who}\n{tr('Booth')} {d.codes[i]}" + (f" · {zone}" if zone else "")

    # --------------------------------------------------------------- changes
    def set_selected(self, ids: set[int]) -> None:
        self.data.selected = set(ids)
        self.overlay.update()

    def set_highlight(self, ids: set[int] | None) -> None:
        self.data.highlight = None if ids is None else set(ids)
        self._repaint_halls()

    def set_hidden_zones(self, zones: set[str]) -> None:
        self.data.hidden_zones = set(zones)
        self._repaint_halls()

    def set_starred(self, ids: set[int]) -> None:
        self.data.starred = set(ids)
        self.overlay.update()

    def _repaint_halls(self) -> None:
        for item in self.hall_items:
            item.update()
        self.overlay.update()


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved ``t`` of the way towards ``b``."""
    return QColor(int(a.red() + (b.red() - a.red()) * t),
                  int(a.green() + (b.green() - a.green()) * t),
                  int(a.blue() + (b.blue() - a.blue()) * t))
