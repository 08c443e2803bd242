"""Sending what is due: claim a batch, send each row through its channel, record each result.

What is guaranteed, per row. The claim is an atomic conditional UPDATE committed on its own,
so two dispatchers (two threads, two processes, two schedulers) never hold the same row; each
row's outcome is committed on its own, so a crash after row 5 does not resend rows 1-4.
A failure the channel reports before the message went out (no connection, a refusal, a
timeout before the message itself was sent) is retried with backoff: nothing was delivered.
A send whose outcome is unknown (the mail server fell silent after the whole message was sent:
it may have taken it) is recorded as unconfirmed and never sent again, so a slow server cannot
multiply a message; the row keeps `unconfirmed_at` and the error for a person to check.
The one duplicate window left: the channel has accepted a message and the process dies before
the row records `sent_at`. The claim then expires (a scheduler taking over from a dead one
frees it at once, `claims_release`) and the row is sent again, so there dispatch
errs towards a rare repeat rather than losing a message. E-mails carry a fixed Message-ID per
row, so a repeat can be recognised downstream.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, joinedload

from hygiene.extensions import db
from hygiene.notifications.channels import (
    Channel,
    DeliveryUnconfirmed,
    PermanentFailure,
    channels_from_config,
)
from hygiene.notifications.models import Notification

log = logging.getLogger(__name__)

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=6))
MAX_ATTEMPTS = len(BACKOFF) + 1  # the sixth failure gives up
CLAIM_TTL = timedelta(minutes=5)
CLAIM_MARGIN = timedelta(seconds=30)  # stop sending this long before our claims expire
SENT, FAILED, UNCONFIRMED = "sent", "failed", "unconfirmed"


@dataclass(frozen=True)
class DispatchResult:
    sent: int = 0
    failed: int = 0
    unconfirmed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.unconfirmed


def dispatch_due(
    *,
    now: datetime,
    worker_id: str,
    batch: int = 100,
    channels: Mapping[str, Channel] | None = None,
) -> DispatchResult:
    """Send the due notifications this worker can claim; returns how many were sent and failed.

    It works in a session of its own and commits the claim and each row's outcome itself, so it
    neither sees nor commits the caller's work.
    """
    channels = channels if channels is not None else channels_from_config(current_app.config)
    with Session(db.engine, expire_on_commit=False) as session:
        ids = _claim(session, now=now, worker_id=worker_id, batch=batch)
        rows = _load(session, ids) if ids else []
        return _send_all(session, rows, channels, now=now, worker_id=worker_id)


def _send_all(session: Session, rows: list[Notification], channels: Mapping[str, Channel], *,
              now: datetime, worker_id: str) -> DispatchResult:
    budget = (CLAIM_TTL - CLAIM_MARGIN).total_seconds()
    started, outcomes = time.monotonic(), {SENT: 0, FAILED: 0, UNCONFIRMED: 0}
    for position, row in enumerate(rows):
        if time.monotonic() - started > budget:
            _release(session, [r.id for r in rows[position:]], worker_id)
            break
        outcomes[_send_one(session, row, channels, now)] += 1
    return DispatchResult(sent=outcomes[SENT], failed=outcomes[FAILED],
                          unconfirmed=outcomes[UNCONFIRMED])


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(Notification.sent_at.is_(None), Notification.next_attempt_at <= now,
                   sa.or_(Notification.claimed_until.is_(None), Notification.claimed_until < now))


def _claim(session: Session, *, now: datetime, worker_id: str, batch: int) -> list[int]:
    """Mark up to `batch` due rows as ours until now + CLAIM_TTL and commit; returns their ids."""
    due = (sa.select(Notification.id).where(_claimable(now))
           .order_by(Notification.next_attempt_at, Notification.id).limit(batch))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)  # a second worker takes other rows, no wait
    # A materialised CTE picks the batch once; as a plain IN (subquery) PostgreSQL may rescan it
    # and, skipping the rows it has just locked, claim far more than `batch`.
    batch_cte = due.cte("due").prefix_with("MATERIALIZED", dialect="postgresql")
    # The claimable condition is repeated on the UPDATE itself: whatever the CTE saw, a row
    # another worker claimed meanwhile no longer matches (SQLite: one writer at a time;
    # PostgreSQL: the condition is re-checked on the locked row).
    claim = (sa.update(Notification).where(Notification.id.in_(sa.select(batch_cte.c.id)), _claimable(now))
             .values(claimed_by=worker_id, claimed_until=now + CLAIM_TTL)
             .returning(Notification.id))
    ids = sorted(session.scalars(claim, execution_options={"synchronize_session": False}))
    session.commit()
    return ids


def _load(session: Session, ids: list[int]) -> list[Notification]:
    """The claimed rows with their recipients, in one query."""
    rows = list(session.scalars(sa.select(Notification).options(joinedload(Notification.recipient))
                                .where(Notification.id.in_(ids)).order_by(Notification.id)))
    session.commit()  # no read snapshot held while sending (SQLite could not upgrade it later)
    return rows


def _send_one(session: Session, row: Notification, channels: Mapping[str, Channel], now: datetime) -> str:
    """Send one row and commit its outcome (SENT, FAILED or UNCONFIRMED); it touches this row only."""
    try:
        channel = channels.get(row.channel)
        if channel is None:
            raise PermanentFailure(f"channel {row.channel!r} is not enabled here")
        channel.send(row, row.recipient)
    except DeliveryUnconfirmed as error:  # perhaps delivered: sending again could duplicate it
        log.warning("notification %s via %s unconfirmed, not sent again: %s", row.id, row.channel, error)
        _record(session, row.id, attempts=row.attempts + 1, unconfirmed_at=now, next_attempt_at=None,
                last_error=f"{type(error).__name__}: {error}"[:2000], claimed_until=None)
        return UNCONFIRMED
    except Exception as error:  # any channel failure is this row's failure, never the batch's
        _record(session, row.id, **_failure(row, error, now))
        return FAILED
    # Accepted by the channel. Dying before this commit is the one at-least-once window.
    _record(session, row.id, sent_at=now, claimed_until=None)
    return SENT


def _failure(row: Notification, error: Exception, now: datetime) -> dict:
    attempts = row.attempts + 1
    give_up = isinstance(error, PermanentFailure) or attempts >= MAX_ATTEMPTS
    log.warning("notification %s via %s failed (attempt %d%s): %s", row.id, row.channel, attempts,
                ", giving up" if give_up else "", error)
    return {"attempts": attempts, "last_error": f"{type(error).__name__}: {error}"[:2000],
            "next_attempt_at": None if give_up else now + BACKOFF[attempts - 1],
            "gave_up_at": now if give_up else None, "claimed_until": None}


def _record(session: Session, row_id: int, **values) -> None:
    session.execute(sa.update(Notification).where(Notification.id == row_id).values(**values),
                    execution_options={"synchronize_session": False})
    session.commit()


def claims_release(*, workers: Collection[str], now: datetime) -> int:
    """Free the unsent rows the given (dead) workers still hold, so they go out at the next
    dispatch instead of when their claim expires; flushes, the caller commits. Returns how many."""
    released = db.session.execute(
        sa.update(Notification)
        .where(Notification.claimed_by.in_(sorted(workers)), Notification.sent_at.is_(None),
               Notification.claimed_until >= now)
        .values(claimed_by=None, claimed_until=None),
        execution_options={"synchronize_session": False})
    return released.rowcount  # type: ignore[attr-defined]  # DML gives a CursorResult


def _release(session: Session, ids: list[int], worker_id: str) -> None:
    """Give back claims we have no time left to honour, for the next run."""
    session.execute(sa.update(Notification)
                       .where(Notification.id.in_(ids), Notification.claimed_by == worker_id,
                              Notification.sent_at.is_(None))
                    .values(claimed_by=None, claimed_until=None),
                    execution_options={"synchronize_session": False})
    session.commit()
