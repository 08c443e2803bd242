"""Village groups in their natural order (pure): 一组, 二组, 三组 ... 十组, 十一组; 1组, 2组, 10组 —
not as text sorts them (一组, 三组, 二组; 1组, 10组, 2组). A name without a number comes after."""
from __future__ import annotations

import re

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = re.compile(r"\d+|[零〇一二两三四五六七八九十百]+")


def chinese_number(text: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 一百零五 → 105; None for anything else."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in "十百":
            total += (digit if digit is not None else 1) * (10 if char == "十" else 100)
            digit = None
        else:
            return None
    return total + (digit or 0)


def group_key(name: str | None) -> tuple[int, int, str]:
    """Sort key of a group name: the groups with a number by it, then the others by text."""
    text = name or ""
    found = _NUMBER.search(text)
    number = chinese_number(found.group()) if found else None
    return (0, number, text) if number is not None else (1, 0, text)
