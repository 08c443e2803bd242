"""How the food registers word their codes, in the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.food import rules

KIND_LABELS = {"wedding": _l("Wedding"), "birthday": _l("Birthday"), "new_house": _l("New house"),
               "moving": _l("House-moving"), "funeral": _l("Funeral"), "other": _l("Other")}
MEAL_LABELS = {"lunch": _l("Lunch"), "dinner": _l("Dinner")}
CERT_LABELS = {rules.VALID: _l("Valid"), rules.EXPIRING: _l("Expiring soon"), rules.EXPIRED: _l("Expired"),
               rules.MISSING: _l("None shown")}


def point_name(key: str, locale: str) -> str:
    """A check point's name from rules.yaml, in the reader's language."""
    name = rules.check_points().get(key)
    return key if name is None else name["zh" if locale == "zh_CN" else "en"]


def points_text(keys: object) -> str:
    """The check points that passed, named in the reader's language (the audit trail's words)."""
    from flask_babel import get_locale
    from flask_babel import gettext as _

    locale = "zh_CN" if get_locale() is not None and get_locale().language == "zh" else "en"
    values = keys if isinstance(keys, list) else [keys]
    return _(", ").join(point_name(str(key), locale) for key in values)
