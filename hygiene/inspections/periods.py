"""Plan periods as pure date arithmetic: which periods have begun, and their dates."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

RECURRENCES = ("once", "weekly", "monthly", "quarterly")


@dataclass(frozen=True)
class Period:
    start: date
    planned: date
    due: date


def period_start(recurrence: str, day: date) -> date:
    """The first day of the period that contains `day`."""
    if recurrence == "weekly":
        return day - timedelta(days=day.weekday())
    if recurrence == "monthly":
        return day.replace(day=1)
    if recurrence == "quarterly":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise ValueError(f"no periods for {recurrence!r}")


def next_period_start(recurrence: str, start: date) -> date:
    """The first day of the period after the one beginning on `start`."""
    if recurrence == "weekly":
        return start + timedelta(days=7)
    months = 1 if recurrence == "monthly" else 3
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def begun_periods(*, recurrence: str, start: date, end: date | None, days_allowed: int,
                  today: date, since: date | None = None) -> list[Period]:
    """Every period of a plan that has begun by `today` (a one-off plan has exactly one).

    With `since`, none that was over by then: a recurring plan starts with the period that
    holds `since`, a one-off is kept while its days to complete last (the loop starts there,
    so a start date centuries back costs nothing)."""
    if start > today:
        return []
    if recurrence == "once":
        period = Period(start, start, start + timedelta(days=days_allowed - 1))
        return [period] if since is None or period.due >= since else []
    periods, current = [], period_start(recurrence, max(start, since or start))
    while current <= today and (end is None or current <= end):
        planned = max(current, start)
        periods.append(Period(current, planned, planned + timedelta(days=days_allowed - 1)))
        current = next_period_start(recurrence, current)
    return periods
