"""Public toilet projects: the office adds them to a village's task; they go through the same stages;
their acceptance is an inspection with the public toilet checklist, as a household's is: publishing
it accepts the project, or fails it with the inspection's failed items as reasons."""
import threading
import urllib.parse
import urllib.request
import uuid
from io import BytesIO

import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.clock import local_today, now_utc
from hygiene.extensions import db
from hygiene.inspections import review
from hygiene.inspections.models import Inspection
from hygiene.media.models import Photo
from hygiene.toilets.models import PublicToiletProject, ToiletStageEvent
from hygiene.toilets.status import ToiletStage
from tests.inspections.conftest import jpeg
from tests.rectifications.test_evidence_once import signed_in, status_of
from tests.toilets.test_acceptance import fill_and_publish
from tests.toilets.test_toilet_pages import made_id, make_tasks


@pytest.fixture
def tasks(app, world):
    return make_tasks(app, world)


def new(client, world, village=None, **fields):
    data = {"village_id": str(village or world.a1), "name": "村委公厕", "location": "村委会东侧", "work": "repair",
            "surveyed_on": local_today().isoformat(), "note": "", "request_key": uuid.uuid4().hex} | fields
    return client.post("/toilets/public/new", data=data)


def step(client, project_id, name, **fields):
    data = {"happened_on": local_today().isoformat(), "note": "", "request_key": uuid.uuid4().hex} | fields
    return client.post(f"/toilets/public/{project_id}/{name}", data=data, content_type="multipart/form-data")


def project_of(app, project_id) -> PublicToiletProject:
    with app.app_context():
        project = db.session.get(PublicToiletProject, project_id)
        db.session.expunge(project)
        return project


def ask(client, world, project_id, **fields):
    data = {"inspector_ids": [str(world.user_inspector_a)], "due_on": local_today().isoformat()} | fields
    return step(client, project_id, "accept_request", **data)


def built(client, world) -> int:
    project_id = made_id(new(client, world))
    for name in ("plan", "start", "complete"):
        assert step(client, project_id, name, photos=[(BytesIO(jpeg(pattern=2)), "p.jpg")]
                    if name == "complete" else []).status_code == 303  # no buried tank asked of a public toilet
    return project_id


def test_a_public_toilet_is_accepted_by_an_inspection_with_a_failed_one_reworked(app, client, login, world, tasks,
                                                                                 checklists):
    login("admin_a")
    project_id = built(client, world)
    assert ask(client, world, project_id).status_code == 303
    assert ask(client, world, project_id).status_code == 422  # one open at a time
    first = project_of(app, project_id).acceptance_inspection_id
    with app.app_context():
        inspection = db.session.get(Inspection, first)
        assert (inspection.target_kind, inspection.target_id, inspection.village_id) == (
            "public_toilet", project_id, world.a1)
        assert inspection.version.template.code == "public_toilet"
        assert inspection.target_label.endswith("村委公厕")
    page = client.get(f"/toilets/public/{project_id}").text
    assert f"/inspections/{first}" in page and "验收检查" in page
    reasons = fill_and_publish(app, world, first, failing=2)
    project = project_of(app, project_id)
    assert (project.stage, project.failed_reasons) == (ToiletStage.FAILED, reasons)
    page = client.get(f"/toilets/public/{project_id}").text
    assert "验收不合格" in page and f"不合格：{reasons[0]}" in page
    login("village_a1")  # the village reworks its public toilet
    assert step(client, project_id, "rework", note="按验收意见整改").status_code == 303
    assert project_of(app, project_id).acceptance_inspection_id is None
    assert step(client, project_id, "complete").status_code == 303
    login("admin_a")
    assert ask(client, world, project_id).status_code == 303
    second = project_of(app, project_id).acceptance_inspection_id
    assert second != first
    fill_and_publish(app, world, second)
    project = project_of(app, project_id)
    assert (project.stage, project.accepted_on, project.reworks, project.failed_reasons) == (
        ToiletStage.ACCEPTED, local_today(), 1, [])
    with app.app_context():
        assert {(p.target_kind, p.target_id) for p in db.session.scalars(sa.select(Photo))} == {
            ("public_toilet", project_id)}  # the stage photos and the inspector's photos of the failed items
        stages = db.session.scalars(sa.select(ToiletStageEvent.to_stage).where(
            ToiletStageEvent.public_toilet_id == project_id).order_by(ToiletStageEvent.id)).all()
    assert stages[-4:] == [ToiletStage.FAILED, ToiletStage.UNDER_CONSTRUCTION, ToiletStage.COMPLETED,
                           ToiletStage.ACCEPTED]
    assert "村委公厕" in client.get("/toilets/public").text


def test_a_cancelled_public_acceptance_leaves_the_project_completed(app, client, login, world, tasks, checklists):
    login("admin_a")
    project_id = built(client, world)
    assert ask(client, world, project_id).status_code == 303
    with app.app_context():
        admin = db.session.get(User, world.user_admin_a)
        review.inspection_cancel(scope=Scope.of(admin), actor_id=admin.id, reason="下雨", now=now_utc(),
                                 inspection=db.session.get(Inspection, project_of(app, project_id).acceptance_inspection_id))
        db.session.commit()
    project = project_of(app, project_id)
    assert (project.stage, project.acceptance_inspection_id) == (ToiletStage.COMPLETED, None)
    assert ask(client, world, project_id).status_code == 303


def test_the_office_no_longer_records_a_public_acceptance_by_hand(app, client, login, world, tasks, checklists):
    login("admin_a")
    project_id = built(client, world)
    page = client.get(f"/toilets/public/{project_id}").text
    assert "申请验收检查" in page or "验收检查" in page
    assert step(client, project_id, "verdict", result="pass").status_code == 404
    assert project_of(app, project_id).stage == ToiletStage.COMPLETED


@pytest.mark.parametrize("same_key", [True, False], ids=["double-tap", "two-office-pcs"])
def test_a_public_acceptance_asked_for_at_the_same_moment_makes_one_inspection(app, live, client, login, world,
                                                                               tasks, checklists, same_key):
    login("admin_a")
    project_id = built(client, world)
    opener = signed_in(live, "admin_a")
    start, statuses, key = threading.Barrier(4), [], uuid.uuid4().hex

    def post():
        body = urllib.parse.urlencode({"happened_on": local_today().isoformat(), "note": "",
                                       "inspector_ids": str(world.user_inspector_a),
                                       "due_on": local_today().isoformat(),
                                       "request_key": key if same_key else uuid.uuid4().hex}).encode()
        start.wait()
        statuses.append(status_of(opener, urllib.request.Request(
            f"{live}/toilets/public/{project_id}/accept_request", data=body)))

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert sorted(statuses) == [303, 422, 422, 422]  # the others are told it was asked for already
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Inspection)) == 1
        only = db.session.scalar(sa.select(Inspection.id))
    assert project_of(app, project_id).acceptance_inspection_id == only


def test_public_projects_refuse_skipped_stages_and_bad_input(app, client, login, world, tasks):
    login("admin_a")
    project_id = made_id(new(client, world))
    assert ask(client, world, project_id).status_code == 422  # not completed yet
    assert step(client, project_id, "complete").status_code == 422
    assert client.post(f"/toilets/public/{project_id}/pay", data={}).status_code == 404  # no subsidy here
    for fields in ({"name": ""}, {"work": "demolish"}, {"village_id": str(world.b1)}, {"name": "a\x00"},
                   {"village_id": "99999999999999999999"}, {"surveyed_on": "2026-13-01"}):
        assert new(client, world, **fields).status_code in (400, 422), fields
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PublicToiletProject)) == 1


def test_only_the_office_adds_and_accepts_public_toilets_and_other_villages_see_none(app, client, login, world,
                                                                                      tasks):
    login("admin_a")
    project_id = made_id(new(client, world))
    login("village_a1")
    assert "村委公厕" in client.get(f"/toilets/public/{project_id}").text
    assert new(client, world).status_code == 403
    assert step(client, project_id, "plan").status_code == 303  # the village records the works
    assert ask(client, world, project_id).status_code == 403  # the office asks for the acceptance
    login("village_b1")
    assert client.get(f"/toilets/public/{project_id}").status_code == 404
    assert "村委公厕" not in client.get("/toilets/public").text
    for name in ("plan", "start", "complete", "accept_request", "rework", "exclude"):
        assert step(client, project_id, name).status_code == 404
    login("inspector_a")
    assert new(client, world).status_code == 403
    assert step(client, project_id, "start").status_code == 403
    assert project_of(app, project_id).stage == ToiletStage.PLANNED
