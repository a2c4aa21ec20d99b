"""Market context: the chart's numbers are the dataset's, with year, source and licence."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from db.supply import ETO_DIR
import dbtest  # tests/dbtest.py

SEED = Path(__file__).resolve().parents[2] / "db" / "seed"


def provision(input_id: str) -> dict[str, float]:
    with open(ETO_DIR / "provision.csv", newline="", encoding="utf-8") as fh:
        return {r["provider_name"]: float(r["share_provided"])
                for r in csv.DictReader(fh) if r["provided_id"] == input_id}


def test_every_builtin_tool_type_is_mapped_or_says_why(expo_ro):
    mapping = json.loads((SEED / "supply_map.json").read_text(encoding="utf-8"))["tool_types"]
    tools = {r[0] for r in dbtest.query(expo_ro, "SELECT DISTINCT tool_type FROM products")}
    assert tools <= set(mapping)
    for tool in tools:
        ctx = expo_ro.market_context(tool)
        if mapping[tool] and mapping[tool].get("input_id"):
            assert ctx.has_data, tool
        else:
            assert not ctx.has_data and ctx.why, tool


@pytest.mark.parametrize("tool, input_id, name", [
    ("ald", "N41", "Atomic layer deposition tools"),
    ("cvd", "N47", "Chemical vapor deposition tools"),
    ("pvd", "N42", "Physical vapor deposition tools"),
    ("epitaxy", "N40", "High-temperature CVD tools"),
    ("etch", "N55", "Etch and clean tools"),
])
def test_tool_types_map_to_the_named_inputs(expo_ro, tool, input_id, name):
    ctx = expo_ro.market_context(tool)
    assert (ctx.input_id, ctx.input_name) == (input_id, name)
    assert ctx.year == 2025
    assert ctx.licence == "CC BY-NC 4.0"
    assert "CSET" in ctx.source_note


def test_chart_numbers_equal_the_data(expo_ro):
    ctx = expo_ro.market_context("ald")
    data = provision("N41")
    shown = {s.country or s.name: s.share for s in ctx.by_country}
    shown.update({s.name: s.share for s in ctx.by_firm})
    for name, share in data.items():
        assert shown[name] == share
    assert {s.name for s in ctx.by_country if s.chinese} == {"China"}
    assert ctx.by_country == sorted(ctx.by_country, key=lambda s: -s.share)


def test_pneumatic_has_no_figure(expo_ro):
    ctx = expo_ro.market_context("pneumatic")
    assert not ctx.has_data
    assert ctx.why


def test_unknown_tool_type_is_empty(expo_ro):
    assert not expo_ro.market_context("no-such-tool").has_data


def test_dataset_descriptions_are_not_copied():
    """Only ids, names, years, sizes and sources are bundled: no descriptive texts."""
    header = (ETO_DIR / "inputs.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "description" not in header
    assert "CC BY-NC 4.0" in (ETO_DIR / "README.md").read_text(encoding="utf-8")
