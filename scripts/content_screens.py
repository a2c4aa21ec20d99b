"""Grab what a reader sees of every exhibitor, topic and event, to re-read it on screen.

    python scripts/content_screens.py OUT [--expo PATH] [--lang en|de|zh]

Renders the window offscreen on the built-in expo (or ``--expo``) and writes, into OUT:
``exhibitor-<slug>-<tab>.png`` for the Exhibitor, Products and Policy context tabs of the
details of every exhibitor, ``topic-<slug>.png`` and ``event-<slug>.png`` for the Policy
view's text of every topic and event, ``sources.png`` (the Sources view), and
``texts.txt``: the same texts as plain text (with each event's timeline tooltip), to read
and to search. Nothing is written to the user's own settings or notes (a temporary user
file is used). Issue 16 ("Done when") is checked by reading these.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZE = (560, 2400)          # a tall details pane: a record's whole text in one picture


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path)
    p.add_argument("--expo", type=Path, help="expo file (default: the built-in expo)")
    p.add_argument("--lang", choices=("en", "de", "zh"), default="en")
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication

    from db.build import build
    from db.expo import open_expo
    from db.userdata import UserData
    from desktop.app import load_translation
    from desktop.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    load_translation(app, args.lang)       # the language, and its date formats
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.expo or build(Path(tmp) / "expo.sqlite")
        expo = open_expo(path)
        user = UserData(Path(tmp) / "user.sqlite")
        win = MainWindow(expo, user, settings=None)
        win.resize(1600, 1000)
        win.show()
        app.processEvents()
        texts: list[str] = []

        def grab(widget, name: str) -> None:
            widget.resize(*SIZE)
            app.processEvents()
            widget.grab().save(str(out / f"{name}.png"))
            texts.append(f"===== {name}\n{widget.toPlainText()}\n")

        d = win.detail
        for row in expo.exhibitor_rows():
            win.selection.select("exhibitor", row["slug"])
            for i, tab in enumerate(("info", "products", "policy")):
                d.tabs.setCurrentIndex(i)
                grab(getattr(d, tab), f"exhibitor-{row['slug']}-{tab}")
        win.policy_dock.show()
        for kind, rows in (("topic", expo.topics()), ("event", expo.events())):
            for rec in rows:
                win.open_policy(kind, rec["slug"])
                grab(win.policy.text, f"{kind}-{rec['slug']}")
                if kind == "event":
                    item = win.policy.timeline.items[rec["slug"]]
                    texts.append(f"timeline tooltip: {item.toolTip()}\n")
        win.sources_dock.show()
        win.sources.resize(1400, 800)
        app.processEvents()
        win.sources.grab().save(str(out / "sources.png"))
        (out / "texts.txt").write_text("\n".join(texts), encoding="utf-8")
        win.scene.tiles.stop()
        win.close()
        expo.close()
        user.close()
    print(f"wrote {len(texts)} texts and their pictures to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
