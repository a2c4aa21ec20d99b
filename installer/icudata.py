"""Make Qt's ICU data library smaller: keep what Qt calls ICU for, in our languages.

    python installer/icudata.py dist/wesemibay-explorer/_internal/PySide6/Qt/lib/libicudata.so.73

``libicudata.so.NN`` (31 MB in PySide6 6.9) is one symbol, ``icudtNN_dat``: ICU's common
data package, a table of contents and the data items (``icudt73l/coll/zh.res``, ...).
Qt 6's libraries call ICU only for collation (``ucol_*``), code page conversion
(``ucnv_*``), time zone names (``ucal_*``) and case mapping (``u_strTo*``; its data is
compiled into libicuuc) - checked with ``nm -D --undefined-only`` on every libQt6 file.
So this keeps the collation, time zone and locale data of root, English, German and
Chinese, all converters and the normalisation and property files, and drops the rest:
break iterators and their dictionaries, currency, language, region and unit names,
number spellout, transliteration, string preparation, confusables, character names, and
the locale data of the other languages (ICU falls back to root for them).

The kept items are copied byte for byte into a new package (same order, 16-byte
alignment, as ICU's own ``icupkg`` writes it), which an assembler ``.incbin`` turns back
into a shared library with the same soname and symbol (needs gcc). Nothing else changes.
"""
from __future__ import annotations

import argparse
import re
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

KEEP_LOCALES = ("root", "en", "de", "zh")
DROP_TREES = ("brkitr", "curr", "lang", "region", "unit", "rbnf", "translit")
DROP_FILES = re.compile(r"(\.spp|confusables.*\.cfu|unames\.icu)$")
LOCALE_TREES = ("", "coll", "zone")          # "" is the top level (main locale data)
LOCALE_RE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]+)*\.res$")


def _symbol(lib: Path) -> tuple[str, int, int]:
    """(name, file offset, size) of the icudt*_dat symbol."""
    nm = subprocess.run(["nm", "-D", "-S", "--defined-only", str(lib)], capture_output=True,
                        text=True, check=True).stdout
    m = re.search(r"^([0-9a-f]+) ([0-9a-f]+) [RrDd] (icudt\d+_dat)$", nm, re.M)
    if not m:
        raise ValueError(f"{lib}: no icudt*_dat symbol")
    vaddr, size, name = int(m.group(1), 16), int(m.group(2), 16), m.group(3)
    sections = subprocess.run(["readelf", "-S", "-W", str(lib)], capture_output=True,
                              text=True, check=True).stdout
    for line in sections.splitlines():
        f = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)",
                     line)
        if f:
            addr, off, sz = (int(x, 16) for x in f.groups()[1:])
            if addr and addr <= vaddr < addr + sz:
                return name, vaddr - addr + off, size
    raise ValueError(f"{lib}: {name} is in no section")


def read_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """(header, [(name, item bytes)]) of an ICU common data package ("CmnD")."""
    header_size = struct.unpack_from("<H", blob, 0)[0]
    if blob[2:4] != b"\xda\x27" or blob[12:16] != b"CmnD" or blob[8] != 0:
        raise ValueError("not a little-endian ICU common data package")
    toc = header_size
    count = struct.unpack_from("<I", blob, toc)[0]
    entries = [struct.unpack_from("<II", blob, toc + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_off, data_off) in enumerate(entries):
        end = blob.index(b"\0", toc + name_off)
        name = blob[toc + name_off:end].decode("ascii")
        stop = entries[i + 1][1] if i + 1 < count else len(blob) - toc
        items.append((name, blob[toc + data_off:toc + stop]))
    return blob[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """An ICU common data package of ``items`` (names sorted as ICU's lookup needs)."""
    items = sorted(items, key=lambda it: it[0].encode("ascii"))
    count = len(items)
    names = b""
    name_offsets = []
    base = 4 + 8 * count
    for name, _ in items:
        name_offsets.append(base + len(names))
        names += name.encode("ascii") + b"\0"
    data_start = base + len(names)
    data_start += -data_start % 16
    body = bytearray()
    data_offsets = []
    for _, data in items:
        data_offsets.append(data_start + len(body))
        body += data
        body += b"\xaa" * (-len(body) % 16)
    toc = struct.pack("<I", count) + b"".join(
        struct.pack("<II", n, d) for n, d in zip(name_offsets, data_offsets))
    toc += names + b"\xaa" * (data_start - base - len(names))   # as icupkg pads
    return header + toc + bytes(body)


def keep(name: str) -> bool:
    """Whether a package item (``icudt73l/coll/zh.res``) is kept."""
    parts = name.split("/", 1)
    path = parts[1] if len(parts) == 2 else parts[0]
    tree, _, leaf = path.rpartition("/")
    if tree.split("/")[0] in DROP_TREES or DROP_FILES.search(leaf):
        return False
    if tree in LOCALE_TREES and LOCALE_RE.match(leaf) and leaf not in ("pool.res",):
        lang = leaf[:-4].split("_")[0]
        return lang in KEEP_LOCALES
    return True


def prune(lib: Path, out: Path | None = None) -> dict:
    """Rewrite ``lib`` (or write ``out``) with the pruned package; sizes before and after."""
    out = out or lib
    name, offset, size = _symbol(lib)
    raw = lib.read_bytes()
    header, items = read_package(raw[offset:offset + size])
    kept = [(n, d) for n, d in items if keep(n)]
    package = write_package(header, kept)
    soname = subprocess.run(["readelf", "-d", str(lib)], capture_output=True, text=True,
                            check=True).stdout
    m = re.search(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", soname)
    with tempfile.TemporaryDirectory(prefix="icudata-") as t:
        tmp = Path(t)
        (tmp / "data.dat").write_bytes(package)
        (tmp / "data.s").write_text(
            f'\t.section .rodata\n\t.globl {name}\n\t.type {name}, @object\n\t.balign 16\n'
            f'{name}:\n\t.incbin "data.dat"\n\t.size {name}, .-{name}\n'
            '\t.section .note.GNU-stack,"",@progbits\n', encoding="ascii")
        subprocess.run(["gcc", "-shared", "-nostdlib", "-Wl,-s",
                        f"-Wl,-soname,{m.group(1) if m else lib.name}", "-o", "out.so",
                        "data.s"], cwd=tmp, check=True)
        out.write_bytes((tmp / "out.so").read_bytes())
    out.chmod(0o755)
    return {"items": len(items), "kept": len(kept), "before": len(raw),
            "after": out.stat().st_size}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("lib", type=Path)
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
    r = prune(args.lib, args.out)
    print(f"{args.lib.name}: {r['kept']} of {r['items']} items kept, "
          f"{r['before'] / 2**20:.1f} MiB -> {r['after'] / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
