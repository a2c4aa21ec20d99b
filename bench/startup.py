"""Start-up of the frozen program against the source program, measured in one run.

    python bench/startup.py [--json] [--repeats 9] [--binary dist/wesemibay-explorer/wesemibay]

Both start the built-in expo with ``--screenshot`` (offscreen: options, Qt, expo and user
files opened, main window built, shown, rendered and saved, exit), each with its own
temporary data folder that a warm-up run fills first (the built-in expo's one-time build
is not timed). Runs alternate source/frozen so that the noise of a shared machine hits both;
the figures are medians of wall time per process. Budget: ratio <= 1.5.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    took = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"startup: {' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    return took


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--repeats", type=int, default=9)
    p.add_argument("--binary", type=Path, default=ROOT / "dist" / "wesemibay-explorer" /
                   ("wesemibay.exe" if sys.platform == "win32" else "wesemibay"))
    p.add_argument("--python", default=sys.executable, help="Python with the project installed")
    args = p.parse_args(argv)
    if not args.binary.is_file():
        p.error(f"{args.binary}: no frozen program; build it with python installer/build.py")

    with tempfile.TemporaryDirectory(prefix="wesemibay-bench-") as t:
        tmp = Path(t)
        env = dict(os.environ, HOME=str(tmp / "home"), XDG_DATA_HOME=str(tmp / "home" / "data"),
                   XDG_CONFIG_HOME=str(tmp / "home" / "config"), QT_QPA_PLATFORM="offscreen",
                   WESEMIBAY_NO_DIALOGS="1")
        (tmp / "home").mkdir()
        cmds = {}
        for kind, prog in (("source", [args.python, "-m", "desktop"]),
                           ("frozen", [str(args.binary)])):
            cmds[kind] = prog + ["--data-dir", str(tmp / kind), "--screenshot",
                                 str(tmp / f"{kind}.png"), "--size", "1600x1000"]
            timed(cmds[kind], env)          # warm-up: builds the expo, fills the page cache
        times: dict[str, list[float]] = {"source": [], "frozen": []}
        for i in range(args.repeats):
            order = ("source", "frozen") if i % 2 == 0 else ("frozen", "source")
            for kind in order:
                times[kind].append(timed(cmds[kind], env))

    source_s = statistics.median(times["source"])
    frozen_s = statistics.median(times["frozen"])
    result = {"source_s": round(source_s, 3), "frozen_s": round(frozen_s, 3),
              "ratio": round(frozen_s / source_s, 3), "repeats": args.repeats,
              "source_runs": [round(x, 3) for x in times["source"]],
              "frozen_runs": [round(x, 3) for x in times["frozen"]]}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"source {source_s:.3f} s, frozen {frozen_s:.3f} s, ratio {result['ratio']:.2f} "
              f"(median of {args.repeats}; budget 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
