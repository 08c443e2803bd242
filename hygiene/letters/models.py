"""A village's target letter of a year (目标责任书), its targets, and the year-end assessment
written onto it (the measured actuals frozen per target, the score and the office's decision)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model
from hygiene.letters.status import LetterStatus, Outcome
from hygiene.places.models import Village

MONEY = sa.Numeric(12, 2)   # yuan
AMOUNT = sa.Numeric(12, 2)  # a target or an actual, in its kind's unit


class TargetLetter(Model):
    """What the township and one village sign for one year; assessed once at the year's end."""

    __tablename__ = "target_letter"
    __table_args__ = (sa.UniqueConstraint("village_id", "year"),
                      sa.Index("ix_target_letter_township_year", "township_id", "year"))

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"))
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    year: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(12), default=LetterStatus.DRAFT)
    signed_on: Mapped[date | None] = mapped_column()
    signed_by_name: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    sign_key: Mapped[str | None] = mapped_column(sa.String(64))
    score: Mapped[Decimal | None] = mapped_column(AMOUNT)
    outcome: Mapped[str | None] = mapped_column(sa.String(12))
    amount: Mapped[Decimal | None] = mapped_column(MONEY)   # the reward (表扬) or the penalty (批评), yuan
    decision_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    assessed_on: Mapped[date | None] = mapped_column()
    assess_key: Mapped[str | None] = mapped_column(sa.String(64))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    village: Mapped[Village] = relationship()
    targets: Mapped[list[LetterTarget]] = relationship(order_by="LetterTarget.id", back_populates="letter")

    def __str__(self) -> str:
        return f"{self.year} {self.village}"

    @property
    def outcome_label(self) -> str:
        return Outcome.label_of(self.outcome) if self.outcome else ""


class LetterTarget(Model):
    """One target of a letter; `actual` and `met` are written when the letter is assessed."""

    __tablename__ = "letter_target"
    __table_args__ = (sa.UniqueConstraint("letter_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("target_letter.id"))
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))     # kinds.TARGET_KINDS
    target: Mapped[Decimal] = mapped_column(AMOUNT)
    actual: Mapped[Decimal | None] = mapped_column(AMOUNT)
    met: Mapped[bool | None] = mapped_column()

    letter: Mapped[TargetLetter] = relationship(back_populates="targets")
