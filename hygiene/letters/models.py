"""A village's or a unit's target letter of a year (目标责任书), its targets, and the year-end
assessment written onto it (the measured actuals frozen per target, the score and the office's decision)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model
from hygiene.letters.status import LetterStatus, Outcome
from hygiene.places.models import Unit, Village

MONEY = sa.Numeric(12, 2)   # yuan
AMOUNT = sa.Numeric(12, 2)  # a target or an actual, in its kind's unit


def _subject_key(context) -> str:
    values = context.get_current_parameters()
    return TargetLetter.key_of(values["village_id"], values.get("unit_id"))


class TargetLetter(Model):
    """What the township and one village or unit (its subject) sign for one year; assessed once at
    the year's end. A unit's letter keeps the unit's village too, so the village scope rules hold."""

    __tablename__ = "target_letter"
    __table_args__ = (sa.UniqueConstraint("subject_key", "year"),
                      sa.Index("ix_target_letter_township_year", "township_id", "year"))

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"))
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)   # None: the village's own
    # key_of(): one letter per subject and year (filled from village_id and unit_id when not given)
    subject_key: Mapped[str] = mapped_column(sa.String(24), default=lambda context: _subject_key(context))
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
    # the village's or unit's contact read and acknowledged the letter (once)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    village: Mapped[Village] = relationship()
    unit: Mapped[Unit | None] = relationship()
    targets: Mapped[list[LetterTarget]] = relationship(order_by="LetterTarget.id", back_populates="letter")

    @staticmethod
    def key_of(village_id: int, unit_id: int | None) -> str:
        return f"unit:{unit_id}" if unit_id else f"village:{village_id}"

    @property
    def subject(self) -> str:
        """"unit" or "village": which target kinds the letter holds."""
        return "unit" if self.unit_id else "village"

    @property
    def subject_name(self) -> str:
        return self.unit.name if self.unit else self.village.name

    def __str__(self) -> str:
        return f"{self.year} {self.subject_name}"

    @property
    def outcome_label(self) -> str:
        return Outcome.label_of(self.outcome) if self.outcome else ""


class LetterTarget(Model):
    """One target of a letter; `actual` and `met` are written when the letter is assessed. While it
    is open, `measured` keeps the latest live measure and `measured_at` when it was taken
    (letters/measure.py: the board reads these instead of measuring the county)."""

    __tablename__ = "letter_target"
    __table_args__ = (sa.UniqueConstraint("letter_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("target_letter.id"))
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)   # a unit's letter's
    kind: Mapped[str] = mapped_column(sa.String(40))     # kinds.TARGET_KINDS
    target: Mapped[Decimal] = mapped_column(AMOUNT)
    actual: Mapped[Decimal | None] = mapped_column(AMOUNT)
    met: Mapped[bool | None] = mapped_column()
    measured: Mapped[Decimal | None] = mapped_column(AMOUNT)           # None: nothing to measure
    measured_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # None: not measured yet

    letter: Mapped[TargetLetter] = relationship(back_populates="targets")
