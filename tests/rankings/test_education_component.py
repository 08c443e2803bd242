"""Health-education cadence as a ranking component: the share of the target periods that ended in
the ranking period in which a village held what its township asks; weight 0 by default; an entry
made after a period's end leaves that period as it was; the explain page says what it is made of."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
import time_machine

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.checklists.services import template_save
from hygiene.core.periods import parse_period
from hygiene.education.models import EducationActivity
from hygiene.education.ranking import education_cadence_component
from hygiene.extensions import db
from hygiene.rankings import services
from hygiene.rankings.components import Subject
from hygiene.rankings.schemas import settings_input
from tests.education.helpers import add_activities
from tests.inspections.helpers import simple_spec
from tests.rankings.helpers import add_published


@pytest.fixture(autouse=True)
def late_november():
    with time_machine.travel("2026-11-23 09:00 +0800", tick=False):
        yield


@pytest.fixture
def cadence(app, world):
    """甲一村: board and lecture in every month to October; 甲二村: boards only; a1饭店: 4 columns;
    both villages have one published inspection in October."""
    months = [date(2026, m, 12) for m in range(1, 11)]
    for kind in ("board", "lecture"):
        add_activities(app, township_id=world.ta, village_id=world.a1, kind=kind, days=months)
    add_activities(app, township_id=world.ta, village_id=world.a2, kind="board", days=months)
    add_activities(app, township_id=world.ta, village_id=world.a1, unit_id=world.unit_a1, kind="column",
                   days=[date(2026, m, 1) for m in (2, 4, 6, 8)])
    with app.app_context():
        version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, spec=simple_spec())
        add_published(version_id=version.id, township_id=world.ta, village_id=world.a1, day=date(2026, 10, 5), score="80")
        add_published(version_id=version.id, township_id=world.ta, village_id=world.a2, day=date(2026, 10, 6), score="90")
        db.session.commit()
    return world


def test_the_value_is_the_share_of_periods_met(app, cadence):
    villages = Subject(township_id=cadence.ta, kind="villages")
    with app.app_context():
        october = education_cadence_component(villages, parse_period("2026-10"))
        third = education_cadence_component(villages, parse_period("2026-Q3"))
        units = education_cadence_component(Subject(township_id=cadence.ta, kind="units", category="catering"),
                                            parse_period("2026"))
        october_units = education_cadence_component(Subject(township_id=cadence.ta, kind="units",
                                                            category="catering"), parse_period("2026-10"))
    assert october[cadence.a1] == {"value": D("100.00"), "met": 2, "due": 2}
    assert october[cadence.a2] == {"value": D("50.00"), "met": 1, "due": 2}     # no lecture
    assert third[cadence.a2] == {"value": D("50.00"), "met": 3, "due": 6} and cadence.b1 not in october
    assert units[cadence.unit_a1]["value"] == D("100.00") and units[cadence.unit_a2]["value"] == D("0.00")
    assert october_units == {}    # a yearly target judges no month


def test_weight_0_by_default_leaves_the_totals_as_they_were(app, cadence):
    with app.app_context():
        ranking = services.ranking_compute(subject=Subject(township_id=cadence.ta, kind="villages"),
                                           period=parse_period("2026-10"))
    assert ranking.weights["education_cadence"] == 0
    assert {row.candidate.id: row.score for row in ranking.rows}[cadence.a2] == D("90.00")


def test_a_weight_set_by_the_office_counts_and_the_explain_page_says_why(app, client, login, cadence):
    with app.app_context():
        services.settings_save(scope=Scope(Role.ADMIN, township_id=cadence.ta), actor_id=cadence.user_admin_a,
                               township_id=cadence.ta,
                               data=settings_input({"weight_inspections": "50", "weight_rectification": "0",
                                                    "weight_toilet_progress": "0", "weight_pest_rounds": "0",
                                                    "weight_pest_density": "0", "weight_education_cadence": "50", "weight_creation_progress": "0",
                                                    "min_inspections": "1", "list_size": "1"}))
        db.session.commit()
        ranking = services.ranking_compute(subject=Subject(township_id=cadence.ta, kind="villages"),
                                           period=parse_period("2026-10"))
    scores = {row.candidate.id: row.score for row in ranking.rows}
    assert scores[cadence.a1] == D("90.00") and scores[cadence.a2] == D("70.00")
    page = login("admin_a").get(f"/rankings/explain?period=2026-10&subject=villages&id={cadence.a2}").text
    assert "健康教育频次" in page and "本期结束的 2 个周期中，1 个达到健康教育目标" in page


def test_an_activity_entered_after_the_periods_end_leaves_it_as_it_was(app, cadence):
    villages = Subject(township_id=cadence.ta, kind="villages")
    with app.app_context():
        before = education_cadence_component(villages, parse_period("2026-10"))
        db.session.add(EducationActivity(township_id=cadence.ta, village_id=cadence.a2, kind="lecture",
                                         held_on=date(2026, 10, 20), topic="补登", created_at=datetime(2026, 11, 2, tzinfo=UTC)))
        db.session.commit()
        assert education_cadence_component(villages, parse_period("2026-10")) == before
        assert education_cadence_component(villages, parse_period("2026-11"))[cadence.a2]["met"] == 0
