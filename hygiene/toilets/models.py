"""Toilet renovation records: the year's task per village, household toilets, public toilet
projects, the stage history (photos hang on it, through hygiene/media), follow-up problems and
the yearly follow-up sample."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model
from hygiene.places.models import Household, Village
from hygiene.toilets.status import ProblemStatus, ToiletStage

MONEY = sa.Numeric(12, 2)  # yuan


class ToiletTask(Model):
    """What the county asks of one village for one year: household toilets to renovate and public
    toilets to repair by a deadline, and the subsidy per household toilet type."""

    __tablename__ = "toilet_task"
    __table_args__ = (sa.UniqueConstraint("village_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    year: Mapped[int] = mapped_column()
    household_quota: Mapped[int] = mapped_column(default=0)
    public_quota: Mapped[int] = mapped_column(default=0)
    deadline: Mapped[date] = mapped_column()
    # toilet type key (kinds.yaml) -> yuan per toilet, as text ("1000.00"); a type left out gets none
    subsidy_rates: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc, onupdate=now_utc)

    village: Mapped[Village] = relationship()

    def __str__(self) -> str:
        return f"{self.year} {self.village}"


class HouseholdToilet(Model):
    """One household's toilet renovation (一宅一厕: one per household, ever), from survey to subsidy.

    The household is the register's (its identity, never a typed name); each stage move leaves a
    ToiletStageEvent; acceptance is an inspection with the acceptance checklist."""

    __tablename__ = "household_toilet"
    __table_args__ = (sa.Index("ix_household_toilet_board", "township_id", "task_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("toilet_task.id"), index=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("household.id"), unique=True)
    toilet_type: Mapped[str | None] = mapped_column(sa.String(30))     # kinds.TOILET_TYPES, chosen at planning
    attached: Mapped[bool | None] = mapped_column()                     # 附建式 (inside) or 独立式
    demonstration: Mapped[bool] = mapped_column(default=False)          # 示范户
    stage: Mapped[str] = mapped_column(sa.String(12), default=ToiletStage.SURVEYED, index=True)
    stage_on: Mapped[date] = mapped_column()                            # the day of the latest move
    completed_on: Mapped[date | None] = mapped_column()
    accepted_on: Mapped[date | None] = mapped_column()
    acceptance_inspection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspection.id"))
    failed_reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # the latest failed acceptance
    reworks: Mapped[int] = mapped_column(default=0)
    subsidy_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    subsidy_paid_on: Mapped[date | None] = mapped_column()
    subsidy_paid_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # one per form shown

    task: Mapped[ToiletTask] = relationship()
    household: Mapped[Household] = relationship()
    village: Mapped[Village] = relationship()

    def __str__(self) -> str:
        return str(self.household)


class PublicToiletProject(Model):
    """A public toilet to repair or build, through the same stages and acceptance (no subsidy)."""

    __tablename__ = "public_toilet_project"

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("toilet_task.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    work: Mapped[str] = mapped_column(sa.String(10), default="repair")   # repair | new
    stage: Mapped[str] = mapped_column(sa.String(12), default=ToiletStage.SURVEYED, index=True)
    stage_on: Mapped[date] = mapped_column()
    completed_on: Mapped[date | None] = mapped_column()
    accepted_on: Mapped[date | None] = mapped_column()
    acceptance_inspection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspection.id"))
    failed_reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    reworks: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    task: Mapped[ToiletTask] = relationship()
    village: Mapped[Village] = relationship()

    def __str__(self) -> str:
        return self.name


class ToiletStageEvent(Model):
    """One stage move of a household toilet or a public toilet project: when, by whom, why; the
    stage's photos (the buried tank before it is covered, say) hang on it (Photo.toilet_event_id)."""

    __tablename__ = "toilet_stage_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    toilet_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household_toilet.id"), index=True)
    public_toilet_id: Mapped[int | None] = mapped_column(sa.ForeignKey("public_toilet_project.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(sa.String(12))
    to_stage: Mapped[str] = mapped_column(sa.String(12))
    happened_on: Mapped[date] = mapped_column()
    reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # a failed acceptance's reasons
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)


class ToiletProblem(Model):
    """A problem found after acceptance (回头看 or reported by the household), open until fixed."""

    __tablename__ = "toilet_problem"

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    toilet_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household_toilet.id"), index=True)
    public_toilet_id: Mapped[int | None] = mapped_column(sa.ForeignKey("public_toilet_project.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))                 # kinds.PROBLEM_KINDS
    status: Mapped[str] = mapped_column(sa.String(10), default=ProblemStatus.REPORTED, index=True)
    reported_on: Mapped[date] = mapped_column()
    fixed_on: Mapped[date | None] = mapped_column()
    source: Mapped[str] = mapped_column(sa.String(12), default="report")  # report | follow_up (the sample)
    sample_id: Mapped[int | None] = mapped_column(sa.ForeignKey("toilet_follow_up_sample.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    fix_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # fixes that did not hold, oldest first: {"fixed_on", "fix_note", "reopened_on", "reason", "photo_ids"}
    past_fixes: Mapped[list[dict]] = mapped_column(sa.JSON, default=list, server_default="[]")
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    def __str__(self) -> str:
        return f"{self.kind} #{self.id}"

    def audit_label(self) -> tuple[str, dict]:
        """How the trail names the problem, in the reader's language (problem_audit_labels.py)."""
        return "toilet_problem", {"id": self.id, "kind": self.kind}


class ToiletFollowUpSample(Model):
    """The yearly random sample of accepted toilets for the follow-up check: the population, the
    seed and what was chosen, so anyone can redraw it and get the same households."""

    __tablename__ = "toilet_follow_up_sample"
    __table_args__ = (sa.UniqueConstraint("township_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    year: Mapped[int] = mapped_column()
    seed: Mapped[str] = mapped_column(sa.String(64))
    population: Mapped[list[int]] = mapped_column(sa.JSON)   # toilet ids accepted before the draw
    chosen: Mapped[list[int]] = mapped_column(sa.JSON)
    drawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    def __str__(self) -> str:
        return f"{self.year}"

    def audit_label(self) -> tuple[str, dict]:
        return "toilet_follow_up_sample", {"year": self.year}
