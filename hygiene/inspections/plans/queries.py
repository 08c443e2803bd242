"""Reads behind the plan pages: plans in scope, their periods and draws, form choices."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role, User
from hygiene.checklists.models import ChecklistTemplate
from hygiene.checklists.queries import template_visible_clause
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.inspections.models import Inspection, InspectionPlan, SampleDraw
from hygiene.inspections.plans import services, withdrawal
from hygiene.places.models import Village
from hygiene.places.rules import UNIT_CATEGORIES


def plan_clause(scope: Scope) -> sa.ColumnElement[bool]:
    """Plans a scope may read: its township's (the county admin: all)."""
    return sa.true() if scope.is_county_admin else InspectionPlan.township_id == scope.township_id


def plan_list_stmt(scope: Scope) -> sa.Select:
    """The plans of the scope, active first, newest first; checklist and inspectors loaded."""
    return (sa.select(InspectionPlan).where(plan_clause(scope))
            .options(joinedload(InspectionPlan.template), selectinload(InspectionPlan.inspectors))
            .order_by(InspectionPlan.active.desc(), InspectionPlan.start_date.desc(),
                      InspectionPlan.id.desc()))


def plan_get(*, scope: Scope, plan_id: int) -> InspectionPlan:
    """Load a plan the scope may read, or raise NotFound."""
    plan = db.session.scalar(sa.select(InspectionPlan).where(
        InspectionPlan.id == plan_id, plan_clause(scope)).options(
        joinedload(InspectionPlan.template),
        selectinload(InspectionPlan.inspectors).joinedload(User.village)))
    if plan is None:
        raise NotFound("plan not found")
    return plan


def plan_periods(plan: InspectionPlan) -> list[dict]:
    """Per period, newest first: its dates and the number of inspections in each status."""
    stmt = (sa.select(Inspection.period_start, Inspection.status, sa.func.count(),
                      sa.func.min(Inspection.planned_date), sa.func.max(Inspection.due_date))
            .where(Inspection.plan_id == plan.id)
            .group_by(Inspection.period_start, Inspection.status)
            .order_by(Inspection.period_start.desc()))
    periods: dict[date | None, dict] = {}
    for start, status, n, planned, due in db.session.execute(stmt):
        row = periods.setdefault(start, {"start": start, "planned": planned, "due": due,
                                         "counts": {}, "total": 0})
        row["counts"][status] = n
        row["total"] += n
        row["planned"], row["due"] = min(row["planned"], planned), max(row["due"], due)
    return list(periods.values())


def plan_untouched(plan: InspectionPlan) -> int:
    """How many of the plan's inspections nobody has started (what withdrawing would cancel)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Inspection)
                             .where(*withdrawal.untouched_clause(plan))) or 0


def plan_draws(plan: InspectionPlan) -> list[tuple[SampleDraw, list[str]]]:
    """The plan's recorded random draws, newest first, each with its chosen targets' names."""
    draws = list(db.session.scalars(sa.select(SampleDraw).where(SampleDraw.plan_id == plan.id)
                                    .order_by(SampleDraw.period_start.desc())))
    ids = {i for draw in draws for i in draw.chosen}
    names = _target_names(plan.template.applies_to, ids) if ids else {}
    return [(draw, [names.get(i, f"#{i}") for i in draw.chosen]) for draw in draws]


def plan_chosen(plan: InspectionPlan) -> list[str]:
    """The names of a list plan's chosen targets."""
    if plan.target_mode != "list" or not plan.target_ids:
        return []
    names = _target_names(plan.template.applies_to, set(plan.target_ids))
    return [names.get(i, f"#{i}") for i in plan.target_ids]


def _target_names(kind: str, ids: set[int]) -> dict[int, str]:
    model = services.TARGET_MODELS[kind]
    stmt = sa.select(model).where(model.id.in_(ids))
    if model is not Village:
        stmt = stmt.options(joinedload(model.village))
    return {r.id: services.target_label(r) for r in db.session.scalars(stmt)}


def template_choices(scope: Scope) -> list[ChecklistTemplate]:
    """The active checklists a plan of this scope may use."""
    return list(db.session.scalars(sa.select(ChecklistTemplate).where(
        ChecklistTemplate.active.is_(True), template_visible_clause(scope))
        .order_by(ChecklistTemplate.name, ChecklistTemplate.id)))


def inspector_choices(scope: Scope) -> list[User]:
    """Active inspectors and admins of the township, with their home village."""
    return list(db.session.scalars(sa.select(User).where(
        User.active.is_(True), User.township_id == scope.township_id,
        User.role.in_([Role.INSPECTOR.value, Role.ADMIN.value]))
        .options(joinedload(User.village)).order_by(User.role.desc(), User.display_name)))


def target_groups(scope: Scope, template: ChecklistTemplate | None) -> list[tuple[str, list]]:
    """The active targets a checklist can be used on, grouped by village: [(village, [(id, name)])]."""
    if template is None:
        return []
    model = services.TARGET_MODELS[template.applies_to]
    stmt = sa.select(model).where(scope.clause(model), model.active.is_(True))
    if model is Village:
        return [("", [(v.id, v.name) for v in db.session.scalars(stmt.order_by(Village.name))])]
    stmt = stmt.options(joinedload(model.village)).order_by(model.village_id, model.id)
    groups: dict[int, tuple[str, list]] = {}
    for record in db.session.scalars(stmt):
        category = UNIT_CATEGORIES.get(getattr(record, "category", None) or "")
        groups.setdefault(record.village_id, (record.village.name, []))[1].append(
            (record.id, f"{record}（{category}）" if category else str(record)))
    return list(groups.values())
