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


class MonitoringMonthCount(Model):
    """What the level history charts read: per village, pest and month, the counts of the
    village's latest survey day of the month by a graded method, added up per count (every graded
    record of that day together). Derived from the records alone, by rollup.refresh in the
    transaction of every record written, or rollup.rebuild for every month at once."""

    __tablename__ = "monitoring_month_count"
    __table_args__ = (sa.Index("ix_monitoring_month_count_township", "township_id", "month"),)

    # the township leads the key: a village's chart reads a range of it within its scope's clause
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), primary_key=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), primary_key=True)
    pest: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)          # the first day of the month
    field: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    day: Mapped[date] = mapped_column()                            # the survey day the counts are of
    total: Mapped[float] = mapped_column(sa.Float)
