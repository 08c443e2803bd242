"""A plan's periods (its rounds): which have begun, and each one's planned and due dates.

The calendar arithmetic is hygiene/core/periods.py's; a plan adds its start date (a first round
that starts mid-period) and its days to complete."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hygiene.core.periods import period_containing

RECURRENCES = ("once", "weekly", "monthly", "quarterly")
_KIND = {"weekly": "week", "monthly": "month", "quarterly": "quarter"}


@dataclass(frozen=True)
class PlanPeriod:
    start: date
    planned: date
    due: date


def _calendar_period(recurrence: str, day: date):
    if recurrence not in _KIND:
        raise ValueError(f"no periods for {recurrence!r}")
    return period_containing(_KIND[recurrence], day)


def period_start(recurrence: str, day: date) -> date:
    """The first day of the period that contains `day`."""
    return _calendar_period(recurrence, day).start


def next_period_start(recurrence: str, start: date) -> date:
    """The first day of the period after the one beginning on `start`."""
    return _calendar_period(recurrence, start).next().start


def begun_periods(*, recurrence: str, start: date, end: date | None, days_allowed: int,
                  today: date, since: date | None = None) -> list[PlanPeriod]:
    """Every period of a plan that has begun by `today` (a one-off plan has exactly one).

    With `since`, none that was over by then: a recurring plan starts with the period that
    holds `since`, a one-off is kept while its days to complete last (the loop starts there,
    so a start date centuries back costs nothing)."""
    if start > today:
        return []
    if recurrence == "once":
        period = PlanPeriod(start, start, start + timedelta(days=days_allowed - 1))
        return [period] if since is None or period.due >= since else []
    periods, current = [], period_start(recurrence, max(start, since or start))
    while current <= today and (end is None or current <= end):
        planned = max(current, start)
        periods.append(PlanPeriod(current, planned, planned + timedelta(days=days_allowed - 1)))
        current = next_period_start(recurrence, current)
    return periods
