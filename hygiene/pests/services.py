"""Every write of the supplies ledger. The rules are pests.supplies' and pests.quantities';
this module asks them, keeps the office stock with one conditional UPDATE, audits, and never
commits (views do, through core.web)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record, snapshot
from hygiene.errors import Forbidden, InvalidFields, NotFound
from hygiene.extensions import db
from hygiene.pests import quantities, supplies
from hygiene.pests.models import PestProduct, PestSettings, SupplyMovement
from hygiene.pests.queries import holder_balance
from hygiene.pests.refusals import Refused
from hygiene.pests.schemas import MovementInput, PestSettingsInput, ProductInput, refused_message
from hygiene.places.models import Unit, Village


class LedgerRefused(InvalidFields):
    """A product or movement the ledger rules refuse."""


def _require_admin(scope: Scope) -> None:
    if not scope.is_admin or scope.township_id is None:
        raise Forbidden(_("Only the hygiene office can change the supplies ledger."))


def _product_values(data: ProductInput) -> dict[str, Any]:
    values = data.model_dump()
    values["minimum_stock"] = _checked(data.minimum_stock, data.unit, "minimum_stock", allow_zero=True)
    return values


def _checked(amount: Decimal, unit: str, field: str, *, allow_zero: bool = False) -> Decimal:
    try:
        return quantities.quantity(amount, unit, field=field, allow_zero=allow_zero).amount
    except Refused as refused:
        raise LedgerRefused({field: refused_message(refused)}) from None


def product_create(*, scope: Scope, actor_id: int | None, data: ProductInput, now: datetime) -> PestProduct:
    _require_admin(scope)
    assert scope.township_id is not None
    product = PestProduct(township_id=scope.township_id, stock=Decimal(0), **_product_values(data))
    db.session.add(product)
    after = snapshot(product, PRODUCT_FIELDS)
    after["minimum_stock"] = _minimum_text(product)
    audit_record(actor_id=actor_id, action="create", record=product, township_id=product.township_id,
                 after=after, at=now)
    return product


def product_update(*, scope: Scope, actor_id: int | None, product: PestProduct, data: ProductInput,
                   now: datetime) -> PestProduct:
    _require_admin(scope)
    values = _product_values(data)
    if values["unit"] != product.unit and db.session.scalar(
            sa.select(SupplyMovement.id).where(SupplyMovement.product_id == product.id).limit(1)):
        raise LedgerRefused({"unit": _("The unit cannot change once the product has movements.")})
    before = snapshot(product, PRODUCT_FIELDS)
    before["minimum_stock"] = _minimum_text(product)
    for name, value in values.items():
        setattr(product, name, value)
    after = snapshot(product, PRODUCT_FIELDS)
    after["minimum_stock"] = _minimum_text(product)
    audit_record(actor_id=actor_id, action="update", record=product, township_id=product.township_id,
                 before=before, after=after, at=now)
    return product


PRODUCT_FIELDS = ("name", "active_ingredient", "registration_number", "form", "unit", "expiry", "active")


def _minimum_text(product: PestProduct) -> str:
    """A quantity as the trail keeps it: text, since the trail is JSON."""
    return f"{Decimal(product.minimum_stock).normalize():f}"


def _holder(scope: Scope, data: MovementInput) -> tuple[int | None, int | None]:
    """The village and unit a movement names, checked against the scope; stock in names none."""
    if data.kind == "in":
        return None, None
    if data.unit_id is not None:
        unit = db.session.scalar(sa.select(Unit).where(Unit.id == data.unit_id, scope.clause(Unit)))
        if unit is None:
            raise LedgerRefused({"unit_id": _("Choose a value from the list.")})
        if data.village_id is not None and data.village_id != unit.village_id:
            raise LedgerRefused({"unit_id": _("Choose a unit of the chosen village, or none.")})
        return unit.village_id, unit.id
    if data.village_id is not None:
        village = db.session.scalar(sa.select(Village).where(Village.id == data.village_id, scope.clause(Village)))
        if village is None:
            raise LedgerRefused({"village_id": _("Choose a value from the list.")})
        return village.id, None
    raise LedgerRefused({"village_id": _("Choose the village or unit.")})


def movement_record(*, scope: Scope, actor_id: int | None, product: PestProduct, data: MovementInput,
                    now: datetime) -> SupplyMovement:
    """Record one movement once (a repeat of the same form key gives the first one back).

    The office stock changes by one conditional UPDATE (stock >= quantity for an issue), so of
    two issues at once only those the stock covers pass, on SQLite and PostgreSQL alike."""
    _require_admin(scope)
    if product.township_id != scope.township_id:
        raise NotFound("product not found")
    if data.form_key:
        earlier = db.session.scalar(sa.select(SupplyMovement).where(SupplyMovement.form_key == data.form_key))
        if earlier is not None:
            return earlier
    amount = _checked(data.quantity, product.unit, "quantity")
    village_id, unit_id = _holder(scope, data)
    if data.kind == "issue" and not (data.taker_name and data.signature):
        raise LedgerRefused({name: _("This field is required.") for name in ("taker_name", "signature")
                             if not getattr(data, name)})
    holder = supplies.STORE if data.kind == "in" else f"unit:{unit_id}" if unit_id else f"village:{village_id}"
    held = {} if holder == supplies.STORE else {
        holder: holder_balance(product.id, village_id=village_id, unit_id=unit_id)}
    try:  # the rules, against the stock as read now: a clear message for the usual refusal
        supplies.apply(supplies.Stock(product.unit, store=Decimal(product.stock), held=held),
                       supplies.Movement(data.kind, quantities.Quantity(amount, product.unit),
                                         data.moved_on, holder), expiry=product.expiry)
    except Refused as refused:
        raise LedgerRefused({refused.field or "quantity": refused_message(refused, unit=product.unit)}) from None
    movement = SupplyMovement(
        product_id=product.id, township_id=product.township_id, village_id=village_id, unit_id=unit_id,
        kind=data.kind, quantity=amount, moved_on=data.moved_on, taker_name=data.taker_name,
        signature=data.signature, note=data.note, form_key=data.form_key or None, actor_id=actor_id)
    try:  # the form key first: a second identical post waits here for the first, then finds it
        with db.session.begin_nested():
            db.session.add(movement)
            db.session.flush()
    except IntegrityError:
        earlier = db.session.scalar(sa.select(SupplyMovement).where(SupplyMovement.form_key == data.form_key))
        if earlier is None:
            raise
        return earlier
    _move_stock(product, data.kind, amount)
    audit_record(actor_id=actor_id, action="create", record=movement, township_id=product.township_id,
                 after={"product_id": product.id, "kind": data.kind, "quantity": f"{amount.normalize():f}",
                        "unit": product.unit, "village_id": village_id, "unit_id": unit_id,
                        "taker_name": data.taker_name, "moved_on": data.moved_on.isoformat()}, at=now)
    return movement


def _move_stock(product: PestProduct, kind: str, amount: Decimal) -> None:
    """One conditional UPDATE of the office stock; an issue passes only while the stock covers
    it (and the product has not expired), whatever another request did meanwhile."""
    if kind == "use":
        return
    change = -amount if kind == "issue" else amount
    # rounded to the ledger's places as it is stored: SQLite keeps NUMERIC as a binary float, and
    # unrounded sums drift (0.95 becoming 0.9499999999999973) until an exact issue is refused
    stmt = (sa.update(PestProduct).where(PestProduct.id == product.id)
            .values(stock=sa.func.round(PestProduct.stock + change, quantities.PLACES)))
    if kind == "issue":
        stmt = stmt.where(PestProduct.stock >= amount)
    moved = db.session.execute(stmt.execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
    db.session.refresh(product)
    if not moved:
        raise LedgerRefused({"quantity": refused_message(Refused(
            "stock_too_low", "", available=Decimal(product.stock), wanted=amount), unit=product.unit)})


SETTINGS_FIELDS = ("spray_months", "spray_every_days_min", "spray_every_days_max", "days_before_end")


def pest_settings_save(*, scope: Scope, actor_id: int | None, data: PestSettingsInput,
                       now: datetime) -> PestSettings:
    """Set the township's reminder rules (the office's admins only); audited when they change."""
    _require_admin(scope)
    if data.spray_every_days_min > data.spray_every_days_max:
        raise LedgerRefused({"spray_every_days_max": _("The longest interval cannot be shorter than the "
                                                       "shortest.")})
    settings, created = _settings_row(scope.township_id, data, now)
    before = snapshot(settings, SETTINGS_FIELDS)
    for name in SETTINGS_FIELDS:
        setattr(settings, name, getattr(data, name))
    after = snapshot(settings, SETTINGS_FIELDS)
    if created or after != before:
        settings.updated_by_id, settings.updated_at = actor_id, now
        db.session.flush()
    if created:
        audit_record(actor_id=actor_id, action="create", record=settings, township_id=scope.township_id,
                     after=after, at=now)
    elif after != before:
        audit_record(actor_id=actor_id, action="update", record=settings, township_id=scope.township_id,
                     before=before, after=after, at=now)
    return settings


def _settings_row(township_id: int | None, data: PestSettingsInput, now: datetime) -> tuple[PestSettings, bool]:
    """The township's row and whether this call made it; of two first saves at once, the
    second waits on the unique township, then finds and updates the first's row."""
    found = db.session.scalar(sa.select(PestSettings).where(PestSettings.township_id == township_id))
    if found is not None:
        return found, False
    row = PestSettings(township_id=township_id, updated_at=now, **{n: getattr(data, n) for n in SETTINGS_FIELDS})
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return db.session.scalars(sa.select(PestSettings).where(PestSettings.township_id == township_id)).one(), False
    return row, True
