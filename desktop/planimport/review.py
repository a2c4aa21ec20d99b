"""The review view: a plan's page as it was rendered, with what the reader found on it.

Scene coordinates are the page's own units (points of the page as it is shown; pixels
of a picture), the units ``db.planimport.PlanImport`` keeps its geometry in, so an edit
made here goes to it unchanged.

Each kind of mark has its own colour (the Okabe–Ito set, told apart with the common
colour-vision deficiencies) *and* its own line or marker, so colour is never the only
cue: found booths blue and solid; found booths whose code no list of the expo has blue,
dash-dotted, with a "!"; booths settled by hand bluish green, solid and ticked; booths to
review vermillion, dashed, with a "?"; empty outlines reddish purple and dotted; codes
without an outline orange diamonds; doors sky-blue triangles.

Tools: select (click, Ctrl+click, drag a band), draw a booth (drag a rectangle), mark a
door (click), measure a line (drag from one point to the other). The wheel zooms
around the cursor; + - 0 zoom from the keyboard.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (QBrush, QColor, QFont, QFontMetricsF, QIcon, QImage, QPainter,
                           QPainterPath, QPen, QPixmap, QPolygonF)
from PySide6.QtWidgets import (QGraphicsItem, QGraphicsLineItem, QGraphicsPixmapItem,
                               QGraphicsRectItem, QGraphicsScene, QGraphicsView, QHBoxLayout,
                               QLabel, QSizePolicy, QWidget)

from db.text import display_text

from ..flowlayout import FlowLayout
from ..i18n import tr

FOUND = QColor("#0072B2")        # blue
BY_HAND = QColor("#009E73")      # bluish green
REVIEW = QColor("#D55E00")       # vermillion
EMPTY = QColor("#CC79A7")        # reddish purple
LOOSE = QColor("#E69F00")        # orange
DOOR = QColor("#56B4E9")         # sky blue
INK = QColor("#111111")
HALO = QColor(255, 255, 255, 215)


@dataclass(frozen=True)
class Look:
    color: QColor
    style: Qt.PenStyle
    width: float                 # logical pixels
    fill_alpha: int
    marker: str                  # "", "?", "tick", "diamond", "door"


LOOKS = {
    "found": Look(FOUND, Qt.PenStyle.SolidLine, 1.5, 38, ""),
    "unlisted": Look(FOUND, Qt.PenStyle.DashDotLine, 2.2, 38, "!"),
    "hand": Look(BY_HAND, Qt.PenStyle.SolidLine, 2.2, 46, "tick"),
    "review": Look(REVIEW, Qt.PenStyle.DashLine, 2.6, 52, "?"),
    "empty": Look(EMPTY, Qt.PenStyle.DotLine, 1.8, 0, ""),
    "loose": Look(LOOSE, Qt.PenStyle.SolidLine, 1.5, 0, "diamond"),
    "door": Look(DOOR, Qt.PenStyle.SolidLine, 1.5, 255, "door"),
}


def legend_entries() -> list[tuple[str, str]]:
    return [("found", tr("Booth found")), ("unlisted", tr("Code in no list")),
            ("hand", tr("Booth set by you")),
            ("review", tr("Booth to review")), ("empty", tr("Empty outline")),
            ("loose", tr("Code without an outline")), ("door", tr("Door"))]


def look_icon(kind: str, size: int = 18) -> QIcon:
    """The mark as the legend shows it (same pen, same marker)."""
    pm = QPixmap(size * 2, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    look = LOOKS[kind]
    r = QRectF(2, 3, size * 2 - 4, size - 6)
    if kind in ("loose", "door"):
        _marker(p, look, r.center(), size * 0.7)
    else:
        _box(p, look, r, 1.0)
        if look.marker:
            _corner_marker(p, look, r, size * 0.55)
    p.end()
    return QIcon(pm)


def _pen(look: Look, ratio: float, width: float | None = None) -> QPen:
    pen = QPen(look.color, (width or look.width) * ratio, look.style)
    pen.setCosmetic(True)
    return pen


def _box(p: QPainter, look: Look, r: QRectF, ratio: float) -> None:
    p.setPen(_pen(look, ratio))
    fill = QColor(look.color)
    fill.setAlpha(look.fill_alpha)
    p.setBrush(QBrush(fill) if look.fill_alpha else Qt.BrushStyle.NoBrush)
    p.drawRect(r)


def _corner_marker(p: QPainter, look: Look, r: QRectF, px: float) -> None:
    """The "?" or tick in a box's top-left corner (device pixels, ``p`` untransformed)."""
    c = QRectF(r.left() + 1, r.top() + 1, px, px)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(look.color)
    p.drawEllipse(c)
    if look.marker in ("?", "!"):
        f = QFont()
        f.setPixelSize(max(6, int(px * 0.8)))
        f.setBold(True)
        p.setFont(f)
        p.setPen(QColor("white"))
        p.drawText(c, Qt.AlignmentFlag.AlignCenter, look.marker)
    else:
        pen = QPen(QColor("white"), max(1.0, px / 7))
        p.setPen(pen)
        p.drawPolyline(QPolygonF([QPointF(c.left() + px * 0.25, c.top() + px * 0.52),
                                  QPointF(c.left() + px * 0.43, c.top() + px * 0.72),
                                  QPointF(c.left() + px * 0.76, c.top() + px * 0.3)]))


def _marker(p: QPainter, look: Look, at: QPointF, px: float) -> None:
    """A diamond (loose code) or a triangle (door), ``px`` across, in device pixels."""
    h = px / 2
    if look.marker == "diamond":
        poly = QPolygonF([QPointF(at.x(), at.y() - h), QPointF(at.x() + h, at.y()),
                          QPointF(at.x(), at.y() + h), QPointF(at.x() - h, at.y())])
    else:
        poly = QPolygonF([QPointF(at.x(), at.y() - h), QPointF(at.x() + h, at.y() + h * 0.8),
                          QPointF(at.x() - h, at.y() + h * 0.8)])
    p.setPen(QPen(INK, 1.0))
    p.setBrush(look.color)
    p.drawPolygon(poly)


class MarkItem(QGraphicsItem):
    """One booth, empty outline, loose code or door on the page (page units)."""

    def __init__(self, kind: str, ref: int, rect: QRectF, code: str = "", tip: str = ""):
        super().__init__()
        self.kind = kind              # found | unlisted | hand | review | empty | loose | door
        self.ref = ref                # the PlanImport id (a door: its index)
        self.rect = rect
        self.code = display_text(code, 40) if code else ""
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        # Smaller marks above larger ones (a click finds the booth, not an outline around
        # it); codes and doors above everything.
        area = max(rect.width() * rect.height(), 1e-6)
        self._z = 100.0 if kind in ("loose", "door") else -area
        self.setZValue(self._z)
        if tip:
            self.setToolTip(tip)

    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            # a selected mark is drawn above its neighbours (its frame stays whole)
            self.setZValue(self._z + (1e9 if value else 0.0))
        return super().itemChange(change, value)

    def boundingRect(self) -> QRectF:
        m = max(self.rect.width(), self.rect.height()) * 0.1 + 0.5
        return self.rect.adjusted(-m, -m, m, m)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.boundingRect() if self.kind in ("loose", "door") else self.rect)
        return path

    def paint(self, painter: QPainter, option, widget=None) -> None:
        look = LOOKS[self.kind]
        dev = painter.device()
        ratio = dev.devicePixelRatio() if dev is not None else 1.0
        t = painter.worldTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        r = t.mapRect(self.rect)                       # device pixels
        painter.save()
        painter.resetTransform()
        selected = self.isSelected()
        if selected:        # a wide black frame with a white core: seen on any mark
            frame = r.adjusted(-3 * ratio, -3 * ratio, 3 * ratio, 3 * ratio)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor("black"), 6 * ratio))
            painter.drawRect(frame)
            painter.setPen(QPen(QColor("white"), 2 * ratio))
            painter.drawRect(frame)
        if self.kind in ("loose", "door"):
            px = 12 * ratio
            _marker(painter, look, QPointF(r.center().x(), r.center().y()), px)
            if self.code:
                self._label(painter, QRectF(r.center().x() + px * 0.6, r.center().y() - px,
                                            200 * ratio, 2 * px), ratio, left=True)
        else:
            pen = QPen(look.color, look.width * ratio, look.style)
            painter.setPen(pen)
            fill = QColor(look.color)
            fill.setAlpha(look.fill_alpha)
            painter.setBrush(QBrush(fill) if look.fill_alpha else Qt.BrushStyle.NoBrush)
            painter.drawRect(r)
            if look.marker and min(r.width(), r.height()) >= 9 * ratio:
                _corner_marker(painter, look, r, min(14 * ratio, r.height() * 0.45))
            if self.code and r.width() >= 16 * ratio and r.height() >= 9 * ratio:
                self._label(painter, r, ratio)
        painter.restore()

    def _label(self, painter: QPainter, r: QRectF, ratio: float, left: bool = False) -> None:
        f = QFont()
        px = min(12 * ratio, r.height() * 0.3)
        if not left:        # as large as fits across the box (bold digits: ~0.65 em each)
            px = min(px, (r.width() - 4 * ratio) / (0.65 * max(1, len(self.code))))
        if px < 6 * ratio:
            return
        f.setPixelSize(int(px))
        f.setBold(True)
        fm = QFontMetricsF(f)
        text = fm.elidedText(self.code, Qt.TextElideMode.ElideRight, r.width() - 2 * ratio) \
            if not left else self.code
        if not text:
            return
        w, h = fm.horizontalAdvance(text) + 4 * ratio, fm.height()
        # inside the box's foot, so that the code printed on the plan (most often in
        # the middle) stays in sight beside what was read
        box = QRectF(r.left(), r.center().y() - h / 2, w, h) if left else \
            QRectF(r.center().x() - w / 2, r.bottom() - h - 2 * ratio, w, h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(HALO)
        painter.drawRoundedRect(box, 2 * ratio, 2 * ratio)
        painter.setFont(f)
        painter.setPen(INK)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


class Legend(QWidget):
    """What each mark means, drawn with the marks' own pens and markers."""

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = FlowLayout(self, spacing=4)      # wraps in a narrow window
        lay.setContentsMargins(4, 2, 4, 2)
        for kind, text in legend_entries():
            entry = QWidget()
            row = QHBoxLayout(entry)
            row.setContentsMargins(0, 0, 8, 0)
            row.setSpacing(4)
            icon = QLabel()
            icon.setPixmap(look_icon(kind).pixmap(36, 18))
            row.addWidget(icon)
            lab = QLabel(text)
            lab.setObjectName(f"legend-{kind}")
            row.addWidget(lab)
            lay.addWidget(entry)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)


class ReviewView(QGraphicsView):
    """The page and its marks; emits what the user drew (page units)."""
    drawn = Signal(QRectF)                 # a rectangle dragged with the draw tool
    pointed = Signal(QPointF)              # a click with the door tool
    measured = Signal(QPointF, QPointF)    # a line dragged with the measure tool
    toolChanged = Signal(str)

    TOOLS = ("select", "draw", "door", "measure")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        # Marks are drawn in screen pixels and may reach beyond their item: repaint it all.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(tr("Plan page under review"))
        self.setMouseTracking(True)
        self.page_item: QGraphicsPixmapItem | None = None
        self.items_by_ref: dict[int, MarkItem] = {}
        self.doors: list[MarkItem] = []
        self.tool = "select"
        self._start: QPointF | None = None
        self._rubber: QGraphicsRectItem | None = None
        self._line: QGraphicsLineItem | None = None
        self.set_tool("select")

    # ----------------------------------------------------------------- page
    def set_page(self, image: QImage, width: float, height: float) -> None:
        """The rendered page; ``width`` x ``height`` in page units."""
        sc = self.scene()
        sc.clear()
        self.items_by_ref.clear()
        self.doors = []
        self._rubber = self._line = None
        pm = QPixmap.fromImage(image)
        self.page_item = QGraphicsPixmapItem(pm)
        self.page_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        if pm.width() > 0:
            self.page_item.setScale(width / pm.width())
        self.page_item.setZValue(-1e12)
        sc.addItem(self.page_item)
        margin = max(width, height) * 0.05
        sc.setSceneRect(QRectF(0, 0, width, height).adjusted(-margin, -margin, margin, margin))
        self.page_rect = QRectF(0, 0, width, height)

    def set_marks(self, marks: list[MarkItem], doors: list[MarkItem]) -> None:
        sc = self.scene()
        sc.blockSignals(True)
        for it in list(self.items_by_ref.values()) + self.doors:
            sc.removeItem(it)
        self.items_by_ref = {}
        for m in marks:
            sc.addItem(m)
            self.items_by_ref[m.ref] = m
        self.doors = doors
        for d in doors:
            sc.addItem(d)
        sc.blockSignals(False)
        sc.selectionChanged.emit()

    def selected_marks(self) -> list[MarkItem]:
        return [it for it in self.scene().selectedItems() if isinstance(it, MarkItem)]

    def select_refs(self, refs, centre: bool = False) -> None:
        sc = self.scene()
        sc.blockSignals(True)
        sc.clearSelection()
        got = [self.items_by_ref[r] for r in refs if r in self.items_by_ref]
        for it in got:
            it.setSelected(True)
        sc.blockSignals(False)
        sc.selectionChanged.emit()
        if centre and got:
            self.show_rect(got[0].rect)

    def show_rect(self, rect: QRectF) -> None:
        """Bring ``rect`` into view, zoomed so that a booth is comfortably large."""
        vw = max(self.viewport().width(), 50)
        want = min(vw / max(rect.width() * 10, 1e-6), vw / max(rect.height() * 10, 1e-6))
        cur = self.transform().m11()
        if cur < want * 0.5 or cur > want * 4:
            f = want / cur
            self.scale(f, f)
        self.centerOn(rect.center())

    def fit(self) -> None:
        if self.page_item is not None:
            self.fitInView(self.page_rect, Qt.AspectRatioMode.KeepAspectRatio)

    def zoom(self, f: float) -> None:
        cur = self.transform().m11()
        fit = min(self.viewport().width() / max(self.page_rect.width(), 1),
                  self.viewport().height() / max(self.page_rect.height(), 1)) \
            if self.page_item is not None else 1.0
        target = max(fit * 0.5, min(fit * 80, cur * f))
        self.scale(target / cur, target / cur)

    # ---------------------------------------------------------------- tools
    def set_tool(self, tool: str) -> None:
        if tool not in self.TOOLS:
            return
        self.tool = tool
        self._start = None
        if self._rubber is not None:
            self.scene().removeItem(self._rubber)
            self._rubber = None
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag if tool == "select"
                         else QGraphicsView.DragMode.NoDrag)
        self.viewport().setCursor(Qt.CursorShape.ArrowCursor if tool == "select"
                                  else Qt.CursorShape.CrossCursor)
        self.toolChanged.emit(tool)

    def clear_line(self) -> None:
        if self._line is not None:
            self.scene().removeItem(self._line)
            self._line = None

    def mousePressEvent(self, event) -> None:
        if self.tool == "select" or event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        p = self.mapToScene(event.position().toPoint())
        if self.tool == "door":
            self.pointed.emit(p)
        else:
            self._start = p
            if self.tool == "measure":
                self.clear_line()
                pen = QPen(INK, 2, Qt.PenStyle.DashLine)
                pen.setCosmetic(True)
                self._line = self.scene().addLine(QLineF(p, p), pen)
                self._line.setZValue(1e6)
            else:
                pen = QPen(BY_HAND, 2, Qt.PenStyle.DashLine)
                pen.setCosmetic(True)
                self._rubber = self.scene().addRect(QRectF(p, p), pen)
                self._rubber.setZValue(1e6)
        event.accept()

    def mouseMoveEvent(self, event) -> None:
        if self._start is None:
            return super().mouseMoveEvent(event)
        p = self.mapToScene(event.position().toPoint())
        if self.tool == "measure" and self._line is not None:
            self._line.setLine(QLineF(self._start, p))
        elif self._rubber is not None:
            self._rubber.setRect(QRectF(self._start, p).normalized())
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        if self._start is None or event.button() != Qt.MouseButton.LeftButton:
            return super().mouseReleaseEvent(event)
        p = self.mapToScene(event.position().toPoint())
        start, self._start = self._start, None
        px = (self.mapFromScene(p) - self.mapFromScene(start)).manhattanLength()
        if self.tool == "measure":
            if self._line is not None:
                self._line.setLine(QLineF(start, p))
            if px >= 4:
                self.measured.emit(start, p)
            else:
                self.clear_line()
        else:
            if self._rubber is not None:
                self.scene().removeItem(self._rubber)
                self._rubber = None
            r = QRectF(start, p).normalized()
            if px >= 4 and r.width() > 0 and r.height() > 0:
                self.drawn.emit(r)
        event.accept()

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom(1.25 ** steps)
            event.accept()
        else:
            super().wheelEvent(event)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.25)
        elif key == Qt.Key.Key_Minus:
            self.zoom(0.8)
        elif key == Qt.Key.Key_0:
            self.fit()
        elif key == Qt.Key.Key_Escape:
            # Esc leaves a tool, then clears the selection; it never closes the review.
            if self.tool != "select":
                self.set_tool("select")
            else:
                self.scene().clearSelection()
        else:
            super().keyPressEvent(event)
