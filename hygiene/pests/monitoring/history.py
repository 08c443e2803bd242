"""The control level of a village, and of the township, per pest and month: what the level
history charts draw.

A village's month: its latest survey day of the month whose counts grade (every method of that
day pooled, as the level board grades a village's latest survey), so the point a month shows
is the survey the office would quote for it, and the last month's point is the board's level.
The township's month: the standard grades an area by pooling its sample (domain-standards §1:
rates over every room or trap checked in the area, each pest on its own), so the counts of
each village's graded survey of that month are added up and graded once. Only surveys of the
month count: a month with no survey has no level (a gap), never last month's carried on.
Pure: the records come from queries.level_history (one query per page)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

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
    surveyed_on: date | None


def months_back(today: date, count: int) -> list[date]:
    """The first days of the `count` months up to today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - count + 1, index + 1)]


def _graded_days(rows: Iterable[Any]) -> dict[tuple[str, int, date], tuple[date, dict, str]]:
    """Per (pest, village, month): the latest survey day that grades, its pooled counts and level."""
    days: dict[tuple[str, int, date], dict[date, list[dict]]] = {}
    for row in rows:
        month = row.surveyed_on.replace(day=1)
        days.setdefault((row.pest, row.village_id, month), {}).setdefault(row.surveyed_on, []).append(row.counts)
    graded: dict[tuple[str, int, date], tuple[date, dict, str]] = {}
    for (pest, village_id, month), by_day in days.items():
        for day in sorted(by_day, reverse=True):
            counts = surveys.pooled(by_day[day])
            grading = surveys.grade_survey(pest, day, counts)
            if grading.level is not None:
                graded[(pest, village_id, month)] = (day, counts, grading.level.level)
                break
    return graded


def village_history(rows: Iterable[Any], *, village_id: int, axis: list[date],
                    pests: tuple[str, ...]) -> dict[str, list[MonthLevel]]:
    """Per pest, the village's level in each month of `axis` from its records `rows` (each with
    village_id, pest, surveyed_on, counts)."""
    graded = _graded_days(rows)
    history: dict[str, list[MonthLevel]] = {}
    for pest in pests:
        points = []
        for month in axis:
            found = graded.get((pest, village_id, month))
            points.append(MonthLevel(month, found[2], found[0]) if found else MonthLevel(month, None, None))
        history[pest] = points
    return history


def township_history(rows: Iterable[Any], *, axis: list[date], pests: tuple[str, ...]) -> dict[str, list[MonthLevel]]:
    """Per pest, the township's level in each month: the month's graded village surveys pooled
    and graded once, under the edition of the month's last survey day."""
    pooled: dict[tuple[str, date], list[dict]] = {}
    last_day: dict[tuple[str, date], date] = {}
    for (pest, _village, month), (day, counts, _level) in _graded_days(rows).items():
        pooled.setdefault((pest, month), []).append(counts)
        last_day[(pest, month)] = max(day, last_day.get((pest, month), day))
    history: dict[str, list[MonthLevel]] = {}
    for pest in pests:
        points = []
        for month in axis:
            if (pest, month) not in pooled:
                points.append(MonthLevel(month, None, None))
                continue
            day = last_day[(pest, month)]
            grading = surveys.grade_survey(pest, day, surveys.pooled(pooled[(pest, month)]))
            points.append(MonthLevel(month, grading.level.level if grading.level else None, day))
        history[pest] = points
    return history
