"""Reading rounds: one round's coverage per target in one aggregate query."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.pests.rounds.coverage import TargetCoverage
from hygiene.pests.rounds.models import RoundRefusal, RoundTarget, RoundWork
from hygiene.pests.rounds.status import WorkKind


def coverage_stmt(round_ids: sa.ColumnElement[bool] | None = None) -> sa.Select:
    """Every target (of the rounds `round_ids` selects on RoundTarget) with its work summed, in
    one statement: targets left-joined to their aggregated work and open refusals. The work and
    refusals are summed for the chosen targets only, not for every round of the county."""
    chosen = sa.true() if round_ids is None else round_ids
    work = (sa.select(RoundWork.target_id.label("target_id"),
                      sa.func.coalesce(sa.func.sum(RoundWork.households_covered), 0).label("households"),
                      sa.func.coalesce(sa.func.sum(RoundWork.area_covered), 0).label("area"),
                      sa.func.count().label("works"),
                      sa.func.count().filter(RoundWork.kind == WorkKind.MOP_UP).label("mop_ups"),
                      sa.func.max(RoundWork.done_on).label("last_done_on"))
            .join(RoundTarget, RoundTarget.id == RoundWork.target_id).where(chosen)
            .group_by(RoundWork.target_id).subquery())
    refusals = (sa.select(RoundRefusal.target_id.label("target_id"), sa.func.count().label("open"))
                .join(RoundTarget, RoundTarget.id == RoundRefusal.target_id)
                .where(RoundRefusal.resolved_by_work_id.is_(None), chosen)
                .group_by(RoundRefusal.target_id).subquery())
    stmt = (sa.select(RoundTarget.id, RoundTarget.village_id, RoundTarget.unit_id, RoundTarget.households_target,
                      RoundTarget.area_target, RoundTarget.area_unit,
                      sa.func.coalesce(work.c.households, 0), sa.func.coalesce(work.c.area, 0),
                      sa.func.coalesce(work.c.works, 0), sa.func.coalesce(work.c.mop_ups, 0),
                      sa.func.coalesce(refusals.c.open, 0), work.c.last_done_on)
            .outerjoin(work, work.c.target_id == RoundTarget.id)
            .outerjoin(refusals, refusals.c.target_id == RoundTarget.id)
            .order_by(RoundTarget.id))
    return stmt if round_ids is None else stmt.where(round_ids)


def round_coverage(round_id: int) -> list[TargetCoverage]:
    """Each target of one round with its coverage (one query, whatever the number of targets)."""
    rows = db.session.execute(coverage_stmt(RoundTarget.round_id == round_id))
    return [TargetCoverage(target_id, village_id, unit_id, households_target, area_target, area_unit,
                           int(households), Decimal(str(area)), int(works), int(mop_ups), int(open_refusals),
                           last_done_on)
            for (target_id, village_id, unit_id, households_target, area_target, area_unit, households, area,
                 works, mop_ups, open_refusals, last_done_on) in rows]
