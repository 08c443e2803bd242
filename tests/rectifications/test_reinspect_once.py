"""A re-inspection counts once, and a post of photos is kept whole or not at all (evidence and
re-inspection alike): a double tap issues one follow-up order, a bad photo leaves no file."""
import os
import threading
import urllib.request  # noqa: E402  (after the helpers it goes with)
import uuid
from io import BytesIO

import sqlalchemy as sa
from flask import current_app

from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.rectifications.models import RectificationOrder
from tests.inspections.conftest import jpeg
from tests.rectifications.test_evidence_once import multipart, signed_in, status_of


def _files(app) -> set[str]:
    with app.app_context():
        root = current_app.config["UPLOAD_DIR"]
    return {os.path.join(folder, name) for folder, _dirs, names in os.walk(root) for name in names}


def _reported(client, login, order) -> None:
    login("village_a1")
    assert client.post(f"/orders/{order.id}/evidence", data={
        "note": "已清扫", "evidence_key": uuid.uuid4().hex}).status_code == 303


def _written(app, order_id):
    """(re-inspection audit entries, follow-up orders) of the order."""
    with app.app_context():
        audits = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "reinspect"))
        follow_ups = db.session.scalar(sa.select(sa.func.count()).select_from(RectificationOrder).where(
            RectificationOrder.parent_id == order_id))
        return audits, follow_ups


def test_a_failed_reinspection_sent_twice_issues_one_follow_up_order(app, client, login, order):
    _reported(client, login, order)
    login("inspector_a")
    answers = [client.post(f"/orders/{order.id}/reinspect", data={"result": "fail", "note": "仍有积水"},
                           follow_redirects=True) for _ in range(2)]
    assert _written(app, order.id) == (1, 1)
    with app.app_context():
        follow = db.session.scalar(sa.select(RectificationOrder).where(RectificationOrder.parent_id == order.id))
    # the repeat is told the same outcome, not an error
    assert all(follow.display_number in answer.text for answer in answers)


def test_identical_reinspections_at_the_same_moment_issue_one_follow_up_order(app, client, login, live, order):
    _reported(client, login, order)
    opener = signed_in(live, "inspector_a")
    body, content_type = multipart({"result": "fail", "note": "仍有积水"}, [])
    start, statuses = threading.Barrier(4), []

    def post():
        request = urllib.request.Request(f"{live}/orders/{order.id}/reinspect", data=body,
                                         headers={"Content-Type": content_type})
        start.wait()
        statuses.append(status_of(opener, request))

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 4
    assert _written(app, order.id) == (1, 1)


def test_a_reinspection_with_one_bad_photo_keeps_no_file(app, client, login, order):
    _reported(client, login, order)
    login("inspector_a")
    before = _files(app)
    client.post(f"/orders/{order.id}/reinspect", content_type="multipart/form-data", data={
        "result": "pass", "note": "已整改",
        "photos": [(BytesIO(jpeg(pattern=43)), "good.jpg"), (BytesIO(b"not a photo"), "bad.jpg")]})
    assert _files(app) == before
    assert _written(app, order.id) == (0, 0)


def test_a_report_with_one_bad_photo_keeps_no_file(app, client, login, order):
    login("village_a1")
    before = _files(app)
    client.post(f"/orders/{order.id}/evidence", content_type="multipart/form-data", data={
        "note": "已清扫", "evidence_key": "k-bad",
        "photos": [(BytesIO(jpeg(pattern=44)), "good.jpg"), (BytesIO(b"not a photo"), "bad.jpg")]})
    assert _files(app) == before
