"""How inspections and plans are scoped, and what of an inspection a scope is shown.

Contacts may open their inspections' pages at any stage, but the answers, scores and photos
only once the office publishes them; staff see them at every stage. `sees_inspection_results`
and `inspection_results_clause` are this one rule, for a loaded inspection and for queries;
keep them together."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hygiene.access.rules import scope_rule, work_record_clause
from hygiene.access.scope import Scope
from hygiene.inspections.models import Inspection, InspectionPlan
from hygiene.inspections.plans.queries import plan_clause
from hygiene.inspections.status import InspectionStatus
from hygiene.media.access import shown_by
from hygiene.media.models import Photo
from hygiene.media.reuse import PhotoRecord, register_photo_record

scope_rule(Inspection)(work_record_clause)


@scope_rule(InspectionPlan)
def plan_rule(scope: Scope, _model: type[Any]) -> sa.ColumnElement[bool]:
    """Plans: the township's (plans/queries.py words the rule)."""
    return plan_clause(scope)


def sees_inspection_results(scope: Scope, inspection: Inspection) -> bool:
    """True when the answers, score and photos of an inspection inside the scope are shown (an
    applicant's self-assessment: its own work, shown to it at every stage)."""
    return scope.township_wide or inspection.is_published or inspection.self_assessment


def inspection_results_clause(scope: Scope) -> sa.ColumnElement[bool]:
    """Inspections whose answers, score and photos this scope may see (the rule above)."""
    shown = sa.true() if scope.township_wide else sa.or_(Inspection.status == InspectionStatus.PUBLISHED,
                                                         Inspection.self_assessment.is_(True))
    return sa.and_(scope.clause(Inspection), shown)


@shown_by
def photos_of_inspection_results(scope: Scope) -> sa.ColumnElement[bool]:
    """An inspection's photos are seen with its results."""
    inspections = sa.select(Inspection.id).where(inspection_results_clause(scope))
    return Photo.inspection_id.in_(inspections)


# an order's photos carry its inspection's id too: those are the order's (rectifications/access.py)
register_photo_record(PhotoRecord(
    "inspection", Inspection, lambda photo: None if photo.order_id else photo.inspection_id,
    lambda inspection: ("", inspection.planned_date, inspection.target_label)))
