"""Writing the audit trail; every change of the register and, later, of scores goes here."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from hygiene.audit.models import AuditEvent
from hygiene.clock import now_utc
from hygiene.extensions import db


def snapshot(record: object, fields: tuple[str, ...]) -> dict[str, Any]:
    """Return the JSON-safe values of `fields` on `record`, for before/after in the trail."""
    values = {}
    for name in fields:
        value = getattr(record, name)
        if isinstance(value, (date, datetime)):
            value = value.isoformat()
        values[name] = value
    return values


def audit_record(
    *,
    actor_id: int | None,
    action: str,
    record: Any,
    township_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add an audit event for a change of `record`; the caller's transaction commits it.

    `at` is the `now` the service was given (so the trail says when the change happened, also
    for a job or the demo replaying a day); without one, the wall clock."""
    db.session.flush()  # the record needs its id before it is named in the trail
    event = AuditEvent(**audit_event_values(actor_id=actor_id, action=action, record=record,
                                            township_id=township_id, before=before, after=after, at=at))
    db.session.add(event)
    return event


def audit_event_values(
    *,
    actor_id: int | None,
    action: str,
    record: Any,
    township_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """The columns of the audit event for a change of `record` (whose id is already known)."""
    label_key, label_params = record.audit_label() if hasattr(record, "audit_label") else (None, None)
    return {
        "at": at or now_utc(),
        "actor_id": actor_id,
        "action": action,
        "entity_type": type(record).__tablename__,
        "entity_id": getattr(record, "id", None),
        "entity_label": str(record)[:200],
        "label_key": label_key,
        "label_params": label_params,
        "township_id": township_id,
        "before": before,
        "after": after,
    }


def audit_record_many(events: list[dict[str, Any]]) -> None:
    """Add many events (each from audit_event_values) in one executemany, for a bulk write whose
    records are never loaded as objects (an import); the caller's transaction commits them."""
    if events:
        # a Core executemany: no per-row ORM work (__table__ is a Table, typed as a FromClause)
        db.session.execute(AuditEvent.__table__.insert(), events)  # type: ignore[attr-defined]


def changed_fields(before: dict, after: dict) -> dict[str, tuple[Any, Any]]:
    """Return {field: (old, new)} for the fields whose value differs."""
    return {k: (before.get(k), after.get(k)) for k in after if before.get(k) != after.get(k)}
