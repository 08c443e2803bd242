"""Reads of the food registers, always within the reader's scope: one query per list."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from hygiene.access.scope import Scope
from hygiene.core.input import optional_int
from hygiene.core.web import FilterReader
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.food.models import Banquet, FoodSettings, HealthCertificate
from hygiene.food.rules import FoodRules, default_rules, food_categories
from hygiene.food.status import BanquetStatus
from hygiene.places.models import Unit, Village

CERT_STATES = ("expired", "expiring")
BANQUET_VIEWS = ("waiting_check", "upcoming")


def rules_of(township_ids: set[int]) -> dict[int, FoodRules]:
    """Each township's rules: its settings, else rules.yaml's defaults (one query)."""
    rules = {township_id: default_rules() for township_id in township_ids}
    if township_ids:
        for row in db.session.scalars(sa.select(FoodSettings).where(FoodSettings.township_id.in_(township_ids))):
            rules[row.township_id] = FoodRules(days_ahead=row.days_ahead, check_min_diners=row.check_min_diners,
                                               remind_days=row.remind_days)
    return rules


def rules_for(township_id: int | None) -> FoodRules:
    return rules_of({township_id})[township_id] if township_id is not None else default_rules()


# --- banquets ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class BanquetFilters:
    view: str | None = None
    status: str | None = None
    village_id: int | None = None
    year: int | None = None


def read_banquet_filters(args) -> tuple[BanquetFilters, list[str]]:
    reader = FilterReader(args)
    pick = reader.pick
    return BanquetFilters(view=pick("view", lambda raw: raw if raw in BANQUET_VIEWS else None),
                          status=pick("status", lambda raw: raw if BanquetStatus.known(raw) else None),
                          village_id=pick("village_id", optional_int),
                          year=pick("year", lambda raw: _year(raw))), reader.unread


def _year(raw: str) -> int | None:
    year = optional_int(raw)
    return year if year is not None and 2000 <= year <= 2100 else None


def banquet_list_stmt(*, scope: Scope, filters: BanquetFilters, rules: FoodRules, today: date) -> sa.Select:
    """Banquets, the coming ones first (soonest first), then the past (latest first)."""
    b = Banquet
    past = sa.case((b.banquet_on < today, 1), else_=0)
    soonest = sa.case((b.banquet_on >= today, b.banquet_on), else_=None)
    stmt = (sa.select(b).where(scope.clause(b))
            .order_by(past, soonest.asc(), b.banquet_on.desc(), b.id.desc()))
    if filters.view == "waiting_check":
        stmt = stmt.where(*waiting_check_clause(rules, today))
    elif filters.view == "upcoming":
        stmt = stmt.where(b.banquet_on >= today, b.status.in_([BanquetStatus.REGISTERED, BanquetStatus.CHECKED]))
    if filters.status:
        stmt = stmt.where(b.status == filters.status)
    if filters.village_id is not None:
        stmt = stmt.where(b.village_id == filters.village_id)
    if filters.year is not None:
        stmt = stmt.where(b.banquet_on >= date(filters.year, 1, 1), b.banquet_on <= date(filters.year, 12, 31))
    return stmt


def waiting_check_clause(rules: FoodRules, today: date) -> tuple[sa.ColumnElement[bool], ...]:
    """Large banquets, still registered, not yet past: they wait for the office's check."""
    return (Banquet.status == BanquetStatus.REGISTERED, Banquet.diners >= rules.check_min_diners,
            Banquet.banquet_on >= today)


def waiting_check_count(*, scope: Scope, rules: FoodRules, today: date) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Banquet).where(
        scope.clause(Banquet), *waiting_check_clause(rules, today))) or 0


def banquet_get(*, scope: Scope, banquet_id: int) -> Banquet:
    """One banquet within the scope, or NotFound."""
    found = db.session.scalar(sa.select(Banquet).where(Banquet.id == banquet_id, scope.clause(Banquet)))
    if found is None:
        raise NotFound("banquet not found")
    return found


def village_choices(scope: Scope) -> list[Village]:
    """The active villages a scope registers banquets for (a village contact: its own)."""
    return list(db.session.scalars(sa.select(Village).where(scope.clause(Village), Village.active)
                                   .order_by(Village.name, Village.id)))


# --- certificates ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CertificateFilters:
    state: str | None = None
    unit_id: int | None = None
    village_id: int | None = None
    q: str = ""


def read_certificate_filters(args) -> tuple[CertificateFilters, list[str]]:
    reader = FilterReader(args)
    pick = reader.pick
    return CertificateFilters(state=pick("state", lambda raw: raw if raw in CERT_STATES else None),
                              unit_id=pick("unit_id", optional_int), village_id=pick("village_id", optional_int),
                              q=" ".join(str(args.get("q", "")).split())[:40]), reader.unread


def certificate_list_stmt(*, scope: Scope, filters: CertificateFilters, rules: FoodRules,
                          today: date) -> sa.Select:
    """Active certificates with their unit, the soonest to expire first."""
    c = HealthCertificate
    stmt = (sa.select(c).join(Unit, Unit.id == c.unit_id).options(contains_eager(c.unit))
            .where(scope.clause(c), c.active.is_(True)).order_by(c.expires_on, c.worker_name, c.id))
    if filters.state == "expired":
        stmt = stmt.where(c.expires_on < today)
    elif filters.state == "expiring":
        stmt = stmt.where(c.expires_on >= today, c.expires_on < today + timedelta(days=rules.remind_days))
    if filters.unit_id is not None:
        stmt = stmt.where(c.unit_id == filters.unit_id)
    if filters.village_id is not None:
        stmt = stmt.where(c.village_id == filters.village_id)
    if filters.q:
        like = f"%{filters.q.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(sa.or_(c.worker_name.like(like), c.number.like(like), Unit.name.like(like)))
    return stmt


def certificate_get(*, scope: Scope, certificate_id: int) -> HealthCertificate:
    found = db.session.scalar(sa.select(HealthCertificate).where(
        HealthCertificate.id == certificate_id, scope.clause(HealthCertificate)))
    if found is None:
        raise NotFound("certificate not found")
    return found


def food_units(scope: Scope) -> list[Unit]:
    """The active food units (rules.yaml's categories) the scope keeps certificates for."""
    return list(db.session.scalars(sa.select(Unit).where(
        scope.clause(Unit), Unit.active, Unit.category.in_(food_categories())).order_by(Unit.name, Unit.id)))


@dataclass(frozen=True)
class UnitCertificates:
    """What a unit's page shows: its expired and soon-expiring certificates, and how many in all."""

    expired: list[HealthCertificate]
    expiring: list[HealthCertificate]
    total: int


def unit_certificates(*, scope: Scope, unit_id: int, today: date) -> UnitCertificates:
    """A unit's certificate warnings (two queries), within the reader's scope."""
    c = HealthCertificate
    rules = rules_for(db.session.scalar(sa.select(Village.township_id).join(Unit, Unit.village_id == Village.id)
                                        .where(Unit.id == unit_id)))
    soon = today + timedelta(days=rules.remind_days)
    rows = list(db.session.scalars(sa.select(c).where(
        scope.clause(c), c.unit_id == unit_id, c.active.is_(True), c.expires_on < soon).order_by(c.expires_on, c.id)))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(c).where(
        scope.clause(c), c.unit_id == unit_id, c.active.is_(True))) or 0
    return UnitCertificates(expired=[r for r in rows if r.expires_on < today],
                            expiring=[r for r in rows if r.expires_on >= today], total=total)
