"""Follow-up problems tell people through the outbox: a report tells the village's contact and the
township's admins (not the reporter, not another township); a fix tells the reporter; a problem
open PROBLEM_REMIND_OPEN_DAYS is in the daily toilet reminder once per open spell."""
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from hygiene.accounts.models import User
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.notifications.models import Notification
from hygiene.scheduler.runner import run_job
from hygiene.toilets.kinds import PROBLEM_REMIND_OPEN_DAYS
from hygiene.toilets.reminders import scan_toilet_reminders
from tests.toilets.test_problems import move, problem_id_of, report
from tests.toilets.test_subsidy import accepted
from tests.toilets.test_toilet_pages import make_tasks

DAYS = PROBLEM_REMIND_OPEN_DAYS


@pytest.fixture
def tasks(app, world):
    return make_tasks(app, world)


def told(app, kind) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(user, n.subject, n.link) for user, n in db.session.execute(
            sa.select(User.username, Notification).join(User, User.id == Notification.recipient_id)
            .where(Notification.kind == kind, Notification.channel == "in_app").order_by(Notification.id))]


def morning(days_from_today: int) -> datetime:
    day = local_today() + timedelta(days=days_from_today)
    return datetime(day.year, day.month, day.day, 0, 20, tzinfo=UTC)  # 08:20 in the office


def scan(app, days_from_today: int) -> dict[str, int]:
    with app.app_context():
        result = scan_toilet_reminders(now=morning(days_from_today))
        db.session.commit()
        return result


def test_a_report_tells_the_village_and_the_office_and_a_fix_tells_the_reporter(app, client, login, world, tasks):
    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    login("village_a1")
    key = uuid.uuid4().hex
    problem_id = problem_id_of(report(client, toilet_id, request_key=key, note="粪池满了"))
    assert report(client, toilet_id, request_key=key).status_code == 303  # a resend tells nobody again
    reported = told(app, "toilet_problem_reported")
    assert [user for user, _s, _l in reported] == ["admin_a"]  # not the reporter, not 乙镇, not the county
    user, subject, link = reported[0]
    assert subject.startswith("改厕回头看问题报告") and "甲一村" in subject and "a1户主" in subject
    assert link == f"/toilets/problems/{problem_id}"
    with app.app_context():
        body = db.session.scalar(sa.select(Notification.body).where(Notification.kind == "toilet_problem_reported"))
    assert "粪污已满需清掏" in body and "粪池满了" in body  # the office's language, whoever reported
    login("admin_a")
    assert move(client, problem_id, "fix", fix_note="吸粪车已清掏").status_code == 303
    assert move(client, problem_id, "fix", fix_note="吸粪车已清掏").status_code == 303  # a double tap
    fixed = told(app, "toilet_problem_fixed")
    assert [user for user, _s, _l in fixed] == ["village_a1"]
    with app.app_context():
        body = db.session.scalar(sa.select(Notification.body).where(Notification.kind == "toilet_problem_fixed"))
    assert "吸粪车已清掏" in body


def test_the_office_reporting_tells_the_village_and_fixing_its_own_report_tells_nobody(app, client, login, world,
                                                                                      tasks):
    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    problem_id = problem_id_of(report(client, toilet_id))
    assert [user for user, _s, _l in told(app, "toilet_problem_reported")] == ["village_a1"]
    assert move(client, problem_id, "fix").status_code == 303
    assert told(app, "toilet_problem_fixed") == []


def test_a_problem_open_too_long_is_in_the_daily_reminder_once_per_open_spell(app, client, login, world, tasks):
    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    problem_id = problem_id_of(report(client, toilet_id))
    assert scan(app, DAYS - 1)["toilet_problem_reminders"] == 0      # not yet
    result = scan(app, DAYS)
    assert (result["toilet_problems_open"], result["toilet_problem_reminders"]) == (1, 2)
    assert sorted(user for user, _s, _l in told(app, "toilet_problem_open")) == ["admin_a", "village_a1"]
    assert f"超过 {DAYS} 天未解决" in told(app, "toilet_problem_open")[0][1]
    assert scan(app, DAYS + 3)["toilet_problem_reminders"] == 0      # told once
    assert move(client, problem_id, "fix").status_code == 303
    assert scan(app, DAYS + 5)["toilet_problems_open"] == 0          # fixed: nothing to say
    assert move(client, problem_id, "reopen", note="又满了").status_code == 303
    assert scan(app, DAYS - 1)["toilet_problem_reminders"] == 0      # open again today: counted from today
    assert scan(app, DAYS)["toilet_problem_reminders"] == 2          # a new open spell, told again


def test_the_job_runs_twice_and_sends_nothing_twice(app, client, login, world, tasks):
    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    problem_id_of(report(client, toilet_id))
    clock = lambda: morning(DAYS + 1)  # noqa: E731
    assert run_job(app, "toilet_reminders", scan_toilet_reminders, clock)
    assert run_job(app, "toilet_reminders", scan_toilet_reminders, clock)
    assert len(told(app, "toilet_problem_open")) == 2


def test_another_townships_office_hears_nothing(app, client, login, world, tasks):
    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    problem_id_of(report(client, toilet_id))
    scan(app, DAYS)
    everyone = {user for kind in ("toilet_problem_reported", "toilet_problem_open") for user, _s, _l in told(app, kind)}
    assert everyone and not everyone & {"admin_b", "village_b1", "county", "inspector_a", "unit_a1"}
