"""The self-assessment (自评) of an application: an inspection of the applicant's own village or
unit with its title's checklist (the one the township review uses, kinds.yaml), filled by its
contact on the usual field form. Submitting it is the step: the application is self-assessed with
its score and day, no office review needed (it is the applicant's own view). It is marked
`Inspection.self_assessment`, so it counts in no ranking and no inspection statistics
(inspections/adhoc.py) and orders no rectification.

Starting it twice (a double tap, two phones) gives the one open inspection: the start claims the
application with a conditional UPDATE before it makes anything."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.clock import local_today
from hygiene.creation.kinds import KINDS
from hygiene.creation.models import CreationApplication
from hygiene.creation.services import _move
from hygiene.creation.status import SELF_ASSESS, CreationStatus
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.inspections.adhoc import acceptance_template, self_assessment_new
from hygiene.inspections.events import follows_cancel, follows_result
from hygiene.inspections.models import Inspection

DAYS_TO_FILL = 30  # the self-assessment's due date: a month from its start


def is_own_contact(scope: Scope, application: CreationApplication) -> bool:
    """The contact of the applicant itself: the unit's for a unit, the village's for a village."""
    if application.unit_id is not None:
        return scope.role is Role.UNIT_CONTACT and scope.unit_id == application.unit_id
    return scope.role is Role.VILLAGE_CONTACT and scope.village_id == application.village_id


def self_assessment_start(*, scope: Scope, user: User, application: CreationApplication,
                          now: datetime) -> Inspection:
    """Start the applicant's self-assessment, assigned to its contact; the open one if started already."""
    if not is_own_contact(scope, application):
        raise Forbidden(_("Only the applicant's contact assesses the applicant."))
    if (started := _started(application)) is not None:
        return started
    if application.status != CreationStatus.APPLIED:
        raise DomainError(_("This application has already been self-assessed."))
    template = acceptance_template(KINDS[application.kind].checklist)
    if template is None:
        raise DomainError(_("The checklist of this title is not installed."))
    # the claim first: of two starts at the same moment, the second waits here, then finds the first's
    claimed = db.session.execute(sa.update(CreationApplication).where(  # type: ignore[attr-defined]  # DML gives a CursorResult
        CreationApplication.id == application.id, CreationApplication.self_inspection_id.is_(None),
        CreationApplication.status == CreationStatus.APPLIED).values(self_inspection_id=None)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(application)
    if not claimed:
        if (started := _started(application)) is not None:
            return started
        raise DomainError(_("This application has already been self-assessed."))
    today = local_today(now)
    inspection = self_assessment_new(contact=user, target=application.unit or application.village,
                                     template=template, planned_on=today,
                                     due_on=today + timedelta(days=DAYS_TO_FILL), now=now)
    db.session.flush()
    application.self_inspection_id = inspection.id
    db.session.flush()
    return inspection


def _started(application: CreationApplication) -> Inspection | None:
    if application.self_inspection_id is None:
        return None
    return db.session.get(Inspection, application.self_inspection_id)


@follows_result
def creation_follow_self_assessment(*, inspection: Inspection, actor_id: int | None, now: datetime) -> None:
    """A submitted self-assessment makes the step: its score and day, once (a resubmission after a
    send back before the step, too; after it the application stands)."""
    if not inspection.self_assessment or inspection.score is None:
        return
    application = db.session.scalar(sa.select(CreationApplication).where(
        CreationApplication.self_inspection_id == inspection.id))
    if application is None or application.status != CreationStatus.APPLIED:
        return
    score = Decimal(inspection.score).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    day = max(local_today(inspection.submitted_at or now), application.applied_on)
    _move(application, SELF_ASSESS, actor_id=actor_id, key=f"self:{inspection.id}", now=now,
          values={"self_score": score, "self_assessed_on": day, "self_note": ""})


@follows_cancel
def creation_follow_self_cancel(*, inspection: Inspection, actor_id: int | None, reason: str, now: datetime) -> None:
    """A cancelled self-assessment frees the application for another start."""
    db.session.execute(sa.update(CreationApplication).where(
        CreationApplication.self_inspection_id == inspection.id,
        CreationApplication.status == CreationStatus.APPLIED)
        .values(self_inspection_id=None).execution_options(synchronize_session=False))
