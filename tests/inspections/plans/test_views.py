"""The plan pages and the calendar as the office uses them."""
import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role, User
from hygiene.checklists.services import template_save
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.inspections.models import Inspection, InspectionPlan, SampleDraw
from hygiene.places.models import Unit
from tests.inspections.helpers import simple_spec


@pytest.fixture
def sheet(app, world):
    """A unit checklist of township A, and a village cadre of A1 who inspects."""
    with app.app_context():
        version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None,
                                spec=simple_spec())
        cadre = User(username="cadre_a1", display_name="甲一村干部", role="inspector",
                     township_id=world.ta, village_id=world.a1, password_hash="x")
        db.session.add(cadre)
        db.session.commit()
        return version.template_id


def english(client, user, login):
    login(user)
    client.get("/language/en")
    return client


def plan_form(world, template_id, **extra):
    data = {"name": "餐饮月查", "template_id": str(template_id), "target_mode": "all",
            "recurrence": "monthly", "start_date": local_today().isoformat(), "days_allowed": "7",
            "inspector_ids": [str(world.user_inspector_a)]}
    return {k: v for k, v in (data | extra).items() if v is not None}


def count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def the_plan(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(InspectionPlan.id))


def test_admin_creates_a_plan_and_the_current_inspections_are_made_at_once(app, client, world, login, sheet):
    english(client, "admin_a", login)
    response = client.post("/plans/new", data=plan_form(world, sheet), follow_redirects=True)
    assert response.status_code == 200
    page = response.text
    assert "Saved the plan" in page and "2 inspections were made" in page
    assert "All units" in page and "Planned 2" in page
    assert count(app, Inspection) == 2  # a1饭店 and a2饭店; b1饭店 is in another township
    assert "餐饮月查" in client.get("/plans/").text


def test_making_due_inspections_again_makes_nothing_new(app, client, world, login, sheet):
    english(client, "admin_a", login)
    client.post("/plans/new", data=plan_form(world, sheet))
    page = client.post(f"/plans/{the_plan(app)}/generate", follow_redirects=True).text
    assert "No inspections were due" in page
    assert count(app, Inspection) == 2


def test_a_plan_with_bad_fields_shows_every_problem_and_writes_nothing(app, client, world, login, sheet):
    english(client, "admin_a", login)
    response = client.post("/plans/new", data=plan_form(
        world, sheet, name="", days_allowed="0", target_mode="sample", sample_size="",
        inspector_ids=[str(world.user_village_a1)]))
    assert response.status_code == 422
    page = response.text
    for message in ("This field is required.", "Allow between 1 and 90 days.",
                    "How many targets should be drawn?", "Choose at least one inspector"):
        assert message in page
    assert 'value="0"' in page
    assert count(app, InspectionPlan) == 0 and count(app, Inspection) == 0


def test_show_targets_lists_the_checklists_targets_without_saving(app, client, world, login, sheet):
    english(client, "admin_a", login)
    assert "Choose the checklist first" in client.get("/plans/new").text
    page = client.post("/plans/new", data=plan_form(world, sheet, show_targets="1")).text
    assert f'value="{world.unit_a1}"' in page and "a2饭店" in page and "b1饭店" not in page
    assert "甲一村干部（cadre_a1） · 甲一村" in page  # an inspector's home village, for cross-checks
    assert count(app, InspectionPlan) == 0


def test_a_plan_of_chosen_targets_inspects_only_those(app, client, world, login, sheet):
    english(client, "admin_a", login)
    client.post("/plans/new", data=plan_form(world, sheet, target_mode="list",
                                             target_ids=[str(world.unit_a1)]))
    with app.app_context():
        assert db.session.scalars(sa.select(Inspection.target_id)).all() == [world.unit_a1]
    assert "1 chosen" in client.get("/plans/").text
    assert "甲一村 · a1饭店" in client.get(f"/plans/{the_plan(app)}").text


def test_a_sampled_plan_shows_its_draw_with_the_seed(app, client, world, login, sheet):
    with app.app_context():
        db.session.add_all([Unit(name=f"店{i}", category="shop", village_id=world.a2) for i in range(4)])
        db.session.commit()
    english(client, "admin_a", login)
    client.post("/plans/new", data=plan_form(world, sheet, target_mode="sample", sample_size="3",
                                             recurrence="once"))
    page = client.get(f"/plans/{the_plan(app)}").text
    with app.app_context():
        draw = db.session.scalar(sa.select(SampleDraw))
        labels = db.session.scalars(sa.select(Inspection.target_label)).all()
    assert draw.seed in page and "random.Random(seed)" in page and "6 targets" in page
    assert len(labels) == 3 and all(label in page for label in labels)
    assert "Random sample of 3" in page


def test_calendar_shows_the_days_counts_and_links_to_the_inspections(app, client, world, login, sheet):
    english(client, "admin_a", login)
    client.post("/plans/new", data=plan_form(world, sheet))
    today = local_today()
    page = client.get(f"/plans/calendar?month={today:%Y-%m}").text
    assert f"/inspections/?start={today.isoformat()}&amp;end={today.isoformat()}" in page
    assert "Planned 2" in page and "Mon" in page
    assert "Planned 2" not in client.get("/plans/calendar?month=2001-01").text
    for month in ("nonsense", "2026-13", ""):
        assert client.get(f"/plans/calendar?month={month}").status_code == 200


def test_inspectors_read_plans_but_change_nothing(app, client, world, login, sheet):
    login("admin_a")
    client.post("/plans/new", data=plan_form(world, sheet), follow_redirects=True)
    plan_id = the_plan(app)
    login("inspector_a")
    for url in ("/plans/", f"/plans/{plan_id}", "/plans/calendar"):
        assert client.get(url).status_code == 200, url
    assert client.get("/plans/new").status_code == 403
    assert client.post("/plans/new", data=plan_form(world, sheet)).status_code == 403
    assert client.post(f"/plans/{plan_id}/generate").status_code == 403
    assert count(app, InspectionPlan) == 1


@pytest.mark.parametrize("user", ["village_a1", "unit_a1"])
def test_contacts_get_403_on_every_plan_page(app, client, world, login, sheet, user):
    login("admin_a")
    client.post("/plans/new", data=plan_form(world, sheet), follow_redirects=True)
    plan_id = the_plan(app)
    login(user)
    for url in ("/plans/", f"/plans/{plan_id}", "/plans/calendar", "/plans/new"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/plans/{plan_id}/generate").status_code == 403


def test_another_townships_plan_is_not_found(app, client, world, login, sheet):
    login("admin_a")
    client.post("/plans/new", data=plan_form(world, sheet), follow_redirects=True)
    plan_id = the_plan(app)
    login("admin_b")
    assert "餐饮月查" not in client.get("/plans/").text
    assert client.get(f"/plans/{plan_id}").status_code == 404
    assert client.post(f"/plans/{plan_id}/generate").status_code == 404
    assert "计划 " not in client.get("/plans/calendar").text.split("<table")[1]  # status 计划 (Planned) and a count
    # and 甲镇's checklist cannot be used for a plan of 乙镇
    response = client.post("/plans/new", data=plan_form(world, sheet, inspector_ids=[str(world.user_admin_b)]))
    assert response.status_code == 422 and count(app, InspectionPlan) == 1


def test_plan_list_query_count_does_not_grow_with_rows(app, client, world, login, sheet, count_queries):
    def add(n):
        with app.app_context():
            for i in range(n):
                plan = InspectionPlan(township_id=world.ta, name=f"计划{i}", template_id=sheet,
                                      target_mode="all", recurrence="monthly", start_date=local_today(),
                                      days_allowed=7)
                plan.inspectors = [db.session.get(User, world.user_inspector_a)]
                db.session.add(plan)
            db.session.commit()

    login("admin_a")
    add(2)
    with count_queries() as small:
        assert client.get("/plans/").status_code == 200
    add(30)
    with count_queries() as large:
        assert client.get("/plans/").status_code == 200
    assert large[0] == small[0]


def test_a_paused_plan_makes_nothing_new_and_can_resume(app, client, login, world):
    import sqlalchemy as sa

    from hygiene.audit.models import AuditEvent
    from hygiene.extensions import db
    from hygiene.inspections.models import InspectionPlan
    from hygiene.inspections.plans import services as planning

    login("admin_a")
    with app.app_context():
        from datetime import date

        from hygiene.access.scope import Scope
        from hygiene.accounts.models import Role
        from hygiene.checklists.services import template_save
        from tests.inspections.helpers import simple_spec

        scope = Scope(Role.ADMIN, township_id=world.ta)
        version = template_save(scope=scope, actor_id=None, spec=simple_spec())
        plan = planning.plan_create(scope=scope, actor_id=None, data=planning.plan_input(scope=scope, data={
            "name": "暂停测试", "template_id": version.template_id, "target_mode": "all",
            "recurrence": "weekly", "start_date": date(2026, 11, 2), "days_allowed": 3,
            "inspector_ids": [world.user_inspector_a]}))
        db.session.commit()
        plan_id = plan.id
    client.post(f"/plans/{plan_id}/active", data={"active": "0"})
    with app.app_context():
        plan = db.session.get(InspectionPlan, plan_id)
        assert plan.active is False
        assert planning.plan_generate(plan=plan, today=date(2026, 11, 23)) == 0
        assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.entity_type == "inspection_plan",
                                                                    AuditEvent.action == "deactivate"))
    login("inspector_a")
    assert client.post(f"/plans/{plan_id}/active", data={"active": "1"}).status_code == 403
    login("admin_b")
    assert client.post(f"/plans/{plan_id}/active", data={"active": "1"}).status_code == 404
