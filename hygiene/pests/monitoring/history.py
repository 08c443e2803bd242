"""The control level of a village, and of the township, per pest and month: what the level
history charts draw. One query per page fetches the months' records; grading is Python.

A village's month: its latest survey day of the month whose counts grade (every method of that
day pooled, as the level board grades a village's latest survey), so the point a month shows
is the survey the office would quote for it, and the last month's point is the board's level.
The township's month: the standard grades an area by pooling its sample (domain-standards §1:
rates over every room or trap checked in the area, each pest on its own), so the counts of
each village's graded survey of that month are added up and graded once. Only surveys of the
month count: a month with no survey has no level (a gap), never last month's carried on."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.extensions import db
from hygiene.pests import surveys
from hygiene.pests.levels import BELOW
from hygiene.pests.monitoring.models import MonitoringRecord
from hygiene.pests.standards import PESTS

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


def _rows(scope: Scope, since: date, pests: tuple[str, ...], village_id: int | None) -> list[Any]:
    r = MonitoringRecord
    stmt = (sa.select(r.village_id, r.pest, r.surveyed_on, r.counts)
            .where(scope.clause(r), r.surveyed_on >= since, r.pest.in_(pests))
            .order_by(r.pest, r.village_id, r.surveyed_on, r.id))
    if village_id is not None:
        stmt = stmt.where(r.village_id == village_id)
    return list(db.session.execute(stmt))


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


def village_history(*, scope: Scope, village_id: int, today: date, months: int,
                    pests: tuple[str, ...] = PESTS) -> dict[str, list[MonthLevel]]:
    """Per pest, the village's level in each of the `months` months up to today's (one query)."""
    axis = months_back(today, months)
    graded = _graded_days(_rows(scope, axis[0], pests, village_id))
    history: dict[str, list[MonthLevel]] = {}
    for pest in pests:
        points = []
        for month in axis:
            found = graded.get((pest, village_id, month))
            points.append(MonthLevel(month, found[2], found[0]) if found else MonthLevel(month, None, None))
        history[pest] = points
    return history


def township_history(*, scope: Scope, today: date, months: int,
                     pests: tuple[str, ...] = PESTS) -> dict[str, list[MonthLevel]]:
    """Per pest, the township's level in each month: the month's graded village surveys pooled
    and graded once, under the edition of the month's last survey day (one query)."""
    axis = months_back(today, months)
    pooled: dict[tuple[str, date], list[dict]] = {}
    last_day: dict[tuple[str, date], date] = {}
    for (pest, _village, month), (day, counts, _level) in _graded_days(_rows(scope, axis[0], pests, None)).items():
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
