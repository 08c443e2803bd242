"""A round's field side: recording work and mop-ups (with the supplies they used and photos),
refusals, and the office's removal of a mistaken record. Services flush and never commit.

Who records a target's work: its village's contact (for the village and for the units in it:
the village committee organises the unified baiting door to door, shops included), the unit's
contact for a unit target, and the township's office staff (for a village that phoned it in).
What is used is drawn from the target's holder in the supplies ledger (the unit for a unit
target, else the village), in the same transaction as the work, under a lock on that holder's
register row, so two uses at once never take its holding below zero."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record
from hygiene.clock import local_today
from hygiene.errors import DomainError, Forbidden, InvalidFields
from hygiene.extensions import db
from hygiene.media.intake import PhotoLimits
from hygiene.media.models import Photo
from hygiene.media.services import photos_attach
from hygiene.media.store import PhotoStore
from hygiene.pests import quantities
from hygiene.pests.models import PestProduct, SupplyMovement
from hygiene.pests.refusals import Refused
from hygiene.pests.rounds import totals, work_queries
from hygiene.pests.rounds.models import PestRound, RoundRefusal, RoundTarget, RoundWork
from hygiene.pests.rounds.status import RoundStatus, WorkKind
from hygiene.pests.rounds.words import AREA_UNIT_LABELS
from hygiene.pests.rounds.work_schemas import RefusalInput, WorkInput
from hygiene.pests.words import UNIT_WORDS
from hygiene.places.models import Household, Unit, Village

SPRAYED = frozenset({"mosquito", "fly", "cockroach"})  # pests a round sprays for: an area sprayed is theirs


class WorkRefused(InvalidFields):
    """A work record or refusal the round's rules refuse, field by field."""


def may_record(scope: Scope, target: RoundTarget) -> bool:
    """The target's own contacts and its township's office staff (see the module's docstring)."""
    if scope.township_wide:
        return scope.township_id is not None and scope.covers_township(target.township_id)
    if scope.role is Role.VILLAGE_CONTACT:
        return scope.village_id == target.village_id
    return scope.role is Role.UNIT_CONTACT and target.unit_id is not None and scope.unit_id == target.unit_id


def may_correct(scope: Scope, target: RoundTarget) -> bool:
    """A mistaken work record is removed by the township's administrators only."""
    return scope.is_admin and scope.township_id is not None and scope.covers_township(target.township_id)


def _require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden(_("Only the target's own contacts and the hygiene office record this round's work."))


def not_open(round_: PestRound) -> str | None:
    """Why nothing can be recorded on the round now, or None while it is announced."""
    if round_.status == RoundStatus.ANNOUNCED:
        return None
    if round_.status == RoundStatus.PLANNED:
        return _("This round has not been announced yet; nothing can be recorded.")
    if round_.status == RoundStatus.CLOSED:
        return _("This round is closed; nothing more can be recorded.")
    return _("This round was cancelled; nothing can be recorded.")


def _require_announced(round_: PestRound) -> None:
    """Work, mop-ups and refusals are recorded only while the round is announced."""
    if (why := not_open(round_)) is not None:
        raise DomainError(why)


def _lock(model: type[Unit] | type[Village] | type[RoundTarget], row_id: int) -> None:
    """Take the row's write lock until the transaction ends (a no-op UPDATE): on PostgreSQL the
    row lock, on SQLite the database's write lock, so what is read next is current."""
    column = model.place_key if model is RoundTarget else model.updated_at  # type: ignore[union-attr]
    db.session.execute(sa.update(model).where(model.id == row_id).values({column.key: column})
                       .execution_options(synchronize_session=False))


def _lock_holder(target: RoundTarget) -> None:
    if target.unit_id is not None:
        _lock(Unit, target.unit_id)
    else:
        _lock(Village, target.village_id)


def _work_of_key(key: str | None) -> RoundWork | None:
    return db.session.scalar(sa.select(RoundWork).where(RoundWork.request_key == key)) if key else None


# --- recording work ---------------------------------------------------------------------------

def _date_errors(round_: PestRound, done_on: date, today: date) -> dict[str, str]:
    if done_on > today:
        return {"done_on": _("Work cannot be dated in the future.")}
    if not round_.starts_on <= done_on <= round_.ends_on:
        return {"done_on": _("Choose a date inside the round (%(start)s to %(end)s).",
                             start=round_.starts_on.isoformat(), end=round_.ends_on.isoformat())}
    return {}


def _amount_errors(round_: PestRound, target: RoundTarget, data: WorkInput) -> dict[str, str]:
    """What a record must and must not count: a snail round its area, a household round its
    households (no more than the target has); an area sprayed only where the round sprays."""
    errors: dict[str, str] = {}
    if round_.by_area:
        if data.area_covered is None or data.area_covered <= 0:
            errors["area_covered"] = _("Enter the area treated.")
        if data.households_covered is not None:
            errors["households_covered"] = _("A snail round counts the area treated, not households.")
        if data.baits_placed is not None:
            errors["baits_placed"] = _("A snail round places no baits.")
        return errors
    if data.households_covered is None:
        errors["households_covered"] = _("Enter the households covered.")
    if data.area_covered is not None and not SPRAYED.intersection(round_.pests):
        errors["area_covered"] = _("This round places baits; it sprays no area.")
    return errors


def _room_errors(round_: PestRound, target: RoundTarget, data: WorkInput) -> dict[str, str]:
    """Work (a mop-up too) never takes the target's covered total over its target: read after the
    holder's lock, so two posts at once see each other's work."""
    households, area = work_queries.covered_of(target)
    if round_.by_area:
        if target.area_target is None or data.area_covered is None:
            return {}
        left = max(Decimal(target.area_target) - area, Decimal(0))
        if data.area_covered <= left:
            return {}
        return {"area_covered": _("This target has %(n)s %(unit)s left to cover.", n=_text(left),
                                  unit=str(AREA_UNIT_LABELS.get(target.area_unit or "", target.area_unit or "")))}
    if target.households_target is None or data.households_covered is None:
        return {}
    rest = max(target.households_target - households, 0)
    if data.households_covered <= rest:
        return {}
    if target.unit_id is not None:
        return {"households_covered": _("This target has %(n)d places left to cover.", n=rest)}
    return {"households_covered": _("This target has %(n)d households left to cover.", n=rest)}


def _product_errors(target: RoundTarget, data: WorkInput) -> tuple[PestProduct | None, dict[str, str]]:
    """The product used, held by the target's holder, and a quantity it covers; read after the
    holder's lock, so the balance is the current one."""
    if data.product_id is None:
        return None, ({"product_id": _("Choose the product used.")} if data.quantity_used else {})
    product = db.session.scalar(sa.select(PestProduct).where(PestProduct.id == data.product_id,
                                                             PestProduct.township_id == target.township_id))
    if product is None:
        return None, {"product_id": _("Choose a product from the list.")}
    held = work_queries.holding_of(target, product.id)
    if held <= 0:
        return None, {"product_id": _("%(product)s was not issued to %(holder)s.", product=product.name,
                                      holder=str(target))}
    if data.quantity_used is None:
        return product, {}
    unit = str(UNIT_WORDS.get(product.unit, product.unit))
    try:
        quantities.quantity(data.quantity_used, product.unit, field="quantity_used")
    except Refused:
        return None, {"quantity_used": _("Enter a quantity above 0 with at most 3 decimal places "
                                         "(whole numbers for bags and bottles).")}
    if data.quantity_used > held:
        amounts = {"held": f"{held.normalize():f}", "wanted": f"{data.quantity_used.normalize():f}"}
        return None, {"quantity_used": _("%(holder)s holds only %(held)s %(unit)s of %(product)s; "
                                         "%(wanted)s %(unit)s cannot be used.", holder=str(target),
                                         unit=unit, product=product.name, **amounts)}
    return product, {}


def _resolve_errors(target: RoundTarget, data: WorkInput) -> dict[str, str]:
    if not data.resolves:
        return {}
    if data.kind != WorkKind.MOP_UP:
        return {"resolves": _("Only a mop-up covers refused households.")}
    known = set(db.session.scalars(sa.select(RoundRefusal.id).where(RoundRefusal.id.in_(data.resolves),
                                                                    RoundRefusal.target_id == target.id)))
    return {} if known == set(data.resolves) else {"resolves": _("Choose a value from the list.")}


def work_record(*, scope: Scope, user_id: int | None, round_: PestRound, target: RoundTarget, data: WorkInput,
                photos: list[tuple[str, bytes]], store: PhotoStore, limits: PhotoLimits,
                now: datetime) -> RoundWork:
    """Record a target's work or mop-up once per form shown (a resent form gives the first record
    back), with the `use` of what it used and its photos, all or nothing."""
    _require(may_record(scope, target))
    if (earlier := _work_of_key(data.request_key)) is not None:
        return earlier
    _require_announced(round_)
    errors = _date_errors(round_, data.done_on, local_today(now)) | _amount_errors(round_, target, data)
    _lock_holder(target)
    if (earlier := _work_of_key(data.request_key)) is not None:  # the same form, sent at the same moment
        return earlier
    db.session.refresh(round_)
    _require_announced(round_)
    product, product_errors = _product_errors(target, data)
    errors = _room_errors(round_, target, data) | errors | product_errors | _resolve_errors(target, data)
    if errors:
        raise WorkRefused(errors)
    work = _work_new(scope, user_id, round_, target, data, product, now)
    if data.quantity_used is not None and product is not None:
        work.movement_id = _use(user_id, round_, target, product, data, now).id
    if data.resolves:
        _resolve(target, work, data.resolves)
    totals.refresh(target)
    if photos:
        photos_attach(photos, store=store, limits=limits, uploaded_by_id=user_id, now=now, round_work_id=work.id,
                      purpose="round_work", township_id=target.township_id,
                      target_kind="unit" if target.unit_id else "village", target_id=target.unit_id or target.village_id)
    after = {"round": round_.name, "target": str(target), "kind": work.kind, "done_on": work.done_on.isoformat(),
             "households_covered": work.households_covered, "area_covered": _text(work.area_covered),
             "baits_placed": work.baits_placed, "product_id": work.product_id,
             "quantity_used": _text(work.quantity_used), "done_by": work.done_by, "photos": len(photos)}
    audit_record(actor_id=user_id, action="create", record=work, township_id=work.township_id, at=now,
                 after=after)
    return work


def _work_new(scope: Scope, user_id: int | None, round_: PestRound, target: RoundTarget, data: WorkInput,
              product: PestProduct | None, now: datetime) -> RoundWork:
    work = RoundWork(round_id=round_.id, target_id=target.id, township_id=target.township_id,
                     village_id=target.village_id, unit_id=target.unit_id, kind=data.kind, done_on=data.done_on,
                     households_covered=data.households_covered, area_covered=data.area_covered,
                     baits_placed=data.baits_placed, product_id=product.id if product else None,
                     quantity_used=data.quantity_used if product else None, done_by=data.done_by,
                     note=data.note, entered_by_id=user_id, entered_at=now, request_key=data.request_key)
    try:  # the key is unique: of two identical posts the second waits here for the first
        with db.session.begin_nested():
            db.session.add(work)
            db.session.flush()
    except IntegrityError:
        raise DomainError(_("This form was already sent; reload the page to see the record.")) from None
    return work


def _use(user_id: int | None, round_: PestRound, target: RoundTarget, product: PestProduct, data: WorkInput,
         now: datetime) -> SupplyMovement:
    """The ledger's `use` of what the work used, from the target's holder, tied to the round."""
    assert data.quantity_used is not None
    movement = SupplyMovement(product_id=product.id, township_id=target.township_id, village_id=target.village_id,
                              unit_id=target.unit_id, kind="use", quantity=data.quantity_used,
                              moved_on=data.done_on, taker_name=data.done_by[:40], round_id=round_.id,
                              note=round_.name[:200], actor_id=user_id, created_at=now)
    db.session.add(movement)
    db.session.flush()
    return movement


def _resolve(target: RoundTarget, work: RoundWork, refusal_ids: list[int]) -> None:
    """The refusals the mop-up covered (those still open; another mop-up may have taken some)."""
    db.session.execute(sa.update(RoundRefusal).where(
        RoundRefusal.id.in_(refusal_ids), RoundRefusal.target_id == target.id,
        RoundRefusal.resolved_by_work_id.is_(None)).values(resolved_by_work_id=work.id)
        .execution_options(synchronize_session=False))


def _text(value: Decimal | None) -> str | None:
    """A quantity as the trail keeps it: text, since the trail is JSON."""
    return None if value is None else f"{Decimal(value).normalize():f}"


# --- correcting a mistaken record -------------------------------------------------------------

def work_delete(*, scope: Scope, user_id: int | None, round_: PestRound, target: RoundTarget, work_id: int,
                now: datetime) -> bool:
    """The office removes a mistaken work record of an open round: its photos, its `use` (the
    ledger then reads as if nothing was used), and the refusals it resolved open again.
    False when it was already removed (a resent or simultaneous removal)."""
    if not may_correct(scope, target):
        raise Forbidden(_("Only the hygiene office's administrators remove a work record."))
    _require_announced(round_)
    _lock_holder(target)
    work = db.session.scalar(sa.select(RoundWork).where(RoundWork.id == work_id, RoundWork.target_id == target.id))
    if work is None:
        return False
    before = {"round": round_.name, "target": str(target), "kind": work.kind, "done_on": work.done_on.isoformat(),
              "households_covered": work.households_covered, "area_covered": _text(work.area_covered),
              "baits_placed": work.baits_placed, "product_id": work.product_id,
              "quantity_used": _text(work.quantity_used), "done_by": work.done_by}
    movement_id = work.movement_id
    db.session.execute(sa.delete(Photo).where(Photo.round_work_id == work.id))
    db.session.execute(sa.update(RoundRefusal).where(RoundRefusal.resolved_by_work_id == work.id)
                       .values(resolved_by_work_id=None).execution_options(synchronize_session=False))
    db.session.execute(sa.update(RoundRefusal).where(RoundRefusal.work_id == work.id)
                       .values(work_id=None).execution_options(synchronize_session=False))
    audit_record(actor_id=user_id, action="remove", record=work, township_id=work.township_id, at=now,
                 before=before)
    db.session.delete(work)
    db.session.flush()
    if movement_id is not None:
        db.session.execute(sa.delete(SupplyMovement).where(SupplyMovement.id == movement_id))
    totals.refresh(target)
    return True


# --- refusals ---------------------------------------------------------------------------------

def refusal_record(*, scope: Scope, user_id: int | None, round_: PestRound, target: RoundTarget,
                   data: RefusalInput, now: datetime) -> RoundRefusal:
    """Record a household the target could not cover, and why; a household has one open refusal
    per target, so a resent form gives the first one back."""
    _require(may_record(scope, target))
    _require_announced(round_)
    household_id, name, errors = _household(target, data)
    if data.reason == "other" and not data.note:
        errors["note"] = _("Say what the other reason is.")
    if errors:
        raise WorkRefused(errors)
    _lock(RoundTarget, target.id)
    same = RoundRefusal.household_id == household_id if household_id else RoundRefusal.household_name == name
    earlier = db.session.scalar(sa.select(RoundRefusal).where(
        RoundRefusal.target_id == target.id, RoundRefusal.resolved_by_work_id.is_(None), same))
    if earlier is not None:
        return earlier
    refusal = RoundRefusal(round_id=round_.id, target_id=target.id, township_id=target.township_id,
                           village_id=target.village_id, unit_id=target.unit_id, household_id=household_id,
                           household_name=name, reason=data.reason, note=data.note, entered_by_id=user_id,
                           entered_at=now)
    db.session.add(refusal)
    totals.refresh(target)
    audit_record(actor_id=user_id, action="create", record=refusal, township_id=target.township_id, at=now,
                 after={"round": round_.name, "target": str(target), "household_name": name,
                        "reason": data.reason, "note": data.note})
    return refusal


def _household(target: RoundTarget, data: RefusalInput) -> tuple[int | None, str, dict[str, str]]:
    """The household picked from the village's register, or the name typed."""
    if data.household_id is not None:
        household = None if target.unit_id else db.session.scalar(sa.select(Household).where(
            Household.id == data.household_id, Household.village_id == target.village_id))
        if household is None:
            return None, "", {"household_id": _("Choose a value from the list.")}
        return household.id, str(household)[:60], {}
    if not data.household_name:
        return None, "", {"household_name": _("Choose a household or type its name.")}
    return None, data.household_name, {}
