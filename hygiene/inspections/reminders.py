"""Inspection reminders the scheduler queues: two days before the due date and on the day."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.notifications.services import NotifySpec, notify_many

REMIND_DAYS_BEFORE = (2, 0)


def scan(*, now: datetime) -> dict[str, int]:
    """Queue a reminder to each inspector of an open inspection due in 2 days or today."""
    today = local_today(now)
    due = _open_due_on([today + timedelta(days=n) for n in REMIND_DAYS_BEFORE])
    specs = [spec for inspection in due for spec in _reminders(inspection, now, today)]
    notify_many(specs)
    return {"inspection_reminders": len(specs)}


def _reminders(inspection: Inspection, now: datetime, today: date) -> list[NotifySpec]:
    """One reminder of the inspection's due date per inspector."""
    due = inspection.due_date.isoformat()
    subject = _("Inspection due %(date)s: %(target)s", date=due, target=inspection.target_label)
    body = _("%(sheet)s for %(target)s is due on %(date)s.", sheet=inspection.version.name,
             target=inspection.target_label, date=due)
    key = f"{inspection.id}:{due}:{(inspection.due_date - today).days}"
    return [NotifySpec(recipient=inspector, kind="inspection_due", send_after=now, subject=subject,
                       body=body, link=f"/inspections/{inspection.id}/fill", dedupe_key=key)
            for inspector in inspection.inspectors]


def _open_due_on(dates) -> list[Inspection]:
    stmt = sa.select(Inspection).options(
        selectinload(Inspection.inspectors), selectinload(Inspection.version)).where(
        Inspection.status.in_(Inspection.OPEN), Inspection.due_date.in_(dates))
    return list(db.session.scalars(stmt))


def digest_items(*, now: datetime) -> dict[int, list[str]]:
    """Per inspector, the open inspections planned for today or already overdue."""
    today = local_today(now)
    items: dict[int, list[str]] = {}
    stmt = sa.select(Inspection).options(selectinload(Inspection.inspectors)).where(
        Inspection.status.in_(Inspection.OPEN), Inspection.planned_date <= today)
    for inspection in db.session.scalars(stmt):
        line = (_("Overdue since %(date)s: %(target)s", date=inspection.due_date.isoformat(),
                  target=inspection.target_label) if inspection.due_date < today
                else _("Inspect %(target)s (due %(date)s)", target=inspection.target_label,
                       date=inspection.due_date.isoformat()))
        for inspector in inspection.inspectors:
            items.setdefault(inspector.id, []).append(line)
    return items
