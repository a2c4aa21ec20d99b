"""The console scripts' launcher (installer/wheel/, installed as ``wesemibay_explorer``): with
the editable install it runs this checkout; it refuses a foreign ``db`` or ``desktop``.
(The wheel's own layout: tests/e2e/test_wheel.py.)"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
launcher = pytest.importorskip("wesemibay_explorer",
                               reason="not installed (pip install -e .)")


def run(code: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True,
                          text=True, timeout=60)


def test_the_editable_install_runs_this_checkout(tmp_path):
    assert launcher.code_folder() == ROOT
    proc = run("import sys, wesemibay_explorer as w\n"
               "rc = w.wesemibay_db(['build', '--out', 'expo.sqlite'])\n"
               "import db, desktop\n"
               "print(rc, db.__file__, desktop.__file__)", tmp_path)   # away from the checkout
    assert proc.returncode == 0, proc.stderr
    rc, db_file, desktop_file = proc.stdout.splitlines()[-1].split()
    assert rc == "0" and (tmp_path / "expo.sqlite").is_file()
    assert Path(db_file) == ROOT / "db" / "__init__.py"
    assert Path(desktop_file) == ROOT / "desktop" / "__init__.py"


def test_a_foreign_db_imported_first_is_refused_with_one_line(tmp_path):
    (tmp_path / "db.py").write_text("NAME = 'someone else'\n", encoding="utf-8")
    proc = run("import db, wesemibay_explorer as w\nw.wesemibay_db(['--version'])", tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"wesemibay: another module named 'db' was imported before the program "
        f"({tmp_path / 'db.py'}); start it in a new process"]
