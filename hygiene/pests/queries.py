"""Reads of the supplies ledger, each kept inside the reader's scope; balances are SQL aggregates
(one query for all products, never one per row)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from hygiene.access.scope import Scope
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.pests.cadence import DEFAULT_RULES, ReminderRules, SprayCadence
from hygiene.pests.models import QUANTITY, PestProduct, PestSettings, SupplyMovement
from hygiene.pests.quantities import PLACES
from hygiene.pests.supplies import EXPIRY_WARNING_DAYS
from hygiene.places.models import Unit, Village

_SIGN = sa.case((SupplyMovement.kind == "issue", SupplyMovement.quantity),
                (SupplyMovement.kind.in_(("return", "use")), -SupplyMovement.quantity), else_=0)


def held_sum() -> sa.ColumnElement[Decimal]:
    """What a holder holds (issued - returned - used), summed in SQL and rounded to the ledger's
    places: SQLite adds NUMERIC as binary floats, so an unrounded 0.95 may come back 0.9499999..."""
    return sa.type_coerce(sa.func.round(sa.func.coalesce(sa.func.sum(_SIGN), 0), PLACES), QUANTITY)


def holder_clause(*, village_id: int | None, unit_id: int | None) -> sa.ColumnElement[bool]:
    """The ledger's holder: a unit, or a village (its own issues, not its units')."""
    if unit_id is not None:
        return SupplyMovement.unit_id == unit_id
    return sa.and_(SupplyMovement.village_id == village_id, SupplyMovement.unit_id.is_(None))


def _total(kind: str) -> sa.ColumnElement[Any]:
    return sa.func.coalesce(sa.func.sum(sa.case((SupplyMovement.kind == kind, SupplyMovement.quantity),
                                                else_=0)), 0)


def product_list_stmt(scope: Scope) -> sa.Select:
    return sa.select(PestProduct).where(scope.clause(PestProduct)).order_by(PestProduct.name, PestProduct.id)


def product_get(scope: Scope, product_id: int) -> PestProduct:
    product = db.session.scalar(sa.select(PestProduct).where(PestProduct.id == product_id,
                                                             scope.clause(PestProduct)))
    if product is None:
        raise NotFound("product not found")
    return product


def movements_of(scope: Scope, product: PestProduct) -> list[SupplyMovement]:
    """The product's movements the scope may read (a village contact: those of their village)."""
    return list(db.session.scalars(
        sa.select(SupplyMovement).options(selectinload(SupplyMovement.village), selectinload(SupplyMovement.unit))
        .where(SupplyMovement.product_id == product.id, scope.clause(SupplyMovement))
        .order_by(SupplyMovement.moved_on.desc(), SupplyMovement.id.desc())))


def holder_balance(product_id: int, *, village_id: int | None, unit_id: int | None) -> Decimal:
    """What a village (its own issues, not its units') or a unit holds of a product."""
    return Decimal(db.session.scalar(sa.select(held_sum()).where(
        SupplyMovement.product_id == product_id, holder_clause(village_id=village_id, unit_id=unit_id))) or 0)


def held_by_holders(scope: Scope, product: PestProduct) -> list[Any]:
    """Per village or unit holding the product: issued, returned, used, balance (one query)."""
    return list(db.session.execute(
        sa.select(Village.name.label("village"), Unit.name.label("unit"),
                  _total("issue").label("issued"), _total("return").label("returned"),
                  _total("use").label("used"), held_sum().label("balance"))
        .join(Village, Village.id == SupplyMovement.village_id)
        .outerjoin(Unit, Unit.id == SupplyMovement.unit_id)
        .where(SupplyMovement.product_id == product.id, scope.clause(SupplyMovement))
        .group_by(Village.name, Unit.name).order_by(Village.name, Unit.name)))


def ledger_rows(scope: Scope, today: date) -> list[Any]:
    """The township's ledger, one row per product: in, issued, returned, used, office stock,
    near expiry, below minimum; one aggregate query (the office's ledger: township-wide scopes).
    A product's movements are all of its township, so the scope is the products'."""
    return list(db.session.connection().execute(
        _ledger_select().where(scope.clause(PestProduct)),
        {"today": today, "soon": today + timedelta(days=EXPIRY_WARNING_DAYS)}))


@cache
def _ledger_select() -> sa.Select:
    """The ledger's statement but for its scope, built once (the page is opened often; the days
    are bound at each reading)."""
    p = PestProduct
    today, soon = sa.bindparam("today", type_=sa.Date), sa.bindparam("soon", type_=sa.Date)
    return (sa.select(p.id, p.name, p.unit, p.expiry, p.stock, p.minimum_stock,
                      _total("in").label("received"), _total("issue").label("issued"),
                      _total("return").label("returned"), _total("use").label("used"),
                      sa.and_(p.expiry.is_not(None), p.expiry >= today, p.expiry <= soon).label("expires_soon"),
                      sa.and_(p.expiry.is_not(None), p.expiry < today).label("expired"),
                      (p.stock < p.minimum_stock).label("below_minimum"))
            .outerjoin(SupplyMovement, SupplyMovement.product_id == p.id)
            .group_by(p.id, p.name, p.unit, p.expiry, p.stock, p.minimum_stock)
            .order_by(p.name, p.id))


def holder_choices(scope: Scope) -> tuple[list[Village], list[Unit]]:
    villages = list(db.session.scalars(sa.select(Village).where(scope.clause(Village), Village.active)
                                       .order_by(Village.name)))
    units = list(db.session.scalars(sa.select(Unit).join(Village, Village.id == Unit.village_id)
                                    .where(scope.clause(Unit), Unit.active)
                                    .order_by(Village.name, Unit.name, Unit.id).limit(500)))
    return villages, units


def reminder_rules(township_ids: set[int]) -> dict[int, ReminderRules]:
    """Each township's reminder rules: its settings, or rules.yaml's defaults (one query)."""
    rules = dict.fromkeys(township_ids, DEFAULT_RULES)
    if township_ids:
        for row in db.session.scalars(sa.select(PestSettings).where(PestSettings.township_id.in_(township_ids))):
            rules[row.township_id] = rules_of(row)
    return rules


def rules_of(row: PestSettings) -> ReminderRules:
    cadence = SprayCadence(frozenset(row.spray_months), row.spray_every_days_min, row.spray_every_days_max)
    return ReminderRules(cadence, row.days_before_end)
