"""The office's review: publish, send back with a comment, amend with the audit trail, cancel."""
from datetime import date

import sqlalchemy as sa
import time_machine

from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from tests.inspections.test_fill import all_pass, load


def submitted(client, login, inspection, **overrides):
    login("inspector_a")
    client.post(f"/inspections/{inspection.id}/fill", data=all_pass(inspection, action="submit", **overrides))
    login("admin_a")


def test_admin_publishes_and_the_village_then_sees_the_score(app, client, login, inspection):
    submitted(client, login, inspection)
    assert client.post(f"/inspections/{inspection.id}/review", data={"action": "publish"}).status_code == 303
    assert load(app, inspection.id).status == "published"
    assert "已发布：得分计入排名" in client.get(f"/inspections/{inspection.id}").text  # says what happened
    login("village_a1")
    assert 'id="score"' in client.get(f"/inspections/{inspection.id}").text


def test_sending_back_needs_a_comment_and_reopens_the_form(app, client, login, inspection):
    submitted(client, login, inspection)
    client.post(f"/inspections/{inspection.id}/review", data={"action": "send_back", "comment": " "})
    assert load(app, inspection.id).status == "submitted"
    client.post(f"/inspections/{inspection.id}/review", data={"action": "send_back", "comment": "照片不清楚"})
    assert load(app, inspection.id).status == "in_progress"
    login("inspector_a")
    page = client.get(f"/inspections/{inspection.id}/fill")
    assert "照片不清楚" in page.text
    again = client.post(f"/inspections/{inspection.id}/fill", data=all_pass(inspection, action="submit"))
    assert again.status_code == 302 and load(app, inspection.id).status == "submitted"


def test_an_amendment_changes_the_score_and_keeps_the_old_values(app, client, login, inspection):
    submitted(client, login, inspection)
    client.post(f"/inspections/{inspection.id}/review", data={"action": "publish"})
    form = all_pass(inspection, **{f"result_{inspection.floor}": "fail", "reason": "复核发现地面不洁"})
    assert client.post(f"/inspections/{inspection.id}/amend", data=form).status_code == 302
    amended = load(app, inspection.id)
    assert (amended.status, str(amended.score)) == ("published", "60.00")
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "amend"))
    assert event.before["score"]["score"] == "100.00" and event.after["score"]["score"] == "60.00"
    assert str(inspection.floor) in event.before["answers"] and event.after["reason"] == "复核发现地面不洁"


def test_an_amendment_without_a_reason_changes_nothing(app, client, login, inspection):
    submitted(client, login, inspection)
    client.post(f"/inspections/{inspection.id}/review", data={"action": "publish"})
    client.post(f"/inspections/{inspection.id}/amend",
                data=all_pass(inspection, **{f"result_{inspection.floor}": "fail"}))
    assert str(load(app, inspection.id).score) == "100.00"


def test_publishing_twice_or_out_of_order_is_refused(app, client, login, inspection):
    login("admin_a")
    client.post(f"/inspections/{inspection.id}/review", data={"action": "publish"})
    assert load(app, inspection.id).status == "planned"
    client.post(f"/inspections/{inspection.id}/review", data={"action": "cancel", "comment": "停业"})
    assert load(app, inspection.id).status == "cancelled"


def test_only_the_townships_admin_reviews(app, client, login, inspection):
    submitted(client, login, inspection)
    for username, status in [("inspector_a", 403), ("village_a1", 403), ("admin_b", 404)]:
        login(username)
        response = client.post(f"/inspections/{inspection.id}/review", data={"action": "publish"})
        assert response.status_code == status, username  # a forbidden action is a 403 page, not a flash
        assert load(app, inspection.id).status == "submitted"
    login("inspector_a")
    assert client.get(f"/inspections/{inspection.id}/amend").status_code == 403


@time_machine.travel("2026-11-23 09:00 +0800", tick=False)
def test_inspector_agenda_and_list_filters(app, client, login, inspection):
    login("inspector_a")
    agenda = client.get("/inspections/agenda")
    assert agenda.status_code == 200 and "a1饭店" in agenda.text
    assert "a1饭店" in client.get("/inspections/?status=planned").text
    assert "a1饭店" not in client.get("/inspections/?status=published").text
    with app.app_context():
        assert db.session.get(Inspection, inspection.id).is_overdue(date(2026, 12, 1))


def add_inspections(app, world, template_inspection_id, n):
    from hygiene.accounts.models import User

    with app.app_context():
        base = db.session.get(Inspection, template_inspection_id)
        inspector = db.session.get(User, world.user_inspector_a)
        for i in range(n):
            db.session.add(Inspection(
                version_id=base.version_id, township_id=world.ta, village_id=world.a1,
                target_kind="unit", target_id=world.unit_a1, target_label=f"批量{i}",
                planned_date=base.planned_date, due_date=base.due_date, inspectors=[inspector]))
        db.session.commit()


@time_machine.travel("2026-11-23 09:00 +0800", tick=False)
def test_inspection_lists_cost_the_same_queries_for_10_or_100_rows(app, client, login, world, inspection,
                                                                   count_queries):
    login("inspector_a")
    for url in ("/inspections/", "/inspections/agenda"):   # what the process keeps (the village filter) is read once
        client.get(url)
    counts = []
    for n in (10, 90):
        add_inspections(app, world, inspection.id, n)
        for url in ("/inspections/", "/inspections/agenda"):
            with count_queries() as queries:
                assert client.get(url).status_code == 200
            counts.append((url, queries[0]))
    assert counts[:2] == counts[2:], counts


def test_the_list_filters_sent_back_inspections_and_ignores_unknown_filters(app, client, login, inspection):
    submitted(client, login, inspection)
    path = f"/inspections/{inspection.id}"
    assert path not in client.get("/inspections/?status=sent_back").text
    client.post(f"/inspections/{inspection.id}/review", data={"action": "send_back", "comment": "照片不清楚"})
    assert path in client.get("/inspections/?status=sent_back").text
    unknown = client.get("/inspections/?status=returned").text  # a filter the menu does not offer
    assert path in unknown  # the whole list, as "All statuses" says
    assert "selected" not in unknown.split('name="status"')[1].split("</select>")[0]


def test_the_orders_list_answers_an_unknown_filter_with_its_default(app, client, login, inspection):
    login("admin_a")
    page = client.get("/orders/?status=reported").text
    menu = page.split('name="status"')[1].split("</select>")[0]
    assert 'value="open" selected' in menu
