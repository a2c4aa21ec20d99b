"""One table spec (``db/tablespec.py``): every column of the expo file is described once, and
a column added there goes through build, export and import with no change anywhere else."""
from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3

import pytest

from db import schema
from db import tablespec as T
from db.build import SEED_DIR, build
from db.expo import expected_schema, open_expo
from db.exporters import export_json, to_document
from db.importing import ImportFailed, import_files


def schema_columns() -> dict[str, list[str]]:
    """Table -> its columns, as the migrations make them (virtual tables: none)."""
    mem = sqlite3.connect(":memory:")
    try:
        for step in schema.MIGRATIONS:
            for statement in schema._split(step):
                mem.execute(statement)
        out = {}
        for name, sql in mem.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"):
            if sql.upper().startswith("CREATE VIRTUAL TABLE") or name.startswith("search_"):
                out[name] = []
            else:
                out[name] = [r[1] for r in mem.execute(f"PRAGMA table_info({name})")]
        return out
    finally:
        mem.close()


def described() -> set[tuple[str, str]]:
    return {(s.table, c.name) for s in [*T.SECTIONS.values(), T.EXPO, T.IMAGES]
            for c in s.columns}


def test_every_column_of_every_table_is_in_the_spec_or_says_why_not():
    tables = schema_columns()
    spec = described()
    used = {d for s in [*T.SECTIONS.values(), T.EXPO] for d in s.derived}
    missing = []
    for table, cols in tables.items():
        if table in T.NOT_IN_DOCUMENT or table.startswith("search_"):
            continue
        if table in T.RELATIONS:
            assert T.RELATIONS[table] in used, table     # carried as a derived field
            continue
        missing += [f"{table}.{c}" for c in cols
                    if (table, c) not in spec and (table, c) not in T.INTERNAL_COLUMNS]
    assert missing == []
    stale = [f"{t}.{c}" for t, c in spec if c not in tables.get(t, [])]
    assert stale == []
    assert set(T.DOCUMENT_ORDER) == {"expo", "images", *T.SECTIONS}


def test_every_derived_field_and_reference_names_something_real():
    for s in [*T.SECTIONS.values(), T.EXPO]:
        assert set(s.derived) <= set(T.DERIVED), s.name
        assert s.key in [c.name for c in s.columns], s.name
        for f, target in s.refs():
            assert target in T.SECTIONS, (s.name, f)


def test_the_built_in_expo_goes_through_export_and_import_unchanged(export_doc, tmp_path):
    """Every section and field of the built-in expo: export, import into a new file, export."""
    for name in T.SECTIONS:
        assert export_doc[name], name            # the built-in expo has records of each
    path = tmp_path / "expo.json"
    path.write_text(json.dumps(export_doc, ensure_ascii=False), encoding="utf-8")
    new = tmp_path / "new.sqlite"
    import_files(new, [path])
    with open_expo(new, readonly=True) as expo:
        assert to_document(expo) == export_doc


# ------------------------------------------------------- a column added in one place
URL = "https://www.example.com/sicarrier"


@pytest.fixture
def new_columns(monkeypatch):
    """The schema and the spec with two more columns: exhibitors.website (a text up to 2,000
    characters) and products.moq (a whole number). Nothing else is changed."""
    steps = list(schema.MIGRATIONS)
    steps[-1] += ("\nALTER TABLE exhibitors ADD COLUMN website TEXT;"
                  "\nALTER TABLE products ADD COLUMN moq INTEGER;\n")
    monkeypatch.setattr(schema, "MIGRATIONS", steps)
    expected_schema.cache_clear()
    ex, pr = T.SECTIONS["exhibitors"], T.SECTIONS["products"]
    monkeypatch.setitem(T.SECTIONS, "exhibitors", dataclasses.replace(
        ex, columns=ex.columns + (T.Column("website", max_len=2000),)))
    monkeypatch.setitem(T.SECTIONS, "products", dataclasses.replace(
        pr, columns=pr.columns + (T.Column("moq", T.INT),)))
    yield
    expected_schema.cache_clear()       # before the schema is put back (monkeypatch, after)


def test_a_column_added_to_the_spec_goes_through_build_export_and_import(new_columns, tmp_path):
    seed = tmp_path / "seed"
    shutil.copytree(SEED_DIR, seed)
    exhibitors = json.loads((seed / "exhibitors.json").read_text(encoding="utf-8"))
    next(e for e in exhibitors if e["slug"] == "sicarrier")["website"] = URL
    (seed / "exhibitors.json").write_text(json.dumps(exhibitors, ensure_ascii=False),
                                          encoding="utf-8")
    products = json.loads((seed / "products.json").read_text(encoding="utf-8"))
    products[0]["moq"] = 2
    (seed / "products.json").write_text(json.dumps(products, ensure_ascii=False),
                                        encoding="utf-8")
    built = build(tmp_path / "built.sqlite", seed)
    with open_expo(built, readonly=True) as expo:
        assert expo.record("exhibitor", "sicarrier")["website"] == URL        # build
        first = to_document(expo)
        export_json(expo, tmp_path / "first.json")
    assert next(e for e in first["exhibitors"] if e["slug"] == "sicarrier")["website"] == URL
    assert next(p for p in first["products"] if p["slug"] == products[0]["slug"])["moq"] == 2
    new = tmp_path / "new.sqlite"
    import_files(new, [tmp_path / "first.json"])                              # import
    with open_expo(new, readonly=True) as expo:
        assert expo.record("exhibitor", "sicarrier")["website"] == URL
        assert to_document(expo) == first                                     # export again
    # the import checks the new field by its type, like every other
    bad = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))
    bad["products"][0]["moq"] = "many"
    bad["exhibitors"][0]["website"] = "x" * 2001
    (tmp_path / "bad.json").write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        import_files(tmp_path / "other.sqlite", [tmp_path / "bad.json"])
    errors = [str(e) for e in err.value.report.errors]
    assert any('"moq" must be a whole number, not a text' in e for e in errors), errors
    assert any('"website" too long (2,001 characters; at most 2,000)' in e for e in errors), errors
