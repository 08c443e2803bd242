"""The printed notice (限期整改通知书): what one notice shows, for one order or many at once."""
from __future__ import annotations

from dataclasses import dataclass, field

import segno

from hygiene.core.web import public_url
from hygiene.media.models import Photo
from hygiene.rectifications.models import OrderItem, RectificationOrder
from hygiene.rectifications.queries import orders_item_photos

ANNEX_PHOTOS_PER_ITEM = 3  # the annex stays one page; the short link shows every photo


@dataclass(frozen=True)
class AnnexPhoto:
    figure: int  # 图1, 图2, ... on the annex page
    number: int  # the item's number on the notice
    item: OrderItem
    photo: Photo


@dataclass(frozen=True)
class Notice:
    order: RectificationOrder
    link: str  # the short link, at the site's public address
    qr: str  # the short link as an inline SVG QR code
    photos: list[AnnexPhoto] = field(default_factory=list)  # the annex page, in item order

    def figures_of(self, item: OrderItem) -> list[int]:
        """The annex figures showing this item."""
        return [p.figure for p in self.photos if p.item.id == item.id]


def notices_for(orders: list[RectificationOrder]) -> list[Notice]:
    """The notices of the orders, each with its QR code and its items' photos for the annex."""
    photos = orders_item_photos(orders)
    return [_notice(order, photos) for order in orders]


def _notice(order: RectificationOrder, photos: dict[tuple[int, int], list[Photo]]) -> Notice:
    link = public_url("order_link.order_short_link", token=order.token)
    shown = [(number, item, photo) for number, item in enumerate(order.items, start=1)
             for photo in photos.get((order.id, item.item_id), [])[:ANNEX_PHOTOS_PER_ITEM]]
    annex = [AnnexPhoto(figure, *row) for figure, row in enumerate(shown, start=1)]
    return Notice(order=order, link=link, qr=segno.make(link, error="m").svg_inline(scale=3), photos=annex)
