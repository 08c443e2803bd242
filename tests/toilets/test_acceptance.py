"""Acceptance of a completed household toilet: the office asks for an inspection with the household
toilet checklist; publishing it accepts the toilet, or fails it with the failed items as reasons;
a rework goes back to building; a cancelled inspection leaves the toilet completed."""

import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.checklists.services import templates_install_builtin
from hygiene.clock import local_today, now_utc
from hygiene.extensions import db
from hygiene.inspections import fieldwork, review
from hygiene.inspections.models import Inspection
from hygiene.inspections.scoring import FAIL, PASS
from hygiene.inspections.status import InspectionStatus
from hygiene.media.intake import PhotoLimits
from hygiene.media.store import FileSystemStore
from hygiene.toilets.models import ToiletStageEvent
from hygiene.toilets.status import ToiletStage
from tests.inspections.conftest import jpeg
from tests.toilets.test_toilet_pages import built, make_tasks, step, toilet_of


@pytest.fixture
def tasks(app, world):
    return make_tasks(app, world)


@pytest.fixture
def checklists(app, db):
    with app.app_context():
        templates_install_builtin()
        db.session.commit()


def ask(client, world, toilet_id, **fields):
    data = {"inspector_ids": [str(world.user_inspector_a)], "due_on": local_today().isoformat()} | fields
    return step(client, toilet_id, "accept_request", **data)


def inspection_of(app, toilet_id) -> int:
    return toilet_of(app, toilet_id).acceptance_inspection_id


def fill_and_publish(app, world, inspection_id, *, failing: int = 0, publish: bool = True):
    """The inspector passes every item but the first `failing` (photographed), submits; the office publishes."""
    with app.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        inspector = db.session.get(User, world.user_inspector_a)
        scope = Scope.of(inspector)
        store = FileSystemStore(app.config["UPLOAD_DIR"])
        for n, item in enumerate(inspection.version.items):
            result = FAIL if n < failing else PASS
            fieldwork.answer_save(scope=scope, user=inspector, inspection=inspection, item_id=item.id,
                                  result=result, findings=1 if result == FAIL else 0, now=now_utc())
            if result == FAIL:
                fieldwork.photo_attach(scope=scope, user=inspector, inspection=inspection, item_id=item.id,
                                       filename="f.jpg", data=jpeg(pattern=n % 7), store=store,
                                       limits=PhotoLimits(), now=now_utc())
        fieldwork.inspection_submit(scope=scope, user=inspector, inspection=inspection, submission_key="k",
                                    now=now_utc())
        db.session.commit()
        texts = [item.text for item in inspection.version.items[:failing]]
        if publish:
            admin = db.session.get(User, world.user_admin_a)
            review.inspection_publish(scope=Scope.of(admin), actor_id=admin.id, inspection=inspection,
                                      now=now_utc(), flag_reason="测试")
            db.session.commit()
        return texts


def test_a_passed_acceptance_accepts_the_toilet(app, client, login, world, tasks, checklists):
    login("admin_a")
    toilet_id = built(client, world, world.household_a1)
    assert ask(client, world, toilet_id).status_code == 303
    inspection_id = inspection_of(app, toilet_id)
    with app.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        assert (inspection.target_kind, inspection.target_id, inspection.plan_id) == (
            "household", world.household_a1, None)
        assert inspection.version.template.code == "household_toilet"
        assert [u.id for u in inspection.inspectors] == [world.user_inspector_a]
        from hygiene.notifications.models import Notification

        told = db.session.scalars(sa.select(Notification).where(Notification.kind == "inspection_asked")).all()
        assert {n.recipient_id for n in told} == {world.user_inspector_a}
        assert "待检查" in told[0].subject
    fill_and_publish(app, world, inspection_id, publish=False)
    assert toilet_of(app, toilet_id).stage == ToiletStage.COMPLETED  # submitted, not yet published
    with app.app_context():
        admin = db.session.get(User, world.user_admin_a)
        review.inspection_publish(scope=Scope.of(admin), actor_id=admin.id,
                                  inspection=db.session.get(Inspection, inspection_id), now=now_utc())
        db.session.commit()
    toilet = toilet_of(app, toilet_id)
    assert (toilet.stage, toilet.accepted_on) == (ToiletStage.ACCEPTED, local_today())
    page = client.get(f"/toilets/households/{toilet_id}").text
    assert "验收合格" in page and f"/inspections/{inspection_id}" in page


def test_a_failed_acceptance_gives_the_reasons_and_a_rework_starts_over(app, client, login, world, tasks,
                                                                        checklists):
    login("admin_a")
    toilet_id = built(client, world, world.household_a1)
    assert ask(client, world, toilet_id).status_code == 303
    reasons = fill_and_publish(app, world, inspection_of(app, toilet_id), failing=2)
    toilet = toilet_of(app, toilet_id)
    assert (toilet.stage, toilet.failed_reasons) == (ToiletStage.FAILED, reasons)
    page = client.get(f"/toilets/households/{toilet_id}").text
    assert "验收不合格" in page and reasons[0] in page
    assert step(client, toilet_id, "pay").status_code == 422  # no subsidy for a failed toilet
    login("village_a1")
    assert step(client, toilet_id, "rework", note="重新做满水试验").status_code == 303
    toilet = toilet_of(app, toilet_id)
    assert (toilet.stage, toilet.reworks, toilet.acceptance_inspection_id) == (
        ToiletStage.UNDER_CONSTRUCTION, 1, None)
    assert step(client, toilet_id, "complete", files={"buried_photos": [(__import__("io").BytesIO(jpeg(pattern=3)),
                                                                          "t.jpg")]}).status_code == 303
    login("admin_a")
    assert ask(client, world, toilet_id).status_code == 303
    fill_and_publish(app, world, inspection_of(app, toilet_id))
    assert toilet_of(app, toilet_id).stage == ToiletStage.ACCEPTED
    with app.app_context():
        stages = db.session.scalars(sa.select(ToiletStageEvent.to_stage).where(
            ToiletStageEvent.toilet_id == toilet_id).order_by(ToiletStageEvent.id)).all()
    assert stages[-4:] == [ToiletStage.FAILED, ToiletStage.UNDER_CONSTRUCTION, ToiletStage.COMPLETED,
                           ToiletStage.ACCEPTED]


def test_a_cancelled_acceptance_leaves_the_toilet_completed_for_another_request(app, client, login, world, tasks,
                                                                               checklists):
    login("admin_a")
    toilet_id = built(client, world, world.household_a1)
    assert ask(client, world, toilet_id).status_code == 303
    assert ask(client, world, toilet_id).status_code == 422  # one at a time
    inspection_id = inspection_of(app, toilet_id)
    with app.app_context():
        admin = db.session.get(User, world.user_admin_a)
        review.inspection_cancel(scope=Scope.of(admin), actor_id=admin.id, reason="下雨",
                                 inspection=db.session.get(Inspection, inspection_id))
        db.session.commit()
    toilet = toilet_of(app, toilet_id)
    assert (toilet.stage, toilet.acceptance_inspection_id) == (ToiletStage.COMPLETED, None)
    assert ask(client, world, toilet_id).status_code == 303
    assert inspection_of(app, toilet_id) != inspection_id


def test_acceptance_is_asked_only_of_a_completed_toilet_by_the_office(app, client, login, world, tasks, checklists):
    login("admin_a")
    toilet_id = built(client, world, world.household_a1, through="start")
    refused = ask(client, world, toilet_id)
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Inspection)) == 0
    assert step(client, toilet_id, "complete", files={"buried_photos": [(__import__("io").BytesIO(jpeg()),
                                                                          "t.jpg")]}).status_code == 303
    assert ask(client, world, toilet_id, inspector_ids=[]).status_code == 422  # nobody sent
    assert ask(client, world, toilet_id, inspector_ids=["99999999999999999999"]).status_code == 422
    assert ask(client, world, toilet_id, due_on="junk").status_code == 422
    login("village_a1")
    assert ask(client, world, toilet_id).status_code == 403
    login("inspector_a")
    assert ask(client, world, toilet_id).status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Inspection)) == 0


def test_an_amended_acceptance_turns_the_verdict_while_nothing_followed(app, client, login, world, tasks,
                                                                        checklists):
    login("admin_a")
    toilet_id = built(client, world, world.household_a1)
    assert ask(client, world, toilet_id).status_code == 303
    inspection_id = inspection_of(app, toilet_id)
    fill_and_publish(app, world, inspection_id)
    with app.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        item = inspection.version.items[0]
        admin = db.session.get(User, world.user_admin_a)
        store = FileSystemStore(app.config["UPLOAD_DIR"])
        db.session.add(fieldwork.photo_new(
            __import__("hygiene.media.intake", fromlist=["photo_intake"]).photo_intake(
                jpeg(pattern=6), "x.jpg", store=store, limits=PhotoLimits()),
            uploaded_by_id=admin.id, now=now_utc(), inspection_id=inspection.id, item_id=item.id,
            township_id=inspection.township_id, target_kind="household", target_id=inspection.target_id))
        review.inspection_amend(scope=Scope.of(admin), user=admin, inspection=inspection, reason="复核",
                                changes=[{"item_id": item.id, "result": FAIL, "findings": 1}])
        text = item.text
        db.session.commit()
        assert inspection.status == InspectionStatus.PUBLISHED
    toilet = toilet_of(app, toilet_id)
    assert (toilet.stage, toilet.failed_reasons) == (ToiletStage.FAILED, [text])
