"""Running one plain function off the UI thread, with progress, for the plan import.

The one place the plan import starts background work (reading a plan, writing it into
the expo file, placing a booth): ``run(fn, owner=...)`` calls ``fn(progress)`` on the
runner of the window ``owner`` belongs to (``desktop.jobs``: the window's one way to run
background work) and delivers ``progress(fraction, message)``, the result or the exception
on the UI thread. A bug in ``fn`` is logged with its traceback by the runner and reaches
``failed`` as a ``DataError`` with the one line that names the log.

A job whose receiver is gone (the dialog was closed) still runs to its end; its result
is dropped. ``wait_all`` lets tests and the window's close wait for what is running.
"""
from __future__ import annotations

import threading
from typing import Callable

from db.errors import DataError

from ..jobs import Job, runner_of, shared_runner

_running: set[Job] = set()
_lock = threading.Lock()


def run(fn: Callable[[Callable[[float, str], None]], object], *, owner=None, progress=None,
        finished=None, failed=None) -> Job:
    """Start ``fn(progress)`` in the background; the callbacks run on the UI thread."""
    runner = runner_of(owner) or shared_runner()

    def work(task):
        try:
            return fn(task.progress)
        finally:
            with _lock:
                _running.discard(job)

    def on_failed(line: str, exc: BaseException) -> None:
        if failed is not None:
            failed(exc if isinstance(exc, DataError) else DataError(line))

    job = runner.submit(work, name="plan import", done=finished, failed=on_failed,
                        progress=progress)
    with _lock:
        _running.add(job)
    return job


def wait_all(timeout_s: float = 30.0) -> bool:
    """Wait for every running job of this module (True: none left)."""
    with _lock:
        jobs = list(_running)
    return all(j.wait(timeout_s) for j in jobs)
