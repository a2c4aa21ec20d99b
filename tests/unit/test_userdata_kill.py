"""Never lost: a writer killed with SIGKILL at random moments loses no acknowledged write.

The writer saves notes and stars booths through ``UserData`` and prints an
acknowledgement after each call returns (what the window does when it shows
"Saved"). The test kills it at a random moment, many times over, and then checks
that the file is sound and holds every acknowledged write.
"""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from db.userdata import UserData

REPO = Path(__file__).resolve().parents[2]
EXPO = "wesemibay-2025"
ROUNDS = 30

WRITER = textwrap.dedent("""
    import sys
    from db.userdata import UserData
    path, expo, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
    u = UserData(path)
    out = sys.stdout
    i = start
    while True:
        i += 1
        if i % 3:
            ref = f"ex{i % 7}"
            u.save_note(expo, "exhibitor", ref, f"note {ref} version {i} 新凯来 " + "x" * (i % 97),
                        tags=[f"v{i}"])
            out.write(f"note {ref} {i}\\n")
        else:
            u.set_favourite(expo, "booth", f"B{i}", True)
            out.write(f"star B{i} {i}\\n")
        out.flush()
""")


def note_version(text: str) -> int:
    return int(text.split(" version ")[1].split()[0])


@pytest.mark.slow
def test_killed_writer_loses_no_acknowledged_write(tmp_path):
    path = tmp_path / "user.sqlite"
    rng = random.Random(20251015)
    acked_notes: dict[str, int] = {}
    acked_stars: set[str] = set()
    total_acks = 0
    started = time.monotonic()
    for rnd in range(ROUNDS):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), EXPO, str(rnd * 10**6)],
                                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, encoding="utf-8")
        try:
            first = proc.stdout.readline()    # the writer is up and writing
            assert first, proc.stderr.read()
            time.sleep(rng.uniform(0.0, 0.12))
            os.kill(proc.pid, signal.SIGKILL)
            rest = proc.stdout.read()
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)
            proc.stdout.close()
            proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL
        lines = (first + rest).split("\n")
        for line in lines[:-1]:          # the last piece may be cut off: never acknowledged
            what, ref, version = line.split()
            total_acks += 1
            if what == "note":
                acked_notes[ref] = max(acked_notes.get(ref, 0), int(version))
            else:
                acked_stars.add(ref)

        conn = sqlite3.connect(path)     # a fresh reader recovers from the WAL like the app
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            notes = {ref: (text, json.loads(tags)) for ref, text, tags in conn.execute(
                "SELECT ref, text, tags FROM notes WHERE expo = ?", (EXPO,))}
            stars = {ref for (ref,) in conn.execute(
                "SELECT ref FROM favourites WHERE expo = ? AND kind = 'booth'", (EXPO,))}
        finally:
            conn.close()
        for ref, version in acked_notes.items():
            text, tags = notes[ref]
            # The acknowledged version or a later one (written but killed before the ack).
            stored = note_version(text)
            assert stored >= version, (rnd, ref, stored, version)
            assert tags == [f"v{stored}"] and text.endswith("x" * (stored % 97))
        assert acked_stars <= stars, (rnd, sorted(acked_stars - stars)[:5])
    assert total_acks > ROUNDS * 5          # the writer did get to write, many times
    assert time.monotonic() - started < 60


# Two running copies editing one note, each like the window's editor: it keeps its own
# text, saves through the outbox on the version it last saw, and acknowledges a line once
# the save returned. Killed at random moments, no acknowledged line may be missing from
# the note and its conflict copies.
EDITOR = textwrap.dedent("""
    import sys, time
    from db.userdata import Outbox, UserData
    path, expo, name = sys.argv[1], sys.argv[2], sys.argv[3]
    u = UserData(path)
    box = Outbox(u)
    key = (expo, "exhibitor", "shared")
    note, version = u.load_note(*key)
    text = base_text = note["text"] if note else ""
    i = 0
    while True:
        i += 1
        line = f"{name}{i}"
        text += line + "\\n"
        box.put(*key, text, base=version, base_text=base_text)
        saved = box.save(*key)
        if saved is not None:
            version, base_text = saved.version, saved.text
            sys.stdout.write(line + "\\n")
            sys.stdout.flush()
        time.sleep(0.002)       # an editor pauses between saves: the other copy gets a turn
""")


def _line_within(proc, seconds: float) -> str:
    """The next line the process prints, or "" when none comes within ``seconds``."""
    import selectors
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout=seconds):
            return ""
    return proc.stdout.readline()      # the editors print whole lines, flushed


@pytest.mark.slow
def test_two_killed_editors_lose_no_acknowledged_line(tmp_path):
    path = tmp_path / "user.sqlite"
    # The file exists before the editors start, as a user's does (two programs making a new
    # user file at the same moment: one is told "locked by another program; try again").
    UserData(path).close()
    rng = random.Random(20251016)
    acked: set[str] = set()
    for rnd in range(8):
        procs = [subprocess.Popen([sys.executable, "-c", EDITOR, str(path), EXPO, f"{who}{rnd}-"],
                                  cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for who in "ab"]
        try:
            firsts = [_line_within(p, 60) for p in procs]
            assert all(firsts), [p.stderr.read() for p in procs if p.poll() is not None]
            for _ in range(3):       # both editors are running and saving, even on a busy
                # machine (an editor that cannot save for a while is killed all the same:
                # what it acknowledged is what counts, and a wait never hangs the suite)
                firsts = [f + _line_within(p, 20) for f, p in zip(firsts, procs)]
            time.sleep(rng.uniform(0.0, 0.1))
            for p in procs:
                os.kill(p.pid, signal.SIGKILL)
            for p, first in zip(procs, firsts):
                out = (first + p.stdout.read()).split("\n")
                acked.update(out[:-1])            # the last piece may be cut off
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                p.wait(timeout=10)
                p.stdout.close()
                p.stderr.close()
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            texts = [t for (t,) in conn.execute("SELECT text FROM notes WHERE ref = 'shared'")]
            texts += [t for (t,) in conn.execute("SELECT text FROM note_conflicts")]
        finally:
            conn.close()
        kept = {w for t in texts for w in t.split()}
        assert acked <= kept, (rnd, sorted(acked - kept)[:5])
    assert len(acked) > 8 * 4
    conn = sqlite3.connect(path)
    try:   # the copies did get in each other's way: the conflict path was walked
        assert conn.execute("SELECT count(*) FROM note_conflicts").fetchone()[0] > 0
    finally:
        conn.close()
