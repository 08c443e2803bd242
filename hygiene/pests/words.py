"""The pest pages' words: pest names, and the {zh, en} names the standards data carries."""
from __future__ import annotations

from collections.abc import Mapping

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from hygiene.pests.levels import LABELS as LEVEL_LABELS

PEST_LABELS = {"rodent": _l("Rodents"), "mosquito": _l("Mosquitoes"), "fly": _l("Flies"),
               "cockroach": _l("Cockroaches")}


def in_reader_language(names: Mapping[str, str]) -> str:
    """A name the data gives in Chinese and English, in the reader's language."""
    locale = get_locale()
    return names.get("zh" if locale is None or locale.language == "zh" else "en") or names.get("zh", "")


def level_label(level: str | None) -> str:
    return in_reader_language(LEVEL_LABELS[level]) if level else "-"
