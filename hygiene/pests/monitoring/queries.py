"""Reads of monitoring records, always within the reader's scope."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.pests import surveys
from hygiene.pests.monitoring import history
from hygiene.pests.monitoring.models import MonitoringRecord
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
    when `village_id` is None (history.py says how each is graded). One query: each village's
    latest graded survey day of the month, its records' counts added up per pest, month and
    count in SQL (json_each opens each record's counts once, on SQLite and PostgreSQL alike)."""
    axis = history.months_back(today, months)
    r = MonitoringRecord
    year, month = sa.extract("year", r.surveyed_on), sa.extract("month", r.surveyed_on)
    chosen = [scope.clause(r), r.surveyed_on >= axis[0], r.pest.in_(pests)]
    if village_id is not None:
        chosen.append(r.village_id == village_id)
    graded = sa.or_(*(sa.and_(r.pest == pest, r.method.in_(surveys.grading_methods(pest))) for pest in pests))
    latest = (sa.select(r.village_id, r.pest, sa.func.max(r.surveyed_on).label("day"))
              .where(*chosen, graded).group_by(r.village_id, r.pest, year, month).subquery())
    each = sa.func.json_each(r.counts).table_valued("key", "value")
    fields = {pest: set(surveys.graded_fields(pest)) for pest in pests}
    rows = db.session.execute(
        sa.select(r.pest, year.label("year"), month.label("month"), each.c.key,
                  sa.func.max(r.surveyed_on).label("day"),
                  sa.func.sum(sa.cast(sa.cast(each.c.value, sa.Text), sa.Float)).label("total"))
        .select_from(r).join(latest, sa.and_(r.village_id == latest.c.village_id, r.pest == latest.c.pest,
                                             r.surveyed_on == latest.c.day))
        .join(each, sa.true())
        .where(*chosen, each.c.key.in_(sorted(set().union(*fields.values()))))
        .group_by(r.pest, year, month, each.c.key))
    sums: dict[tuple[str, date], history.MonthCounts] = {}
    for row in rows:
        if row.key not in fields[row.pest]:
            continue
        month_of = date(int(row.year), int(row.month), 1)
        found = sums.setdefault((row.pest, month_of), history.MonthCounts(row.pest, month_of, row.day, {}))
        found.counts[row.key] = row.total
        if row.day > found.day:
            sums[(row.pest, month_of)] = history.MonthCounts(row.pest, month_of, row.day, found.counts)
    return history.month_levels(sums.values(), axis=axis, pests=pests)
