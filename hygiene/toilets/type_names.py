"""Names the toilet data gives in Chinese and English, in the reader's language."""
from __future__ import annotations

from collections.abc import Mapping

from flask_babel import LazyString, get_locale

from hygiene.toilets.kinds import TOILET_TYPES


def in_reader_language(names: Mapping[str, str]) -> str:
    locale = get_locale()
    return names.get("zh" if locale is None or locale.language == "zh" else "en") or names.get("zh", "")


def type_name(key: str | None) -> LazyString:
    """A toilet type's name (lazy: a form class is built before any request)."""
    return LazyString(lambda: in_reader_language(TOILET_TYPES[key].name) if key in TOILET_TYPES else (key or ""))
