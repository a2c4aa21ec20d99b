"""Country names for the codes exhibitors carry (ISO 3166 alpha-2), in the languages of
the interface. A code without a name here is shown as it is."""
from __future__ import annotations

LANGUAGES = ("en", "de", "zh")

# code -> (English, German, Chinese)
NAMES: dict[str, tuple[str, str, str]] = {
    "CN": ("China", "China", "中国"),
    "US": ("United States", "Vereinigte Staaten", "美国"),
    "JP": ("Japan", "Japan", "日本"),
    "DE": ("Germany", "Deutschland", "德国"),
    "GB": ("United Kingdom", "Vereinigtes Königreich", "英国"),
    "KR": ("South Korea", "Südkorea", "韩国"),
    "TW": ("Taiwan", "Taiwan", "台湾"),
    "NL": ("Netherlands", "Niederlande", "荷兰"),
}


def country_name(code: str | None, lang: str = "en") -> str | None:
    """The name of ``code`` in ``lang`` (en, de or zh; English for any other), else the
    code itself (None stays None)."""
    names = NAMES.get(code) if isinstance(code, str) else None
    if names is None:
        return code
    return names[LANGUAGES.index(lang) if lang in LANGUAGES else 0]
