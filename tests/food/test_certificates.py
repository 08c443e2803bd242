"""Food-unit workers' health certificates (健康证): the unit's contact or the office keeps them with
their yearly expiry; expired ones show on the unit's page and in the office's list (filters:
expired, expiring within 30 days); the unit's contact is reminded 30 days before, once."""
from __future__ import annotations

import threading
import urllib.parse
import urllib.request
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
import sqlalchemy as sa
import time_machine
from openpyxl import load_workbook

from hygiene.extensions import db
from hygiene.food.models import HealthCertificate
from hygiene.food.reminders import scan_certificates
from hygiene.notifications.models import Notification
from tests.food.helpers import NOW, certificate_form, count, get
from tests.rectifications.test_evidence_once import signed_in, status_of


@pytest.fixture(autouse=True)
def in_june():
    with time_machine.travel(NOW, tick=False):
        yield


def db_first(app) -> HealthCertificate:
    with app.app_context():
        certificate = db.session.scalars(sa.select(HealthCertificate)).one()
        db.session.expunge(certificate)
        return certificate


def add(client, unit, **fields):
    return client.post("/food/certificates/new", data=certificate_form(unit, **fields))


def add_rows(app, world):
    """Three certificates of 甲一村's restaurant: expired, expiring in 20 days, valid till next spring."""
    made = []
    with app.app_context():
        for name, number, expires in (("过期", "A-1", date(2026, 6, 1)), ("快到期", "A-2", date(2026, 6, 30)),
                                      ("有效", "A-3", date(2027, 3, 1))):
            made.append(HealthCertificate(township_id=world.ta, village_id=world.a1, unit_id=world.unit_a1,
                                          worker_name=name, number=number, issued_on=date(2025, 6, 1),
                                          expires_on=expires))
        db.session.add_all(made)
        db.session.commit()
        return [c.id for c in made]


def test_a_unit_contact_adds_a_certificate_valid_for_a_year_by_default(app, client, login, world):
    login("unit_a1")
    response = add(client, world.unit_a1, number="JK-0001", issued_on="2026-03-15")
    assert response.status_code == 303
    certificate = db_first(app)
    assert (certificate.unit_id, certificate.expires_on) == (world.unit_a1, date(2027, 3, 14))
    assert "JK-0001" in client.get("/food/certificates").text


def test_the_office_list_filters_expired_and_expiring_and_the_unit_page_shows_them(app, client, login, world):
    add_rows(app, world)
    login("admin_a")
    client.get("/language/en")
    expired = client.get("/food/certificates?state=expired").text
    assert "过期" in expired and "快到期" not in expired and "有效" not in expired
    expiring = client.get("/food/certificates?state=expiring").text
    assert "快到期" in expiring and "过期" not in expiring.replace("快到期", "")
    unit_page = client.get(f"/register/units/{world.unit_a1}").text
    assert "Health certificates" in unit_page and "A-1" in unit_page and "A-2" in unit_page and "A-3" not in unit_page
    login("unit_a1")
    assert "A-1" in client.get(f"/register/units/{world.unit_a1}").text


def test_renewing_a_certificate_moves_its_expiry_and_a_leaver_drops_off_the_list(app, client, login, world):
    expired, expiring, _valid = add_rows(app, world)
    login("unit_a1")
    response = client.post(f"/food/certificates/{expired}/edit", data={"worker_name": "过期", "number": "A-1-2026",
                                                              "issued_on": "2026-06-08", "expires_on": ""})
    assert response.status_code == 303
    assert get(app, HealthCertificate, expired).expires_on == date(2027, 6, 7)
    assert client.post(f"/food/certificates/{expiring}/retire", data={"confirm": "yes"}).status_code == 303
    assert "快到期" not in client.get("/food/certificates").text
    assert get(app, HealthCertificate, expiring).active is False


@pytest.mark.parametrize("fields", [
    {"worker_name": ""}, {"number": ""}, {"issued_on": ""}, {"issued_on": "2026-06-11"}, {"issued_on": "2026-02-30"},
    {"issued_on": "1900-01-01"}, {"expires_on": "2025-06-30", "issued_on": "2025-07-01"},
    {"unit_id": "99999999999999999999"}, {"unit_id": "-5"}, {"worker_name": "张\x00"}, {"number": "x" * 41},
], ids=lambda fields: ",".join(fields))
def test_bad_input_is_refused_in_the_form(app, client, login, world, fields):
    login("admin_a")
    response = add(client, world.unit_a1, **fields)
    assert response.status_code in (400, 422)
    assert count(app, HealthCertificate) == 0


def test_a_number_is_kept_once_per_township_and_a_resent_form_adds_one(app, client, login, world):
    login("admin_a")
    form = certificate_form(world.unit_a1, number="JK-7")
    assert client.post("/food/certificates/new", data=form).status_code == 303
    assert client.post("/food/certificates/new", data=form).status_code == 303
    again = add(client, world.unit_a2, number="JK-7")
    assert again.status_code == 422
    assert count(app, HealthCertificate) == 1


def test_certificates_are_kept_only_for_food_units_in_the_scope(app, client, login, world):
    from hygiene.places.models import Unit

    with app.app_context():
        shop = Unit(name="甲一村小卖部", category="office", village_id=world.a1)
        db.session.add(shop)
        db.session.commit()
        shop_id = shop.id
    login("admin_a")
    assert add(client, shop_id).status_code == 422
    assert add(client, world.unit_b1).status_code == 422
    login("unit_a1")
    assert add(client, world.unit_a2).status_code == 422
    assert count(app, HealthCertificate) == 0


def test_other_units_and_villages_see_none_and_only_keepers_write(app, client, login, world):
    first = add_rows(app, world)[0]
    for username in ("village_b1", "admin_b"):
        login(username)
        assert "A-1" not in client.get("/food/certificates").text
        assert client.get(f"/food/certificates/{first}/edit").status_code == 404
        assert client.post(f"/food/certificates/{first}/retire", data={"confirm": "yes"}).status_code == 404
    login("village_a1")
    assert "A-1" in client.get("/food/certificates").text  # the village reads its units'
    assert client.get(f"/food/certificates/{first}/edit").status_code == 403
    assert client.get("/food/certificates/new").status_code == 403
    login("inspector_a")
    assert client.post(f"/food/certificates/{first}/retire", data={"confirm": "yes"}).status_code == 403  # inspectors read, they do not keep
    assert get(app, HealthCertificate, first).active is True


def test_the_unit_contact_is_reminded_once_thirty_days_before_expiry(app, world):
    add_rows(app, world)
    now = datetime(2026, 6, 10, 0, 0, tzinfo=UTC)
    with app.app_context():
        from hygiene.accounts.models import User

        first = scan_certificates(now=now)
        second = scan_certificates(now=now)
        db.session.commit()
        rows = db.session.execute(sa.select(Notification.recipient_id, Notification.subject).where(
            Notification.kind == "health_certificate_expiring", Notification.channel == "in_app")).all()
        unit_contact = db.session.scalar(sa.select(User.id).where(User.username == "unit_a1"))
    assert first["certificates_expiring"] == 1 and second["certificate_reminders"] == 0
    assert [r.recipient_id for r in rows] == [unit_contact]
    assert "快到期" in rows[0].subject


def test_additions_at_the_same_moment_add_one(app, live, world):
    opener = signed_in(live, "unit_a1")
    start, statuses, form = threading.Barrier(4), [], certificate_form(world.unit_a1)

    def post():
        start.wait()
        statuses.append(status_of(opener, urllib.request.Request(f"{live}/food/certificates/new",
                                                                 data=urllib.parse.urlencode(form).encode())))

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 4
    assert count(app, HealthCertificate) == 1


def test_the_certificates_list_exports_with_its_filter(app, client, login, world):
    add_rows(app, world)
    login("admin_a")
    response = client.get("/exports/food_certificates.xlsx?state=expired")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    assert [r[3] for r in rows[2:]] == ["过期"]


def test_the_unit_contact_s_home_page_links_its_unit_and_shows_its_certificate_warnings(app, client, login, world):
    add_rows(app, world)
    home = login("unit_a1").get("/").text
    assert f'href="/register/units/{world.unit_a1}"' in home
    assert "过期" in home and "A-1" in home and "A-2" in home and "A-3" not in home
    assert client.get(f"/register/units/{world.unit_a1}").status_code == 200
    assert "A-1" not in login("village_b1").get("/").text


def test_the_leaver_button_reads_as_an_action(app, client, login, world):
    add_rows(app, world)
    page = login("unit_a1").get("/food/certificates").text
    assert "登记离职" in page and ">已离职<" not in page
