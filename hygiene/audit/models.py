"""The audit trail: who changed what, when, with the values before and after."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model


class AuditEvent(Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(30))
    entity_type: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[int | None] = mapped_column()
    entity_label: Mapped[str] = mapped_column(sa.String(200), default="")  # as recorded; the fallback
    # records named by words rather than their own name keep a key and parameters, worded at display
    label_key: Mapped[str | None] = mapped_column(sa.String(40))
    label_params: Mapped[dict | None] = mapped_column(sa.JSON)
    township_id: Mapped[int | None] = mapped_column(sa.ForeignKey("township.id"), index=True)
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)

    actor = relationship("User")

    @property
    def label(self) -> str:
        """The record's name in the reader's language (the recorded text for older events)."""
        from hygiene.audit.labels import label_text

        return label_text(self.label_key, self.label_params, self.entity_label)

    __table_args__ = (sa.Index("ix_audit_event_entity", "entity_type", "entity_id"),)
