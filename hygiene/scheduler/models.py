"""The record of each scheduled job's runs (table job_run)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hygiene.clock import UTCDateTime
from hygiene.extensions import Model


class JobRun(Model):
    """The heartbeat of one scheduled job: when it last ran, how it ended, how often it ran."""

    __tablename__ = "job_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(sa.String(60), unique=True)
    runs: Mapped[int] = mapped_column(default=0, server_default="0")
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[str] = mapped_column(sa.String(10), default="")
    last_result: Mapped[str] = mapped_column(sa.Text, default="")
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    worker: Mapped[str] = mapped_column(sa.String(80), default="")
    deaths: Mapped[int] = mapped_column(default=0, server_default="0")  # died runs in a row
    last_died_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # start of the last run that died
