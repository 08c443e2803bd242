"""Schemathesis against the running app: for every operation of the OpenAPI document, inputs
generated from the document (valid and invalid) never end in a 500, and every answer matches
the document (status, content type, body schema). Runs on both databases, as a township's
administrator with a token, over the `world` (two townships, villages, units, users).

One test walks every operation (schemathesis' pytest fixture loader does not work with this
pytest); a failure names the operation and the request that broke it."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.api.helpers import bearer, token_for

# examples per operation: enough to find a 500 or a wrong shape, little enough for CI's 2 cores
EXAMPLES = 30


def test_every_operation_answers_as_documented(app, world):
    headers = bearer(token_for(app, world.user_admin_a))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    documented = {(m.upper(), p) for p, ops in schema.raw_schema["paths"].items() for m in ops}
    assert {(op.method.upper(), op.path) for op in operations} == documented - {("GET", "/openapi.json")}
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def answers_as_documented(case):
            case.call_and_validate(headers=headers)

        try:
            answers_as_documented()
        except Exception as error:
            raise AssertionError(f"{operation.method.upper()} {operation.path}: {error}") from error
