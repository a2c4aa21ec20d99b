"""One way to run background work (issue 11): ``desktop.jobs.Jobs``.

Results and errors come back on the UI thread; errors are split as the error hook splits
them; a newer job of the same key interrupts the running one (its SQL statement too) and
its result is dropped; at most two threads; shut down with the window, nothing left."""
from __future__ import annotations

import logging
import threading
import time

import pytest

from db.connection import open_connections
from db.errors import DataError
from desktop import logs
from desktop.jobs import LOW, URGENT, Cancelled, Jobs

# A statement that runs until it is interrupted (a recursive count without end).
ENDLESS = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
           "SELECT count(*) FROM n")


@pytest.fixture
def jobs(qapp, builtin_file):
    runner = Jobs(builtin_file, name="test-jobs")
    yield runner
    runner.shutdown()


def ui_thread() -> str:
    return threading.current_thread().name


def test_results_and_progress_arrive_on_the_ui_thread(jobs, qtbot):
    seen = []

    def work(task):
        for k in range(5):
            task.progress(k / 5, f"step {k}")
        return (threading.current_thread().name, task.reader().exhibitor("sicarrier")["name"])

    job = jobs.submit(work, name="read", done=lambda r: seen.append(("done", ui_thread(), r)),
                      progress=lambda f, m: seen.append(("progress", ui_thread(), m)))
    assert seen == []                        # never called while submit runs
    qtbot.waitUntil(lambda: any(k == "done" for k, *_ in seen), timeout=5000)
    assert all(thread == "MainThread" for _k, thread, *_ in seen)
    worker, name = seen[-1][2]
    assert worker == job.thread and worker.startswith("test-jobs-") and name == "SiCarrier"
    # Progress: the latest reports, never more calls than reports.
    assert 0 <= sum(k == "progress" for k, *_ in seen) <= 5


def test_errors_are_split_as_the_error_hook_splits_them(jobs, qtbot, caplog, tmp_path,
                                                        monkeypatch):
    monkeypatch.setattr(logs, "log_path", tmp_path / "wesemibay.log")
    failed = {}

    def expected(_task):
        raise DataError("/x/expo.sqlite: the file is damaged; use an undamaged copy")

    def bug(_task):
        return {}["missing"]

    with caplog.at_level(logging.WARNING):
        jobs.submit(expected, name="expected", failed=lambda line, exc: failed.update(e=line))
        jobs.submit(bug, name="bug", failed=lambda line, exc: failed.update(bug=line))
        assert jobs.wait_idle(5000)
    assert failed["e"] == "/x/expo.sqlite: the file is damaged; use an undamaged copy"
    assert "KeyError" in failed["bug"] and "a bug" in failed["bug"] and "\n" not in failed["bug"]
    assert str(tmp_path / "wesemibay.log") in failed["bug"]
    bug_record = next(r for r in caplog.records if "bug" in r.getMessage())
    assert bug_record.levelno == logging.ERROR and bug_record.exc_info      # with traceback
    expected_record = next(r for r in caplog.records if "damaged" in r.getMessage())
    assert expected_record.levelno == logging.WARNING and not expected_record.exc_info


def test_a_newer_job_of_the_same_key_interrupts_the_running_query(jobs, qtbot):
    delivered = []
    started = threading.Event()

    def endless(task):
        reader = task.reader()
        started.set()
        return reader._rows(ENDLESS)                  # runs until interrupted

    first = jobs.submit(endless, name="old search", key="search", priority=URGENT,
                        done=delivered.append, failed=lambda *a: delivered.append(a),
                        cancelled=lambda: delivered.append("cancelled"))
    assert started.wait(5)
    t0 = time.monotonic()
    second = jobs.submit(lambda task: task.reader().search("ALD", limit=5), name="new search",
                         key="search", priority=URGENT, done=delivered.append)
    assert first.wait(5), "the running statement was not interrupted"
    assert time.monotonic() - t0 < 5          # interrupted, not run to its end
    assert jobs.wait_idle(5000)
    assert first.state == "cancelled" and second.state == "done"
    assert len(delivered) == 1 and delivered[0] and delivered[0][0].title   # only the newest


def test_cancel_drops_the_result_and_says_so(jobs, qtbot):
    gate, running = threading.Event(), threading.Event()
    seen, dropped = [], []

    def made(task):
        running.set()
        gate.wait(5)
        return "a prepared import"

    job = jobs.submit(made, name="import", done=seen.append, drop=dropped.append,
                      cancelled=lambda: seen.append("cancelled"))
    assert running.wait(5)
    job.cancel()                       # while it runs: what it made is dropped
    gate.set()
    assert jobs.wait_idle(5000)
    assert seen == ["cancelled"] and dropped == ["a prepared import"]

    def checks(task):
        while True:
            task.check()
            time.sleep(0.005)
    looping = jobs.submit(checks, name="loop", cancelled=lambda: seen.append("stopped"))
    time.sleep(0.05)
    looping.cancel()
    assert jobs.wait_idle(5000) and seen[-1] == "stopped"
    with pytest.raises(Cancelled):
        raise Cancelled("a job's own way to stop")


def test_at_most_two_threads_and_urgent_work_goes_first(qapp, builtin_file):
    runner = Jobs(builtin_file, threads=2, name="bounded")
    gate = threading.Event()
    order = []
    try:
        running = threading.Semaphore(0)

        def blocker(task):
            running.release()
            gate.wait(5)

        for _ in range(2):
            runner.submit(blocker, name="blocker")
        assert running.acquire(timeout=5) and running.acquire(timeout=5)
        for k in range(6):
            runner.submit(lambda task, k=k: order.append(("low", k)), name="low", priority=LOW)
        runner.submit(lambda task: order.append(("urgent", 0)), name="urgent",
                      priority=URGENT)
        assert len(runner.threads()) == 2
        gate.set()
        assert runner.wait_idle(5000)
        assert order[0] == ("urgent", 0) and len(order) == 7
        assert len(runner.threads()) == 2
    finally:
        gate.set()
        runner.shutdown()


def test_shutdown_joins_the_threads_and_closes_their_readers(qapp, builtin_file, qtbot):
    before = open_connections(builtin_file)     # other tests' handles on the shared file
    runner = Jobs(builtin_file, name="closing")
    seen = []
    started = threading.Event()

    def endless(task):
        reader = task.reader()
        started.set()
        return reader._rows(ENDLESS)

    runner.submit(lambda task: task.reader().topics(), name="read")
    runner.submit(endless, name="endless", done=seen.append, cancelled=lambda: seen.append(0))
    for k in range(20):
        runner.submit(lambda task: task.reader().topics(), name=f"queued {k}",
                      done=seen.append)
    assert started.wait(5)
    threads = runner.threads()
    assert threads and open_connections(builtin_file) > before
    t0 = time.monotonic()
    assert runner.shutdown()
    assert time.monotonic() - t0 < 5         # the endless statement interrupted, not awaited
    assert not [t for t in threads if t.is_alive()]
    assert open_connections(builtin_file) == before
    late = runner.submit(lambda task: seen.append("ran"), name="after")
    qtbot.wait(50)
    assert late.state == "cancelled" and "ran" not in seen
    assert runner.threads() == []
