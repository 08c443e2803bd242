"""What each role's home page counts: the work waiting, in a few aggregate queries."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.inspections.queries import inspection_clause
from hygiene.inspections.status import InspectionStatus
from hygiene.places.queries import register_count_columns
from hygiene.rectifications.models import RectificationOrder
from hygiene.rectifications.queries import order_clause
from hygiene.rectifications.status import OrderStatus


def dashboard_counts(scope: Scope, today: date) -> tuple[dict[str, int], dict[str, int]]:
    """The register's counts (places) and the work counts, in one statement: (register, work)."""
    register = register_count_columns(scope)
    row = db.session.execute(_work_stmt(scope, today).add_columns(*register)).one()._mapping
    names = {column.name for column in register}
    return ({k: int(v or 0) for k, v in row.items() if k in names},
            {k: int(v or 0) for k, v in row.items() if k not in names})


def work_counts(scope: Scope, today: date) -> dict[str, int]:
    """Inspections waiting for review or overdue; orders open, overdue or waiting for re-inspection."""
    return {name: int(n or 0) for name, n in db.session.execute(_work_stmt(scope, today)).one()._mapping.items()}


def _work_stmt(scope: Scope, today: date) -> sa.Select:
    """The six work counts of the scope as one row (labelled as work_counts names them)."""
    ins, order = Inspection, RectificationOrder
    # each count is of open or submitted rows only, so the statements say so and read those
    # through the status indexes (for inspections, from the index alone: ix_inspection_status_dates)
    # instead of every inspection and order of the county; both single-row counts in one statement
    inspections = sa.select(
        # an applicant's self-assessment is its own view: submitted, it waits for no review
        sa.func.count().filter(ins.status == InspectionStatus.SUBMITTED, ins.self_assessment.is_(False))
        .label("to_review"),
        sa.func.count().filter(ins.status.in_(ins.OPEN), ins.due_date < today).label("inspections_overdue"),
        sa.func.count().filter(ins.status.in_(ins.OPEN), ins.planned_date <= today).label("inspections_due"),
    ).where(inspection_clause(scope), ins.status.in_((InspectionStatus.SUBMITTED, *ins.OPEN))).subquery()
    orders = sa.select(
        sa.func.count().filter(order.status.in_(order.OPEN)).label("orders_open"),
        sa.func.count().filter(order.overdue_clause(today)).label("orders_overdue"),
        sa.func.count().filter(order.status == OrderStatus.EVIDENCE_SUBMITTED).label("orders_to_reinspect"),
    ).where(order_clause(scope), order.status.in_(order.OPEN)).subquery()
    return sa.select(inspections, orders).join_from(inspections, orders, sa.true())


def recent_published(scope: Scope, limit: int = 5) -> list[Inspection]:
    """The latest published inspections a contact may see."""
    return list(db.session.scalars(sa.select(Inspection).where(
        inspection_clause(scope), Inspection.status == InspectionStatus.PUBLISHED)
        .order_by(Inspection.published_at.desc()).limit(limit)))


def open_orders(scope: Scope, limit: int = 10) -> list[RectificationOrder]:
    """A contact's open orders, soonest deadline first."""
    return list(db.session.scalars(sa.select(RectificationOrder).where(
        order_clause(scope), RectificationOrder.status.in_(RectificationOrder.OPEN))
        .order_by(RectificationOrder.deadline).limit(limit)))
