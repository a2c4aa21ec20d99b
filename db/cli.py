"""``wesemibay-db``: the data command line (also ``python -m db``).

Exit codes: 0 success, 2 wrong usage, 1 bad data or file (one line on stderr
naming the file, the record and what is wrong; never a traceback).

Errors we expect (``DataError``; ``StorageError`` for a full disk, no permission, a
read-only folder, an I/O error) are one line. Anything else is a bug in the program: its
traceback goes to a log file in the system's temporary folder, and the user gets one line
that says so and names the file (``crash_log``).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import sqlite3
import sys
import tempfile
import traceback
from pathlib import Path

from . import content
from .errors import DataError, UsageError, database_fault, describe, one_line
from .expo import _lenient_text, open_expo

PROG = "wesemibay-db"


def _cmd_build(args) -> int:
    from .build import build
    out = build(args.out)
    with open_expo(out, readonly=True) as expo:
        n_booths = expo._conn.execute("SELECT count(*) FROM booths").fetchone()[0]
        n_ex = expo._conn.execute("SELECT count(*) FROM exhibitors").fetchone()[0]
    print(f"built {out}: {n_ex} exhibitors, {n_booths} booths")
    return 0


def check(path: str) -> list[str]:
    """Problems found in an expo file (empty when it is sound)."""
    with open_expo(path, readonly=True) as expo:
        expo._conn.text_factory = _lenient_text     # report what is there, even bad text
        try:
            return _problems(expo)
        except sqlite3.DatabaseError as exc:
            raise (database_fault(path, exc) or exc) from None


def _problems(expo) -> list[str]:
    problems = []
    conn = expo._conn
    for (msg,) in conn.execute("PRAGMA integrity_check"):
        if msg != "ok":
            problems.append(f"integrity: {one_line(msg)}")
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
        problems.append(f"{table} row {rowid}: refers to a missing {parent} record")
    for kind, table, key in (("exhibitor", "exhibitors", "slug"), ("product", "products", "slug"),
                             ("topic", "topics", "slug"), ("event", "events", "slug"),
                             ("quote", "quotes", "id"), ("link", "links", "id")):
        if expo.meta().get("synthetic"):
            break  # synthetic expos are made for tests and benchmarks, not facts
        for (ref,) in conn.execute(
                f"SELECT {key} FROM {table} t WHERE NOT EXISTS "
                f"(SELECT 1 FROM cites c WHERE c.kind = ? AND c.ref = t.{key})", (kind,)):
            problems.append(f"{kind} {one_line(ref)}: cites no source")
    problems += _type_problems(conn)
    try:
        conn.execute("INSERT INTO search(search) VALUES('integrity-check')")
    except Exception as exc:  # read-only connection: run the check as a query instead
        if "readonly" not in str(exc):
            problems.append(f"search index: {one_line(exc)}")
    problems += content.file_problems(conn)   # dates; wording and sources if curated
    return problems


_AFFINITY = {"TEXT": "text", "INTEGER": "integer", "REAL": "real"}
_JSON_COLUMNS = {("exhibitors", "aliases"), ("products", "specs"), ("expo", "extra")}


def _type_problems(conn) -> list[str]:
    """Values of the wrong type in our tables (another program may store anything), and
    JSON columns that do not hold JSON. Reads every row: ``check`` only, not opening."""
    from .expo import expected_schema
    from .schema import SCHEMA_VERSION
    problems = []
    for name, (type_, sql) in expected_schema(SCHEMA_VERSION).items():
        if type_ != "table" or sql is None or sql.upper().startswith("CREATE VIRTUAL"):
            continue
        for _cid, col, decl, _notnull, _default, _pk in conn.execute(
                f'PRAGMA table_info("{name}")'):
            want = _AFFINITY.get((decl or "").upper())
            if want is None:
                continue
            ok = "'integer', 'real'" if want == "real" else f"'{want}'"
            n = conn.execute(f'SELECT count(*) FROM "{name}" WHERE typeof("{col}") '
                             f"NOT IN ({ok}, 'null')").fetchone()[0]
            if n:
                problems.append(f"{name}.{col}: {n} value{'s' if n != 1 else ''} of the wrong "
                                f"type (not {want})")
            elif (name, col) in _JSON_COLUMNS:
                n = conn.execute(f'SELECT count(*) FROM "{name}" WHERE "{col}" IS NOT NULL '
                                 f'AND NOT json_valid("{col}")').fetchone()[0]
                if n:
                    problems.append(f"{name}.{col}: {n} value{'s' if n != 1 else ''} "
                                    f"that {'are' if n != 1 else 'is'} not valid JSON")
    return problems


def _cmd_check(args) -> int:
    problems = check(args.path)
    if problems:
        for p in problems[:50]:
            print(f"{args.path}: {p}", file=sys.stderr)
        return 1
    with open_expo(args.path, readonly=True) as expo:
        meta = expo.meta()
        counts = {t: expo._conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("booths", "exhibitors", "products", "topics", "events")}
        facts = content.counts(expo._conn)
    flags = " (schematic layout)" if meta.get("schematic") else ""
    flags += " (synthetic data)" if meta.get("synthetic") else ""
    medium = (f", {facts.medium} medium-confidence facts (hedged, with their basis)"
              if facts.labelled else ", no confidence labels")
    print(f"{args.path}: ok: {meta.get('name')}{flags}; "
          + ", ".join(f"{v} {k}" for k, v in counts.items())
          + f"; {facts.records} records, {facts.sources} sources{medium}")
    return 0


def _cmd_search(args) -> int:
    from .search import KIND_LABEL, grouped, search
    with open_expo(args.expo, readonly=True) as expo:
        hits = search(expo._conn, args.query, limit=args.limit)
        layout = content.booth_layout(expo.meta())
    if args.json:
        docs = [h.as_dict() for h in hits]
        for d in docs:
            if d.get("booths") and layout:
                d["layout"] = layout
        print(json.dumps(docs, ensure_ascii=False, indent=1))
        return 0
    if not hits:
        print("no results")
    for kind, group in grouped(hits):
        print(f"{KIND_LABEL.get(kind, kind)}:")
        for h in group:
            codes = ", ".join(content.mark_booth(b, layout) for b in h.booths)
            extra = f"  [{codes}]" if h.booths else ""
            sub = f" — {h.subtitle}" if h.subtitle else ""
            print(f"  {h.title}{sub}{extra}  ({h.id})")
    return 0


def _cmd_export(args) -> int:
    from .exporters import export_csv, export_json
    from .screening import CAVEAT, export_section, screening_csv_path
    with open_expo(args.expo, readonly=True) as expo:
        screening = export_section(expo, args.data_dir)
        if args.format == "json":
            out = export_json(expo, args.out, screening=screening)
        else:
            out = export_csv(expo, args.out, screening=screening)
    print(f"wrote {out}")
    if screening is not None:
        where = "" if args.format == "json" else f" in {screening_csv_path(out)}"
        print(f"screening{where}: list of {screening.info['list_date']}; {CAVEAT}")
    return 0


def _cmd_screen(args) -> int:
    from .screening import (ScreeningStore, WHERE, check_date, format_table, load_and_screen,
                            screen_expo)
    from .paths import default_data_dir
    if args.list_date is not None:
        try:
            check_date(args.list_date)
        except ValueError as exc:
            raise UsageError(f"--list-date: {exc}") from None
    store = ScreeningStore.in_dir(args.data_dir or default_data_dir())
    with open_expo(args.expo, readonly=True) as expo:
        if args.list:
            scr = load_and_screen(expo, store, args.list, args.list_date)
        elif store.info() is None:
            raise UsageError(f"no screening list is stored in {store.path.parent}; give --list "
                             f"FILE. {WHERE}")
        else:
            if args.list_date:
                raise UsageError("--list-date goes with --list (it dates the file you load)")
            scr = screen_expo(expo, store)
        name = expo.meta().get("name") or expo.path.stem
    if args.json:
        print(json.dumps(scr.results, ensure_ascii=False, indent=1))
    else:
        sys.stdout.write(format_table(scr, name))
    return 0


def _cmd_demo(args) -> int:
    from .synthetic import make_demo
    info = make_demo(args.out, booths=args.booths, products=args.products,
                     exhibitors=args.exhibitors, seed=args.seed)
    print(f"wrote {info['out']}: synthetic data, {info['booths']} booths in {info['halls']} halls "
          f"on {info['levels']} levels, {info['exhibitors']} exhibitors, {info['products']} "
          f"products (seed {info['seed']}, {info['total_s']:.1f} s)")
    return 0


def _cmd_route(args) -> int:
    from .routing import ENTRANCE, RouteGraph, UnknownBooth, plan_route
    stops = [c.strip() for c in args.stops.split(",") if c.strip()]
    if not stops:
        raise UsageError("--stops needs at least one booth code")
    with open_expo(args.expo, readonly=True) as expo:
        graph = RouteGraph.from_expo(expo)
        layout = content.booth_layout(expo.meta())
    start = ENTRANCE if args.start.lower() == ENTRANCE else args.start
    try:
        route = plan_route(graph, start, stops, optimise=not args.keep_order)
    except UnknownBooth as exc:
        raise DataError(f"{args.expo}: {exc}") from None
    doc = route.as_dict(layout)
    if args.json:
        print(json.dumps(doc, ensure_ascii=False))
        return 0

    def where(label: str) -> str:
        return label if label == ENTRANCE else content.mark_booth(label, layout)
    for i, leg in enumerate(doc["legs"], 1):
        print(f"{i:3d}. {where(leg['from'])} -> {where(leg['to'])}: {leg['distance_m']:.0f} m")
    print(f"total {doc['distance_m']:.0f} m, about {doc['walk_min']:.0f} min at "
          f"{doc['walk_speed_m_s']} m/s" + ("" if route.exact else " (heuristic order)"))
    return 0


def _cmd_import(args) -> int:
    from .importing import ImportFailed, import_files, parse_mapping
    from .integrity import IntegrityCache
    from .paths import default_data_dir
    mapping = parse_mapping(args.map)

    def progress(frac, message):
        if args.progress:
            print(f"{frac * 100:5.1f}% {message}", file=sys.stderr)
    try:
        report = import_files(args.expo, args.files, encoding=args.encoding, mapping=mapping,
                              strict=args.strict, progress=progress, pictures=args.pictures,
                              integrity_cache=IntegrityCache(default_data_dir()))
    except ImportFailed as exc:
        rep = exc.report
        for e in rep.errors:
            print(f"{PROG}: error: {e}", file=sys.stderr)
        if rep.more_errors:
            print(f"{PROG}: … and {rep.more_errors} more errors", file=sys.stderr)
        n = len(rep.errors) + rep.more_errors
        state = "is unchanged" if Path(args.expo).exists() else "was not created"
        print(f"{PROG}: {n} error{'s' if n != 1 else ''}; nothing was imported, "
              f"{args.expo} {state}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
        return 0
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if report.more_warnings:
        print(f"warning: … and {report.more_warnings} more", file=sys.stderr)
    print(f"imported {', '.join(report.files)} into {args.expo} "
          f"({report.rows} rows, {report.seconds:.1f} s)")
    print(report.summary())
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description="WeSemiBay Explorer data tools.")
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    b = sub.add_parser("build", help="build the built-in expo from db/seed/")
    b.add_argument("--out", required=True, help="expo file to write")
    b.set_defaults(func=_cmd_build)

    c = sub.add_parser("check", help="check an expo file's integrity, schema and sources")
    c.add_argument("path")
    c.set_defaults(func=_cmd_check)

    s = sub.add_parser("search", help="search an expo file")
    s.add_argument("--expo", required=True)
    s.add_argument("--json", action="store_true", help="print hits as JSON")
    s.add_argument("--limit", type=int, default=50)
    s.add_argument("query")
    s.set_defaults(func=_cmd_search)

    i = sub.add_parser("import", help="import exhibitor lists and catalogues (CSV/TSV/JSON), "
                       "all or nothing")
    i.add_argument("files", nargs="+", metavar="FILE", help="CSV, TSV or JSON file(s)")
    i.add_argument("--expo", required=True, help="expo file to import into (made if missing)")
    i.add_argument("--encoding", help="text encoding of CSV files (default: UTF-8 or GB18030, "
                   "detected)")
    i.add_argument("--map", action="append", default=[], metavar="HEADER=field",
                   help="read column HEADER as field (repeatable); see docs/catalogue-format.md")
    i.add_argument("--strict", action="store_true",
                   help="refuse booth codes that are not on the floor plan")
    i.add_argument("--pictures", metavar="DIR",
                   help="read pictures from DIR and below; relative picture paths start there "
                   "(default: each catalogue file's folder)")
    i.add_argument("--json", action="store_true", help="print the summary as JSON")
    i.add_argument("--progress", action="store_true", help="print progress on stderr")
    i.set_defaults(func=_cmd_import)

    e = sub.add_parser("export", help="export an expo file as JSON or CSV")
    e.add_argument("--expo", required=True)
    e.add_argument("--format", choices=("json", "csv"), required=True)
    e.add_argument("--out", required=True)
    e.add_argument("--data-dir", metavar="PATH", help="folder of the stored screening list; "
                   "when one is stored the export gets a screening section (default: the "
                   "program's data folder)")
    e.set_defaults(func=_cmd_export)

    sc = sub.add_parser(
        "screen", help="screen the exhibitors against the U.S. Consolidated Screening List",
        description="Screen every exhibitor's names against the U.S. Consolidated Screening "
        "List. Get consolidated.csv or consolidated.json from "
        "https://www.trade.gov/consolidated-screening-list (data.trade.gov); this program never "
        "downloads it. The list given with --list is checked and kept in the data folder "
        "(screening.sqlite), dated, so later runs work offline without --list. A match is a "
        "lead for a compliance check, not a determination. Exit status 0 whatever is found.")
    sc.add_argument("--expo", required=True, metavar="PATH",
                    help="expo file whose exhibitors to screen")
    sc.add_argument("--list", metavar="FILE", help="consolidated.csv or consolidated.json to "
                    "load (it replaces the stored list); without it the stored list is used")
    sc.add_argument("--list-date", metavar="YYYY-MM-DD", help="the date of the list in --list "
                    "when the file does not say it (a CSV; the JSON dates itself); without it "
                    "the file's modification date is used, and said to be so")
    sc.add_argument("--data-dir", metavar="PATH", help="folder that keeps the list "
                    "(default: the program's data folder, beside your notes)")
    sc.add_argument("--json", action="store_true", help="print one JSON array, one object "
                    "per exhibitor")
    sc.set_defaults(func=_cmd_screen)

    d = sub.add_parser("demo", help="make a synthetic expo (marked synthetic) of any size")
    d.add_argument("--booths", type=int, default=2000)
    d.add_argument("--products", type=int, default=10000)
    d.add_argument("--exhibitors", type=int, default=None,
                   help="default: 40%% of the booths")
    d.add_argument("--seed", type=int, default=1)
    d.add_argument("--out", required=True)
    d.set_defaults(func=_cmd_demo)

    r = sub.add_parser("route", help="a walking route through booths, along the aisles")
    r.add_argument("--expo", required=True)
    r.add_argument("--from", dest="start", default="entrance",
                   help="booth code to start at, or 'entrance' (default)")
    r.add_argument("--stops", required=True, help="booth codes, comma-separated")
    r.add_argument("--keep-order", action="store_true",
                   help="walk the stops in the order given instead of the best order")
    r.add_argument("--json", action="store_true", help="print the route as JSON")
    r.set_defaults(func=_cmd_route)

    from .planimport.cli import register as register_plan_import
    register_plan_import(sub)
    return p


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("wesemibay-explorer")
    except Exception:
        return "dev"


def crash_log(exc: BaseException, argv: list[str]) -> Path | None:
    """Write a bug's traceback to ``<temp folder>/wesemibay-db-bug-<time>-<pid>.log``."""
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = Path(tempfile.gettempdir()) / f"wesemibay-db-bug-{stamp}-{os.getpid()}.log"
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(f"{PROG} {_version()} on Python {platform.python_version()}, "
                     f"SQLite {sqlite3.sqlite_version}, {platform.platform()}\n")
            fh.write(f"command: {PROG} {' '.join(argv)}\n\n")
            fh.write("".join(traceback.format_exception(exc)))
    except OSError:
        return None
    return path


def _file_of(args) -> str:
    for name in ("expo", "path", "out"):
        value = getattr(args, name, None)
        if value:
            return str(value)
    return ""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"{PROG}: {one_line(exc)}", file=sys.stderr)
        return 2
    except DataError as exc:              # StorageError and ImportFailed included
        print(f"{PROG}: {one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:               # e.g. output piped into `head`
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 1
    except MemoryError:
        print(f"{PROG}: {_file_of(args) or 'the command'}: not enough memory", file=sys.stderr)
        return 1
    except OSError as exc:
        name = exc.filename or _file_of(args)
        print(f"{PROG}: {name}{': ' if name else ''}{describe(exc)}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:
        fault = database_fault(_file_of(args) or "the file", exc)
        if fault is None:
            return _bug(exc, argv)
        print(f"{PROG}: {fault}", file=sys.stderr)
        return 1
    except Exception as exc:
        return _bug(exc, argv)


def _bug(exc: BaseException, argv: list[str]) -> int:
    log = crash_log(exc, argv)
    where = f"the details are in {log}" if log else "the details could not be written"
    print(f"{PROG}: internal error ({type(exc).__name__}): a bug in {PROG}, not a fault in "
          f"your files; {where}; please report it", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
