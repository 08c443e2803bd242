"""Public toilet projects: the office adds them to a village's task; they go through the same stages;
with no public toilet checklist, the office records the acceptance as passed, or failed with reasons."""
import uuid
from io import BytesIO

import pytest
import sqlalchemy as sa

from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.toilets.models import PublicToiletProject
from hygiene.toilets.status import ToiletStage
from tests.inspections.conftest import jpeg
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


def test_a_public_toilet_goes_from_survey_to_acceptance_with_a_failed_one_reworked(app, client, login, world, tasks):
    login("admin_a")
    project_id = made_id(new(client, world))
    for name in ("plan", "start", "complete"):
        assert step(client, project_id, name, photos=[(BytesIO(jpeg(pattern=2)), "p.jpg")]
                    if name == "complete" else []).status_code == 303
    assert step(client, project_id, "verdict", result="fail").status_code == 422  # a failure needs its reasons
    assert step(client, project_id, "verdict", result="fail", reasons="无障碍设施缺失\n洗手池无水").status_code == 303
    project = project_of(app, project_id)
    assert (project.stage, project.failed_reasons) == (ToiletStage.FAILED, ["无障碍设施缺失", "洗手池无水"])
    assert "洗手池无水" in client.get(f"/toilets/public/{project_id}").text
    assert step(client, project_id, "rework").status_code == 303
    assert step(client, project_id, "complete").status_code == 303  # no buried tank asked of a public toilet
    assert step(client, project_id, "verdict", result="pass",
                photos=[(BytesIO(jpeg(pattern=4)), "ok.jpg")]).status_code == 303
    project = project_of(app, project_id)
    assert (project.stage, project.accepted_on, project.reworks) == (ToiletStage.ACCEPTED, local_today(), 1)
    with app.app_context():
        assert {(p.target_kind, p.target_id) for p in db.session.scalars(sa.select(Photo))} == {
            ("public_toilet", project_id)}
    assert "村委公厕" in client.get("/toilets/public").text


def test_public_projects_refuse_skipped_stages_and_bad_input(app, client, login, world, tasks):
    login("admin_a")
    project_id = made_id(new(client, world))
    assert step(client, project_id, "verdict", result="pass").status_code == 422
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
    assert step(client, project_id, "verdict", result="pass").status_code == 403
    login("village_b1")
    assert client.get(f"/toilets/public/{project_id}").status_code == 404
    assert "村委公厕" not in client.get("/toilets/public").text
    for name in ("plan", "start", "complete", "verdict", "rework", "exclude"):
        assert step(client, project_id, name).status_code == 404
    login("inspector_a")
    assert new(client, world).status_code == 403
    assert step(client, project_id, "start").status_code == 403
    assert project_of(app, project_id).stage == ToiletStage.PLANNED
