"""Household toilets through their stages on the pages: survey, plan, build, complete (with the
buried tank's photos), exclude; refusals with their reasons; who may see and do what."""
import uuid
from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.places.models import Household
from hygiene.toilets.models import HouseholdToilet, ToiletStageEvent, ToiletTask
from hygiene.toilets.status import ToiletStage
from tests.inspections.conftest import jpeg

RATES = {"three_compartment": "1000", "double_urn": "800"}


@pytest.fixture
def tasks(app, world):
    return make_tasks(app, world)


def make_tasks(app, world):
    """This year's task for 甲一村, 甲二村 and 乙一村, and a second household of 甲一村."""
    with app.app_context():
        ids = {}
        for key, township, village in (("a1", world.ta, world.a1), ("a2", world.ta, world.a2),
                                       ("b1", world.tb, world.b1)):
            task = ToiletTask(township_id=township, village_id=village, year=local_today().year,
                              household_quota=10, public_quota=2, deadline=date(local_today().year, 12, 31),
                              subsidy_rates=dict(RATES))
            db.session.add(task)
            db.session.flush()
            ids[f"task_{key}"] = task.id
        second = Household(head_name="a1二户", group_name="二组", village_id=world.a1)
        db.session.add(second)
        db.session.commit()
        ids["second_a1"] = second.id
    return SimpleNamespace(**ids)


def add(client, world, household, village=None, **fields):
    data = {"village_id": str(village or world.a1), "household_id": str(household), "year": str(local_today().year),
            "surveyed_on": local_today().isoformat(), "note": "", "request_key": uuid.uuid4().hex} | fields
    return client.post("/toilets/households/new", data=data)


def step(client, toilet_id, name, files=None, **fields):
    data = {"happened_on": local_today().isoformat(), "note": "", "request_key": uuid.uuid4().hex} | fields
    for field, photos in (files or {}).items():
        data[field] = photos
    return client.post(f"/toilets/households/{toilet_id}/{name}", data=data,
                       content_type="multipart/form-data")


def photo(pattern=0, name="p.jpg"):
    from io import BytesIO

    return (BytesIO(jpeg(pattern=pattern)), name)


def made_id(response) -> int:
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def toilet_of(app, toilet_id) -> HouseholdToilet:
    with app.app_context():
        toilet = db.session.get(HouseholdToilet, toilet_id)
        db.session.expunge(toilet)
        return toilet


def counts(app):
    with app.app_context():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                     for m in (HouseholdToilet, ToiletStageEvent, Photo, AuditEvent))


def built(client, world, household, *, through="complete"):
    """A toilet of `household` moved on to `through` (plan, start, complete)."""
    toilet_id = made_id(add(client, world, household))
    for name in ("plan", "start", "complete"):
        files = {"buried_photos": [photo(1)], "photos": [photo(2)]} if name == "complete" else None
        extra = {"toilet_type": "three_compartment"} if name == "plan" else {}
        assert step(client, toilet_id, name, files=files, **extra).status_code == 303
        if name == through:
            break
    return toilet_id


def test_a_village_contact_records_a_household_from_survey_to_completion(app, client, login, world, tasks):
    login("village_a1")
    toilet_id = made_id(add(client, world, world.household_a1))
    assert "a1户主" in client.get(f"/toilets/households/{toilet_id}").text
    assert step(client, toilet_id, "plan", toilet_type="three_compartment", attached="y").status_code == 303
    assert step(client, toilet_id, "start", files={"photos": [photo(3)]}).status_code == 303
    done = step(client, toilet_id, "complete", files={"buried_photos": [photo(1)], "photos": [photo(2)]})
    assert done.status_code == 303
    toilet = toilet_of(app, toilet_id)
    assert (toilet.stage, toilet.toilet_type, toilet.attached, toilet.completed_on) == (
        ToiletStage.COMPLETED, "three_compartment", True, local_today())
    page = client.get(f"/toilets/households/{toilet_id}").text
    assert "三格化粪池式" in page and "已完工待验收" in page
    with app.app_context():
        photos = db.session.scalars(sa.select(Photo).order_by(Photo.id)).all()
        assert [(p.purpose, p.target_kind, p.target_id) for p in photos] == [
            ("toilet_stage", "household", world.household_a1), ("toilet_buried", "household", world.household_a1),
            ("toilet_stage", "household", world.household_a1)]
        stages = db.session.scalars(sa.select(ToiletStageEvent.to_stage).order_by(ToiletStageEvent.id)).all()
    assert stages == [ToiletStage.SURVEYED, ToiletStage.PLANNED, ToiletStage.UNDER_CONSTRUCTION, ToiletStage.COMPLETED]
    listing = client.get("/toilets/households").text
    assert "a1户主" in listing


def test_completion_without_a_photo_of_the_buried_tank_is_refused(app, client, login, world, tasks):
    login("village_a1")
    toilet_id = built(client, world, world.household_a1, through="start")
    before = counts(app)
    refused = step(client, toilet_id, "complete", files={"photos": [photo(2)]})
    assert refused.status_code == 422 and "请至少上传一张化粪池和管道覆土前的照片" in refused.text
    assert counts(app) == before and toilet_of(app, toilet_id).stage == ToiletStage.UNDER_CONSTRUCTION


def test_a_skipped_stage_is_refused_with_the_reason(app, client, login, world, tasks):
    login("admin_a")
    toilet_id = made_id(add(client, world, world.household_a1))
    before = counts(app)
    refused = step(client, toilet_id, "complete", files={"buried_photos": [photo(1)]})
    assert refused.status_code == 422
    assert "须先到“施工中”" in refused.text
    refused = step(client, toilet_id, "pay")
    assert refused.status_code == 422
    assert counts(app) == before and toilet_of(app, toilet_id).stage == ToiletStage.SURVEYED


def test_a_household_in_another_village_than_the_task_is_refused(app, client, login, world, tasks):
    login("admin_a")
    before = counts(app)
    refused = add(client, world, world.household_a2, village=world.a1)
    assert refused.status_code == 422 and "甲二村" in refused.text
    assert counts(app) == before


def test_a_village_without_a_task_for_the_year_is_refused(app, client, login, world, tasks):
    login("admin_a")
    with app.app_context():
        db.session.execute(sa.delete(ToiletTask).where(ToiletTask.id == tasks.task_a2))
        db.session.commit()
    refused = add(client, world, world.household_a2, village=world.a2)
    assert refused.status_code == 422 and counts(app)[0] == 0


def test_a_second_toilet_for_one_household_is_refused(app, client, login, world, tasks):
    login("village_a1")
    made_id(add(client, world, world.household_a1))
    before = counts(app)
    refused = add(client, world, world.household_a1)
    assert refused.status_code == 422 and "a1户主" in refused.text
    assert counts(app) == before


def test_the_same_form_sent_twice_makes_one_toilet(app, client, login, world, tasks):
    login("village_a1")
    key = uuid.uuid4().hex
    first, second = (made_id(add(client, world, world.household_a1, request_key=key)) for _ in range(2))
    assert first == second and counts(app)[0] == 1


@pytest.mark.parametrize("fields", [
    {"toilet_type": "golden"}, {"toilet_type": ""}, {"toilet_type": "three_compartment", "note": "a\x00b"},
    {"toilet_type": "three_compartment", "happened_on": "2026-02-30"},
    {"toilet_type": "three_compartment", "happened_on": "2999-01-01"},
])
def test_bad_plan_input_is_refused_in_the_form(app, client, login, world, tasks, fields):
    login("village_a1")
    toilet_id = made_id(add(client, world, world.household_a1))
    before = counts(app)
    response = step(client, toilet_id, "plan", **fields)
    assert response.status_code in (400, 422)
    assert counts(app) == before


@pytest.mark.parametrize("fields", [
    {"household_id": "99999999999999999999"}, {"village_id": "x"}, {"household_id": ""}, {"note": "\x00"},
    {"surveyed_on": "junk"}, {"household_id": "-1"}, {"surveyed_on": "2999-01-01"},
])
def test_bad_new_toilet_input_is_refused(app, client, login, world, tasks, fields):
    login("admin_a")
    response = add(client, world, world.household_a1, **fields)
    assert response.status_code in (400, 422)
    assert counts(app)[0] == 0


def test_excluding_needs_a_reason_and_ends_the_record(app, client, login, world, tasks):
    login("village_a1")
    toilet_id = made_id(add(client, world, world.household_a1))
    assert step(client, toilet_id, "exclude").status_code == 422
    assert step(client, toilet_id, "exclude", note="常年无人居住").status_code == 303
    assert toilet_of(app, toilet_id).stage == ToiletStage.EXCLUDED
    assert step(client, toilet_id, "plan", toilet_type="double_urn").status_code == 422


def test_the_list_filters_by_village_stage_type_and_year(app, client, login, world, tasks):
    login("admin_a")
    first = built(client, world, world.household_a1, through="plan")
    made_id(add(client, world, tasks.second_a1))
    made_id(add(client, world, world.household_a2, village=world.a2))
    client.get("/toilets/households")  # the flashes of the saves
    stage = client.get(f"/toilets/households?stage={ToiletStage.PLANNED.value}").text
    assert "a1户主" in stage and "a1二户" not in stage
    by_type = client.get("/toilets/households?type=three_compartment").text
    assert "a1户主" in by_type and "a2户主" not in by_type
    by_village = client.get(f"/toilets/households?village_id={world.a2}").text
    assert "a2户主" in by_village and "a1户主" not in by_village
    assert "a1户主" not in client.get("/toilets/households?year=2001").text
    odd = client.get("/toilets/households?year=x&stage=nope&village_id=99999999999999999999&page=x")
    assert odd.status_code == 200 and "a1户主" in odd.text
    assert first


def test_another_village_reaches_nothing_of_a_toilet(app, client, login, world, tasks):
    login("village_a1")
    toilet_id = built(client, world, world.household_a1, through="plan")
    login("village_b1")
    assert client.get(f"/toilets/households/{toilet_id}").status_code == 404
    assert "a1户主" not in client.get("/toilets/households").text
    before = counts(app)
    for name in ("plan", "start", "complete", "accept_request", "rework", "pay", "exclude"):
        assert step(client, toilet_id, name, toilet_type="double_urn", note="x").status_code == 404
    assert counts(app) == before
    assert add(client, world, tasks.second_a1, village=world.a1).status_code == 422  # not a village of theirs
    assert counts(app) == before
    assert client.get("/toilets/households/99999999999999999999").status_code == 404
    login("unit_a1")
    assert client.get("/toilets/households").status_code == 403
    assert client.get(f"/toilets/households/{toilet_id}").status_code == 403
    login("inspector_a")
    assert "a1户主" in client.get(f"/toilets/households/{toilet_id}").text
    assert step(client, toilet_id, "start").status_code == 403
    assert client.get("/toilets/households/new").status_code == 403
    assert counts(app) == before


def test_the_new_page_lists_only_the_villages_register_households_without_a_toilet(app, client, login, world, tasks):
    login("village_a1")
    made_id(add(client, world, world.household_a1))
    client.get("/toilets/households")  # the save's flash
    page = client.get(f"/toilets/households/new?village_id={world.a1}").text
    assert "a1二户" in page and "a1户主" not in page and "a2户主" not in page


def test_a_photo_of_one_household_used_again_for_another_is_flagged(app, client, login, world, tasks):
    login("admin_a")
    first = built(client, world, world.household_a1, through="start")
    second = built(client, world, tasks.second_a1, through="start")
    assert step(client, first, "complete", files={"buried_photos": [photo(5)]}).status_code == 303
    assert step(client, second, "complete", files={"buried_photos": [photo(5)]}).status_code == 303
    with app.app_context():
        flags = [p.flags for p in db.session.scalars(sa.select(Photo).where(
            Photo.purpose == "toilet_buried").order_by(Photo.id))]
    assert flags == [[], ["reused"]]
    assert 'class="flag"' in client.get(f"/toilets/households/{second}").text


def test_the_lists_and_a_detail_page_run_a_fixed_number_of_queries(app, client, login, world, tasks, count_queries):
    from hygiene.toilets.models import PublicToiletProject

    def grow(n, tag):
        with app.app_context():
            for i in range(n):
                household = Household(head_name=f"{tag}{i}", group_name="三组", village_id=world.a1)
                db.session.add(household)
                db.session.flush()
                db.session.add(HouseholdToilet(township_id=world.ta, village_id=world.a1, task_id=tasks.task_a1,
                                               household_id=household.id, stage=ToiletStage.PLANNED,
                                               stage_on=local_today(), toilet_type="double_urn"))
                db.session.add(PublicToiletProject(township_id=world.ta, village_id=world.a1, task_id=tasks.task_a1,
                                                   name=f"{tag}公厕{i}", stage=ToiletStage.SURVEYED,
                                                   stage_on=local_today()))
            db.session.commit()

    login("admin_a")
    seen = {}
    for n, tag in ((3, "甲"), (22, "乙")):
        grow(n, tag)
        for url in ("/toilets/households", "/toilets/public"):
            with count_queries() as queries:
                assert client.get(url).status_code == 200
            seen.setdefault(url, []).append(queries[0])
    assert all(len(set(counts)) == 1 for counts in seen.values()), seen
