"""The township review (镇级初审) of an application: an inspection of the applicant with its
title's built-in checklist (kinds.yaml), asked for by the office like a toilet's acceptance
(inspections/adhoc.py). Publishing it decides: passed, the application is township reviewed;
failed, it is rejected with the failed items as the reason. An amendment of the published review
that turns its verdict round moves the application with it (reviewed <-> rejected by that review)
until the application goes to the county, audited and its applicant told. A cancelled review frees
the application for another request.

These checklists (hygienic_village, unit_hygiene, smoke_free_unit) are also the township's
hygiene checks, so the template cannot tell a review from a monthly check: the application keeps
its review's id, and the ids are registered with adhoc.unranked_inspections, which the ranking's
inspection score leaves out."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from hygiene.access.scope import Scope
from hygiene.clock import local_today
from hygiene.core.once import claim_once, is_repeat
from hygiene.creation.kinds import KINDS
from hygiene.creation.models import CreationApplication
from hygiene.creation.notices import tell_review_amended
from hygiene.creation.schemas import ReviewRequestInput
from hygiene.creation.services import _move, _office
from hygiene.creation.status import (
    REVIEW_AMENDED_FAIL,
    REVIEW_AMENDED_PASS,
    REVIEW_FAIL,
    REVIEW_PASS,
    CreationStatus,
)
from hygiene.errors import DomainError, InvalidFields
from hygiene.extensions import db
from hygiene.inspections.adhoc import acceptance_template, inspection_request, unranked_inspections
from hygiene.inspections.events import follows_cancel, follows_publish, follows_result
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


@follows_result
def creation_follow_amendment(*, inspection: Inspection, actor_id: int | None, now: datetime) -> None:
    """An amended published review turns the application round, as its orders follow an inspection:
    now failing, a reviewed application is rejected with the failed items; now passing, an
    application this review rejected is reviewed again. Once submitted to the county (or rejected
    by the office for another reason) the application stands. A submission waits for publishing."""
    if not inspection.is_published:
        return
    application = _application_of(inspection)
    if application is None:
        return
    today = local_today(now)
    if not inspection.passed and application.status == CreationStatus.REVIEWED:
        reasons = failed_reasons(inspection) or [_("Score below the pass mark.")]
        moved = _follow(application, REVIEW_AMENDED_FAIL, inspection, actor_id, now, {
            "closed_on": today, "reason": "；".join(reasons)[:2000], "standing_key": None},
            _("The township review was amended: it fails now."))
    elif inspection.passed and application.status == CreationStatus.REJECTED and _rejected_by(application, inspection):
        standing = _standing_key_of(application)
        if db.session.scalar(sa.select(CreationApplication.id).where(
                CreationApplication.standing_key == standing)) is not None:
            return  # the applicant applied again meanwhile: the new application goes on, this one stays closed
        moved = _follow(application, REVIEW_AMENDED_PASS, inspection, actor_id, now, {
            "reviewed_on": today, "closed_on": None, "reason": "", "standing_key": standing},
            _("The township review was amended: it passes now."))
    else:
        return
    if moved:
        tell_review_amended(application, now)


def _rejected_by(application: CreationApplication, inspection: Inspection) -> bool:
    """Whether the application's rejection was this review's verdict (not the office's own step)."""
    return application.step_key in (f"review:{inspection.id}", f"review:{inspection.id}:failed")


def _standing_key_of(application: CreationApplication) -> str:
    owner = f"u{application.unit_id}" if application.unit_id else f"v{application.village_id}"
    return f"{owner}:{application.kind}:{application.level}"


def _follow(application: CreationApplication, move, inspection: Inspection, actor_id: int | None,
            now: datetime, values: dict, note: str) -> bool:
    """Make the move the amendment asks for; False when the application moved on meanwhile (it stands)."""
    key = f"review:{inspection.id}:{'passed' if move is REVIEW_AMENDED_PASS else 'failed'}"
    try:
        with db.session.begin_nested():
            return _move(application, move, actor_id=actor_id, key=key, now=now, values=values,
                         audit={"note": note})
    except (DomainError, IntegrityError):  # submitted at this moment, or applied again: it stands
        db.session.refresh(application)
        return False


@follows_cancel
def creation_follow_cancel(*, inspection: Inspection, actor_id: int | None, reason: str, now: datetime) -> None:
    """A cancelled review leaves the application self-assessed, free for another request."""
    db.session.execute(sa.update(CreationApplication).where(
        CreationApplication.review_inspection_id == inspection.id,
        CreationApplication.status == CreationStatus.SELF_ASSESSED)
        .values(review_inspection_id=None).execution_options(synchronize_session=False))
