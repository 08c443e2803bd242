"""The pest-control sweeps the scheduler runs each morning (declared in jobs.py): rounds that
start, targets behind near a round's end, stock that expires or runs low, and the peak-season
spray cadence. Each notification carries a dedupe key per occasion, so a sweep that runs twice,
or two schedulers at once, tells nobody twice; each sweep reads a whole township's rows in a
few queries, whatever their number."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hygiene.accounts.models import Role, User
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.notifications.services import NotifySpec, notify_many
from hygiene.pests.cadence import ReminderRules
from hygiene.pests.models import PestProduct, SupplyMovement
from hygiene.pests.queries import reminder_rules
from hygiene.pests.rounds.coverage import TargetCoverage
from hygiene.pests.rounds.models import PestRound, RoundTarget
from hygiene.pests.rounds.queries import coverage_stmt
from hygiene.pests.rounds.status import RoundStatus
from hygiene.pests.rounds.timing import may_fall_behind
from hygiene.pests.supplies import EXPIRY_WARNING_DAYS
from hygiene.pests.words import UNIT_WORDS
from hygiene.places.models import Unit, Village

SPRAYED_PESTS = frozenset({"mosquito", "fly"})  # what a peak-season spray round is against
LONGEST_WINDOW = 30                              # the settings' longest interval and days before the end


def scan(*, now: datetime) -> dict[str, int]:
    """Every pest-control reminder due today; returns the notifications queued per kind."""
    today = local_today(now)
    return {"round_starting": notify_many(_round_starting(today, now)),
            "round_behind": notify_many(_round_behind(today, now)),
            "stock_expiring": notify_many(_stock_expiring(today, now)),
            "stock_low": notify_many(_stock_low(now)),
            "spray_due": notify_many(_spray_due(today, now))}


# --- who is told ------------------------------------------------------------------------------

def admins_by_township(township_ids: Iterable[int] | None = None) -> dict[int, list[User]]:
    """The active admins of each township (of every township when none are named)."""
    stmt = sa.select(User).where(User.role == Role.ADMIN.value, User.active.is_(True),
                                 User.township_id.is_not(None)).order_by(User.id)
    if township_ids is not None:
        stmt = stmt.where(User.township_id.in_(sorted(set(township_ids))))
    found: dict[int, list[User]] = {}
    for user in db.session.scalars(stmt):
        found.setdefault(user.township_id, []).append(user)  # type: ignore[arg-type]  # filtered above
    return found


@dataclass(frozen=True)
class Target:
    id: int
    round_id: int
    village_id: int
    unit_id: int | None
    name: str


def _targets(round_ids: list[int]) -> list[Target]:
    """The targets of the rounds with their place's name (one query)."""
    if not round_ids:
        return []
    stmt = (sa.select(RoundTarget.id, RoundTarget.round_id, RoundTarget.village_id, RoundTarget.unit_id,
                      sa.func.coalesce(Unit.name, Village.name))
            .join(Village, Village.id == RoundTarget.village_id).outerjoin(Unit, Unit.id == RoundTarget.unit_id)
            .where(RoundTarget.round_id.in_(round_ids)).order_by(RoundTarget.id))
    return [Target(*row) for row in db.session.execute(stmt)]


def contacts_of(targets: list[Target]) -> dict[int, list[User]]:
    """Per target: a unit's active contacts, a village's active village contacts (one query)."""
    units = {t.unit_id for t in targets if t.unit_id}
    villages = {t.village_id for t in targets if not t.unit_id}
    by_unit: dict[int, list[User]] = {}
    by_village: dict[int, list[User]] = {}
    if units or villages:
        stmt = sa.select(User).where(User.active.is_(True), sa.or_(
            sa.and_(User.role == Role.UNIT_CONTACT.value, User.unit_id.in_(sorted(units))),
            sa.and_(User.role == Role.VILLAGE_CONTACT.value, User.village_id.in_(sorted(villages))))
        ).order_by(User.id)
        for user in db.session.scalars(stmt):
            if user.role == Role.UNIT_CONTACT.value:
                by_unit.setdefault(user.unit_id, []).append(user)  # type: ignore[arg-type]
            else:
                by_village.setdefault(user.village_id, []).append(user)  # type: ignore[arg-type]
    return {t.id: by_unit.get(t.unit_id, []) if t.unit_id else by_village.get(t.village_id, [])
            for t in targets}


# --- rounds -----------------------------------------------------------------------------------

def _announced(*where: sa.ColumnElement[bool]) -> list[PestRound]:
    return list(db.session.scalars(sa.select(PestRound).where(
        PestRound.status == RoundStatus.ANNOUNCED, *where).order_by(PestRound.id)))


def _round_starting(today: date, now: datetime) -> Iterator[NotifySpec]:
    """An announced round starting tomorrow (or today, when announced late): its targets'
    contacts and the office, once per round and person."""
    rounds = _announced(PestRound.starts_on.between(today, today + timedelta(days=1)))
    targets = _targets([r.id for r in rounds])
    contacts = contacts_of(targets)
    admins = admins_by_township(r.township_id for r in rounds)
    for pest_round in rounds:
        subject = _l("Pest-control round starts %(date)s: %(name)s", date=pest_round.starts_on.isoformat(),
                     name=pest_round.name)
        body = _l("The round “%(name)s” runs from %(start)s to %(end)s; coverage goal %(goal)s%%. "
                  "Record each day's work on the round's page.", name=pest_round.name,
                  start=pest_round.starts_on.isoformat(), end=pest_round.ends_on.isoformat(),
                  goal=_percent(pest_round.coverage_goal))
        people = {u.id: u for t in targets if t.round_id == pest_round.id for u in contacts[t.id]}
        people |= {u.id: u for u in admins.get(pest_round.township_id, [])}
        for user in people.values():
            yield NotifySpec(recipient=user, kind="round_starting", send_after=now, subject=subject, body=body,
                             link=f"/pests/rounds/{pest_round.id}", dedupe_key=str(pest_round.id))


def _round_behind(today: date, now: datetime) -> Iterator[NotifySpec]:
    """A target below its round's goal when the round comes within the township's days before
    its end: the target's contacts (once per round, target and end date) and the office (once
    per round and end date, naming every target behind)."""
    rounds = _announced(PestRound.starts_on <= today,
                        PestRound.ends_on.between(today, today + timedelta(days=LONGEST_WINDOW)))
    rules = reminder_rules({r.township_id for r in rounds})
    rounds = [r for r in rounds if rules[r.township_id].in_end_window(r.ends_on, today)]
    targets = _targets([r.id for r in rounds])
    coverage = _coverage([r.id for r in rounds])
    behind = {r.id: [t for t in targets if t.round_id == r.id and may_fall_behind(r.status, r.starts_on, today)
                     and coverage[t.id].behind(r.coverage_goal)] for r in rounds}
    contacts = contacts_of([t for late in behind.values() for t in late])
    admins = admins_by_township(r.township_id for r in rounds)
    for pest_round in rounds:
        late, key = behind[pest_round.id], f"{pest_round.id}:{pest_round.ends_on.isoformat()}"
        if not late:
            continue
        link = f"/pests/rounds/{pest_round.id}"
        for target in late:
            subject = _l("Behind on the round “%(name)s”: %(place)s", name=pest_round.name, place=target.name)
            body = _l("%(place)s has covered %(covered)s, below the goal of %(goal)s%%; the round ends %(end)s.",
                      place=target.name, covered=_covered(coverage[target.id]),
                      goal=_percent(pest_round.coverage_goal), end=pest_round.ends_on.isoformat())
            for user in contacts[target.id]:
                yield NotifySpec(recipient=user, kind="round_behind", send_after=now, subject=subject, body=body,
                                 link=link, dedupe_key=f"{key}:{target.id}")
        subject = _l("%(n)d place(s) behind on the round “%(name)s”", n=len(late), name=pest_round.name)
        body = _l("Below the goal of %(goal)s%% with the round ending %(end)s: %(places)s.",
                  goal=_percent(pest_round.coverage_goal), end=pest_round.ends_on.isoformat(),
                  places="、".join(t.name for t in late))
        for admin in admins.get(pest_round.township_id, []):
            yield NotifySpec(recipient=admin, kind="round_behind_office", send_after=now, subject=subject,
                             body=body, link=link, dedupe_key=key)


def _coverage(round_ids: list[int]) -> dict[int, TargetCoverage]:
    """Each target's coverage, for all the rounds at once (one query)."""
    if not round_ids:
        return {}
    rows = db.session.execute(coverage_stmt(RoundTarget.round_id.in_(round_ids)))
    return {row[0]: TargetCoverage(row[0], row[1], row[2], row[3], row[4], row[5], int(row[6]),
                                   Decimal(str(row[7])), int(row[8]), int(row[9]), int(row[10]), row[11])
            for row in rows}


def _percent(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def _covered(coverage: TargetCoverage) -> str:
    percent = coverage.percent
    return "0%" if coverage.works == 0 or percent is None else f"{_percent(percent)}%"


# --- the supplies ledger ----------------------------------------------------------------------

def _stock_expiring(today: date, now: datetime) -> Iterator[NotifySpec]:
    """Stock in the office that expires within 30 days: the office, once per product and expiry."""
    products = list(db.session.scalars(sa.select(PestProduct).where(
        PestProduct.stock > 0, PestProduct.expiry.between(today, today + timedelta(days=EXPIRY_WARNING_DAYS)))
        .order_by(PestProduct.id)))
    admins = admins_by_township(p.township_id for p in products)
    for product in products:
        assert product.expiry is not None
        subject = _l("%(name)s expires %(date)s", name=product.name, date=product.expiry.isoformat())
        body = _l("The office holds %(stock)s %(unit)s of %(name)s, which expires on %(date)s: issue it "
                  "first, or arrange its disposal.", stock=_amount(product.stock), unit=_unit(product.unit),
                  name=product.name, date=product.expiry.isoformat())
        for admin in admins.get(product.township_id, []):
            yield NotifySpec(recipient=admin, kind="stock_expiring", send_after=now, subject=subject, body=body,
                             link=f"/supplies/{product.id}", dedupe_key=f"{product.id}:{product.expiry.isoformat()}")


def _stock_low(now: datetime) -> Iterator[NotifySpec]:
    """Office stock below the minimum the office set: the office, once per drop below it (a
    restock to the minimum or above, then a new drop, tells again)."""
    products = list(db.session.scalars(sa.select(PestProduct).where(
        PestProduct.minimum_stock > 0, PestProduct.stock < PestProduct.minimum_stock).order_by(PestProduct.id)))
    drops = last_drops(products)
    admins = admins_by_township(p.township_id for p in products)
    for product in products:
        subject = _l("Low stock: %(name)s", name=product.name)
        body = _l("The office holds %(stock)s %(unit)s of %(name)s, below the minimum of %(minimum)s %(unit)s.",
                  stock=_amount(product.stock), unit=_unit(product.unit), name=product.name,
                  minimum=_amount(product.minimum_stock))
        for admin in admins.get(product.township_id, []):
            yield NotifySpec(recipient=admin, kind="stock_low", send_after=now, subject=subject, body=body,
                             link=f"/supplies/{product.id}", dedupe_key=f"{product.id}:{drops[product.id]}")


_OFFICE_CHANGE = {"in": 1, "return": 1, "issue": -1}  # a `use` is of stock a village or unit holds


def last_drops(products: list[PestProduct]) -> dict[int, int]:
    """Per product, the movement that last took the office stock from the minimum (or above) to
    below it, replayed in the order recorded; 0 when it never was at the minimum (one query)."""
    drops = dict.fromkeys((p.id for p in products), 0)
    minimum = {p.id: Decimal(p.minimum_stock) for p in products}
    stock = dict.fromkeys(drops, Decimal(0))
    if not products:
        return drops
    rows = db.session.execute(sa.select(SupplyMovement.id, SupplyMovement.product_id, SupplyMovement.kind,
                                        SupplyMovement.quantity)
                              .where(SupplyMovement.product_id.in_(sorted(drops))).order_by(SupplyMovement.id))
    for movement_id, product_id, kind, quantity in rows:
        before = stock[product_id]
        stock[product_id] = before + _OFFICE_CHANGE.get(kind, 0) * Decimal(quantity)
        if before >= minimum[product_id] > stock[product_id]:
            drops[product_id] = movement_id
    return drops


def _amount(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def _unit(unit: str) -> str:
    return str(UNIT_WORDS.get(unit, unit))


# --- the peak-season spray cadence ------------------------------------------------------------

def _spray_due(today: date, now: datetime) -> Iterator[NotifySpec]:
    """In season, no mosquito or fly round (announced or closed) started within the longest
    interval: the office, once a day at most."""
    admins = admins_by_township()
    rules = reminder_rules(set(admins))
    in_season = {t for t, r in rules.items() if r.cadence.in_season(today)}
    last = _last_spray_starts(in_season, today)
    for township_id in sorted(in_season):
        if not rules[township_id].cadence.is_overdue(last.get(township_id), today):
            continue
        for admin in admins[township_id]:
            yield _spray_spec(admin, rules[township_id], last.get(township_id), today, now)


def _spray_spec(admin: User, rules: ReminderRules, last: date | None, today: date, now: datetime) -> NotifySpec:
    cadence = rules.cadence
    subject = _l("Peak season: a spray round is due")
    if last is None:
        body = _l("No mosquito or fly round has started in the last %(days)d days; the office's rule is a "
                  "round every %(low)d to %(high)d days in the peak season.", days=cadence.every_days_max,
                  low=cadence.every_days_min, high=cadence.every_days_max)
    else:
        body = _l("The last mosquito or fly round started on %(date)s; the office's rule is a round every "
                  "%(low)d to %(high)d days in the peak season.", date=last.isoformat(),
                  low=cadence.every_days_min, high=cadence.every_days_max)
    return NotifySpec(recipient=admin, kind="spray_due", send_after=now, subject=subject, body=body,
                      link="/pests/rounds/", dedupe_key=today.isoformat())


def _last_spray_starts(township_ids: set[int], today: date) -> dict[int, date]:
    """The latest start (up to today) of a mosquito or fly round per township, within the longest
    interval the settings allow (one query; the pests are a JSON list, so they are read here)."""
    if not township_ids:
        return {}
    rows = db.session.execute(sa.select(PestRound.township_id, PestRound.pests, PestRound.starts_on).where(
        PestRound.township_id.in_(sorted(township_ids)),
        PestRound.status.in_((RoundStatus.ANNOUNCED, RoundStatus.CLOSED)),
        PestRound.starts_on.between(today - timedelta(days=LONGEST_WINDOW + 1), today)))
    last: dict[int, date] = {}
    for township_id, pests, starts_on in rows:
        if SPRAYED_PESTS & set(pests or ()) and starts_on > last.get(township_id, date.min):
            last[township_id] = starts_on
    return last
