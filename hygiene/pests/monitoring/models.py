"""Pest-control records: density monitoring (病媒生物密度监测)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model
from hygiene.places.models import Unit


class MonitoringRecord(Model):
    """One survey by one method: the raw counts as typed, under the field names of
    standards/methods.yaml. Indices and levels are computed from them when shown (monitoring.py),
    so a new edition of a standard regrades every record without a migration."""

    __tablename__ = "monitoring_record"
    __table_args__ = (sa.Index("ix_monitoring_record_latest", "township_id", "pest", "village_id", "surveyed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    pest: Mapped[str] = mapped_column(sa.String(16))
    method: Mapped[str] = mapped_column(sa.String(40))
    surveyed_on: Mapped[date] = mapped_column()
    counts: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # one per form shown

    unit: Mapped[Unit | None] = relationship()

    def __str__(self) -> str:
        return f"{self.surveyed_on} {self.pest}/{self.method}"

    def audit_label(self) -> tuple[str, dict]:
        """The trail words it in the reader's language (audit_labels.py): 2026-11-29 鼠类 · 粘鼠板法."""
        return "monitoring_record", {"day": self.surveyed_on.isoformat(), "pest": self.pest, "method": self.method}
