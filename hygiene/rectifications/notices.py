"""Who is told what when an order's life moves on; queued in the event's own transaction.

Each occasion has its dedupe key (see notifications.services.notify), so a service that runs
twice tells nobody twice: issue, withdrawal, fix reported and re-inspection happen once per
order; a change of items is told once per audited change."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hygiene.accounts.models import Role, User
from hygiene.extensions import db
from hygiene.notifications.services import NotifySpec, tell
from hygiene.rectifications.models import RectificationOrder


def tell_issued(order: RectificationOrder, recipients: list[User], now: datetime) -> None:
    """The unit's contact (else the village's contacts) learns of a new order and its deadline."""
    subject = _l("Rectification order %(number)s: %(target)s", number=order.display_number,
                 target=order.target_label)
    body = _l("%(n)d item(s) to put right by %(date)s.", n=len(order.items), date=order.deadline.isoformat())
    tell(_to(recipients, "order_issued", order, subject, body, str(order.id), now))


def tell_items_changed(order: RectificationOrder, recipients: list[User], change_id: int,
                       now: datetime) -> None:
    """The recipient learns that a corrected inspection changed what the order asks."""
    subject = _l("Order %(number)s changed: %(target)s", number=order.display_number, target=order.target_label)
    body = _l("The inspection was corrected; the order now lists %(n)d item(s), still due by %(date)s.",
              n=len(order.items), date=order.deadline.isoformat())
    tell(_to(recipients, "order_changed", order, subject, body, f"{order.id}:{change_id}", now))


def tell_withdrawn(order: RectificationOrder, recipients: list[User], now: datetime) -> None:
    """The recipient learns the order no longer stands, and why."""
    subject = _l("Order %(number)s withdrawn: %(target)s", number=order.display_number, target=order.target_label)
    tell(_to(recipients, "order_withdrawn", order, subject, order.withdrawn_reason, str(order.id), now))


def tell_fix_reported(order: RectificationOrder, now: datetime) -> None:
    """The inspectors of the inspection and the township's office learn a fix waits to be checked."""
    subject = _l("Fix reported for %(number)s: %(target)s", number=order.display_number,
                 target=order.target_label)
    body = _l("Re-inspect it: %(note)s", note=order.evidence_note or "—")
    people = {u.id: u for u in [*order.inspection.inspectors, *township_admins(order.township_id)]}
    tell(_to(list(people.values()), "order_fix_reported", order, subject, body, str(order.id), now))


def tell_reinspected(order: RectificationOrder, recipients: list[User], follow_up: RectificationOrder | None,
                     now: datetime) -> None:
    """The recipient learns the re-inspection's result; a failure names the follow-up order."""
    if follow_up is None:
        subject = _l("Fixed and closed: %(number)s", number=order.display_number)
        body = _l("The re-inspection of %(target)s passed; the order is closed.", target=order.target_label)
    else:
        subject = _l("Not fixed: follow-up order %(number)s", number=follow_up.display_number)
        body = _l("The re-inspection of %(target)s found it not fixed (%(note)s). Put it right by %(date)s.",
                  target=order.target_label, note=order.reinspection_note or "—",
                  date=follow_up.deadline.isoformat())
    link_to = follow_up or order
    tell(_to(recipients, "order_reinspected", link_to, subject, body, str(order.id), now))


def township_admins(township_id: int) -> list[User]:
    """The active administrators of one township."""
    return list(db.session.scalars(sa.select(User).where(
        User.role == Role.ADMIN.value, User.active.is_(True), User.township_id == township_id).order_by(User.id)))


def _to(users: list[User], kind: str, order: RectificationOrder, subject, body, key: str,
        now: datetime) -> list[NotifySpec]:
    return [NotifySpec(recipient=user, kind=kind, subject=subject, body=body, dedupe_key=key,
                       send_after=now, link=f"/orders/{order.id}") for user in users]
