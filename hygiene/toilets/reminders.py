"""The daily toilet reminder: a village that will not reach its quota by the deadline at the
recent pace is told, with the office's admins, when the deadline comes within 30, 14 and 7 days;
and a follow-up problem open too long is told of (problem_notices.scan_open_problems).

Once per village, task deadline and threshold: the dedupe key names them, so a second run (or a
second scheduler) queues nothing more; a missed day sends the nearest threshold only."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role, User
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.notifications.services import NotifySpec, notify_many
from hygiene.toilets.board import Progress, progress_due
from hygiene.toilets.problem_notices import scan_open_problems

REMIND_DAYS_BEFORE = (30, 14, 7)
KIND = "toilet_behind"


def threshold(days_left: int) -> int | None:
    """The nearest reminder threshold a deadline `days_left` away has reached, or None."""
    if days_left < 0:
        return None
    return min((days for days in REMIND_DAYS_BEFORE if days_left <= days), default=None)


def scan_toilet_reminders(*, now: datetime) -> dict[str, int]:
    """The job: the villages behind as their deadline nears, and the problems open too long."""
    return scan_toilet_deadlines(now=now) | scan_open_problems(now=now)


def scan_toilet_deadlines(*, now: datetime) -> dict[str, int]:
    """Queue the reminders of the villages behind; returns how many villages and reminders."""
    today = local_today(now)
    behind = [p for p in progress_due(scope=Scope.county(), today=today,
                                      until=today + timedelta(days=max(REMIND_DAYS_BEFORE)))
              if p.behind and threshold((p.deadline - today).days) is not None]
    contacts = _contacts({p.village_id for p in behind if p.village_id is not None})
    admins = _admins({p.township_id for p in behind if p.township_id is not None})
    queued = notify_many(spec for p in behind for spec in _reminders(p, contacts, admins, now, today))
    return {"toilet_villages_behind": len(behind), "toilet_reminders": queued}


def _reminders(p: Progress, contacts: dict[int, list[User]], admins: dict[int, list[User]],
               now: datetime, today) -> list[NotifySpec]:
    days = threshold((p.deadline - today).days)
    subject = _l("Toilet renovation behind: %(village)s, deadline %(date)s", village=p.name,
                 date=p.deadline.isoformat())
    body = _l("%(village)s has %(done)d of %(quota)d household toilets accepted. At the pace of the last "
              "4 weeks it will be %(short)d short on %(date)s.", village=p.name, done=p.accepted,
              quota=p.quota, short=p.short_by_deadline, date=p.deadline.isoformat())
    key = f"{p.village_id}:{p.deadline.isoformat()}:{days}"
    users = contacts.get(p.village_id or 0, []) + admins.get(p.township_id or 0, [])
    return [NotifySpec(recipient=user, kind=KIND, subject=subject, body=body, send_after=now,
                       link=f"/toilets/board/{p.village_id}?year={p.year}",
                       dedupe_key=key) for user in users]


def _contacts(village_ids: set[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = {}
    if village_ids:
        for user in db.session.scalars(sa.select(User).where(
                User.role == Role.VILLAGE_CONTACT.value, User.active.is_(True), User.village_id.in_(village_ids))):
            found.setdefault(user.village_id or 0, []).append(user)
    return found


def _admins(township_ids: set[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = {}
    if township_ids:
        for user in db.session.scalars(sa.select(User).where(
                User.role == Role.ADMIN.value, User.active.is_(True), User.township_id.in_(township_ids))):
            found.setdefault(user.township_id or 0, []).append(user)
    return found
