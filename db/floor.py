"""The floor plan's booths as flat lists, read in one pass (no Qt here).

``read_floor`` gives the window's floor plan (``desktop.floorplan.scene.FloorData``) what it
draws: the placed booths by code, their rectangles, halls, zones and exhibitors, and the
look-ups from a booth code or an exhibitor to the booth ids (the list positions). At
75,000 booths this is three queries and one loop (about 0.3 s).

With a ``cache_dir`` (the data folder) the same lists are also kept packed in one file per
expo file (``floor-cache/``: flat arrays and joined strings, a few MB at 75,000 booths),
remembered per file identity as the integrity check's result is (``db.integrity.identity``:
size, modification time, SQLite's header, the WAL beside it). A later start on the same,
unchanged file reads that one file instead of the expo's tables (about a fifth of the
time); any write to the expo changes its identity, so a changed file is read again. A
cache file that is missing, torn, of another version or of another file is ignored (and
written again); one that cannot be written costs nothing but the time of the next read.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
import sys
import zlib
from array import array
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from . import fileops
from .errors import DataError

log = logging.getLogger("wesemibay.floor")

CACHE_DIR = "floor-cache"       # in the data folder
KEEP = 8                        # expo files remembered (the least recently used go first)
MAGIC = b"WSBFLOOR"
FORMAT = 1
SEP = "\0"                      # between the strings of a list (a string holding one: no cache)


@dataclass
class FloorRows:
    codes: list[str] = field(default_factory=list)
    rects: list[tuple[float, float, float, float]] = field(default_factory=list)
    halls: list[str] = field(default_factory=list)
    zones: list[str | None] = field(default_factory=list)
    occupants: list[list[str]] = field(default_factory=list)     # exhibitor slugs per booth
    names: dict[str, str] = field(default_factory=dict)          # exhibitor slug -> name
    by_code: dict[str, int] = field(default_factory=dict)
    by_exhibitor: dict[str, list[int]] = field(default_factory=dict)
    typical_w: float = 3.0                                        # median booth width (m)


def read_floor(expo, cache_dir: str | os.PathLike | None = None) -> FloorRows:
    """The placed booths (with a size) of ``expo``, by code; with ``cache_dir``, from its
    packed copy there when the expo file is unchanged since it was made (else read, and
    the copy made)."""
    if cache_dir is None:
        return _read(expo)
    from .integrity import identity
    try:
        before = identity(expo.path)
    except DataError:
        return _read(expo)
    cache = FloorCache(cache_dir)
    got = cache.load(before)
    if got is not None:
        return got
    d = _read(expo)
    try:
        unchanged = identity(expo.path) == before
    except DataError:
        unchanged = False
    if unchanged:            # not written while read: the copy is of that file
        cache.store(before, d)
    return d


def _read(expo) -> FloorRows:
    """Column-wise: each list is made in one comprehension over the fetched rows (no
    per-booth appends), the occupants in one pass over ``booth_exhibitors``."""
    d = FloorRows()
    conn = expo._conn
    d.names = dict(conn.execute("SELECT slug, name FROM exhibitors"))
    rows = conn.execute("SELECT code, hall, zone, x, y, w, h FROM booths "
                        "WHERE placed AND w > 0 AND h > 0 ORDER BY code").fetchall()
    d.codes = [r[0] for r in rows]
    d.rects = [r[3:7] for r in rows]
    d.halls = [r[1] or "" for r in rows]
    d.zones = [r[2] for r in rows]
    del rows
    by_code = d.by_code = dict(zip(d.codes, range(len(d.codes))))
    occ: dict[str, list[str]] = {}
    by_ex = d.by_exhibitor
    for booth, ex in conn.execute(
            "SELECT booth, exhibitor FROM booth_exhibitors ORDER BY booth, exhibitor"):
        lst = occ.get(booth)
        if lst is None:
            occ[booth] = [ex]
        else:
            lst.append(ex)
        i = by_code.get(booth)
        if i is not None:
            lst = by_ex.get(ex)
            if lst is None:
                by_ex[ex] = [i]
            else:
                lst.append(i)
    empty: list[str] = []
    d.occupants = [occ.get(c, empty) for c in d.codes]
    for ids in by_ex.values():
        if len(ids) > 1:
            ids.sort()                  # booth ids in code order, as the plan lists them
    d.typical_w = typical_width(d.rects)
    return d


def typical_width(rects) -> float:
    """The median width of a sample of the booths (3 m without booths)."""
    if not rects:
        return 3.0
    widths = sorted(r[2] for r in rects[:: max(1, len(rects) // 2000)])
    return widths[len(widths) // 2]


# ---------------------------------------------------------------------------- the cache
class FloorCache:
    """``FloorRows`` packed, one file per expo file path, in ``<cache_dir>/floor-cache``.

    A file: ``MAGIC``, the length of a JSON header (4 bytes, little-endian), the header
    (format, the expo's path and identity, the booth count, each part's kind and length,
    the CRC-32 of what follows), then the parts: arrays in this machine's byte order and
    lists of strings joined by ``SEP`` in UTF-8."""

    def __init__(self, cache_dir: str | os.PathLike):
        self.folder = Path(cache_dir) / CACHE_DIR

    def file_for(self, path: str) -> Path:
        return self.folder / (hashlib.sha1(path.encode("utf-8", "surrogatepass"))
                              .hexdigest()[:20] + ".floor")

    # ------------------------------------------------------------- reading
    def load(self, ident) -> FloorRows | None:
        """The floor of the file with identity ``ident``, or None (no copy of that file as
        it is now, or one that cannot be read: the caller reads the expo)."""
        target = self.file_for(ident.path)
        try:
            blob = target.read_bytes()
        except OSError:
            return None
        try:
            d = _unpack(blob, ident)
        except (ValueError, TypeError, KeyError, IndexError, OverflowError, UnicodeError,
                struct.error) as exc:
            log.info("floor cache %s not used (%s)", target, exc)
            return None
        if d is not None:
            try:
                os.utime(target)            # recently used: kept when others go
            except OSError:
                pass
        return d

    # ------------------------------------------------------------- writing
    def store(self, ident, d: FloorRows) -> None:
        """Keep a packed copy of ``d`` (read from the file of identity ``ident``). Data that
        does not pack (a string holding ``SEP``, a coordinate that is not a number) and a
        folder that cannot be written are left as they are: nothing is cached."""
        try:
            blob = _pack(ident, d)
        except (ValueError, TypeError, OverflowError, UnicodeError) as exc:
            log.info("floor of %s not cached (%s)", ident.path, exc)
            return
        target = self.file_for(ident.path)

        def produce(temp: Path) -> None:
            temp.write_bytes(blob)
        try:       # a reader sees the old copy or the new one, never a part
            fileops.produce_atomic(target, produce, tag="floor")
        except (DataError, OSError) as exc:
            log.info("floor of %s not cached (%s)", ident.path, exc)
            return
        self._prune(keep=target)

    def _prune(self, keep: Path) -> None:
        try:
            files = [(p.stat().st_mtime, p) for p in self.folder.glob("*.floor") if p != keep]
        except OSError:
            return
        files.sort()
        for _, p in files[:max(0, len(files) - (KEEP - 1))]:
            try:
                p.unlink()
            except OSError:
                pass


def _strings(items) -> bytes:
    """Strings joined by ``SEP`` (ValueError for one that is not a string or holds it)."""
    items = list(items)
    if not all(type(s) is str for s in items):
        raise ValueError("a text that is not a string")
    joined = SEP.join(items)
    if joined.count(SEP) != max(0, len(items) - 1):
        raise ValueError("a text holding a NUL character")
    return joined.encode("utf-8")


def _unstrings(raw: bytes, count: int) -> list[str]:
    got = raw.decode("utf-8").split(SEP) if count else []
    if len(got) != count:
        raise ValueError("a list of strings of the wrong length")
    return got


def _table(values) -> tuple[list, array]:
    """The distinct values but None (in order of first use) and each value's index among
    them (None: -1)."""
    table = [v for v in dict.fromkeys(values) if v is not None]
    where = {v: k for k, v in enumerate(table)}
    where[None] = -1
    return table, array("i", map(where.__getitem__, values))


def _pack(ident, d: FloorRows) -> bytes:
    n = len(d.codes)
    if not (len(d.rects) == len(d.halls) == len(d.zones) == len(d.occupants) == n):
        raise ValueError("lists of different lengths")
    rects = array("d", chain.from_iterable(d.rects))
    if len(rects) != 4 * n:
        raise ValueError("a rectangle that is not four numbers")
    hall_table, halls = _table(d.halls)
    zone_table, zones = _table(d.zones)
    slugs, slug_ix = [], {}
    occ_booth, occ_slug = array("i"), array("i")
    for i, who in enumerate(d.occupants):
        for s in who:
            k = slug_ix.get(s)
            if k is None:
                k = slug_ix[s] = len(slugs)
                slugs.append(s)
            occ_booth.append(i)
            occ_slug.append(k)
    parts = [("rects", rects), ("codes", _strings(d.codes)),
             ("hall_table", _strings(hall_table)), ("halls", halls),
             ("zone_table", _strings(zone_table)), ("zones", zones),
             ("slugs", _strings(slugs)), ("occ_booth", occ_booth), ("occ_slug", occ_slug),
             ("name_slugs", _strings(d.names)), ("name_texts", _strings(d.names.values()))]
    counts = {"codes": n, "hall_table": len(hall_table), "zone_table": len(zone_table),
              "slugs": len(slugs), "name_slugs": len(d.names), "name_texts": len(d.names)}
    payload = [p.tobytes() if isinstance(p, array) else p for _, p in parts]
    header = json.dumps({
        "format": FORMAT, "path": ident.path, "identity": ident.key(), "n": n,
        "typical_w": float(d.typical_w), "byteorder": sys.byteorder,
        "int_size": array("i").itemsize,
        "parts": [[name, p.typecode if isinstance(p, array) else "s", len(raw)]
                  for (name, p), raw in zip(parts, payload)],
        "counts": counts,
        "crc": zlib.crc32(b"".join(payload))}).encode("utf-8")
    return b"".join([MAGIC, struct.pack("<I", len(header)), header, *payload])


def _unpack(blob: bytes, ident) -> FloorRows | None:
    """The floor packed in ``blob`` if it is a whole copy of the file ``ident`` names as it
    is now; None when it is of another file or state; ValueError (and kin) when torn."""
    if blob[:len(MAGIC)] != MAGIC:
        raise ValueError("not a floor cache file")
    at = len(MAGIC) + 4
    (size,) = struct.unpack("<I", blob[len(MAGIC):at])
    head = json.loads(blob[at:at + size].decode("utf-8"))
    if (head.get("format") != FORMAT or head.get("path") != ident.path
            or head.get("identity") != ident.key() or head.get("byteorder") != sys.byteorder
            or head.get("int_size") != array("i").itemsize):
        return None
    body = memoryview(blob)[at + size:]
    if zlib.crc32(body) != head["crc"]:
        raise ValueError("a torn file (its checksum differs)")
    parts, pos = {}, 0
    for name, kind, length in head["parts"]:
        raw = body[pos:pos + length]
        pos += length
        if len(raw) != length:
            raise ValueError("a torn file (a part is short)")
        if kind == "s":
            parts[name] = _unstrings(bytes(raw), int(head["counts"][name]))
        else:
            a = array(kind)
            a.frombytes(raw)
            parts[name] = a
    n = int(head["n"])
    codes, r = parts["codes"], parts["rects"]
    halls, zones = parts["halls"], parts["zones"]
    occ_booth, occ_slug = parts["occ_booth"], parts["occ_slug"]
    hall_table, zone_table = parts["hall_table"], parts["zone_table"]
    slugs = parts["slugs"]
    if not (len(codes) == len(halls) == len(zones) == n and len(r) == 4 * n
            and len(occ_booth) == len(occ_slug)):
        raise ValueError("parts of different lengths")
    if n and not (0 <= min(halls) and max(halls) < len(hall_table)
                  and -1 <= min(zones) and max(zones) < len(zone_table)):
        raise ValueError("an index out of range")
    if occ_booth and not (0 <= min(occ_booth) and max(occ_booth) < n
                          and 0 <= min(occ_slug) and max(occ_slug) < len(slugs)):
        raise ValueError("an index out of range")
    d = FloorRows()
    d.codes = codes
    d.rects = list(zip(r[0::4], r[1::4], r[2::4], r[3::4]))
    d.halls = list(map(hall_table.__getitem__, halls))
    zone_table.append(None)                     # index -1: no zone
    d.zones = list(map(zone_table.__getitem__, zones))
    d.names = dict(zip(parts["name_slugs"], parts["name_texts"]))
    d.by_code = dict(zip(codes, range(n)))
    empty: list[str] = []
    occupants = [empty] * n
    by_ex = d.by_exhibitor
    for i, k in zip(occ_booth, occ_slug):
        s = slugs[k]
        lst = occupants[i]
        if lst is empty:
            occupants[i] = [s]
        else:
            lst.append(s)
        lst = by_ex.get(s)
        if lst is None:
            by_ex[s] = [i]
        else:
            lst.append(i)
    d.occupants = occupants
    d.typical_w = float(head["typical_w"])
    return d
