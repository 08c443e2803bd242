"""The inspections' part of the office's briefing: inspections done in the period and their scores."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.core.briefing_sections import Section, SectionData, register, utc_bounds
from hygiene.core.periods import Period
from hygiene.extensions import db
from hygiene.inspections.adhoc import counted_inspection
from hygiene.inspections.models import Inspection
from hygiene.inspections.status import OPEN, InspectionStatus

LOWEST_SHOWN = 3
DONE = (InspectionStatus.SUBMITTED, InspectionStatus.PUBLISHED)


def inspections_section(scope: Scope, period: Period) -> SectionData:
    """Done (submitted in the period), published, their mean score, passed and failed, those due
    in the period and still open, and the lowest scores. Two queries."""
    i = Inspection
    start, end = utc_bounds(period)
    mine = sa.and_(scope.clause(i), counted_inspection())  # a toilet's acceptance scores the build
    done = sa.and_(i.status.in_(DONE), i.submitted_at >= start, i.submitted_at < end)
    published = sa.and_(done, i.status == InspectionStatus.PUBLISHED)
    open_due = sa.and_(i.status.in_(OPEN), i.due_date.between(period.start, period.end))
    counts = db.session.execute(sa.select(
        sa.func.count().filter(done), sa.func.count().filter(published), sa.func.avg(i.score).filter(published),
        sa.func.count().filter(sa.and_(published, i.passed.is_(True))),
        sa.func.count().filter(sa.and_(published, i.passed.is_(False))),
        sa.func.count().filter(open_due)).where(mine, sa.or_(done, open_due))).one()
    n_done, n_published, mean, passed, failed, still_open = counts
    if not n_done and not still_open:
        return SectionData(empty=True)
    sentences = [_("%(done)s inspections done, %(published)s of them published.", done=n_done, published=n_published)]
    if n_published:
        sentences.append(_("Mean score %(mean)s; %(passed)s passed, %(failed)s failed.",
                           mean=Decimal(str(mean)).quantize(Decimal("0.1")), passed=passed, failed=failed))
    if still_open:
        sentences.append(_("%(n)s inspections due in the period are not done yet.", n=still_open))
    lowest = db.session.execute(sa.select(i.target_label, i.score).where(mine, published, i.score.is_not(None))
                                .order_by(i.score, i.id).limit(LOWEST_SHOWN)).all()
    rows = [[label, Decimal(str(score)).quantize(Decimal("0.1"))] for label, score in lowest]
    return SectionData(sentences=sentences, headers=[_("Lowest scores"), _("Score")] if rows else [], rows=rows)


register(Section("inspections", _l("Inspections"), 10, inspections_section))
