"""The daily certificate reminder: each active health certificate that expires within the
township's reminder days (30 by default) is told to its unit's contacts, once.

The dedupe key names the certificate and its expiry, so a second run (or a second scheduler)
queues nothing more, and a renewed certificate is reminded again before its new expiry."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hygiene.accounts.models import Role, User
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.food.models import HealthCertificate
from hygiene.food.queries import rules_of
from hygiene.notifications.services import NotifySpec, notify_many
from hygiene.places.models import Township, Unit

KIND = "health_certificate_expiring"


def scan_certificates(*, now: datetime) -> dict[str, int]:
    """Queue the reminders of certificates about to expire; returns how many and how many queued."""
    today = local_today(now)
    rules = rules_of(set(db.session.scalars(sa.select(Township.id))))
    furthest = max((r.remind_days for r in rules.values()), default=0)
    c = HealthCertificate
    rows = db.session.execute(sa.select(c, Unit.name).join(Unit, Unit.id == c.unit_id).where(
        c.active.is_(True), c.expires_on >= today, c.expires_on < today + timedelta(days=furthest))).all()
    due = [(cert, unit) for cert, unit in rows if (cert.expires_on - today).days < rules[cert.township_id].remind_days]
    contacts = _contacts({cert.unit_id for cert, _unit in due})
    queued = notify_many(NotifySpec(
        recipient=user, kind=KIND, send_after=now, link=f"/food/certificates?unit_id={cert.unit_id}",
        dedupe_key=f"{cert.id}:{cert.expires_on.isoformat()}",
        subject=_l("Health certificate expiring: %(name)s, %(day)s", name=cert.worker_name,
                   day=cert.expires_on.isoformat()),
        body=_l("The health certificate No. %(number)s of %(name)s (%(unit)s) is valid until %(day)s. "
                "Have the worker examined again and enter the new certificate.", number=cert.number,
                name=cert.worker_name, unit=unit, day=cert.expires_on.isoformat()))
        for cert, unit in due for user in contacts.get(cert.unit_id, []))
    return {"certificates_expiring": len(due), "certificate_reminders": queued}


def _contacts(unit_ids: set[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = {}
    if unit_ids:
        for user in db.session.scalars(sa.select(User).where(
                User.role == Role.UNIT_CONTACT.value, User.active.is_(True), User.unit_id.in_(unit_ids))):
            found.setdefault(user.unit_id or 0, []).append(user)
    return found
