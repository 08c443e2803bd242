"""A message in Chinese and in English, for the API's errors.

The API runs its requests in English, so a service's message arrives as the catalog's English
msgid with its values filled in. The Chinese is found by matching that text against the catalog's
msgids (placeholders as patterns) and filling the Chinese msgstr with the same values: every
message the pages speak, the API speaks in both languages, with no second list of messages to
keep. A text the catalog does not hold (a library's own words) stays English in both."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache

from babel.support import Translations

# a msgid of placeholders and a colon ("%(label)s: %(value)s") would claim any text with a colon
MIN_LITERAL = 4
_PLACEHOLDER = re.compile(r"%\((\w+)\)([sdfr])|%%")
_TRANSLATIONS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "translations")


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    chinese: str
    literal_length: int  # longer literal text first: "%(error)s" alone must not win over a sentence


@cache
def _catalog() -> tuple[dict[str, str], tuple[_Pattern, ...]]:
    catalog = Translations.load(_TRANSLATIONS, ["zh"])._catalog
    plain, patterns = {}, []
    for msgid, msgstr in catalog.items():
        if not isinstance(msgid, str) or not msgid or not msgstr:  # plural forms and the header
            continue
        if "%" not in msgid:
            plain[msgid] = msgstr
            continue
        pattern = _pattern(msgid, msgstr)
        if pattern.literal_length >= MIN_LITERAL:
            patterns.append(pattern)
    patterns.sort(key=lambda p: -p.literal_length)
    return plain, tuple(patterns)


def _pattern(msgid: str, msgstr: str) -> _Pattern:
    parts, seen, literal, at = [], set(), 0, 0
    for match in _PLACEHOLDER.finditer(msgid):
        text = msgid[at:match.start()]
        parts.append(re.escape(text))
        literal += len(text)
        at = match.end()
        if match.group(0) == "%%":
            parts.append("%")
            continue
        name, kind = match.groups()
        if name in seen:
            parts.append(f"(?P={name})")
        else:
            seen.add(name)
            parts.append(f"(?P<{name}>-?\\d+)" if kind == "d" else f"(?P<{name}>.+?)")
    tail = msgid[at:]
    parts.append(re.escape(tail))
    return _Pattern(re.compile("".join(parts), re.S), msgstr, literal + len(tail))


def in_chinese(english: str) -> str:
    """The Chinese of a message the catalog holds, with its values; else the English itself."""
    plain, patterns = _catalog()
    if english in plain:
        return plain[english]
    for pattern in patterns:
        match = pattern.regex.fullmatch(english)
        if match is None:
            continue
        values: dict[str, object] = {name: (int(value) if re.fullmatch(r"-?\d+", value) else value)
                                     for name, value in match.groupdict().items()}
        try:
            return pattern.chinese % values
        except (KeyError, TypeError, ValueError):
            continue
    return english


def both(english: str) -> dict[str, str]:
    """{"zh_CN": ..., "en": ...} of a message in English."""
    return {"zh_CN": in_chinese(english), "en": english}
