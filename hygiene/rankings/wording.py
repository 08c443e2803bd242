"""A ranking's period and subject as a reader says them (2026年10月, 村/社区): for pages, the
audit trail and notifications alike."""
from __future__ import annotations

from flask_babel import gettext as _

from hygiene.core.periods import parse_period
from hygiene.places.rules import UNIT_CATEGORIES


def subject_choices() -> list[tuple[str, str]]:
    """Villages, then the units of each category, as (key, label) for the subject picker."""
    return [("villages", subject_label("villages")), *((f"units:{code}", subject_label(f"units:{code}"))
                                                        for code in UNIT_CATEGORIES)]


def subject_label(key: str) -> str:
    """The picker's label of a subject key ("villages", "units:catering"); an unknown key as it is.
    (Words of one key only: the trail and the dashboard word one per event.)"""
    if key == "villages":
        return _("Villages and communities")
    kind, _sep, code = key.partition(":")
    if kind == "units" and code in UNIT_CATEGORIES:
        return _("Units: %(category)s", category=str(UNIT_CATEGORIES[code]))
    return key


def period_label(key: str) -> str:
    """ "2026-10" as 2026年10月, "2026-Q4" as 2026年第4季度, "2026" as 2026年度."""
    period = parse_period(key)
    year = period.start.year
    if period.kind == "month":
        return _("%(year)d-%(month)02d", year=year, month=period.start.month)
    if period.kind == "quarter":
        return _("Q%(quarter)d %(year)d", year=year, quarter=(period.start.month + 2) // 3)
    return _("Year %(year)d", year=year)
