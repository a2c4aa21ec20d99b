"""Policy context: the expo's timeline events and topics that share a list entry's citation.

A matched entry cites Federal Register notices (``89 FR 96837``). An event or topic of the
expo is linked to it when one of the sources it cites carries the same citation: in its
``citations`` (the machine-readable citations a source carries, ``db.content.source_citations``),
its title, note or address. Only the same volume and page count: the list names the page where the
entity's entry is printed, a source may name the rule's first page, and such near
citations are not guessed at.
"""
from __future__ import annotations

from ..content import source_citations
from ..expo import Expo
from .citations import citation_strings


def citation_records(expo: Expo) -> dict[str, list[dict]]:
    """Citation -> the events and topics whose sources carry it (events by date first)."""
    by_source: dict[str, list[str]] = {}
    for s in expo._rows("SELECT * FROM sources ORDER BY id"):    # older files: no citations
        cits = []
        texts = [s[f] for f in ("title", "note", "url")]
        texts += source_citations(s.get("citations"))
        for text in texts:
            cits += [c for c in citation_strings(text) if c not in cits]
        if cits:
            by_source[s["id"]] = cits
    if not by_source:
        return {}
    records = {("event", r["slug"]): r for r in expo._rows("SELECT * FROM events")}
    records.update({("topic", r["slug"]): dict(r, date=None, date_precision=None)
                    for r in expo._rows("SELECT * FROM topics")})
    out: dict[str, dict[tuple[str, str], dict]] = {}
    cites = expo._rows("SELECT kind, ref, source FROM cites WHERE kind IN ('event', 'topic') "
                      "ORDER BY kind, ref, source")
    for c_row in cites:
        kind, ref, src = c_row["kind"], c_row["ref"], c_row["source"]
        rec = records.get((kind, ref))
        if rec is None or src not in by_source:
            continue
        for c in by_source[src]:
            link = out.setdefault(c, {}).setdefault((kind, ref), {
                "kind": kind, "slug": ref, "title": rec["title"], "date": rec["date"],
                "date_precision": rec.get("date_precision"), "citation": c, "sources": [], "why": rec["summary"] or ""})
            link["sources"].append(src)
    return {c: sorted(links.values(), key=lambda r: (r["kind"] != "event", r["date"] or "",
                                                     r["slug"]))
            for c, links in out.items()}
