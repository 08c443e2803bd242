"""Sign-ins live on the server: signing out, a password change or deactivation ends them,
and a copied session or remember cookie dies with them."""
import sqlalchemy as sa

import config
from hygiene import create_app
from hygiene.accounts.models import User, UserSession
from hygiene.extensions import db
from tests.conftest import PASSWORD


def sign_in(client, username="inspector_a", remember=True):
    data = {"username": username, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302
    return client


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def copy_cookies(source, target, names=("session", "remember_token")):
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)
    return target


def test_signing_out_with_keep_me_signed_in_ends_the_remember_cookie(app, client, world):
    sign_in(client)
    remember = client.get_cookie("remember_token")
    assert remember is not None and remember.http_only
    stolen = copy_cookies(client, app.test_client(), names=("remember_token",))
    assert signed_in(stolen)  # the remember cookie alone signs in, as it should
    client.post("/logout")
    assert client.get_cookie("remember_token") is None
    assert not signed_in(client)
    assert not signed_in(copy_cookies(client, app.test_client()))
    assert not signed_in(app.test_client().__class__(app))  # a fresh browser: the sign-in page
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember.value)
    assert not signed_in(fresh), "the remember cookie still signs in after sign-out"


def test_a_copied_session_cookie_dies_at_sign_out(app, client, world):
    sign_in(client, remember=False)
    copy = copy_cookies(client, app.test_client(), names=("session",))
    assert signed_in(copy)
    client.post("/logout")
    assert not signed_in(copy)


def test_each_sign_in_gets_its_own_token(app, world):
    first, second = sign_in(app.test_client()), sign_in(app.test_client())
    assert first.get_cookie("remember_token").value != second.get_cookie("remember_token").value
    first.post("/logout")
    assert signed_in(second)  # signing out on one device leaves the other


def test_a_password_change_ends_every_sign_in_of_that_user(app, client, world, login):
    phone = sign_in(app.test_client())
    other = sign_in(app.test_client(), "village_a1")
    admin = login("admin_a")
    response = admin.post(f"/users/{world.user_inspector_a}/edit", data={
        "username": "inspector_a", "display_name": "inspector_a", "role": "inspector",
        "township_id": str(world.ta), "password": "a-new-password-1"})
    assert response.status_code == 302
    assert not signed_in(phone)
    assert signed_in(other) and signed_in(admin)


def test_an_edit_without_a_new_password_keeps_the_sign_ins(app, client, world, login):
    phone = sign_in(app.test_client())
    login("admin_a").post(f"/users/{world.user_inspector_a}/edit", data={
        "username": "inspector_a", "display_name": "Inspector A", "role": "inspector",
        "township_id": str(world.ta), "password": ""})
    assert signed_in(phone)


def test_deactivation_ends_every_sign_in(app, client, world, login):
    phone = sign_in(app.test_client())
    login("admin_a").post(f"/users/{world.user_inspector_a}/active", data={"active": "0"})
    assert not signed_in(phone)
    login("admin_a").post(f"/users/{world.user_inspector_a}/active", data={"active": "1"})
    assert not signed_in(phone), "reactivating does not bring old cookies back"


def test_sign_out_everywhere_is_audited_and_scoped(app, client, world, login):
    phone = sign_in(app.test_client())
    admin = login("admin_b")
    assert admin.post(f"/users/{world.user_inspector_a}/sessions/end").status_code == 404
    assert signed_in(phone)
    admin = login("admin_a")
    assert admin.post(f"/users/{world.user_inspector_a}/sessions/end").status_code == 302
    assert not signed_in(phone)
    assert "signed out everywhere" in admin.get(f"/users/{world.user_inspector_a}?lang=en").text \
        or "全部设备" in admin.get(f"/users/{world.user_inspector_a}").text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession).where(
            UserSession.user_id == world.user_inspector_a, UserSession.ended_at.is_(None))) == 0


def test_an_old_style_cookie_without_a_token_signs_nobody_in(app, client, world):
    with client.session_transaction() as session:
        session["_user_id"] = str(world.user_admin_a)
        session["_fresh"] = True
    assert not signed_in(client)
    with client.session_transaction() as session:
        session["_user_id"] = f"{world.user_admin_a}:made-up-token"
    assert not signed_in(client)


def test_a_deactivated_user_with_a_live_row_is_not_loaded(app, client, world):
    sign_in(client)
    with app.app_context():  # deactivated behind the service's back: still no entry
        db.session.get(User, world.user_inspector_a).active = False
        db.session.commit()
    assert not signed_in(client)


def test_production_remember_cookie_is_secure_and_same_site(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    settings = create_app(config.ProductionConfig).config
    assert settings["REMEMBER_COOKIE_SECURE"] is True and settings["SESSION_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_SAMESITE"] == "Lax" and settings["REMEMBER_COOKIE_HTTPONLY"]


def test_ended_sign_ins_are_forgotten_at_the_next_sign_in(app, world):
    for _ in range(3):
        sign_in(app.test_client()).post("/logout")
    sign_in(app.test_client())
    with app.app_context():
        rows = db.session.scalars(sa.select(UserSession).where(
            UserSession.user_id == world.user_inspector_a)).all()
        assert len(rows) == 1 and rows[0].ended_at is None
