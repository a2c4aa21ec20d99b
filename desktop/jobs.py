"""One way to run background work: ``Jobs``, a small pool of worker threads per window.

Reads, imports, thumbnails, pictures and search all go through it (the floor plan's tile
thread is the one exception; ``docs/architecture.md`` says why). A job is a function of
one argument, a ``Task``, that does plain ``db`` work in a worker thread and returns its
result; it may make a ``QImage`` (images are thread-safe) but never touches a widget:

    job = window.jobs.submit(lambda task: task.reader().search(text, limit=60),
                             name="search", key="search", priority=URGENT,
                             done=show_hits, failed=show_line)

- **Results on the UI thread.** ``done(result)``, ``failed(line, exc)``,
  ``progress(fraction, message)`` and ``cancelled()`` are called on the UI thread (queued),
  never while the caller is still in ``submit``.
- **Errors split as the error hook splits them** (``desktop.logs``): an error we expect
  (``DataError``: a bad file, a full disk) reaches ``failed`` as its one line and is logged
  as a warning; anything else is a bug: its traceback goes to the log, and ``failed`` gets
  the one line that says where the log is.
- **Cancel.** ``job.cancel()`` sets the job's token: the function sees ``task.cancelled``
  (or ``task.check()`` raises ``Cancelled``), and what it registered with
  ``task.on_cancel(fn)`` runs at once; a statement running on ``task.reader()`` is
  interrupted (``db.expo.Expo.interrupt``). A cancelled job's result is never delivered
  (``drop(result)`` is called instead, to discard what it made); ``cancelled()`` is.
- **Only the latest.** Jobs submitted with the same ``key`` replace each other: a newer one
  cancels the older (queued or running, its statement interrupted) and the older's result
  is dropped without a callback (search as you type, the products table's query).
- **Bounded.** At most ``threads`` worker threads (two: the machine's cores), started when
  work comes; ``URGENT`` jobs (search) go before ``NORMAL`` ones (pictures, thumbnails,
  queries) and ``LOW`` ones.
- **Readers.** ``task.reader()`` is the worker thread's own read-only handle on the
  runner's expo file (``db.expo.open_reader``), opened once per thread and kept, so a
  search does not pay for a fresh connection (and a cold page cache) at every keystroke.
- **Shut down with the window.** ``shutdown()`` cancels everything, joins the threads and
  closes their readers: no thread and no descriptor of the expo file is left behind.
"""
from __future__ import annotations

import heapq
import itertools
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

from .logs import bug_line, expected_error

log = logging.getLogger("wesemibay.jobs")

URGENT, NORMAL, LOW = 0, 1, 2
DEFAULT_THREADS = max(1, min(2, os.cpu_count() or 1))
JOIN_TIMEOUT_S = 5.0


class Cancelled(Exception):
    """Raised by ``Task.check()`` (or by a job's function) when its job was cancelled."""


class _Dispatcher(QObject):
    """Runs callables on the UI thread: a worker emits ``post``, the UI thread's event
    loop calls it (queued, also when posted from the UI thread itself)."""
    post = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.post.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def _run(self, fn) -> None:
        fn()


_dispatcher: _Dispatcher | None = None


def _ui_dispatcher() -> _Dispatcher:
    """The one dispatcher, made on the UI thread with the first runner; it lives as long
    as the program (a runner closed early never deletes it under a queued call)."""
    global _dispatcher
    if _dispatcher is None:
        _dispatcher = _Dispatcher()
    return _dispatcher


class Job:
    """A submitted job: its state, its result (once delivered) and its cancel.

    ``state``: "queued", "running", then "done", "failed" or "cancelled" (the function
    finished, the callbacks may still be on their way); ``thread`` is the name of the
    worker thread it ran in."""

    def __init__(self, name: str, fn, key, priority: int, callbacks: dict):
        self.name = name
        self.key = key
        self.priority = priority
        self.fn = fn
        self.callbacks = callbacks
        self.state = "queued"
        self.thread: str | None = None
        self.result: Any = None
        self.error: str | None = None              # the one line, when it failed
        self.exception: BaseException | None = None
        self.superseded = False                    # a newer job of its key replaced it
        self.cancel_requested = False
        self._lock = threading.Lock()
        self._running = False
        self._hooks: list[Callable[[], None]] = []
        self._finished = threading.Event()
        self._progress: tuple[float, str] | None = None
        self._progress_posted = False

    # ----------------------------------------------------------- the token
    def cancel(self) -> None:
        """Cancel the job: it does not start, or its function is told (``on_cancel``
        hooks run now, a reader's statement is interrupted); its result is dropped."""
        with self._lock:
            if self.cancel_requested:
                return
            self.cancel_requested = True
            hooks = list(self._hooks) if self._running else []
            # Called under the lock: a hook (an interrupt) never reaches the statement
            # of the next job this thread runs.
            for hook in hooks:
                try:
                    hook()
                except Exception:              # a handle closed meanwhile
                    log.debug("cancel hook of %s failed", self.name, exc_info=True)

    @property
    def cancelled(self) -> bool:
        return self.cancel_requested

    def _on_cancel(self, fn: Callable[[], None]) -> None:
        with self._lock:
            if self.cancel_requested and self._running:
                fn()
            else:
                self._hooks.append(fn)

    def _begin(self, thread: str) -> bool:
        with self._lock:
            if self.cancel_requested:
                return False
            self._running = True
            self.thread = thread
            self.state = "running"
            return True

    def _end(self, state: str) -> None:
        with self._lock:
            self._running = False
            self._hooks.clear()
            self.state = state
        self._finished.set()

    # ------------------------------------------------------------- waiting
    @property
    def finished(self) -> bool:
        """The function has returned (or the job never ran)."""
        return self._finished.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait (in any thread) until the function has returned; the callbacks come later,
        on the UI thread."""
        return self._finished.wait(timeout)

    def __repr__(self) -> str:
        return f"<Job {self.name} {self.state}>"


class Task:
    """What a job's function is handed, in its worker thread."""

    def __init__(self, job: Job, pool: "_Pool", worker: "_Worker"):
        self._job = job
        self._pool = pool
        self._worker = worker

    @property
    def cancelled(self) -> bool:
        return self._job.cancel_requested

    def check(self) -> None:
        """Raise ``Cancelled`` when the job was cancelled (call it between steps)."""
        if self._job.cancel_requested:
            raise Cancelled(self._job.name)

    def on_cancel(self, fn: Callable[[], None]) -> None:
        """Call ``fn()`` (from the cancelling thread) if the job is cancelled while it runs;
        at once if it already is."""
        self._job._on_cancel(fn)

    def progress(self, fraction: float, message: str = "") -> None:
        """Report progress; the UI thread gets the latest report (not every one)."""
        job = self._job
        with job._lock:
            job._progress = (fraction, message)
            if job._progress_posted:
                return
            job._progress_posted = True
        self._pool._post(lambda: self._pool._deliver_progress(job))

    def reader(self):
        """This worker thread's read-only handle on the runner's expo file (opened once,
        kept until the runner shuts down); cancelling the job interrupts its statement."""
        if self._pool.path is None:
            raise RuntimeError("this runner has no expo file")
        reader = self._worker.open_reader(self._pool.path)
        job = self._job
        # A cancel interrupts the running statement, and stops one that starts after it
        # (an interrupt that comes before the statement starts does nothing in SQLite).
        reader.stop_when(lambda: job.cancel_requested)
        self.on_cancel(reader.interrupt)
        return reader


class _Worker:
    """One worker thread and its reader."""

    def __init__(self, pool: "_Pool", number: int):
        self.pool = pool
        self.reader = None
        self.busy = False
        self.close_reader_after = False
        self.thread = threading.Thread(target=pool._work, args=(self,),
                                       name=f"{pool.name}-{number}", daemon=True)

    def open_reader(self, path: Path):
        if self.reader is None:
            from db.expo import open_reader
            self.reader = open_reader(path)
        return self.reader

    def close_reader(self) -> None:
        reader, self.reader = self.reader, None
        if reader is not None:
            try:
                reader.close()
            except Exception:
                log.debug("closing a reader failed", exc_info=True)


class _Pool:
    """The threads and the queue, plain Python (no Qt object a thread could outlive)."""

    def __init__(self, path, threads: int, name: str):
        self.path = Path(path) if path is not None else None
        self.max_threads = max(1, int(threads))
        self.name = name
        self.cv = threading.Condition()
        self.heap: list[tuple[int, int, Job]] = []
        self.seq = itertools.count()
        self.workers: list[_Worker] = []
        self.idle = 0
        self.closed = False
        self.by_key: dict[Any, Job] = {}
        self.running: set[Job] = set()
        self.undelivered = 0
        self.dispatcher = _ui_dispatcher()

    def _post(self, fn) -> None:
        self.dispatcher.post.emit(fn)

    # --------------------------------------------------------------- submit
    def submit(self, job: Job) -> None:
        older = None
        with self.cv:
            if self.closed:
                job.cancel_requested = True
                job._end("cancelled")
                return
            if job.key is not None:
                older = self.by_key.get(job.key)
                self.by_key[job.key] = job
            self.undelivered += 1
            heapq.heappush(self.heap, (job.priority, next(self.seq), job))
            if self.idle == 0 and len(self.workers) < self.max_threads:
                worker = _Worker(self, len(self.workers) + 1)
                self.workers.append(worker)
                worker.thread.start()
            else:
                self.cv.notify()
        if older is not None and not older.finished:
            older.superseded = True
            older.cancel()

    # --------------------------------------------------------------- worker
    def _work(self, worker: _Worker) -> None:
        try:
            while True:
                with self.cv:
                    self.idle += 1
                    while not self.heap and not self.closed:
                        self.cv.wait()
                    self.idle -= 1
                    if self.closed:
                        return
                    _prio, _seq, job = heapq.heappop(self.heap)
                    worker.busy = True
                    self.running.add(job)
                try:
                    self._run(job, worker)
                finally:
                    with self.cv:
                        worker.busy = False
                        self.running.discard(job)
                        close = worker.close_reader_after
                        worker.close_reader_after = False
                    if close:
                        worker.close_reader()
                    job = None                  # the UI thread holds the last reference
        finally:
            worker.close_reader()

    def _run(self, job: Job, worker: _Worker) -> None:
        if not job._begin(worker.thread.name):
            job._end("cancelled")
            self._post(lambda: self._deliver(job))
            return
        task = Task(job, self, worker)
        state = "done"
        try:
            job.result = job.fn(task)
            if job.cancel_requested:
                state = "cancelled"
        except BaseException as exc:           # never into Qt: the caller gets a line
            if job.cancel_requested or isinstance(exc, Cancelled):
                state = "cancelled"
            else:
                state = "failed"
                job.exception = exc
                line = expected_error(exc)
                if _damage(self.path, exc):   # a damaged page: the window's banner, once
                    line = line or str(exc)
                elif line is None:
                    log.error("background job %s failed (a bug)", job.name, exc_info=exc)
                    line = bug_line(type(exc).__name__)
                else:
                    log.warning("%s: %s", job.name, line)
                job.error = line
        finally:
            del task
        if state == "cancelled" or self.closed:
            # Nobody will take it: discard what it made here (the UI may not run again).
            if job.result is not None and job.callbacks.get("drop"):
                result, job.result = job.result, None
                try:
                    job.callbacks["drop"](result)
                except Exception:
                    log.exception("discarding the result of %s failed", job.name)
        job._end(state)
        self._post(lambda: self._deliver(job))

    # ---------------------------------------------------- on the UI thread
    def _forget(self, job: Job) -> None:
        with self.cv:
            self.undelivered -= 1
            if job.key is not None and self.by_key.get(job.key) is job:
                del self.by_key[job.key]

    def _deliver(self, job: Job) -> None:
        self._forget(job)
        cb = job.callbacks
        if job.state == "done" and (job.cancel_requested or self.closed):
            job.state = "cancelled"
        if job.state == "cancelled" and job.result is not None and cb.get("drop"):
            _call(job, "drop", job.result)
            job.result = None
        if self.closed or job.superseded:
            return
        if job.state == "done":
            _call(job, "done", job.result)
        elif job.state == "failed":
            _call(job, "failed", job.error, job.exception)
        else:
            _call(job, "cancelled")

    def _deliver_progress(self, job: Job) -> None:
        with job._lock:
            got, job._progress_posted = job._progress, False
        if got is None or self.closed or job.cancel_requested or job.finished:
            return
        _call(job, "progress", *got)

    # ------------------------------------------------------------ shutdown
    def release_readers(self) -> None:
        """Close every idle thread's reader now, a busy one's after its job."""
        with self.cv:
            idle = [w for w in self.workers if not w.busy]
            for w in self.workers:
                if w.busy:
                    w.close_reader_after = True
        for w in idle:
            w.close_reader()

    def stop(self, wait: bool = True, timeout: float = JOIN_TIMEOUT_S) -> bool:
        with self.cv:
            self.closed = True
            queued = [job for _p, _s, job in self.heap]
            self.heap.clear()
            self.undelivered -= len(queued)
            running = list(self.running)
            workers = list(self.workers)
            self.cv.notify_all()
        for job in queued:
            job.cancel()
            job._end("cancelled")
        for job in running:
            job.cancel()
        if not wait:
            return True
        deadline = time.monotonic() + timeout
        ok = True
        for w in workers:
            w.thread.join(max(0.0, deadline - time.monotonic()))
            if w.thread.is_alive():
                ok = False
                log.warning("background thread %s did not stop within %.0f s",
                            w.thread.name, timeout)
        return ok


def _damage(path, exc: BaseException) -> bool:
    """A damaged page of the expo file met by a job: said once by the window's banner
    (``desktop.integrity_view``), never as a bug."""
    from .integrity_view import report_damage
    return report_damage(getattr(exc, "filename", None) or path, exc)


def _call(job: Job, which: str, *args) -> None:
    fn = job.callbacks.get(which)
    if fn is None:
        return
    try:
        fn(*args)
    except Exception:
        # A callback's bug goes where every slot's bug goes (the error hook), after the
        # other jobs' callbacks had their turn.
        import sys
        sys.excepthook(*sys.exc_info())


class Jobs(QObject):
    """The background-work runner of one window (see the module's text)."""

    def __init__(self, path=None, threads: int = DEFAULT_THREADS, name: str = "jobs",
                 parent: QObject | None = None):
        super().__init__(parent)
        self._pool = _Pool(path, threads, name)
        pool = self._pool
        # Deleted with its parent before anyone shut it down: its threads still end.
        self.destroyed.connect(lambda *_: pool.stop(wait=False))

    @property
    def path(self) -> Path | None:
        return self._pool.path

    @property
    def closed(self) -> bool:
        return self._pool.closed

    def submit(self, fn: Callable[[Task], Any], *, name: str = "job", key=None,
               priority: int = NORMAL, done=None, failed=None, progress=None,
               cancelled=None, drop=None) -> Job:
        """Run ``fn(task)`` in a worker thread; its outcome comes back on the UI thread
        (``done(result)``, ``failed(line, exc)``, ``progress(fraction, message)``,
        ``cancelled()``; ``drop(result)`` for a result that is never delivered). A newer
        job with the same ``key`` replaces this one. After ``shutdown`` nothing runs."""
        job = Job(name, fn, key, priority, {"done": done, "failed": failed,
                                            "progress": progress, "cancelled": cancelled,
                                            "drop": drop})
        self._pool.submit(job)
        return job

    def cancel(self, key) -> None:
        """Cancel the job of ``key`` that is queued or running, if any."""
        with self._pool.cv:
            job = self._pool.by_key.get(key)
        if job is not None:
            job.cancel()

    def pending(self) -> int:
        """Jobs submitted whose outcome has not been delivered yet."""
        with self._pool.cv:
            return self._pool.undelivered

    def threads(self) -> list[threading.Thread]:
        """The worker threads that are alive."""
        with self._pool.cv:
            return [w.thread for w in self._pool.workers if w.thread.is_alive()]

    def wait_idle(self, msecs: int = 5000) -> bool:
        """Run the UI thread's events until every job's outcome was delivered (tests,
        benchmarks; never in the program's own code). True when it got there in time."""
        deadline = time.monotonic() + msecs / 1000
        app = QCoreApplication.instance()
        while self.pending():
            if time.monotonic() > deadline:
                return False
            if app is not None:
                app.processEvents()
            time.sleep(0.002)
        return True

    def release_readers(self) -> None:
        """Close the worker threads' handles on the expo file (before it is replaced)."""
        self._pool.release_readers()

    def shutdown(self, wait: bool = True, timeout: float = JOIN_TIMEOUT_S) -> bool:
        """Cancel every job, stop and join the threads, close their readers. True when
        every thread ended within ``timeout``. Safe to call more than once."""
        return self._pool.stop(wait=wait, timeout=timeout)


def runner_of(obj) -> "Jobs | None":
    """The runner of the window ``obj`` belongs to: the first ``jobs`` of ``obj`` or of
    one of its Qt parents (None when there is none, e.g. a dialog made on its own)."""
    while obj is not None:
        runner = getattr(obj, "jobs", None)
        if isinstance(runner, Jobs) and not runner.closed:
            return runner
        obj = obj.parent() if isinstance(obj, QObject) else None
    return None


_shared: "Jobs | None" = None


def shared_runner() -> "Jobs":
    """A runner for work that belongs to no window (a dialog or panel made on its own, as
    tests do); it lives as long as the application and is shut down with it."""
    global _shared
    if _shared is None or _shared.closed:
        app = QCoreApplication.instance()
        _shared = Jobs(None, name="shared-jobs", parent=app)
        if app is not None:
            app.aboutToQuit.connect(_shared.shutdown)
    return _shared
