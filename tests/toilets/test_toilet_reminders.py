"""The daily toilet reminder: a village behind is told, with its township's admins, once at 30,
14 and 7 days before the deadline; a village on pace is not; a second run sends nothing twice."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from hygiene.accounts.models import User
from hygiene.extensions import db
from hygiene.notifications.models import Notification
from hygiene.scheduler.runner import run_job
from hygiene.toilets.reminders import scan_toilet_deadlines, threshold
from hygiene.toilets.status import ToiletStage as S
from tests.toilets.task_helpers import add_task, add_toilets

DEADLINE = date(2026, 10, 31)


def morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 0, 20, tzinfo=UTC)  # 08:20 in the office


@pytest.mark.parametrize("days_left, expected", [(45, None), (31, None), (30, 30), (15, 30), (14, 14), (8, 14),
                                                 (7, 7), (0, 7), (-1, None)])
def test_a_deadline_reaches_the_nearest_threshold(days_left, expected):
    assert threshold(days_left) == expected


@pytest.fixture
def tasks(app, world):
    """甲一村 behind (nothing accepted of 10), 甲二村 on pace (10 of 10), 乙一村 behind in another township."""
    with app.app_context():
        add_task(world.a1, quota=10, deadline=DEADLINE)
        done = add_task(world.a2, quota=10, deadline=DEADLINE)
        add_toilets(done, S.ACCEPTED, 10, accepted_on=date(2026, 9, 1))
        add_task(world.b1, quota=5, deadline=DEADLINE)
    return world


def sent(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(user, n.subject, n.link) for user, n in db.session.execute(
            sa.select(User.username, Notification).join(User, User.id == Notification.recipient_id)
            .where(Notification.kind == "toilet_behind", Notification.channel == "in_app")
            .order_by(Notification.id))]


def scan(app, day: date) -> dict[str, int]:
    with app.app_context():
        result = scan_toilet_deadlines(now=morning(day))
        db.session.commit()
        return result


def test_a_village_behind_is_told_at_each_threshold_once(app, tasks):
    assert scan(app, date(2026, 9, 30)) == {"toilet_villages_behind": 0, "toilet_reminders": 0}  # 31 days: not yet
    first = scan(app, date(2026, 10, 1))
    assert first["toilet_villages_behind"] == 2
    who = sorted(user for user, _s, _l in sent(app))
    assert who == ["admin_a", "admin_b", "village_a1", "village_b1"]
    subject, link = sent(app)[0][1], sent(app)[0][2]
    assert "改厕进度落后" in subject and "2026-10-31" in subject and link.startswith("/toilets/board/")
    assert scan(app, date(2026, 10, 1))["toilet_reminders"] == 0          # the same day again
    assert scan(app, date(2026, 10, 10))["toilet_reminders"] == 0         # still the 30-day threshold
    assert scan(app, date(2026, 10, 17))["toilet_reminders"] == 4         # 14 days
    assert scan(app, date(2026, 10, 30))["toilet_reminders"] == 4         # 7 days (8 to 7 was missed)
    assert scan(app, date(2026, 11, 1))["toilet_reminders"] == 0          # past the deadline
    assert len(sent(app)) == 12


def test_the_job_runs_twice_and_sends_nothing_twice(app, tasks):
    clock = lambda: morning(date(2026, 10, 20))  # noqa: E731
    assert run_job(app, "toilet_reminders", scan_toilet_deadlines, clock)
    assert run_job(app, "toilet_reminders", scan_toilet_deadlines, clock)
    assert len(sent(app)) == 4


def test_an_inactive_contact_gets_nothing(app, tasks):
    with app.app_context():
        db.session.execute(sa.update(User).where(User.username == "village_a1").values(active=False))
        db.session.commit()
    scan(app, date(2026, 10, 20))
    assert "village_a1" not in {user for user, _s, _l in sent(app)}
