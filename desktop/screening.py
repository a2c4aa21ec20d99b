"""The U.S. Consolidated Screening List in the window: one state that the views follow.

One ``ScreeningState`` per window holds what the stored list says about this expo's
exhibitors: the list (its file, date and how it was dated), the results of the exhibitors
with a match or a possible match, and the reviewers' decisions (the user file). The badge
and the Screening tab of the details, the directory's column and filter, the marks on the
floor plan and the Sources view read it and follow its ``changed`` signal, as the panels
follow the one ``Selection``. It reaches the list only through ``db.screening`` and the
decisions through ``db.userdata``; screening the whole expo and loading a list run off the
UI thread (``run_in_background``).

The words of a screening in the interface language live here too: a match is a lead for a
compliance check, never a verdict; a possible match is "possible match: check"; a clear
non-match is "no entry found in the list of DATE", never "not listed".
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from db import screening as dbscreen
from db.errors import DataError
from db.expo import Expo, open_reader
from db.userdata import UserData

from .i18n import tr
from .jobs import runner_of, shared_runner
from .richtext import date_text, plain

log = logging.getLogger("wesemibay")

OFFICIAL_PAGE = dbscreen.OFFICIAL_PAGE
# The directory's filter: which statuses each choice keeps (see ``bucket``).
BUCKETS = ("listed", "possible", "none")


# ------------------------------------------------------------------ words
def list_date(info: dict | None) -> str:
    """The stored list's date as the interface language writes it ("31 July 2026")."""
    return date_text(info["list_date"], "day") if info else ""


def status_text(status: str, review: str | None, info: dict | None) -> str:
    """An exhibitor's screening status in full words (the badge, tooltips)."""
    if status == "match":
        return tr("Match on the U.S. screening list")
    if status == "possible":
        if review == "confirmed":
            return tr("Possible match, confirmed by a reviewer")
        if review == "cleared":
            return tr("Possible match, cleared by a reviewer")
        return tr("Possible match: check")
    return tr("No entry found in the list of {date}").format(date=list_date(info))


def column_text(status: str, review: str | None) -> str:
    """The directory's short word for a status (its tooltip says it in full)."""
    if status == "match":
        return tr("match")
    if status == "possible":
        return {"confirmed": tr("confirmed"), "cleared": tr("cleared")}.get(
            review or "", tr("possible"))
    return tr("none found")


def entry_status_text(status: str) -> str:
    """How one matched entry is introduced: a match, or a possible match to check."""
    return tr("Match") if status == "match" else tr("Possible match, to check")


def entry_heading(m: dict) -> str:
    """One matched entry's heading: "Match — Shenzhen SiCarrier Technologies Co., Ltd."."""
    return tr("{status} — {entry}").format(status=entry_status_text(m["status"]),
                                          entry=plain(m["entry_name"]))


def bucket(status: str, review: str | None) -> str:
    """The directory filter's group: "listed" (a match, or a possible match a reviewer
    confirmed), "possible" (the other possible matches) or "none" (no entry found)."""
    if status == "match" or (status == "possible" and review == "confirmed"):
        return "listed"
    return "possible" if status == "possible" else "none"


def basis_text(info: dict) -> str:
    """How the stored list was dated, in words."""
    basis = info.get("date_basis")
    if basis == "search_performed_at":
        return tr("the date the file gives (search_performed_at)")
    if basis == "stated":
        return tr("the date you gave when loading it")
    return tr("the file's modification date, which may be the day it was copied rather than "
              "the day the list was made")


def kind_text(kind: str, score: float, entry_field: str = "alt_names") -> str:
    """How a name matched: the kinds of ``db.screening.names`` (an alias found in the
    entry's own name is its short name in parentheses: "… Corporation (SMIC)")."""
    if kind == "exact":
        return tr("the entry's name")
    if kind == "alias":
        return tr("the short name in the entry's name") if entry_field == "name" \
            else tr("one of the entry's other names")
    if kind == "normalised":
        return tr("the entry's name once legal forms and punctuation are set aside")
    return tr("similar distinctive words, score {score}: check").format(score=f"{score:.2f}")


def matched_text(m: dict, most: int = 3) -> str:
    """How the exhibitor's names matched an entry: each pair of names once, strongest first."""
    seen, out = set(), []
    for p in m["matched_on"]:
        key = (p["exhibitor_text"], p["entry_text"])
        if key in seen:
            continue
        seen.add(key)
        out.append(tr("“{ours}” matches “{theirs}”, {how}").format(
            ours=plain(p["exhibitor_text"]), theirs=plain(p["entry_text"]),
            how=kind_text(p["kind"], p["score"], p.get("entry_field", "alt_names"))))
    return "; ".join(out[:most])


def caveat() -> str:
    return tr("A list match is a lead for a compliance check, not a determination: names can "
              "be shared by different firms or written differently for the same firm, and "
              "your copy of the list is dated.")


def where_text() -> str:
    return tr("The program never downloads the list. Get consolidated.json (it says when it "
              "was made) or consolidated.csv from {url} and choose it below.").format(
        url=OFFICIAL_PAGE)


def copy_text(info: dict) -> str:
    """Which copy of the list a screening comes from, its date and how it was dated."""
    return tr("Your copy of the U.S. Consolidated Screening List ({file}, {n} entries), "
              "dated {date} by {basis}.").format(date=list_date(info), basis=basis_text(info),
                                              file=plain(info["file_name"]),
                                              n=f"{info['entries']:,}")


def entry_line(m: dict) -> str:
    """One matched entry in a line: its name, list, citations, licence policy, review."""
    bits = [plain(m["list"])]
    cites = ", ".join(m["citations"]) or m["federal_register_notice"]
    if cites:
        bits.append(plain(cites))
    if m["license_policy"]:
        bits.append(tr("licence policy: {policy}").format(policy=plain(m["license_policy"])))
    dec = m.get("decision")
    if dec:
        word = tr("confirmed by a reviewer") if dec["decision"] == "confirmed" \
            else tr("cleared by a reviewer")
        bits.append(word + (f" ({plain(dec['note'])})" if dec.get("note") else ""))
    return f"{entry_heading(m)} ({'; '.join(bits)})"


def sheet_lines(plan) -> list[tuple[int, str]]:
    """The route sheet's Screening section in the interface language, in the order of
    ``db.plan_export.screening_section``: (0, paragraph), (1, exhibitor), (2, entry)."""
    scr = getattr(plan, "screening", None)
    if scr is None:
        return []
    out = [(0, copy_text(scr.info)), (0, caveat())]
    by_slug = {r["exhibitor"]: r for r in scr.results}
    order = list(dict.fromkeys(x for s in plan.stops for x in s.exhibitors)) or sorted(by_slug)
    for slug in order:
        r = by_slug.get(slug)
        if r is None:
            continue
        out.append((1, f"{plain(r['name'])}: {status_text(r['status'], r['review'], scr.info)}"))
        out += [(2, entry_line(m)) for m in r["matches"]]
    return out


# ------------------------------------------------------- background work
def run_in_background(owner: QObject, work, *, done, failed, progress=None):
    """Run ``work(progress)`` on the runner of the window ``owner`` belongs to
    (``desktop.jobs``); ``done(result)``, ``failed(exception)`` and ``progress(step)`` are
    called on the UI thread while ``owner`` lives (a window closed while its job runs gets
    no call). A bug is logged by the runner and reaches ``failed`` as its one line."""
    from shiboken6 import Shiboken

    runner = runner_of(owner) or shared_runner()

    def alive() -> bool:
        return Shiboken.isValid(owner)

    def on_done(result) -> None:
        if alive():
            done(result)

    def on_failed(line: str, exc: BaseException) -> None:
        if alive():
            failed(exc if isinstance(exc, DataError) else DataError(line))

    def on_progress(_fraction: float, step: str) -> None:
        if progress is not None and alive():
            progress(step)

    return runner.submit(lambda task: work(lambda step: task.progress(0.0, step)),
                         name="screening", done=on_done, failed=on_failed,
                         progress=on_progress)


# ------------------------------------------------------------------ state
class ScreeningState(QObject):
    """The stored list and what it says about this expo (see the module's doc)."""
    changed = Signal()                 # the list, the screening or a decision changed
    busy = Signal(bool)                # a screening or a load runs in the background
    message = Signal(str)              # one line for the status bar
    loadRequested = Signal()           # a view asks for File ▸ Load screening list…

    def __init__(self, expo: Expo, user: UserData, parent=None):
        super().__init__(parent)
        self.expo = expo
        self.user = user
        self.expo_slug = expo.slug
        self.store = dbscreen.ScreeningStore.in_dir(user.path.parent)
        self.info: dict | None = None
        self.error: str | None = None          # why the stored list cannot be read
        self.results: dict[str, dict] = {}     # exhibitors with a (possible) match
        self.screened = False                  # results cover the whole expo, this list
        self.decisions: dict[tuple[str, str], dict] = {}
        self._none: set[str] = set()           # screened one by one: no entry found
        self._statuses: dict[str, tuple[str, str | None]] | None = None
        self._statuses_read = False
        self._policy: dict | None = None
        self._job = None                   # the running job (desktop.jobs.Job)
        self._queue: list[tuple] = []
        self._read_info()
        self._move_decisions()
        self._read_decisions()

    # ------------------------------------------------------------ reading
    def has_list(self) -> bool:
        return self.info is not None

    def running(self) -> bool:
        return self._job is not None

    def _read_info(self) -> None:
        self.error = None
        try:
            self.info = self.store.info()
        except DataError as exc:
            self.info, self.error = None, str(exc)
            log.warning("screening list: %s", exc)

    def _move_decisions(self) -> None:
        """Decisions the store kept before the user file had a table for them: moved once."""
        if self.error or self.user.readonly_reason:
            return
        try:
            moved = dbscreen.move_decisions(self.store, self.user)
        except DataError as exc:
            log.warning("screening decisions not moved to the user file: %s", exc)
            return
        if moved:
            log.info("moved %d screening decisions from the store to the user file", moved)

    def _read_decisions(self) -> None:
        try:
            self.decisions = dbscreen.decisions_for(self.store, self.expo_slug, self.user) \
                if self.info is not None else {}
        except DataError as exc:
            log.warning("screening decisions: %s", exc)
            self.decisions = {}

    def policy(self) -> dict:
        """Citation -> the expo's events and topics whose sources carry it (read once)."""
        if self._policy is None:
            self._policy = dbscreen.citation_records(self.expo)
        return self._policy

    def result(self, exhibitor: dict) -> dict | None:
        """What the list says about one exhibitor (a row with slug, name, pinyin, aliases:
        the details' ``ExhibitorView.exhibitor``), or None without a list. From the whole
        expo's screening once it is done (no query); before, screened on the spot."""
        if self.info is None:
            return None
        slug = exhibitor["slug"]
        if slug in self.results:
            return self.results[slug]
        if self.screened or slug in self._none:
            return self._none_result(slug, exhibitor.get("name", slug))
        try:
            scr = dbscreen.screen_rows(self.store, self.expo_slug, [exhibitor], info=self.info,
                                       decisions=self.decisions, policy=self.policy())
        except DataError as exc:
            self.error = str(exc)
            return None
        res = scr.results[0]
        if res["matches"]:
            self.results[slug] = res
        else:
            self._none.add(slug)
        return res

    def _none_result(self, slug: str, name: str) -> dict:
        return {"exhibitor": slug, "name": name, "status": "none", "matches": [],
                "list_date": self.info["list_date"], "list_date_basis": self.info["date_basis"],
                "list_sha256": self.info["sha256"], "review": None}

    def statuses(self) -> dict[str, tuple[str, str | None]] | None:
        """{slug: (status, review)} of the exhibitors with a (possible) match; any other
        exhibitor had no entry found (``db.screening.directory_statuses``, which answers
        for a page of slugs too). None without a list, or while the expo was not yet
        screened against it."""
        if self.info is None:
            return None
        if not self._statuses_read:
            try:
                got = dbscreen.directory_statuses(self.store, self.expo_slug, self.decisions)
            except DataError as exc:
                log.warning("screening statuses: %s", exc)
                got = None
            if got is None and self.screened:   # the store could not keep the screening
                got = {s: (r["status"], r["review"]) for s, r in self.results.items()}
            self._statuses, self._statuses_read = got, True
        return self._statuses

    def status_of(self, slug: str) -> tuple[str, str | None] | None:
        """(status, review) of one exhibitor; None while it is not known."""
        got = self.statuses()
        if got is None:
            return None
        return got.get(slug, ("none", None))

    def marked(self) -> dict[str, str]:
        """{slug: "listed" | "possible"} of the exhibitors to mark on the floor plan: those
        with a match or a confirmed possible match, and those with a possible match no
        reviewer cleared."""
        out = {}
        for slug, (status, review) in (self.statuses() or {}).items():
            b = bucket(status, review)
            if b == "listed" or (b == "possible" and review != "cleared"):
                out[slug] = b
        return out

    # ---------------------------------------------------------- screening
    def screen_in_background(self) -> None:
        """Screen the whole expo against the stored list (at start and after a decision
        elsewhere): the results, the directory's statuses and the marks follow."""
        if self.info is None:
            return
        path, store, decisions = self.expo.path, self.store, dict(self.decisions)

        def work(_progress):
            with open_reader(path) as expo:
                scr = dbscreen.screen_expo(expo, store, save=False, compare=True,
                                           decisions=decisions)
            try:
                store.save_screening(scr.expo, scr.info, len(scr.results),
                                     dbscreen.found_by_key(scr.results))
            except DataError as exc:      # a read-only data folder: the window still shows it
                log.warning("screening not kept in the store: %s", exc)
            return scr
        self._run(work, self._screened, self._screen_failed)

    def _screened(self, scr) -> None:
        self._apply(scr)
        if scr.changes:
            counts = {k: sum(ch["change"] == k for ch in scr.changes)
                      for k in ("added", "removed", "changed")}
            self.message.emit(tr(
                "The screening list changed since this expo was last screened (list of "
                "{before}): matches added: {added}, removed: {removed}, changed: {changed}.").format(
                before=date_text(scr.previous["list_date"], "day"), **counts))

    def _screen_failed(self, exc) -> None:
        self.error = str(exc)
        self.message.emit(tr("Screening failed: {reason}").format(reason=str(exc)))
        self.changed.emit()

    def _apply(self, scr) -> None:
        """A whole-expo screening arrived (from a load or the start-up screening)."""
        self.info = scr.info
        self.error = None
        self._read_decisions()
        self.results = {r["exhibitor"]: dbscreen.apply_decisions(r, self.decisions)
                        for r in scr.results if r["matches"]}
        self._none = set()
        self.screened = True
        self._statuses_read = False
        self.changed.emit()

    def load(self, list_path: str, list_date: str | None, *, done, failed,
             progress=None) -> None:
        """Check and store a list file, then screen the expo against it (off the UI thread).
        ``done(screening)`` gets ``db.screening.Screening`` with what changed; ``failed(exc)``
        a ``DataError`` with one line for a bad file (nothing was changed)."""
        path, store, decisions = self.expo.path, self.store, dict(self.decisions)

        def work(step):
            with open_reader(path) as expo:
                return dbscreen.load_and_screen(expo, store, list_path, list_date,
                                                decisions=decisions, progress=step)

        def finished(scr) -> None:
            self._policy = None
            self._apply(scr)
            done(scr)

        def went_wrong(exc) -> None:
            self._read_info()                 # unchanged: the store is as it was
            failed(exc)
        self._run(work, finished, went_wrong, progress)

    def _run(self, work, done, failed, progress=None) -> None:
        """One job at a time (a load waits for the start-up screening, and so on)."""
        if self._job is not None:
            self._queue.append((work, done, failed, progress))
            return
        self.busy.emit(True)

        def finish(callback):
            def call(value) -> None:
                self._job = None
                try:
                    callback(value)
                finally:
                    if self._queue:
                        self._run(*self._queue.pop(0))
                    else:
                        self.busy.emit(False)
            return call
        self._job = run_in_background(self, work, done=finish(done), failed=finish(failed),
                                      progress=progress)

    def wait(self, msecs: int = 10000) -> bool:
        """Wait for the running job's thread (tests, closing); its signals still need the
        event loop."""
        job = self._job
        return job is None or job.wait(msecs / 1000)

    # ---------------------------------------------------------- decisions
    def set_decision(self, slug: str, match: dict, decision: str | None, note: str = "") -> None:
        """A reviewer's decision on one matched entry (``DataError`` when the user file
        cannot take it: nothing changed)."""
        dbscreen.set_decision(self.user, self.store, self.expo_slug, slug, match["entry_key"],
                              decision, note, match["entry_name"])
        self._read_decisions()
        if slug in self.results:
            self.results[slug] = dbscreen.apply_decisions(self.results[slug], self.decisions)
        self._statuses_read = False
        self.changed.emit()
