"""Pure rules for register data: phone numbers, names, unit categories."""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

# Mainland mobile (11 digits from 13..19), or a landline with area code (0xx-xxxxxxx[x]),
# optionally with an extension; spaces and dashes are tolerated the way people type them.
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
_SEPARATORS = re.compile(r"[\s\-()（）]")

UNIT_CATEGORIES: dict[str, object] = {
    "catering": _l("Catering"),
    "school_canteen": _l("School canteen"),
    "market": _l("Farmers' market"),
    "shop": _l("Shop"),
    "office": _l("Government office or institution"),
    "enterprise": _l("Enterprise"),
    "clinic": _l("Village clinic"),
    "public_toilet": _l("Public toilet"),
    "hotel": _l("Hotel"),
    "beauty": _l("Beauty and barber"),
    "other": _l("Other small business"),
}

# Labels as offices write them in their spreadsheets, so imports accept either form.
UNIT_CATEGORY_ALIASES: dict[str, str] = {
    "餐饮": "catering", "餐饮服务": "catering", "饭店": "catering",
    "学校食堂": "school_canteen", "食堂": "school_canteen",
    "农贸市场": "market", "市场": "market",
    "商铺": "shop", "商店": "shop",
    "机关事业单位": "office", "机关": "office", "事业单位": "office",
    "企业": "enterprise",
    "村卫生室": "clinic", "卫生室": "clinic",
    "公厕": "public_toilet", "公共厕所": "public_toilet",
    "宾馆": "hotel", "旅馆": "hotel",
    "美容美发": "beauty", "理发": "beauty",
    "其他": "other", "其他十小行业": "other", "十小行业": "other",
}

VILLAGE_KINDS: dict[str, object] = {"village": _l("Village"), "community": _l("Community")}
VILLAGE_KIND_ALIASES = {"村": "village", "行政村": "village", "社区": "community"}
TOWNSHIP_KINDS: dict[str, object] = {"township": _l("Township"), "street": _l("Sub-district")}
TOWNSHIP_KIND_ALIASES = {"乡": "township", "镇": "township", "乡镇": "township", "街道": "street"}


# zero-width spaces and joiners, the word joiner, the BOM and soft hyphen: pasted from chat
# apps and web pages, invisible, and they make "东山村" and "东山\u200b村" two names
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
                                     # direction marks and overrides: they turn text around unseen
                                     "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
# full-width letters and digits (ＡＢＣ１２３) are plain ones typed with a Chinese input method;
# full-width punctuation（甲）：，is how Chinese names are written and stays as it is
_FULL_WIDTH_ALNUM = {code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                                       *range(0xFF41, 0xFF5B))}
_PLAIN = {**_INVISIBLE, **_FULL_WIDTH_ALNUM, 0x3000: " "}


def clean_text(value: object) -> str:
    """Text the way a person means it: one form of each character (NFC), full-width letters and
    digits as plain ones, no invisible characters, no surrounding or doubled spaces. Every name
    and text field of the register and of users goes through here."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).translate(_PLAIN)
    return re.sub(r"\s+", " ", text).strip()


def normalise_phone(value: object) -> str | None:
    """Return the phone number without separators, or None when it is not a valid number."""
    text = clean_text(value)
    if text.endswith(".0"):  # spreadsheets turn 13800138000 into 13800138000.0
        text = text[:-2]
    digits = _SEPARATORS.sub("", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    if _MOBILE.match(digits) or _LANDLINE.match(digits):
        return digits
    return None


def category_code(value: object) -> str | None:
    """Map a category label or code (Chinese or English) to its code."""
    text = clean_text(value)
    if text in UNIT_CATEGORIES:
        return text
    if text in UNIT_CATEGORY_ALIASES:
        return UNIT_CATEGORY_ALIASES[text]
    for code, label in UNIT_CATEGORIES.items():
        if text.lower() == str(label).lower():
            return code
    return None


def kind_code(value: object, choices: dict, aliases: dict[str, str]) -> str | None:
    """Map a type label or code to its code; empty means the first (usual) type."""
    text = clean_text(value)
    if not text:
        return next(iter(choices))
    if text in choices:
        return text
    return aliases.get(text)
