"""A ranking's period and subject as a reader says them (2026年10月, 村/社区): for pages, the
audit trail and notifications alike."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.core.periods import parse_period
from hygiene.places.rules import UNIT_CATEGORIES


def subject_choices() -> list[tuple[str, str]]:
    """Villages, then the units of each category, as (key, label) for the subject picker."""
    return [("villages", str(_l("Villages and communities"))),
            *((f"units:{code}", str(_l("Units: %(category)s", category=label)))
              for code, label in UNIT_CATEGORIES.items())]


def subject_label(key: str) -> str:
    """The picker's label of a subject key ("villages", "units:catering")."""
    return dict(subject_choices()).get(key, key)


def period_label(key: str) -> str:
    """ "2026-10" as 2026年10月, "2026-Q4" as 2026年第4季度, "2026" as 2026年度."""
    period = parse_period(key)
    year = period.start.year
    if period.kind == "month":
        return _("%(year)d-%(month)02d", year=year, month=period.start.month)
    if period.kind == "quarter":
        return _("Q%(quarter)d %(year)d", year=year, quarter=(period.start.month + 2) // 3)
    return _("Year %(year)d", year=year)
