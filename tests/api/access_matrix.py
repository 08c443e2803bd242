"""What each role's token gets from each GET operation of the API (tests/api/test_access_matrix.py),
as data, in the form of tests/access_matrix.py: six answers in the order of ROLES (None: no
token), three per answer (甲一村/甲二村/乙一村) when the URL names a record. 404 is "not in your
scope", 401 "no token"."""
from tests.access_matrix import ROLES  # noqa: F401  (the same six, in the same order)

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
    # inspections, plans, checklist versions, photos and orders (hygiene/api/inspections.py,
    # orders.py, photos.py); a checklist version is the township's, shared by its villages
    "api.checklist_version": "200/200/404 200/200/404 200/200/404 200/200/404 200/200/200 401/401/401",
    "api.inspection": "200/200/404 200/200/404 200/404/404 200/404/404 200/200/200 401/401/401",
    "api.inspections": "200 200 200 200 200 401",
    "api.order": "200/200/404 200/200/404 200/404/404 200/404/404 200/200/200 401/401/401",
    "api.orders": "200 200 200 200 200 401",
    "api.photo_file": "200/200/404 200/200/404 404/404/404 404/404/404 200/200/200 401/401/401",
    "api.plan": "200/200/404 200/200/404 403/403/403 403/403/403 200/200/200 401/401/401",
    "api.plans": "200 200 403 403 200 401",
    # pest control, toilets and published rankings (hygiene/api/pests.py, toilets.py, rankings.py)
    "api.pest_monitoring": "200/200/404 200/200/404 200/404/404 403/403/403 200/200/200 401/401/401",
    "api.pest_monitoring_list": "200 200 200 403 200 401",
    "api.pest_round": "200/200/404 200/200/404 200/404/404 404/404/404 200/200/200 401/401/401",
    "api.pest_rounds": "200 200 200 200 200 401",
    # published rankings are public (the public pages show them to anyone)
    "api.ranking": "200/200/200 200/200/200 200/200/200 200/200/200 200/200/200 200/200/200",
    "api.rankings": "200 200 200 200 200 200",
    "api.toilet": "200/200/404 200/200/404 200/404/404 403/403/403 200/200/200 401/401/401",
    "api.toilets": "200 200 200 403 200 401",
}
