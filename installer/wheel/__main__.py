"""``python -m wesemibay_explorer``: the window, as ``wesemibay``."""
from . import wesemibay

raise SystemExit(wesemibay())
