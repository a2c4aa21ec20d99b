"""Build the Linux release in a Debian 11 (bullseye) root, and prove it on a clean one.

    sudo python3 installer/bullseye.py build    # bundle, .deb, .tar.gz into dist/
    sudo python3 installer/bullseye.py smoke    # clean bullseye + apt install ./dist/*.deb
    sudo python3 installer/bullseye.py shell    # a shell in the build root (debugging)

Why: a bundle runs on systems whose glibc is at least the build system's. Built on Debian 12
it needs glibc 2.36; built here it needs 2.31 (Debian 11, Ubuntu 20.04 and later), and the
PySide6 6.9 wheels need 2.28.

``build``
  1. a Debian 11 root made with ``debootstrap --variant=minbase`` from the Debian mirror this
     machine's apt uses (``WESEMIBAY_DEBIAN_MIRROR`` overrides), with compilers, the headers
     Python needs and the libraries Qt links to;
  2. Python 3.11 compiled there (``/opt/python3.11``, shared libpython) from Debian's own
     source package of it (bookworm's ``python3.11``: the upstream tarball plus Debian's
     security patches, applied here; Debian's layout patches are not), against bullseye's
     OpenSSL, SQLite 3.34 (FTS5 enabled), zlib, libffi, bz2 and lzma;
  3. a virtual environment there with the project's dependencies and PyInstaller;
  4. a copy of this checkout (its tracked and unignored files), installed editable, then
     ``installer/build.py`` inside the root: the one-folder bundle, the .deb (its Depends
     computed there by dpkg-shlibdeps) and the .tar.gz, copied back to ``dist/``.
  Steps 1 to 3 are cached in ``${XDG_CACHE_HOME:-~/.cache}/wesemibay-build/`` (outside the
  checkout; ``WESEMIBAY_BUILD_CACHE`` overrides) and reused while their recipe is unchanged.

``smoke``
  a second, pristine root (``debootstrap --variant=minbase``, cached) copied afresh, the .deb
  installed with ``apt-get install --no-install-recommends ./…deb`` (apt resolves Depends and
  nothing else), then inside it: every ELF file of the bundle finds its libraries, the
  symbol-version audit (installer/elfaudit.py), ``wesemibay --version`` and ``--screenshot``
  offscreen in a fresh HOME without network. With ``--x11 DISPLAY`` the program also shows its
  window on that X server (e.g. a host Xvfb; its socket is bound into the root) and writes a
  screenshot of it.

Needs root (debootstrap, chroot, private mount namespaces via ``unshare``), debootstrap, and
the network to Debian's package registry and PyPI. Mounts live in a private mount namespace
and vanish with the process; nothing on the host is mounted or installed.
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
SUITE = "bullseye"
# The Debian release whose python3.11 source package is compiled in the root.
PYTHON_SOURCE_SUITE = "bookworm"
PYTHON_PREFIX = "/opt/python3.11"
VENV = "/opt/wesemibay-venv"
# Compilers and headers for Python; the libraries Qt's libraries and plugins link to (so that
# PyInstaller finds them there, and dpkg-shlibdeps can name their packages); binutils for
# PyInstaller and build.spec (readelf, strip); ca-certificates for pip.
BUILD_PACKAGES = (
    "build-essential", "pkg-config", "ca-certificates", "xz-utils", "file",
    "libssl-dev", "libsqlite3-dev", "zlib1g-dev", "libffi-dev", "libbz2-dev", "liblzma-dev",
    "uuid-dev",
    "libgl1", "libegl1", "libx11-6", "libx11-xcb1", "libfontconfig1", "libfreetype6",
    "libglib2.0-0", "libdbus-1-3", "libcups2", "libxkbcommon0", "libxkbcommon-x11-0",
    "libxcb1", "libxcb-cursor0", "libxcb-glx0", "libxcb-icccm4", "libxcb-image0",
    "libxcb-keysyms1", "libxcb-randr0", "libxcb-render-util0", "libxcb-render0",
    "libxcb-shape0", "libxcb-shm0", "libxcb-sync1", "libxcb-util1", "libxcb-xfixes0",
    "libxcb-xkb1", "libxcb-xinerama0", "libzstd1",
)
# Which of Debian's python3.11 patches to apply: the backported upstream fixes (security
# and crash fixes), not Debian's changes to the install layout, multiarch or build.
PATCH_RE = re.compile(r"^(CVE-|\d{4}-3\.11-gh-|relfile-nullptr|frame_dealloc|shutdown-deadlock)")
CONFIGURE = ("--enable-shared", f"--prefix={PYTHON_PREFIX}",
             f"LDFLAGS=-Wl,-rpath,{PYTHON_PREFIX}/lib", "--with-ensurepip=install")
HOST_CA = "/etc/ssl/wesemibay-host-ca.crt"   # the host's CA bundle, bound into the roots
# Bumped when a step's recipe changes in a way the hashes below cannot see.
ROOT_RECIPE = 1
PYTHON_RECIPE = 2


# ---------------------------------------------------------------- helpers
def cache_dir() -> Path:
    env = os.environ.get("WESEMIBAY_BUILD_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "wesemibay-build"


def log(msg: str) -> None:
    print(f"[bullseye] {msg}", flush=True)


def run(cmd: list, **kw) -> subprocess.CompletedProcess:
    print("+", " ".join(shlex.quote(str(c)) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], check=kw.pop("check", True), **kw)


def digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def debian_mirror() -> str:
    """The Debian mirror (``…/debian``) this machine's apt uses, or WESEMIBAY_DEBIAN_MIRROR."""
    env = os.environ.get("WESEMIBAY_DEBIAN_MIRROR")
    if env:
        return env.rstrip("/")
    uris = []
    for f in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        text = Path(f).read_text(encoding="utf-8", errors="replace")
        for stanza in re.split(r"\n\s*\n", text):
            if re.search(r"^Enabled:\s*no", stanza, re.M | re.I):
                continue
            m = re.search(r"^URIs:\s*(.+)$", stanza, re.M)
            if m:
                uris += m.group(1).split()
    for f in ["/etc/apt/sources.list", *sorted(glob.glob("/etc/apt/sources.list.d/*.list"))]:
        if os.path.isfile(f):
            for line in Path(f).read_text(encoding="utf-8", errors="replace").splitlines():
                m = re.match(r"^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)", line)
                if m:
                    uris.append(m.group(1))
    for uri in uris:
        if re.search(r"/debian/?$", uri):
            return uri.rstrip("/")
    sys.exit("bullseye: no Debian mirror in this machine's apt sources; "
             "set WESEMIBAY_DEBIAN_MIRROR=<mirror>/debian")


def need_root() -> None:
    if os.geteuid() != 0:
        sys.exit("bullseye: needs root (debootstrap, chroot, mount namespaces)")
    for tool in ("debootstrap", "unshare", "chroot"):
        if shutil.which(tool) is None:
            sys.exit(f"bullseye: {tool} not found (Debian: apt-get install debootstrap)")


def in_root(root: Path, script: str, binds: dict[str, Path] | None = None,
            env: dict[str, str] | None = None, check: bool = True,
            capture: bool = False) -> subprocess.CompletedProcess:
    """Run ``sh -c script`` chrooted into ``root`` in a private mount namespace.

    /proc, /dev and the ``binds`` (path inside the root -> host path) are mounted for the
    command only; the namespace, and with it every mount, ends with the command.
    """
    shutil.copy2("/etc/resolv.conf", root / "etc" / "resolv.conf")
    # The certificate authorities this machine trusts (a proxy in between may sign with its
    # own), for pip inside the root; and pip's index settings, if any were given.
    ca_env: dict[str, str] = {}
    host_ca = Path(os.environ.get("SSL_CERT_FILE") or "/etc/ssl/certs/ca-certificates.crt")
    if host_ca.is_file():
        binds = {**(binds or {}), HOST_CA: host_ca}
        ca_env = {"SSL_CERT_FILE": HOST_CA, "PIP_CERT": HOST_CA, "REQUESTS_CA_BUNDLE": HOST_CA}
    mounts = [f"mount -t proc proc {shlex.quote(str(root / 'proc'))}",
              f"mount --rbind /dev {shlex.quote(str(root / 'dev'))}"]
    for inside, host in (binds or {}).items():
        target = root / inside.lstrip("/")
        if Path(host).is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.touch(exist_ok=True)
        mounts.append(f"mount --bind {shlex.quote(str(host))} {shlex.quote(str(target))}")
    environment = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                   "HOME": "/root", "LANG": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive",
                   **ca_env}
    environment.update({k: v for k, v in os.environ.items()
                        if k in ("PIP_INDEX_URL", "PIP_DEFAULT_TIMEOUT", "PIP_RETRIES")})
    environment.update(env or {})
    inner = ("exec chroot " + shlex.quote(str(root)) + " /usr/bin/env -i "
             + " ".join(shlex.quote(f"{k}={v}") for k, v in environment.items())
             + " /bin/sh -ec " + shlex.quote(script))
    outer = " && ".join(mounts + [inner])
    print(f"+ [{root.name}] {script if len(script) < 300 else script[:300] + ' …'}", flush=True)
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "--fork", "--",
                           "sh", "-c", outer], check=check, text=True,
                          capture_output=capture)


def remove_tree(path: Path) -> None:
    """``rm -rf path``, refused while anything is mounted below it (a root's /dev, /proc)."""
    real = os.path.realpath(path)
    with open("/proc/mounts", encoding="utf-8") as fh:
        mounted = [line.split()[1] for line in fh]
    busy = [m for m in mounted if m == real or m.startswith(real + "/")]
    if busy:
        sys.exit(f"bullseye: {path}: still mounted below it ({busy[:3]}); unmount, then retry")
    shutil.rmtree(path, ignore_errors=True)


def debootstrap(target: Path, include: tuple[str, ...], debs: Path) -> None:
    """A fresh minbase root at ``target`` (built beside it, renamed when complete).

    debootstrap mounts /proc in the new root while it works: it runs in a private mount
    namespace, so nothing stays mounted if it is interrupted.
    """
    tmp = target.with_name(target.name + ".tmp")
    remove_tree(tmp)
    remove_tree(target)
    debs.mkdir(parents=True, exist_ok=True)
    cmd = ["unshare", "--mount", "--propagation", "private", "--fork", "--",
           "debootstrap", "--variant=minbase", f"--cache-dir={debs}"]
    if include:
        cmd.append("--include=" + ",".join(include))
    run(cmd + [SUITE, tmp, debian_mirror()], stdout=subprocess.DEVNULL)
    # An apt that finds what the root was made from, for the smoke test's apt-get install.
    (tmp / "etc" / "apt" / "sources.list").write_text(
        f"deb {debian_mirror()} {SUITE} main\n", encoding="utf-8")
    # Nothing from the host's apt configuration leaks in; keep downloaded .debs (cache).
    (tmp / "etc" / "apt" / "apt.conf.d" / "99wesemibay").write_text(
        'APT::Keep-Downloaded-Packages "true";\nAcquire::Languages "none";\n', encoding="utf-8")
    for f in (tmp / "etc" / "apt" / "apt.conf.d").glob("docker-clean"):
        f.unlink()
    tmp.rename(target)


# ---------------------------------------------------------------- the build root
class Timer:
    def __init__(self):
        self.steps: dict[str, float] = {}

    def step(self, name: str):
        timer = self

        class _Step:
            def __enter__(self):
                self.t0 = time.perf_counter()
                log(f"{name} …")

            def __exit__(self, *exc):
                timer.steps[name] = round(time.perf_counter() - self.t0, 1)
                log(f"{name}: {timer.steps[name]} s")
        return _Step()


def ensure_build_root(cache: Path, t: Timer) -> Path:
    root = cache / "bullseye-build"
    stamp_value = digest(ROOT_RECIPE, SUITE, BUILD_PACKAGES)
    stamp = root / ".wesemibay-root"
    if stamp.is_file() and stamp.read_text() == stamp_value:
        log(f"build root: cached ({root})")
        return root
    with t.step("debootstrap the build root"):
        debootstrap(root, BUILD_PACKAGES, cache / "debs")
        stamp.write_text(stamp_value)
    return root


def fetch_python_source(cache: Path) -> tuple[Path, Path, str]:
    """Debian's python3.11 source (orig tarball + debian.tar.xz), checked by apt, cached."""
    src = cache / "src"
    src.mkdir(parents=True, exist_ok=True)
    have = sorted(src.glob("python3.11_*.debian.tar.xz"))
    if not have:
        mirror = debian_mirror()
        state = Path(tempfile.mkdtemp(prefix="apt-", dir=cache))
        try:
            (state / "lists" / "partial").mkdir(parents=True)
            (state / "archives" / "partial").mkdir(parents=True)
            (state / "sources.list").write_text(
                f"deb-src {mirror} {PYTHON_SOURCE_SUITE} main\n", encoding="utf-8")
            opts = ["-o", f"Dir::Etc::SourceList={state / 'sources.list'}",
                    "-o", "Dir::Etc::SourceParts=/dev/null",
                    "-o", f"Dir::State::Lists={state / 'lists'}",
                    "-o", f"Dir::Cache={state}", "-o", "APT::Sandbox::User=root"]
            run(["apt-get", *opts, "update", "-qq"])
            # apt checks the files against the signed Sources index.
            run(["apt-get", *opts, "source", "--download-only", "-qq", "python3.11"], cwd=src)
        finally:
            shutil.rmtree(state, ignore_errors=True)
        have = sorted(src.glob("python3.11_*.debian.tar.xz"))
    debian = have[-1]
    version = debian.name[len("python3.11_"):-len(".debian.tar.xz")]
    orig = next(src.glob(f"python3.11_{version.split('-')[0]}.orig.tar.*"))
    return orig, debian, version


def ensure_python(root: Path, cache: Path, t: Timer) -> str:
    orig, debian, version = fetch_python_source(cache)
    stamp_value = digest(PYTHON_RECIPE, version, CONFIGURE, PATCH_RE.pattern)
    stamp = root / PYTHON_PREFIX.lstrip("/") / ".wesemibay-python"
    if stamp.is_file() and stamp.read_text() == stamp_value:
        log(f"Python: cached ({PYTHON_PREFIX}, Debian source {version})")
        return version
    series = subprocess.run(["tar", "-xJOf", str(debian), "debian/patches/series"],
                            capture_output=True, text=True, check=True).stdout.split()
    patches = [p for p in series if PATCH_RE.match(p)]
    upstream = version.split("-")[0].split("+")[0]
    with t.step(f"compile Python {upstream} (Debian {version}, {len(patches)} patches)"):
        script = f"""
rm -rf /build/python {PYTHON_PREFIX} && mkdir -p /build/python && cd /build/python
tar xf /src/{orig.name} && tar xJf /src/{debian.name}
cd Python-{upstream}
for p in {' '.join(patches)}; do patch -p1 -s --no-backup-if-mismatch < ../debian/patches/$p; done
# A backported fix makes pyexpat include internal headers; Debian builds it into libpython,
# here it stays a shared module, which (as upstream's 3.12 does) must say so.
grep -q Py_BUILD_CORE_MODULE Modules/pyexpat.c || sed -i '1i #ifndef Py_BUILD_CORE_BUILTIN\\n#  define Py_BUILD_CORE_MODULE 1\\n#endif' Modules/pyexpat.c
./configure -q {' '.join(shlex.quote(c) for c in CONFIGURE)} >/dev/null
make -s -j$(nproc) >/dev/null 2>make.err || {{ tail -40 make.err; exit 1; }}
make -s install >/dev/null 2>make.err || {{ tail -40 make.err; exit 1; }}
cd / && rm -rf /build/python
{PYTHON_PREFIX}/bin/python3.11 -c "
import sqlite3, ssl, zlib, bz2, lzma, ctypes, uuid
con = sqlite3.connect(':memory:')
con.execute('create virtual table t using fts5(x)')
print('python', __import__('sys').version.split()[0], 'sqlite', sqlite3.sqlite_version, 'fts5 ok', ssl.OPENSSL_VERSION)
"
"""
        in_root(root, script, binds={"/src": orig.parent})
        stamp.write_text(stamp_value)
    return version


def pyproject() -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)


def ensure_venv(root: Path, cache: Path, t: Timer) -> None:
    meta = pyproject()
    reqs = list(meta["project"]["dependencies"]) + list(
        meta["project"]["optional-dependencies"]["package"]) + list(
        meta["build-system"]["requires"])
    stamp_value = digest(reqs, (root / PYTHON_PREFIX.lstrip("/") / ".wesemibay-python")
                         .read_text())
    stamp = root / VENV.lstrip("/") / ".wesemibay-venv"
    if stamp.is_file() and stamp.read_text() == stamp_value:
        log(f"virtual environment: cached ({VENV})")
        return
    with t.step("virtual environment (dependencies, PyInstaller)"):
        quoted = " ".join(shlex.quote(r) for r in reqs)
        in_root(root, f"""
rm -rf {VENV}
{PYTHON_PREFIX}/bin/python3.11 -m venv {VENV}
{VENV}/bin/python -m pip install -q --upgrade pip
{VENV}/bin/python -m pip install -q {quoted}
""", binds={"/root/.cache/pip": _mkdir(cache / "pip")})
        stamp.write_text(stamp_value)


def _mkdir(p: Path) -> Path:
    p.mkdir(parents=True, exist_ok=True)
    return p


def checkout_files() -> list[str]:
    """The checkout's tracked and unignored files (what a commit would hold, and more)."""
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], capture_output=True, check=True).stdout
        return [f for f in out.decode().split("\0") if f and (ROOT / f).is_file()]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", ".venv-ci", "dist", "build", "__pycache__", ".pytest_cache"}
        return [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]


def build(args) -> int:
    need_root()
    t = Timer()
    t0 = time.perf_counter()
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    root = ensure_build_root(cache, t)
    version = ensure_python(root, cache, t)
    ensure_venv(root, cache, t)
    with t.step("copy the checkout"):
        src = root / "build" / "src"
        remove_tree(src)
        for f in checkout_files():
            dst = src / f
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / f, dst)
    out = root / "build" / "out"
    remove_tree(out)
    with t.step("bundle, .deb and .tar.gz (installer/build.py in the root)"):
        in_root(root, f"""
cd /build/src
{VENV}/bin/python -m pip install -q --no-deps --no-build-isolation -e .
{VENV}/bin/python installer/build.py --dist /build/out/dist --work /build/out/work
""")
    dist = args.dist.resolve()
    dist.mkdir(parents=True, exist_ok=True)
    made = []
    with t.step("copy the results to dist/"):
        for item in sorted((out / "dist").iterdir()):
            dst = dist / item.name
            if dst.is_dir() and not dst.is_symlink():
                shutil.rmtree(dst)
            elif dst.exists() or dst.is_symlink():
                dst.unlink()
            if item.is_dir():
                shutil.copytree(item, dst, symlinks=True)
            else:
                shutil.copy2(item, dst)
            made.append(dst)
    total = round(time.perf_counter() - t0, 1)
    print(json.dumps({"bullseye_build": {"seconds": total, "steps": t.steps,
                                         "python_source": version,
                                         "made": [str(m) for m in made]}}, indent=1))
    return 0


# ---------------------------------------------------------------- the clean root
def ensure_clean_root(cache: Path, t: Timer) -> Path:
    root = cache / "bullseye-clean"
    stamp_value = digest(ROOT_RECIPE, SUITE, "minbase")
    stamp = root / ".wesemibay-root"
    if stamp.is_file() and stamp.read_text() == stamp_value:
        log(f"clean root: cached ({root})")
        return root
    with t.step("debootstrap the clean root"):
        debootstrap(root, (), cache / "debs")
        stamp.write_text(stamp_value)
    return root


def smoke(args) -> int:
    need_root()
    sys.path.insert(0, str(HERE))
    import smoke as host_smoke  # installer/smoke.py: checks shared with the host's smoke test

    t = Timer()
    t0 = time.perf_counter()
    cache = cache_dir()
    meta = pyproject()["project"]
    debs = sorted(args.dist.resolve().glob(f"{meta['name']}_{meta['version']}_*.deb"))
    if len(debs) != 1:
        print(f"bullseye smoke: want one .deb of version {meta['version']} in {args.dist}, "
              f"found {len(debs)}", file=sys.stderr)
        return 1
    deb = debs[0]
    pristine = ensure_clean_root(cache, t)
    work = Path(tempfile.mkdtemp(prefix="clean-run-", dir=cache))
    check = host_smoke.check
    try:
        root = work / "root"
        with t.step("copy the pristine root"):
            run(["cp", "-a", "--reflink=auto", pristine, root])
        shutil.copy2(deb, root / "tmp" / deb.name)
        archives = _mkdir(cache / "apt-archives")
        _mkdir(archives / "partial")
        with t.step("apt-get install --no-install-recommends ./the.deb"):
            in_root(root, f"""
apt-get update -qq
apt-get install -y -qq --no-install-recommends /tmp/{deb.name} >/tmp/apt.log 2>&1 || {{ tail -30 /tmp/apt.log; exit 1; }}
""", binds={"/var/cache/apt/archives": archives})
        status = in_root(root, "dpkg-query -W -f '${Package} ${Version}\\n' | sort",
                         capture=True).stdout
        check(f"{meta['name']} {meta['version']}" in status, f"{deb.name} installed")
        fonts = [ln for ln in status.splitlines() if ln.startswith("fonts-")]
        print(f"  fonts installed with the .deb's Depends: {fonts}")
        app = f"/opt/{meta['name']}"

        # 1. every ELF file of the bundle finds its libraries on this system.
        ldd = in_root(root, f"""
cd {app}/_internal
export LD_LIBRARY_PATH={app}/_internal:{app}/_internal/PySide6/Qt/lib
find {app} -type f | while read -r f; do
  case "$(head -c4 "$f" | od -An -c | tr -d ' ')" in
    177ELF) ldd "$f" 2>&1 | grep 'not found' | sed "s|^|$f: |" || true ;;
  esac
done
""", capture=True)
        missing = [ln.strip() for ln in ldd.stdout.splitlines() if ln.strip()]
        optional = [ln for ln in missing if "/printsupport/" in ln and "libcups" in ln]
        check(not [m for m in missing if m not in optional],
              "every ELF file of the bundle finds its libraries"
              + (f": {missing[:8]}" if [m for m in missing if m not in optional] else "")
              + (f" (Recommends only: {len(optional)} line(s) for libcups)" if optional else ""))

        # 2. the symbol-version audit of the whole bundle, the installed copy.
        host_smoke.smoke_symbols(root / app.lstrip("/"), "2.31")

        # 3. start it offscreen, fresh HOME, no network.
        with t.step("--version and --screenshot in the clean root"):
            shot = _run_program(root, host_smoke, meta, "offscreen", None)
        if args.x11:
            with t.step(f"a real X window on {args.x11}"):
                _run_program(root, host_smoke, meta, "xcb", args.x11)
    finally:
        if not args.keep:
            remove_tree(work)
        else:
            log(f"kept {work}")
    print(json.dumps({"bullseye_smoke": {"seconds": round(time.perf_counter() - t0, 1),
                                         "steps": t.steps, "screenshot": str(shot),
                                         "failures": host_smoke.failures}}, indent=1))
    return 1 if host_smoke.failures else 0


def _run_program(root: Path, host_smoke, meta: dict, platform: str, display: str | None) -> Path:
    check = host_smoke.check
    label = "bullseye-" + platform
    env = {"HOME": "/tmp/home", "XDG_RUNTIME_DIR": "/tmp/run", "QT_QPA_PLATFORM": platform,
           "WESEMIBAY_NO_DIALOGS": "1"}
    binds = {}
    if display:
        env["DISPLAY"] = display
        binds["/tmp/.X11-unix"] = Path("/tmp/.X11-unix")
    net = "unshare --net" if not display and host_smoke.offline_prefix() else ""
    proc = in_root(root, f"""
rm -rf /tmp/home /tmp/run /tmp/data /tmp/shot.png && mkdir -p /tmp/home /tmp/run && chmod 700 /tmp/run
{net} wesemibay --version >/tmp/version.out 2>/tmp/version.err
{net} wesemibay --data-dir /tmp/data --screenshot /tmp/shot.png --size 1200x800 2>/tmp/shot.err; echo "exit $?" >/tmp/shot.rc
ls /tmp/data/cache >/tmp/cache.ls 2>&1 || true
""", env=env, binds=binds, check=False)
    tmp = root / "tmp"
    version = (tmp / "version.out").read_text().strip() if (tmp / "version.out").exists() else ""
    check(version == f"wesemibay {meta['version']}", f"[{label}] --version: {version!r}")
    rc = (tmp / "shot.rc").read_text().strip() if (tmp / "shot.rc").exists() else proc.returncode
    check(rc == "exit 0", f"[{label}] --screenshot exits 0 ({rc}{', no network' if net else ''})")
    err = (tmp / "shot.err").read_text(errors="replace") if (tmp / "shot.err").exists() else ""
    bad = host_smoke.unexpected_stderr(err)
    check(not bad, f"[{label}] --screenshot: stderr clean" + (f": {bad[:5]}" if bad else ""))
    png = tmp / "shot.png"
    keep = ROOT / "build" / f"smoke-{label}.png"
    if check(png.is_file(), f"[{label}] the PNG was written"):
        ok, info = host_smoke.png_is_not_blank(png, (1200, 800))
        check(ok, f"[{label}] the PNG is not blank ({info})")
        keep.parent.mkdir(exist_ok=True)
        shutil.copy2(png, keep)
    cache_ls = (tmp / "cache.ls").read_text() if (tmp / "cache.ls").exists() else ""
    check("builtin-" in cache_ls, f"[{label}] the built-in expo was built in the data folder")
    return keep


def shell(args) -> int:
    need_root()
    root = cache_dir() / ("bullseye-clean" if args.clean else "bullseye-build")
    if not root.is_dir():
        sys.exit(f"bullseye: {root}: no root yet (run build or smoke first)")
    return in_root(root, "exec bash -i" if (root / "bin/bash").exists() else "exec sh -i",
                   check=False).returncode


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="bundle, .deb and .tar.gz built in the Debian 11 root")
    b.add_argument("--dist", type=Path, default=ROOT / "dist")
    s = sub.add_parser("smoke", help="install the .deb in a clean Debian 11 root and start it")
    s.add_argument("--dist", type=Path, default=ROOT / "dist")
    s.add_argument("--x11", metavar="DISPLAY", help="also show the window on this X display")
    s.add_argument("--keep", action="store_true", help="keep the used root (prints its path)")
    sh = sub.add_parser("shell", help="an interactive shell in the build (or clean) root")
    sh.add_argument("--clean", action="store_true", help="the pristine clean root")
    args = p.parse_args(argv)
    return {"build": build, "smoke": smoke, "shell": shell}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
