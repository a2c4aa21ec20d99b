"""Which folders the wheel carries, and under which name (the rest is in pyproject.toml).

The repository keeps the design card's top-level folders; the wheel installs them inside
one package of ours, so that site-packages gains no generic top-level name:

    installer/wheel/  ->  wesemibay_explorer/           (the launcher of the console scripts)
    db/               ->  wesemibay_explorer/db/        (with db/seed/)
    desktop/          ->  wesemibay_explorer/desktop/
    assets/           ->  wesemibay_explorer/assets/    (found through db/assets.py)

The subpackages are found here, not listed by hand, so a new folder under db/ or desktop/
needs no change. docs/packaging.md ("The wheel") says why and what it costs.
"""
from setuptools import find_namespace_packages, find_packages, setup

PACKAGE = "wesemibay_explorer"
CODE = find_packages(include=["db", "db.*", "desktop", "desktop.*"])
# Folders of data files only (no __init__.py) are packages of the wheel too.
DATA = {"db.seed": ["*.json", "*.md"], "db.seed.eto": ["*.csv", "*.md"],
        "assets": ["*"], **{f"assets.{p}": ["*"] for p in find_namespace_packages("assets")}}

setup(
    packages=[PACKAGE, *(f"{PACKAGE}.{p}" for p in [*CODE, *DATA])],
    package_dir={PACKAGE: "installer/wheel", f"{PACKAGE}.db": "db",
                 f"{PACKAGE}.desktop": "desktop", f"{PACKAGE}.assets": "assets"},
    package_data={f"{PACKAGE}.{p}": globs for p, globs in DATA.items()},
)
