"""Creation: the office sets the year's targets; a village or unit applies and assesses itself;
the office asks for the township review (an inspection, review.py), records the county's steps
(submitted, accepted and named, rejected), the re-review of a title and the reward paid once.
Services flush, never commit.

Each step claims the application with one conditional UPDATE on its allowed statuses and the
form's key (core/once.py), so a double tap or two identical requests make the step once."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record, trail_fields
from hygiene.clock import local_today
from hygiene.core.once import claim_once, is_repeat
from hygiene.core.status import Transition
from hygiene.creation.kinds import KINDS, level_of
from hygiene.creation.models import CreationApplication, CreationTarget
from hygiene.creation.schemas import ApplyInput, RewardInput, SelfAssessInput, StepInput, TargetsInput
from hygiene.creation.status import (
    HELD,
    NAME,
    REJECT,
    RENAME,
    REVOKE,
    SELF_ASSESS,
    SUBMIT,
    CreationStatus,
)
from hygiene.errors import DomainError, Forbidden, InvalidFields, NotFound
from hygiene.extensions import db
from hygiene.places.models import Unit, Village


def _office(scope: Scope, township_id: int) -> None:
    if not (scope.is_admin and scope.covers_township(township_id)):
        raise Forbidden(_("Only the hygiene office can do this."))


# --- the year's targets ------------------------------------------------------------------------

def targets_save(*, scope: Scope, actor_id: int | None, township_id: int, data: TargetsInput, now: datetime) -> int:
    """Set every kind and level's target and reward of the year (made or replaced); returns how
    many rows changed. The same form again changes nothing and leaves no trace."""
    _office(scope, township_id)
    changed = 0
    for row in data.rows:
        target = _target_of(township_id, data.year, row.kind, row.level)
        if target is None:
            made = CreationTarget(township_id=township_id, year=data.year, kind=row.kind, level=row.level,
                                  target=row.target, reward=row.reward, created_at=now, updated_at=now)
            try:
                with db.session.begin_nested():
                    db.session.add(made)
                    db.session.flush()
            except IntegrityError:  # the same targets saved at the same moment: update what the other made
                target = _target_of(township_id, data.year, row.kind, row.level)
                if target is None:
                    raise
            else:
                changed += 1
                audit_record(actor_id=actor_id, action="create", record=made,
                             township_id=township_id, at=now,
                             after={"year": data.year, "creation_title": f"{row.kind}:{row.level}",
                                    "target_count": row.target, "reward": str(row.reward)})
                continue
        before = {"target_count": target.target, "reward": str(target.reward)}
        after = {"target_count": row.target, "reward": str(row.reward)}
        if before != after:
            target.target, target.reward, target.updated_at = row.target, row.reward, now
            changed += 1
            audit_record(actor_id=actor_id, action="update", record=target, township_id=township_id, at=now,
                         before=before, after=after)
    db.session.flush()
    return changed


def _target_of(township_id: int, year: int, kind: str, level: str) -> CreationTarget | None:
    return db.session.scalar(sa.select(CreationTarget).where(
        CreationTarget.township_id == township_id, CreationTarget.year == year, CreationTarget.kind == kind,
        CreationTarget.level == level).with_for_update())


def reward_of(*, township_id: int, year: int, kind: str, level: str) -> Decimal:
    """The office's reward for a title of this level named in `year`: its target row's, else the default."""
    reward = db.session.scalar(sa.select(CreationTarget.reward).where(
        CreationTarget.township_id == township_id, CreationTarget.year == year,
        CreationTarget.kind == kind, CreationTarget.level == level))
    found = level_of(kind, level)
    return reward if reward is not None else (found.reward if found else Decimal(0))


# --- applying ------------------------------------------------------------------------------------

def applicant_of(*, scope: Scope, applicant: str) -> tuple[Village, Unit | None]:
    """The village (v<id>) or unit (u<id>) the scope may apply for, or InvalidFields."""
    record_id = int(applicant[1:])
    if applicant[0] == "v" and scope.role is not Role.UNIT_CONTACT:
        village = db.session.scalar(sa.select(Village).where(Village.id == record_id, scope.clause(Village),
                                                             Village.active.is_(True)))
        if village is not None and (scope.township_wide or scope.village_id == village.id):
            return village, None
    elif applicant[0] == "u":
        unit = db.session.scalar(sa.select(Unit).where(Unit.id == record_id, scope.clause(Unit),
                                                       Unit.active.is_(True)))
        if unit is not None and (scope.township_wide or scope.unit_id == unit.id
                                 or (scope.role is Role.VILLAGE_CONTACT and scope.village_id == unit.village_id)):
            return unit.village, unit
    raise InvalidFields({"applicant": _("Choose a value from the list.")})


def may_apply(scope: Scope) -> bool:
    """Contacts apply for their own village or unit; the office's admins for any of theirs."""
    return scope.is_admin or scope.role in (Role.VILLAGE_CONTACT, Role.UNIT_CONTACT)


def application_create(*, scope: Scope, actor_id: int | None, data: ApplyInput, now: datetime) -> CreationApplication:
    """A village or unit applies for a title of one kind and level (one open or held at a time)."""
    if not may_apply(scope):
        raise Forbidden(_("Only the applicant's contact or the hygiene office applies."))
    if data.request_key and (done := _by_key(data.request_key)) is not None:
        return done
    village, unit = applicant_of(scope=scope, applicant=data.applicant)
    kind = KINDS[data.kind]
    if kind.applicant != ("unit" if unit is not None else "village"):
        raise InvalidFields({"kind": _("A village applies for a hygienic village; a unit for a hygienic or "
                                       "smoke-free unit.")})
    if data.level not in kind.levels:
        raise InvalidFields({"level": _("This title has no such level.")})
    if data.applied_on.year > data.year + 1 or data.applied_on.year < data.year - 1:
        raise InvalidFields({"applied_on": _("The application date must fall in the creation year or next to it.")})
    standing_key = f"u{unit.id}" if unit else f"v{village.id}"
    standing_key += f":{data.kind}:{data.level}"
    if (same := _refuse_standing(standing_key, unit.name if unit else village.name, data.request_key)) is not None:
        return same   # this very request, made meanwhile by its twin
    application = CreationApplication(standing_key=standing_key,
        township_id=village.township_id, village_id=village.id, unit_id=unit.id if unit else None, kind=data.kind,
        level=data.level, year=data.year, status=CreationStatus.APPLIED, applied_on=data.applied_on,
        note=data.note, created_by_id=actor_id, created_at=now, request_key=data.request_key)
    try:  # the key first: an identical request waits here for the first one, then finds it
        with db.session.begin_nested():
            db.session.add(application)
            db.session.flush()
    except IntegrityError:
        if data.request_key and (done := _by_key(data.request_key)) is not None:
            return done
        _refuse_standing(standing_key, unit.name if unit else village.name, None)  # another phone, same moment
        raise
    audit_record(actor_id=actor_id, action="create", record=application, township_id=village.township_id, at=now,
                 after={"applicant": application.applicant_name, "creation_title": f"{data.kind}:{data.level}",
                        "year": data.year, "applied_on": data.applied_on.isoformat(), "note": data.note})
    return application


def _by_key(key: str) -> CreationApplication | None:
    return db.session.scalar(sa.select(CreationApplication).where(CreationApplication.request_key == key))


def _refuse_standing(standing_key: str, applicant: str, request_key: str | None) -> CreationApplication | None:
    """Refuse a second application while one of the same applicant and title is open or its title
    stands; return it when it is this request's own (its twin committed it a moment ago)."""
    standing = db.session.scalar(sa.select(CreationApplication).where(
        CreationApplication.standing_key == standing_key))
    if standing is not None and request_key and standing.request_key == request_key:
        return standing
    if standing is not None:
        raise InvalidFields({"level": _("%(applicant)s already has this title or an application for it (%(status)s).",
                                        applicant=applicant, status=CreationStatus.label_of(standing.status))})
    return None


def application_get(*, scope: Scope, application_id: int) -> CreationApplication:
    """An application the scope reads, or NotFound."""
    found = db.session.scalar(sa.select(CreationApplication).where(
        CreationApplication.id == application_id, scope.clause(CreationApplication)))
    if found is None:
        raise NotFound("application not found")
    return found


def is_applicant(scope: Scope, application: CreationApplication) -> bool:
    """The applicant's own contact (a unit's, or the village's for itself and its units) or the office's admin."""
    if scope.is_admin:
        return scope.covers_township(application.township_id)
    if scope.role is Role.UNIT_CONTACT:
        return application.unit_id == scope.unit_id
    return scope.role is Role.VILLAGE_CONTACT and application.village_id == scope.village_id


# --- the steps -----------------------------------------------------------------------------------

# every key a step writes to the trail (the audit labels word each one)
STEP_TRAIL = ("status", "self_score", "self_assessed_on", "self_note", "reviewed_on", "submitted_on", "note",
              "accepted_on", "named_on", "document", "review_due_on", "closed_on", "reason", "rereviewed_on")

def _move(application: CreationApplication, move: Transition, *, actor_id: int | None, key: str | None,
          values: dict[str, Any], now: datetime, audit: dict[str, Any] | None = None) -> bool:
    """Claim the step for the form's key and make it; False for a repeat (nothing done again)."""
    if key and is_repeat(application, "step_key", key):
        return False
    before = application.status
    if not move.allows(before):
        raise DomainError(refused_message(application, move))
    claimed = claim_once(application, key_column="step_key", key=key or "",
                         allowed=move.clause(CreationApplication.status),
                         values={"status": move.target, **values}, refused=refused_message(application, move))
    if not claimed:
        return False
    shown = {name: (value.isoformat() if isinstance(value, date) else str(value) if isinstance(value, Decimal)
                    else value) for name, value in values.items() if name != "standing_key"}
    audit_record(actor_id=actor_id, action="status", record=application, township_id=application.township_id,
                 at=now, before={"status": before},
                 after=trail_fields(STEP_TRAIL, {"status": str(move.target), **shown, **(audit or {})}))
    return True


def refused_message(application: CreationApplication, move: Transition) -> str:
    """Why a step is refused in the application's status: where it stands and what it needs."""
    if application.status == move.target:
        return _("This is already “%(status)s”.", status=CreationStatus.label_of(application.status))
    needed = "、".join(CreationStatus.label_of(s) for s in sorted(move.sources))
    return _("An application that is “%(status)s” cannot become “%(target)s”: it must be “%(needed)s” first.",
             status=CreationStatus.label_of(application.status), target=CreationStatus.label_of(move.target),
             needed=needed)


def _not_before(day: date, previous: date | None, field: str = "happened_on") -> None:
    if previous is not None and day < previous:
        raise InvalidFields({field: _("This date cannot be before the previous step (%(day)s).",
                                      day=previous.isoformat())})


def self_assess(*, scope: Scope, actor_id: int | None, application: CreationApplication, data: SelfAssessInput,
                now: datetime) -> bool:
    """A self-assessment done on paper, recorded by the office: its score and day (the applicant's
    contact fills it as an inspection instead: selfassess.py)."""
    _office(scope, application.township_id)
    if not (data.request_key and is_repeat(application, "step_key", data.request_key)):
        _not_before(data.happened_on, application.applied_on)
    return _move(application, SELF_ASSESS, actor_id=actor_id, key=data.request_key, now=now,
                 values={"self_score": data.score, "self_assessed_on": data.happened_on, "self_note": data.note})


def submit(*, scope: Scope, actor_id: int | None, application: CreationApplication, data: StepInput,
           now: datetime) -> bool:
    """The township sends the reviewed application to the county (the office records the day)."""
    _office(scope, application.township_id)
    if not (data.request_key and is_repeat(application, "step_key", data.request_key)):
        _not_before(data.happened_on, application.reviewed_on)
    return _move(application, SUBMIT, actor_id=actor_id, key=data.request_key, now=now,
                 values={"submitted_on": data.happened_on}, audit={"note": data.note})


def name(*, scope: Scope, actor_id: int | None, application: CreationApplication, data: StepInput,
         now: datetime) -> bool:
    """The county accepted (验收) and named (命名) the title: both dates and the document; the
    re-review falls due on the level's cycle from the naming."""
    _office(scope, application.township_id)
    repeat = bool(data.request_key and is_repeat(application, "step_key", data.request_key))
    if not repeat:
        if data.accepted_on is None:
            raise InvalidFields({"accepted_on": _("Enter a date.")})
        _not_before(data.accepted_on, application.submitted_on, "accepted_on")
        _not_before(data.happened_on, data.accepted_on)
    return _move(application, NAME, actor_id=actor_id, key=data.request_key, now=now,
                 values={"accepted_on": data.accepted_on, "named_on": data.happened_on,
                         "document": data.document, "review_due_on": review_due(application, data.happened_on)})


def review_due(application: CreationApplication, named_on: date) -> date:
    """The day the title's re-review falls due: its level's cycle after the naming (29 Feb: 28th)."""
    found = level_of(application.kind, application.level)
    years = found.review_years if found else 3
    try:
        return named_on.replace(year=named_on.year + years)
    except ValueError:
        return named_on.replace(year=named_on.year + years, day=28)


def reject(*, scope: Scope, actor_id: int | None, application: CreationApplication, data: StepInput,
           now: datetime) -> bool:
    """The county (or the township) turned the application down, with the reason."""
    _office(scope, application.township_id)
    repeat = bool(data.request_key and is_repeat(application, "step_key", data.request_key))
    if not repeat:
        if not data.note:
            raise InvalidFields({"note": _("Say why.")})
        _not_before(data.happened_on, application.applied_on)
    return _move(application, REJECT, actor_id=actor_id, key=data.request_key, now=now,
                 values={"closed_on": data.happened_on, "reason": data.note, "standing_key": None})


def rereview(*, scope: Scope, actor_id: int | None, application: CreationApplication, data: StepInput,
             now: datetime) -> bool:
    """The re-review's outcome: passed (re-named, the next cycle starts) or revoked with the reason."""
    _office(scope, application.township_id)
    repeat = bool(data.request_key and is_repeat(application, "step_key", data.request_key))
    if data.result not in ("pass", "revoke") and not repeat:
        raise InvalidFields({"result": _("Choose a value from the list.")})
    if not repeat:
        _not_before(data.happened_on, application.named_on)
        if data.result == "revoke" and not data.note:
            raise InvalidFields({"note": _("Say why.")})
    if data.result == "pass":
        return _move(application, RENAME, actor_id=actor_id, key=data.request_key, now=now,
                     values={"rereviewed_on": data.happened_on,
                             "review_due_on": review_due(application, data.happened_on)})
    return _move(application, REVOKE, actor_id=actor_id, key=data.request_key, now=now,
                 values={"rereviewed_on": data.happened_on, "closed_on": data.happened_on, "reason": data.note,
                         "standing_key": None})


def reward_pay(*, scope: Scope, actor_id: int, application: CreationApplication, data: RewardInput,
               now: datetime) -> bool:
    """Record the reward paid for a named title, once: the amount the office set for its level
    (or the one typed), on the day paid. A second payment is refused; a repeat does nothing."""
    _office(scope, application.township_id)
    if data.request_key and is_repeat(application, "step_key", data.request_key):
        return False
    if application.reward_paid_on is not None:
        raise DomainError(_("The reward for this title was already paid on %(day)s.",
                            day=application.reward_paid_on.isoformat()))
    if application.status not in HELD:
        raise DomainError(_("A reward is paid only for a named title."))
    _not_before(data.paid_on, application.named_on, "paid_on")
    amount = data.amount if data.amount is not None else reward_of(
        township_id=application.township_id, year=(application.named_on or local_today(now)).year,
        kind=application.kind, level=application.level)
    claimed = claim_once(application, key_column="step_key", key=data.request_key or "",
                         allowed=sa.and_(CreationApplication.reward_paid_on.is_(None),
                                         CreationApplication.status.in_(HELD)),
                         values={"reward_amount": amount, "reward_paid_on": data.paid_on,
                                 "reward_paid_by_id": actor_id},
                         refused=_("The reward for this title was already paid."))
    if claimed:
        audit_record(actor_id=actor_id, action="update", record=application, township_id=application.township_id,
                     at=now, before={"reward_paid_on": None},
                     after={"reward_amount": str(amount), "reward_paid_on": data.paid_on.isoformat()})
    return claimed
