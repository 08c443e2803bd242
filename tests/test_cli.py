"""The command-line entry points."""
import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.inspections.models import Inspection


def test_checklists_install_is_idempotent(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["checklists", "install"])
    assert first.exit_code == 0 and "10 built-in" in first.output
    assert "0 built-in" in runner.invoke(args=["checklists", "install"]).output


def test_plans_generate_makes_due_inspections_once(app, world):
    from datetime import date

    from hygiene.access.scope import Scope
    from hygiene.accounts.models import Role
    from hygiene.checklists.services import template_save
    from hygiene.inspections.plans.services import plan_create, plan_input
    from tests.inspections.helpers import simple_spec

    with app.app_context():
        scope = Scope(Role.ADMIN, township_id=world.ta)
        version = template_save(scope=scope, actor_id=None, spec=simple_spec())
        plan_create(scope=scope, actor_id=None, data=plan_input(scope=scope, data={
            "name": "周检", "template_id": version.template_id, "target_mode": "all",
            "recurrence": "weekly", "start_date": date(2026, 11, 2), "days_allowed": 3,
            "inspector_ids": [world.user_inspector_a], "backfill": True}))
        db.session.commit()
    runner = app.test_cli_runner()
    assert "6 inspections made" in runner.invoke(args=["plans", "generate", "--date", "2026-11-18"]).output
    assert "0 inspections made" in runner.invoke(args=["plans", "generate", "--date", "2026-11-18"]).output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Inspection)) == 6
