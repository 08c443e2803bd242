"""Reads of rectification orders, through the reader's scope."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from hygiene.accounts.scope import Scope
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.inspections.models import Photo
from hygiene.rectifications.models import OPEN_STATUSES, RectificationOrder

FILTERS = ("open", "issued", "evidence_submitted", "overdue", "closed", "superseded", "withdrawn")


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
                    due_before: date | None = None) -> sa.Select:
    """The filtered list of orders, soonest deadline first."""
    model = RectificationOrder
    stmt = sa.select(model).where(order_clause(scope)).options(selectinload(model.items))
    if status == "open":
        stmt = stmt.where(model.status.in_(OPEN_STATUSES))
    elif status == "overdue":
        stmt = stmt.where(model.overdue_clause(today))
    elif status in FILTERS:
        stmt = stmt.where(model.status == status)
    if village_id:
        stmt = stmt.where(model.village_id == village_id)
    if due_before:
        stmt = stmt.where(model.deadline <= due_before)
    return stmt.order_by(model.status.in_(OPEN_STATUSES).desc(), model.deadline, model.id)


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
