"""Booth codes from a page's characters.

Characters become lines (same direction, size and baseline, in content order),
lines become tokens (split at spaces). Size labels ("3 X 3 X 9", "10x10",
"18 m²") and prices are taken out before tokens are read; a token is a code
candidate when it has the shape of a booth code or is in the expo's vocabulary.
Codes printed edge to edge ("A2601A2602…") are split again by where their
characters fall, by the vocabulary, or by their repeated shape.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .extract import Char

_SIZE_LABEL = re.compile(
    r"(?i)(?<![A-Z0-9])\d+(?:[.,]\d+)?\s*(?:m|ft|')?\s*[x×*]\s*\d+(?:[.,]\d+)?\s*(?:m|ft|')?"
    r"(?:\s*[x×*=]\s*\d+(?:[.,]\d+)?\s*(?:m²|m2|sqm|sq\.?\s?ft|sf)?)?(?![A-Z0-9])"
    r"|(?<![A-Z0-9])\d+(?:[.,]\d+)?\s*(?:m²|m2|sqm|sq\.?\s?m|sq\.?\s?ft|sf|㎡|平方米)"
)
_PRICE = re.compile(r"(?i)[$€£¥]\s*\d[\d,.]*(?:\s*[km])?|\d[\d,.]*\s*(?:usd|eur|rmb|cny|元|€)")
_CODE = re.compile(r"^(?=[A-Z0-9.\-/]*\d)[A-Z0-9][A-Z0-9.\-/]{0,11}$")
_TIME = re.compile(r"^\d{1,2}[:.]\d{2}$|^\d+[.,]\d+$|^\d{1,3}(,\d{3})+$")
_MERGED = re.compile(r"^(?:[A-Z]{1,3}-?\d{2,5}){2,}$")
_UNIT = re.compile(r"[A-Z]{1,3}-?\d{2,5}")
_DOOR_WORDS = re.compile(r"(?i)^(entrance|entry|exit|door|gate|eingang|ausgang|tor|入口|出口|"
                         r"大门|entrée|sortie)$")


def norm(code: str) -> str:
    """The comparable form of a code: upper case, no spaces."""
    return re.sub(r"\s+", "", code).upper()


def loose(code: str) -> str:
    """A looser form for matching a plan's code to a listed one ("A-101" ~ "A101")."""
    return re.sub(r"[\s\-./]", "", code).upper()


def signature(code: str) -> str:
    """The code's shape: letters as A, digits as 9 ("A2601" -> "A9999")."""
    return re.sub(r"[A-Z]", "A", re.sub(r"\d", "9", code.upper()))


@dataclass
class Token:
    text: str                 # as read (upper case, trailing punctuation dropped)
    chars: list[Char]
    line: int                 # line it belongs to
    line_words: int = 0       # alphabetic words (3+ letters) on the same line
    x0: float = 0.0
    y0: float = 0.0
    x1: float = 0.0
    y1: float = 0.0
    size: float = 0.0
    code: str = ""            # the vocabulary's spelling, or ``text``
    in_list: bool = False     # in the expo's vocabulary
    from_merge: bool = False  # split out of a longer token
    kind: str = ""            # "code" or "" (other text)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)


def _bbox(chars: list[Char]) -> tuple[float, float, float, float]:
    return (min(c.x0 for c in chars), min(c.y0 for c in chars),
            max(c.x1 for c in chars), max(c.y1 for c in chars))


@dataclass
class Line:
    chars: list[Char | None] = field(default_factory=list)   # None: a space

    @property
    def text(self) -> str:
        return "".join(" " if c is None else c.text for c in self.chars)


def lines(chars: list[Char]) -> list[Line]:
    """Characters joined into lines: same direction and size, on one baseline, close."""
    out: list[Line] = []
    cur: Line | None = None
    prev: Char | None = None
    ex = ey = 0.0             # where the previous character (or space) ends
    for ch in chars:
        if prev is not None and cur is not None:
            gap = (ch.ox - ex) * prev.dx + (ch.oy - ey) * prev.dy
            perp = abs((ch.ox - prev.ox) * prev.dy - (ch.oy - prev.oy) * prev.dx)
        else:
            gap = perp = 1e9
        if ch.text.isspace():
            if prev is not None and perp <= 0.4 * prev.size and \
                    -0.5 * prev.size <= gap <= 0.5 * prev.size:
                if cur.chars and cur.chars[-1] is not None:
                    cur.chars.append(None)
                adv = max(ch.adv, 0.2 * prev.size)
                ex, ey = ch.ox + adv * prev.dx, ch.oy + adv * prev.dy
            continue
        join = space = False
        if prev is not None:
            same_dir = abs(ch.dx - prev.dx) < 0.1 and abs(ch.dy - prev.dy) < 0.1
            size_ok = abs(ch.size - prev.size) <= 0.3 * max(ch.size, prev.size)
            if same_dir and size_ok and perp <= 0.35 * prev.size:
                if -0.35 * prev.size <= gap <= 0.22 * prev.size:
                    join = True
                elif 0.22 * prev.size < gap <= 1.0 * prev.size:
                    join = space = True
        if join:
            if space and cur.chars[-1] is not None:
                cur.chars.append(None)
            cur.chars.append(ch)
        else:
            cur = Line([ch])
            out.append(cur)
        prev = ch
        ex, ey = ch.ox + ch.adv * ch.dx, ch.oy + ch.adv * ch.dy
    return out


def tokens(chars: list[Char]) -> tuple[list[Token], int, list[Token]]:
    """Tokens of the page, the number of size labels and prices taken out, and the
    words that name doors (entrance, exit, 入口…)."""
    out: list[Token] = []
    doors: list[Token] = []
    removed = 0
    for li, line in enumerate(lines(chars)):
        text = line.text
        gone = [False] * len(line.chars)
        for rx in (_SIZE_LABEL, _PRICE):
            for m in rx.finditer(text):
                if m.end() - m.start() < 2:
                    continue
                removed += 1
                for k in range(m.start(), m.end()):
                    gone[k] = True
        words = [w for w in re.split(r"\s+", text) if sum(ch.isalpha() for ch in w) >= 3
                 and not any(ch.isdigit() for ch in w)]
        run: list[Char] = []
        pieces: list[list[Char]] = []
        for k, c in enumerate(line.chars):
            if c is None or gone[k]:
                if run:
                    pieces.append(run)
                run = []
            else:
                run.append(c)
        if run:
            pieces.append(run)
        for piece in pieces:
            raw = "".join(c.text for c in piece)
            t = raw.strip(".,;:()[]").upper()
            if not t:
                continue
            x0, y0, x1, y1 = _bbox(piece)
            tok = Token(t, piece, li, len(words), x0, y0, x1, y1,
                        max(c.size for c in piece))
            if _DOOR_WORDS.match(raw.strip(".,:;")):
                doors.append(tok)
            out.append(tok)
    return out, removed, doors


_NOT_CODES = {"M2", "M3", "KW", "KVA", "KG", "HZ", "SQM", "SQFT", "220V", "380V", "110V"}


def looks_like_code(text: str) -> bool:
    if not _CODE.match(text) or _TIME.match(text) or text in _NOT_CODES:
        return False
    letters = sum(ch.isalpha() for ch in text)
    return letters <= 5 and len(text) <= 12


class Vocabulary:
    """The expo's booth codes (exhibitor list and catalogue), if it has any."""

    def __init__(self, codes) -> None:
        self.codes = sorted(set(codes))
        self.exact = {norm(c): c for c in self.codes}
        loose_map: dict[str, list[str]] = {}
        for c in self.codes:
            loose_map.setdefault(loose(c), []).append(c)
        self.loose = {k: v[0] for k, v in loose_map.items() if len(v) == 1}
        self.lengths = sorted({len(k) for k in self.exact}, reverse=True)

    def __bool__(self) -> bool:
        return bool(self.codes)

    def get(self, text: str) -> str | None:
        return self.exact.get(norm(text)) or self.loose.get(loose(text))

    def segment(self, text: str) -> list[str] | None:
        """``text`` as a run of two or more listed codes (longest first), or None."""
        t = norm(text)
        n = len(t)
        best: list[list[str] | None] = [None] * (n + 1)
        best[0] = []
        for i in range(n):
            if best[i] is None:
                continue
            for ln in self.lengths:
                if i + ln <= n and t[i:i + ln] in self.exact and best[i + ln] is None:
                    best[i + ln] = best[i] + [t[i:i + ln]]
        parts = best[n]
        return parts if parts and len(parts) >= 2 else None


def split_merged(tok: Token, vocab: Vocabulary, box_of) -> list[Token]:
    """A token holding several codes, split; ``box_of(x, y)`` names the box at a point."""
    t = tok.text
    if len(t) < 4 or vocab.get(t):
        return [tok]
    # 1. by the boxes the characters fall into
    owners = [box_of((c.x0 + c.x1) / 2, (c.y0 + c.y1) / 2) for c in tok.chars]
    parts: list[list[int]] = []
    for k, o in enumerate(owners):
        if parts and owners[parts[-1][-1]] == o:
            parts[-1].append(k)
        else:
            parts.append([k])
    if len(parts) >= 2 and all(owners[p[0]] is not None for p in parts):
        texts = ["".join(tok.chars[k].text for k in p).upper() for p in parts]
        if (vocab and all(vocab.get(x) for x in texts)) or (
                all(looks_like_code(x) and len(x) >= 2 for x in texts)
                and len({signature(x) for x in texts}) == 1):
            return [_part(tok, [tok.chars[k] for k in p], x) for p, x in zip(parts, texts)]
    # 2. by the vocabulary, 3. by a repeated shape
    seg = vocab.segment(t) if vocab else None
    if seg is None and _MERGED.match(t):
        units = _UNIT.findall(t)
        if len(units) >= 2 and "".join(units) == t and len({signature(u) for u in units}) == 1:
            seg = units
    if not seg or len(tok.chars) != len(t):
        return [tok]
    out, k = [], 0
    for s in seg:
        out.append(_part(tok, tok.chars[k:k + len(s)], s))
        k += len(s)
    return out


def _part(tok: Token, chars: list[Char], text: str) -> Token:
    x0, y0, x1, y1 = _bbox(chars)
    return Token(text, chars, tok.line, tok.line_words, x0, y0, x1, y1,
                 max(c.size for c in chars), from_merge=True)
