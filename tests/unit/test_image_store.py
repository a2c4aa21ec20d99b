"""Pictures are stored in one place (``db.images.store``): known by their sha1, a picture
already in the expo file is reused with its thumbnail and credit, whoever stores it (the
build, a CSV or JSON import, a plan import)."""
from __future__ import annotations

import json
import shutil
import sqlite3

import dbtest  # tests/dbtest.py
from db import images
from db.expo import open_expo
from db.exporters import to_document
from db.importing import import_files

ART = images.PRODUCT_ART / "ald.png"


def rows(path) -> list[tuple]:
    with dbtest.connect(path) as conn:
        return conn.execute("SELECT id, sha1, credit, thumb IS NOT NULL FROM images "
                            "ORDER BY id").fetchall()


def test_the_same_picture_is_stored_once_and_keeps_its_first_credit(tmp_path):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE images (id INTEGER PRIMARY KEY, sha1 TEXT UNIQUE, data BLOB, "
                 "thumb BLOB, width INTEGER, height INTEGER, mime TEXT, credit TEXT)")
    data = ART.read_bytes()
    first = images.store(conn, data, credit="Photo: the maker")
    again = images.store(conn, data, info=images.inspect(data), credit="Someone else")
    assert again == first
    assert conn.execute("SELECT count(*), credit, width, height, thumb IS NOT NULL "
                        "FROM images").fetchone() == (1, "Photo: the maker", 640, 480, 1)
    # a row from elsewhere without credit or thumbnail: the credit is given, the thumb made
    conn.execute("UPDATE images SET credit = NULL, thumb = NULL")
    assert images.store(conn, data, info=images.inspect(data), credit="Given later") == first
    assert conn.execute("SELECT credit, thumb IS NOT NULL FROM images").fetchone() == \
        ("Given later", 1)
    conn.close()


def test_a_catalogue_picture_the_expo_has_already_is_reused(expo_copy, tmp_path):
    before = rows(expo_copy)
    art = [r for r in before if r[1] == images.sha1_of(ART.read_bytes())]
    assert art and art[0][2] == images.PRODUCT_ART_CREDIT        # the build stored it
    folder = tmp_path / "cat"
    folder.mkdir()
    shutil.copyfile(ART, folder / "photo.png")
    (folder / "list.csv").write_text("Company,Product,Image,Image credit\n"
                                     "Acme,ALD tool,photo.png,Photo: Acme\n", encoding="utf-8")
    import_files(expo_copy, [folder / "list.csv"])
    assert rows(expo_copy) == before                             # no second copy, same credit
    with open_expo(expo_copy, readonly=True) as expo:
        doc = to_document(expo)
    tool = next(p for p in doc["products"] if p["name"] == "ALD tool")
    assert tool["image"] == art[0][1]


def test_a_document_picture_the_expo_has_already_is_reused(expo_copy, export_doc, tmp_path):
    before = rows(expo_copy)
    doc = json.loads(json.dumps(export_doc))
    for im in doc["images"]:
        im["credit"] = "Another credit"
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    import_files(expo_copy, [path])
    assert rows(expo_copy) == before
