"""The demo's field side of control rounds: on each announced or closed round of the township
(made by demo/rounds.py), its targets' work, mop-ups, refusals and photos, with the supplies they
used drawn from what the ledger issued (issued here first where the demo ledger did not).
Most villages reach the round's goal; two or three stay behind. No rounds: nothing to do."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from io import BytesIO

import sqlalchemy as sa
from flask import current_app
from PIL import Image, ImageDraw

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.clock import local_zone
from hygiene.demo.inspections import working_days_back
from hygiene.extensions import db
from hygiene.media.intake import PhotoLimits
from hygiene.media.store import configured_store
from hygiene.pests.models import PestProduct
from hygiene.pests.quantities import UNITS
from hygiene.pests.rounds import work, work_queries
from hygiene.pests.rounds.models import PestRound, RoundTarget
from hygiene.pests.rounds.status import SEEN_BY_TARGETS, RoundStatus, WorkKind
from hygiene.pests.rounds.work_schemas import RefusalInput, WorkInput
from hygiene.pests.schemas import MovementInput
from hygiene.pests.services import movement_record
from hygiene.places.models import Household
from hygiene.rectifications.workdays import is_working_day

# what one household (or one mu / m2 of snail habitat) takes, by the product's unit family:
# 2-3 piles of 10 g per 20 m2 of a house (domain-standards 4.3) is about 60 g a household
PER_HOUSEHOLD = {"mass": Decimal("0.06"), "volume": Decimal("0.05")}
PER_AREA = {"mass": Decimal("0.5"), "volume": Decimal("0.3")}
DOERS = ("王建国", "李秀英", "张卫东", "刘桂兰", "陈志强", "杨村医")
REASONS = ("refused", "absent", "absent", "no_access", "livestock_or_children", "other")


def demo_round_work(*, township_id: int, today: date, seed: int = 10) -> int:
    """Work on every target of the township's announced and closed rounds; the number of records."""
    rng = random.Random(seed)
    rounds = db.session.scalars(sa.select(PestRound).where(
        PestRound.township_id == township_id, PestRound.status.in_(sorted(SEEN_BY_TARGETS)),
        PestRound.starts_on <= today).order_by(PestRound.starts_on, PestRound.id)).all()
    office = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN, User.township_id == township_id)
                               .order_by(User.id).limit(1))
    scope = Scope(Role.ADMIN, township_id=township_id)
    made = 0
    for round_ in rounds:
        closed = round_.status == RoundStatus.CLOSED
        if closed:  # work is recorded while a round is announced: replay it as it was then
            round_.status = RoundStatus.ANNOUNCED
            db.session.flush()
        behind = set(rng.sample(range(len(round_.targets)), min(3, max(0, len(round_.targets) // 5))))
        for n, target in enumerate(round_.targets):
            made += _target_work(rng, scope, office, round_, target, today, behind=n in behind)
        if closed:
            round_.status = RoundStatus.CLOSED
            db.session.flush()
    return made


def _target_work(rng, scope: Scope, office: User | None, round_: PestRound, target: RoundTarget, today: date,
                 *, behind: bool) -> int:
    """A first pass, some refusals, and (unless behind) a mop-up that covers most of them."""
    last = min(round_.ends_on, today)
    days = [round_.starts_on + timedelta(days=n) for n in range((last - round_.starts_on).days + 1)]
    share = Decimal(rng.randint(70, 88) if behind else rng.randint(93, 97)) / 100
    first = _amount(target, share)
    refused = _refusals(rng, scope, office, round_, target, 1 if behind else rng.randint(0, 3))
    made = _record(rng, scope, office, round_, target, days[: max(1, len(days) // 2)], WorkKind.COMPLETION, first, [], today)
    room = _amount(target, Decimal(1)) - first  # a mop-up never takes the target over its target
    if not behind and len(days) > 1 and room > 0:
        extra = min(_amount(target, Decimal(rng.randint(3, 6)) / 100) or first, room)
        covered = [r.id for r in refused[: max(0, len(refused) - 1)]]
        made += _record(rng, scope, office, round_, target, days[len(days) // 2:], WorkKind.MOP_UP, extra, covered, today)
    return made


def _amount(target: RoundTarget, share: Decimal) -> Decimal:
    """The share of the target's households (whole) or snail area (to the hundredth) covered."""
    if target.area_target is not None:
        return (Decimal(target.area_target) * share).quantize(Decimal("0.01"))
    return (Decimal(target.households_target or 20) * share).to_integral_value()


def _entered(rng, day: date, today: date) -> datetime:
    """When the office typed in work done on `day`: that day or the next working day, in office
    hours (field work happens at weekends; the trail's times are the office's)."""
    entry = day
    while not is_working_day(entry):
        entry += timedelta(days=1)
    if entry > today:
        entry = working_days_back(day, 1)
    return datetime.combine(entry, time(rng.randint(9, 16), rng.randint(0, 59)), local_zone())


def _record(rng, scope, office, round_, target, days, kind, amount: Decimal, resolves: list[int],
            today: date) -> int:
    day = rng.choice(days)
    by_area = round_.by_area
    product, quantity = _supplies(scope, office, round_, target, amount, day)
    data = WorkInput(kind=kind, done_on=day, households_covered=None if by_area else int(amount),
                     area_covered=amount if by_area else None,
                     baits_placed=None if by_area or "rodent" not in round_.pests else int(amount) * rng.randint(2, 3),
                     product_id=product.id if product else None, quantity_used=quantity,
                     done_by=rng.choice(DOERS), resolves=resolves,
                     note="" if kind == WorkKind.COMPLETION else "补投未覆盖农户")
    taken = datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59)), local_zone())
    photos = [(f"现场{n + 1}.jpg", _scene(rng, taken)) for n in range(rng.randint(1, 2))]
    work.work_record(scope=scope, user_id=office.id if office else None, round_=round_, target=target, data=data,
                     photos=photos, store=configured_store(current_app.config), limits=PhotoLimits(),
                     now=max(_entered(rng, day, today), taken))
    return 1


def _supplies(scope, office, round_, target, amount: Decimal, day: date) -> tuple[PestProduct | None, Decimal | None]:
    """The round's product and what the work used of it, issued to the holder first if it holds too little."""
    product = db.session.get(PestProduct, round_.product_id) if round_.product_id else None
    if product is None:
        return None, None
    family = UNITS[product.unit][0]
    rate = (PER_AREA if round_.by_area else PER_HOUSEHOLD).get(family, Decimal("0.2"))
    quantity = amount * rate
    quantity = quantity.quantize(Decimal("0.001")) if family != product.unit else quantity.to_integral_value(
        ROUND_CEILING)
    if quantity <= 0:
        return None, None
    held = work_queries.holding_of(target, product.id)
    if held < quantity:
        _issue(scope, office, product, target, quantity - held + quantity, working_days_back(day, 1))
    return product, quantity


def _issue(scope, office, product: PestProduct, target: RoundTarget, quantity: Decimal, day: date) -> None:
    """Issue through the ledger's service (stocking the office first when it is short)."""
    now = datetime.combine(day, time(9), local_zone())
    actor = office.id if office else None
    db.session.refresh(product)  # the ledger moves stock by conditional UPDATEs: read what it holds now
    if Decimal(product.stock) < quantity:
        movement_record(scope=scope, actor_id=actor, product=product, now=now, data=MovementInput(
            kind="in", quantity=quantity * 2, moved_on=day))
    movement_record(scope=scope, actor_id=actor, product=product, now=now, data=MovementInput(
        kind="issue", quantity=quantity, moved_on=day, village_id=target.village_id, unit_id=target.unit_id,
        taker_name="李保管", signature="李保管"))


def _refusals(rng, scope, office, round_, target, count: int) -> list:
    if count == 0 or target.unit_id is not None:
        return []
    households = db.session.scalars(sa.select(Household).where(Household.village_id == target.village_id)
                                    .order_by(Household.id)).all()
    made = []
    for household in rng.sample(list(households), min(count, len(households))):
        reason = rng.choice(REASONS)
        made.append(work.refusal_record(
            scope=scope, user_id=office.id if office else None, round_=round_, target=target,
            now=_entered(rng, round_.starts_on, min(round_.ends_on, round_.starts_on + timedelta(days=7))),
            data=RefusalInput(household_id=household.id, reason=reason,
                              note="外出务工，联系后补投" if reason == "other" else "")))
    return made


def _scene(rng, when: datetime) -> bytes:
    """A small camera-like JPEG of baits laid along a wall, its capture time in EXIF."""
    image = Image.new("RGB", (320, 240), (rng.randint(150, 200), rng.randint(140, 190), rng.randint(120, 170)))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 150, 320, 240], fill=(rng.randint(90, 130), rng.randint(80, 120), rng.randint(70, 100)))
    for _ in range(rng.randint(2, 4)):
        x = rng.randint(10, 290)
        draw.ellipse([x, 170, x + 18, 182], fill=(rng.randint(170, 230), 40, 60))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = when.strftime("%Y:%m:%d %H:%M:%S")
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=80, exif=exif)
    return buffer.getvalue()

