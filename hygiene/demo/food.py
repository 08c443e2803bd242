"""The demo's food-safety registers: rural banquets registered over the year by the villages (the
large ones checked on site by the office, one failed, one coming still waiting for its check, a
couple cancelled, a few moved indoors after registering, a few cooks without a valid certificate), and the health certificates of every
food unit's workers, a few expired and a few expiring within the month. Through the services, with
the day's time, so the trail is real."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.clock import local_zone, now_utc, to_local
from hygiene.food import services
from hygiene.food.models import BANQUET_KINDS
from hygiene.food.rules import default_rules, food_categories
from hygiene.food.schemas import BanquetInput, CertificateInput, CheckInput
from hygiene.places.models import Unit, Village
from hygiene.rectifications.workdays import is_working_day

SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国华明丽芳强军平秀英兰桂红春伟静志刚永福德"
PLACES = ("自家院坝", "村活动室", "祠堂前坝子", "村委会广场", "自家新房")
POINTS = ("premises", "purchase", "washing", "samples", "cook_certificate")


def demo_food(*, township_id: int, today: date, seed: int = 12) -> int:
    """The year's banquets and the food units' certificates; the number of banquets registered."""
    admin = _user(Role.ADMIN, township_id)
    inspector = _user(Role.INSPECTOR, township_id)
    if admin is None or inspector is None:
        return 0
    # people register, check and mark banquets on working days in office hours, and nothing is
    # stamped at or after the loading moment (the demo dates such events as its set-up)
    cap = _latest_office_moment(now_utc())
    today = min(today, cap.date())
    rng = _Clock(seed, cap)
    villages = list(db_villages(township_id))
    village_user = next((u for u in _village_users(villages)), None)
    made = _banquets(rng, villages, admin, inspector, village_user, today)
    _certificates(rng, township_id, admin, today)
    return made


def db_villages(township_id: int):
    from hygiene.extensions import db

    return db.session.scalars(sa.select(Village).where(Village.township_id == township_id).order_by(Village.id))


def _user(role: Role, township_id: int) -> User | None:
    from hygiene.extensions import db

    return db.session.scalar(sa.select(User).where(User.role == role, User.township_id == township_id)
                             .order_by(User.id).limit(1))


def _village_users(villages: list[Village]) -> list[User]:
    from hygiene.extensions import db

    return list(db.session.scalars(sa.select(User).where(
        User.role == Role.VILLAGE_CONTACT, User.village_id.in_([v.id for v in villages])).order_by(User.id)))


def _latest_office_moment(now: datetime) -> datetime:
    """The last moment in office hours on a working day before `now` (local time)."""
    local = to_local(now) - timedelta(minutes=1)
    if is_working_day(local.date()) and time(9) <= local.time():
        return min(local, datetime.combine(local.date(), time(17, 30), local_zone()))
    return datetime.combine(_work_day(local.date() - timedelta(days=1)), time(17, 30), local_zone())


def _work_day(day: date) -> date:
    """The latest working day on or before `day`."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _next_work_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


class _Clock(random.Random):
    """The demo's random source, which also knows the latest moment it may stamp."""

    def __init__(self, seed: int, cap: datetime):
        super().__init__(seed)
        self.cap = cap


def _at(rng: _Clock, day: date, hours=(9, 10, 11, 14, 15, 16)) -> datetime:
    """A moment in office hours on `day`, never after the loading moment."""
    return min(datetime.combine(day, time(rng.choice(hours), rng.randint(0, 59)), local_zone()), rng.cap)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


def _banquets(rng, villages, admin, inspector, village_user, today: date) -> int:
    """About three banquets a month since January (or the last six months early in the year), and
    a few in the coming three weeks; the last coming large one waits for its check."""
    rules = default_rules()
    first = min(date(today.year, 1, 10), today - timedelta(days=180))
    days = sorted(first + timedelta(days=rng.randint(0, (today - first).days + 20)) for _ in range(36))
    days.append(today + timedelta(days=9))  # the large one still waiting
    made = 0
    for n, day in enumerate(days):
        village = villages[n % len(villages)] if n % 3 else villages[0]
        large = n == len(days) - 1 or rng.random() < 0.4
        diners = rng.randint(rules.check_min_diners, 260) if large else rng.randint(30, rules.check_min_diners - 1)
        registered = _work_day(min(day - timedelta(days=rng.choice((2, 3, 4, 5, 7))), today))
        by_village = village_user is not None and village_user.village_id == village.id
        scope = Scope.of(village_user) if by_village else Scope.of(admin)
        actor = village_user.id if by_village else admin.id
        now = _at(rng, registered)
        facts = _banquet_facts(rng, village, day, diners, n)
        banquet = services.banquet_register(scope=scope, actor_id=actor, now=now, data=BanquetInput(**facts))
        made += 1
        if not large and n % 8 == 2 and (moved := _next_work_day(registered + timedelta(days=1))) < day and moved <= today:
            # the host moved the tables indoors a day later: the village corrects the registration
            services.banquet_update(scope=scope, actor_id=actor, banquet=banquet, now=_at(rng, moved), data=BanquetInput(
                **facts | {"place": f"{village.name}村活动室", "note": "下雨改在室内"}))
        if large and n != len(days) - 1:
            checked_on = _work_day(min(max(registered, day - timedelta(days=rng.choice((0, 1)))), today))
            passed = n % 7 != 3
            services.banquet_check(scope=Scope.of(inspector), actor_id=inspector.id, banquet=banquet,
                                   now=_at(rng, checked_on), data=CheckInput(
                                       checked_on=checked_on, result="pass" if passed else "fail",
                                       points=list(POINTS) if passed else ["premises", "purchase", "washing"],
                                       check_note="" if passed else "未留样，已要求每道菜留样100克冷藏48小时。"))
        if day <= today and n % 11 == 5:
            services.banquet_move(scope=scope, actor_id=actor, banquet=banquet, move="cancel",
                                  now=_at(rng, max(registered, _work_day(min(day - timedelta(days=1), today)))))
        elif day < today and (marked := _next_work_day(day + timedelta(days=1))) <= today:
            services.banquet_move(scope=scope, actor_id=actor, banquet=banquet, move="hold",
                                  now=_at(rng, marked, hours=(9, 10)))
    return made


def _banquet_facts(rng, village: Village, day: date, diners: int, n: int) -> dict:
    host, cook = _person(rng), _person(rng) + "师傅"
    # most cooks show a valid certificate; every ninth shows none, every thirteenth an expired one
    if n % 9 == 4:
        number, expiry = "", None
    elif n % 13 == 6:
        number, expiry = f"健{day.year - 1}{rng.randint(1000, 9999)}", day - timedelta(days=rng.randint(5, 60))
    else:
        number, expiry = f"健{day.year}{rng.randint(1000, 9999)}", day + timedelta(days=rng.randint(40, 330))
    return {"village_id": village.id, "kind": rng.choice(BANQUET_KINDS[:5]), "host_name": host,
            "host_phone": _mobile(rng), "banquet_on": day, "meal": rng.choice(("lunch", "lunch", "dinner")),
            "place": f"{village.name}{rng.choice(PLACES)}", "tables": max(1, diners // 10), "diners": diners,
            "cook_name": cook, "cook_phone": _mobile(rng), "cook_cert_number": number, "cook_cert_expires_on": expiry,
            "note": "菜单：凉菜4道、热菜8道、汤1道" if n % 4 == 0 else ""}


def _certificates(rng, township_id: int, admin: User, today: date) -> int:
    """Two to four workers per food unit; the demo's restaurant (the `unit` account) has one expired
    and one expiring; a few others too."""
    from hygiene.extensions import db

    units = list(db.session.scalars(sa.select(Unit).join(Village, Village.id == Unit.village_id).where(
        Village.township_id == township_id, Unit.category.in_(food_categories())).order_by(Unit.id)))
    unit_user = db.session.scalar(sa.select(User).where(User.role == Role.UNIT_CONTACT,
                                                        User.unit_id.in_([u.id for u in units])).limit(1))
    scope, made = Scope.of(admin), 0
    for n, unit in enumerate(units):
        workers = rng.randint(2, 4)
        for w in range(workers):
            if (unit_user is not None and unit.id == unit_user.unit_id and w == 0) or n % 6 == 2 and w == 0:
                issued = today - timedelta(days=rng.randint(370, 420))      # expired
            elif (unit_user is not None and unit.id == unit_user.unit_id and w == 1) or n % 5 == 1 and w == 1:
                issued = today - timedelta(days=rng.randint(340, 355))      # expiring within the month
            else:
                issued = today - timedelta(days=rng.randint(10, 300))
            services.certificate_add(scope=scope, actor_id=admin.id, now=_at(rng, min(_next_work_day(issued), today)),
                                     data=CertificateInput(unit_id=unit.id, worker_name=_person(rng),
                                                           number=f"JK{issued.year}{unit.id:04d}{w + 1:02d}",
                                                           issued_on=issued))
            made += 1
    return made
