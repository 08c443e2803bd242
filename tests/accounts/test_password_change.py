"""Everyone changes their own password: the current one first, the new one twice, the admin
form's strength rule; every other sign-in ends and this device stays signed in."""
import threading
import urllib.parse
import urllib.request

import pytest
import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from tests.accounts.test_sessions import copy_cookies, sign_in, signed_in
from tests.conftest import PASSWORD
from tests.rectifications.test_evidence_once import signed_in as opener_signed_in
from tests.rectifications.test_evidence_once import status_of

NEW = "lantern-river-42"


def change(client, current=PASSWORD, new=NEW, confirm=None):
    return client.post("/account/password", data={"current_password": current, "new_password": new,
                                                  "confirm_password": new if confirm is None else confirm})


def can_sign_in(app, username, password) -> bool:
    return app.test_client().post("/login", data={"username": username, "password": password}).status_code == 302


def password_events(app) -> list:
    with app.app_context():
        return db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity_type == "user_account", AuditEvent.action == "update")).all()


@pytest.mark.parametrize("username", ["admin_a", "inspector_a", "village_a1", "unit_a1"])
def test_every_role_reaches_the_page_from_their_contact_details(client, login, world, username):
    login(username)
    assert 'href="/account/password"' in client.get("/account/contact").get_data(as_text=True)
    page = client.get("/account/password")
    assert page.status_code == 200 and 'name="current_password"' in page.get_data(as_text=True)


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.location


def test_a_change_ends_every_other_sign_in_and_keeps_this_device_signed_in(app, world):
    phone, office_pc = sign_in(app.test_client(), "village_a1"), sign_in(app.test_client(), "village_a1")
    old_copy = copy_cookies(phone, app.test_client())
    response = change(phone)
    assert response.status_code == 303
    assert signed_in(phone), "the device that changed the password was signed out"
    assert not signed_in(office_pc) and not signed_in(old_copy)
    remembered = app.test_client()  # the renewed "keep me signed in" cookie carries the new sign-in
    remembered.set_cookie("remember_token", phone.get_cookie("remember_token").value)
    assert signed_in(remembered)
    assert can_sign_in(app, "village_a1", NEW) and not can_sign_in(app, "village_a1", PASSWORD)
    [event] = password_events(app)
    assert event.actor_id == world.user_village_a1 and event.entity_id == world.user_village_a1
    assert NEW not in str(event.after) and PASSWORD not in str(event.before)


@pytest.mark.parametrize("current, new, confirm, field, message", [
    ("wrong-password", NEW, NEW, "current_password", "当前密码不正确，密码未修改。"),
    (PASSWORD, "short", "short", "new_password", "至少需要8个字符"),
    (PASSWORD, "12345678", "12345678", "new_password", "太容易被猜到"),
    (PASSWORD, "village_a1-pass", "village_a1-pass", "new_password", "太容易被猜到"),
    (PASSWORD, NEW, NEW + "x", "confirm_password", "两次输入的新密码不一致"),
    (PASSWORD, PASSWORD, PASSWORD, "new_password", "与当前密码相同"),
    ("", NEW, NEW, "current_password", "请输入当前密码"),
])
def test_a_refused_change_says_why_and_changes_nothing(app, world, current, new, confirm, field, message):
    client, other = sign_in(app.test_client(), "village_a1"), sign_in(app.test_client(), "village_a1")
    response = change(client, current, new, confirm)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page, page
    assert f'name="{field}"' in page and 'aria-invalid="true"' in page
    assert signed_in(client) and signed_in(other)
    assert can_sign_in(app, "village_a1", PASSWORD) and not password_events(app)


def test_guessing_the_current_password_ends_the_sign_in_after_five_tries(app, world):
    client = sign_in(app.test_client(), "inspector_a")
    for _try in range(4):
        assert change(client, current="guess").status_code == 422
    response = change(client, current="guess")
    assert response.status_code == 303 and response.location.endswith("/login")
    assert not signed_in(client)
    assert can_sign_in(app, "inspector_a", PASSWORD)


def test_a_double_tap_changes_the_password_once(app, world, live):
    """Two identical posts at the same moment from one device: one change, one audit entry,
    and the device stays signed in."""
    opener = opener_signed_in(live, "unit_a1")
    body = urllib.parse.urlencode({"current_password": PASSWORD, "new_password": NEW,
                                   "confirm_password": NEW}).encode()
    barrier, results = threading.Barrier(2), []

    def post():
        barrier.wait()
        results.append(status_of(opener, urllib.request.Request(f"{live}/account/password", data=body)))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [303, 303] or sorted(results) == [302, 303], results  # 302: already signed out
    assert len(password_events(app)) == 1
    assert can_sign_in(app, "unit_a1", NEW)


def test_the_same_change_resent_after_it_was_made_is_not_a_wrong_password(app, world):
    """A resend that arrives after the first post changed the password (a lost response, a
    double tap under load) finds the change made: no "wrong password", no second entry."""
    client = sign_in(app.test_client(), "unit_a1")
    assert change(client).status_code == 303
    again = change(client)
    assert again.status_code == 303, again.get_data(as_text=True)
    assert len(password_events(app)) == 1 and can_sign_in(app, "unit_a1", NEW)
    assert change(client, current=PASSWORD, new="another-pass-77").status_code == 422  # not the same change
