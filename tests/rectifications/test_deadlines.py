"""Provisional deadlines: counted by the law past the published calendar, settled when it comes."""
import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.notifications.models import Notification
from hygiene.rectifications.models import RectificationOrder
from tests.rectifications.conftest import submit
from tests.rectifications.test_workdays import official_2027

ISSUED_2027 = datetime(2027, 2, 5, 2, 0, tzinfo=UTC)  # Friday 5 Feb 2027 (除夕), 10:00 in Beijing
LATER = datetime(2027, 1, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def order_2027(app, world, inspection, monkeypatch):  # noqa: F811
    """An order issued on 5 Feb 2027 with 5 working days, before that year is published."""
    monkeypatch.setitem(app.config, "RECTIFY_WORKING_DAYS", {"urgent": 5, "serious": 5, "normal": 5})
    with app.app_context():
        submit(inspection, now=ISSUED_2027)
        db.session.commit()
        return db.session.scalar(sa.select(RectificationOrder.id))


def test_an_order_past_the_published_years_is_provisional_and_skips_the_spring_festival(
        order_2027, ctx):
    order = db.session.get(RectificationOrder, order_2027)
    assert (order.issued_on, order.deadline) == (date(2027, 2, 5), date(2027, 2, 15))
    assert order.deadline_provisional and order.deadline_working_days == 5


def test_the_order_page_says_the_deadline_is_provisional(order_2027, login):
    page = login("admin_a").get(f"/orders/{order_2027}?lang=en").get_data(as_text=True)
    assert "2027-02-15" in page and "provisional" in page
    listing = login("admin_a").get("/orders/?lang=en").get_data(as_text=True)
    assert "(provisional)" in listing


def test_the_order_page_of_a_published_year_says_nothing_provisional(order, login):
    page = login("admin_a").get(f"/orders/{order.id}?lang=en").get_data(as_text=True)
    assert "provisional" not in page


def test_recompute_waits_while_the_year_is_unpublished(order_2027, ctx):
    from hygiene.rectifications.deadlines import recompute_provisional

    assert recompute_provisional(now=LATER) == {"deadlines_settled": 0, "deadlines_moved": 0}
    assert db.session.get(RectificationOrder, order_2027).deadline_provisional


def test_when_the_calendar_knows_the_year_the_job_moves_the_deadline_audits_and_tells_the_office_once(
        app, order_2027, world, monkeypatch):
    from hygiene.scheduler import registered_job
    from hygiene.scheduler.runner import run_job

    recompute_deadlines = registered_job("recompute_deadlines").func

    official_2027(monkeypatch)  # 5-11 Feb off, Saturday 20 Feb worked
    assert run_job(app, "recompute_deadlines", recompute_deadlines, clock=lambda: LATER)
    assert _result(app, "recompute_deadlines") == {"deadlines_settled": 1, "deadlines_moved": 1}
    assert run_job(app, "recompute_deadlines", recompute_deadlines, clock=lambda: LATER)  # again
    assert _result(app, "recompute_deadlines") == {"deadlines_settled": 0, "deadlines_moved": 0}
    with app.app_context():
        order = db.session.get(RectificationOrder, order_2027)
        assert (order.deadline, order.deadline_provisional) == (date(2027, 2, 18), False)
        [event] = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity_type == "rectification_order", AuditEvent.action == "update"))
        assert (event.before["deadline"], event.after["deadline"]) == ("2027-02-15", "2027-02-18")
        notices = db.session.scalars(sa.select(Notification).where(
            Notification.kind == "deadlines_moved")).all()
        assert {n.recipient_id for n in notices} == {world.user_admin_a}
        assert len(notices) == len({n.channel for n in notices})  # one message per channel
        assert all("2027-02-15 → 2027-02-18" in n.body and order.display_number in n.body
                   for n in notices)


def test_a_deadline_the_calendar_does_not_change_is_settled_without_a_message(
        app, order_2027, monkeypatch):
    from chinese_calendar import constants

    from hygiene.rectifications.deadlines import recompute_provisional

    for day in (date(2027, 1, 1), *(date(2027, 2, n) for n in (5, 6, 7, 8))):
        monkeypatch.setitem(constants.holidays, day, "Spring Festival")  # exactly the law's days
    with app.app_context():
        assert recompute_provisional(now=LATER) == {"deadlines_settled": 1, "deadlines_moved": 0}
        db.session.commit()
        order = db.session.get(RectificationOrder, order_2027)
        assert (order.deadline, order.deadline_provisional) == (date(2027, 2, 15), False)
        assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
            Notification.kind == "deadlines_moved")) == 0


def test_a_deadline_the_office_set_by_hand_in_an_unpublished_year_is_provisional_too(
        app, order_2027, world, monkeypatch):
    from hygiene.access.scope import Scope
    from hygiene.accounts.models import User
    from hygiene.rectifications.deadlines import recompute_provisional
    from hygiene.rectifications.services import order_set_deadline

    with app.app_context():
        admin = db.session.get(User, world.user_admin_a)
        order = db.session.get(RectificationOrder, order_2027)
        order_set_deadline(scope=Scope.of(admin), actor_id=admin.id, order=order,
                           deadline=date(2027, 2, 10))
        db.session.commit()
        assert (order.deadline, order.deadline_provisional, order.deadline_working_days) == (
            date(2027, 2, 10), True, None)
        official_2027(monkeypatch)  # 10 Feb is now a day off: the office's date moves to 12 Feb
        recompute_provisional(now=LATER)
        db.session.commit()
        assert (order.deadline, order.deadline_provisional) == (date(2027, 2, 12), False)


def _result(app, job_id):
    from hygiene.scheduler.models import JobRun

    with app.app_context():
        return json.loads(db.session.scalar(sa.select(JobRun.last_result).where(JobRun.job_id == job_id)))
