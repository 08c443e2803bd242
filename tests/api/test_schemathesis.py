"""Schemathesis against the running app: for every operation of the OpenAPI document, inputs
generated from the document (valid and invalid) never end in a 500, and every answer matches
the document (status, content type, body schema). Runs on both databases, as a township's
administrator and as a village's contact, each with a token, over the `world` (two townships,
villages, units, users) and a record of every kind in each village (the access walk's: an
inspection with photos, an order, a round and its work, a toilet, monitoring, a publication...),
so the small ids schemathesis tries first reach real records and the rules behind them.

One test walks every operation (schemathesis' pytest fixture loader does not work with this
pytest); a failure names the operation and the request that broke it."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.helpers import bearer, token_for
from tests.test_access_walk import records_in

# examples per operation: enough to find a 500 or a wrong shape, little enough for CI's 2 cores
EXAMPLES = 30
# "schema-valid input is accepted" cannot hold for rules no JSON Schema can say (the item must be
# on this inspection's checklist, the bytes must be a photo, the day must fall in the round): those
# answer a documented 422 with their message. What the API promises, and this test checks with
# every other check: no 500, and every answer (status, type, body) as the document says.
BEYOND_THE_SCHEMA = [positive_data_acceptance]


@pytest.mark.parametrize("role", ["admin_a", "village_a1"])
def test_every_operation_answers_as_documented(app, world, role):
    records_in(app, world, ("a1", "a2", "b1"))
    headers = bearer(token_for(app, getattr(world, f"user_{role}")))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    documented = {(m.upper(), p) for p, ops in schema.raw_schema["paths"].items() for m in ops}
    assert {(op.method.upper(), op.path) for op in operations} == documented - {("GET", "/openapi.json")}
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def answers_as_documented(case):
            case.call_and_validate(headers=headers, excluded_checks=BEYOND_THE_SCHEMA)

        try:
            answers_as_documented()
        except Exception as error:
            raise AssertionError(f"{operation.method.upper()} {operation.path}: {error}") from error
