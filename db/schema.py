"""Expo-file schema, versions and migrations.

The schema version lives in ``PRAGMA user_version``. Opening a file climbs the
migration ladder one step at a time, each step in its own transaction. A file
written by a newer program is refused and never touched.
"""
from __future__ import annotations

import sqlite3

from .errors import DataError

APP_ID = 0x57534259  # "WSBY" in PRAGMA application_id
SCHEMA_VERSION = 5

# Kinds of record that can cite a source; the cites table keys on (kind, ref).
CITING_KINDS = ("expo", "zone", "exhibitor", "organisation", "product", "topic", "event",
                "person", "quote", "link", "supply", "hall", "booth")
# Kinds of record that carry a confidence label (the ``confidence`` table, v3).
CONFIDENCE_KINDS = ("expo", "exhibitor", "organisation", "product", "topic", "event", "person",
                    "quote", "link")
CONFIDENCE_LEVELS = ("high", "medium", "low")

_V1 = """
CREATE TABLE expo (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    name_zh TEXT,
    short_zh TEXT,
    edition INTEGER,
    venue TEXT,
    city TEXT,
    start_date TEXT,
    days INTEGER,
    summary TEXT,
    schematic INTEGER NOT NULL DEFAULT 0,
    synthetic INTEGER NOT NULL DEFAULT 0,
    extra TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    publisher TEXT,
    author TEXT,
    date TEXT,
    url TEXT,
    kind TEXT,
    licence TEXT,
    note TEXT
);
CREATE TABLE cites (
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    source TEXT NOT NULL REFERENCES sources(id),
    PRIMARY KEY (kind, ref, source)
) WITHOUT ROWID;
CREATE INDEX cites_source ON cites(source);
CREATE TABLE zones (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_zh TEXT,
    color TEXT NOT NULL DEFAULT '#cccccc',
    sort INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE halls (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level INTEGER NOT NULL DEFAULT 0,
    x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL,
    zone TEXT REFERENCES zones(slug)
);
CREATE TABLE booths (
    code TEXT PRIMARY KEY,
    hall TEXT REFERENCES halls(slug),
    zone TEXT REFERENCES zones(slug),
    x REAL, y REAL, w REAL, h REAL,
    placed INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX booths_hall ON booths(hall);
CREATE TABLE exhibitors (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_zh TEXT,
    pinyin TEXT,
    aliases TEXT NOT NULL DEFAULT '[]',
    country TEXT,
    category TEXT,
    zone TEXT REFERENCES zones(slug),
    summary TEXT
);
CREATE TABLE booth_exhibitors (
    booth TEXT NOT NULL REFERENCES booths(code),
    exhibitor TEXT NOT NULL REFERENCES exhibitors(slug),
    PRIMARY KEY (booth, exhibitor)
) WITHOUT ROWID;
CREATE INDEX booth_exhibitors_exhibitor ON booth_exhibitors(exhibitor);
CREATE TABLE organisations (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_zh TEXT,
    kind TEXT,
    summary TEXT
);
CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    sha1 TEXT UNIQUE,
    data BLOB,
    thumb BLOB,
    width INTEGER,
    height INTEGER,
    mime TEXT,
    credit TEXT
);
CREATE TABLE products (
    slug TEXT PRIMARY KEY,
    exhibitor TEXT NOT NULL REFERENCES exhibitors(slug),
    name TEXT NOT NULL,
    name_zh TEXT,
    pinyin TEXT,
    tool_type TEXT,
    summary TEXT,
    specs TEXT NOT NULL DEFAULT '{}',
    image INTEGER REFERENCES images(id)
);
CREATE INDEX products_exhibitor ON products(exhibitor);
CREATE TABLE topics (
    slug TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    summary TEXT,
    side TEXT
);
CREATE TABLE events (
    slug TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    date_precision TEXT NOT NULL DEFAULT 'day',
    title TEXT NOT NULL,
    summary TEXT,
    side TEXT NOT NULL
);
CREATE TABLE event_topics (
    event TEXT NOT NULL REFERENCES events(slug),
    topic TEXT NOT NULL REFERENCES topics(slug),
    PRIMARY KEY (event, topic)
) WITHOUT ROWID;
CREATE TABLE people (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_zh TEXT,
    role TEXT,
    organisation TEXT,
    affiliation_text TEXT,
    note TEXT
);
CREATE TABLE quotes (
    id TEXT PRIMARY KEY,
    person TEXT REFERENCES people(slug),
    text TEXT NOT NULL,
    language TEXT,
    translation TEXT,
    translation_note TEXT,
    context TEXT
);
CREATE TABLE links (
    id TEXT PRIMARY KEY,
    from_kind TEXT NOT NULL,
    from_slug TEXT NOT NULL,
    to_kind TEXT NOT NULL,
    to_slug TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX links_from ON links(from_kind, from_slug);
CREATE INDEX links_to ON links(to_kind, to_slug);
CREATE TABLE supply_map (
    tool_type TEXT PRIMARY KEY,
    input_id TEXT,
    input_name TEXT,
    why TEXT
);
CREATE VIRTUAL TABLE search USING fts5(
    kind UNINDEXED, ref UNINDEXED, label UNINDEXED, title, body,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""

# v2: market context from a supply-chain dataset (e.g. ETO), kept with its year and source.
_V2 = """
CREATE TABLE supply_inputs (
    input_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT,
    stage TEXT,
    year INTEGER,
    market_size TEXT,
    source_note TEXT
);
CREATE TABLE supply_providers (
    provider_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    alias TEXT,
    provider_type TEXT,
    country TEXT
);
CREATE TABLE supply_shares (
    input_id TEXT NOT NULL REFERENCES supply_inputs(input_id),
    provider_id TEXT NOT NULL REFERENCES supply_providers(provider_id),
    share REAL NOT NULL,
    year INTEGER,
    source_note TEXT,
    PRIMARY KEY (input_id, provider_id)
) WITHOUT ROWID;
"""

# v3: how strong each statement is and how precise each date is.
# - ``confidence``: one label per fact-bearing record (kind, ref as in ``cites``): high or
#   medium (low is allowed for other expos), with ``basis``, the short reason a statement
#   is not high ("one foreign-language report"); a medium text carries a hedge (db.content).
# - sources: ``date_precision`` (day, month, year; see db.dates) and ``citations``, a JSON
#   list of machine-readable citations such as "87 FR 62186" or "FR Doc. 2023-23049".
# - events: "expo" precision ("during the expo") becomes "month", and every date is the day
#   that starts its period, so the stored day never claims more than is known.
# - exhibitors/products: ``name_zh_note`` says where a Chinese name comes from when no
#   cited source gives it ("our rendering"); products: ``shown_at_expo`` is 1 where a
#   source says the product was on show at this expo, 0 where it is the company's product
#   line and its showing here is not reported, NULL where nobody said (imported catalogues).
_V3 = """
CREATE TABLE confidence (
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('high', 'medium', 'low')),
    basis TEXT,
    PRIMARY KEY (kind, ref)
) WITHOUT ROWID;
ALTER TABLE sources ADD COLUMN date_precision TEXT;
ALTER TABLE sources ADD COLUMN citations TEXT NOT NULL DEFAULT '[]';
UPDATE sources SET date_precision = 'day'
    WHERE date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]';
UPDATE events SET date_precision = 'month' WHERE date_precision = 'expo';
UPDATE events SET date = substr(date, 1, 7) || '-01' WHERE date_precision = 'month';
UPDATE events SET date = substr(date, 1, 4) || '-01-01' WHERE date_precision = 'year';
ALTER TABLE exhibitors ADD COLUMN name_zh_note TEXT;
ALTER TABLE products ADD COLUMN name_zh_note TEXT;
ALTER TABLE products ADD COLUMN shown_at_expo INTEGER;
"""

# v4: zone and hall names in other languages. ``names`` is a JSON object of language code
# to name ({"de": "Waferfertigung", "zh": "晶圆制造"}); the window shows the name in its
# language and falls back to ``name`` (and, for Chinese, a zone's ``name_zh``).
_V4 = """
ALTER TABLE zones ADD COLUMN names TEXT NOT NULL DEFAULT '{}';
ALTER TABLE halls ADD COLUMN names TEXT NOT NULL DEFAULT '{}';
"""

# v5: what the last import of each catalogue file left, so that a re-import reads again only
# the rows that changed (db/importing/state.py): per file, a digest of what decides how its
# rows read, and per row read without a problem the digest of its line, the product it gave
# and its exhibitor's cells. Not part of the expo document; dropped when records change
# otherwise.
_V5 = """
CREATE TABLE import_state (
    file TEXT PRIMARY KEY,
    context BLOB NOT NULL,
    encoding TEXT NOT NULL,
    lines BLOB NOT NULL,
    products BLOB NOT NULL,
    groups BLOB NOT NULL,
    exhibitors TEXT NOT NULL
);
"""

# Each entry upgrades the file from version i to i + 1.
MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5]


def file_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, path: str = "") -> int:
    """Bring ``conn`` up to SCHEMA_VERSION, one step per transaction."""
    version = file_version(conn)
    if version > SCHEMA_VERSION:
        raise DataError(f"{path}: written by a newer version of WeSemiBay Explorer "
                        f"(schema {version}, this program reads up to {SCHEMA_VERSION}); "
                        "it was left untouched")
    while version < SCHEMA_VERSION:
        step = MIGRATIONS[version]
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _split(step):
                try:
                    conn.execute(statement)
                except sqlite3.Warning as exc:  # Python 3.10's "one statement at a time"
                    raise sqlite3.ProgrammingError(str(exc)) from exc
            version += 1
            conn.execute(f"PRAGMA user_version = {version}")
            if version == 1:
                conn.execute(f"PRAGMA application_id = {APP_ID}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return version


def _split(script: str) -> list[str]:
    """Split a script into statements (sqlite3.complete_statement aware)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
