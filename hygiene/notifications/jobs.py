"""The notification jobs: send the outbox every minute, and the morning digest at 07:30."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from time import monotonic

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.notifications.digest import digest_items
from hygiene.notifications.dispatch import claims_release, dispatch_due
from hygiene.notifications.queries import unconfirmed_count
from hygiene.notifications.services import digest_enqueue
from hygiene.scheduler import Job, register, register_page_note, register_takeover
from hygiene.scheduler.runner import worker_name

DISPATCH_BATCH = 100
DISPATCH_BUDGET = 45  # seconds one dispatch run may keep draining full batches


def dispatch_notifications(*, now: datetime) -> dict[str, int]:
    """Send what is due, batch after batch while batches come back full."""
    sent = failed = unconfirmed = 0
    started = monotonic()
    while True:
        result = dispatch_due(now=now, worker_id=worker_name(), batch=DISPATCH_BATCH)
        sent, failed = sent + result.sent, failed + result.failed
        unconfirmed += result.unconfirmed
        if result.handled < DISPATCH_BATCH or monotonic() - started > DISPATCH_BUDGET:
            return {"sent": sent, "failed": failed} | ({"unconfirmed": unconfirmed} if unconfirmed else {})


def morning_digest(*, now: datetime) -> dict[str, int]:
    """Queue each user's digest of what is due today, from the domains that provide items."""
    return {"digests_queued": digest_enqueue(now=now, items_by_user=digest_items(now=now))}


register(Job("dispatch_notifications", dispatch_notifications, _l("Send due notifications"),
             _l("every minute"), every=timedelta(minutes=1)))
register(Job("morning_digest", morning_digest, _l("Morning digest of what is due today"),
             _l("daily at 07:30"), at=time(7, 30)))

register_takeover(claims_release)  # a scheduler taking over sends its dead predecessor's claims at once


@register_page_note
def unconfirmed_messages(scope: Scope) -> str | None:
    """The jobs page tells the office of messages a mail server took without confirming them."""
    count = unconfirmed_count(scope)
    return _("Messages handed to the mail server without its confirmation: %(n)d. To avoid duplicates "
             "they are not sent again; please check with their recipients.", n=count) if count else None
