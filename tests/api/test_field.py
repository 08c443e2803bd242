"""The offline field app's operations (docs/field-contract.md) on both databases: the bundle of
the inspector's open work, answers all or nothing with conflicts told, photos and submissions
made once by the phone's ids, the office's ad hoc request."""
from __future__ import annotations

import io
import json
import threading
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from PIL import Image

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role, User
from hygiene.checklists.services import template_save
from hygiene.clock import local_today, now_utc
from hygiene.extensions import db
from hygiene.inspections import fieldwork
from hygiene.inspections.models import Answer, Inspection
from hygiene.media.models import Photo
from tests.api.helpers import bearer, token_for
from tests.inspections.helpers import simple_spec

TODAY = local_today()


def _inspection(world, version_id, *, inspectors, township="ta", village="a1", unit="unit_a1",
                planned=TODAY, status="planned") -> int:
    target = Inspection(version_id=version_id, township_id=getattr(world, township),
                        village_id=getattr(world, village), target_kind="unit", target_id=getattr(world, unit),
                        unit_id=getattr(world, unit), target_label=f"{village}饭店", planned_date=planned,
                        due_date=planned + timedelta(days=7), status=status)
    target.inspectors = [db.session.get(User, getattr(world, f"user_{name}")) for name in inspectors]
    db.session.add(target)
    db.session.commit()
    return target.id


@pytest.fixture
def sheet(app, world):
    """An open inspection of unit a1 for inspector_a with the simple sheet (ids of it and its items)."""
    with app.app_context():
        version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, spec=simple_spec())
        floor, refuse, veto, records = (item.id for item in version.items)
        mine = _inspection(world, version.id, inspectors=["inspector_a"])
        return SimpleNamespace(id=mine, version=version.id, floor=floor, refuse=refuse, veto=veto, records=records)


@pytest.fixture
def phone(app, client, world):
    """The inspector's field app: their token's headers."""
    return bearer(token_for(app, world.user_inspector_a, purpose="offline", name="phone"))


def jpeg(colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def status_of(app, inspection_id) -> str:
    with app.app_context():
        return db.session.get(Inspection, inspection_id).status


# --- the bundle ------------------------------------------------------------------------------

def test_the_bundle_holds_exactly_my_open_assigned_inspections_with_sheets_and_answers(app, client, world, sheet,
                                                                                       phone):
    with app.app_context():
        others = _inspection(world, sheet.version, inspectors=["admin_a"])
        cancelled = _inspection(world, sheet.version, inspectors=["inspector_a"], status="cancelled")
        far = _inspection(world, sheet.version, inspectors=["inspector_a"], planned=TODAY + timedelta(days=30))
        elsewhere = _inspection(world, sheet.version, inspectors=["inspector_a"], township="tb", village="b1",
                                unit="unit_b1")
        submitted = _inspection(world, sheet.version, inspectors=["inspector_a"], status="submitted")
        inspection = db.session.get(Inspection, sheet.id)
        fieldwork.answer_write(inspection=inspection, item_id=sheet.refuse, result="fail", findings=2, note="堆放")
        db.session.commit()
    answer = client.get("/api/v1/field/assignments", headers=phone)
    assert answer.status_code == 200
    bundle = answer.get_json()
    assert [i["id"] for i in bundle["inspections"]] == [sheet.id]
    assert {others, cancelled, far, elsewhere, submitted}.isdisjoint(i["id"] for i in bundle["inspections"])
    got = bundle["inspections"][0]
    assert got["status"] == "planned" and got["target_kind"] == "unit" and got["target_id"] == world.unit_a1
    items = [item for section in got["checklist"]["sections"] for item in section["items"]]
    assert [item["id"] for item in items] == [sheet.floor, sheet.refuse, sheet.veto, sheet.records]
    assert items[0]["points"] == "40" and items[1]["scoring"] == "deduction" and items[1]["deduction_step"] == "5"
    assert items[2]["veto"] is True and got["checklist"]["pass_mark"] == "60"
    assert got["answers"] == [{"item_id": sheet.refuse, "result": "fail", "findings": 2, "grade": None,
                               "note": "堆放", "updated_at": got["answers"][0]["updated_at"]}]
    assert got["etag"] and bundle["server_time"].endswith("Z")


def test_the_etag_changes_when_the_office_moves_the_due_date_not_when_i_answer(app, client, world, sheet, phone):
    before = client.get("/api/v1/field/assignments", headers=phone).get_json()["inspections"][0]["etag"]
    assert put_answers(client, phone, sheet.id, answer(sheet.floor)).status_code == 200
    started = client.get("/api/v1/field/assignments", headers=phone).get_json()["inspections"][0]
    assert started["status"] == "in_progress" and started["etag"] == before
    with app.app_context():
        db.session.get(Inspection, sheet.id).due_date = TODAY + timedelta(days=2)
        db.session.commit()
    after = client.get("/api/v1/field/assignments", headers=phone).get_json()["inspections"][0]["etag"]
    assert before != after


def test_a_village_contact_gets_no_inspections_to_fill(app, client, world, sheet):
    answer = client.get("/api/v1/field/assignments", headers=bearer(token_for(app, world.user_village_a1)))
    assert answer.status_code == 200 and answer.get_json()["inspections"] == []


# --- answers -----------------------------------------------------------------------------------

def put_answers(client, headers, inspection_id, *answers):
    return client.put(f"/api/v1/inspections/{inspection_id}/answers", json={"answers": list(answers)},
                      headers=headers)


def answer(item_id, result="pass", **more):
    return {"item_id": item_id, "result": result, **more}


def stored(app, inspection_id) -> dict[int, tuple]:
    with app.app_context():
        return {a.item_id: (a.result, a.findings, a.note) for a in db.session.scalars(
            sa.select(Answer).where(Answer.inspection_id == inspection_id))}


def test_answers_are_saved_together_and_scored(app, client, sheet, phone):
    got = put_answers(client, phone, sheet.id, answer(sheet.floor), answer(sheet.refuse, "fail", findings=2, note="堆放"))
    assert got.status_code == 200, got.get_json()
    body = got.get_json()
    assert [(a["item_id"], a["result"], a["findings"]) for a in body["answers"]] == [
        (sheet.floor, "pass", 0), (sheet.refuse, "fail", 2)]
    assert body["score"]["answered"] == 2 and body["score"]["total"] == 4
    assert stored(app, sheet.id) == {sheet.floor: ("pass", 0, ""), sheet.refuse: ("fail", 2, "堆放")}
    assert status_of(app, sheet.id) == "in_progress"


def test_a_bad_answer_among_good_ones_saves_none(app, client, world, sheet, phone):
    got = put_answers(client, phone, sheet.id, answer(sheet.floor), answer(sheet.veto, "na"),
                      answer(sheet.records, "pass", grade="25"))
    assert got.status_code == 422
    error = got.get_json()["error"]
    assert set(error["fields"]) == {str(sheet.veto), str(sheet.records)}
    assert error["fields"][str(sheet.veto)]["en"] == "A veto item must be checked: pass or fail."
    assert error["fields"][str(sheet.veto)]["zh_CN"] != error["fields"][str(sheet.veto)]["en"]
    assert stored(app, sheet.id) == {} and status_of(app, sheet.id) == "planned"
    assert put_answers(client, phone, sheet.id, answer(999999)).status_code == 422
    assert put_answers(client, phone, sheet.id, answer(sheet.floor, "maybe")).status_code == 422
    assert put_answers(client, phone, sheet.id, {"item_id": sheet.floor, "result": "pass", "x": 1}).status_code == 422
    assert stored(app, sheet.id) == {}


def _office_answers(app, world, sheet, result="fail", note="办公室改的"):
    """An answer saved by someone else (the township's admin), newer than anything the phone saw."""
    with app.app_context():
        inspection = db.session.get(Inspection, sheet.id)
        fieldwork.answer_save(scope=Scope(Role.ADMIN, township_id=world.ta), user=db.session.get(User, world.user_admin_a),
                              inspection=inspection, item_id=sheet.floor, result=result, note=note, now=now_utc())
        db.session.commit()


def test_a_newer_answer_of_someone_else_is_not_overwritten(app, client, world, sheet, phone):
    first = put_answers(client, phone, sheet.id, answer(sheet.floor, note="第一次")).get_json()["answers"][0]
    _office_answers(app, world, sheet)
    got = put_answers(client, phone, sheet.id, answer(sheet.floor, note="手机上的", base_updated_at=first["updated_at"]),
                      answer(sheet.refuse))
    assert got.status_code == 409
    body = got.get_json()
    assert body["error"]["code"] == "answer_conflict"
    assert body["error"]["message"]["zh_CN"] == "您上次载入后，有人修改了这些检查结果；请选择保留哪一份。"
    assert [(c["item_id"], c["server"]["result"], c["server"]["note"]) for c in body["conflicts"]] == [
        (sheet.floor, "fail", "办公室改的")]
    assert stored(app, sheet.id) == {sheet.floor: ("fail", 0, "办公室改的")}  # the other item neither
    # the inspector keeps theirs: resent with the server's updated_at as the base
    kept = put_answers(client, phone, sheet.id, answer(sheet.floor, note="手机上的",
                                                       base_updated_at=body["conflicts"][0]["server"]["updated_at"]))
    assert kept.status_code == 200
    assert stored(app, sheet.id) == {sheet.floor: ("pass", 0, "手机上的")}


def test_sending_exactly_what_the_server_holds_is_no_conflict(app, client, world, sheet, phone):
    _office_answers(app, world, sheet)
    again = put_answers(client, phone, sheet.id, answer(sheet.floor, "fail", note="办公室改的", base_updated_at=None))
    assert again.status_code == 200
    assert stored(app, sheet.id) == {sheet.floor: ("fail", 0, "办公室改的")}


def _cancel(app, world, inspection_id):
    from hygiene.inspections.review import inspection_cancel

    with app.app_context():
        inspection_cancel(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=world.user_admin_a,
                          inspection=db.session.get(Inspection, inspection_id), reason="重复", now=now_utc())
        db.session.commit()


def test_an_inspection_cancelled_meanwhile_takes_nothing(app, client, world, sheet, phone):
    _cancel(app, world, sheet.id)
    got = put_answers(client, phone, sheet.id, answer(sheet.floor))
    assert got.status_code == 409 and got.get_json()["error"]["code"] == "cancelled"
    photo = client.post(f"/api/v1/inspections/{sheet.id}/photos", headers=phone,
                        data={"photo": (io.BytesIO(jpeg()), "a.jpg"), "client_id": str(uuid.uuid4())})
    assert photo.status_code == 409 and photo.get_json()["error"]["code"] == "cancelled"
    submitted = client.post(f"/api/v1/inspections/{sheet.id}/submit", headers=phone,
                            json={"submission_key": str(uuid.uuid4())})
    assert submitted.status_code == 409 and submitted.get_json()["error"]["code"] == "cancelled"
    assert stored(app, sheet.id) == {} and count(app, Photo) == 0


def test_an_inspection_no_longer_mine_or_elsewhere_is_refused(app, client, world, sheet, phone):
    with app.app_context():
        db.session.get(Inspection, sheet.id).inspectors = [db.session.get(User, world.user_admin_a)]
        db.session.commit()
        elsewhere = _inspection(world, sheet.version, inspectors=["admin_b"], township="tb", village="b1",
                                unit="unit_b1")
    got = put_answers(client, phone, sheet.id, answer(sheet.floor))
    assert got.status_code == 403 and got.get_json()["error"]["code"] == "not_assigned"
    assert put_answers(client, phone, elsewhere, answer(sheet.floor)).status_code == 404
    contact = bearer(token_for(app, world.user_unit_a1))
    assert put_answers(client, contact, sheet.id, answer(sheet.floor)).status_code == 403
    assert stored(app, sheet.id) == {}


# --- photos ------------------------------------------------------------------------------------

def post_photo(client, headers, inspection_id, client_id, *, item_id=None, data=None):
    form = {"photo": (io.BytesIO(data or jpeg()), "IMG_0001.jpg"), "client_id": client_id}
    if item_id is not None:
        form["item_id"] = str(item_id)
    return client.post(f"/api/v1/inspections/{inspection_id}/photos", headers=headers, data=form)


def test_a_photo_sent_twice_with_one_client_id_is_kept_once(app, client, sheet, phone):
    client_id = str(uuid.uuid4())
    first = post_photo(client, phone, sheet.id, client_id, item_id=sheet.floor)
    assert first.status_code == 201, first.get_json()
    again = post_photo(client, phone, sheet.id, client_id, item_id=sheet.floor)
    assert again.status_code == 200 and again.get_json() == first.get_json()
    assert first.get_json()["client_id"] == client_id and first.get_json()["item_id"] == sheet.floor
    assert count(app, Photo) == 1
    assert post_photo(client, phone, sheet.id, str(uuid.uuid4()), data=jpeg((0, 0, 200))).status_code == 201
    assert count(app, Photo) == 2


def test_a_client_id_of_another_inspection_is_refused(app, client, world, sheet, phone):
    with app.app_context():
        other = _inspection(world, sheet.version, inspectors=["inspector_a"])
    client_id = str(uuid.uuid4())
    assert post_photo(client, phone, sheet.id, client_id).status_code == 201
    got = post_photo(client, phone, other, client_id, data=jpeg((0, 200, 0)))
    assert got.status_code == 409 and got.get_json()["error"]["code"] == "client_id_taken"
    assert count(app, Photo) == 1


def test_a_file_that_is_no_photo_is_422_and_nothing_is_kept(app, client, sheet, phone):
    got = post_photo(client, phone, sheet.id, str(uuid.uuid4()), data=b"not a photo at all")
    assert got.status_code == 422 and got.get_json()["error"]["message"]["zh_CN"]
    assert post_photo(client, phone, sheet.id, "x").status_code == 422  # not a client id
    assert post_photo(client, phone, sheet.id, str(uuid.uuid4()), item_id=999999).status_code == 422
    assert count(app, Photo) == 0 and status_of(app, sheet.id) == "planned"


def fire_at_once(requests: list[urllib.request.Request]) -> list[int]:
    """The requests sent from as many threads released together; their statuses."""
    barrier, statuses = threading.Barrier(len(requests)), [0] * len(requests)

    def send(index: int, request: urllib.request.Request) -> None:
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                statuses[index] = response.status
        except urllib.error.HTTPError as error:
            statuses[index] = error.code

    threads = [threading.Thread(target=send, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return statuses


def multipart(fields: dict[str, str], photo: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\n'
                 f'Content-Type: image/jpeg\r\n\r\n'.encode() + photo + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


TWINS = 3


def test_twin_photo_requests_at_the_same_moment_keep_one_photo(app, live, sheet, phone):
    body, content_type = multipart({"client_id": str(uuid.uuid4()), "item_id": str(sheet.floor)}, jpeg())
    statuses = fire_at_once([urllib.request.Request(
        f"{live}/api/v1/inspections/{sheet.id}/photos", data=body, method="POST",
        headers={**phone, "Content-Type": content_type}) for _ in range(TWINS)])
    assert sorted(statuses) == [200] * (TWINS - 1) + [201]
    assert count(app, Photo) == 1


# --- submit ------------------------------------------------------------------------------------

def all_pass(sheet):
    return [answer(sheet.floor), answer(sheet.refuse), answer(sheet.veto), answer(sheet.records, grade="20")]


def submit(client, headers, inspection_id, key):
    return client.post(f"/api/v1/inspections/{inspection_id}/submit", headers=headers, json={"submission_key": key})


def submissions(app, inspection_id) -> int:
    from hygiene.audit.models import AuditEvent

    return count(app, AuditEvent, AuditEvent.entity_type == "inspection", AuditEvent.entity_id == inspection_id,
                 AuditEvent.action == "submit")


def test_a_submission_sent_twice_with_one_key_submits_once(app, client, sheet, phone):
    assert put_answers(client, phone, sheet.id, *all_pass(sheet)).status_code == 200
    key = str(uuid.uuid4())
    first = submit(client, phone, sheet.id, key)
    assert first.status_code == 200, first.get_json()
    assert first.get_json() == {"id": sheet.id, "status": "submitted", "score": "100", "grade": "优秀",
                                "passed": True}
    again = submit(client, phone, sheet.id, key)
    assert again.status_code == 200 and again.get_json() == first.get_json()
    assert submissions(app, sheet.id) == 1
    other = submit(client, phone, sheet.id, str(uuid.uuid4()))
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "not_open"
    assert put_answers(client, phone, sheet.id, answer(sheet.floor)).get_json()["error"]["code"] == "not_open"


def test_an_unready_inspection_is_422_with_each_item_s_problem(app, client, sheet, phone):
    put_answers(client, phone, sheet.id, answer(sheet.floor, "fail"))
    got = submit(client, phone, sheet.id, str(uuid.uuid4()))
    assert got.status_code == 422
    body = got.get_json()
    assert body["error"]["code"] == "not_ready"
    problems = {p["item_id"]: p["message"]["en"] for p in body["problems"]}
    assert problems == {sheet.floor: "This item failed: take a photo of it.", sheet.refuse: "Not checked yet.",
                        sheet.veto: "Not checked yet.", sheet.records: "Not checked yet."}
    assert all(p["message"]["zh_CN"] != p["message"]["en"] for p in body["problems"])
    assert status_of(app, sheet.id) == "in_progress" and submissions(app, sheet.id) == 0


def test_twin_submissions_at_the_same_moment_submit_once(app, client, live, sheet, phone):
    assert put_answers(client, phone, sheet.id, *all_pass(sheet)).status_code == 200
    body = json.dumps({"submission_key": str(uuid.uuid4())}).encode()
    statuses = fire_at_once([urllib.request.Request(
        f"{live}/api/v1/inspections/{sheet.id}/submit", data=body, method="POST",
        headers={**phone, "Content-Type": "application/json"}) for _ in range(TWINS)])
    assert statuses == [200] * TWINS
    assert submissions(app, sheet.id) == 1 and status_of(app, sheet.id) == "submitted"


# --- the office's ad hoc request -----------------------------------------------------------------

def adhoc(world, **changes):
    return {"client_id": str(uuid.uuid4()), "target_kind": "unit", "target_id": world.unit_a1,
            "template_code": "test-sheet", "planned_date": TODAY.isoformat(),
            "inspector_ids": [world.user_inspector_a]} | changes


def test_the_office_asks_for_an_inspection_once_by_its_client_id(app, client, world, sheet):
    office = bearer(token_for(app, world.user_admin_a))
    data = adhoc(world)
    first = client.post("/api/v1/inspections", json=data, headers=office)
    assert first.status_code == 201, first.get_json()
    made = first.get_json()
    assert made["client_id"] == data["client_id"] and made["inspector_ids"] == [world.user_inspector_a]
    assert made["due_date"] == (TODAY + timedelta(days=7)).isoformat() and made["status"] == "planned"
    again = client.post("/api/v1/inspections", json=data, headers=office)
    assert again.status_code == 200 and again.get_json() == made
    assert count(app, Inspection, Inspection.client_id == data["client_id"]) == 1
    other_target = client.post("/api/v1/inspections", json=data | {"target_id": world.unit_a2}, headers=office)
    assert other_target.status_code == 409 and other_target.get_json()["error"]["code"] == "client_id_taken"


def test_only_the_office_of_the_township_asks_for_an_inspection(app, client, world, sheet):
    before = count(app, Inspection)
    inspector = bearer(token_for(app, world.user_inspector_a))
    got = client.post("/api/v1/inspections", json=adhoc(world), headers=inspector)
    assert got.status_code == 403
    other_township = bearer(token_for(app, world.user_admin_b))
    assert client.post("/api/v1/inspections", json=adhoc(world), headers=other_township).status_code == 404
    office = bearer(token_for(app, world.user_admin_a))
    wrong = client.post("/api/v1/inspections", json=adhoc(world, template_code="nope"), headers=office)
    assert wrong.status_code == 404 and wrong.get_json()["error"]["message"]["en"] == "No checklist has this code."
    late = client.post("/api/v1/inspections", json=adhoc(world, due_date=(TODAY - timedelta(days=1)).isoformat()),
                       headers=office)
    assert late.status_code == 422
    assert count(app, Inspection) == before


def test_a_checklist_made_in_the_builder_without_a_code_is_asked_for_by_its_id(app, client, world, sheet):
    with app.app_context():
        built = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None,
                              spec=simple_spec(code="", name="自建检查表"))
        template_id, version_id = built.template_id, built.id
        theirs = template_save(scope=Scope(Role.ADMIN, township_id=world.tb), actor_id=None,
                               spec=simple_spec(code="", name="乙镇自建表")).template_id
        db.session.commit()
    office = bearer(token_for(app, world.user_admin_a))
    listed = client.get(f"/api/v1/checklist-versions/{version_id}", headers=office).get_json()
    assert listed["template_code"] is None and listed["template_id"] == template_id
    data = adhoc(world, template_code=None, template_id=template_id)
    made = client.post("/api/v1/inspections", json=data, headers=office)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["version_id"] == version_id
    assert client.post("/api/v1/inspections", json=data, headers=office).status_code == 200   # once by its client id
    before = count(app, Inspection)
    both = client.post("/api/v1/inspections", json=adhoc(world, template_id=template_id), headers=office)
    neither = client.post("/api/v1/inspections", json=adhoc(world, template_code=None), headers=office)
    for refused in (both, neither):
        assert refused.status_code == 422
        error = refused.get_json()["error"]
        assert error["fields"]["template_id"]["zh_CN"] == "请用检查表的编号或代码指明检查表，二者选其一。", error
    other = client.post("/api/v1/inspections", json=adhoc(world, template_code=None, template_id=theirs), headers=office)
    assert other.status_code == 404 and other.get_json()["error"]["message"]["en"] == "No checklist has this id."
    huge = client.post("/api/v1/inspections", json=adhoc(world, template_code=None, template_id=10**20), headers=office)
    assert huge.status_code == 422
    assert count(app, Inspection) == before


def test_twin_ad_hoc_requests_at_the_same_moment_make_one_inspection(app, live, world, sheet):
    office = bearer(token_for(app, world.user_admin_a))
    data = adhoc(world)
    statuses = fire_at_once([urllib.request.Request(
        f"{live}/api/v1/inspections", data=json.dumps(data).encode(), method="POST",
        headers={**office, "Content-Type": "application/json"}) for _ in range(TWINS)])
    assert sorted(statuses) == [200] * (TWINS - 1) + [201]
    assert count(app, Inspection, Inspection.client_id == data["client_id"]) == 1


def test_twin_answer_requests_at_the_same_moment_are_no_conflict(app, live, sheet, phone):
    body = json.dumps({"answers": [answer(sheet.floor, "fail", note="地面有积水"), answer(sheet.veto)]}).encode()
    statuses = fire_at_once([urllib.request.Request(
        f"{live}/api/v1/inspections/{sheet.id}/answers", data=body, method="PUT",
        headers={**phone, "Content-Type": "application/json"}) for _ in range(TWINS)])
    assert statuses == [200] * TWINS
    assert stored(app, sheet.id) == {sheet.floor: ("fail", 0, "地面有积水"), sheet.veto: ("pass", 0, "")}
