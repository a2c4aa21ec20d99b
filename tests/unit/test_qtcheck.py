"""The parts of the start-up check (desktop/qtcheck.py) against the system's own tools:
the ELF reader against readelf, the Debian package names against dpkg, the platform order
against Qt's rules, the display probes against real sockets. No Qt is imported."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import qtcheck

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

QT = qtcheck.qt_folder()


def readelf(path: Path) -> tuple[list[str], list[str]]:
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True,
                         check=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)
    runpath = [p for found in re.findall(r"\(RUNPATH\)\s+Library runpath: \[([^\]]+)\]", out)
               for p in found.split(":")]
    return needed, runpath


@pytest.mark.skipif(shutil.which("readelf") is None, reason="no readelf")
@pytest.mark.parametrize("name", ["plugins/platforms/libqxcb.so", "lib/libQt6XcbQpa.so.6",
                                  "lib/libQt6Gui.so.6", "lib/libQt6Core.so.6"])
def test_elf_reader_agrees_with_readelf(name):
    path = QT / name
    needed, runpath, rpath = qtcheck.elf_needs(path)
    assert (needed, runpath) == readelf(path)
    assert rpath == []
    if name.endswith("libqxcb.so"):
        assert "libxcb-cursor.so.0" in needed and runpath == ["$ORIGIN/../../lib"]


def test_elf_reader_refuses_what_is_not_a_library(tmp_path):
    text = tmp_path / "libfake.so.1"
    text.write_text("not a library\n")
    with pytest.raises(ValueError):
        qtcheck.elf_needs(text)
    cut = tmp_path / "libcut.so.1"
    cut.write_bytes((QT / "lib" / "libQt6XcbQpa.so.6").read_bytes()[:40])
    with pytest.raises(ValueError):
        qtcheck.elf_needs(cut)


def test_origin_is_the_folder_of_the_library_as_named_and_as_resolved(tmp_path):
    real = tmp_path / "PySide6" / "Qt" / "lib"
    real.mkdir(parents=True)
    (real / "libQt6Gui.so.6").write_bytes(b"")
    (tmp_path / "libQt6Gui.so.6").symlink_to(real / "libQt6Gui.so.6")   # as in the bundle
    dirs = qtcheck.expand_origin(["$ORIGIN", "${ORIGIN}/../x", "$LIB/y"],
                                 tmp_path / "libQt6Gui.so.6")
    assert dirs == [tmp_path, real, tmp_path / ".." / "x", real / ".." / "x"]


@pytest.mark.parametrize("env, order", [
    ({}, ["xcb"]),
    ({"DISPLAY": ":0"}, ["xcb"]),
    ({"WAYLAND_DISPLAY": "wayland-0"}, ["wayland"]),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, ["wayland", "xcb"]),
    ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"}, ["wayland", "xcb"]),
    ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, ["xcb"]),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, ["offscreen"]),
    ({"QT_QPA_PLATFORM": "xcb:nograb;wayland"}, ["xcb", "wayland"]),
])
def test_platforms_in_the_order_qt_tries_them(env, order):
    assert qtcheck.platform_order(env) == order


@pytest.mark.parametrize("soname, apt, dnf, zypper", [
    ("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm", "libxcb-icccm4"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11-0"),
    ("libxcb-randr.so.0", "libxcb-randr0", "libxcb", "libxcb-randr0"),
    ("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb", "libX11-xcb1"),
    ("libEGL.so.1", "libegl1", "libglvnd-egl", "libEGL1"),
    ("libglib-2.0.so.0", "libglib2.0-0", "glib2", "libglib-2_0-0"),
    ("libdbus-1.so.3", "libdbus-1-3", "dbus-libs", "libdbus-1-3"),
    ("libm.so.6", "libc6", "glibc", "glibc"),
    ("libunknown-7.so.2", "libunknown-7-2", "'libunknown-7.so.2()(64bit)'", "libunknown-7-2"),
])
def test_package_names_of_each_family(soname, apt, dnf, zypper):
    assert [qtcheck.package_name(soname, m) for m in ("apt", "dnf", "zypper")] == \
        [apt, dnf, zypper]


@pytest.mark.skipif(not (shutil.which("dpkg") and shutil.which("ldconfig")),
                    reason="not a Debian system")
def test_debian_names_are_the_packages_dpkg_says_own_the_libraries():
    """Every system library the xcb and Wayland plugins need, as installed here."""
    cache = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    where: dict[str, str] = {}
    for soname, path in re.findall(r"^\s+(\S+) \(libc6,x86-64[^)]*\) => (\S+)$", cache, re.M):
        where.setdefault(soname, path)
    sonames = set()
    for plugin in ("libqxcb.so", "libqwayland-generic.so"):
        todo = [QT / "plugins" / "platforms" / plugin]
        while todo:
            needed, _, _ = qtcheck.elf_needs(todo.pop())
            for name in needed:
                if (QT / "lib" / name).is_file():
                    todo.append(QT / "lib" / name)
                else:
                    sonames.add(name)
    candidates = {}
    for soname in sonames & where.keys():       # those installed here
        path = where[soname]
        candidates[soname] = list(dict.fromkeys(
            [path, os.path.realpath(path), re.sub(r"^/usr/lib/", "/lib/", path),
             re.sub(r"^/usr/lib/", "/lib/", os.path.realpath(path))]))
    listing = subprocess.run(["dpkg", "-S", *{c for cs in candidates.values() for c in cs}],
                             capture_output=True, text=True).stdout    # one call: it is slow
    owners: dict[str, set[str]] = {}
    for line in listing.splitlines():
        packages, _, path = line.partition(": ")
        owners.setdefault(path, set()).update(p.split(":")[0] for p in packages.split(", "))
    checked = 0
    for soname, paths in sorted(candidates.items()):
        found = next((owners[c] for c in paths if c in owners), None)
        if found is None:
            continue                            # not from a package (built by hand)
        assert qtcheck.package_name(soname, "apt") in found, (soname, found)
        checked += 1
    assert checked >= 20


def _fake_tools(folder: Path, *names: str) -> str:
    folder.mkdir(exist_ok=True)
    for name in names:
        tool = folder / name
        tool.write_text("#!/bin/sh\nexit 0\n")
        tool.chmod(0o755)
    return str(folder)


def test_the_package_manager_is_the_one_on_the_path(tmp_path):
    assert qtcheck.package_manager({"PATH": _fake_tools(tmp_path / "a", "dnf")}) == "dnf"
    assert qtcheck.package_manager({"PATH": _fake_tools(tmp_path / "b", "zypper")}) == "zypper"
    assert qtcheck.package_manager({"PATH": _fake_tools(tmp_path / "c", "apt")}) == "apt"
    assert qtcheck.package_manager({"PATH": _fake_tools(tmp_path / "d")}) is None


def test_install_hint_per_manager_and_without_one():
    sudo = "" if os.geteuid() == 0 else "sudo "
    assert qtcheck.install_hint(["libxcb-cursor.so.0"], "dnf") == \
        f"Install it with: {sudo}dnf install xcb-util-cursor"
    assert qtcheck.install_hint(["libxcb-cursor.so.0", "libxcb-randr.so.0",
                                 "libxcb-shape.so.0"], "dnf") == \
        f"Install them with: {sudo}dnf install xcb-util-cursor libxcb"
    assert qtcheck.install_hint(["libxcb-cursor.so.0"], None) == (
        "Install the package that provides it (Debian/Ubuntu: libxcb-cursor0; "
        "Fedora: xcb-util-cursor; openSUSE: libxcb-cursor0).")


def _free_display() -> int:
    return next(n for n in range(4342, 4442) if not Path(f"/tmp/.X11-unix/X{n}").exists())


def test_x_display_probe_connects_to_the_server_socket():
    number = _free_display()
    assert not qtcheck.x_display_answers(f":{number}")
    assert not qtcheck.x_display_answers(f"unix:{number}.0")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(f"\0/tmp/.X11-unix/X{number}")      # where an X server listens
        server.listen(1)
        assert qtcheck.x_display_answers(f":{number}.0")
    assert qtcheck.x_display_answers("remotehost:10.0")  # not tried: counts as there


def test_wayland_probe_follows_libwaylands_lookup(tmp_path):
    env = {"XDG_RUNTIME_DIR": str(tmp_path), "WAYLAND_DISPLAY": "wayland-test"}
    assert not qtcheck.wayland_answers(env)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(tmp_path / "wayland-test"))
        server.listen(1)
        assert qtcheck.wayland_answers(env)
        assert qtcheck.wayland_answers({"WAYLAND_DISPLAY": str(tmp_path / "wayland-test")})
    assert not qtcheck.wayland_answers({"WAYLAND_DISPLAY": "wayland-0"})   # no runtime dir


def test_offscreen_and_other_platforms_are_left_to_qt():
    assert qtcheck.problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert qtcheck.problem({"QT_QPA_PLATFORM": "minimal"}) is None
    assert qtcheck.problem({"QT_QPA_PLATFORM": "eglfs;xcb"}) is None


def test_a_plugin_path_of_the_users_own_is_left_to_qt(tmp_path):
    other = tmp_path / "platforms"
    other.mkdir()
    (other / "libqxcb.so").write_bytes(b"")
    assert qtcheck.problem({"QT_PLUGIN_PATH": str(tmp_path)}) is None   # no display either
    # The bundle's runtime hook points QT_PLUGIN_PATH at our own plugins: still checked.
    assert qtcheck.problem({"QT_PLUGIN_PATH": str(QT / "plugins")}) is not None



def test_qts_platform_option_wins_over_the_environment(tmp_path):
    # `wesemibay -platform offscreen` with no display: Qt would start, so the check must not
    # refuse; `-platform xcb` with no display is refused with the no-display line. (In a child
    # process: the check stands aside where a QGuiApplication already runs, as in this one.)
    import subprocess
    import sys
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    code = ("import sys; from desktop.qtcheck import cannot_start; "
            "sys.exit(2 if cannot_start(sys.argv[1]) else 0)")
    ok = subprocess.run([sys.executable, "-c", code, "offscreen"], capture_output=True,
                        text=True, env=dict(env, QT_QPA_PLATFORM="xcb"))
    assert ok.returncode == 0 and ok.stderr == ""
    refused = subprocess.run([sys.executable, "-c", code, "xcb"], capture_output=True,
                             text=True, env=dict(env, QT_QPA_PLATFORM="offscreen"))
    assert refused.returncode == 2 and "cannot open a window" in refused.stderr
