"""Every write to the register: validation, scope checks and the audit trail."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record, changed_fields, snapshot
from hygiene.core.input import db_int
from hygiene.errors import Forbidden, InvalidFields
from hygiene.extensions import db
from hygiene.places import rules
from hygiene.places.kinds import Kind
from hygiene.places.models import Township, Village


class RecordInvalid(InvalidFields):
    """One or more fields of a register record are wrong."""


def record_create(*, kind: Kind, scope: Scope, actor_id: int | None, data: dict) -> Any:
    """Create a register record from form or import data."""
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


def record_update(*, kind: Kind, scope: Scope, actor_id: int | None, record: Any, data: dict) -> Any:
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


def record_validate(*, kind: Kind, scope: Scope, data: dict, existing: Any = None) -> dict:
    """Return clean values for `kind` from `data`, or raise RecordInvalid with every problem."""
    if not scope.can_edit_register:
        raise Forbidden(_("Only the hygiene office can change the register."))
    errors: dict[str, str] = {}
    values = {name: _clean_field(kind, name, data.get(name), errors) for name in kind.fields
              if name in data or existing is None}
    if existing is not None and kind.parent_attr and kind.parent_attr not in data:
        values[kind.parent_attr] = getattr(existing, kind.parent_attr)
    for name in kind.required:
        if not values.get(name) and name not in errors:
            errors[name] = _("This field is required.")
    township_id = _check_parent(kind, scope, values, existing, errors)
    if township_id is not None or kind.parent is None:
        _check_can_write(scope, township_id if kind.parent else getattr(existing, "id", None))
    if not any(f in errors for f in (*kind.unique, kind.parent_attr)):
        _check_unique(kind, values, existing, errors)
    if errors:
        raise RecordInvalid(errors)
    return values


def _clean_field(kind: Kind, name: str, raw: object, errors: dict[str, str]) -> object:
    if name.endswith("_id"):
        try:
            return db_int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            errors[name] = _("Choose a value from the list.")
            return None
    text = rules.clean_text(raw)
    limit = getattr(kind.model.__table__.c[name].type, "length", None)
    if limit and len(text) > limit:
        errors[name] = _("At most %(n)d characters.", n=limit)
    elif name in kind.phone_fields and text:
        phone = rules.normalise_phone(text)
        if phone is None:
            errors[name] = _("“%(value)s” is not a valid phone number (11-digit mobile or "
                             "landline with area code).", value=text)
        return phone or text
    elif name == "category":
        code = rules.category_code(text)
        if text and code is None:
            errors[name] = _("Unknown unit category “%(value)s”.", value=text)
        return code or ""
    elif name == "kind":
        code = (rules.kind_code(text, rules.VILLAGE_KINDS, rules.VILLAGE_KIND_ALIASES)
                if kind.model is Village
                else rules.kind_code(text, rules.TOWNSHIP_KINDS, rules.TOWNSHIP_KIND_ALIASES))
        if code is None:
            errors[name] = _("Unknown type “%(value)s”.", value=text)
        return code or ""
    return text


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
