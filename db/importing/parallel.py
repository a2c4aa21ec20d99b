"""A first import of large catalogue files, read in a second process while this one writes.

Reading and checking a row costs Python time (decoding, every cell checked, the search
entry's text); writing it costs SQLite time. In one process they take turns (threads do not
help: binding each row needs the interpreter lock, and two threads hand it back and forth).
Here a child process (the same Python, ``_child``) runs the very same ``rows.CsvReader`` over
the files, with a ``_Shipper`` in place of the writer: each batch of rows it would have
written goes through a pipe, with the pictures the rows name, in order; this process writes
each batch as it comes (``BulkWriter.take``), while the child reads the next.

Nothing about the result changes: the same checks run on the same rows in the same order;
each batch carries how many problems the child had reported when it was made, so the
problems this process finds while writing (a product given twice) are put among the
child's exactly where a one-process import reports them (``_merge``); at the end the child
sends what it read about exhibitors, booths and the files' lines, and the import goes on
as always (``write_records`` and the rest). A cancel stops the child; a failure in the child
comes back as the same exception.

Used only where it pays (``worth``): a first import (no products yet) of catalogue files of
more than ``MIN_BYTES``, from a Python that can start another (not a frozen program), with a
core free for the child (the load average at most the number of cores less one).
"""
from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
import traceback
from pathlib import Path
from typing import Callable

from .report import ImportCancelled, ImportReport, Progress
from .rows import Context, CsvReader
from .writer import BATCH

MIN_BYTES = 8 << 20          # smaller files: starting a process costs more than it saves
_PROTOCOL = pickle.HIGHEST_PROTOCOL
# What the child read, sent back at the end (attributes of ``CsvReader``).
_STATE = ("exhibitors", "new_booths", "booth_geometry", "product_col", "images",
          "image_by_path", "trackers")


def worth(files: list[Path]) -> bool:
    """True when reading ``files`` in a second process pays (see the module text): large
    files, and a core free for it (with every core busy, the two processes only wait for
    each other: measured slower than one)."""
    if getattr(sys, "frozen", False) or not sys.executable:
        return False
    try:
        if sum(f.stat().st_size for f in files) < MIN_BYTES:
            return False
    except OSError:
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):
        busy = 0.0
    return cores >= 2 and busy <= cores - 1


class _SideReport(ImportReport):
    """The problems found while writing, all kept (capped only when merged)."""

    def warn(self, problem) -> None:
        self.flagged.add((problem.file, problem.line))
        self.warnings.append(problem)

    def error(self, problem) -> None:
        self.flagged.add((problem.file, problem.line))
        self.errors.append(problem)


def read_in_child(ctx: Context, writer, report: ImportReport, files: list[Path], *,
                  encoding, mapping, strict, progress: Progress,
                  cancel: Callable[[], bool], picture_folder, track: bool) -> CsvReader:
    """Read ``files`` in a child process and write its batches with ``writer`` (a
    ``BulkWriter``) as they come; a ``CsvReader`` holding what was read, with ``report``
    as a one-process read leaves it."""
    reader = CsvReader(ctx, writer, report, encoding=encoding, mapping=mapping, strict=strict,
                       progress=progress, cancel=cancel, picture_folder=picture_folder,
                       states={}, track=track)
    side = _SideReport()
    writer.report = side
    err_marks: list[int] = []          # child's problems when each side problem came
    warn_marks: list[int] = []
    job = {"ctx": ctx, "files": [str(f) for f in files], "encoding": encoding,
           "mapping": mapping, "strict": strict, "picture_folder": picture_folder,
           "track": track}
    read_fd, write_fd = os.pipe()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", "import pickle, sys; sys.path[:0] = pickle.load("
             f"sys.stdin.buffer); from {__name__} import _child; _child()"],
            stdin=subprocess.PIPE, pass_fds=(write_fd,), close_fds=True)
    finally:
        os.close(write_fd)
    done = None
    try:
        inbox = _Inbox(os.fdopen(read_fd, "rb", buffering=0))
        read_fd = None
        try:
            pickle.dump([p for p in sys.path if isinstance(p, str)], proc.stdin, _PROTOCOL)
            pickle.dump((job, write_fd), proc.stdin, _PROTOCOL)
            proc.stdin.close()
            while done is None:
                if cancel():
                    raise ImportCancelled()
                data = inbox.get()
                if data is None:
                    raise RuntimeError("the import's reading process ended without an answer "
                                       f"(exit status {proc.wait()})")
                msg = pickle.loads(data)
                del data
                kind = msg[0]
                if kind == "rows":
                    _, name, p_buf, s_buf, c_buf, lines, n_err, n_warn, product_col = msg
                    writer.product_col.update(product_col)
                    e0, w0 = len(side.errors), len(side.warnings)
                    writer.take(name, p_buf, s_buf, c_buf, lines)
                    err_marks.extend([n_err] * (len(side.errors) - e0))
                    warn_marks.extend([n_warn] * (len(side.warnings) - w0))
                elif kind == "picture":
                    writer.picture(*msg[1:])
                elif kind == "progress":
                    progress(*msg[1:])
                elif kind == "done":
                    done = msg[1:]
                else:                          # "failed": the child's exception
                    exc, text = msg[1:]
                    raise exc from _ChildTraceback(text)
        finally:
            if proc.poll() is None and done is None:
                proc.kill()
            inbox.close()
        if proc.wait() != 0:
            raise RuntimeError(f"the import's reading process failed (exit status "
                               f"{proc.returncode})")
    except BaseException:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        raise
    finally:
        if read_fd is not None:
            os.close(read_fd)
    state, child = done
    for key in _STATE:
        setattr(reader, key, state[key])
    writer.product_col = reader.product_col
    writer.report = report
    _merge_reports(report, child, side, err_marks, warn_marks)
    return reader


class _Inbox:
    """The child's messages, read from the pipe on a thread as they come (length-prefixed
    pickles), and kept until taken (up to ``QUEUED``), so that the child reads on while
    this process writes a batch, whatever the scheduler does."""
    QUEUED = 16

    def __init__(self, pipe):
        self._pipe = pipe
        self._queue: queue.Queue = queue.Queue(maxsize=self.QUEUED)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name="import reader pipe")
        self._thread.start()

    def _read(self, n: int) -> bytes | None:
        parts, left = [], n
        while left:
            chunk = self._pipe.read(min(left, 1 << 20))
            if not chunk:
                return None
            parts.append(chunk)
            left -= len(chunk)
        return b"".join(parts)

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                head = self._read(8)
                data = self._read(int.from_bytes(head, "little")) if head else None
                self._put(data)
                if data is None:
                    return
        except OSError:
            self._put(None)

    def _put(self, item) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def get(self) -> bytes | None:
        """The next message (pickled); None when the child closed the pipe."""
        return self._queue.get()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._pipe.close()


class _ChildTraceback(Exception):
    """Where an exception was raised in the child (its traceback, as text)."""

    def __str__(self) -> str:
        return self.args[0] if self.args else ""


def _merge(listed: list, more: int, side: list, marks: list[int], cap: int
           ) -> tuple[list, int]:
    """The child's problems (``listed``, then ``more`` counted only) with the side's, each
    after as many of the child's as ``marks`` says; at most ``cap`` listed, the rest counted."""
    out: list = []
    extra = 0
    j = 0
    for i in range(len(listed) + 1):
        while j < len(side) and marks[j] <= i:
            if len(out) < cap:
                out.append(side[j])
            else:
                extra += 1
            j += 1
        if i < len(listed):
            if len(out) < cap:
                out.append(listed[i])
            else:
                extra += 1
    # The child's counted problems and the side's after them: none fits any more.
    return out, extra + more + (len(side) - j)


def _merge_reports(report: ImportReport, child: ImportReport, side: ImportReport,
                   err_marks: list[int], warn_marks: list[int]) -> None:
    from .report import MAX_ERRORS, MAX_WARNINGS
    report.errors, report.more_errors = _merge(child.errors, child.more_errors, side.errors,
                                               err_marks, MAX_ERRORS)
    report.warnings, report.more_warnings = _merge(child.warnings, child.more_warnings,
                                                   side.warnings, warn_marks, MAX_WARNINGS)
    report.flagged = child.flagged | side.flagged
    for what in ("added", "updated", "unchanged", "rejected"):
        for kind, n in list(getattr(child, what).items()) + list(getattr(side, what).items()):
            report.count(what, kind, n)
    report.rows += child.rows


# ------------------------------------------------------------------ the child's side
class _Shipper:
    """In the child, in place of the writer: batches of rows (as ``BulkWriter.add`` takes
    them) and pictures, sent to the parent in order."""

    def __init__(self, out, report: ImportReport):
        self.out = out
        self.report = report
        self.product_col: dict[str, str] = {}
        self._name = ""
        self._p: list = []
        self._s: list = []
        self._c: list = []
        self._lines: list[int] = []

    def send(self, msg) -> None:
        data = pickle.dumps(msg, _PROTOCOL)
        self.out.write(len(data).to_bytes(8, "little"))
        self.out.write(data)
        self.out.flush()

    def add(self, prow, label, title, body, src_list, name, line) -> None:
        if name != self._name:
            self.flush()
            self._name = name
        self._p.append(prow)
        self._s.append((label, title, body))
        if src_list:
            self._c.extend([(prow[0], s) for s in src_list])
        self._lines.append(line)
        if len(self._p) >= BATCH:
            self.flush()

    def picture(self, data, info, credit) -> None:
        # Stored at once, as ``BulkWriter.picture`` does: before the rows that name it.
        self.send(("picture", data, info, credit))

    def flush(self) -> None:
        if not self._p:
            return
        rep = self.report
        self.send(("rows", self._name, self._p, self._s, self._c, self._lines,
                   rep.n_errors, len(rep.warnings) + rep.more_warnings, dict(self.product_col)))
        self._p, self._s, self._c, self._lines = [], [], [], []

    def file_done(self) -> None:
        self.flush()

    def finish(self) -> None:
        self.flush()


def _child() -> None:
    """The child process: read the job from stdin, read the files, send what was read."""
    job, fd = pickle.load(sys.stdin.buffer)
    with os.fdopen(fd, "wb", buffering=1 << 20) as out:
        try:
            report = ImportReport()
            shipper = _Shipper(out, report)
            files = [Path(f) for f in job["files"]]

            def progress(frac: float, message: str) -> None:
                shipper.send(("progress", frac, message))
            reader = CsvReader(job["ctx"], shipper, report, encoding=job["encoding"],
                               mapping=job["mapping"], strict=job["strict"], progress=progress,
                               cancel=None, picture_folder=job["picture_folder"], states={},
                               track=job["track"])
            for i, f in enumerate(files):
                reader.read_csv(f, i, len(files))
            shipper.finish()
            shipper.send(("done", {key: getattr(reader, key) for key in _STATE}, report))
        except BaseException as exc:          # sent to the parent, which raises it
            text = "".join(traceback.format_exception(exc))
            try:
                pickle.dumps(exc)
            except Exception:
                exc = RuntimeError(f"{type(exc).__name__}: {exc}")
            try:
                _Shipper(out, ImportReport()).send(("failed", exc, text))
            except Exception:
                pass
