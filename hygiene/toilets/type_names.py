"""Names the toilet data gives in Chinese and English, in the reader's language."""
from __future__ import annotations

from collections.abc import Mapping

from flask_babel import LazyString, get_locale

from hygiene.toilets.kinds import PROBLEM_CATEGORIES, PROBLEM_KINDS, TOILET_TYPES


def in_reader_language(names: Mapping[str, str]) -> str:
    locale = get_locale()
    return names.get("zh" if locale is None or locale.language == "zh" else "en") or names.get("zh", "")


def type_name(key: str | None) -> LazyString:
    """A toilet type's name (lazy: a form class is built before any request)."""
    return LazyString(lambda: in_reader_language(TOILET_TYPES[key].name) if key in TOILET_TYPES else (key or ""))


def kind_name(key: str) -> str:
    """A follow-up problem kind's name (kinds.yaml), or its key when the data no longer has it."""
    return in_reader_language(PROBLEM_KINDS[key].name) if key in PROBLEM_KINDS else key


def category_name(key: str) -> str:
    """A problem category's name (§3.7)."""
    return in_reader_language(PROBLEM_CATEGORIES[key]) if key in PROBLEM_CATEGORIES else key
