"""Fixtures for the command-line tests."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run_db(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``python -m db ARGS`` from the repository root, as a user would."""
    return subprocess.run([sys.executable, "-m", "db", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout)


@pytest.fixture(scope="session")
def cli_expo(tmp_path_factory) -> Path:
    """The built-in expo, written once by ``python -m db build --out``."""
    out = tmp_path_factory.mktemp("cli") / "expo.sqlite"
    proc = run_db("build", "--out", out)
    assert proc.returncode == 0, proc.stderr
    return out
