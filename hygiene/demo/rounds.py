"""The demo's control rounds, planned and moved through the services as the office would:
the 2026 spring and autumn unified rat baiting of every village, a monthly mosquito-and-fly round
each summer month (June, July, August: one a month, not every 2-3 days), a cockroach round for
the restaurants and canteens, a spring snail round for the three villages with snail habitat,
and the winter round the office is planning now. The work of each round is the field side's
demo (hygiene/demo/round_work.py), which runs after this one."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.clock import local_zone
from hygiene.extensions import db
from hygiene.pests.models import PestProduct
from hygiene.pests.rounds import queries, services
from hygiene.pests.rounds.models import UNIFIED_RULES, PestRound
from hygiene.pests.rounds.schemas import RoundInput, TargetInput
from hygiene.pests.schemas import ProductInput
from hygiene.pests.services import product_create
from hygiene.rectifications.workdays import is_working_day

BAIT, SPRAY, GEL = "溴敌隆毒饵", "高效氯氰菊酯水乳剂", "杀蟑胶饵"
SNAIL_PRODUCT = ("氯硝柳胺可湿性粉剂", "氯硝柳胺 50%", "PD20070123", "可湿性粉剂", "kg")
SNAIL_VILLAGES = {"柳塘村": (Decimal("15.5"), "mu"), "青龙村": (Decimal(8), "mu"), "龙泉村": (Decimal(4200), "m2")}
RAT_DOSE = "室内每20平方米投2-3堆，每堆10克；田埂沟渠每隔10-15米投1堆，每堆20克"
RAT_METHOD = "连续3个无雨天傍晚统一投放毒饵，按消耗补投；统一到镇爱卫办领取药物"
SPRAY_METHOD = "清除积水孳生地，垃圾中转站、公厕、农贸市场滞留喷洒"
# (name, pests, season, start as (month, day), days, product, targets); a round over by today
# is announced and closed, one under way announced, one to come left planned
ROUNDS = [
    ("{y}年春季统一灭鼠", ["rodent"], "spring", (3, 23), 14, BAIT, "villages"),
    ("{y}年春季查螺灭螺", ["snail"], "spring", (4, 13), 18, SNAIL_PRODUCT[0], "snail"),
    ("{y}年6月灭蚊灭蝇统一消杀", ["mosquito", "fly"], "summer", (6, 8), 10, SPRAY, "villages"),
    ("{y}年7月灭蚊灭蝇统一消杀", ["mosquito", "fly"], "summer", (7, 6), 10, SPRAY, "villages"),
    ("{y}年夏季餐饮单位灭蟑", ["cockroach"], "summer", (7, 13), 12, GEL, "kitchens"),
    ("{y}年8月灭蚊灭蝇统一消杀", ["mosquito", "fly"], "summer", (8, 10), 10, SPRAY, "villages"),
    ("{y}年秋季统一灭鼠", ["rodent"], "autumn", (10, 19), 13, BAIT, "villages"),
    ("{y}年冬季灭鼠灭蚊", ["rodent", "mosquito"], "winter", (12, 14), 12, BAIT, "villages"),
]
KITCHENS = ("catering", "school_canteen")


def demo_rounds(*, township_id: int, today: date) -> list[PestRound]:
    """Plan this year's rounds (announce and close those already over); return them."""
    scope = Scope(Role.ADMIN, township_id=township_id)
    year = today.year if today >= date(today.year, 11, 1) else today.year - 1
    products = _products(scope, today)
    villages, units, counts = queries.place_choices(scope)
    made = []
    for name, pests, season, (month, day), days, product, reach in ROUNDS:
        starts = date(year, month, day)
        targets = _targets(reach, villages, units, counts)
        data = RoundInput(name=name.format(y=year), pests=pests, season=season, starts_on=starts,
                          ends_on=starts + timedelta(days=days - 1),
                          method=RAT_METHOD if product == BAIT else SPRAY_METHOD if product == SPRAY else "",
                          product_id=products[product], dose=RAT_DOSE if product == BAIT else "",
                          unified_rules=list(UNIFIED_RULES), request_key=f"demo-round-{year}-{month}-{day}")
        pest_round = services.round_create(scope=scope, actor_id=None, data=data, targets=targets,
                                           now=_at(starts - timedelta(days=14), today))
        if starts <= today:
            services.round_move(scope=scope, actor_id=None, pest_round=pest_round, move="announce",
                                now=_at(starts - timedelta(days=5), today))
        if data.ends_on < today:
            services.round_move(scope=scope, actor_id=None, pest_round=pest_round, move="close",
                                now=_at(data.ends_on + timedelta(days=3), today))
        made.append(pest_round)
    db.session.flush()
    return made


def _products(scope: Scope, today: date) -> dict[str, int]:
    """The ledger's products by name, with the snail product added to it."""
    name, ingredient, number, form, unit = SNAIL_PRODUCT
    product_create(scope=scope, actor_id=None, now=_at(today - timedelta(days=30), today), data=ProductInput(
        name=name, active_ingredient=ingredient, registration_number=number, form=form, unit=unit,
        expiry=today + timedelta(days=500)))
    return dict(db.session.execute(sa.select(PestProduct.name, PestProduct.id).where(
        PestProduct.township_id == scope.township_id)).all())


def _targets(reach: str, villages, units, counts) -> list[TargetInput]:
    if reach == "snail":
        return [TargetInput(village_id=v.id, area_target=SNAIL_VILLAGES[v.name][0],
                            area_unit=SNAIL_VILLAGES[v.name][1]) for v in villages if v.name in SNAIL_VILLAGES]
    if reach == "kitchens":
        return [TargetInput(village_id=u.village_id, unit_id=u.id, households_target=1)
                for u in units if u.category in KITCHENS]
    return [TargetInput(village_id=v.id, households_target=max(counts.get(v.id, 0), 1)) for v in villages]


def _at(day: date, today: date) -> datetime:
    """Office hours on the working day `day` (or the one before), and before today: the trail's time."""
    day = min(day, today - timedelta(days=1))
    while not is_working_day(day):
        day -= timedelta(days=1)
    return datetime.combine(day, time(9, 30), local_zone())
