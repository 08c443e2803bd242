"""The access matrix: every URL rule x every role x a record of the same village, of another
village of the township and of another township, with the expected status written as data
(tests/access_matrix.py), so a route without an entry, or an answer that changed, fails here.

GETs only: what a POST may change is proved by the walk's table fingerprints
(tests/test_access_walk.py), whose world and records this test shares. The JSON API signs in by
token, not by cookie: its rules have a matrix of their own (tests/api/test_access_matrix.py).
"""
from __future__ import annotations

import pytest

from hygiene.places.kinds import KINDS
from tests.access_matrix import EXPECTED, POST_ONLY, ROLES
from tests.test_access_walk import records_in

API = "api."  # the JSON API's endpoints (tests/api/test_access_matrix.py)
COLUMNS = ("a1", "a2", "b1")  # 甲一村 (the contacts' own), 甲二村 (same township), 乙一村 (乙镇)
PLAIN = {"code": "zh_CN", "size": "thumb", "ext": "xlsx", "kind": "units", "step": "evidence",
         "period_key": "2026-10", "pest": "rodent", "method": "room_signs", "year": 2026, "move": "plan",
         "action": "fix"}


@pytest.fixture
def matrix_records(app, world):
    """The walk's records in all three villages, their photos' files stored (a 200 means access)."""
    import shutil

    from hygiene.core.web import photo_store
    from hygiene.media.store import DISPLAY, MARKER, ORIGINAL, THUMB, photo_key

    records = records_in(app, world, COLUMNS)
    with app.test_request_context():
        store = photo_store()
        for name in (ORIGINAL, DISPLAY, THUMB, MARKER):
            store.put(photo_key("0" * 64, name), b"{}" if name == MARKER else b"\xff\xd8 jpeg")
        folder = store.path_or_none(photo_key("0" * 64, MARKER)).parent
    yield records
    shutil.rmtree(folder)


def column_values(world, records, key: str) -> dict:
    """The URL arguments that point at the records of village `key` (and its township)."""
    township = f"t{key[0]}"
    users = {"a1": world.user_village_a1, "a2": world.user_inspector_a, "b1": world.user_village_b1}
    per_township = {"template_id": "template", "plan_id": "plan", "notification_id": "notification",
                    "task_id": "export_task", "publication_id": "publication"}
    per_village = ("inspection", "photo", "order", "product", "monitoring", "round", "target", "work",
                   "toilet", "project", "problem", "sample", "letter", "application", "activity", "banquet",
                   "certificate", "event", "campaign", "campaign_task")
    values = {f"{name}_id": records[f"{name}_{key}"] for name in per_village}
    values |= {arg: records[f"{name}_{township}"] for arg, name in per_township.items()}
    values |= {"user_id": users[key], "township_id": getattr(world, township), "village_id": getattr(world, key),
               "unit_id": getattr(world, f"unit_{key}"),
               "token": f"tok{key}walk01"}
    values["records"] = {"townships": getattr(world, township), "villages": getattr(world, key),
                         "units": getattr(world, f"unit_{key}"), "households": getattr(world, f"household_{key}"),
                         "cleaners": getattr(world, f"cleaner_{key}")}
    return values


def matrix_rules(app):
    """(entry name, rule, slug) of every GET rule; a slug rule has an entry per register kind."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        if rule.endpoint == "static" or "GET" not in rule.methods or rule.endpoint.startswith(API):
            continue
        for slug in (list(KINDS) if "slug" in rule.arguments else [None]):
            yield (f"{rule.endpoint}[{slug}]" if slug else rule.endpoint), rule, slug


def url_of(app, rule, slug, values) -> str:
    args = {"slug": slug} if slug else {}
    if "record_id" in rule.arguments:
        args["record_id"] = values["records"][slug]
    args |= {name: values[name] if name in values else PLAIN[name] for name in rule.arguments - set(args)}
    with app.test_request_context():
        return app.url_for(rule.endpoint, **args)


def statuses(app, client, rule, slug, columns, headers=None) -> str:
    """One status, or three (a1/a2/b1) when the URL names a record."""
    answers = []
    for values in columns:
        response = client.get(url_of(app, rule, slug, values), headers=headers)
        response.close()
        answers.append(str(response.status_code))
        if not rule.arguments - {"slug"} - set(PLAIN):
            break  # nothing in the URL names a village's or township's record
    return "/".join(answers)


def test_every_rule_has_an_entry(app):
    names = {name for name, _rule, _slug in matrix_rules(app)}
    posts = {rule.endpoint for rule in app.url_map.iter_rules()
             if "GET" not in rule.methods and not rule.endpoint.startswith(API)}
    assert sorted(names - set(EXPECTED)) == [], "add the new GET rules to tests/access_matrix.py"
    assert sorted(posts - POST_ONLY) == [], "add the new POST rules to POST_ONLY in tests/access_matrix.py"
    assert sorted(set(EXPECTED) - names) == [] and sorted(POST_ONLY - posts) == [], "rules that are gone"


@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_each_role_gets_the_expected_status_on_every_rule(app, client, world, matrix_records, login, role):
    if role:
        login(role)
    column = ROLES.index(role)
    columns = [column_values(world, matrix_records, key) for key in COLUMNS]
    wrong = {}
    for name, rule, slug in matrix_rules(app):
        got = statuses(app, client, rule, slug, columns)
        assert not got.count("500"), f"{role} {name}: {got}"
        expected = EXPECTED.get(name, "").split()
        if len(expected) != len(ROLES) or expected[column] != got:
            wrong[name] = got
    assert not wrong, f"{role or 'anonymous'}: status differs from tests/access_matrix.py:\n" + "\n".join(
        f"  {name!r}: expected {EXPECTED.get(name, '—')!r}, got {got}" for name, got in wrong.items())


# rules that show anyone what they show, by design: published rankings and a notice's short link
PUBLIC_BY_DESIGN = {"public.township_latest", "public.township_period", "public.village_page",
                    "order_link.order_short_link", "order_link.order_short_link_photo"}


# what lies outside each role's scope, as columns (甲一村, 甲二村, 乙一村) of an entry
OUTSIDE = {"admin_a": (2,), "inspector_a": (2,), "village_a1": (1, 2), "unit_a1": (1, 2), None: (0, 1, 2)}


def leaks(expected: dict[str, str], *, public: set[str], per_township: set[str] = frozenset()) -> list[str]:
    """The entries whose expected answers let a role read a record outside its scope: a contact
    another village's, the township's staff another township's, nobody signed out anything (but
    `public`); `per_township`: records a township's villages share, closed to other townships only."""
    found = []
    for name, row in expected.items():
        answers = row.split()
        for role, columns in OUTSIDE.items():
            cells = answers[ROLES.index(role)].split("/")
            if len(cells) == 3 and name not in public:
                shut = [c for c in columns if c == 2] if name in per_township else columns
                found += [f"{name} {role} {COLUMNS[c]}" for c in shut if cells[c].startswith("2")]
    return found


def test_the_data_lets_nobody_into_another_village_or_township():
    """The expected answers themselves keep the scope."""
    assert leaks(EXPECTED, public=PUBLIC_BY_DESIGN) == []
