"""The supplies ledger (药物领取登记): products the office holds and every movement of them."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model
from hygiene.places.models import Unit, Village

QUANTITY = sa.Numeric(18, 3)  # a thousandth of the unit (quantities.PLACES): kg to the gram


class PestProduct(Model):
    """A bait or insecticide of one township's office, with its stock in the office.

    `stock` is kept by the movements' conditional UPDATEs (services), so it never goes below
    zero even when two issues arrive at once."""

    __tablename__ = "pest_product"

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    active_ingredient: Mapped[str] = mapped_column(sa.String(200))
    registration_number: Mapped[str] = mapped_column(sa.String(40), default="")
    form: Mapped[str] = mapped_column(sa.String(30), default="")
    unit: Mapped[str] = mapped_column(sa.String(10))
    expiry: Mapped[date | None] = mapped_column(sa.Date)
    minimum_stock: Mapped[Decimal] = mapped_column(QUANTITY, default=Decimal(0))
    stock: Mapped[Decimal] = mapped_column(QUANTITY, default=Decimal(0))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    def __str__(self) -> str:
        return self.name


class SupplyMovement(Model):
    """One movement of a product: in (to the office), issue (to a village or unit), use, return."""

    __tablename__ = "supply_movement"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("pest_product.id"), index=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(sa.ForeignKey("village.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))            # supplies.KINDS
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)          # in the product's unit
    moved_on: Mapped[date] = mapped_column(sa.Date)
    taker_name: Mapped[str] = mapped_column(sa.String(40), default="")
    signature: Mapped[str] = mapped_column(sa.String(40), default="")  # the taker's typed name
    round_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pest_round.id"), index=True)  # a `use` in a round
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    form_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # once-only
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    product: Mapped[PestProduct] = relationship()
    village: Mapped[Village | None] = relationship()
    unit: Mapped[Unit | None] = relationship()


class PestSettings(Model):
    """The office's own pest-control reminder rules (one row per township; none: rules.yaml's
    defaults): the peak-season spray cadence and how many days before a round ends a village
    still behind is reminded."""

    __tablename__ = "pest_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), unique=True)
    spray_months: Mapped[list[int]] = mapped_column(sa.JSON)          # 1-12
    spray_every_days_min: Mapped[int] = mapped_column()
    spray_every_days_max: Mapped[int] = mapped_column()
    days_before_end: Mapped[int] = mapped_column()
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    def audit_label(self) -> tuple[str, dict]:
        """How the audit trail names it, in the reader's language (hygiene/audit/labels.py)."""
        return "pest_settings", {}

    def __str__(self) -> str:
        return "pest-control settings"
