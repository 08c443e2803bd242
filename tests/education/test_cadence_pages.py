"""The cadence page flags a village that missed a month (and names the month), a unit behind on
its columns; the office changes the targets on its settings page and the flags follow; contacts
see their own row only; the page and the flags run a fixed number of queries."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
import time_machine

from hygiene.access.scope import Scope
from hygiene.audit.models import AuditEvent
from hygiene.education.queries import cadence
from hygiene.education.status import CadenceState
from hygiene.extensions import db
from hygiene.places.models import Village
from tests.education.helpers import add_activities


def row_of(page: str, name: str) -> str:
    """The cadence table's row of one village or unit."""
    [row] = [r.split("</tr>")[0] for r in page.split('<tr class="cadence-row')[1:] if f">{name}<" in r
             or f" · {name}<" in r]
    return row


MONTHS_TO_OCTOBER = [date(2026, m, 10) for m in range(1, 11)]


@pytest.fixture(autouse=True)
def late_november():
    with time_machine.travel("2026-11-26 09:00 +0800", tick=False):
        yield


@pytest.fixture
def history(app, world):
    """甲一村 on cadence through October; 甲二村 missed the lecture in March; a1饭店 one column."""
    for kind in ("board", "lecture"):
        add_activities(app, township_id=world.ta, village_id=world.a1, kind=kind, days=MONTHS_TO_OCTOBER)
        add_activities(app, township_id=world.ta, village_id=world.a2, kind=kind,
                       days=[d for d in MONTHS_TO_OCTOBER if kind == "board" or d.month != 3])
    add_activities(app, township_id=world.ta, village_id=world.a1, kind="column",
                   days=[date(2026, 2, 1), date(2026, 5, 1), date(2026, 8, 1)])
    add_activities(app, township_id=world.ta, village_id=world.a2, kind="column",
                   days=[date(2026, 2, 1), date(2026, 5, 1), date(2026, 8, 1)])
    add_activities(app, township_id=world.ta, village_id=world.a1, unit_id=world.unit_a1, kind="column",
                   days=[date(2026, 4, 1)])
    return world


def test_the_village_that_missed_a_month_is_flagged_for_that_month(app, client, login, history):
    page = login("admin_a").get("/education/cadence").text
    a1, a2 = row_of(page, "甲一村"), row_of(page, "甲二村")
    assert "逾期" not in a1 and "即将到期" in a1          # November not yet held, 4 days left
    assert "逾期" in a2 and "缺：" in a2 and "2026-03" in a2
    assert "乙一村" not in page


def test_a_unit_behind_on_columns_is_flagged(app, client, login, history):
    page = login("admin_a").get("/education/cadence?of=unit").text
    row = row_of(page, "a1饭店")
    assert "进度落后" in row and "本年 1 次" in row
    assert "a2饭店" in page and "乙一村" not in page


def test_contacts_see_their_own_row_only(app, client, login, history):
    page = login("village_a1").get("/education/cadence").text
    assert "甲一村" in page and "甲二村" not in page and "a1饭店" not in page
    assert "a1饭店" not in login("village_a1").get("/education/cadence?of=unit").text
    page = login("unit_a1").get("/education/cadence").text
    assert "a1饭店" in page and "进度落后" in page and "甲二村" not in page
    assert login("village_b1").get("/education/cadence").text.count("甲") == 0


def test_odd_filters_show_this_year(app, client, login, history):
    for query in ("year=99999999999999999999", "year=-1", "village_id=abc", "of=x", "page=-3", "year=%00"):
        answer = login("admin_a").get(f"/education/cadence?{query}")
        assert answer.status_code in (200, 400), query


def test_the_office_sets_its_targets_and_the_flags_follow(app, client, login, history):
    login("admin_a")
    form = client.get("/education/settings")
    assert form.status_code == 200 and 'name="village_lecture_at_least" ' in form.text
    data = _settings_form() | {"village_lecture_every": "3", "village_lecture_at_least": "2"}
    assert client.post("/education/settings", data=data).status_code == 303
    page = client.get("/education/cadence").text
    assert "2026-03" not in row_of(page, "甲二村")   # Q1 had two lectures
    assert client.post("/education/settings", data=data).status_code == 303  # the same again: no new event
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.entity_type == "education_settings")) == 1
    # another township keeps the defaults
    with app.app_context():
        rows = cadence(scope=Scope.county(), subject_kind="village", year=2026, today=date(2026, 11, 26))
        b1 = next(r for r in rows if r.id == history.b1)
        assert b1.assessments["lecture"].target.every_months == 1


@pytest.mark.parametrize(("field", "value"), [("village_board_every", "5"), ("village_board_at_least", "-1"),
                                              ("unit_column_at_least", "abc"), ("remind_days_before", "99"),
                                              ("village_board_every", "99999999999999999999")])
def test_bad_targets_are_refused_and_nothing_changes(app, client, login, history, field, value):
    login("admin_a")
    answer = client.post("/education/settings", data=_settings_form() | {field: value})
    assert answer.status_code == 422 and 'class="error"' in answer.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.entity_type == "education_settings")) == 0


@pytest.mark.parametrize("user", ["inspector_a", "village_a1", "unit_a1", "county"])
def test_only_a_townships_admin_sets_targets(app, client, login, history, user):
    login(user)
    assert client.get("/education/settings").status_code == 403
    assert client.post("/education/settings", data=_settings_form()).status_code == 403


def test_the_flags_run_a_fixed_number_of_queries(app, world, count_queries):
    def flags():
        with app.app_context():
            with count_queries() as n:
                rows = cadence(scope=Scope.county(), subject_kind="village", year=2026, today=date(2026, 11, 26))
            return len(rows), n[0]

    few = flags()
    with app.app_context():
        for i in range(30):
            db.session.add(Village(name=f"新村{i}", township_id=world.ta))
        db.session.commit()
        ids = db.session.scalars(sa.select(Village.id).where(Village.name.like("新村%"))).all()
    for village_id in ids:
        add_activities(app, township_id=world.ta, village_id=village_id, kind="board", days=MONTHS_TO_OCTOBER)
    many = flags()
    assert many[0] == few[0] + 30 and many[1] == few[1]
    with app.app_context():
        rows = cadence(scope=Scope.county(), subject_kind="village", year=2026, today=date(2026, 11, 26))
        assert {r.assessments["board"].state for r in rows if r.name.startswith("新村")} == {CadenceState.DUE_SOON}


def _settings_form() -> dict:
    data = {"remind_days_before": "7"}
    for subject, column in (("village", "4"), ("unit", "4")):
        for kind in ("board", "lecture", "consultation"):
            data[f"{subject}_{kind}_every"] = "1"
            data[f"{subject}_{kind}_at_least"] = "1" if subject == "village" and kind != "consultation" else "0"
        data[f"{subject}_column_every"], data[f"{subject}_column_at_least"] = "12", column
    return data


def test_targets_read_per_month_and_per_year(app, client, login, history):
    page = login("admin_a").get("/education/cadence").text
    assert "目标：每月1次" in page and "个月" not in page.split("<table")[1].split("</table>")[0]
    page = login("admin_a").get("/education/cadence?of=unit").text
    assert "目标：每年4次" in page
