"""The month counts the level history charts read (models.MonitoringMonthCount): kept in step
with the records, so a chart adds up a few rows per village and month instead of opening every
record's counts. history.py says which survey of a month counts; this module only adds it up.

`refresh` recomputes one village's pest and month from its records; `rebuild` recomputes every
month (the migration that made the table, and after a standard edition grades other methods)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.pests import surveys
from hygiene.pests.monitoring.models import MonitoringMonthCount, MonitoringRecord
from hygiene.pests.standards import PESTS
from hygiene.places.models import Village


def month_of(day: date) -> date:
    return day.replace(day=1)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_rows(records: Iterable[tuple[int, int, str, str, date, dict[str, Any]]]) -> list[dict]:
    """The month-count rows of some records (township, village, pest, method, day, counts): per
    village, pest and month, the latest day with a survey by a graded method, and the graded
    counts of every record of that day (whatever its method) added up."""
    records = [record for record in records if record[2] in PESTS]
    latest: dict[tuple[int, str, date], date] = {}
    for _township, village_id, pest, method, day, _counts in records:
        key = (village_id, pest, month_of(day))
        if method in surveys.grading_methods(pest) and day > latest.get(key, date.min):
            latest[key] = day
    totals: dict[tuple[int, str, date], tuple[int, dict[str, float]]] = {}
    for township_id, village_id, pest, _method, day, counts in records:
        key = (village_id, pest, month_of(day))
        if latest.get(key) != day:
            continue
        summed = totals.setdefault(key, (township_id, {}))[1]
        for field in surveys.graded_fields(pest):
            if counts.get(field) is not None:
                summed[field] = summed.get(field, 0.0) + float(counts[field])
    return [{"township_id": township_id, "village_id": village_id, "pest": pest, "month": month,
             "field": field, "day": latest[(village_id, pest, month)], "total": total}
            for (village_id, pest, month), (township_id, summed) in totals.items()
            for field, total in summed.items()]


def _record_columns() -> tuple:
    r = MonitoringRecord
    return r.township_id, r.village_id, r.pest, r.method, r.surveyed_on, r.counts


def refresh(record: MonitoringRecord) -> None:
    """Recompute the month of a record just written. The village's row is locked first (a no-op
    UPDATE), so two surveys of one village written at once are added up one after the other, the
    second seeing the first."""
    month = month_of(record.surveyed_on)
    db.session.flush()
    db.session.execute(sa.update(Village).where(Village.id == record.village_id)
                       .values(updated_at=Village.updated_at).execution_options(synchronize_session=False))
    m, r = MonitoringMonthCount, MonitoringRecord
    db.session.execute(sa.delete(m).where(m.township_id == record.township_id, m.village_id == record.village_id,
                                          m.pest == record.pest, m.month == month)
                       .execution_options(synchronize_session=False))
    records = db.session.execute(sa.select(*_record_columns()).where(
        r.village_id == record.village_id, r.pest == record.pest, r.surveyed_on >= month,
        r.surveyed_on < _next_month(month))).all()
    rows = month_rows(tuple(row) for row in records)
    if rows:
        db.session.execute(sa.insert(m), rows)


def rebuild(connection: sa.Connection) -> int:
    """Recompute every month of every village from the records; returns the rows written."""
    connection.execute(sa.delete(MonitoringMonthCount))
    rows = month_rows(tuple(row) for row in connection.execute(sa.select(*_record_columns())))
    for start in range(0, len(rows), 5000):
        connection.execute(sa.insert(MonitoringMonthCount), rows[start:start + 5000])
    return len(rows)
