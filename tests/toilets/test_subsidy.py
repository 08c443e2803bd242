"""The subsidy: only for an accepted toilet, at the task's rate for its type, by the office, once —
a double tap, a resend or two office PCs at the same moment pay once."""
import threading
import urllib.parse
import urllib.request
import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.toilets.models import HouseholdToilet, ToiletStageEvent, ToiletTask
from hygiene.toilets.status import ToiletStage
from tests.rectifications.test_evidence_once import signed_in, status_of
from tests.toilets.test_toilet_pages import built, make_tasks, step, toilet_of


@pytest.fixture
def tasks(app, world):
    return make_tasks(app, world)


def accepted(app, client, world, household) -> int:
    """A completed toilet marked accepted in the database (the acceptance itself: test_acceptance)."""
    toilet_id = built(client, world, household)
    with app.app_context():
        db.session.execute(sa.update(HouseholdToilet).where(HouseholdToilet.id == toilet_id).values(
            stage=ToiletStage.ACCEPTED, accepted_on=local_today()))
        db.session.commit()
    return toilet_id


def paid_events(app, toilet_id):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(ToiletStageEvent).where(
            ToiletStageEvent.toilet_id == toilet_id, ToiletStageEvent.to_stage == ToiletStage.SUBSIDY_PAID))


def test_the_office_pays_an_accepted_toilet_at_the_tasks_rate(app, client, login, world, tasks):
    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    page = client.get(f"/toilets/households/{toilet_id}").text
    assert "1000.00" in page
    assert step(client, toilet_id, "pay").status_code == 303
    toilet = toilet_of(app, toilet_id)
    assert (toilet.stage, toilet.subsidy_amount, toilet.subsidy_paid_on, toilet.subsidy_paid_by_id) == (
        ToiletStage.SUBSIDY_PAID, Decimal("1000.00"), local_today(), world.user_admin_a)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.entity_type == "household_toilet", AuditEvent.action == "stage",
            AuditEvent.entity_id == toilet_id)) == 4  # plan, start, complete, pay
    refused = step(client, toilet_id, "pay")
    assert refused.status_code == 422 and local_today().isoformat() in refused.text
    assert paid_events(app, toilet_id) == 1


def test_no_subsidy_before_acceptance(app, client, login, world, tasks):
    login("admin_a")
    toilet_id = built(client, world, world.household_a1)
    refused = step(client, toilet_id, "pay")
    assert refused.status_code == 422 and "已完工待验收" in refused.text
    assert toilet_of(app, toilet_id).subsidy_paid_on is None


def test_a_type_without_a_rate_is_not_paid(app, client, login, world, tasks):
    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    with app.app_context():
        db.session.execute(sa.update(ToiletTask).where(ToiletTask.id == tasks.task_a1).values(subsidy_rates={}))
        db.session.commit()
    assert step(client, toilet_id, "pay").status_code == 422
    assert toilet_of(app, toilet_id).stage == ToiletStage.ACCEPTED


def test_only_the_office_pays(app, client, login, world, tasks):
    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    for user in ("village_a1", "inspector_a"):
        login(user)
        assert step(client, toilet_id, "pay").status_code == 403
    login("village_b1")
    assert step(client, toilet_id, "pay").status_code == 404
    login("admin_b")
    assert step(client, toilet_id, "pay").status_code == 404
    assert toilet_of(app, toilet_id).subsidy_paid_on is None


@pytest.mark.parametrize("same_key", [True, False], ids=["double-tap", "two-office-pcs"])
def test_payments_at_the_same_moment_pay_once(app, live, world, tasks, client, login, same_key):
    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    opener = signed_in(live, "admin_a")
    threads, start, statuses = 4, threading.Barrier(4), []
    key = uuid.uuid4().hex

    def post():
        body = urllib.parse.urlencode({"happened_on": local_today().isoformat(), "note": "",
                                       "request_key": key if same_key else uuid.uuid4().hex}).encode()
        start.wait()
        statuses.append(status_of(opener, urllib.request.Request(
            f"{live}/toilets/households/{toilet_id}/pay", data=body)))

    workers = [threading.Thread(target=post) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert sorted(statuses) == ([303] * 4 if same_key else [303, 422, 422, 422])
    assert paid_events(app, toilet_id) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.entity_type == "household_toilet", AuditEvent.action == "stage",
            AuditEvent.entity_id == toilet_id, AuditEvent.after.is_not(None))) == 4
    assert toilet_of(app, toilet_id).subsidy_amount == Decimal("1000.00")
