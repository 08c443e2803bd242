"""The monthly sending: on the first working day of a month (or the first run after it), each
township's briefing of the month before goes to its administrators through the outbox.

There is no "leader" role (design.md: admin, inspector, village and unit contacts), so the
township's admins receive it; leaders without an account read it through a shared link.
A township is sent once per month: the dispatch row (unique per township and month) is written
first, in a savepoint, so a second run, a missed day or a second scheduler sends nothing twice."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError

from hygiene.accounts.models import Role, User
from hygiene.briefing.models import BriefingDispatch
from hygiene.briefing.periods import last_month
from hygiene.briefing.services import briefing_build, briefing_text
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.notifications.services import NotifySpec, notify_many
from hygiene.places.models import Township
from hygiene.rectifications.workdays import is_working_day

KIND = "briefing"


def first_working_day(day: date) -> date:
    """The first working day (official calendar, 调休 included) of the month of `day`."""
    first = day.replace(day=1)
    while not is_working_day(first):
        first += timedelta(days=1)
    return first


def send_monthly_briefings(*, now: datetime) -> dict[str, int]:
    """Queue last month's briefing to each township's admins once, from the month's first working day."""
    today = local_today(now)
    if today < first_working_day(today):
        return {"briefings_sent": 0, "briefing_notifications": 0}
    period = last_month(today)
    sent = set(db.session.scalars(sa.select(BriefingDispatch.township_id).where(BriefingDispatch.period_key == period.key)))
    townships = [t for t in db.session.scalars(sa.select(Township.id).where(Township.active).order_by(Township.id))
                 if t not in sent]
    admins = _admins(townships)
    briefings = queued = 0
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "zh_CN")):
        for township_id in townships:
            users = admins.get(township_id, [])
            if not _claim(township_id, period.key, [u.id for u in users], now):
                continue  # another run sent it meanwhile
            briefings += 1
            queued += notify_many(_specs(township_id, period, users, now))
    return {"briefings_sent": briefings, "briefing_notifications": queued}


def _claim(township_id: int, period_key: str, recipient_ids: list[int], now: datetime) -> bool:
    try:
        with db.session.begin_nested():
            db.session.add(BriefingDispatch(township_id=township_id, period_key=period_key, sent_at=now,
                                            recipient_ids=recipient_ids))
    except IntegrityError:
        return False
    return True


def _specs(township_id: int, period, users: list[User], now: datetime) -> list[NotifySpec]:
    if not users:
        return []
    briefing = briefing_build(township_id=township_id, period=period)
    subject = f"{briefing.title} {briefing.issue}"
    body = briefing_text(briefing)
    return [NotifySpec(recipient=user, kind=KIND, subject=subject, body=body, send_after=now,
                       link=f"/briefing/?period={period.key}", dedupe_key=f"{township_id}:{period.key}")
            for user in users]


def _admins(township_ids: list[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = {}
    if township_ids:
        for user in db.session.scalars(sa.select(User).where(
                User.role == Role.ADMIN.value, User.active.is_(True), User.township_id.in_(township_ids))
                .order_by(User.id)):
            found.setdefault(user.township_id or 0, []).append(user)
    return found
