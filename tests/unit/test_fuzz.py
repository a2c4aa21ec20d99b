"""Seeded fuzzing of what reads files from anyone: the CSV importer, the JSON importer and
the expo opener (issue 10). Real inputs are mutated (the catalogue fixtures, csv-spectrum
and the COMPUTEX list when present, an exported JSON document, the built-in expo file), and
every case must end in a result or a ``DataError`` (``ImportFailed`` included) with one-line
messages, never another exception; on every refusal the target expo file is byte for byte
as it was, with no temporary file left. Search gets what people type and paste (FTS5
syntax, control and bidi characters, CJK, long runs) on the built-in expo.

The default run keeps to a few hundred cases. More, for a longer hunt:

    WESEMIBAY_FUZZ_CASES=5000 .venv/bin/python -m pytest -m fuzz
    WESEMIBAY_FUZZ_SEED=7 ...   (another sequence; the default seed is fixed)

A failing case names its number and seed and keeps its input under the test's tmp_path.
"""
from __future__ import annotations

import copy
import csv
import io
import json
import os
import random
import shutil
from pathlib import Path

import pytest

from db.cli import check
from db.errors import DataError
from db.expo import open_expo
from db.exporters import export_csv
from db.importing import import_files

from catalogue_files import sha  # tests/catalogue_files.py
import dbtest  # tests/dbtest.py

pytestmark = pytest.mark.fuzz

TESTS = Path(__file__).resolve().parents[1]
FIX = TESTS / "fixtures" / "catalogue"
SHARED = TESTS.parents[0] / ".." / "shared" / "testdata"
SEED = int(os.environ.get("WESEMIBAY_FUZZ_SEED", "20260101"))


def cases(default: int) -> int:
    return int(os.environ.get("WESEMIBAY_FUZZ_CASES", default))


SPECIAL = [b"\x00", b'"', b'""', b",", b";", b"\t", b"\n", b"\r\n", b"\r", b"\xef\xbb\xbf",
           b"\xff\xfe", b"\x80", b"\xe4\xb8", "中文".encode(), "展位号".encode(), b"=1+1",
           b"'", b"\\", b"{", b"}", b"[", b"]", b":", b"\x1b[31m", "\u202e".encode(),
           "\u200b".encode(), b"<b>x</b>", b"9" * 30, b"-1e999", b"NaN", b"../../etc/passwd",
           b"/dev/zero", b"1A01", b"Company", b"Product", b"x,y,w,h"]


def mutate_bytes(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """A few byte-level edits: flips, special bytes, cuts, repeats, splices, long cells."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(9)
        pos = rng.randrange(len(data) + 1)
        if op == 0 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif op == 1:
            data[pos:pos] = rng.choice(SPECIAL)
        elif op == 2:
            del data[pos:pos + rng.randint(1, 64)]
        elif op == 3:
            chunk = data[pos:pos + rng.randint(1, 300)]
            at = rng.randrange(len(data) + 1)
            data[at:at] = chunk * rng.randint(1, 3)
        elif op == 4:
            del data[pos:]
        elif op == 5:
            other = rng.choice(pool)
            data[pos:] = other[rng.randrange(len(other) + 1):]
        elif op == 6 and rng.random() < 0.3:
            data[pos:pos] = rng.choice([b"y" * 301, b"z" * 20_001, b"w\n" * 5000])
        elif op == 7:
            lines = bytes(data).split(b"\n")
            if len(lines) > 2:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
                data = bytearray(b"\n".join(lines))
        elif op == 8:
            lines = bytes(data).split(b"\n")
            line = rng.randrange(len(lines))
            cells = lines[line].split(b",")
            cells[rng.randrange(len(cells))] = rng.choice(SPECIAL)
            lines[line] = b",".join(cells)
            data = bytearray(b"\n".join(lines))
    return bytes(data)


def one_line_messages(exc_or_report) -> None:
    report = getattr(exc_or_report, "report", exc_or_report)
    for p in list(getattr(report, "errors", [])) + list(getattr(report, "warnings", [])):
        assert "\n" not in str(p) and "\r" not in str(p), repr(str(p))
    if isinstance(exc_or_report, BaseException):
        assert "\n" not in str(exc_or_report), repr(str(exc_or_report))


class Target:
    """The expo file imports go into, restored from its pristine bytes after a success."""

    def __init__(self, folder: Path, source: Path):
        self.path = folder / "target.sqlite"
        self.pristine = source.read_bytes()
        self.reset()

    def reset(self) -> None:
        self.path.write_bytes(self.pristine)

    def run(self, files: list[Path], what: str) -> str:
        """Import ``files``; the outcome ("ok" or "refused"), checked."""
        folder = self.path.parent
        before = sha(self.path)
        try:
            report = import_files(self.path, files)
        except DataError as exc:
            one_line_messages(exc)
            assert sha(self.path) == before, f"{what}: the expo changed although refused"
            assert not [p for p in folder.iterdir() if ".import-" in p.name], what
            return "refused"
        one_line_messages(report)
        with open_expo(self.path, readonly=True) as expo:    # the new file is sound
            assert dbtest.query(expo, "PRAGMA quick_check").fetchone()[0] == "ok"
            assert dbtest.query(expo, "PRAGMA foreign_key_check").fetchall() == []
        self.reset()
        return "ok"

    def case(self, path: Path, what: str, keep: Path) -> str:
        """``run`` on one file; an exception other than DataError fails the test and keeps
        the input (as ``keep`` + its suffix) for reproducing it."""
        try:
            return self.run([path], what)
        except AssertionError:
            raise
        except Exception as exc:                         # noqa: BLE001 (the finding)
            kept = keep.with_suffix(path.suffix)
            shutil.copyfile(path, kept)
            _fail(what, exc, kept)


def _fail(what: str, exc: BaseException, kept: Path) -> None:
    pytest.fail(f"{what}: {type(exc).__name__}: {exc} (seed {SEED}; input kept at {kept})")


# ---------------------------------------------------------------------- CSV
def _computex_csv() -> bytes | None:
    path = SHARED / "computex-2026" / "exhibitors.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["Company", "中文名称", "Hall", "Booth", "Zone", "Category", "Company profile"])
    for ex in data.get("exhibitors", []):
        w.writerow([ex.get("name_en"), ex.get("name_zh"), ex.get("venue"), ex.get("booth"),
                    ex.get("zone"), ", ".join(ex.get("categories") or []),
                    "\n".join(ex.get("highlights_zh") or [])])
    return out.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def csv_inputs(built_expo, tmp_path_factory) -> list[tuple[str, bytes]]:
    inputs = [(p.name, p.read_bytes()) for p in sorted(FIX.iterdir())
              if p.suffix in (".csv", ".tsv")]
    spectrum = SHARED / "csv-spectrum" / "csvs"
    if spectrum.is_dir():
        inputs += [(p.name, p.read_bytes()) for p in sorted(spectrum.glob("*.csv"))]
    computex = _computex_csv()
    if computex:
        inputs.append(("computex.csv", computex))
    out = tmp_path_factory.mktemp("fuzz-export") / "expo.csv"
    with open_expo(built_expo, readonly=True) as expo:
        export_csv(expo, out)
    inputs.append(("export.csv", out.read_bytes()))
    return inputs


def test_fuzz_csv_import(csv_inputs, small_expo, tmp_path):
    rng = random.Random(SEED)
    work = tmp_path / "work"
    work.mkdir()
    (work / "pictures").symlink_to(FIX / "pictures")     # the fixtures' relative pictures
    target = Target(work, small_expo)
    pool = [data for _, data in csv_inputs]
    outcomes = {"ok": 0, "refused": 0}
    for i in range(cases(300)):
        name, data = rng.choice(csv_inputs)
        mutated = mutate_bytes(rng, data, pool)
        if rng.random() < 0.05:                          # another encoding, or none at all
            try:
                mutated = mutated.decode("utf-8").encode(rng.choice(["gb18030", "utf-16"]))
            except (UnicodeDecodeError, UnicodeEncodeError):
                pass
        path = work / ("case.tsv" if name.endswith(".tsv") else "case.csv")
        path.write_bytes(mutated)
        outcomes[target.case(path, f"CSV case {i} (from {name})", tmp_path / f"failing-{i}")] += 1
    assert outcomes["ok"] and outcomes["refused"], outcomes     # both paths were exercised


# ---------------------------------------------------------------------- JSON
HOSTILE = [None, True, False, 0, -1, 1.5, -0.0, 1e308, 2 ** 63, -(2 ** 63) - 1, 2 ** 64,
           "", "x" * 301, "y" * 20_001, "\x00", "a\nb", "<b>bold</b>", "\u202eevil",
           "[text](http://x)", "1A01", "hall-1", "sicarrier", "S4", "../../etc/passwd",
           [], [None], [1], ["1A01", "1A01"], {}, {"a": None}, {"a": [1, {"b": "\x00"}]},
           [[[[[[[[[[]]]]]]]]]]]


def _random_path(rng: random.Random, doc):
    """A random (container, key) inside ``doc``."""
    node, key = doc, None
    for _ in range(rng.randint(1, 4)):
        if isinstance(node, dict) and node:
            key = rng.choice(list(node))
        elif isinstance(node, list) and node:
            key = rng.randrange(len(node))
        else:
            break
        if not isinstance(node[key], (dict, list)) or rng.random() < 0.3:
            return node, key
        node = node[key]
    return None, None


def mutate_doc(rng: random.Random, doc: dict) -> dict:
    doc = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 3)):
        node, key = _random_path(rng, doc)
        if node is None:
            continue
        op = rng.randrange(5)
        if op <= 1:
            node[key] = copy.deepcopy(rng.choice(HOSTILE))
        elif op == 2 and isinstance(node, dict):
            del node[key]
        elif op == 3 and isinstance(node, list):
            node.insert(rng.randrange(len(node) + 1), copy.deepcopy(node[key]))
        elif op == 4 and isinstance(node, dict):
            node[rng.choice(["slug", "id", "code", "sources", "zone", "exhibitors", "topics",
                             "specs", "image", "sha1", "data"])] = \
                copy.deepcopy(rng.choice(HOSTILE))
    return doc


@pytest.fixture(scope="module")
def json_doc(export_doc) -> dict:
    """The exported built-in expo, trimmed so a case stays fast (fewer booths and pictures)."""
    doc = copy.deepcopy(export_doc)
    used = {b for ex in doc["exhibitors"] for b in ex.get("booths", [])}
    doc["booths"] = [b for b in doc["booths"] if b["code"] in used or b["exhibitors"]][:40]
    doc["images"] = doc["images"][:1]
    return doc


@pytest.fixture(scope="module")
def small_expo(json_doc, tmp_path_factory) -> Path:
    """The target of the import cases: the trimmed document imported into a new expo file
    (the built-in expo's zones, halls, exhibitors and sources, fewer booths: faster cases)."""
    folder = tmp_path_factory.mktemp("fuzz-target")
    doc = folder / "doc.json"
    doc.write_text(json.dumps(json_doc, ensure_ascii=False), encoding="utf-8")
    import_files(folder / "small.sqlite", [doc])
    return folder / "small.sqlite"


def test_fuzz_json_import(json_doc, small_expo, tmp_path):
    rng = random.Random(SEED + 1)
    work = tmp_path / "work"
    work.mkdir()
    target = Target(work, small_expo)
    pool = [json.dumps(json_doc, ensure_ascii=False).encode()]
    spectrum = SHARED / "csv-spectrum" / "json"
    if spectrum.is_dir():
        pool += [p.read_bytes() for p in sorted(spectrum.glob("*.json"))]
    outcomes = {"ok": 0, "refused": 0}
    for i in range(cases(150)):
        doc = mutate_doc(rng, json_doc)
        data = json.dumps(doc, ensure_ascii=False).encode()
        if rng.random() < 0.15:
            data = mutate_bytes(rng, data, pool)
        path = work / "case.json"
        path.write_bytes(data)
        outcomes[target.case(path, f"JSON case {i}", tmp_path / f"failing-{i}")] += 1
    assert outcomes["ok"] and outcomes["refused"], outcomes


# --------------------------------------------------------------- the opener
def mutate_expo(rng: random.Random, data: bytes) -> bytes:
    """Damage an expo file as disks, transfers and people do."""
    data = bytearray(data)
    page = int.from_bytes(data[16:18], "big") or 4096
    pages = max(1, len(data) // page)
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(7)
        if op == 0:                       # the header and schema page: names, SQL, types
            i = rng.randrange(min(page, len(data)))
            data[i] = rng.randrange(256)
        elif op == 1:                     # header fields that steer SQLite
            off = rng.choice([16, 18, 19, 20, 21, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64,
                              68, 92, 96])
            data[off] = rng.randrange(256)
        elif op == 2 and data:            # any byte anywhere
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif op == 3:                     # a page overwritten by junk or zeros
            p = rng.randrange(pages)
            fill = bytes(rng.randrange(256) for _ in range(16)) * (page // 16) \
                if rng.random() < 0.5 else bytes(page)
            data[p * page:(p + 1) * page] = fill
        elif op == 4:                     # one page copied over another
            a, b = rng.randrange(pages), rng.randrange(pages)
            data[b * page:(b + 1) * page] = data[a * page:(a + 1) * page]
        elif op == 5:                     # cut short, or grown
            if rng.random() < 0.7:
                del data[rng.randrange(len(data)):]
            else:
                data += bytes(rng.randrange(1, 3 * page))
        elif op == 6:                     # a schema statement edited in place
            at = data.find(rng.choice([b"CREATE TABLE", b"PRIMARY KEY", b"NOT NULL",
                                       b"REFERENCES", b"TEXT", b"fts5"]), 0, page * 4)
            if at >= 0:
                data[at:at + 4] = rng.choice([b"VIEW", b"    ", b"\x00\x00\x00\x00", b"INT "])
    return bytes(data)


def test_fuzz_open_expo(built_expo, tmp_path):
    rng = random.Random(SEED + 2)
    pristine = built_expo.read_bytes()
    path = tmp_path / "case.sqlite"
    outcomes = {"opened": 0, "refused": 0}
    for i in range(cases(300)):
        data = mutate_expo(rng, pristine)
        path.write_bytes(data)
        for side in ("-wal", "-shm", "-journal"):
            Path(f"{path}{side}").unlink(missing_ok=True)
        readonly = rng.random() < 0.5
        what = f"expo case {i} ({'read-only' if readonly else 'read-write'})"
        try:
            try:
                expo = open_expo(path, readonly=readonly)
            except DataError as exc:
                one_line_messages(exc)
                assert path.read_bytes() == data, f"{what}: refused but changed"
                outcomes["refused"] += 1
                continue
            try:          # reading rows: damage opening cannot see is a DataError too
                expo.meta()
                expo.exhibitor_rows()
            except DataError as exc:
                one_line_messages(exc)
            finally:
                expo.close()
            outcomes["opened"] += 1
            if i % 4 == 0:                # check reads every row: on a part of the cases
                try:
                    problems = check(str(path))
                except DataError as exc:
                    one_line_messages(exc)
                else:
                    assert all("\n" not in p for p in problems)
        except AssertionError:
            raise
        except Exception as exc:          # noqa: BLE001 (the finding)
            kept = tmp_path / f"failing-{i}.sqlite"
            kept.write_bytes(data)
            _fail(what, exc, kept)
    assert outcomes["opened"] and outcomes["refused"], outcomes


# ------------------------------------------------------------------- search
# What people (and pasted text) put in a search box: FTS5's own syntax, quotes, brackets,
# column filters, operators, control characters, bidi and zero-width marks, CJK, NFKC
# look-alikes, lone surrogates (a command line with bytes that are not UTF-8), long runs.
SEARCH_SYNTAX = ['"', "'", "*", "^", "(", ")", "{", "}", "[", "]", ":", "-", "+", "NEAR(",
                 "NEAR/3", "NEAR(a b, 2)", " AND ", " OR ", " NOT ", "AND", "OR", "NOT",
                 "name:", "title:", "body:", "kind:", "{title body}:", "-title:", "^title",
                 "a*b", '"unbalanced', "((((", "))))", "[[", "}}", "\\", "%", "_", ";",
                 "' OR 1=1 --", "DROP TABLE search;", "\x00", "\x01", "\x1b[31m", "\t", "\n",
                 "\r", "\x7f", "\u202e", "\u202d", "\u200f", "\u200e", "\u061c", "\u200b",
                 "\u2060", "\ufeff", "\u00a0", "\u3000", "新凯来", "原子层", "刻蚀", "中",
                 "ﬁ", "Ⅻ", "ＡＢＣ", "①", "ß", "İ", "e\u0301", "😀", "\ud800", "\udcff",
                 "𠀀", "ك", "עברית"]
SEARCH_NOISE = ['"', "'", "*", "^", "(", ")", "{", "}", "[", "]", ":", "-", "+", "\\", ";",
                "%", "_", "\x00", "\x01", "\x1b", "\t", "\u202e", "\u200f", "\u200b",
                "\ufeff", "\u3000", "\ud800", "😀", "...", "!?", "/", "<>", "&"]


def random_query(rng: random.Random, words: list[str]) -> str:
    """A few pieces of syntax, words of the expo's own data and noise, glued at random."""
    pieces = []
    for _ in range(rng.randint(1, 8)):
        r = rng.random()
        if r < 0.45:
            pieces.append(rng.choice(SEARCH_SYNTAX))
        elif r < 0.85:
            pieces.append(rng.choice(words))
        elif r < 0.95:
            pieces.append("".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randint(1, 6))))
        else:
            pieces.append(rng.choice(["a", "word ", "中", "(", '"', "NEAR "])
                          * rng.choice([300, 2000, 20_000]))
    return rng.choice(["", " "]).join(pieces)


def noisy(rng: random.Random, text: str) -> str:
    """``text`` with noise that holds no letter or digit before, after and between its
    words: search must read it as the same words."""
    def n():
        return "".join(rng.choice(SEARCH_NOISE) for _ in range(rng.randint(0, 3)))
    return n() + " " + f" {n()} ".join(text.split()) + " " + n()


def well_formed(hits, limit: int, what: str) -> None:
    from db.search import KIND_ORDER
    assert len(hits) <= limit, what
    keys = [(h.kind, h.id) for h in hits]
    assert len(set(keys)) == len(keys), f"{what}: a hit twice"
    for h in hits:
        assert h.kind in KIND_ORDER and isinstance(h.id, str) and h.id, (what, h)
        assert isinstance(h.title, str) and isinstance(h.subtitle, str), (what, h)
        assert h.score == h.score and abs(h.score) != float("inf"), (what, h)   # no NaN
        assert all(isinstance(b, str) and b for b in h.booths), (what, h)
        json.dumps(h.as_dict())                      # what the CLI prints


def test_fuzz_search(built_expo, tmp_path, capsys, monkeypatch):
    """Search as the window and ``wesemibay-db search`` run it (``db.search.search`` through
    ``Expo.search``) on a copy of the built-in expo: every query gives well-formed hits (or
    a one-line DataError), every query FTS5 is asked is valid syntax (search would hide an
    error as "no hits"), noise around the words changes no hit, and the file is byte for
    byte the same afterwards. Every other case runs with the rules of an expo past
    ``SMALL_INDEX`` records (short words not expanded as prefixes)."""
    from db import search as S
    from db.cli import main
    rng = random.Random(SEED + 3)
    small = S.SMALL_INDEX
    path = tmp_path / "search" / "expo.sqlite"
    path.parent.mkdir()
    shutil.copyfile(built_expo, path)
    before = sha(path)
    with open_expo(path, readonly=True) as expo:
        conn = expo._conn
        names = [r[0] for r in conn.execute("SELECT name FROM exhibitors")] + \
            [r[0] for r in conn.execute("SELECT name FROM products LIMIT 200")]
        words = sorted({w for n in names for w in n.split()}) + \
            [r[0] for r in conn.execute("SELECT code FROM booths LIMIT 100")]
        found = 0
        for i in range(cases(300)):
            if i % 3 == 0:          # a real name with noise around its words
                text = noisy(rng, rng.choice(names))
            elif i % 3 == 1:        # the first letters of a word, as typed so far
                text = noisy(rng, rng.choice(words)[:rng.choice([1, 1, 2, 3])])
            else:
                text = random_query(rng, words)
            monkeypatch.setattr(S, "SMALL_INDEX", 0 if i % 2 else small)
            what = f"search case {i} {text[:80]!r} (seed {SEED}, SMALL_INDEX {S.SMALL_INDEX})"
            try:
                hits = expo.search(text, limit=(limit := rng.choice([1, 10, 50, 1000])))
            except DataError as exc:
                one_line_messages(exc)
                continue
            except Exception as exc:                     # noqa: BLE001 (the finding)
                pytest.fail(f"{what}: {type(exc).__name__}: {exc}")
            well_formed(hits, limit, what)
            found += bool(hits)
            query = S.build_query(text)
            if query:                                    # never an FTS5 syntax error
                for q in (query, f"{{title}} : ({query})"):
                    conn.execute("SELECT count(*) FROM search WHERE search MATCH ?", (q,))
            if i % 3 < 2:                                # the same words, without the noise
                clean = " ".join(S.query_terms(text))
                assert {(h.kind, h.id) for h in expo.search(text, limit=5000)} == \
                    {(h.kind, h.id) for h in expo.search(clean, limit=5000)}, what
            if i % 10 == 0:                              # the command line, as a user runs it
                code = main(["search", "--expo", str(path), "--json", "--", text])
                out, err = capsys.readouterr()
                assert code == 0 and err == "", (what, err)
                assert [(d["kind"], d["id"]) for d in json.loads(out)] == \
                    [(h.kind, h.id) for h in expo.search(text, limit=50)], what
    assert found >= cases(300) // 10, found         # the cases reach real hits, not only []
    assert sha(path) == before
    assert [p.name for p in path.parent.iterdir()] == ["expo.sqlite"]      # no -wal, -shm
