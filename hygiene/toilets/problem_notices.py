"""Who hears of a follow-up problem, through the outbox: a problem reported tells the village's
contact and the township's admins; a problem fixed tells whoever reported it; a problem still open
PROBLEM_REMIND_OPEN_DAYS after it was reported (or reopened) is in the daily toilet reminder.

Nobody is told of their own report or fix. Each occasion has its dedupe key (the problem, and how
many times it was reopened), so a repeated request or a second scheduler tells nobody twice, and a
reopened problem is told of again."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from hygiene.accounts.models import Role, User
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.notifications.services import NotifySpec, notify_many, tell
from hygiene.toilets.kinds import PROBLEM_REMIND_OPEN_DAYS
from hygiene.toilets.models import ToiletProblem
from hygiene.toilets.problem_queries import names_of
from hygiene.toilets.status import ProblemStatus
from hygiene.toilets.type_names import kind_name

REPORTED, FIXED, STILL_OPEN = "toilet_problem_reported", "toilet_problem_fixed", "toilet_problem_open"


def _kind(problem: ToiletProblem) -> LazyString:
    return LazyString(kind_name, problem.kind)  # worded in the office's language when queued


def _link(problem: ToiletProblem) -> str:
    return f"/toilets/problems/{problem.id}"


def _occasion(problem: ToiletProblem) -> str:
    """The problem and how often it was reopened: each open spell is its own occasion."""
    return f"{problem.id}:{len(problem.past_fixes or [])}"


def village_and_office(village_ids: Iterable[int], township_ids: Iterable[int]) -> list[User]:
    """The active contacts of these villages and the active admins of these townships (one query)."""
    return list(db.session.scalars(sa.select(User).where(User.active.is_(True), sa.or_(
        sa.and_(User.role == Role.VILLAGE_CONTACT.value, User.village_id.in_(set(village_ids))),
        sa.and_(User.role == Role.ADMIN.value, User.township_id.in_(set(township_ids))))).order_by(User.id)))


def _concerned(users: list[User], problem: ToiletProblem) -> list[User]:
    return [u for u in users if (u.village_id == problem.village_id if u.role == Role.VILLAGE_CONTACT.value
                                 else u.township_id == problem.township_id)]


def tell_reported(problem: ToiletProblem, *, actor_id: int | None, now: datetime) -> int:
    """The village's contact and the office hear of a new problem (not the one who reported it)."""
    village, toilet = names_of([problem]).get(problem.id, ("", ""))
    subject = _l("Toilet problem reported: %(village)s · %(toilet)s", village=village, toilet=toilet)
    body = _l("%(kind)s, found on %(day)s. %(note)s", kind=_kind(problem), day=problem.reported_on.isoformat(),
              note=problem.note)
    users = _concerned(village_and_office([problem.village_id], [problem.township_id]), problem)
    return tell(NotifySpec(recipient=user, kind=REPORTED, subject=subject, body=body, dedupe_key=_occasion(problem),
                           send_after=now, link=_link(problem)) for user in users if user.id != actor_id)


def tell_fixed(problem: ToiletProblem, *, actor_id: int | None, now: datetime) -> int:
    """Whoever reported the problem hears it is fixed (unless they fixed it themselves)."""
    if problem.reported_by_id is None or problem.reported_by_id == actor_id:
        return 0
    reporter = db.session.get(User, problem.reported_by_id)
    if reporter is None:
        return 0
    village, toilet = names_of([problem]).get(problem.id, ("", ""))
    subject = _l("Toilet problem fixed: %(village)s · %(toilet)s", village=village, toilet=toilet)
    body = _l("%(kind)s, fixed on %(day)s: %(what)s", kind=_kind(problem),
              day=problem.fixed_on.isoformat() if problem.fixed_on else "", what=problem.fix_note)
    return tell([NotifySpec(recipient=reporter, kind=FIXED, subject=subject, body=body,
                            dedupe_key=_occasion(problem), send_after=now, link=_link(problem))])


def open_since(problem: ToiletProblem) -> date:
    """The day the problem's present open spell began: its report, or its latest reopening."""
    if problem.past_fixes:
        return date.fromisoformat(problem.past_fixes[-1]["reopened_on"])
    return problem.reported_on


def scan_open_problems(*, now: datetime, days: int = PROBLEM_REMIND_OPEN_DAYS) -> dict[str, int]:
    """Queue the reminders of problems open `days` or more: the village's contact and the office,
    once per open spell. Returns how many problems and reminders."""
    cutoff = local_today(now) - timedelta(days=days)
    candidates = db.session.scalars(sa.select(ToiletProblem).where(
        ToiletProblem.status != ProblemStatus.FIXED, ToiletProblem.reported_on <= cutoff)
        .order_by(ToiletProblem.id)).all()
    late = [p for p in candidates if open_since(p) <= cutoff]
    users = village_and_office({p.village_id for p in late}, {p.township_id for p in late})
    names = names_of(late)
    queued = notify_many(spec for p in late for spec in _still_open(p, names, users, now, days))
    return {"toilet_problems_open": len(late), "toilet_problem_reminders": queued}


def _still_open(problem: ToiletProblem, names: dict[int, tuple[str, str]], users: list[User], now: datetime,
                days: int) -> list[NotifySpec]:
    village, toilet = names.get(problem.id, ("", ""))
    subject = _l("Toilet problem open over %(days)d days: %(village)s · %(toilet)s", days=days, village=village,
                 toilet=toilet)
    body = _l("%(kind)s, open since %(day)s (%(status)s). Send someone to fix it, and record the fix.",
              kind=_kind(problem), day=open_since(problem).isoformat(),
              status=ProblemStatus.label_of(problem.status))
    return [NotifySpec(recipient=user, kind=STILL_OPEN, subject=subject, body=body,
                       dedupe_key=f"{_occasion(problem)}:{days}", send_after=now, link=_link(problem))
            for user in _concerned(users, problem)]
