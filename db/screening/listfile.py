"""Reading a Consolidated Screening List file: the official CSV (or TSV) and JSON layouts.

``read_list`` checks the file completely before anything is stored: a file in another layout,
cut short, not UTF-8, with a broken record or no entries raises ``DataError`` with one line
naming the file, the line or record, and the fault.

The list's date: the JSON's ``search_performed_at``; else the date the user states; else the
file's modification date (which may be the day it was copied, and is said to be so). Each
entry also carries the date of its own source list (the JSON's ``sources_used`` ->
``source_last_updated``) where the file gives one.
"""
from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError, storage_error
from .citations import citation_strings, clean_licence_text

# The columns of consolidated.csv, in the order ITA writes them.
CSV_COLUMNS = ("_id", "source", "entity_number", "type", "programs", "name", "title",
               "addresses", "federal_register_notice", "start_date", "end_date",
               "standard_order", "license_requirement", "license_policy", "call_sign",
               "vessel_type", "gross_tonnage", "gross_registered_tonnage", "vessel_flag",
               "vessel_owner", "remarks", "source_list_url", "alt_names", "citizenships",
               "dates_of_birth", "nationalities", "places_of_birth", "source_information_url",
               "ids")
REQUIRED = ("source", "name", "alt_names", "federal_register_notice")

DATE_BASIS_TEXT = {
    "search_performed_at": "the date the list file gives (search_performed_at)",
    "stated": "the date you stated (--list-date)",
    "file": "the file's modification date, which may be when it was copied, not when the "
            "list was published; give --list-date to state the list's date",
}


@dataclass
class Entry:
    record_id: str
    source: str
    type: str
    name: str
    alt_names: list[str]
    programs: list[str]
    addresses: str
    countries: list[str]
    federal_register_notice: str
    citations: list[str]
    start_date: str
    end_date: str
    license_requirement: str
    license_policy: str
    source_list_url: str
    source_information_url: str
    remarks: str
    list_date: str = ""

    @property
    def list_code(self) -> str:
        """The source's short name: "EL", "SDN", "CMIC" ... (the last parenthesis)."""
        found = re.findall(r"\(([^()]+)\)", self.source)
        return found[-1].strip() if found else self.source.strip()


@dataclass
class ParsedList:
    path: Path
    file_name: str
    layout: str                      # "csv", "tsv" or "json"
    sha256: str
    size: int
    entries: list[Entry]
    list_date: str
    date_basis: str                  # "search_performed_at" | "stated" | "file"
    search_performed_at: str | None
    file_date: str
    stated_date: str | None
    source_dates: dict[str, str] = field(default_factory=dict)
    duplicates: int = 0              # identical records dropped


def check_date(text: str) -> str:
    """A YYYY-MM-DD date as given on the command line, checked (``ValueError`` if not)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or ""):
        raise ValueError(f"{text!r} is not a date of the form YYYY-MM-DD")
    return _dt.date.fromisoformat(text).isoformat()


def _iso_day(value) -> str | None:
    """The day (YYYY-MM-DD) of an ISO timestamp such as ``2026-07-31T13:15:00+00:00``."""
    if not isinstance(value, str):
        return None
    m = re.match(r"\s*(\d{4}-\d{2}-\d{2})", value)
    if not m:
        return None
    try:
        return _dt.date.fromisoformat(m.group(1)).isoformat()
    except ValueError:
        return None


def _split(value, sep: str = "; ") -> list[str]:
    if not value:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [v.strip() for v in str(value).split(sep.strip()) if v.strip()]


def _text(value) -> str:
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value if v is not None)
    return str(value)


def _entry(rec: dict, addresses: str, countries: list[str]) -> Entry:
    notice = _text(rec.get("federal_register_notice")).strip()
    return Entry(
        record_id=_text(rec.get("_id") if rec.get("_id") is not None else rec.get("id")),
        source=_text(rec.get("source")).strip(), type=_text(rec.get("type")).strip(),
        name=" ".join(_text(rec.get("name")).split()),
        alt_names=_split(rec.get("alt_names")), programs=_split(rec.get("programs")),
        addresses=addresses, countries=countries, federal_register_notice=notice,
        citations=citation_strings(notice),
        start_date=_text(rec.get("start_date")).strip(), end_date=_text(rec.get("end_date")).strip(),
        license_requirement=clean_licence_text(_text(rec.get("license_requirement"))),
        license_policy=clean_licence_text(_text(rec.get("license_policy"))),
        source_list_url=_text(rec.get("source_list_url")).strip(),
        source_information_url=_text(rec.get("source_information_url")).strip(),
        remarks=_text(rec.get("remarks")).strip())


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError(f"{path}: line {line}: not UTF-8 text (byte {exc.start}); the official "
                        "list is UTF-8: download it again") from None


def _csv_entries(path: Path, text: str) -> tuple[str, list[Entry]]:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    layout = "tsv" if delimiter == "\t" else "csv"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise DataError(f"{path}: the file is empty") from None
    except csv.Error as exc:
        raise DataError(f"{path}: line 1: unreadable header ({exc})") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing or not ({"_id", "id"} & set(header)):
        lacks = ", ".join(missing or ["_id"])
        raise DataError(f"{path}: line 1: not the Consolidated Screening List layout (the header "
                        f"lacks {lacks}; expected the columns of consolidated.csv: "
                        f"{', '.join(CSV_COLUMNS[:6])}, …)")
    col = {h: i for i, h in enumerate(header)}
    entries = []
    start = 2
    try:
        for row in reader:
            line = start
            start = reader.line_num + 1
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(header):
                cut = (" (the file looks cut short: download it again)"
                       if len(row) < len(header) and reader.line_num >= last_line else "")
                raise DataError(f"{path}: line {line}: the record has {len(row)} fields, the "
                                f"header {len(header)}{cut}")
            rec = {h: row[i] for h, i in col.items()}
            if not rec["name"].strip():
                raise DataError(f"{path}: line {line}: the record has no name")
            countries = [a.rsplit(",", 1)[-1].strip() for a in _split(rec.get("addresses"))
                         if "," in a]
            entries.append(_entry(rec, rec.get("addresses", "").strip(),
                                  [c for c in countries if re.fullmatch(r"[A-Z]{2}", c)]))
    except csv.Error as exc:
        why = ("a quoted field is not closed: the file is cut short or damaged"
               if "end of data" in str(exc) else str(exc))
        raise DataError(f"{path}: line {start}: {why}") from None
    return layout, entries


def _json_entries(path: Path, text: str) -> tuple[list[Entry], dict]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: line {exc.lineno}: invalid JSON ({exc.msg}); the file is "
                        "damaged or cut short") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
        raise DataError(f"{path}: not the Consolidated Screening List JSON layout (expected an "
                        'object with a "results" list, as in consolidated.json)')
    entries = []
    for i, rec in enumerate(doc["results"], 1):
        if not isinstance(rec, dict):
            raise DataError(f"{path}: record {i} of results: not an object")
        name = rec.get("name")
        if not isinstance(name, str) or not name.strip():
            raise DataError(f"{path}: record {i} of results: no name")
        if not isinstance(rec.get("source"), str):
            raise DataError(f"{path}: record {i} of results ({name[:60]}): no source list")
        addrs = rec.get("addresses") or []
        if isinstance(addrs, str):
            flat, countries = addrs, []
        elif isinstance(addrs, list):
            parts, countries = [], []
            for a in addrs:
                if isinstance(a, dict):
                    bits = [_text(a.get(k)).strip() for k in ("address", "city", "state",
                                                              "postal_code", "country")]
                    parts.append(", ".join(b for b in bits if b))
                    if a.get("country"):
                        countries.append(_text(a["country"]).strip())
                elif a:
                    parts.append(_text(a))
            flat = "; ".join(p for p in parts if p)
        else:
            raise DataError(f"{path}: record {i} of results ({name[:60]}): addresses is "
                            f"neither a list nor text")
        entries.append(_entry(rec, flat, countries))
    return entries, doc


def peek_date(path: str | os.PathLike) -> str | None:
    """The day a JSON list says it was made (``search_performed_at``), read from the ends of
    the file without parsing it (a hint for the window, before the file is loaded; the
    loader decides). None for a CSV, an undated or unreadable file."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
            if not head.lstrip().startswith((b"{", b"[")):
                return None
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 65536))
            tail = fh.read()
    except OSError:
        return None
    for part in (tail, head):
        found = re.search(rb'"search_performed_at"\s*:\s*"([^"]{10,40})"', part)
        if found:
            return _iso_day(found.group(1).decode("ascii", "replace"))
    return None


def read_list(path: str | os.PathLike, list_date: str | None = None) -> ParsedList:
    """Read and check a Consolidated Screening List file (nothing is stored)."""
    path = Path(path)
    if path.is_dir():
        raise DataError(f"{path}: is a folder; give the list file (consolidated.csv or .json)")
    try:
        data = path.read_bytes()
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except OSError as exc:
        raise storage_error(path, exc, "cannot read the list") from None
    if not data.strip():
        raise DataError(f"{path}: the file is empty")
    text = _decode(path, data)
    search_at = None
    source_dates: dict[str, str] = {}
    if text.lstrip()[:1] in "{[":
        layout = "json"
        entries, doc = _json_entries(path, text)
        search_at = doc.get("search_performed_at") if isinstance(
            doc.get("search_performed_at"), str) else None
        for s in doc.get("sources_used") or []:
            if isinstance(s, dict) and isinstance(s.get("source"), str):
                day = _iso_day(s.get("source_last_updated"))
                if day:
                    source_dates[s["source"].strip()] = day
    else:
        layout, entries = _csv_entries(path, text)
    if not entries:
        raise DataError(f"{path}: the list has no entries")
    file_date = _dt.datetime.fromtimestamp(mtime, _dt.timezone.utc).date().isoformat()
    if _iso_day(search_at):
        date, basis = _iso_day(search_at), "search_performed_at"
    elif list_date:
        date, basis = list_date, "stated"
    else:
        date, basis = file_date, "file"
    # Identical records (the same record twice) are kept once; the same entity listed twice
    # with other citations, or on two lists, stays as the list has it.
    unique, seen = [], set()
    for e in entries:
        key = (e.record_id, e.source, e.name, tuple(e.alt_names), e.federal_register_notice,
               e.addresses, e.license_requirement, e.license_policy, e.start_date)
        if key in seen:
            continue
        seen.add(key)
        e.list_date = source_dates.get(e.source) or _iso_day(search_at) or date
        unique.append(e)
    return ParsedList(path=path, file_name=path.name, layout=layout,
                      sha256=hashlib.sha256(data).hexdigest(), size=len(data), entries=unique,
                      list_date=date, date_basis=basis, search_performed_at=search_at,
                      file_date=file_date, stated_date=list_date, source_dates=source_dates,
                      duplicates=len(entries) - len(unique))
