"""Every setting the program keeps, by name: the keys of ``<data dir>/settings.ini``.

The settings file is a ``QSettings`` in INI format in the data folder (``--data-dir``);
the window, the start-up, the theme, the welcome and the start marker read and write it
only through these names, so a key is spelt once and a newcomer finds every one here
(``tests/unit/test_settings_keys.py`` fails on a key written as a literal anywhere else).
This module imports no Qt: ``wesemibay --help`` reads nothing from it but stays light.
"""
from __future__ import annotations

FILE_NAME = "settings.ini"          # in the data folder

# The interface
LANGUAGE = "ui/language"            # "en", "de" or "zh" (--lang, View ▸ Language)
THEME = "ui/theme"                  # "system", "light" or "dark" (--theme, View ▸ Theme)

# The window's layout (QMainWindow.saveGeometry / saveState), written when it closes
GEOMETRY = "window/geometry"        # one geometry for every screen (earlier versions; used if it fits)
WINDOW_STATE = "window/state"
SCREEN_GEOMETRY = "window/screens/{screen}"   # per screen: "<name>-<W>x<H>" (desktop/geometry.py)

# What the next start restores
LAST_EXPO = "last/expo"             # the expo file open last (File ▸ Open remembers it)
LAST_SELECTION = "last/selection"   # "<expo slug>|<kind>|<ref>" selected when it closed
LAST_ROUTE = "last/route"           # the route shown when it closed (desktop/marks.py)
LAST_HIGHLIGHT = "last/highlight"   # "<expo slug>|<kind>|<ref>" lit when it closed

# First run and crash-safe start (desktop/help/welcome.py, desktop/startstate.py)
WELCOME_HIDE = "welcome/hide"       # true: the welcome is not shown at start
START_PENDING = "start/pending"     # written before a start restores; cleared once it ran

KEYS = (LANGUAGE, THEME, GEOMETRY, WINDOW_STATE, SCREEN_GEOMETRY, LAST_EXPO, LAST_SELECTION,
        LAST_ROUTE, LAST_HIGHLIGHT, WELCOME_HIDE,
        START_PENDING)
