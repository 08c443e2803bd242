"""The month counts the cadence flags read (models.EducationMonthCount): per village or unit, kind
and year, the activities of each month. Recomputed from the log, never incremented, so they
cannot drift from it: `refresh` after an activity is written (in its transaction), `rebuild` for
every subject (the migration that made the table, `flask campaigns rebuild-counts`)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache

import sqlalchemy as sa

from hygiene.education.models import MONTHS, EducationActivity, EducationMonthCount
from hygiene.extensions import db
from hygiene.places.models import Village

CHUNK = 5000


def count_rows(counted: Iterable[tuple[int, int, int | None, str, int, int, int]]) -> list[dict]:
    """The month-count rows of (township, village, unit, kind, year, month, activities) tuples."""
    rows: dict[tuple[str, str, int], dict] = {}
    for township_id, village_id, unit_id, kind, year, month, n in counted:
        key = EducationMonthCount.key_of(village_id, unit_id)
        row = rows.get((key, kind, int(year)))
        if row is None:
            row = rows[(key, kind, int(year))] = {
                "subject_key": key, "kind": kind, "year": int(year), "township_id": township_id,
                "village_id": village_id, "unit_id": unit_id, **dict.fromkeys(MONTHS, 0)}
        row[f"m{int(month)}"] += int(n)
    return list(rows.values())


@cache
def _counted() -> sa.Select:
    """The log counted per subject, kind, year and month (the caller narrows it), built once."""
    a = EducationActivity
    year = sa.cast(sa.extract("year", a.held_on), sa.Integer)
    month = sa.cast(sa.extract("month", a.held_on), sa.Integer)
    return (sa.select(a.township_id, a.village_id, a.unit_id, a.kind, year, month, sa.func.count())
            .group_by(a.township_id, a.village_id, a.unit_id, a.kind, year, month))


def refresh(activity: EducationActivity) -> None:
    """Recompute the counts of the activity's subject, kind and year. The village's row is locked
    first (a no-op UPDATE), so two activities of one village written at once are counted one after
    the other on PostgreSQL, the second seeing the first."""
    db.session.flush()
    db.session.execute(sa.update(Village).where(Village.id == activity.village_id)
                       .values(updated_at=Village.updated_at).execution_options(synchronize_session=False))
    a, m = EducationActivity, EducationMonthCount
    year = activity.held_on.year
    key = EducationMonthCount.key_of(activity.village_id, activity.unit_id)
    db.session.execute(sa.delete(m).where(m.subject_key == key, m.kind == activity.kind, m.year == year)
                       .execution_options(synchronize_session=False))
    owner = a.unit_id == activity.unit_id if activity.unit_id else sa.and_(a.village_id == activity.village_id,
                                                                           a.unit_id.is_(None))
    rows = count_rows(db.session.execute(_counted().where(
        owner, a.kind == activity.kind, a.held_on.between(date(year, 1, 1), date(year, 12, 31)))).all())
    if rows:
        db.session.execute(sa.insert(m), rows)


def rebuild(connection: sa.Connection) -> int:
    """Recompute every subject's counts from the log; returns the rows written."""
    connection.execute(sa.delete(EducationMonthCount))
    rows = count_rows(tuple(row) for row in connection.execute(_counted()))
    for start in range(0, len(rows), CHUNK):
        connection.execute(sa.insert(EducationMonthCount), rows[start:start + CHUNK])
    return len(rows)
