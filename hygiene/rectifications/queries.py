"""Reads of rectification orders, through the reader's scope."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from hygiene.access.scope import Scope
from hygiene.core.periods import add_months
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.media.models import Photo
from hygiene.places.models import Village
from hygiene.rectifications.models import RectificationOrder
from hygiene.rectifications.status import OPEN, OrderStatus


def order_clause(scope: Scope) -> sa.ColumnElement[bool]:
    """Orders a scope may read (the rule lives in Scope)."""
    return scope.clause(RectificationOrder)


def order_get(*, scope: Scope, order_id: int) -> RectificationOrder:
    order = db.session.scalar(sa.select(RectificationOrder).where(
        RectificationOrder.id == order_id, order_clause(scope)))
    if order is None:
        raise NotFound("order not found")
    return order


def order_by_token(token: str) -> RectificationOrder:
    order = db.session.scalar(sa.select(RectificationOrder).where(RectificationOrder.token == token))
    if order is None:
        raise NotFound("order not found")
    return order


def order_list_stmt(*, scope: Scope, today: date, status: str = "", village_id: int | None = None,
                    due_before: date | None = None, issued_in: date | None = None) -> sa.Select:
    """The filtered list of orders, soonest deadline first; `issued_in` is a month's first day."""
    model = RectificationOrder
    stmt = sa.select(model).where(order_clause(scope)).options(selectinload(model.items))
    if status == "open":
        stmt = stmt.where(model.status.in_(OPEN))
    elif status == "overdue":
        stmt = stmt.where(model.overdue_clause(today))
    elif OrderStatus.known(status):
        stmt = stmt.where(model.status == status)
    if village_id:
        stmt = stmt.where(model.village_id == village_id)
    if due_before:
        stmt = stmt.where(model.deadline <= due_before)
    if issued_in:
        stmt = stmt.where(model.issued_on >= issued_in, model.issued_on < add_months(issued_in, 1))
    return stmt.order_by(model.status.in_(OPEN).desc(), model.deadline, model.id)


def order_photos(order: RectificationOrder) -> dict[str, list[Photo]]:
    """The order's photos by purpose, plus the photos of its failed items from the inspection."""
    item_ids = [i.item_id for i in order.items]
    stmt = sa.select(Photo).where(sa.or_(
        Photo.order_id == order.id,
        sa.and_(Photo.inspection_id == order.inspection_id, Photo.item_id.in_(item_ids)))).order_by(Photo.id)
    grouped: dict[str, list[Photo]] = {}
    for photo in db.session.scalars(stmt):
        key = photo.purpose if photo.order_id else f"item:{photo.item_id}"
        grouped.setdefault(key, []).append(photo)
    return grouped


def orders_for_print(*, scope: Scope, today: date, limit: int, **filters) -> tuple[list[RectificationOrder], int]:
    """The listed orders (same filters, same scope) by number, for printing their notices
    together; none when more than `limit` match. Returns the orders and how many matched."""
    stmt = order_list_stmt(scope=scope, today=today, **filters).order_by(None)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    if total > limit:
        return [], total
    model = RectificationOrder
    stmt = stmt.options(joinedload(model.inspection).joinedload(Inspection.version),
                        joinedload(model.village).joinedload(Village.township), joinedload(model.parent))
    return list(db.session.scalars(stmt.order_by(model.year, model.number, model.id)).unique()), total


def orders_item_photos(orders: list[RectificationOrder]) -> dict[tuple[int, int], list[Photo]]:
    """Photos taken of the orders' failed items during their inspections, by (order, item), in one query."""
    orders_of: dict[tuple[int, int], list[int]] = {}
    for order in orders:
        for item in order.items:
            orders_of.setdefault((order.inspection_id, item.item_id), []).append(order.id)
    if not orders_of:
        return {}
    stmt = sa.select(Photo).where(Photo.order_id.is_(None),
                                  Photo.inspection_id.in_({key[0] for key in orders_of}),
                                  Photo.item_id.in_({key[1] for key in orders_of})).order_by(Photo.id)
    photos: dict[tuple[int, int], list[Photo]] = {}
    for photo in db.session.scalars(stmt):
        for order_id in orders_of.get((photo.inspection_id, photo.item_id), ()):
            photos.setdefault((order_id, photo.item_id), []).append(photo)
    return photos
