"""Market context from the supply-chain dataset (ETO, CC BY-NC 4.0), kept with year and source.

``load_eto`` copies the bundled subset (``db/seed/eto/``) into an expo file;
``market_context`` answers "who supplies this tool type, by country and by firm".
"""
from __future__ import annotations

import csv
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

ETO_DIR = Path(__file__).with_name("seed") / "eto"
ETO_SOURCE_ID = "eto-chip-explorer"
ETO_LICENCE = "CC BY-NC 4.0"
CHINA = "CHN"

# How tool-type codes read on screen.
TOOL_LABELS = {
    "ald": "ALD (atomic layer deposition)",
    "cvd": "CVD (chemical vapour deposition)",
    "pvd": "PVD (physical vapour deposition)",
    "epitaxy": "Epitaxy",
    "etch": "Etch",
    "pneumatic": "Pneumatic tools",
}


def tool_label(tool: str) -> str:
    return TOOL_LABELS.get(tool, tool)


def _read(name: str, eto_dir: Path) -> list[dict]:
    with open(eto_dir / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _strip_markdown(text: str) -> str:
    """'[SIA](https://…) and …' -> 'SIA (https://…) and …' for plain display."""
    return re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", text or "").strip()


def load_eto(conn: sqlite3.Connection, eto_dir: Path = ETO_DIR) -> int:
    """Insert inputs, providers and shares (inside the caller's transaction); returns share rows."""
    inputs = _read("inputs.csv", eto_dir)
    conn.executemany(
        "INSERT OR REPLACE INTO supply_inputs(input_id, name, type, stage, year, market_size, "
        "source_note) VALUES (?,?,?,?,?,?,?)",
        [(r["input_id"], r["input_name"], r["type"], r["stage_name"] or None,
          int(r["year"]) if r["year"].isdigit() else None,
          r["market_share_chart_global_market_size_info"] or None,
          _strip_markdown(r["market_share_chart_source"]) or None) for r in inputs])
    providers = _read("providers.csv", eto_dir)
    conn.executemany(
        "INSERT OR REPLACE INTO supply_providers(provider_id, name, alias, provider_type, country) "
        "VALUES (?,?,?,?,?)",
        [(r["provider_id"], r["provider_name"], r["alias"] or None, r["provider_type"],
          r["country"] or None) for r in providers])
    known_inputs = {r["input_id"] for r in inputs}
    known_providers = {r["provider_id"] for r in providers}
    rows = []
    for r in _read("provision.csv", eto_dir):
        if r["provided_id"] not in known_inputs or r["provider_id"] not in known_providers:
            continue
        try:
            share = float(r["share_provided"])
        except ValueError:
            continue  # rows without a share figure carry no market share
        rows.append((r["provided_id"], r["provider_id"], share,
                     int(r["year"]) if r["year"].isdigit() else None,
                     _strip_markdown(r["source"]) or None))
    conn.executemany("INSERT OR REPLACE INTO supply_shares(input_id, provider_id, share, year, "
                     "source_note) VALUES (?,?,?,?,?)", rows)
    return len(rows)


@dataclass
class Share:
    name: str
    share: float
    country: str | None      # ISO alpha-3 as the dataset gives it
    chinese: bool


@dataclass
class MarketContext:
    tool_type: str
    input_id: str | None = None
    input_name: str | None = None
    why: str | None = None
    year: int | None = None
    market_size: str | None = None
    source_note: str | None = None
    licence: str = ETO_LICENCE
    sources: list[str] = field(default_factory=list)   # source ids the mapping row cites
    by_country: list[Share] = field(default_factory=list)
    by_firm: list[Share] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return bool(self.by_country or self.by_firm)


def market_context(conn: sqlite3.Connection, tool_type: str) -> MarketContext:
    """Shares for the supply-chain input mapped to ``tool_type`` (empty when unmapped)."""
    ctx = MarketContext(tool_type=tool_type)
    # The mapping row's own sources and their licence (cited per row since schema v3).
    for sid, licence in conn.execute(
            "SELECT s.id, s.licence FROM cites c JOIN sources s ON s.id = c.source "
            "WHERE c.kind = 'supply' AND c.ref = ? ORDER BY s.id", (tool_type,)):
        ctx.sources.append(sid)
        if licence and sid == ETO_SOURCE_ID:
            ctx.licence = licence
    row = conn.execute("SELECT input_id, input_name, why FROM supply_map WHERE tool_type = ?",
                       (tool_type,)).fetchone()
    if row is None or not row[0]:
        if row is not None:
            ctx.why = row[2]
        return ctx
    ctx.input_id, ctx.input_name, ctx.why = row
    inp = conn.execute("SELECT name, year, market_size, source_note FROM supply_inputs "
                       "WHERE input_id = ?", (ctx.input_id,)).fetchone()
    if inp is None:
        return ctx
    ctx.input_name, ctx.year, ctx.market_size, ctx.source_note = inp
    for name, alias, ptype, country, share, year, note in conn.execute(
            "SELECT p.name, p.alias, p.provider_type, p.country, s.share, s.year, s.source_note "
            "FROM supply_shares s JOIN supply_providers p ON p.provider_id = s.provider_id "
            "WHERE s.input_id = ? ORDER BY s.share DESC, p.name", (ctx.input_id,)):
        ctx.year = ctx.year or year
        ctx.source_note = ctx.source_note or note
        if ptype == "country":
            ctx.by_country.append(Share(alias or name, share, name, name == CHINA))
        else:
            ctx.by_firm.append(Share(name, share, country, country == CHINA))
    return ctx
