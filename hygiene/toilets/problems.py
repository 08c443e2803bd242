"""Follow-up problems (回头看, 管护): a leak, a full tank needing pumping, broken parts, a toilet not
used... reported on an accepted toilet or public project, taken up, fixed, reopened. Each status move
is one conditional UPDATE, so a double tap or two PCs at once move a problem once; a report carries
its form's one-time key. Services flush, never commit."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record
from hygiene.core.status import Transition
from hygiene.errors import DomainError, Forbidden, InvalidFields
from hygiene.extensions import db
from hygiene.media.services import photos_attach
from hygiene.toilets import problem_notices
from hygiene.toilets.models import HouseholdToilet, PublicToiletProject, ToiletProblem
from hygiene.toilets.problem_schemas import ProblemFixInput, ProblemNewInput, ProblemStepInput
from hygiene.toilets.services import Photos, Record
from hygiene.toilets.status import DONE, FIX, REOPEN_PROBLEM, TAKE_UP, ProblemStatus, ToiletStage

REPORTED = "toilet_problem"   # photo purpose: the problem as found
FIXED = "toilet_fixed"        # photo purpose: the fix (the repair, the pumped tank)
FOLLOW_UP = "follow_up"       # a problem's source: the yearly sample's check
REPORT = "report"             # a problem's source: a household's or the village's report


def _may_work(scope: Scope, village_id: int, township_id: int) -> None:
    """The village's contact for their village, or the township's office."""
    if scope.role is Role.VILLAGE_CONTACT and scope.village_id == village_id:
        return
    if scope.is_admin and scope.covers_township(township_id):
        return
    raise Forbidden(_("Follow-up problems are recorded by the village's contact and the hygiene office."))


def may_report(scope: Scope, record: Record) -> bool:
    """Whether this reader may report a problem on the record (their village's, or the office)."""
    try:
        _may_work(scope, record.village_id, record.township_id)
    except Forbidden:
        return False
    return True


def accepted(record: Record) -> bool:
    """Only a renovated toilet has follow-up problems: accepted (a household's subsidy paid or not)."""
    return record.stage in DONE if isinstance(record, HouseholdToilet) else record.stage == ToiletStage.ACCEPTED


def problem_report(*, scope: Scope, actor_id: int | None, record: Record, data: ProblemNewInput,
                   photos: Photos | None, now: datetime, source: str = REPORT,
                   sample_id: int | None = None) -> ToiletProblem:
    """Report a problem found on an accepted toilet or public project, with photos of it; the same
    form sent twice makes one problem."""
    _may_work(scope, record.village_id, record.township_id)
    if data.request_key and (made := _by_key(data.request_key)) is not None:
        return made
    if not accepted(record):
        raise DomainError(_("Problems are followed up on accepted toilets; this one is “%(stage)s”.",
                            stage=ToiletStage.label_of(record.stage)))
    if data.reported_on < _accepted_on(record):
        raise InvalidFields({"reported_on": _("The toilet was accepted on %(day)s: a problem comes after.",
                                              day=_accepted_on(record).isoformat())})
    owner = _owner(record)
    problem = ToiletProblem(township_id=record.township_id, village_id=record.village_id, kind=data.kind,
                            status=ProblemStatus.REPORTED, reported_on=data.reported_on, source=source,
                            sample_id=sample_id, note=data.note, reported_by_id=actor_id,
                            request_key=data.request_key, **owner)
    try:  # the key first: an identical request waits here for the first one, then finds it
        with db.session.begin_nested():
            db.session.add(problem)
            db.session.flush()
    except IntegrityError:
        if data.request_key and (made := _by_key(data.request_key)) is not None:
            return made
        raise
    _attach(problem, record, photos.stage if photos else [], REPORTED, photos, actor_id, now)
    audit_record(actor_id=actor_id, action="create", record=problem, township_id=problem.township_id, at=now,
                 after={"toilet": str(record), "kind": problem.kind, "status": problem.status,
                        "source": source, "reported_on": problem.reported_on.isoformat(), "note": data.note})
    problem_notices.tell_reported(problem, actor_id=actor_id, now=now)
    return problem


def _accepted_on(record: Record) -> date:
    return record.accepted_on or record.stage_on


def _by_key(key: str) -> ToiletProblem | None:
    return db.session.scalar(sa.select(ToiletProblem).where(ToiletProblem.request_key == key))


def _owner(record: Record) -> dict[str, int]:
    return {"toilet_id": record.id} if isinstance(record, HouseholdToilet) else {"public_toilet_id": record.id}


def _attach(problem: ToiletProblem, record: Record, uploads: list[tuple[str, bytes]], purpose: str,
            photos: Photos | None, actor_id: int | None, now: datetime) -> None:
    """Photos on the problem, kept under the household (or the public project) like its stage photos."""
    if not uploads or photos is None:
        return
    target = ({"target_kind": "household", "target_id": record.household_id} if isinstance(record, HouseholdToilet)
              else {"target_kind": "public_toilet", "target_id": record.id})
    photos_attach(uploads, store=photos.store, limits=photos.limits, uploaded_by_id=actor_id, now=now,
                  toilet_problem_id=problem.id, purpose=purpose, township_id=problem.township_id, **target)


def _move(problem: ToiletProblem, move: Transition, *, actor_id: int | None, now: datetime,
          values: dict[str, Any] | None = None, note: str = "",
          where: tuple[sa.ColumnElement[bool], ...] | list[sa.ColumnElement[bool]] = ()) -> bool:
    """Move the problem by a conditional UPDATE; False for a repeat (it is there already)."""
    if problem.status == move.target:
        return False
    if not move.allows(problem.status):
        raise DomainError(_("A problem that is “%(status)s” cannot become “%(target)s”.",
                            status=ProblemStatus.label_of(problem.status),
                            target=ProblemStatus.label_of(move.target)))
    before = problem.status
    moved = db.session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult
        sa.update(ToiletProblem).where(ToiletProblem.id == problem.id, move.clause(ToiletProblem.status), *where)
        .values(status=move.target, **(values or {})).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(problem)
    if not moved:  # another request moved it meanwhile: the same move is done, another one refuses
        if problem.status == move.target:
            return False
        raise DomainError(_("A problem that is “%(status)s” cannot become “%(target)s”.",
                            status=ProblemStatus.label_of(problem.status),
                            target=ProblemStatus.label_of(move.target)))
    after: dict[str, Any]
    after = {"status": move.target}
    if values and "fixed_on" in values:
        after["fixed_on"] = values["fixed_on"].isoformat() if values["fixed_on"] else None
    if values and "fix_note" in values:
        after["fix_note"] = values["fix_note"]
    if note:
        after["note"] = note
    audit_record(actor_id=actor_id, action="status", record=problem, township_id=problem.township_id, at=now,
                 before={"status": before}, after=after)
    return True


def problem_take_up(*, scope: Scope, actor_id: int | None, problem: ToiletProblem, data: ProblemStepInput,
                    now: datetime) -> None:
    """Someone is on it (a repairer sent, the pumping truck booked): reported -> being fixed."""
    _may_work(scope, problem.village_id, problem.township_id)
    _move(problem, TAKE_UP, actor_id=actor_id, now=now, note=data.note)


def problem_fix(*, scope: Scope, actor_id: int | None, problem: ToiletProblem, record: Record,
                data: ProblemFixInput, photos: Photos | None, now: datetime) -> None:
    """Fixed, with what was done, the day and photos of the fix."""
    _may_work(scope, problem.village_id, problem.township_id)
    if data.fixed_on < problem.reported_on:
        raise InvalidFields({"fixed_on": _("The problem was found on %(day)s: it is fixed after that.",
                                           day=problem.reported_on.isoformat())})
    if _move(problem, FIX, actor_id=actor_id, now=now, note=data.note,
             values={"fixed_on": data.fixed_on, "fix_note": data.fix_note}):
        _attach(problem, record, photos.stage if photos else [], FIXED, photos, actor_id, now)
        problem_notices.tell_fixed(problem, actor_id=actor_id, now=now)


def problem_reopen(*, scope: Scope, actor_id: int | None, problem: ToiletProblem, data: ProblemStepInput,
                   now: datetime) -> None:
    """The office finds the fix did not hold: fixed -> reported again (with why)."""
    if not (scope.is_admin and scope.covers_township(problem.township_id)):
        raise Forbidden(_("Only the hygiene office can do this."))
    if not data.note:
        raise InvalidFields({"note": _("Say why the problem is open again.")})
    if problem.status != ProblemStatus.FIXED:  # a repeat, or refused: _move says which
        _move(problem, REOPEN_PROBLEM, actor_id=actor_id, now=now, note=data.note)
        return
    _move(problem, REOPEN_PROBLEM, actor_id=actor_id, now=now, note=data.note,
          values={"fixed_on": None, "fix_note": "", "past_fixes": [*problem.past_fixes, _past_fix(problem, data, now)]},
          where=[ToiletProblem.fixed_on == problem.fixed_on])


def _past_fix(problem: ToiletProblem, data: ProblemStepInput, now: datetime) -> dict[str, Any]:
    """The fix that did not hold, kept as history: its day, what was done, its photos, and why and
    when it was opened again (the page shows it apart from the new fix's form)."""
    from hygiene.clock import local_today
    from hygiene.media.models import Photo

    kept = {pid for fix in problem.past_fixes for pid in fix.get("photo_ids", [])}
    photos = [pid for pid in db.session.scalars(sa.select(Photo.id).where(
        Photo.toilet_problem_id == problem.id, Photo.purpose == FIXED).order_by(Photo.id)) if pid not in kept]
    return {"fixed_on": problem.fixed_on.isoformat() if problem.fixed_on else None, "fix_note": problem.fix_note,
            "reopened_on": local_today(now).isoformat(), "reason": data.note, "photo_ids": photos}


def steps_offered(scope: Scope, problem: ToiletProblem) -> list[str]:
    """The moves the problem's page offers this reader."""
    steps = {ProblemStatus.REPORTED: ["take_up", "fix"], ProblemStatus.IN_HAND: ["fix"],
             ProblemStatus.FIXED: ["reopen"]}[ProblemStatus(problem.status)]
    if not (scope.role is Role.VILLAGE_CONTACT and scope.village_id == problem.village_id
            or scope.is_admin and scope.covers_township(problem.township_id)):
        return []
    return [s for s in steps if s != "reopen" or scope.is_admin]


def record_of(problem: ToiletProblem) -> Record:
    """The toilet or project the problem is on."""
    if problem.toilet_id is not None:
        return db.session.get_one(HouseholdToilet, problem.toilet_id)
    return db.session.get_one(PublicToiletProject, problem.public_toilet_id)
