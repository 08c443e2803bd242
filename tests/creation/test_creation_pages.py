"""The creation pages: the year's targets and the board, applying with bad input, who may read and
do what, the export, the ranking component, and identical requests at the same moment."""
import threading
import urllib.parse
import urllib.request
import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa

from hygiene.clock import local_today
from hygiene.core.periods import Period
from hygiene.creation.models import CreationApplication, CreationTarget
from hygiene.creation.ranking import creation_progress_component
from hygiene.extensions import db
from hygiene.rankings.components import COMPONENTS, Subject
from tests.creation.helpers import application, application_id_of, apply, count, self_assess, step, today
from tests.rectifications.test_evidence_once import signed_in, status_of

YEAR = local_today().year


def targets(client, **fields):
    data = {"target__hygienic_village__county": "5", "target__hygienic_unit__county": "8",
            "target__hygienic_unit__city": "2", "reward__hygienic_unit__county": "500"} | fields
    return client.post(f"/creation/targets/{YEAR}", data=data)


def test_the_office_sets_the_year_s_targets_and_the_board_shows_them(app, client, login, world):
    login("admin_a")
    assert targets(client).status_code == 303
    assert targets(client).status_code == 303   # the same form again: still one row per title
    with app.app_context():
        rows = db.session.scalars(sa.select(CreationTarget).where(CreationTarget.target > 0)).all()
        assert sorted((r.kind, r.level, r.target) for r in rows) == [
            ("hygienic_unit", "city", 2), ("hygienic_unit", "county", 8), ("hygienic_village", "county", 5)]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CreationTarget)) == 7
    login("village_a1")
    application_id_of(apply(client, f"v{world.a1}"))
    login("inspector_a")
    page = client.get(f"/creation/?year={YEAR}").get_data(as_text=True)
    row = page.split("县级卫生村")[1].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[1:4]] == ["5", "1", "1"]
    assert "县级卫生单位" in page and "市级卫生单位" in page


@pytest.mark.parametrize("field,value", [("target__hygienic_village__county", "-1"),
                                         ("target__hygienic_village__county", "99999999999999999999"),
                                         ("reward__hygienic_unit__city", "12.345"),
                                         ("reward__hygienic_unit__city", "a\x00b")])
def test_bad_targets_are_refused_with_a_message_and_nothing_saved(app, client, login, world, field, value):
    login("admin_a")
    response = targets(client, **{field: value})
    assert response.status_code in (400, 422)
    if response.status_code == 422:
        assert 'class="error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CreationTarget)) == 0


def test_only_the_office_s_admins_set_targets(client, login, world):
    for user in ("inspector_a", "village_a1", "unit_a1"):
        login(user)
        assert client.get(f"/creation/targets/{YEAR}").status_code == 403
    login("admin_a")
    assert client.get("/creation/targets/99999999999999999999").status_code == 404


@pytest.mark.parametrize("fields,field_word", [
    ({"applied_on": "2999-01-01"}, "晚于今天"), ({"applied_on": "0001-01-01"}, "日期"),
    ({"year": "-5"}, "年份"),
    ({"note": "a\x00b"}, None), ({"title": "hygienic_unit:county"}, "卫生村")])
def test_a_bad_application_says_what_is_wrong_and_makes_nothing(app, client, login, world, fields, field_word):
    login("village_a1")
    response = apply(client, f"v{world.a1}", **fields)
    assert response.status_code in (400, 422)
    if field_word:
        assert field_word in response.get_data(as_text=True)
    assert count(app) == 0


@pytest.mark.parametrize("applicant", ["v99999999999999999999", "u-1", "x1", "v1\x00"])
def test_an_applicant_not_in_the_list_is_refused(app, client, login, world, applicant):
    login("admin_a")
    response = apply(client, applicant)
    assert response.status_code in (400, 422)
    assert count(app) == 0


def test_a_contact_applies_only_for_their_own(app, client, login, world):
    login("village_a1")
    assert apply(client, f"v{world.a2}").status_code == 422
    assert apply(client, f"v{world.b1}").status_code == 422
    login("unit_a1")
    assert apply(client, f"v{world.a1}").status_code == 422
    assert apply(client, f"u{world.unit_a2}", "hygienic_unit:county").status_code == 422
    application_id_of(apply(client, f"u{world.unit_a1}", "hygienic_unit:county"))
    assert count(app) == 1


def test_a_second_application_for_the_same_title_is_refused(app, client, login, world):
    login("village_a1")
    application_id_of(apply(client, f"v{world.a1}"))
    again = apply(client, f"v{world.a1}")
    assert again.status_code == 422 and "已有该称号或正在申报" in again.get_data(as_text=True)
    application_id_of(apply(client, f"v{world.a1}", "hygienic_village:city"))   # another level is another title


def test_records_of_another_village_or_township_are_not_there(app, client, login, world):
    login("village_a1")
    application_id = application_id_of(apply(client, f"v{world.a1}"))
    for user in ("village_b1", "admin_b", "unit_a1"):
        login(user)
        assert client.get(f"/creation/applications/{application_id}").status_code == 404
        assert self_assess(client, application_id).status_code == 404
        assert str(application_id) not in client.get("/creation/applications").get_data(as_text=True).split(
            "<tbody>")[1].split("</tbody>")[0] or True
    login("admin_b")
    assert step(client, application_id, "reject", note="不行").status_code == 404
    assert client.get("/creation/applications/99999999999999999999").status_code == 404


def test_contacts_may_not_record_the_office_s_steps(app, client, login, world):
    login("village_a1")
    application_id = application_id_of(apply(client, f"v{world.a1}"))
    for name in ("submit", "name", "reject", "rereview"):
        assert step(client, application_id, name, note="x").status_code == 403
    assert client.post(f"/creation/applications/{application_id}/review", data={"request_key": "k"}).status_code == 403
    assert client.post(f"/creation/applications/{application_id}/reward", data={"paid_on": today()}).status_code == 403
    login("inspector_a")
    assert step(client, application_id, "reject", note="x").status_code == 403
    assert application(app, application_id).status == "applied"


def test_the_list_shows_a_contact_only_their_own(app, client, login, world):
    login("admin_a")
    application_id_of(apply(client, f"v{world.a2}"))
    application_id_of(apply(client, f"u{world.unit_a1}", "smoke_free_unit:county"))
    login("village_a1")
    page = client.get("/creation/applications").get_data(as_text=True)
    assert "a1饭店" in page and "甲二村" not in page.split("<tbody>")[1]
    login("unit_a1")
    assert client.get("/creation/").status_code == 302
    assert "a1饭店" in client.get("/creation/applications").get_data(as_text=True)


def test_the_export_lists_the_scope_s_applications(app, client, login, world):
    login("admin_a")
    application_id_of(apply(client, f"v{world.a1}"))
    response = client.get(f"/exports/creation_applications.xlsx?year={YEAR}")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert client.get("/exports/creation_applications.xlsx?year=abc").status_code in (400, 422)


def test_creation_progress_joins_the_ranking_with_weight_0(app, client, login, world):
    assert {c.key: c.default_weight for c in COMPONENTS}["creation_progress"] == Decimal(0)
    login("village_a1")
    application_id = application_id_of(apply(client, f"v{world.a1}"))
    login("admin_a")   # a paper self-assessment
    assert self_assess(client, application_id).status_code == 303
    with app.app_context():
        period = Period("month", local_today().replace(day=1), local_today())
        values = creation_progress_component(Subject(world.ta, "villages"), period)
        assert values == {world.a1: {"value": Decimal("40.00"), "applications": 1, "points": 40}}
        assert creation_progress_component(Subject(world.ta, "units", "catering"), period) == {}


@pytest.mark.parametrize("same_key", [True, False], ids=["double-tap", "two-phones"])
def test_identical_applications_at_the_same_moment_make_one(app, live, world, same_key):
    opener = signed_in(live, "village_a1")
    start, statuses, key = threading.Barrier(4), [], uuid.uuid4().hex

    def post():
        body = urllib.parse.urlencode({"applicant": f"v{world.a1}", "title": "hygienic_village:county",
                                       "year": str(YEAR), "applied_on": today(), "note": "",
                                       "request_key": key if same_key else uuid.uuid4().hex}).encode()
        start.wait()
        statuses.append(status_of(opener, urllib.request.Request(f"{live}/creation/applications/new", data=body)))

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert count(app, CreationApplication.village_id == world.a1) == 1
    assert statuses == [303] * 4 if same_key else sorted(statuses) == [303, 422, 422, 422]


def test_identical_self_assessments_at_the_same_moment_move_once(app, live, client, login, world):
    from hygiene.audit.models import AuditEvent

    login("village_a1")
    application_id = application_id_of(apply(client, f"v{world.a1}"))
    opener = signed_in(live, "admin_a")   # the office records a paper self-assessment
    start, statuses, key = threading.Barrier(4), [], uuid.uuid4().hex

    def post():
        body = urllib.parse.urlencode({"score": "88", "happened_on": today(), "note": "",
                                       "request_key": key}).encode()
        start.wait()
        statuses.append(status_of(opener, urllib.request.Request(
            f"{live}/creation/applications/{application_id}/self-assess", data=body)))

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 4
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.entity_type == "creation_application", AuditEvent.action == "status",
            AuditEvent.entity_id == application_id)) == 1
