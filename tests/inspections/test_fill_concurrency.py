"""Identical requests at the same moment against a live server: one counts, the others are no-ops."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from io import BytesIO

import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.inspections.models import Answer, Inspection
from hygiene.media.models import Photo
from hygiene.rectifications.models import RectificationOrder
from tests.inspections.test_fill import all_pass

TWINS = 4


def session_cookie(login, username: str) -> str:
    return login(username).get_cookie("session").value


def fire_at_once(requests: list[urllib.request.Request]) -> list[int]:
    """Send the requests from as many threads, released together; return the status codes."""
    barrier, statuses = threading.Barrier(len(requests)), [0] * len(requests)

    def send(index: int, request: urllib.request.Request) -> None:
        barrier.wait()
        try:
            with _no_redirects().open(request, timeout=30) as response:
                statuses[index] = response.status
        except urllib.error.HTTPError as error:
            statuses[index] = error.code

    threads = [threading.Thread(target=send, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def _no_redirects():
    class Keep(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    return urllib.request.build_opener(Keep)


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_identical_submissions_at_the_same_moment_make_one_submission(app, live, login, inspection):
    cookie = session_cookie(login, "inspector_a")
    form = all_pass(inspection, **{f"result_{inspection.refuse}": "fail", f"findings_{inspection.refuse}": "1",
                                   "action": "submit", "submission_key": "twin-key"})
    body = urllib.parse.urlencode(form).encode()
    statuses = fire_at_once([urllib.request.Request(
        f"{live}/inspections/{inspection.id}/fill", data=body, method="POST",
        headers={"Cookie": f"session={cookie}", "Content-Type": "application/x-www-form-urlencoded"})
        for _ in range(TWINS)])
    assert statuses == [302] * TWINS
    assert count(app, AuditEvent, AuditEvent.action == "submit") == 1
    assert count(app, Answer) == 4 and count(app, RectificationOrder) == 1
    with app.app_context():
        done = db.session.get(Inspection, inspection.id)
        assert (done.status, done.submission_key, str(done.score)) == ("submitted", "twin-key", "95.00")


def test_identical_autosaves_of_one_item_leave_one_answer(app, live, login, inspection):
    cookie = session_cookie(login, "inspector_a")
    body = json.dumps({"item_id": inspection.records, "result": "fail", "grade": "12.5",
                       "note": "台账缺两个月"}).encode()
    statuses = fire_at_once([urllib.request.Request(
        f"{live}/inspections/{inspection.id}/answers", data=body, method="POST",
        headers={"Cookie": f"session={cookie}", "Content-Type": "application/json"})
        for _ in range(TWINS)])
    assert statuses == [200] * TWINS
    with app.app_context():
        answers = db.session.scalars(sa.select(Answer)).all()
        assert [(a.result, str(a.grade), a.note) for a in answers] == [("fail", "12.50", "台账缺两个月")]
        assert db.session.get(Inspection, inspection.id).status == "in_progress"


def test_an_autosave_racing_a_submission_never_changes_it_afterwards(app, live, login, inspection):
    cookie = session_cookie(login, "inspector_a")
    headers = {"Cookie": f"session={cookie}"}
    submit = urllib.request.Request(
        f"{live}/inspections/{inspection.id}/fill", method="POST",
        data=urllib.parse.urlencode(all_pass(inspection, action="submit")).encode(),
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
    autosave = urllib.request.Request(
        f"{live}/inspections/{inspection.id}/answers", method="POST",
        data=json.dumps({"item_id": inspection.floor, "result": "fail"}).encode(),
        headers={**headers, "Content-Type": "application/json"})
    statuses = fire_at_once([submit, autosave])
    assert statuses[0] == 302 and statuses[1] in (200, 409)
    with app.app_context():
        done = db.session.get(Inspection, inspection.id)
        floor = db.session.scalar(sa.select(Answer.result).where(Answer.item_id == inspection.floor))
    # either the autosave came first and the submission counted it, or it was refused after
    assert done.status == "submitted"
    assert (statuses[1], floor, str(done.score)) in ((409, "pass", "100.00"), (200, "pass", "100.00"))


def test_identical_photo_uploads_at_the_same_moment_keep_one_photo(app, live, login, inspection):
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    from tests.inspections.conftest import jpeg

    cookie = session_cookie(login, "inspector_a")
    photo = FileStorage(BytesIO(jpeg(pattern=9)), "IMG_2026..01.jpg", "photo", "image/jpeg")
    boundary, body = encode_multipart(MultiDict({"photo": photo, "item_id": str(inspection.floor)}))
    statuses = fire_at_once([urllib.request.Request(
        f"{live}/inspections/{inspection.id}/photos", data=body, method="POST",
        headers={"Cookie": f"session={cookie}", "Accept": "application/json",
                 "Content-Type": f"multipart/form-data; boundary={boundary}"}) for _ in range(TWINS)])
    assert statuses == [201] * TWINS
    assert count(app, Photo) == 1
