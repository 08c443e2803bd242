"""The daily creation sweep: a named title whose re-review (复审) comes within the notice period
becomes "due for re-review", and its applicant's contacts and the township's admins are reminded
90, 30 and 7 days before (kinds.yaml), once per title, due date and threshold (the dedupe key
names them, so a second run or a second scheduler queues nothing more)."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hygiene.accounts.models import Role, User
from hygiene.audit.services import audit_record
from hygiene.clock import local_today
from hygiene.creation.kinds import REMIND_DAYS_BEFORE, REVIEW_NOTICE_DAYS
from hygiene.creation.models import CreationApplication
from hygiene.creation.status import COME_DUE, CreationStatus
from hygiene.extensions import db
from hygiene.notifications.services import NotifySpec, notify_many

KIND = "creation_review_due"


def threshold(days_left: int) -> int | None:
    """The nearest reminder threshold a re-review `days_left` away has reached, or None."""
    if days_left < 0:
        return min(REMIND_DAYS_BEFORE)
    return min((days for days in REMIND_DAYS_BEFORE if days_left <= days), default=None)


def scan_creation_reviews(*, now: datetime) -> dict[str, int]:
    """Move the titles whose re-review comes near to due, and queue their reminders."""
    today = local_today(now)
    a = CreationApplication
    near = a.review_due_on <= today + timedelta(days=REVIEW_NOTICE_DAYS)
    coming = list(db.session.scalars(sa.select(a).where(COME_DUE.clause(a.status), near).with_for_update()))
    for title in coming:
        before, title.status = title.status, CreationStatus.DUE_REVIEW
        audit_record(actor_id=None, action="status", record=title, township_id=title.township_id, at=now,
                     before={"status": before}, after={"status": str(CreationStatus.DUE_REVIEW)})
    db.session.flush()
    due = list(db.session.scalars(sa.select(a).where(a.status == CreationStatus.DUE_REVIEW)))
    contacts = _contacts(due)
    specs = [spec for title in due for spec in _reminders(title, contacts, today, now)]
    return {"creation_titles_due": len(coming), "creation_reminders": notify_many(specs)}


def _reminders(title: CreationApplication, contacts: dict, today, now: datetime) -> list[NotifySpec]:
    if title.review_due_on is None or (days := threshold((title.review_due_on - today).days)) is None:
        return []
    from hygiene.creation.words import title_name

    subject = _l("Re-review due: %(applicant)s, %(title)s", applicant=title.applicant_name,
                 title=title_name(title.kind, title.level))
    body = _l("The title named on %(named)s is due for re-review by %(due)s. Prepare the re-review materials.",
              named=title.named_on.isoformat() if title.named_on else "", due=title.review_due_on.isoformat())
    users = (contacts.get(("u", title.unit_id)) or []) if title.unit_id else (contacts.get(("v", title.village_id)) or [])
    users = users + (contacts.get(("a", title.township_id)) or [])
    return [NotifySpec(recipient=user, kind=KIND, subject=subject, body=body, send_after=now,
                       link=f"/creation/applications/{title.id}",
                       dedupe_key=f"{title.id}:{title.review_due_on.isoformat()}:{days}") for user in users]


def _contacts(titles: list[CreationApplication]) -> dict[tuple[str, int | None], list[User]]:
    """The active contacts of the titles' units and villages, and their townships' admins."""
    found: dict[tuple[str, int | None], list[User]] = {}
    if not titles:
        return found
    units = {t.unit_id for t in titles if t.unit_id}
    villages = {t.village_id for t in titles if not t.unit_id}
    townships = {t.township_id for t in titles}
    for user in db.session.scalars(sa.select(User).where(User.active.is_(True), sa.or_(
            sa.and_(User.role == Role.UNIT_CONTACT.value, User.unit_id.in_(units)),
            sa.and_(User.role == Role.VILLAGE_CONTACT.value, User.village_id.in_(villages)),
            sa.and_(User.role == Role.ADMIN.value, User.township_id.in_(townships))))):
        key = {Role.UNIT_CONTACT.value: ("u", user.unit_id), Role.VILLAGE_CONTACT.value: ("v", user.village_id)}.get(
            user.role, ("a", user.township_id))
        found.setdefault(key, []).append(user)
    return found
