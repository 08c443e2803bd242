"""Demo data: one believable township, built through the same services the pages use."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.accounts.schemas import UserInput
from hygiene.accounts.services import user_create
from hygiene.audit.models import AuditEvent
from hygiene.checklists.models import TemplateVersion
from hygiene.clock import local_today, local_zone, now_utc
from hygiene.extensions import db
from hygiene.places.kinds import CLEANERS, HOUSEHOLDS, TOWNSHIPS, UNITS, VILLAGES
from hygiene.places.models import Township
from hygiene.places.schemas import CleanerInput, HouseholdInput, TownshipInput, UnitInput, VillageInput
from hygiene.places.services import record_create

DEMO_PASSWORD = "hygiene-demo"
TOWNSHIP_NAME = "清溪镇"
VILLAGES_ = [("东山村", "village"), ("西河村", "village"), ("南岭村", "village"),
             ("北坡村", "village"), ("桃源村", "village"), ("杏花村", "village"),
             ("柳塘村", "village"), ("石桥村", "village"), ("青龙村", "village"),
             ("龙泉村", "village"), ("白云社区", "community"), ("新华社区", "community")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "建国华明军平秀英丽芳桂兰红梅志强海燕玉兰德胜春花永福金凤国庆小红文杰淑珍利民红霞"
GROUPS = ["一组", "二组", "三组", "四组", "五组", "六组"]
ROADS = ["村主干道", "村委会至小学路段", "集镇东街", "集镇西街", "河堤路", "文化广场周边",
         "村口至国道段", "新村安置区", "老街巷道", "农贸市场周边"]
# (category, count, name patterns); {v} is the village's short name, {s} a surname.
UNIT_PLAN = [
    ("catering", 34, ["{s}记饭店", "{v}农家乐", "{s}家面馆", "{v}快餐店", "{s}氏烧烤",
                      "{v}早餐店", "{s}记小吃"]),
    ("school_canteen", 6, ["{v}小学食堂", "{v}幼儿园食堂"]),
    ("market", 3, ["{v}农贸市场"]),
    ("shop", 34, ["{v}便民超市", "{s}记副食店", "{v}五金店", "{s}家百货", "{v}烟酒店",
                  "{s}记水果店"]),
    ("office", 10, ["{v}村民委员会", "{v}党群服务中心", "清溪镇{v}供电所", "清溪镇{v}派出所"]),
    ("enterprise", 10, ["{v}竹木加工厂", "{v}茶叶合作社", "{s}氏食品厂", "{v}养殖场"]),
    ("clinic", 12, ["{v}卫生室"]),
    ("public_toilet", 14, ["{v}公厕(村委会旁)", "{v}公厕(广场)"]),
    ("hotel", 6, ["{v}旅馆", "{s}家宾馆"]),
    ("beauty", 11, ["{s}记理发店", "{v}美容美发"]),
    ("other", 10, ["{v}洗衣店", "{s}记修车铺", "{v}网吧", "{s}家药店"]),
]


def demo_load(*, seed: int = 2026) -> bool:
    """Build the demo township unless it exists; return True when anything was written."""
    if db.session.scalar(sa.select(Township.id).where(Township.name == TOWNSHIP_NAME)):
        return False
    rng, loading, today = random.Random(seed), now_utc(), local_today()
    county = Scope(Role.ADMIN)
    township = record_create(kind=TOWNSHIPS, scope=county, actor_id=None, data=TownshipInput(
        name=TOWNSHIP_NAME, kind="township", contact_name="周爱卫", contact_phone="0571-88123456"))
    villages = [record_create(kind=VILLAGES, scope=county, actor_id=None, data=VillageInput(
        township_id=township.id, name=name, kind=kind,
        contact_name=_person(rng), contact_phone=_mobile(rng))) for name, kind in VILLAGES_]
    units = _demo_units(rng, county, villages)
    _demo_households(rng, county, villages)
    _demo_cleaners(rng, county, villages)
    _demo_users(county, township, villages[0], units)
    from hygiene.demo.inspections import HISTORY_MONTHS, demo_inspections, months_back, working_days_back

    demo_inspections(township_id=township.id, today=today)
    from hygiene.demo.supplies import demo_supplies

    demo_supplies(township_id=township.id, village_ids=[v.id for v in villages], today=today)

    from hygiene.demo.pests import demo_monitoring

    demo_monitoring(township_id=township.id, today=today)
    from hygiene.demo.rounds import demo_rounds

    demo_rounds(township_id=township.id, today=today)
    from hygiene.demo.round_work import demo_round_work  # after the rounds exist (demo/rounds.py)

    demo_round_work(township_id=township.id, today=today)
    from hygiene.demo.toilets import demo_toilets

    demo_toilets(township_id=township.id, today=today)  # before the rankings: toilet progress is a component
    from hygiene.demo.creation import demo_creation

    demo_creation(township_id=township.id, today=today)  # before the rankings: creation progress is a component

    from hygiene.demo.education import demo_education

    demo_education(township_id=township.id, today=today)  # before the rankings: education cadence is a component

    from hygiene.demo.food import demo_food

    demo_food(township_id=township.id, today=today)

    from hygiene.demo.campaigns import demo_campaigns

    demo_campaigns(township_id=township.id, today=today)
    from hygiene.demo.rankings import demo_rankings

    demo_rankings(township_id=township.id, today=today)  # after monitoring and rounds: both are components
    from hygiene.demo.letters import demo_letters

    demo_letters(township_id=township.id, today=today)  # after every domain its targets measure
    from hygiene.demo.tokens import demo_tokens

    demo_tokens(today=today)
    first_plan = months_back(today, HISTORY_MONTHS)
    _date_the_setup(loading, [working_days_back(first_plan, n) for n in (3, 2, 1)])
    _read_the_past(loading)
    return True


def _read_the_past(loading: datetime) -> None:
    """People read their messages as they came: what the months before told them in the app is
    read; the last working days' messages are still waiting in the bell."""
    from hygiene.notifications.models import ChannelName, Notification

    db.session.execute(sa.update(Notification).where(
        Notification.channel == ChannelName.IN_APP.value, Notification.read_at.is_(None),
        Notification.send_after < loading - timedelta(days=3)).values(read_at=Notification.send_after)
        .execution_options(synchronize_session=False))


def _date_the_setup(loading: datetime, days: list[date]) -> None:
    """Put the setting-up (register import, users, checklists, plans) on the working days before
    the first plan, in office hours: each kind of record a batch of its own, seconds apart.

    The played-out work carries its own times; what the services stamped with the clock while
    loading is the set-up."""
    events = db.session.execute(sa.select(AuditEvent.id, AuditEvent.entity_type).where(
        AuditEvent.at >= loading).order_by(AuditEvent.id)).all()
    slots = [datetime.combine(day, time(hour, 5 * index), local_zone())
             for day in days for index, hour in enumerate((9, 10, 14, 15))]
    batch_start = {kind: slots[n % len(slots)]
                   for n, kind in enumerate(dict.fromkeys(kind for _id, kind in events))}
    in_batch: dict[str, int] = {}
    rows = []
    for event_id, kind in events:
        in_batch[kind] = in_batch.get(kind, -1) + 1
        rows.append({"id": event_id, "at": batch_start[kind] + timedelta(seconds=7 * in_batch[kind])})
    db.session.execute(sa.update(AuditEvent), rows)
    db.session.execute(sa.update(TemplateVersion).where(TemplateVersion.created_at >= loading).values(
        created_at=batch_start.get("checklist_template", slots[0])))


def _demo_units(rng, scope, villages) -> list:
    units, seen = [], set()
    for category, count, patterns in UNIT_PLAN:
        made = 0
        while made < count:
            # one clinic per village, the other categories spread at random
            village = villages[made % len(villages)] if category == "clinic" else rng.choice(villages)
            name = rng.choice(patterns).format(v=village.name[:2], s=rng.choice(SURNAMES))
            if (village.id, name) in seen:
                continue
            seen.add((village.id, name))
            units.append(record_create(kind=UNITS, scope=scope, actor_id=None, data=UnitInput(
                village_id=village.id, name=name, category=category,
                address=f"{village.name}{rng.choice(GROUPS)}{rng.randint(1, 88)}号",
                contact_name=_person(rng), contact_phone=_mobile(rng))))
            made += 1
    return units


def _demo_households(rng, scope, villages) -> None:
    seen: set[tuple] = set()
    while len(seen) < 300:
        village, group, head = rng.choice(villages), rng.choice(GROUPS), _person(rng)
        if (village.id, group, head) in seen:
            continue
        seen.add((village.id, group, head))
        record_create(kind=HOUSEHOLDS, scope=scope, actor_id=None, data=HouseholdInput(
            village_id=village.id, group_name=group, head_name=head,
            phone=_mobile(rng) if rng.random() < 0.85 else "",
            address=f"{village.name}{group}{rng.randint(1, 120)}号"))


def _demo_cleaners(rng, scope, villages) -> None:
    for index in range(20):
        village = villages[index % len(villages)]
        record_create(kind=CLEANERS, scope=scope, actor_id=None, data=CleanerInput(
            village_id=village.id, name=_person(rng) + ("" if index < 12 else "(兼)"),
            section=rng.choice(ROADS), phone=_mobile(rng)))


def _demo_users(scope, township, village, units) -> None:
    restaurant = next(u for u in units if u.category == "catering" and u.village_id == village.id)
    for username, display, role, extra in [
        ("admin", "周爱卫", Role.ADMIN, {"township_id": township.id}),
        ("inspector", "李检查", Role.INSPECTOR, {"township_id": township.id}),
        ("village", "王村委", Role.VILLAGE_CONTACT, {"village_id": village.id}),
        ("unit", restaurant.contact_name, Role.UNIT_CONTACT, {"unit_id": restaurant.id}),
    ]:
        user_create(scope=scope, actor_id=None, data=UserInput(
            username=username, display_name=display, role=role, password=DEMO_PASSWORD, **extra))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "150", "151", "158", "187", "189"]) + f"{rng.randint(0, 99999999):08d}"
