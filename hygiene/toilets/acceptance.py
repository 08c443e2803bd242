"""Acceptance (验收): a completed household toilet or public toilet project is accepted by an
inspection with its acceptance checklist (household_toilet, public_toilet); publishing it moves the
record to accepted, or to failed with the failed items as reasons; a cancelled one leaves it
completed, ready for another request. A public project's acceptances recorded by the office as
pass or fail before it had a checklist stay as they were (their stage events keep the reasons)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from hygiene.access.scope import Scope
from hygiene.core.status import Transition
from hygiene.errors import DomainError, InvalidFields
from hygiene.extensions import db
from hygiene.inspections.adhoc import acceptance_template, inspection_request
from hygiene.inspections.events import follows_cancel, follows_publish, follows_result
from hygiene.inspections.models import Inspection
from hygiene.places.models import Household
from hygiene.toilets.models import HouseholdToilet, PublicToiletProject
from hygiene.toilets.schemas import AcceptanceRequestInput, StepInput
from hygiene.toilets.services import Record, _is_new, _office, skipped_message, stage_move
from hygiene.toilets.stage_dates import move_date_refusal
from hygiene.toilets.status import ACCEPT, FAIL, ToiletStage

CHECKLISTS = {HouseholdToilet: "household_toilet", PublicToiletProject: "public_toilet"}
PUBLIC_TARGET = "public_toilet"  # an acceptance inspection's target kind for a public project (its id)
DUE_MARGIN_DAYS = 30  # an acceptance may be due up to a month after the task's deadline
# an amended acceptance after publication turns the verdict round, while nothing followed it yet
AMEND_TO_FAILED = Transition.of({ToiletStage.ACCEPTED}, ToiletStage.FAILED)
AMEND_TO_ACCEPTED = Transition.of({ToiletStage.FAILED}, ToiletStage.ACCEPTED)


def acceptance_request(*, scope: Scope, actor_id: int, toilet: Record, data: AcceptanceRequestInput,
                       now: datetime) -> Inspection | None:
    """Ask for the acceptance inspection of a completed toilet or public project (the office): one
    open at a time."""
    _office(scope, toilet)
    if not _is_new(data):
        return None
    if toilet.stage != ToiletStage.COMPLETED:
        raise DomainError(skipped_message(toilet, ACCEPT))
    if toilet.acceptance_inspection_id is not None:
        raise DomainError(_("An acceptance inspection has already been asked for."))
    if (too_early := move_date_refusal(data.happened_on, previous=toilet.stage_on,
                                       today=_local_day(now))) is not None:
        raise InvalidFields({"happened_on": too_early})
    if (wrong_due := due_refusal(data.due_on, today=_local_day(now), deadline=toilet.task.deadline)) is not None:
        raise InvalidFields({"due_on": wrong_due})
    model = type(toilet)
    template = acceptance_template(CHECKLISTS[model])
    if template is None:
        raise DomainError(_("The acceptance checklist “%(code)s” is not installed.", code=CHECKLISTS[model]))
    target: Household | PublicToiletProject = toilet.household if isinstance(toilet, HouseholdToilet) else toilet
    kind = None if isinstance(toilet, HouseholdToilet) else PUBLIC_TARGET
    inspection = inspection_request(scope=scope, actor_id=actor_id, target=target, template=template,
                                    inspector_ids=data.inspector_ids, planned_on=data.happened_on,
                                    due_on=data.due_on, now=now, target_kind=kind)
    db.session.flush()
    claimed = db.session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult, typed as Result
        sa.update(model).where(
            model.id == toilet.id, model.stage == ToiletStage.COMPLETED,
            model.acceptance_inspection_id.is_(None))
        .values(acceptance_inspection_id=inspection.id).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(toilet)
    if not claimed:
        raise DomainError(_("An acceptance inspection has already been asked for."))
    return inspection


def due_refusal(due_on: date, *, today: date, deadline: date) -> str | None:
    """An acceptance is due from today to DUE_MARGIN_DAYS after the task's deadline (or after
    today, for a toilet finished late): a month is room enough to send an inspector."""
    last = max(deadline, today) + timedelta(days=DUE_MARGIN_DAYS)
    if due_on < today:
        return _("The due date cannot be before today.")
    if due_on > last:
        return _("The due date can be at most %(days)d days after the task's deadline: by %(last)s.",
                 days=DUE_MARGIN_DAYS, last=last.isoformat())
    return None


def _toilet_of(inspection: Inspection) -> Record | None:
    """The household toilet or public project this inspection accepts, if any."""
    if inspection.target_kind == "household":
        return db.session.scalar(sa.select(HouseholdToilet).where(
            HouseholdToilet.acceptance_inspection_id == inspection.id))
    if inspection.target_kind == PUBLIC_TARGET:
        return db.session.scalar(sa.select(PublicToiletProject).where(
            PublicToiletProject.acceptance_inspection_id == inspection.id))
    return None


def failed_reasons(inspection: Inspection) -> list[str]:
    """The items that did not pass, each with the inspector's note: "<item> — <note>". An item's
    text is its pass wording (满水试验无渗漏), so the pages show each reason as "不合格：<reason>"."""
    return [f"{a.item.text} — {a.note.strip()}" if a.note and a.note.strip() else a.item.text
            for a in sorted(inspection.answers, key=lambda a: a.item.position)
            if a.earned is not None and a.earned < a.item.points]


def failed_photos(inspection: Inspection | None) -> list:
    """The photos the inspectors took of the items that did not pass (the toilet page shows them)."""
    if inspection is None:
        return []
    from hygiene.media.models import Photo

    failed = [a.item_id for a in inspection.answers if a.earned is not None and a.earned < a.item.points]
    if not failed:
        return []
    return list(db.session.scalars(sa.select(Photo).where(Photo.inspection_id == inspection.id,
                                                           Photo.item_id.in_(failed)).order_by(Photo.id)))


@follows_publish
def toilet_follow_publish(*, inspection: Inspection, actor_id: int | None, now: datetime) -> None:
    """A published acceptance decides: accepted, or failed with the failed items as reasons."""
    toilet = _toilet_of(inspection)
    if toilet is None or toilet.stage != ToiletStage.COMPLETED:
        return
    day = inspection.planned_date if inspection.submitted_at is None else _local_day(inspection.submitted_at)
    # never before the completion it follows (an inspection planned earlier and filled late)
    step = StepInput(happened_on=max(min(day, _local_day(now)), toilet.stage_on), note="")
    if inspection.passed:
        stage_move(toilet, ACCEPT, actor_id=actor_id, data=step, now=now,
                   values={"accepted_on": step.happened_on, "failed_reasons": []})
    else:
        reasons = failed_reasons(inspection) or [_("Score below the pass mark.")]
        stage_move(toilet, FAIL, actor_id=actor_id, data=step, now=now, reasons=reasons,
                   values={"failed_reasons": reasons})


@follows_result
def toilet_follow_amendment(*, inspection: Inspection, actor_id: int | None, now: datetime) -> None:
    """An amended published acceptance turns the verdict round while nothing followed it yet
    (not paid, not reworked); a submission waits for the office to publish it."""
    if not inspection.is_published:
        return
    toilet = _toilet_of(inspection)
    if toilet is None:
        return
    step = StepInput(happened_on=_local_day(now), note=_("The acceptance inspection was amended."))
    if inspection.passed and AMEND_TO_ACCEPTED.allows(toilet.stage):
        stage_move(toilet, AMEND_TO_ACCEPTED, actor_id=actor_id, data=step, now=now,
                   values={"accepted_on": step.happened_on, "failed_reasons": []})
    elif not inspection.passed and AMEND_TO_FAILED.allows(toilet.stage):
        reasons = failed_reasons(inspection) or [_("Score below the pass mark.")]
        stage_move(toilet, AMEND_TO_FAILED, actor_id=actor_id, data=step, now=now, reasons=reasons,
                   values={"failed_reasons": reasons, "accepted_on": None})


@follows_cancel
def toilet_follow_cancel(*, inspection: Inspection, actor_id: int | None, reason: str, now: datetime) -> None:
    """A cancelled acceptance leaves the toilet (or public project) completed, free for another request."""
    for model in (HouseholdToilet, PublicToiletProject):
        db.session.execute(sa.update(model).where(
            model.acceptance_inspection_id == inspection.id, model.stage == ToiletStage.COMPLETED)
            .values(acceptance_inspection_id=None).execution_options(synchronize_session=False))


def _local_day(moment: datetime):
    from hygiene.clock import local_today

    return local_today(moment)
