"""Inspection plans, the schedule (inspections by planned date), one inspection with its answers
and photos, and the checklist versions they are filled with, through the API: read only (the
field app's writes: hygiene/api/field.py). The reads are the pages' queries; what of an
inspection a reader sees is the pages' rule (inspections/access.sees_inspection_results)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, Field

from hygiene.access.scope import Scope
from hygiene.api.paging import DatedPageQuery, Page, PageQuery, page_of
from hygiene.api.photos import PhotoOut, photo_out
from hygiene.api.views import api
from hygiene.checklists.models import TemplateVersion
from hygiene.checklists.queries import version_get
from hygiene.clock import local_today
from hygiene.core.input import MAX_DB_INT
from hygiene.core.web import current_scope
from hygiene.errors import Forbidden
from hygiene.extensions import db
from hygiene.inspections.access import sees_inspection_results
from hygiene.inspections.models import Inspection, InspectionPlan
from hygiene.inspections.plans.queries import plan_get, plan_list_stmt
from hygiene.inspections.queries import WITH_INSPECTORS, inspection_get, inspection_list_stmt
from hygiene.inspections.status import LIST_FILTERS, InspectionStatus
from hygiene.media.models import Photo

TAG = "inspections"
DECIMAL = "A decimal number as a string (\"87.50\")"
# the list's status filter: a stored status, or one of the list's two states of open inspections
InspectionFilter = StrEnum("InspectionFilter", {value: value for value in LIST_FILTERS})  # type: ignore[misc]


def decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class Person(BaseModel):
    id: int
    display_name: str


class PlanOut(BaseModel):
    id: int
    township_id: int
    name: str
    template_id: int
    template_code: str | None = Field(description="The checklist's code (null: a checklist made in the builder without one); POST /inspections takes template_id or this")
    template_name: str
    target_mode: str = Field(description="list (the targets named), all (every target of the checklist's "
                                         "kind), category (every unit of one category), sample (a random "
                                         "draw of sample_size each period)")
    target_ids: list[int] = Field(description="The chosen targets of a list plan (ids of the checklist's kind)")
    unit_category: str | None
    sample_size: int | None
    recurrence: str = Field(description="once, weekly, monthly or quarterly")
    start_date: date
    end_date: date | None
    days_allowed: int = Field(description="Days from an inspection's planned date to its due date")
    cross_check: bool = Field(description="Inspectors are never sent to their own village")
    active: bool = Field(description="False: paused, it makes no new inspections")
    inspector_ids: list[int]


class PlanDetailOut(PlanOut):
    applies_to: str = Field(description="What the checklist inspects: village, unit, household or cleaner")
    current_version_id: int = Field(description="The checklist version new inspections are made with")
    backfill: bool = Field(description="Periods already over when the plan was made are inspected too")
    inspectors: list[Person]
    created_at: datetime


class Target(BaseModel):
    kind: str = Field(description="village, unit, household or cleaner")
    id: int
    label: str = Field(description="The target's name as the inspection shows it")


class InspectionOut(BaseModel):
    id: int
    plan_id: int | None = Field(description="Null for an ad hoc inspection")
    version_id: int = Field(description="The checklist version it is filled with (/checklist-versions/{id})")
    township_id: int
    village_id: int
    unit_id: int | None
    target: Target
    planned_date: date
    due_date: date
    status: InspectionStatus
    overdue: bool = Field(description="Still open after its due date")
    sent_back: bool = Field(description="Open again: the office sent the submission back to be corrected")
    self_assessment: bool = Field(description="An applicant's own assessment (counts in no ranking)")
    inspector_ids: list[int]
    results_shown: bool = Field(description="False while the reader may not see the results yet (a contact "
                                            "before publication): score, grade, passed, answers and photos "
                                            "are then null or empty")
    score: str | None = Field(description=DECIMAL + " out of 100; null until submitted or when not shown")
    grade: str | None
    passed: bool | None
    submitted_at: datetime | None
    published_at: datetime | None


class AnswerOut(BaseModel):
    item_id: int
    result: str | None = Field(description="pass, fail or na (null: not answered yet)")
    findings: int = Field(description="Findings counted on a deduction item")
    grade: str | None = Field(description=DECIMAL + ": the points given on a graded item")
    earned: str | None = Field(description=DECIMAL + ": the points the answer earns")
    note: str
    updated_at: datetime


class InspectionDetailOut(InspectionOut):
    review_comment: str = Field(description="The office's comment when it sent the inspection back")
    answers: list[AnswerOut]
    photos: list[PhotoOut]


class ItemOut(BaseModel):
    id: int
    position: int
    text: str
    points: str = Field(description=DECIMAL)
    scoring: str = Field(description="pass_fail, deduction (deduction_step off per finding) or grade "
                                     "(0 to points in steps of 0.5)")
    deduction_step: str | None = Field(description=DECIMAL)
    veto: bool = Field(description="一票否决: failing it fails the inspection; pass or fail only")
    photo_on_fail: bool = Field(description="A failed answer needs a photo before submission")
    severity: str = Field(description="normal, serious or urgent: sets a failed item's rectification deadline")
    guidance: str


class SectionOut(BaseModel):
    id: int
    position: int
    title: str
    items: list[ItemOut]


class Band(BaseModel):
    label: str
    min: str = Field(description=DECIMAL + ": the lowest score of the grade")


class ChecklistVersionOut(BaseModel):
    id: int
    template_id: int
    template_code: str | None = Field(description="The checklist's code (null: a checklist made in the builder without one); POST /inspections takes template_id or this")
    number: int
    name: str
    applies_to: str = Field(description="village, unit, household or cleaner")
    pass_mark: str = Field(description=DECIMAL)
    total_points: str = Field(description=DECIMAL)
    bands: list[Band] = Field(description="Grades from the highest minimum score down")
    draft: bool
    description: str
    sections: list[SectionOut]


class InspectionQuery(DatedPageQuery):
    """The schedule: inspections by planned date (date_from, date_to), village, unit, status."""

    unit_id: int | None = Field(None, ge=1, le=MAX_DB_INT, description="Only this unit's inspections")
    status: InspectionFilter | None = Field(None, description=(
        "A status, or overdue (open after its due date) or sent_back (open again after a submission)"))
    mine: bool = Field(False, description="Only the inspections the token's user is assigned to")


def office_scope() -> Scope:
    """The scope of office staff (admins, inspectors): plans are theirs, as on the pages."""
    scope = current_scope()
    if not scope.township_wide:
        raise Forbidden(_("Your account may not do this."))
    return scope


def _plan(plan: InspectionPlan) -> PlanOut:
    return PlanOut(**_plan_fields(plan))


def _plan_fields(plan: InspectionPlan) -> dict:
    return dict(id=plan.id, township_id=plan.township_id, name=plan.name, template_id=plan.template_id,
                template_code=plan.template.code, template_name=plan.template.name, target_mode=plan.target_mode,
                target_ids=list(plan.target_ids or []), unit_category=plan.unit_category,
                sample_size=plan.sample_size, recurrence=plan.recurrence, start_date=plan.start_date,
                end_date=plan.end_date, days_allowed=plan.days_allowed, cross_check=plan.cross_check,
                active=plan.active, inspector_ids=[user.id for user in plan.inspectors])


@api.operation("GET", "/plans", tag=TAG, summary="Inspection plans of the township", query=PageQuery,
               response=Page[PlanOut], description="Office staff only (403 for contacts), as on the pages.")
def plans(query: PageQuery) -> Page[PlanOut]:
    return page_of(plan_list_stmt(office_scope()), InspectionPlan.id, query, _plan)


@api.operation("GET", "/plans/{plan_id}", tag=TAG, summary="One inspection plan", response=PlanDetailOut,
               description="Office staff only (403 for contacts), as on the pages.")
def plan(plan_id: int) -> PlanDetailOut:
    found = plan_get(scope=office_scope(), plan_id=plan_id)
    return PlanDetailOut(**_plan_fields(found), applies_to=found.template.applies_to,
                         current_version_id=found.template.versions[-1].id, backfill=found.backfill,
                         inspectors=[Person(id=u.id, display_name=u.display_name) for u in found.inspectors],
                         created_at=found.created_at)


def _inspection_fields(inspection: Inspection, scope: Scope, today: date) -> dict:
    shown = sees_inspection_results(scope, inspection)
    return dict(
        id=inspection.id, plan_id=inspection.plan_id, version_id=inspection.version_id,
        township_id=inspection.township_id, village_id=inspection.village_id, unit_id=inspection.unit_id,
        target=Target(kind=inspection.target_kind, id=inspection.target_id, label=inspection.target_label),
        planned_date=inspection.planned_date, due_date=inspection.due_date,
        status=InspectionStatus(inspection.status), overdue=inspection.is_overdue(today),
        sent_back=inspection.is_sent_back, self_assessment=inspection.self_assessment,
        inspector_ids=[user.id for user in inspection.inspectors], results_shown=shown,
        score=decimal(inspection.score) if shown else None, grade=(inspection.grade or None) if shown else None,
        passed=inspection.passed if shown else None, submitted_at=inspection.submitted_at,
        published_at=inspection.published_at)


@api.operation("GET", "/inspections", tag=TAG, summary="Inspections: the schedule", query=InspectionQuery,
               response=Page[InspectionOut], description=(
                   "The inspections the reader may see, filtered by village, unit, status and planned date "
                   "(date_from, date_to: the schedule of a day or a week); mine=true: those assigned to "
                   "the token's user (an inspector's agenda)."))
def inspections(query: InspectionQuery) -> Page[InspectionOut]:
    scope, today = current_scope(), local_today()
    stmt = inspection_list_stmt(
        scope=scope, today=today, status=query.status.value if query.status else "",
        village_id=query.village_id, assigned_to=current_user.id if query.mine else None,
        start=query.date_from, end=query.date_to)
    if query.unit_id is not None:
        stmt = stmt.where(Inspection.unit_id == query.unit_id)
    return page_of(stmt.options(WITH_INSPECTORS), Inspection.id, query,
                   lambda row: InspectionOut(**_inspection_fields(row, scope, today)))


@api.operation("GET", "/inspections/{inspection_id}", tag=TAG, summary="One inspection with its answers and photos",
               response=InspectionDetailOut, description=(
                   "Answers and photos are empty while results_shown is false (a contact sees them once "
                   "the office publishes the inspection); photo flags are shown to office staff only."))
def inspection(inspection_id: int) -> InspectionDetailOut:
    scope = current_scope()
    found = inspection_get(scope=scope, inspection_id=inspection_id)
    fields = _inspection_fields(found, scope, local_today())
    answers, photos = [], []
    if fields["results_shown"]:
        answers = [AnswerOut(item_id=a.item_id, result=a.result, findings=a.findings, grade=decimal(a.grade),
                             earned=decimal(a.earned), note=a.note, updated_at=a.updated_at)
                   for a in sorted(found.answers, key=lambda a: a.item_id)]
        photos = [photo_out(p, scope) for p in db.session.scalars(
            sa.select(Photo).where(Photo.inspection_id == found.id, Photo.order_id.is_(None)).order_by(Photo.id))]
    return InspectionDetailOut(**fields, review_comment=found.review_comment, answers=answers, photos=photos)


def _version(version: TemplateVersion) -> ChecklistVersionOut:
    return ChecklistVersionOut(
        id=version.id, template_id=version.template_id, template_code=version.template.code,
        number=version.number, name=version.name,
        applies_to=version.template.applies_to, pass_mark=str(version.pass_mark),
        total_points=str(version.total_points), draft=version.draft, description=version.description,
        bands=[Band(label=band["label"], min=str(band["min"])) for band in version.bands or []],
        sections=[SectionOut(id=section.id, position=section.position, title=section.title, items=[
            ItemOut(id=item.id, position=item.position, text=item.text, points=str(item.points),
                    scoring=item.scoring, deduction_step=decimal(item.deduction_step), veto=item.veto,
                    photo_on_fail=item.photo_on_fail, severity=item.severity, guidance=item.guidance)
            for item in section.items]) for section in version.sections])


@api.operation("GET", "/checklist-versions/{version_id}", tag=TAG, summary="A checklist version's sheet",
               response=ChecklistVersionOut, description=(
                   "Sections and items with points, scoring, veto, photo_on_fail and guidance, so a client "
                   "can show the sheet. Office staff read every version of the checklists they may read; "
                   "a contact the versions its own inspections were made with. A version never changes."))
def checklist_version(version_id: int) -> ChecklistVersionOut:
    return _version(version_get(scope=current_scope(), version_id=version_id))
