"""The window on a screen of a given size, in a process of its own (the screen is set when
Qt starts). Run by ``test_layout.py``:

    QT_QPA_PLATFORM=offscreen:configfile=SCREEN.json python layout_probe.py EXPO DATADIR

Opens the main window as a start does (its settings in DATADIR), with the policy timeline
and the products open, SiCarrier selected, a topic lit and the Policy context tab shown;
writes as JSON on stdout what a user would check: the window's frame against the screen's
available area, the status bar, the text rectangles of the timeline and the market chart
(those the painting code uses) and any two that overlap, the product detail's width and
the filter's label; then the same after filling the screen, and what geometry the next
start opens with (remembered for this screen; a saved one larger than the screen not used).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def rect(r) -> list[float]:
    return [round(r.x(), 1), round(r.y(), 1), round(r.width(), 1), round(r.height(), 1)]


def overlaps(rects) -> list:
    out = []
    for i, (a, ta) in enumerate(rects):
        for b, tb in rects[i + 1:]:
            if a.intersects(b) and a.intersected(b).width() > 0.5 \
                    and a.intersected(b).height() > 0.5:
                out.append([ta, tb])
    return out


def settle(app, n: int = 6) -> None:
    for _ in range(n):
        app.processEvents()


def measure(app, win) -> dict:
    settle(app)
    tl = win.policy.timeline
    vp = tl.viewport().rect()
    t_rects = tl.text_rects()
    bars = win.detail.market.bars
    b_rects = bars.text_rects()
    chart = win.detail.market
    status = win.statusBar()
    return {
        "frame": rect(win.frameGeometry()),
        "min_hint": [win.minimumSizeHint().width(), win.minimumSizeHint().height()],
        "status_visible": status.isVisible(),
        "status": rect(status.geometry()),
        "window": [win.width(), win.height()],
        "timeline_size": [vp.width(), vp.height()],
        "timeline_texts": [[t, rect(r)] for r, t in t_rects],
        "timeline_overlaps": overlaps(t_rects),
        "timeline_outside": [t for r, t in t_rects
                             if r.top() < 0 or r.bottom() > vp.height() + 0.5],
        "timeline_labelled": sorted(tl.labelled()),
        "chart_texts": [[t, rect(r)] for r, t in b_rects],
        "chart_overlaps": overlaps(b_rects),
        "chart_outside": [t for r, t in b_rects
                          if r.left() < -0.5 or r.right() > bars.width() + 0.5
                          or r.top() < 0 or r.bottom() > bars.height() + 0.5],
        "chart_bars_bottom": bars.geometry().bottom(),
        "chart_caption_top": chart.caption.geometry().top(),
        "chart_needs": bars.content_height(),
        "chart_height": bars.height(),
        "bottom_dock": rect(win.policy_dock.geometry()),
        "central": rect(win.centralWidget().geometry()),
    }


def main() -> int:
    expo_path, data_dir = sys.argv[1], Path(sys.argv[2])
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QLabel
    app = QApplication([sys.argv[0]])
    from db.expo import open_expo
    from db.userdata import UserData
    from desktop import geometry
    from desktop.main_window import MainWindow
    settings = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)
    expo = open_expo(expo_path, readonly=True)
    user = UserData(data_dir / "user.sqlite")
    screen = app.primaryScreen()
    out: dict = {"available": rect(screen.availableGeometry()),
                 "key": geometry.screen_key(screen)}

    win = MainWindow(expo, user, settings)
    win.show()
    settle(app)
    win.policy_dock.show()
    win.products_dock.show()
    win.select_text("sicarrier")
    win.open_policy("topic", "us-equipment-controls")
    win.detail.tabs.setCurrentIndex(2)          # Policy context: the market chart
    win.policy_dock.raise_()
    out["opened"] = measure(app, win)
    win.show_product("sicarrier-alishan")
    win.products_dock.raise_()
    settle(app)
    out["products"] = {
        "detail_width": win.products.view.width(),
        "detail_text_width": win.products.view.text.width(),
        "filter_width": win.products.text.width(),
        "filter_label": [lb.text() for lb in win.products.findChildren(QLabel)
                         if lb.buddy() is win.products.text and lb.isVisible()]}
    win.policy_dock.raise_()
    avail = screen.availableGeometry()
    win.move(avail.topLeft())
    win.resize(avail.width() - geometry.FRAME.width(), avail.height() - geometry.FRAME.height())
    out["filled"] = measure(app, win)

    # The next start on this screen opens where this one was closed.
    win.resize(1240, 660)
    settle(app)
    win.close()
    again = MainWindow(expo, user, settings)
    out["reopened"] = [again.width(), again.height()]
    # A geometry saved larger than the screen is not used: the window fits.
    again.resize(avail.width() + 900, avail.height() + 700)
    settings.setValue(geometry.screen_key(screen), again.saveGeometry())
    again.close()
    third = MainWindow(expo, user, settings)
    out["too_large_saved"] = [third.width(), third.height()]
    # The one geometry an earlier version kept for every screen: used where it fits.
    third.resize(1230, 650)
    settings.setValue(geometry.LEGACY_KEY, third.saveGeometry())
    settings.remove(geometry.screen_key(screen))
    third.close()
    settings.remove(geometry.screen_key(screen))     # closing saved it again
    fourth = MainWindow(expo, user, settings)
    out["legacy"] = [fourth.width(), fourth.height()]
    fourth.close()
    print(json.dumps(out))
    user.close()
    expo.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
