"""Full-text search over an expo file.

One FTS5 table (``search``) indexes exhibitors, organisations, products,
topics, events, people and quotes. The unicode61 tokenizer splits words; CJK
text is indexed one character per token, so a Chinese substring such as
``原子层`` is found as a phrase of single characters anywhere in a name.

User input never reaches FTS5's query language: ``build_query`` keeps only
letters and digits, quotes every term and joins them with AND, so quotes,
``*``, ``NEAR(``, ``AND``, brackets or SQL fragments are just text.

Zero-width characters and bidi controls are invisible: they are dropped from the
indexed text and from what the user types (``db.text.search_fold``), so a name with
a zero-width space inside a word is found by typing the word, and the other way round.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

from .dates import iso_date
from .text import search_clean, search_fold

# CJK Unified Ideographs (+ extension A, compatibility), kana, hangul.
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_CJK_RE = re.compile(f"([{_CJK}])")
_TERM_RE = re.compile(f"[{_CJK}]+|[^\\W_]+", re.UNICODE)
_IS_CJK = re.compile(f"[{_CJK}]")

KIND_ORDER = ("exhibitor", "product", "organisation", "topic", "event", "person", "quote")
KIND_LABEL = {
    "exhibitor": "Exhibitors", "product": "Products", "organisation": "Organisations",
    "topic": "Topics", "event": "Events", "person": "People", "quote": "Quotes",
}
CANDIDATES = 2000  # (kept for callers) upper bound of candidates ranked per search
NAME_CANDIDATES = 200   # matches in names, taken in index order (no ranking function)
BODY_CANDIDATES = 300   # matches anywhere; fewer than this means the set is complete


def index_text(*parts: str | None) -> str:
    """Text as it goes into the index: CJK characters become separate tokens (a space on
    each side); zero-width characters and bidi controls are dropped (they would split a
    word in two).

    Part by part it gives the same: ``index_text(a, b) == index_text(a) + " " +
    index_text(b)`` for non-empty parts (nothing is dropped or spaced across the joining
    space), so a part that repeats (an exhibitor's name on each of its products, a tool
    type's words) can be turned once and joined."""
    text = " ".join(p for p in parts if p)
    if text.isascii():
        return text
    # Splitting at each CJK character (kept by the group) and joining with spaces puts one
    # space on each side of it, in C: "ab中文c" -> ["ab", "中", "", "文", "c"] -> "ab 中  文 c".
    return " ".join(_CJK_CHAR.split(search_clean(text)))


_CJK_CHAR = re.compile(f"([{_CJK}])")


def index_part(text: str) -> str:
    """``index_text`` of one non-empty part (the same result, without joining)."""
    if text.isascii():
        return text
    return " ".join(_CJK_CHAR.split(search_clean(text)))


def _fold(term: str) -> str:
    return search_fold(term)


def build_query(text: str, prefix: bool = True) -> str | None:
    """Turn what the user typed into a safe FTS5 MATCH expression, or None.

    Every term is quoted; CJK runs become phrases of single characters; the last
    Latin term gets a prefix star (search as you type). A term given twice is asked
    once: the AND is the same, and a pasted text repeating a common word would
    otherwise cost FTS5 time that grows with the square of the repeats.
    """
    terms = _TERM_RE.findall(_fold(text or ""))
    if not terms:
        return None
    parts: dict[str, None] = {}
    for i, term in enumerate(terms):
        if _IS_CJK.match(term):
            parts['"' + " ".join(term) + '"'] = None
        else:
            star = "*" if prefix and i == len(terms) - 1 else ""
            parts[f'"{term}"{star}'] = None
    return " AND ".join(parts)


def query_terms(text: str) -> list[str]:
    """The words search matches for ``text`` (folded), e.g. to mark them in the hits."""
    return [t for t in _TERM_RE.findall(_fold(text or "")) if t]


@dataclass
class Hit:
    kind: str
    id: str
    title: str
    subtitle: str = ""
    score: float = 0.0
    booths: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "id": self.id, "title": self.title,
                "subtitle": self.subtitle, "score": round(self.score, 4), "booths": self.booths}


class Hits(list):
    """The hits shown (a list of ``Hit``) and how many there are: ``total`` matches
    (at most ``COUNT_CAP``; ``more`` is True when there are more than that)."""
    total: int = 0
    more: bool = False

    @property
    def cut(self) -> bool:
        """True when fewer hits are shown than there are."""
        return self.more or self.total > len(self)


COUNT_CAP = 1000   # matches counted at most ("1,000+"): cheap at a million products


def search(conn: sqlite3.Connection, text: str, limit: int = 50,
           kinds: tuple[str, ...] | None = None, candidates: int | None = None) -> Hits:
    """Ranked hits for ``text`` (with ``total``: how many match); never raises for any
    input string. ``candidates`` raises the bounds below (to show all hits up to
    ``COUNT_CAP``).

    Ranking everything that matches costs seconds at a million products, so two
    bounded candidate sets are taken in index order (names first, then any
    field), which needs no ranking function, and ranked here: exact name or id,
    then names that start with the text, then names that contain every word,
    then the rest. Only when the set of matches is small and complete is bm25
    asked to order it (cheap for few matches). Kinds other than products are
    indexed first, so they are always among the candidates.

    A word being typed that is still shorter than ``MIN_PREFIX`` letters is not
    expanded as a prefix (``p*`` would gather every word starting with p: up to
    a second at a million products): alone, it finds exhibitor names and booth
    codes that start with it and the word itself; after other words, hits with
    a word starting with it rank first.
    """
    terms = query_terms(text)
    prefer = None
    short: str | None = None
    if terms and not _IS_CJK.match(terms[-1]) and len(terms[-1]) < MIN_PREFIX \
            and not _small_index(conn):
        if len(terms) == 1:
            short = terms[0]
            query = build_query(short, prefix=False)
        else:
            prefer = terms[-1]
            query = build_query(" ".join(terms[:-1]), prefix=False)
    else:
        query = build_query(text)
    if query is None:
        return Hits()
    name_n = max(NAME_CANDIDATES, candidates or 0)
    body_n = max(BODY_CANDIDATES, candidates or 0)
    try:
        named = conn.execute("SELECT rowid, kind, ref, label FROM search WHERE search MATCH ? "
                             "LIMIT ?", (f"{{title}} : ({query})", name_n)).fetchall()
        anywhere = conn.execute("SELECT rowid, kind, ref, label FROM search WHERE search MATCH ? "
                                "LIMIT ?", (query, body_n)).fetchall()
        complete = len(anywhere) < body_n
        bm25: dict[int, float] = {}
        if complete and len(anywhere) < BODY_CANDIDATES:  # complete and small: rank it properly
            bm25 = dict(conn.execute(
                "SELECT rowid, bm25(search, 0, 0, 0, 8.0, 1.0) FROM search "
                "WHERE search MATCH ?", (query,)).fetchall())
        if short:
            named = _short_prefix_rows(conn, short) + named
        counted = None
        if not complete:        # how many match in all (unranked: cheap), up to the cap
            sql = "SELECT 1 FROM search WHERE search MATCH ?"
            args: list = [query]
            if kinds:
                sql += f" AND kind IN ({','.join('?' * len(kinds))})"
                args += list(kinds)
            counted = conn.execute(f"SELECT count(*) FROM ({sql} LIMIT ?)",
                                   (*args, COUNT_CAP + 1)).fetchone()[0]
    except sqlite3.OperationalError:
        return Hits()  # defensive (or interrupted): build_query makes bad syntax unreachable
    folded = _fold(text.strip())
    in_name = {r[0] for r in named}
    # by record, not by row: the short-word rows (negative rowids) name exhibitors that
    # the index rows may name again, and one exhibitor can match by name and by booth
    seen: set[tuple[str, str]] = set()
    scored = []
    for rowid, kind, ref, title in named + anywhere:
        if (kind, ref) in seen or (kinds and kind not in kinds):
            continue
        seen.add((kind, ref))
        name = title.split(" | ")[0]
        fname = _fold(name)
        if fname == folded or ref == folded:
            tier = 0          # exact name or id first
        elif fname.startswith(folded) or (prefer and _has_word_prefix(fname, prefer)):
            tier = 1
        elif rowid in in_name:
            tier = 2
        else:
            tier = 3
        rank = bm25.get(rowid, 0.0)
        order = KIND_ORDER.index(kind) if kind in KIND_ORDER else 99
        scored.append(((tier, rank, order, len(name), rowid),
                       Hit(kind, ref, name, _subtitle(title), tier * 100.0 + rank)))
    scored.sort(key=lambda s: s[0])
    hits = Hits(h for _key, h in scored[:limit])
    total = len(scored) if counted is None else max(len(scored), counted)
    hits.more = total > COUNT_CAP
    hits.total = min(total, COUNT_CAP)
    _attach_booths(conn, hits)
    return hits


MIN_PREFIX = 3   # letters before the word being typed is matched as a prefix
SMALL_INDEX = 20_000  # up to this many indexed records, even "e" is expanded as a prefix


def _small_index(conn: sqlite3.Connection) -> bool:
    """True for an expo small enough that a one-letter prefix costs nothing (the built-in
    one): there the short-word rule would only hide hits. Its size is read from the largest
    rowids (products' entries after ``PRODUCT_ENTRY_BASE``, the others before it), which
    answer in under a millisecond even at a million products."""
    row = conn.execute("SELECT rowid FROM search ORDER BY rowid DESC LIMIT 1").fetchone()
    if row is None:
        return True
    n = row[0]
    if n > PRODUCT_ENTRY_BASE:
        low = conn.execute("SELECT rowid FROM search WHERE rowid < ? ORDER BY rowid DESC "
                           "LIMIT 1", (PRODUCT_ENTRY_BASE,)).fetchone()
        n += (low[0] if low else 0) - PRODUCT_ENTRY_BASE
    return n <= SMALL_INDEX


def _has_word_prefix(name: str, prefix: str) -> bool:
    return any(w.startswith(prefix) for w in _TERM_RE.findall(name))


def _short_prefix_rows(conn: sqlite3.Connection, prefix: str) -> list[tuple]:
    """Exhibitors whose name starts with ``prefix``, and those at booths whose code does.

    Returned as search rows (rowid, kind, ref, label) with negative rowids, so they
    never collide with index rows. Cheap: an index range for booth codes, a scan
    that stops after a few dozen names for exhibitors.
    """
    out = []
    like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    for i, (slug, name, zh, py) in enumerate(conn.execute(
            "SELECT slug, name, name_zh, pinyin FROM exhibitors WHERE name LIKE ? ESCAPE '\\' "
            "OR pinyin LIKE ? ESCAPE '\\' LIMIT 30", (like, like))):
        out.append((-1 - i, "exhibitor", slug, title_field(name, zh, py)))
    upper = prefix.upper()
    for j, (slug, name, zh, py) in enumerate(conn.execute(
            "SELECT DISTINCT e.slug, e.name, e.name_zh, e.pinyin FROM booths b "
            "JOIN booth_exhibitors be ON be.booth = b.code JOIN exhibitors e ON e.slug = be.exhibitor "
            "WHERE b.code >= ? AND b.code < ? LIMIT 20", (upper, upper + "\uffff"))):
        out.append((-1000 - j, "exhibitor", slug, title_field(name, zh, py)))
    return out


def _subtitle(title: str) -> str:
    parts = title.split(" | ")[1:]
    return " · ".join(p for p in parts if p)


def _attach_booths(conn: sqlite3.Connection, hits: list[Hit]) -> None:
    for hit in hits:
        if hit.kind == "exhibitor":
            ex = hit.id
        elif hit.kind == "product":
            row = conn.execute("SELECT exhibitor FROM products WHERE slug = ?", (hit.id,)).fetchone()
            ex = row[0] if row else None
        else:
            ex = None
        if ex:
            hit.booths = [r[0] for r in conn.execute(
                "SELECT booth FROM booth_exhibitors WHERE exhibitor = ? ORDER BY booth", (ex,))]


def grouped(hits: list[Hit]) -> list[tuple[str, list[Hit]]]:
    """Hits grouped by kind, groups in the order of their best hit."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.kind, []).append(hit)
    return list(groups.items())


def title_field(*names: str | None) -> str:
    """Title column: the display name first, then other names, joined by ' | '."""
    seen, out = set(), []
    for n in names:
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return " | ".join(out)


def rebuild_index(conn: sqlite3.Connection) -> None:
    """Rebuild the whole search index from the tables (inside the caller's transaction).

    Entries other than products come first (rowids from 1); products follow in the order of
    the products table, each product's entry at the rowid ``PRODUCT_ENTRY_BASE +
    products.rowid`` (see ``product_layout``), so that a changed product's entry is found
    without a scan. A first import lays its entries out the same way, so a rebuilt index
    and an imported one answer alike."""
    _clear_index(conn)
    sql = "INSERT INTO search(kind, ref, label, title, body) VALUES (?, ?, ?, ?, ?)"

    def ins(kind, ref, label, body):
        conn.execute(sql, (kind, ref, label, index_text(label), body))

    booths: dict[str, list[str]] = {}
    for booth, slug in conn.execute("SELECT booth, exhibitor FROM booth_exhibitors "
                                    "ORDER BY exhibitor, booth"):
        booths.setdefault(slug, []).append(booth)
    conn.executemany(sql, (
        exhibitor_index_row(slug, name, zh, py, aliases, country, category,
                            " ".join(booths.get(slug, ())), summary)
        for slug, name, zh, py, aliases, country, category, summary in conn.execute(
            "SELECT slug, name, name_zh, pinyin, aliases, country, category, summary "
            "FROM exhibitors").fetchall()))
    for slug, name, zh, kind, summary in conn.execute(
            "SELECT slug, name, name_zh, kind, summary FROM organisations"):
        ins("organisation", slug, title_field(name, zh), index_text(kind, summary))
    for slug, title, summary in conn.execute("SELECT slug, title, summary FROM topics"):
        ins("topic", slug, title_field(title), index_text(summary, slug))
    for slug, date, prec, title, summary in conn.execute(
            "SELECT slug, date, date_precision, title, summary FROM events"):
        ins("event", slug, title_field(title, iso_date(date, prec)), index_text(summary))
    for slug, name, zh, role, aff in conn.execute(
            "SELECT slug, name, name_zh, role, affiliation_text FROM people"):
        ins("person", slug, title_field(name, zh, aff), index_text(role))
    for qid, pname, text, translation in conn.execute(
            "SELECT q.id, p.name, q.text, q.translation FROM quotes q "
            "LEFT JOIN people p ON p.slug = q.person"):
        short = (translation or text)[:80]
        ins("quote", qid, title_field(short, pname), index_text(text, translation))
    # Products last: they are the bulk (up to millions), and search takes its bounded
    # candidate set in index order, so the few exhibitors, topics and events come first.
    conn.executemany("INSERT INTO search(rowid, kind, ref, label, title, body) "
                     "VALUES (?, ?, ?, ?, ?, ?)",
                     ((PRODUCT_ENTRY_BASE + r[0],) + product_index_row(*r[1:])
                      for r in conn.execute(
                          "SELECT p.rowid, p.slug, p.name, p.name_zh, p.pinyin, p.tool_type, "
                          "p.summary, e.name FROM products p LEFT JOIN exhibitors e "
                          "ON e.slug = p.exhibitor ORDER BY p.rowid")))


def _clear_index(conn: sqlite3.Connection) -> None:
    """Empty the search index. Dropping and making the table again (with the very statement
    that made it) costs nothing, where ``DELETE FROM search`` reads every entry back to
    take its words out of the index (most of a rebuild's time at a million products)."""
    row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'search' "
                       "AND type = 'table'").fetchone()
    if row is None or not row[0]:
        conn.execute("DELETE FROM search")
        return
    conn.execute("DROP TABLE search")
    conn.execute(row[0])


# Spelled-out names of tool-type codes, so that "atomic layer" finds ALD tools.
TOOL_WORDS = {
    "ald": "ALD atomic layer deposition 原子层沉积",
    "cvd": "CVD chemical vapor deposition 化学气相沉积",
    "pvd": "PVD physical vapor deposition 物理气相沉积",
    "epitaxy": "epitaxy epitaxial 外延",
    "etch": "etch etching 刻蚀",
    "pneumatic": "pneumatic compressed air 气动",
}


def _tool_words(tool: str | None) -> str | None:
    return TOOL_WORDS.get((tool or "").lower())


def _pinyin_forms(p: str | None) -> str | None:
    return f"{p} {p.replace(' ', '')}" if p else None


def product_index_row(slug, name, zh, py, tool, summary, exname) -> tuple:
    """The search row of one product: (kind, ref, label, title, body), as rebuild_index makes it."""
    label = title_field(name, zh, exname)
    return ("product", slug, label, index_text(label),
            index_text(_pinyin_forms(py), tool, _tool_words(tool), summary))


def exhibitor_index_row(slug, name, zh, py, aliases, country, category, booths, summary) -> tuple:
    """The search row of one exhibitor (``booths``: codes joined by spaces)."""
    label = title_field(name, zh, py)
    return ("exhibitor", slug, label, index_text(label),
            index_text(_pinyin_forms(py), aliases, country, category, booths, summary, slug))


# ------------------------------------------------------------- entries changed in place
# In an index made by ``rebuild_index`` or a first import of a catalogue, a product's entry
# has the rowid PRODUCT_ENTRY_BASE + products.rowid and every other entry a smaller one; an
# index made by an older version may be numbered from 1. Either way a record's entry keeps
# its rowid when it is replaced, so the order of the index (what ``search`` takes first) is
# kept.
PRODUCT_ENTRY_BASE = 1 << 24
_ENTRY_INSERT = "INSERT INTO search(rowid, kind, ref, label, title, body) VALUES (?,?,?,?,?,?)"


def product_layout(conn: sqlite3.Connection) -> bool:
    """True when products' entries sit at ``PRODUCT_ENTRY_BASE + products.rowid``."""
    row = conn.execute("SELECT rowid FROM search ORDER BY rowid DESC LIMIT 1").fetchone()
    return row is not None and row[0] > PRODUCT_ENTRY_BASE


def index_size(conn: sqlite3.Connection) -> int:
    """How many entries the index holds (from the tables it indexes: no scan of it)."""
    n = 0
    for table in ("exhibitors", "products", "organisations", "topics", "events", "people",
                  "quotes"):
        n += conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return n


def _refs_table(conn: sqlite3.Connection, refs) -> None:
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS index_refs(ref TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM temp.index_refs")
    conn.executemany("INSERT OR IGNORE INTO temp.index_refs VALUES (?)", ((r,) for r in refs))


def _entry_rowids(conn: sqlite3.Connection, kind: str, large: bool) -> dict[str, int]:
    """rowid of the entry of each record of ``kind`` named in temp.index_refs."""
    found: dict[str, int] = {}
    if kind == "product" and large:
        # Where the layout says it is; checked (a file made otherwise falls through).
        for rowid, ref in conn.execute(
                "SELECT s.rowid, s.ref FROM temp.index_refs r JOIN products p ON p.slug = r.ref "
                "JOIN search s ON s.rowid = p.rowid + ?", (PRODUCT_ENTRY_BASE,)):
            found[ref] = rowid
        n = conn.execute("SELECT count(*) FROM temp.index_refs").fetchone()[0]
        if len(found) == n:
            return found
    sql = ("SELECT rowid, ref FROM search WHERE kind = ? AND ref IN "
           "(SELECT ref FROM temp.index_refs)")
    args: tuple = (kind,)
    if kind != "product" and large:
        sql += " AND rowid < ?"          # the few entries before the products
        args += (PRODUCT_ENTRY_BASE,)
    for rowid, ref in conn.execute(sql, args):
        found.setdefault(ref, rowid)
    return found


def product_entries(conn: sqlite3.Connection) -> list[tuple]:
    """(products.rowid, kind, ref, label, title, body) of the products in temp.index_refs,
    from the tables, as ``rebuild_index`` makes them."""
    return [(r[0],) + product_index_row(*r[1:]) for r in conn.execute(
        "SELECT p.rowid, p.slug, p.name, p.name_zh, p.pinyin, p.tool_type, p.summary, e.name "
        # CROSS JOIN: the few refs first, each product by its key (not a scan of products)
        "FROM temp.index_refs r CROSS JOIN products p ON p.slug = r.ref "
        "LEFT JOIN exhibitors e ON e.slug = p.exhibitor ORDER BY p.rowid")]


def exhibitor_entries(conn: sqlite3.Connection) -> list[tuple]:
    """(None, kind, ref, label, title, body) of the exhibitors in temp.index_refs."""
    booths: dict[str, list[str]] = {}
    for booth, slug in conn.execute(
            "SELECT be.booth, be.exhibitor FROM temp.index_refs r JOIN booth_exhibitors be "
            "ON be.exhibitor = r.ref ORDER BY be.exhibitor, be.booth"):
        booths.setdefault(slug, []).append(booth)
    return [(None,) + exhibitor_index_row(slug, name, zh, py, aliases, country, category,
                                          " ".join(booths.get(slug, ())), summary)
            for slug, name, zh, py, aliases, country, category, summary in conn.execute(
                "SELECT e.slug, e.name, e.name_zh, e.pinyin, e.aliases, e.country, e.category, "
                "e.summary FROM temp.index_refs r CROSS JOIN exhibitors e ON e.slug = r.ref "
                "ORDER BY e.rowid")]


def update_entries(conn: sqlite3.Connection, kind: str, refs) -> int:
    """Write the entries of these exhibitors or products (``kind``) again from the tables,
    each in place of its old entry (same rowid); a record without one gets a new entry
    (a product after the others, an exhibitor before the products). The number written.

    The rest of the index is not touched: this is how an import updates what it changed
    (``rebuild_index`` rewrites everything)."""
    refs = list(refs)
    if not refs:
        return 0
    large = product_layout(conn)
    _refs_table(conn, refs)
    entries = product_entries(conn) if kind == "product" else exhibitor_entries(conn)
    old = _entry_rowids(conn, kind, large)
    if old:
        conn.executemany("DELETE FROM search WHERE rowid = ?", ((r,) for r in old.values()))
    # A new entry: in a large index, a product's by the layout, any other after the last
    # entry before the products; else after the last entry (rowid None: SQLite's max + 1).
    nxt = None
    if large and kind != "product":
        row = conn.execute("SELECT rowid FROM search WHERE rowid < ? ORDER BY rowid DESC "
                           "LIMIT 1", (PRODUCT_ENTRY_BASE,)).fetchone()
        nxt = (row[0] if row else 0) + 1
    for entry in entries:
        rowid = old.get(entry[2])
        if rowid is None:
            if kind == "product" and large:
                rowid = PRODUCT_ENTRY_BASE + entry[0]
            elif nxt is not None and nxt < PRODUCT_ENTRY_BASE:
                rowid = nxt
                nxt += 1
        conn.execute(_ENTRY_INSERT, (rowid,) + entry[1:])
    conn.execute("DELETE FROM temp.index_refs")
    return len(entries)
