"""A data set of hostile strings, and an expo file that carries them everywhere.

``make_hostile_expo`` imports a catalogue of hostile names (HTML, Markdown, bidi overrides,
zero-width characters) into a copy of the built-in expo, the way an organiser's file would
arrive, then writes what the importer refuses straight into the file with sqlite3, the way a
foreign expo file could carry it: a 300,000-character name, a 1 MB summary, a NUL byte,
and hostile zone, hall, topic, event, source, person, quote, link and market names. Strings
that name a picture point at a real named pipe (``fifo``): a surface that interprets them
as HTML would open the pipe and hang.

Used by the tests (``tests/gui/test_plaintext.py``) and, for screenshots and the bench,
from the command line: ``python tests/hostile_data.py OUT_DIR`` prints the expo file's path.
"""
from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

PICTURE = Path(__file__).resolve().parent / "fixtures" / "catalogue" / "pictures" / "good.png"

SPAN = '<span style="font-size:200px">X</span>'
ZERO = '<img src="/dev/zero">'
ANCHOR = '<a href="http://evil.example/">click</a>'
MD_LINK = "[x](http://evil.example)"
MD_IMAGE = "![x](/etc/passwd)"
ENTITY = "&lt;b&gt;"
RLO = "\u202e"                      # right-to-left override
ISOLATES = "\u2066\u2067\u2068\u2069"
ZWSP = "\u200b"

LONG_NAME = 300_000
LONG_SUMMARY = 1_000_000

# Tags a surface must never interpret (their text shows literally instead).
TAGS = ("<img", "<span", "<a href", "<b>", "<i>", "<u>")


def fifo_img(fifo: Path) -> str:
    return f'<img src="{fifo}">'


@dataclass
class HostileExpo:
    path: Path
    fifo: Path
    exhibitors: dict[str, str]      # slug -> its hostile name (as written)
    long_slug: str = "longname"
    nul_slug: str = "nul-byte"
    zw_slug: str = "quiet-tool"     # its name has a zero-width space inside a word
    plain_slug: str = "plainview"   # its name is plain; searched with a zero-width space
    bidi_slug: str = "bidi-tools"
    fifo_slug: str = "pipe-ltd"


def catalogue_rows(fifo: Path) -> list[dict[str, str]]:
    """One row per exhibitor, each with a product, at free booths of the built-in floor."""
    pipe = fifo_img(fifo)
    return [
        {"exhibitor_id": "html-span", "company": f"{SPAN} Span Corp", "company_zh": "<b>粗体</b>",
         "booth": "1A01", "category": "<u>Category</u>", "exhibitor_summary": f"{ANCHOR} {SPAN}",
         "product": f"{ZERO} Zero Tool", "description": f"{MD_LINK} {MD_IMAGE} {pipe}",
         "image": "pictures/good.png", "image_credit": f"{pipe} credit", "tool_type": "ald",
         "specs": "<b>Max</b>: <img src=x>"},
        {"exhibitor_id": "pipe-ltd", "company": f"{pipe} Pipe Ltd", "booth": "1A02",
         "exhibitor_summary": pipe, "product": f"{pipe} Pipe Tool", "tool_type": "etch"},
        {"exhibitor_id": "img-zero", "company": f"{ZERO} Zero Inc", "booth": "1A03",
         "exhibitor_summary": ZERO, "product": "Plain product", "description": ZERO},
        {"exhibitor_id": "markdown-ag", "company": f"{MD_LINK} {MD_IMAGE} Markdown AG",
         "booth": "1A04", "exhibitor_summary": f"# Heading {MD_LINK} *bold* `code` | cell |",
         "product": f"{MD_IMAGE} Md Tool"},
        {"exhibitor_id": "bidi-tools", "company": f"Safe{RLO}gnp.exe Tools",
         "company_zh": f"{ISOLATES[0]}左{ISOLATES[3]}{RLO}右", "booth": "1A05",
         "exhibitor_summary": f"abc{RLO}def", "product": f"Tool{RLO}reversed"},
        {"exhibitor_id": "quiet-tool", "company": f"Quiet{ZWSP}Tool Systems", "booth": "1A06",
         "product": f"Whisper{ZWSP}Pump"},
        {"exhibitor_id": "plainview", "company": "Plainview Labs", "booth": "1A07"},
        {"exhibitor_id": "anchor-co", "company": f"{ANCHOR} Links Co", "booth": "1A08",
         "exhibitor_summary": f"{ENTITY} and <script>alert(1)</script>"},
    ]


def write_catalogue(folder: Path, fifo: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pictures").mkdir(exist_ok=True)
    shutil.copyfile(PICTURE, folder / "pictures" / "good.png")
    rows = catalogue_rows(fifo)
    fields = list(dict.fromkeys(k for r in rows for k in r))
    path = folder / "hostile.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    return path


def make_fifo(path: Path) -> Path:
    if not path.exists():
        os.mkfifo(path)
    return path


def make_hostile_expo(builtin: Path, folder: Path) -> HostileExpo:
    """The built-in expo plus the hostile catalogue, plus what only a foreign file can carry."""
    from db.importing import import_files
    from db.search import rebuild_index
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fifo = make_fifo(folder / "pipe")
    path = folder / "hostile.sqlite"
    shutil.copyfile(builtin, path)
    import_files(path, [write_catalogue(folder / "catalogue", fifo)])

    pipe = fifo_img(fifo)
    long_name = ("Longname " + "x" * LONG_NAME)[:LONG_NAME]
    summary = ("A very long summary <b>with tags</b> and words. " * (LONG_SUMMARY // 40))[:LONG_SUMMARY]
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute("UPDATE expo SET name = ?, summary = ?",
                         (f"<i>Hostile</i> Expo {RLO}evil {SPAN}", f"{pipe} {summary}"))
            conn.execute("INSERT INTO exhibitors (slug, name, name_zh, summary, zone, country) "
                         "VALUES ('longname', ?, ?, ?, 'wafer-manufacturing', ?)",
                         (long_name, "长" * 5000, summary, "<b>C</b>" * 1000))
            conn.execute("INSERT INTO booth_exhibitors VALUES ('1A09', 'longname')")
            conn.execute("INSERT INTO exhibitors (slug, name, summary, zone) VALUES "
                         "('nul-byte', ?, ?, 'wafer-manufacturing')",
                         (f"Nul\x00Byte {SPAN}", "before\x00after"))
            conn.execute("INSERT INTO booth_exhibitors VALUES ('1A10', 'nul-byte')")
            conn.execute("INSERT INTO products (slug, exhibitor, name, summary, tool_type) VALUES "
                         "('long-product', 'longname', ?, ?, 'cvd')", (long_name, summary))
            # A booth the floor plan lacks (the Unplaced booths tray), its code hostile too.
            conn.execute("INSERT INTO booths (code, placed) VALUES (?, 0)", (f"{pipe}{RLO}9Z",))
            conn.execute("INSERT INTO booth_exhibitors VALUES (?, 'anchor-co')", (f"{pipe}{RLO}9Z",))
            conn.execute("UPDATE zones SET name = ? WHERE slug = 'wafer-manufacturing'",
                         (f"{pipe} Wafer {RLO}zone",))
            conn.execute("UPDATE halls SET name = ? WHERE slug = 'hall-1'", (f"{SPAN} Hall 1",))
            topic = conn.execute("SELECT slug FROM topics ORDER BY slug LIMIT 1").fetchone()[0]
            conn.execute("UPDATE topics SET title = ?, summary = ? WHERE slug = ?",
                         (f"{pipe} Topic {RLO}cipot", f"{SPAN} {summary}", topic))
            event = conn.execute("SELECT slug FROM events ORDER BY date LIMIT 1").fetchone()[0]
            conn.execute("UPDATE events SET title = ?, summary = ? WHERE slug = ?",
                         (f"{ANCHOR} {MD_LINK} {long_name}", pipe, event))
            conn.execute("INSERT INTO event_topics (event, topic) VALUES (?, ?) "
                         "ON CONFLICT DO NOTHING", (event, topic))
            source = conn.execute("SELECT id FROM sources ORDER BY id LIMIT 1").fetchone()[0]
            conn.execute("UPDATE sources SET title = ?, publisher = ?, url = ? WHERE id = ?",
                         (f"{pipe} Source {long_name}", "<b>Publisher</b>",
                          "javascript:alert(1)", source))
            for kind, ref in (("exhibitor", "html-span"), ("exhibitor", "longname"),
                              ("link", "hostile-link"), ("product", "long-product")):
                conn.execute("INSERT OR IGNORE INTO cites VALUES (?, ?, ?)", (kind, ref, source))
            conn.execute("INSERT INTO links VALUES ('hostile-link', 'exhibitor', 'html-span', "
                         "'topic', ?, ?)", (topic, f"{pipe} reason {SPAN}"))
            conn.execute("INSERT INTO links VALUES ('long-link', 'exhibitor', 'longname', "
                         "'topic', ?, ?)", (topic, summary))
            conn.execute("INSERT INTO people (slug, name, role, organisation) VALUES "
                         "('hostile-person', ?, ?, 'html-span')", (f"{SPAN} Person", pipe))
            conn.execute("INSERT INTO quotes (id, person, text, translation) VALUES "
                         "('hostile-quote', 'hostile-person', ?, ?)", (pipe, f"{MD_LINK} {SPAN}"))
            row = conn.execute("SELECT input_id FROM supply_map WHERE tool_type = 'ald'").fetchone()
            if row and row[0]:
                conn.execute("UPDATE supply_inputs SET name = ? WHERE input_id = ?",
                             (f"{pipe} {long_name}", row[0]))
                conn.execute("UPDATE supply_map SET input_name = ?, why = ? WHERE tool_type = 'ald'",
                             (f"{pipe} input", f"{SPAN} why"))
                prov = conn.execute("SELECT provider_id FROM supply_shares WHERE input_id = ? "
                                    "ORDER BY share DESC LIMIT 1", (row[0],)).fetchone()
                if prov:
                    conn.execute("UPDATE supply_providers SET name = ? WHERE provider_id = ?",
                                 (f"{SPAN} {long_name}", prov[0]))
            conn.execute("UPDATE images SET credit = ? WHERE id IN (SELECT image FROM products "
                         "WHERE exhibitor = 'html-span')", (f"{pipe} {long_name}",))
            rebuild_index(conn)
    finally:
        conn.close()
    names = {r["exhibitor_id"]: r["company"] for r in catalogue_rows(fifo)}
    names["longname"] = long_name
    names["nul-byte"] = f"Nul\x00Byte {SPAN}"
    return HostileExpo(path, fifo, names)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/hostile_data.py OUT_DIR", file=sys.stderr)
        return 2
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from db.build import build
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    builtin = build(out / "builtin.sqlite")
    print(make_hostile_expo(builtin, out).path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
