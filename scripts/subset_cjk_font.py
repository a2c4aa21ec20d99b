"""Make the program's Chinese font: a subset of Noto Sans CJK SC (SIL Open Font License 1.1).

    pip install "fonttools>=4.47,<5"
    python scripts/subset_cjk_font.py            # writes assets/fonts/
    python scripts/subset_cjk_font.py --check    # exit 1 if a character of the data is missing

The result is committed (assets/fonts/: the font, OFL.txt, README.md), so the
program from source, the wheel and every installer carry the same file; run this again when
the seed data or the Chinese translation gain characters (a test fails when they do).

Sources, both from Debian's package registry (``apt-get download``, checked by apt against
the signed indexes; no root needed), or given with ``--ttc``/``--unihan``:
- ``fonts-noto-cjk``: ``NotoSansCJK-Regular.ttc``; the face "Noto Sans CJK SC" is taken.
- ``unicode-data``: the Unicode Character Database's Unihan files. Their field ``kTGH``
  gives each character's position in the Table of General Standard Chinese Characters
  (通用规范汉字表, State Council of the PRC, 2013): exactly 8,105 characters.

Kept: those 8,105 characters; every character of the built-in data (``db/seed/``) and of
the interface translations (``assets/translations/*.json``); ASCII, Latin-1,
Latin Extended-A, general punctuation, CJK symbols and punctuation, full-width forms.
Renamed "WeSemiBay Sans SC" (a modified version under the OFL should not pass for the
original); the copyright and licence fields are kept, OFL.txt is written beside it.
"""
from __future__ import annotations

import argparse
import bz2
import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from db.assets import FONTS as OUT, TRANSLATIONS  # noqa: E402  (the one asset lookup)

FONT_FILE = "WeSemiBaySansSC-Regular.otf"
FAMILY = "WeSemiBay Sans SC"
SOURCE_FACE = "Noto Sans CJK SC"
# Scripts and punctuation beside the Han characters (the font covers all of them).
RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x100, 0x17F), (0x2000, 0x206F), (0x20A0, 0x20BF),
          (0x2100, 0x214F), (0x2190, 0x21FF), (0x2460, 0x24FF), (0x3000, 0x303F),
          (0x30FB, 0x30FB), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))


def data_text_files() -> list[Path]:
    """The files whose characters the font must cover: built-in data, translations."""
    seed = ROOT / "db" / "seed"
    files = sorted(seed.rglob("*.json")) + sorted(seed.rglob("*.csv"))
    files += sorted(TRANSLATIONS.glob("*.json"))
    return files


def data_characters() -> set[str]:
    chars: set[str] = set()
    for f in data_text_files():
        chars |= set(f.read_text(encoding="utf-8"))
    return {c for c in chars if c.isprintable() and not c.isspace() or c == " "}


def tgh_characters(unihan: Path) -> set[str]:
    """The 8,105 characters with a kTGH entry in Unihan (a .zip, a folder or a .txt[.bz2])."""
    texts = []
    if unihan.suffix == ".zip":
        with zipfile.ZipFile(unihan) as z:
            texts = [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".txt")]
    else:
        files = sorted(unihan.glob("Unihan_*.txt*")) if unihan.is_dir() else [unihan]
        for f in files:
            raw = f.read_bytes()
            texts.append((bz2.decompress(raw) if f.suffix == ".bz2" else raw).decode("utf-8"))
    chars = set()
    for text in texts:
        for cp in re.findall(r"^U\+([0-9A-F]{4,6})\tkTGH\t", text, re.M):
            chars.add(chr(int(cp, 16)))
    if len(chars) != 8105:
        sys.exit(f"subset_cjk_font: {unihan}: {len(chars)} kTGH characters, expected 8105")
    return chars


def download(package: str, into: Path) -> tuple[Path, str]:
    """``apt-get download`` one package and unpack it; (folder, version)."""
    subprocess.run(["apt-get", "download", "-qq", package], cwd=into, check=True)
    deb = next(into.glob(f"{package}_*.deb"))
    version = subprocess.run(["dpkg-deb", "-f", str(deb), "Version"], capture_output=True,
                             text=True, check=True).stdout.strip()
    unpacked = into / package
    subprocess.run(["dpkg-deb", "-x", str(deb), str(unpacked)], check=True)
    return unpacked, version


def pick_face(ttc: Path):
    from fontTools.ttLib import TTCollection
    for font in TTCollection(str(ttc)).fonts:
        if font["name"].getDebugName(1) == SOURCE_FACE:
            return font
    sys.exit(f"subset_cjk_font: {ttc}: no face named {SOURCE_FACE!r}")


def subset(ttc: Path, unihan: Path) -> tuple[bytes, dict]:
    from fontTools import subset as ftsubset

    font = pick_face(ttc)
    cmap = font.getBestCmap()
    tgh = tgh_characters(unihan)
    data = data_characters()
    wanted = set(tgh) | data
    for lo, hi in RANGES:
        wanted |= {chr(c) for c in range(lo, hi + 1)}
    missing_data = sorted(c for c in data if ord(c) not in cmap and c != " " and ord(c) > 0x7F)
    kept = sorted(ord(c) for c in wanted if ord(c) in cmap)

    options = ftsubset.Options()
    options.layout_features = ["*"]       # locl, vert, kern, ...: cheap next to the glyphs
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14, 16, 17]
    options.name_languages = [0x409]
    options.hinting = False
    options.notdef_outline = True
    options.drop_tables += ["DSIG", "VORG"]
    sub = ftsubset.Subsetter(options)
    sub.populate(unicodes=kept)
    sub.subset(font)

    copyright_ = font["name"].getDebugName(0)
    version = font["name"].getDebugName(5)
    name = font["name"]
    for rec in list(name.names):
        if rec.nameID in (1, 3, 4, 6, 16, 17):
            name.removeNames(nameID=rec.nameID)
    ps = FAMILY.replace(" ", "") + "-Regular"
    for nid, value in ((1, FAMILY), (2, "Regular"), (3, f"{ps};{version}"),
                       (4, f"{FAMILY} Regular"), (6, ps)):
        name.setName(value, nid, 3, 1, 0x409)
        name.setName(value, nid, 1, 0, 0)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [ps]
        top = cff.topDictIndex[0]
        top.FullName, top.FamilyName = f"{FAMILY} Regular", FAMILY
    font.recalcTimestamp = False          # the source's date: the same input, the same bytes
    buf = io.BytesIO()
    font.save(buf)
    info = {"tgh": len(tgh), "tgh_in_font": sum(1 for c in tgh if ord(c) in cmap),
            "data_chars": len(data), "data_missing_in_source": missing_data,
            "kept": len(kept), "copyright": copyright_, "source_version": version}
    return buf.getvalue(), info


def ofl_text(copyright_: str, debian_copyright: Path | None) -> str:
    """The OFL with the font's own copyright line (from Debian's copyright file's text)."""
    head = (f"{copyright_}\n"
            # The upstream licence's notice (noto-cjk's LICENSE); the subset's name uses
            # no reserved name.
            "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name "
            "'Source'.\n\n"
            f"{FAMILY} is a subset of {SOURCE_FACE} (Noto CJK fonts, Google and Adobe),\n"
            "made by scripts/subset_cjk_font.py; it is distributed under the same licence.\n\n")
    body = ""
    if debian_copyright is not None and debian_copyright.is_file():
        text = debian_copyright.read_text(encoding="utf-8")
        m = re.search(r"^License: SIL-1\.1\n((?: .*\n)+)", text, re.M)
        if m:
            body = "\n".join("" if ln.strip() == "." else ln[1:]
                             for ln in m.group(1).splitlines()) + "\n"
    if not body:
        sys.exit("subset_cjk_font: no OFL text found in the package's copyright file")
    return head + body


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ttc", type=Path, help="NotoSansCJK-Regular.ttc (default: downloaded)")
    p.add_argument("--unihan", type=Path, help="Unihan.zip, a folder of Unihan_*.txt[.bz2]")
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--check", action="store_true",
                   help="only check that the committed font covers the data's characters")
    args = p.parse_args(argv)

    if args.check:
        from fontTools.ttLib import TTFont
        cmap = TTFont(str(args.out / FONT_FILE)).getBestCmap()
        missing = sorted(c for c in data_characters() if ord(c) > 0x7F and ord(c) not in cmap)
        print(f"{len(missing)} character(s) of the data missing: {''.join(missing)[:200]}")
        return 1 if missing else 0

    with tempfile.TemporaryDirectory(prefix="cjkfont-") as t:
        tmp = Path(t)
        versions = {}
        debian_copyright = None
        ttc, unihan = args.ttc, args.unihan
        if ttc is None:
            pkg, versions["fonts-noto-cjk"] = download("fonts-noto-cjk", tmp)
            ttc = pkg / "usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
            debian_copyright = pkg / "usr/share/doc/fonts-noto-cjk/copyright"
        if unihan is None:
            pkg, versions["unicode-data"] = download("unicode-data", tmp)
            unihan = pkg / "usr/share/unicode"
        data, info = subset(ttc, unihan)
        ttc_sha = hashlib.sha256(ttc.read_bytes()).hexdigest()
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / FONT_FILE).write_bytes(data)
        (args.out / "OFL.txt").write_text(ofl_text(info["copyright"], debian_copyright),
                                          encoding="utf-8")
    readme = f"""# Fonts

`{FONT_FILE}` ({len(data) / 1e6:.1f} MB): **{FAMILY}**, a subset of {SOURCE_FACE}
({info['source_version']}), under the SIL Open Font License 1.1 (`OFL.txt`).
{info['copyright']}

Made by `python scripts/subset_cjk_font.py` from Debian's packages
{', '.join(f'`{k}` {v}' for k, v in sorted(versions.items())) or '(given files)'}
(`NotoSansCJK-Regular.ttc`, sha256 `{ttc_sha[:16]}…`). It holds {info['kept']} characters:
the {info['tgh']} of the Table of General Standard Chinese Characters (通用规范汉字表, 2013;
the list is Unihan's `kTGH` field, Unicode Character Database), every character of the
built-in data (`db/seed/`) and of the interface translations, and Latin letters,
punctuation and full-width forms.

The program registers it with Qt at start when the system has no Chinese font
(`desktop/fonts.py`); PDF export uses it for Chinese text.
"""
    (args.out / "README.md").write_text(readme, encoding="utf-8")
    print(json.dumps({"font": str(args.out / FONT_FILE), "bytes": len(data), **versions,
                      **{k: v for k, v in info.items() if k != "copyright"}},
                     ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
