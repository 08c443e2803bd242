"""Toilet renovation's part of the office's briefing: toilets accepted in the period, and the
year's household toilets accepted against the quota by the period's end."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.core.briefing_sections import Section, SectionData, register
from hygiene.core.periods import Period
from hygiene.extensions import db
from hygiene.places.models import Village
from hygiene.toilets.models import HouseholdToilet, ToiletTask
from hygiene.toilets.status import DONE

FURTHEST_BEHIND = 3


def toilets_section(scope: Scope, period: Period) -> SectionData:
    """Accepted in the period; the year's quota, accepted by the period's end, and the villages
    furthest from their quota. One query."""
    t = HouseholdToilet
    accepted_in = sa.and_(t.stage.in_(DONE), t.accepted_on.between(period.start, period.end))
    accepted = (sa.select(t.task_id, sa.func.count().label("done"), sa.func.count().filter(accepted_in).label("now"))
                .where(scope.clause(t), t.stage.in_(DONE), t.accepted_on <= period.end)
                .group_by(t.task_id).subquery())
    done = sa.func.coalesce(accepted.c.done, 0)
    rows = db.session.execute(sa.select(Village.name, ToiletTask.household_quota, done, sa.func.coalesce(accepted.c.now, 0))
                              .join(Village, Village.id == ToiletTask.village_id)
                              .outerjoin(accepted, accepted.c.task_id == ToiletTask.id)
                              .where(scope.clause(ToiletTask), ToiletTask.year == period.end.year)
                              .order_by(Village.name)).all()
    quota = sum(row[1] for row in rows)
    if not rows or not quota:
        return SectionData(empty=True)
    total = sum(min(int(row[2]), row[1]) for row in rows)
    in_period = sum(int(row[3]) for row in rows)
    percent = 100 * total / quota
    sentences = [_("%(n)s household toilets accepted in the period.", n=in_period),
                 _("%(done)s of the year's quota of %(quota)s accepted by the end of the period (%(percent)s%%).",
                   done=total, quota=quota, percent=f"{percent:.0f}")]
    behind = sorted((row for row in rows if row[1] > 0), key=lambda row: (int(row[2]) / row[1], row[0]))
    table = [[name, village_quota, int(village_done), f"{100 * min(int(village_done), village_quota) / village_quota:.0f}%"]
             for name, village_quota, village_done, _now in behind[:FURTHEST_BEHIND]]
    return SectionData(sentences=sentences, rows=table,
                       headers=[_("Furthest from the quota"), _("Quota"), _("Accepted"), _("Share")])


register(Section("toilets", _l("Toilet renovation"), 60, toilets_section))
