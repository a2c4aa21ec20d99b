"""The detail panel: Exhibitor, Products, Policy context and Notes tabs.

Every fact shown carries its sources (publisher, date, address); addresses are
shown as text to copy, never fetched.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QFrame, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QScrollArea, QSplitter, QTabWidget, QTextBrowser,
                               QToolButton, QVBoxLayout, QWidget)

from db.content import booth_layout
from db.errors import DataError
from db.expo import Expo
from db.userdata import Outbox, UserData
from db.views import SHOWN_PRODUCTS, ExhibitorView, confidence_for

from .. import theme
from ..i18n import category, country, place_name, tool_type, tr
from ..richtext import (STYLE, TITLE, ThemedBrowser, attr, booth_text, booths_text,
                        confidence_html, data_combo, date_text, esc, esc_text, plain,
                        product_line_html, set_plain, sources_html, specs_html,
                        zh_note_html)
from ..selection import Reason, Selected, Selection
from .market import MarketChart

RETRY_MS = 5000          # a note that could not be saved is tried again this often


class DetailPanel(QWidget):
    """Shows what the selection holds (it reads nothing itself: the selection hands it the
    exhibitor's whole view); stars and notes go to the user file."""
    favouriteToggled = Signal(str, str, bool)    # kind, ref, on
    noteSaved = Signal(str, str)                 # kind, ref

    def zone_name(self, rec: dict) -> str:
        """The zone of an exhibitor or booth row, named in the interface language."""
        return self._zone_names.get(rec.get("zone") or "", rec.get("zone_name") or "")

    def __init__(self, expo: Expo, user: UserData, selection: Selection, parent=None):
        super().__init__(parent)
        self.expo = expo
        self.user = user
        self.selection = selection
        self.expo_slug = expo.meta().get("slug") or expo.path.stem
        # Zone names in the interface language, read once (a selection reads no more).
        self._zone_names = {z["slug"]: place_name(z) for z in expo.zones()}
        self.kind: str | None = None
        self.ref: str | None = None
        self.view: ExhibitorView | None = None      # what is shown (an exhibitor)
        self.badge = None                           # set_badge: the screening badge

        self.title = QLabel(tr("Nothing selected"))
        self.title.setObjectName("detailTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)   # names are data, never HTML
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.star = QToolButton()
        self.star.setCheckable(True)
        self._show_star(False)
        self.star.setToolTip(tr("Star the selection: add it to My plan (S)"))
        self.star.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.star.setEnabled(False)
        self.star.toggled.connect(self._on_star)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.star)
        # Why a star or note could not be written (or that nothing can be, this session).
        self.write_status = QLabel("")
        self.write_status.setObjectName("writeStatus")
        self.write_status.setTextFormat(Qt.TextFormat.PlainText)
        self.write_status.setWordWrap(True)
        theme.error_text(self.write_status)
        self.write_status.hide()

        self.tabs = QTabWidget()
        self.info = self._browser()
        self.products = self._browser()
        self.products.anchorClicked.connect(self._on_product_link)
        self.thumbs = None                       # a workers.ThumbnailLoader, set by the window
        self._product_images: set[int] = set()
        self._products_last = ""
        self.policy = self._browser()
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(
            tr("Your notes: saved as you type, kept in your own user file."))
        self.notes.setEnabled(False)
        self.note_status = QLabel("")
        self.note_status.setObjectName("noteStatus")
        self.note_status.setTextFormat(Qt.TextFormat.PlainText)
        self.note_status.setWordWrap(True)
        # Conflict copies: another running copy saved a different text of this note.
        self.conflict_box = QFrame()
        self.conflict_box.setObjectName("conflictBox")
        self.conflict_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.conflict_title = QLabel("")
        self.conflict_title.setTextFormat(Qt.TextFormat.PlainText)
        self.conflict_title.setWordWrap(True)
        self.conflict_text = QPlainTextEdit()
        self.conflict_text.setReadOnly(True)
        self.conflict_text.setMaximumHeight(90)
        self.conflict_text.setAccessibleName(tr("Conflict copy"))
        self.conflict_merge = QPushButton(tr("Add to my note"))
        self.conflict_merge.clicked.connect(self._merge_conflict)
        self.conflict_drop = QPushButton(tr("Discard this copy"))
        self.conflict_drop.clicked.connect(self._discard_conflict)
        cl = QVBoxLayout(self.conflict_box)
        cl.setContentsMargins(4, 4, 4, 4)
        cl.addWidget(self.conflict_title)
        cl.addWidget(self.conflict_text)
        cbuttons = QHBoxLayout()
        cbuttons.addWidget(self.conflict_merge)
        cbuttons.addWidget(self.conflict_drop)
        cbuttons.addStretch(1)
        cl.addLayout(cbuttons)
        self.conflict_box.hide()
        self._conflict_id: int | None = None
        # A note belongs to the exhibitor (or booth) or to one of its products.
        self.note_about = data_combo(QComboBox())
        self.note_about.setAccessibleName(tr("Note about"))
        self.note_about.currentIndexChanged.connect(self._on_note_about)
        self.note_tags = QLineEdit()
        self.note_tags.setPlaceholderText(tr("Tags, separated by commas (e.g. follow-up, ALD)"))
        self.note_tags.setAccessibleName(tr("Tags"))
        self.note_tags.editingFinished.connect(self._save_tags)
        self.note_kind: str | None = None
        self.note_ref: str | None = None
        notes_box = QWidget()
        nl = QVBoxLayout(notes_box)
        nl.setContentsMargins(4, 4, 4, 4)
        about = QHBoxLayout()
        about.addWidget(QLabel(tr("About:")))
        about.addWidget(self.note_about, 1)
        nl.addLayout(about)
        nl.addWidget(self.notes, 1)
        nl.addWidget(self.note_tags)
        nl.addWidget(self.note_status)
        nl.addWidget(self.conflict_box)
        self.tabs.addTab(self.info, tr("Exhibitor"))
        self.tabs.addTab(self.products, tr("Products"))
        self.market = MarketChart(expo)
        policy_box = QSplitter(Qt.Orientation.Vertical)
        policy_box.addWidget(self.policy)
        # The chart scrolls when the tab is short: its rows never print over its caption.
        market_scroll = QScrollArea()
        market_scroll.setObjectName("marketScroll")
        market_scroll.setWidgetResizable(True)
        market_scroll.setFrameShape(QFrame.Shape.NoFrame)
        market_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        market_scroll.setWidget(self.market)
        self.market.holder = market_scroll
        policy_box.addWidget(market_scroll)
        policy_box.setChildrenCollapsible(False)
        policy_box.setStretchFactor(0, 3)
        policy_box.setStretchFactor(1, 2)
        policy_box.setSizes([500, 500])     # the chart starts with half the tab
        self.tabs.addTab(policy_box, tr("Policy context"))
        self.tabs.addTab(notes_box, tr("Notes"))

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(400)
        self._save_timer.timeout.connect(self.save_note)
        self.notes.textChanged.connect(self._on_note_edited)
        self._loading = False
        self._dirty = False              # typed since the last save attempt
        self._base = 0                   # the row version of the note as loaded or last saved
        self._base_text = ""             # and its text then (see UserData.save_note)
        # Notes that could not be written stay here, with their text, and are retried.
        self.outbox = Outbox(user)
        self._retry_timer = QTimer(self)
        self._retry_timer.setInterval(RETRY_MS)
        self._retry_timer.timeout.connect(self.retry_unsaved)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(head)
        lay.addWidget(self.write_status)
        lay.addWidget(self.tabs, 1)
        self.show_empty()
        self._show_readonly()
        selection.changed.connect(self._on_selected)

    def _browser(self) -> QTextBrowser:
        return ThemedBrowser()

    def set_badge(self, badge) -> None:
        """What a screening list says, on an exhibitor's details: a badge above its summary
        and the entries below its sources (``desktop.screening_view.DetailBadge``:
        ``html(view)``, ``details_html(view)``, ``link(url, view, browser)``, and ``changed``
        when it should be shown again)."""
        self.badge = badge
        badge.changed.connect(self._badge_changed)
        self.info.anchorClicked.connect(lambda url: badge.link(url.toString(), self.view,
                                                               self.info))
        self._badge_changed()

    def _badge_changed(self) -> None:
        if self.kind == "exhibitor" and self.view is not None:
            bar = self.info.verticalScrollBar()
            pos = bar.value()
            self.info.setHtml(STYLE + self._info_html(self.view))
            bar.setValue(pos)

    # -------------------------------------------------------------- showing
    def _on_selected(self, state: Selected) -> None:
        if state.kind == "exhibitor":
            if state.view is not self.view:
                self.show_exhibitor(state.view)
            if state.product and state.reason == Reason.SEARCH:
                self.show_product_tab()     # a product hit: its exhibitor, at the product
        elif state.kind == "booth":
            self.show_booth(state.booth)
        else:
            self.show_empty()

    def show_empty(self) -> None:
        self.save_note()
        self.kind = self.ref = None
        self.view = None
        self.title.setText(tr("Nothing selected"))
        hint = esc(tr("Click a booth on the floor plan, pick an exhibitor from the list, "
                      "or search (Ctrl+K)."))
        meta = self.expo.meta()
        about = f"<h2>{esc(meta.get('name'))}</h2>"
        if meta.get("name_zh"):
            about += f"<div class='zh'>{esc(meta['name_zh'])}"
            about += f" ({esc(meta['short_zh'])})</div>" if meta.get("short_zh") else "</div>"
        if meta.get("summary"):
            about += f"<p>{esc_text(meta['summary'])}</p>"
            key = ("expo", meta.get("slug") or "")
            about += confidence_html(confidence_for(self.expo, [key]).get(key))
        if meta.get("schematic"):
            about += "<p class='muted'>" + esc(tr(
                "The floor layout is schematic: no official floor plan is known. Booths of "
                "exhibitors not named in any source are drawn as neutral booths.")) + "</p>"
        if meta.get("synthetic"):
            about += "<p><b>" + esc(tr("Synthetic data, made for tests and benchmarks.")) + "</b></p>"
        about += sources_html(self.expo.sources_of("expo", meta.get("slug") or ""))
        self.info.setHtml(STYLE + about + f"<p class='muted'>{hint}</p>")
        self.products.setHtml(STYLE + f"<p class='muted'>{hint}</p>")
        self.policy.setHtml(STYLE + f"<p class='muted'>{hint}</p>")
        self.market.set_tool_types([])
        self._set_note_target(None, None)

    def show_exhibitor(self, view: ExhibitorView | None) -> None:
        """Show an exhibitor (``db.views.exhibitor_view``: read once, by the selection)."""
        if view is None:
            return self.show_empty()
        self.save_note()
        ex = view.exhibitor
        slug = view.slug
        self.kind, self.ref = "exhibitor", slug
        self.view = view
        names = " · ".join(plain(n, TITLE) for n in (ex["name"], ex.get("name_zh"),
                                                     ex.get("pinyin")) if n)
        set_plain(self.title, names, None)
        self.info.setHtml(STYLE + self._info_html(view))
        self.products.setHtml(STYLE + self._products_html(view))
        self.policy.setHtml(STYLE + self._policy_html(view))
        self.market.set_tool_types(view.tool_types)
        self._set_note_target("exhibitor", slug)

    def _info_html(self, view: ExhibitorView) -> str:
        """The Exhibitor tab: names, booth, zone, country, category, aliases, the screening
        badge (when a list is loaded), summary, sources, people and quotes."""
        ex, slug = view.exhibitor, view.slug
        rows = []
        if ex["booths"]:
            rows.append((tr("Booth"), booths_text(ex["booths"], view.layout)))
        elif view.confidence_of("exhibitor", slug) is not None:
            # A curated expo places an exhibitor only where a source does.
            rows.append((tr("Booth"), tr("none: no source places it")))
        else:
            rows.append((tr("Booth"), tr("none in this expo file")))
        if ex.get("zone_name") is not None:
            rows.append((tr("Zone"), self.zone_name(ex) + (" " + tr("(schematic placement)")
                                                           if view.schematic else "")))
        if ex.get("country"):
            rows.append((tr("Country"), country(ex["country"])))
        if ex.get("category"):
            rows.append((tr("Category"), category(ex["category"])))
        if ex.get("aliases"):
            rows.append((tr("Also known as"), ", ".join(ex["aliases"])))
        body = f"<h2>{esc(ex['name'])}</h2>"
        zh = " ".join(n for n in (ex.get("name_zh"), ex.get("pinyin")) if n)
        if zh:
            body += f"<div class='zh'>{esc(zh)}</div>"
        body += zh_note_html(ex.get("name_zh_note"))
        body += "<table cellspacing=2>" + "".join(
            f"<tr><td class='muted'>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in rows) + "</table>"
        if self.badge is not None:             # what a loaded screening list says
            body += self.badge.html(view)
        if ex.get("summary"):
            body += f"<p>{esc_text(ex['summary'])}</p>"
            body += confidence_html(view.confidence_of("exhibitor", slug))
        body += sources_html(view.sources_of("exhibitor", slug))
        for code in ex["booths"]:       # where a booth's place came from (e.g. the plan)
            if view.sources_of("booth", code):
                body += sources_html(view.sources_of("booth", code),
                                     tr("Booth {code}").format(code=code))
        if self.badge is not None:
            body += self.badge.details_html(view)
        body += self._people_html(view)
        return body

    def show_booth(self, booth: dict) -> None:
        """A booth without a named exhibitor (``db.views.booth_view``)."""
        self.save_note()
        code = booth["code"]
        self.kind, self.ref = "booth", code
        self.view = None
        meta = self.expo.meta()
        marked = booth_text(code, booth_layout(meta))
        set_plain(self.title, tr("Booth {code}").format(code=marked), None)
        body = f"<h2>{esc(tr('Booth {code}').format(code=marked))}</h2>"
        if booth.get("zone_name") is not None:
            body += f"<p>{esc(tr('Zone'))}: {esc(self.zone_name(booth))}</p>"
        body += "<p>" + esc(tr("Other exhibitor: this booth's exhibitor is not named in our "
                               "sources, so it is drawn as a neutral booth.")) + "</p>"
        if booth.get("sources"):        # where its place came from (e.g. the plan)
            body += sources_html(booth["sources"])
        self.info.setHtml(STYLE + body)
        self.products.setHtml(STYLE + f"<p class='muted'>{esc(tr('No products recorded.'))}</p>")
        self.policy.setHtml(STYLE + f"<p class='muted'>{esc(tr('No policy links recorded.'))}</p>")
        self.market.set_tool_types([])
        self._set_note_target("booth", code)

    def show_product_tab(self) -> None:
        self.tabs.setCurrentIndex(1)

    # ---------------------------------------------------------------- parts
    def _people_html(self, view: ExhibitorView) -> str:
        if not view.people:
            return ""
        out = f"<h3>{esc(tr('People and quotes'))}</h3>"
        for p in view.people:
            out += f"<p><b>{esc(p['name'])}</b> <span class='muted'>{esc(p.get('role') or '')}</span></p>"
            out += confidence_html(view.confidence_of("person", p["slug"]))
            for q in p["quotes"]:
                out += self._quote_html(q, p["name"], view)
        return out

    def _quote_html(self, q: dict, who: str, view: ExhibitorView) -> str:
        out = f"<div class='quote'>„{esc_text(q['text'])}“ — {esc(who)}</div>"
        if q.get("translation"):
            out += f"<div class='muted' style='margin-left:10px'>{esc(tr('In English'))}: " \
                   f"“{esc_text(q['translation'])}”"
            if q.get("translation_note"):
                out += f" <i>({esc(q['translation_note'])})</i>"
            out += "</div>"
        out += confidence_html(view.confidence_of("quote", q["id"]))
        out += sources_html(view.sources_of("quote", q["id"]))
        return out

    def _products_html(self, view: ExhibitorView, limit: int = SHOWN_PRODUCTS) -> str:
        products = view.products
        if not products:
            return f"<p class='muted'>{esc(tr('No products recorded for this exhibitor.'))}</p>"
        self._product_images = set()
        out = ""
        for p in products[:limit]:
            names = " · ".join(n for n in (p.get("name_zh"), p.get("pinyin")) if n)
            link = f"product:{attr(p['slug'])}"
            out += "<table cellspacing=0 cellpadding=2 width='100%'><tr>"
            out += f"<td width=72 valign=top><a href='{link}'>{self._thumb_img(p.get('image'))}" \
                   "</a></td><td valign=top>"
            out += f"<h3><a href='{link}' class='title'>" \
                   f"{esc(p['name'])}</a></h3>"
            if names:
                out += f"<div class='zh'>{esc(names)}</div>"
                out += zh_note_html(p.get("name_zh_note"))
            out += product_line_html(p)
            if p.get("tool_type"):
                out += (f"<div class='muted'>{esc(tr('Tool type'))}: "
                        f"{esc(tool_type(p['tool_type']))}</div>")
            out += "</td></tr></table>"
            if p.get("summary"):
                out += f"<p>{esc_text(p['summary'])}</p>"
                out += confidence_html(view.confidence_of("product", p["slug"]))
            out += specs_html(p.get("specs"))
            out += sources_html(view.sources_of("product", p["slug"]))
        if len(products) > limit:
            out += "<p class='muted'>" + esc(tr(
                "… and {n} more: open View › Products to browse them all.").format(
                n=len(products) - limit)) + "</p>"
        self._products_last = out
        return out

    def _thumb_img(self, image_id) -> str:
        """An <img> of the product's thumbnail (a placeholder until it has been made)."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QTextDocument
        url = f"thumb:{int(image_id) if image_id else 0}"
        if self.thumbs is None:
            from ..workers import placeholder_image
            img = placeholder_image(64)
        else:
            img = self.thumbs.image(image_id)
        if image_id:
            self._product_images.add(int(image_id))
        img = img.scaled(64, 64, Qt.AspectRatioMode.KeepAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)
        self.products.document().addResource(QTextDocument.ResourceType.ImageResource,
                                             QUrl(url), img)
        return f"<img src='{url}' width=64 height=64>"

    def set_thumbnails(self, loader) -> None:
        """Show product pictures from ``loader`` (thumbnails arrive from a worker)."""
        self.thumbs = loader
        loader.ready.connect(self._on_thumb)

    def _on_thumb(self, image_id: int) -> None:
        if image_id not in self._product_images or self.kind != "exhibitor":
            return
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QTextDocument
        img = self.thumbs.image(image_id).scaled(64, 64, Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation)
        self.products.document().addResource(QTextDocument.ResourceType.ImageResource,
                                             QUrl(f"thumb:{image_id}"), img)
        bar = self.products.verticalScrollBar()
        pos = bar.value()
        self.products.setHtml(STYLE + self._products_last)
        bar.setValue(pos)

    def _on_product_link(self, url) -> None:
        text = url.toString()
        if text.startswith("product:"):
            self.selection.select("product", text.split(":", 1)[1], reason=Reason.DETAIL)

    def _policy_html(self, view: ExhibitorView) -> str:
        if not view.links:
            return f"<p class='muted'>{esc(tr('No policy links recorded.'))}</p>"
        out = ""
        for ln in view.links:
            target = ln["target"] or {}
            title = target.get("title") or ln["to_slug"]
            label = tr("Topic") if ln["to_kind"] == "topic" else tr("Event")
            date = date_text(target.get("date"), target.get("date_precision"))
            when = f" ({esc(date)})" if date else ""
            via = ""
            if ln["from_kind"] == "product":
                via = f"<div class='muted'>{esc(tr('via'))} {esc(ln['product_name'] or '')}</div>"
            out += f"<h3>{esc(label)}: {esc(title)}{when}</h3>{via}"
            out += f"<p><b>{esc(tr('Why it matters'))}:</b> {esc_text(ln['reason'])}</p>"
            out += confidence_html(view.confidence_of("link", ln["id"]))
            out += sources_html(view.sources_of("link", ln["id"]))
            if target.get("summary"):
                out += f"<p class='muted'>{esc_text(target['summary'])}</p>"
                out += confidence_html(view.confidence_of(ln["to_kind"], ln["to_slug"]))
                out += sources_html(view.sources_of(ln["to_kind"], ln["to_slug"]))
        return out

    # ---------------------------------------------------------------- notes
    def _set_note_target(self, kind: str | None, ref: str | None) -> None:
        """The selection changed: offer notes on it and on its products; update the star."""
        self._loading = True
        try:
            self.note_about.blockSignals(True)
            self.note_about.clear()
            if kind is not None:
                view = self.view if kind == "exhibitor" else None
                label = tr("Booth {code}").format(
                    code=booth_text(ref, booth_layout(self.expo.meta()))) if view is None \
                    else plain(view.exhibitor.get("name", ref))
                self.note_about.addItem(label, (kind, ref))
                if view is not None:
                    for p in view.products:
                        self.note_about.addItem("   " + tr("Product: {name}").format(
                            name=plain(p["name"])), ("product", p["slug"]))
            self.note_about.setEnabled(self.note_about.count() > 1)
            self.note_about.blockSignals(False)
            self.star.setEnabled(kind is not None)
            self.refresh_star()
        finally:
            self._loading = False
        self._load_note(kind, ref)

    def note_on(self, kind: str, ref: str) -> None:
        """Switch the Notes tab to a note on this record (the exhibitor or one of its products)."""
        for i in range(self.note_about.count()):
            if self.note_about.itemData(i) == (kind, ref):
                self.note_about.setCurrentIndex(i)
                return

    def _on_note_about(self, index: int) -> None:
        self.save_note()
        data = self.note_about.itemData(index)
        self._load_note(*(data if data else (None, None)))

    def _note_label(self) -> str:
        """What the current note is about, as the "About" box says it."""
        return self.note_about.currentText().strip() or str(self.note_ref)

    def _load_note(self, kind: str | None, ref: str | None) -> None:
        """Show the note on (kind, ref): its unsaved text if a save failed, else the stored one."""
        self._loading = True
        try:
            self.note_kind, self.note_ref = kind, ref
            self._dirty = False
            enabled = kind is not None
            self.notes.setEnabled(enabled)
            self.note_tags.setEnabled(enabled)
            note, self._base, error = None, 0, None
            if enabled:
                try:
                    note, self._base = self.user.load_note(self.expo_slug, kind, ref)
                except DataError as exc:
                    error = str(exc)
            self._base_text = note["text"] if note else ""
            draft = self.outbox.get(self.expo_slug, kind, ref) if enabled else None
            if draft is not None:
                self.notes.setPlainText(draft.text)
                tags = draft.tags if draft.tags is not None else (note or {}).get("tags", [])
                self.note_tags.setText(", ".join(tags))
                self._show_failed(draft)
            else:
                self.notes.setPlainText(note["text"] if note else "")
                self.note_tags.setText(", ".join(note["tags"]) if note else "")
                if error:
                    self._set_status(tr("Cannot read this note: {reason}").format(reason=error),
                                     failed=True)
                else:
                    self._set_status(self._stamp(note))
        finally:
            self._loading = False
        self._show_conflicts()

    @staticmethod
    def _local(ts: str) -> str:
        try:
            return dt.datetime.fromisoformat(ts).astimezone().strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return ts

    @classmethod
    def _stamp(cls, note: dict | None) -> str:
        if not note:
            return ""
        text = tr("Saved {time}").format(time=cls._local(note["updated"]))
        if note.get("created") and note["created"] != note["updated"]:
            text += " · " + tr("written {time}").format(time=cls._local(note["created"]))
        return text

    def _set_status(self, text: str, failed: bool = False) -> None:
        self.note_status.setText(text)
        self.note_status.setToolTip("")
        theme.error_text(self.note_status, failed)

    def _show_failed(self, draft) -> None:
        """The note's own status line says that it is not saved, why, and what happens."""
        self._set_status(tr("Not saved: {reason}. Your text is kept here and saving is retried "
                            "every few seconds.").format(reason=draft.reason or draft.error),
                         failed=True)
        self.note_status.setToolTip(draft.error or "")

    def _on_note_edited(self) -> None:
        if self._loading or self.note_kind is None:
            return
        self._dirty = True
        if self.outbox.get(self.expo_slug, self.note_kind, self.note_ref) is None:
            self._set_status(tr("Saving…"))
        self._save_timer.start()

    def save_note(self) -> bool:
        """Write the note now (autosave calls this; so do selection changes and quit).

        Returns False when it could not be written: the text then stays in the outbox,
        the status line says so, and the retry timer runs.
        """
        self._save_timer.stop()
        if self._dirty and self.note_kind is not None:
            self._dirty = False
            self.outbox.put(self.expo_slug, self.note_kind, self.note_ref,
                            self.notes.toPlainText(), base=self._base,
                            base_text=self._base_text, label=self._note_label())
        return self._save_current()

    def _save_current(self) -> bool:
        if self.note_kind is None or \
                self.outbox.get(self.expo_slug, self.note_kind, self.note_ref) is None:
            return True
        saved = self.outbox.save(self.expo_slug, self.note_kind, self.note_ref)
        if saved is None:
            self._show_failed(self.outbox.get(self.expo_slug, self.note_kind, self.note_ref))
            self._retry_timer.start()
            return False
        self._after_save(self.note_kind, self.note_ref, saved)
        return True

    def _after_save(self, kind: str, ref: str, saved) -> None:
        """A draft was committed: the status line says so (and shows any conflict copy)."""
        self.clear_write_status()
        if (kind, ref) == (self.note_kind, self.note_ref):
            self._base, self._base_text = saved.version, saved.text
            note = self.user.note(self.expo_slug, kind, ref)
            text = self._stamp(note) or tr("Saved")
            if saved.conflict:
                text += " · " + tr("another running copy had changed this note: its text is "
                                   "kept below")
            self._set_status(text)
            self._show_conflicts()
        self.noteSaved.emit(kind, ref)

    def retry_unsaved(self) -> None:
        """Try every unsaved note again (the retry timer; the window before closing)."""
        for (_expo, kind, ref), saved in self.outbox.flush().items():
            self._after_save(kind, ref, saved)
        if not len(self.outbox):
            self._retry_timer.stop()
        elif self.note_kind is not None:
            draft = self.outbox.get(self.expo_slug, self.note_kind, self.note_ref)
            if draft is not None:
                self._show_failed(draft)

    def stop_retrying(self) -> None:
        """The window closes: what is left was written elsewhere or given up by the user."""
        self._retry_timer.stop()
        self._save_timer.stop()

    def flush_notes(self) -> bool:
        """Save what was typed and retry what failed; True when nothing is left unsaved."""
        self.save_note()
        self.retry_unsaved()
        return not len(self.outbox)

    def _save_tags(self) -> None:
        """The tags field was left: write the tags with the text (kept and retried on failure)."""
        if self._loading or self.note_kind is None:
            return
        tags = self.note_tags.text().split(",")
        self.save_note()
        self.outbox.put(self.expo_slug, self.note_kind, self.note_ref, self.notes.toPlainText(),
                        tags=tags, base=self._base, base_text=self._base_text,
                        label=self._note_label())
        if self._save_current():
            note = self.user.note(self.expo_slug, self.note_kind, self.note_ref)
            self._loading = True
            try:
                self.note_tags.setText(", ".join(note["tags"]) if note else "")
            finally:
                self._loading = False

    # ------------------------------------------------------ conflict copies
    def _show_conflicts(self) -> None:
        """Show the first conflict copy of the current note (another copy's text, kept)."""
        copies = []
        if self.note_kind is not None:
            try:
                copies = self.user.conflicts(self.expo_slug, self.note_kind, self.note_ref)
            except DataError:
                copies = []
        if not copies:
            self._conflict_id = None
            self.conflict_box.hide()
            return
        first = copies[0]
        self._conflict_id = first["id"]
        title = tr("Conflict copy: another running copy of the program saved this text at "
                   "{time}; it is kept here, not lost.").format(time=self._local(first["saved"]))
        if len(copies) > 1:
            title += " " + tr("(1 of {n})").format(n=len(copies))
        self.conflict_title.setText(title)
        text = first["text"]
        if first["tags"]:
            text += "\n# " + ", ".join(first["tags"])
        self.conflict_text.setPlainText(text)
        self.conflict_box.show()

    def _merge_conflict(self) -> None:
        if self._conflict_id is None or not self.save_note():
            return
        try:
            saved = self.user.merge_conflict(self._conflict_id)
        except DataError as exc:
            self._set_status(tr("Not merged: {reason}").format(reason=str(exc)), failed=True)
            return
        self._load_note(self.note_kind, self.note_ref)
        if saved is not None:
            self._after_save(self.note_kind, self.note_ref, saved)

    def _discard_conflict(self) -> None:
        if self._conflict_id is None:
            return
        try:
            self.user.discard_conflict(self._conflict_id)
        except DataError as exc:
            self._set_status(tr("Not discarded: {reason}").format(reason=str(exc)), failed=True)
            return
        self._show_conflicts()
        self.noteSaved.emit(self.note_kind, self.note_ref)

    # ---------------------------------------------------------------- stars
    def _on_star(self, on: bool) -> None:
        if self.kind is None:
            return
        try:
            self.user.set_favourite(self.expo_slug, self.kind, self.ref, on)
        except DataError as exc:
            self.star_failed(on, exc)
            return
        self.clear_write_status()
        self._show_star(on)
        self.favouriteToggled.emit(self.kind, self.ref, on)

    def star_failed(self, on: bool, exc: Exception) -> None:
        """A star that could not be written: the button shows the stored state and says why."""
        self.refresh_star()
        text = tr("Not starred: {reason}") if on else tr("Star not removed: {reason}")
        self.write_status.setText(text.format(reason=str(exc)))
        self.write_status.show()

    def clear_write_status(self) -> None:
        if self.user.readonly_reason:
            self._show_readonly()
        else:
            self.write_status.hide()

    def _show_readonly(self) -> None:
        if self.user.readonly_reason:
            self.write_status.setText(tr("Notes and stars cannot be saved: {reason}. What you "
                                         "type is kept in this window and saving is retried.")
                                      .format(reason=self.user.readonly_reason))
            self.write_status.show()

    def refresh_star(self) -> None:
        """Show the current record's star state as stored (after it changed elsewhere)."""
        try:
            on = self.kind is not None and self.user.is_favourite(self.expo_slug, self.kind,
                                                                  self.ref)
        except DataError:
            on = False
        self.star.blockSignals(True)
        self.star.setChecked(on)
        self._show_star(on)
        self.star.blockSignals(False)

    def _show_star(self, on: bool) -> None:
        """The star button says what it does, in symbol and word (and to a screen reader)."""
        self.star.setText(("★ " + tr("Starred")) if on else ("☆ " + tr("Star")))
        self.star.setAccessibleName(tr("Starred: remove from My plan") if on
                                    else tr("Star: add to My plan"))
