"""The background exports (table export_task): who asked for what, how far it got, where the file is."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hygiene.clock import UTCDateTime
from hygiene.exports.status import TaskStatus
from hygiene.extensions import Model


class ExportTask(Model):
    """One export asked for by one user; run once by the runner, its file kept for a few days.

    `pending_key` (the user, the kind and the parameters) is set while the task is queued or
    running and cleared when it ends: the unique index makes a double-tapped "Export" find the
    task already asked for instead of starting a second one.
    """

    __tablename__ = "export_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    params: Mapped[dict] = mapped_column(sa.JSON)
    pending_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    status: Mapped[str] = mapped_column(sa.String(10), default=TaskStatus.QUEUED, index=True)
    total: Mapped[int] = mapped_column(default=0)  # rows expected, counted when asked
    progress: Mapped[int] = mapped_column(default=0)  # rows written so far
    attempts: Mapped[int] = mapped_column(default=0)
    worker: Mapped[str] = mapped_column(sa.String(80), default="")
    file_name: Mapped[str] = mapped_column(sa.String(200), default="")  # the Chinese name, no extension
    ascii_name: Mapped[str] = mapped_column(sa.String(200), default="")
    result_path: Mapped[str] = mapped_column(sa.String(200), default="")  # under <instance>/exports
    error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_done(self) -> bool:
        return self.status == TaskStatus.DONE

    @property
    def is_failed(self) -> bool:
        return self.status == TaskStatus.FAILED

    @property
    def is_finished(self) -> bool:
        return TaskStatus(self.status).finished

    @property
    def status_label(self) -> str:
        return TaskStatus.label_of(self.status)

    @property
    def percent(self) -> int:
        if self.status == TaskStatus.DONE:
            return 100
        return min(99, 100 * self.progress // self.total) if self.total else 0
