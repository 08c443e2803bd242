"""Inspection plans: validation, target selection, the recorded random draw, and making
each begun period's inspections exactly once."""
from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role, User
from hygiene.audit.services import audit_record
from hygiene.checklists.models import ChecklistTemplate
from hygiene.checklists.queries import template_visible_clause
from hygiene.checklists.services import latest_version
from hygiene.clock import local_today, to_local
from hygiene.core.schemas import parse_input, valid_values
from hygiene.errors import DomainError, Forbidden, InvalidFields
from hygiene.extensions import db
from hygiene.inspections.models import Inspection, InspectionPlan, SampleDraw
from hygiene.inspections.plans.rounds import PlanPeriod, begun_periods
from hygiene.inspections.plans.schemas import TARGET_MODES, PlanInput
from hygiene.places.models import Cleaner, Household, Unit, Village
from hygiene.places.rules import UNIT_CATEGORIES

TARGET_MODELS: dict[str, type[Any]] = {"village": Village, "unit": Unit, "household": Household, "cleaner": Cleaner}


# A plan's start may lie a year back at most, and the periods already over that the office
# chooses to inspect after all make at most this many inspections (a mistyped 2016 or 0001
# once made thousands, or 1.27 million, in one request).
MAX_BACKFILL_DAYS = 366
MAX_BACKFILL_INSPECTIONS = 2000


class PlanInvalid(InvalidFields):
    """A plan is wrong."""


class PlanNeedsConfirmation(DomainError):
    """Periods already over would be inspected: the office confirms the count first."""

    def __init__(self, periods: int, inspections: int):
        super().__init__(_("The start date lies in the past: %(periods)d periods are already over "
                           "and would get %(n)d inspections. Their time to complete has passed, so they show as "
                           "overdue on the inspectors' agendas at once: use this to record inspections done "
                           "on paper. Press “Save the plan” again to make them, or untick the box to start "
                           "with the current period.",
                           periods=periods, n=inspections))
        self.periods, self.inspections = periods, inspections


@dataclass(frozen=True)
class Target:
    kind: str
    id: int
    village_id: int
    label: str


def plan_input(*, scope: Scope, data: Mapping[str, Any], today: date | None = None) -> PlanInput:
    """The checked input of a plan from its form. When fields are wrong, PlanInvalid names each
    of them and what the register says about the rest (checklist, targets, inspectors, dates)."""
    try:
        return parse_input(PlanInput, data, invalid=PlanInvalid)
    except PlanInvalid as invalid:
        errors = dict(invalid.errors)
    _plan_of(scope, None, valid_values(PlanInput, data, leave_out=errors), errors,
             today or local_today())
    raise PlanInvalid(errors)


def plan_create(*, scope: Scope, actor_id: int | None, data: PlanInput, today: date | None = None,
                confirm_past: str | None = None) -> InspectionPlan:
    """Create a plan after checking every field; raises PlanInvalid with all problems.

    With data.backfill, periods already over are inspected too: a caller that shows the
    office a form passes the count the office confirmed as `confirm_past` ("" before it has
    seen one), and gets PlanNeedsConfirmation while it differs."""
    if not scope.is_admin or scope.township_id is None:
        raise Forbidden(_("Plans are made by a township's hygiene office."))
    today = today or local_today()
    key = data.request_key
    if key and (made := _plan_of_key(scope, key)) is not None:
        return made  # the same form sent again: the plan it made
    errors: dict[str, str] = {}
    plan, template, inspectors = _plan_of(scope, actor_id, data.model_dump(), errors, today)
    if errors:
        raise PlanInvalid(errors)
    if plan.backfill:
        _check_backfill(plan, template, today, confirm_past)
    plan.inspectors, plan.request_key = inspectors, key
    try:
        with db.session.begin_nested():
            db.session.add(plan)
            db.session.flush()
    except IntegrityError:  # the same form at the same moment: the other request made it
        made = _plan_of_key(scope, key) if key else None
        if made is None:
            raise
        return made
    audit_record(actor_id=actor_id, action="create", record=plan, township_id=plan.township_id,
                 after={"name": plan.name, "mode": plan.target_mode, "recurrence": plan.recurrence})
    return plan


def _plan_of(scope: Scope, actor_id: int | None, fields: dict, errors: dict[str, str], today: date):
    """The unsaved plan of checked `fields`, its checklist and inspectors; what the register and
    today's date say about them goes to `errors`."""
    template = _template(scope, fields.get("template_id"), errors) if "template_id" not in errors else None
    plan = InspectionPlan(
        township_id=scope.township_id, name=fields.get("name", ""),
        template_id=template.id if template else None,
        target_mode=fields.get("target_mode"), unit_category=fields.get("unit_category"),
        target_ids=fields.get("target_ids", []), sample_size=fields.get("sample_size"),
        recurrence=fields.get("recurrence"), start_date=fields.get("start_date"),
        end_date=fields.get("end_date"), days_allowed=fields.get("days_allowed") or 0,
        cross_check=fields.get("cross_check", False), backfill=fields.get("backfill", False),
        created_by_id=actor_id)
    _check_plan(plan, template, scope, errors, today)
    inspectors = (_inspectors(scope, fields.get("inspector_ids", []), errors)
                  if "inspector_ids" not in errors else [])
    return plan, template, inspectors


def _plan_of_key(scope: Scope, key: str) -> InspectionPlan | None:
    return db.session.scalar(sa.select(InspectionPlan).where(
        InspectionPlan.request_key == key, InspectionPlan.township_id == scope.township_id))


def _check_plan(plan: InspectionPlan, template, scope: Scope, errors: dict[str, str],
                today: date) -> None:
    if not isinstance(plan.start_date, date):
        return  # PlanInput named it
    if plan.start_date < today - timedelta(days=MAX_BACKFILL_DAYS):
        errors["start_date"] = _("The start date may lie at most a year back (not before "
                                 "%(date)s).", date=(today - timedelta(days=MAX_BACKFILL_DAYS)).isoformat())
    elif plan.end_date and plan.end_date < plan.start_date:
        errors["end_date"] = _("The end date is before the start date.")
    if plan.target_mode in TARGET_MODES and template is not None:
        _check_targets(plan, template, scope, errors)


def _check_targets(plan, template, scope: Scope, errors: dict[str, str]) -> None:
    if plan.target_mode == "list":
        found = {t.id for t in _population(template.applies_to, scope, ids=plan.target_ids)}
        if not plan.target_ids or found != set(plan.target_ids):
            errors["target_ids"] = _("Choose the targets from the list.")
    if plan.target_mode == "category" or (plan.target_mode == "sample" and plan.unit_category):
        if template.applies_to != "unit" or plan.unit_category not in UNIT_CATEGORIES:
            errors["unit_category"] = _("Choose a unit category (the checklist must be for units).")
    if plan.target_mode == "sample" and not (plan.sample_size and plan.sample_size > 0):
        errors["sample_size"] = _("How many targets should be drawn?")
    elif plan.target_mode == "sample" and "unit_category" not in errors:
        population = _population_size(plan, template)
        if plan.sample_size > population:
            errors["sample_size"] = _("There are only %(n)d targets to draw from: draw at most that many, "
                                      "or inspect them all.", n=population)


def _check_backfill(plan: InspectionPlan, template, today: date, confirm_past: str | None) -> None:
    periods, inspections = past_round(plan, template, today)
    if inspections > MAX_BACKFILL_INSPECTIONS:
        raise PlanInvalid({"backfill": _(
            "The periods already over would get %(n)d inspections, more than %(max)d at once. "
            "Choose a later start date.", n=inspections, max=MAX_BACKFILL_INSPECTIONS)})
    if confirm_past is not None and inspections and confirm_past != str(inspections):
        raise PlanNeedsConfirmation(periods, inspections)


def past_round(plan: InspectionPlan, template, today: date) -> tuple[int, int]:
    """The periods of a plan already over by `today` (before the current one), and how many
    inspections they would get."""
    dates = dict(recurrence=plan.recurrence, start=plan.start_date, end=plan.end_date,
                 days_allowed=plan.days_allowed, today=today)
    past = len(begun_periods(**dates)) - len(begun_periods(**dates, since=today))
    return past, past * _per_period(plan, template) if past else 0


def _per_period(plan: InspectionPlan, template) -> int:
    """How many targets one period of the plan inspects, by today's register."""
    if plan.target_mode == "list":
        return len(plan.target_ids)
    population = _population_size(plan, template)
    return min(plan.sample_size or 0, population) if plan.target_mode == "sample" else population


def _population_size(plan: InspectionPlan, template) -> int:
    """How many active targets of the plan's kind (and category) its township has."""
    categories = [plan.unit_category] if plan.unit_category else template.unit_categories
    return len(_population(template.applies_to, Scope(Role.ADMIN, township_id=plan.township_id),
                           categories=categories or None))


def _template(scope: Scope, template_id: int | None, errors: dict[str, str]):
    template = db.session.scalar(sa.select(ChecklistTemplate).where(
        ChecklistTemplate.id == template_id, ChecklistTemplate.active.is_(True),
        template_visible_clause(scope)))
    if template is None:
        errors["template_id"] = _("Choose a value from the list.")
    return template


def _inspectors(scope: Scope, ids: list[int], errors: dict[str, str]) -> list[User]:
    users = db.session.scalars(sa.select(User).where(
        User.id.in_(ids), User.active.is_(True), User.township_id == scope.township_id,
        User.role.in_([Role.INSPECTOR.value, Role.ADMIN.value]))).all()
    if not ids or len(users) != len(set(ids)):
        errors["inspector_ids"] = _("Choose at least one inspector of this township.")
    return list(users)


def plan_generate(*, plan: InspectionPlan, today: date) -> int:
    """Make the inspections of every begun period that has none yet; return how many."""
    if not plan.active:
        return 0
    made = 0
    for period in begun_periods(recurrence=plan.recurrence, start=plan.start_date,
                                end=plan.end_date, days_allowed=plan.days_allowed, today=today,
                                since=None if plan.backfill else made_on(plan, today)):
        if _period_exists(plan, period):
            continue
        try:
            with db.session.begin_nested():
                made += _make_period(plan, period)
        except IntegrityError:  # another request made this period at the same moment: it exists
            continue
    return made


def made_on(plan: InspectionPlan, today: date) -> date:
    """The business day the plan was made: periods over by then are not inspected (unless
    the office chose backfill)."""
    created = to_local(plan.created_at).date() if plan.created_at else today
    return min(created, today)


def plans_generate_due(*, today: date) -> int:
    """Run every active plan's generation (the scheduler's daily job calls this)."""
    plans = db.session.scalars(sa.select(InspectionPlan).where(InspectionPlan.active.is_(True)))
    return sum(plan_generate(plan=plan, today=today) for plan in plans)


def _period_exists(plan: InspectionPlan, period: PlanPeriod) -> bool:
    return db.session.scalar(sa.select(Inspection.id).where(
        Inspection.plan_id == plan.id, Inspection.period_start == period.start).limit(1)) is not None


def _make_period(plan: InspectionPlan, period: PlanPeriod) -> int:
    version = latest_version(plan.template)
    targets = plan_targets(plan, period)
    for target in targets:
        inspection = Inspection(
            plan_id=plan.id, version_id=version.id, township_id=plan.township_id,
            village_id=target.village_id, target_kind=target.kind, target_id=target.id,
            target_label=target.label, unit_id=target.id if target.kind == "unit" else None,
            period_start=period.start, planned_date=period.planned, due_date=period.due)
        inspection.inspectors = assign_inspectors(plan, target)
        db.session.add(inspection)
    db.session.flush()
    return len(targets)


def assign_inspectors(plan: InspectionPlan, target: Target) -> list[User]:
    """The plan's inspectors; in a cross-check (交叉检查) none from the target's own village."""
    if not plan.cross_check:
        return list(plan.inspectors)
    return [u for u in plan.inspectors if u.village_id != target.village_id]


def plan_targets(plan: InspectionPlan, period: PlanPeriod) -> list[Target]:
    """The targets of one period: a fixed list, all, a category, or a recorded random draw."""
    kind = plan.template.applies_to
    scope = Scope(Role.ADMIN, township_id=plan.township_id)
    categories = [plan.unit_category] if plan.unit_category else plan.template.unit_categories
    if plan.target_mode == "list":
        return _population(kind, scope, ids=plan.target_ids)
    population = _population(kind, scope, categories=categories or None)
    if plan.target_mode != "sample":
        return population
    chosen = set(sample_draw(plan, period, [t.id for t in population]).chosen)
    return [t for t in population if t.id in chosen]


def sample_draw(plan: InspectionPlan, period: PlanPeriod, population: list[int]) -> SampleDraw:
    """Draw plan.sample_size targets with a fresh recorded seed (or return the recorded draw)."""
    draw = db.session.scalar(sa.select(SampleDraw).where(
        SampleDraw.plan_id == plan.id, SampleDraw.period_start == period.start))
    if draw is None:
        seed = secrets.token_hex(8)
        draw = SampleDraw(plan_id=plan.id, period_start=period.start, seed=seed,
                          population=sorted(population),
                          chosen=sample_reproduce(seed, population, plan.sample_size or 0))
        db.session.add(draw)
    return draw


def sample_reproduce(seed: str, population: list[int], size: int) -> list[int]:
    """Repeat a draw from its seed and population; anyone can check a recorded draw this way."""
    ordered = sorted(population)
    return sorted(random.Random(seed).sample(ordered, min(size, len(ordered))))


def _population(kind: str, scope: Scope, *, ids=None, categories=None) -> list[Target]:
    model = TARGET_MODELS[kind]
    stmt = sa.select(model).where(scope.clause(model), model.active.is_(True)).order_by(model.id)
    if ids is not None:
        stmt = stmt.where(model.id.in_(ids))
    if categories:
        stmt = stmt.where(Unit.category.in_(categories))
    if model is not Village:
        stmt = stmt.options(sa.orm.joinedload(model.village))
    return [Target(kind, r.id, r.id if model is Village else r.village_id, target_label(r))
            for r in db.session.scalars(stmt)]


def target_label(record) -> str:
    """How a target is named on lists and notices: its village first, then itself."""
    if isinstance(record, Village):
        return record.name
    return f"{record.village.name} · {record}"


def plan_set_active(*, scope: Scope, actor_id: int | None, plan: InspectionPlan, active: bool) -> None:
    """Pause or resume a plan; a paused plan makes no new inspections, made ones stay."""
    if not (scope.is_admin and scope.covers_township(plan.township_id)):
        raise Forbidden(_("Plans are made by a township's hygiene office."))
    if plan.active != active:
        plan.active = active
        audit_record(actor_id=actor_id, action="activate" if active else "deactivate", record=plan,
                     township_id=plan.township_id, before={"active": not active}, after={"active": active})

