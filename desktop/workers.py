"""Background jobs: imports, thumbnails and search, off the UI thread.

Each job reads the expo file through a handle of its own (``db.expo.open_reader``:
read-only; the one write, a made thumbnail, is ``db.expo.store_thumbnail``), reports
through Qt signals (delivered queued on the UI thread) and never raises into Qt:
failures become a signal with a message.

- ``ImportJob``: ``db.importing.prepare_import`` with progress and cancel.
- ``ThumbnailLoader``: thumbnails by image id; a placeholder until they
  arrive; made with Pillow when the file has none, and cached in the file
  when it is writable.
- ``PictureJob``: one picture, upright and screen-sized, for the product view.
- ``SearchWorker``: search as you type; only the latest text is searched, a
  running search is interrupted when a newer one comes in.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from db import images as dbimages
from db.errors import DataError
from db.expo import open_reader, store_thumbnail

log = logging.getLogger("wesemibay.workers")


def placeholder_image(size: int = 96, text: str = "") -> QImage:
    """A neutral picture frame shown until (or instead of) a real picture."""
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(QColor("#eef1f5"))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor("#b7c0cc"))
    pen.setWidthF(max(1.0, size / 48))
    p.setPen(pen)
    m = size * 0.22
    p.drawRoundedRect(int(m), int(m), int(size - 2 * m), int(size - 2 * m), 4, 4)
    p.drawLine(int(m), int(size - m), int(size / 2), int(size / 2))
    p.drawLine(int(size / 2), int(size / 2), int(size - m), int(size - m))
    p.drawEllipse(int(size * 0.58), int(size * 0.32), int(size * 0.1), int(size * 0.1))
    if text:
        p.drawText(img.rect(), 0x0084, text)   # AlignHCenter | AlignBottom
    p.end()
    return img


class _Signals(QObject):
    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(object)        # the exception (ImportFailed carries its report)
    cancelled = Signal()


class ImportJob(QRunnable):
    """Prepare an import in a worker thread; the caller commits it on the UI thread."""

    def __init__(self, expo_path, files, *, base=None, encoding=None, mapping=None,
                 strict=False):
        super().__init__()
        self.setAutoDelete(False)
        self.signals = _Signals()
        self.args = (expo_path, files)
        self.kwargs = {"base": base, "encoding": encoding, "mapping": mapping, "strict": strict}
        self._cancel = threading.Event()
        self.done = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        from db.importing import ImportCancelled, prepare_import
        try:
            prepared = prepare_import(*self.args, progress=self.signals.progress.emit,
                                      cancel=self._cancel.is_set, **self.kwargs)
        except ImportCancelled:
            self.signals.cancelled.emit()
        except Exception as exc:  # a bad file or disk: shown to the user, never raised in Qt
            if not hasattr(exc, "report"):
                log.exception("import failed")
            self.signals.failed.emit(exc)
        else:
            if self._cancel.is_set():
                prepared.discard()
                self.signals.cancelled.emit()
            else:
                self.signals.finished.emit(prepared)
        finally:
            self.done.set()


class _ThumbTask(QRunnable):
    def __init__(self, loader: "ThumbnailLoader", image_id: int):
        super().__init__()
        self.loader = loader
        self.image_id = image_id

    def run(self) -> None:
        img = None
        try:
            img = self.loader._make(self.image_id)
        except Exception:  # never into Qt; a bad picture gets the placeholder
            log.exception("thumbnail %s failed", self.image_id)
        self.loader._done.emit(self.image_id, img if img is not None else QImage())


class ThumbnailLoader(QObject):
    """Thumbnails by image id: ``image(id)`` answers at once (placeholder until ready)."""
    ready = Signal(int)
    _done = Signal(int, QImage)

    def __init__(self, expo_path, writable: bool = True, parent=None, size: int = 96):
        super().__init__(parent)
        self.path = Path(expo_path)
        self.writable = writable
        self.size = size
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._cache: dict[int, QImage] = {}
        self._pending: set[int] = set()
        self._bad: set[int] = set()
        self._lock = threading.Lock()
        self.placeholder = placeholder_image(size)
        self._done.connect(self._on_done)

    def image(self, image_id: int | None) -> QImage:
        if not image_id:
            return self.placeholder
        img = self._cache.get(image_id)
        if img is not None:
            return img
        if image_id not in self._pending and image_id not in self._bad:
            self._pending.add(image_id)
            self.pool.start(_ThumbTask(self, image_id))
        return self.placeholder

    def is_ready(self, image_id: int) -> bool:
        return image_id in self._cache or image_id in self._bad

    def _make(self, image_id: int) -> QImage | None:
        with open_reader(self.path) as reader:
            row = reader.image_blobs(image_id)
        if row is None:
            return None
        thumb, data = row
        if thumb is None:
            thumb = dbimages.thumbnail_or_none(data, f"#{image_id}")
            if thumb is None:
                return None
            if self.writable:
                self._store(image_id, thumb)
        img = QImage()
        if not img.loadFromData(thumb):
            log.warning("picture #%s: stored thumbnail unreadable; showing a placeholder",
                        image_id)
            return None
        return img.scaled(self.size, self.size, aspectMode=_KEEP, mode=_SMOOTH)

    def _store(self, image_id: int, thumb: bytes) -> None:
        """Cache a made thumbnail in the expo file (best effort; never blocks long)."""
        with self._lock:
            try:
                store_thumbnail(self.path, image_id, thumb)
            except DataError as exc:
                log.info("thumbnail #%s not cached in the file: %s", image_id, exc)

    def _on_done(self, image_id: int, img: QImage) -> None:
        self._pending.discard(image_id)
        if img.isNull():
            self._bad.add(image_id)
        else:
            self._cache[image_id] = img
        self.ready.emit(image_id)

    def wait(self, msecs: int = 5000) -> bool:
        return self.pool.waitForDone(msecs)


from PySide6.QtCore import Qt  # noqa: E402

_KEEP = Qt.AspectRatioMode.KeepAspectRatio
_SMOOTH = Qt.TransformationMode.SmoothTransformation


class PictureJob(QRunnable):
    """The full picture of one image, upright and at most ``max_side`` pixels."""

    def __init__(self, expo_path, image_id: int, max_side: int = 1200):
        super().__init__()
        self.signals = _Signals()
        self.path = Path(expo_path)
        self.image_id = image_id
        self.max_side = max_side

    def run(self) -> None:
        try:
            with open_reader(self.path) as reader:
                picture = reader.image_data(self.image_id)
            if not picture:
                self.signals.failed.emit("no picture data")
                return
            data, _w, _h = dbimages.render(picture, self.max_side)
            img = QImage()
            if not img.loadFromData(data):
                raise dbimages.ImageProblem("unreadable after conversion")
            self.signals.finished.emit(img)
        except dbimages.ImageProblem as exc:
            log.warning("picture #%s: %s; showing a placeholder", self.image_id, exc)
            self.signals.failed.emit(str(exc))
        except Exception as exc:
            log.exception("picture #%s failed", self.image_id)
            self.signals.failed.emit(str(exc))


class SearchWorker(QObject):
    """Search as you type in a thread of its own; stale requests are dropped."""
    results = Signal(int, str, object)      # request number, text, list of Hit

    def __init__(self, expo_path, parent=None, limit: int = 60, candidates: int | None = None):
        super().__init__(parent)
        self.path = Path(expo_path)
        self.limit = limit
        self.candidates = candidates        # db.search's bounds raised (show all hits)
        self._cond = threading.Condition()
        self._latest: tuple[int, str] | None = None
        self._seq = 0
        self._stop = False
        self._reader = None                 # the thread's db.expo.Expo, while it runs
        self._thread = threading.Thread(target=self._loop, name="search", daemon=True)
        self._thread.start()

    def _interrupt(self) -> None:
        if self._reader is not None:
            try:
                self._reader.interrupt()   # the running search raises, and is dropped
            except Exception:              # closed meanwhile
                pass

    def request(self, text: str) -> int:
        with self._cond:
            self._seq += 1
            self._latest = (self._seq, text)
            self._interrupt()              # a newer text makes the running search stale
            self._cond.notify()
            return self._seq

    @property
    def latest(self) -> int:
        return self._seq

    def stop(self, wait: bool = True) -> None:
        with self._cond:
            self._stop = True
            self._interrupt()
            self._cond.notify()
        if wait:
            self._thread.join(2)

    def _loop(self) -> None:
        try:
            reader = open_reader(self.path)
        except Exception as exc:
            log.error("search cannot open %s: %s", self.path, exc)
            return
        with self._cond:
            self._reader = reader
        try:
            while True:
                with self._cond:
                    while self._latest is None and not self._stop:
                        self._cond.wait()
                    if self._stop:
                        return
                    seq, text = self._latest
                    self._latest = None
                try:
                    hits = reader.search(text, limit=self.limit, candidates=self.candidates)
                except Exception:
                    log.exception("search %r failed", text)
                    hits = []
                if seq == self._seq:       # drop answers that a newer keystroke made stale
                    self.results.emit(seq, text, hits)
        finally:
            with self._cond:
                self._reader = None
            reader.close()
