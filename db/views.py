"""What the window shows of one record, read in one call with a handful of queries.

- ``exhibitor_view``: everything the detail panel shows of an exhibitor (its booths and
  zone, products, people and quotes, policy links with their targets, the sources of every
  record and the confidence labels), batched: at most seven queries whatever the number of
  products, quotes or links.
- ``product_view``: a product for the Products view.
- ``booth_view``: a booth without a named exhibitor.
- ``policy_target``: a topic or event for the Policy view.
- ``citations``: every source with the records that cite it (the Sources view).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .content import booth_layout
from .content import curated as _curated
from .expo import _json_value

SHOWN_PRODUCTS = 100          # products whose sources the detail panel shows
_PAIRS_PER_QUERY = 400        # (kind, ref) pairs in one statement (two parameters each)

Key = tuple[str, str]


@dataclass
class ExhibitorView:
    exhibitor: dict                       # the row, with aliases and booths as lists, zone_name
    products: list[dict]                  # by name
    people: list[dict]                    # by name, each with its "quotes" (by id)
    links: list[dict]                     # the exhibitor's, then each product's (see below)
    sources: dict[Key, list[dict]] = field(default_factory=dict)
    confidence: dict[Key, dict] = field(default_factory=dict)
    schematic: bool = False
    layout: str | None = None             # "schematic": the mark beside its booth codes

    @property
    def slug(self) -> str:
        return self.exhibitor["slug"]

    def sources_of(self, kind: str, ref) -> list[dict]:
        return self.sources.get((kind, str(ref)), [])

    def confidence_of(self, kind: str, ref) -> dict | None:
        """{"level": "high"|"medium"|"low", "basis": …} of a record, or None."""
        return self.confidence.get((kind, str(ref)))

    @property
    def tool_types(self) -> list[str]:
        """The tool types of its products, each once, in product order."""
        return list(dict.fromkeys(p["tool_type"] for p in self.products if p.get("tool_type")))


def _pairs_query(expo, sql: str, pairs: list[Key]) -> list[dict]:
    """Run ``sql`` (which reads a CTE ``wanted(kind, ref)``) for ``pairs``, in chunks."""
    out: list[dict] = []
    pairs = list(dict.fromkeys(pairs))
    for i in range(0, len(pairs), _PAIRS_PER_QUERY):
        chunk = pairs[i:i + _PAIRS_PER_QUERY]
        values = ",".join("(?, ?)" for _ in chunk)
        params = [v for pair in chunk for v in pair]
        out += expo._rows(f"WITH wanted(kind, ref) AS (VALUES {values}) {sql}", params)
    return out


def sources_for(expo, pairs: list[Key]) -> dict[Key, list[dict]]:
    """(kind, ref) -> its sources (by date, then id), for many records at once."""
    out: dict[Key, list[dict]] = {}
    for row in _pairs_query(expo, "SELECT c.kind AS cite_kind, c.ref AS cite_ref, s.* "
                                  "FROM wanted w JOIN cites c ON c.kind = w.kind AND "
                                  "c.ref = w.ref JOIN sources s ON s.id = c.source "
                                  "ORDER BY s.date, s.id", pairs):
        key = (row.pop("cite_kind"), row.pop("cite_ref"))
        out.setdefault(key, []).append(row)
    return out


def confidence_for(expo, pairs: list[Key]) -> dict[Key, dict]:
    """(kind, ref) -> {"level", "basis"} for many records at once (files of schema 3 on)."""
    if expo.version < 3:
        return {}
    return {(r["kind"], r["ref"]): {"level": r["level"], "basis": r["basis"]}
            for r in _pairs_query(expo, "SELECT c.kind, c.ref, c.level, c.basis FROM wanted w "
                                        "JOIN confidence c ON c.kind = w.kind AND c.ref = w.ref",
                                  pairs)}


def exhibitor_view(expo, slug: str) -> ExhibitorView | None:
    """Everything the detail panel shows of the exhibitor ``slug`` (None if there is none)."""
    rows = expo._rows(
        "SELECT e.*, z.name AS zone_name, (SELECT json_group_array(booth) FROM "
        "(SELECT booth FROM booth_exhibitors WHERE exhibitor = e.slug ORDER BY booth)) "
        "AS booth_list FROM exhibitors e LEFT JOIN zones z ON z.slug = e.zone "
        "WHERE e.slug = ?", (slug,))
    if not rows:
        return None
    ex = rows[0]
    ex["aliases"] = _json_value(ex.get("aliases"), list)
    ex["booths"] = [b for b in _json_value(ex.pop("booth_list", None), list)
                    if isinstance(b, str)]
    products = expo._rows("SELECT * FROM products WHERE exhibitor = ? ORDER BY name", (slug,))
    people = expo._rows("SELECT * FROM people WHERE organisation = ? ORDER BY name", (slug,))
    if people:
        quotes: dict[str, list[dict]] = {}
        for q in expo._rows("SELECT q.* FROM quotes q JOIN people p ON p.slug = q.person "
                            "WHERE p.organisation = ? ORDER BY q.id", (slug,)):
            quotes.setdefault(q["person"], []).append(q)
        for p in people:
            p["quotes"] = quotes.get(p["slug"], [])
    links = _links(expo, slug, products)
    shown = products[:SHOWN_PRODUCTS]
    pairs = [("exhibitor", slug)] + [("product", p["slug"]) for p in shown]
    pairs += [("booth", b) for b in ex["booths"]]     # a booth placed from a plan cites it
    pairs += [("quote", str(q["id"])) for p in people for q in p["quotes"]]
    for ln in links:
        pairs.append(("link", str(ln["id"])))
        if ln["target"] is not None and ln["target"].get("summary"):
            pairs.append((ln["to_kind"], ln["to_slug"]))
    meta = expo.meta()
    view = ExhibitorView(ex, products, people, links, schematic=bool(meta.get("schematic")),
                         layout=booth_layout(meta))
    view.sources = sources_for(expo, pairs)
    view.confidence = confidence_for(expo, pairs)
    return view


def _links(expo, slug: str, products: list[dict]) -> list[dict]:
    """The exhibitor's policy links, then each product's (in product order); within each,
    topics before events, events by date. Each link carries ``target`` (the topic's or
    event's title, date, date_precision and summary; None when the target is missing) and,
    for a link from
    a product, ``product_name``."""
    rows = expo._rows(
        "SELECT l.*, COALESCE(t.title, ev.title) AS target_title, ev.date AS target_date, "
        "ev.date_precision AS target_precision, "
        "COALESCE(t.summary, ev.summary) AS target_summary, "
        "(t.slug IS NOT NULL OR ev.slug IS NOT NULL) AS target_found FROM links l "
        "LEFT JOIN topics t ON l.to_kind = 'topic' AND t.slug = l.to_slug "
        "LEFT JOIN events ev ON l.to_kind = 'event' AND ev.slug = l.to_slug "
        "WHERE (l.from_kind = 'exhibitor' AND l.from_slug = ?) OR (l.from_kind = 'product' "
        "AND l.from_slug IN (SELECT slug FROM products WHERE exhibitor = ?))", (slug, slug))
    order = {p["slug"]: i for i, p in enumerate(products)}
    names = {p["slug"]: p["name"] for p in products}
    for r in rows:
        found = r.pop("target_found")
        title, date, summary = r.pop("target_title"), r.pop("target_date"), r.pop("target_summary")
        precision = r.pop("target_precision")
        r["target"] = {"title": title, "date": date, "date_precision": precision,
                       "summary": summary} if found else None
        r["product_name"] = names.get(r["from_slug"]) if r["from_kind"] == "product" else None
    rows.sort(key=lambda r: (
        -1 if r["from_kind"] == "exhibitor" else order.get(r["from_slug"], len(order)),
        r["to_kind"] == "event",
        (r["target"] or {}).get("date") is not None if r["to_kind"] == "event" else False,
        ((r["target"] or {}).get("date") or "") if r["to_kind"] == "event" else "",
        r["to_slug"]))
    return rows


@dataclass
class ProductView:
    product: dict                         # the row
    exhibitor_name: str | None            # None when its exhibitor is missing
    booths: list[str]                     # its exhibitor's booths
    country: str | None                   # its exhibitor's country code
    credit: str | None                    # its picture's credit
    sources: list[dict]
    confidence: dict | None = None        # {"level", "basis"}, None where unlabelled
    layout: str | None = None             # "schematic": the mark beside its booth codes


def product_view(expo, slug: str) -> ProductView | None:
    """A product as the Products view shows it (None if there is none)."""
    labelled = expo.version >= 3         # its confidence label, in the same statement
    rows = expo._rows(
        "SELECT p.*, e.name AS ex_name, e.country AS ex_country, i.credit AS image_credit, "
        + ("c.level AS conf_level, c.basis AS conf_basis, " if labelled else "") +
        "(SELECT json_group_array(booth) FROM (SELECT booth FROM booth_exhibitors "
        "WHERE exhibitor = p.exhibitor ORDER BY booth)) AS booth_list FROM products p "
        "LEFT JOIN exhibitors e ON e.slug = p.exhibitor LEFT JOIN images i ON i.id = p.image "
        + ("LEFT JOIN confidence c ON c.kind = 'product' AND c.ref = p.slug "
           if labelled else "") + "WHERE p.slug = ?", (slug,))
    if not rows:
        return None
    p = rows[0]
    booths = [b for b in _json_value(p.pop("booth_list"), list) if isinstance(b, str)]
    name, country, credit = p.pop("ex_name"), p.pop("ex_country"), p.pop("image_credit")
    level, basis = p.pop("conf_level", None), p.pop("conf_basis", None)
    return ProductView(p, name, booths, country, credit, expo.sources_of("product", slug),
                       {"level": level, "basis": basis} if level else None,
                       booth_layout(expo.meta()))


def booth_view(expo, code: str) -> dict | None:
    """A booth (its row, ``zone_name`` and ``sources``: e.g. the floor plan it was placed
    from), or None if there is no such booth."""
    rows = expo._rows("SELECT b.*, z.name AS zone_name FROM booths b "
                      "LEFT JOIN zones z ON z.slug = b.zone WHERE b.code = ?", (code,))
    if not rows:
        return None
    rows[0]["sources"] = expo.sources_of("booth", code)
    return rows[0]


@dataclass
class PolicyTarget:
    kind: str                          # "topic" or "event"
    slug: str
    record: dict
    sources: list[dict]
    linked: list[dict]                 # Expo.linked_exhibitors
    events: list[dict]                 # a topic's events (slug, date, precision, title)
    topics: list[dict]                 # an event's topics (slug, title), by title
    # (kind, ref) -> {"level", "basis"} of the record and of the links in ``linked``
    confidence: dict[Key, dict] = field(default_factory=dict)

    def confidence_of(self, kind: str, ref) -> dict | None:
        return self.confidence.get((kind, str(ref)))


def policy_target(expo, kind: str, slug: str) -> PolicyTarget | None:
    """A topic or event as the Policy view shows it (None if there is none)."""
    if kind not in ("topic", "event"):
        return None
    record = expo.record(kind, slug)
    if record is None:
        return None
    linked = expo.linked_exhibitors(kind, slug)
    pairs = [(kind, slug)] + [("link", str(r["link"])) for r in linked]
    return PolicyTarget(
        kind, slug, record, expo.sources_of(kind, slug), linked,
        expo.events_of_topic(slug) if kind == "topic" else [],
        expo.topics_of_event(slug) if kind == "event" else [],
        confidence_for(expo, pairs))


def curated(expo) -> bool:
    """Whether the expo labels the confidence of its records (the built-in expo): then an
    exhibitor without a booth is one that no source places."""
    return _curated(expo._conn)


# (kind in cites, table, key, column that names a record)
_TITLED = (("exhibitor", "exhibitors", "slug", "name"),
           ("organisation", "organisations", "slug", "name"),
           ("product", "products", "slug", "name"),
           ("topic", "topics", "slug", "title"),
           ("event", "events", "slug", "title"),
           ("person", "people", "slug", "name"),
           ("quote", "quotes", "id", "translation"),
           ("link", "links", "id", "reason"),
           ("expo", "expo", "slug", "name"),
           ("zone", "zones", "slug", "name"))


def citations(expo) -> list[tuple[dict, list[tuple[str, str, str]]]]:
    """Every source (undated last, then by date and title) with the records that cite it:
    (kind, ref, title of the record or its ref), by kind and ref."""
    titles: dict[Key, str] = {}
    for kind, table, key, col in _TITLED:         # only the cited records' titles
        for ref, title in expo._conn.execute(
                f"SELECT {key}, {col} FROM {table} WHERE {key} IN "
                "(SELECT ref FROM cites WHERE kind = ?)", (kind,)):
            titles[(kind, ref)] = title or ref
    cites: dict[str, list[Key]] = {}
    for kind, ref, src in expo._conn.execute("SELECT kind, ref, source FROM cites"):
        cites.setdefault(src, []).append((kind, ref))
    out = []
    for s in expo._rows("SELECT * FROM sources ORDER BY date IS NULL, date, title"):
        refs = sorted(cites.get(s["id"], []))
        out.append((s, [(kind, ref, titles.get((kind, ref), ref)) for kind, ref in refs]))
    return out

