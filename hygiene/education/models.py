"""The health-education log: one row per activity a village or unit held (a board updated, a
lecture, a consultation day, a health-knowledge column), its photos through hygiene/media; and
the office's cadence targets per township (none saved: targets.yaml's defaults)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hygiene.clock import UTCDateTime, now_utc
from hygiene.education.kinds import ActivityKind
from hygiene.extensions import Model
from hygiene.places.models import Unit, Village


class EducationActivity(Model):
    """One activity of a village (unit_id empty) or of a unit (in its village)."""

    __tablename__ = "education_activity"
    # the cadence counts a township's activities per subject, kind and month of a year
    __table_args__ = (sa.Index("ix_education_activity_cadence", "township_id", "held_on", "village_id", "unit_id"),
                      # one activity per subject, kind, day and topic (the form sent again is refused)
                      sa.Index("uq_education_activity_village", "village_id", "kind", "held_on", "topic",
                               unique=True, sqlite_where=sa.text("unit_id IS NULL"),
                               postgresql_where=sa.text("unit_id IS NULL")),
                      sa.Index("uq_education_activity_unit", "unit_id", "kind", "held_on", "topic", unique=True,
                               sqlite_where=sa.text("unit_id IS NOT NULL"),
                               postgresql_where=sa.text("unit_id IS NOT NULL")))

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"))
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    held_on: Mapped[date] = mapped_column()
    topic: Mapped[str] = mapped_column(sa.String(200))
    attendance: Mapped[int | None] = mapped_column()   # lectures and consultations; a board has none
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # one per form shown

    village: Mapped[Village] = relationship()
    unit: Mapped[Unit | None] = relationship()

    @property
    def kind_label(self) -> str:
        return ActivityKind.label_of(self.kind)

    @property
    def subject_name(self) -> str:
        return self.unit.name if self.unit is not None else self.village.name

    def audit_label(self) -> tuple[str, dict]:
        """How the audit trail names it, in the reader's language (hygiene/audit/labels.py)."""
        return "education_activity", {"topic": self.topic, "held_on": self.held_on.isoformat()}

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


MONTHS = tuple(f"m{month}" for month in range(1, 13))


class EducationMonthCount(Model):
    """A village's or unit's activities of one kind in one year, counted per month (m1..m12): what
    the cadence flags read. Derived from the log alone, by counts.refresh in the transaction of
    every activity written, or counts.rebuild for every subject at once."""

    __tablename__ = "education_month_count"
    __table_args__ = (sa.Index("ix_education_month_count_township", "township_id", "year"),)

    subject_key: Mapped[str] = mapped_column(sa.String(30), primary_key=True)  # "village:<id>" or "unit:<id>"
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"))
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    m1: Mapped[int] = mapped_column(default=0)
    m2: Mapped[int] = mapped_column(default=0)
    m3: Mapped[int] = mapped_column(default=0)
    m4: Mapped[int] = mapped_column(default=0)
    m5: Mapped[int] = mapped_column(default=0)
    m6: Mapped[int] = mapped_column(default=0)
    m7: Mapped[int] = mapped_column(default=0)
    m8: Mapped[int] = mapped_column(default=0)
    m9: Mapped[int] = mapped_column(default=0)
    m10: Mapped[int] = mapped_column(default=0)
    m11: Mapped[int] = mapped_column(default=0)
    m12: Mapped[int] = mapped_column(default=0)

    @staticmethod
    def key_of(village_id: int, unit_id: int | None) -> str:
        return f"unit:{unit_id}" if unit_id else f"village:{village_id}"


class EducationSettings(Model):
    """A township's health-education targets (per village and unit, per kind) and reminder days."""

    __tablename__ = "education_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), unique=True)
    # {"village": {"board": {"every_months": 1, "at_least": 1}, ...}, "unit": {...}}
    targets: Mapped[dict] = mapped_column(sa.JSON)
    remind_days_before: Mapped[int] = mapped_column()
    # the day the cadence starts counting (a village that starts mid-year, the year of installing):
    # no period that ended before it is judged, and the one it falls in asks its share
    count_from: Mapped[date | None] = mapped_column()
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    def audit_label(self) -> tuple[str, dict]:
        return "education_settings", {}

    def __str__(self) -> str:
        return "health-education targets"
