"""A target's totals (households and area covered, works, mop-ups, open refusals, last day
worked), stored on the target and recomputed from its work and refusals whenever one of them is
written, in the same transaction. Recomputed, never incremented: a total cannot drift from the
records it sums, and the migration and the benchmark fill them with the same statement."""
from __future__ import annotations

import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.pests.rounds.models import RoundRefusal, RoundTarget, RoundWork
from hygiene.pests.rounds.status import WorkKind


def totals_update(where: sa.ColumnElement[bool]) -> sa.Update:
    """The UPDATE that sets the totals of the targets `where` selects from their records."""
    work = sa.select(RoundWork).where(RoundWork.target_id == RoundTarget.id)

    def of_work(value: sa.ColumnElement) -> sa.ScalarSelect:
        return work.with_only_columns(value).scalar_subquery()

    return sa.update(RoundTarget).where(where).values(
        households_covered=of_work(sa.func.coalesce(sa.func.sum(RoundWork.households_covered), 0)),
        area_covered=of_work(sa.func.coalesce(sa.func.sum(RoundWork.area_covered), 0)),
        works=of_work(sa.func.count()),
        mop_ups=work.with_only_columns(sa.func.count()).where(RoundWork.kind == WorkKind.MOP_UP).scalar_subquery(),
        last_done_on=of_work(sa.func.max(RoundWork.done_on)),
        open_refusals=sa.select(sa.func.count()).where(RoundRefusal.target_id == RoundTarget.id,
                                                       RoundRefusal.resolved_by_work_id.is_(None)).scalar_subquery(),
    ).execution_options(synchronize_session=False)


def refresh(target: RoundTarget) -> None:
    """Recompute one target's totals after a write to its work or refusals. The target's row is
    locked first (a no-op UPDATE) so, on PostgreSQL, the totals are summed by a statement that
    starts after any other transaction writing to this target has ended and sees its records."""
    db.session.flush()
    db.session.execute(sa.update(RoundTarget).where(RoundTarget.id == target.id)
                       .values(place_key=RoundTarget.place_key).execution_options(synchronize_session=False))
    db.session.execute(totals_update(RoundTarget.id == target.id))
    db.session.expire(target, ["households_covered", "area_covered", "works", "mop_ups", "open_refusals",
                               "last_done_on"])
