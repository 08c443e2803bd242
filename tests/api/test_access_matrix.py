"""The API's access matrix: every GET operation x every role's token x a record of the same
village, another village of the township and another township (tests/api/access_matrix.py), the
records those of the page matrix (tests/test_access_matrix.py), so an operation without an entry,
or an answer that changed, fails here. What writes may change: each resource's own tests."""
from __future__ import annotations

import pytest

from tests.api.access_matrix import EXPECTED, ROLES
from tests.api.helpers import bearer, token_for
from tests.test_access_matrix import API, COLUMNS, column_values, leaks, statuses
from tests.test_access_matrix import matrix_records as page_matrix_records

matrix_records = page_matrix_records  # the page matrix's fixture, shared

PUBLIC_BY_DESIGN = {"api.openapi_document", "api.ranking"}  # published rankings: public pages too
# a township's records its villages share (a checklist version): another village of the township
# may be read, another township never
PER_TOWNSHIP = {"api.checklist_version"}


def api_column_values(app, world, records, key: str) -> dict:
    """The page matrix's URL arguments, and the checklist version of the village's inspection."""
    from hygiene.extensions import db
    from hygiene.inspections.models import Inspection

    values = column_values(world, records, key)
    with app.app_context():
        values["version_id"] = db.session.get(Inspection, records[f"inspection_{key}"]).version_id
    return values


def api_rules(app):
    return [rule for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint)
            if rule.endpoint.startswith(API) and "GET" in rule.methods]


def test_every_operation_has_an_entry(app):
    names = {rule.endpoint for rule in api_rules(app)}
    assert sorted(names - set(EXPECTED)) == [], "add the new GET operations to tests/api/access_matrix.py"
    assert sorted(set(EXPECTED) - names) == [], "operations that are gone"


@pytest.mark.parametrize("role", ROLES, ids=[r or "no_token" for r in ROLES])
def test_each_role_gets_the_expected_status(app, client, world, matrix_records, role):
    headers = bearer(token_for(app, getattr(world, f"user_{role}"))) if role else None
    column = ROLES.index(role)
    columns = [api_column_values(app, world, matrix_records, key) for key in COLUMNS]
    wrong = {}
    for rule in api_rules(app):
        got = statuses(app, client, rule, None, columns, headers=headers)
        assert "500" not in got, f"{role} {rule.endpoint}: {got}"
        expected = EXPECTED.get(rule.endpoint, "").split()
        if len(expected) != len(ROLES) or expected[column] != got:
            wrong[rule.endpoint] = got
    assert not wrong, f"{role or 'no token'}: status differs from tests/api/access_matrix.py:\n" + "\n".join(
        f"  {name!r}: expected {EXPECTED.get(name, '—')!r}, got {got}" for name, got in wrong.items())


def test_the_data_lets_nobody_into_another_village_or_township():
    assert leaks(EXPECTED, public=PUBLIC_BY_DESIGN, per_township=PER_TOWNSHIP) == []
