"""Words built in Python speak the reader's language: the audit trail's record names and
changes, and the jobs page's run results; what older versions recorded as text still shows."""
from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from hygiene.extensions import db


@pytest.fixture
def zh(app):
    with app.test_request_context("/"):
        yield


@pytest.fixture
def en(app):
    with app.test_request_context("/?lang=en"):
        yield


def _ranking_event(world):
    from hygiene.audit.models import AuditEvent
    from hygiene.audit.services import audit_record
    from hygiene.rankings.models import RankingPublication

    publication = RankingPublication(township_id=world.ta, subject="units:catering", period_key="2026-10",
                                     weights={}, min_inspections=2, rows=[], red_list=[], black_list=[],
                                     overdue_orders=[])
    db.session.add(publication)
    event = audit_record(actor_id=None, action="publish", record=publication, township_id=world.ta)
    db.session.commit()
    return db.session.get(AuditEvent, event.id)


def test_a_ranking_in_the_trail_is_named_in_the_readers_language(app, world):
    with app.test_request_context("/"):
        event = _ranking_event(world)
        assert event.entity_label == "ranking units:catering 2026-10"  # the recorded fallback
        assert event.label == "单位：餐饮排名（2026年10月）"
    with app.test_request_context("/?lang=en"):
        assert db.session.get(type(event), event.id).label == "Ranking of Units: Catering, 2026-10"


def test_an_event_recorded_before_the_key_shows_its_text(app, world, zh):
    from hygiene.audit.models import AuditEvent

    event = AuditEvent(action="publish", entity_type="ranking_publication", entity_label="ranking villages 2026-09",
                       township_id=world.ta)
    assert event.label == "ranking villages 2026-09"
    event.label_key, event.label_params = "ranking_publication", {"unknown": 1}
    assert event.label == "ranking villages 2026-09"  # parameters of another shape: the text


def test_the_changes_of_an_update_are_worded(world, login, client):
    login("admin_a")
    response = client.post(f"/register/units/{world.unit_a1}/edit", data={
        "village_id": world.a1, "name": "a1饭店", "category": "hotel", "address": "", "contact_name": "",
        "contact_phone": "13912345678"})
    assert response.status_code == 302
    page = client.get(f"/register/units/{world.unit_a1}").get_data(as_text=True)
    assert "<b>类别</b>: <del>餐饮</del> → <ins>宾馆</ins>" in page
    assert "<b>联系电话</b>: <del>—</del> → <ins>13912345678</ins>" in page
    assert "category" not in page and "hotel" not in page


def test_values_read_as_words(app, zh):
    from hygiene.audit.labels import field_label, value_text

    assert (field_label("contact_phone"), field_label("weights")) == ("联系电话", "权重")
    assert value_text("active", False) == "否"
    assert value_text("role", "village_contact") == "村联络员"
    assert value_text("password", "*** (changed)") == "（已修改）"
    assert value_text("weights", {"inspections": "90", "rectification": "10"}) == "检查得分 90，按期整改率 10"
    assert value_text("deadline", date(2026, 12, 1).isoformat()) == "2026-12-01"
    assert field_label("not_a_field") == "not_a_field"


def test_job_results_are_counts_worded_at_display(app, world):
    from hygiene.notifications.jobs import dispatch_notifications
    from hygiene.scheduler.models import JobRun
    from hygiene.scheduler.runner import run_job
    from hygiene.scheduler.views import result_lines

    assert run_job(app, "dispatch_notifications", dispatch_notifications)
    with app.app_context():
        recorded = db.session.scalar(sa.select(JobRun.last_result))
    assert json.loads(recorded) == {"sent": 0, "failed": 0}
    with app.test_request_context("/"):
        assert result_lines(recorded) == ["已发送 0 条", "发送失败 0 条"]
        assert result_lines('{"newly_overdue": 23, "reminders": 4}') == ["生成整改期限提醒 4 条", "新增逾期整改通知 23 份"]
        assert result_lines("sent 3, failed 0") == ["sent 3, failed 0"]  # recorded by an older version
        assert result_lines("") == []
    with app.test_request_context("/?lang=en"):
        assert result_lines('{"digests_queued": 1, "inspections_made": 2}') == ["2 inspections made", "1 digest queued"]


def test_the_jobs_page_shows_the_results_in_chinese(app, world, login, client):
    from hygiene.scheduler import registered_jobs
    from hygiene.scheduler.runner import run_job

    for job in registered_jobs():
        assert run_job(app, job.id, job.func)
    page = login("admin_a").get("/admin/jobs/").get_data(as_text=True)
    assert "已发送 0 条" in page and "生成检查任务 0 项" in page and "新增逾期整改通知 0 份" in page
    assert "sent" not in page and "newly overdue" not in page and "queued" not in page


def test_the_jobs_page_counts_runs_in_english_too(app, world, login, client):
    from hygiene.notifications.jobs import dispatch_notifications
    from hygiene.scheduler.runner import run_job

    assert run_job(app, "dispatch_notifications", dispatch_notifications)
    login("admin_a")
    client.get("/language/en")
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert "1 run, last on" in page and "0 sent · 0 failed" in page
