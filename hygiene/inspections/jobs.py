"""The inspection jobs: make the period's inspections daily, and remind inspectors of due dates.

The reminders sweep is a part of the hourly "scan_deadlines" job the rectifications domain
declares (hygiene/rectifications/jobs.py).
"""
from __future__ import annotations

from datetime import datetime, time

from flask_babel import lazy_gettext as _l

from hygiene.clock import local_today
from hygiene.inspections import reminders
from hygiene.inspections.plans.services import plans_generate_due
from hygiene.notifications.digest import digest_source
from hygiene.scheduler import Job, register, register_part


def generate_inspections(*, now: datetime) -> dict[str, int]:
    """Make the inspections of every plan period that has begun (idempotent)."""
    return {"inspections_made": plans_generate_due(today=local_today(now))}


register(Job("generate_inspections", generate_inspections, _l("Make the planned inspections"),
             _l("daily at 01:05"), at=time(1, 5)))
register_part("scan_deadlines", reminders.scan)
digest_source(reminders.digest_items)
