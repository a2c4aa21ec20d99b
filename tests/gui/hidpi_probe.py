"""The floor plan on screens of several device pixel ratios, in a process of its own.

Run by ``test_floorplan_hidpi.py`` (Qt's scale factors are fixed when it starts):

    QT_QPA_PLATFORM=offscreen:configfile=SCREENS.json \
    QT_SCREEN_SCALE_FACTORS="one=1;two=2;three=1.5;four=1.25" python hidpi_probe.py EXPO OUT

The window starts on screen ``one`` and is moved, as a user drags it, to each
screen in turn. On each it waits, without asking for a repaint, until the plan
is drawn from tiles of that screen's ratio, then grabs the plan as the screen
shows it and draws the same part of the floor directly at that ratio (the
reference), and writes what it found as JSON on stdout (grabs in OUTDIR).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SIZE = (640, 420)           # the plan's logical size, the same on every screen


def wait(app, cond, timeout_s: float = 10.0) -> bool:
    end = time.perf_counter() + timeout_s
    while time.perf_counter() < end:
        app.processEvents()
        if cond():
            return True
        time.sleep(0.005)
    return False


def compare(img, ref) -> dict:
    """Every other row: the share of pixels that are the same as the reference's; of
    edge pixels (where the reference changes colour to the right or below) that are;
    and of edge pixels whose colour the reference has within one pixel (a sharp picture
    placed a pixel apart passes, a blurred one, with colours of its own, does not)."""
    same = n = edge_same = edge_near = edges = 0
    w, h = img.width(), img.height()
    for y in range(1, h - 1, 2):
        for x in range(1, w - 1):
            here = ref.pixel(x, y)
            got = img.pixel(x, y)
            hit = got == here
            n += 1
            same += hit
            if here != ref.pixel(x + 1, y) or here != ref.pixel(x, y + 1):
                edges += 1
                edge_same += hit
                edge_near += hit or any(got == ref.pixel(x + i, y + j)
                                        for i in (-1, 0, 1) for j in (-1, 0, 1))
    return {"same_as_reference": round(same / n, 5),
            "edges_same_as_reference": round(edge_same / max(edges, 1), 5),
            "edges_near_reference": round(edge_near / max(edges, 1), 5), "edge_px": edges}


def run(expo_path: str, out_dir: str) -> dict:
    from PySide6.QtCore import QPoint, QPointF, QRectF
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtWidgets import QApplication

    from db.expo import open_expo
    from desktop.floorplan.scene import SELECT, FloorScene
    from desktop.floorplan.tiles import render_region, tile_px
    from desktop.floorplan.view import LABEL_PX_PER_M, FloorView

    app = QApplication([sys.argv[0]])
    screens = {s.name(): s for s in app.screens()}
    expo = open_expo(expo_path, readonly=True)
    fs = FloorScene(expo)
    view = FloorView(fs)
    view.resize(*SIZE)
    view.move(screens["one"].geometry().topLeft() + QPoint(20, 20))
    view.show()
    wait(app, lambda: view.isVisible())
    d = fs.data
    level = fs.levels[fs.level]
    # A named booth in the middle of the level, with readable codes and names.
    target = next(i for i in level.ids[len(level.ids) // 2:] if d.occupants[i]
                  and d.rects[i][2] >= 3 and d.rects[i][3] >= 3)
    view.fly_to([target], min_px_per_m=LABEL_PX_PER_M * 1.4)
    view.settle()
    out: dict = {"screens": {}}
    for name in ("one", "two", "three", "four", "one"):
        screen = screens[name]
        ratio = screen.devicePixelRatio()
        view.move(screen.geometry().topLeft() + QPoint(20, 20))
        zoom = round(view.transform().m11() * ratio, 6)

        def drawn_at_ratio() -> bool:
            layers = fs._layers
            return bool(layers) and layers[-1][3] == ratio and layers[-1][1] == zoom \
                and fs.is_sharp() and any(k[5] == ratio for k in fs.tiles.tiles)
        redrawn = wait(app, drawn_at_ratio)
        rec: dict = {"ratio": ratio, "widget_ratio": view.devicePixelRatio(),
                     "redrawn_without_repaint_call": redrawn}
        # Hall labels and the selection are drawn over the plan: the plan alone first.
        fs.labels.setVisible(False)
        fs.set_selected(set())
        view.settle()
        shot = view.viewport().grab()
        rec["grab_ratio"] = shot.devicePixelRatio()
        img = shot.toImage().convertToFormat(QImage.Format.Format_RGB32)
        rec["grab_px"] = [img.width(), img.height()]
        rec["logical_px"] = [view.viewport().width(), view.viewport().height()]
        img.save(str(Path(out_dir) / f"grab-{name}-{ratio:g}.png"))
        tiles = [(k, t) for k, t in fs.tiles.tiles.items() if k[:3] == fs._layers[-1][:3]
                 and k[5] == ratio]
        rec["tiles"] = len(tiles)
        rec["tile_px"] = sorted({(t.width(), t.height()) for _, t in tiles})
        rec["tile_ratio"] = sorted({t.devicePixelRatio() for _, t in tiles})
        rec["tile_px_expected"] = tile_px(ratio)
        # The reference: the same floor drawn directly at this ratio, placed as the tiles
        # are (the scene origin on a whole device pixel).
        vt = view.viewportTransform()
        ox, oy = round(vt.dx() * ratio), round(vt.dy() * ratio)
        ref = QImage(img.width(), img.height(), QImage.Format.Format_RGB32)
        ref.setDevicePixelRatio(ratio)
        p = QPainter(ref)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        render_region(p, level, d, fs.palette_, vt.m11(), -ox / ratio, -oy / ratio,
                      img.width() / ratio, img.height() / ratio, fs.render_state)
        p.end()
        ref.save(str(Path(out_dir) / f"ref-{name}-{ratio:g}.png"))
        rec.update(compare(img, ref))
        # The selection outline, measured across the booth's left edge at mid-height.
        fs.set_selected({target})
        view.settle()
        sel = view.viewport().grab().toImage()
        x, y, w, h = d.rects[target]
        mid = view.mapFromScene(QPointF(x, y + h / 2))
        row = round(mid.y() * ratio)
        want = QColor(SELECT)
        run_px = 0
        for px in range(max(0, round((mid.x() - 8) * ratio)),
                        min(sel.width(), round((mid.x() + 8) * ratio))):
            c = sel.pixelColor(px, row)
            if abs(c.red() - want.red()) + abs(c.green() - want.green()) \
                    + abs(c.blue() - want.blue()) < 60:
                run_px += 1
        rec["selection_px"] = run_px
        fs.labels.setVisible(True)
        # The minimap's picture is made at this ratio.
        mm, _at = view.minimap.picture()
        rec["minimap_ratio"] = mm.devicePixelRatio()
        frame = view.minimap._frame()[0]
        rec["minimap_px"] = [mm.width(), mm.height()]
        rec["minimap_frame_px"] = [round(frame.width() * ratio), round(frame.height() * ratio)]
        out["screens"][f"{name}-{len(out['screens'])}"] = rec
    view.close()
    fs.close()
    expo.close()
    return out


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], sys.argv[2])))
