"""Background jobs of the window, run by ``desktop.jobs.Jobs``: imports, thumbnails,
pictures and search, off the UI thread.

Each job is a function of a ``desktop.jobs.Task`` that does ``db`` work in a worker
thread and returns plain data (or a ``QImage``): the runner delivers it, or the one line of
its error, on the UI thread.

- ``import_job``: ``db.importing.prepare_import`` with progress and cancel; the caller
  commits the prepared import on the UI thread.
- ``ThumbnailLoader``: thumbnails by image id; a placeholder until they
  arrive; made with Pillow when the file has none, and cached in the file
  when it is writable.
- ``picture_job``: one picture, upright and screen-sized, for the product view.
- ``search_job``: search as you type; submitted with one key, so only the latest text is
  searched and a running search is interrupted when a newer one comes in.
"""
from __future__ import annotations

import logging
import threading
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from db import images as dbimages
from db.errors import DataError
from db.expo import open_reader, store_thumbnail

from .jobs import LOW, NORMAL, URGENT, Cancelled, Jobs, Task, shared_runner

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


def import_job(expo_path, files, *, base=None, encoding=None, mapping=None,
               strict=False, data_dir=None):
    """A job (for ``Jobs.submit``) that prepares an import into a checked temporary copy;
    its result is the ``PreparedImport`` to commit (or to ``discard`` when dropped)."""
    def run(task: Task):
        from db.importing import ImportCancelled, prepare_import
        from db.integrity import IntegrityCache
        cache = IntegrityCache(data_dir) if data_dir is not None else None
        try:
            prepared = prepare_import(expo_path, files, progress=task.progress,
                                      cancel=lambda: task.cancelled, base=base,
                                      encoding=encoding, mapping=mapping, strict=strict,
                                      integrity_cache=cache)
        except ImportCancelled:
            raise Cancelled("import") from None
        return prepared
    return run


def discard_import(prepared) -> None:
    """``drop`` of an import job: a prepared import nobody commits leaves no file."""
    prepared.discard()


class ThumbnailLoader(QObject):
    """Thumbnails by image id: ``image(id)`` answers at once (placeholder until ready).

    The thumbnails are made by ``jobs`` (the window's runner; a loader without one makes
    its own), at most one job per picture."""
    ready = Signal(int)

    def __init__(self, expo_path, writable: bool = True, parent=None, size: int = 96,
                 jobs: Jobs | None = None):
        super().__init__(parent)
        self.path = Path(expo_path)
        self.writable = writable
        self.size = size
        self.jobs = jobs if jobs is not None else Jobs(self.path, name="thumbnails",
                                                       parent=self)
        self._cache: dict[int, QImage] = {}
        self._pending: set[int] = set()
        self._bad: set[int] = set()
        self._lock = threading.Lock()
        self.placeholder = placeholder_image(size)

    def image(self, image_id: int | None) -> QImage:
        if not image_id:
            return self.placeholder
        img = self._cache.get(image_id)
        if img is not None:
            return img
        if image_id not in self._pending and image_id not in self._bad \
                and not self.jobs.closed:
            self._pending.add(image_id)
            self.jobs.submit(partial(self._make, image_id), name=f"thumbnail #{image_id}",
                             priority=NORMAL,
                             done=partial(self._on_done, image_id),
                             failed=lambda _line, _exc, i=image_id: self._on_done(i, None),
                             cancelled=partial(self._pending.discard, image_id))
        return self.placeholder

    def is_ready(self, image_id: int) -> bool:
        return image_id in self._cache or image_id in self._bad

    def _make(self, image_id: int, task: Task) -> QImage | None:
        """In a worker: the stored thumbnail, or one made now (and kept in the file)."""
        row = task.reader().image_blobs(image_id)
        if row is None:
            return None
        thumb, data = row
        if thumb is None:
            task.check()
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

    def _on_done(self, image_id: int, img: QImage | None) -> None:
        self._pending.discard(image_id)
        if img is None or img.isNull():
            self._bad.add(image_id)
        else:
            self._cache[image_id] = img
        self.ready.emit(image_id)

    def wait(self, msecs: int = 5000) -> bool:
        """Until every thumbnail asked for has arrived (tests and benchmarks)."""
        return self.jobs.wait_idle(msecs)


_KEEP = Qt.AspectRatioMode.KeepAspectRatio
_SMOOTH = Qt.TransformationMode.SmoothTransformation


def picture_job(image_id: int, max_side: int = 1200):
    """A job: the full picture of one image, upright and at most ``max_side`` pixels, as a
    ``QImage``; a picture that cannot be shown fails with its reason (and a log line)."""
    def run(task: Task) -> QImage:
        picture = task.reader().image_data(image_id)
        if not picture:
            raise DataError("no picture data")
        task.check()
        try:
            data, _w, _h = dbimages.render(picture, max_side)
            img = QImage()
            if not img.loadFromData(data):
                raise dbimages.ImageProblem("unreadable after conversion")
        except dbimages.ImageProblem as exc:
            log.warning("picture #%s: %s; showing a placeholder", image_id, exc)
            raise DataError(str(exc)) from None
        return img
    return run


def search_job(text: str, limit: int = 60, candidates: int | None = None):
    """A job: the search hits for ``text`` (submit it with ``key="search"``: a newer text
    interrupts it); ``candidates``: db.search's bounds raised (show all hits)."""
    def run(task: Task) -> list:
        if candidates is None:
            return task.reader().search(text, limit=limit)
        return task.reader().search(text, limit=limit, candidates=candidates)
    return run


def read_in_background(path, job, deliver, name: str = "reader", runner: Jobs | None = None
                       ) -> None:
    """Run ``job(reader)`` on a runner (``runner``, else the program's shared one), on a
    read-only handle of its own on the expo file at ``path`` (``open_reader``), and hand
    its result to ``deliver`` on the UI thread; None when the file failed (damage said once
    by the window's banner, anything else logged). ``deliver`` of a closed window is
    dropped."""
    def work(task: Task):
        try:
            with open_reader(path) as reader:
                task.on_cancel(reader.interrupt)
                return job(reader)
        except DataError as exc:
            from .integrity_view import report_damage
            if not report_damage(path, exc):
                log.warning("%s", exc)
            return None

    def done(result) -> None:
        try:
            deliver(result)
        except RuntimeError:               # the window closed meanwhile
            pass
    (runner or shared_runner()).submit(work, name=name, done=done)


__all__ = ["read_in_background", "placeholder_image", "import_job", "discard_import", "ThumbnailLoader",
           "picture_job", "search_job", "LOW", "NORMAL", "URGENT"]
