"""The register: townships, villages and communities, units, households and cleaners."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model


class RegisterRecord:
    """Columns every register record has: an active flag and creation/update times."""

    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc, onupdate=now_utc)


class Township(RegisterRecord, Model):
    __tablename__ = "township"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20), default="township")  # township | street
    contact_name: Mapped[str] = mapped_column(sa.String(40), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(20), default="")

    villages: Mapped[list[Village]] = relationship(back_populates="township")

    @property
    def township_id(self) -> int:
        return self.id

    def __str__(self) -> str:
        return self.name


class Village(RegisterRecord, Model):
    __tablename__ = "village"
    __table_args__ = (sa.UniqueConstraint("township_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    kind: Mapped[str] = mapped_column(sa.String(20), default="village")  # village | community
    contact_name: Mapped[str] = mapped_column(sa.String(40), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(20), default="")

    township: Mapped[Township] = relationship(back_populates="villages")

    def __str__(self) -> str:
        return self.name


class VillageRecord(RegisterRecord):
    """A register record that belongs to one village."""

    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    if TYPE_CHECKING:
        village: Mapped[Village]  # each subclass maps its own relationship

    @property
    def township_id(self) -> int:
        return self.village.township_id


class Unit(VillageRecord, Model):
    __tablename__ = "unit"
    __table_args__ = (sa.UniqueConstraint("village_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    category: Mapped[str] = mapped_column(sa.String(30), index=True)
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(40), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(20), default="")

    village: Mapped[Village] = relationship()

    def __str__(self) -> str:
        return self.name


class Household(VillageRecord, Model):
    __tablename__ = "household"
    __table_args__ = (sa.UniqueConstraint("village_id", "group_name", "head_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_name: Mapped[str] = mapped_column(sa.String(30), default="")
    head_name: Mapped[str] = mapped_column(sa.String(40))
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    address: Mapped[str] = mapped_column(sa.String(200), default="")

    village: Mapped[Village] = relationship()

    @property
    def name(self) -> str:
        return self.head_name

    def __str__(self) -> str:
        return f"{self.group_name} {self.head_name}".strip()


class Cleaner(VillageRecord, Model):
    __tablename__ = "cleaner"
    __table_args__ = (sa.UniqueConstraint("village_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40))
    section: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(20), default="")

    village: Mapped[Village] = relationship()

    def __str__(self) -> str:
        return self.name
