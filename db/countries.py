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
    "IT": ("Italy", "Italien", "意大利"),
    "MY": ("Malaysia", "Malaysia", "马来西亚"),
    "SG": ("Singapore", "Singapur", "新加坡"),
    "CH": ("Switzerland", "Schweiz", "瑞士"),
    "AT": ("Austria", "Österreich", "奥地利"),
    "SE": ("Sweden", "Schweden", "瑞典"),
    "FR": ("France", "Frankreich", "法国"),
    "IL": ("Israel", "Israel", "以色列"),
    "BY": ("Belarus", "Belarus", "白俄罗斯"),
    "CZ": ("Czech Republic", "Tschechien", "捷克"),
    "CA": ("Canada", "Kanada", "加拿大"),
    "LU": ("Luxembourg", "Luxemburg", "卢森堡"),
    "HU": ("Hungary", "Ungarn", "匈牙利"),
    # Not countries: the market data's groupings.
    "EU": ("Europe", "Europa", "欧洲"),
    "various": ("Various countries", "Verschiedene Länder", "多个国家"),
}

# The market data's (ETO) three-letter codes (ISO 3166 alpha-3) and groupings.
ALPHA3 = {"USA": "US", "CHN": "CN", "KOR": "KR", "JPN": "JP", "TWN": "TW", "DEU": "DE",
          "ITA": "IT", "NLD": "NL", "MYS": "MY", "SGP": "SG", "CHE": "CH", "AUT": "AT",
          "SWE": "SE", "GBR": "GB", "FRA": "FR", "ISR": "IL", "BLR": "BY", "CZE": "CZ",
          "CAN": "CA", "EUR": "EU", "LUX": "LU", "HUN": "HU", "Various countries": "various"}


def country_name(code: str | None, lang: str = "en") -> str | None:
    """The name of ``code`` in ``lang`` (en, de or zh; English for any other), else the
    code itself (None stays None)."""
    names = NAMES.get(code) if isinstance(code, str) else None
    if names is None:
        return code
    return names[LANGUAGES.index(lang) if lang in LANGUAGES else 0]
