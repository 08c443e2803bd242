"""Rural banquets (坝坝宴): a village registers its banquet before the day with the cook and the
cook's health certificate; a large one waits on the office's on-site check; held or cancelled
afterwards. Bad input is refused in the form, a resent form registers once, another village's
banquet is a 404."""
from __future__ import annotations

import threading
import urllib.parse
import urllib.request

import pytest
import sqlalchemy as sa
import time_machine

from hygiene.audit.models import AuditEvent
from hygiene.food.models import Banquet
from hygiene.food.status import BanquetStatus
from tests.food.helpers import NOW, banquet_form, count, get, made_id, register
from tests.rectifications.test_evidence_once import signed_in, status_of


@pytest.fixture(autouse=True)
def in_june():
    with time_machine.travel(NOW, tick=False):
        yield


def english(client):
    client.get("/language/en")
    return client


def test_a_village_registers_a_large_banquet_and_the_office_checks_it(app, client, login, world):
    english(login("village_a1"))
    banquet_id = made_id(register(client, world.a1))
    page = client.get(f"/food/banquets/{banquet_id}").text
    assert "王大明" in page and "Needs on-site check" in page and "Record the on-site check" not in page
    english(login("inspector_a"))
    listed = client.get("/food/banquets?view=waiting_check").text
    assert "王大明" in listed and "1 large banquet still needs its on-site check." in listed
    response = client.post(f"/food/banquets/{banquet_id}/check", data={
        "checked_on": "2026-06-10", "points": ["premises", "samples"], "result": "pass", "check_note": "留样冰箱已备"})
    assert response.status_code == 303
    banquet = get(app, Banquet, banquet_id)
    assert (banquet.status, banquet.check_passed, banquet.check_points) == (
        BanquetStatus.CHECKED, True, ["premises", "samples"])
    assert "王大明" not in client.get("/food/banquets?view=waiting_check").text
    assert "Premises and kitchen hygiene" in client.get(f"/food/banquets/{banquet_id}").text


def test_a_small_banquet_needs_no_check_and_a_missing_or_expired_cook_certificate_is_flagged(app, client, login,
                                                                                               world):
    english(login("village_a1"))
    small = made_id(register(client, world.a1, tables="5", diners="50", cook_cert_number=""))
    page = client.get(f"/food/banquets/{small}").text
    assert "Needs on-site check" not in page and "Cook's certificate: None shown" in page
    # valid until the 15th, the banquet on the 20th: expired on the day
    expired = made_id(register(client, world.a1, host_name="张小红", cook_cert_expires_on="2026-06-15"))
    assert "Cook's certificate: Expired" in client.get(f"/food/banquets/{expired}").text


def test_a_banquet_registered_fewer_days_ahead_than_the_setting_is_flagged_late(client, login, world):
    english(login("village_a1"))
    late = made_id(register(client, world.a1, banquet_on="2026-06-12"))
    assert "Registered late" in client.get(f"/food/banquets/{late}").text
    on_time = made_id(register(client, world.a1, banquet_on="2026-06-13"))
    assert "Registered late" not in client.get(f"/food/banquets/{on_time}").text


def test_the_office_sets_the_check_threshold_and_the_flags_follow(client, login, world):
    english(login("village_a1"))
    banquet_id = made_id(register(client, world.a1, diners="80", tables="8"))
    assert "Needs on-site check" not in client.get(f"/food/banquets/{banquet_id}").text
    english(login("admin_a"))
    bad = client.post("/food/settings", data={"days_ahead": "-1", "check_min_diners": "50", "remind_days": "30"})
    assert bad.status_code == 422 and "Enter a whole number from 0 to 30." in bad.text
    assert client.post("/food/settings", data={"days_ahead": "3", "check_min_diners": "50",
                                               "remind_days": "30"}).status_code == 303
    assert "Needs on-site check" in client.get(f"/food/banquets/{banquet_id}").text
    english(login("village_a1"))
    assert client.get("/food/settings").status_code == 403


@pytest.mark.parametrize("fields", [
    {"host_name": ""}, {"host_phone": "123"}, {"tables": "-3"}, {"tables": "0"}, {"diners": "abc"},
    {"diners": "99999999999999999999"}, {"tables": "20", "diners": "10"}, {"banquet_on": "2026-06-10"},
    {"banquet_on": "2026-05-01"}, {"banquet_on": "2026-13-01"}, {"banquet_on": "9999-12-31"}, {"banquet_on": ""},
    {"kind": "party"}, {"meal": "breakfast"}, {"place": "院坝\x00"}, {"village_id": "99999999999999999999"},
    {"village_id": "-1"}, {"cook_name": ""}, {"cook_cert_expires_on": "2026-02-30"}, {"note": "x" * 2001},
], ids=lambda fields: ",".join(fields))
def test_bad_input_is_refused_in_the_form_and_nothing_is_written(app, client, login, world, fields):
    login("village_a1")
    response = register(client, world.a1, **fields)
    assert response.status_code in (400, 422), response.status_code
    if response.status_code == 422:
        assert 'class="error' in response.text
    assert count(app, Banquet) == 0


def test_a_village_cannot_register_for_or_read_another_village(app, client, login, world):
    login("village_a1")
    assert register(client, world.a2).status_code == 422
    login("admin_a")
    other = made_id(register(client, world.a2))
    for username, answer in (("village_a1", 404), ("village_b1", 404), ("admin_b", 404)):
        login(username)
        assert client.get(f"/food/banquets/{other}").status_code == answer, username
        assert client.post(f"/food/banquets/{other}/cancel", data={"confirm": "yes"}).status_code == answer, username
        assert client.post(f"/food/banquets/{other}/check", data={"checked_on": "2026-06-10",
                                                                  "result": "pass"}).status_code == answer
    login("village_b1")
    assert "王大明" not in client.get("/food/banquets").text
    login("unit_a1")
    assert client.get("/food/banquets").status_code == 403
    assert client.get(f"/food/banquets/{other}").status_code == 403
    assert get(app, Banquet, other).status == BanquetStatus.REGISTERED


def test_only_the_office_records_the_check(app, client, login, world):
    login("village_a1")
    banquet_id = made_id(register(client, world.a1))
    assert client.post(f"/food/banquets/{banquet_id}/check", data={
        "checked_on": "2026-06-10", "result": "pass", "points": ["premises"]}).status_code == 403
    login("admin_a")
    refused = client.post(f"/food/banquets/{banquet_id}/check", data={"checked_on": "2026-06-11", "result": "pass"})
    assert refused.status_code == 422  # a check is recorded once done
    assert get(app, Banquet, banquet_id).status == BanquetStatus.REGISTERED


def test_a_banquet_is_held_only_on_or_after_its_day_and_can_be_cancelled(app, client, login, world):
    login("village_a1")
    banquet_id = made_id(register(client, world.a1))
    assert client.post(f"/food/banquets/{banquet_id}/hold").status_code == 303
    assert get(app, Banquet, banquet_id).status == BanquetStatus.REGISTERED  # refused, flashed
    with time_machine.travel("2026-06-20 20:00 +0800", tick=False):
        login("village_a1")
        assert client.post(f"/food/banquets/{banquet_id}/hold").status_code == 303
    assert get(app, Banquet, banquet_id).status == BanquetStatus.HELD
    login("village_a1")
    second = made_id(register(client, world.a1, host_name="张小红"))
    assert client.post(f"/food/banquets/{second}/cancel", data={"confirm": "yes"}).status_code == 303
    assert client.post(f"/food/banquets/{second}/cancel", data={"confirm": "yes"}).status_code == 303  # a double tap
    assert get(app, Banquet, second).status == BanquetStatus.CANCELLED
    assert count(app, AuditEvent, AuditEvent.entity_type == "food_banquet", AuditEvent.action == "cancel") == 1


def test_a_resent_form_registers_one_banquet(app, client, login, world):
    login("village_a1")
    form = banquet_form(world.a1)
    first = made_id(client.post("/food/banquets/new", data=form))
    assert made_id(client.post("/food/banquets/new", data=form)) == first
    assert count(app, Banquet) == 1


@pytest.mark.parametrize("same_key", [True, False], ids=["double-tap", "two-phones"])
def test_registrations_and_checks_at_the_same_moment_happen_once(app, live, client, login, world, same_key):
    opener = signed_in(live, "village_a1")
    start, statuses, form = threading.Barrier(4), [], banquet_form(world.a1)

    def post(url, body):
        start.wait()
        statuses.append(status_of(opener, urllib.request.Request(url, data=urllib.parse.urlencode(body).encode())))

    if same_key:
        workers = [threading.Thread(target=post, args=(f"{live}/food/banquets/new", form)) for _ in range(4)]
    else:
        login("admin_a")
        banquet_id = made_id(register(client, world.a1))
        opener = signed_in(live, "inspector_a")
        body = {"checked_on": "2026-06-10", "result": "fail", "check_note": "无留样"}
        workers = [threading.Thread(target=post, args=(f"{live}/food/banquets/{banquet_id}/check", body))
                   for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 4
    assert count(app, Banquet) == 1
    if not same_key:
        assert count(app, AuditEvent, AuditEvent.action == "site_check") == 1
        assert get(app, Banquet, banquet_id).check_passed is False


def test_the_banquet_register_exports_to_excel_with_the_list_filters(app, client, login, world):
    from io import BytesIO

    from openpyxl import load_workbook

    login("village_a1")
    register(client, world.a1)
    register(client, world.a1, host_name="赵小二", diners="40", tables="4")
    response = client.get("/exports/food_banquets.xlsx?view=waiting_check")
    assert response.status_code == 200
    rows = [r for r in load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True)]
    hosts = [r[5] for r in rows[2:]]
    assert hosts == ["王大明"]
    assert client.get("/exports/food_banquets.xlsx?village_id=abc").status_code == 400
    login("unit_a1")
    assert client.get("/exports/food_banquets.xlsx").status_code == 403
    assert count(app, Banquet, sa.true()) == 2


def test_a_second_different_check_is_refused_and_the_same_check_resent_passes_quietly(app, client, login, world):
    login("village_a1")
    banquet_id = made_id(register(client, world.a1))
    english(login("inspector_a"))
    first = {"checked_on": "2026-06-10", "points": ["premises"], "result": "pass", "check_note": ""}
    assert client.post(f"/food/banquets/{banquet_id}/check", data=first).status_code == 303
    assert client.post(f"/food/banquets/{banquet_id}/check", data=first).status_code == 303  # a resend
    refused = client.post(f"/food/banquets/{banquet_id}/check", data={
        "checked_on": "2026-06-10", "result": "fail", "check_note": "无留样"})
    assert refused.status_code == 409
    assert "on-site check is recorded already" in refused.text
    banquet = get(app, Banquet, banquet_id)
    assert (banquet.check_passed, banquet.check_points, banquet.check_note) == (True, ["premises"], "")
    assert count(app, AuditEvent, AuditEvent.action == "site_check") == 1


def test_a_failed_check_needs_its_findings_and_a_passed_one_a_ticked_point(app, client, login, world):
    login("village_a1")
    banquet_id = made_id(register(client, world.a1))
    english(login("inspector_a"))
    failed = client.post(f"/food/banquets/{banquet_id}/check", data={
        "checked_on": "2026-06-10", "result": "fail", "check_note": "  "})
    assert failed.status_code == 422 and "A failed check needs its findings" in failed.text
    passed = client.post(f"/food/banquets/{banquet_id}/check", data={"checked_on": "2026-06-10", "result": "pass"})
    assert passed.status_code == 422 and "ticks at least one point" in passed.text
    assert get(app, Banquet, banquet_id).status == BanquetStatus.REGISTERED
