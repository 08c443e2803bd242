"""Toilet renovation progress as a ranking component: accepted by the period's end against the
quota of the year the period ends in; weight 0 by default, so totals stay as they were until the
office gives it one; the explain page says what the figure is made of."""
from __future__ import annotations

from datetime import UTC, date
from decimal import Decimal as D

import pytest
import time_machine

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.checklists.services import template_save
from hygiene.core.periods import parse_period
from hygiene.extensions import db
from hygiene.rankings import services
from hygiene.rankings.components import Subject
from hygiene.rankings.schemas import settings_input
from hygiene.toilets.ranking import toilet_progress_component
from hygiene.toilets.status import ToiletStage as S
from tests.inspections.helpers import simple_spec
from tests.rankings.helpers import add_published
from tests.toilets.task_helpers import add_task, add_toilets


@pytest.fixture(autouse=True)
def late_november():
    with time_machine.travel("2026-11-23 09:00 +0800", tick=False):
        yield


@pytest.fixture
def progress(app, world):
    """甲一村: 4 of 8 accepted by September, 2 more in November, 2 still building; 甲二村: 12 of a
    quota of 10; 甲一村 also has a 2025 task; both have one published inspection each in October."""
    with app.app_context():
        a1 = add_task(world.a1, quota=8)
        add_toilets(a1, S.ACCEPTED, 4, accepted_on=date(2026, 9, 20))
        add_toilets(a1, S.SUBSIDY_PAID, 2, accepted_on=date(2026, 11, 5))
        add_toilets(a1, S.UNDER_CONSTRUCTION, 2)
        a2 = add_task(world.a2, quota=10)
        add_toilets(a2, S.ACCEPTED, 12, accepted_on=date(2026, 6, 1))
        add_task(world.a1, year=2025, quota=3, deadline=date(2025, 10, 31))
        version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, spec=simple_spec())
        add_published(version_id=version.id, township_id=world.ta, village_id=world.a1, day=date(2026, 10, 5), score="80")
        add_published(version_id=version.id, township_id=world.ta, village_id=world.a2, day=date(2026, 10, 6), score="90")
        db.session.commit()
    return world


def test_the_value_is_accepted_by_the_periods_end_against_the_years_quota(app, progress):
    villages = Subject(township_id=progress.ta, kind="villages")
    with app.app_context():
        october = toilet_progress_component(villages, parse_period("2026-10"))
        year = toilet_progress_component(villages, parse_period("2026"))
        earlier = toilet_progress_component(villages, parse_period("2025"))
        units = toilet_progress_component(Subject(township_id=progress.ta, kind="units", category="catering"),
                                          parse_period("2026-10"))
    assert october[progress.a1] == {"value": D("50.00"), "accepted": 4, "quota": 8, "year": 2026}
    assert year[progress.a1]["value"] == D("75.00") and year[progress.a2]["value"] == D("100.00")  # capped
    assert earlier == {progress.a1: {"value": D("0.00"), "accepted": 0, "quota": 3, "year": 2025}}
    assert units == {} and progress.b1 not in year


def test_weight_0_by_default_leaves_the_totals_as_they_were(app, progress):
    with app.app_context():
        ranking = services.ranking_compute(subject=Subject(township_id=progress.ta, kind="villages"),
                                           period=parse_period("2026-10"))
    scores = {row.candidate.id: row.score for row in ranking.rows}
    assert ranking.weights["toilet_progress"] == 0
    assert scores[progress.a1] == D("80.00") and scores[progress.a2] == D("90.00")


def test_a_weight_set_by_the_office_counts_and_the_explain_page_says_why(app, client, login, progress):
    with app.app_context():
        services.settings_save(scope=Scope(Role.ADMIN, township_id=progress.ta), actor_id=progress.user_admin_a,
                               township_id=progress.ta,
                               data=settings_input({"weight_inspections": "50", "weight_rectification": "0",
                                                    "weight_toilet_progress": "50", "weight_creation_progress": "0", "weight_education_cadence": "0", "weight_pest_rounds": "0", "weight_pest_density": "0",
                                                    "min_inspections": "1",
                                                    "list_size": "1"}))
        db.session.commit()
        ranking = services.ranking_compute(subject=Subject(township_id=progress.ta, kind="villages"),
                                           period=parse_period("2026-10"))
    scores = {row.candidate.id: row.score for row in ranking.rows}
    assert scores[progress.a1] == D("65.00") and scores[progress.a2] == D("95.00")
    page = login("admin_a").get(f"/rankings/explain?period=2026-10&subject=villages&id={progress.a1}").text
    assert "改厕进度" in page and "截至本期末，2026年任务8户中已验收合格4户" in page


def test_with_weight_0_the_explain_page_says_it_is_left_out(client, login, progress):
    page = login("admin_a").get(f"/rankings/explain?period=2026-10&subject=villages&id={progress.a2}").text
    assert "截至本期末，2026年任务10户中已验收合格12户" in page and "（权重为0：不计入总分）" in page


def test_a_task_set_after_a_periods_end_leaves_that_period_as_it_was(app, progress):
    """A task set on 30 November changes nothing of October (published or not): it counts from
    November on; the day's edge is the office's midnight, not UTC's."""
    from datetime import datetime

    from hygiene.places.models import Village

    villages = Subject(township_id=progress.ta, kind="villages")
    with app.app_context():
        before = toilet_progress_component(villages, parse_period("2026-10"))
        late, edge = Village(name="甲三村", township_id=progress.ta), Village(name="甲四村", township_id=progress.ta)
        db.session.add_all([late, edge])
        db.session.commit()
        add_task(late.id, quota=5, created_at=datetime(2026, 11, 30, 2, tzinfo=UTC))
        add_task(edge.id, quota=5, created_at=datetime(2026, 10, 31, 16, 30, tzinfo=UTC))  # 1 Nov 00:30 +8
        assert toilet_progress_component(villages, parse_period("2026-10")) == before
        november = toilet_progress_component(villages, parse_period("2026-11"))
        assert late.id in november and edge.id in november
