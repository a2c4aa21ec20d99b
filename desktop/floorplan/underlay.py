"""The organiser's plan picture under the booths (an expo whose layout came from a plan).

``db.planimport.write.underlays`` gives each stored picture with two of its points and
where they lie on the floor (metres). Here each becomes an ``Underlay``: the picture
decoded once, in grey (booth colours stay readable over it), with a chain of halved
copies (level of detail: a tile draws from the smallest copy that still has at least
one picture pixel per screen pixel, so a zoomed-out tile never scales a 4,000-pixel
page down); a dark theme gets the grey picture inverted. The tiles draw it into their
background (``desktop.floorplan.tiles.render_region``), under the booths, so the plan's
repaint and pan budgets are those of the tiles.

Decoding runs in the tile worker (``FloorScene`` asks for it when the worker is idle);
until it is done the tiles are drawn without it.
"""
from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter

log = logging.getLogger("wesemibay.floorplan")

MIN_MIP_SIDE = 256        # the smallest copy kept
LIGHT_OPACITY = 0.5       # the picture over the hall's fill, light theme
DARK_OPACITY = 0.4


class Underlay:
    """One plan picture placed on the floor: ``rect`` (metres) is where it lies."""

    def __init__(self, data: bytes, rect: QRectF, hall: str = "", page: int = 1):
        self.data = data
        self.rect = rect
        self.hall = hall
        self.page = page
        self.ready = False
        self.failed = False
        self._mips: dict[bool, list[QImage]] = {}    # dark? -> largest first
        self._lock = threading.Lock()

    @classmethod
    def from_record(cls, rec: dict) -> "Underlay | None":
        """From one of ``db.planimport.write.underlays``' records (None: unusable)."""
        try:
            (u0, v0, x0, y0), (u1, v1, x1, y1) = [[float(v) for v in p][:4]
                                                  for p in rec["calibration"][:2]]
            w, h = float(rec["width"]), float(rec["height"])
        except (KeyError, TypeError, ValueError):
            return None
        if u1 == u0 or v1 == v0 or w <= 0 or h <= 0 or not rec.get("data"):
            return None
        sx, sy = (x1 - x0) / (u1 - u0), (y1 - y0) / (v1 - v0)      # metres per pixel
        if sx <= 0 or sy <= 0:
            return None
        rect = QRectF(x0 - u0 * sx, y0 - v0 * sy, w * sx, h * sy)
        return cls(bytes(rec["data"]), rect, str(rec.get("hall") or ""),
                   int(rec.get("page") or 1))

    # ------------------------------------------------------------ preparing
    def prepare(self) -> bool:
        """Decode the picture and make its smaller copies (any thread; once)."""
        with self._lock:
            if self.ready or self.failed:
                return self.ready
            img = QImage.fromData(self.data)
            if img.isNull():
                log.warning("the plan picture of page %s cannot be decoded; not shown",
                            self.page)
                self.failed = True
                return False
            img = img.convertToFormat(QImage.Format.Format_Grayscale8)
            mips = [img]
            while max(mips[-1].width(), mips[-1].height()) > MIN_MIP_SIDE * 2:
                m = mips[-1]
                mips.append(m.scaled(max(1, m.width() // 2), max(1, m.height() // 2),
                                     Qt.AspectRatioMode.IgnoreAspectRatio,
                                     Qt.TransformationMode.SmoothTransformation))
            self._mips[False] = mips
            self.data = b""
            self.ready = True
            return True

    def _chain(self, dark: bool) -> list[QImage]:
        got = self._mips.get(dark)
        if got is None:
            with self._lock:
                got = self._mips.get(dark)
                if got is None:
                    got = []
                    for m in self._mips[False]:
                        inv = m.copy()
                        inv.invertPixels()
                        got.append(inv)
                    self._mips[dark] = got
        return got

    def image_for(self, device_px_per_m: float, dark: bool = False) -> QImage:
        """The smallest copy with at least one pixel per device pixel at this zoom."""
        chain = self._chain(dark)
        want = device_px_per_m * self.rect.width()          # device pixels across
        best = chain[0]
        for m in chain:
            if m.width() >= want:
                best = m
            else:
                break
        return best

    # ------------------------------------------------------------- painting
    def paint(self, painter: QPainter, x0: float, y0: float, x1: float, y1: float,
              device_px_per_m: float, dark: bool) -> None:
        """Draw the part within scene rect (x0, y0)-(x1, y1); the painter maps metres."""
        if not self.ready:
            return
        r = self.rect
        vis = r.intersected(QRectF(x0, y0, x1 - x0, y1 - y0))
        if vis.isEmpty():
            return
        img = self.image_for(device_px_per_m, dark)
        kx, ky = img.width() / r.width(), img.height() / r.height()
        src = QRectF((vis.left() - r.left()) * kx, (vis.top() - r.top()) * ky,
                     vis.width() * kx, vis.height() * ky)
        painter.save()
        painter.setOpacity(DARK_OPACITY if dark else LIGHT_OPACITY)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(vis, img, src)
        painter.restore()


def load_underlays(expo) -> list[Underlay]:
    """The expo's plan pictures (none for most expos: one read of the expo's record)."""
    from db.errors import DataError
    from db.planimport.write import layout_of, underlays
    try:
        if not layout_of(expo):
            return []
        records = underlays(expo)
    except DataError as exc:       # a damaged record: the plan is drawn without it
        log.warning("plan pictures not shown: %s", exc)
        return []
    out = []
    for rec in records:
        u = Underlay.from_record(rec)
        if u is None:
            log.warning("a plan picture's calibration is unusable; not shown")
        else:
            out.append(u)
    return out
