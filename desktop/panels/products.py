"""The products view: every product of the expo in a sortable, filterable table,
and the product detail (full picture, names, tool type, specs, sources)."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QBoxLayout, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QSizePolicy, QSplitter, QTableView,
                               QToolButton, QVBoxLayout, QWidget)

from db.expo import Expo
from db.views import product_view

from .. import theme
from ..i18n import country, place_name, tool_type, tr
from ..models.products import EXHIBITOR_ROLE, SLUG_ROLE, ProductModel
from ..richtext import (STYLE, ThemedBrowser, attr, booths_text, confidence_html, data_combo,
                        esc, esc_text, plain, product_line_html, set_plain, sources_html,
                        specs_html, zh_note_html)
from ..selection import Reason, Selected, Selection
from ..jobs import Jobs
from ..workers import picture_job, placeholder_image


class ProductView(QWidget):
    """One product: its picture (full size, upright), names, tool type, specs and sources."""
    exhibitorChosen = Signal(str)

    def __init__(self, expo: Expo, parent=None, jobs: Jobs | None = None):
        super().__init__(parent)
        self.expo = expo
        self.jobs = jobs if jobs is not None else Jobs(expo.path, name="pictures", parent=self)
        self.slug: str | None = None
        self.picture = QLabel()
        self.picture.setObjectName("productPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumHeight(90)
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.credit = QLabel("")
        self.credit.setObjectName("pictureCredit")
        self.credit.setTextFormat(Qt.TextFormat.PlainText)   # a credit is data, never HTML
        theme.caption(self.credit)
        self.credit.setWordWrap(True)
        self.text = ThemedBrowser()
        self.text.anchorClicked.connect(self._on_link)
        pic = QWidget()
        pl = QVBoxLayout(pic)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.picture, 1)
        pl.addWidget(self.credit)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(pic, 1)
        lay.addWidget(self.text, 1)
        self.setMinimumWidth(300)       # never a column of broken words beside the table
        self._image: QPixmap | None = None
        self._job = None                # the picture's desktop.jobs.Job
        self.picture_state = "none"     # none | loading | shown | placeholder
        self.show_product(None)

    def show_product(self, slug: str | None) -> None:
        self.slug = slug
        view = product_view(self.expo, slug) if slug else None
        if view is None:
            self.picture.clear()
            self.credit.setText("")
            self.text.setHtml(STYLE + "<p class='muted'>" + esc(tr(
                "Pick a product to see its picture, specifications and sources.")) + "</p>")
            self.picture_state = "none"
            return
        p = view.product
        body = f"<h2>{esc(p['name'])}</h2>"
        names = " · ".join(n for n in (p.get("name_zh"), p.get("pinyin")) if n)
        if names:
            body += f"<div class='zh'>{esc(names)}</div>"
            body += zh_note_html(p.get("name_zh_note"))
        body += product_line_html(p)
        rows = [(tr("Exhibitor"), f"<a href='exhibitor:{attr(p['exhibitor'])}'>"
                                  f"{esc(view.exhibitor_name or p['exhibitor'])}</a>")]
        if view.booths:
            rows.append((tr("Booth"), esc(booths_text(view.booths, view.layout))))
        if p.get("tool_type"):
            rows.append((tr("Tool type"), esc(tool_type(p["tool_type"]))))
        if view.country:
            rows.append((tr("Country"), esc(country(view.country))))
        body += "<table cellspacing=2>" + "".join(
            f"<tr><td class='muted'>{esc(k)}</td><td>{v}</td></tr>" for k, v in rows) + "</table>"
        if p.get("summary"):
            body += f"<p>{esc_text(p['summary'])}</p>"
            body += confidence_html(view.confidence)
        body += specs_html(p.get("specs"), tr("Specifications"))
        body += sources_html(view.sources)
        self.text.setHtml(STYLE + body)
        self._load_picture(p.get("image"), view.credit)

    def _load_picture(self, image_id: int | None, credit: str | None = None) -> None:
        self._image = None
        if not image_id:
            self.credit.setText("")
            self._set_placeholder(tr("No picture"))
            return
        set_plain(self.credit, credit or "")
        self._set_placeholder("")
        self.picture_state = "loading"
        slug = self.slug
        self._job = self.jobs.submit(picture_job(image_id), name=f"picture #{image_id}",
                                     key=("picture", id(self)),
                                     done=lambda img, s=slug: self._on_picture(s, img),
                                     failed=lambda line, _exc, s=slug: self._on_failed(s, line))

    def _set_placeholder(self, text: str) -> None:
        self.picture.setPixmap(QPixmap.fromImage(placeholder_image(150, text)))
        self.picture_state = "placeholder"

    def _on_picture(self, slug, img) -> None:
        if slug != self.slug:
            return
        self._image = QPixmap.fromImage(img)
        self.picture_state = "shown"
        self._fit()

    def _on_failed(self, slug, msg) -> None:
        if slug != self.slug:
            return
        self._set_placeholder(tr("Picture unavailable"))
        set_plain(self.credit, tr("The picture could not be shown ({reason}).").format(
            reason=plain(msg)), None)

    def _fit(self) -> None:
        if self._image is not None and not self._image.isNull():
            size = self.picture.size()
            self.picture.setPixmap(self._image.scaled(
                max(40, size.width()), max(40, size.height()),
                Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))

    # Narrower than this, the picture stands above the text (side by side, each would be a
    # column of broken words).
    SIDE_BY_SIDE = 520

    def resizeEvent(self, event) -> None:
        lay = self.layout()
        want = (QBoxLayout.Direction.LeftToRight if event.size().width() >= self.SIDE_BY_SIDE
                else QBoxLayout.Direction.TopToBottom)
        if lay.direction() != want:
            lay.setDirection(want)
        super().resizeEvent(event)
        self._fit()

    def shown_picture(self) -> QPixmap | None:
        return self._image

    def _on_link(self, url) -> None:
        text = url.toString()
        if text.startswith("exhibitor:"):
            self.exhibitorChosen.emit(text.split(":", 1)[1])


class ProductsPanel(QWidget):
    """All products: filter by text, tool type, zone, country and exhibitor; sort by column.
    It follows the selection (the exhibitor for "Only the selected exhibitor", a product
    picked elsewhere); a row picked selects its product."""

    def __init__(self, expo: Expo, selection: Selection, thumbnails=None, parent=None,
                 jobs: Jobs | None = None):
        super().__init__(parent)
        self.expo = expo
        self.selection = selection
        self.model = ProductModel(expo, thumbnails, self, jobs=jobs)
        self.text = QLineEdit()
        self.text.setPlaceholderText(tr("Filter products…"))
        self.text.setClearButtonEnabled(True)
        self.tool = data_combo(QComboBox())
        self.zone = data_combo(QComboBox())
        self.country = data_combo(QComboBox())
        choices = self.model.choices()
        zone_names = {z["slug"]: place_name(z) for z in expo.zones()}
        shown = {"country": country, "tool_type": tool_type,
                 "zone": lambda slug: zone_names.get(slug, slug)}
        for box, key, all_label in ((self.tool, "tool_type", tr("All tool types")),
                                    (self.zone, "zone", tr("All zones")),
                                    (self.country, "country", tr("All countries"))):
            box.addItem(all_label, None)
            for value, label in choices[key]:
                box.addItem(plain(shown[key](value) or label), value)
            box.currentIndexChanged.connect(self._on_filters)
        self.only = QToolButton()
        self.only.setCheckable(True)
        self.only.setText(tr("Only the selected exhibitor"))
        self.only.setToolTip(tr("Show only the products of the exhibitor selected on the plan"))
        self.only.toggled.connect(self._on_filters)
        self._exhibitor: str | None = None
        self.count = QLabel("")
        self.count.setObjectName("productCount")

        self.table = QTableView()
        self.table.setModel(self.model)
        # Catalogue order first (no sort: instant at a million rows); a header click sorts.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        for c, w in enumerate((260, 120, 180, 90, 140)):
            self.table.setColumnWidth(c, max(w, hh.sectionSizeHint(c)))   # its header whole
        self.table.setAccessibleName(tr("Products"))
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        self.view = ProductView(expo, jobs=self.model.jobs)
        self.view.exhibitorChosen.connect(
            lambda slug: selection.select("exhibitor", slug, reason=Reason.LINK))

        filters = QHBoxLayout()
        label = QLabel(tr("Filter:"))           # the field says what it is at any width
        label.setBuddy(self.text)
        self.text.setAccessibleName(tr("Filter products"))
        self.text.setMinimumWidth(130)
        filters.addWidget(label)
        filters.addWidget(self.text, 2)
        filters.addWidget(self.tool, 1)
        filters.addWidget(self.zone, 1)
        filters.addWidget(self.country, 1)
        filters.addWidget(self.only)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addLayout(filters)
        tl.addWidget(self.table, 1)
        tl.addWidget(self.count)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(top)
        split.addWidget(self.view)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 400])      # in proportion: the detail gets two fifths
        split.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(split)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._on_filters)
        self.text.textChanged.connect(lambda _t: self._timer.start())
        self.model.countChanged.connect(self._on_count)
        self.model.loading.connect(lambda on: self.count.setText(tr("Loading…")) if on else None)
        self._on_count(self.model.rowCount())
        selection.changed.connect(self._on_selected)

    def showEvent(self, event) -> None:
        self.model.ensure_loaded()          # a large catalogue: its ids when first shown
        super().showEvent(event)

    def _on_filters(self, *_args) -> None:
        self._timer.stop()
        self.model.set_filter(text=self.text.text(), tool_type=self.tool.currentData(),
                              zone=self.zone.currentData(), country=self.country.currentData(),
                              exhibitor=self._exhibitor if self.only.isChecked() else None)

    def _on_count(self, n: int) -> None:
        self.count.setText(tr("%Ln product(s)", n=n))

    def _on_selected(self, state: Selected) -> None:
        self.set_exhibitor(state.ref if state.kind == "exhibitor" else None)
        if state.product and state.product != self.view.slug \
                and (state.reason == Reason.DETAIL or self.isVisible()):
            self.show_product(state.product)

    def set_exhibitor(self, slug: str | None) -> None:
        """Follow the shared selection (used when "Only the selected exhibitor" is on)."""
        self._exhibitor = slug
        if self.only.isChecked():
            self._on_filters()

    def _on_row(self, current: QModelIndex, _prev: QModelIndex) -> None:
        if not current.isValid():
            return
        slug = current.data(SLUG_ROLE)
        if slug:
            self.view.show_product(slug)
            self.selection.select("product", slug, reason=Reason.PRODUCT_ROW)

    def show_product(self, slug: str) -> None:
        """Show a product (from a search hit or the detail panel) and select its row."""
        self.view.show_product(slug)
        row = self.model.row_of(slug)
        if row >= 0:
            idx = self.model.index(row, 0)
            self.table.blockSignals(True)
            self.table.selectionModel().blockSignals(True)
            self.table.setCurrentIndex(idx)
            self.table.scrollTo(idx)
            self.table.selectionModel().blockSignals(False)
            self.table.blockSignals(False)

    def exhibitor_of_current(self) -> str | None:
        idx = self.table.currentIndex()
        return idx.data(EXHIBITOR_ROLE) if idx.isValid() else None


class UnplacedTray(QWidget):
    """Booths the organiser's list names but the floor plan lacks, with their exhibitors."""

    def __init__(self, expo: Expo, selection: Selection, parent=None):
        super().__init__(parent)
        from PySide6.QtWidgets import QListWidget, QListWidgetItem
        self.expo = expo
        self.selection = selection
        self.list = QListWidget()
        self.list.setAccessibleName(tr("Unplaced booths"))
        self.note = QLabel(tr("Booths in the imported lists that the floor plan does not show. "
                              "They are listed and searchable, but not drawn."))
        self.note.setWordWrap(True)
        theme.caption(self.note)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.note)
        lay.addWidget(self.list, 1)
        self.codes: list[str] = []
        for code, names, slug in expo.unplaced_booths(limit=5000):
            item = QListWidgetItem(f"{plain(code)} — {plain(names)}" if names else plain(code))
            item.setData(Qt.ItemDataRole.UserRole, slug)
            self.list.addItem(item)
            self.codes.append(code)
        self.list.itemActivated.connect(self._chosen)
        self.list.itemClicked.connect(self._chosen)

    def _chosen(self, item) -> None:
        slug = item.data(Qt.ItemDataRole.UserRole)
        if slug:
            self.selection.select("exhibitor", slug, reason=Reason.UNPLACED)
