"""The wheel (docs/packaging.md, "The wheel"): one package of ours in site-packages, with the
seed data, the assets and the translations, and a program that runs from it.

The wheel is built offline from this checkout (``python -m build --wheel --no-isolation``,
with the test environment's setuptools) and installed without its dependencies into a
folder of its own (``pip install --no-deps --target``), which a child process started
outside the checkout puts first on its path. The fresh virtual environment with the
dependencies from PyPI is CI's part (``installer/smoke_wheel.py`` in ``.ci/run``).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
PACKAGE = "wesemibay_explorer"

pytestmark = pytest.mark.slow


def tracked(folder: str) -> set[str]:
    """The files under ``folder`` as git knows them (else as the disk has them)."""
    proc = subprocess.run(["git", "ls-files", "--", folder], cwd=REPO, capture_output=True,
                          text=True, check=False)
    if proc.returncode == 0 and proc.stdout.strip():
        return {line for line in proc.stdout.splitlines() if (REPO / line).is_file()}
    return {p.relative_to(REPO).as_posix() for p in (REPO / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> dict[str, Path]:
    """``python -m build``: the sdist, then the wheel built from the unpacked sdist (so the
    wheel proves the sdist complete, and no stale ``build/`` of the checkout can leak in)."""
    pytest.importorskip("build", reason='the wheel is built with "build" (pip install -e ".[test]")')
    pytest.importorskip("setuptools")
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation",
                           "--skip-dependency-check", "--outdir", str(out), str(REPO)],
                          cwd=out, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    found = {"wheel": list(out.glob("*.whl")), "sdist": list(out.glob("*.tar.gz"))}
    assert all(len(v) == 1 for v in found.values()), found
    return {k: v[0] for k, v in found.items()}


@pytest.fixture(scope="module")
def wheel(dists) -> Path:
    return dists["wheel"]


def test_sdist_carries_seed_assets_translations_and_the_wheel_recipe(dists):
    with tarfile.open(dists["sdist"]) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for folder in ("db", "desktop", "assets"):
        want = tracked(folder)
        assert sorted(want - names) == [], f"{folder}/ files missing from the sdist"
    assert {"pyproject.toml", "setup.py", "installer/wheel/__init__.py",
            "README.md"} <= names


def test_wheel_claims_one_top_level_name_and_carries_seed_assets_and_translations(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    dist_info = f"{PACKAGE}-{PROJECT['version']}.dist-info"
    assert {n.split("/")[0] for n in names} == {PACKAGE, dist_info}
    inside = {n[len(PACKAGE) + 1:] for n in names if n.startswith(PACKAGE + "/")}
    # Every tracked file of the three folders, at the same place under the package.
    for folder in ("db", "desktop", "assets"):
        want = {f for f in tracked(folder) if not f.endswith(".pyc")}
        assert want, folder
        assert sorted(want - inside) == [], f"{folder}/ files missing from the wheel"
    assert {"db/seed/exhibitors.json", "assets/translations/wesemibay_de.qm",
            "assets/translations/wesemibay_zh.qm", "assets/fonts/OFL.txt",
            "assets/products/ald.png", "assets/icons/wesemibay-256.png",
            "assets/wesemibay-explorer.desktop", "__init__.py", "__main__.py"} <= inside
    meta = zipfile.ZipFile(wheel)
    entry = meta.read(f"{dist_info}/entry_points.txt").decode()
    assert f"wesemibay = {PACKAGE}:wesemibay" in entry
    assert f"wesemibay-db = {PACKAGE}:wesemibay_db" in entry
    requires = [line.split(":", 1)[1] for line in
                meta.read(f"{dist_info}/METADATA").decode().splitlines()
                if line.startswith("Requires-Python:")]
    assert [set(r.replace(" ", "").split(",")) for r in requires] == [
        set(PROJECT["requires-python"].split(","))]


CHILD = textwrap.dedent("""
    import json, sys
    import wesemibay_explorer as w
    out = sys.argv[1]
    rc_build = w.wesemibay_db(["build", "--out", out + "/expo.sqlite"])
    rc_shot = w.wesemibay(["--data-dir", out + "/data", "--lang", "de", "--screenshot",
                           out + "/shot.png", "--size", "800x500"])
    import db, db.assets, desktop, sqlite3
    from PySide6.QtCore import QCoreApplication
    con = sqlite3.connect(out + "/expo.sqlite")
    print(json.dumps({
        "rc": [rc_build, rc_shot], "package": w.__file__, "db": db.__file__,
        "desktop": desktop.__file__, "assets": str(db.assets.ASSETS),
        "pictures": con.execute("SELECT count(*), count(image) FROM products").fetchone(),
        "german": QCoreApplication.translate("WeSemiBay", "Notes")}))
""")


def test_the_installed_wheel_runs_away_from_the_checkout(wheel, tmp_path):
    """Installed (without its dependencies, which this environment has) into a folder of
    its own: both entry points run there, from the package's own seed and assets."""
    site = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                           "--no-index", "--target", str(site), str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(p.name for p in site.iterdir() if p.name != "bin") == [
        PACKAGE, f"{PACKAGE}-{PROJECT['version']}.dist-info"]
    run = tmp_path / "run"
    run.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(site), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", CHILD, str(run)], cwd=run, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    pkg = site / PACKAGE
    assert got["rc"] == [0, 0]
    assert Path(got["package"]).parent == pkg
    assert Path(got["db"]).parent == pkg / "db"          # not the checkout's
    assert Path(got["desktop"]).parent == pkg / "desktop"
    assert Path(got["assets"]) == pkg / "assets"
    assert got["pictures"][0] > 0 and got["pictures"][0] == got["pictures"][1]  # product art
    assert got["german"] == "Notizen"                     # the translations in the wheel
    assert (run / "shot.png").stat().st_size > 10_000
    assert sorted(p.name for p in run.iterdir()) == ["data", "expo.sqlite", "shot.png"]
