"""Reads of monitoring records, always within the reader's scope."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.pests import surveys
from hygiene.pests.monitoring import history
from hygiene.pests.monitoring.models import MonitoringMonthCount, MonitoringRecord
from hygiene.pests.standards import PESTS
from hygiene.places.models import Village


@dataclass(frozen=True)
class MonitoringFilters:
    pest: str | None = None
    village_id: int | None = None
    since: date | None = None
    until: date | None = None


def read_filters(args) -> MonitoringFilters:
    """The list's filters from a query string; what cannot be read is left out."""
    from hygiene.core.input import optional_date, optional_int

    pest = args.get("pest")
    return MonitoringFilters(pest=pest if pest in PESTS else None, village_id=optional_int(args.get("village_id")),
                             since=optional_date(args.get("since")), until=optional_date(args.get("until")))


def record_get(*, scope: Scope, record_id: int) -> MonitoringRecord:
    record = db.session.scalar(sa.select(MonitoringRecord).where(
        MonitoringRecord.id == record_id, scope.clause(MonitoringRecord)))
    if record is None:
        raise NotFound("monitoring record not found")
    return record


def village_get(*, scope: Scope, village_id: int) -> Village:
    """A village the scope may read; another's id is NotFound (a 404 that says nothing)."""
    village = db.session.scalar(sa.select(Village).where(Village.id == village_id, scope.clause(Village)))
    if village is None:
        raise NotFound("village not found")
    return village


def record_list_stmt(*, scope: Scope, filters: MonitoringFilters) -> sa.Select:
    """Records newest survey first."""
    r = MonitoringRecord
    stmt = sa.select(r).where(scope.clause(r)).order_by(r.surveyed_on.desc(), r.id.desc())
    if filters.pest:
        stmt = stmt.where(r.pest == filters.pest)
    if filters.village_id is not None:
        stmt = stmt.where(r.village_id == filters.village_id)
    if filters.since is not None:
        stmt = stmt.where(r.surveyed_on >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(r.surveyed_on <= filters.until)
    return stmt


@dataclass(frozen=True)
class VillageLevels:
    village: Village
    gradings: dict[str, surveys.Grading]     # pest -> the latest survey's level
    surveyed_on: dict[str, date]


@dataclass(frozen=True)
class LevelBoard:
    villages: list[VillageLevels]
    township: dict[str, surveys.Grading]     # pest -> the villages' latest surveys pooled
    meets_hygienic_town: bool


def level_board(*, scope: Scope, villages: list[Village]) -> LevelBoard:
    """Per village and pest, the level of its latest graded survey day (every graded method of
    that day together: a later survey by a method the standard does not grade leaves the level
    as it was, as the history does); the township's level per pest pools those latest surveys.
    Two queries."""
    from hygiene.pests.levels import meets_hygienic_town

    r = MonitoringRecord
    by_graded = sa.or_(*(sa.and_(r.pest == pest, r.method.in_(surveys.grading_methods(pest))) for pest in PESTS))
    latest = (sa.select(r.village_id, r.pest, sa.func.max(r.surveyed_on).label("day"))
              .where(scope.clause(r), by_graded).group_by(r.village_id, r.pest).subquery())
    records = db.session.scalars(sa.select(r).join(latest, sa.and_(
        r.village_id == latest.c.village_id, r.pest == latest.c.pest, r.surveyed_on == latest.c.day))
        .where(by_graded).order_by(r.village_id, r.pest, r.id)).all()
    by_village: dict[int, dict[str, list[MonitoringRecord]]] = {}
    for record in records:
        by_village.setdefault(record.village_id, {}).setdefault(record.pest, []).append(record)
    rows: list[VillageLevels] = []
    pooled_counts: dict[str, list[dict]] = {pest: [] for pest in PESTS}
    last_day: dict[str, date] = {}
    for village in villages:
        gradings: dict[str, surveys.Grading] = {}
        days: dict[str, date] = {}
        for pest, same_day in by_village.get(village.id, {}).items():
            day = same_day[0].surveyed_on
            counts = surveys.pooled(rec.counts for rec in same_day)
            gradings[pest], days[pest] = surveys.grade_survey(pest, day, counts), day
            pooled_counts[pest].append(counts)
            last_day[pest] = max(day, last_day.get(pest, day))
        rows.append(VillageLevels(village, gradings, days))
    township = {pest: surveys.grade_survey(pest, last_day[pest], surveys.pooled(pooled_counts[pest]))
                for pest in PESTS if pooled_counts[pest]}
    graded = {pest: g.level for pest, g in township.items() if g.level is not None}
    return LevelBoard(rows, township, meets_hygienic_town(graded))


def level_history(*, scope: Scope, today: date, months: int, pests: tuple[str, ...],
                  village_id: int | None = None) -> dict[str, list[history.MonthLevel]]:
    """Per pest and month up to today's, the level of one village, or of the scope's township
    when `village_id` is None (history.py says how each is graded). One query over the month
    counts (rollup.py), each count added up per pest and month in SQL."""
    axis = history.months_back(today, months)
    stmt = _history_select(village_id is not None).where(scope.clause(MonitoringMonthCount))
    rows = db.session.connection().execute(stmt, {"since": axis[0], "pests": list(pests), "village_id": village_id})
    sums: dict[tuple[str, date], history.MonthCounts] = {}
    for pest, month, field, day, total in rows:
        found = sums.get((pest, month))
        if found is None:
            found = sums[(pest, month)] = history.MonthCounts(pest, month, day, {})
        elif day > found.day:
            found = sums[(pest, month)] = history.MonthCounts(pest, month, day, found.counts)
        found.counts[field] = total
    return history.month_levels(sums.values(), axis=axis, pests=pests)


@cache
def _history_select(of_village: bool) -> sa.Select:
    """The month counts of the charts but for the reader's scope, built once: a village's rows
    are its months' counts already, a township's are added up per pest, month and count."""
    m = MonitoringMonthCount
    chosen = (m.month >= sa.bindparam("since", type_=sa.Date), m.pest.in_(sa.bindparam("pests", expanding=True)))
    if of_village:
        return sa.select(m.pest, m.month, m.field, m.day, m.total).where(
            *chosen, m.village_id == sa.bindparam("village_id", type_=sa.Integer))
    return (sa.select(m.pest, m.month, m.field, sa.func.max(m.day), sa.func.sum(m.total))
            .where(*chosen).group_by(m.pest, m.month, m.field))
