"""What the applicant is told about its application through the outbox (same transaction)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hygiene.accounts.models import Role, User
from hygiene.creation.models import CreationApplication
from hygiene.creation.status import CreationStatus
from hygiene.extensions import db
from hygiene.notifications.services import NotifySpec, tell

REVIEW_AMENDED = "creation_review_amended"


def applicant_contacts(application: CreationApplication) -> list[User]:
    """The active contacts of the applicant: its unit's, or its village's."""
    if application.unit_id:
        where = sa.and_(User.role == Role.UNIT_CONTACT.value, User.unit_id == application.unit_id)
    else:
        where = sa.and_(User.role == Role.VILLAGE_CONTACT.value, User.village_id == application.village_id)
    return list(db.session.scalars(sa.select(User).where(User.active.is_(True), where).order_by(User.id)))


def tell_review_amended(application: CreationApplication, now: datetime) -> None:
    """The applicant learns that its amended township review moved the application, and where it stands."""
    from hygiene.creation.words import title_name

    subject = _l("Township review amended: %(applicant)s, %(title)s", applicant=application.applicant_name,
                 title=title_name(application.kind, application.level))
    if application.status == CreationStatus.REJECTED:
        body = _l("The township review was amended and fails now; the application is rejected: %(reason)s",
                  reason=application.reason)
    else:
        body = _l("The township review was amended and passes now; the application is township reviewed again "
                  "and goes on to the county.")
    tell(NotifySpec(recipient=user, kind=REVIEW_AMENDED, subject=subject, body=body, send_after=now,
                    link=f"/creation/applications/{application.id}",
                    dedupe_key=f"{application.id}:{application.status}:{now.isoformat()}")
         for user in applicant_contacts(application))
