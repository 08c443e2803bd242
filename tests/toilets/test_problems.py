"""Follow-up problems (回头看): reported on an accepted toilet with photos, taken up, fixed with
what was done, reopened by the office; bad input refused in the form; a double tap moves once;
another village's problem is a 404 on every URL."""
import threading
import urllib.parse
import urllib.request
import uuid

import pytest
import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.toilets.models import ToiletProblem
from hygiene.toilets.status import ProblemStatus
from tests.rectifications.test_evidence_once import signed_in, status_of
from tests.toilets.test_subsidy import accepted
from tests.toilets.test_toilet_pages import built, make_tasks, photo


@pytest.fixture
def tasks(app, world):
    return make_tasks(app, world)


def report(client, toilet_id, *, files=None, **fields):
    data = {"kind": "full_tank", "reported_on": local_today().isoformat(), "note": "粪池满了",
            "request_key": uuid.uuid4().hex} | fields
    if files:
        data["photos"] = files
    return client.post(f"/toilets/problems/new?toilet_id={toilet_id}", data=data, content_type="multipart/form-data")


def problem_id_of(response) -> int:
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def move(client, problem_id, step, *, files=None, **fields):
    data = {"note": "", "request_key": uuid.uuid4().hex} | fields
    if step == "fix":
        data = {"fixed_on": local_today().isoformat(), "fix_note": "已清掏"} | data
    if files:
        data["photos"] = files
    return client.post(f"/toilets/problems/{problem_id}/{step}", data=data, content_type="multipart/form-data")


def problem_of(app, problem_id) -> ToiletProblem:
    with app.app_context():
        problem = db.session.get(ToiletProblem, problem_id)
        db.session.expunge(problem)
        return problem


def test_a_village_contact_reports_a_full_tank_and_sees_it_fixed(app, client, login, world, tasks):
    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    login("village_a1")
    assert "报告问题" in client.get(f"/toilets/households/{toilet_id}").text
    assert "粪污已满需清掏" in client.get(f"/toilets/problems/new?toilet_id={toilet_id}").text
    problem_id = problem_id_of(report(client, toilet_id, files=[photo(3)]))
    page = client.get(f"/toilets/problems/{problem_id}").text
    assert "粪污已满需清掏" in page and "粪池满了" in page and "已报告" in page
    assert move(client, problem_id, "take_up").status_code == 303
    assert problem_of(app, problem_id).status == ProblemStatus.IN_HAND
    assert move(client, problem_id, "fix", files=[photo(4)]).status_code == 303
    fixed = problem_of(app, problem_id)
    assert (fixed.status, fixed.fixed_on, fixed.fix_note) == (ProblemStatus.FIXED, local_today(), "已清掏")
    with app.app_context():
        purposes = sorted(db.session.scalars(sa.select(Photo.purpose).where(Photo.toilet_problem_id == problem_id)))
        assert purposes == ["toilet_fixed", "toilet_problem"]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.entity_type == "toilet_problem", AuditEvent.entity_id == problem_id)) == 3
    listed = client.get("/toilets/problems?status=fixed").text
    assert f"/toilets/problems/{problem_id}" in listed
    assert f"/toilets/problems/{problem_id}" not in client.get("/toilets/problems?status=reported").text
    assert f"/toilets/problems/{problem_id}" not in client.get("/toilets/problems?kind=leak").text
    # the village cannot reopen; the office can, with why
    assert "重新打开" not in client.get(f"/toilets/problems/{problem_id}").text
    assert move(client, problem_id, "reopen", note="又满了").status_code == 403
    login("admin_a")
    assert move(client, problem_id, "reopen").status_code == 422
    assert move(client, problem_id, "reopen", note="又满了").status_code == 303
    reopened = problem_of(app, problem_id)
    assert (reopened.status, reopened.fixed_on) == (ProblemStatus.REPORTED, None)


def test_a_reopened_problem_shows_the_previous_fix_as_history_and_the_form_for_the_new_fix(app, client, login,
                                                                                           world, tasks):
    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    problem_id = problem_id_of(report(client, toilet_id, files=[photo(3)]))
    assert move(client, problem_id, "fix", fix_note="更换了盖板", files=[photo(4)]).status_code == 303
    assert move(client, problem_id, "reopen", note="盖板又裂了").status_code == 303
    reopened = problem_of(app, problem_id)
    assert (reopened.status, reopened.fixed_on, reopened.fix_note) == (ProblemStatus.REPORTED, None, "")
    assert [(f["fixed_on"], f["fix_note"], f["reason"]) for f in reopened.past_fixes] == [
        (local_today().isoformat(), "更换了盖板", "盖板又裂了")]
    login("village_a1")
    page = client.get(f"/toilets/problems/{problem_id}").text
    facts, history = page[:page.find("past-fixes")], page[page.find("past-fixes"):]
    assert "更换了盖板" not in facts and "解决日期" not in facts  # the old fix is not the problem's state
    assert "上次修复" in history and "更换了盖板" in history and "盖板又裂了" in history
    assert history.index("更换了盖板") < history.index("记录新的修复")  # history first, then the new fix's form
    with app.app_context():
        fixed_photo = db.session.scalar(sa.select(Photo.id).where(Photo.toilet_problem_id == problem_id,
                                                                  Photo.purpose == "toilet_fixed"))
    assert reopened.past_fixes[0]["photo_ids"] == [fixed_photo]
    assert f"/inspections/photos/{fixed_photo}/" in history  # the old fix keeps its photos
    # fixed again: the new fix is the problem's, the old one stays history
    assert move(client, problem_id, "fix", fix_note="换了加厚盖板").status_code == 303
    page = client.get(f"/toilets/problems/{problem_id}").text
    facts, history = page[:page.find("past-fixes")], page[page.find("past-fixes"):]
    assert "换了加厚盖板" in facts and "更换了盖板" in history and "记录新的修复" not in page
    assert len(problem_of(app, problem_id).past_fixes) == 1


def test_no_problem_on_a_toilet_not_yet_accepted(app, client, login, world, tasks):
    login("village_a1")
    toilet_id = built(client, world, world.household_a1)
    assert report(client, toilet_id).status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ToiletProblem)) == 0


@pytest.mark.parametrize("fields", [
    {"kind": "nonsense"}, {"kind": ""}, {"reported_on": "2026-13-45"}, {"reported_on": ""},
    {"reported_on": "2099-01-01"}, {"note": "坏\x00了"}, {"note": "x" * 3000},
])
def test_bad_reports_are_refused_in_the_form(app, client, login, world, tasks, fields):
    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    answer = report(client, toilet_id, **fields)
    assert answer.status_code in (400, 422)  # a NUL byte is refused before any form (400)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ToiletProblem)) == 0


def test_a_photo_that_is_no_image_saves_nothing(app, client, login, world, tasks):
    from io import BytesIO
    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    answer = report(client, toilet_id, files=[photo(1), (BytesIO(b"not an image"), "x.jpg")])
    assert answer.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ToiletProblem)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo).where(
            Photo.toilet_problem_id.is_not(None))) == 0


def test_a_fix_needs_what_was_done_and_a_day_not_before_the_report(app, client, login, world, tasks):
    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    problem_id = problem_id_of(report(client, toilet_id))
    assert move(client, problem_id, "fix", fix_note="").status_code == 422
    assert move(client, problem_id, "fix", fixed_on="2000-01-01").status_code == 422
    assert move(client, problem_id, "fix", fixed_on="junk").status_code == 422
    assert problem_of(app, problem_id).status == ProblemStatus.REPORTED


@pytest.mark.parametrize("url", ["/toilets/problems/99999999999999999999", "/toilets/problems/new?toilet_id=99999999999999999999",
                                 "/toilets/problems/new?toilet_id=abc", "/toilets/problems/new",
                                 "/toilets/problems?kind=nope&status=x&village_id=99999999999999999999",
                                 "/toilets/problems?kind=%00"])
def test_junk_addresses_never_give_a_500(client, login, world, tasks, url):
    login("admin_a")
    assert client.get(url).status_code in (200, 400, 404)


def test_another_village_or_township_gets_404_on_every_url(app, client, login, world, tasks):
    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    problem_id = problem_id_of(report(client, toilet_id, files=[photo(5)]))
    with app.app_context():
        photo_id = db.session.scalar(sa.select(Photo.id).where(Photo.toilet_problem_id == problem_id))
    for user in ("village_b1", "admin_b"):
        login(user)
        assert client.get(f"/toilets/problems/{problem_id}").status_code == 404
        assert client.get(f"/toilets/problems/new?toilet_id={toilet_id}").status_code == 404
        assert report(client, toilet_id).status_code == 404
        for step in ("take_up", "fix", "reopen"):
            assert move(client, problem_id, step, note="x").status_code == 404
        assert f"/toilets/problems/{problem_id}" not in client.get("/toilets/problems").text
        assert client.get(f"/inspections/photos/{photo_id}/thumb").status_code == 404
    login("unit_a1")
    assert client.get("/toilets/problems").status_code == 403
    login("village_a1")
    shown = client.get(f"/inspections/photos/{photo_id}/thumb")
    shown.close()
    assert shown.status_code == 200
    assert problem_of(app, problem_id).status == ProblemStatus.REPORTED


def test_a_repeated_report_makes_one_problem(app, client, login, world, tasks):
    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    key = uuid.uuid4().hex
    first = problem_id_of(report(client, toilet_id, request_key=key))
    assert problem_id_of(report(client, toilet_id, request_key=key)) == first


@pytest.mark.parametrize("same_key", [True, False], ids=["double-tap", "two-phones"])
def test_fixes_at_the_same_moment_fix_once(app, live, client, login, world, tasks, same_key):
    login("admin_a")
    toilet_id = accepted(app, client, world, world.household_a1)
    problem_id = problem_id_of(report(client, toilet_id))
    opener = signed_in(live, "village_a1")
    start, statuses, key = threading.Barrier(4), [], uuid.uuid4().hex

    def post():
        body = urllib.parse.urlencode({"fixed_on": local_today().isoformat(), "fix_note": "修好了", "note": "",
                                       "request_key": key if same_key else uuid.uuid4().hex}).encode()
        start.wait()
        statuses.append(status_of(opener, urllib.request.Request(
            f"{live}/toilets/problems/{problem_id}/fix", data=body)))

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 4
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.entity_type == "toilet_problem", AuditEvent.action == "status",
            AuditEvent.entity_id == problem_id)) == 1
    assert problem_of(app, problem_id).status == ProblemStatus.FIXED


def test_a_problem_on_an_accepted_public_toilet(app, client, login, world, tasks):
    from hygiene.toilets.models import PublicToiletProject
    from tests.toilets.task_helpers import add_public

    with app.app_context():
        add_public(tasks.task_a1)
        project_id = db.session.scalar(sa.select(PublicToiletProject.id))
    login("village_a1")
    assert "报告问题" in client.get(f"/toilets/public/{project_id}").text
    made = client.post(f"/toilets/problems/new?public_toilet_id={project_id}", data={
        "kind": "no_service", "reported_on": local_today().isoformat(), "request_key": uuid.uuid4().hex})
    problem = problem_of(app, problem_id_of(made))
    assert (problem.public_toilet_id, problem.toilet_id, problem.kind) == (project_id, None, "no_service")
    assert "无人管护维修" in client.get(f"/toilets/public/{project_id}").text
    login("village_b1")
    assert client.get(f"/toilets/problems/new?public_toilet_id={project_id}").status_code == 404
