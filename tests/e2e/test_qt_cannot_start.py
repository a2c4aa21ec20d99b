"""A first start where Qt cannot open a window (issue 17): one line and exit 1, not Qt's
abort (exit 134) with its reason only in the log.

The libraries are taken out of the loader's view for real (``tests/loader_view.py``: an
LD_AUDIT library makes glibc's loader skip those files wherever it looks); each scenario
first shows that Qt itself aborts there, then that the program says why in one line.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from loader_view import hiding_library, no_core_dump, xvfb  # tests/loader_view.py

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

ROOT = Path(__file__).resolve().parents[2]
BARE_QT = ("from PySide6.QtWidgets import QApplication; app = QApplication(['bare']); "
           "print(app.platformName())")
NO_DISPLAY = ("wesemibay: cannot open a window: there is no display (DISPLAY and "
              "WAYLAND_DISPLAY are not set). Start it in a desktop session, or render "
              "offscreen with --screenshot FILE.png")
BUNDLE = Path(os.environ.get("WESEMIBAY_BUNDLE") or
              ROOT / "dist" / "wesemibay-explorer" / "wesemibay")


@pytest.fixture(scope="module")
def hider(tmp_path_factory) -> Path:
    return hiding_library(tmp_path_factory.mktemp("loader"))


@pytest.fixture(scope="module")
def display():
    with xvfb() as name:
        yield name


def environment(**extra: str) -> dict:
    """This process's environment without any display or Qt setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("QT_", "WAYLAND_", "LD_AUDIT", "HIDE_SONAMES"))
           and k not in ("DISPLAY", "XDG_SESSION_TYPE")}
    env.update(extra)
    return env


def hiding(hider: Path, *sonames: str, **extra: str) -> dict:
    return environment(LD_AUDIT=str(hider), HIDE_SONAMES=":".join(sonames), **extra)


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, preexec_fn=no_core_dump)


def program(tmp_path: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "desktop", "--data-dir", str(tmp_path / "data"), *args],
               env)


def assert_qt_aborts(env: dict) -> None:
    """The scenario is real: Qt on its own dies there (exit 134 in a shell)."""
    bare = run([sys.executable, "-c", BARE_QT], env)
    assert bare.returncode == -signal.SIGABRT, (bare.returncode, bare.stderr[-500:])


def one_line(proc: subprocess.CompletedProcess) -> str:
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def refused(tmp_path: Path, env: dict) -> str:
    """Run the program where it cannot start: exit 1 and one line on stderr (returned)."""
    proc = program(tmp_path, env)
    assert proc.returncode == 1, proc.stderr
    return one_line(proc)


def test_the_hidden_library_really_cannot_be_loaded_and_the_check_names_it(hider):
    probe = ("import ctypes, sys\n"
             "from desktop import qtcheck\n"
             "try:\n"
             "    ctypes.CDLL('libxcb-cursor.so.0')\n"
             "    print('loaded')\n"
             "except OSError as exc:\n"
             "    print(exc)\n"
             "plugin = qtcheck.plugin_file(qtcheck.qt_folder(), 'xcb')\n"
             "print(qtcheck.missing_libraries(plugin))\n")
    seen = run([sys.executable, "-c", probe], environment())
    if "loaded" not in seen.stdout:
        pytest.skip("libxcb-cursor0 is not installed here (scripts/install-system-deps.sh)")
    assert seen.stdout.splitlines() == ["loaded", "[]"], seen.stderr
    hidden = run([sys.executable, "-c", probe], hiding(hider, "libxcb-cursor.so.0"))
    assert hidden.stdout.splitlines() == [
        "libxcb-cursor.so.0: cannot open shared object file: No such file or directory",
        "['libxcb-cursor.so.0']"], hidden.stderr


def test_no_display_one_line_instead_of_an_abort(tmp_path):
    env = environment()
    assert_qt_aborts(env)
    assert refused(tmp_path, env) == NO_DISPLAY
    assert NO_DISPLAY.removeprefix("wesemibay: ") in \
        (tmp_path / "data" / "wesemibay.log").read_text(encoding="utf-8")


def test_a_display_nobody_answers_on(tmp_path):
    number = next(n for n in range(4242, 4342) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    env = environment(DISPLAY=f":{number}")
    assert_qt_aborts(env)
    assert refused(tmp_path, env) == \
        f"wesemibay: cannot open a window: no X server answers on DISPLAY=:{number}"


def test_missing_xcb_cursor_named_with_the_command_that_installs_it(tmp_path, hider, display):
    env = hiding(hider, "libxcb-cursor.so.0", DISPLAY=display)
    assert_qt_aborts(env)                       # what the issue saw: exit 134, silence
    line = refused(tmp_path, env)
    assert line.startswith("wesemibay: cannot open a window: Qt's xcb platform plugin needs "
                           "libxcb-cursor.so.0, which is not installed. Install it ")
    if shutil.which("apt"):
        assert line.endswith("apt install libxcb-cursor0")
    assert line.removeprefix("wesemibay: ") in \
        (tmp_path / "data" / "wesemibay.log").read_text(encoding="utf-8")
    assert not (tmp_path / "data" / "user.sqlite").exists()     # stopped before anything


def test_several_missing_libraries_named_in_one_line(tmp_path, hider, display):
    line = refused(tmp_path, hiding(hider, "libxcb-icccm.so.4", "libxcb-cursor.so.0",
                                    DISPLAY=display))
    assert "needs libxcb-cursor.so.0 and libxcb-icccm.so.4, which are not installed. " \
        "Install them " in line
    if shutil.which("apt"):
        assert line.endswith("apt install libxcb-cursor0 libxcb-icccm4")


def test_a_wayland_session_without_compositor_falls_back_to_xcb_as_qt_does(
        tmp_path, hider, display):
    session = dict(DISPLAY=display, XDG_SESSION_TYPE="wayland", WAYLAND_DISPLAY="wayland-gone",
                   XDG_RUNTIME_DIR=str(tmp_path))
    bare = run([sys.executable, "-c", BARE_QT], environment(**session))
    assert bare.returncode == 0 and bare.stdout.strip() == "xcb", bare.stderr[-500:]
    ok = run([sys.executable, "-m", "desktop.qtcheck"], environment(**session))
    assert ok.returncode == 0, ok.stderr

    env = hiding(hider, "libxcb-cursor.so.0", **session)
    assert_qt_aborts(env)
    assert "Qt's xcb platform plugin needs libxcb-cursor.so.0" in refused(tmp_path, env)


def test_a_wayland_only_session_names_what_the_wayland_plugin_lacks(tmp_path, hider):
    """No XWayland (no DISPLAY): Qt has only its wayland plugin, which cannot load."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as compositor:
        compositor.bind(str(tmp_path / "wayland-test"))     # Qt fails before it connects
        compositor.listen(1)
        env = hiding(hider, "libwayland-cursor.so.0", XDG_SESSION_TYPE="wayland",
                     WAYLAND_DISPLAY="wayland-test", XDG_RUNTIME_DIR=str(tmp_path))
        assert_qt_aborts(env)
        line = refused(tmp_path, env)
    assert "Qt's wayland platform plugin needs libwayland-cursor.so.0, which is not " \
        "installed." in line
    if shutil.which("apt"):
        assert line.endswith("apt install libwayland-cursor0")


def test_no_false_alarm_where_qt_starts(display):
    bare = run([sys.executable, "-c", BARE_QT], environment(DISPLAY=display))
    assert bare.returncode == 0 and bare.stdout.strip() == "xcb", bare.stderr[-500:]
    proc = run([sys.executable, "-m", "desktop.qtcheck"], environment(DISPLAY=display))
    assert (proc.returncode, proc.stdout) == (0, "wesemibay: Qt can open a window here\n")


def test_screenshot_needs_no_display_and_no_xcb_library(tmp_path, hider):
    out = tmp_path / "shot.png"
    proc = program(tmp_path, hiding(hider, "libxcb-cursor.so.0"), "--screenshot", str(out),
                   "--size", "640x400")
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 1000


@pytest.mark.skipif(not BUNDLE.is_file(), reason="no frozen bundle (python installer/build.py)")
def test_the_frozen_bundle_says_the_same(tmp_path, hider, display):
    for hidden in ("libxcb-cursor.so.0", "libEGL.so.1"):       # in the bundle; from the system
        env = hiding(hider, hidden, DISPLAY=display)
        proc = run([str(BUNDLE), "--data-dir", str(tmp_path / "data")], env)
        assert proc.returncode == 1, proc.stderr
        assert f"Qt's xcb platform plugin needs {hidden}, which is not installed." in \
            one_line(proc)
