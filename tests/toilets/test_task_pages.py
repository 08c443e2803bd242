"""The office sets each village's toilet task of the year: one village or several at once; bad
input is refused beside its field with nothing written; a task is one per village and year."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
import time_machine

from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.toilets.models import ToiletTask

GOOD = {"household_quota": "40", "public_quota": "2", "deadline": "2026-10-31", "rate_three_compartment": "1200",
        "rate_double_urn": "", "note": "县里下达", "request_key": "k1"}


@pytest.fixture(autouse=True)
def in_march():
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        yield


def tasks(app) -> list[ToiletTask]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(ToiletTask).order_by(ToiletTask.village_id)))
        db.session.expunge_all()
        return found


def audits(app) -> list[AuditEvent]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == "toilet_task")
                                        .order_by(AuditEvent.id)))
        db.session.expunge_all()
        return found


def test_the_admin_sets_a_villages_task_and_the_list_shows_it(app, client, login, world):
    login("admin_a")
    form = client.get(f"/toilets/tasks/{world.a1}/2026")
    assert form.status_code == 200 and "户厕改造任务数" in form.text and "三格化粪池式" in form.text
    saved = client.post(f"/toilets/tasks/{world.a1}/2026", data=GOOD)
    assert saved.status_code == 303 and "year=2026" in saved.location
    [task] = tasks(app)
    assert (task.household_quota, task.public_quota, task.deadline.isoformat()) == (40, 2, "2026-10-31")
    assert task.subsidy_rates == {"three_compartment": "1200.00"} and task.township_id == world.ta
    page = client.get("/toilets/tasks?year=2026").text
    assert "甲一村" in page and "2026-10-31" in page and "三格化粪池式 1200.00元" in page
    assert "本年度未设定任务" in page   # 甲二村 has none yet


def test_the_same_form_again_changes_nothing_and_an_edit_records_what_changed(app, client, login, world):
    login("admin_a")
    client.post(f"/toilets/tasks/{world.a1}/2026", data=GOOD)
    client.post(f"/toilets/tasks/{world.a1}/2026", data=GOOD)
    assert len(tasks(app)) == 1 and [e.action for e in audits(app)] == ["create"]
    client.post(f"/toilets/tasks/{world.a1}/2026", data=GOOD | {"household_quota": "45", "request_key": "k2"})
    create, update = audits(app)
    assert update.before == {"household_quota": 40} and update.after == {"household_quota": 45}
    assert tasks(app)[0].household_quota == 45
    trail = client.get("/audit/").text
    assert "改厕任务" in trail or "户厕改造任务数" in trail


@pytest.mark.parametrize("changes, message", [
    ({"household_quota": "-1"}, "不能为负数"),
    ({"household_quota": "四十"}, "请输入整数"),
    ({"household_quota": "99999999999999999999"}, "最多10000"),
    ({"household_quota": ""}, "请输入"),
    ({"public_quota": "1.5"}, "请输入整数"),
    ({"deadline": "2030-01-01"}, "截止日期须在2026年内"),
    ({"deadline": "2025-12-31"}, "截止日期须在2026年内"),
    ({"deadline": "2026-02-30"}, "请输入日期"),
    ({"deadline": "junk\x01"}, "请输入日期"),
    ({"rate_three_compartment": "12.345"}, "两位小数"),
    ({"rate_three_compartment": "-5"}, "不能为负数"),
    ({"rate_three_compartment": "1e999"}, "最多100000元"),
    ({"rate_three_compartment": "NaN"}, "请输入金额"),
    ({"note": "坏\x01字"}, "控制字符"),
])
def test_bad_input_is_refused_beside_its_field_and_nothing_is_written(app, client, login, world, changes, message):
    login("admin_a")
    answer = client.post(f"/toilets/tasks/{world.a1}/2026", data=GOOD | changes)
    assert answer.status_code == 422 and message in answer.text and 'class="field has-error"' in answer.text
    assert tasks(app) == [] and audits(app) == []


def test_a_nul_byte_is_a_bad_request_not_an_error(client, login, world):
    login("admin_a")
    assert client.post(f"/toilets/tasks/{world.a1}/2026", data=GOOD | {"note": "a\x00b"}).status_code == 400


def test_only_the_admin_sets_tasks_and_another_townships_village_is_not_there(app, client, login, world):
    login("inspector_a")
    assert client.get("/toilets/tasks").status_code == 200
    assert client.get(f"/toilets/tasks/{world.a1}/2026").status_code == 403
    assert client.post(f"/toilets/tasks/{world.a1}/2026", data=GOOD).status_code == 403
    login("village_a1")
    assert client.get("/toilets/tasks").status_code == 403
    assert client.post(f"/toilets/tasks/{world.a1}/2026", data=GOOD).status_code == 403
    login("unit_a1")
    assert client.get("/toilets/board").status_code == 403
    login("admin_a")
    for url in (f"/toilets/tasks/{world.b1}/2026", f"/toilets/tasks/{world.a1}/99999",
                "/toilets/tasks/99999999999999999999/2026", f"/toilets/tasks/{world.a1}/1999"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/toilets/tasks/{world.b1}/2026", data=GOOD).status_code == 404
    assert tasks(app) == []


def test_the_same_task_for_several_villages_all_or_none(app, client, login, world):
    login("admin_a")
    page = client.get("/toilets/tasks/bulk")
    assert page.status_code == 200 and "甲二村" in page.text and "乙一村" not in page.text
    bulk = GOOD | {"year": "2026", "village_ids": [str(world.a1), str(world.a2)]}
    wrong = client.post("/toilets/tasks/bulk", data=bulk | {"village_ids": [str(world.a1), str(world.b1)]})
    assert wrong.status_code == 422 and "请从列表中选择村" in wrong.text and tasks(app) == []
    assert client.post("/toilets/tasks/bulk", data=bulk | {"village_ids": []}).status_code == 422
    assert client.post("/toilets/tasks/bulk", data=bulk | {"year": "20x6"}).status_code == 422
    assert client.post("/toilets/tasks/bulk", data=bulk | {"village_ids": ["99999999999999"]}).status_code == 422
    done = client.post("/toilets/tasks/bulk", data=bulk)
    assert done.status_code == 303
    assert [(t.village_id, t.household_quota) for t in tasks(app)] == [(world.a1, 40), (world.a2, 40)]
    again = client.post("/toilets/tasks/bulk", data=bulk | {"household_quota": "30"})
    assert again.status_code == 303 and [t.household_quota for t in tasks(app)] == [30, 30]
    assert len(tasks(app)) == 2


def test_identical_saves_at_the_same_moment_make_one_task(app, live, world):
    import threading
    import urllib.parse
    import urllib.request

    from tests.rectifications.test_evidence_once import signed_in, status_of

    opener = signed_in(live, "admin_a")
    body = urllib.parse.urlencode(GOOD | {"request_key": "at-once"}).encode()
    threads, start, statuses = 4, threading.Barrier(4), []

    def post():
        request = urllib.request.Request(f"{live}/toilets/tasks/{world.a1}/2026", data=body)
        start.wait()
        statuses.append(status_of(opener, request))

    workers = [threading.Thread(target=post) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * threads
    assert len(tasks(app)) == 1 and [e.action for e in audits(app)] == ["create"]


def test_the_checked_input_names_every_field_at_fault_and_keeps_two_decimals(app):
    from hygiene.errors import InvalidFields
    from hygiene.toilets.task_schemas import TaskInput, task_fields

    with app.test_request_context("/?lang=en"):
        checked = task_fields(TaskInput, GOOD | {"village_id": "3", "year": "2026", "rate_double_urn": " 800.5 "})
        assert checked.rates == {"three_compartment": "1200.00", "double_urn": "800.50"}
        with pytest.raises(InvalidFields) as refused:
            task_fields(TaskInput, {"village_id": "", "year": "2026", "household_quota": "x", "deadline": "2027-06-01",
                                    "rates": {"no_such_type": "1", "biogas": "0.001"}})
        assert set(refused.value.errors) == {"village_id", "household_quota", "deadline", "rate_no_such_type",
                                             "rate_biogas"}
        assert refused.value.errors["rate_no_such_type"] == "Unknown toilet type."
        late = task_fields(TaskInput, GOOD | {"village_id": "3", "year": "2026", "deadline": "2027-03-31"})
        assert late.deadline.isoformat() == "2027-03-31"  # just after the year: the county's 31 March
