"""A registration is corrected until the banquet is checked on site or its day has passed (audited),
refused afterwards with a clear message; cancelling a banquet and recording that a worker left ask
first on a page of their own (no script), and a one-click post from an old page changes nothing."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
import time_machine

from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.food.models import Banquet, HealthCertificate
from hygiene.food.status import BanquetStatus
from tests.food.helpers import NOW, banquet_form, count, get, made_id, register
from tests.food.test_certificates import add_rows


@pytest.fixture(autouse=True)
def in_june():
    with time_machine.travel(NOW, tick=False):
        yield


def edit(client, banquet_id: int, village: int, **fields):
    return client.post(f"/food/banquets/{banquet_id}/edit", data=banquet_form(village, **fields))


def test_a_village_corrects_its_registration_before_the_day_and_the_trail_keeps_the_old_values(app, client, login,
                                                                                               world):
    login("village_a1")
    banquet_id = made_id(register(client, world.a1))
    page = client.get(f"/food/banquets/{banquet_id}").text
    assert f"/food/banquets/{banquet_id}/edit" in page and "修改登记" in page
    form = client.get(f"/food/banquets/{banquet_id}/edit").text
    assert 'value="王大明"' in form and 'value="王家院坝"' in form
    answer = edit(client, banquet_id, world.a1, host_name="王小明", banquet_on="2026-06-21", place="村文化广场",
                  tables="20", diners="200", cook_name="张师傅", cook_cert_number="JK2026-009")
    assert answer.status_code == 303
    banquet = get(app, Banquet, banquet_id)
    assert (banquet.host_name, banquet.banquet_on.isoformat(), banquet.place, banquet.tables, banquet.diners,
            banquet.cook_name, banquet.cook_cert_number) == (
        "王小明", "2026-06-21", "村文化广场", 20, 200, "张师傅", "JK2026-009")
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == "food_banquet",
                                                               AuditEvent.action == "update")).one()
        assert event.before["host_name"] == "王大明" and event.after["host_name"] == "王小明"
        assert "kind" not in event.after  # only what changed
    login("admin_a")
    assert "王大明" in client.get(f"/food/banquets/{banquet_id}").text  # the office's history shows the old host
    login("village_a1")
    again = edit(client, banquet_id, world.a1, host_name="王小明", banquet_on="2026-06-21", place="村文化广场",
                 tables="20", diners="200", cook_name="张师傅", cook_cert_number="JK2026-009")
    assert again.status_code == 303
    assert count(app, AuditEvent, AuditEvent.action == "update") == 1  # the same form again: no trace


def test_a_correction_is_checked_like_a_registration_and_nothing_is_half_written(app, client, login, world):
    login("village_a1")
    banquet_id = made_id(register(client, world.a1))
    for fields in ({"banquet_on": "2026-06-10"}, {"tables": "30", "diners": "20"}, {"host_phone": "12"},
                   {"host_name": ""}, {"village_id": str(world.a2), "host_name": ""}):
        answer = edit(client, banquet_id, world.a1, **fields)
        assert answer.status_code == 422, fields
    assert get(app, Banquet, banquet_id).host_name == "王大明"
    assert count(app, AuditEvent, AuditEvent.action == "update") == 0
    # the village stays the banquet's: a posted other village is not taken
    assert edit(client, banquet_id, world.a1, village_id=str(world.a2), place="新地点").status_code == 303
    assert get(app, Banquet, banquet_id).village_id == world.a1


def test_a_checked_held_or_past_banquet_is_not_changed_and_says_why(app, client, login, world):
    login("village_a1")
    checked = made_id(register(client, world.a1))
    past = made_id(register(client, world.a1, banquet_on="2026-06-12"))
    login("inspector_a")
    assert client.post(f"/food/banquets/{checked}/check", data={
        "checked_on": "2026-06-10", "points": ["premises"], "result": "pass"}).status_code == 303
    login("village_a1")
    assert "/edit" not in client.get(f"/food/banquets/{checked}").text
    refused = edit(client, checked, world.a1, host_name="改名")
    assert refused.status_code == 303
    assert "已现场检查" in client.get(refused.headers["Location"]).text  # the flash says why
    assert get(app, Banquet, checked).host_name == "王大明"
    with time_machine.travel("2026-06-13 09:00 +0800", tick=False):
        login("village_a1")
        assert client.get(f"/food/banquets/{past}/edit").status_code == 303
        refused = edit(client, past, world.a1, host_name="改名", banquet_on="2026-06-12")
        assert "已过" in client.get(refused.headers["Location"]).text
    assert get(app, Banquet, past).host_name == "王大明"


def test_only_the_banquet_s_village_and_the_office_correct_it(app, client, login, world):
    login("admin_a")
    other = made_id(register(client, world.a2))
    for username, answer in (("village_a1", 404), ("village_b1", 404), ("admin_b", 404), ("unit_a1", 403)):
        login(username)
        assert client.get(f"/food/banquets/{other}/edit").status_code == answer, username
        assert edit(client, other, world.a2, host_name="改名").status_code == answer, username
    login("inspector_a")  # the office registers and corrects too
    assert edit(client, other, world.a2, host_name="改名").status_code == 303
    assert get(app, Banquet, other).host_name == "改名"


def test_cancelling_asks_first_on_a_page_without_script(app, client, login, world):
    login("village_a1")
    banquet_id = made_id(register(client, world.a1))
    page = client.get(f"/food/banquets/{banquet_id}").text
    assert f'href="/food/banquets/{banquet_id}/cancel"' in page
    asked = client.get(f"/food/banquets/{banquet_id}/cancel")
    assert asked.status_code == 200 and "王大明" in asked.text and "<script" not in asked.text.split("<main>")[1]
    assert 'name="confirm" value="yes"' in asked.text
    one_click = client.post(f"/food/banquets/{banquet_id}/cancel")  # an old page's button
    assert one_click.status_code == 200 and 'name="confirm"' in one_click.text
    assert get(app, Banquet, banquet_id).status == BanquetStatus.REGISTERED
    done = client.post(f"/food/banquets/{banquet_id}/cancel", data={"confirm": "yes"})
    assert done.status_code == 303 and get(app, Banquet, banquet_id).status == BanquetStatus.CANCELLED
    assert count(app, AuditEvent, AuditEvent.action == "cancel") == 1


def test_recording_that_a_worker_left_asks_first(app, client, login, world):
    _expired, expiring, _valid = add_rows(app, world)
    login("unit_a1")
    listed = client.get("/food/certificates").text
    assert f'href="/food/certificates/{expiring}/retire"' in listed
    asked = client.get(f"/food/certificates/{expiring}/retire")
    assert asked.status_code == 200 and "快到期" in asked.text and "A-2" in asked.text
    assert client.post(f"/food/certificates/{expiring}/retire").status_code == 200
    assert get(app, HealthCertificate, expiring).active is True
    assert client.post(f"/food/certificates/{expiring}/retire", data={"confirm": "yes"}).status_code == 303
    assert get(app, HealthCertificate, expiring).active is False
    login("village_b1")
    assert client.get(f"/food/certificates/{expiring}/retire").status_code == 404
