"""Screening an expo's exhibitors against the stored list; what changed; policy context."""
from __future__ import annotations

import json
import os
from contextlib import closing
from dataclasses import dataclass, field

from ..expo import Expo
from .decisions import decisions_for
from .policy import citation_records
from .listfile import read_list
from .matching import match_exhibitor
from .names import exhibitor_names
from .store import ScreeningStore

# Below this many exhibitors the store's indexed tables are asked; above, the list is loaded.
SQL_LOOKUP_MAX = 200
# The fields of a match whose change between two lists is reported.
COMPARED = ("status", "kind", "citations", "federal_register_notice", "license_requirement",
            "license_policy", "start_date", "list")


@dataclass
class Screening:
    """The result of screening one expo: one result per exhibitor, with the list's facts."""
    expo: str
    info: dict
    results: list[dict]
    changes: list[dict] | None = None          # None: no earlier screening to compare with
    previous: dict | None = None               # the earlier screening's list (sha256, date)
    loaded: dict | None = None                 # set when this run loaded the list
    counts: dict = field(default_factory=dict)


def _exhibitors(expo: Expo, slugs=None) -> list[dict]:
    sql = "SELECT slug, name, pinyin, aliases FROM exhibitors"
    if slugs is None:
        rows = expo._rows(sql + " ORDER BY slug")
    else:
        wanted = sorted(set(slugs))
        rows = []
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            rows += expo._rows(f"{sql} WHERE slug IN ({','.join('?' * len(chunk))}) ORDER BY slug",
                              chunk)
    for r in rows:
        try:
            aliases = json.loads(r["aliases"] or "[]")
        except (TypeError, ValueError):
            aliases = []
        r["aliases"] = [a for a in aliases if isinstance(a, str)] if isinstance(aliases, list) else []
    return rows


def _summary(m: dict) -> dict:
    """What is compared between two screenings for one matched entry."""
    return {"entry_name": m["entry_name"], "list": m["list"], "list_code": m["list_code"],
            "status": m["status"],
            "kind": m["kind"], "citations": m["citations"],
            "federal_register_notice": m["federal_register_notice"],
            "license_requirement": m["license_requirement"],
            "license_policy": m["license_policy"], "start_date": m["start_date"]}


def _merge(a: dict, b: dict) -> dict:
    """Two records of the same entity on the same list (with other citations): one summary."""
    out = dict(a)
    out["citations"] = sorted(set(a["citations"]) | set(b["citations"]))
    for k in ("federal_register_notice", "license_requirement", "license_policy", "start_date"):
        vals = sorted({v for v in (a[k], b[k]) if v})
        out[k] = " | ".join(vals) if vals else a[k]
    if b["status"] == "match":
        out["status"] = "match"
    return out


def found_by_key(results: list[dict]) -> dict[str, dict[str, dict]]:
    """{exhibitor: {entry key: summary}} of a screening's matches."""
    out: dict[str, dict[str, dict]] = {}
    for r in results:
        for m in r["matches"]:
            per = out.setdefault(r["exhibitor"], {})
            s = _summary(m)
            per[m["entry_key"]] = _merge(per[m["entry_key"]], s) if m["entry_key"] in per else s
    return out


def diff(old: dict[str, dict[str, dict]], new: dict[str, dict[str, dict]],
         names: dict[str, str]) -> list[dict]:
    """Matches added, removed and changed between two screenings, for the expo's exhibitors."""
    out = []
    for ex in sorted(names, key=lambda s: (names[s].casefold(), s)):
        before, after = old.get(ex, {}), new.get(ex, {})
        for key in sorted(set(before) | set(after)):
            b, a = before.get(key), after.get(key)
            if b is None:
                change, fields = "added", []
            elif a is None:
                change, fields = "removed", []
            else:
                fields = [f for f in COMPARED if b.get(f) != a.get(f)]
                if not fields:
                    continue
                change = "changed"
            out.append({"exhibitor": ex, "name": names[ex], "change": change, "entry_key": key,
                        "entry_name": (a or b)["entry_name"], "list": (a or b)["list"],
                        "list_code": (a or b).get("list_code", ""),
                        "fields": fields, "before": b, "after": a})
    return out


def _result(ex: dict, found, entries: dict[int, dict], info: dict, decisions: dict,
            policy: dict[str, list[dict]]) -> dict:
    matches = []
    for f in found:
        e = entries[f.entry]
        decision = decisions.get((ex["slug"], e["key"]))
        links, seen = [], set()
        for c in e["citations"]:
            for rec in policy.get(c, ()):
                if (rec["kind"], rec["slug"]) not in seen:
                    seen.add((rec["kind"], rec["slug"]))
                    links.append(rec)
        matches.append({
            "entry_name": e["name"], "list": e["source"], "list_code": e["list_code"],
            "federal_register_notice": e["federal_register_notice"], "citations": e["citations"],
            "start_date": e["start_date"] or None,
            "license_requirement": e["license_requirement"],
            "license_policy": e["license_policy"], "kind": f.kind, "score": f.score,
            "status": f.status, "matched_on": f.pairs, "alt_names": e["alt_names"],
            "entry_type": e["type"] or None, "countries": e["countries"],
            "source_list_url": e["source_list_url"], "list_date": e["list_date"],
            "entry_key": e["key"], "decision": decision, "policy_context": links})
    status = ("match" if any(m["status"] == "match" for m in matches)
              else "possible" if matches else "none")
    review = review_of({m["entry_key"]: m["status"] for m in matches}, ex["slug"], decisions)
    return {"exhibitor": ex["slug"], "name": ex["name"], "status": status, "matches": matches,
            "list_date": info["list_date"], "list_date_basis": info["date_basis"],
            "list_sha256": info["sha256"], "review": review}


def _match_rows(store: ScreeningStore, info: dict, exhibitors: list[dict], decisions: dict,
                policy: dict[str, list[dict]], few: bool) -> list[dict]:
    """Match exhibitor rows (slug, name, pinyin, aliases) against the stored list."""
    with closing(store.connect()) as conn:
        index = store.sql_index(conn) if few else store.memory_index()
        found = [match_exhibitor(index, exhibitor_names(ex["name"], ex.get("aliases") or [],
                                                        ex.get("pinyin")))
                 for ex in exhibitors]
        entries = store.entries({f.entry for fs in found for f in fs}, conn)
    return [_result(ex, fs, entries, info, decisions, policy)
            for ex, fs in zip(exhibitors, found)]


def _counts(results: list[dict]) -> dict:
    return {s: sum(r["status"] == s for r in results) for s in ("match", "possible", "none")}


def screen_rows(store: ScreeningStore, expo_slug: str, rows: list[dict], *, info: dict,
                decisions: dict, policy: dict[str, list[dict]]) -> Screening:
    """Screen a few exhibitors given as rows (``slug``, ``name``, ``pinyin``, ``aliases``):
    the window's badge, from the details it already holds, without a query on the expo.
    ``info`` is ``store.info()``, ``decisions`` those of ``decisions_for`` and ``policy``
    ``citation_records(expo)``, each read once by the caller."""
    results = _match_rows(store, info, rows, decisions, policy, few=len(rows) <= SQL_LOOKUP_MAX)
    scr = Screening(expo_slug, info, results)
    scr.counts = _counts(results)
    return scr


def screen_expo(expo: Expo, store: ScreeningStore, *, slugs=None, save: bool = True,
                compare: bool = True, decisions: dict | None = None) -> Screening:
    """Screen the expo's exhibitors (or only ``slugs``) against the stored list.

    ``save`` keeps this screening as the expo's last (whole-expo screenings only); ``compare``
    reports what changed since the expo's last screening against another list.
    ``decisions`` are the reviewers' (``decisions_for``: by default read from the user file
    beside the store).
    """
    info = store.info()
    if info is None:
        raise LookupError("no screening list is stored")
    slug = expo.meta().get("slug") or expo.path.stem
    exhibitors = _exhibitors(expo, slugs)
    policy = citation_records(expo)
    if decisions is None:
        decisions = decisions_for(store, slug)
    results = _match_rows(store, info, exhibitors, decisions, policy,
                          few=slugs is not None and len(exhibitors) <= SQL_LOOKUP_MAX)
    scr = Screening(slug, info, results)
    scr.counts = _counts(results)
    if slugs is None:
        new = found_by_key(results)
        last = store.last_screening(slug) if compare else None
        if last is not None and last[0]["list_sha256"] != info["sha256"]:
            scr.previous = last[0]
            scr.changes = diff(last[1], new, {r["exhibitor"]: r["name"] for r in results})
        if save:
            store.save_screening(slug, info, len(results), new)
    return scr


def review_of(statuses: dict[str, str], exhibitor: str,
              decisions: dict[tuple[str, str], dict]) -> str | None:
    """An exhibitor's review from its matches' statuses ({entry key: status}): "confirmed"
    when a reviewer confirmed a possible match, "cleared" when every possible match was
    cleared, else None (as ``review`` in a screening's result)."""
    reviewed = [decisions[(exhibitor, k)]["decision"] for k, st in statuses.items()
                if st == "possible" and (exhibitor, k) in decisions]
    if "confirmed" in reviewed:
        return "confirmed"
    if reviewed and len(reviewed) == sum(st == "possible" for st in statuses.values()):
        return "cleared"
    return None


def apply_decisions(result: dict, decisions: dict[tuple[str, str], dict]) -> dict:
    """One exhibitor's result with the reviewers' decisions as they are now (a copy; the
    matches and the list are as they were screened)."""
    out = dict(result)
    out["matches"] = [dict(m, decision=decisions.get((result["exhibitor"], m["entry_key"])))
                      for m in result["matches"]]
    out["review"] = review_of({m["entry_key"]: m["status"] for m in out["matches"]},
                              result["exhibitor"], decisions)
    return out


def directory_statuses(store: ScreeningStore, expo_slug: str, decisions: dict,
                       slugs=None) -> dict[str, tuple[str, str | None]] | None:
    """{exhibitor: (status, review)} from the expo's last screening against the stored
    list, for the exhibitors with a match or a possible match (all of them, or those of
    ``slugs``: a page of the directory); any other exhibitor had no entry found. None when
    the expo was not yet screened against the stored list."""
    saved = store.saved_matches(expo_slug, slugs)
    if saved is None:
        return None
    return {ex: ("match" if "match" in per.values() else "possible",
                 review_of(per, ex, decisions)) for ex, per in saved.items()}


def load_and_screen(expo: Expo, store: ScreeningStore, list_path: str | os.PathLike,
                    list_date: str | None = None, *, decisions: dict | None = None,
                    progress=None) -> Screening:
    """Check a list file, store it (unless it is the stored one), screen the expo, say what
    changed against the list it replaced. A bad file raises ``DataError``; nothing changes.

    ``progress(step)`` is told each step as it starts: "read" (reading and checking the
    file), "baseline" (screening against the list it replaces, when that was never done),
    "store" (keeping it), "screen" (screening the expo).
    """
    step = progress or (lambda _step: None)
    step("read")
    parsed = read_list(list_path, list_date)
    old = store.info()
    slug = expo.meta().get("slug") or expo.path.stem
    if decisions is None:
        decisions = decisions_for(store, slug)
    same = (old is not None and old["sha256"] == parsed.sha256
            and old["list_date"] == parsed.list_date and old["date_basis"] == parsed.date_basis)
    if old is not None and old["sha256"] != parsed.sha256:
        last = store.last_screening(slug)
        if last is None or last[0]["list_sha256"] != old["sha256"]:
            step("baseline")
            screen_expo(expo, store, compare=False, decisions=decisions)   # to compare with
    if not same:
        step("store")
        store.replace_list(parsed)
    step("screen")
    scr = screen_expo(expo, store, decisions=decisions)
    scr.loaded = {"file": str(parsed.path),
                  "replaced": old["list_date"] if old is not None and not same else None,
                  "unchanged": same, "duplicates": parsed.duplicates,
                  "stated_date": parsed.stated_date,
                  "search_performed_at": parsed.search_performed_at}
    return scr
