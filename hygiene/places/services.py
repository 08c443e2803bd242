"""Every write to the register: validation, scope checks and the audit trail."""
from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from hygiene.access.scope import Scope
from hygiene.audit.services import (
    audit_event_values,
    audit_record,
    audit_record_many,
    changed_fields,
    snapshot,
)
from hygiene.clock import now_utc
from hygiene.core.schemas import valid_values
from hygiene.errors import Forbidden
from hygiene.extensions import db
from hygiene.places.kinds import Kind
from hygiene.places.models import Township, Village
from hygiene.places.schemas import INPUTS, PlaceInput, RecordInvalid, place_input

# parent ids per IN (...) list: well under SQLite's 32,766 parameters and PostgreSQL's 65,535
IN_CHUNK = 1000


class RegisterLookup:
    """The parents in a scope and the natural keys already taken under them, each read in a few
    statements, so that checking many new records (an import) costs no query per record.

    record_validate asks it instead of the database when given one (`known=`)."""

    def __init__(self, kind: Kind, scope: Scope, parents: Mapping[int, Any] | None = None):
        """`parents`: {id: parent} of the scope when the caller has read them already."""
        self.kind = kind
        self._parents: Mapping[int, Any] = parents or {}
        if kind.parent is not None and parents is None:
            model = _parent_model(kind)
            self._parents = {p.id: p for p in db.session.scalars(sa.select(model).where(scope.clause(model)))}
        self._taken: dict[int | None, set[tuple]] = {}

    def parent(self, parent_id: int) -> Any:
        """The parent in scope with this id, or None."""
        return self._parents.get(parent_id)

    def load_keys(self, parent_ids: Iterable[int | None]) -> None:
        """Read the natural keys under these parents (those not read yet), one statement a chunk."""
        kind, model = self.kind, self.kind.model
        key_columns = [getattr(model, f) for f in kind.unique]
        if kind.parent_attr is None:
            if None not in self._taken:
                self._taken[None] = {tuple(key) for key in db.session.execute(sa.select(*key_columns))}
            return
        parent_column = getattr(model, kind.parent_attr)
        missing = sorted({p for p in parent_ids if p is not None} - self._taken.keys())
        for start in range(0, len(missing), IN_CHUNK):
            chunk = missing[start:start + IN_CHUNK]
            self._taken.update({p: set() for p in chunk})
            for parent_id, *key in db.session.execute(
                    sa.select(parent_column, *key_columns).where(parent_column.in_(chunk))):
                self._taken[parent_id].add(tuple(key))

    def taken(self, values: dict) -> bool:
        """True when a record with the natural key of `values` already exists under its parent."""
        parent_attr = self.kind.parent_attr
        parent_id = values[parent_attr] if parent_attr else None
        if parent_id not in self._taken:
            self.load_keys([parent_id])
        return tuple([values[f] for f in self.kind.unique]) in self._taken[parent_id]


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


def records_insert(*, kind: Kind, actor_id: int | None, rows: list[dict]) -> list[int]:
    """Insert many records' values that record_validate returned in this transaction, with one
    audit event each (as record_insert writes), in a few statements however many rows; return
    the new ids in the order of `rows`."""
    if not rows:
        return []
    model, now = kind.model, now_utc()
    # Core executemany: no per-row ORM work; one time for the whole file rather than a call a row
    db.session.execute(sa.insert(model.__table__).values(created_at=now, updated_at=now), rows)
    ids = _new_ids(kind, rows)
    townships = _township_ids(kind, rows)
    written = _written_record_class(model)
    labelled = hasattr(written, "audit_label")
    shared: dict[str, Any] = {}  # the columns all events share, as audit_event_values makes them
    events = []
    parent_attr = kind.parent_attr
    record = written()  # one stand-in, given each row's values in turn
    for new_id, values in zip(ids, rows, strict=True):
        record.__dict__.update(values, id=new_id)
        parent_id = values[parent_attr] if parent_attr else new_id
        # the register's fields are text and ids: JSON-safe as they are, as snapshot() would give them
        event = {"entity_id": new_id, "entity_label": str(record)[:200],
                 "township_id": townships.get(parent_id, parent_id),
                 "after": {name: values[name] for name in kind.fields}}
        if labelled:
            event["label_key"], event["label_params"] = record.audit_label()
        if not shared:  # the rest of the first event as record_insert makes it
            first = audit_event_values(actor_id=actor_id, action="create", record=record,
                                       township_id=None, after=snapshot(record, kind.fields), at=now)
            shared = {name: value for name, value in first.items() if name not in event}
        events.append(event)
    audit_record_many(events, shared)
    return ids


def _new_ids(kind: Kind, rows: list[dict]) -> list[int]:
    """The ids of records just inserted, in the order of `rows`, read back by their natural keys
    (unique under their parent). RETURNING would cost more: on SQLite, in the rows' order, it
    sends one INSERT per row; on PostgreSQL psycopg parses each 1,000-row INSERT for a while."""
    model = kind.model
    key_names = (*((kind.parent_attr,) if kind.parent_attr else ()), *kind.unique)
    select = sa.select(model.id, *(getattr(model, n) for n in key_names))
    if kind.parent_attr is None:
        statements = [select]
    else:
        parent = getattr(model, kind.parent_attr)
        parents = sorted({values[kind.parent_attr] for values in rows})
        statements = [select.where(parent.in_(parents[start:start + IN_CHUNK]))
                      for start in range(0, len(parents), IN_CHUNK)]
    found: dict[tuple, int] = {}
    for statement in statements:
        found.update({tuple(key): new_id for new_id, *key in db.session.execute(statement)})
    return [found[tuple(values[n] for n in key_names)] for values in rows]


@functools.cache
def _written_record_class(model: type[Any]) -> type[SimpleNamespace]:
    """A stand-in for a record inserted in bulk: its values, named and tabled as the model does,
    for the audit trail. (A model instance each took longer to make than the INSERT itself.)"""
    names = {"__tablename__": model.__tablename__, "__str__": model.__str__}
    if hasattr(model, "audit_label"):  # a model named by words names its stand-in alike
        names["audit_label"] = model.audit_label
    return type(f"Written{model.__name__}", (SimpleNamespace,), names)


def _township_ids(kind: Kind, rows: list[dict]) -> dict[int, int]:
    """{village id: its township id} for the villages of `rows` (empty for other parents)."""
    if kind.parent != "village":
        return {}
    villages = sorted({values["village_id"] for values in rows})
    found: dict[int, int] = {}
    for start in range(0, len(villages), IN_CHUNK):
        found.update(db.session.execute(sa.select(Village.id, Village.township_id)
                                        .where(Village.id.in_(villages[start:start + IN_CHUNK]))).all())
    return found


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


def record_input(*, kind: Kind, scope: Scope, data: Mapping[str, Any], existing: Any = None,
                 known: RegisterLookup | None = None) -> PlaceInput:
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
    _check_parent(kind, scope, values, existing, errors, known)
    if not any(f in errors for f in (*kind.unique, kind.parent_attr)):
        _check_unique(kind, values, existing, errors, known)
    raise RecordInvalid(errors)


def record_validate(*, kind: Kind, scope: Scope, data: PlaceInput, existing: Any = None,
                    known: RegisterLookup | None = None) -> dict:
    """Return the values for a `kind` record from its checked input (fields left out of an
    update keep theirs), or raise RecordInvalid with what the database says (parent, names).

    With `known`, parents and taken names come from it rather than a query each (an import)."""
    if not scope.can_edit_register:
        raise Forbidden(_("Only the hygiene office can change the register."))
    if not isinstance(data, INPUTS[kind.slug]):
        raise TypeError(f"{kind.slug} take a {INPUTS[kind.slug].__name__}, not {type(data).__name__}")
    given = set(kind.fields) if existing is None else data.model_fields_set
    values = data.model_dump(include=given)
    if existing is not None and kind.parent_attr and kind.parent_attr not in given:
        values[kind.parent_attr] = getattr(existing, kind.parent_attr)
    errors: dict[str, str] = {}
    township_id = _check_parent(kind, scope, values, existing, errors, known)
    if township_id is not None or kind.parent is None:
        _check_can_write(scope, township_id if kind.parent else getattr(existing, "id", None))
    if not errors:
        _check_unique(kind, values, existing, errors, known)
    if errors:
        raise RecordInvalid(errors)
    return values


def _parent_model(kind: Kind) -> type[Any]:
    return Township if kind.parent == "township" else Village


def _check_parent(kind: Kind, scope: Scope, values: dict, existing: Any,
                  errors: dict[str, str], known: RegisterLookup | None = None) -> int | None:
    """Check the parent village or township exists in scope; return the record's township id."""
    if kind.parent is None:
        return None
    parent_model = _parent_model(kind)
    parent_id = values.get(kind.parent_attr)
    if not parent_id:
        parent = None
    elif known is not None:
        parent = known.parent(parent_id)
    else:
        parent = db.session.scalar(sa.select(parent_model).where(
            parent_model.id == parent_id, scope.clause(parent_model)))
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


def _check_unique(kind: Kind, values: dict, existing: Any, errors: dict[str, str],
                  known: RegisterLookup | None = None) -> None:
    if existing is None and known is not None:
        if known.taken(values):
            _name_taken(kind, values, errors)
        return
    model = kind.model
    stmt = sa.select(model.id).where(*(getattr(model, f) == values[f] for f in kind.unique))
    if kind.parent_attr:
        stmt = stmt.where(getattr(model, kind.parent_attr) == values[kind.parent_attr])
    if existing is not None:
        stmt = stmt.where(model.id != existing.id)
    if db.session.scalar(stmt.limit(1)) is not None:
        _name_taken(kind, values, errors)


def _name_taken(kind: Kind, values: dict, errors: dict[str, str]) -> None:
    errors[kind.unique[-1]] = _(
        "“%(name)s” already exists here; names must be unique within their %(parent)s.",
        name=" ".join(str(values[f]) for f in kind.unique if values[f]),
        parent=_("village") if kind.parent == "village" else _("township")
        if kind.parent == "township" else _("county"))
