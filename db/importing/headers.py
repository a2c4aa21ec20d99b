"""The fields of a catalogue file (CSV/TSV) and how its column names are matched to them.

Headers are compared ignoring case, spaces and punctuation (``norm_header``), with the common
English and Chinese names of each field (``HEADERS``); ``--map "HEADER=field"`` covers any
other. ``EXPORT_FIELDS`` are the columns ``export --format csv`` writes: all of them are read
back here. The fields, their names and examples: ``docs/catalogue-format.md``.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from ..errors import DataError
from ..text import MAX_ID, MAX_NAME, MAX_PATH, MAX_SHORT, MAX_TEXT
from .report import Problems, shown

# Canonical field -> header names that mean it (compared after ``norm_header``).
HEADERS: dict[str, tuple[str, ...]] = {
    "exhibitor_id": ("exhibitor_id", "exhibitor id", "company id", "exhibitor slug",
                     "展商编号", "展商id", "公司编号", "企业编号"),
    "company": ("company", "exhibitor", "company name", "exhibitor name", "exhibiting company",
                "公司名称", "展商名称", "公司", "展商", "企业名称", "参展商", "参展商名称",
                "参展企业", "公司名"),
    "company_en": ("company name (english)", "english name", "company english name",
                   "英文名称", "公司英文名称", "英文名", "英文公司名称"),
    "company_zh": ("company_zh", "company name (chinese)", "chinese name", "company chinese name",
                   "中文名称", "公司中文名称", "中文名"),
    "pinyin": ("pinyin", "拼音"),
    "country": ("country", "country/region", "country or region", "nation", "国家/地区",
                "国家", "国家和地区", "国别", "国家或地区"),
    "category": ("category", "sector", "industry", "exhibitor category", "类别", "行业",
                 "展商类别", "企业类别"),
    "zone": ("zone", "area", "展区", "区域"),
    "booth": ("booth", "booth no.", "booth no", "booth number", "booth code", "booths", "stand",
              "stand no.", "stand number", "展位号", "展位", "摊位号", "展台号"),
    "hall": ("hall", "hall no.", "展馆", "馆号", "展厅"),
    "x": ("x", "booth x"), "y": ("y", "booth y"),
    "w": ("w", "width", "booth width"), "h": ("h", "height", "depth", "booth depth"),
    "exhibitor_summary": ("company profile", "company description", "exhibitor description",
                          "exhibitor summary", "about the company", "公司简介", "企业简介",
                          "展商简介", "公司介绍"),
    "description": ("description", "summary", "简介", "描述", "介绍", "product description",
                    "产品简介", "产品描述", "产品介绍"),
    "product_id": ("product_id", "product id", "sku", "model no.", "产品编号", "产品id"),
    "product": ("product", "product name", "产品", "产品名称", "展品", "展品名称"),
    "product_zh": ("product_zh", "product name (chinese)", "product chinese name", "产品中文名称"),
    "product_pinyin": ("product pinyin", "产品拼音"),
    "tool_type": ("tool type", "tool_type", "product type", "equipment type", "设备类型",
                  "产品类型", "工艺类型"),
    "specs": ("specs", "specifications", "规格", "参数", "技术参数", "规格参数"),
    "image": ("image", "picture", "photo", "image file", "image path", "图片", "产品图片",
              "图片文件", "照片"),
    "image_credit": ("image credit", "photo credit", "picture credit", "图片来源", "图片版权"),
    "sources": ("sources", "source", "来源"),
}
FIELDS = tuple(HEADERS)
EXHIBITOR_FIELDS = ("company", "company_en", "company_zh", "pinyin", "country", "category", "zone",
                    "exhibitor_summary")
PRODUCT_FIELDS = ("product", "product_id", "product_zh", "product_pinyin", "tool_type", "specs",
                  "image", "image_credit")
# Columns our own CSV export writes that describe the expo, not the record: read, not warned
# about.
IGNORED = ("layout",)
# The columns ``export --format csv`` writes, in order (``db.exporters.export_csv``).
EXPORT_FIELDS = ("exhibitor_id", "company", "company_zh", "pinyin", "country", "category",
                 "zone", "booth", "layout", "hall", "product_id", "product", "product_zh",
                 "tool_type", "description", "sources")

# The longest cell of each field (characters) and whether it is kept on one line; a longer
# cell is refused with its line and column (db/text.py holds the limits).
CELL_LIMITS: dict[str, tuple[int, bool]] = {
    "exhibitor_id": (MAX_ID, True), "company": (MAX_NAME, True), "company_en": (MAX_NAME, True),
    "company_zh": (MAX_NAME, True), "pinyin": (MAX_NAME, True), "country": (MAX_SHORT, True),
    "category": (MAX_SHORT, True), "zone": (MAX_SHORT, True), "booth": (MAX_SHORT, True),
    "hall": (MAX_SHORT, True), "x": (MAX_SHORT, True), "y": (MAX_SHORT, True),
    "w": (MAX_SHORT, True), "h": (MAX_SHORT, True), "exhibitor_summary": (MAX_TEXT, False),
    "description": (MAX_TEXT, False), "product_id": (MAX_ID, True), "product": (MAX_NAME, True),
    "product_zh": (MAX_NAME, True), "product_pinyin": (MAX_NAME, True),
    "tool_type": (MAX_SHORT, True), "specs": (MAX_TEXT, False), "image": (MAX_PATH, True),
    "image_credit": (MAX_NAME, True), "sources": (MAX_TEXT, True),
}
assert set(CELL_LIMITS) == set(HEADERS)
assert set(EXPORT_FIELDS) <= set(HEADERS) | set(IGNORED)
PRODUCT_CELLS = tuple((f, CELL_LIMITS[f][0], CELL_LIMITS[f][1]) for f in (
    "product", "description", "product_id", "product_zh", "product_pinyin", "tool_type",
    "specs", "image", "image_credit", "sources"))
EXHIBITOR_CELLS = tuple((f, CELL_LIMITS[f][0], CELL_LIMITS[f][1]) for f in (
    "exhibitor_id", "company", "company_en", "company_zh", "pinyin", "country", "category",
    "zone", "booth", "hall", "x", "y", "w", "h", "exhibitor_summary", "description", "sources"))

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


_NOT_WORD = re.compile(r"[\W_]+")


def norm_header(text: str) -> str:
    """Header as compared: NFKC, case-folded, without spaces and punctuation."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text or "").casefold())


ALIASES = {norm_header(alias): f for f, names in HEADERS.items() for alias in names + (f,)}
ALIASES.update({norm_header(c): "ignore" for c in IGNORED})


def col_letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def column_label(cols: dict[str, int], header: list[str], f: str) -> str:
    """How a message names the column of field ``f``: 'C ("Booth No.")' (or the field)."""
    i = cols.get(f)
    if i is None:
        return f
    return f'{col_letter(i)} ("{header[i]}")'


def match_header(header: list[str], name: str, mapping: dict[str, str],
                 problems: Problems) -> tuple[dict[str, int], dict[str, int]] | None:
    """(field -> column, spec key -> column) of a header row; None (reported) when the file
    has no exhibitor name column. ``mapping``: normalised header -> field (``--map``)."""
    cols: dict[str, int] = {}
    specs: dict[str, int] = {}
    ignored = []
    for i, h in enumerate(header):
        h_clean = (h or "").strip().lstrip("\ufeff")
        key = norm_header(h_clean)
        if not key:
            continue
        target = mapping.get(key) or ALIASES.get(key)
        if target in ("ignore", "-"):
            continue
        if target is None:
            ignored.append(f'{col_letter(i)} ("{shown(h_clean)}")')
            continue
        if target.startswith("specs."):
            specs[target[6:]] = i
            continue
        if target in cols and target in ("company", "product") \
                and f"{target}_zh" not in cols and key not in mapping:
            # Bilingual lists: "Company" and "公司名称" side by side; the column with
            # the Chinese header holds the Chinese name.
            j = cols[target]
            if CJK_RE.search(h_clean) and not CJK_RE.search(header[j]):
                cols[f"{target}_zh"] = i
                continue
            if CJK_RE.search(header[j]) and not CJK_RE.search(h_clean):
                cols[f"{target}_zh"] = j
                cols[target] = i
                continue
        if target in cols:
            j = cols[target]
            problems.error(name, f'columns {col_letter(j)} ("{shown(header[j])}") and '
                           f'{col_letter(i)} ("{shown(h_clean)}") both mean "{target}"', 1,
                           fix="rename or remove one of them, or use --map to say which is which")
            continue
        cols[target] = i
    if ignored:
        problems.warn(name, "columns not recognised, ignored: " + ", ".join(ignored), 1,
                      fix='use --map "HEADER=field" to import one (see docs/catalogue-format.md)')
    if "company" not in cols and "company_en" not in cols:
        if "exhibitor_id" in cols and "product" in cols:
            pass  # a product file that names exhibitors by id only
        else:
            found_all = [f'"{shown(h)}"' for h in header if h.strip()]
            found = ", ".join(found_all[:12]) + (f" and {len(found_all) - 12} more"
                                                 if len(found_all) > 12 else "") or "none"
            problems.error(name, "no exhibitor name column (e.g. Company, Exhibitor, 公司名称, "
                           f"展商名称); headers found: {found}", 1,
                           fix='rename the column or pass --map "YOUR HEADER=company"')
            return None
    return cols, specs


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """``["Firma=company", …]`` -> {header: field}; DataError naming a bad item."""
    out = {}
    for item in items or []:
        header, sep, target = item.rpartition("=")
        header, target = header.strip(), target.strip()
        if not sep or not header or not target:
            raise DataError(f'--map {item!r}: write it as "HEADER=field", e.g. "Firma=company"')
        if target not in FIELDS and target not in ("ignore",) and not (
                target.startswith("specs.") and len(target) > 6):
            raise DataError(f"--map {item!r}: unknown field {target!r}; fields are "
                            + ", ".join(FIELDS) + ", specs.KEY and ignore")
        out[header] = target
    return out
