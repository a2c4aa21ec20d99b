"""Finding the entries an exhibitor's names match, fast.

Two indexes answer the same three questions (names with this exact key, with this normalised
key, and candidates for a fuzzy match): ``MemoryIndex`` holds a whole list in dictionaries
(for screening a whole expo: 30,000 exhibitors against 26,000 entries in seconds);
``SqlIndex`` asks the store's indexed tables (for a few exhibitors: a badge, a plan).

Fuzzy candidates are found without comparing every pair: a Jaccard similarity of at least
``t`` needs the other name to have between ``t·|A|`` and ``|A|/t`` distinctive words and to
share at least one of the ``|A| - ceil(t·|A|) + 1`` rarest words of ``A`` (prefix filtering);
names whose distinctive words are the same once joined are found by their joined form.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from .names import FUZZY_MIN, KIND_RANK, Name, compare, status_of

# One name of an entry as an index holds it: (entry id, name, may be matched fuzzily).
Cand = tuple[int, Name, bool]


def _size_range(n: int) -> range:
    return range(max(1, math.ceil(FUZZY_MIN * n - 1e-9)), math.floor(n / FUZZY_MIN + 1e-9) + 1)


class MemoryIndex:
    def __init__(self, rows):
        self.exact: dict[str, list[Cand]] = {}
        self.norm: dict[str, list[Cand]] = {}
        self.tokens: dict[tuple[str, int], list[Cand]] = {}
        self.compact: dict[str, list[Cand]] = {}
        self.freq: dict[str, int] = {}
        for entry, name, fuzzy_ok in rows:
            cand = (entry, name, fuzzy_ok)
            self.exact.setdefault(name.exact, []).append(cand)
            if name.norm:
                self.norm.setdefault(name.norm, []).append(cand)
            if fuzzy_ok and name.tokens:
                size = len(name.tokens)
                for t in name.tokens:
                    self.tokens.setdefault((t, size), []).append(cand)
                    self.freq[t] = self.freq.get(t, 0) + 1
                self.compact.setdefault(name.compact, []).append(cand)

    def candidates(self, ex: Name) -> list[Cand]:
        out = list(self.exact.get(ex.exact, ()))
        if ex.norm:
            out += self.norm.get(ex.norm, ())
        if ex.tokens:
            out += self.compact.get(ex.compact, ())
            n = len(ex.tokens)
            prefix = n - math.ceil(FUZZY_MIN * n - 1e-9) + 1
            rare = sorted(ex.tokens, key=lambda t: (self.freq.get(t, 0), t))[:prefix]
            for size in _size_range(n):
                for t in rare:
                    out += self.tokens.get((t, size), ())
        return out


class SqlIndex:
    """The same lookups as ``MemoryIndex``, asked of the store's tables (few exhibitors).

    ``prefetch(names)`` reads the candidates of all of one exhibitor's names in one statement
    (a badge costs one query, not four per name); ``candidates`` then picks each name's
    from them by the same rules as the queries it would otherwise run.
    """

    _SELECT = ("SELECT n.entry, n.field, n.role, n.text, n.exact, n.norm, n.tokens, n.compact, "
               "e.fuzzy FROM names n JOIN entries e ON e.id = n.entry WHERE ")

    def __init__(self, conn):
        self.conn = conn
        self._fetched: list[Cand] | None = None

    def _rows(self, where: str, params) -> list[Cand]:
        return [(entry, Name(f, r, t, x, nm, frozenset(tk.split()), c), bool(fz))
                for entry, f, r, t, x, nm, tk, c, fz in
                self.conn.execute(self._SELECT + where, params)]

    def prefetch(self, names: list[Name]) -> None:
        exact = sorted({n.exact for n in names})
        norm = sorted({n.norm for n in names if n.norm})
        compact = sorted({n.compact for n in names if n.tokens})
        tokens = sorted({t for n in names for t in n.tokens})

        def marks(values) -> str:
            return ",".join("?" * len(values))
        where = [f"n.exact IN ({marks(exact)})"]
        if norm:
            where.append(f"n.norm IN ({marks(norm)})")
        if compact:
            where.append(f"(e.fuzzy AND n.compact IN ({marks(compact)}))")
        if tokens:
            where.append(f"(e.fuzzy AND n.id IN (SELECT name FROM name_tokens WHERE token IN "
                         f"({marks(tokens)})))")
        self._fetched = self._rows(" OR ".join(where), exact + norm + compact + tokens)

    def candidates(self, ex: Name) -> list[Cand]:
        if self._fetched is not None:
            sizes = _size_range(len(ex.tokens)) if ex.tokens else range(0)
            return [c for c in self._fetched
                    if c[1].exact == ex.exact or (ex.norm and c[1].norm == ex.norm)
                    or (ex.tokens and c[2] and (c[1].compact == ex.compact or (
                        len(c[1].tokens) in sizes and c[1].tokens & ex.tokens)))]
        out = self._rows("n.exact = ?", (ex.exact,))
        if ex.norm:
            out += self._rows("n.norm = ?", (ex.norm,))
        if ex.tokens:
            out += self._rows("n.compact = ? AND e.fuzzy", (ex.compact,))
            sizes = _size_range(len(ex.tokens))
            for t in sorted(ex.tokens):
                out += self._rows(
                    "n.id IN (SELECT name FROM name_tokens WHERE token = ? AND size BETWEEN ? "
                    "AND ?) AND e.fuzzy", (t, sizes.start, sizes.stop - 1))
        return out


@dataclass
class Found:
    """An entry one exhibitor's names match, with the strongest way they do."""
    entry: int
    kind: str
    score: float
    status: str
    pairs: list[dict] = field(default_factory=list)

    def rank(self) -> tuple:
        return (self.status != "match", KIND_RANK[self.kind], -self.score)


def match_exhibitor(index, names: list[Name]) -> list[Found]:
    """Every entry that one of ``names`` matches, strongest first."""
    found: dict[int, Found] = {}
    done: set[tuple[int, str, str]] = set()
    if names and hasattr(index, "prefetch"):
        index.prefetch(names)
    for ex in names:
        for entry, en, fuzzy_ok in index.candidates(ex):
            key = (entry, ex.exact, en.exact + "\x00" + en.role)
            if key in done:
                continue
            done.add(key)
            got = compare(ex, en, fuzzy_ok)
            if got is None:
                continue
            kind, score = got
            status = status_of(kind, ex)
            pair = {"exhibitor_field": ex.field, "exhibitor_text": ex.text,
                    "entry_field": en.field, "entry_text": en.text, "kind": kind,
                    "score": score}
            cur = Found(entry, kind, score, status, [pair])
            old = found.get(entry)
            if old is None:
                found[entry] = cur
                continue
            old.pairs.append(pair)
            if cur.rank() < old.rank():
                old.kind, old.score, old.status = kind, score, status
    out = sorted(found.values(), key=lambda f: (f.rank(), f.entry))
    for f in out:
        f.pairs.sort(key=lambda p: (KIND_RANK[p["kind"]], -p["score"]))
        del f.pairs[5:]
    return out
