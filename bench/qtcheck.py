"""What the platform check (desktop/qtcheck.py) costs at start-up, measured in one run.

    python bench/qtcheck.py [--json] [--repeats 15]

Each repeat starts two fresh processes on the same X display (``DISPLAY`` if an X server
answers there, else an Xvfb this script starts): *with* runs ``qtcheck.problem()`` and then
imports QtWidgets and makes the QApplication (connecting to the display); *without* does
the same minus the check. They alternate, so the noise of a shared machine hits both. The
figures are medians, in wall time and in the process's CPU time (steadier when other
work shares the machine): the check alone, and from just before the check to the
QApplication made, with and without it. The libraries the check opens are ones Qt opens
right after, so ``added`` (the difference) is what the check really costs.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
import desktop.app                        # loaded before main() reaches the check
from desktop import qtcheck
t0, c0 = time.perf_counter(), time.process_time()
verdict = qtcheck.problem() if sys.argv[1] == "with" else None
t1, c1 = time.perf_counter(), time.process_time()
from PySide6.QtWidgets import QApplication
app = QApplication(["bench"])
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"check": t1 - t0, "to_app": t2 - t0, "check_cpu": c1 - c0,
                  "to_app_cpu": c2 - c0, "verdict": verdict, "platform": app.platformName()}))
"""


def start_xvfb() -> tuple[subprocess.Popen, str]:
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24",
                             "-nolisten", "tcp"], pass_fds=(write,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as fh:
        number = fh.readline().strip()
    if not number:
        proc.kill()
        raise SystemExit("qtcheck bench: Xvfb did not start")
    return proc, f":{number}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--repeats", type=int, default=15)
    args = p.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from desktop.qtcheck import x_display_answers

    xvfb = None
    display = os.environ.get("DISPLAY", "")
    if not display or not x_display_answers(display):
        if shutil.which("Xvfb") is None:
            raise SystemExit("qtcheck bench: no X display and no Xvfb")
        xvfb, display = start_xvfb()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("QT_", "WAYLAND_")) and k != "XDG_SESSION_TYPE"}
    env["DISPLAY"] = display
    runs: dict[str, list[dict]] = {"with": [], "without": []}
    try:
        for i in range(args.repeats + 1):
            for kind in (("with", "without") if i % 2 == 0 else ("without", "with")):
                out = subprocess.run([sys.executable, "-c", CHILD, kind], cwd=ROOT, env=env,
                                     capture_output=True, text=True, timeout=60)
                if out.returncode != 0:
                    raise SystemExit(f"qtcheck bench: {kind} run failed:\n{out.stderr}")
                if i:                       # the first pair warms the page cache
                    runs[kind].append(json.loads(out.stdout))
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()

    def ms(kind: str, key: str) -> float:
        return round(1000 * statistics.median(r[key] for r in runs[kind]), 2)
    result = {
        "repeats": args.repeats,
        "platform": runs["with"][0]["platform"],
        "verdict": runs["with"][0]["verdict"],
        "check_ms": ms("with", "check"),
        "to_qapplication_with_check_ms": ms("with", "to_app"),
        "to_qapplication_without_check_ms": ms("without", "to_app"),
        "check_cpu_ms": ms("with", "check_cpu"),
        "to_qapplication_with_check_cpu_ms": ms("with", "to_app_cpu"),
        "to_qapplication_without_check_cpu_ms": ms("without", "to_app_cpu"),
    }
    for kind in ("", "_cpu"):
        result[f"added{kind}_ms"] = round(result[f"to_qapplication_with_check{kind}_ms"]
                                          - result[f"to_qapplication_without_check{kind}_ms"], 2)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:34} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
