"""An application follows an amendment of its published township review, as orders follow their
inspection: now failing, a reviewed application is rejected with the failed items; now passing, the
application that review rejected is reviewed again. Each move is audited and the applicant told
through the outbox; an application already submitted to the county stands."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.audit.models import AuditEvent
from hygiene.checklists.services import templates_install_builtin
from hygiene.extensions import db
from hygiene.inspections import review
from hygiene.inspections.models import Inspection
from hygiene.inspections.scoring import FAIL, PASS
from hygiene.notifications.models import Notification
from tests.creation.helpers import (
    application,
    application_id_of,
    apply,
    ask_review,
    self_assess_on_phone,
    step,
)
from tests.toilets.test_acceptance import fill_and_publish


@pytest.fixture
def checklists(app, db):
    with app.app_context():
        templates_install_builtin()
        db.session.commit()


def reviewed(app, client, login, world, *, failing=0) -> int:
    login("village_a1")
    application_id = application_id_of(apply(client, f"v{world.a1}"))
    self_assess_on_phone(app, client, application_id)
    login("admin_a")
    assert ask_review(client, world, application_id).status_code == 303
    fill_and_publish(app, world, application(app, application_id).review_inspection_id, failing=failing)
    return application_id


def amend(app, world, application_id: int, result: str) -> None:
    """The office amends every item of the published review to `result`, with its reason."""
    with app.app_context():
        inspection = db.session.get(Inspection, application(app, application_id).review_inspection_id)
        admin = db.session.get(User, world.user_admin_a)
        review.inspection_amend(scope=Scope.of(admin), user=admin, inspection=inspection, reason="复核更正",
                                changes=[{"item_id": item.id, "result": result, "findings": 1 if result == FAIL else 0}
                                         for item in inspection.version.items])
        db.session.commit()


def told(app, world, kind="creation_review_amended") -> list[Notification]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Notification).where(
            Notification.kind == kind, Notification.recipient_id == world.user_village_a1)))


def status_events(app, application_id: int) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity_type == "creation_application", AuditEvent.entity_id == application_id,
            AuditEvent.action == "status").order_by(AuditEvent.id)))


def test_a_review_amended_to_fail_rejects_the_reviewed_application_and_tells_the_applicant(
        app, client, login, world, checklists):
    application_id = reviewed(app, client, login, world)
    assert application(app, application_id).status == "reviewed"
    amend(app, world, application_id, FAIL)
    found = application(app, application_id)
    assert found.status == "rejected" and found.reason and found.standing_key is None
    last = status_events(app, application_id)[-1]
    assert (last.before["status"], last.after["status"]) == ("reviewed", "rejected")
    assert last.after["note"] and last.after["reason"] == found.reason
    [message] = told(app, world)
    assert "驳回" in message.body and message.link == f"/creation/applications/{application_id}"
    login("village_a1")
    page = client.get(f"/creation/applications/{application_id}").text
    assert "已驳回" in page


def test_a_review_amended_to_pass_reviews_the_application_it_rejected_again(app, client, login, world, checklists):
    application_id = reviewed(app, client, login, world, failing=100)
    assert application(app, application_id).status == "rejected"
    amend(app, world, application_id, PASS)
    found = application(app, application_id)
    assert (found.status, found.reason, found.closed_on) == ("reviewed", "", None)
    assert found.standing_key == f"v{world.a1}:hygienic_village:county"  # one application per title again
    assert status_events(app, application_id)[-1].after["status"] == "reviewed"
    [message] = told(app, world)
    assert "通过" in message.body
    login("admin_a")
    assert step(client, application_id, "submit").status_code == 303   # and it goes on to the county
    assert application(app, application_id).status == "submitted"


def test_an_application_already_submitted_or_rejected_by_the_office_stands(app, client, login, world, checklists):
    submitted = reviewed(app, client, login, world)
    assert step(client, submitted, "submit").status_code == 303
    amend(app, world, submitted, FAIL)
    assert application(app, submitted).status == "submitted"
    assert told(app, world) == []


def test_a_review_that_turns_round_twice_moves_the_application_twice(app, client, login, world, checklists):
    application_id = reviewed(app, client, login, world)
    amend(app, world, application_id, FAIL)
    amend(app, world, application_id, PASS)
    assert application(app, application_id).status == "reviewed"
    assert [e.after["status"] for e in status_events(app, application_id)][-2:] == ["rejected", "reviewed"]
    assert len(told(app, world)) == 2


def test_a_new_application_made_after_the_rejection_keeps_the_old_one_closed(app, client, login, world, checklists):
    application_id = reviewed(app, client, login, world, failing=100)
    login("village_a1")
    again = application_id_of(apply(client, f"v{world.a1}"))
    amend(app, world, application_id, PASS)
    assert application(app, application_id).status == "rejected"
    assert application(app, again).status == "applied"
