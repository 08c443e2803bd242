"""Every write to the register: validation, scope checks and the audit trail."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record, changed_fields, snapshot
from hygiene.core.schemas import valid_values
from hygiene.errors import Forbidden
from hygiene.extensions import db
from hygiene.places.kinds import Kind
from hygiene.places.models import Township, Village
from hygiene.places.schemas import INPUTS, PlaceInput, RecordInvalid, place_input


def record_create(*, kind: Kind, scope: Scope, actor_id: int | None, data: PlaceInput) -> Any:
    """Create a register record from a form's or an import row's checked input."""
    return record_insert(kind=kind, actor_id=actor_id,
                         values=record_validate(kind=kind, scope=scope, data=data))


def record_insert(*, kind: Kind, actor_id: int | None, values: dict) -> Any:
    """Insert values that record_validate returned in this transaction, with the audit trail."""
    record = kind.model(**values)
    db.session.add(record)
    db.session.flush()
    audit_record(actor_id=actor_id, action="create", record=record,
                 township_id=record.township_id, after=snapshot(record, kind.fields))
    return record


def record_update(*, kind: Kind, scope: Scope, actor_id: int | None, record: Any,
                  data: PlaceInput) -> Any:
    """Change a register record; the audit trail keeps the old and the new values."""
    values = record_validate(kind=kind, scope=scope, data=data, existing=record)
    before = snapshot(record, kind.fields)
    for name, value in values.items():
        setattr(record, name, value)
    db.session.flush()
    changes = changed_fields(before, snapshot(record, kind.fields))
    if changes:
        audit_record(actor_id=actor_id, action="update", record=record,
                     township_id=record.township_id,
                     before={k: old for k, (old, _new) in changes.items()},
                     after={k: new for k, (_old, new) in changes.items()})
    return record


def record_set_active(*, kind: Kind, scope: Scope, actor_id: int | None, record: Any,
                      active: bool) -> Any:
    """Deactivate or reactivate a record; nothing in the register is ever hard-deleted."""
    _check_can_write(scope, record.township_id)
    if record.active == active:
        return record
    record.active = active
    audit_record(actor_id=actor_id, action="activate" if active else "deactivate",
                 record=record, township_id=record.township_id,
                 before={"active": not active}, after={"active": active})
    return record


def record_input(*, kind: Kind, scope: Scope, data: Mapping[str, Any], existing: Any = None
                 ) -> PlaceInput:
    """The checked input of a `kind` record from a form's data or an import row. When fields
    are wrong, RecordInvalid names each of them and what the database says about the rest
    (parent, names), so people see every problem at once."""
    try:
        return place_input(kind, data)
    except RecordInvalid as invalid:
        errors = dict(invalid.errors)
    values = valid_values(INPUTS[kind.slug], data, leave_out=errors)
    if existing is not None and kind.parent_attr and kind.parent_attr not in data:
        values[kind.parent_attr] = getattr(existing, kind.parent_attr)
    _check_parent(kind, scope, values, existing, errors)
    if not any(f in errors for f in (*kind.unique, kind.parent_attr)):
        _check_unique(kind, values, existing, errors)
    raise RecordInvalid(errors)


def record_validate(*, kind: Kind, scope: Scope, data: PlaceInput, existing: Any = None) -> dict:
    """Return the values for a `kind` record from its checked input (fields left out of an
    update keep theirs), or raise RecordInvalid with what the database says (parent, names)."""
    if not scope.can_edit_register:
        raise Forbidden(_("Only the hygiene office can change the register."))
    if not isinstance(data, INPUTS[kind.slug]):
        raise TypeError(f"{kind.slug} take a {INPUTS[kind.slug].__name__}, not {type(data).__name__}")
    given = set(kind.fields) if existing is None else data.model_fields_set
    values = data.model_dump(include=given)
    if existing is not None and kind.parent_attr and kind.parent_attr not in given:
        values[kind.parent_attr] = getattr(existing, kind.parent_attr)
    errors: dict[str, str] = {}
    township_id = _check_parent(kind, scope, values, existing, errors)
    if township_id is not None or kind.parent is None:
        _check_can_write(scope, township_id if kind.parent else getattr(existing, "id", None))
    if not errors:
        _check_unique(kind, values, existing, errors)
    if errors:
        raise RecordInvalid(errors)
    return values


def _check_parent(kind: Kind, scope: Scope, values: dict, existing: Any,
                  errors: dict[str, str]) -> int | None:
    """Check the parent village or township exists in scope; return the record's township id."""
    if kind.parent is None:
        return None
    parent_model: type[Any] = Township if kind.parent == "township" else Village
    parent_id = values.get(kind.parent_attr)
    parent = db.session.scalar(sa.select(parent_model).where(
        parent_model.id == parent_id, scope.clause(parent_model))) if parent_id else None
    if parent is None:
        if kind.parent_attr not in errors:
            errors[kind.parent_attr] = _("Choose a value from the list.")
        return None
    if not parent.active and (existing is None or getattr(existing, kind.parent_attr) != parent.id):
        errors[kind.parent_attr] = _("“%(name)s” is deactivated.", name=parent.name)
    return parent.id if kind.parent == "township" else parent.township_id


def _check_can_write(scope: Scope, township_id: int | None) -> None:
    if not scope.can_edit_register:
        raise Forbidden(_("Only the hygiene office can change the register."))
    if township_id is None and not scope.is_county_admin:
        raise Forbidden(_("Only a county administrator can add townships."))
    if township_id is not None and not scope.covers_township(township_id):
        raise Forbidden(_("This record belongs to another township."))


def _check_unique(kind: Kind, values: dict, existing: Any, errors: dict[str, str]) -> None:
    model = kind.model
    stmt = sa.select(model.id).where(*(getattr(model, f) == values[f] for f in kind.unique))
    if kind.parent_attr:
        stmt = stmt.where(getattr(model, kind.parent_attr) == values[kind.parent_attr])
    if existing is not None:
        stmt = stmt.where(model.id != existing.id)
    if db.session.scalar(stmt.limit(1)) is not None:
        field = kind.unique[-1]
        errors[field] = _("“%(name)s” already exists here; names must be unique within their "
                          "%(parent)s.", name=" ".join(str(values[f]) for f in kind.unique if values[f]),
                          parent=_("village") if kind.parent == "village" else _("township")
                          if kind.parent == "township" else _("county"))
