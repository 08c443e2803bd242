"""Contact details: everyone keeps their own phone, e-mail and channels; admins set them for the
users of their township; with them, events reach people by e-mail and text message."""
import threading

import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts import services
from hygiene.accounts.contact import normalise_email, normalise_mobile
from hygiene.accounts.models import User
from hygiene.accounts.schemas import contact_input
from hygiene.audit.models import AuditEvent
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.notifications.models import Notification
from tests.accounts.test_users import user_row
from tests.inspections.conftest import inspection  # noqa: F401  (fixture)

MINE = {"phone": "138 0013 8000", "email": "Li.Hua@QQ.com", "notify_by_email": "y", "notify_by_sms": "y"}


@pytest.mark.parametrize("raw, stored", [("13800138000", "13800138000"), ("+86 138-0013-8000", "13800138000"),
                                         ("86 13800138000", "13800138000"), ("", ""),
                                         ("010-12345678", None), ("12345", None), ("1380013800", None)])
def test_mobile_numbers_are_mainland_mobiles_only(raw, stored):
    assert normalise_mobile(raw) == stored


@pytest.mark.parametrize("raw, stored", [("li@example.cn", "li@example.cn"), ("Li@QQ.COM", "Li@qq.com"), ("", ""),
                                         ("li@", None), ("li example@qq.com", None), ("李@qq", None), ("@qq.com", None)])
def test_email_addresses_look_like_addresses(raw, stored):
    assert normalise_email(raw) == stored


def test_a_user_keeps_their_own_contact_details_and_channels(app, client, login, world):
    login("village_a1")
    assert client.get("/account/contact").status_code == 200
    response = client.post("/account/contact", data={**MINE, "notify_by_sms": ""})
    assert response.status_code == 303
    user = user_row(app, "village_a1")
    assert (user.phone, user.email, user.notify_by_email, user.notify_by_sms) == (
        "13800138000", "Li.Hua@qq.com", True, False)
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.entity_id == world.user_village_a1,
                                                             AuditEvent.entity_type == "user_account"))
    assert event.after["phone"] == "13800138000" and event.actor_id == world.user_village_a1


def test_bad_numbers_and_addresses_are_refused_beside_their_fields_and_nothing_is_saved(app, client, login, world):
    login("unit_a1")
    response = client.post("/account/contact", data={**MINE, "phone": "010-1234567", "email": "li@qq"})
    assert response.status_code == 422
    assert "不是有效的手机号码" in response.text and "不是有效的电子邮箱地址" in response.text
    assert 'value="010-1234567"' in response.text and 'value="li@qq"' in response.text  # what was typed stays
    user = user_row(app, "unit_a1")
    assert (user.phone, user.email) == ("", "")


def test_nobody_changes_another_users_details_except_an_admin_of_their_township(app, world):
    with app.app_context():
        def change(actor, target):
            who = db.session.get(User, actor)
            services.contact_update(scope=Scope.of(who), actor_id=who.id, user=db.session.get(User, target),
                                    data=contact_input(MINE))
        for actor, target in [(world.user_village_a1, world.user_unit_a1), (world.user_inspector_a, world.user_unit_a1),
                              (world.user_admin_b, world.user_unit_a1), (world.user_admin_a, world.user_village_b1)]:
            with pytest.raises(NotFound):
                change(actor, target)
        change(world.user_admin_a, world.user_unit_a1)
        assert db.session.get(User, world.user_unit_a1).email == "Li.Hua@qq.com"
        db.session.rollback()


def test_an_admin_sets_contact_details_on_the_user_form(app, client, login, world):
    login("admin_a")
    user = user_row(app, "unit_a1")
    form = {"username": "unit_a1", "display_name": "unit_a1", "role": "unit_contact", "unit_id": str(world.unit_a1),
            "township_id": "", "village_id": "", "password": "", **MINE}
    assert client.post(f"/users/{user.id}/edit", data=form).status_code == 302
    assert user_row(app, "unit_a1").phone == "13800138000"
    assert "Li.Hua@qq.com" in client.get(f"/users/{user.id}").text
    bad = client.post(f"/users/{user.id}/edit", data={**form, "email": "not an address"})
    assert bad.status_code == 422 and "不是有效的电子邮箱地址" in bad.text
    login("admin_b")
    assert client.post(f"/users/{user.id}/edit", data=form).status_code == 404


def test_with_contact_details_an_issued_order_is_queued_by_email_and_text_message(app, client, login, world,
                                                                                  inspection, monkeypatch):  # noqa: F811
    from tests.rectifications.conftest import submit

    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    login("unit_a1")
    client.post("/account/contact", data=MINE)
    with app.app_context():
        submit(inspection)
        db.session.commit()
        channels = db.session.scalars(sa.select(Notification.channel).where(
            Notification.kind == "order_issued").order_by(Notification.channel)).all()
    assert channels == ["email", "in_app", "sms"]


def test_two_identical_saves_at_once_leave_one_change(app, client, login, world):
    login("inspector_a")
    cookie = client.get_cookie("session").value
    codes = []

    def save():
        with app.test_client() as twin:
            twin.set_cookie("session", cookie)
            codes.append(twin.post("/account/contact", data=MINE).status_code)

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [303, 303] and user_row(app, "inspector_a").phone == "13800138000"
