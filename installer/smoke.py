"""Smoke-test the built bundle and .deb on this machine (called by .ci/run):

    python installer/smoke.py [--dist dist]

0. the symbol-version audit of every ELF file (installer/elfaudit.py): nothing needs a
   glibc newer than ``--glibc`` (2.31), and the bundle carries no C++ runtime of its own;
1. the frozen binary: ``--version`` prints pyproject's version; ``--screenshot`` of the
   built-in expo offscreen with a temporary data folder exits 0 and writes a non-blank PNG;
   the built-in expo is built into that folder, and nothing is written beside the program;
2. the .deb: its control fields, files and ``.desktop`` entry; unpacked with
   ``dpkg-deb -x`` into a temporary root, its launcher ``usr/bin/wesemibay`` runs the same way.

Every run gets a fresh HOME and XDG folders (the real ones are never touched) and, where
the kernel allows, no network at all (``unshare --net``). Anything on stderr beyond the
short allow-list below fails. Exit 0 when all passed, 1 otherwise.
"""
from __future__ import annotations

import argparse
import configparser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# stderr lines that carry no fault (regular expressions, searched).
STDERR_ALLOWED = (
    r"^QStandardPaths: (XDG_RUNTIME_DIR not set|wrong permissions on runtime directory)",
    r"^Fontconfig warning: ",
)
failures: list[str] = []


def check(ok: bool, what: str) -> bool:
    print(f"  {'ok  ' if ok else 'FAIL'} {what}", flush=True)
    if not ok:
        failures.append(what)
    return ok


def project() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]


def offline_prefix() -> list[str]:
    """``unshare`` into an empty network namespace, if this machine lets us."""
    for cmd in (["unshare", "--net"], ["unshare", "--map-root-user", "--net"]):
        try:
            if subprocess.run(cmd + ["true"], capture_output=True, timeout=10).returncode == 0:
                return cmd
        except (OSError, subprocess.TimeoutExpired):
            pass
    return []


def unexpected_stderr(text: str) -> list[str]:
    return [ln for ln in text.splitlines()
            if ln.strip() and not any(re.search(p, ln) for p in STDERR_ALLOWED)]


def run_program(cmd: list[str], tmp: Path, prefix: list[str]) -> subprocess.CompletedProcess:
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "XDG_", "PYTHON"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_CONFIG_HOME=str(home / ".config"), XDG_CACHE_HOME=str(home / ".cache"),
               QT_QPA_PLATFORM="offscreen", WESEMIBAY_NO_DIALOGS="1", LANG="C.UTF-8")
    return subprocess.run(prefix + cmd, capture_output=True, text=True, env=env, timeout=120,
                          cwd=tmp)


def png_is_not_blank(path: Path, size: tuple[int, int]) -> tuple[bool, str]:
    from PIL import Image
    with Image.open(path) as im:
        im = im.convert("RGB")
        colours = im.getcolors(maxcolors=1 << 20)
        n = len(colours) if colours else 1 << 20
        extrema = im.getextrema()
        spread = max(hi - lo for lo, hi in extrema)
        return (im.size == size and n >= 50 and spread >= 128,
                f"{im.size[0]}x{im.size[1]}, {n} colours, channel spread {spread}")


def files_under(path: Path) -> set[str]:
    return {str(p.relative_to(path)) for p in path.rglob("*")}


def smoke_program(label: str, program: list[str], bundle: Path, version: str,
                  prefix: list[str]) -> None:
    """``--version`` and ``--screenshot`` of ``program`` (the binary or the launcher)."""
    print(f"{label}: {' '.join(program)}")
    with tempfile.TemporaryDirectory(prefix="wesemibay-smoke-") as t:
        tmp = Path(t)
        proc = run_program(program + ["--version"], tmp, prefix)
        check(proc.returncode == 0 and proc.stdout.strip() == f"wesemibay {version}",
              f"--version prints 'wesemibay {version}' (got {proc.stdout.strip()!r}, "
              f"exit {proc.returncode})")
        check(not unexpected_stderr(proc.stderr), f"--version: stderr clean {proc.stderr!r:.300}")

        before = files_under(bundle)
        data, png = tmp / "data", tmp / "shot.png"
        t0 = time.perf_counter()
        proc = run_program(program + ["--data-dir", str(data), "--screenshot", str(png),
                                      "--size", "1200x800"], tmp, prefix)
        took = time.perf_counter() - t0
        check(proc.returncode == 0, f"--screenshot exits 0 (exit {proc.returncode}, {took:.2f} s"
              f"{', no network' if prefix else ''})")
        bad = unexpected_stderr(proc.stderr)
        check(not bad, "--screenshot: stderr clean" + (f": {bad[:5]}" if bad else ""))
        if check(png.is_file(), "the PNG was written"):
            ok, info = png_is_not_blank(png, (1200, 800))
            check(ok, f"the PNG is not blank ({info})")
            keep = ROOT / "build" / f"smoke-{label}.png"   # to look at after a CI run
            keep.parent.mkdir(exist_ok=True)
            shutil.copy2(png, keep)
        built = list((data / "cache").glob("builtin-*.sqlite"))
        check(len(built) == 1, f"the built-in expo was built in the data folder ({built})")
        log = data / "wesemibay.log"
        if log.is_file():
            errors = [ln for ln in log.read_text(encoding="utf-8", errors="replace").splitlines()
                      if " ERROR " in ln or " CRITICAL " in ln]
            check(not errors, "no errors in wesemibay.log" + (f": {errors[:3]}" if errors else ""))
        check(files_under(bundle) == before, "nothing was written beside the program")
        check(not any((tmp / "home").iterdir()), "nothing was written into HOME")


def smoke_deb(deb: Path, meta: dict, prefix: list[str]) -> None:
    print(f"deb: {deb.name}")
    fields = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True,
                            check=True).stdout
    control = dict(re.findall(r"^([\w-]+): (.*)$", fields, re.M))
    check(control.get("Package") == meta["name"] and control.get("Version") == meta["version"],
          f"control: {control.get('Package')} {control.get('Version')}")
    from build import DEB_DEPENDS  # installer/build.py
    depends = control.get("Depends", "")
    missing = [d for d in DEB_DEPENDS if not re.search(rf"(^|, ){re.escape(d)}\b", depends)]
    check(not missing, f"Depends lists the xcb plugin's libraries (missing: {missing})")
    check("fonts-wqy-microhei" in control.get("Recommends", ""), "Recommends a CJK font")
    with tempfile.TemporaryDirectory(prefix="wesemibay-deb-") as t:
        root = Path(t) / "root"
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        launcher = root / "usr" / "bin" / "wesemibay"
        check(launcher.is_file() and os.access(launcher, os.X_OK), "usr/bin/wesemibay executable")
        app = root / "opt" / meta["name"]
        check((app / "wesemibay").is_file(), f"opt/{meta['name']}/wesemibay")
        desktop = root / "usr" / "share" / "applications" / f"{meta['name']}.desktop"
        if check(desktop.is_file(), f"usr/share/applications/{desktop.name}"):
            cp = configparser.ConfigParser(interpolation=None)
            cp.optionxform = str
            cp.read(desktop, encoding="utf-8")
            entry = cp["Desktop Entry"]
            check(entry.get("Exec", "").split()[0] == "wesemibay"
                  and entry.get("Type") == "Application", ".desktop: Exec=wesemibay, Application")
            icon = entry.get("Icon", "")
            icons = list((root / "usr/share/icons/hicolor").glob(f"*/apps/{icon}.png"))
            check(len(icons) >= 6, f".desktop Icon={icon} installed in {len(icons)} sizes")
            if shutil.which("desktop-file-validate"):
                v = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True,
                                   text=True)
                check(v.returncode == 0 and "error" not in v.stdout.lower(),
                      f"desktop-file-validate {v.stdout.strip()[:300]}")
        smoke_program("deb-launcher", [str(launcher)], app, meta["version"], prefix)


def smoke_symbols(bundle: Path, glibc: str) -> None:
    """The symbol-version audit (installer/elfaudit.py): no file needs a newer glibc."""
    import elfaudit  # installer/elfaudit.py
    print(f"symbols: {bundle}")
    report = elfaudit.audit(bundle, {"GLIBC": glibc})
    highest = ", ".join(f"{k}_{v}" for k, v in sorted(report["max"].items()))
    check(not report["too_new"], f"{report['files']} ELF files need at most {highest} "
          f"(limit GLIBC_{glibc})" + (f": {report['too_new'][:5]}" if report["too_new"] else ""))
    check(not report["carries_libstdcxx"], "the C++ runtime is the system's, not a copy")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Smoke-test the bundle and the .deb.")
    p.add_argument("--dist", type=Path, default=ROOT / "dist")
    p.add_argument("--no-deb", action="store_true", help="test the one-folder bundle only")
    p.add_argument("--glibc", default="2.31",
                   help="the oldest glibc the bundle must run on (default 2.31: Debian 11, "
                        "Ubuntu 20.04); a bundle built on this machine needs its own")
    args = p.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    meta = project()
    bundle = args.dist / meta["name"]
    binary = bundle / ("wesemibay.exe" if sys.platform == "win32" else "wesemibay")
    if not binary.is_file():
        print(f"smoke: {binary}: no bundle; build it with python installer/build.py",
              file=sys.stderr)
        return 1
    prefix = offline_prefix() if sys.platform.startswith("linux") else []
    print(f"network: {'none (' + ' '.join(prefix) + ')' if prefix else 'not isolated'}")
    if sys.platform.startswith("linux"):
        smoke_symbols(bundle, args.glibc)
    pdfium = sorted(p.name for p in bundle.glob("_internal/pypdfium2_raw/*pdfium*"))
    check(bool(pdfium) and (bundle / "_internal" / "assets" / "translations").is_dir(),
          f"the bundle carries assets/ and PDFium for plan import ({pdfium})")
    smoke_program("bundle", [str(binary)], bundle, meta["version"], prefix)
    if not args.no_deb and sys.platform.startswith("linux"):
        debs = sorted(args.dist.glob(f"{meta['name']}_{meta['version']}_*.deb"))
        if check(len(debs) == 1, f"one .deb for version {meta['version']} in {args.dist}"):
            smoke_deb(debs[0], meta, prefix)
    print(f"\nsmoke: {len(failures)} failure(s)" if failures else "\nsmoke: all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
