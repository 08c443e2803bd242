"""Checklist templates and their immutable versions, sections and items."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model

POINTS = sa.Numeric(7, 2)

# the columns of other domains' records that keep the version they were filled with (an
# inspection's version_id, ...): a version one of them uses is never changed (queries.version_uses)
_VERSION_KEEPERS: list[Any] = []


def keeps_version(column: Any) -> None:
    """Declare a column (`Inspection.version_id`) that keeps a TemplateVersion id; called by its domain."""
    if column not in _VERSION_KEEPERS:
        _VERSION_KEEPERS.append(column)


def version_keepers() -> list[Any]:
    return list(_VERSION_KEEPERS)


class ChecklistTemplate(Model):
    """A named checklist; what it asks lives in its versions, the newest being current."""

    __tablename__ = "checklist_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    applies_to: Mapped[str] = mapped_column(sa.String(20))
    unit_categories: Mapped[list] = mapped_column(sa.JSON, default=list)
    township_id: Mapped[int | None] = mapped_column(sa.ForeignKey("township.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    versions: Mapped[list[TemplateVersion]] = relationship(
        back_populates="template", order_by="TemplateVersion.number")

    def __str__(self) -> str:
        return self.name


class TemplateVersion(Model):
    """One immutable version of a template: once an inspection uses it, it never changes."""

    __tablename__ = "template_version"
    __table_args__ = (sa.UniqueConstraint("template_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(sa.ForeignKey("checklist_template.id"), index=True)
    number: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(sa.String(120))
    pass_mark: Mapped[Decimal] = mapped_column(POINTS)
    bands: Mapped[list] = mapped_column(sa.JSON, default=list)
    total_points: Mapped[Decimal] = mapped_column(POINTS)
    draft: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(sa.String(300), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    template: Mapped[ChecklistTemplate] = relationship(back_populates="versions")
    sections: Mapped[list[TemplateSection]] = relationship(
        order_by="TemplateSection.position", cascade="all, delete-orphan")
    items: Mapped[list[TemplateItem]] = relationship(
        order_by="TemplateItem.position", cascade="all, delete-orphan", viewonly=False)

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"


class TemplateSection(Model):
    __tablename__ = "template_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("template_version.id"), index=True)
    position: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(120))

    items: Mapped[list[TemplateItem]] = relationship(
        order_by="TemplateItem.position", back_populates="section", overlaps="items")


class TemplateItem(Model):
    __tablename__ = "template_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("template_version.id"), index=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("template_section.id"), index=True)
    position: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(sa.String(300))
    points: Mapped[Decimal] = mapped_column(POINTS)
    scoring: Mapped[str] = mapped_column(sa.String(20), default="pass_fail")
    deduction_step: Mapped[Decimal | None] = mapped_column(POINTS)
    veto: Mapped[bool] = mapped_column(default=False)
    photo_on_fail: Mapped[bool] = mapped_column(default=False)
    guidance: Mapped[str] = mapped_column(sa.Text, default="")
    severity: Mapped[str] = mapped_column(sa.String(20), default="normal")

    section: Mapped[TemplateSection] = relationship(back_populates="items", overlaps="items")
