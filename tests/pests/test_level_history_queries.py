"""The level board, the level history, the ledger and the rounds' coverage board issue as many
statements for 50 villages as for 5: they aggregate in SQL or fetch once and grade in Python."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

import hygiene.models  # noqa: F401  every table first, so mappers resolve names whatever is collected next
from hygiene.extensions import db
from hygiene.pests.models import PestProduct, SupplyMovement
from hygiene.pests.monitoring.models import MonitoringRecord
from hygiene.pests.rounds.models import PestRound, RoundTarget, RoundWork
from hygiene.pests.rounds.queries import coverage_stmt
from hygiene.places.models import Village
from tests.pests.derived import refresh_derived


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-11-29 10:00 +0800", tick=False):
        yield


def grow(app, township_id: int, villages: int, prefix: str) -> int:
    """Add villages to the township, each with a year of monthly surveys, a round target with
    work, and a product issued to it; returns the round's id."""
    with app.app_context():
        made = [Village(name=f"{prefix}{n:03d}村", township_id=township_id) for n in range(villages)]
        product = PestProduct(township_id=township_id, name="溴敌隆毒饵", active_ingredient="溴敌隆",
                              unit="kg", stock=Decimal(100))
        pest_round = PestRound(township_id=township_id, name="春季灭鼠", pests=["rodent"], season="spring",
                               starts_on=date(2026, 3, 20), ends_on=date(2026, 4, 10))
        db.session.add_all([*made, product, pest_round])
        db.session.flush()
        for village in made:
            target = RoundTarget(round_id=pest_round.id, township_id=township_id, village_id=village.id,
                                 place_key=f"village:{village.id}", households_target=100)
            db.session.add(target)
            db.session.flush()
            db.session.add(RoundWork(round_id=pest_round.id, target_id=target.id, township_id=township_id,
                                     village_id=village.id, done_on=date(2026, 3, 25), households_covered=90))
            db.session.add(SupplyMovement(product_id=product.id, township_id=township_id, village_id=village.id,
                                          kind="issue", quantity=Decimal("0.5"), moved_on=date(2026, 3, 21)))
            for month in range(12):
                day = date(2025, 12, 10) + timedelta(days=30 * month)
                for pest, method, counts in (
                        ("rodent", "room_signs", {"rooms_with_signs": month % 6, "rooms_checked": 100}),
                        ("cockroach", "room_signs", {"rooms_with_signs": 1, "rooms_checked": 50})):
                    db.session.add(MonitoringRecord(township_id=township_id, village_id=village.id, pest=pest,
                                                    method=method, surveyed_on=day, counts=counts))
        refresh_derived()
        db.session.commit()
        return pest_round.id


def statements(app, client, count_queries, round_id: int, village_id: int) -> dict[str, int]:
    counted = {}
    for name, url in (("board", "/pests/levels"), ("township", "/pests/levels/history"),
                      ("village", f"/pests/levels/history/{village_id}"), ("ledger", "/supplies/ledger")):
        client.get(url)                      # warm: the session and the caches
        with count_queries() as n:
            assert client.get(url).status_code == 200
        counted[name] = n[0]
    with app.app_context(), count_queries() as n:
        rows = db.session.execute(coverage_stmt(RoundTarget.round_id == round_id)).all()
    counted["coverage"], counted["targets"] = n[0], len(rows)
    return counted


def test_the_level_pages_ledger_and_coverage_do_not_grow_with_the_villages(app, client, login, world,
                                                                         count_queries):
    round_id = grow(app, world.ta, 5, "东")
    login("admin_a")
    small = statements(app, client, count_queries, round_id, world.a1)
    more = grow(app, world.ta, 45, "西")
    large = statements(app, client, count_queries, more, world.a1)
    assert (small.pop("targets"), large.pop("targets")) == (5, 45)
    assert small == large
    assert small["coverage"] == 1
