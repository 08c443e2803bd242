"""The rectification orders' part of the office's briefing: issued, put right, overdue and escalated."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.core.briefing_sections import Section, SectionData, register, utc_bounds
from hygiene.core.periods import Period
from hygiene.extensions import db
from hygiene.rectifications.models import RectificationOrder

OVERDUE_SHOWN = 5


def orders_section(scope: Scope, period: Period) -> SectionData:
    """Issued and closed in the period, gone overdue (and so escalated to the office) in it, and
    still overdue without a reported fix at its end, the longest overdue named. Two queries."""
    o = RectificationOrder
    start, end = utc_bounds(period)
    issued = o.issued_on.between(period.start, period.end)
    closed = sa.and_(o.closed_at >= start, o.closed_at < end)
    escalated = sa.and_(o.escalated_at >= start, o.escalated_at < end)
    # overdue at the period's end: its deadline passed by then (the day after it), no fix reported by
    # then, not withdrawn by then; read from the dates, not from when the daily sweep marked it
    still_overdue = sa.and_(o.issued_on <= period.end, o.deadline < period.end,
                            sa.or_(o.evidence_at.is_(None), o.evidence_at >= end),
                            sa.or_(o.withdrawn_at.is_(None), o.withdrawn_at >= end))
    n_issued, n_closed, n_escalated, n_overdue = db.session.execute(sa.select(
        sa.func.count().filter(issued), sa.func.count().filter(closed), sa.func.count().filter(escalated),
        sa.func.count().filter(still_overdue)).where(scope.clause(o), sa.or_(issued, closed, escalated, still_overdue))).one()
    if not (n_issued or n_closed or n_escalated or n_overdue):
        return SectionData(empty=True)
    sentences = [_("%(issued)s rectification orders issued, %(closed)s closed after re-inspection.",
                   issued=n_issued, closed=n_closed),
                 _("%(n)s orders went overdue and were escalated to the office.", n=n_escalated),
                 _("%(n)s orders were overdue without a reported fix at the end of the period.", n=n_overdue)]
    rows = []
    if n_overdue:
        oldest = db.session.execute(sa.select(o.year, o.number, o.target_label, o.deadline).where(
            scope.clause(o), still_overdue).order_by(o.deadline, o.id).limit(OVERDUE_SHOWN)).all()
        rows = [[f"〔{year}〕第{number}号", label, deadline.isoformat()] for year, number, label, deadline in oldest]
    return SectionData(sentences=sentences, rows=rows,
                       headers=[_("Order no."), _("Recipient"), _("Deadline")] if rows else [])


register(Section("orders", _l("Rectification orders"), 20, orders_section))
