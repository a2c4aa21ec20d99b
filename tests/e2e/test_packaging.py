"""Fast checks of the packaging recipes (the bundle itself is built and smoke-tested by
``installer/build.py`` and ``installer/smoke.py`` in CI, never inside pytest)."""
from __future__ import annotations

import configparser
import importlib.util
import os
import shutil
import subprocess
import sys
try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]
import types
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
ICONS = REPO / "assets" / "icons"


def load_installer_build():
    spec = importlib.util.spec_from_file_location("wesemibay_installer_build",
                                                  REPO / "installer" / "build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class Recorder:
    """Stands in for PyInstaller's Analysis/PYZ/EXE/COLLECT/BUNDLE: keeps the arguments."""
    made: dict = {}

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        Recorder.made[type(self).__name__] = self


def run_spec(monkeypatch, binaries=(), datas=(), imports=None, env=None) -> dict:
    """Execute build.spec as PyInstaller would, with recording stand-ins."""
    for key in ("WESEMIBAY_CONSOLE", "WESEMIBAY_DEBUG"):
        monkeypatch.delenv(key, raising=False)
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.copy_metadata = lambda name: [(f"/site/{name}-x.dist-info", f"{name}-x.dist-info")]
    bindepend = types.ModuleType("PyInstaller.depend.bindepend")
    bindepend.get_imports = lambda src: {(n, None) for n in (imports or {}).get(src, ())}
    for name, mod in (("PyInstaller", types.ModuleType("PyInstaller")),
                      ("PyInstaller.utils", types.ModuleType("PyInstaller.utils")),
                      ("PyInstaller.utils.hooks", hooks),
                      ("PyInstaller.depend", types.ModuleType("PyInstaller.depend")),
                      ("PyInstaller.depend.bindepend", bindepend)):
        monkeypatch.setitem(sys.modules, name, mod)

    class Analysis(Recorder):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.binaries = list(binaries)  # PyInstaller's TOC rows: (dest, source, type)
            self.datas = list(datas) + [(dest, src, "DATA") for src, dest in kwargs["datas"]]
            self.pure, self.scripts = [], []

    Recorder.made = {}
    names = {n: type(n, (Recorder,), {}) for n in ("PYZ", "EXE", "COLLECT", "BUNDLE")}
    ns = {"SPECPATH": str(REPO), "Analysis": Analysis, **names}
    exec(compile((REPO / "build.spec").read_text(encoding="utf-8"), "build.spec", "exec"), ns)
    return Recorder.made


def test_spec_takes_name_and_version_from_pyproject(monkeypatch):
    made = run_spec(monkeypatch)
    assert made["COLLECT"].kwargs["name"] == PROJECT["name"]
    assert made["EXE"].kwargs["name"] == "wesemibay"  # as [project.scripts]
    if sys.platform == "darwin":
        assert made["BUNDLE"].kwargs["version"] == PROJECT["version"]
    assert PROJECT["version"] not in (REPO / "build.spec").read_text(encoding="utf-8")


def test_spec_bundles_seed_assets_and_metadata_and_drops_unused_qt(monkeypatch):
    a = run_spec(monkeypatch)["Analysis"].kwargs
    sources = {Path(src): dest for src, dest in a["datas"]}
    assert sources[REPO / "db" / "seed"] == "db/seed"
    assert sources[REPO / "assets"] == "assets"   # db.assets: sys._MEIPASS / "assets"
    assert any(dest.startswith(PROJECT["name"]) for dest in sources.values()), "--version"
    assert a["module_collection_mode"]["db"] == "pyz+py"  # seed_fingerprint hashes db/*.py
    assert "db.planimport" in a["hiddenimports"]              # and with it pypdfium2 (PDFium)
    excludes = set(a["excludes"])
    assert {"PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick", "tkinter"} <= excludes
    assert not {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets",
                "PySide6.QtPrintSupport"} & excludes


def test_spec_console_and_debug_switch_by_environment(monkeypatch):
    exe = run_spec(monkeypatch)["EXE"].kwargs
    assert exe["console"] is False and exe["debug"] is False and exe["upx"] is False
    assert run_spec(monkeypatch, env={"WESEMIBAY_CONSOLE": "1"})["EXE"].kwargs["console"] is True
    dbg = run_spec(monkeypatch, env={"WESEMIBAY_DEBUG": "1"})["EXE"].kwargs
    assert dbg["debug"] == "imports" and dbg["console"] is True and dbg["strip"] is False
    assert Path(exe["icon"]).is_file()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF pruning is Linux-only")
def test_spec_drops_unused_plugins_and_the_libraries_only_they_need(monkeypatch):
    qt = "PySide6/Qt"
    binaries = [(f"{qt}/plugins/platforms/{p}.so", f"/src/{p}", "BINARY") for p in
                ("libqxcb", "libqoffscreen", "libqwayland", "libqvnc", "libqeglfs")]
    binaries += [(f"{qt}/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
                  "/src/ibus", "BINARY"),
                 (f"{qt}/plugins/platformthemes/libqgtk3.so", "/src/gtk3", "BINARY"),
                 ("PySide6/QtWidgets.abi3.so", "/src/QtWidgets", "EXTENSION")]
    binaries += [(f"{qt}/lib/{lib}", f"/src/{lib}", "BINARY") for lib in
                 ("libQt6Widgets.so.6", "libQt6Gui.so.6", "libQt6XcbQpa.so.6",
                  "libQt6Network.so.6", "libQt6WaylandClient.so.6", "libQt6DBus.so.6")]
    binaries += [("libcairo.so.2", "/src/libcairo.so.2", "BINARY")]
    imports = {"/src/QtWidgets": ["libQt6Widgets.so.6"],
               "/src/libQt6Widgets.so.6": ["libQt6Gui.so.6"],
               "/src/libqxcb": ["libQt6XcbQpa.so.6"], "/src/ibus": ["libQt6DBus.so.6"],
               "/src/libqvnc": ["libQt6Network.so.6"],
               "/src/libqwayland": ["libQt6WaylandClient.so.6"], "/src/gtk3": ["libcairo.so.2"]}
    datas = [("libQt6Network.so.6", f"{qt}/lib/libQt6Network.so.6", "SYMLINK"),
             ("libQt6Gui.so.6", f"{qt}/lib/libQt6Gui.so.6", "SYMLINK")]
    a = run_spec(monkeypatch, binaries, datas, imports)["Analysis"]
    kept = {Path(dest).name for dest, _, _ in a.binaries}
    assert {"libqxcb.so", "libqoffscreen.so", "libibusplatforminputcontextplugin.so",
            "libQt6Widgets.so.6", "libQt6Gui.so.6", "libQt6XcbQpa.so.6",
            "libQt6DBus.so.6"} <= kept
    assert not {"libqwayland.so", "libqvnc.so", "libqeglfs.so", "libqgtk3.so",
                "libQt6Network.so.6", "libQt6WaylandClient.so.6", "libcairo.so.2"} & kept
    links = {dest for dest, _, typ in a.datas if typ == "SYMLINK"}
    assert links == {"libQt6Gui.so.6"}


def test_spec_keeps_our_translations_and_only_qts_for_the_interface_languages(monkeypatch):
    ours = "assets/translations"
    qm = [f"{ours}/wesemibay_zh.qm", f"{ours}/wesemibay_de.qm",
          "PySide6/Qt/translations/qtbase_de.qm", "PySide6/Qt/translations/qtbase_zh_CN.qm",
          "PySide6/Qt/translations/qtbase_fr.qm", "PySide6/Qt/translations/qt_help_de.qm",
          "PySide6/Qt/translations/qtbase_zh_TW.qm"]
    a = run_spec(monkeypatch, datas=[(d, f"/src/{d}", "DATA") for d in qm])["Analysis"]
    kept = {dest for dest, _, _ in a.datas if dest.endswith(".qm")}
    assert kept == set(qm[:4])


def test_icons_in_every_size_and_for_windows_and_macos():
    for n in (16, 24, 32, 48, 64, 128, 256, 512):
        with Image.open(ICONS / f"wesemibay-{n}.png") as im:
            assert im.size == (n, n) and im.mode == "RGBA"
            assert im.getpixel((0, 0))[3] < 32 and im.getpixel((n // 2, n // 2))[3] == 255
    with Image.open(ICONS / "wesemibay.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(ICONS / "wesemibay.icns") as icns:
        assert icns.format == "ICNS" and icns.size[0] >= 512


def test_desktop_entry_starts_the_launcher_with_the_installed_icon():
    cp = configparser.ConfigParser(interpolation=None)
    cp.optionxform = str
    assert cp.read(REPO / "assets" / f"{PROJECT['name']}.desktop", encoding="utf-8")
    entry = cp["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Exec"] == "wesemibay"
    assert entry["Icon"] == PROJECT["name"] and entry["Terminal"] == "false"
    assert entry["Name"] == "WeSemiBay Explorer" and entry["Categories"].endswith(";")
    if shutil.which("desktop-file-validate"):
        proc = subprocess.run(["desktop-file-validate", str(REPO / "assets" /
                                                            f"{PROJECT['name']}.desktop")],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Debian package")
def test_deb_tree_and_launcher_from_a_relocated_root(tmp_path):
    """The package layout around a stand-in program; the launcher finds it from anywhere."""
    build = load_installer_build()
    bundle = tmp_path / "bundle"
    (bundle / "_internal").mkdir(parents=True)
    fake = bundle / "wesemibay"
    fake.write_text('#!/bin/sh\necho "ran $0 with $*"\n', encoding="utf-8")
    fake.chmod(0o700)
    root = build.stage_deb(bundle, tmp_path / "root", PROJECT, arch="amd64")
    control = (root / "DEBIAN" / "control").read_text(encoding="utf-8")
    fields = dict(line.split(": ", 1) for line in control.splitlines() if ": " in line
                  and not line.startswith(" "))
    assert fields["Package"] == PROJECT["name"] and fields["Version"] == PROJECT["version"]
    for lib in ("libxcb-cursor0", "libxkbcommon-x11-0", "libxcb-icccm4", "libxcb-keysyms1",
                "libxcb-image0", "libxcb-render-util0", "libxcb-shape0", "libegl1", "libgl1",
                "libfontconfig1"):
        assert lib in fields["Depends"].split(", ")
    assert fields["Recommends"] == "fonts-wqy-microhei | fonts-noto-cjk, libcups2"
    assert int(fields["Installed-Size"]) >= 1
    assert (root / "opt" / PROJECT["name"] / "wesemibay").stat().st_mode & 0o777 == 0o755
    assert (root / "usr/share/applications" / f"{PROJECT['name']}.desktop").is_file()
    for n in (16, 48, 256, 512):
        assert (root / f"usr/share/icons/hicolor/{n}x{n}/apps/{PROJECT['name']}.png").is_file()

    extracted = tmp_path / "elsewhere" / "root"
    extracted.parent.mkdir()
    if shutil.which("dpkg-deb"):
        deb = tmp_path / "pkg.deb"
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(root),
                        str(deb)], check=True, capture_output=True)
        subprocess.run(["dpkg-deb", "-x", str(deb), str(extracted)], check=True)
    else:
        shutil.copytree(root, extracted, symlinks=True)
    link = tmp_path / "bin" / "wesemibay"  # a symlink to the launcher, as on a PATH
    link.parent.mkdir()
    link.symlink_to(extracted / "usr" / "bin" / "wesemibay")
    for launcher in (extracted / "usr" / "bin" / "wesemibay", link):
        proc = subprocess.run([str(launcher), "--version", "a b"], capture_output=True,
                              text=True, env={**os.environ, "PATH": "/usr/bin:/bin"})
        assert proc.returncode == 0, proc.stderr
        ran = Path(proc.stdout.split()[1]).resolve()
        assert ran == (extracted / "opt" / PROJECT["name"] / "wesemibay").resolve()
        assert proc.stdout.strip().endswith("with --version a b")


def test_seed_fingerprint_without_module_sources(monkeypatch, tmp_path):
    """A frozen program may carry only compiled modules: the cache key still works."""
    import db.build as build
    with_sources = build.seed_fingerprint()
    monkeypatch.setattr(build, "__file__", str(tmp_path / "db" / "build.pyc"))
    without = build.seed_fingerprint()
    assert without == build.seed_fingerprint() and len(without) == 16
    int(without, 16)
    assert without != with_sources


def _copy_elf(src: str, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(os.path.realpath(src), dest)
    return dest


@pytest.mark.skipif(not (shutil.which("dpkg-shlibdeps") and shutil.which("readelf")
                         and shutil.which("dpkg")), reason="needs dpkg-dev and binutils")
def test_deb_depends_name_what_the_bundle_needs_and_does_not_carry(tmp_path):
    """A real extension module that links to libsqlite3: in Depends unless carried."""
    import _sqlite3
    lib = subprocess.run(["dpkg", "-S", "libsqlite3.so.0"], capture_output=True,
                         text=True).stdout
    if "libsqlite3-0" not in lib:
        pytest.skip("libsqlite3.so.0 does not come from a Debian package here")
    build = load_installer_build()
    bundle = tmp_path / "bundle"
    _copy_elf(_sqlite3.__file__, bundle / "_internal" / Path(_sqlite3.__file__).name)
    depends, recommends = build.deb_relations(bundle)
    names = [d.split()[0] for d in depends]
    assert "libsqlite3-0" in names
    assert any(d.startswith("libc6 (>= ") for d in depends)   # from the symbols used
    assert set(build.DEB_DEPENDS) <= set(names)               # the xcb platform's libraries
    assert "fonts-wqy-microhei | fonts-noto-cjk" in recommends
    # Once the bundle carries the library, the system need not provide it.
    real = subprocess.run(["sh", "-c", "ldconfig -p | grep -m1 'libsqlite3.so.0 ' "
                           "| sed 's/.*=> //'"], capture_output=True, text=True).stdout.strip()
    _copy_elf(real, bundle / "_internal" / "libsqlite3.so.0")
    depends, _ = build.deb_relations(bundle)
    assert "libsqlite3-0" not in [d.split()[0] for d in depends]
    assert any(d.startswith("libc6 (>= ") for d in depends)


@pytest.mark.skipif(not (sys.platform.startswith("linux") and shutil.which("readelf")),
                    reason="ELF and binutils")
def test_symbol_version_audit_finds_what_needs_a_newer_glibc(tmp_path):
    spec = importlib.util.spec_from_file_location("wesemibay_elfaudit",
                                                  REPO / "installer" / "elfaudit.py")
    elfaudit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(elfaudit)
    host = tmp_path / "host"
    _copy_elf("/bin/true", host / "true")   # built against this machine's glibc
    (host / "README").write_text("not ELF", encoding="utf-8")
    need = elfaudit.audit(host, {"GLIBC": "99.0"})["max"]["GLIBC"]
    assert elfaudit.audit(host, {"GLIBC": need})["too_new"] == []
    older = f"{need.split('.')[0]}.{int(need.split('.')[1]) - 1}"
    report = elfaudit.audit(host, {"GLIBC": older})
    assert report["files"] == 1 and report["too_new"] == [f"true: GLIBC_{need} (libc.so.6)"]
    # The Qt wheels the bundle is made of (manylinux_2_28) pass the 2.31 limit.
    import PySide6
    qt = Path(PySide6.__file__).parent / "Qt" / "lib"
    wheel = tmp_path / "wheel"
    for name in ("libQt6Core.so.6", "libQt6Gui.so.6", "libQt6Widgets.so.6"):
        _copy_elf(str(qt / name), wheel / name)
    report = elfaudit.audit(wheel)
    assert report["files"] == 3 and report["too_new"] == []
    assert tuple(map(int, report["max"]["GLIBC"].split("."))) <= (2, 28)


def _load_installer_module(name: str):
    spec = importlib.util.spec_from_file_location(f"wesemibay_{name}",
                                                  REPO / "installer" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


ICU_PROBE = """
import sys
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone
zh = QCollator(QLocale("zh_CN"))
de = QCollator(QLocale("de_DE"))
tz = QTimeZone(b"Asia/Shanghai")
name = tz.displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName,
                      QLocale("zh_CN"))
maps = open("/proc/self/maps").read()
print(zh.compare("北方华创", "中微"), de.compare("Öl", "Zebra"), name,
      QStringDecoder("GB18030").isValid(), sys.argv[1] in maps)
"""


@pytest.mark.skipif(not (sys.platform.startswith("linux") and shutil.which("gcc")
                         and shutil.which("nm") and shutil.which("readelf")),
                    reason="ELF, gcc and binutils")
def test_icu_data_is_cut_to_what_qt_uses_and_still_answers(tmp_path):
    """The wheel's ICU data: a faithful package reader/writer, and a smaller library that
    Qt loads and that still collates Chinese by pinyin and names time zones in Chinese."""
    icudata = _load_installer_module("icudata")
    import PySide6
    lib = next((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    name, offset, size = icudata._symbol(lib)
    blob = lib.read_bytes()[offset:offset + size]
    header, items = icudata.read_package(blob)
    assert icudata.write_package(header, items) == blob        # byte for byte
    out = tmp_path / lib.name
    report = icudata.prune(lib, out)
    assert report["after"] < report["before"] / 2
    _, offset2, size2 = icudata._symbol(out)
    header2, kept = icudata.read_package(out.read_bytes()[offset2:offset2 + size2])
    kept = dict(kept)
    original = dict(items)
    assert all(original[n] == data for n, data in kept.items())
    prefix = items[0][0].split("/")[0]
    for n in ("coll/zh.res", "coll/de.res", "coll/root.res", "zone/zh.res", "en.res",
              "cnvalias.icu", "metaZones.res"):
        assert f"{prefix}/{n}" in kept, n
    for n in ("brkitr/root.res", "lang/fr.res", "fr.res", "coll/ja.res"):
        assert f"{prefix}/{n}" in original and f"{prefix}/{n}" not in kept, n
    runs = []
    for preload in ("", str(out)):
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        if preload:
            env["LD_PRELOAD"] = preload
        proc = subprocess.run([sys.executable, "-c", ICU_PROBE, str(out)], capture_output=True,
                              text=True, env=env, timeout=60)
        assert proc.returncode == 0, proc.stderr
        runs.append(proc.stdout.split())
    whole, cut = runs
    assert cut[-1] == "True" and whole[-1] == "False"   # the cut library was the one used
    assert cut[:-1] == whole[:-1] == ["-1", "-1", "中国标准时间", "True"]
