"""The demo's health education (健康教育): a year of activities up to the day it is loaded. Every
village updates its notice board and holds a lecture each month and writes a health-knowledge
column each quarter; some hold consultation days. Two villages missed months (one a lecture,
one the board twice), so the cadence flags them; every unit writes its quarterly column, one of
them only once this year (behind). 东山村's contact records its own, with photos; the unit contact
their restaurant's; the office the rest. All through the service, at office hours of the day."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from io import BytesIO

import sqlalchemy as sa
from flask import current_app
from PIL import Image, ImageDraw

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.clock import local_zone
from hygiene.core.periods import add_months
from hygiene.demo.inspections import OFFICE_HOURS
from hygiene.education import services
from hygiene.education.schemas import ActivityInput
from hygiene.extensions import db
from hygiene.media.intake import PhotoLimits
from hygiene.media.store import configured_store
from hygiene.places.models import Unit, Village
from hygiene.rectifications.workdays import is_working_day

TOPICS = {
    "board": ["冬春季传染病预防", "科学洗手六步法", "合理膳食 健康体重", "夏季防蚊灭蚊", "食品安全小常识",
              "控烟限酒 健康生活", "高血压防治知识", "秋冬流感预防", "爱国卫生月宣传", "垃圾分类知识",
              "饮水卫生常识", "老年人防跌倒"],
    "lecture": ["慢性病自我管理", "儿童预防接种", "妇女保健知识", "中暑急救常识", "糖尿病饮食指导",
                "心理健康讲座", "家庭急救与护理", "结核病防治", "艾滋病预防", "口腔卫生", "农药安全使用",
                "冬季保暖与心脑血管"],
    "consultation": ["集市健康咨询", "免费测血压血糖", "义诊进村"],
    "column": ["健康素养66条", "除四害知识", "无烟家庭倡议", "食品安全专栏"],
}
MISSED_LECTURE, MISSED_BOARD = 3, 7      # the villages (by order) that missed months
BEHIND_UNIT = 1                          # the unit (by order) behind on its columns


def demo_education(*, township_id: int, today: date, seed: int = 12) -> int:
    """A year of the township's health-education activities; returns how many were recorded."""
    users = {u.role: u for u in db.session.scalars(sa.select(User).where(User.township_id == township_id)
                                                   .order_by(User.id.desc()))}
    admin = users.get(Role.ADMIN.value)
    if admin is None:
        return 0
    rng = random.Random(seed)
    store, limits = configured_store(current_app.config), PhotoLimits()
    months = [add_months(date(today.year, today.month, 1), -n) for n in range(11, -1, -1)]
    villages = list(db.session.scalars(sa.select(Village).where(Village.township_id == township_id)
                                       .order_by(Village.id)))
    made = 0
    for n, village in enumerate(villages):
        contact = users.get(Role.VILLAGE_CONTACT.value)
        user = contact if contact is not None and contact.village_id == village.id else admin
        for kind, day in _village_plan(rng, n, months, today):
            photos = (services.Photos(store, limits, [(f"{kind}.jpg", _scene(rng, day))])
                      if user is not admin and kind in ("board", "lecture") else None)
            made += _record(rng, user, f"village:{village.id}", kind, day, photos)
    units = list(db.session.scalars(sa.select(Unit).join(Village, Village.id == Unit.village_id)
                                    .where(Village.township_id == township_id).order_by(Unit.id)))
    unit_contact = users.get(Role.UNIT_CONTACT.value)
    for n, unit in enumerate(units):
        user = unit_contact if unit_contact is not None and unit_contact.unit_id == unit.id else admin
        for day in _columns(rng, months, today, behind=n == BEHIND_UNIT):
            made += _record(rng, user, f"unit:{unit.id}", "column", day, None)
    return made


def _village_plan(rng: random.Random, n: int, months: list[date], today: date) -> list[tuple[str, date]]:
    """A village's year: board and lecture monthly, a column each quarter, a consultation now and then,
    less what the two villages behind missed (two and three months ago)."""
    plan = []
    for back, first in enumerate(reversed(months)):
        for kind in ("board", "lecture"):
            missed = (kind == "lecture" and n == MISSED_LECTURE and back == 3
                      or kind == "board" and n == MISSED_BOARD and back in (2, 5))
            if not missed and (day := _day_in(rng, first, today)) is not None:
                plan.append((kind, day))
        if first.month % 3 == 2 and (day := _day_in(rng, first, today)) is not None:
            plan.append(("column", day))
        if n % 3 == 0 and first.month % 2 == 0 and (day := _day_in(rng, first, today)) is not None:
            plan.append(("consultation", day))
    return sorted(plan, key=lambda item: item[1])


def _columns(rng: random.Random, months: list[date], today: date, *, behind: bool) -> list[date]:
    """A unit's column each quarter (February, May, August, November); the one behind wrote only this
    year's first."""
    days = [d for first in months if first.month % 3 == 2 and (d := _day_in(rng, first, today)) is not None]
    if behind:
        this_year = [d for d in days if d.year == today.year]
        days = [d for d in days if d.year < today.year] + this_year[:1]
    return days


def _day_in(rng: random.Random, first: date, today: date) -> date | None:
    """A working day early in the month (by the 20th), or None when it is still to come."""
    day = first + timedelta(days=rng.randint(2, 17))
    while not is_working_day(day):
        day += timedelta(days=1)
    return day if day < today else None  # nothing after the moment the demo is loaded


def _record(rng: random.Random, user: User, subject: str, kind: str, day: date,
            photos: services.Photos | None) -> int:
    topics = TOPICS[kind]
    attendance = str(rng.randint(20, 80) if kind == "lecture" else rng.randint(40, 150)) if kind in (
        "lecture", "consultation") else ""
    data = ActivityInput.model_validate({"subject": subject, "kind": kind, "held_on": day,
                                         "topic": topics[(day.month + rng.randint(0, 2)) % len(topics)],
                                         "attendance": attendance, "note": ""})
    services.activity_record(scope=Scope.of(user), actor_id=user.id, data=data, photos=photos,
                             now=datetime.combine(day, time(rng.choice(OFFICE_HOURS), rng.randint(0, 59)),
                                                  local_zone()))
    return 1


def _scene(rng: random.Random, day: date) -> bytes:
    """A small camera-like JPEG of a notice board or a lecture room, its capture time in EXIF."""
    image = Image.new("RGB", (320, 240), (rng.randint(150, 210), rng.randint(150, 200), rng.randint(140, 190)))
    draw = ImageDraw.Draw(image)
    x = rng.randint(20, 120)
    draw.rectangle([x, 40, x + 170, 150], fill=(rng.randint(180, 230), rng.randint(30, 80), rng.randint(30, 80)))
    for _ in range(10):  # posters, people, chairs: no two photos alike
        x, y = rng.randint(0, 300), rng.randint(0, 230)
        draw.ellipse([x, y, x + rng.randint(6, 40), y + rng.randint(6, 40)],
                     fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = datetime.combine(day, time(10)).strftime("%Y:%m:%d %H:%M:%S")
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=80, exif=exif)
    return buffer.getvalue()
