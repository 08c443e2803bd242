"""Household toilets and public toilet projects: every write. Each stage move is a Transition made
by one conditional UPDATE after its one-time key is claimed by the stage event, so a double tap or
two office PCs at once move a toilet (and pay a subsidy) once. Services flush, never commit."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.audit.services import audit_record, snapshot
from hygiene.clock import local_today
from hygiene.core.status import Transition
from hygiene.errors import DomainError, Forbidden, InvalidFields
from hygiene.extensions import db
from hygiene.media.intake import PhotoLimits
from hygiene.media.services import photos_attach
from hygiene.media.store import PhotoStore
from hygiene.places.models import Household, Village
from hygiene.toilets.kinds import TOILET_TYPES
from hygiene.toilets.models import HouseholdToilet, PublicToiletProject, ToiletStageEvent, ToiletTask
from hygiene.toilets.schemas import PlanInput, PublicNewInput, StepInput, ToiletNewInput, money
from hygiene.toilets.stage_dates import move_date_refusal
from hygiene.toilets.status import (
    COMPLETE,
    EXCLUDE,
    PAY,
    PLAN,
    REWORK,
    START,
    ToiletStage,
)

Record = HouseholdToilet | PublicToiletProject
Uploads = list[tuple[str, bytes]]

BURIED = "toilet_buried"   # photo purpose: the tank and pipes before they are covered
STAGE = "toilet_stage"     # photo purpose: any other stage photo


@dataclass
class Photos:
    """A step's uploads with where they are kept: stage photos, and the buried parts' before covering."""

    store: PhotoStore
    limits: PhotoLimits
    stage: Uploads = field(default_factory=list)
    buried: Uploads = field(default_factory=list)


# --- who may do what -------------------------------------------------------------------------

def _village_work(scope: Scope, record: Record) -> None:
    """Survey, plan, build and complete: the village's contact for their village, or the office's
    admins. Inspectors check toilets through the acceptance inspection; they change no stage."""
    if scope.role is Role.VILLAGE_CONTACT and scope.village_id == record.village_id:
        return
    if scope.is_admin and scope.covers_township(record.township_id):
        return
    raise Forbidden(_("Toilet renovation is recorded by the village's contact and the hygiene office."))


def _office(scope: Scope, record: Record) -> None:
    if not (scope.is_admin and scope.covers_township(record.township_id)):
        raise Forbidden(_("Only the hygiene office can do this."))


# --- the year's task ---------------------------------------------------------------------------

def task_for(*, village_id: int, year: int) -> ToiletTask | None:
    return db.session.scalar(sa.select(ToiletTask).where(ToiletTask.village_id == village_id,
                                                         ToiletTask.year == year))


def _task_of(scope: Scope, village_id: int | None, year: int) -> tuple[Village, ToiletTask]:
    village = db.session.scalar(sa.select(Village).where(Village.id == village_id, scope.clause(Village)))
    if village is None:
        raise InvalidFields({"village_id": _("Choose a village from the list.")})
    task = task_for(village_id=village.id, year=year)
    if task is None:
        raise InvalidFields({"village_id": _(
            "%(village)s has no renovation task for %(year)d: the office sets the task first.",
            village=village.name, year=year)})
    return village, task


# --- a new household toilet (surveyed) ---------------------------------------------------------

def toilet_create(*, scope: Scope, actor_id: int | None, data: ToiletNewInput, now: datetime) -> HouseholdToilet:
    """Put a register household on its village's task for the year (摸底); one toilet per
    household, ever (一宅一厕). The same form sent twice makes one record."""
    if not (scope.role is Role.VILLAGE_CONTACT or (scope.is_admin and scope.township_id is not None)):
        raise Forbidden(_("Toilet renovation is recorded by the village's contact and the hygiene office."))
    if data.request_key and (made := _by_key(HouseholdToilet, data.request_key)) is not None:
        return made
    village, task = _task_of(scope, data.village_id, data.year)
    household = db.session.scalar(sa.select(Household).where(Household.id == data.household_id,
                                                             scope.clause(Household)))
    if household is None:
        raise InvalidFields({"household_id": _("Choose a household from the register.")})
    if household.village_id != village.id:
        raise InvalidFields({"household_id": _(
            "This household is in %(other)s, not in %(village)s: it belongs to its own village's task.",
            other=household.village.name, village=village.name)})
    _refuse_duplicate(household)
    toilet = HouseholdToilet(township_id=village.township_id, village_id=village.id, task_id=task.id,
                             household_id=household.id, stage=ToiletStage.SURVEYED, stage_on=data.surveyed_on,
                             note=data.note, created_by_id=actor_id, request_key=data.request_key)
    try:
        with db.session.begin_nested():
            db.session.add(toilet)
            db.session.flush()
    except IntegrityError:  # the same form, or the same household, at the same moment
        if data.request_key and (made := _by_key(HouseholdToilet, data.request_key)) is not None:
            return made
        _refuse_duplicate(household)
        raise
    _first_event(toilet, actor_id, data.surveyed_on, data.note)
    audit_record(actor_id=actor_id, action="create", record=toilet, township_id=toilet.township_id, at=now,
                 after={"household": str(household), "village": village.name, "year": task.year,
                        "stage": toilet.stage})
    return toilet


def _refuse_duplicate(household: Household) -> None:
    existing = db.session.scalar(sa.select(HouseholdToilet).where(HouseholdToilet.household_id == household.id))
    if existing is not None:
        raise InvalidFields({"household_id": _(
            "%(household)s already has a toilet record (%(stage)s): one toilet per household.",
            household=str(household), stage=ToiletStage.label_of(existing.stage))})


def _by_key(model: type[Any], key: str) -> Any:
    return db.session.scalar(sa.select(model).where(model.request_key == key))


def _first_event(record: Record, actor_id: int | None, day: date, note: str) -> None:
    db.session.add(ToiletStageEvent(township_id=record.township_id, village_id=record.village_id,
                                    happened_on=day, to_stage=record.stage, note=note, actor_id=actor_id,
                                    **_owner(record)))


def _owner(record: Record) -> dict[str, int]:
    return {"toilet_id": record.id} if isinstance(record, HouseholdToilet) else {"public_toilet_id": record.id}


# --- a new public toilet project ---------------------------------------------------------------

def public_create(*, scope: Scope, actor_id: int | None, data: PublicNewInput, now: datetime) -> PublicToiletProject:
    """Put a public toilet to repair or build on its village's task for the year (the office's)."""
    if not (scope.is_admin and scope.township_id is not None):
        raise Forbidden(_("Only the hygiene office can do this."))
    if data.request_key and (made := _by_key(PublicToiletProject, data.request_key)) is not None:
        return made
    village, task = _task_of(scope, data.village_id, data.year)
    same = db.session.scalar(sa.select(PublicToiletProject).where(
        PublicToiletProject.village_id == village.id, sa.func.lower(PublicToiletProject.name) == data.name.lower()))
    if same is not None:
        raise InvalidFields({"name": _("%(village)s already has a public toilet named “%(name)s” (%(year)d task).",
                                       village=village.name, name=same.name, year=same.task.year)})
    project = PublicToiletProject(township_id=village.township_id, village_id=village.id, task_id=task.id,
                                  name=data.name, location=data.location, work=data.work,
                                  stage=ToiletStage.SURVEYED, stage_on=data.surveyed_on, note=data.note,
                                  created_by_id=actor_id, request_key=data.request_key)
    try:
        with db.session.begin_nested():
            db.session.add(project)
            db.session.flush()
    except IntegrityError:
        if data.request_key and (made := _by_key(PublicToiletProject, data.request_key)) is not None:
            return made
        raise
    _first_event(project, actor_id, data.surveyed_on, data.note)
    audit_record(actor_id=actor_id, action="create", record=project, township_id=project.township_id, at=now,
                 after={"name": project.name, "village": village.name, "year": task.year, "stage": project.stage})
    return project


# --- stage moves -------------------------------------------------------------------------------

def skipped_message(record: Record, move: Transition) -> str:
    """Why a move is refused in the record's stage: what it needs, and where the record stands."""
    if record.stage == move.target:
        return _("This is already “%(stage)s”.", stage=ToiletStage.label_of(record.stage))
    needed = "、".join(ToiletStage.label_of(s) for s in sorted(move.sources))
    return _("A toilet that is “%(stage)s” cannot move to “%(target)s”: it must be “%(needed)s” first.",
             stage=ToiletStage.label_of(record.stage), target=ToiletStage.label_of(move.target), needed=needed)


def stage_move(record: Record, move: Transition, *, actor_id: int | None, data: StepInput, now: datetime,
               values: dict[str, Any] | None = None, where: Iterable[sa.ColumnElement[bool]] = (),
               reasons: Iterable[str] = (), refused: str | None = None) -> ToiletStageEvent | None:
    """Make one move: claim the form's key with the stage event, then move the record by a
    conditional UPDATE on the move's sources. Returns the event, or None for a repeat of a
    request that already made it (nothing more to do)."""
    if data.request_key and _by_key(ToiletStageEvent, data.request_key) is not None:
        return None
    if not move.allows(record.stage):
        raise DomainError(refused or skipped_message(record, move))
    if (too_early := move_date_refusal(data.happened_on, previous=record.stage_on,
                                       today=local_today(now))) is not None:
        raise InvalidFields({"happened_on": too_early})
    event = ToiletStageEvent(township_id=record.township_id, village_id=record.village_id, from_stage=record.stage,
                             to_stage=move.target, happened_on=data.happened_on, reasons=list(reasons),
                             note=data.note, actor_id=actor_id, request_key=data.request_key, **_owner(record))
    try:  # the key first: an identical request waits here for the first one, then finds it
        with db.session.begin_nested():
            db.session.add(event)
            db.session.flush()
    except IntegrityError:
        if data.request_key and _by_key(ToiletStageEvent, data.request_key) is not None:
            return None
        raise
    model = type(record)
    before = record.stage
    moved = db.session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult, typed as Result
        sa.update(model).where(model.id == record.id, move.clause(model.stage), *where)
        .values(stage=move.target, stage_on=data.happened_on, **(values or {}))
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(record)
    if not moved:  # another request moved it meanwhile
        raise DomainError(refused or skipped_message(record, move))
    changed = {"stage", *(values or {})}
    shown = snapshot(record, STAGE_FIELDS)
    if isinstance(record, HouseholdToilet):
        shown |= snapshot(record, HOUSEHOLD_FIELDS)
    after = {name: _plain(value) for name, value in shown.items()
             if name in changed and not (name == "failed_reasons" and not value)}  # a pass has none to show
    if "subsidy_paid_by_id" in after:  # the trail names the person, not their id
        payer = db.session.get(User, after.pop("subsidy_paid_by_id")) if after["subsidy_paid_by_id"] else None
        after["subsidy_paid_by"] = payer.display_name if payer else ""
    if data.note:
        after["note"] = data.note
    if reasons and "failed_reasons" not in after:  # said once
        after["reasons"] = list(reasons)
    audit_record(actor_id=actor_id, action="stage", record=record, township_id=record.township_id, at=now,
                 before={"stage": before}, after=after)
    return event


# what a stage move may change, as the trail shows it
STAGE_FIELDS = ("stage", "completed_on", "accepted_on", "failed_reasons", "reworks", "acceptance_inspection_id")
HOUSEHOLD_FIELDS = ("toilet_type", "attached", "demonstration", "subsidy_amount", "subsidy_paid_on",
                    "subsidy_paid_by_id")


def _plain(value: Any) -> Any:
    """A value as the JSON trail keeps it (an amount as text)."""
    return str(value) if isinstance(value, Decimal) else value


def _attach(event: ToiletStageEvent | None, record: Record, photos: Photos | None, actor_id: int | None,
            now: datetime) -> None:
    """The step's photos on its event: a household's under the household (so a photo of one
    household used again for another is flagged), a public project's under the project."""
    if event is None or photos is None:
        return
    target = ({"target_kind": "household", "target_id": record.household_id} if isinstance(record, HouseholdToilet)
              else {"target_kind": "public_toilet", "target_id": record.id})
    for purpose, uploads in ((BURIED, photos.buried), (STAGE, photos.stage)):
        if uploads:
            photos_attach(uploads, store=photos.store, limits=photos.limits, uploaded_by_id=actor_id, now=now,
                          toilet_event_id=event.id, purpose=purpose, township_id=record.township_id, **target)


def toilet_plan(*, scope: Scope, actor_id: int | None, record: Record, data: StepInput, now: datetime) -> None:
    """Choose the type and site (方案; a household's toilet type): surveyed -> planned."""
    _village_work(scope, record)
    values: dict[str, Any] = {}
    if isinstance(record, HouseholdToilet):
        if not isinstance(data, PlanInput):
            raise InvalidFields({"toilet_type": _("Choose a toilet type from the list.")})
        values = {"toilet_type": data.toilet_type, "attached": data.attached, "demonstration": data.demonstration}
    stage_move(record, PLAN, actor_id=actor_id, data=data, now=now, values=values)


def toilet_start(*, scope: Scope, actor_id: int | None, record: Record, data: StepInput, photos: Photos,
                 now: datetime) -> None:
    """Building starts (the pit dug may be photographed): planned -> under construction."""
    _village_work(scope, record)
    _attach(stage_move(record, START, actor_id=actor_id, data=data, now=now), record, photos, actor_id, now)


def toilet_complete(*, scope: Scope, actor_id: int | None, record: Record, data: StepInput, photos: Photos,
                    now: datetime) -> None:
    """Building finished: under construction -> completed. A household toilet needs at least one
    photo of the buried tank before it was covered (§3.5 stage b), since nobody sees it later."""
    _village_work(scope, record)
    if isinstance(record, HouseholdToilet) and not photos.buried and _is_new(data):
        raise InvalidFields({"buried_photos": _(
            "Add at least one photo of the tank and pipes before they were covered.")})
    event = stage_move(record, COMPLETE, actor_id=actor_id, data=data, now=now,
                       values={"completed_on": data.happened_on})
    _attach(event, record, photos, actor_id, now)


def _is_new(data: StepInput) -> bool:
    """False for a repeat of a step already made (its key is on an event): nothing to do again."""
    return not (data.request_key and _by_key(ToiletStageEvent, data.request_key) is not None)


def toilet_rework(*, scope: Scope, actor_id: int | None, record: Record, data: StepInput, now: datetime) -> None:
    """Back to building after a failed acceptance: failed -> under construction."""
    _village_work(scope, record)
    stage_move(record, REWORK, actor_id=actor_id, data=data, now=now,
               values={"reworks": type(record).reworks + 1, "acceptance_inspection_id": None,
                       "completed_on": None})


def toilet_exclude(*, scope: Scope, actor_id: int | None, record: Record, data: StepInput, now: datetime) -> None:
    """Not renovated after all (empty house, relocating, has a sanitary toilet), with the reason."""
    _village_work(scope, record)
    stage_move(record, EXCLUDE, actor_id=actor_id, data=data, now=now)


def subsidy_amount(toilet: HouseholdToilet) -> Any:
    """The task's rate for the toilet's type (yuan), or None when the task sets none."""
    rate = (toilet.task.subsidy_rates or {}).get(toilet.toilet_type or "")
    return money(rate) if rate not in (None, "") else None


def subsidy_pay(*, scope: Scope, actor_id: int, toilet: HouseholdToilet, data: StepInput, now: datetime) -> None:
    """Record the subsidy paid once, after acceptance, at the task's rate for the toilet's type."""
    _office(scope, toilet)
    if not _is_new(data):
        return
    if toilet.subsidy_paid_on is None and not PAY.allows(toilet.stage):
        raise DomainError(_("The subsidy is paid only after acceptance; this toilet is “%(stage)s”.",
                            stage=ToiletStage.label_of(toilet.stage)))
    amount = subsidy_amount(toilet)
    if amount is None and toilet.subsidy_paid_on is None:
        raise DomainError(_("The task sets no subsidy for %(type)s.", type=type_name(toilet.toilet_type)))
    try:
        stage_move(toilet, PAY, actor_id=actor_id, data=data, now=now,
                   where=[HouseholdToilet.subsidy_paid_on.is_(None)],
                   values={"subsidy_amount": amount, "subsidy_paid_on": data.happened_on,
                           "subsidy_paid_by_id": actor_id})
    except DomainError:
        if toilet.subsidy_paid_on is not None:  # paid already (by another office PC, perhaps)
            raise DomainError(_("The subsidy was already paid on %(day)s.",
                                day=toilet.subsidy_paid_on.isoformat())) from None
        raise


def type_name(key: str | None) -> str:
    """A toilet type in the reader's language."""
    from flask_babel import get_locale

    kind = TOILET_TYPES.get(key or "")
    if kind is None:
        return key or ""
    return kind.name["zh"] if str(get_locale() or "zh").startswith("zh") else kind.name["en"]


# --- what the pages offer ----------------------------------------------------------------------

NEXT_STEPS = {  # the stage's next move first; excluding is offered beside it while not started
    ToiletStage.SURVEYED: ("plan", "exclude"),
    ToiletStage.PLANNED: ("start", "exclude"),
    ToiletStage.UNDER_CONSTRUCTION: ("complete",),
    ToiletStage.COMPLETED: ("accept_request",),
    ToiletStage.FAILED: ("rework",),
    ToiletStage.ACCEPTED: ("pay",),
}
OFFICE_STEPS = frozenset({"accept_request", "pay"})


def step_check(scope: Scope, record: Record, step: str) -> None:
    """Refuse (403) a step this scope's role may not take on the record."""
    if step in OFFICE_STEPS:
        _office(scope, record)
    else:
        _village_work(scope, record)


def steps_offered(scope: Scope, record: Record) -> list[str]:
    """The steps the record's page offers this reader: its stage's, those the role may take."""
    steps = list(NEXT_STEPS.get(ToiletStage(record.stage), ()))
    if isinstance(record, PublicToiletProject):
        steps = [s for s in steps if s != "pay"]
    offered = []
    for step in steps:
        if step == "accept_request" and record.acceptance_inspection_id:
            continue  # asked for: the inspection is under way
        if step == "pay" and isinstance(record, HouseholdToilet) and subsidy_amount(record) is None:
            continue  # the task sets no rate for the type: the page says so instead
        try:
            step_check(scope, record, step)
        except Forbidden:
            continue
        offered.append(step)
    return offered
