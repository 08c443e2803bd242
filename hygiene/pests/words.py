"""The pest pages' words: pest names, the {zh, en} names the standards data carries, and the
wording of every refusal of the pest rules."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.pests import quantities, supplies
from hygiene.pests.levels import LABELS as LEVEL_LABELS
from hygiene.pests.refusals import Refused

UNIT_WORDS = {"g": _l("g"), "kg": _l("kg"), "ml": _l("ml"), "L": _l("L")}  # counted units are words already
PEST_LABELS = {"rodent": _l("Rodents"), "mosquito": _l("Mosquitoes"), "fly": _l("Flies"),
               "cockroach": _l("Cockroaches")}


def in_reader_language(names: Mapping[str, str]) -> str:
    """A name the data gives in Chinese and English, in the reader's language."""
    locale = get_locale()
    return names.get("zh" if locale is None or locale.language == "zh" else "en") or names.get("zh", "")


def level_label(level: str | None) -> str:
    return in_reader_language(LEVEL_LABELS[level]) if level else "-"


def refusal_words(refused: Refused, *, field: str = "", of: str = "", unit: str = "") -> str:
    """Any refusal of the pest rules in the reader's language, one wording per code (every code
    of refusals.CODES has one): `field` and `of` are the labels of the inputs at fault, `unit` the
    product's unit after quantities."""
    p, field = refused.params, field or _("This value")
    amounts = {name: f"{p[name].normalize():f}{' ' + str(UNIT_WORDS.get(unit, unit)) if unit else ''}"
               if isinstance(p.get(name), Decimal) else "" for name in ("available", "wanted")}
    words: dict[str, Callable[[], str]] = {
        "missing_count": lambda: _("Enter %(field)s.", field=field),
        "not_a_number": lambda: _("%(field)s must be a number.", field=field),
        "not_finite": lambda: _("%(field)s must be a number.", field=field),
        "negative": lambda: _("%(field)s cannot be negative.", field=field),
        "not_whole": lambda: _("%(field)s must be a whole number.", field=field),
        "not_positive": lambda: _("%(field)s must be more than 0.", field=field),
        "too_large": lambda: _("%(field)s is too large.", field=field),
        "too_precise": lambda: _("%(field)s may have at most %(n)d decimal places.", field=field,
                                 n=p.get("places", 3)),
        "zero_denominator": lambda: _("%(field)s must be more than 0: the index divides by it.", field=field),
        "more_positive_than_checked": lambda: _(
            "%(field)s (%(positive)s) cannot be more than %(of)s (%(checked)s).", field=field,
            positive=p.get("positive"), of=of, checked=p.get("checked")),
        "count_below_positive": lambda: _("%(field)s cannot be fewer than %(of)s: each positive place has at least one.",
                                          field=field, of=of),
        "count_without_positive": lambda: _("%(field)s was counted, but %(of)s is 0.", field=field, of=of),
        "unit_too_large": lambda: _("The standard sets no allowance of rooms with flies for a unit of %(rooms)s "
                                    "rooms.", rooms=p.get("rooms")),
        "unknown_edition": lambda: _("There is no such edition of the standard."),
        "edition_without_thresholds": lambda: _("%(edition)s has no thresholds entered yet.",
                                                edition=p.get("edition", "")),
        "unknown_count": lambda: _("%(field)s is not a count of this pest.", field=field),
        "no_results": lambda: _("These counts grade no indicator of %(edition)s.", edition=p.get("edition", "")),
        "banned_rodenticide": lambda: _("%(name)s is a banned acute rodenticide and cannot be entered.",
                                        name=_banned_name(p.get("ingredient"))),
        "expired": lambda: _("The product expired on %(day)s; it cannot be issued.", day=_iso(p.get("expiry"))),
        "unknown_unit": lambda: _("Unknown unit; use one of: %(units)s.", units="、".join(quantities.UNITS)),
        "incompatible_units": lambda: _("%(unit)s cannot be converted to %(to)s.",
                                        unit=UNIT_WORDS.get(p.get("unit", ""), p.get("unit", "")),
                                        to=UNIT_WORDS.get(p.get("to", ""), p.get("to", ""))),
        "unknown_movement": lambda: _("Choose a value from the list."),
        "wrong_holder": lambda: _("Stock in goes to the office; an issue or a return names the village or unit."),
        "stock_too_low": lambda: (
            _("The village or unit holds only %(available)s; %(wanted)s cannot be returned.", **amounts)
            if p.get("holder", supplies.STORE) != supplies.STORE
            else _("Only %(available)s left; %(wanted)s cannot be taken.", **amounts)),
    }
    return words[refused.code]()


def _banned_name(key: object) -> str:
    return next((b.name["zh"] for b in supplies.BANNED_RODENTICIDES if b.key == key), "")


def _iso(day: object) -> str:
    return day.isoformat() if isinstance(day, date) else ""
