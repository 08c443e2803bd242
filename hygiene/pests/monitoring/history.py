"""The control level of a village, and of the township, per pest and month: what the level
history charts draw.

A village's month: its latest survey day of the month with a survey that gets a level (a method
the control-level standard grades; every method of that day pooled, as the level board grades
a village's latest survey), so the point a month shows is the survey the office would quote
for it, and a light-trap day after the month's room survey does not hide it. The township's
month: the standard grades an area by pooling its sample (domain-standards §1: rates over every
room or trap checked in the area, each pest on its own), so the counts of each village's
graded survey day of that month are added up and graded once. Only surveys of the month count:
a month with no survey has no level (a gap), never last month's carried on.
Pure: queries.level_history adds the counts up in SQL, one row per pest and month."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from hygiene.pests import surveys
from hygiene.pests.levels import BELOW

MONTH_CHOICES = (12, 24)
# the ordinal axis of the charts, worst first
LEVEL_ORDER = (BELOW, "C", "B", "A")


@dataclass(frozen=True)
class MonthLevel:
    """A pest's level in one month (None: no graded survey that month) and its survey day."""

    month: date                  # the first day of the month
    level: str | None
    surveyed_on: date | None     # the (last) survey day graded


@dataclass(frozen=True)
class MonthCounts:
    """A pest's counts of one month as queries.level_history adds them up (None: not counted)."""

    pest: str
    month: date
    day: date                    # the last survey day added
    counts: dict[str, float | None]


def months_back(today: date, count: int) -> list[date]:
    """The first days of the `count` months up to today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - count + 1, index + 1)]


def month_levels(sums: Iterable[MonthCounts], *, axis: list[date], pests: tuple[str, ...]) -> dict[str, list[MonthLevel]]:
    """Per pest, the level of each month of `axis`, graded from that month's added-up counts
    under the edition in force on its last survey day."""
    graded = {(s.pest, s.month): _graded(s) for s in sums}
    return {pest: [graded.get((pest, month)) or MonthLevel(month, None, None) for month in axis] for pest in pests}


def _graded(sums: MonthCounts) -> MonthLevel:
    return MonthLevel(sums.month, _level(sums.pest, sums.day, tuple(sorted(sums.counts.items()))), sums.day)


@lru_cache(maxsize=8192)
def _level(pest: str, day: date, sums: tuple[tuple[str, float | None], ...]) -> str | None:
    """The level of a month's counts: a pure function of them (the standards are loaded once), so
    a chart opened again grades only the months whose counts changed."""
    counts = {field: _number(value) for field, value in sums if value is not None}
    grading = surveys.grade_survey(pest, day, counts)
    return grading.level.level if grading.level else None


def _number(value: float) -> int | Decimal:
    """A sum as the rules take it: a whole count as int, an amount (km, hours) as Decimal."""
    return int(value) if float(value).is_integer() else Decimal(str(value))
