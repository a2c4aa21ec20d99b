"""The detail panel: Exhibitor, Products, Policy context and Notes tabs.

Every fact shown carries its sources (publisher, date, address); addresses are
shown as text to copy, never fetched.
"""
from __future__ import annotations

import datetime as dt
import json

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QSplitter, QTabWidget,
                               QTextBrowser,
                               QToolButton, QVBoxLayout, QWidget)

from db.expo import Expo
from db.supply import tool_label
from db.userdata import UserData

from ..i18n import tr
from ..richtext import TITLE, attr, data_combo, esc, esc_text, plain, set_plain
from .market import MarketChart

COUNTRY_NAMES = {"CN": "China", "US": "United States", "JP": "Japan", "DE": "Germany",
                 "GB": "United Kingdom", "KR": "South Korea", "TW": "Taiwan", "NL": "Netherlands"}

STYLE = """
<style>
 body { font-size: 13px; }
 h2 { margin: 0 0 2px 0; font-size: 18px; }
 .zh { color: #444; font-size: 14px; }
 .muted { color: #667; }
 .src { color: #556; font-size: 11px; margin: 2px 0 8px 0; }
 .quote { margin: 6px 0 2px 10px; font-style: italic; }
 .tag { background: #eef1f6; }
 h3 { margin: 12px 0 4px 0; font-size: 14px; }
</style>
"""


def sources_html(sources: list[dict]) -> str:
    if not sources:
        return f'<div class="src">{esc(tr("No source recorded."))}</div>'
    items = []
    for s in sources:
        bits = [f"<b>{esc(s.get('publisher') or '')}</b>" if s.get("publisher") else "",
                esc(s.get("title")), esc(s.get("date") or tr("undated"))]
        if s.get("licence"):
            bits.append(esc(tr("licence") + ": " + s["licence"]))
        if s.get("url"):
            bits.append(f"<span style='color:#1c5fa8'>{esc(s['url'])}</span>")
        items.append(" · ".join(b for b in bits if b))
    return ('<div class="src">' + esc(tr("Sources")) + ": " + "<br>".join(
        f"[{i + 1}] {t}" for i, t in enumerate(items)) + "</div>")


def specs_html(raw: str | None, heading: str = "") -> str:
    """A product's specs (a JSON object) as a two-column table; nothing if there are none."""
    try:
        specs = json.loads(raw or "{}")
    except ValueError:
        specs = {}
    if not isinstance(specs, dict) or not specs:
        return ""
    head = f"<h3>{esc(heading)}</h3>" if heading else ""
    return head + "<table>" + "".join(
        f"<tr><td class='muted'>{esc(k)}</td><td>{esc(v)}</td></tr>"
        for k, v in specs.items()) + "</table>"


class DetailPanel(QWidget):
    favouriteToggled = Signal(str, str, bool)    # kind, ref, on
    noteSaved = Signal(str, str)                 # kind, ref
    productChosen = Signal(str)                  # product slug (a click in the Products tab)

    def __init__(self, expo: Expo, user: UserData, parent=None):
        super().__init__(parent)
        self.expo = expo
        self.user = user
        self.expo_slug = expo.meta().get("slug") or expo.path.stem
        self.kind: str | None = None
        self.ref: str | None = None

        self.title = QLabel(tr("Nothing selected"))
        self.title.setObjectName("detailTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)   # names are data, never HTML
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.star = QToolButton()
        self.star.setCheckable(True)
        self.star.setText("☆")
        self.star.setToolTip(tr("Star (S)"))
        self.star.setEnabled(False)
        self.star.toggled.connect(self._on_star)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.star)

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
        self.tabs.addTab(self.info, tr("Exhibitor"))
        self.tabs.addTab(self.products, tr("Products"))
        self.market = MarketChart(expo.conn)
        policy_box = QSplitter(Qt.Orientation.Vertical)
        policy_box.addWidget(self.policy)
        policy_box.addWidget(self.market)
        policy_box.setStretchFactor(0, 3)
        policy_box.setStretchFactor(1, 2)
        self.tabs.addTab(policy_box, tr("Policy context"))
        self.tabs.addTab(notes_box, tr("Notes"))

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(400)
        self._save_timer.timeout.connect(self.save_note)
        self.notes.textChanged.connect(self._on_note_edited)
        self._loading = False

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(head)
        lay.addWidget(self.tabs, 1)
        self.show_empty()

    def _browser(self) -> QTextBrowser:
        b = QTextBrowser()
        b.setOpenLinks(False)
        b.setOpenExternalLinks(False)
        return b

    # -------------------------------------------------------------- showing
    def show_empty(self) -> None:
        self.save_note()
        self.kind = self.ref = None
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

    def show_exhibitor(self, slug: str) -> None:
        ex = self.expo.exhibitor(slug)
        if ex is None:
            return self.show_empty()
        self.save_note()
        self.kind, self.ref = "exhibitor", slug
        names = " · ".join(plain(n, TITLE) for n in (ex["name"], ex.get("name_zh"),
                                                     ex.get("pinyin")) if n)
        set_plain(self.title, names, None)
        zone = self.expo.record("zone", ex["zone"]) if ex.get("zone") else None
        rows = []
        if ex["booths"]:
            rows.append((tr("Booth"), ", ".join(ex["booths"])))
        if zone:
            rows.append((tr("Zone"), zone["name"] + (" " + tr("(schematic placement)")
                                                     if self.expo.meta().get("schematic") else "")))
        if ex.get("country"):
            rows.append((tr("Country"), COUNTRY_NAMES.get(ex["country"], ex["country"])))
        if ex.get("category"):
            rows.append((tr("Category"), ex["category"]))
        if ex.get("aliases"):
            rows.append((tr("Also known as"), ", ".join(ex["aliases"])))
        body = f"<h2>{esc(ex['name'])}</h2>"
        if ex.get("name_zh") or ex.get("pinyin"):
            body += f"<div class='zh'>{esc(ex.get('name_zh') or '')} {esc(ex.get('pinyin') or '')}</div>"
        body += "<table cellspacing=2>" + "".join(
            f"<tr><td class='muted'>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in rows) + "</table>"
        if ex.get("summary"):
            body += f"<p>{esc_text(ex['summary'])}</p>"
        body += sources_html(self.expo.sources_of("exhibitor", slug))
        body += self._people_html(slug)
        self.info.setHtml(STYLE + body)
        self.products.setHtml(STYLE + self._products_html(slug))
        self.policy.setHtml(STYLE + self._policy_html("exhibitor", slug))
        tools = [p["tool_type"] for p in self.expo.products_of(slug) if p.get("tool_type")]
        self.market.set_tool_types(list(dict.fromkeys(tools)))
        self._set_note_target("exhibitor", slug)

    def show_booth(self, code: str) -> None:
        """A booth without a named exhibitor."""
        self.save_note()
        self.kind, self.ref = "booth", code
        set_plain(self.title, tr("Booth") + " " + plain(code), None)
        booth = self.expo.record("booth", code) or {}
        zone = self.expo.record("zone", booth.get("zone")) if booth.get("zone") else None
        body = f"<h2>{esc(tr('Booth'))} {esc(code)}</h2>"
        if zone:
            body += f"<p>{esc(tr('Zone'))}: {esc(zone['name'])}</p>"
        body += "<p>" + esc(tr("Other exhibitor: this booth's exhibitor is not named in our "
                               "sources, so it is drawn as a neutral booth.")) + "</p>"
        self.info.setHtml(STYLE + body)
        self.products.setHtml(STYLE + f"<p class='muted'>{esc(tr('No products recorded.'))}</p>")
        self.policy.setHtml(STYLE + f"<p class='muted'>{esc(tr('No policy links recorded.'))}</p>")
        self.market.set_tool_types([])
        self._set_note_target("booth", code)

    def show_product_tab(self) -> None:
        self.tabs.setCurrentIndex(1)

    # ---------------------------------------------------------------- parts
    def _people_html(self, org: str) -> str:
        people = self.expo.people_of(org)
        if not people:
            return ""
        out = f"<h3>{esc(tr('People and quotes'))}</h3>"
        for p in people:
            out += f"<p><b>{esc(p['name'])}</b> <span class='muted'>{esc(p.get('role') or '')}</span></p>"
            for q in self.expo.quotes_of(p["slug"]):
                out += self._quote_html(q, p["name"])
        return out

    def _quote_html(self, q: dict, who: str) -> str:
        out = f"<div class='quote'>„{esc_text(q['text'])}“ — {esc(who)}</div>"
        if q.get("translation"):
            out += f"<div class='muted' style='margin-left:10px'>{esc(tr('In English'))}: " \
                   f"“{esc_text(q['translation'])}”"
            if q.get("translation_note"):
                out += f" <i>({esc(q['translation_note'])})</i>"
            out += "</div>"
        out += sources_html(self.expo.sources_of("quote", q["id"]))
        return out

    def _products_html(self, slug: str, limit: int = 100) -> str:
        products = self.expo.products_of(slug)
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
            out += f"<h3><a href='{link}' style='color:#1a2b44; text-decoration:none'>" \
                   f"{esc(p['name'])}</a></h3>"
            if names:
                out += f"<div class='zh'>{esc(names)}</div>"
            if p.get("tool_type"):
                out += (f"<div class='muted'>{esc(tr('Tool type'))}: "
                        f"{esc(tool_label(p['tool_type']))}</div>")
            out += "</td></tr></table>"
            if p.get("summary"):
                out += f"<p>{esc_text(p['summary'])}</p>"
            out += specs_html(p.get("specs"))
            out += sources_html(self.expo.sources_of("product", p["slug"]))
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
            self.productChosen.emit(text.split(":", 1)[1])

    def _policy_html(self, kind: str, slug: str) -> str:
        links = list(self.expo.links_from(kind, slug))
        if kind == "exhibitor":
            for p in self.expo.products_of(slug):
                links += self.expo.links_from("product", p["slug"])
        if not links:
            return f"<p class='muted'>{esc(tr('No policy links recorded.'))}</p>"
        out = ""
        for ln in links:
            target = self.expo.record(ln["to_kind"], ln["to_slug"]) or {}
            title = target.get("title") or ln["to_slug"]
            label = tr("Topic") if ln["to_kind"] == "topic" else tr("Event")
            when = f" ({esc(target['date'])})" if target.get("date") else ""
            via = ""
            if ln["from_kind"] == "product":
                prod = self.expo.record("product", ln["from_slug"]) or {}
                via = f"<div class='muted'>{esc(tr('via'))} {esc(prod.get('name', ''))}</div>"
            out += f"<h3>{esc(label)}: {esc(title)}{when}</h3>{via}"
            out += f"<p><b>{esc(tr('Why it matters'))}:</b> {esc_text(ln['reason'])}</p>"
            out += sources_html(self.expo.sources_of("link", ln["id"]))
            if target.get("summary"):
                out += f"<p class='muted'>{esc_text(target['summary'])}</p>"
                out += sources_html(self.expo.sources_of(ln["to_kind"], ln["to_slug"]))
        return out

    # ---------------------------------------------------------------- notes
    def _set_note_target(self, kind: str | None, ref: str | None) -> None:
        """The selection changed: offer notes on it and on its products; update the star."""
        self._loading = True
        try:
            self.note_about.blockSignals(True)
            self.note_about.clear()
            if kind is not None:
                label = tr("Booth {code}").format(code=plain(ref)) if kind == "booth" else \
                    plain((self.expo.record("exhibitor", ref) or {}).get("name", ref))
                self.note_about.addItem(label, (kind, ref))
                if kind == "exhibitor":
                    for p in self.expo.products_of(ref):
                        self.note_about.addItem("   " + tr("Product: {name}").format(
                            name=plain(p["name"])), ("product", p["slug"]))
            self.note_about.setEnabled(self.note_about.count() > 1)
            self.note_about.blockSignals(False)
            self.star.blockSignals(True)
            on = kind is not None and self.user.is_favourite(self.expo_slug, kind, ref)
            self.star.setEnabled(kind is not None)
            self.star.setChecked(on)
            self.star.setText("★" if on else "☆")
            self.star.blockSignals(False)
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

    def _load_note(self, kind: str | None, ref: str | None) -> None:
        self._loading = True
        try:
            self.note_kind, self.note_ref = kind, ref
            enabled = kind is not None
            self.notes.setEnabled(enabled)
            self.note_tags.setEnabled(enabled)
            note = self.user.note(self.expo_slug, kind, ref) if enabled else None
            self.notes.setPlainText(note["text"] if note else "")
            self.note_tags.setText(", ".join(note["tags"]) if note else "")
            self.note_status.setText(self._stamp(note))
        finally:
            self._loading = False

    @staticmethod
    def _stamp(note: dict | None) -> str:
        if not note:
            return ""
        def local(ts: str) -> str:
            try:
                return dt.datetime.fromisoformat(ts).astimezone().strftime("%Y-%m-%d %H:%M")
            except ValueError:
                return ts
        text = tr("Saved {time}").format(time=local(note["updated"]))
        if note.get("created") and note["created"] != note["updated"]:
            text += " · " + tr("written {time}").format(time=local(note["created"]))
        return text

    def _on_note_edited(self) -> None:
        if self._loading or self.note_kind is None:
            return
        self.note_status.setText(tr("Saving…"))
        self._save_timer.start()

    def save_note(self) -> None:
        """Write the note now (autosave calls this; so do selection changes and quit)."""
        if not self._save_timer.isActive() and self.note_status.text() != tr("Saving…"):
            return
        self._save_timer.stop()
        if self.note_kind is None:
            return
        self.user.save_note(self.expo_slug, self.note_kind, self.note_ref,
                            self.notes.toPlainText())
        self.note_status.setText(self._stamp(self.user.note(
            self.expo_slug, self.note_kind, self.note_ref)) or tr("Saved"))
        self.noteSaved.emit(self.note_kind, self.note_ref)

    def _save_tags(self) -> None:
        if self._loading or self.note_kind is None:
            return
        self.save_note()
        tags = [t for t in self.note_tags.text().split(",")]
        self.user.set_tags(self.expo_slug, self.note_kind, self.note_ref, tags)
        note = self.user.note(self.expo_slug, self.note_kind, self.note_ref)
        self.note_tags.setText(", ".join(note["tags"]) if note else "")
        self.note_status.setText(self._stamp(note))
        self.noteSaved.emit(self.note_kind, self.note_ref)

    def _on_star(self, on: bool) -> None:
        if self.kind is None:
            return
        self.user.set_favourite(self.expo_slug, self.kind, self.ref, on)
        self.star.setText("★" if on else "☆")
        self.favouriteToggled.emit(self.kind, self.ref, on)

    def refresh_star(self) -> None:
        """Show the current record's star state after it was toggled elsewhere."""
        on = self.kind is not None and self.user.is_favourite(self.expo_slug, self.kind, self.ref)
        self.star.blockSignals(True)
        self.star.setChecked(on)
        self.star.setText("★" if on else "☆")
        self.star.blockSignals(False)
