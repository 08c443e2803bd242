"""Period rankings over real rows: components, publication, snapshots that never change."""
from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.checklists.services import template_save
from hygiene.core.periods import parse_period
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.rankings import services
from hygiene.rankings.components import Subject
from hygiene.rankings.models import RankingPublication
from hygiene.rankings.schemas import settings_input
from hygiene.rectifications.models import RectificationOrder
from tests.inspections.helpers import simple_spec
from tests.rankings.helpers import add_published

NO_PEST = {"weight_pest_rounds": "0", "weight_pest_density": "0",  # the components that weigh 0 by default
           "weight_toilet_progress": "0", "weight_creation_progress": "0", "weight_education_cadence": "0"}

OCTOBER = parse_period("2026-10")
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 2, tzinfo=UTC)


@pytest.fixture
def october(world, ctx):
    """Published October inspections: 甲一村 scores 90 and 80, 甲二村 scores 95 once."""
    version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, spec=simple_spec())
    for village, score, day in [(world.a1, 90, 5), (world.a1, 80, 20), (world.a2, 95, 12)]:
        add_published(version_id=version.id, township_id=world.ta, village_id=village,
                      day=date(2026, 10, day), score=score)
    return version


def admin(world):
    return Scope(Role.ADMIN, township_id=world.ta)


def villages(world):
    return Subject(world.ta, "villages")


def test_village_scores_come_from_the_mean_and_too_few_inspections_are_not_ranked(world, october):
    ranking = services.ranking_compute(subject=villages(world), period=OCTOBER)
    rows = {r.candidate.name: r for r in ranking.rows}
    assert rows["甲一村"].score == D("85.00") and rows["甲一村"].rank == 1
    assert rows["甲二村"].rank is None and rows["甲二村"].reason == "too_few_inspections"


def test_orders_due_in_the_period_weigh_ten_percent(world, october):
    first = db.session.scalar(sa.select(Inspection).order_by(Inspection.id))
    for status, overdue in [("closed", None), ("issued", NOW)]:
        db.session.add(RectificationOrder(
            township_id=world.ta, village_id=world.a1, target_kind="village", target_id=world.a1,
            target_label="甲一村", inspection_id=first.id, year=2026, number=1 if status == "closed" else 2,
            token=f"t{status}", issued_on=date(2026, 10, 6), deadline=date(2026, 10, 20),
            status=status, overdue_at=overdue))
    ranking = services.ranking_compute(subject=villages(world), period=OCTOBER)
    row = next(r for r in ranking.rows if r.candidate.name == "甲一村")
    # 0.9 * 85 + 0.1 * 50 = 81.5
    assert (row.candidate.components["rectification"], row.score) == (D("50.00"), D("81.50"))
    assert row.candidate.overdue_orders == 1


def test_weights_that_are_negative_or_add_up_to_zero_are_refused(world, ctx):
    for weights in ({"weight_inspections": "-1", "weight_rectification": "5", **NO_PEST},
                    {"weight_inspections": "0", "weight_rectification": "0", **NO_PEST},
                    {"weight_inspections": "abc", "weight_rectification": "1", **NO_PEST},
                    {"weight_inspections": "1e308", "weight_rectification": "1", **NO_PEST}):
        with pytest.raises(services.RankingInvalid):
            services.settings_save(scope=admin(world), actor_id=world.user_admin_a, township_id=world.ta,
                                   data=settings_input({**weights, "min_inspections": "2", "list_size": "3"}))
    saved = services.settings_save(scope=admin(world), actor_id=world.user_admin_a, township_id=world.ta,
                                   data=settings_input({"weight_inspections": "1", "weight_rectification": "0", **NO_PEST,
                                                        "min_inspections": "1", "list_size": "2"}))
    assert saved.weights == {"inspections": "1", "rectification": "0", "pest_rounds": "0", "pest_density": "0", "toilet_progress": "0", "creation_progress": "0", "education_cadence": "0"}


def test_publishing_freezes_the_ranking_and_an_amendment_does_not_change_it(world, october):
    publication = services.ranking_publish(scope=admin(world), actor_id=world.user_admin_a,
                                           subject=villages(world), period=OCTOBER, today=TODAY, now=NOW)
    db.session.commit()
    frozen = [dict(r) for r in publication.rows]
    for inspection in db.session.scalars(sa.select(Inspection)):
        inspection.score = D(10)
    db.session.commit()
    again = db.session.get(RankingPublication, publication.id)
    assert again.rows == frozen and again.red_list[0]["name"] == "甲一村"
    live = services.ranking_compute(subject=villages(world), period=OCTOBER)
    assert next(r for r in live.rows if r.rank).score == D("10.00")


def test_publishing_an_open_period_or_one_without_inspections_is_refused(world, october):
    with pytest.raises(DomainError):
        services.ranking_publish(scope=admin(world), actor_id=None, subject=villages(world),
                                 period=parse_period("2026-11"), today=TODAY, now=NOW)
    with pytest.raises(DomainError):
        services.ranking_publish(scope=admin(world), actor_id=None, subject=villages(world),
                                 period=parse_period("2026-09"), today=TODAY, now=NOW)
    with pytest.raises(Forbidden):
        services.ranking_publish(scope=Scope(Role.INSPECTOR, township_id=world.ta), actor_id=None,
                                 subject=villages(world), period=OCTOBER, today=TODAY, now=NOW)


def test_a_correction_is_a_new_publication_that_says_what_it_corrects(world, october):
    first = services.ranking_publish(scope=admin(world), actor_id=None, subject=villages(world),
                                     period=OCTOBER, today=TODAY, now=NOW)
    with pytest.raises(DomainError):
        services.ranking_publish(scope=admin(world), actor_id=None, subject=villages(world),
                                 period=OCTOBER, today=TODAY, now=NOW, corrects=first)
    second = services.ranking_publish(scope=admin(world), actor_id=None, subject=villages(world),
                                      period=OCTOBER, today=TODAY, now=NOW, corrects=first,
                                      note="更正甲二村检查次数")
    current = services.publication_current(township_id=world.ta, subject_key="villages", period_key="2026-10")
    assert current.id == second.id and second.corrects_id == first.id


def test_units_are_ranked_within_their_category(world, october):
    db.session.add(Inspection(version_id=october.id, township_id=world.ta, village_id=world.a1,
                              target_kind="unit", target_id=world.unit_a1, unit_id=world.unit_a1,
                              target_label="a1饭店", planned_date=date(2026, 10, 9), due_date=date(2026, 10, 9),
                              status="published", score=D(77)))
    ranking = services.ranking_compute(subject=Subject(world.ta, "units", "catering"), period=OCTOBER)
    assert [(r.candidate.name, r.candidate.inspections) for r in ranking.rows][:1] == [("甲一村 · a1饭店", 1)]
    assert all(r.candidate.name != "甲一村" for r in ranking.rows)
