"""The daily health-education reminder: a contact whose village or unit has a period ending soon
without its activities (due soon), that has just missed one (overdue), or that is behind the pace
of a yearly target, is told once through the outbox.

Once per subject, kind, period and occasion: the dedupe key names them, so a second run (or a
second scheduler) queues nothing more. Only the period that ended within the last month is
reminded as overdue, so a first run over a year of history does not send a message per month."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role, User
from hygiene.clock import local_today
from hygiene.education.cadence import Assessment
from hygiene.education.kinds import ActivityKind, SubjectKind
from hygiene.education.queries import SubjectCadence, cadence
from hygiene.extensions import db
from hygiene.notifications.services import NotifySpec, notify_many

KIND = "education_cadence"
OVERDUE_WITHIN_DAYS = 31


def scan_education_cadence(*, now: datetime) -> dict[str, int]:
    """Queue the reminders of every township's villages and units; returns how many were queued."""
    today = local_today(now)
    specs: list[NotifySpec] = []
    for subject_kind in SubjectKind:
        rows = cadence(scope=Scope.county(), subject_kind=subject_kind, year=today.year, today=today)
        wanted = [(row, kind, occasion) for row in rows for kind, a in row.assessments.items()
                  for occasion in _occasions(a, today)]
        contacts = _contacts(subject_kind, {row.id for row, _k, _o in wanted})
        specs += [spec for row, kind, occasion in wanted
                  for spec in _reminders(row, kind, occasion, contacts.get(row.id, []), now)]
    return {"education_reminders": notify_many(specs)}


def _occasions(a: Assessment, today: date) -> list[tuple[str, date, str]]:
    """(occasion, the period's first day, its words' detail) worth a reminder today: the period just
    missed, and the current period ending soon or behind pace (a missed month does not silence
    the reminder of the next one)."""
    found = []
    recent = [w for w in a.missed if w.end >= today - timedelta(days=OVERDUE_WITHIN_DAYS)]
    if recent:
        found.append(("overdue", recent[-1].start, f"{recent[-1].start.isoformat()}/{recent[-1].end.isoformat()}"))
    if a.current is not None and a.done_now < a.expected_now:
        found.append((f"behind{a.expected_now}", a.current.start, str(a.expected_now)))
    elif a.current is not None and a.ends_soon:
        found.append(("soon", a.current.start, a.current.end.isoformat()))
    return found


def _reminders(row: SubjectCadence, kind: str, occasion: tuple[str, date, str], users: list[User],
               now: datetime) -> list[NotifySpec]:
    name, start, detail = occasion
    activity = ActivityKind(kind).label_text
    a = row.assessments[kind]
    if name == "overdue":
        subject = _l("Health education overdue: %(name)s, %(activity)s", name=row.name, activity=activity)
        body = _l("%(name)s had fewer than %(n)d “%(activity)s” in %(period)s. Please hold one and record it.",
                  name=row.name, n=a.target.at_least, activity=activity, period=detail)
    elif name == "soon":
        subject = _l("Health education due: %(name)s, %(activity)s by %(date)s", name=row.name, activity=activity,
                     date=detail)
        body = _l("%(name)s has %(done)d of %(n)d “%(activity)s” this period, which ends on %(date)s.",
                  name=row.name, done=a.done_now, n=a.target.at_least, activity=activity, date=detail)
    else:
        subject = _l("Health education behind: %(name)s, %(activity)s", name=row.name, activity=activity)
        body = _l("%(name)s has %(done)d “%(activity)s” this year; by now %(expected)s were due (%(n)d a year).",
                  name=row.name, done=a.done_now, activity=activity, expected=detail, n=a.target.at_least)
    key = f"{row.subject_kind}:{row.id}:{kind}:{start.isoformat()}:{name}"
    return [NotifySpec(recipient=user, kind=KIND, subject=subject, body=body, send_after=now,
                       link=f"/education/new?kind={kind}", dedupe_key=key) for user in users]


def _contacts(subject_kind: str, ids: set[int]) -> dict[int, list[User]]:
    """The active contacts of each village (its village contacts) or unit (its unit contacts)."""
    found: dict[int, list[User]] = {}
    if not ids:
        return found
    column = User.unit_id if subject_kind == SubjectKind.UNIT else User.village_id
    role = Role.UNIT_CONTACT if subject_kind == SubjectKind.UNIT else Role.VILLAGE_CONTACT
    for user in db.session.scalars(sa.select(User).where(User.role == role.value, User.active.is_(True),
                                                         column.in_(ids))):
        found.setdefault((user.unit_id if subject_kind == SubjectKind.UNIT else user.village_id) or 0, []).append(user)
    return found
