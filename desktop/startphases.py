"""The start's phases, timed for ``bench/open.py``.

With ``WESEMIBAY_PHASES=1`` in the environment the program marks each start phase
(``mark``), waits until the window is ready for a user — shown, the directory filled (its
first row read, sorted), the floor plan drawn sharp, and a search typed into the box
answered — then prints one JSON line (``{"phases": {name: seconds since the process
started}, "ready_s", "cpu_s", "rss_mb", "peak_rss_mb"}``) and quits. Without it, ``mark`` does
nothing.
"""
from __future__ import annotations

import json
import os
import sys
import time

ENV = "WESEMIBAY_PHASES"
TIMEOUT_S = 120.0


def _process_age() -> float:
    """Seconds since this process started (Linux: from /proc; elsewhere since import)."""
    try:
        with open("/proc/self/stat", "rb") as fh:
            start_ticks = int(fh.read().rsplit(b")", 1)[1].split()[19])
        with open("/proc/uptime", "rb") as fh:
            uptime = float(fh.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter() - _T0


_T0 = time.perf_counter()
_BASE = _process_age()                # seconds the process had run when this was imported
_marks: dict[str, float] = {}


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def now() -> float:
    """Seconds since the process started."""
    return _BASE + (time.perf_counter() - _T0)


def mark(name: str) -> None:
    """The end of a start phase (only with ``WESEMIBAY_PHASES``)."""
    if enabled():
        _marks[name] = round(now(), 4)


def _rss_mb() -> tuple[float, float]:
    """(resident now, peak resident) in MB."""
    cur = peak = 0.0
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    cur = int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) / 1024
    except OSError:
        import resource
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return round(cur, 1), round(peak, 1)


def finish_when_ready(window, app) -> None:
    """Poll until the window is ready for a user, then print the phases and quit."""
    from PySide6.QtCore import QTimer

    state = {"typed": None}
    started = time.perf_counter()

    def poll():
        search = window.search
        if "directory" not in _marks:
            proxy = search.proxy
            if proxy.rowCount() and proxy.index(0, 0).data():
                mark("directory")
        if "plan" not in _marks and window.scene.is_sharp() \
                and window.scene.tiles.pending() == 0:
            mark("plan")
        if "directory" in _marks and state["typed"] is None:
            first = search.proxy.index(0, 0).data() or ""
            word = first.split()[0] if first.split() else "a"
            state["typed"] = word
            search.box.setText(word)            # as a user types it: the worker answers
        if state["typed"] is not None and "search" not in _marks and search.hits \
                and search._shown_text == state["typed"]:
            mark("search")
        if {"directory", "plan", "search"} <= _marks.keys() \
                or time.perf_counter() - started > TIMEOUT_S:
            mark("ready")
            cur, peak = _rss_mb()
            cpu = os.times()
            print(json.dumps({"phases": dict(_marks), "ready_s": _marks["ready"],
                              # processor time of all threads (a shared machine's load
                              # stretches ready_s; this much less)
                              "cpu_s": round(cpu.user + cpu.system, 3),
                              "rss_mb": cur, "peak_rss_mb": peak,
                              "complete": {"directory", "plan", "search"} <= _marks.keys()}),
                  flush=True)
            timer.stop()
            window.close()
            app.exit(0)
    timer = QTimer(window)
    timer.setInterval(5)
    timer.timeout.connect(poll)
    timer.start()
    sys.stdout.flush()
