"""Signing in and out, landing pages, and the interface language."""
import pytest
import sqlalchemy as sa

from hygiene.accounts.models import User
from hygiene.extensions import db


def test_login_page_speaks_chinese_by_default(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text


def test_wrong_password_is_refused_and_keeps_the_user_name(client, world):
    response = client.post("/login", data={"username": "admin_a", "password": "nope-nope"})
    assert response.status_code == 401
    assert 'value="admin_a"' in response.text
    assert client.get("/").status_code == 302  # still signed out


def test_each_role_lands_on_its_dashboard(client, world, login):
    for username, expected in [("admin_a", "/users/new"), ("inspector_a", "/inspections/agenda"),
                               ("village_a1", "甲一村"), ("unit_a1", "a1饭店")]:
        page = login(username).get("/")
        assert page.status_code == 200 and expected in page.text, username


def test_a_deactivated_user_cannot_sign_in(client, world, app):
    with app.app_context():
        db.session.get(User, world.user_inspector_a).active = False
        db.session.commit()
    response = client.post("/login", data={"username": "inspector_a", "password": "pw-12345678"})
    assert response.status_code == 401


def test_sign_in_records_the_time_and_accepts_any_case(client, world, app):
    assert client.post("/login", data={"username": "ADMIN_A", "password": "pw-12345678"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(User.last_login_at).where(User.username == "admin_a"))


def test_next_only_redirects_within_the_site(client, world):
    data = {"username": "admin_a", "password": "pw-12345678"}
    response = client.post("/login?next=//evil.example/x", data=data)
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/register/units/", data=data)
    assert response.headers["Location"] == "/register/units/"


@pytest.mark.parametrize("target", ["/\\evil.example/x", "/\tevil.example", "\\\\evil.example", "/\n/evil.example",
                                    "https://evil.example/", "javascript:alert(1)"])
def test_next_refuses_what_a_browser_reads_as_another_site(client, world, target):
    """Browsers read "/\\host" as "//host" and drop tabs and newlines."""
    data = {"username": "admin_a", "password": "pw-12345678"}
    response = client.post("/login", query_string={"next": target}, data=data)
    assert response.headers["Location"] == "/"


def test_next_leads_on_to_the_notice_report_link(client, world):
    data = {"username": "admin_a", "password": "pw-12345678"}
    response = client.post("/login?next=/o/AbC-12_xyz/report", data=data)
    assert response.headers["Location"] == "/o/AbC-12_xyz/report"


def test_pages_need_a_signed_in_user(client, world):
    response = client.get("/register/units/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_switching_to_english_and_back(client, world, login):
    login("admin_a")
    english = client.get("/language/en?next=/register/units/", follow_redirects=True)
    assert '<html lang="en">' in english.text and "Units" in english.text
    chinese = client.get("/language/zh_CN", follow_redirects=True)
    assert '<html lang="zh-CN">' in chinese.text


def test_sign_out_needs_a_post_and_ends_the_session(client, world, login):
    login("admin_a")
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_the_interface_really_speaks_chinese_and_english_on_request(client, world):
    assert "登录" in client.get("/login").text
    client.get("/language/en")
    page = client.get("/login").text
    assert "Sign in" in page and "登录" not in page
