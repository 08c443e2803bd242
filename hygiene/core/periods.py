"""Calendar periods (a week, a month, a quarter, a year) as pure date arithmetic.

The one place month arithmetic lives: ranking periods, plan rounds, the calendar page and the
demo all count months here. A period has a key people can read and type ("2026-W48", "2026-11",
"2026-Q4", "2026"), its first day and its last day."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

KINDS = ("week", "month", "quarter", "year")
_PATTERN = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4])|-W(0[1-9]|[1-4]\d|5[0-3]))?$")


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or, negative, before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    key: str            # "2026-W48", "2026-11", "2026-Q4" or "2026"
    start: date
    end: date           # inclusive

    @property
    def kind(self) -> str:
        if "W" in self.key:
            return "week"
        if "Q" in self.key:
            return "quarter"
        return "month" if "-" in self.key else "year"

    def is_over(self, today: date) -> bool:
        """A period can be published once its last day has passed."""
        return self.end < today

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        return period_containing(self.kind, self.start - timedelta(days=1))

    def next(self) -> Period:
        """The period of the same kind just after this one."""
        return period_containing(self.kind, self.end + timedelta(days=1))


def parse_period(key: str, *, kinds: tuple[str, ...] = KINDS) -> Period:
    """Parse "2026-W48", "2026-11", "2026-Q4" or "2026" (only periods of `kinds`); raise
    ValueError for anything else."""
    match = _PATTERN.match((key or "").strip())
    if not match:
        raise ValueError(f"not a period: {key!r}")
    period = _parsed(key, match)
    if period.kind not in kinds:
        raise ValueError(f"not a period of {', '.join(kinds)}: {key!r}")
    return period


def _parsed(key: str, match: re.Match) -> Period:
    year, month, quarter, week = int(match[1]), match[2], match[3], match[4]
    if month:
        return _months(key, year, int(month), 1)
    if quarter:
        return _months(key, year, 3 * int(quarter) - 2, 3)
    if week:
        try:
            monday = date.fromisocalendar(year, int(week), 1)
        except ValueError:  # week 53 of a year with 52
            raise ValueError(f"not a period: {key!r}") from None
        return Period(key, monday, monday + timedelta(days=6))
    return Period(key, date(year, 1, 1), date(year, 12, 31))


def _months(key: str, year: int, first_month: int, count: int) -> Period:
    start = date(year, first_month, 1)
    return Period(key, start, add_months(start, count) - timedelta(days=1))


def period_containing(kind: str, day: date) -> Period:
    """The week (ISO, from Monday), month, quarter or year that contains `day`."""
    if kind == "week":
        year, week, _ = day.isocalendar()
        return parse_period(f"{year}-W{week:02d}")
    if kind == "month":
        return parse_period(f"{day.year}-{day.month:02d}")
    if kind == "quarter":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    if kind == "year":
        return parse_period(str(day.year))
    raise ValueError(f"no periods of kind {kind!r}")
