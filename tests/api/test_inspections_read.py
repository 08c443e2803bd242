"""Plans, the schedule, one inspection, its photos' bytes and its checklist version through the
API: what the pages show each reader, no more (another village or township: 404; a contact sees
the results once published; flags and originals for the office)."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role, User
from hygiene.checklists.services import template_save
from hygiene.extensions import db
from hygiene.inspections.models import Inspection, InspectionPlan
from hygiene.inspections.review import inspection_publish
from hygiene.media.models import Photo
from tests.api.helpers import bearer, token_for
from tests.inspections.conftest import inspection  # noqa: F401  (fixture)
from tests.inspections.helpers import simple_spec
from tests.rectifications.conftest import ISSUED, submit


@pytest.fixture
def submitted(app, world, inspection):  # noqa: F811
    """The inspection of unit a1, answered (floor failed with a photo) and submitted."""
    with app.app_context():
        submit(inspection)
        db.session.commit()
    return inspection


@pytest.fixture
def plan_b(app, world):
    """A plan and an inspection of township B (乙镇)."""
    with app.app_context():
        version = template_save(scope=Scope(Role.ADMIN, township_id=world.tb), actor_id=None,
                                spec=simple_spec(code="b-sheet", name="乙表"))
        plan = InspectionPlan(township_id=world.tb, name="乙镇计划", template_id=version.template_id,
                              target_mode="all", recurrence="once", start_date=date(2026, 11, 1))
        db.session.add(plan)
        db.session.flush()
        row = Inspection(version_id=version.id, township_id=world.tb, village_id=world.b1, plan_id=plan.id,
                         target_kind="unit", target_id=world.unit_b1, unit_id=world.unit_b1,
                         target_label="乙一村 · b1饭店", planned_date=date(2026, 11, 24), due_date=date(2026, 11, 30))
        db.session.add(row)
        db.session.commit()
        return {"plan": plan.id, "inspection": row.id, "version": version.id}


def publish(app, world, inspection_id):
    with app.app_context():
        admin = db.session.get(User, world.user_admin_a)
        inspection_publish(scope=Scope.of(admin), actor_id=admin.id, now=ISSUED,
                           inspection=db.session.get(Inspection, inspection_id), flag_reason="checked")
        db.session.commit()


def get(client, app, user_id, url, **query):
    answer = client.get(f"/api/v1{url}", headers=bearer(token_for(app, user_id)), query_string=query)
    answer.get_data()
    answer.close()  # a photo's file is streamed
    return answer


def test_plans_are_the_township_s_and_the_office_s_only(app, client, world, plan_b):
    with app.app_context():
        version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, spec=simple_spec())
        plan = InspectionPlan(township_id=world.ta, name="月度检查", template_id=version.template_id,
                              target_mode="list", target_ids=[world.unit_a1], recurrence="monthly",
                              start_date=date(2026, 11, 1), days_allowed=5)
        plan.inspectors = [db.session.get(User, world.user_inspector_a)]
        db.session.add(plan)
        db.session.commit()
        plan_id, version_id = plan.id, version.id
    answer = get(client, app, world.user_inspector_a, "/plans")
    assert answer.status_code == 200 and [p["name"] for p in answer.json["items"]] == ["月度检查"]
    detail = get(client, app, world.user_admin_a, f"/plans/{plan_id}").json
    assert detail["target_mode"] == "list" and detail["target_ids"] == [world.unit_a1]
    assert detail["recurrence"] == "monthly" and detail["days_allowed"] == 5
    assert detail["inspectors"] == [{"id": world.user_inspector_a, "display_name": "inspector_a"}]
    assert detail["current_version_id"] == version_id and detail["applies_to"] == "unit"
    assert get(client, app, world.user_admin_a, f"/plans/{plan_b['plan']}").status_code == 404
    refused = get(client, app, world.user_village_a1, "/plans")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    assert get(client, app, world.user_unit_a1, f"/plans/{plan_id}").status_code == 403
    assert {p["name"] for p in get(client, app, world.user_county, "/plans").json["items"]} == {"月度检查", "乙镇计划"}


def test_the_schedule_filters_by_planned_date_village_unit_status_and_assignment(
        app, client, world, inspection, plan_b):  # noqa: F811
    def ids(user_id, **query):
        answer = get(client, app, user_id, "/inspections", **query)
        assert answer.status_code == 200, answer.json
        return [row["id"] for row in answer.json["items"]]

    assert ids(world.user_admin_a) == [inspection.id]
    assert ids(world.user_admin_a, date_from="2026-11-23", date_to="2026-11-23") == [inspection.id]
    assert ids(world.user_admin_a, date_from="2026-11-24") == []
    assert ids(world.user_admin_a, village_id=world.a2) == []
    assert ids(world.user_admin_a, unit_id=world.unit_a1) == [inspection.id]
    assert ids(world.user_admin_a, status="planned") == [inspection.id]
    assert ids(world.user_admin_a, status="published") == []
    assert ids(world.user_inspector_a, mine="true") == [inspection.id]
    assert ids(world.user_admin_a, mine="true") == []
    assert sorted(ids(world.user_county)) == sorted([inspection.id, plan_b["inspection"]])
    assert ids(world.user_village_b1) == [plan_b["inspection"]]
    row = get(client, app, world.user_admin_a, "/inspections").json["items"][0]
    assert row["target"] == {"kind": "unit", "id": world.unit_a1, "label": "甲一村 · a1饭店"}
    assert row["status"] == "planned" and row["planned_date"] == "2026-11-23" and row["due_date"] == "2026-11-30"
    assert row["inspector_ids"] == [world.user_inspector_a]


def test_bad_filters_are_422_with_each_field_named(app, client, world):
    answer = get(client, app, world.user_admin_a, "/inspections", status="lost", date_from="2026-13-01",
                 unit_id="x", mine="perhaps")
    assert answer.status_code == 422
    assert set(answer.json["error"]["fields"]) == {"status", "date_from", "unit_id", "mine"}
    assert get(client, app, world.user_admin_a, "/orders", status="all").status_code == 422


def test_the_office_sees_answers_photos_and_flags_at_every_stage(app, client, world, submitted):
    detail = get(client, app, world.user_inspector_a, f"/inspections/{submitted.id}").json
    assert detail["status"] == "submitted" and detail["results_shown"] is True
    assert detail["score"] is not None and detail["passed"] is not None
    floor = next(a for a in detail["answers"] if a["item_id"] == submitted.floor)
    assert floor["result"] == "fail" and floor["earned"] == "0.00"
    assert [a["item_id"] for a in detail["answers"]] == sorted(
        [submitted.floor, submitted.refuse, submitted.veto, submitted.records])
    photo, = detail["photos"]
    assert photo["item_id"] == submitted.floor and photo["flags"] == [] and photo["width"] == 64
    assert photo["urls"]["display"] == f"/api/v1/photos/{photo['id']}?size=display"
    assert photo["urls"]["original"] is None  # an inspector: no original (GPS)
    admin = get(client, app, world.user_admin_a, f"/inspections/{submitted.id}").json
    assert admin["photos"][0]["urls"]["original"] == f"/api/v1/photos/{photo['id']}?size=original"


def test_a_contact_sees_the_results_only_once_published_and_never_flags(app, client, world, submitted):
    before = get(client, app, world.user_village_a1, f"/inspections/{submitted.id}").json
    assert before["results_shown"] is False
    assert before["score"] is None and before["passed"] is None and before["grade"] is None
    assert before["answers"] == [] and before["photos"] == []
    listed = get(client, app, world.user_unit_a1, "/inspections").json["items"][0]
    assert listed["results_shown"] is False and listed["score"] is None
    publish(app, world, submitted.id)
    after = get(client, app, world.user_unit_a1, f"/inspections/{submitted.id}").json
    assert after["results_shown"] is True and after["score"] is not None and len(after["answers"]) == 4
    assert after["photos"][0]["flags"] is None and after["photos"][0]["urls"]["original"] is None


def test_another_village_or_township_is_not_found(app, client, world, inspection, plan_b):  # noqa: F811
    assert get(client, app, world.user_village_b1, f"/inspections/{inspection.id}").status_code == 404
    assert get(client, app, world.user_admin_a, f"/inspections/{plan_b['inspection']}").status_code == 404
    with app.app_context():
        user = User(username="village_a2", display_name="a2", role="village_contact", village_id=world.a2,
                    township_id=world.ta)
        user.set_password("pw-12345678")
        db.session.add(user)
        db.session.commit()
        a2 = user.id
    answer = get(client, app, a2, f"/inspections/{inspection.id}")
    assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"
    assert get(client, app, a2, "/inspections").json["items"] == []


def test_photo_bytes_go_to_those_who_may_see_them(app, client, world, submitted):
    with app.app_context():  # a photo of an item that passed: no order shows it
        photo_id = db.session.scalar(sa.select(Photo.id))
        db.session.get(Photo, photo_id).item_id = submitted.records
        db.session.commit()
    answer = get(client, app, world.user_admin_a, f"/photos/{photo_id}")
    assert answer.status_code == 200 and answer.mimetype == "image/jpeg" and answer.data[:2] == b"\xff\xd8"
    assert "immutable" in answer.headers["Cache-Control"] and "Set-Cookie" not in answer.headers
    assert get(client, app, world.user_admin_a, f"/photos/{photo_id}", size="thumb").status_code == 200
    assert get(client, app, world.user_admin_a, f"/photos/{photo_id}", size="original").status_code == 200
    assert get(client, app, world.user_inspector_a, f"/photos/{photo_id}", size="original").status_code == 404
    assert get(client, app, world.user_village_a1, f"/photos/{photo_id}").status_code == 404  # not published
    assert get(client, app, world.user_admin_b, f"/photos/{photo_id}").status_code == 404
    assert get(client, app, world.user_admin_a, f"/photos/{photo_id}", size="huge").status_code == 422
    assert client.get(f"/api/v1/photos/{photo_id}").status_code == 401  # no token
    publish(app, world, submitted.id)
    assert get(client, app, world.user_village_a1, f"/photos/{photo_id}").status_code == 200
    assert get(client, app, world.user_village_a1, f"/photos/{photo_id}", size="original").status_code == 404
    assert get(client, app, world.user_village_b1, f"/photos/{photo_id}").status_code == 404


def test_photo_bytes_leave_through_nginx_when_deployed_so(app, client, world, submitted):
    with app.app_context():
        photo_id = db.session.scalar(sa.select(Photo.id))
    app.config["PHOTO_ACCEL_PREFIX"] = "/_photos/"
    try:
        answer = get(client, app, world.user_admin_a, f"/photos/{photo_id}", size="thumb")
    finally:
        app.config["PHOTO_ACCEL_PREFIX"] = ""
    assert answer.status_code == 200 and answer.data == b""
    assert answer.headers["X-Accel-Redirect"].startswith("/_photos/")


def test_the_checklist_version_gives_the_whole_sheet(app, client, world, inspection, plan_b):  # noqa: F811
    with app.app_context():
        version_id = db.session.get(Inspection, inspection.id).version_id
    sheet = get(client, app, world.user_inspector_a, f"/checklist-versions/{version_id}").json
    assert sheet["name"] == "测试表" and sheet["applies_to"] == "unit" and sheet["pass_mark"] == "60.00"
    assert [s["title"] for s in sheet["sections"]] == ["环境", "食品安全"]
    floor, refuse = sheet["sections"][0]["items"]
    assert floor["id"] == inspection.floor and floor["points"] == "40.00" and floor["photo_on_fail"] is True
    assert refuse["scoring"] == "deduction" and refuse["deduction_step"] == "5.00"
    assert sheet["sections"][1]["items"][0]["veto"] is True
    assert sheet["bands"][0] == {"label": "优秀", "min": "90"}
    # a contact reads the sheet of its own inspection, not another township's
    assert get(client, app, world.user_unit_a1, f"/checklist-versions/{version_id}").status_code == 200
    assert get(client, app, world.user_village_b1, f"/checklist-versions/{version_id}").status_code == 404
    assert get(client, app, world.user_admin_a, f"/checklist-versions/{plan_b['version']}").status_code == 404
    assert get(client, app, world.user_admin_b, f"/checklist-versions/{plan_b['version']}").status_code == 200


def test_the_lists_run_the_same_queries_for_3_rows_as_for_12(app, client, world, inspection, count_queries):  # noqa: F811
    """No query per row: the schedule, the orders and the plans read a page in a fixed number."""
    from hygiene.rectifications.models import OrderItem, RectificationOrder

    headers = bearer(token_for(app, world.user_admin_a))

    def add(n):
        with app.app_context():
            first = db.session.get(Inspection, inspection.id)
            inspector = db.session.get(User, world.user_inspector_a)
            for _ in range(n):
                row = Inspection(version_id=first.version_id, township_id=world.ta, village_id=world.a1,
                                 target_kind="unit", target_id=world.unit_a1, unit_id=world.unit_a1,
                                 target_label="甲一村 · a1饭店", planned_date=date(2026, 11, 25),
                                 due_date=date(2026, 11, 30), inspectors=[inspector])
                db.session.add(row)
                db.session.flush()
                order = RectificationOrder(
                    township_id=world.ta, village_id=world.a1, unit_id=world.unit_a1, target_kind="unit",
                    target_id=world.unit_a1, target_label="甲一村 · a1饭店", inspection_id=row.id, year=2026,
                    number=row.id, token=f"tok{row.id:09d}", issued_on=date(2026, 11, 25), deadline=date(2026, 12, 7))
                db.session.add(order)
                db.session.flush()
                db.session.add(OrderItem(order_id=order.id, item_id=inspection.floor, text="地面", points_lost=40,
                                         severity="normal"))
                plan = InspectionPlan(township_id=world.ta, name=f"计划{row.id}", template_id=first.version.template_id,
                                      target_mode="all", recurrence="once", start_date=date(2026, 11, 1),
                                      inspectors=[inspector])
                db.session.add(plan)
            db.session.commit()

    def counted() -> list[int]:
        found = []
        for url in ("/api/v1/inspections", "/api/v1/orders", "/api/v1/plans"):
            with count_queries() as queries:
                assert client.get(url, headers=headers).status_code == 200
            found.append(queries[0])
        return found

    add(2)
    counted()  # the token's first use is written down once
    few = counted()
    add(9)
    assert counted() == few
    assert len(client.get("/api/v1/inspections", headers=headers).json["items"]) == 12


def test_the_sheet_names_the_code_the_office_asks_for_an_inspection_with(app, client, world, inspection):  # noqa: F811
    import uuid

    with app.app_context():
        version_id = db.session.get(Inspection, inspection.id).version_id
    code = get(client, app, world.user_admin_a, f"/checklist-versions/{version_id}").json["template_code"]
    headers = bearer(token_for(app, world.user_admin_a))
    asked = client.post("/api/v1/inspections", headers=headers, json={
        "client_id": str(uuid.uuid4()), "target_kind": "unit", "target_id": world.unit_a1,
        "template_code": code, "planned_date": date.today().isoformat()})
    assert asked.status_code == 201, asked.json
