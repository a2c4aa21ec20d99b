"""Entry script of the frozen program (PyInstaller cannot start ``desktop/__main__.py``,
whose relative import needs a package)."""
import sys

from desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
