"""Ranking periods (a month, a quarter, a year) as pure date arithmetic."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_PATTERN = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?$")


@dataclass(frozen=True, order=True)
class Period:
    key: str            # "2026-11", "2026-Q4" or "2026"
    start: date
    end: date           # inclusive

    @property
    def kind(self) -> str:
        return "quarter" if "Q" in self.key else ("month" if "-" in self.key else "year")

    def is_over(self, today: date) -> bool:
        """A period can be published once its last day has passed."""
        return self.end < today

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        return period_containing(self.kind, self.start - timedelta(days=1))


def parse_period(key: str) -> Period:
    """Parse "2026-11", "2026-Q4" or "2026"; raise ValueError for anything else."""
    match = _PATTERN.match((key or "").strip())
    if not match:
        raise ValueError(f"not a period: {key!r}")
    year, month, quarter = int(match[1]), match[2], match[3]
    if month:
        return _months(key, year, int(month), 1)
    if quarter:
        return _months(key, year, 3 * int(quarter) - 2, 3)
    return Period(key, date(year, 1, 1), date(year, 12, 31))


def _months(key: str, year: int, first_month: int, count: int) -> Period:
    start = date(year, first_month, 1)
    after = first_month + count
    end = date(year + (after - 1) // 12, (after - 1) % 12 + 1, 1) - timedelta(days=1)
    return Period(key, start, end)


def period_containing(kind: str, day: date) -> Period:
    """The month, quarter or year that contains `day`."""
    if kind == "month":
        return parse_period(f"{day.year}-{day.month:02d}")
    if kind == "quarter":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    return parse_period(str(day.year))
