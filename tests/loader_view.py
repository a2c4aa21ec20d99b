"""A dynamic loader that cannot see some libraries, and an X server, for start-up tests.

- ``hiding_library(folder)``: builds (with the system's C compiler) a small rtld-audit
  library. Run a program with ``LD_AUDIT=<it>`` and ``HIDE_SONAMES=libfoo.so.1:libbar.so.2``
  and glibc's loader skips every file of those names wherever it looks (its cache, the
  system folders, ``LD_LIBRARY_PATH``, a ``RUNPATH``, a path given to ``dlopen``): the
  program sees exactly what it would see if they were not installed, with glibc's own
  "libfoo.so.1: cannot open shared object file: No such file or directory". Skips the
  test where there is no C compiler or no glibc.
- ``xvfb()``: a context manager that starts Xvfb on a display number it picks itself and
  yields ``":N"``; skips the test where Xvfb is not installed
  (``scripts/install-system-deps.sh`` installs it).
- ``no_core_dump``: a ``preexec_fn`` for programs expected to abort.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

AUDIT_SOURCE = r"""
#define _GNU_SOURCE
#include <link.h>
#include <stdlib.h>
#include <string.h>

unsigned int la_version(unsigned int version) {
    return version < LAV_CURRENT ? version : LAV_CURRENT;
}

static int hidden(const char *name) {
    const char *list = getenv("HIDE_SONAMES");
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    size_t n = strlen(base);
    for (const char *p = list; p && *p; ) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, base, n) == 0)
            return 1;
        p = end ? end + 1 : p + len;
    }
    return 0;
}

/* Called with the name asked for (LA_SER_ORIG), then with each file the search tries.
   A bare name is let through so that the search runs (and fails, naming it); every
   candidate file of a hidden name is refused, as is a hidden name given as a path. */
char *la_objsearch(const char *name, uintptr_t *cookie, unsigned int flag) {
    (void)cookie;
    if (!hidden(name))
        return (char *)name;
    if (flag == LA_SER_ORIG && !strchr(name, '/'))
        return (char *)name;
    return NULL;
}
"""


def hiding_library(folder: Path) -> Path:
    if not sys.platform.startswith("linux"):
        pytest.skip("LD_AUDIT is glibc's")
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build the LD_AUDIT library")
    src, lib = folder / "hide.c", folder / "hide.so"
    src.write_text(AUDIT_SOURCE, encoding="utf-8")
    proc = subprocess.run([cc, "-shared", "-fPIC", "-O2", "-o", str(lib), str(src)],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        pytest.skip(f"cannot build the LD_AUDIT library: {proc.stderr.strip()[:200]}")
    return lib


@contextlib.contextmanager
def xvfb():
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (scripts/install-system-deps.sh installs it)")
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1024x768x24",
                             "-nolisten", "tcp"], pass_fds=(write,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as fh:
            number = fh.readline().strip()     # Xvfb writes it once it accepts clients
        if not number.isdigit():
            pytest.skip("Xvfb did not start")
        yield f":{number}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def no_core_dump() -> None:
    import resource                             # POSIX only
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
