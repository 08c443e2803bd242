"""The office's pest-control settings page (/supplies/settings): defaults from rules.yaml, checked
input, audited changes, only the township's admins, one row however often it is saved."""
import re
import threading
import urllib.parse
import urllib.request

import pytest
import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.pests.models import PestSettings
from tests.rectifications.test_evidence_once import signed_in, status_of

GOOD = {"spray_months": ["5", "6", "7", "8", "9"], "spray_every_days_min": "2", "spray_every_days_max": "4",
        "days_before_end": "3"}


def saved(app) -> list[tuple]:
    with app.app_context():
        return [(row.township_id, row.spray_months, row.spray_every_days_min, row.spray_every_days_max,
                 row.days_before_end) for row in db.session.scalars(sa.select(PestSettings))]


def checked_months(page: str) -> list[int]:
    return [int(m) for m in re.findall(r'<input checked[^>]*name="spray_months"[^>]*value="(\d+)"', page)]


def number_in(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page).group(1)


def audits(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.entity_type == "pest_settings"))


def test_the_page_shows_the_work_plans_defaults_until_the_office_saves_its_own(app, client, login, world):
    login("admin_a")
    page = client.get("/supplies/settings")
    assert page.status_code == 200 and "除四害设置" in page.text
    assert checked_months(page.text) == [6, 7, 8]
    assert number_in(page.text, "spray_every_days_min") == "2" and number_in(page.text, "spray_every_days_max") == "3"
    assert number_in(page.text, "days_before_end") == "2"
    assert "权重默认为0" in page.text or "权重为0" in page.text
    assert "/supplies/settings" in client.get("/supplies/").text  # the products page links to it


def test_saving_keeps_the_settings_audits_the_change_and_a_resend_changes_nothing(app, client, login, world):
    login("admin_a")
    response = client.post("/supplies/settings", data=GOOD)
    assert response.status_code == 303 and response.location.endswith("/supplies/settings")
    assert client.post("/supplies/settings", data=GOOD).status_code == 303  # the same again
    assert saved(app) == [(world.ta, [5, 6, 7, 8, 9], 2, 4, 3)]
    assert audits(app) == 1
    assert client.post("/supplies/settings", data=GOOD | {"spray_months": []}).status_code == 303  # no season
    assert saved(app) == [(world.ta, [], 2, 4, 3)] and audits(app) == 2
    login("admin_a")
    page = client.get("/supplies/settings").text
    assert checked_months(page) == [] and number_in(page, "spray_every_days_max") == "4"


@pytest.mark.parametrize("changes, field, message", [
    ({"spray_every_days_min": "5", "spray_every_days_max": "3"}, "spray_every_days_max", "最长间隔不能短于最短间隔"),
    ({"spray_months": ["6", "13"]}, "spray_months", "请选择1至12月"),
    ({"spray_months": ["六"]}, "spray_months", "请选择1至12月"),
    ({"spray_every_days_min": "0"}, "spray_every_days_min", "请输入 1 到 30 之间的整数"),
    ({"spray_every_days_max": "31"}, "spray_every_days_max", "请输入 1 到 30 之间的整数"),
    ({"spray_every_days_max": "99999999999999999999999"}, "spray_every_days_max", "请输入 1 到 30 之间的整数"),
    ({"days_before_end": "-1"}, "days_before_end", "请输入 0 到 30 之间的整数"),
    ({"days_before_end": "2.5"}, "days_before_end", "请输入 0 到 30 之间的整数"),
    ({"days_before_end": ""}, "days_before_end", "请输入 0 到 30 之间的整数"),
])
def test_bad_settings_are_refused_beside_the_field_with_nothing_saved(app, client, login, world, changes, field,
                                                                      message):
    login("admin_a")
    response = client.post("/supplies/settings", data=GOOD | changes)
    assert response.status_code == 422 and message in response.text and 'class="field has-error' in response.text
    assert saved(app) == [] and audits(app) == 0


def test_junk_bytes_never_give_a_server_error(app, client, login, world):
    login("admin_a")
    for junk in ({"days_before_end": "3\x00"}, {"spray_months": ["6\x00"]}, {"spray_every_days_min": "２"}):
        assert client.post("/supplies/settings", data=GOOD | junk).status_code in (303, 400, 422)
    assert all(row[0] == world.ta for row in saved(app))


@pytest.mark.parametrize("username", ["inspector_a", "village_a1", "unit_a1", "county"])
def test_only_the_township_s_admins_read_or_change_the_settings(app, client, login, world, username):
    login(username)
    assert client.get("/supplies/settings").status_code == 403
    assert client.post("/supplies/settings", data=GOOD).status_code == 403
    assert saved(app) == []


def test_each_office_keeps_its_own_settings(app, client, login, world):
    login("admin_a")
    client.post("/supplies/settings", data=GOOD)
    login("admin_b")
    assert checked_months(client.get("/supplies/settings").text) == [6, 7, 8]  # township B's are still the defaults
    client.post("/supplies/settings", data=GOOD | {"days_before_end": "7"})
    assert sorted(saved(app)) == sorted([(world.ta, [5, 6, 7, 8, 9], 2, 4, 3), (world.tb, [5, 6, 7, 8, 9], 2, 4, 7)])


def test_two_first_saves_at_the_same_moment_keep_one_row(app, live, world):
    opener = signed_in(live, "admin_a")
    body = urllib.parse.urlencode(GOOD, doseq=True).encode()
    threads, start, statuses = 4, threading.Barrier(4), []

    def post():
        start.wait()
        statuses.append(status_of(opener, urllib.request.Request(f"{live}/supplies/settings", data=body)))

    workers = [threading.Thread(target=post) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * threads
    assert saved(app) == [(world.ta, [5, 6, 7, 8, 9], 2, 4, 3)] and audits(app) == 1
