"""WeSemiBay Explorer as installed from the wheel: the launcher (docs/packaging.md, "The wheel").

The repository keeps the design card's top-level folders, and the code imports them by
those names (``from db.expo import Expo``). The wheel installs them inside this one
package, so that site-packages gains no generic top-level name (``db``, ``desktop``,
``assets``)::

    site-packages/wesemibay_explorer/__init__.py     this file (installer/wheel/ in the repository)
    site-packages/wesemibay_explorer/db/             db/
    site-packages/wesemibay_explorer/desktop/        desktop/
    site-packages/wesemibay_explorer/assets/         assets/

The console scripts ``wesemibay`` and ``wesemibay-db`` (and ``python -m wesemibay_explorer``)
start here: the folder that holds ``db/`` and ``desktop/`` goes first on ``sys.path`` of that
process, then the real entry point runs. Importing this package changes nothing; the
modules inside it are meant to be run through these entry points, not imported as
``wesemibay_explorer.db``. An editable install (``pip install -e .``) maps the same names to
the checkout, so the same entry points run the checkout's code.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

__all__ = ["code_folder", "wesemibay", "wesemibay_db"]


def code_folder() -> Path:
    """The folder that holds ``db/``, ``desktop/`` and ``assets/``.

    This package's own folder when installed from the wheel; the checkout when installed
    editable. Found without importing ``db``.
    """
    spec = importlib.util.find_spec(f"{__name__}.db")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"{__name__}: its db package is missing (a broken installation)")
    return Path(list(spec.submodule_search_locations)[0]).resolve().parent


def _put_code_first() -> None:
    """Make ``db`` and ``desktop`` importable by their own names in this process."""
    folder = code_folder()
    if not sys.path or sys.path[0] != str(folder):
        sys.path.insert(0, str(folder))
    for name in ("db", "desktop"):
        mod = sys.modules.get(name)
        where = getattr(mod, "__file__", None) if mod is not None else None
        if mod is not None and (where is None or Path(where).resolve().parent.parent != folder):
            raise SystemExit(f"wesemibay: another module named {name!r} was imported before "
                             f"the program ({where or 'built in'}); start it in a new process")


def wesemibay(argv: list[str] | None = None) -> int:
    """``wesemibay``: the window (``desktop.app:main``)."""
    _put_code_first()
    from desktop.app import main
    return main(argv)


def wesemibay_db(argv: list[str] | None = None) -> int:
    """``wesemibay-db``: the command line (``db.cli:main``)."""
    _put_code_first()
    from db.cli import main
    return main(argv)
