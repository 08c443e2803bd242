"""A task's field side: its village or unit completes it (a date, a note, photos), the office
reopens it. Services flush and never commit.

Who completes a task: the unit's contact for a unit's task, the village's contact for the
village's, and the township's admins (for a place that phoned it in)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record
from hygiene.campaigns import counts
from hygiene.campaigns.models import Campaign, CampaignTask
from hygiene.campaigns.queries import task_photos
from hygiene.campaigns.reminders import tell_sent_back
from hygiene.campaigns.schemas import CampaignInvalid, CompleteInput, ReopenInput
from hygiene.campaigns.status import COMPLETE, REOPEN_TASK, TaskStatus
from hygiene.clock import local_today
from hygiene.core.once import claim_once
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.media.intake import PhotoLimits
from hygiene.media.services import photos_attach
from hygiene.media.store import PhotoStore


def may_complete(scope: Scope, task: CampaignTask) -> bool:
    """The task's own contact, or the township's admins."""
    if scope.is_admin:
        return scope.covers_township(task.township_id) and scope.township_id is not None
    if scope.role is Role.VILLAGE_CONTACT:
        return task.unit_id is None and scope.village_id == task.village_id
    return scope.role is Role.UNIT_CONTACT and task.unit_id is not None and scope.unit_id == task.unit_id


def may_reopen(scope: Scope, task: CampaignTask) -> bool:
    return scope.is_admin and scope.township_id is not None and scope.covers_township(task.township_id)


def task_complete(*, scope: Scope, user_id: int | None, task: CampaignTask, campaign: Campaign, data: CompleteInput,
                  photos: list[tuple[str, bytes]], store: PhotoStore, limits: PhotoLimits, now: datetime) -> bool:
    """Mark the task done with its date, note and photos, once per form shown: False when this
    form already did it (a double tap, a resend), DomainError when it is done already."""
    if not may_complete(scope, task):
        raise Forbidden(_("Only the village's or unit's own contact completes this task."))
    if not campaign.is_active:
        raise DomainError(_("This campaign is no longer under way; its tasks cannot be completed."))
    if campaign.not_started(local_today()):
        raise DomainError(_("The campaign starts on %(date)s; the task can be marked done from that day.",
                            date=campaign.starts_on.isoformat()))
    if data.done_on < campaign.starts_on:
        raise CampaignInvalid({"done_on": _("Choose a date from the campaign's start (%(start)s) on.",
                                            start=campaign.starts_on.isoformat())})
    claimed = claim_once(task, key_column="done_key", key=data.request_key or "", allowed=COMPLETE.clause(CampaignTask.status),
                         values={"status": TaskStatus.DONE, "done_on": data.done_on, "done_note": data.note,
                                 "done_by_id": user_id, "done_at": now},
                         refused=_("This task is already done."))
    if not claimed:
        return False
    counts.refresh(task.campaign_id, task.place_key)
    if photos:
        photos_attach(photos, store=store, limits=limits, uploaded_by_id=user_id, now=now, campaign_task_id=task.id,
                      purpose="campaign_task", township_id=task.township_id,
                      target_kind="unit" if task.unit_id else "village", target_id=task.unit_id or task.village_id)
    audit_record(actor_id=user_id, action="complete", record=task, township_id=task.township_id, at=now,
                 before={"status": TaskStatus.OPEN},
                 after={"status": TaskStatus.DONE, "done_on": data.done_on.isoformat(), "done_note": data.note,
                        "photos": len(photos)})
    return True


def task_reopen(*, scope: Scope, user_id: int | None, task: CampaignTask, data: ReopenInput, now: datetime) -> bool:
    """The office reopens a completed task, saying why; False when it is open already (a second click)."""
    if not may_reopen(scope, task):
        raise Forbidden(_("Only the hygiene office's administrators reopen a task."))
    # the completion sent back stays on the task's page; its photos stay attached, listed here
    earlier = {"done_on": task.done_on.isoformat() if task.done_on else None, "note": task.done_note,
               "done_by_id": task.done_by_id, "photo_ids": [p.id for p in task_photos(task)],
               "reopened_on": local_today(now).isoformat(), "reopen_note": data.note}
    moved = db.session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult
        sa.update(CampaignTask).where(CampaignTask.id == task.id, REOPEN_TASK.clause(CampaignTask.status),
                                      CampaignTask.reopened == task.reopened)
        .values(status=TaskStatus.OPEN, done_on=None, done_at=None, done_note="", reopen_note=data.note,
                history=[*task.earlier_completions, earlier],
                reopened=CampaignTask.reopened + 1).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(task)
    if not moved:
        return False
    counts.refresh(task.campaign_id, task.place_key)
    tell_sent_back(task, now=now)
    audit_record(actor_id=user_id, action="reopen", record=task, township_id=task.township_id, at=now,
                 before={"status": TaskStatus.DONE}, after={"status": TaskStatus.OPEN, "reopen_note": data.note})
    return True
