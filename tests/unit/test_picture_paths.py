"""Where pictures may come from (issue 10, point 9): a catalogue names pictures by path,
and no path (``../``, absolute, a symlink out, a special file) makes the program read and
store a file outside the catalogue's folder (or the folder named with ``--pictures``).
Each refused picture is a warning naming the row and the path; the rest imports.
"""
from __future__ import annotations

import base64
import io
import json
import os
import sys
import threading
from pathlib import Path

import pytest
from PIL import Image

from db import cli, images
from db.expo import open_expo
from db.importing import import_files
import dbtest  # tests/dbtest.py

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "catalogue" / "pictures"
linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc and /sys")


def picture(colour: tuple[int, int, int], fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (48, 32), colour).save(buf, fmt)
    return buf.getvalue()


def stored_pictures(expo: Path) -> list[bytes]:
    with open_expo(expo, readonly=True) as ex:
        return [bytes(d) for (d,) in dbtest.query(ex, "SELECT data FROM images")]


def product_picture(expo: Path, name: str) -> bytes | None:
    with open_expo(expo, readonly=True) as ex:
        row = dbtest.query(ex, "SELECT i.data FROM products p LEFT JOIN images i "
                              "ON i.id = p.image WHERE p.name = ?", (name,)).fetchone()
    return None if row is None or row[0] is None else bytes(row[0])


def catalogue(path: Path, rows: list[tuple[str, str]]) -> Path:
    lines = ["Company,Product,Image"] + [f"Lens Works,{name},{cell}" for name, cell in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def layout(tmp_path):
    """cat/list.csv with cat/pics/good.png; a secret picture in outside/, links in and out."""
    cat, outside = tmp_path / "cat", tmp_path / "outside"
    (cat / "pics").mkdir(parents=True)
    outside.mkdir()
    good = picture((20, 160, 60))
    secret = picture((200, 10, 200))
    (cat / "pics" / "good.png").write_bytes(good)
    (outside / "secret.png").write_bytes(secret)
    (cat / "pics" / "link-out.png").symlink_to(Path("..") / ".." / "outside" / "secret.png")
    (cat / "pics" / "link-in.png").symlink_to("good.png")
    (cat / "link-dir").symlink_to(outside, target_is_directory=True)
    return {"cat": cat, "outside": outside, "good": good, "secret": secret, "tmp": tmp_path}


@pytest.mark.parametrize("target", ["new", "existing"])
def test_pictures_outside_the_catalogue_folder_are_warnings_never_read(layout, target,
                                                                         expo_copy, tmp_path):
    cat, outside = layout["cat"], layout["outside"]
    rows = [("Good", "pics/good.png"),                         # line 2
            ("Dotdot", "../outside/secret.png"),               # line 3
            ("Absolute", str(outside / "secret.png")),         # line 4
            ("Link out", "pics/link-out.png"),                 # line 5
            ("Folder link", "link-dir/secret.png"),            # line 6
            ("Passwd", "/etc/passwd"),                         # line 7
            ("Link in", "pics/link-in.png"),                   # line 8: stays inside
            ("Roundabout", "pics/../pics/good.png")]           # line 9: stays inside
    if sys.platform.startswith("linux"):
        rows.append(("Environ", "/proc/self/environ"))         # line 10
    csv_path = catalogue(cat / "list.csv", rows)
    expo = tmp_path / "new.sqlite" if target == "new" else expo_copy
    before = set(stored_pictures(expo)) if expo.exists() else set()
    report = import_files(expo, [csv_path])
    text = {w.line: str(w) for w in report.warnings}
    col = 'column C ("Image")'
    root = os.path.realpath(cat)
    assert text[3] == (f"list.csv: line 3, {col}: picture ../outside/secret.png: outside the "
                       f"picture folder {root}; imported without a picture; put the picture in "
                       "the catalogue file's folder (or below), or name the pictures' folder "
                       "when importing (--pictures DIR)")
    assert f"line 4, {col}: picture {outside / 'secret.png'}: outside the picture folder" in text[4]
    assert f"line 5, {col}: picture pics/link-out.png: a symbolic link to a file outside" in text[5]
    assert f"line 6, {col}: picture link-dir/secret.png: a symbolic link" in text[6]
    assert f"line 7, {col}: picture /etc/passwd: outside the picture folder" in text[7]
    if sys.platform.startswith("linux"):
        assert f"line 10, {col}: picture /proc/self/environ: outside" in text[10]
    assert 2 not in text and 8 not in text and 9 not in text
    # the products are all there; only the good picture was read and stored
    assert report.rejected == {"picture": len(rows) - 3}
    new = set(stored_pictures(expo)) - before
    assert new == {layout["good"]}
    assert product_picture(expo, "Link in") == layout["good"]
    assert product_picture(expo, "Roundabout") == layout["good"]
    for name in ("Dotdot", "Absolute", "Link out", "Folder link", "Passwd"):
        assert product_picture(expo, name) is None


def _returns_within(fn, seconds: float = 5.0):
    """Run fn in a thread; fail (instead of hanging the suite) if it blocks."""
    box = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as exc:       # noqa: BLE001 - handed to the test
            box["error"] = exc
    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "blocked reading a special file"
    if "error" in box:
        raise box["error"]
    return box.get("value")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_special_files_are_refused_without_being_opened(tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(images.ImageProblem, match="not a regular file"):
        _returns_within(lambda: images.read_file(fifo))
    if os.path.exists("/dev/zero"):
        with pytest.raises(images.ImageProblem, match="not a regular file"):
            _returns_within(lambda: images.read_file("/dev/zero"))
    with pytest.raises(images.ImageProblem, match="folder"):
        images.read_file(tmp_path)


@linux
def test_proc_and_sys_files_are_not_pictures():
    """/proc and /sys files call themselves regular files; they are the kernel's state."""
    for path in ("/proc/self/environ", "/proc/self/cmdline", "/proc/version"):
        with pytest.raises(images.ImageProblem, match="system file"):
            images.read_file(path)
    sys_files = [p for p in ("/sys/kernel/mm/transparent_hugepage/enabled",
                             "/sys/devices/system/cpu/online") if os.path.isfile(p)]
    for path in sys_files:
        with pytest.raises(images.ImageProblem, match="system file"):
            images.read_file(path)


def test_a_file_over_the_limit_is_refused_unread(tmp_path):
    big = tmp_path / "huge.jpg"
    with open(big, "wb") as fh:                   # sparse: no disk space used
        fh.truncate(images.MAX_BYTES + 1)
    with pytest.raises(images.ImageProblem, match="too large"):
        images.read_file(big)
    ok = tmp_path / "ok.png"
    ok.write_bytes(picture((1, 2, 3)))
    assert images.read_file(ok) == ok.read_bytes()


def test_picture_path_resolves_links_before_the_containment_check(layout):
    cat = layout["cat"]
    real = images.picture_path("pics/link-in.png", cat)
    assert real == Path(os.path.realpath(cat / "pics" / "good.png"))
    for cell in ("pics/link-out.png", "link-dir/secret.png", "../outside/secret.png",
                 "/etc/passwd", "pics/../../outside/secret.png"):
        with pytest.raises(images.ImageProblem, match="outside the picture folder"):
            images.picture_path(cell, cat)
    with pytest.raises(images.ImageProblem, match="not a valid file name"):
        images.picture_path("pics/go\0od.png", cat)


def test_a_nul_in_a_picture_cell_is_a_warning(tmp_path):
    (tmp_path / "good.png").write_bytes(picture((9, 9, 9)))
    csv_path = tmp_path / "list.csv"
    csv_path.write_bytes(b"Company,Product,Image\nA,Nul,go\x00od.png\nA,Fine,good.png\n")
    report = import_files(tmp_path / "out.sqlite", [csv_path])
    text = "\n".join(str(w) for w in report.warnings)
    assert 'line 2, column C ("Image"): picture go\\x00od.png: not a valid file name' in text
    assert product_picture(tmp_path / "out.sqlite", "Fine") is not None


def test_the_pictures_option_names_the_folder(layout, capsys):
    """``--pictures DIR``: pictures come from DIR and below, relative paths start there."""
    tmp, cat = layout["tmp"], layout["cat"]
    photos = tmp / "photos"
    photos.mkdir()
    (photos / "a.png").write_bytes(picture((250, 200, 0)))
    csv_path = catalogue(cat / "list.csv", [("From photos", "a.png"),
                                            ("Catalogue folder", str(cat / "pics" / "good.png"))])
    expo = tmp / "opt.sqlite"
    assert cli.main(["import", str(csv_path), "--expo", str(expo)]) == 0
    err = capsys.readouterr().err
    assert "line 2" in err and "a.png: file not found" in err
    assert product_picture(expo, "From photos") is None
    assert product_picture(expo, "Catalogue folder") == layout["good"]

    expo2 = tmp / "opt2.sqlite"
    assert cli.main(["import", str(csv_path), "--expo", str(expo2), "--pictures",
                     str(photos)]) == 0
    err = capsys.readouterr().err
    assert product_picture(expo2, "From photos") == (photos / "a.png").read_bytes()
    # the catalogue's own folder is not the picture folder any more
    assert product_picture(expo2, "Catalogue folder") is None
    assert f"line 3, column C (\"Image\"): picture {cat / 'pics' / 'good.png'}: outside the " \
           f"picture folder {os.path.realpath(photos)}" in err
    assert "put the picture in the picture folder (or below)" in err

    assert cli.main(["import", str(csv_path), "--expo", str(tmp / "x.sqlite"), "--pictures",
                     str(tmp / "nowhere")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nowhere: the picture folder does not exist" in err[0]
    assert not (tmp / "x.sqlite").exists()


@linux
def test_special_files_under_a_named_folder_are_warnings(tmp_path, capsys):
    """Even with ``--pictures /`` nothing but a regular file on a disk is read."""
    csv_path = catalogue(tmp_path / "list.csv", [("Environ", "/proc/self/environ"),
                                                 ("Zero", "/dev/zero"),
                                                 ("Version", "proc/version")])
    expo = tmp_path / "root.sqlite"
    assert _returns_within(lambda: cli.main(["import", str(csv_path), "--expo", str(expo),
                                             "--pictures", "/"]), 20) == 0
    err = capsys.readouterr().err
    assert "line 2" in err and "/proc/self/environ: a system file" in err
    assert "line 3" in err and "/dev/zero: not a regular file" in err
    assert "line 4" in err and "proc/version: a system file" in err
    assert stored_pictures(expo) == []


def test_json_pictures_of_the_wrong_type_or_hostile_are_warnings(export_doc, tmp_path):
    """A JSON document's pictures (base64) go through the same checks; a wrong type is a
    warning for that picture, not a traceback."""
    doc = json.loads(json.dumps(export_doc))
    assert len(doc["images"]) >= 3
    doc["images"][0]["data"] = {"not": "base64"}
    doc["images"][1]["data"] = base64.b64encode((FIX / "truncated.jpg").read_bytes()).decode()
    doc["images"][2]["data"] = 12345
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    report = import_files(tmp_path / "doc.sqlite", [path])
    text = "\n".join(str(w) for w in report.warnings)
    assert "images[0]" in text and "no picture data" in text
    assert "images[1]" in text and "truncated or damaged" in text
    assert "images[2]" in text
    assert report.rejected == {"picture": 3}
    assert len(stored_pictures(tmp_path / "doc.sqlite")) == len(doc["images"]) - 3
