"""Every route and every form, as each role, with hostile values: no 500, on either database.

- ids beyond PostgreSQL's integer in any path are 404 (the bounded <int:> converter);
- a NUL character in a query, a form or JSON is a 400 page that says so, and changes nothing;
- every form found on the pages a role can open is posted back with each field in turn made
  over-long or an integer beyond any column (the rest as the page offered it): never a 500.
"""
from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest

from hygiene.extensions import db
from hygiene.places.kinds import KINDS
from tests.test_access_walk import elsewhere, fingerprint  # noqa: F401  (fixture)

LONG = "长" * 2100          # beyond every String column and the 2,000-character notes
HUGE = str(2**31)           # just beyond PostgreSQL's integer
HUGER = "9" * 30            # beyond any integer type
HOSTILE_ARGS = {"q": LONG, "page": HUGER, "status": LONG, "village_id": HUGER, "kind": LONG,
                "start": "9999-99-99", "end": HUGER, "month": "99999-13", "period": LONG,
                "subject": LONG, "active": HUGER, "assigned": HUGER, "category": LONG,
                "township_id": HUGER, "template_id": HUGE, "next": LONG, "lang": LONG}
NEVER_POST = {"accounts.logout"}  # would end the walk's own sign-in


class Forms(HTMLParser):
    """The POST forms of a page: action -> {field name: [values as the browser would send]}."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._fields: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._fields = {}
            self.forms.append((a.get("action") or "", self._fields))
        elif self._fields is None or not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "file", "image"):
            checkable = a.get("type") in ("checkbox", "radio")
            values = self._fields.setdefault(a["name"], [])
            if not checkable or "checked" in a:
                values.append(a.get("value", "on" if checkable else ""))
        elif tag == "select":
            self._select = a["name"]
            self._fields.setdefault(a["name"], [])
        elif tag == "option" and self._select:
            values = self._fields[self._select]
            if "selected" in a or not values:
                values[:] = [*values[:0], a.get("value", "")] if "selected" in a else [a.get("value", "")]
        elif tag == "textarea":
            self._textarea = a["name"]
            self._fields[a["name"]] = [""]

    def handle_data(self, data):
        if self._textarea and self._fields is not None:
            self._fields[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@pytest.fixture
def own(app, world, elsewhere):  # noqa: F811
    """Ids of records inside township A, for the walk to open and post to."""
    from hygiene.inspections.models import InspectionPlan
    from hygiene.media.models import Photo
    from hygiene.rectifications.models import RectificationOrder

    with app.app_context():
        photo = db.session.get(Photo, elsewhere["photo_a2"])
        template_id = db.session.scalar(db.select(InspectionPlan.template_id).limit(1))
        from hygiene.checklists.models import ChecklistTemplate

        own_template = db.session.scalar(db.select(ChecklistTemplate.id).where(
            ChecklistTemplate.name == "甲镇检查表"))
        plan = InspectionPlan(township_id=world.ta, name="甲镇计划", template_id=own_template,
                              target_mode="all", recurrence="once", start_date=date(2026, 11, 1))
        db.session.add(plan)
        db.session.commit()
        order = db.session.get(RectificationOrder, elsewhere["order_a2"])
        assert template_id and photo and order
        from hygiene.inspections.models import Inspection

        inspection = db.session.get(Inspection, elsewhere["inspection_a2"])
        mine = Inspection(version_id=inspection.version_id, township_id=world.ta, village_id=world.a1,
                          target_kind="unit", target_id=world.unit_a1, unit_id=world.unit_a1,
                          target_label="甲一村 · a1饭店", planned_date=date(2026, 11, 23),
                          due_date=date(2026, 11, 30))
        db.session.add(mine)
        db.session.flush()
        contact_order = RectificationOrder(
            township_id=world.ta, village_id=world.a1, unit_id=world.unit_a1, target_kind="unit",
            target_id=world.unit_a1, target_label="甲一村 · a1饭店", inspection_id=mine.id, year=2026,
            number=2, token="tokmine0walk01", issued_on=date(2026, 11, 23), deadline=date(2026, 12, 7))
        db.session.add(contact_order)
        db.session.commit()
        return {"contact_order_id": contact_order.id, "contact_inspection_id": mine.id,"plan_id": plan.id, "template_id": own_template, "inspection_id": elsewhere["inspection_a2"],
                "photo_id": elsewhere["photo_a2"], "order_id": elsewhere["order_a2"],
                "user_id": world.user_inspector_a, "notification_id": elsewhere["notification"],
                "publication_id": elsewhere["publication_ta"], "township_id": world.ta,
                "village_id": world.a2}


def urls(app, values_for):
    """(rule, url) for every rule but static, each id filled by values_for(rule, name)."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for slug in (list(KINDS) if "slug" in rule.arguments else [None]):
            values = {name: values_for(rule, name, slug) for name in rule.arguments if name != "slug"}
            if slug:
                values["slug"] = slug
            with app.test_request_context():
                yield rule, app.url_for(rule.endpoint, **values)


def _plain(name, slug=None, world=None):
    plain = {"code": "en", "size": "thumb", "ext": "xlsx", "kind": "units", "step": "evidence",
             "token": "x" * 12, "period_key": "2026-10", "move": "plan", "action": "fix"}
    return plain.get(name, 1)


ROLES = [None, "admin_a", "inspector_a", "village_a1", "unit_a1"]


@pytest.mark.parametrize("role", ROLES)
def test_ids_beyond_the_database_integer_are_not_found(app, client, world, login, role):
    if role:
        login(role)
    checked = 0
    for huge in (HUGE, HUGER):
        def value(rule, name, slug, huge=huge):
            return int(huge) if rule._converters[name].__class__.__name__ == "BoundedIntConverter" \
                else _plain(name)
        for rule, url in urls(app, value):
            if not any(type(c).__name__ == "BoundedIntConverter" for c in rule._converters.values()):
                continue
            for method in rule.methods & {"GET", "POST"}:
                response = client.open(url, method=method)
                assert response.status_code == 404, f"{method} {url}: {response.status_code}"
                checked += 1
    assert checked > 40


def _own_value(own, world, role=None):
    records = {"townships": world.ta, "villages": world.a2, "units": world.unit_a2,
               "households": world.household_a2, "cleaners": world.cleaner_a2}
    if role in ("village_a1", "unit_a1"):  # a contact's own village, unit and order
        records |= {"villages": world.a1, "units": world.unit_a1}
        own = {**own, "order_id": own["contact_order_id"], "inspection_id": own["contact_inspection_id"]}

    def value(rule, name, slug):
        if name == "record_id":
            return records[slug]
        return own.get(name, _plain(name))
    return value


@pytest.mark.parametrize("role", ROLES)
def test_hostile_query_strings_never_break_a_page(app, client, world, own, login, role):
    if role:
        login(role)
    checked = 0
    for rule, url in urls(app, _own_value(own, world, role)):
        if "GET" not in rule.methods or "photo_id" in rule.arguments:
            continue  # the walk's photos have rows but no files; photo routes have their own tests
        response = client.get(url, query_string=HOSTILE_ARGS)
        assert response.status_code != 500, url
        response = client.get(url, query_string={"q": "a\x00b"})
        assert response.status_code == 400, f"NUL in the query of {url}: {response.status_code}"
        checked += 1
    assert checked > 40


def _page_forms(client, app, world, own, role):
    """Every POST form on every page this client can open: [(action, fields)]."""
    found: dict[str, dict[str, list[str]]] = {}
    for rule, url in urls(app, _own_value(own, world, role)):
        if "GET" not in rule.methods or "photo_id" in rule.arguments:
            continue
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = Forms()
        parser.feed(response.get_data(as_text=True))
        for action, fields in parser.forms:
            found.setdefault(action or url, fields)
    return found


def _variants(fields: dict[str, list[str]]):
    """The form as offered, then each field in turn over-long, and beyond any integer."""
    for name in fields:
        if name == "csrf_token":
            continue
        for bad in (LONG, HUGE, HUGER):
            yield name, {**fields, name: [bad]}


@pytest.mark.parametrize("role", ["admin_a", "inspector_a", "village_a1", "unit_a1"])
def test_every_form_with_over_long_and_out_of_range_values_never_answers_500(app, client, world, own,
                                                                               login, role, caplog):
    """...and the form or its service says what is wrong: the database's refusal (a 400 page
    from core.input's last line of defence) is not reached."""
    login(role)
    forms = _page_forms(client, app, world, own, role)
    posted = 0
    for action, fields in forms.items():
        if any(action.endswith(p) for p in ("/logout", "/sessions/end")):
            continue
        for name, data in _variants(fields):
            response = client.post(action, data=data)
            assert response.status_code != 500, f"{role} {action} with a bad {name}"
            refused = [r.getMessage() for r in caplog.records if r.name == "hygiene.core.input"]
            assert not refused, f"{role} {action} with a bad {name}: only the database noticed"
            posted += 1
        login(role)  # a post may have signed this user out (deactivated by the walk itself)
    assert posted >= (40 if role == "admin_a" else 3), sorted(forms)


@pytest.mark.parametrize("role", ["admin_a", "village_a1"])
def test_a_nul_in_any_post_is_refused_with_a_message_and_changes_nothing(app, client, world, own,
                                                                          login, role):
    login(role)
    before = fingerprint(app)
    checked = 0
    for rule, url in urls(app, _own_value(own, world, role)):
        if "POST" not in rule.methods or rule.endpoint in NEVER_POST:
            continue
        for kwargs in ({"data": {"name": "甲\x00", "note": "x"}},
                       {"json": {"note": "a\x00b", "answers": [{"note": "\x00"}]}}):
            response = client.post(url, **kwargs)
            assert response.status_code == 400, f"{url}: {response.status_code}"
        checked += 1
    assert "NUL" in response.get_data(as_text=True) or "\\0" in response.get_data(as_text=True)
    assert checked > 20
    after = fingerprint(app)
    after.pop("user_session"), before.pop("user_session")
    assert after == before
