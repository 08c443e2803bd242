"""Order pages: the recipient, the inspector and the office each take their step."""
from io import BytesIO

import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.rectifications.models import RectificationOrder
from tests.inspections.conftest import jpeg


def status(app, order_id):
    with app.app_context():
        return db.session.get(RectificationOrder, order_id).status


def test_the_whole_life_of_an_order_through_the_pages(app, client, login, order):
    login("unit_a1")
    page = client.get(f"/orders/{order.id}")
    assert page.status_code == 200 and "〔2026〕第1号" in page.text and "地面整洁" in page.text
    client.post(f"/orders/{order.id}/acknowledge")
    response = client.post(f"/orders/{order.id}/evidence", content_type="multipart/form-data",
                           data={"note": "已清扫并加盖", "photos": [(BytesIO(jpeg(pattern=5)), "after.jpg")]})
    assert response.status_code == 303 and status(app, order.id) == "evidence_submitted"
    login("inspector_a")
    client.post(f"/orders/{order.id}/reinspect", data={"result": "fail", "note": "仍有积水"})
    assert status(app, order.id) == "superseded"
    with app.app_context():
        follow = db.session.scalar(sa.select(RectificationOrder).where(RectificationOrder.parent_id == order.id))
    assert "〔2026〕第2号" in client.get(f"/orders/{follow.id}").text


def test_reinspecting_before_any_evidence_is_refused_with_the_reason(app, client, login, order):
    login("inspector_a")
    response = client.post(f"/orders/{order.id}/reinspect", data={"result": "pass"}, follow_redirects=True)
    assert status(app, order.id) == "issued"
    assert 'class="flash flash-error"' in response.text


def test_a_deadline_on_a_weekend_moves_and_says_so(app, client, login, order):
    login("admin_a")
    response = client.post(f"/orders/{order.id}/deadline", data={"deadline": "2026-12-05"}, follow_redirects=True)
    assert "2026-12-07" in response.text and "2026-12-05" in response.text
    bad = client.post(f"/orders/{order.id}/deadline", data={"deadline": "2026-01-01"}, follow_redirects=True)
    assert "flash-error" in bad.text
    assert client.post(f"/orders/{order.id}/deadline", data={"deadline": "soon"}).status_code == 303


def test_the_printable_notice_and_its_short_link(app, client, login, order):
    login("village_a1")
    notice = client.get(f"/orders/{order.id}/notice")
    assert notice.status_code == 200 and "<svg" in notice.text and f"/o/{order.token}" in notice.text
    client.post("/logout")
    public = client.get(f"/o/{order.token}")
    assert public.status_code == 200 and "地面整洁" in public.text and "window.print" not in public.text
    assert client.get("/o/not-a-real-token").status_code == 404
    assert client.get("/o/../../etc").status_code == 404


def test_other_villages_and_units_get_404_and_lists_show_only_their_own(app, client, login, order):
    login("village_b1")
    for url in (f"/orders/{order.id}", f"/orders/{order.id}/notice"):
        assert client.get(url).status_code == 404
    assert client.post(f"/orders/{order.id}/evidence", data={"note": "x"}).status_code == 404
    assert "〔2026〕" not in client.get("/orders/?status=all").text
    login("village_a1")
    assert "〔2026〕第1号" in client.get("/orders/").text
    login("inspector_a")
    client.post(f"/orders/{order.id}/evidence", data={"note": "x"})
    assert status(app, order.id) == "issued"  # inspectors do not report the recipient's fix


def test_orders_list_by_deadline(app, client, login, order):
    login("admin_a")
    assert "〔2026〕第1号" in client.get("/orders/?due_before=2026-12-31").text
    assert "〔2026〕第1号" not in client.get("/orders/?due_before=2026-12-01").text
    assert client.get("/orders/?due_before=nonsense").status_code == 200
