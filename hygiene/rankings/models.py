"""Ranking settings per township, and published rankings: snapshots that never change."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model


class RankingSettings(Model):
    __tablename__ = "ranking_settings"

    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), primary_key=True)
    weights: Mapped[dict] = mapped_column(sa.JSON)        # component key -> weight (as text)
    min_inspections: Mapped[int] = mapped_column(default=2)
    list_size: Mapped[int] = mapped_column(default=3)       # names on the red and the black list
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    def __str__(self) -> str:
        return f"ranking settings of township {self.township_id}"

    def audit_label(self) -> tuple[str, dict]:
        """How the audit trail names it, in the reader's language (hygiene/audit/labels.py)."""
        return "ranking_settings", {}


class RankingPublication(Model):
    """A frozen ranking of one period; a correction is a new publication that names this one."""

    __tablename__ = "ranking_publication"
    __table_args__ = (sa.Index("ix_ranking_publication_lookup", "township_id", "subject", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"))
    subject: Mapped[str] = mapped_column(sa.String(40))     # "villages" or "units:<category>"
    period_key: Mapped[str] = mapped_column(sa.String(10))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ranking_publication.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    weights: Mapped[dict] = mapped_column(sa.JSON)
    min_inspections: Mapped[int] = mapped_column()
    rows: Mapped[list] = mapped_column(sa.JSON)             # rank, id, name, score, components, ...
    red_list: Mapped[list] = mapped_column(sa.JSON)
    black_list: Mapped[list] = mapped_column(sa.JSON)
    overdue_orders: Mapped[list] = mapped_column(sa.JSON)

    def __str__(self) -> str:
        return f"ranking {self.subject} {self.period_key}"

    def audit_label(self) -> tuple[str, dict]:
        """How the audit trail names it, in the reader's language (hygiene/audit/labels.py)."""
        return "ranking_publication", {"subject": self.subject, "period": self.period_key}


class PublicPage(Model):
    """A public page as served, kept once for every process: valid while its generation is current.

    The generation is the highest publication id the page was rendered from (of its township, or
    of all townships for the index); any new publication there makes the page stale at once.
    """

    __tablename__ = "public_page"

    path: Mapped[str] = mapped_column(sa.String(300), primary_key=True)   # as requested, with its query
    locale: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    township_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("township.id", ondelete="CASCADE"), index=True)   # None: the index of townships
    generation: Mapped[int] = mapped_column()
    body: Mapped[bytes] = mapped_column(sa.LargeBinary)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
