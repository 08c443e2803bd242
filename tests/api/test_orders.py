"""Rectification orders through the API: the list and one order as the pages show them, and the
recipient's report of the fix, a photo per request (once per client id, twin requests included)
then the report (once per key), refused where the order page refuses, with its message."""
from __future__ import annotations

import threading
import urllib.error
import urllib.request
import uuid

import pytest
import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.rectifications.models import RectificationOrder
from hygiene.rectifications.status import OrderStatus
from tests.api.helpers import bearer, token_for
from tests.inspections.conftest import inspection, jpeg  # noqa: F401  (fixture)
from tests.rectifications.conftest import order  # noqa: F401  (fixture)
from tests.rectifications.test_evidence_once import multipart


def api(client, app, user_id, method, url, **kwargs):
    answer = client.open(f"/api/v1{url}", method=method, headers=bearer(token_for(app, user_id)), **kwargs)
    answer.get_data()
    answer.close()
    return answer


def upload(client, app, user_id, order_id, client_id, data=None, name="fix.jpg"):
    return api(client, app, user_id, "POST", f"/orders/{order_id}/evidence", content_type="multipart/form-data",
               data={"client_id": client_id, "photo": (__import__("io").BytesIO(data or jpeg(pattern=3)), name)})


def report(client, app, user_id, order_id, key, note=""):
    return api(client, app, user_id, "POST", f"/orders/{order_id}/evidence/submit", json={"note": note, "key": key})


def written(app, order_id) -> tuple[int, int]:
    """(evidence photos of the order, evidence audit entries)."""
    with app.app_context():
        photos = db.session.scalar(sa.select(sa.func.count()).select_from(Photo).where(
            Photo.order_id == order_id, Photo.purpose == "evidence"))
        audits = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "evidence"))
        return photos, audits


def test_the_list_filters_by_issue_date_status_village_and_unit(app, client, world, order):  # noqa: F811
    def ids(user_id, **query):
        answer = api(client, app, user_id, "GET", "/orders", query_string=query)
        assert answer.status_code == 200, answer.json
        return [row["id"] for row in answer.json["items"]]

    assert ids(world.user_admin_a) == [order.id]
    assert ids(world.user_admin_a, date_from="2026-11-23", date_to="2026-11-23") == [order.id]
    assert ids(world.user_admin_a, date_to="2026-11-22") == []
    assert ids(world.user_admin_a, status="open") == ids(world.user_admin_a, status="issued") == [order.id]
    assert ids(world.user_admin_a, status="closed") == []
    assert ids(world.user_admin_a, village_id=world.a2) == [] and ids(world.user_admin_a, unit_id=world.unit_a1) == [order.id]
    assert ids(world.user_village_a1) == ids(world.user_unit_a1) == [order.id]
    assert ids(world.user_village_b1) == [] and ids(world.user_admin_b) == []
    row = api(client, app, world.user_unit_a1, "GET", "/orders").json["items"][0]
    assert row["status"] == "issued" and row["issued_on"] == "2026-11-23" and row["display_number"].startswith("〔2026〕")
    assert [(i["item_id"], i["points_lost"]) for i in row["items"]] == [
        (order.inspection.floor, "40.00"), (order.inspection.refuse, "10.00")]


def test_one_order_names_its_items_deadline_people_and_photos(app, client, world, order):  # noqa: F811
    detail = api(client, app, world.user_village_a1, "GET", f"/orders/{order.id}").json
    assert detail["deadline"] > detail["issued_on"] and detail["status"] == "issued"
    assert detail["responsible"] == [{"id": world.user_unit_a1, "display_name": "unit_a1"}]
    assert detail["evidence"] == {"note": "", "at": None, "by_id": None, "photos": []}
    assert detail["reinspection"]["at"] is None and detail["reinspection"]["follow_up_id"] is None
    photo, = detail["item_photos"]  # the inspection's photo of the failed floor
    assert photo["item_id"] == order.inspection.floor and photo["flags"] is None
    assert api(client, app, world.user_village_b1, "GET", f"/orders/{order.id}").status_code == 404
    assert api(client, app, world.user_admin_b, "GET", f"/orders/{order.id}").status_code == 404
    assert api(client, app, world.user_admin_a, "GET", f"/orders/{order.id}").json["item_photos"][0]["flags"] == []


def test_a_photo_sent_twice_with_one_client_id_is_kept_once(app, client, world, order):  # noqa: F811
    client_id = str(uuid.uuid4())
    first = upload(client, app, world.user_unit_a1, order.id, client_id)
    assert first.status_code == 201 and first.json["purpose"] == "evidence"
    again = upload(client, app, world.user_unit_a1, order.id, client_id)
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert written(app, order.id) == (1, 0)
    # the same id from another user, or for another order: refused, never shown
    taken = upload(client, app, world.user_admin_a, order.id, client_id)
    assert taken.status_code == 409 and taken.json["error"]["code"] == "client_id_taken"
    assert written(app, order.id) == (1, 0)


def test_a_report_counts_the_photos_added_before_it_once(app, client, world, order):  # noqa: F811
    refused = report(client, app, world.user_unit_a1, order.id, "k" * 16)
    assert refused.status_code == 422
    assert refused.json["error"]["message"] == {"en": "Describe what was done or add a photo of the result.",
                                                "zh_CN": refused.json["error"]["message"]["zh_CN"]}
    assert refused.json["error"]["message"]["zh_CN"] != refused.json["error"]["message"]["en"]
    assert "note" in refused.json["error"]["fields"]
    upload(client, app, world.user_unit_a1, order.id, str(uuid.uuid4()))
    key = str(uuid.uuid4())
    done = report(client, app, world.user_unit_a1, order.id, key)
    assert done.status_code == 200 and done.json["status"] == "evidence_submitted"
    assert len(done.json["evidence"]["photos"]) == 1 and done.json["evidence"]["by_id"] == world.user_unit_a1
    assert report(client, app, world.user_unit_a1, order.id, key).json == done.json  # a resend
    assert written(app, order.id) == (1, 1)
    with app.app_context():
        assert db.session.scalar(sa.select(AuditEvent.after).where(AuditEvent.action == "evidence"))["photos"] == 1
    # a second report needs something new again
    assert report(client, app, world.user_unit_a1, order.id, str(uuid.uuid4())).status_code == 422
    assert report(client, app, world.user_unit_a1, order.id, str(uuid.uuid4()), note="又清扫了一次").status_code == 200


def test_what_the_order_page_refuses_the_api_refuses(app, client, world, order):  # noqa: F811
    bad = upload(client, app, world.user_unit_a1, order.id, str(uuid.uuid4()), data=b"not a photo", name="x.jpg")
    assert bad.status_code == 422 and bad.json["error"]["message"]["zh_CN"] != bad.json["error"]["message"]["en"]
    inspector = upload(client, app, world.user_inspector_a, order.id, str(uuid.uuid4()))
    assert inspector.status_code == 403
    assert inspector.json["error"]["message"]["en"] == "Only the recipient of the order does this."
    assert report(client, app, world.user_inspector_a, order.id, str(uuid.uuid4()), note="x").status_code == 403
    assert upload(client, app, world.user_village_b1, order.id, str(uuid.uuid4())).status_code == 404
    with app.app_context():
        db.session.get(RectificationOrder, order.id).status = OrderStatus.CLOSED
        db.session.commit()
    closed = upload(client, app, world.user_unit_a1, order.id, str(uuid.uuid4()))
    assert closed.status_code == 422 and closed.json["error"]["message"]["en"] == "This order is already closed."
    assert report(client, app, world.user_unit_a1, order.id, str(uuid.uuid4()), note="x").status_code == 422
    assert written(app, order.id) == (0, 0)


def test_bad_input_is_422_with_each_field_named(app, client, world, order):  # noqa: F811
    missing = api(client, app, world.user_unit_a1, "POST", f"/orders/{order.id}/evidence",
                  content_type="multipart/form-data", data={"client_id": "short"})
    assert missing.status_code == 422 and set(missing.json["error"]["fields"]) == {"photo", "client_id"}
    body = api(client, app, world.user_unit_a1, "POST", f"/orders/{order.id}/evidence/submit",
               json={"note": "x" * 2001, "key": "k" * 16, "extra": 1})
    assert body.status_code == 422 and set(body.json["error"]["fields"]) == {"note", "extra"}
    assert api(client, app, world.user_unit_a1, "POST", f"/orders/{order.id}/evidence/submit",
               data="note=x").status_code == 415
    assert written(app, order.id) == (0, 0)


def _post_at_once(requests: list[urllib.request.Request]) -> list[int]:
    start, statuses = threading.Barrier(len(requests)), []

    def post(request):
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                statuses.append(answer.status)
        except urllib.error.HTTPError as answer:
            statuses.append(answer.code)

    workers = [threading.Thread(target=post, args=(r,)) for r in requests]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    return statuses


@pytest.mark.parametrize("times", [4])
def test_twin_uploads_and_reports_at_the_same_moment_count_once(app, live, world, order, times):  # noqa: F811
    headers = bearer(token_for(app, world.user_unit_a1))
    body, content_type = multipart({"client_id": str(uuid.uuid4())}, [("photo", "fix.jpg", jpeg(pattern=4))])
    statuses = _post_at_once([urllib.request.Request(
        f"{live}/api/v1/orders/{order.id}/evidence", data=body, headers={**headers, "Content-Type": content_type})
        for _ in range(times)])
    assert sorted(statuses) == [200] * (times - 1) + [201]
    assert written(app, order.id) == (1, 0)
    report_body = f'{{"note": "已整改", "key": "{uuid.uuid4()}"}}'.encode()
    statuses = _post_at_once([urllib.request.Request(
        f"{live}/api/v1/orders/{order.id}/evidence/submit", data=report_body,
        headers={**headers, "Content-Type": "application/json"}) for _ in range(times)])
    assert statuses == [200] * times
    assert written(app, order.id) == (1, 1)
