"""The expo document: one description of its sections, their tables, columns and JSON keys.

``wesemibay-db export --format json`` writes this document, ``import`` reads it back, and
``build`` writes the built-in expo from the seed through the same writer. All three take
what a record holds from here, so that a new column of a table is added in one place:

1. add the column to the schema (a migration step in ``db/schema.py``);
2. add a ``Column`` to its section below (its JSON type, how it is stored, a default, a
   reference, a length limit if ``db.text.field_limit`` does not know its name).

Export (``db.exporters``), the document check and writer (``db.importing.document``) and
the build (``db.build``) then carry it; ``tests/unit/test_tablespec.py`` shows a column
added this way going through build, export and import unchanged.

What a record holds besides its columns is **derived** (``DERIVED``): its sources (the
``cites`` table), its confidence label (``confidence``), its booths or occupants
(``booth_exhibitors``), an event's topics (``event_topics``), and, written only, the
``layout`` marker of booth codes and a supply row's licence. Tables that are not in the
document at all are listed in ``NOT_IN_DOCUMENT`` with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass

from .text import MAX_TEXT, field_limit

# 2: dates at their precision ("2014", "2025-10"), "layout" beside booth codes, confidence
# labels, source citations, per-row sources of supply_map. Zones' and halls' "names" (a
# name per language, v4 of the schema) are optional: a version-2 reader of an older
# program ignores nothing it needs, and documents without them import as before.
FORMAT_VERSION = 2
FORMAT = "wesemibay-expo"

# What a field of the document holds (the import checks it; null is allowed where the field
# is not required): a text within its limit, a 64-bit whole number, a finite number,
# true/false, a list of ids, a list of names, any JSON object, a confidence level, a name
# per language.
STR, INT, NUM, BOOL, IDS, STRS, JSON, LEVEL = ("str", "int", "num", "bool", "ids", "strs",
                                              "json", "level")
# A name in other languages: an object of language code ("de", "zh", "pt-BR") to a name.
NAMES = "names"
# How a column stores its field: as it is; JSON text (a list or an object; empty when null);
# 0/1; the first day of a reduced ISO date (its precision in the ``date_precision`` column,
# filled from the date); the ``images`` row of a picture named by its sha1; the expo's
# ``extra`` (every field of the expo object that no column holds).
AS_IS, AS_JSON, AS_BOOL, AS_DATE, AS_PRECISION, AS_IMAGE, AS_EXTRA = (
    "", "json", "bool", "date", "precision", "image", "extra")
INDEX = "#index"        # default: the record's position in its list (e.g. a zone's sort)


@dataclass(frozen=True)
class Column:
    """One column of a table, as the document holds it."""
    name: str                       # the table's column
    type: str = STR                 # what the document holds (STR, INT, …)
    key: str | None = None          # the document's key, where it differs from ``name``
    required: bool = False          # the import refuses a record without it
    default: object = None          # stored for a null (``INDEX``: the record's position)
    stored: str = AS_IS             # how it is stored (AS_JSON, AS_BOOL, …)
    ref: str | None = None          # the section whose keys it names (checked on import)
    exported: bool = True           # False: implied by the document (e.g. the order)
    max_len: int | None = None      # longest text; ``db.text.field_limit(key)`` otherwise

    @property
    def field(self) -> str:
        return self.key or self.name

    @property
    def limit(self) -> int:
        return self.max_len if self.max_len is not None else field_limit(self.field)


@dataclass(frozen=True)
class Derived:
    """A field of a record that is not one of its table's columns."""
    type: str | None                # what the import checks (None: read, never written)
    ref: str | None = None          # the section whose keys it names
    keys: tuple[str, ...] = ()      # the document's keys it fills (default: its own name)
    store: str = ""                 # where it is kept (the table, or "export only")


DERIVED: dict[str, Derived] = {
    "sources": Derived(IDS, None, (), "cites (kind, ref, source)"),
    "confidence": Derived(LEVEL, None, ("confidence", "confidence_basis"),
                          "confidence (kind, ref, level, basis)"),
    "booths": Derived(IDS, None, (), "booth_exhibitors (a booth not on the plan is added, "
                                      "unplaced)"),
    "exhibitors": Derived(IDS, "exhibitors", (), "booth_exhibitors"),
    "topics": Derived(IDS, "topics", (), "event_topics"),
    "layout": Derived(None, None, (), "export only: content.booth_layout of the expo"),
    "licence": Derived(None, None, (), "export only: the licences of the row's sources"),
}


@dataclass(frozen=True)
class Section:
    """A list of the document (``"exhibitors": [...]``) and the table it fills."""
    name: str                       # the document's key
    table: str
    key: str                        # the column that identifies a record
    columns: tuple[Column, ...]
    order: str                      # how export orders the records (SQL ORDER BY)
    kind: str                       # one record, in words and in ``cites``/``confidence``
    cited: bool = True              # its records cite sources (``cites`` kind = ``kind``)
    derived: tuple[str, ...] = ()   # DERIVED fields, in the order export writes them

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def key_field(self) -> str:
        return self.column(self.key).field

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns if c.required)

    @property
    def labelled(self) -> bool:
        return "confidence" in self.derived

    def types(self) -> dict[str, tuple[str, int | None]]:
        """Field -> (type, limit) that the import checks, in the order it checks them."""
        out = {c.field: (c.type, c.limit) for c in self.columns if c.stored != AS_EXTRA}
        for d in self.derived:
            spec = DERIVED[d]
            if spec.type in (IDS, STRS):
                out[d] = (spec.type, None)
        return out

    def refs(self) -> list[tuple[str, str]]:
        """(field, section) of every field that names records of another section."""
        out = [(c.field, c.ref) for c in self.columns if c.ref]
        out += [(d, DERIVED[d].ref) for d in self.derived if DERIVED[d].ref]
        return out


def _c(name, type_=STR, **kw) -> Column:
    return Column(name, type_, **kw)


_REQ = {"required": True}
_SOURCES = ("sources",)
_LABELLED = ("sources", "confidence")

# The expo document's lists, in the order a document holds them (``images`` stand after
# ``products``). Columns are in the order the import checks them; export writes a record's
# columns in its table's order, then its derived fields.
SECTIONS: dict[str, Section] = {s.name: s for s in (
    Section("zones", "zones", "slug", (
        _c("slug", **_REQ), _c("name", **_REQ), _c("name_zh"), _c("color", default="#cccccc"),
        _c("sort", INT, default=INDEX, exported=False), _c("names", NAMES, stored=AS_JSON)),
        order="sort", kind="zone", derived=_SOURCES),
    Section("halls", "halls", "slug", (
        _c("slug", **_REQ), _c("name", **_REQ), _c("level", INT, default=0),
        _c("x", NUM, **_REQ), _c("y", NUM, **_REQ), _c("w", NUM, **_REQ), _c("h", NUM, **_REQ),
        _c("zone", ref="zones"), _c("names", NAMES, stored=AS_JSON)),
        order="slug", kind="hall", cited=False, derived=("layout",)),
    Section("booths", "booths", "code", (
        _c("code", **_REQ), _c("hall", ref="halls"), _c("zone", ref="zones"),
        _c("x", NUM), _c("y", NUM), _c("w", NUM), _c("h", NUM),
        _c("placed", BOOL, default=1, stored=AS_BOOL)),
        order="code", kind="booth", cited=False, derived=("layout", "exhibitors")),
    Section("exhibitors", "exhibitors", "slug", (
        _c("slug", **_REQ), _c("name", **_REQ), _c("name_zh"), _c("name_zh_note"),
        _c("pinyin"), _c("aliases", STRS, stored=AS_JSON), _c("country"), _c("category"),
        _c("zone", ref="zones"), _c("summary")),
        order="slug", kind="exhibitor", derived=("sources", "confidence", "booths", "layout")),
    Section("organisations", "organisations", "slug", (
        _c("slug", **_REQ), _c("name", **_REQ), _c("name_zh"), _c("kind"), _c("summary")),
        order="slug", kind="organisation", derived=_LABELLED),
    Section("products", "products", "slug", (
        _c("slug", **_REQ), _c("exhibitor", ref="exhibitors", **_REQ), _c("name", **_REQ),
        _c("name_zh"), _c("name_zh_note"), _c("pinyin"), _c("tool_type"),
        _c("shown_at_expo", BOOL, stored=AS_BOOL), _c("summary"),
        _c("specs", JSON, stored=AS_JSON), _c("image", stored=AS_IMAGE)),
        order="slug", kind="product", derived=_LABELLED),
    Section("topics", "topics", "slug", (
        _c("slug", **_REQ), _c("title", **_REQ), _c("summary"), _c("side")),
        order="slug", kind="topic", derived=_LABELLED),
    Section("events", "events", "slug", (
        _c("slug", **_REQ), _c("date", stored=AS_DATE, **_REQ),
        _c("date_precision", stored=AS_PRECISION), _c("title", **_REQ), _c("summary"),
        _c("side", **_REQ)),
        order="date, slug", kind="event", derived=_LABELLED + ("topics",)),
    Section("people", "people", "slug", (
        _c("slug", **_REQ), _c("name", **_REQ), _c("name_zh"), _c("role"), _c("organisation"),
        _c("affiliation_text"), _c("note")),
        order="slug", kind="person", derived=_LABELLED),
    Section("quotes", "quotes", "id", (
        _c("id", **_REQ), _c("person", ref="people"), _c("text", **_REQ), _c("language"),
        _c("translation"), _c("translation_note"), _c("context")),
        order="id", kind="quote", derived=_LABELLED),
    Section("links", "links", "id", (
        _c("id", **_REQ), _c("from_kind", **_REQ), _c("from_slug", key="from", **_REQ),
        _c("to_kind", **_REQ), _c("to_slug", key="to", **_REQ), _c("reason", **_REQ)),
        order="id", kind="link", derived=_LABELLED),
    Section("supply_map", "supply_map", "tool_type", (
        _c("tool_type", **_REQ), _c("input_id"), _c("input_name"), _c("why")),
        order="tool_type", kind="supply", derived=("sources", "licence")),
    Section("sources", "sources", "id", (
        _c("id", **_REQ), _c("title", **_REQ), _c("publisher"), _c("author"),
        _c("date", stored=AS_DATE), _c("date_precision", stored=AS_PRECISION), _c("url"),
        _c("citations", STRS, stored=AS_JSON), _c("kind"), _c("licence"), _c("note")),
        order="id", kind="source", cited=False),
)}

# The "expo" object: one record of the ``expo`` table (its ``id`` is always 1). Fields no
# column holds are kept in ``extra`` and written back beside the columns.
EXPO = Section("expo", "expo", "slug", (
    _c("slug"), _c("name"), _c("name_zh"), _c("short_zh"), _c("edition", INT), _c("venue"),
    _c("city"), _c("start_date"), _c("days", INT), _c("summary"),
    _c("schematic", BOOL, default=0, stored=AS_BOOL),
    _c("synthetic", BOOL, default=0, stored=AS_BOOL),
    _c("extra", JSON, stored=AS_EXTRA, exported=False, max_len=MAX_TEXT)),
    order="id", kind="expo", derived=("layout", "sources", "confidence"))

# Pictures travel inside the document (base64), those that products show. ``mime``,
# ``width`` and ``height`` are written for readers; the import takes them (and makes the
# thumbnail) from the picture itself, which it checks whole (``db.images.store``).
IMAGES = Section("images", "images", "sha1", (
    _c("sha1", **_REQ), _c("mime"), _c("width", INT), _c("height", INT),
    _c("credit"), _c("data", stored="base64")),
    order="sha1", kind="picture", cited=False)
IMAGE_COMPUTED = ("mime", "width", "height")     # read from the picture, never from the file

# The document's keys, in order (after "format" and "format_version").
DOCUMENT_ORDER = ("expo", "zones", "halls", "booths", "exhibitors", "organisations", "products",
                  "images", "topics", "events", "people", "quotes", "links", "supply_map",
                  "sources")

# Columns and tables of the expo file that the document does not carry as fields, and why.
INTERNAL_COLUMNS = {
    ("expo", "id"): "always 1",
    ("images", "id"): "the row a product's image points to; the document names the sha1",
    ("images", "thumb"): "made again from the picture on import",
}
RELATIONS = {
    "cites": "sources",
    "confidence": "confidence",
    "booth_exhibitors": "booths",          # and booths[].exhibitors
    "event_topics": "topics",
}
NOT_IN_DOCUMENT = {
    "search": "the search index, rebuilt from the records",
    "import_state": "what the last import of each catalogue file left, to re-import quickly",
    "supply_inputs": "market context from the bundled ETO dataset (db/seed/eto), loaded by build",
    "supply_providers": "market context from the bundled ETO dataset, loaded by build",
    "supply_shares": "market context from the bundled ETO dataset, loaded by build",
}


def kind_word(section: Section) -> str:
    """One record of ``section`` in the import's summary ("exhibitor", "supply entry")."""
    return {"supply": "supply entry"}.get(section.kind, section.kind)


def limit_of(section: str, key: str) -> int:
    """The longest text the field ``key`` of a record of ``section`` takes."""
    sec = SECTIONS.get(section) or (EXPO if section == "expo" else None)
    if sec is not None:
        for c in sec.columns:
            if c.field == key:
                return c.limit
    return field_limit(key)
