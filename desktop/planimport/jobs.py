"""Running one plain function off the UI thread, with progress, for the plan import.

The one place the plan import starts background work (reading a plan, writing it into
the expo file, placing a booth): ``run(fn, ...)`` calls ``fn(progress)`` in Qt's global
thread pool and delivers ``progress(fraction, message)``, the result or the exception on
the UI thread. It stands alone so that it moves to ``desktop/jobs.py`` (the window's one
way to run background work) by changing this module only.

A job whose receiver is gone (the dialog was closed) still runs to its end; its result
is dropped. ``wait_all`` lets tests and the window's close wait for what is running.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from db.errors import DataError

log = logging.getLogger("wesemibay.planimport")

_running: set["Job"] = set()
_lock = threading.Lock()


class _Signals(QObject):
    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(object)          # the exception


class Job(QRunnable):
    """``fn(progress)`` in a worker thread; never raises into Qt."""

    def __init__(self, fn: Callable[[Callable[[float, str], None]], object]):
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.signals = _Signals()
        self.done = threading.Event()

    def run(self) -> None:
        try:
            result = self.fn(self.signals.progress.emit)
        except DataError as exc:            # a bad file or a full disk: one line for the user
            self.signals.failed.emit(exc)
        except Exception as exc:            # a bug: logged, and reported as one line too
            log.exception("background job failed")
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)
        finally:
            self.done.set()
            with _lock:
                _running.discard(self)


def run(fn, *, progress=None, finished=None, failed=None) -> Job:
    """Start ``fn(progress)`` in the background; the callbacks run on the UI thread."""
    job = Job(fn)
    if progress is not None:
        job.signals.progress.connect(progress)
    if finished is not None:
        job.signals.finished.connect(finished)
    if failed is not None:
        job.signals.failed.connect(failed)
    with _lock:
        _running.add(job)
    QThreadPool.globalInstance().start(job)
    return job


def wait_all(timeout_s: float = 30.0) -> bool:
    """Wait for every running job of this module (True: none left)."""
    with _lock:
        jobs = list(_running)
    return all(j.done.wait(timeout_s) for j in jobs)
