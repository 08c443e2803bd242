"""Rectification orders (限期整改通知书): items, evidence, re-inspection, follow-ups."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hygiene.checklists.models import POINTS
from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model
from hygiene.rectifications.status import OPEN, OrderStatus

_OPEN_SQL = "status IN ({})".format(", ".join(f"'{s.value}'" for s in OPEN))


class RectificationOrder(Model):
    __tablename__ = "rectification_order"
    __table_args__ = (
        sa.UniqueConstraint("township_id", "year", "number"),
        sa.Index("ix_rectification_order_open_deadline", "status", "deadline"),
        sa.Index("ix_rectification_order_ranking", "township_id", "deadline", "target_kind",
                 "village_id", "unit_id", "status", "overdue_at"),
        # the order list's own order (open first, then by deadline): its first page is read from
        # here instead of sorting every order of the county (bench/dashboard.py); the expression
        # must stay the one order_list_stmt sorts by
        sa.Index("ix_rectification_order_list", sa.text(f"({_OPEN_SQL}) DESC"), "deadline", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    target_kind: Mapped[str] = mapped_column(sa.String(20))
    target_id: Mapped[int] = mapped_column()
    target_label: Mapped[str] = mapped_column(sa.String(200))
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspection.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rectification_order.id"))
    year: Mapped[int] = mapped_column()
    number: Mapped[int] = mapped_column()
    token: Mapped[str] = mapped_column(sa.String(16), unique=True)
    issued_on: Mapped[date] = mapped_column()
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    deadline: Mapped[date] = mapped_column()
    # counted through a year whose official holidays are not published: recomputed when they are
    deadline_provisional: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # the working days the deadline counts from issued_on; None when the office set the date
    deadline_working_days: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(24), default=OrderStatus.ISSUED)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    evidence_note: Mapped[str] = mapped_column(sa.Text, default="")
    evidence_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    evidence_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    evidence_key: Mapped[str | None] = mapped_column(sa.String(64))  # once-only, as submission_key
    reinspected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reinspected_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    reinspection_passed: Mapped[bool | None] = mapped_column()
    reinspection_note: Mapped[str] = mapped_column(sa.Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    items: Mapped[list[OrderItem]] = relationship(order_by="OrderItem.id", back_populates="order")
    parent: Mapped[RectificationOrder | None] = relationship(remote_side=[id])
    inspection = relationship("Inspection")
    village = relationship("Village")
    issued_by = relationship("User", foreign_keys=[issued_by_id])

    OPEN = OPEN  # waiting on the recipient or the re-inspection (hygiene/rectifications/status.py)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def is_withdrawn(self) -> bool:
        return self.status == OrderStatus.WITHDRAWN

    @property
    def status_label(self) -> str:
        return OrderStatus.label_of(self.status)

    def is_overdue(self, today: date) -> bool:
        """Past the deadline with no fix reported (a reported fix waits on the inspector)."""
        return self.status == OrderStatus.ISSUED and self.deadline < today

    def was_closed_late(self, today: date) -> bool:
        """Closed after it had gone overdue (the list marks it late)."""
        return self.overdue_at is not None and self.status == OrderStatus.CLOSED and not self.is_overdue(today)

    @classmethod
    def overdue_clause(cls, today: date) -> sa.ColumnElement[bool]:
        """The same rule as is_overdue, for queries."""
        return sa.and_(cls.status == OrderStatus.ISSUED, cls.deadline < today)

    @property
    def display_number(self) -> str:
        return f"〔{self.year}〕第{self.number}号"

    def __str__(self) -> str:
        return f"{self.display_number} {self.target_label}"


class OrderItem(Model):
    """One failed checklist item the order asks to put right."""

    __tablename__ = "rectification_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("rectification_order.id"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("template_item.id"))
    text: Mapped[str] = mapped_column(sa.String(300))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    points_lost: Mapped[Decimal] = mapped_column(POINTS)
    severity: Mapped[str] = mapped_column(sa.String(20))

    order: Mapped[RectificationOrder] = relationship(back_populates="items")
