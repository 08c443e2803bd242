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


def test_the_dashboard_reads_its_register_and_work_counts_in_one_statement(app, ctx, world, count_queries):
    from hygiene.core.dashboard import dashboard_counts
    from hygiene.places.queries import register_counts

    version = template_save(scope=Scope(Role.ADMIN), actor_id=None, spec=simple_spec()).id
    add_published(version_id=version, township_id=world.ta, village_id=world.a1, day=date(2026, 11, 1),
                  score=80, status="submitted")
    add_published(version_id=version, township_id=world.tb, village_id=world.b1, day=date(2026, 11, 1),
                  score=80, status="submitted")
    for scope in (Scope(Role.ADMIN, township_id=world.ta), Scope.county()):
        with count_queries() as n:
            register, work = dashboard_counts(scope, TODAY)
        assert n[0] == 1
        assert register == register_counts(scope) and work == work_counts(scope, TODAY)
    township_register, township_work = dashboard_counts(Scope(Role.ADMIN, township_id=world.ta), TODAY)
    assert township_register["villages"] == 2 and township_register["units"] == 2 and township_work["to_review"] == 1
    db.session.rollback()


def test_the_dashboard_page_shows_the_counts_of_its_own_township_only(app, client, world, login):
    with app.app_context():
        version = template_save(scope=Scope(Role.ADMIN), actor_id=None, spec=simple_spec()).id
        for township, village in ((world.ta, world.a1), (world.tb, world.b1), (world.tb, world.b1)):
            add_published(version_id=version, township_id=township, village_id=village, day=date(2026, 11, 1),
                          score=80, status="submitted")
        db.session.commit()
    page = login("admin_a").get("/").text
    assert '<span class="num">1</span><span>待审核的检查</span>' in page
    assert 'href="/register/villages/"><span class="num">2</span>' in page   # 甲一村, 甲二村
    county = login("county").get("/").text
    assert '<span class="num">3</span><span>待审核的检查</span>' in county
    assert 'href="/register/villages/"><span class="num">3</span>' in county
