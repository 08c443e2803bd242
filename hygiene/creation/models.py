"""Creation records: the township's yearly targets per kind and level, and the applications of
villages and units, which become named titles when the county names them."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hygiene.clock import UTCDateTime, now_utc
from hygiene.creation.status import CreationStatus
from hygiene.extensions import Model
from hygiene.places.models import Unit, Village

MONEY = sa.Numeric(12, 2)  # yuan


class CreationTarget(Model):
    """How many titles of one kind and level the township means to earn in a year, and the reward
    the office pays per title of that level (its setting, defaults from kinds.yaml)."""

    __tablename__ = "creation_target"
    __table_args__ = (sa.UniqueConstraint("township_id", "year", "kind", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    year: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(sa.String(30))      # kinds.yaml
    level: Mapped[str] = mapped_column(sa.String(20))
    target: Mapped[int] = mapped_column(default=0)
    reward: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc, onupdate=now_utc)

    def __str__(self) -> str:
        return f"{self.year} {self.kind}/{self.level}"


class CreationApplication(Model):
    """A village's or unit's application for a title, from application to naming, and the title
    it becomes: its re-review, revocation and the reward paid once."""

    __tablename__ = "creation_application"
    __table_args__ = (sa.Index("ix_creation_application_board", "township_id", "year", "kind", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)   # a unit's application
    kind: Mapped[str] = mapped_column(sa.String(30))
    level: Mapped[str] = mapped_column(sa.String(20))
    year: Mapped[int] = mapped_column()                   # the creation year it counts for
    status: Mapped[str] = mapped_column(sa.String(14), default=CreationStatus.APPLIED, index=True)
    applied_on: Mapped[date] = mapped_column()
    self_score: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 1))
    self_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    self_assessed_on: Mapped[date | None] = mapped_column()
    self_inspection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspection.id"), unique=True)
    review_inspection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspection.id"), unique=True)
    reviewed_on: Mapped[date | None] = mapped_column()
    submitted_on: Mapped[date | None] = mapped_column()
    accepted_on: Mapped[date | None] = mapped_column()    # the county's acceptance check (验收)
    named_on: Mapped[date | None] = mapped_column()       # 命名
    document: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")  # the naming document
    review_due_on: Mapped[date | None] = mapped_column()  # 复审: named_on (or re-named) + the level's cycle
    rereviewed_on: Mapped[date | None] = mapped_column()
    closed_on: Mapped[date | None] = mapped_column()      # rejected or revoked
    reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    reward_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    reward_paid_on: Mapped[date | None] = mapped_column()
    reward_paid_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    # "v<village id>:<kind>:<level>" or "u<unit id>:..." while the application is open or the title
    # stands, cleared when rejected or revoked: one at a time per applicant and title, even when
    # two phones apply at the same moment
    standing_key: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)   # the application form's
    step_key: Mapped[str | None] = mapped_column(sa.String(64))                    # the latest step's form

    village: Mapped[Village] = relationship()
    unit: Mapped[Unit | None] = relationship()

    @property
    def applicant_name(self) -> str:
        return self.unit.name if self.unit is not None else self.village.name

    def __str__(self) -> str:
        return f"{self.applicant_name} {self.kind}/{self.level} {self.year}"
