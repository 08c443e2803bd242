"""What people see of corrections: the amendment history on the inspection, the audit trail's
changes, a sent-back inspection standing out in the agenda, withdrawn orders with their reason."""
import threading

import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.notifications.models import Notification
from hygiene.rectifications.models import RectificationOrder
from tests.inspections.test_fill import all_pass, load
from tests.inspections.test_review import submitted


def published_then_amended(client, login, inspection):
    submitted(client, login, inspection)
    client.post(f"/inspections/{inspection.id}/review", data={"action": "publish"})
    form = all_pass(inspection, **{f"result_{inspection.floor}": "fail", f"note_{inspection.floor}": "门口积水",
                                   "reason": "复核发现地面不洁"})
    assert client.post(f"/inspections/{inspection.id}/amend", data=form).status_code == 302


def test_the_inspection_page_shows_each_amendment_with_old_and_new_score_and_answers(app, client, login, inspection):
    published_then_amended(client, login, inspection)
    for who in ("admin_a", "village_a1"):  # the office and the village both see what was changed, and why
        login(who)
        page = client.get(f"/inspections/{inspection.id}").text
        history = page[page.index('id="amendments"'):]
        assert "公布后的更正记录" in history and "复核发现地面不洁" in history and "admin_a" in history
        assert "<del>100.00" in history and "<ins>60.0" in history
        assert "地面整洁" in history and "<del>合格" in history and "<ins>不合格 · 门口积水" in history


def test_the_audit_trail_says_what_an_amendment_changed(app, client, login, inspection):
    published_then_amended(client, login, inspection)
    trail = client.get("/audit/").text
    reason = trail.index("复核发现地面不洁")
    row = trail[trail.rindex("<tr>", 0, reason):trail.index("</tr>", reason)]
    assert "100.00" in row and "60.0" in row and "地面整洁" in row and "复核发现地面不洁" in row


def test_an_amendment_that_changes_nothing_is_refused_and_writes_nothing(app, client, login, inspection):
    submitted(client, login, inspection)
    client.post(f"/inspections/{inspection.id}/review", data={"action": "publish"})
    page = client.post(f"/inspections/{inspection.id}/amend", data=all_pass(inspection, reason="再看看"),
                       follow_redirects=True)
    assert "没有修改任何检查结果" in page.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "amend")) == 0


def test_a_sent_back_inspection_stands_out_in_the_agenda_with_the_comment(app, client, login, world, inspection):
    submitted(client, login, inspection)
    client.post(f"/inspections/{inspection.id}/review", data={"action": "send_back", "comment": "照片不清楚"})
    login("inspector_a")
    agenda = client.get("/inspections/agenda").text
    assert 'agenda-item sent-back' in agenda and "status-sent-back" in agenda and "已退回" in agenda
    assert "爱卫办退回：照片不清楚" in agenda
    assert "status-sent-back" in client.get("/inspections/").text


def test_an_inspection_in_progress_is_not_marked_sent_back(app, client, login, inspection):
    login("inspector_a")
    client.post(f"/inspections/{inspection.id}/answers", json={"item_id": inspection.floor, "result": "pass"})
    agenda = client.get("/inspections/agenda").text
    assert "sent-back" not in agenda and "检查中" in agenda


def test_a_withdrawn_order_shows_its_reason_on_its_page_notice_and_list(app, client, login, world, inspection):
    submitted(client, login, inspection, **{f"result_{inspection.refuse}": "fail", f"findings_{inspection.refuse}": "1"})
    client.post(f"/inspections/{inspection.id}/review", data={"action": "send_back", "comment": "复核"})
    login("inspector_a")
    client.post(f"/inspections/{inspection.id}/fill", data=all_pass(inspection, action="submit", submission_key="k2"))
    with app.app_context():
        order = db.session.scalar(sa.select(RectificationOrder))
        assert order.status == "withdrawn"
    login("unit_a1")
    page = client.get(f"/orders/{order.id}").text
    assert "已撤销" in page and "已无需要整改的问题" in page and "报告整改" not in page
    assert "本通知书已撤销" in client.get(f"/o/{order.token}").text
    assert order.display_number in client.get("/orders/?status=withdrawn").text
    assert order.display_number not in client.get("/orders/?status=open").text


def test_two_identical_send_backs_at_once_send_back_and_tell_once(app, client, login, inspection):
    submitted(client, login, inspection)
    cookie = client.get_cookie("session").value
    results = []

    def press():
        with app.test_client() as twin:
            twin.set_cookie("session", cookie)
            results.append(twin.post(f"/inspections/{inspection.id}/review",
                                     data={"action": "send_back", "comment": "照片不清楚"}).status_code)

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [303, 303] and load(app, inspection.id).status == "in_progress"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "send_back")) == 1
        assert db.session.scalar(sa.select(sa.func.count()).where(
            Notification.kind == "inspection_sent_back", Notification.channel == "in_app")) == 1
