"""Build everything this platform can build, into dist/:

    python installer/build.py            # bundle + installers of this platform
    python installer/build.py --no-bundle  # reuse dist/wesemibay-explorer/ (installers only)

- every platform: the one-folder bundle ``dist/wesemibay-explorer/`` (PyInstaller, build.spec)
- Linux: ``dist/wesemibay-explorer_<version>_<arch>.deb`` (dpkg-deb) and
  ``dist/wesemibay-explorer-<version>-linux-<machine>.tar.gz``
- Windows: ``dist/WeSemiBay-Explorer-<version>-setup.exe`` (Inno Setup's ``iscc`` on PATH)
- macOS: ``dist/WeSemiBay Explorer.app`` and ``dist/WeSemiBay-Explorer-<version>.dmg``

Needs the package extra: ``pip install -e ".[package]"``. See docs/packaging.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
from db.assets import DESKTOP_ENTRY, ICONS  # noqa: E402  (the one asset lookup)

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
EXE = "wesemibay"
APP_NAME = "WeSemiBay Explorer"
# What Qt's xcb platform plugin needs from the system (always in Depends, even where the
# bundle carries a copy: the system's own versions are what a desktop session loads with).
DEB_DEPENDS = ("libxcb-cursor0", "libxkbcommon-x11-0", "libxcb-icccm4", "libxcb-keysyms1",
               "libxcb-image0", "libxcb-render-util0", "libxcb-shape0", "libegl1", "libgl1",
               "libfontconfig1", "libdbus-1-3")
# A CJK font for the Chinese names; CUPS for printing (the bundle leaves libcups to the system).
DEB_RECOMMENDS = ("fonts-wqy-microhei | fonts-noto-cjk", "libcups2")
# Bundle files whose absence the program survives: their libraries go to Recommends
# (Qt's CUPS printer plugin: without libcups, printing falls back to PDF).
OPTIONAL_ELF = ("/plugins/printsupport/",)


def project() -> dict:
    """``[project]`` of pyproject.toml (name, version, description, ...)."""
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]


def run(cmd: list, **kw) -> None:
    print("+", " ".join(map(str, cmd)), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def tree_size_kib(path: Path) -> int:
    """Size of the files under ``path`` in KiB (symbolic links count as nothing)."""
    total = sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    return (total + 1023) // 1024


def build_bundle(dist: Path, work: Path) -> Path:
    run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", dist, "--workpath", work, ROOT / "build.spec"])
    bundle = dist / project()["name"]
    if sys.platform == "darwin":
        return dist / f"{APP_NAME}.app"
    if sys.platform.startswith("linux"):
        shrink_icu_data(bundle)
    return bundle


def shrink_icu_data(bundle: Path) -> None:
    """Qt's ICU data, 31 MB, cut to what Qt asks ICU for in our languages (icudata.py)."""
    if not all(shutil.which(t) for t in ("gcc", "nm", "readelf")):
        print("gcc/binutils not found: ICU data left whole")
        return
    sys.path.insert(0, str(HERE))
    import icudata
    for lib in sorted(bundle.glob("_internal/PySide6/Qt/lib/libicudata.so.*")):
        if lib.is_file() and not lib.is_symlink():
            r = icudata.prune(lib)
            print(f"+ {lib.name}: {r['kept']} of {r['items']} ICU data items kept, "
                  f"{r['before'] / 2**20:.1f} -> {r['after'] / 2**20:.1f} MiB", flush=True)


# ---------------------------------------------------------------- Linux
def deb_arch() -> str:
    try:
        return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def elf_files(bundle: Path) -> list[Path]:
    """Every ELF file (program, libraries, extensions, plugins) in the bundle."""
    out = []
    for p in sorted(bundle.rglob("*")):
        if p.is_file() and not p.is_symlink():
            with open(p, "rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    out.append(p)
    return out


def needed_sonames(path: Path) -> list[str]:
    """DT_NEEDED entries of one ELF file (readelf -d)."""
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True,
                         check=False).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def soname_packages(sonames: set[str]) -> dict[str, set[str]]:
    """soname -> the installed packages that ship a file of that name (dpkg -S)."""
    out: dict[str, set[str]] = {n: set() for n in sonames}
    if not sonames:
        return out
    proc = subprocess.run(["dpkg", "-S", *sorted(sonames)], capture_output=True, text=True,
                          check=False)
    for line in proc.stdout.splitlines():
        pkgs, _, path = line.partition(": ")
        name = os.path.basename(path.strip())
        if name in out:
            out[name] |= {p.split(":")[0].strip() for p in pkgs.split(",")}
    return out


def shlibdeps(bundle: Path) -> tuple[list[str], list[str]] | None:
    """(Depends, Recommends) for what the bundle's ELF files need and it does not carry.

    The NEEDED entries of every ELF file, less the libraries the bundle carries, are what
    the system must provide. dpkg-shlibdeps maps them to the build system's packages, with
    the minimum versions their symbols files give for the symbols actually used (so
    ``libc6 (>= 2.28)``, not the build host's version); packages that only provide
    libraries the bundle carries are excluded (``-x``). Files under OPTIONAL_ELF count for
    Recommends. None when dpkg-shlibdeps is missing (not a Debian-like build system).
    """
    tool = shutil.which("dpkg-shlibdeps")
    if tool is None or shutil.which("readelf") is None:
        return None
    bundle = bundle.resolve()
    files = elf_files(bundle)
    carried = {p.name for p in bundle.rglob("*")}
    needed = {n for f in files for n in needed_sonames(f)}
    packages = soname_packages(needed)
    wanted = {p for n in needed - carried for p in packages[n]}
    exclude = sorted({p for n in needed & carried for p in packages[n]} - wanted)
    dirs = sorted({str(f.parent) for f in files if ".so" in f.name})
    optional = [f for f in files if any(o in f.as_posix() for o in OPTIONAL_ELF)]
    core = [f for f in files if f not in optional]

    def relations(group: list[Path]) -> list[str]:
        if not group:
            return []
        with tempfile.TemporaryDirectory(prefix="shlibdeps-") as t:
            (Path(t) / "debian").mkdir()
            (Path(t) / "debian" / "control").write_text(
                "Source: x\n\nPackage: x\nArchitecture: any\n", encoding="utf-8")
            proc = subprocess.run(
                [tool, "-O", "--ignore-missing-info", "--warnings=0",
                 *(f"-x{p}" for p in exclude), *(f"-l{d}" for d in dirs),
                 *(f"-e{f}" for f in group)],
                cwd=t, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"dpkg-shlibdeps failed: {proc.stderr.strip()[-2000:]}")
        m = re.search(r"^shlibs:Depends=(.*)$", proc.stdout, re.M)
        return [r.strip() for r in m.group(1).split(",")] if m and m.group(1).strip() else []

    depends = relations(core)
    names = {re.split(r"[\s(]", d)[0] for d in depends}
    recommends = [r for r in relations(optional) if re.split(r"[\s(]", r)[0] not in names]
    return depends, recommends


def deb_relations(bundle: Path | None) -> tuple[list[str], list[str]]:
    """Depends and Recommends of the .deb: computed (shlibdeps) plus the fixed lists."""
    computed = shlibdeps(bundle) if bundle is not None else None
    if computed is None:
        depends, recommends = [], list(DEB_RECOMMENDS)
        libc, ver = platform.libc_ver()
        if libc == "glibc" and ver:
            depends.append(f"libc6 (>= {ver})")
    else:
        depends, recommends = computed
        named = {re.split(r"[\s(]", r)[0] for r in recommends}
        recommends = recommends + [r for r in DEB_RECOMMENDS
                                   if re.split(r"[\s(]", r)[0] not in named]

    def name(rel: str) -> str:
        return re.split(r"[\s(]", rel)[0]

    have = {name(d) for d in depends}
    depends += [d for d in DEB_DEPENDS if d not in have]
    have = {name(d) for d in depends}
    recommends = [r for r in recommends if name(r) not in have]
    return depends, recommends


def deb_control(meta: dict, installed_kib: int, arch: str, bundle: Path | None = None) -> str:
    """The DEBIAN/control text (Depends: see deb_relations)."""
    depends, recommends = deb_relations(bundle)
    summary = "offline explorer for trade shows (built-in: WeSemiBay 2025)"
    long = meta["description"]
    body = "\n".join(" " + line for line in _wrap(long, 78))
    return (f"Package: {meta['name']}\n"
            f"Version: {meta['version']}\n"
            "Section: misc\n"
            "Priority: optional\n"
            f"Architecture: {arch}\n"
            f"Installed-Size: {installed_kib}\n"
            f"Depends: {', '.join(depends)}\n"
            f"Recommends: {', '.join(recommends)}\n"
            "Maintainer: WeSemiBay Explorer developers "
            "<wesemibay-explorer@users.noreply.github.com>\n"
            f"Description: {summary}\n{body}\n"
            " .\n"
            " The program and its Python runtime live in /opt/wesemibay-explorer; your\n"
            " notes and favourites in ~/.local/share/wesemibay-explorer. It never uses\n"
            " the network.\n")


def _wrap(text: str, width: int) -> list[str]:
    import textwrap
    return textwrap.wrap(text, width)


def stage_deb(bundle: Path, root: Path, meta: dict, arch: str | None = None) -> Path:
    """Lay out the package tree under ``root`` (emptied first) from the one-folder bundle."""
    if root.exists():
        shutil.rmtree(root)
    opt = root / "opt" / meta["name"]
    shutil.copytree(bundle, opt, symlinks=True)
    bindir = root / "usr" / "bin"
    bindir.mkdir(parents=True)
    shutil.copy2(HERE / "linux" / EXE, bindir / EXE)
    (bindir / EXE).chmod(0o755)
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy2(DESKTOP_ENTRY, apps / f"{meta['name']}.desktop")
    for n in ICON_SIZES:
        d = root / "usr" / "share" / "icons" / "hicolor" / f"{n}x{n}" / "apps"
        d.mkdir(parents=True)
        shutil.copy2(ICONS / f"wesemibay-{n}.png", d / f"{meta['name']}.png")
    doc = root / "usr" / "share" / "doc" / meta["name"]
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        "WeSemiBay Explorer\n\nCode: MIT licence.\nData of the built-in expo: see "
        "/opt/wesemibay-explorer/_internal/db/seed/README.md; market data from the ETO "
        "Advanced Semiconductor Supply Chain Dataset is CC BY-NC 4.0 (Emerging Technology "
        "Observatory, CSET).\nThe bundle carries Qt 6 and PySide6 (LGPLv3) and Python "
        "(PSF licence) unmodified.\nChinese font: WeSemiBay Sans SC, a subset of Noto Sans "
        "CJK SC, SIL Open Font License 1.1: /opt/wesemibay-explorer/_internal/assets/"
        "fonts/OFL.txt.\n", encoding="utf-8")
    for p in [root, *root.rglob("*")]:   # regular permissions whatever the umask was
        if p.is_symlink():
            continue
        if p.is_dir() or os.access(p, os.X_OK):
            p.chmod(0o755)
        else:
            p.chmod(0o644)
    debian = root / "DEBIAN"
    debian.mkdir()
    (debian / "control").write_text(
        deb_control(meta, tree_size_kib(root), arch or deb_arch(), bundle=opt),
        encoding="utf-8")
    return root


def build_deb(bundle: Path, dist: Path, work: Path) -> Path:
    meta = project()
    arch = deb_arch()
    root = stage_deb(bundle, work / "deb-root", meta, arch)
    out = dist / f"{meta['name']}_{meta['version']}_{arch}.deb"
    # xz: every dpkg reads it (zstd only from Debian 12 / Ubuntu 21.10).
    run(["dpkg-deb", "--root-owner-group", "-Zxz", "-z6", "--build", root, out])
    return out


def build_tar(bundle: Path, dist: Path) -> Path:
    meta = project()
    out = dist / f"{meta['name']}-{meta['version']}-linux-{platform.machine()}.tar.gz"
    print(f"+ tar czf {out} {bundle.name}", flush=True)
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname=bundle.name)
    return out


# ---------------------------------------------------------------- Windows, macOS
def build_inno(dist: Path) -> Path | None:
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    if iscc is None:
        print("Inno Setup (iscc) not on PATH: no setup.exe (see docs/packaging.md)")
        return None
    meta = project()
    run([iscc, f"/DAppVersion={meta['version']}", f"/DSourceDir={dist / meta['name']}",
         f"/DOutputDir={dist}", HERE / "windows" / "wesemibay.iss"])
    return dist / f"WeSemiBay-Explorer-{meta['version']}-setup.exe"


def build_dmg(app: Path, dist: Path) -> Path:
    out = dist / f"WeSemiBay-Explorer-{project()['version']}.dmg"
    run(["bash", HERE / "macos" / "make_dmg.sh", app, out])
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (dist/)")
    p.add_argument("--work", type=Path, default=ROOT / "build", help="scratch folder (build/)")
    p.add_argument("--no-bundle", action="store_true",
                   help="reuse the existing one-folder bundle instead of running PyInstaller")
    args = p.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    dist.mkdir(parents=True, exist_ok=True)
    meta = project()
    if args.no_bundle:
        bundle = dist / (f"{APP_NAME}.app" if sys.platform == "darwin" else meta["name"])
        if not bundle.is_dir():
            p.error(f"{bundle}: no bundle to reuse; run without --no-bundle")
    else:
        bundle = build_bundle(dist, work)
    made = [bundle]
    if sys.platform.startswith("linux"):
        if shutil.which("dpkg-deb"):
            made.append(build_deb(bundle, dist, work))
        else:
            print("dpkg-deb not found: no .deb")
        made.append(build_tar(bundle, dist))
    elif sys.platform == "win32":
        made.append(build_inno(dist))
    elif sys.platform == "darwin":
        made.append(build_dmg(bundle, dist))
    print("\nbuilt:")
    for m in filter(None, made):
        size = tree_size_kib(m) if m.is_dir() else (m.stat().st_size + 1023) // 1024
        print(f"  {m}  ({size / 1024:.1f} MiB{' unpacked' if m.is_dir() else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
