"""The demo's target letters (目标责任书): this year's letters for every village made and signed
(the first with a scan of the signed page), and last year's assessed in December with the office's
decisions: the three best commended with rewards, the weakest criticised. This year the catering
units (the `unit` account's restaurant among them) have their letters too, signed, waiting for
their contacts to acknowledge them. All through the services
with the day's time, on working days in office hours, so the trail and the scan are real."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import BytesIO

import sqlalchemy as sa
from flask import current_app
from PIL import Image, ImageDraw

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.clock import local_zone, now_utc
from hygiene.demo.inspections import OFFICE_HOURS
from hygiene.extensions import db
from hygiene.letters import queries, services
from hygiene.letters.kinds import assessment_opens, default_targets
from hygiene.letters.measure import refresh_measurements
from hygiene.letters.models import TargetLetter
from hygiene.letters.schemas import AssessInput, CreateInput, SignInput, UnitCreateInput
from hygiene.letters.status import Outcome
from hygiene.media.intake import PhotoLimits
from hygiene.media.store import configured_store
from hygiene.rectifications.workdays import is_working_day

REWARDS = (Decimal(1500), Decimal(800), Decimal(500))   # the work plans' rewards by place
PENALTY = Decimal(300)
SIGNERS = ("村党支部书记", "村委会主任")


def demo_letters(*, township_id: int, today: date, seed: int = 12) -> int:
    """Last year's letters assessed and this year's signed; the number of letters made."""
    admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN, User.township_id == township_id)
                              .order_by(User.id).limit(1))
    if admin is None:
        return 0
    rng, scope = random.Random(seed), Scope.of(admin)
    made = _year(rng, scope, admin.id, today.year - 1, today)
    _assess(rng, scope, admin.id, today.year - 1, today)
    made += _year(rng, scope, admin.id, today.year, today)
    made += _units(rng, scope, admin.id, today.year, today)
    # the letters_measure job's last run: the board reads this year's records up to now, not January's
    refresh_measurements(township_id=township_id, year=today.year, now=now_utc())
    return made


def _units(rng: random.Random, scope: Scope, actor_id: int, year: int, today: date) -> int:
    """This year's letters of the catering units, made with the unit targets and signed with the villages'."""
    signed = _working_on_or_before(min(date(year, 1, 20), today - timedelta(days=1)))
    made_on = _working_on_or_before(signed - timedelta(days=7))
    made = services.unit_letters_create(scope=scope, actor_id=actor_id, now=_at(rng, made_on),
                                        data=UnitCreateInput(year=year, category="catering",
                                                             targets=default_targets("unit")))
    letters = list(db.session.scalars(sa.select(TargetLetter).where(
        TargetLetter.township_id == scope.township_id, TargetLetter.year == year, TargetLetter.unit_id.is_not(None),
        TargetLetter.status == "draft").order_by(TargetLetter.id)))
    for letter in letters:
        services.letter_sign(scope=scope, actor_id=actor_id, letter=letter, now=_at(rng, signed), photos=None,
                             data=SignInput(signed_on=signed, signed_by_name="负责人"))
    return made


def _year(rng: random.Random, scope: Scope, actor_id: int, year: int, today: date) -> int:
    """The year's letters made early in January (or late in the December before) and signed days later."""
    signed = _working_on_or_before(min(date(year, 1, 20), today - timedelta(days=1)))
    made_on = _working_on_or_before(signed - timedelta(days=7))
    made = services.letters_create(scope=scope, actor_id=actor_id, now=_at(rng, made_on),
                                   data=CreateInput(year=year, targets=default_targets()))
    letters = list(db.session.scalars(sa.select(TargetLetter).where(
        TargetLetter.township_id == scope.township_id, TargetLetter.year == year, TargetLetter.unit_id.is_(None))
        .order_by(TargetLetter.id)))
    store, limits = configured_store(current_app.config), PhotoLimits()
    for n, letter in enumerate(letters):
        scans = [(f"责任书{letter.village_id}.jpg", _scan(rng))] if n == 0 else []
        services.letter_sign(scope=scope, actor_id=actor_id, letter=letter, now=_at(rng, signed),
                             photos=services.Photos(store, limits, scans),
                             data=SignInput(signed_on=signed, signed_by_name=rng.choice(SIGNERS)))
    return made


def _assess(rng: random.Random, scope: Scope, actor_id: int, year: int, today: date) -> None:
    """The year-end assessment on a working day in December: the best three commended, the last criticised."""
    day = _working_on_or_before(min(date(year, 12, 28), today - timedelta(days=1)))
    if day < assessment_opens(year):
        return
    rows = sorted(queries.assessment_board(scope=scope, year=year),
                  key=lambda row: (-(row.score or 0), row.village_name))
    for place, row in enumerate(rows):
        if place < len(REWARDS):
            outcome, amount, note = Outcome.PRAISE, REWARDS[place], "年度目标全面完成，环境整治成效明显"
        elif place == len(rows) - 1:
            outcome, amount, note = Outcome.CRITICISM, PENALTY, "检查合格率偏低，限期整改"
        else:
            outcome, amount, note = Outcome.NONE, None, ""
        letter = services.letter_get(scope=scope, letter_id=row.letter.id)
        services.letter_assess(scope=scope, actor_id=actor_id, letter=letter, today=day, now=_at(rng, day),
                               data=AssessInput(outcome=outcome, amount=amount, decision_note=note))


def _working_on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _at(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.choice(OFFICE_HOURS), rng.randint(0, 59), rng.randint(0, 59)),
                            local_zone())


def _scan(rng: random.Random) -> bytes:
    """A photographed page: a title, lines of text, two signatures and a red seal."""
    page = Image.new("RGB", (900, 1200), (248, 246, 240))
    draw = ImageDraw.Draw(page)
    draw.rectangle((250, 80, 650, 120), fill=(40, 40, 40))
    for y in range(200, 900, 40):
        draw.line((100, y, 100 + rng.randint(500, 700), y), fill=(90, 90, 90), width=6)
    draw.line((120, 1020, 380, 1000), fill=(20, 20, 120), width=5)
    draw.line((520, 1020, 780, 1005), fill=(20, 20, 120), width=5)
    draw.ellipse((560, 900, 760, 1100), outline=(200, 30, 30), width=10)
    out = BytesIO()
    page.save(out, "JPEG", quality=80)
    return out.getvalue()
