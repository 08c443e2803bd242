"""The API's frame: token sign-in, the JSON errors in both languages, cursor pages, scope."""
from __future__ import annotations

import sqlalchemy as sa

from hygiene.accounts.models import ApiToken
from hygiene.api.bilingual import in_chinese
from hygiene.extensions import db
from hygiene.places.models import Unit, Village
from tests.api.helpers import bearer, token_for


def test_no_token_is_401_in_both_languages(client, world):
    answer = client.get("/api/v1/villages")
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    error = answer.json["error"]
    assert error["code"] == "unauthorized"
    assert "Bearer" in error["message"]["en"] and "令牌" in error["message"]["zh_CN"]


def test_wrong_malformed_and_revoked_tokens_are_refused(app, client, world):
    secret = token_for(app, world.user_admin_a)
    for header in ("Bearer hyg_nothing", "Bearer " + secret + "x", "Basic " + secret, secret,
                   "Bearer " + "x" * 5000):
        assert client.get("/api/v1/me", headers={"Authorization": header}).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    with app.app_context():
        db.session.execute(sa.update(ApiToken).values(revoked_at=sa.func.now()))
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_a_switched_off_user_s_token_stops_working(app, client, world):
    from hygiene.accounts.models import User

    secret = token_for(app, world.user_inspector_a)
    with app.app_context():
        db.session.get(User, world.user_inspector_a).active = False
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_the_api_sets_no_cookie_and_needs_no_csrf(app, client, world):
    secret = token_for(app, world.user_admin_a)
    answer = client.get("/api/v1/me", headers=bearer(secret))
    assert answer.status_code == 200 and answer.json["username"] == "admin_a"
    assert "Set-Cookie" not in answer.headers
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_signed_in_cookie_is_no_api_sign_in(client, login, world):
    login("admin_a")
    assert client.get("/api/v1/villages").status_code == 401


def test_villages_are_those_of_the_scope(app, client, world):
    admin_a = bearer(token_for(app, world.user_admin_a))
    names = {v["name"] for v in client.get("/api/v1/villages", headers=admin_a).json["items"]}
    assert names == {"甲一村", "甲二村"}
    county = bearer(token_for(app, world.user_county))
    assert len(client.get("/api/v1/villages", headers=county).json["items"]) == 3
    contact = bearer(token_for(app, world.user_village_a1))
    assert [v["name"] for v in client.get("/api/v1/villages", headers=contact).json["items"]] == ["甲一村"]


def test_another_township_s_records_are_not_found(app, client, world):
    admin_a = bearer(token_for(app, world.user_admin_a))
    assert client.get(f"/api/v1/villages/{world.a1}", headers=admin_a).status_code == 200
    for url in (f"/api/v1/villages/{world.b1}", f"/api/v1/units/{world.unit_b1}", f"/api/v1/townships/{world.tb}"):
        answer = client.get(url, headers=admin_a)
        assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"
        assert answer.json["error"]["message"]["zh_CN"] == "未找到，或不在您的管辖范围内。"
    contact = bearer(token_for(app, world.user_village_a1))
    assert client.get(f"/api/v1/units/{world.unit_a2}", headers=contact).status_code == 404
    assert client.get(f"/api/v1/units/{world.unit_a1}", headers=contact).status_code == 200


def test_cursor_pages_read_every_record_once(app, client, world):
    with app.app_context():
        db.session.add_all(Unit(name=f"店{i}", category="shop", village_id=world.a1) for i in range(7))
        db.session.commit()
    headers = bearer(token_for(app, world.user_admin_a))
    seen, cursor = [], None
    while True:
        answer = client.get("/api/v1/units", headers=headers,
                            query_string={"limit": 3, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200
        seen += [u["id"] for u in answer.json["items"]]
        cursor = answer.json["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 9  # 7 shops and the two villages' restaurants


def test_filters_narrow_the_list(app, client, world):
    headers = bearer(token_for(app, world.user_admin_a))
    answer = client.get("/api/v1/units", headers=headers, query_string={"village_id": world.a2})
    assert [u["name"] for u in answer.json["items"]] == ["a2饭店"]
    with app.app_context():
        db.session.get(Village, world.a2).active = False
        db.session.commit()
    answer = client.get("/api/v1/villages", headers=headers, query_string={"active": "true"})
    assert [v["name"] for v in answer.json["items"]] == ["甲一村"]


def test_bad_query_values_are_422_with_each_field_named(app, client, world):
    headers = bearer(token_for(app, world.user_admin_a))
    answer = client.get("/api/v1/units", headers=headers, query_string={"limit": "0", "village_id": "abc"})
    assert answer.status_code == 422
    error = answer.json["error"]
    assert error["code"] == "invalid" and set(error["fields"]) == {"limit", "village_id"}
    assert client.get("/api/v1/units", headers=headers, query_string={"village_id": 2**40}).status_code == 422
    assert error["fields"]["limit"] == {"zh_CN": "请输入不小于 1 的数。", "en": "Enter a number of at least 1."}
    assert error["fields"]["village_id"]["zh_CN"] == "请输入整数。"


def test_a_cursor_not_made_by_the_api_is_refused_or_ends_the_list(app, client, world):
    headers = bearer(token_for(app, world.user_admin_a))
    for cursor in ("!!!", "-1", "1e3", "9" * 13):
        answer = client.get("/api/v1/units", headers=headers, query_string={"cursor": cursor})
        assert answer.status_code == 422 and "cursor" in answer.json["error"]["fields"], cursor
    answer = client.get("/api/v1/units", headers=headers, query_string={"cursor": "9" * 12})
    assert answer.status_code == 200 and answer.json == {"items": [], "next_cursor": None}


def test_unknown_addresses_nul_and_huge_ids_answer_json(app, client, world):
    headers = bearer(token_for(app, world.user_admin_a))
    assert client.get("/api/v1/nowhere", headers=headers).json["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/villages/{2**40}", headers=headers).status_code == 404
    answer = client.get("/api/v1/units", headers=headers, query_string={"category": "a\x00b"})
    assert answer.status_code == 400 and "NUL" in answer.json["error"]["message"]["en"]
    assert "NUL" in answer.json["error"]["message"]["zh_CN"] and "字符" in answer.json["error"]["message"]["zh_CN"]
    assert client.post("/api/v1/villages", headers=headers).status_code == 405


def test_messages_with_values_come_in_chinese():
    assert in_chinese("At most 60 characters.") == "最多 60 个字符。"
    assert in_chinese("a text no catalog holds: 42") == "a text no catalog holds: 42"


def test_the_document_describes_every_route_of_the_api(app, client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    declared = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
            routed |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed == declared
    assert document["paths"]["/villages"]["get"]["security"] == [{"token": []}]


def test_json_nested_hundreds_deep_is_400_on_a_real_server_never_500(app, live, world):
    """A thread of a real server has less stack left than the test client: the depth a parser
    gives up at differs, the answer must not."""
    import requests

    secret = token_for(app, world.user_admin_a)
    for depth in (300, 400, 900, 5000):
        body = "[" * depth + "]" * depth
        for url, headers in (("/api/v1/inspections", {}), ("/api/v1/inspections", bearer(secret)),
                             ("/inspections/1/answers", {})):
            answer = requests.post(live + url, data=body, timeout=30, allow_redirects=False,
                                   headers={"Content-Type": "application/json", **headers})
            assert answer.status_code in (400, 401, 302, 422), (depth, url, answer.status_code)
