"""The township review (镇级初审) of an application: an inspection of the applicant with its
title's built-in checklist (kinds.yaml), asked for by the office like a toilet's acceptance
(inspections/adhoc.py). Publishing it decides: passed, the application is township reviewed;
failed, it is rejected with the failed items as the reason. A cancelled review frees the
application for another request.

These checklists (hygienic_village, unit_hygiene, smoke_free_unit) are also the township's
hygiene checks, so the template cannot tell a review from a monthly check: the application keeps
its review's id, and the ids are registered with adhoc.unranked_inspections, which the ranking's
inspection score leaves out."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from hygiene.access.scope import Scope
from hygiene.clock import local_today
from hygiene.core.once import claim_once, is_repeat
from hygiene.creation.kinds import KINDS
from hygiene.creation.models import CreationApplication
from hygiene.creation.schemas import ReviewRequestInput
from hygiene.creation.services import _move, _office
from hygiene.creation.status import REVIEW_FAIL, REVIEW_PASS, CreationStatus
from hygiene.errors import DomainError, InvalidFields
from hygiene.extensions import db
from hygiene.inspections.adhoc import acceptance_template, inspection_request, unranked_inspections
from hygiene.inspections.events import follows_cancel, follows_publish
from hygiene.inspections.models import Inspection
from hygiene.toilets.acceptance import failed_reasons


@unranked_inspections
def review_inspections() -> sa.Select:
    """The inspection ids that review an application (a subquery)."""
    return sa.select(CreationApplication.review_inspection_id).where(
        CreationApplication.review_inspection_id.is_not(None))


def review_request(*, scope: Scope, actor_id: int, application: CreationApplication, data: ReviewRequestInput,
                   now: datetime) -> Inspection | None:
    """Ask for the township review of a self-assessed application (the office): one at a time."""
    _office(scope, application.township_id)
    if data.request_key and is_repeat(application, "step_key", data.request_key):
        return None
    if application.status != CreationStatus.SELF_ASSESSED:
        raise DomainError(_("The township review follows the self-assessment."))
    if application.review_inspection_id is not None:
        raise DomainError(_("A township review has already been asked for."))
    today = local_today(now)
    if data.planned_on < (application.self_assessed_on or today):
        raise InvalidFields({"planned_on": _("This date cannot be before the previous step (%(day)s).",
                                             day=(application.self_assessed_on or today).isoformat())})
    if data.due_on < today:
        raise InvalidFields({"due_on": _("The due date cannot be before today.")})
    if (data.due_on - data.planned_on).days > 366:
        raise InvalidFields({"due_on": _("The due date can be at most a year after the planned date.")})
    template = acceptance_template(KINDS[application.kind].checklist)
    if template is None:
        raise DomainError(_("The checklist of this title is not installed."))
    # the key first: of two identical requests one claims the application, the other does nothing
    if not claim_once(application, key_column="step_key", key=data.request_key or "",
                      allowed=sa.and_(CreationApplication.status == CreationStatus.SELF_ASSESSED,
                                      CreationApplication.review_inspection_id.is_(None)),
                      values={}, refused=_("A township review has already been asked for.")):
        return None
    target = application.unit if application.unit is not None else application.village
    inspection = inspection_request(scope=scope, actor_id=actor_id, target=target, template=template,
                                    inspector_ids=data.inspector_ids, planned_on=data.planned_on,
                                    due_on=data.due_on, now=now)
    db.session.flush()
    application.review_inspection_id = inspection.id
    db.session.flush()
    return inspection


def _application_of(inspection: Inspection) -> CreationApplication | None:
    return db.session.scalar(sa.select(CreationApplication).where(
        CreationApplication.review_inspection_id == inspection.id))


@follows_publish
def creation_follow_publish(*, inspection: Inspection, actor_id: int | None, now: datetime) -> None:
    """A published review decides: township reviewed, or rejected with the failed items."""
    application = _application_of(inspection)
    if application is None or application.status != CreationStatus.SELF_ASSESSED:
        return
    day = max(min(inspection.planned_date, local_today(now)), (application.self_assessed_on or local_today(now)))
    if inspection.passed:
        _move(application, REVIEW_PASS, actor_id=actor_id, key=f"review:{inspection.id}", now=now,
              values={"reviewed_on": day})
    else:
        reasons = failed_reasons(inspection) or [_("Score below the pass mark.")]
        _move(application, REVIEW_FAIL, actor_id=actor_id, key=f"review:{inspection.id}", now=now,
              values={"closed_on": day, "reason": "；".join(reasons)[:2000], "standing_key": None})


@follows_cancel
def creation_follow_cancel(*, inspection: Inspection, actor_id: int | None, reason: str, now: datetime) -> None:
    """A cancelled review leaves the application self-assessed, free for another request."""
    db.session.execute(sa.update(CreationApplication).where(
        CreationApplication.review_inspection_id == inspection.id,
        CreationApplication.status == CreationStatus.SELF_ASSESSED)
        .values(review_inspection_id=None).execution_options(synchronize_session=False))
