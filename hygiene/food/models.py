"""The food-safety registers: rural banquets (坝坝宴/农村集体聚餐) with their cook's health
certificate and the on-site check, food-unit workers' health certificates (健康证), and each
township's thresholds and reminder days."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model
from hygiene.food.status import BanquetStatus
from hygiene.places.models import Unit, Village

BANQUET_KINDS = ("wedding", "birthday", "new_house", "moving", "funeral", "other")  # §5.1's form
MEALS = ("lunch", "dinner")


class Banquet(Model):
    """One meal of a rural banquet, registered by its village (or the office) before the day."""

    __tablename__ = "food_banquet"
    __table_args__ = (sa.Index("ix_food_banquet_township_day", "township_id", "banquet_on"),
                      # one live banquet per village, host and day (a cancelled one leaves room)
                      sa.Index("uq_food_banquet_live", "village_id", "host_name", "banquet_on", unique=True,
                               sqlite_where=sa.text(f"status != '{BanquetStatus.CANCELLED.value}'"),
                               postgresql_where=sa.text(f"status != '{BanquetStatus.CANCELLED.value}'")))

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(12))                    # BANQUET_KINDS
    host_name: Mapped[str] = mapped_column(sa.String(40))
    host_phone: Mapped[str] = mapped_column(sa.String(20))
    banquet_on: Mapped[date] = mapped_column()
    meal: Mapped[str] = mapped_column(sa.String(8))                     # MEALS
    place: Mapped[str] = mapped_column(sa.String(200))
    tables: Mapped[int] = mapped_column()
    diners: Mapped[int] = mapped_column()
    cook_name: Mapped[str] = mapped_column(sa.String(40))
    cook_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    cook_cert_number: Mapped[str] = mapped_column(sa.String(40), default="")   # empty: none shown
    cook_cert_expires_on: Mapped[date | None] = mapped_column()
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    status: Mapped[str] = mapped_column(sa.String(12), default=BanquetStatus.REGISTERED, index=True)
    registered_on: Mapped[date] = mapped_column()
    # the office's on-site check (§5.1): when, by whom, the points that passed, the verdict
    checked_on: Mapped[date | None] = mapped_column()
    checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    check_passed: Mapped[bool | None] = mapped_column()
    check_points: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    check_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    closed_on: Mapped[date | None] = mapped_column()                    # held or cancelled on
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # one per form shown

    village: Mapped[Village] = relationship()

    def __str__(self) -> str:
        return f"{self.host_name} {self.banquet_on.isoformat()}"

    def audit_label(self) -> tuple[str, dict]:
        return "food_banquet", {"host": self.host_name, "day": self.banquet_on.isoformat()}


class HealthCertificate(Model):
    """A food-unit worker's health certificate, renewed yearly (a renewal edits the row)."""

    __tablename__ = "food_health_certificate"
    __table_args__ = (sa.UniqueConstraint("township_id", "number"),
                      sa.Index("ix_food_health_certificate_expiry", "township_id", "active", "expires_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    worker_name: Mapped[str] = mapped_column(sa.String(40))
    number: Mapped[str] = mapped_column(sa.String(40))
    issued_on: Mapped[date] = mapped_column()
    expires_on: Mapped[date] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True)                  # False: the worker left
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    unit: Mapped[Unit] = relationship()

    def __str__(self) -> str:
        return f"{self.worker_name} {self.number}"

    def audit_label(self) -> tuple[str, dict]:
        return "food_health_certificate", {"name": self.worker_name}


class FoodSettings(Model):
    """A township's own food-register rules (none: rules.yaml's defaults)."""

    __tablename__ = "food_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), unique=True)
    days_ahead: Mapped[int] = mapped_column()
    check_min_diners: Mapped[int] = mapped_column()
    remind_days: Mapped[int] = mapped_column()
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    def __str__(self) -> str:
        return "food-safety settings"

    def audit_label(self) -> tuple[str, dict]:
        return "food_settings", {}
