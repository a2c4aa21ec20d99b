"""Symbol-version audit of a one-folder bundle: which glibc (and libstdc++) it needs.

    python installer/elfaudit.py dist/wesemibay-explorer [--json] [--glibc 2.31]

Every ELF file of the bundle is read with ``readelf -V``; the version references it makes to
the system's C library (``GLIBC_x.y``) must be at most the oldest glibc we support (2.31:
Debian 11, Ubuntu 20.04). References to libstdc++ (``GLIBCXX_``, ``CXXABI_``) are checked
against GCC 10's (Debian 11, Ubuntu 20.04) only when the bundle does not carry its own
libstdc++. Versions of libraries the bundle carries are not the system's business and are
not checked. Exit 0 when nothing needs more, 1 otherwise (one line per offending file).
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

# The oldest systems we support: Debian 11 (glibc 2.31, GCC 10), Ubuntu 20.04 (glibc 2.31,
# libstdc++ of GCC 10 in focal-updates).
LIMITS = {"GLIBC": "2.31", "GLIBCXX": "3.4.28", "CXXABI": "1.3.12"}
# Which library each version prefix belongs to (the files that define those versions).
PROVIDERS = {"GLIBC": ("libc.so", "libm.so", "libpthread.so", "libdl.so", "librt.so",
                       "ld-linux", "libresolv.so", "libutil.so", "libanl.so"),
             "GLIBCXX": ("libstdc++.so",), "CXXABI": ("libstdc++.so",)}


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", version))


def is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def version_needs(path: Path) -> list[tuple[str, str]]:
    """(library, version name) pairs from the file's .gnu.version_r section."""
    out = subprocess.run(["readelf", "-V", "-W", str(path)], capture_output=True, text=True,
                         check=False).stdout
    needs, lib = [], None
    in_r = False
    for line in out.splitlines():
        if line.startswith("Version needs section"):
            in_r = True
            continue
        if line.startswith(("Version symbols section", "Version definition section")):
            in_r = False
        if not in_r:
            continue
        m = re.search(r"File:\s*(\S+)", line)
        if m:
            lib = m.group(1)
            continue
        m = re.search(r"Name:\s*(\S+)", line)
        if m and lib:
            needs.append((lib, m.group(1)))
    return needs


def audit(bundle: Path, limits: dict[str, str] | None = None) -> dict:
    """What the bundle's ELF files need from the system, and what exceeds ``limits``."""
    limits = dict(LIMITS, **(limits or {}))
    files = [p for p in sorted(Path(bundle).rglob("*"))
             if p.is_file() and not p.is_symlink() and is_elf(p)]
    carried = {p.name for p in files} | {p.name for p in Path(bundle).rglob("*") if p.is_symlink()}
    carries_libstdcxx = any(n.startswith("libstdc++.so") for n in carried)
    highest: dict[str, str] = {}
    too_new: list[str] = []
    for f in files:
        for lib, name in version_needs(f):
            m = re.fullmatch(r"(GLIBC|GLIBCXX|CXXABI)_([\d.]+)", name)
            if not m or not lib.startswith(PROVIDERS[m.group(1)]):
                continue
            prefix, ver = m.groups()
            if prefix != "GLIBC" and carries_libstdcxx:
                continue
            if prefix not in highest or _key(ver) > _key(highest[prefix]):
                highest[prefix] = ver
            if _key(ver) > _key(limits[prefix]):
                too_new.append(f"{f.relative_to(bundle)}: {name} ({lib})")
    return {"files": len(files), "max": highest, "limits": limits,
            "carries_libstdcxx": carries_libstdcxx, "too_new": sorted(set(too_new))}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("bundle", type=Path)
    p.add_argument("--glibc", default=LIMITS["GLIBC"], help="highest GLIBC_ allowed (2.31)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    if not args.bundle.is_dir():
        print(f"elfaudit: {args.bundle}: not a folder", file=sys.stderr)
        return 2
    report = audit(args.bundle, {"GLIBC": args.glibc})
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(f"{report['files']} ELF files; highest needed: "
              + ", ".join(f"{k}_{v}" for k, v in sorted(report["max"].items()))
              + f" (limits: {', '.join(f'{k}_{v}' for k, v in report['limits'].items())}"
              + ("; libstdc++ carried by the bundle" if report["carries_libstdcxx"] else "")
              + ")")
        for line in report["too_new"]:
            print(f"too new: {line}")
    return 1 if report["too_new"] else 0


if __name__ == "__main__":
    sys.exit(main())
