"""The campaign calendar's records: the year's events (built in or the office's own), the
campaigns the office runs, their tasks per village or unit (photos hang on a task, through
hygiene/media), and the office's reminder settings."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hygiene.campaigns.status import CampaignStatus, TaskStatus
from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model
from hygiene.places.models import Unit, Village


class CampaignEvent(Model):
    """One event of a township's yearly calendar: a built-in one (`key` from calendar.yaml, made
    once per year) or the office's own (no key). Dates the office edited are never regenerated."""

    __tablename__ = "campaign_event"
    __table_args__ = (sa.UniqueConstraint("township_id", "year", "key"),
                      sa.Index("ix_campaign_event_township_year", "township_id", "year", "starts_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"))
    year: Mapped[int] = mapped_column()
    key: Mapped[str | None] = mapped_column(sa.String(40))         # calendar.yaml's key; None: the office's own
    name: Mapped[str] = mapped_column(sa.String(100))
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date] = mapped_column()
    edition: Mapped[int | None] = mapped_column()                   # the Hygiene Month's number
    holiday_on: Mapped[date | None] = mapped_column()               # a clean-up's holiday, first day off
    provisional: Mapped[bool] = mapped_column(default=False)        # holiday dates not yet official
    edited: Mapped[bool] = mapped_column(default=False)             # the office changed its dates
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # one per form shown

    def __str__(self) -> str:
        return self.name


class Campaign(Model):
    """A campaign the office runs (from a calendar event or on its own), with its tasks."""

    __tablename__ = "campaign"
    __table_args__ = (sa.Index("ix_campaign_township_dates", "township_id", "starts_on"),
                      # one campaign per township, title and start (a cancelled one leaves room)
                      sa.Index("uq_campaign_live", "township_id", "name", "starts_on", unique=True,
                               sqlite_where=sa.text(f"status != '{CampaignStatus.CANCELLED.value}'"),
                               postgresql_where=sa.text(f"status != '{CampaignStatus.CANCELLED.value}'")))

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"))
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaign_event.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date] = mapped_column()
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    status: Mapped[str] = mapped_column(sa.String(12), default=CampaignStatus.ACTIVE, index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # one per form shown

    event: Mapped[CampaignEvent | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status == CampaignStatus.ACTIVE

    @property
    def status_label(self) -> str:
        return CampaignStatus.label_of(self.status)

    def not_started(self, today: date) -> bool:
        """Under way on paper but its first day is still ahead: nothing is completed before it."""
        return self.is_active and self.starts_on > today

    def state_label(self, today: date) -> str:
        """The status as people read it: an active campaign that has not begun says so."""
        if self.not_started(today):
            return str(CampaignStatus.not_started_label())
        return self.status_label

    def __str__(self) -> str:
        return self.name


class CampaignTask(Model):
    """What one village or unit must do for a campaign by a date (大扫除, the notice board
    updated), and how it was done: the date, a note, photos (Photo.campaign_task_id)."""

    __tablename__ = "campaign_task"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "place_key", "title"),
                      sa.Index("ix_campaign_task_board", "campaign_id", "status", "due_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"))
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)   # a unit's village too
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    # "village:<id>" or "unit:<id>": unique per campaign and title whatever the database does with NULLs
    place_key: Mapped[str] = mapped_column(sa.String(30))
    title: Mapped[str] = mapped_column(sa.String(100))
    due_on: Mapped[date] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(8), default=TaskStatus.OPEN)
    done_on: Mapped[date | None] = mapped_column()
    done_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_key: Mapped[str | None] = mapped_column(sa.String(64))     # the completing form's key (core/once)
    reopened: Mapped[int] = mapped_column(default=0)
    reopen_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # each earlier completion the office sent back: done_on, note, photo ids, when and why reopened
    history: Mapped[list[dict] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    campaign: Mapped[Campaign] = relationship()
    village: Mapped[Village] = relationship()
    unit: Mapped[Unit | None] = relationship()

    @staticmethod
    def key_of(village_id: int, unit_id: int | None) -> str:
        return f"unit:{unit_id}" if unit_id else f"village:{village_id}"

    @property
    def place_name(self) -> str:
        return str(self.unit or self.village)

    @property
    def is_done(self) -> bool:
        return self.status == TaskStatus.DONE

    @property
    def is_sent_back(self) -> bool:
        """Open again because the office reopened it (its contact sees why)."""
        return self.status == TaskStatus.OPEN and self.reopened > 0

    @property
    def earlier_completions(self) -> list[dict]:
        return list(self.history or [])

    def is_late(self, today: date) -> bool:
        """Open past its due date."""
        return self.status == TaskStatus.OPEN and self.due_on < today

    def __str__(self) -> str:
        return f"{self.title} · {self.place_name}"


class CampaignPlaceCount(Model):
    """A campaign's tasks of one village or unit due on one day, and how many are done: what the
    board reads (late: the open ones due before today, derived when read). Derived from the tasks
    alone, by counts.refresh in the transaction of every task written, or counts.rebuild."""

    __tablename__ = "campaign_place_count"
    # the board reads a campaign's rows from this index alone (PostgreSQL: index-only; SQLite: covering)
    __table_args__ = (sa.Index("ix_campaign_place_count_board", "campaign_id", "village_id", "unit_id", "due_on",
                               "tasks", "done", "township_id"),)

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), primary_key=True)
    place_key: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    due_on: Mapped[date] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("village.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    tasks: Mapped[int] = mapped_column()
    done: Mapped[int] = mapped_column()


class CampaignSettings(Model):
    """The office's reminder days (one row per township; none: calendar.yaml's defaults)."""

    __tablename__ = "campaign_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), unique=True)
    days_before_start: Mapped[int] = mapped_column()
    days_before_due: Mapped[int] = mapped_column()
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    def audit_label(self) -> tuple[str, dict]:
        return "campaign_settings", {}

    def __str__(self) -> str:
        return "campaign settings"
