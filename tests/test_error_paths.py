"""One error path: a domain refusal that no view answers itself is a 4xx page (JSON for
scripts) with its message, never a 500, and nothing of the request is kept; templates ask
Scope what to offer and never test a role themselves."""
from __future__ import annotations

import pathlib
import re

import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.places.models import Township

TEMPLATES = pathlib.Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture
def refusing_step(app, monkeypatch):
    """Make the inbox's "mark all read" write a township, then be refused with `error`."""
    from hygiene.notifications import views

    def install(error: DomainError):
        def step(**_kwargs):
            db.session.add(Township(name="半途镇"))
            db.session.flush()
            raise error
        monkeypatch.setattr(views, "notifications_mark_read_upto", step)
    return install


def _half_written(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).where(Township.name == "半途镇"))


def test_an_unanswered_refusal_is_a_422_page_with_its_message_and_keeps_nothing(
        app, client, login, world, refusing_step):
    refusing_step(DomainError("这一步不能办理：示例原因。"))
    login("village_a1")
    response = client.post("/notifications/read", data={"upto": 1})
    assert response.status_code == 422
    assert "示例原因" in response.text and "未作任何更改" in response.text
    assert _half_written(app) == 0


def test_a_script_gets_the_refusal_as_json(app, client, login, world, refusing_step):
    refusing_step(DomainError("示例原因"))
    login("village_a1")
    response = client.post("/notifications/read", data={"upto": 1},
                           headers={"Accept": "application/json"})
    assert response.status_code == 422 and response.json == {"error": "示例原因"}
    assert _half_written(app) == 0


def test_a_forbidden_step_is_a_403_page_and_an_inspection_no_longer_open_a_409(
        app, client, login, world, refusing_step):
    from hygiene.inspections.fieldwork import NotOpen

    login("village_a1")
    refusing_step(Forbidden("你的账号不能办这一步。"))
    response = client.post("/notifications/read", data={"upto": 1})
    assert response.status_code == 403 and "你的账号不能办这一步" in response.text
    refusing_step(NotOpen("检查已提交，不能再填写。"))
    response = client.post("/notifications/read", data={"upto": 1})
    assert response.status_code == 409 and "检查已提交" in response.text
    assert _half_written(app) == 0


ROLE_TEST = re.compile(r"current_user\.(role|is_admin|township_id|village_id|unit_id)\b"
                       r"|\brole\s*(==|!=|in\b)|'(admin|inspector|village_contact|unit_contact)'")


def test_no_template_decides_access_by_the_role():
    offenders = [f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
                 for path in sorted(TEMPLATES.rglob("*.html"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if ROLE_TEST.search(line)]
    assert offenders == []


@pytest.mark.parametrize("scope, menu, tabs, agenda, office, admin, fixes", [
    (Scope(Role.ADMIN), "villages", ("townships", "villages", "units", "households", "cleaners"),
     True, True, True, True),
    (Scope(Role.ADMIN, township_id=1), "villages", ("villages", "units", "households", "cleaners"),
     True, True, True, True),
    (Scope(Role.INSPECTOR, township_id=1), "villages", ("villages", "units", "households", "cleaners"),
     True, True, False, False),
    (Scope(Role.VILLAGE_CONTACT, 1, village_id=2), "units", ("units", "households", "cleaners"),
     False, False, False, True),
    (Scope(Role.UNIT_CONTACT, 1, unit_id=3), None, ("units", "households", "cleaners"),
     False, False, False, True),
])
def test_scope_decides_what_each_role_is_offered(scope, menu, tabs, agenda, office, admin, fixes):
    assert (scope.register_menu_entry, scope.register_tabs, scope.has_agenda, scope.sees_office_menu,
            scope.sees_admin_menu, scope.reports_fixes) == (menu, tabs, agenda, office, admin, fixes)


@pytest.mark.parametrize("username, shown, hidden", [
    ("admin_a", ["/users/", "/plans/", "/register/villages"], []),
    ("inspector_a", ["/plans/", "/register/villages"], ["/users/"]),
    ("village_a1", ["/register/units"], ["/plans/", "/users/"]),
    ("unit_a1", [], ["/register/", "/plans/", "/users/"]),
])
def test_the_main_menu_offers_what_scope_decides(client, login, world, username, shown, hidden):
    login(username)
    menu = client.get("/").text.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]
    assert all(f'href="{link}' in menu for link in shown), menu
    assert not any(f'href="{link}' in menu for link in hidden), menu
