"""Control rounds: the round the office plans, its targets (villages and units), the work each
target records (with photos, through hygiene/media), and the households that refused."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model
from hygiene.pests.models import QUANTITY, PestProduct
from hygiene.pests.rounds.status import RoundStatus, WorkKind
from hygiene.places.models import Unit, Village

AREA = sa.Numeric(14, 2)

# what a round controls: the four pests of hygiene/pests/words.PEST_LABELS, or snails (灭螺),
# whose rounds are measured by area (有螺面积, mu or m2) rather than households
ROUND_PESTS = ("rodent", "mosquito", "fly", "cockroach", "snail")
SEASONS = ("spring", "summer", "autumn", "winter")
# the unified rules (五统一: 统一组织、统一时间、统一方法、统一药物、统一标准)
UNIFIED_RULES = ("organisation", "time", "method", "product", "standard")
AREA_UNITS = ("mu", "m2")
# why a household was not covered; `other` needs a note
REFUSAL_REASONS = ("refused", "absent", "no_access", "livestock_or_children", "other")


class PestRound(Model):
    """One control round of one township: what, when, how, with what, where (its targets)."""

    __tablename__ = "pest_round"
    __table_args__ = (sa.Index("ix_pest_round_township_dates", "township_id", "starts_on", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    pests: Mapped[list[str]] = mapped_column(sa.JSON)            # keys of ROUND_PESTS; snail alone
    season: Mapped[str] = mapped_column(sa.String(10))            # SEASONS
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date] = mapped_column()
    method: Mapped[str] = mapped_column(sa.String(300), default="")
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pest_product.id"))
    dose: Mapped[str] = mapped_column(sa.String(200), default="")  # e.g. 每户2-3堆，每堆10克
    unified_rules: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # keys of UNIFIED_RULES
    coverage_goal: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal(95))  # percent
    status: Mapped[str] = mapped_column(sa.String(12), default=RoundStatus.PLANNED, index=True)
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # one per form shown

    product: Mapped[PestProduct | None] = relationship()
    targets: Mapped[list[RoundTarget]] = relationship(back_populates="round", order_by="RoundTarget.id")

    @property
    def by_area(self) -> bool:
        """A snail round counts area treated, not households covered."""
        return "snail" in self.pests

    def __str__(self) -> str:
        return self.name


class RoundTarget(Model):
    """A village or a unit a round reaches, with what it must cover: households (a village) or
    places (a unit) or, for a snail round, the snail habitat area."""

    __tablename__ = "pest_round_target"
    __table_args__ = (sa.UniqueConstraint("round_id", "place_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("pest_round.id"), index=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)  # a unit's village too
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    # "village:<id>" or "unit:<id>": unique per round whatever the database does with NULLs
    place_key: Mapped[str] = mapped_column(sa.String(30))
    households_target: Mapped[int | None] = mapped_column()       # households (or places) to cover
    area_target: Mapped[Decimal | None] = mapped_column(AREA)     # snail habitat (有螺面积)
    area_unit: Mapped[str | None] = mapped_column(sa.String(4))   # AREA_UNITS
    # What the target's work and refusals add up to, kept by totals.refresh in the transaction of
    # every write to them, so each board reads its coverage without summing the work
    households_covered: Mapped[int] = mapped_column(default=0, server_default="0")
    area_covered: Mapped[Decimal] = mapped_column(AREA, default=0, server_default="0")
    works: Mapped[int] = mapped_column(default=0, server_default="0")
    mop_ups: Mapped[int] = mapped_column(default=0, server_default="0")
    open_refusals: Mapped[int] = mapped_column(default=0, server_default="0")
    last_done_on: Mapped[date | None] = mapped_column()

    round: Mapped[PestRound] = relationship(back_populates="targets")
    village: Mapped[Village] = relationship()
    unit: Mapped[Unit | None] = relationship()

    @staticmethod
    def key_of(village_id: int, unit_id: int | None) -> str:
        return f"unit:{unit_id}" if unit_id else f"village:{village_id}"

    def __str__(self) -> str:
        return str(self.unit or self.village)


class RoundWork(Model):
    """What a target did on one day: its work or a mop-up, how much it covered, what it used
    (a `use` movement in the supplies ledger, `movement_id`), who did it; photos hang on it."""

    __tablename__ = "pest_round_work"
    __table_args__ = (sa.Index("ix_pest_round_work_round_target", "round_id", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("pest_round.id"))
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("pest_round_target.id"), index=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(12), default=WorkKind.COMPLETION)
    done_on: Mapped[date] = mapped_column()
    households_covered: Mapped[int | None] = mapped_column()
    area_covered: Mapped[Decimal | None] = mapped_column(AREA)      # sprayed, or snail area treated
    baits_placed: Mapped[int | None] = mapped_column()              # piles (堆) or bait stations
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pest_product.id"))
    quantity_used: Mapped[Decimal | None] = mapped_column(QUANTITY)  # in the product's unit
    movement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("supply_movement.id"))
    done_by: Mapped[str] = mapped_column(sa.String(100), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # one per form shown

    target: Mapped[RoundTarget] = relationship()
    product: Mapped[PestProduct | None] = relationship()

    def __str__(self) -> str:
        return f"{self.done_on} {self.kind}"


class RoundRefusal(Model):
    """A household a target could not cover, and why; a later mop-up that covered it resolves it."""

    __tablename__ = "pest_round_refusal"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("pest_round.id"), index=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("pest_round_target.id"), index=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    work_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pest_round_work.id"))
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household.id"))
    household_name: Mapped[str] = mapped_column(sa.String(60))     # as typed, or the register's name
    reason: Mapped[str] = mapped_column(sa.String(24))              # REFUSAL_REASONS
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    resolved_by_work_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pest_round_work.id"))
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    def __str__(self) -> str:
        return f"{self.household_name} ({self.reason})"
