"""Withdrawing a plan's inspections that nobody has started, in one audited step."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record
from hygiene.errors import Forbidden
from hygiene.extensions import db
from hygiene.inspections.models import Answer, Inspection, InspectionPlan
from hygiene.inspections.status import WITHDRAW_UNTOUCHED
from hygiene.media.models import Photo


def plan_withdraw(*, scope: Scope, actor_id: int | None, plan: InspectionPlan) -> int:
    """Cancel, in one statement, every inspection of a plan nobody has touched (still planned,
    no answer, no photo) and pause the plan; audited. Returns how many were withdrawn."""
    if not (scope.is_admin and scope.covers_township(plan.township_id)):
        raise Forbidden(_("Plans are made by a township's hygiene office."))
    withdrawn = db.session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult, typed as Result
        sa.update(Inspection).where(*untouched_clause(plan)).values(status=WITHDRAW_UNTOUCHED.target)
        .execution_options(synchronize_session=False)).rowcount or 0
    was_active, plan.active = plan.active, False
    if withdrawn or was_active:
        audit_record(actor_id=actor_id, action="withdraw_untouched", record=plan, township_id=plan.township_id,
                     before={"active": was_active}, after={"active": False, "withdrawn": withdrawn})
    return withdrawn


def untouched_clause(plan: InspectionPlan) -> list[sa.ColumnElement[bool]]:
    """The plan's inspections that nobody has started: planned, nothing answered or photographed."""
    return [Inspection.plan_id == plan.id, WITHDRAW_UNTOUCHED.clause(Inspection.status),
            ~sa.exists().where(Answer.inspection_id == Inspection.id),
            ~sa.exists().where(Photo.inspection_id == Inspection.id)]
