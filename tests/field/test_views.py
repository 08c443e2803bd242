"""The field app's pages: the shell in Chinese for office staff, its manifest and service worker,
and the API token it signs in with."""
from __future__ import annotations

import json
from html import unescape

import sqlalchemy as sa

from hygiene.accounts.models import ApiToken
from hygiene.extensions import db
from tests.api.helpers import bearer
from tests.test_security_headers import inline_script


def test_an_inspector_opens_the_shell_in_chinese_with_its_words_as_data(login, world):
    page = login("inspector_a").get("/field/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "现场采集 (离线)" in html and "同步离线任务" in html
    assert 'rel="manifest"' in html and 'data-sw="/field/sw.js"' in html
    words = json.loads(unescape(html.split("data-words='", 1)[1].split("'", 1)[0]))
    assert words["cancelled"] == "已被办公室取消" and words["waiting"] == "待上传 {n}"
    assert inline_script(html) == []  # the CSP forbids inline script: the words are data, the code static


def test_contacts_may_not_open_the_field_app_and_strangers_sign_in_first(client, login, world):
    assert client.get("/field/").status_code == 302
    assert client.post("/field/token").status_code in (302, 401)
    for contact in ("village_a1", "unit_a1"):
        assert login(contact).get("/field/").status_code == 403
        assert login(contact).post("/field/token", json={"name": "phone"}).status_code == 403


def test_the_manifest_installs_the_app_on_its_own_scope(client, world):
    answer = client.get("/field/manifest.webmanifest")
    assert answer.status_code == 200 and answer.mimetype == "application/manifest+json"
    manifest = answer.json
    assert manifest["start_url"] == manifest["scope"] == "/field/" and manifest["display"] == "standalone"
    assert manifest["name"] == "现场采集 (离线)"
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as image:
            assert image.status_code == 200 and image.mimetype == "image/png"


def test_the_service_worker_is_javascript_never_cached_and_keeps_the_shell_files(client, world):
    answer = client.get("/field/sw.js")
    assert answer.status_code == 200 and answer.mimetype == "text/javascript"
    assert answer.headers["Cache-Control"] == "no-cache"
    body = answer.get_data(as_text=True)
    assert 'var CACHE = "hygiene-field-' in body and '"/static/field/app.js"' in body
    assert "importScripts(\"/static/field/store.js\", \"/static/field/queue.js\")" in body
    for url in json.loads(body.split("var FILES = ", 1)[1].split(";", 1)[0]):
        with client.get(url) as kept:
            assert kept.status_code == 200, url


def test_the_token_made_for_the_phone_works_on_the_api_and_is_marked_offline(app, login, world):
    client = login("inspector_a")
    answer = client.post("/field/token", json={"name": "现场采集 · Android · 2026-11-30"})
    assert answer.status_code == 201
    assert answer.json["user_id"] == world.user_inspector_a and answer.json["token"].startswith("hyg_")
    me = app.test_client().get("/api/v1/me", headers=bearer(answer.json["token"]))
    assert me.status_code == 200 and me.json["username"] == "inspector_a"
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == world.user_inspector_a))
        assert token.purpose == "offline" and token.name == "现场采集 · Android · 2026-11-30"


def test_a_token_name_of_junk_is_cut_or_defaulted_never_a_500(app, login, world):
    client = login("admin_a")
    for body in ({"name": "x" * 500}, {"name": "\x00bad"}, {"name": 12}, {}, ["not", "a", "dict"]):
        answer = client.post("/field/token", json=body)
        assert answer.status_code in (201, 400, 422), (body, answer.status_code)  # NUL: the input guard's 400
    answer = client.post("/field/token", data=b"\xff\xfe", content_type="application/json")
    assert answer.status_code in (201, 400, 422)


def test_the_agenda_and_the_office_s_dashboard_link_to_the_field_app_a_contact_s_does_not(login, world):
    inspector = login("inspector_a")
    for page in ("/inspections/agenda", "/"):
        html = inspector.get(page).get_data(as_text=True)
        assert 'href="/field/"' in html and "现场采集 (离线)" in html, page
    assert 'href="/field/"' in login("admin_a").get("/").get_data(as_text=True)
    assert 'href="/field/"' not in login("village_a1").get("/").get_data(as_text=True)


def test_the_phone_s_token_ends_when_its_sign_in_ends_and_one_lives_per_sign_in(app, client, login, world):
    """On a shared phone the next person cannot send as the one who signed out; asking again
    from the same sign-in replaces the token instead of piling up another."""
    signed_in = login("inspector_a")
    first = signed_in.post("/field/token", json={"name": "phone"}).json["token"]
    second = signed_in.post("/field/token", json={"name": "phone"}).json["token"]
    assert client.get("/api/v1/me", headers=bearer(first)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200
    with app.app_context():
        live = db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_(None)))
        assert live == 1
    signed_in.post("/logout")
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 401


def test_many_sign_ins_never_exhaust_the_phone_tokens(app, client, login, world):
    from hygiene.accounts.tokens import MAX_ACTIVE_TOKENS

    for _n in range(MAX_ACTIVE_TOKENS + 2):
        answer = login("inspector_a").post("/field/token", json={"name": "phone"})
        assert answer.status_code == 201
    assert client.get("/api/v1/me", headers=bearer(answer.json["token"])).status_code == 200


def test_the_phone_s_token_is_no_entry_in_the_office_s_trail(app, login, world):
    from hygiene.audit.models import AuditEvent

    login("inspector_a").post("/field/token", json={"name": "phone"})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.entity_type == "api_token")) == 0


def test_whoami_names_the_signed_in_user_and_answers_401_once_signed_out(client, login, world):
    assert client.get("/field/whoami").status_code == 401
    assert client.get("/field/whoami").json == {"user_id": None}
    for name in ("inspector_a", "village_a1"):
        answer = login(name).get("/field/whoami")
        assert answer.status_code == 200 and answer.json == {"user_id": getattr(world, f"user_{name}")}
    client.post("/logout")
    assert client.get("/field/whoami").status_code == 401


def test_every_page_says_who_is_signed_in_and_marks_its_sign_out_form(client, login, world):
    assert 'data-signed-in=""' in client.get("/login").get_data(as_text=True)
    html = login("village_a1").get("/").get_data(as_text=True)
    assert f'data-signed-in="{world.user_village_a1}"' in html and "data-sign-out" in html
