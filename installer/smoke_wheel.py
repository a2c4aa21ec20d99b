"""Smoke-test the wheel in a fresh virtual environment, away from the checkout (.ci/run):

    python installer/smoke_wheel.py [--python PY] [--wheel PATH] [--dist dist]

1. ``python -m build`` makes the sdist and the wheel (built from the sdist) into ``dist/``,
   unless ``--wheel`` names one;
2. a new virtual environment of ``--python`` (default: this one) in a temporary folder; pip
   installs the wheel and its dependencies (from PyPI, or pip's cache);
3. the wheel's files (its RECORD) lie under ``wesemibay_explorer/`` and its dist-info only,
   besides the two scripts, and ``db``, ``desktop`` and ``assets`` are not importable names;
4. from a temporary folder, with a fresh HOME and without network where the kernel allows:
   ``wesemibay --version`` and ``--screenshot`` offscreen (as ``installer/smoke.py`` runs the
   bundle: exit 0, a non-blank PNG, stderr clean, nothing written into the package), then
   ``wesemibay-db build --out`` and ``wesemibay-db check``.

Exit 0 when all passed, 1 otherwise. Needs the package extra (``build``).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGE = "wesemibay_explorer"
sys.path.insert(0, str(HERE))
import smoke  # noqa: E402  (installer/smoke.py: check, run_program, smoke_program)
from smoke import check  # noqa: E402


def build_dists(dist: Path) -> Path:
    """``python -m build`` into ``dist``: the sdist, and the wheel built from it."""
    dist.mkdir(parents=True, exist_ok=True)
    version = smoke.project()["version"]
    for old in dist.glob(f"{PACKAGE}-{version}*"):
        old.unlink()
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "build", "--quiet", "--outdir", str(dist),
                           str(ROOT)], capture_output=True, text=True)
    if proc.returncode != 0:   # (setuptools' deprecation notices only when it failed)
        print(proc.stdout[-3000:] + proc.stderr[-3000:], file=sys.stderr)
    wheels = sorted(dist.glob(f"{PACKAGE}-{version}-*.whl"))
    sdists = sorted(dist.glob(f"{PACKAGE}-{version}.tar.gz"))
    check(len(wheels) == 1 and len(sdists) == 1,
          f"python -m build: {[p.name for p in sdists + wheels]} "
          f"({time.perf_counter() - t0:.1f} s)")
    return wheels[0]


def record_tops(site: Path) -> set[str]:
    """The first path component of every file the installed wheel's RECORD lists."""
    records = list(site.glob(f"{PACKAGE}-*.dist-info/RECORD"))
    if not check(len(records) == 1, f"one {PACKAGE} dist-info in {site}"):
        return set()
    return {line.split(",")[0].split("/")[0]
            for line in records[0].read_text(encoding="utf-8").splitlines() if line}


def smoke_wheel(wheel: Path, python: str, tmp: Path, prefix: list[str]) -> None:
    venv = tmp / "venv"
    print(f"wheel: {wheel.name} into a new virtual environment of {python}")
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    t0 = time.perf_counter()
    proc = subprocess.run([str(py), "-m", "pip", "install", "--quiet", str(wheel)],
                          capture_output=True, text=True)
    if not check(proc.returncode == 0, f"pip install the wheel ({time.perf_counter() - t0:.0f} s)"
                 + (f": {proc.stderr.strip()[-500:]}" if proc.returncode else "")):
        return
    run = tmp / "run"              # the working folder: no checkout around
    run.mkdir()
    site = Path(subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, cwd=run).stdout.strip())
    tops = record_tops(site)
    dist_info = {t for t in tops if t.endswith(".dist-info")}
    check(tops - dist_info - {".."} == {PACKAGE} and len(dist_info) == 1,
          f"site-packages gains {sorted(tops - {'..'})} only")
    proc = subprocess.run(
        [str(py), "-c", "import importlib.util as u; "
         "print([n for n in ('db', 'desktop', 'assets') if u.find_spec(n)])"],
        capture_output=True, text=True, cwd=run)
    check(proc.stdout.strip() == "[]", f"no generic top-level names importable ({proc.stdout.strip()})")
    version = smoke.project()["version"]
    smoke.smoke_program("wheel", [str(venv / "bin" / "wesemibay")], site / PACKAGE, version,
                        prefix)
    expo = run / "expo.sqlite"
    proc = smoke.run_program([str(venv / "bin" / "wesemibay-db"), "build", "--out", str(expo)],
                             run, prefix)
    check(proc.returncode == 0 and expo.is_file(),
          f"wesemibay-db build --out: {proc.stdout.strip() or proc.stderr.strip()[-300:]}")
    proc = smoke.run_program([str(venv / "bin" / "wesemibay-db"), "check", str(expo)], run, prefix)
    check(proc.returncode == 0 and ": ok:" in proc.stdout,
          f"wesemibay-db check: {(proc.stdout.strip() or proc.stderr.strip())[:200]}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Smoke-test the wheel in a fresh virtual environment.")
    p.add_argument("--python", default=sys.executable, help="the Python of the new environment")
    p.add_argument("--wheel", type=Path, help="test this wheel (default: build one into --dist)")
    p.add_argument("--dist", type=Path, default=ROOT / "dist")
    args = p.parse_args(argv)
    wheel = args.wheel.resolve() if args.wheel else build_dists(args.dist.resolve())
    prefix = smoke.offline_prefix() if sys.platform.startswith("linux") else []
    print(f"network while running: {'none (' + ' '.join(prefix) + ')' if prefix else 'not isolated'}")
    with tempfile.TemporaryDirectory(prefix="wesemibay-wheel-") as t:
        smoke_wheel(wheel, args.python, Path(t), prefix)
    failures = smoke.failures
    print(f"\nwheel smoke: {len(failures)} failure(s)" if failures else "\nwheel smoke: all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
