"""How rectification orders are scoped, and the photos an order shows."""
from __future__ import annotations

import sqlalchemy as sa

from hygiene.access.rules import scope_rule, work_record_clause
from hygiene.access.scope import Scope
from hygiene.media.access import shown_by
from hygiene.media.models import Photo
from hygiene.media.reuse import PhotoRecord, register_photo_record
from hygiene.rectifications.models import OrderItem, RectificationOrder

scope_rule(RectificationOrder)(work_record_clause)


@shown_by
def photos_shown_by_orders(scope: Scope) -> sa.ColumnElement[bool]:
    """An order's own photos (evidence, re-inspection), and its inspection's photos of the failed
    items it lists (the order page shows those)."""
    orders = sa.select(RectificationOrder.id).where(scope.clause(RectificationOrder))
    shown_by_order = (sa.select(RectificationOrder.id)
                      .join(OrderItem, OrderItem.order_id == RectificationOrder.id)
                      .where(RectificationOrder.inspection_id == Photo.inspection_id,
                             OrderItem.item_id == Photo.item_id,
                             scope.clause(RectificationOrder)).exists())
    return sa.or_(Photo.order_id.in_(orders), shown_by_order)


register_photo_record(PhotoRecord(
    "order", RectificationOrder, lambda photo: photo.order_id,
    lambda order: (order.display_number, order.issued_on, order.target_label)))
