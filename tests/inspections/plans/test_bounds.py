"""What one plan may make: a start date at most a year back, past periods only when the office
chose them after seeing the count, a way to withdraw what nobody started, a bounded agenda."""
import time
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.inspections import queries
from hygiene.inspections.models import Answer, Inspection, InspectionPlan
from hygiene.inspections.plans import services as planning
from tests.inspections.plans.test_views import english, plan_form, sheet  # noqa: F401  (fixture)


def inspections(app, **where):
    with app.app_context():
        stmt = sa.select(sa.func.count()).select_from(Inspection)
        for name, value in where.items():
            stmt = stmt.where(getattr(Inspection, name) == value)
        return db.session.scalar(stmt)


def plans(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(InspectionPlan))


def months_back(n: int) -> date:
    today = local_today()
    index = today.year * 12 + today.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


@pytest.mark.parametrize("start", ["0001-01-01", "2016-11-01"])
def test_a_start_date_far_in_the_past_is_refused_and_makes_nothing(app, client, world, login, sheet,  # noqa: F811
                                                                   start):
    english(client, "admin_a", login)
    for extra in ({}, {"backfill": "y"}):
        response = client.post("/plans/new", data=plan_form(world, sheet, recurrence="weekly",
                                                            start_date=start, **extra))
        assert response.status_code == 422
        assert "at most a year back" in response.text
    assert plans(app) == 0 and inspections(app) == 0


def test_a_past_start_begins_with_the_current_period_unless_chosen(app, client, world, login, sheet):  # noqa: F811
    english(client, "admin_a", login)
    response = client.post("/plans/new", data=plan_form(world, sheet, start_date=months_back(3).isoformat()),
                           follow_redirects=True)
    assert response.status_code == 200
    assert "3 periods were already over" in response.text
    assert inspections(app) == 2  # this month's round only: a1饭店 and a2饭店


def test_past_periods_are_made_only_after_the_office_saw_the_count(app, client, world, login, sheet):  # noqa: F811
    english(client, "admin_a", login)
    data = plan_form(world, sheet, start_date=months_back(3).isoformat(), backfill="y")
    first = client.post("/plans/new", data=data)
    assert first.status_code == 200
    assert "3 periods are already over and would get 6 inspections" in first.text
    assert "show as overdue" in first.text  # the office knows what the backfill will look like
    assert 'name="backfill_count" type="hidden" value="6"' in first.text
    assert plans(app) == 0 and inspections(app) == 0
    wrong = client.post("/plans/new", data=data | {"backfill_count": "5"})  # another start, say
    assert "would get 6 inspections" in wrong.text and plans(app) == 0
    response = client.post("/plans/new", data=data | {"backfill_count": "6"}, follow_redirects=True)
    assert "8 inspections were made" in response.text  # 3 past months and this one
    assert inspections(app) == 8


def test_a_backfill_beyond_the_bound_is_refused(app, client, world, login, sheet, monkeypatch):  # noqa: F811
    monkeypatch.setattr(planning, "MAX_BACKFILL_INSPECTIONS", 5)
    english(client, "admin_a", login)
    data = plan_form(world, sheet, start_date=months_back(3).isoformat(), backfill="y", backfill_count="6")
    response = client.post("/plans/new", data=data)
    assert response.status_code == 422 and "more than 5 at once" in response.text
    assert plans(app) == 0 and inspections(app) == 0


def test_an_old_plan_with_an_ancient_start_costs_the_daily_job_nothing(app, world, sheet):  # noqa: F811
    """A plan saved before the bound (start 0001-01-01) makes only the periods since it was made."""
    with app.app_context():
        plan = InspectionPlan(township_id=world.ta, name="旧计划", template_id=sheet, target_mode="all",
                              recurrence="weekly", start_date=date(1, 1, 1), days_allowed=7)
        db.session.add(plan)
        db.session.commit()
        started = time.perf_counter()
        made = planning.plans_generate_due(today=local_today())
        db.session.commit()
        assert time.perf_counter() - started < 2
        assert made == 2


def started_inspection(app, world, sheet):  # noqa: F811
    """A plan with this month's two inspections, one of them begun (an answer saved)."""
    from hygiene.access.scope import Scope
    from hygiene.accounts.models import Role

    with app.app_context():
        scope = Scope(Role.ADMIN, township_id=world.ta)
        plan = planning.plan_create(scope=scope, actor_id=None, data=planning.plan_input(scope=scope, data=plan_form(world, sheet) | {
            "template_id": sheet, "inspector_ids": [world.user_inspector_a],
            "start_date": local_today()}))
        db.session.flush()
        planning.plan_generate(plan=plan, today=local_today())
        first = db.session.scalar(sa.select(Inspection).order_by(Inspection.id))
        item = first.version.sections[0].items[0]
        db.session.add(Answer(inspection_id=first.id, item_id=item.id, result="pass"))
        db.session.commit()
        return plan.id, first.id


def test_withdrawing_cancels_only_untouched_inspections_and_is_audited(app, client, world, login, sheet):  # noqa: F811
    plan_id, begun = started_inspection(app, world, sheet)
    english(client, "admin_a", login)
    assert "Withdraw 1 untouched inspections" in client.get(f"/plans/{plan_id}").text
    response = client.post(f"/plans/{plan_id}/withdraw", follow_redirects=True)
    assert "1 untouched inspections were withdrawn" in response.text
    assert inspections(app, status="cancelled") == 1
    with app.app_context():
        assert db.session.get(Inspection, begun).status == "planned"  # begun: left alone
        assert db.session.get(InspectionPlan, plan_id).active is False
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "withdraw_untouched"))
        assert event.after["withdrawn"] == 1
    again = client.post(f"/plans/{plan_id}/withdraw", follow_redirects=True)
    assert "0 untouched inspections were withdrawn" in again.text
    assert inspections(app, status="cancelled") == 1
    assert client.post(f"/plans/{plan_id}/generate").status_code == 302
    assert inspections(app) == 2  # the withdrawn period is not made again


def test_only_the_townships_admin_withdraws(app, client, world, login, sheet):  # noqa: F811
    plan_id, _begun = started_inspection(app, world, sheet)
    assert login("inspector_a").post(f"/plans/{plan_id}/withdraw").status_code == 403
    assert login("admin_b").post(f"/plans/{plan_id}/withdraw").status_code == 404
    assert login("village_a1").post(f"/plans/{plan_id}/withdraw").status_code == 403
    assert inspections(app, status="cancelled") == 0


def test_the_agenda_loads_a_bounded_number_of_rows(app, client, world, login, sheet, monkeypatch):  # noqa: F811
    from hygiene.accounts.models import User

    monkeypatch.setattr(queries, "AGENDA_LIMIT", 5)
    today = local_today()
    with app.app_context():
        version = db.session.scalar(sa.select(InspectionPlan.template_id)) or sheet
        from hygiene.checklists.models import ChecklistTemplate
        from hygiene.checklists.services import latest_version
        version_id = latest_version(db.session.get(ChecklistTemplate, version)).id
        inspector = db.session.get(User, world.user_inspector_a)
        for i in range(12):
            row = Inspection(version_id=version_id, township_id=world.ta, village_id=world.a1,
                             target_kind="unit", target_id=world.unit_a1, target_label=f"甲一村 · 店{i}",
                             planned_date=today - timedelta(days=i), due_date=today + timedelta(days=1))
            row.inspectors = [inspector]
            db.session.add(row)
        db.session.commit()
    english(client, "inspector_a", login)
    page = client.get("/inspections/agenda").text
    assert page.count("agenda-item") == 5 and "and 7 more" in page
    assert ">12<" in client.get("/").text  # the tile counts them all


def test_two_withdrawals_at_the_same_moment_cancel_each_inspection_once(app, world, sheet):  # noqa: F811
    import threading

    from tests.conftest import PASSWORD

    plan_id, _begun = started_inspection(app, world, sheet)
    clients = [app.test_client() for _ in range(2)]
    for c in clients:
        assert c.post("/login", data={"username": "admin_a", "password": PASSWORD}).status_code == 302
    barrier, codes = threading.Barrier(2), []

    def withdraw(c):
        barrier.wait()
        codes.append(c.post(f"/plans/{plan_id}/withdraw").status_code)

    threads = [threading.Thread(target=withdraw, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [302, 302]
    assert inspections(app, status="cancelled") == 1 and inspections(app) == 2


def test_a_plan_form_sent_twice_makes_one_plan(app, client, world, login, sheet):  # noqa: F811
    import re

    english(client, "admin_a", login)
    key = re.search(r'name="request_key" type="hidden" value="([0-9a-f]{32})"',
                    client.get("/plans/new").text).group(1)
    data = plan_form(world, sheet, request_key=key)
    first, second = client.post("/plans/new", data=data), client.post("/plans/new", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert plans(app) == 1 and inspections(app) == 2
    other = client.get("/plans/new").text
    assert key not in other  # every form shown gets its own key


def test_the_same_plan_form_at_the_same_moment_makes_one_plan(app, world, sheet):  # noqa: F811
    import threading

    from tests.conftest import PASSWORD

    clients = [app.test_client() for _ in range(3)]
    for c in clients:
        assert c.post("/login", data={"username": "admin_a", "password": PASSWORD}).status_code == 302
    data = plan_form(world, sheet, request_key="f" * 32)
    barrier, codes = threading.Barrier(len(clients)), []

    def save(c):
        barrier.wait()
        codes.append(c.post("/plans/new", data=data).status_code)

    threads = [threading.Thread(target=save, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [302] * len(clients)
    assert plans(app) == 1 and inspections(app) == 2
