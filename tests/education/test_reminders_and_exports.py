"""The morning reminder tells a contact once that a period is ending without its activity, once
that one ended short, and when a yearly target is behind; the office's Excel holds the log and the
flags, each reader's own rows only."""
from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
import sqlalchemy as sa
import time_machine
from openpyxl import load_workbook

from hygiene.accounts.models import User
from hygiene.education.reminders import scan_education_cadence
from hygiene.extensions import db
from hygiene.notifications.models import Notification
from hygiene.scheduler.runner import run_job
from tests.education.helpers import add_activities

MONTHS = [date(2026, m, 10) for m in range(1, 11)]


def morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 0, 20, tzinfo=UTC)


@pytest.fixture
def history(app, world):
    """甲一村: board and lecture every month to October, three columns; 甲二村: no lecture in
    October; a1饭店: one column."""
    for kind in ("board", "lecture"):
        add_activities(app, township_id=world.ta, village_id=world.a1, kind=kind, days=MONTHS)
        add_activities(app, township_id=world.ta, village_id=world.a2, kind=kind,
                       days=[d for d in MONTHS if kind == "board" or d.month != 10])
    for village in (world.a1, world.a2):
        add_activities(app, township_id=world.ta, village_id=village, kind="column",
                       days=[date(2026, 2, 1), date(2026, 5, 1), date(2026, 8, 1)])
    add_activities(app, township_id=world.ta, village_id=world.a1, unit_id=world.unit_a1, kind="column",
                   days=[date(2026, 4, 1)])
    with app.app_context():
        contact = User(username="village_a2", display_name="村二", role="village_contact", village_id=world.a2,
                       township_id=world.ta)
        contact.set_password("hygiene-test-1")
        db.session.add(contact)
        db.session.commit()
    return world


def sent(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(user, subject) for user, subject in db.session.execute(
            sa.select(User.username, Notification.subject).join(User, User.id == Notification.recipient_id)
            .where(Notification.kind == "education_cadence", Notification.channel == "in_app")
            .order_by(Notification.id))]


def scan(app, day: date) -> int:
    with app.app_context():
        result = scan_education_cadence(now=morning(day))
        db.session.commit()
        return result["education_reminders"]


def test_contacts_are_told_once_of_what_is_overdue_due_soon_or_behind(app, history):
    assert scan(app, date(2026, 11, 3)) == 5
    told = sent(app)
    assert ("village_a2", "健康教育逾期：甲二村，健康讲座") in told          # October's lecture missed
    assert any(user == "unit_a1" and "进度落后" in subject for user, subject in told)   # 1 column, 2 due by now
    assert ("village_b1", "健康教育逾期：乙一村，更新宣传栏") in told          # 乙一村 held nothing at all
    assert ("village_b1", "健康教育逾期：乙一村，健康讲座") in told
    assert ("village_b1", "健康教育进度落后：乙一村，健康知识专栏") in told
    assert all(user != "village_a1" for user, _s in told)                 # 甲一村 is on cadence
    assert scan(app, date(2026, 11, 3)) == 0                               # the same day again
    assert scan(app, date(2026, 11, 10)) == 0                              # nothing new
    soon = scan(app, date(2026, 11, 24))                                   # November's board and lecture
    assert soon == 2 * 3 and ("village_a1", "健康教育即将到期：甲一村，更新宣传栏，截止 2026-11-30") in sent(app)


def test_the_job_runs_twice_and_sends_nothing_twice(app, history):
    clock = lambda: morning(date(2026, 11, 3))  # noqa: E731
    assert run_job(app, "education_reminders", scan_education_cadence, clock)
    assert run_job(app, "education_reminders", scan_education_cadence, clock)
    assert len(sent(app)) == 5


def rows(response) -> dict[str, list[list]]:
    assert response.status_code == 200, response.text
    book = load_workbook(BytesIO(response.data), read_only=True)
    return {sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_the_excel_holds_the_log_and_the_flags(app, client, login, history):
    with time_machine.travel("2026-11-26 09:00 +0800", tick=False):
        book = rows(login("admin_a").get("/exports/education_log.xlsx?year=2026"))
        log, flags = book["活动台账"], book["频次"]
        assert len(log) == 2 + 10 * 2 + 9 + 10 + 3 * 2 + 1
        assert log[2][2:6] == ["甲一村", "", "更新宣传栏", "健康知识"]
        a2 = next(r for r in flags[2:] if r[0] == "甲二村" and not r[1])
        assert a2[2] == "已逾期" and "缺 2026-10" in a2[4]
        unit = next(r for r in flags[2:] if r[1] == "a1饭店")
        assert "进度落后" in unit[6]
        own = rows(login("village_a1").get("/exports/education_log.xlsx"))
        assert {r[2] for r in own["活动台账"][2:]} == {"甲一村"} and {r[3] for r in own["活动台账"][2:]} == {""}
        assert [r[0] for r in own["频次"][2:]] == ["甲一村"]
        assert rows(login("admin_b").get(f"/exports/education_log.xlsx?village_id={history.a1}"))["活动台账"][2:] == []
        assert login("admin_a").get("/exports/education_log.xlsx?year=abc").status_code in (400, 422)
