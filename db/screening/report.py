"""Words for a screening: status labels, the command line's table, the export sections."""
from __future__ import annotations

import csv
import os
from pathlib import Path

from .listfile import DATE_BASIS_TEXT
from .screen import Screening

OFFICIAL_PAGE = "https://www.trade.gov/consolidated-screening-list"
DOWNLOADS = ("https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
             "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json")
CAVEAT = ("A list match is a lead for a compliance check, not a determination: names can be "
          "shared or differ, and the list is a dated copy.")
WHERE = (f"The U.S. Consolidated Screening List is published by the International Trade "
         f"Administration at {OFFICIAL_PAGE} (consolidated.csv or consolidated.json from "
         f"data.trade.gov). This program never downloads it: load a newer copy with --list.")


def status_label(status: str, list_date: str) -> str:
    """How a status is said: never "not listed", never a possible match as a fact."""
    if status == "match":
        return "match"
    if status == "possible":
        return "possible match: check"
    return f"no entry found in the list of {list_date}"


def list_line(info: dict) -> str:
    """One line naming the stored list, its date and how it was dated."""
    return (f"U.S. Consolidated Screening List of {info['list_date']} ({info['file_name']}, "
            f"{info['entries']:,} entries, sha256 {info['sha256'][:12]}…); dated by "
            f"{DATE_BASIS_TEXT[info['date_basis']]}")


def _cut(text: str, width: int) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[:width - 1] + "…"


def format_table(scr: Screening, expo_name: str) -> str:
    """The readable result of ``wesemibay-db screen`` (one row per exhibitor and match)."""
    info = scr.info
    lines = [list_line(info)]
    if scr.loaded:
        if scr.loaded["unchanged"]:
            lines.append(f"The file {scr.loaded['file']} is the stored list; kept as it is.")
        else:
            lines.append(f"Stored {scr.loaded['file']} as the screening list"
                         + (f" (it replaces the list of {scr.loaded['replaced']})"
                            if scr.loaded["replaced"] else "")
                         + (f"; {scr.loaded['duplicates']} identical duplicate records kept once"
                            if scr.loaded["duplicates"] else "") + ".")
        if scr.loaded["replaced"] and scr.loaded["replaced"] > info["list_date"]:
            lines.append(f"Note: this list ({info['list_date']}) is older than the one it "
                         f"replaced ({scr.loaded['replaced']}).")
        stated, given = scr.loaded.get("stated_date"), scr.loaded.get("search_performed_at")
        if stated and info["date_basis"] == "search_performed_at" and stated != info["list_date"]:
            lines.append(f"The file dates itself {given}; the date you stated ({stated}) is not "
                         "used.")
    else:
        lines.append(f"Using the stored list (loaded {info['loaded_at']}).")
    c = scr.counts
    lines.append(f"{expo_name}: {len(scr.results)} exhibitors screened: {c['match']} with a "
                 f"match, {c['possible']} with a possible match to check, {c['none']} with no "
                 f"entry found in the list of {info['list_date']}.")
    lines.append("")
    head = ("EXHIBITOR", "STATUS", "ENTRY", "LIST", "FEDERAL REGISTER", "KIND", "REVIEW")
    widths = (28, 21, 48, 5, 26, 10, 30)
    rows = []
    order = {"match": 0, "possible": 1, "none": 2}
    for r in sorted(scr.results, key=lambda r: (order[r["status"]], r["name"].casefold())):
        if not r["matches"]:
            rows.append(f"{_cut(r['name'], widths[0]):<{widths[0]}}  "
                        f"{status_label('none', r['list_date'])}")
            continue
        for i, m in enumerate(r["matches"]):
            kind = m["kind"] + (f" {m['score']:.2f}" if m["kind"] == "fuzzy" else "")
            dec = m["decision"]
            review = f"{dec['decision']}: {dec['note']}" if dec and dec["note"] else (
                dec["decision"] if dec else "")
            cells = (r["name"] if i == 0 else "", status_label(m["status"], r["list_date"]),
                     m["entry_name"], m["list_code"],
                     ", ".join(m["citations"]) or m["federal_register_notice"], kind, review)
            rows.append("  ".join(f"{_cut(v, w):<{w}}" for v, w in zip(cells, widths)).rstrip())
    lines.append("  ".join(f"{h:<{w}}" for h, w in zip(head, widths)).rstrip())
    lines += rows
    if scr.changes is not None:
        prev = scr.previous
        lines += ["", f"Changes since the list of {prev['list_date']} (sha256 "
                      f"{prev['list_sha256'][:12]}…): " + (", ".join(
                          f"{sum(ch['change'] == k for ch in scr.changes)} {k}"
                          for k in ("added", "removed", "changed")) if scr.changes else "none")]
        for ch in scr.changes:
            what = f" ({', '.join(ch['fields'])})" if ch["fields"] else ""
            lines.append(f"  {ch['change']:<8} {_cut(ch['name'], 30)}: "
                         f"{_cut(ch['entry_name'], 60)} [{ch['list_code'] or ch['list']}]{what}")
    lines += ["", CAVEAT, WHERE]
    return "\n".join(lines) + "\n"


def section(scr: Screening) -> dict:
    """The ``screening`` part of an expo export (JSON)."""
    info = scr.info
    return {"list": {k: info[k] for k in ("file_name", "sha256", "entries", "list_date",
                                          "date_basis", "search_performed_at", "loaded_at")},
            "dated_by": DATE_BASIS_TEXT[info["date_basis"]],
            "caveat": CAVEAT, "official_source": OFFICIAL_PAGE,
            "counts": scr.counts, "exhibitors": scr.results}


CSV_HEADER = ["exhibitor", "name", "status", "entry_name", "list", "citations",
              "federal_register_notice", "start_date", "license_requirement", "license_policy",
              "kind", "score", "matched_on", "decision", "decision_note", "entry_list_date",
              "list_date", "list_sha256", "caveat"]


def csv_rows(scr: Screening) -> list[list]:
    """One row per exhibitor and matched entry (one row for an exhibitor with none)."""
    out = []
    for r in scr.results:
        base = [r["exhibitor"], r["name"]]
        tail = [r["list_date"], r["list_sha256"], CAVEAT]
        if not r["matches"]:
            out.append(base + [status_label("none", r["list_date"])] + [""] * 13 + tail)
        for m in r["matches"]:
            on = "; ".join(f"{p['exhibitor_field']} \"{p['exhibitor_text']}\" ~ {p['entry_field']}"
                           f" \"{p['entry_text']}\"" for p in m["matched_on"])
            dec = m["decision"] or {}
            out.append(base + [status_label(m["status"], r["list_date"]), m["entry_name"],
                               m["list"], "; ".join(m["citations"]),
                               m["federal_register_notice"], m["start_date"] or "",
                               m["license_requirement"], m["license_policy"], m["kind"],
                               m["score"], on, dec.get("decision", ""), dec.get("note", ""),
                               m["list_date"]] + tail)
    return out


def screening_csv_path(out: str | os.PathLike) -> Path:
    """Where the screening CSV goes beside an expo CSV: ``expo.csv`` -> ``expo-screening.csv``."""
    out = Path(out)
    return out.with_name(f"{out.stem}-screening{out.suffix or '.csv'}")


def write_csv_rows(fh, rows: list[list], safe) -> None:
    w = csv.writer(fh)
    w.writerow(CSV_HEADER)
    for row in rows:
        w.writerow([safe(v) for v in row])


def entry_text(m: dict) -> str:
    """One matched entry in plain words: name (list; citations; since; licence; policy)."""
    bits = [m["list"]]
    cites = ", ".join(m["citations"]) or m["federal_register_notice"]
    if cites:
        bits.append(cites)
    if m["start_date"]:
        bits.append(f"since {m['start_date']}")
    if m["license_requirement"]:
        bits.append(f"licence requirement: {m['license_requirement']}")
    if m["license_policy"]:
        bits.append(f"licence policy: {m['license_policy']}")
    if m["decision"]:
        dec = m["decision"]
        bits.append(f"reviewed: {dec['decision']}" + (f" ({dec['note']})" if dec["note"] else ""))
    return f"{m['entry_name']} ({'; '.join(bits)})"


def summary_lines(scr: Screening, order: list[str] | None = None) -> list[tuple[int, str]]:
    """A Screening section as plain text lines: (0, paragraph), (1, exhibitor), (2, entry).

    The plan's Markdown and the route sheet (PDF) escape and lay these out; ``order`` is the
    exhibitors' slugs in the order to show them.
    """
    out = [(0, list_line(scr.info) + "."), (0, CAVEAT)]
    by_slug = {r["exhibitor"]: r for r in scr.results}
    slugs = [s for s in (order or sorted(by_slug)) if s in by_slug]
    for slug in slugs:
        r = by_slug[slug]
        out.append((1, f"{r['name']}: {status_label(r['status'], r['list_date'])}"))
        for m in r["matches"]:
            out.append((2, f"{status_label(m['status'], r['list_date'])}: {entry_text(m)}"))
    return out


def stop_cells(scr: Screening | None, slugs: list[str]) -> tuple[str, str]:
    """(status, entries) of the exhibitors at one stop, for a CSV row."""
    if scr is None:
        return "", ""
    by_slug = {r["exhibitor"]: r for r in scr.results}
    rs = [by_slug[s] for s in slugs if s in by_slug]
    if not rs:
        return "", ""
    status = "; ".join(status_label(r["status"], r["list_date"]) for r in rs)
    entries = "; ".join(f"{m['entry_name']} [{m['list_code']}: {status_label(m['status'], '')}"
                        f"{', ' + ', '.join(m['citations']) if m['citations'] else ''}]"
                        for r in rs for m in r["matches"])
    return status, entries
