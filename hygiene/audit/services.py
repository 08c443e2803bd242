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
    label_key, label_params = record.audit_label() if hasattr(record, "audit_label") else (None, None)
    event = AuditEvent(
        at=at or now_utc(),
        actor_id=actor_id,
        action=action,
        entity_type=type(record).__tablename__,
        entity_id=getattr(record, "id", None),
        entity_label=str(record)[:200],
        label_key=label_key,
        label_params=label_params,
        township_id=township_id,
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def changed_fields(before: dict, after: dict) -> dict[str, tuple[Any, Any]]:
    """Return {field: (old, new)} for the fields whose value differs."""
    return {k: (before.get(k), after.get(k)) for k in after if before.get(k) != after.get(k)}
