"""What File ▸ Open leaves behind: windows, threads, open files and memory after N reopens.

    python bench/reopen.py [--json] [--cycles 10] [--exercise]

Starts the program as a user does (``desktop.app.main`` on a fresh data folder, offscreen),
then, inside its event loop, asks the window for File ▸ Open ``--cycles`` times,
alternating between two expo files (the built-in expo and a copy of it). With
``--exercise`` each window first searches ("ALD": the search thread), shows the Products
view (thumbnail workers) and a product's picture, as a user would. After each cycle the
event loop runs for a moment (deferred deletions happen). Prints, after the first window
and after the last cycle: main windows alive, Python threads (by name), the process's
OS threads (``/proc/self/task``), the global thread pool's active threads, descriptors
open on each expo file (and its -wal/-shm), and the resident memory (MB); for each cycle,
how long File ▸ Open took on the UI thread (``open_ms``: the new window made and shown, the
old one closed, its threads joined). Copied into an older tree of the program
(``cp bench/reopen.py OLD/bench/``), it measures that commit the same way, for a
comparison in one run.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def fds_on(paths: list[Path]) -> dict[str, int]:
    """Descriptors of this process open on each file (with its -wal and -shm)."""
    names = {}
    for p in paths:
        for suffix in ("", "-wal", "-shm"):
            names[str(p.resolve()) + suffix] = p.name + suffix
    out = {v: 0 for v in names.values()}
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target in names:
            out[names[target]] += 1
    return out


def snapshot(files: list[Path]) -> dict:
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication, QMainWindow
    gc.collect()
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow)]
    return {
        "main_windows": len(windows),
        # Python objects of main windows still referenced (deleted windows' wrappers too)
        "window_objects": sum(1 for o in gc.get_objects() if isinstance(o, QMainWindow)),
        "visible_windows": sum(1 for w in windows if w.isVisible()),
        "python_threads": sorted(t.name for t in threading.enumerate()),
        "os_threads": len(os.listdir("/proc/self/task")),
        "global_pool_active": QThreadPool.globalInstance().activeThreadCount(),
        "expo_fds": fds_on(files),
        "rss_mb": round(rss_mb(), 1),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--cycles", type=int, default=10)
    p.add_argument("--exercise", action="store_true",
                   help="search, show the Products view and a picture in every window")
    p.add_argument("--settle-ms", type=int, default=400)
    p.add_argument("--no-freeze", action="store_true",
                   help="keep the collector from freezing objects (as the tests run)")
    args = p.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["WESEMIBAY_NO_DIALOGS"] = "1"
    tmp = Path(tempfile.mkdtemp(prefix="wesemibay-reopen-"))
    os.environ["HOME"] = str(tmp / "home")
    (tmp / "home").mkdir()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    from db import schema
    from db.build import build, seed_fingerprint
    data = tmp / "data"
    cache = data / "cache"
    cache.mkdir(parents=True)
    builtin = build(cache / f"builtin-{schema.SCHEMA_VERSION}-{seed_fingerprint()}.sqlite")
    other = tmp / "other.sqlite"
    shutil.copyfile(builtin, other)
    files = [builtin, other]

    import desktop.app as desktop_app
    if args.no_freeze:
        gc.freeze = lambda: None      # as the tests run it
    app = QApplication.instance() or QApplication([sys.argv[0]])
    result: dict = {"cycles": args.cycles, "exercise": args.exercise}

    def current():
        shown = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMainWindow) and w.isVisible()]
        return shown[-1] if shown else None

    def wait(ms: int) -> None:
        end = time.perf_counter() + ms / 1000
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.005)
        from PySide6.QtCore import QCoreApplication, QEvent
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def exercise(win) -> None:
        win.search.box.setText("ALD")
        wait(200)
        win.products_dock.show()
        model = win.products.model
        if model.rowCount():
            win.products.table.selectRow(0)
        wait(200)

    state = {"step": 0}

    def run() -> None:
        win = current()
        if win is None:
            QTimer.singleShot(20, run)
            return
        try:
            wait(args.settle_ms)
            if args.exercise:
                exercise(win)
            result["first"] = snapshot(files)
            t0 = time.perf_counter()
            result["rss_per_cycle"] = []
            result["open_ms"] = []
            for k in range(args.cycles):
                win = current()
                t1 = time.perf_counter()
                win.open_requested(str(files[(k + 1) % 2]))   # new window shown, old closed
                result["open_ms"].append(round((time.perf_counter() - t1) * 1000, 1))
                wait(args.settle_ms)
                if args.exercise:
                    exercise(current())
                result["rss_per_cycle"].append(round(rss_mb(), 1))
            result["reopen_s"] = round(time.perf_counter() - t0, 2)
            result["after"] = snapshot(files)
        finally:
            for w in QApplication.topLevelWidgets():
                w.close()
            app.quit()

    real_exec = app.exec

    def exec_then_run() -> int:      # the cycles run inside the program's own event loop
        QTimer.singleShot(0, run)
        return real_exec()
    app.exec = exec_then_run
    rc = desktop_app.main(["--data-dir", str(data)])
    result["rc"] = rc
    shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(result))
    else:
        for when in ("first", "after"):
            s = result.get(when, {})
            print(f"{when:6}: windows {s.get('main_windows')} (visible {s.get('visible_windows')}),"
                  f" python threads {len(s.get('python_threads', []))} "
                  f"{s.get('python_threads')}, OS threads {s.get('os_threads')}, global pool "
                  f"{s.get('global_pool_active')}, expo fds {s.get('expo_fds')}, "
                  f"RSS {s.get('rss_mb')} MB")
        print(f"{args.cycles} reopens in {result.get('reopen_s')} s, exit {rc}; RSS after each: "
              f"{result.get('rss_per_cycle')}; File ▸ Open took (ms) {result.get('open_ms')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
