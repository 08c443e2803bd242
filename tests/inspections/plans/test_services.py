"""Plans: targets, the recorded random draw, cross-checks, and generating each period once."""
from datetime import date

import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role, User
from hygiene.checklists.services import template_save
from hygiene.extensions import db
from hygiene.inspections.models import Inspection, SampleDraw
from hygiene.inspections.plans import services as planning
from hygiene.places.models import Unit
from tests.inspections.helpers import simple_spec

TODAY = date(2026, 11, 23)


@pytest.fixture
def setup(world, ctx):
    scope = Scope(Role.ADMIN, township_id=world.ta)
    version = template_save(scope=scope, actor_id=None, spec=simple_spec())
    for i in range(8):
        db.session.add(Unit(name=f"店{i}", category="shop" if i % 2 else "catering",
                            village_id=world.a1 if i < 4 else world.a2))
    db.session.flush()
    return scope, version.template


def plan_data(world, template, **extra):
    return {"name": "月度检查", "template_id": template.id, "target_mode": "all",
            "recurrence": "monthly", "start_date": date(2026, 10, 10), "days_allowed": 10,
            "inspector_ids": [world.user_inspector_a], "backfill": True, **extra}


def test_a_monthly_plan_makes_each_begun_months_inspections_once(world, setup):
    scope, template = setup
    plan = planning.plan_create(scope=scope, actor_id=None, data=planning.plan_input(scope=scope, data=plan_data(world, template)))
    made = planning.plan_generate(plan=plan, today=TODAY)
    assert made == 2 * 10  # October and November, 2 world units + 8 new ones in 甲镇
    assert planning.plan_generate(plan=plan, today=TODAY) == 0
    first = db.session.scalar(sa.select(Inspection).order_by(Inspection.planned_date))
    assert (first.planned_date, first.due_date) == (date(2026, 10, 10), date(2026, 10, 19))
    assert [u.username for u in first.inspectors] == ["inspector_a"]


def test_a_category_plan_takes_only_that_category(world, setup):
    scope, template = setup
    plan = planning.plan_create(scope=scope, actor_id=None, data=planning.plan_input(scope=scope, data=plan_data(
        world, template, target_mode="category", unit_category="shop", recurrence="once")))
    planning.plan_generate(plan=plan, today=TODAY)
    labels = db.session.scalars(sa.select(Inspection.target_label)).all()
    assert len(labels) == 4 and all("店" in label for label in labels)


def test_a_random_sample_is_recorded_and_can_be_reproduced(world, setup):
    scope, template = setup
    plan = planning.plan_create(scope=scope, actor_id=None, data=planning.plan_input(scope=scope, data=plan_data(
        world, template, target_mode="sample", sample_size=3, recurrence="once")))
    planning.plan_generate(plan=plan, today=TODAY)
    draw = db.session.scalar(sa.select(SampleDraw))
    chosen = sorted(db.session.scalars(sa.select(Inspection.target_id)))
    assert len(chosen) == 3 and chosen == draw.chosen
    assert planning.sample_reproduce(draw.seed, draw.population, 3) == chosen
    assert len(draw.population) == 10


def test_a_cross_check_never_sends_inspectors_to_their_own_village(world, setup):
    scope, template = setup
    from_a1 = User(username="cadre_a1", display_name="甲一村干部", role="inspector",
                   township_id=world.ta, village_id=world.a1, password_hash="x")
    db.session.add(from_a1)
    db.session.flush()
    plan = planning.plan_create(scope=scope, actor_id=None, data=planning.plan_input(scope=scope, data=plan_data(
        world, template, recurrence="once", cross_check=True,
        inspector_ids=[from_a1.id, world.user_inspector_a])))
    planning.plan_generate(plan=plan, today=TODAY)
    for inspection in db.session.scalars(sa.select(Inspection)):
        names = {u.username for u in inspection.inspectors}
        assert ("cadre_a1" in names) == (inspection.village_id != world.a1)


def test_a_plan_with_bad_fields_lists_every_problem_and_writes_nothing(world, setup):
    scope, template = setup
    with pytest.raises(planning.PlanInvalid) as error:
        planning.plan_create(scope=scope, actor_id=None, data=planning.plan_input(scope=scope, data=plan_data(
            world, template, name="", target_mode="sample", sample_size=0, days_allowed=0,
            end_date=date(2026, 1, 1), inspector_ids=[world.user_village_a1])))
    assert set(error.value.errors) >= {"name", "sample_size", "days_allowed", "end_date",
                                       "inspector_ids"}


def test_a_list_plan_refuses_targets_of_another_township(world, setup):
    scope, template = setup
    with pytest.raises(planning.PlanInvalid) as error:
        planning.plan_create(scope=scope, actor_id=None, data=planning.plan_input(scope=scope, data=plan_data(
            world, template, target_mode="list", target_ids=[world.unit_a1, world.unit_b1])))
    assert "target_ids" in error.value.errors


def test_a_sample_larger_than_its_population_is_refused_with_the_population(world, setup):
    scope, template = setup
    with pytest.raises(planning.PlanInvalid) as error:
        planning.plan_create(scope=scope, actor_id=None, data=planning.plan_input(scope=scope, data=plan_data(
            world, template, target_mode="sample", sample_size=99999, recurrence="once")))
    assert "99999" not in error.value.errors["sample_size"] and "10" in error.value.errors["sample_size"]


def test_a_name_of_direction_marks_only_is_no_name(world, setup):
    scope, template = setup
    with pytest.raises(planning.PlanInvalid) as error:
        planning.plan_create(scope=scope, actor_id=None, data=planning.plan_input(scope=scope, data=plan_data(world, template, name="\u202e\u202e")))
    assert "name" in error.value.errors
