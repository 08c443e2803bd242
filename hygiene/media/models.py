"""The Photo: one picture attached to one record (an inspection item, an order's evidence or
re-inspection); its files are stored once by SHA-256 and shared (`store.py`)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model


class Photo(Model):
    """A photo of an inspection item, or a rectification order's evidence or re-inspection;
    the files are stored once by SHA-256 and shared."""

    __tablename__ = "photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspection.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rectification_order.id"), index=True)
    # a pest-control round's work record (hygiene/pests/rounds), purpose "round_work"
    round_work_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pest_round_work.id"), index=True)
    # a toilet's stage move (hygiene/toilets), purpose "toilet_stage"; a follow-up problem, "toilet_problem"
    toilet_event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("toilet_stage_event.id"), index=True)
    toilet_problem_id: Mapped[int | None] = mapped_column(sa.ForeignKey("toilet_problem.id"), index=True)
    # a signed target letter's scan (hygiene/letters), purpose "letter_scan"
    letter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("target_letter.id"), index=True)
    # a health-education activity (hygiene/education), purpose "education"
    education_activity_id: Mapped[int | None] = mapped_column(sa.ForeignKey("education_activity.id"), index=True)
    # a campaign task's completion (hygiene/campaigns), purpose "campaign_task"
    campaign_task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaign_task.id"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(20), default="inspection")  # | evidence | reinspection
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("template_item.id"))
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"))
    target_kind: Mapped[str] = mapped_column(sa.String(20))
    target_id: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    phash: Mapped[str] = mapped_column(sa.String(16))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    size_bytes: Mapped[int] = mapped_column()
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    gps_lat: Mapped[float | None] = mapped_column(sa.Float)
    gps_lon: Mapped[float | None] = mapped_column(sa.Float)
    flags: Mapped[list] = mapped_column(sa.JSON, default=list)
    # ids of the earlier photos this one repeats (same file, or same scene for another target)
    reuse_of: Mapped[list] = mapped_column(sa.JSON, default=list)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    # the id the uploading client gave this photo (one request per photo from the field app): a
    # resend after a lost answer finds this row instead of adding a second
    client_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True, index=True)

    __table_args__ = (sa.Index("ix_photo_township_uploaded", "township_id", "uploaded_at"),)
