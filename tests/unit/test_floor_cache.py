"""The floor plan's booths kept packed in the data folder (``db.floor``): a later start on an
unchanged expo file reads them from one file, not from the expo's tables; a changed file is
read again; a torn, foreign or unwritable cache costs nothing but that read."""
from __future__ import annotations

import os
import shutil

from db import fileops, floor
from db.expo import open_expo
from tests import dbtest


def queries(expo, read):
    """The SQL statements that ``read()`` runs on the expo's connection, and its result."""
    seen: list[str] = []
    expo._conn.set_trace_callback(seen.append)
    try:
        got = read()
    finally:
        expo._conn.set_trace_callback(None)
    return seen, got


def cache_files(data):
    folder = data / floor.CACHE_DIR
    return sorted(folder.glob("*.floor")) if folder.is_dir() else []


def test_a_second_read_of_an_unchanged_file_reads_no_table(expo_copy, tmp_path):
    data = tmp_path / "data"
    with open_expo(expo_copy) as expo:
        plain = floor.read_floor(expo)
        assert len(plain.codes) > 100 and plain.by_exhibitor and plain.names
        first = floor.read_floor(expo, data)                # read, and its copy made
        assert vars(first) == vars(plain)
        assert len(cache_files(data)) == 1
        seen, again = queries(expo, lambda: floor.read_floor(expo, data))
    assert vars(again) == vars(plain)
    # Everything the plan draws and looks up, equal: rectangles, halls, zones, who is where.
    assert again.rects[again.by_code[plain.codes[7]]] == plain.rects[7]
    assert not [q for q in seen if "booth" in q.lower() or "exhibitors" in q.lower()]


def test_a_changed_file_is_read_again(expo_copy, tmp_path):
    data = tmp_path / "data"
    with open_expo(expo_copy) as expo:
        before = floor.read_floor(expo, data)
        code = before.codes[3]
        x, y, w, h = before.rects[3]
        # A real write (an import, a plan placed): the booth moves, an exhibitor leaves it.
        dbtest.execute(expo, "UPDATE booths SET x = x + 7 WHERE code = ?", (code,))
        dbtest.execute(expo, "DELETE FROM booth_exhibitors WHERE booth = ?", (code,))
        seen, after = queries(expo, lambda: floor.read_floor(expo, data))
        assert [q for q in seen if "FROM booths" in q]
        assert after.rects[after.by_code[code]] == (x + 7, y, w, h)
        assert after.occupants[after.by_code[code]] == []
        assert vars(after) == vars(floor.read_floor(expo))
        # ... and that is what the next read finds in the cache.
        seen, third = queries(expo, lambda: floor.read_floor(expo, data))
    assert not [q for q in seen if "FROM booths" in q]
    assert vars(third) == vars(after)
    assert len(cache_files(data)) == 1                      # one file per expo file


def test_a_torn_or_foreign_cache_file_is_not_used(expo_copy, built_expo, tmp_path):
    data = tmp_path / "data"
    other = tmp_path / "other.sqlite"
    shutil.copyfile(built_expo, other)
    with open_expo(other) as expo:
        dbtest.execute(expo, "UPDATE booths SET w = w + 1")
        floor.read_floor(expo, data)                        # the other file's copy
    with open_expo(expo_copy) as expo:
        right = floor.read_floor(expo)
        floor.read_floor(expo, data)
        mine = floor.FloorCache(data).file_for(str(fileops.real_path(expo.path)))
        assert mine.is_file()
        whole = mine.read_bytes()
        theirs = [p for p in cache_files(data) if p != mine]
        assert len(theirs) == 1
        for bad in (whole[: len(whole) // 2],                         # torn
                    whole[:-9] + bytes(9),                            # damaged at its end
                    b"not a cache at all",
                    theirs[0].read_bytes()):                          # another file's
            mine.write_bytes(bad)
            seen, got = queries(expo, lambda: floor.read_floor(expo, data))
            assert vars(got) == vars(right)
            assert [q for q in seen if "FROM booths" in q]            # read from the expo
            assert mine.read_bytes() == whole                         # and the copy made again


def test_a_folder_that_cannot_be_written_still_reads(expo_copy, tmp_path):
    blocked = tmp_path / "data"
    blocked.mkdir()
    (blocked / floor.CACHE_DIR).write_text("a file where the folder would go")
    with open_expo(expo_copy) as expo:
        got = floor.read_floor(expo, blocked)
        assert vars(got) == vars(floor.read_floor(expo))
    assert not any(p.name.endswith(".tmp") for p in blocked.iterdir())


def test_text_that_does_not_pack_is_read_each_time(expo_copy, tmp_path):
    data = tmp_path / "data"
    with open_expo(expo_copy) as expo:
        slug = dbtest.value(expo, "SELECT exhibitor FROM booth_exhibitors LIMIT 1")
        dbtest.execute(expo, "UPDATE exhibitors SET name = ? WHERE slug = ?",
                       ("Nul\x00Name", slug))
        got = floor.read_floor(expo, data)
        assert got.names[slug] == "Nul\x00Name"
        assert cache_files(data) == []
        assert vars(floor.read_floor(expo, data)) == vars(got)


def test_only_the_latest_files_are_kept(built_expo, tmp_path):
    data = tmp_path / "data"
    cache = floor.FloorCache(data)
    made = []
    for k in range(floor.KEEP + 3):
        path = tmp_path / f"expo{k}.sqlite"
        shutil.copyfile(built_expo, path)
        with open_expo(path) as expo:
            floor.read_floor(expo, data)
        made.append(cache.file_for(str(fileops.real_path(path))))
        os.utime(made[-1], ns=(k * 10**9, k * 10**9))        # used in this order
    assert cache_files(data) == sorted(made[-floor.KEEP:])


def test_an_expo_without_placed_booths(expo_copy, tmp_path):
    data = tmp_path / "data"
    with open_expo(expo_copy) as expo:
        dbtest.execute(expo, "UPDATE booths SET placed = 0")
        first = floor.read_floor(expo, data)
        seen, again = queries(expo, lambda: floor.read_floor(expo, data))
    assert first.codes == first.rects == [] and first.typical_w == 3.0
    assert vars(again) == vars(first)
    assert not [q for q in seen if "FROM booths" in q]
