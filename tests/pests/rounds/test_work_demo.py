"""The demo's round work: believable coverage on announced and closed rounds, refusals and
mop-ups, photos, and a ledger that balances; nothing without rounds."""
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.pests.models import PestProduct, SupplyMovement
from hygiene.pests.rounds.models import PestRound, RoundRefusal, RoundTarget, RoundWork
from hygiene.pests.rounds.queries import round_coverage
from hygiene.pests.rounds.status import RoundStatus, WorkKind
from hygiene.places.models import Household, Village


def _rounds(world):
    today = local_today()
    product = PestProduct(township_id=world.ta, name="溴敌隆毒饵", active_ingredient="溴敌隆", unit="kg")
    db.session.add(product)
    villages = [Village(name=f"演示{n}村", township_id=world.ta) for n in range(10)]
    db.session.add_all(villages)
    db.session.flush()
    db.session.add_all(Household(head_name=f"户主{n}", group_name="一组", village_id=v.id)
                       for v in villages for n in range(6))
    made = {}
    for status, start in ((RoundStatus.ANNOUNCED, 6), (RoundStatus.CLOSED, 60), (RoundStatus.PLANNED, -5)):
        round_ = PestRound(township_id=world.ta, name=f"灭鼠{status}", pests=["rodent"], season="winter",
                           starts_on=today - timedelta(days=start), ends_on=today - timedelta(days=start - 14),
                           product_id=product.id, status=status)
        round_.targets = [RoundTarget(township_id=world.ta, village_id=v.id, place_key=f"village:{v.id}",
                                      households_target=60) for v in villages]
        db.session.add(round_)
        made[status] = round_
    db.session.commit()
    return {status: r.id for status, r in made.items()}


def test_the_demo_works_announced_and_closed_rounds_believably(app, world):
    from hygiene.demo.round_work import demo_round_work

    with app.app_context():
        ids = _rounds(world)
        assert demo_round_work(township_id=world.ta, today=local_today()) > 20
        db.session.commit()
        for status in (RoundStatus.ANNOUNCED, RoundStatus.CLOSED):
            coverage = round_coverage(ids[status])
            reached = [c for c in coverage if not c.behind(Decimal(95))]
            assert 7 <= len(reached) <= 9, [c.percent for c in coverage]
            assert all(c.households_covered <= (c.households_target or 0) for c in coverage)  # never 62 / 60
            assert db.session.get(PestRound, ids[status]).status == status
        assert not db.session.scalar(sa.select(RoundWork.id).where(RoundWork.round_id == ids[RoundStatus.PLANNED]))
        assert db.session.scalar(sa.select(sa.func.count()).where(RoundWork.kind == WorkKind.MOP_UP)) > 5
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoundRefusal)) > 5
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) >= 20
        sign = sa.case((SupplyMovement.kind.in_(("in",)), SupplyMovement.quantity),
                       (SupplyMovement.kind == "use", -SupplyMovement.quantity), else_=0)
        product = db.session.scalar(sa.select(PestProduct))
        assert Decimal(db.session.scalar(sa.select(sa.func.sum(sign)))) >= 0
        held = sa.case((SupplyMovement.kind == "issue", SupplyMovement.quantity),
                       (SupplyMovement.kind.in_(("use", "return")), -SupplyMovement.quantity), else_=0)
        balances = db.session.scalars(sa.select(sa.func.sum(held)).where(SupplyMovement.kind != "in")
                                      .group_by(SupplyMovement.village_id))
        assert all(b >= 0 for b in balances) and product.stock >= 0


def test_without_rounds_the_demo_does_nothing(app, world):
    from hygiene.demo.round_work import demo_round_work

    with app.app_context():
        assert demo_round_work(township_id=world.ta, today=local_today()) == 0
