"""Names the creation data gives in Chinese and English, in the reader's language."""
from __future__ import annotations

from flask_babel import get_locale

from hygiene.creation.kinds import KINDS, level_of


def _language() -> str:
    locale = get_locale()
    return "zh" if locale is None or locale.language == "zh" else "en"


def title_name(kind: str, level: str) -> str:
    """A title's name (县级卫生村), or its keys when the data no longer has it."""
    found = level_of(kind, level)
    return (found.name.get(_language()) or found.name["zh"]) if found else f"{kind}/{level}"


def kind_name(kind: str) -> str:
    found = KINDS.get(kind)
    return (found.name.get(_language()) or found.name["zh"]) if found else kind
