"""The account's API token page: make a token (shown once), use it, revoke it; only one's own."""
from __future__ import annotations

import re

import sqlalchemy as sa

from hygiene.accounts.models import ApiToken
from hygiene.accounts.tokens import MAX_ACTIVE_TOKENS
from hygiene.extensions import db
from tests.api.helpers import bearer, token_for


def _secret_on(page: str) -> str:
    found = re.search(r"hyg_[A-Za-z0-9_-]{43}", page)
    assert found, "the new token is shown on the page"
    return found.group(0)


def test_make_use_and_revoke_a_token(app, client, login, world):
    login("inspector_a")
    made = client.post("/account/tokens/", data={"name": "县平台"})
    assert made.status_code == 303  # a reload of the answer shows the page, never posts again
    text = client.get(made.headers["Location"]).get_data(as_text=True)
    secret = _secret_on(text)
    assert "只显示这一次" in text
    assert secret not in client.get("/account/tokens/").get_data(as_text=True)  # once only
    assert client.get("/api/v1/me", headers=bearer(secret)).json["username"] == "inspector_a"
    listing = client.get("/account/tokens/").get_data(as_text=True)
    assert "县平台" in listing and secret not in listing and secret[-4:] in listing
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        assert token.digest != secret and secret not in token.digest
    answer = client.post(f"/account/tokens/{token.id}/revoke")
    assert answer.status_code == 303
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 303  # again: nothing changes


def test_a_name_is_required_and_nothing_is_made_without_it(app, client, login, world):
    login("admin_a")
    for name in ("", "   ", "x" * 61, "a\x01b"):
        assert client.post("/account/tokens/", data={"name": name}).status_code == 422, name
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_the_number_of_tokens_in_use_is_bounded(app, client, login, world):
    for n in range(MAX_ACTIVE_TOKENS):
        token_for(app, world.user_admin_a, name=f"t{n}")
    login("admin_a")
    answer = client.post("/account/tokens/", data={"name": "one more"})
    assert answer.status_code == 422 and "撤销" in answer.get_data(as_text=True)


def test_nobody_revokes_another_user_s_token(app, client, login, world):
    secret = token_for(app, world.user_admin_a)
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    login("county")
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 404
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    assert secret[-4:] not in client.get("/account/tokens/").get_data(as_text=True)


def test_signing_out_everywhere_revokes_the_phone_s_offline_token_not_a_script_s(app, client, login, world):
    phone = token_for(app, world.user_inspector_a, purpose="offline", name="phone")
    script = token_for(app, world.user_inspector_a, purpose="client", name="script")
    login("inspector_a")
    answer = client.post("/account/password", data={"current_password": "pw-12345678",
                                                     "new_password": "a-new-Passw0rd!", "confirm_password": "a-new-Passw0rd!"})
    assert answer.status_code == 303
    assert client.get("/api/v1/me", headers=bearer(phone)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(script)).status_code == 200


def test_signed_out_users_are_sent_to_sign_in(client, world):
    assert client.get("/account/tokens/").status_code == 302
    assert client.post("/account/tokens/", data={"name": "x"}).status_code in (302, 400)
