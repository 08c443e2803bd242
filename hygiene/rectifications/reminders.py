"""The rectification sweeps the scheduler runs (declared in jobs.py): reminders, overdue marking
and escalation.

Each sweep is idempotent: reminders carry a dedupe key per order, occasion and deadline, and
an order is marked overdue (and escalated) once, so running a sweep twice sends nothing twice.
The sweeps work a whole day's orders at once (recipients, existing keys and inserts in a few
queries), since they run every hour over a county's open orders.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.accounts.models import Role, User
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.notifications.services import NotifySpec, notify_many
from hygiene.rectifications.models import OrderItem, RectificationOrder
from hygiene.rectifications.services import responsible_users_for
from hygiene.rectifications.status import OPEN

REMIND_DAYS_BEFORE = (3, 1)
IDS_IN_CHUNK = 5000  # order ids per statement: they go into the SQL as text, so this bounds its length


def scan_deadlines(*, now: datetime) -> dict[str, int]:
    """Remind recipients 3 days and 1 day before a deadline; mark and escalate what is overdue."""
    today = local_today(now)
    due = _due_in(today, REMIND_DAYS_BEFORE)
    recipients = responsible_users_for(due)
    counts = _item_counts([order.id for order in due])
    notify_many(spec for order in due
                for spec in _reminders(order, recipients[order.id], counts, now, today))
    overdue = _mark_overdue(now, today)
    notify_many(_escalations(overdue, now))
    reminded = sum(len(users) for users in recipients.values())
    return {"reminders": reminded, "newly_overdue": len(overdue)}


def _due_in(today: date, days: tuple[int, ...]) -> list[sa.Row]:
    """The open orders due `days` from today, as rows of what a reminder says."""
    order = RectificationOrder
    dates = [today + timedelta(days=n) for n in days]
    # plain rows rather than orders: the sweep runs hourly, and building objects was most of its time
    return list(db.session.execute(sa.select(
        order.id, order.unit_id, order.village_id, order.year, order.number, order.target_label,
        order.deadline).where(order.status.in_(OPEN), order.deadline.in_(dates))))


def _item_counts(order_ids: list[int]) -> Callable[[], dict[int, int]]:
    """The number of items per order, counted in one query when first asked for (an hourly sweep
    that finds every reminder queued renders no text, so never asks)."""

    @cache
    def counts() -> dict[int, int]:
        stmt = (sa.select(OrderItem.order_id, sa.func.count())
                .where(OrderItem.order_id.in_(sa.bindparam("ids", expanding=True, literal_execute=True)))
                .group_by(OrderItem.order_id))
        chunks = (order_ids[start:start + IDS_IN_CHUNK] for start in range(0, len(order_ids), IDS_IN_CHUNK))
        return {order_id: n for ids in chunks for order_id, n in db.session.execute(stmt, {"ids": ids})}

    return counts


def _display_number(order: sa.Row) -> str:
    """The order's number as the model shows it, for a plain row."""
    return RectificationOrder.display_number.fget(order)  # type: ignore[attr-defined]  # a property, read on the class


def _reminders(order: sa.Row, users: list[User], counts: Callable[[], dict[int, int]],
               now: datetime, today: date) -> list[NotifySpec]:
    """One reminder of the order's deadline per responsible user."""
    if not users:
        return []
    deadline = order.deadline.isoformat()
    # lazy texts: the hourly sweep finds most reminders queued, and only new ones are rendered
    subject = _l("Rectification due %(date)s: %(number)s", date=deadline, number=_display_number(order))
    body = LazyString(_reminder_body, order, counts)
    key = f"{order.id}:{deadline}:{(order.deadline - today).days}"
    return [NotifySpec(recipient=user, kind="order_due", send_after=now, subject=subject, body=body,
                       link=f"/orders/{order.id}", dedupe_key=key) for user in users]


def _reminder_body(order: sa.Row, counts: Callable[[], dict[int, int]]) -> str:
    return _("%(target)s must put right %(n)d item(s) by %(date)s.", target=order.target_label,
             n=counts().get(order.id, 0), date=order.deadline.isoformat())


def _mark_overdue(now: datetime, today: date) -> list[sa.Row]:
    """Mark orders past their deadline without a reported fix as overdue, once; return rows of
    those (what an escalation says)."""
    order = RectificationOrder
    # SKIP LOCKED: an order being edited right now is left for the next sweep rather than waited on
    pending = sa.select(order.id).where(order.overdue_clause(today), order.overdue_at.is_(None)
                                        ).with_for_update(skip_locked=True)
    stmt = (sa.update(order).where(order.id.in_(pending)).values(overdue_at=now, escalated_at=now)
            .returning(order.id, order.township_id, order.year, order.number, order.target_label,
                       order.deadline))
    # "fetch" also updates orders this session already holds, as setting the attributes did
    return list(db.session.execute(stmt, execution_options={"synchronize_session": "fetch"}))


def _escalations(overdue: list[sa.Row], now: datetime) -> Iterable[NotifySpec]:
    """One escalation of each newly overdue order per admin of its township."""
    admins = admins_by_township({order.township_id for order in overdue})
    for order in overdue:
        subject = _l("Overdue: %(number)s %(target)s", number=_display_number(order),
                     target=order.target_label)
        body = _l("The deadline %(date)s has passed without the order being closed.",
                  date=order.deadline.isoformat())
        for admin in admins.get(order.township_id, []):
            yield NotifySpec(recipient=admin, kind="order_overdue", send_after=now, subject=subject,
                             body=body, link=f"/orders/{order.id}", dedupe_key=str(order.id))


def admins_by_township(township_ids: set[int]) -> dict[int, list[User]]:
    admins: dict[int, list[User]] = {}
    if not township_ids:
        return admins
    for user in db.session.scalars(sa.select(User).where(
            User.role == Role.ADMIN.value, User.active.is_(True), User.township_id.in_(township_ids))):
        admins.setdefault(user.township_id, []).append(user)
    return admins


def digest_items(*, now: datetime) -> dict[int, list[str]]:
    """Per user, the orders due today (recipients) and the overdue count (admins)."""
    today = local_today(now)
    items: dict[int, list[str]] = {}
    due = _due_in(today, (0,))
    recipients = responsible_users_for(due)
    for order in due:
        for user in recipients[order.id]:
            items.setdefault(user.id, []).append(
                _("Rectification %(number)s is due today", number=_display_number(order)))
    overdue = db.session.execute(sa.select(RectificationOrder.township_id, sa.func.count()).where(
        RectificationOrder.overdue_clause(today))
        .group_by(RectificationOrder.township_id)).all()
    admins = admins_by_township({township for township, _n in overdue})
    for township, count in overdue:
        for admin in admins.get(township, []):
            items.setdefault(admin.id, []).append(_("%(n)d rectification orders are overdue", n=count))
    return items
