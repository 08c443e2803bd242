"""The monthly sending: on the first working day of a month (the official calendar: after the
National Day holiday, on a 调休 Sunday) last month's briefing goes to each township's admins
once, however often the job runs, and after a missed day."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from hygiene.accounts.models import User
from hygiene.briefing.models import BriefingDispatch
from hygiene.briefing.sending import first_working_day, send_monthly_briefings
from hygiene.extensions import db
from hygiene.notifications.models import Notification
from hygiene.scheduler.runner import run_job
from tests.briefing.helpers import add_october


def morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 0, 30, tzinfo=UTC)  # 08:30 in the office


def send(app, day: date) -> dict[str, int]:
    with app.app_context():
        done = send_monthly_briefings(now=morning(day))
        db.session.commit()
        return done


def sent(app) -> list[tuple[str, str, str, str]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            sa.select(User.username, Notification.subject, Notification.body, Notification.link)
            .join(User, User.id == Notification.recipient_id).where(Notification.kind == "briefing")
            .order_by(User.username))]


@pytest.mark.parametrize("day, first", [(date(2026, 10, 15), date(2026, 10, 8)),   # after the National Day week
                                         (date(2026, 1, 20), date(2026, 1, 4)),    # a 调休 Sunday
                                         (date(2026, 12, 9), date(2026, 12, 1))])
def test_the_first_working_day_follows_the_official_calendar(day, first):
    assert first_working_day(day) == first


def test_last_month_s_briefing_goes_to_each_township_s_admins_once(app, world):
    with app.app_context():
        add_october(world)
    assert send(app, date(2026, 11, 1))["briefings_sent"] == 0       # a Sunday: not yet
    assert send(app, date(2026, 11, 2)) == {"briefings_sent": 2, "briefing_notifications": 2}
    assert send(app, date(2026, 11, 2)) == {"briefings_sent": 0, "briefing_notifications": 0}
    assert send(app, date(2026, 11, 20))["briefings_sent"] == 0
    rows = sent(app)
    assert [row[0] for row in rows] == ["admin_a", "admin_b"]       # no leader role: the admins
    user, subject, body, link = rows[0]
    assert subject == "甲镇爱卫办工作简报 2026年第10期" and link == "/briefing/?period=2026-10"
    assert "【检查记录】完成检查4次，其中已公布3次。平均得分76.7分" in body and "【改厕】本期验收户厕3座。截至" in body
    assert "【排名升降】本期无相关数据。" not in body
    with app.app_context():
        dispatches = db.session.scalars(sa.select(BriefingDispatch).order_by(BriefingDispatch.township_id)).all()
        assert [(d.period_key, d.recipient_ids) for d in dispatches] == [
            ("2026-10", [world.user_admin_a]), ("2026-10", [world.user_admin_b])]


def test_a_missed_first_working_day_sends_on_the_next_run_once(app, world):
    assert send(app, date(2026, 10, 7))["briefings_sent"] == 0       # still the holiday
    assert send(app, date(2026, 10, 12))["briefings_sent"] == 2      # the 8th was missed
    assert send(app, date(2026, 10, 13))["briefings_sent"] == 0
    assert {row[1] for row in sent(app)} == {"甲镇爱卫办工作简报 2026年第9期", "乙镇爱卫办工作简报 2026年第9期"}


def test_the_job_run_twice_sends_nothing_twice(app, world):
    clock = lambda: morning(date(2026, 12, 1))  # noqa: E731
    assert run_job(app, "monthly_briefing", send_monthly_briefings, clock)
    assert run_job(app, "monthly_briefing", send_monthly_briefings, clock)
    assert len(sent(app)) == 2


def test_an_admin_who_left_gets_nothing(app, world):
    with app.app_context():
        db.session.execute(sa.update(User).where(User.username == "admin_b").values(active=False))
        db.session.commit()
    send(app, date(2026, 12, 1))
    assert [row[0] for row in sent(app)] == ["admin_a"]
