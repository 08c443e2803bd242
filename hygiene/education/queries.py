"""Reads of health education: the log (one query per page), an activity, the township's targets,
and the cadence of villages or units: one query reads each one's month counts (kept with the log,
education.counts) beside its name and hands them to the pure rule (education.cadence)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.core.input import optional_int
from hygiene.core.web import FilterReader
from hygiene.education.cadence import (
    DEFAULT_SETTINGS,
    Assessment,
    Settings,
    assess_months,
    settings_from,
    worst,
)
from hygiene.education.kinds import ActivityKind, SubjectKind
from hygiene.education.models import MONTHS, EducationActivity, EducationMonthCount, EducationSettings
from hygiene.education.status import CadenceState
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.places.models import Unit, Village

FIRST_YEAR, LAST_YEAR = 2000, 2100


# --- the targets -------------------------------------------------------------------------------

def settings_of(township_ids: Iterable[int]) -> dict[int, Settings]:
    """Each township's targets: its saved settings, or targets.yaml's defaults (one query)."""
    ids = set(township_ids)
    found = {tid: DEFAULT_SETTINGS for tid in ids}
    if ids:
        for row in db.session.scalars(sa.select(EducationSettings).where(EducationSettings.township_id.in_(ids))):
            found[row.township_id] = settings_from({**row.targets, "remind_days_before": row.remind_days_before,
                                                    "count_from": row.count_from})
    return found


# --- the log -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LogFilters:
    kind: str | None = None
    village_id: int | None = None
    year: int | None = None
    month: int | None = None

    def args(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def read_filters(args: Mapping[str, str]) -> tuple[LogFilters, list[str]]:
    reader = FilterReader(args)
    filters = LogFilters(
        kind=reader.pick("kind", lambda raw: raw if ActivityKind.known(raw) else None),
        village_id=reader.pick("village_id", lambda raw: v if (v := optional_int(raw)) and v > 0 else None),
        year=reader.pick("year", lambda raw: y if (y := optional_int(raw)) and FIRST_YEAR <= y <= LAST_YEAR else None),
        month=reader.pick("month", lambda raw: m if (m := optional_int(raw)) and 1 <= m <= 12 else None))
    return filters, reader.unread


def log_stmt(*, scope: Scope, filters: LogFilters) -> sa.Select:
    """The activities the reader may see, newest first, with their village and unit loaded in the
    same query."""
    a = EducationActivity
    return (sa.select(a).options(joinedload(a.village), joinedload(a.unit))
            .where(*log_where(scope=scope, filters=filters)).order_by(a.held_on.desc(), a.id.desc()))


def log_where(*, scope: Scope, filters: LogFilters) -> list[sa.ColumnElement[bool]]:
    """The conditions of the log's rows: the reader's scope and the list's filters."""
    a = EducationActivity
    where = [scope.clause(a)]
    if filters.kind:
        where.append(a.kind == filters.kind)
    if filters.village_id is not None:
        where.append(a.village_id == filters.village_id)
    if filters.year is not None:
        first, last = _months_of(filters.year, filters.month)
        where.append(a.held_on.between(first, last))
    return where


def photo_counts(activity_ids: Iterable[int]) -> dict[int, int]:
    """How many photos each activity has (one query for a page)."""
    ids = list(activity_ids)
    if not ids:
        return {}
    stmt = (sa.select(Photo.education_activity_id, sa.func.count()).where(Photo.education_activity_id.in_(ids))
            .group_by(Photo.education_activity_id))
    return {activity_id or 0: n for activity_id, n in db.session.execute(stmt)}


def _months_of(year: int, month: int | None) -> tuple[date, date]:
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    last = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date(year, month, 1), date.fromordinal(last.toordinal() - 1)


def activity_get(*, scope: Scope, activity_id: int) -> EducationActivity:
    found = db.session.scalar(sa.select(EducationActivity).where(EducationActivity.id == activity_id,
                                                                 scope.clause(EducationActivity)))
    if found is None:
        raise NotFound("activity")
    return found


def photos_of(activity: EducationActivity) -> list[Photo]:
    return list(db.session.scalars(sa.select(Photo).where(Photo.education_activity_id == activity.id)
                                   .order_by(Photo.id)))


# --- the cadence -------------------------------------------------------------------------------

@dataclass(frozen=True)
class SubjectCadence:
    """One village's or unit's standing on each kind of activity in a year."""

    subject_kind: str
    id: int
    name: str
    township_id: int
    village_id: int
    village_name: str
    assessments: dict[str, Assessment]

    @property
    def state(self) -> CadenceState:
        return worst([a.state for a in self.assessments.values()])

    @property
    def unit_id(self) -> int | None:
        return self.id if self.subject_kind == SubjectKind.UNIT else None


def subjects_stmt(*, scope: Scope, subject_kind: str, village_id: int | None = None) -> sa.Select:
    """The active villages or units whose cadence the reader sees, by name (a village contact
    sees their village's, a unit contact their unit's)."""
    if subject_kind == SubjectKind.UNIT:
        stmt = (sa.select(Unit.id).join(Village, Village.id == Unit.village_id)
                .where(scope.clause(Unit), Unit.active.is_(True), Village.active.is_(True))
                .order_by(Village.name, Unit.name, Unit.id))
        if scope.role is Role.VILLAGE_CONTACT:  # a village's contact keeps the village's log, not its units'
            stmt = stmt.where(sa.false())
        return stmt if village_id is None else stmt.where(Unit.village_id == village_id)
    stmt = sa.select(Village.id).where(scope.clause(Village), Village.active.is_(True)).order_by(Village.name, Village.id)
    return stmt if village_id is None else stmt.where(Village.id == village_id)


def cadence(*, scope: Scope, subject_kind: str, year: int, today: date,
            ids: Iterable[int] | None = None, village_id: int | None = None) -> list[SubjectCadence]:
    """The cadence of the reader's villages or units (or of `ids` among them) in `year`, by name:
    a constant two statements (the subjects with their month counts of the year, kept per subject
    and kind by education.counts; the targets), then the rule (education.cadence) per subject and kind."""
    named: dict[int, tuple] = {}
    counts: dict[int, dict[str, tuple[int, ...]]] = {}
    for row in db.session.connection().execute(_with_counts(_subjects_named(scope, subject_kind, ids, village_id),
                                                            subject_kind, year)):
        if row[0] not in named:
            named[row[0]] = tuple(row[:5])
            counts[row[0]] = {}
        if row[5] is not None:
            counts[row[0]][row[5]] = tuple(row[6:])
    if not named:
        return []
    settings = settings_of({subject[2] for subject in named.values()})
    kinds = [kind.value for kind in ActivityKind]
    found = []
    for subject_id, name, township_id, village, village_name in named.values():
        township = settings[township_id]
        mine = counts[subject_id]
        targets, soon, count_from = township.targets[subject_kind], township.remind_days_before, township.count_from
        found.append(SubjectCadence(subject_kind, subject_id, name, township_id, village, village_name,
                                    {kind: assess_months(targets[kind], mine.get(kind, NO_MONTHS), year, today, soon,
                                                         count_from) for kind in kinds}))
    return found


NO_MONTHS = (0,) * 12


def _with_counts(subjects: sa.Select, subject_kind: str, year: int) -> sa.Select:
    """The subjects, each with a row per kind of its month counts of the year (none: one row of NULLs)."""
    m = EducationMonthCount
    if subject_kind == SubjectKind.UNIT:
        on = sa.and_(m.unit_id == Unit.id, m.year == year)
    else:
        on = sa.and_(m.village_id == Village.id, m.unit_id.is_(None), m.year == year)
    return subjects.outerjoin(m, on).add_columns(m.kind, *(getattr(m, month) for month in MONTHS))


def _subjects_named(scope: Scope, subject_kind: str, ids: Iterable[int] | None, village_id: int | None) -> sa.Select:
    """The subjects with their names, township and village, in the list's order."""
    stmt = subjects_stmt(scope=scope, subject_kind=subject_kind, village_id=village_id)
    if subject_kind == SubjectKind.UNIT:
        stmt = stmt.add_columns(Unit.name, Village.township_id, Unit.village_id, Village.name.label("village_name"))
        key = Unit.id
    else:
        stmt = stmt.add_columns(Village.name, Village.township_id, Village.id.label("village_id"),
                                Village.name.label("village_name"))
        key = Village.id
    return stmt if ids is None else stmt.where(key.in_(list(ids)))
