"""The office's work counts: what waits for review, what is overdue, what is open."""
from datetime import date

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.checklists.services import template_save
from hygiene.core.dashboard import work_counts
from hygiene.extensions import db
from tests.briefing.helpers import add_orders
from tests.inspections.helpers import simple_spec
from tests.rankings.helpers import add_published

TODAY = date(2026, 11, 20)


def test_the_counts_take_every_status_into_account_and_stay_in_the_scope(ctx, world):
    version = template_save(scope=Scope(Role.ADMIN), actor_id=None, spec=simple_spec()).id
    rows = [("submitted", 1), ("submitted", 25), ("planned", 10), ("planned", 25), ("in_progress", 5),
            ("published", 1), ("cancelled", 1)]  # (status, day of November)
    for status, day in rows:
        made = add_published(version_id=version, township_id=world.ta, village_id=world.a1,
                             day=date(2026, 11, day), score=80, status=status)
    add_published(version_id=version, township_id=world.tb, village_id=world.b1, day=date(2026, 11, 1),
                  score=80, status="submitted")
    add_orders(world, made)
    township = work_counts(Scope(Role.ADMIN, township_id=world.ta), TODAY)
    assert township == {"to_review": 2, "inspections_overdue": 2, "inspections_due": 2, "orders_open": 3,
                        "orders_overdue": 1, "orders_to_reinspect": 2}
    county = work_counts(Scope.county(), TODAY)
    assert county["to_review"] == 3 and county["orders_open"] == 4 and county["orders_overdue"] == 2
    db.session.rollback()
