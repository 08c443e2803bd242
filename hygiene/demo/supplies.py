"""The demo's supplies ledger: a few products, a stock-in and issues to villages that balance."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.clock import now_utc
from hygiene.pests.schemas import MovementInput, ProductInput
from hygiene.pests.services import movement_record, product_create

PRODUCTS = [  # name, active ingredient, registration number, form, unit, received, minimum
    ("溴敌隆毒饵", "溴敌隆 0.005%", "PD20096831", "饵剂", "kg", "60", "10"),
    ("高效氯氰菊酯水乳剂", "高效氯氰菊酯 5%", "PD20083456", "水乳剂", "L", "40", "8"),
    ("杀蟑胶饵", "吡虫啉 2.5%", "PD20121234", "胶饵", "包", "200", "50"),
]


def demo_supplies(*, township_id: int, village_ids: list[int], today: date) -> None:
    """Stock in a month ago, then issues to the first villages (one return), all through the services."""
    scope, now = Scope(Role.ADMIN, township_id=township_id), now_utc()
    for n, (name, ingredient, number, form, unit, received, minimum) in enumerate(PRODUCTS):
        product = product_create(scope=scope, actor_id=None, now=now, data=ProductInput(
            name=name, active_ingredient=ingredient, registration_number=number, form=form, unit=unit,
            expiry=today + timedelta(days=20 if n == 2 else 400), minimum_stock=Decimal(minimum)))
        moves: list[tuple[str, str, int | None, date]] = [("in", received, None, today - timedelta(days=30))]
        moves += [("issue", "5" if unit != "包" else "20", village, today - timedelta(days=20 - i))
                  for i, village in enumerate(village_ids[:4])]
        moves.append(("return", "1" if unit != "包" else "5", village_ids[0], today - timedelta(days=5)))
        for kind, quantity, village, day in moves:
            movement_record(scope=scope, actor_id=None, product=product, now=now, data=MovementInput(
                kind=kind, quantity=Decimal(quantity), moved_on=day, village_id=village,
                taker_name="" if kind == "in" else "李保管", signature="" if kind == "in" else "李保管"))
