"""Reads of a round's field side: one target of one round (in the reader's scope), its work with
photos, its refusals, and what its holder holds of each product."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.pests.models import PestProduct, SupplyMovement
from hygiene.pests.queries import held_sum, holder_balance, holder_clause
from hygiene.pests.rounds.coverage import TargetCoverage
from hygiene.pests.rounds.models import PestRound, RoundRefusal, RoundTarget, RoundWork
from hygiene.pests.rounds.queries import round_coverage
from hygiene.places.models import Household

HOUSEHOLDS_OFFERED = 2000  # a village's register, for the refusal form; a name may be typed instead


def target_get(*, scope: Scope, round_id: int, target_id: int) -> tuple[PestRound, RoundTarget]:
    """A target of a round the scope may read; another round's target, or one outside the
    scope, is not found (404), never forbidden."""
    row = db.session.execute(
        sa.select(PestRound, RoundTarget).join(RoundTarget, RoundTarget.round_id == PestRound.id)
        .where(RoundTarget.id == target_id, PestRound.id == round_id,
               scope.clause(RoundTarget), scope.clause(PestRound))).first()
    if row is None:
        raise NotFound("round target not found")
    return row[0], row[1]


def work_get(*, scope: Scope, target: RoundTarget, work_id: int) -> RoundWork | None:
    """One work record of the target, or None (never another target's)."""
    return db.session.scalar(sa.select(RoundWork).where(
        RoundWork.id == work_id, RoundWork.target_id == target.id, scope.clause(RoundWork)))


def target_coverage(target: RoundTarget) -> TargetCoverage | None:
    return next((c for c in round_coverage(target.round_id) if c.target_id == target.id), None)


def covered_of(target: RoundTarget) -> tuple[int, Decimal]:
    """What the target's work has covered so far: households (or places) and area."""
    households, area = db.session.execute(sa.select(
        sa.func.coalesce(sa.func.sum(RoundWork.households_covered), 0),
        sa.func.coalesce(sa.func.sum(RoundWork.area_covered), 0)).where(RoundWork.target_id == target.id)).one()
    return int(households or 0), Decimal(str(area or 0))


def works_of(target: RoundTarget) -> tuple[list[RoundWork], dict[int, list[Photo]]]:
    """The target's work, newest first, and each record's photos (two queries)."""
    works = list(db.session.scalars(sa.select(RoundWork).where(RoundWork.target_id == target.id)
                                    .order_by(RoundWork.done_on.desc(), RoundWork.id.desc())))
    photos: dict[int, list[Photo]] = defaultdict(list)
    if works:
        for photo in db.session.scalars(sa.select(Photo).where(Photo.round_work_id.in_([w.id for w in works]))
                                        .order_by(Photo.id)):
            photos[photo.round_work_id or 0].append(photo)
    return works, photos


def refusals_of(target: RoundTarget, *, open_only: bool = False) -> list[RoundRefusal]:
    stmt = sa.select(RoundRefusal).where(RoundRefusal.target_id == target.id)
    if open_only:
        stmt = stmt.where(RoundRefusal.resolved_by_work_id.is_(None))
    return list(db.session.scalars(stmt.order_by(RoundRefusal.resolved_by_work_id.is_not(None), RoundRefusal.id)))


def _holder(target: RoundTarget) -> sa.ColumnElement[bool]:
    """The ledger's holder of a target: its unit, or its village (the village's own issues)."""
    return holder_clause(village_id=target.village_id, unit_id=target.unit_id)


def held_products(target: RoundTarget) -> list[tuple[PestProduct, Decimal]]:
    """The products the target's holder was issued and still holds, with the balance (one query)."""
    balance = held_sum()
    held = (sa.select(SupplyMovement.product_id, balance.label("balance"))
            .where(_holder(target), SupplyMovement.township_id == target.township_id)
            .group_by(SupplyMovement.product_id).having(balance > 0).subquery())
    rows = db.session.execute(sa.select(PestProduct, held.c.balance)
                              .join(held, held.c.product_id == PestProduct.id)
                              .order_by(PestProduct.name, PestProduct.id))
    return [(product, Decimal(str(amount))) for product, amount in rows]


def holding_of(target: RoundTarget, product_id: int) -> Decimal:
    """What the target's holder holds of one product now."""
    return holder_balance(product_id, village_id=target.village_id, unit_id=target.unit_id)


def households_of(target: RoundTarget) -> list[Household]:
    """The register's households of a village target (a unit has none), for the refusal form."""
    if target.unit_id is not None:
        return []
    return list(db.session.scalars(sa.select(Household).where(Household.village_id == target.village_id,
                                                              Household.active)
                                   .order_by(Household.group_name, Household.head_name, Household.id)
                                   .limit(HOUSEHOLDS_OFFERED)))
