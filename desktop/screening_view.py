"""The screening list on screen: the badge on an exhibitor's details, the review of a
possible match, File ▸ Load screening list…, the marks on the plan and the Sources entry.

Everything here reads ``desktop.screening.ScreeningState`` (one per window) and follows its
``changed`` signal; rich text is built from escaped parts (``desktop.richtext``). What a
list says is shown beside the expo's own sourced facts, each with its date: the badge says
which copy of the list it comes from and when that copy was made, and never replaces the
summary, the sources or the Policy context.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QDateEdit, QDialog, QDialogButtonBox,
                               QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QProgressBar, QPushButton, QRadioButton, QVBoxLayout, QWidget)

from db import screening as dbscreen
from db.errors import DataError

from . import theme
from .floorplan.screening_marks import ScreeningMarksItem
from .i18n import tr
from .richtext import (LABEL, PARAGRAPH, TEXT, attr, date_text, esc, plain, plain_label,
                       set_plain)
from .screening import (OFFICIAL_PAGE, ScreeningState, basis_text, bucket, caveat,
                        column_text, copy_text, entry_heading, list_date, matched_text,
                        status_text, where_text)
from .selection import Reason



def _step_word(step: str) -> str:
    """What a load is doing (the steps of ``db.screening.load_and_screen``)."""
    return {"read": tr("Reading and checking the list…"),
            "baseline": tr("Screening against the list it replaces…"),
            "store": tr("Storing the list…"),
            "screen": tr("Screening the exhibitors…")}.get(step, step)


def _field_word(name: str) -> str:
    return {"status": tr("status"), "kind": tr("kind of match"),
            "citations": tr("Federal Register citations"),
            "federal_register_notice": tr("Federal Register text"),
            "license_requirement": tr("licence requirement"),
            "license_policy": tr("licence policy"), "start_date": tr("start date"),
            "list": tr("list")}.get(name, name)


def _screened_names(ex: dict) -> list[str]:
    names = [ex.get("name")] + list(ex.get("aliases") or []) + [ex.get("pinyin")]
    return [n for n in dict.fromkeys(n for n in names if n)]


# ------------------------------------------------------------------ badge
class DetailBadge(QObject):
    """What the stored list says about the exhibitor on the details (``DetailPanel.
    set_badge``): a short badge under its facts, the entries in full below its summary,
    and the review of a possible match (confirmed or cleared, with a note)."""
    changed = Signal()

    def __init__(self, state: ScreeningState, selection, parent=None):
        super().__init__(parent)
        self.state = state
        self.selection = selection
        self.review_dialog: ReviewDialog | None = None
        state.changed.connect(self.changed)

    # -------------------------------------------------------------- badge
    def html(self, view) -> str:
        """The badge: the status, the strongest entry and the list's date (or nothing
        without a list)."""
        state = self.state
        if state.info is None:
            if state.error:
                return "<p class='error'>" + esc(tr("Screening list: {reason}").format(
                    reason=state.error), PARAGRAPH) + "</p>"
            return ""
        res = state.result(view.exhibitor)
        if res is None:
            return "<p class='error'>" + esc(tr("Screening list: {reason}").format(
                reason=state.error or "?"), PARAGRAPH) + "</p>"
        head = status_text(res["status"], res["review"], state.info)
        if res["status"] == "none":
            return ("<table width='100%' border='1' cellspacing='0' cellpadding='5' "
                    "style='margin-top:6px; border-style:solid'><tr><td>"
                    f"<b>{esc(head, PARAGRAPH)}</b><br><span class='muted'>"
                    + esc(tr("U.S. Consolidated Screening List (your copy); names screened: "
                             "{names}.").format(names=", ".join(
                                 _screened_names(view.exhibitor))), PARAGRAPH)
                    + "</span></td></tr></table>")
        first = res["matches"][0]
        mark = "■ " if res["status"] == "match" else "▲ "
        cls = " class='error'" if bucket(res["status"], res["review"]) == "listed" else ""
        out = ("<table width='100%' border='1' cellspacing='0' cellpadding='5' "
               "style='margin-top:6px; border-style:solid'><tr><td>"
               f"<b{cls}>{esc(mark + head, PARAGRAPH)}</b><br>"
               f"<b>{esc(first['entry_name'], PARAGRAPH)}</b> — {esc(first['list'], PARAGRAPH)}")
        cites = ", ".join(first["citations"]) or first["federal_register_notice"]
        if cites:
            out += f"<br>{esc(tr('Federal Register'))}: {esc(cites, PARAGRAPH)}"
        for label, value in ((tr("Licence requirement"), first["license_requirement"]),
                             (tr("Licence policy"), first["license_policy"])):
            if value:
                out += f"<br>{esc(label)}: {esc(value, PARAGRAPH)}"
        more = len(res["matches"]) - 1
        if more:
            out += "<br>" + esc(tr("One more entry below.") if more == 1 else
                                tr("{n} more entries below.").format(n=more))
        out += ("<br><span class='muted'>" + esc(tr(
            "From your copy of the U.S. screening list of {date}: a lead for a compliance "
            "check, not a determination.").format(date=list_date(state.info)), PARAGRAPH)
                + f" <a href='screening:details'>{esc(tr('Details below'))}</a></span>"
                "</td></tr></table>")
        return out

    # ------------------------------------------------------------ details
    def details_html(self, view) -> str:
        """The entries in full, their policy context, the review, the list and its date."""
        state = self.state
        if state.info is None:
            return ""
        res = state.result(view.exhibitor)
        if res is None:
            return ""
        info = state.info
        out = ("<a name='screening'></a><h3>" + esc(tr("U.S. screening list")) + "</h3>")
        if not res["matches"]:
            out += "<p>" + esc(tr(
                "No entry found in the list of {date} for the names {names}. That says only "
                "that your copy of the list has no entry under these names; it is not a "
                "clearance.").format(date=list_date(info), names=", ".join(
                    f"“{n}”" for n in _screened_names(view.exhibitor))), PARAGRAPH) + "</p>"
        for i, m in enumerate(res["matches"]):
            out += self._entry_html(i, m, view)
        linked = {ln["citation"] for m in res["matches"] for ln in m.get("policy_context") or []}
        unlinked = [c for c in dict.fromkeys(c for m in res["matches"] for c in m["citations"])
                    if c not in linked]
        if unlinked:
            out += "<p class='muted'>" + esc(tr(
                "No event or topic of this expo cites {cites}; the expo's own policy links "
                "are under Policy context.").format(cites=", ".join(unlinked)), PARAGRAPH) + "</p>"
        if view.exhibitor.get("name_zh"):
            out += "<p class='muted'>" + esc(tr(
                "The list is written in Latin script: the Chinese name {name} is screened "
                "only through the Latin names above.").format(name=view.exhibitor["name_zh"]),
                PARAGRAPH) + "</p>"
        out += "<p class='muted'>" + esc(copy_text(info), PARAGRAPH) + " " + esc(
            tr("Official list: {url} (never fetched by this program; load a newer copy with "
               "Load screening list… in the File menu).").format(url=OFFICIAL_PAGE),
            PARAGRAPH) + "</p>"
        out += "<p class='muted'>" + esc(caveat(), PARAGRAPH) + " " + esc(tr(
            "The expo's own sourced facts above (summary, sources, Policy context) keep "
            "their own dates; the list does not replace them."), PARAGRAPH) + "</p>"
        return out

    def _entry_html(self, i: int, m: dict, view) -> str:
        rows = [(tr("List"), m["list"])]
        cites = ", ".join(m["citations"])
        rows.append((tr("Federal Register"), cites or m["federal_register_notice"]
                     or tr("none given")))
        rest = m["federal_register_notice"] or ""
        for c in m["citations"]:
            rest = rest.replace(c, "")
        if cites and re.search(r"\w", rest):     # dates, issue numbers, a cut-off citation
            rows.append((tr("as the list writes it"), m["federal_register_notice"]))
        rows.append((tr("Listed since"), date_text(m["start_date"], "day")
                     if m["start_date"] else tr("not given in this list")))
        rows.append((tr("Licence requirement"), m["license_requirement"] or tr("none given")))
        rows.append((tr("Licence policy"), m["license_policy"] or tr("none given")))
        if m.get("alt_names"):
            rows.append((tr("Other names in the list"), "; ".join(m["alt_names"])))
        if m.get("countries"):
            rows.append((tr("Countries"), ", ".join(m["countries"])))
        rows.append((tr("Matched"), matched_text(m)))
        if m.get("list_date") and m["list_date"] != self.state.info["list_date"]:
            rows.append((tr("This list updated"), date_text(m["list_date"], "day")))
        if m.get("source_list_url"):
            rows.append((tr("Source list"), m["source_list_url"]))
        head = entry_heading(m)
        out = f"<p style='margin:8px 0 2px 0'><b>{esc(head, PARAGRAPH)}</b></p>"
        out += "<table cellspacing=2>" + "".join(
            f"<tr><td class='muted'>{esc(k)}</td><td>{esc(v, PARAGRAPH)}</td></tr>"
            for k, v in rows) + "</table>"
        out += self._policy_html(m)
        if m["status"] == "possible":
            out += self._review_html(i, m)
        return out

    def _policy_html(self, m: dict) -> str:
        """The expo's events and topics that cite the same Federal Register notice."""
        links = m.get("policy_context") or []
        if not links:
            return ""
        out = "<p style='margin:4px 0 2px 0'>" + esc(tr(
            "Policy context (the expo's records citing the same notice):")) + "</p><ul>"
        for ln in links:
            label = tr("Event") if ln["kind"] == "event" else tr("Topic")
            when = date_text(ln.get("date"), ln.get("date_precision"))
            out += (f"<li><a href='screening:{attr(ln['kind'])}:{attr(ln['slug'])}'>"
                    f"{esc(label)}: {esc(ln['title'])}</a>"
                    + (f" ({esc(when)})" if when else "")
                    + f" — {esc(ln['citation'])}<br><b>{esc(tr('Why it matters'))}:</b> "
                    f"{esc(ln['why'], TEXT)}</li>")
        return out + "</ul>"

    def _review_html(self, i: int, m: dict) -> str:
        dec = m.get("decision")
        if dec is None:
            return (f"<p style='margin:2px 0'><a href='screening:review:{i}'>"
                    + esc(tr("Review: confirm or clear this possible match…")) + "</a></p>")
        word = tr("Confirmed by a reviewer") if dec["decision"] == "confirmed" \
            else tr("Cleared by a reviewer")
        when = date_text((dec.get("decided_at") or "")[:10], "day")
        text = tr("{word} on {date}").format(word=word, date=when) if when else word
        if dec.get("list_date"):
            text += " " + tr("(against the list of {date})").format(
                date=date_text(dec["list_date"], "day"))
        out = f"<p style='margin:2px 0'><b>{esc(text, PARAGRAPH)}</b>"
        if dec.get("note"):
            out += f": {esc(dec['note'], PARAGRAPH)}"
        return out + (f" <a href='screening:review:{i}'>{esc(tr('Change…'))}</a></p>")

    # -------------------------------------------------------------- links
    def link(self, url: str, view, browser=None) -> bool:
        """A link in the details: review an entry, jump to the details, open an event or
        topic in the Policy view. False for a link that is not the badge's."""
        if not url.startswith("screening:") or view is None:
            return False
        what = url.split(":", 2)[1:]
        if what[0] == "details" and browser is not None:
            browser.scrollToAnchor("screening")
        elif what[0] == "review" and len(what) == 2 and what[1].isdigit():
            res = self.state.result(view.exhibitor)
            i = int(what[1])
            if res is not None and i < len(res["matches"]):
                self.open_review(view, res["matches"][i])
        elif what[0] in ("event", "topic") and len(what) == 2:
            self.selection.highlight(what[0], what[1], reason=Reason.LINK)
        return True

    def open_review(self, view, match: dict) -> "ReviewDialog":
        parent = self.parent() if isinstance(self.parent(), QWidget) else None
        dlg = ReviewDialog(self.state, view.exhibitor, match, parent)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.open()
        self.review_dialog = dlg
        return dlg


class ReviewDialog(QDialog):
    """Confirm or clear a possible match, with a note (kept in the user file)."""

    def __init__(self, state: ScreeningState, exhibitor: dict, match: dict, parent=None):
        super().__init__(parent)
        self.state = state
        self.slug = exhibitor["slug"]
        self.match = match
        self.setWindowTitle(tr("Review a possible match"))
        self.resize(520, 380)
        lay = QVBoxLayout(self)
        for text in (tr("Exhibitor: {name}").format(name=plain(exhibitor.get("name"))),
                     tr("Entry: {name} ({list})").format(name=plain(match["entry_name"]),
                                                         list=plain(match["list"])),
                     tr("Federal Register: {cites}").format(
                         cites=", ".join(match["citations"]) or tr("none given")),
                     tr("Matched: {how}").format(how=matched_text(match)),
                     tr("A possible match is a likeness of names, not a finding: check the "
                        "address, the parent company or the documents before you decide.")):
            label = plain_label(text, PARAGRAPH)
            label.setWordWrap(True)
            lay.addWidget(label)
        self.confirm = QRadioButton(tr("Confirmed: the exhibitor is this listed party"))
        self.clear = QRadioButton(tr("Cleared: the exhibitor is a different party"))
        group = QButtonGroup(self)
        group.addButton(self.confirm)
        group.addButton(self.clear)
        lay.addWidget(self.confirm)
        lay.addWidget(self.clear)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(tr("Why (e.g. the address, the parent company or the "
                                        "document you checked)"))
        self.note.setAccessibleName(tr("Reviewer's note"))
        lay.addWidget(self.note, 1)
        hint = QLabel(tr("The decision is kept in your user file with the date of the list "
                         "it was made on; it stays when the expo is screened again or a newer "
                         "list is loaded."))
        hint.setWordWrap(True)
        theme.caption(hint)
        lay.addWidget(hint)
        self.error = plain_label("")
        self.error.setWordWrap(True)
        theme.error_text(self.error)
        self.error.hide()
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.undo_button = None
        dec = match.get("decision")
        if dec is not None:
            (self.confirm if dec["decision"] == "confirmed" else self.clear).setChecked(True)
            self.note.setPlainText(dec.get("note") or "")
            self.undo_button = buttons.addButton(tr("Take the decision back"),
                                                 QDialogButtonBox.ButtonRole.DestructiveRole)
            self.undo_button.clicked.connect(lambda: self._write(None))
        self.save_button.setEnabled(dec is not None)
        group.buttonToggled.connect(lambda *_: self.save_button.setEnabled(True))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def save(self) -> None:
        if self.confirm.isChecked() or self.clear.isChecked():
            self._write("confirmed" if self.confirm.isChecked() else "cleared")

    def _write(self, decision: str | None) -> None:
        try:
            self.state.set_decision(self.slug, self.match, decision, self.note.toPlainText())
        except DataError as exc:
            set_plain(self.error, tr("Not saved: {reason}").format(reason=str(exc)), PARAGRAPH)
            self.error.show()
            return
        self.accept()


# ------------------------------------------------------------ load dialog
class LoadDialog(QDialog):
    """File ▸ Load screening list…: where the list comes from, the file, its date, the
    progress, and a summary of what changed. A bad file: one line here, nothing changed."""

    def __init__(self, state: ScreeningState, parent=None):
        super().__init__(parent)
        self.state = state
        self.result = None             # db.screening.Screening once loaded
        self.failure: str | None = None
        self.setWindowTitle(tr("Load a screening list"))
        self.resize(680, 560)
        lay = QVBoxLayout(self)
        intro = QLabel(tr("Screen every exhibitor against the U.S. Consolidated Screening List "
                          "(the Entity List, the Military End User, Unverified and Denied "
                          "Persons lists, the Treasury's SDN and CMIC lists and others)."))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.where = plain_label(where_text() + " " + tr(
            "Your copy is kept, dated, so that screening works offline; load a newer copy to "
            "replace it."), PARAGRAPH)
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.where)
        self.stored = plain_label("", PARAGRAPH)
        self.stored.setWordWrap(True)
        self.stored.setObjectName("storedList")
        lay.addWidget(self.stored)

        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText(tr("consolidated.json or consolidated.csv"))
        self.path.setAccessibleName(tr("Screening list file"))
        self.path.textChanged.connect(self._path_changed)
        self.choose_button = QPushButton(tr("Choose…"))
        self.choose_button.clicked.connect(self.choose)
        row.addWidget(self.path, 1)
        row.addWidget(self.choose_button)
        lay.addLayout(row)
        self.date_note = plain_label("", PARAGRAPH)
        self.date_note.setWordWrap(True)
        lay.addWidget(self.date_note)
        drow = QHBoxLayout()
        self.state_date = QCheckBox(tr("The list's date:"))
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setDate(QDate.currentDate())
        self.date.setAccessibleName(tr("The list's date"))
        self.date.setEnabled(False)
        self.state_date.toggled.connect(self.date.setEnabled)
        drow.addWidget(self.state_date)
        drow.addWidget(self.date)
        drow.addStretch(1)
        self.date_row = QWidget()
        self.date_row.setLayout(drow)
        self.date_row.hide()
        lay.addWidget(self.date_row)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        lay.addWidget(self.progress)
        self.status = plain_label("", PARAGRAPH)
        self.status.setWordWrap(True)
        self.status.setObjectName("loadStatus")
        lay.addWidget(self.status)
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setAccessibleName(tr("What changed"))
        self.summary.hide()
        lay.addWidget(self.summary, 1)
        lay.addStretch(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.load_button = buttons.addButton(tr("Load and screen"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.load_button.setEnabled(False)
        buttons.accepted.connect(self.load)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self._show_stored()

    def _show_stored(self) -> None:
        info = self.state.info
        if info is not None:
            text = tr("Stored now. {copy} Loaded {when}.").format(
                copy=copy_text(info), when=date_text((info.get("loaded_at") or "")[:10], "day"))
        elif self.state.error:
            text = tr("The stored list cannot be read: {reason}").format(reason=self.state.error)
        else:
            text = tr("No screening list is stored yet.")
        set_plain(self.stored, text, PARAGRAPH)

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Choose a screening list"), str(Path.home()),
            tr("Screening lists (*.json *.csv *.tsv *.txt);;All files (*)"))
        if path:
            self.path.setText(path)

    def _path_changed(self, text: str) -> None:
        path = Path(text.strip()) if text.strip() else None
        self.load_button.setEnabled(path is not None and path.is_file()
                                    and not self.state.running())
        self.date_row.hide()
        if path is None or not path.is_file():
            set_plain(self.date_note, "")
            return
        given = dbscreen.peek_date(path)
        if given:
            set_plain(self.date_note, tr("This file gives its own date: {date} "
                                         "(search_performed_at); that date is used.").format(
                date=date_text(given, "day")), PARAGRAPH)
            return
        mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).date()
        set_plain(self.date_note, tr(
            "This file does not say when the list was made (a CSV never does). Give the date "
            "you downloaded it or the date trade.gov shows for it; without one, the file's "
            "modification date ({date}) is used, which may be the day the file was copied.")
            .format(date=date_text(mtime.isoformat(), "day")), PARAGRAPH)
        self.date.setDate(QDate(mtime.year, mtime.month, mtime.day))
        self.date_row.show()

    def stated_date(self) -> str | None:
        if self.date_row.isHidden() or not self.state_date.isChecked():
            return None
        return self.date.date().toString("yyyy-MM-dd")

    def load(self) -> None:
        path = self.path.text().strip()
        if not path:
            return
        self.failure = None
        self.result = None
        self.load_button.setEnabled(False)
        self.summary.hide()
        self.progress.show()
        theme.error_text(self.status, False)
        set_plain(self.status, _step_word("read"))
        self.state.load(path, self.stated_date(), done=self._done, failed=self._failed,
                        progress=self._step)

    def _step(self, step: str) -> None:
        set_plain(self.status, _step_word(step))

    def _failed(self, exc) -> None:
        self.progress.hide()
        self.failure = str(exc) if isinstance(exc, DataError) else tr(
            "The list could not be loaded because of an error in the program; details are in "
            "the log.")
        theme.error_text(self.status, True)
        set_plain(self.status, tr("Not loaded: {reason}. Nothing was changed.").format(
            reason=self.failure), PARAGRAPH)
        self.load_button.setEnabled(True)

    def _done(self, scr) -> None:
        self.progress.hide()
        self.result = scr
        theme.error_text(self.status, False)
        set_plain(self.status, tr("Loaded."))
        self.summary.setPlainText(summary_text(scr, self.state.expo.meta().get("name")
                                               or self.state.expo_slug))
        self.summary.show()
        self._show_stored()


def summary_text(scr, expo_name: str) -> str:
    """What a load did, in plain words: the list, its date, the counts, what changed."""
    info, loaded = scr.info, scr.loaded or {}
    lines = []
    if loaded.get("unchanged"):
        lines.append(tr("This file is the stored list; it was kept as it is."))
    else:
        lines.append(tr("Stored {file} as your screening list: the list of {date}, dated by "
                        "{basis}.").format(file=Path(loaded.get("file", "")).name,
                                           date=list_date(info), basis=basis_text(info)))
    if loaded.get("replaced"):
        lines.append(tr("It replaces the list of {date}.").format(
            date=date_text(loaded["replaced"], "day")))
        if loaded["replaced"] > info["list_date"]:
            lines.append(tr("Note: this list is older than the one it replaced."))
    if loaded.get("duplicates"):
        lines.append(tr("{n} identical duplicate records were kept once.").format(
            n=loaded["duplicates"]))
    stated = loaded.get("stated_date")
    if stated and info["date_basis"] == "search_performed_at" and stated != info["list_date"]:
        lines.append(tr("The file dates itself; the date you gave ({date}) was not used.")
                     .format(date=date_text(stated, "day")))
    c = scr.counts
    lines.append(tr("{expo}: {n} exhibitors screened: {match} with a match, {possible} with a "
                    "possible match to check, {none} with no entry found in the list of "
                    "{date}.").format(expo=plain(expo_name), n=len(scr.results),
                                      match=c["match"], possible=c["possible"],
                                      none=c["none"], date=list_date(info)))
    if scr.changes is not None:
        counts = {k: sum(ch["change"] == k for ch in scr.changes)
                  for k in ("added", "removed", "changed")}
        lines += ["", tr("What changed since the list of {date}: matches added: {added}, "
                         "removed: {removed}, changed: {changed}.").format(
            date=date_text(scr.previous["list_date"], "day"), **counts)]
        words = {"added": tr("added"), "removed": tr("removed"), "changed": tr("changed")}
        for ch in scr.changes:
            what = ""
            if ch["fields"]:
                what = " (" + ", ".join(_field_word(f) for f in ch["fields"]) + ")"
            else:
                what = " (" + (tr("match") if (ch["after"] or ch["before"])["status"] == "match"
                               else tr("possible match")) + ")"
            lines.append(f"  {words[ch['change']]}: {plain(ch['name'])}: "
                         f"{plain(ch['entry_name'], LABEL)} [{ch['list_code'] or ch['list']}]"
                         + what)
    lines += ["", caveat()]
    return "\n".join(lines)


# ---------------------------------------------------------------- sources
def sources_entry(state: ScreeningState):
    """The stored list as a row of the Sources view: (cells, tooltips by column, children),
    or None when no list is stored (and none failed to be read)."""
    info = state.info
    if info is None:
        if not state.error:
            return None
        cells = [tr("U.S. Consolidated Screening List: cannot be read"),
                 tr("U.S. International Trade Administration"), "", "", state.error,
                 OFFICIAL_PAGE]
        return cells, {4: state.error}, []
    children = []
    for slug, (status, review) in sorted((state.statuses() or {}).items(),
                                         key=lambda kv: (bucket(*kv[1]), kv[0])):
        name = (state.results.get(slug) or {}).get("name") or slug
        children.append(f"{tr('exhibitor')}: {plain(name)} — {column_text(status, review)}")
    title = tr("U.S. Consolidated Screening List: your copy ({file}, {n} entries)").format(
        file=plain(info["file_name"]), n=f"{info['entries']:,}") + f" ({len(children)})"
    note = tr("Dated by {basis}; loaded {when}; SHA-256 {sha}…. {caveat}").format(
        basis=basis_text(info), when=date_text((info.get("loaded_at") or "")[:10], "day"),
        sha=info["sha256"][:12], caveat=caveat())
    cells = [title, tr("U.S. International Trade Administration"), list_date(info), "",
             note, OFFICIAL_PAGE]
    return cells, {0: title, 4: note, 5: OFFICIAL_PAGE}, children


# -------------------------------------------------------------- controller
class ScreeningController(QObject):
    """Wires the screening into a window: the state, the badge on the details, the
    directory's column and filter, the Sources entry, the plan's marks, File ▸ Load
    screening list… and View ▸ Mark screening matches."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.state = ScreeningState(window.expo, window.user, self)
        self.dialog: LoadDialog | None = None
        self.badge = DetailBadge(self.state, window.selection, window)
        window.detail.set_badge(self.badge)
        window.search.set_screening(self.state)
        window.sources.set_screening(self.state)
        scene = window.scene
        self.marks = ScreeningMarksItem(scene.sceneRect(), scene.data.typical_w)
        self.marks.set_level(scene.level)
        self.marks.setVisible(False)
        scene.addItem(self.marks)
        scene.levelChanged.connect(self.marks.set_level)
        self.key = QLabel()
        self.key.setObjectName("screeningKey")
        self.key.setWordWrap(True)
        self.key.setTextFormat(Qt.TextFormat.PlainText)
        theme.caption(self.key)
        self.key.hide()
        window.centralWidget().layout().insertWidget(1, self.key)

        self.load_action = QAction(tr("Load &screening list…"), window)
        self.load_action.triggered.connect(self.open_dialog)
        self.marks_action = QAction(tr("Mark s&creening matches"), window)
        self.marks_action.setCheckable(True)
        self.marks_action.toggled.connect(self._marks_toggled)
        self.state.changed.connect(self._changed)
        self.state.loadRequested.connect(self.open_dialog)
        self.state.message.connect(lambda text: window.statusBar().showMessage(text, 20000))
        self._changed()
        if self.state.has_list():
            self.state.screen_in_background()

    def open_dialog(self) -> LoadDialog:
        dlg = LoadDialog(self.state, self.window)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.open()
        self.dialog = dlg
        return dlg

    def _changed(self) -> None:
        self.marks_action.setEnabled(self.state.has_list())
        if not self.state.has_list():
            self.marks_action.setChecked(False)
        self._update_marks()

    def _marks_toggled(self, on: bool) -> None:
        self.marks.setVisible(on)
        self._update_marks()

    def _update_marks(self) -> None:
        if not self.marks_action.isChecked():
            self.key.hide()
            return
        d = self.window.scene.data
        rects, levels, kinds = [], [], []
        for slug, kind in self.state.marked().items():
            for i in d.by_exhibitor.get(slug, ()):
                rects.append(d.rects[i])
                levels.append(self.window.scene.booth_level[i])
                kinds.append(kind)
        self.marks.set_marks(rects, levels, kinds)
        set_plain(self.key, tr(
            "Screening marks, your list of {date}: hatched = on a list ({listed} booths); "
            "dashed outline = possible match to check ({possible}). Leads for a compliance "
            "check, not determinations.").format(listed=self.marks.counts["listed"],
                                                  possible=self.marks.counts["possible"],
                                                  date=list_date(self.state.info)), PARAGRAPH)
        self.key.show()
