"""Inspection reminders the scheduler queues: two days before the due date and on the day."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.notifications.services import notify

REMIND_DAYS_BEFORE = (2, 0)


def scan(*, now: datetime) -> str:
    """Queue a reminder to each inspector of an open inspection due in 2 days or today."""
    today = local_today(now)
    sent = 0
    for inspection in _open_due_on([today + timedelta(days=n) for n in REMIND_DAYS_BEFORE]):
        for inspector in inspection.inspectors:
            notify(recipient=inspector, kind="inspection_due", send_after=now,
                   subject=_("Inspection due %(date)s: %(target)s", date=inspection.due_date.isoformat(),
                             target=inspection.target_label),
                   body=_("%(sheet)s for %(target)s is due on %(date)s.", sheet=inspection.version.name,
                          target=inspection.target_label, date=inspection.due_date.isoformat()),
                   link=f"/inspections/{inspection.id}/fill",
                   dedupe_key=f"{inspection.id}:{inspection.due_date.isoformat()}:{(inspection.due_date - today).days}")
            sent += 1
    return f"{sent} inspection reminders"


def _open_due_on(dates) -> list[Inspection]:
    return list(db.session.scalars(sa.select(Inspection).options(selectinload(Inspection.inspectors)).where(
        Inspection.status.in_(Inspection.OPEN), Inspection.due_date.in_(dates))))


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
