"""Walk every operation of the JSON API with each role's token and the ids of records outside
that role's scope (the page walk's records, tests/test_access_walk.py): reads answer 403/404,
writes answer 4xx and leave every table as it was, nothing answers 500."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from hygiene.extensions import db
from tests.api.helpers import bearer, token_for
from tests.test_access_walk import FOREIGN, concrete_urls
from tests.test_access_walk import elsewhere as page_elsewhere

elsewhere = page_elsewhere  # the page walk's fixture, shared
# published rankings are public (the public pages show them); the document describes the API
PUBLIC = {"api.openapi_document", "api.ranking", "api.rankings"}
# tables a request may touch without changing a record: the token's last use
BOOKKEEPING = {"api_token"}


def fingerprint(app):
    with app.app_context():
        return {t.name: db.session.execute(sa.select(t).order_by(*t.primary_key.columns)).all()
                for t in db.metadata.sorted_tables if t.name not in BOOKKEEPING}


@pytest.mark.parametrize("role", list(FOREIGN))
def test_no_operation_reveals_or_changes_records_outside_the_scope(app, client, world, elsewhere, role):
    headers = bearer(token_for(app, getattr(world, f"user_{role}")))
    before = fingerprint(app)
    walked = 0
    for rule, methods, url, foreign in concrete_urls(app, role, world, elsewhere, api=True):
        if not rule.endpoint.startswith("api.") or rule.endpoint in PUBLIC:
            continue
        walked += 1
        for method in methods:
            if method == "GET":
                answer = client.get(url, headers=headers)
                assert answer.status_code != 500, url
                if foreign:
                    assert answer.status_code in (403, 404), f"{role} read {url}: {answer.status_code}"
                continue
            for body in ({"json": {}}, {"data": {"client_id": "walk-0001", "note": "x"}}):
                answer = client.open(url, method=method, headers=headers, **body)
                assert 400 <= answer.status_code < 500, f"{role} {method} {url}: {answer.status_code}"
                if foreign:
                    assert answer.status_code in (403, 404, 415, 422), f"{role} {method} {url}: {answer.status_code}"
    assert walked > 8
    assert fingerprint(app) == before
