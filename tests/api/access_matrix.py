"""What each role's token gets from each GET operation of the API (tests/api/test_access_matrix.py),
as data, in the form of tests/access_matrix.py: six answers in the order of ROLES (None: no
token), three per answer (甲一村/甲二村/乙一村) when the URL names a record. 404 is "not in your
scope", 401 "no token"."""
ROLES = ("admin_a", "inspector_a", "village_a1", "unit_a1", "county", None)

EXPECTED: dict[str, str] = {
    "api.field_assignments": "200 200 200 200 200 401",
    "api.me": "200 200 200 200 200 401",
    "api.openapi_document": "200 200 200 200 200 200",
    "api.township": "200/200/404 200/200/404 404/404/404 404/404/404 200/200/200 401/401/401",
    "api.townships": "200 200 200 200 200 401",
    "api.unit": "200/200/404 200/200/404 200/404/404 200/404/404 200/200/200 401/401/401",
    "api.units": "200 200 200 200 200 401",
    "api.village": "200/200/404 200/200/404 200/404/404 404/404/404 200/200/200 401/401/401",
    "api.villages": "200 200 200 200 200 401",
}
