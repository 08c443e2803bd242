"""The QR code's page leads on to reporting the fix: a button to the order's page, through
sign-in, that tells a visitor who is not signed in nothing more of the order."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from hygiene.extensions import db
from hygiene.rectifications.models import RectificationOrder

REPORT = "上报整改情况"


def _button_href(text: str) -> str:
    return re.search(r'<a class="report-button" href="([^"]+)">' + REPORT + "</a>", text)[1]


def test_the_public_notice_has_a_report_button_that_names_only_the_token(client, order):
    page = client.get(f"/o/{order.token}")
    assert page.status_code == 200
    href = _button_href(page.text)
    assert href == f"/o/{order.token}/report"
    assert f"/orders/{order.id}" not in page.text  # nothing of the order's inner address


def test_the_office_print_view_has_no_report_button(client, login, order):
    login("admin_a")
    page = client.get(f"/orders/{order.id}/notice")
    assert page.status_code == 200 and "report-button" not in page.text


def test_a_signed_out_visitor_is_asked_to_sign_in_and_learns_nothing_of_the_order(client, order):
    response = client.get(f"/o/{order.token}/report")
    assert response.status_code == 303
    target = urlsplit(response.location)
    assert target.path == "/login" and parse_qs(target.query) == {"next": [f"/o/{order.token}/report"]}
    assert "orders" not in response.location  # the next page names only the token


def test_after_sign_in_the_contact_lands_on_the_order_page(client, order):
    response = client.post(f"/login?next=/o/{order.token}/report",
                           data={"username": "unit_a1", "password": "pw-12345678"})
    assert response.status_code == 302 and response.location == f"/o/{order.token}/report"
    response = client.get(response.location)
    assert response.status_code == 303 and response.location == f"/orders/{order.id}"
    assert client.get(response.location).status_code == 200


@pytest.mark.parametrize("username", ["unit_a1", "village_a1", "inspector_a", "admin_a"])
def test_a_signed_in_user_who_may_see_the_order_goes_straight_there(client, login, order, username):
    login(username)
    response = client.get(f"/o/{order.token}/report")
    assert response.status_code == 303 and response.location == f"/orders/{order.id}"


@pytest.mark.parametrize("username", ["village_a2", "village_b1", "admin_b"])
def test_a_user_of_another_village_is_told_plainly_and_not_sent_on(app, client, login, world, order, username):
    if username == "village_a2":
        from hygiene.accounts.models import User

        with app.app_context():
            user = User(username="village_a2", display_name="village_a2", role="village_contact",
                        village_id=world.a2, township_id=world.ta)
            user.set_password("pw-12345678")
            db.session.add(user)
            db.session.commit()
    login(username)
    response = client.get(f"/o/{order.token}/report")
    assert response.status_code == 403 and "其他村（社区）或单位" in response.text
    assert f"/orders/{order.id}" not in response.text


def test_an_unknown_or_malformed_token_is_404(client, login, order):
    assert client.get("/o/doesnotexist1/report").status_code == 404
    assert client.get("/o/a/report").status_code == 404
    login("unit_a1")
    assert client.get("/o/doesnotexist1/report").status_code == 404


def test_a_withdrawn_order_offers_no_report_button(app, client, order):
    with app.app_context():
        db.session.get(RectificationOrder, order.id).status = "withdrawn"
        db.session.commit()
    page = client.get(f"/o/{order.token}")
    assert page.status_code == 200 and "report-button" not in page.text
