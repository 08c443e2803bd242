"""A creation application from applying to naming and re-review: the applicant applies and assesses
itself, the office asks for the township review (an inspection with the title's checklist that does
not count in the ranking), records the county's naming, pays the reward once; a named title comes
up for re-review with reminders."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.checklists.services import templates_install_builtin
from hygiene.clock import local_today, now_utc
from hygiene.core.periods import Period
from hygiene.creation.models import CreationApplication
from hygiene.creation.reminders import scan_creation_reviews
from hygiene.creation.status import CreationStatus
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.notifications.models import Notification
from hygiene.rankings.components import Subject, inspection_mean
from tests.creation.helpers import (
    application,
    application_id_of,
    apply,
    ask_review,
    self_assess,
    self_assess_on_phone,
    step,
    today,
)
from tests.toilets.test_acceptance import fill_and_publish


@pytest.fixture
def checklists(app, db):
    with app.app_context():
        templates_install_builtin()
        db.session.commit()


def reviewed(app, client, login, world, *, applicant=None, title="hygienic_village:county", failing=0) -> int:
    """An application of 甲一村 (or `applicant`) self-assessed, reviewed and published."""
    login("village_a1" if applicant is None else "admin_a")
    application_id = application_id_of(apply(client, applicant or f"v{world.a1}", title))
    if applicant is None:
        self_assess_on_phone(app, client, application_id)   # the contact fills the self-assessment
    else:
        assert self_assess(client, application_id).status_code == 303   # the office's paper record
    login("admin_a")
    assert ask_review(client, world, application_id).status_code == 303
    fill_and_publish(app, world, application(app, application_id).review_inspection_id, failing=failing)
    return application_id


def test_a_village_goes_from_application_to_naming(app, client, login, world, checklists):
    application_id = reviewed(app, client, login, world)
    found = application(app, application_id)
    assert found.status == CreationStatus.REVIEWED and found.self_score == Decimal("100.0")
    with app.app_context():
        inspection = db.session.get(Inspection, found.review_inspection_id)
        assert (inspection.target_kind, inspection.village_id) == ("village", world.a1)
        assert inspection.version.template.code == "hygienic_village"
    assert step(client, application_id, "submit").status_code == 303
    assert step(client, application_id, "name", accepted_on=today(), document="县爱卫发〔2026〕3号").status_code == 303
    named = application(app, application_id)
    assert named.status == CreationStatus.NAMED and named.named_on == local_today()
    assert named.review_due_on == local_today().replace(year=local_today().year + 3)
    page = client.get(f"/creation/applications/{application_id}").get_data(as_text=True)
    assert "县爱卫发〔2026〕3号" in page


def test_the_review_inspection_does_not_count_in_the_ranking(app, client, login, world, checklists):
    application_id = reviewed(app, client, login, world)
    with app.app_context():
        inspection = db.session.get(Inspection, application(app, application_id).review_inspection_id)
        assert inspection.status == "published"
        period = Period("month", local_today().replace(day=1), local_today())
        assert world.a1 not in inspection_mean(Subject(world.ta, "villages"), period)


def test_a_failed_review_rejects_the_application_with_the_failed_items(app, client, login, world, checklists):
    application_id = reviewed(app, client, login, world, failing=100)
    found = application(app, application_id)
    assert found.status == CreationStatus.REJECTED and found.reason
    refused = step(client, application_id, "submit")
    assert refused.status_code == 422 and "已驳回" in refused.get_data(as_text=True)
    assert application(app, application_id).status == CreationStatus.REJECTED


def test_a_unit_is_reviewed_with_the_smoke_free_checklist(app, client, login, world, checklists):
    application_id = reviewed(app, client, login, world, applicant=f"u{world.unit_a1}",
                              title="smoke_free_unit:county")
    with app.app_context():
        inspection = db.session.get(Inspection, application(app, application_id).review_inspection_id)
        assert inspection.version.template.code == "smoke_free_unit" and inspection.unit_id == world.unit_a1


def named(app, client, login, world) -> int:
    application_id = reviewed(app, client, login, world)
    step(client, application_id, "submit")
    assert step(client, application_id, "name", accepted_on=today()).status_code == 303
    return application_id


def test_the_reward_is_paid_once_at_the_level_s_amount(app, client, login, world, checklists):
    application_id = named(app, client, login, world)
    key = "reward-key-1"
    url = f"/creation/applications/{application_id}/reward"
    assert client.post(url, data={"paid_on": today(), "amount": "", "request_key": key}).status_code == 303
    assert client.post(url, data={"paid_on": today(), "amount": "", "request_key": key}).status_code == 303
    paid = application(app, application_id)
    assert (paid.reward_amount, paid.reward_paid_on) == (Decimal("500.00"), local_today())
    again = client.post(url, data={"paid_on": today(), "amount": "800", "request_key": "another"})
    assert again.status_code == 422 and "已" in again.get_data(as_text=True)
    assert application(app, application_id).reward_amount == Decimal("500.00")


def test_no_reward_before_the_title_is_named(app, client, login, world, checklists):
    application_id = reviewed(app, client, login, world)
    response = client.post(f"/creation/applications/{application_id}/reward",
                           data={"paid_on": today(), "request_key": "k"})
    assert response.status_code == 422
    assert application(app, application_id).reward_paid_on is None


def test_a_named_title_comes_due_for_re_review_with_reminders_once(app, client, login, world, checklists):
    application_id = named(app, client, login, world)
    with app.app_context():
        db.session.execute(sa.update(CreationApplication).where(CreationApplication.id == application_id)
                           .values(review_due_on=local_today() + timedelta(days=20)))
        db.session.commit()
        first = scan_creation_reviews(now=now_utc())
        db.session.commit()
        second = scan_creation_reviews(now=now_utc())
        db.session.commit()
        assert first["creation_titles_due"] == 1 and first["creation_reminders"] >= 2
        assert second == {"creation_titles_due": 0, "creation_reminders": 0}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.kind == "creation_review_due", Notification.recipient_id == world.user_village_a1)) >= 1
    assert application(app, application_id).status == CreationStatus.DUE_REVIEW
    assert step(client, application_id, "rereview", result="pass").status_code == 303
    renewed = application(app, application_id)
    assert renewed.status == CreationStatus.RENAMED
    assert renewed.review_due_on == local_today().replace(year=local_today().year + 3)


def test_a_revoked_title_needs_a_reason(app, client, login, world, checklists):
    application_id = named(app, client, login, world)
    refused = step(client, application_id, "rereview", result="revoke", note="")
    assert refused.status_code == 422 and "说明" in refused.get_data(as_text=True) or refused.status_code == 422
    assert application(app, application_id).status == CreationStatus.NAMED
    assert step(client, application_id, "rereview", result="revoke", note="复审不合格").status_code == 303
    assert application(app, application_id).status == CreationStatus.REVOKED


def test_each_step_leaves_an_audit_event(app, client, login, world, checklists):
    application_id = named(app, client, login, world)
    with app.app_context():
        moves = db.session.scalars(sa.select(AuditEvent.after).where(
            AuditEvent.entity_type == "creation_application", AuditEvent.entity_id == application_id,
            AuditEvent.action == "status").order_by(AuditEvent.id)).all()
    assert [m["status"] for m in moves] == ["self_assessed", "reviewed", "submitted", "named"]


def test_naming_cannot_come_before_the_county_acceptance(app, client, login, world, checklists):
    application_id = reviewed(app, client, login, world)
    step(client, application_id, "submit")
    early = (local_today() - timedelta(days=1)).isoformat()
    response = step(client, application_id, "name", accepted_on=today(), happened_on=early)
    assert response.status_code == 422
    assert application(app, application_id).status == CreationStatus.SUBMITTED
    assert date.fromisoformat(today())


def test_publishing_the_township_review_says_it_decided_the_applications_step_not_an_acceptance(
        app, client, login, world, checklists):
    login("village_a1")
    application_id = application_id_of(apply(client, f"v{world.a1}", "hygienic_village:county"))
    self_assess_on_phone(app, client, application_id)
    login("admin_a")
    assert ask_review(client, world, application_id).status_code == 303
    inspection_id = application(app, application_id).review_inspection_id
    fill_and_publish(app, world, inspection_id, publish=False)
    done = client.post(f"/inspections/{inspection_id}/review", data={"action": "publish", "flag_reason": "测试"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已发布" in done and "相应环节" in done and "验收" not in done.split("已发布")[1].split("<")[0]
