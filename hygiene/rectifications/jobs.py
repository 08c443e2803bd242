"""The rectification sweeps the scheduler runs: reminders, overdue marking and escalation.

Each sweep is idempotent: reminders carry a dedupe key per order, occasion and deadline, and
an order is marked overdue (and escalated) once, so running a sweep twice sends nothing twice.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from hygiene.accounts.models import Role, User
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.notifications.services import notify
from hygiene.rectifications.models import OPEN_STATUSES, RectificationOrder
from hygiene.rectifications.services import responsible_users

REMIND_DAYS_BEFORE = (3, 1)


def scan_deadlines(*, now: datetime) -> str:
    """Remind recipients 3 days and 1 day before a deadline; mark and escalate what is overdue."""
    today = local_today(now)
    reminded = sum(_remind(order, now, (order.deadline - today).days)
                   for order in _due_in(today, REMIND_DAYS_BEFORE))
    overdue = _mark_overdue(now, today)
    admins = _township_admins({o.township_id for o in overdue})
    for order in overdue:
        for admin in admins.get(order.township_id, []):
            _escalate(order, admin, now)
    return f"{reminded} reminders, {len(overdue)} newly overdue"


def _due_in(today, days: tuple[int, ...]) -> list[RectificationOrder]:
    dates = [today + timedelta(days=n) for n in days]
    return list(db.session.scalars(sa.select(RectificationOrder).where(
        RectificationOrder.status.in_(OPEN_STATUSES), RectificationOrder.deadline.in_(dates))))


def _remind(order: RectificationOrder, now: datetime, days_before: int) -> int:
    users = responsible_users(order)
    for user in users:
        notify(recipient=user, kind="order_due", send_after=now,
               subject=_("Rectification due %(date)s: %(number)s", date=order.deadline.isoformat(),
                         number=order.display_number),
               body=_("%(target)s must put right %(n)d item(s) by %(date)s.", target=order.target_label,
                      n=len(order.items), date=order.deadline.isoformat()),
               link=f"/orders/{order.id}",
               dedupe_key=f"{order.id}:{order.deadline.isoformat()}:{days_before}")
    return len(users)


def _mark_overdue(now: datetime, today) -> list[RectificationOrder]:
    """Mark orders past their deadline without a reported fix as overdue, once; return those."""
    stmt = sa.select(RectificationOrder).where(
        RectificationOrder.overdue_clause(today), RectificationOrder.overdue_at.is_(None))
    orders = list(db.session.scalars(stmt.with_for_update(skip_locked=True)))
    for order in orders:
        order.overdue_at = order.escalated_at = now
    return orders


def _township_admins(township_ids: set[int]) -> dict[int, list[User]]:
    admins: dict[int, list[User]] = {}
    if not township_ids:
        return admins
    for user in db.session.scalars(sa.select(User).where(
            User.role == Role.ADMIN.value, User.active.is_(True), User.township_id.in_(township_ids))):
        admins.setdefault(user.township_id, []).append(user)
    return admins


def _escalate(order: RectificationOrder, admin: User, now: datetime) -> None:
    notify(recipient=admin, kind="order_overdue", send_after=now,
           subject=_("Overdue: %(number)s %(target)s", number=order.display_number, target=order.target_label),
           body=_("The deadline %(date)s has passed without the order being closed.",
                  date=order.deadline.isoformat()),
           link=f"/orders/{order.id}", dedupe_key=str(order.id))


def digest_items(*, now: datetime) -> dict[int, list[str]]:
    """Per user, the orders due today (recipients) and the overdue count (admins)."""
    today = local_today(now)
    items: dict[int, list[str]] = {}
    for order in _due_in(today, (0,)):
        for user in responsible_users(order):
            items.setdefault(user.id, []).append(
                _("Rectification %(number)s is due today", number=order.display_number))
    overdue = db.session.execute(sa.select(RectificationOrder.township_id, sa.func.count()).where(
        RectificationOrder.overdue_clause(today))
        .group_by(RectificationOrder.township_id)).all()
    admins = _township_admins({township for township, _n in overdue})
    for township, count in overdue:
        for admin in admins.get(township, []):
            items.setdefault(admin.id, []).append(_("%(n)d rectification orders are overdue", n=count))
    return items
