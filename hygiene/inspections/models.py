"""Inspection plans, inspections and answers (their photos: hygiene/media/models.py)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hygiene.checklists.models import POINTS, ChecklistTemplate, TemplateItem, TemplateVersion, keeps_version
from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model, db
from hygiene.inspections.status import OPEN, InspectionStatus

plan_inspector = sa.Table(
    "plan_inspector", db.metadata,
    sa.Column("plan_id", sa.ForeignKey("inspection_plan.id"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user_account.id"), primary_key=True),
)
inspection_inspector = sa.Table(
    "inspection_inspector", db.metadata,
    sa.Column("inspection_id", sa.ForeignKey("inspection.id"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user_account.id"), primary_key=True, index=True),
)


class InspectionPlan(Model):
    """What to inspect, with which checklist, how often, and by whom."""

    __tablename__ = "inspection_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    template_id: Mapped[int] = mapped_column(sa.ForeignKey("checklist_template.id"))
    target_mode: Mapped[str] = mapped_column(sa.String(20))   # list | all | category | sample
    unit_category: Mapped[str | None] = mapped_column(sa.String(30))
    target_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    sample_size: Mapped[int | None] = mapped_column()
    recurrence: Mapped[str] = mapped_column(sa.String(20))    # once | weekly | monthly | quarterly
    start_date: Mapped[date] = mapped_column()
    end_date: Mapped[date | None] = mapped_column()
    days_allowed: Mapped[int] = mapped_column(default=7)
    cross_check: Mapped[bool] = mapped_column(default=False)
    # periods already over when the plan was made are inspected only when the office chose so
    backfill: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # the form's one-time key: a double-tapped or resent "Save" finds the plan it already made
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    template: Mapped[ChecklistTemplate] = relationship()
    inspectors = relationship("User", secondary=plan_inspector, order_by="User.id")

    def __str__(self) -> str:
        return self.name


class SampleDraw(Model):
    """A recorded random draw (不定期抽查): the population, the seed and what was chosen."""

    __tablename__ = "sample_draw"
    __table_args__ = (sa.UniqueConstraint("plan_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("inspection_plan.id"))
    period_start: Mapped[date] = mapped_column()
    seed: Mapped[str] = mapped_column(sa.String(64))
    population: Mapped[list] = mapped_column(sa.JSON)
    chosen: Mapped[list] = mapped_column(sa.JSON)
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)


class Inspection(Model):
    """One check of one target with one checklist version."""

    __tablename__ = "inspection"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "period_start", "target_kind", "target_id"),
        # the dashboard counts open and submitted inspections by these columns from the index alone
        # (an index-only scan, no table rows read); its first two serve the deadline scans too
        sa.Index("ix_inspection_status_dates", "status", "due_date", "planned_date", "self_assessment"),
        # covers the ranking's per-township aggregate, so it reads the index only (bench/ranking.py)
        sa.Index("ix_inspection_ranking", "township_id", "status", "planned_date", "target_kind",
                 "village_id", "unit_id", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspection_plan.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("template_version.id"), index=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    target_kind: Mapped[str] = mapped_column(sa.String(20))   # village | unit | household | cleaner
    target_id: Mapped[int] = mapped_column()
    target_label: Mapped[str] = mapped_column(sa.String(200))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    period_start: Mapped[date | None] = mapped_column()
    planned_date: Mapped[date] = mapped_column(index=True)
    due_date: Mapped[date] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(20), default=InspectionStatus.PLANNED)
    score: Mapped[Decimal | None] = mapped_column(POINTS)
    earned: Mapped[Decimal | None] = mapped_column(POINTS)
    possible: Mapped[Decimal | None] = mapped_column(POINTS)
    vetoed: Mapped[bool] = mapped_column(default=False)
    passed: Mapped[bool | None] = mapped_column()
    grade: Mapped[str] = mapped_column(sa.String(20), default="")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    submission_key: Mapped[str | None] = mapped_column(sa.String(64))
    # the id a client (the offline field app, another system) gave the inspection it made: a
    # retry of the same creation finds this one instead of making a second
    client_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")
    # an applicant's own assessment (creation): filled by its contact, counted in no ranking or statistics
    self_assessment: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    version: Mapped[TemplateVersion] = relationship()
    plan: Mapped[InspectionPlan | None] = relationship()
    village = relationship("Village")
    inspectors = relationship("User", secondary=inspection_inspector, order_by="User.id")
    answers: Mapped[list[Answer]] = relationship(back_populates="inspection")

    OPEN = OPEN  # still to be filled (hygiene/inspections/status.py)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def is_submitted(self) -> bool:
        """Submitted and waiting on the office's review."""
        return self.status == InspectionStatus.SUBMITTED

    @property
    def is_published(self) -> bool:
        return self.status == InspectionStatus.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.status == InspectionStatus.CANCELLED

    @property
    def status_label(self) -> str:
        return InspectionStatus.label_of(self.status)

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_date < today

    @property
    def is_sent_back(self) -> bool:
        """Open again after a submission: the office sent it back to be corrected."""
        return self.is_open and self.submitted_at is not None

    def __str__(self) -> str:
        return f"{self.target_label} {self.planned_date:%Y-%m-%d}"


keeps_version(Inspection.version_id)  # a version an inspection was filled with never changes


class Answer(Model):
    __tablename__ = "answer"
    __table_args__ = (sa.UniqueConstraint("inspection_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspection.id"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("template_item.id"), index=True)
    result: Mapped[str | None] = mapped_column(sa.String(10))   # pass | fail | na
    findings: Mapped[int] = mapped_column(default=0)
    grade: Mapped[Decimal | None] = mapped_column(POINTS)
    earned: Mapped[Decimal | None] = mapped_column(POINTS)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc, onupdate=now_utc)

    inspection: Mapped[Inspection] = relationship(back_populates="answers")
    item: Mapped[TemplateItem] = relationship()
