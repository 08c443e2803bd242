"""Reporting a fix counts once: a double tap, a resend or two identical posts at the same moment
store the photos once and write one audit entry (the field form's once-only rule)."""
import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from io import BytesIO

import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.rectifications.models import RectificationOrder
from tests.conftest import PASSWORD
from tests.inspections.conftest import jpeg


def evidence_written(app, order_id):
    """(evidence audit entries, evidence photos) of the order."""
    with app.app_context():
        audits = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "evidence"))
        photos = db.session.scalar(sa.select(sa.func.count()).select_from(Photo).where(
            Photo.order_id == order_id, Photo.purpose == "evidence"))
        return audits, photos


def test_a_resent_report_stores_its_photos_once_and_is_audited_once(app, client, login, order):
    login("village_a1")
    key = uuid.uuid4().hex
    for _attempt in range(2):  # the second is the resend after a lost response
        response = client.post(f"/orders/{order.id}/evidence", content_type="multipart/form-data",
                               data={"note": "已清扫", "evidence_key": key,
                                     "photos": [(BytesIO(jpeg(pattern=5)), "a.jpg"),
                                                (BytesIO(jpeg(pattern=6)), "b.jpg")]})
        assert response.status_code == 303
    assert evidence_written(app, order.id) == (1, 2)


def test_a_new_report_with_a_new_key_is_a_second_report(app, client, login, order):
    login("village_a1")
    for key in ("first-key", "second-key"):
        client.post(f"/orders/{order.id}/evidence", content_type="multipart/form-data",
                    data={"note": "补充照片", "evidence_key": key,
                          "photos": [(BytesIO(jpeg(pattern=5)), "a.jpg")]})
    assert evidence_written(app, order.id) == (2, 2)


def test_the_order_page_gives_each_report_form_a_fresh_key(client, login, order):
    login("village_a1")
    first = client.get(f"/orders/{order.id}").text
    second = client.get(f"/orders/{order.id}").text
    key_of = lambda page: page.split('name="evidence_key" value="')[1].split('"')[0]  # noqa: E731
    assert key_of(first) and key_of(first) != key_of(second)


def test_a_refused_report_keeps_nothing(app, client, login, order):
    login("village_a1")
    response = client.post(f"/orders/{order.id}/evidence", content_type="multipart/form-data",
                           data={"note": "", "evidence_key": "k1",
                                 "photos": [(BytesIO(jpeg(pattern=5)), "a.jpg"),
                                            (BytesIO(b"not a photo"), "b.jpg")]})
    assert response.status_code == 303
    assert evidence_written(app, order.id) == (0, 0)
    with app.app_context():
        row = db.session.get(RectificationOrder, order.id)
        assert (row.status, row.evidence_key) == ("issued", None)


# --- identical posts at the same moment, against a live server ---------------------------------

def signed_in(base: str, username: str) -> urllib.request.OpenerDirector:
    """A browser-like opener (cookies, no redirects followed) signed in as `username`."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD}).encode()
    assert status_of(opener, urllib.request.Request(f"{base}/login", data=body)) == 302
    return opener


def status_of(opener, request) -> int:
    try:
        with opener.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as answer:  # 3xx (not followed), 4xx, 5xx
        return answer.code


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    for name, filename, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_identical_reports_posted_at_the_same_moment_count_once(app, live, order):
    opener = signed_in(live, "village_a1")
    body, content_type = multipart({"note": "已清扫并加盖", "evidence_key": uuid.uuid4().hex},
                                   [("photos", "a.jpg", jpeg(pattern=5)), ("photos", "b.jpg", jpeg(pattern=6))])
    threads, start, statuses = 4, threading.Barrier(4), []

    def post():
        request = urllib.request.Request(f"{live}/orders/{order.id}/evidence", data=body,
                                         headers={"Content-Type": content_type})
        start.wait()
        statuses.append(status_of(opener, request))

    workers = [threading.Thread(target=post) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * threads  # every tap is answered as the one that did it
    assert evidence_written(app, order.id) == (1, 2)
