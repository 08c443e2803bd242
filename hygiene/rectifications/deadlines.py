"""Provisional deadlines made final once the official calendar knows their year.

An order issued before the State Council publishes a year's holidays counts its deadline by the
law's rule (workdays.py) and is marked provisional. The daily job below recomputes those whose
years a newer `chinesecalendar` now knows, audits each change and tells the township's office,
in one message per township, which orders moved. It commits nothing itself (the job run does,
once), and a recomputed order is provisional no more, so a second run finds nothing to say.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hygiene.audit.services import audit_record
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.notifications.services import NotifySpec, notify_many
from hygiene.rectifications.models import RectificationOrder
from hygiene.rectifications.reminders import admins_by_township
from hygiene.rectifications.workdays import Deadline, deadline_after, moved_to_working_day


def recompute_provisional(*, now: datetime) -> dict[str, int]:
    """Recompute every provisional deadline the official calendar can now settle."""
    today, settled, moved = local_today(now), 0, []
    # locked (PostgreSQL) so an office changing a deadline meanwhile waits instead of being undone
    for order in db.session.scalars(sa.select(RectificationOrder).where(
            RectificationOrder.deadline_provisional.is_(True)).order_by(RectificationOrder.id)
            .with_for_update()):
        recomputed = recounted(order)
        if recomputed.provisional:
            continue  # its year is still unpublished
        before = order.deadline
        order.deadline, order.deadline_provisional = recomputed.day, False
        if order.overdue_at is not None and order.deadline >= today:
            order.overdue_at = None  # the official calendar gave it more time
        audit_record(actor_id=None, action="update", record=order, township_id=order.township_id,
                     before={"deadline": before.isoformat(), "deadline_provisional": True},
                     after={"deadline": order.deadline.isoformat(), "deadline_provisional": False})
        settled += 1
        if order.deadline != before:
            moved.append((order, before))
    notify_many(_office_notices(moved, now))
    return {"deadlines_settled": settled, "deadlines_moved": len(moved)}


def recounted(order: RectificationOrder) -> Deadline:
    """The order's deadline counted again by today's calendar, the way it was first counted."""
    if order.deadline_working_days is None:  # a date the office chose: only moved off a day off
        return moved_to_working_day(order.deadline)
    return deadline_after(order.issued_on, order.deadline_working_days)


def _office_notices(moved: list[tuple[RectificationOrder, date]], now: datetime) -> Iterable[NotifySpec]:
    """One message per township to its admins, listing each moved order with old and new date."""
    by_township: dict[int, list[tuple[RectificationOrder, date]]] = {}
    for order, before in moved:
        by_township.setdefault(order.township_id, []).append((order, before))
    admins = admins_by_township(set(by_township))
    for township_id, orders in by_township.items():
        lines = "\n".join(f"{order.display_number} {order.target_label}: {before.isoformat()} → "
                          f"{order.deadline.isoformat()}" for order, before in orders)
        ids = ",".join(str(order.id) for order, _before in orders)
        key = hashlib.sha256(ids.encode()).hexdigest()[:16]  # the same moves: the same message
        for admin in admins.get(township_id, []):
            yield NotifySpec(
                recipient=admin, kind="deadlines_moved", send_after=now, link="/orders/",
                subject=_l("%(n)d rectification deadlines moved with the official holiday calendar",
                           n=len(orders)),
                body=_l("The official holidays of the year are now published; these deadlines "
                        "were provisional and have been recomputed:\n%(lines)s", lines=lines),
                dedupe_key=f"{township_id}:{key}")
