"""Screening lists in the official layouts, written from records: for tests and benchmarks.

``write_list`` writes records (dicts with the CSV's column names, lists for the multi-valued
fields) as ``consolidated.csv`` (every field quoted, header unquoted, LF, no newline after the
last row, as ITA publishes it), its tab-separated variant, or ``consolidated.json``.

``synthetic_records`` makes a list of any size that is plainly synthetic: every entry's
remarks say so and its names come from a made-up vocabulary. It mixes the lists in about the
proportions of the real file (SDN three quarters, Entity List an eighth, ...), individuals,
entities and vessels, aliases, Federal Register texts in the real free-text forms and licence
texts with glued footnote marks. ``planted`` entries copy given exhibitor names (as written,
with another legal form, and in another city) so that a benchmark sees matches at scale.
"""
from __future__ import annotations

import csv
import json
import os
import random
from pathlib import Path

from .listfile import CSV_COLUMNS

SOURCES = [
    ("Specially Designated Nationals (SDN) - Treasury Department", 0.74),
    ("Entity List (EL) - Bureau of Industry and Security", 0.13),
    ("Denied Persons List (DPL) - Bureau of Industry and Security", 0.06),
    ("ITAR Debarred (DTC) - State Department", 0.03),
    ("Sectoral Sanctions Identifications List (SSI) - Treasury Department", 0.011),
    ("Unverified List (UVL) - Bureau of Industry and Security", 0.009),
    ("Nonproliferation Sanctions (ISN) - State Department", 0.006),
    ("Military End User (MEU) List - Bureau of Industry and Security", 0.004),
    ("Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department",
     0.004),
    ("Palestinian Legislative Council List (PLC) - Treasury Department", 0.003),
    ("Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department", 0.003),
]
MULTI = ("programs", "alt_names", "citizenships", "dates_of_birth", "nationalities",
         "places_of_birth")
_FIRST = ("Ahmad Ali Hassan Omar Yusuf Ivan Sergei Dmitri Olga Elena Carlos Jose Maria Wei Min "
          "Jun Hua Lei Ying Kim Park Reza Farid Nadia Leila Viktor Anna Pablo Diego").split()
_LAST = ("Karimov Petrov Ivanova Sokolov Haddad Nasser Rahimi Tehrani Zhang Wang Liu Chen "
         "Zhao Huang Zhou Wu Xu Sun Ma Hu Guo Lin Herrera Morales Castillo Kovac Novak "
         "Abdullah Saleh Mansour").split()
_ROOTS = ("Zor Vel Tran Kes Mar Dor Lum Pax Sel Vor Quin Bral Tek Nov Cal Ryn Sol Mek Dal "
          "Fen Gor Hal Jin Kor Lan Mir Nor Ost Pel Rav").split()
_ENDS = "ar ex ion ora ant ik um ela ix on".split()
_KINDS = ("Trading", "Industrial", "Electronics", "Shipping", "Logistics", "Engineering",
          "Petroleum", "Machinery", "Import Export", "Technology", "Precision Instruments")
_FORMS = ("Co., Ltd.", "LLC", "Limited", "JSC", "Company", "Group", "FZE", "Inc.", "OOO")
_CITIES = ("Dubai Tehran Moscow Minsk Caracas Pyongyang Damascus Beirut Shenzhen Guangzhou "
           "Hong Kong Ningbo Yiwu Xiamen Tianjin Dalian").split()
_FR = ("{v} FR {p}", "{v} FR {p}; {v2} FR {p2}", "{v}FR{p}", "{v} Fed. Reg. {p}",
       "{v} FR {p}, {m}/{d}/{y}.", "{v} F.R. {p} {m}/{d}/{y}", "{v} FR {p} (no. {n})",
       "Vol. {v}, No. {n}, {m:02d}/{d:02d}/20{y}", "{v} FR {p}; {v2} FR")
_LICENCE = ("For all items subject to the EAR. (See §744.11 of the EAR)",
            "For all items subject to the EAR. (See §§ 734.9(e) and 744.11 of the EAR)4",
            "For all items subject to the EAR. (See §§ 734.9(g),3 746.8(a)(3), and 744.21(b) "
            "of the EAR)", "For all items subject to the EAR, see §§ 734.9(e)1 and 744.11 of "
            "the EAR2")
_POLICY = ("Presumption of denial.", "Case-by-case review for all items.",
           "Presumption of approval for EAR99; case-by-case review for all items on the CCL")


def _csv_value(rec: dict, col: str) -> str:
    v = rec.get(col)
    if v is None:
        return ""
    if isinstance(v, list):
        return "; ".join(str(x) for x in v)
    return str(v)


def _address(text: str) -> dict:
    """One CSV address ("street, city, CC") as the JSON layout's object."""
    parts = [p.strip() for p in text.split(",")]
    country = parts.pop() if len(parts) > 1 else ""
    return {"address": ", ".join(parts), "city": None, "state": None, "postal_code": None,
            "country": country}


def write_list(path: str | os.PathLike, records: list[dict], layout: str = "csv",
               search_performed_at: str | None = None, sources_used: list[dict] | None = None,
               final_newline: bool = False) -> Path:
    """Write ``records`` as a Consolidated Screening List file in the official ``layout``."""
    path = Path(path)
    if layout == "json":
        results = []
        for rec in records:
            r = {("id" if k == "_id" else k): v for k, v in rec.items()}
            for k in MULTI:
                if isinstance(r.get(k), str):
                    r[k] = [x for x in r[k].split("; ") if x] or None
            if isinstance(r.get("addresses"), str):
                r["addresses"] = [_address(a) for a in r["addresses"].split("; ") if a]
            results.append(r)
        doc = {"results": results, "search_performed_at": search_performed_at,
               "sources_used": sources_used or [], "offset": 0, "total": len(results)}
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        return path
    delimiter = "\t" if layout == "tsv" else ","
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(delimiter.join(CSV_COLUMNS) + "\n")
        w = csv.writer(fh, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\n")
        for rec in records:
            w.writerow([_csv_value(rec, c) for c in CSV_COLUMNS])
    if not final_newline:
        with open(path, "rb+") as fh:
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) == b"\n":
                fh.seek(-1, os.SEEK_END)
                fh.truncate()
    return path


def _source(rng: random.Random) -> str:
    x = rng.random()
    for name, share in SOURCES:
        if x < share:
            return name
        x -= share
    return SOURCES[0][0]


def _fr(rng: random.Random) -> str:
    v = rng.randint(60, 90)
    return rng.choice(_FR).format(v=v, p=rng.randint(1000, 99999), v2=v + 1,
                                  p2=rng.randint(1000, 99999), n=rng.randint(1, 250),
                                  m=rng.randint(1, 12), d=rng.randint(1, 28),
                                  y=rng.randint(10, 25))


def synthetic_records(n: int, seed: int = 1, planted: list[str] = ()) -> list[dict]:
    """``n`` plainly synthetic entries; ``planted`` names are copied in three ways each."""
    rng = random.Random(seed)
    out = []
    for i, name in enumerate(planted):
        words = name.replace(",", " ").split()
        other_city = "Ningbo" if words[0] != "Ningbo" else "Shenzhen"
        variants = (name,                                          # as written
                    " ".join(w for w in words if w.rstrip(".") not in ("Co", "Ltd")) + " Limited",
                    " ".join([other_city] + words[1:]))            # another city: possible
        out.append({"_id": f"planted-{i}", "source": SOURCES[1][0], "name": variants[i % 3],
                    "federal_register_notice": _fr(rng), "start_date": "2024-12-05",
                    "license_requirement": rng.choice(_LICENCE), "license_policy": _POLICY[0],
                    "addresses": "Synthetic Road 1, Xanadu, CN",
                    "remarks": "SYNTHETIC ENTRY for tests and benchmarks; not a real listing"})
    while len(out) < n:
        i = len(out)
        source = _source(rng)
        kind = rng.random()
        if "Entity List" in source or kind > 0.55:
            root = rng.choice(_ROOTS) + rng.choice(_ENDS)
            name = f"{rng.choice(_CITIES)} {root} {rng.choice(_KINDS)} {rng.choice(_FORMS)}"
            alts = [f"{root} {rng.choice(_KINDS)}" for _ in range(rng.randint(0, 3))]
            etype = "Entity" if "SDN" in source else ""
        elif kind > 0.5:
            name, alts, etype = f"M/V {rng.choice(_ROOTS).upper()} {rng.randint(1, 99)}", [], "Vessel"
        else:
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            name = f"{last.upper()}, {first}" if rng.random() < 0.5 else f"{first} {last.upper()}"
            alts = [f"{first[0]}. {last}"] if rng.random() < 0.3 else []
            etype = "Individual"
        rec = {"_id": f"synthetic-{i}", "source": source, "type": etype, "name": name,
               "alt_names": (["and " + a if j == len(alts) - 1 and j else a
                              for j, a in enumerate(alts)]),
               "addresses": f"{rng.randint(1, 999)} Synthetic Street, {rng.choice(_CITIES)}, XX",
               "remarks": "SYNTHETIC ENTRY for tests and benchmarks; not a real listing"}
        if "Bureau of Industry" in source:
            rec.update(federal_register_notice=_fr(rng),
                       start_date=f"20{rng.randint(10, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                       license_requirement=rng.choice(_LICENCE), license_policy=rng.choice(_POLICY))
        else:
            rec["programs"] = rng.sample(["SDGT", "IRAN", "RUSSIA-EO14024", "NPWMD", "CMIC"], 2)
        out.append(rec)
    return out[:n]
