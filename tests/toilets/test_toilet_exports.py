"""The acceptance roster and the subsidy list in Excel: accepted toilets only, the acceptance
inspection beside each, the amount paid (or the task's standard for the type), a blank column
for the farmer's signature; a village contact exports their own village's only."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.checklists.services import template_save
from hygiene.extensions import db
from hygiene.toilets.models import HouseholdToilet
from hygiene.toilets.status import ToiletStage as S
from tests.inspections.helpers import simple_spec
from tests.rankings.helpers import add_published
from tests.toilets.task_helpers import add_task, add_toilets


@pytest.fixture(autouse=True)
def in_november():
    with time_machine.travel("2026-11-20 09:00 +0800", tick=False):
        yield


@pytest.fixture
def toilets(app, world):
    with app.app_context():
        a1 = add_task(world.a1, quota=5, rates={"three_compartment": "1200.00", "double_urn": "900.00"})
        [accepted] = add_toilets(a1, S.ACCEPTED, accepted_on=date(2026, 9, 1))
        add_toilets(a1, S.SUBSIDY_PAID, accepted_on=date(2026, 8, 1), toilet_type="double_urn",
                    subsidy_amount=Decimal("950.50"), subsidy_paid_on=date(2026, 10, 8))
        add_toilets(a1, S.COMPLETED)                    # not accepted: in neither list
        version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, spec=simple_spec())
        inspection = add_published(version_id=version.id, township_id=world.ta, village_id=world.a1,
                                   day=date(2026, 9, 1), score="92")
        db.session.get(HouseholdToilet, accepted).acceptance_inspection_id = inspection.id
        db.session.commit()
        b1 = add_task(world.b1, quota=2)
        add_toilets(b1, S.ACCEPTED, accepted_on=date(2026, 9, 3))
    return world


PAID = "补助已发放"


def rows(response) -> list[tuple]:
    assert response.status_code == 200, response.text[:300]
    return list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))


def test_the_roster_lists_every_accepted_toilet_with_its_inspection(client, login, toilets):
    sheet = rows(login("admin_a").get("/exports/toilet_roster.xlsx?year=2026"))
    header, lines = sheet[1], sheet[2:]
    assert "2026年改厕任务户厕验收合格名单" in sheet[0][0]
    assert header[:4] == ("序号", "村/社区", "村民小组", "户主") and "验收得分" in header
    assert sorted((line[1], line[5], line[10]) for line in lines) == [("甲一村", "三格化粪池式", "验收合格"),
                                                                     ("甲一村", "双瓮漏斗式", PAID)]
    inspected = next(line for line in lines if line[9] is not None)
    assert inspected[8].date() == date(2026, 9, 1) and inspected[9] == 92


def test_the_subsidy_list_has_the_amount_and_a_blank_signature(client, login, toilets):
    sheet = rows(login("admin_a").get("/exports/toilet_subsidies.xlsx?year=2026"))
    header, lines = sheet[1], sheet[2:]
    assert header[-1] == "农户签字（按手印）" and header[7] == "补助金额（元）"
    amounts = sorted((line[5], line[7], line[8].date() if line[8] else None, line[9]) for line in lines)
    assert amounts == [("三格化粪池式", 1200, None, ""), ("双瓮漏斗式", 950.5, date(2026, 10, 8), "")]
    assert lines[0][4] == "13800000000"   # the phone stays text


def test_a_village_contact_exports_their_own_village_only(client, login, toilets):
    assert {line[1] for line in rows(login("village_b1").get("/exports/toilet_roster.xlsx"))[2:]} == {"乙一村"}
    assert rows(login("admin_b").get(f"/exports/toilet_roster.xlsx?village_id={toilets.a1}"))[2:] == []


def test_a_junk_year_is_refused_not_an_error(client, login, toilets):
    login("admin_a")
    for query in ("year=20x6", "year=99999999999999999999", "village_id=abc", "year=1800"):
        answer = client.get(f"/exports/toilet_roster.xlsx?{query}")
        assert 400 <= answer.status_code < 500, query
