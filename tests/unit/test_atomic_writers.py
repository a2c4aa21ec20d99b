"""Atomic writes in one place: ``db/fileops.py``. A file that renames a temporary file over
another, or makes one with ``mkstemp``, outside it is a second copy of that logic (and of its
care: fsync, mode kept, the old WAL never replayed)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from db import fileops

ROOT = Path(__file__).resolve().parents[2]
# Where a call remains, and why (none of them writes a file's new content).
ALLOWED = {
    ("db/userdata.py", "replace"): "a damaged user file and its -wal/-shm are moved aside "
                                   "(renamed to a dated backup), nothing is written",
    ("db/userdata.py", "mkstemp"): "probes whether the user file's folder takes new files",
    ("desktop/panels/plan.py", "replace"): "the PDF route sheet (Qt's QPdfWriter): to call "
                                           "fileops.produce_atomic (desktop/ is another slice)",
    ("desktop/panels/plan.py", "mkstemp"): "the same PDF",
}


def _calls(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = node.func.attr
            if name == "replace" and isinstance(owner, ast.Name) and owner.id == "os":
                yield "replace", node.lineno
            elif name in ("mkstemp", "NamedTemporaryFile", "rename") and \
                    isinstance(owner, ast.Name) and owner.id in ("tempfile", "os"):
                yield ("mkstemp" if name != "rename" else "replace"), node.lineno


def test_no_file_outside_fileops_replaces_files_itself():
    found = []
    for folder in ("db", "desktop"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel == "db/fileops.py":
                continue
            for what, line in _calls(path):
                if (rel, what) not in ALLOWED:
                    found.append(f"{rel}:{line}: {what}")
    assert found == [], "write through db.fileops (write_atomic, produce_atomic, replace)"


def test_produce_atomic_leaves_the_old_file_when_the_writer_fails(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "route.pdf"
    out.write_bytes(b"old")

    def fails(temp: Path) -> None:
        temp.write_bytes(b"half a PDF")
        raise RuntimeError("the writer failed")
    with pytest.raises(RuntimeError):
        fileops.produce_atomic(out, fails, tag="export")
    assert out.read_bytes() == b"old"
    assert [p.name for p in folder.iterdir()] == ["route.pdf"]
    fileops.produce_atomic(out, lambda temp: temp.write_bytes(b"new"), tag="export")
    assert out.read_bytes() == b"new"
    assert [p.name for p in folder.iterdir()] == ["route.pdf"]
