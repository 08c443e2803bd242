"""Reads of the audit trail."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from hygiene.access.scope import Scope
from hygiene.audit.models import AuditEvent
from hygiene.extensions import db


def events_for(record: Any, limit: int = 50) -> list[AuditEvent]:
    """The newest changes of one record, newest first."""
    stmt = (sa.select(AuditEvent).options(joinedload(AuditEvent.actor))
            .where(AuditEvent.entity_type == type(record).__tablename__,
                   AuditEvent.entity_id == record.id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit))
    return list(db.session.scalars(stmt))


def events_stmt(scope: Scope, *, entity_types: tuple[str, ...] | None = None) -> sa.Select:
    """All changes an administrator may read, newest first; of some kinds of record only."""
    stmt = sa.select(AuditEvent).options(joinedload(AuditEvent.actor))
    if not scope.is_county_admin:
        stmt = stmt.where(AuditEvent.township_id == scope.township_id)
    if entity_types:
        stmt = stmt.where(AuditEvent.entity_type.in_(entity_types))
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
