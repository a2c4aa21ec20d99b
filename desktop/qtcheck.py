"""Before Qt starts: can its window plugin load, and is there a display to open?

Without this, a Linux desktop that lacks one of the libraries of Qt's xcb platform
plugin (``libxcb-cursor0`` on a plain Debian 12, for one) makes Qt abort (exit 134)
with its explanation only in the log file. :func:`problem` finds out first, without
importing Qt, and says in one line which library is missing and the command that
installs it (apt, dnf or zypper, whichever the system has); :func:`cannot_start`
prints that line and logs it, and ``main()`` exits 1.

How it decides, the way Qt and the dynamic loader would:

- the platforms Qt will try, in Qt 6's order (``QT_QPA_PLATFORM``, else Wayland first
  in a Wayland session, then xcb when ``DISPLAY`` is set); platforms without a window
  (offscreen, minimal) and ones this check does not know are left to Qt;
- for each: is its display there (the X server's or the compositor's socket answers)?
  do its plugin's libraries load? The plugin's ``DT_NEEDED`` entries are read from the
  ELF file (a small reader here: ``ldd`` may be absent on a user's machine) and looked up
  as the loader does (``RPATH``, ``LD_LIBRARY_PATH``, ``RUNPATH``, then the loader's own
  search). Qt's own libraries are followed in the same way, never loaded here (a second
  Qt in the process would be worse than no check); every other library is opened with
  ``dlopen``, by the path where it was found (the bundle's copies) or by its name: the
  libraries Qt itself opens a moment later, so a hidden or absent one fails here just as
  it would fail there, and the loader's message names it.
- Qt starts if one platform has both; else the line names the first missing libraries
  (or, when no platform has a display, that there is none).

Works the same in the PyInstaller bundle: the plugins are in
``_internal/PySide6/Qt/plugins/platforms/``, found through the package's import path,
and the bootloader's ``LD_LIBRARY_PATH`` names the bundle's library folder.
``python -m desktop.qtcheck`` prints the verdict (exit 0 fine, 1 not).
"""
from __future__ import annotations

import importlib.util
import logging
import os
import re
import shutil
import socket
import struct
import sys
from pathlib import Path

log = logging.getLogger("wesemibay")

# Qt's platform names this check knows, and their plugin files (Qt 6.9 wheels and later).
PLUGIN_FILES = {
    "xcb": ("libqxcb.so",),
    "wayland": ("libqwayland.so", "libqwayland-generic.so"),
    "wayland-egl": ("libqwayland-egl.so", "libqwayland.so"),
}

# Package names where the families' own naming rules (see package_name) do not give them.
GLIBC = ("libc.so.", "libm.so.", "libdl.so.", "libpthread.so.", "librt.so.", "ld-linux")
DEBIAN = {
    "libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0", "libz.so.1": "zlib1g", "libgcc_s.so.1": "libgcc-s1",
}
FEDORA = {
    "libxcb-cursor.so.0": "xcb-util-cursor", "libxcb-icccm.so.4": "xcb-util-wm",
    "libxcb-ewmh.so.2": "xcb-util-wm", "libxcb-util.so.1": "xcb-util",
    "libxcb-image.so.0": "xcb-util-image", "libxcb-keysyms.so.1": "xcb-util-keysyms",
    "libxcb-render-util.so.0": "xcb-util-renderutil", "libX11.so.6": "libX11",
    "libX11-xcb.so.1": "libX11-xcb", "libxkbcommon.so.0": "libxkbcommon",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11", "libGL.so.1": "libglvnd-glx",
    "libEGL.so.1": "libglvnd-egl", "libOpenGL.so.0": "libglvnd-opengl",
    "libfontconfig.so.1": "fontconfig", "libfreetype.so.6": "freetype",
    "libglib-2.0.so.0": "glib2", "libgthread-2.0.so.0": "glib2", "libdbus-1.so.3": "dbus-libs",
    "libwayland-client.so.0": "libwayland-client", "libwayland-cursor.so.0": "libwayland-cursor",
    "libwayland-egl.so.1": "libwayland-egl", "libz.so.1": "zlib", "libzstd.so.1": "libzstd",
    "libstdc++.so.6": "libstdc++", "libgcc_s.so.1": "libgcc",
}
FAMILIES = (("apt", "Debian/Ubuntu"), ("dnf", "Fedora"), ("zypper", "openSUSE"))


# ---- which platforms Qt will try ----------------------------------------------------

def platform_order(env) -> list[str]:
    """Qt's platform names in the order QGuiApplication tries them (Qt 6.9,
    ``createPlatformIntegration``; the default platform of the wheels is xcb)."""
    names = env.get("QT_QPA_PLATFORM", "")
    if not names:
        order = []
        if "DISPLAY" in env:
            order.append("xcb")
        if "WAYLAND_DISPLAY" in env or env.get("XDG_SESSION_TYPE") == "wayland":
            order.insert(0, "wayland")
        names = ";".join(order or ["xcb"])
    return [n.split(":")[0] for n in names.split(";") if n]


# ---- where the plugins are ----------------------------------------------------------

def qt_folder() -> Path | None:
    """PySide6's ``Qt`` folder (wheel or bundle), found without importing Qt."""
    try:
        spec = importlib.util.find_spec("PySide6")
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if (Path(folder) / "Qt" / "plugins").is_dir():
            return Path(folder) / "Qt"
    return None


def plugin_file(qt: Path, name: str) -> Path | None:
    for file in PLUGIN_FILES[name]:
        path = qt / "plugins" / "platforms" / file
        if path.is_file():
            return path
    return None


def overridden(env, name: str, ours: Path | None) -> bool:
    """True when ``QT_QPA_PLATFORM_PLUGIN_PATH`` or ``QT_PLUGIN_PATH`` offers Qt another
    file for this platform: which one Qt takes is then its own business."""
    dirs = [Path(d) for d in env.get("QT_QPA_PLATFORM_PLUGIN_PATH", "").split(os.pathsep) if d]
    dirs += [Path(d) / "platforms" for d in env.get("QT_PLUGIN_PATH", "").split(os.pathsep) if d]
    for folder in dirs:
        for file in PLUGIN_FILES[name]:
            other = folder / file
            try:
                if other.is_file() and not (ours is not None and other.samefile(ours)):
                    return True
            except OSError:
                continue
    return False


# ---- ELF: what a library needs, and where it looks ---------------------------------

def elf_needs(path: Path) -> tuple[list[str], list[str], list[str]]:
    """``(DT_NEEDED, DT_RUNPATH, DT_RPATH)`` of an ELF file, read through its program
    headers as the loader does. ValueError if it is not an ELF file with a dynamic part."""
    with open(path, "rb") as fh:
        head = fh.read(64)
        if len(head) < 52 or head[:4] != b"\x7fELF" or head[4] not in (1, 2):
            raise ValueError(f"{path}: not an ELF file")
        is64, end = head[4] == 2, "<" if head[5] == 1 else ">"
        if is64:
            (phoff,) = struct.unpack_from(end + "Q", head, 32)
            phentsize, phnum = struct.unpack_from(end + "HH", head, 54)
            phfmt, dynfmt = end + "IIQQQQQQ", end + "qQ"
        else:
            (phoff,) = struct.unpack_from(end + "I", head, 28)
            phentsize, phnum = struct.unpack_from(end + "HH", head, 42)
            phfmt, dynfmt = end + "IIIIIIII", end + "iI"
        fh.seek(phoff)
        table = fh.read(phentsize * phnum)
        loads, dynamic = [], None
        for i in range(phnum):
            fields = struct.unpack_from(phfmt, table, i * phentsize)
            if is64:
                ptype, _flags, offset, vaddr, _paddr, filesz = fields[:6]
            else:
                ptype, offset, vaddr, _paddr, filesz = fields[:5]
            if ptype == 1:                      # PT_LOAD
                loads.append((vaddr, offset, filesz))
            elif ptype == 2:                    # PT_DYNAMIC
                dynamic = (offset, filesz)
        if dynamic is None:
            raise ValueError(f"{path}: no dynamic section")
        fh.seek(dynamic[0])
        raw = fh.read(dynamic[1])
        step = struct.calcsize(dynfmt)
        entries = []
        for pos in range(0, len(raw) - step + 1, step):
            tag, value = struct.unpack_from(dynfmt, raw, pos)
            if tag == 0:                        # DT_NULL
                break
            entries.append((tag, value))
        strtab = next((v for t, v in entries if t == 5), None)     # DT_STRTAB (an address)
        strsz = next((v for t, v in entries if t == 10), 0)        # DT_STRSZ
        start = next((off + strtab - va for va, off, size in loads
                      if strtab is not None and va <= strtab < va + size), None)
        if start is None:
            raise ValueError(f"{path}: no string table")
        fh.seek(start)
        strings = fh.read(strsz)

    def text(offset: int) -> str:
        return strings[offset:strings.index(b"\0", offset)].decode("utf-8", "replace")
    needed = [text(v) for t, v in entries if t == 1]                 # DT_NEEDED
    runpath = [p for t, v in entries if t == 29 for p in text(v).split(":") if p]
    rpath = [p for t, v in entries if t == 15 for p in text(v).split(":") if p]
    return needed, runpath, rpath


def expand_origin(paths: list[str], obj: Path) -> list[Path]:
    """``$ORIGIN`` of a search path, as the folder of the object (as named and as
    resolved: a bundle's libraries are often symbolic links)."""
    out: list[Path] = []
    for p in paths:
        if "$LIB" in p or "${LIB}" in p or "$PLATFORM" in p or "${PLATFORM}" in p:
            continue
        for origin in (obj.parent, obj.resolve().parent):
            d = Path(p.replace("${ORIGIN}", str(origin)).replace("$ORIGIN", str(origin)))
            if d not in out:
                out.append(d)
    return out


_dl = None


def _dlopen():
    """libc's ``dlopen`` and ``dlerror`` (ctypes' own forces RTLD_NOW, which binds every
    symbol at once, and in the frozen bundle ctypes.CDLL is wrapped)."""
    global _dl
    if _dl is None:
        import ctypes
        try:
            lib = ctypes.CDLL(None)
            lib.dlopen, lib.dlerror
        except (OSError, AttributeError):
            lib = ctypes.CDLL("libdl.so.2")      # glibc before 2.34
        lib.dlopen.restype, lib.dlopen.argtypes = ctypes.c_void_p, [ctypes.c_char_p, ctypes.c_int]
        lib.dlerror.restype, lib.dlerror.argtypes = ctypes.c_char_p, []
        _dl = lib
    return _dl


def load_error(name: str) -> str | None:
    """``dlopen(name)`` as the loader does it (by soname: its cache, ``LD_LIBRARY_PATH``,
    the system folders; or a path). Returns the library it could not find (``name``
    itself or one that it needs), None when it loaded. Other failures are left to Qt."""
    dl = _dlopen()
    if dl.dlopen(os.fsencode(name), os.RTLD_LAZY):
        return None
    text = (dl.dlerror() or b"").decode("utf-8", "replace")
    if "cannot open shared object file" not in text:
        return None
    named = re.match(r"([^:\s]+): cannot open shared object file", text)
    return os.path.basename(named.group(1) if named else name)


def missing_libraries(plugin: Path, env=None) -> list[str]:
    """The libraries that the plugin (and the Qt libraries it brings) need and the loader
    cannot find, in the order the loader meets them."""
    env = os.environ if env is None else env
    library_path = [Path(p) for p in env.get("LD_LIBRARY_PATH", "").split(":") if p]
    seen: set[str] = set()
    missing: list[str] = []
    todo = [plugin]
    while todo:
        obj = todo.pop(0)
        try:
            needed, runpath, rpath = elf_needs(obj)
        except (OSError, ValueError):
            continue
        # The loader's order: DT_RPATH (when there is no RUNPATH), LD_LIBRARY_PATH,
        # DT_RUNPATH, then its cache and the system folders (left to dlopen).
        dirs = (expand_origin(rpath, obj) if not runpath else []) + library_path \
            + expand_origin(runpath, obj)
        for soname in needed:
            if soname in seen:
                continue
            seen.add(soname)
            found = next((d / soname for d in dirs if (d / soname).is_file()), None)
            if soname.startswith("libQt"):      # Qt's own: follow it, never load it here
                if found is not None:
                    todo.append(found)
                continue
            lost = load_error(str(found) if found is not None else soname)
            if lost is not None and lost not in missing:
                missing.append(lost)
    return missing


# ---- is there a display ------------------------------------------------------------

def _answers(family: int, address) -> bool:
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(1.0)
        try:
            s.connect(address)
            return True
        except OSError:
            return False


def x_display_answers(display: str) -> bool:
    """Does the X server named by ``DISPLAY`` accept a connection? Only local displays
    (``:N``, ``unix:N``) are tried; any other form counts as there."""
    host, sep, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not sep or not number.isdigit() or host not in ("", "unix"):
        return True
    path = f"/tmp/.X11-unix/X{number}"
    return (_answers(socket.AF_UNIX, "\0" + path) or _answers(socket.AF_UNIX, path)
            or (host == "" and _answers(socket.AF_INET, ("127.0.0.1", 6000 + int(number)))))


def wayland_answers(env) -> bool:
    """Does the Wayland compositor's socket accept a connection (libwayland's lookup)?"""
    if env.get("WAYLAND_SOCKET"):
        return True
    name = env.get("WAYLAND_DISPLAY") or "wayland-0"
    if not name.startswith("/"):
        runtime = env.get("XDG_RUNTIME_DIR")
        if not runtime:
            return False
        name = os.path.join(runtime, name)
    return _answers(socket.AF_UNIX, name)


def display_missing(name: str, env) -> str | None:
    """Why the platform has no display to open (None: it has one)."""
    if name == "xcb":
        display = env.get("DISPLAY")
        if not display:
            return "DISPLAY is not set"
        return None if x_display_answers(display) else f"no X server answers on DISPLAY={display}"
    if wayland_answers(env):
        return None
    return f"no Wayland compositor answers on {env.get('WAYLAND_DISPLAY') or 'wayland-0'}"


# ---- what to install ---------------------------------------------------------------

def package_manager(env=None) -> str | None:
    """``apt``, ``dnf`` or ``zypper``: the one this system has (its os-release family
    first, when several are on the PATH); None when none is."""
    env = os.environ if env is None else env
    path = env.get("PATH", os.defpath)
    have = [tool for tool, _ in FAMILIES if shutil.which(tool, path=path)]
    if len(have) > 1:
        try:
            text = Path("/etc/os-release").read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        like = " ".join(re.findall(r"^(?:ID|ID_LIKE)=\"?([^\"\n]*)", text, re.M)).lower()
        for tool, words in (("apt", ("debian", "ubuntu")), ("dnf", ("fedora", "rhel")),
                            ("zypper", ("suse",))):
            if tool in have and any(w in like for w in words):
                return tool
    return have[0] if have else None


def _split(soname: str) -> tuple[str, str]:
    name, _, version = soname.partition(".so")
    return name, version.lstrip(".").split(".")[0]


def package_name(soname: str, manager: str) -> str:
    """The package that installs ``soname`` in that family: Debian's and openSUSE's
    shared-library naming rules (libfoo.so.1 is libfoo1, libfoo-2.so.0 is libfoo-2-0),
    Fedora's names from a table (else the soname itself, which dnf accepts as
    ``'libfoo.so.1()(64bit)'``)."""
    if soname.startswith(GLIBC):
        return "libc6" if manager == "apt" else "glibc"
    name, version = _split(soname)
    if manager == "apt":
        if soname in DEBIAN:
            return DEBIAN[soname]
        name = name.lower()
        return f"{name}-{version}" if name[-1:].isdigit() else f"{name}{version}"
    if manager == "zypper":
        name = name.replace(".", "_")
        return f"{name}-{version}" if name[-1:].isdigit() else f"{name}{version}"
    if soname in FEDORA:
        return FEDORA[soname]
    if soname.startswith("libxcb"):
        return "libxcb"                         # the X protocol extensions: one package
    bits = "()(64bit)" if struct.calcsize("P") == 8 else "()"
    return f"'{soname}{bits}'"


def install_hint(sonames: list[str], manager: str | None) -> str:
    them = "it" if len(sonames) == 1 else "them"
    if manager is None:
        per_family = "; ".join(
            f"{label}: {' '.join(dict.fromkeys(package_name(s, tool) for s in sonames))}"
            for tool, label in FAMILIES)
        return f"Install the package that provides {them} ({per_family})."
    sudo = "" if hasattr(os, "geteuid") and os.geteuid() == 0 else "sudo "
    packages = " ".join(dict.fromkeys(package_name(s, manager) for s in sonames))
    return f"Install {them} with: {sudo}{manager} install {packages}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ---- the verdict -------------------------------------------------------------------

def problem(env=None) -> str | None:
    """One line saying why Qt cannot open a window here, or None (Qt will manage, or this
    check cannot tell: Qt then speaks for itself)."""
    env = os.environ if env is None else env
    if not sys.platform.startswith("linux"):
        return None
    names = platform_order(env)
    if names[0] not in PLUGIN_FILES:
        return None                             # offscreen, minimal, eglfs, ...: Qt's call
    qt = qt_folder()
    if qt is None:
        return None
    lacking: tuple[str, list[str]] | None = None
    reasons: list[str] = []
    for name in names:
        if name not in PLUGIN_FILES:
            return None                         # Qt may well manage with that one
        plugin = plugin_file(qt, name)
        if overridden(env, name, plugin):
            return None
        # Qt goes on to the next platform when one does not load or finds no display.
        if plugin is None:
            reasons.append(f"this Qt has no {name} platform plugin")
            continue
        why = display_missing(name, env)
        if why is not None:
            reasons.append(why)
            continue
        missing = missing_libraries(plugin, env)
        if not missing:
            return None
        lacking = lacking or (name, missing)
    if lacking is not None:
        name, missing = lacking
        which = "which is" if len(missing) == 1 else "which are"
        return (f"cannot open a window: Qt's {name} platform plugin needs {_and(missing)}, "
                f"{which} not installed. {install_hint(missing, package_manager(env))}")
    if not any(env.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET")):
        return ("cannot open a window: there is no display (DISPLAY and WAYLAND_DISPLAY are "
                "not set). Start it in a desktop session, or render offscreen with "
                "--screenshot FILE.png")
    return "cannot open a window: " + "; ".join(reasons) if reasons else None


def cannot_start(platform: str | None = None) -> bool:
    """Print (and log) why Qt cannot start here; True if it cannot. ``platform``: the value
    of Qt's ``-platform`` option, which wins over ``QT_QPA_PLATFORM`` as in Qt."""
    qtgui = sys.modules.get("PySide6.QtGui")
    if qtgui is not None and qtgui.QGuiApplication.instance() is not None:
        return False                            # Qt is running already (a test harness)
    line = problem(dict(os.environ, QT_QPA_PLATFORM=platform) if platform else None)
    if line is None:
        return False
    log.warning("not started: %s", line)
    print(f"wesemibay: {line}", file=sys.stderr)
    return True


if __name__ == "__main__":
    verdict = problem()
    print(f"wesemibay: {verdict or 'Qt can open a window here'}",
          file=sys.stderr if verdict else sys.stdout)
    sys.exit(1 if verdict else 0)
