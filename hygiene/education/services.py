"""Every write of health education: an activity entered (with photos, once per form shown) and
the office's targets. Services flush, never commit (views do, through core.web)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record, trail_fields
from hygiene.clock import local_today
from hygiene.education import counts
from hygiene.education.kinds import COUNTS_ATTENDANCE, ActivityKind, SubjectKind
from hygiene.education.models import EducationActivity, EducationSettings
from hygiene.education.schemas import ActivityInput, settings_data
from hygiene.errors import Forbidden, InvalidFields, NotFound
from hygiene.extensions import db
from hygiene.media.intake import PhotoLimits
from hygiene.media.services import photos_attach
from hygiene.media.store import PhotoStore
from hygiene.places.models import Unit, Village

PURPOSE = "education"  # photo purpose


@dataclass
class Photos:
    store: PhotoStore
    limits: PhotoLimits
    uploads: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass(frozen=True)
class Subject:
    """Whose log an activity goes in: a village's own, or a unit's (in its village)."""

    township_id: int
    village_id: int
    unit_id: int | None
    name: str


def enters_activities(scope: Scope) -> bool:
    """The office (admins and inspectors of a township, the county) and every contact enter activities."""
    return scope.township_wide or scope.role in (Role.VILLAGE_CONTACT, Role.UNIT_CONTACT)


def subject_get(*, scope: Scope, kind: str, record_id: int) -> Subject:
    """The village or unit in the scope whose log the activity goes in, or NotFound; a contact
    writes only their own log (a village contact not their units')."""
    if kind == SubjectKind.UNIT:
        if scope.role is Role.VILLAGE_CONTACT:
            raise Forbidden(_("A village's contact records the village's own activities."))
        row = db.session.execute(sa.select(Unit.id, Unit.village_id, Unit.name, Village.township_id)
                                 .join(Village, Village.id == Unit.village_id)
                                 .where(Unit.id == record_id, scope.clause(Unit))).first()
        if row is None:
            raise NotFound("unit")
        return Subject(row.township_id, row.village_id, row.id, row.name)
    if scope.role is Role.UNIT_CONTACT:
        raise Forbidden(_("A unit's contact records the unit's own activities."))
    village = db.session.scalar(sa.select(Village).where(Village.id == record_id, scope.clause(Village)))
    if village is None:
        raise NotFound("village")
    return Subject(village.township_id, village.id, None, village.name)


def activity_record(*, scope: Scope, actor_id: int | None, data: ActivityInput, photos: Photos | None,
                    now: datetime) -> EducationActivity:
    """Enter one activity in a village's or unit's log, with its photos; the same form sent twice
    (or twice at once) makes one activity."""
    if not enters_activities(scope):
        raise Forbidden(_("Health-education activities are entered by the contacts and the hygiene office."))
    if data.request_key and (made := _by_key(data.request_key)) is not None:
        return made
    subject = subject_get(scope=scope, kind=data.subject[0], record_id=data.subject[1])
    if data.attendance is not None and data.kind not in COUNTS_ATTENDANCE:
        raise InvalidFields({"attendance": _("Attendance is counted at lectures and consultation days.")})
    if (made := _refuse_same_activity(subject, data)) is not None:
        return made
    activity = EducationActivity(township_id=subject.township_id, village_id=subject.village_id,
                                 unit_id=subject.unit_id, kind=data.kind, held_on=data.held_on, topic=data.topic,
                                 attendance=data.attendance, note=data.note, recorded_by_id=actor_id,
                                 created_at=now, request_key=data.request_key)
    try:  # the key first: an identical request waits here for the first one, then finds it
        with db.session.begin_nested():
            db.session.add(activity)
            db.session.flush()
    except IntegrityError:
        if data.request_key and (made := _by_key(data.request_key)) is not None:
            return made
        if (made := _refuse_same_activity(subject, data)) is not None:  # the same activity, at once
            return made
        raise
    counts.refresh(activity)
    if photos is not None and photos.uploads:
        photos_attach(photos.uploads, store=photos.store, limits=photos.limits, uploaded_by_id=actor_id, now=now,
                      education_activity_id=activity.id, purpose=PURPOSE, township_id=subject.township_id,
                      target_kind="unit" if subject.unit_id else "village",
                      target_id=subject.unit_id or subject.village_id)
    audit_record(actor_id=actor_id, action="create", record=activity, township_id=subject.township_id, at=now,
                 after={"village_or_unit": subject.name, "activity_kind": data.kind, "held_on": data.held_on.isoformat(),
                        "topic": data.topic, "attendance": data.attendance, "note": data.note,
                        "photos": len(photos.uploads) if photos else 0})
    return activity


def _refuse_same_activity(subject: Subject, data: ActivityInput) -> EducationActivity | None:
    """A log holds an activity once: the same kind, day and topic again (Back, then submit) is
    refused, naming the one entered; the same key again (made a moment ago) finds its activity."""
    where = (EducationActivity.unit_id == subject.unit_id if subject.unit_id is not None
             else sa.and_(EducationActivity.village_id == subject.village_id, EducationActivity.unit_id.is_(None)))
    same = db.session.scalar(sa.select(EducationActivity).where(
        where, EducationActivity.kind == data.kind, EducationActivity.held_on == data.held_on,
        EducationActivity.topic == data.topic))
    if same is not None and data.request_key and same.request_key == data.request_key:
        return same
    if same is not None:
        raise InvalidFields({"topic": _(
            "%(name)s's log already has this activity (%(day)s, %(kind)s, \"%(topic)s\", No. %(id)s).",
            name=subject.name, day=same.held_on.isoformat(), kind=same.kind_label, topic=same.topic,
            id=same.id)})
    return None


def _by_key(key: str) -> EducationActivity | None:
    return db.session.scalar(sa.select(EducationActivity).where(EducationActivity.request_key == key))


def settings_save(*, scope: Scope, actor_id: int | None, data: Any, now: datetime) -> EducationSettings:
    """Set the township's targets (its admins only); audited when they change."""
    if not scope.is_admin or scope.township_id is None:
        raise Forbidden(_("Only the hygiene office of a township sets its health-education targets."))
    if data.count_from is not None and data.count_from > local_today(now):
        raise InvalidFields({"count_from": _("The day counting begins cannot be after today.")})
    stored = settings_data(data)
    targets = {k: v for k, v in stored.items() if k != "remind_days_before"}
    row, created = _settings_row(scope.township_id, stored, now)
    before = {"targets": row.targets, "remind_days_before": row.remind_days_before, "count_from": row.count_from}
    after = {"targets": targets, "remind_days_before": stored["remind_days_before"], "count_from": data.count_from}
    if not created and before == after:
        return row
    row.targets, row.remind_days_before, row.count_from = targets, stored["remind_days_before"], data.count_from
    row.updated_by_id, row.updated_at = actor_id, now
    db.session.flush()
    audit_record(actor_id=actor_id, action="create" if created else "update", record=row,
                 township_id=scope.township_id,
                 before=None if created else trail_fields(SETTINGS_TRAIL, _worded(before)),
                 after=trail_fields(SETTINGS_TRAIL, _worded(after)), at=now)
    return row


# every key the settings write to the trail: the reminder days and one per subject and activity
SETTINGS_TRAIL = ("remind_days_before", "count_from",
                  *(f"target_{s.value}_{k.value}" for s in SubjectKind for k in ActivityKind))


def _worded(values: dict) -> dict:
    """The targets as the trail shows them: one entry per subject and kind ("1 every 1 months")."""
    worded: dict[str, Any] = {"remind_days_before": values["remind_days_before"],
                              "count_from": values["count_from"].isoformat() if values["count_from"] else None}
    for subject, kinds in values["targets"].items():
        for kind, target in kinds.items():
            worded[f"target_{subject}_{kind}"] = f"{target['at_least']}/{target['every_months']}"
    return worded


def _settings_row(township_id: int, stored: dict, now: datetime) -> tuple[EducationSettings, bool]:
    """The township's row and whether this call made it; of two first saves at once, the second
    waits on the unique township, then finds the first's row."""
    found = db.session.scalar(sa.select(EducationSettings).where(EducationSettings.township_id == township_id))
    if found is not None:
        return found, False
    row = EducationSettings(township_id=township_id, targets={k: v for k, v in stored.items()
                                                              if k != "remind_days_before"},
                            remind_days_before=stored["remind_days_before"], updated_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return db.session.scalars(sa.select(EducationSettings)
                                  .where(EducationSettings.township_id == township_id)).one(), False
    return row, True
