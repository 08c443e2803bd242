"""The campaigns' part of the office's briefing: the campaigns that ran in the period and how their
tasks stood at the period's end (done by then, late, not yet due). Dates decide, not today's
status, so a briefing of a past period reads the same later."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.campaigns.models import Campaign, CampaignTask
from hygiene.campaigns.status import CampaignStatus, TaskStatus
from hygiene.core.briefing_sections import Section, SectionData, register
from hygiene.core.periods import Period
from hygiene.extensions import db

CAMPAIGNS_SHOWN = 50  # a township runs a few campaigns a month


def campaigns_section(scope: Scope, period: Period) -> SectionData:
    """The campaigns under way or ended that overlapped the period, each with its tasks done by the
    period's end, late (due by then, not done) and not yet due. One query."""
    t = CampaignTask
    done = sa.and_(t.status == TaskStatus.DONE, t.done_on <= period.end)
    late = sa.and_(sa.not_(done), t.due_on <= period.end)
    rows = db.session.execute(
        sa.select(Campaign.name, sa.func.count(t.id), sa.func.count(t.id).filter(done),
                  sa.func.count(t.id).filter(late))
        .outerjoin(t, t.campaign_id == Campaign.id)
        .where(scope.clause(Campaign), Campaign.status != CampaignStatus.CANCELLED,
               Campaign.starts_on <= period.end, Campaign.ends_on >= period.start)
        .group_by(Campaign.id, Campaign.name, Campaign.starts_on)
        .order_by(Campaign.starts_on, Campaign.id).limit(CAMPAIGNS_SHOWN)).all()
    if not rows:
        return SectionData(empty=True)
    counted = [(name, int(n), int(d), int(lt)) for name, n, d, lt in rows]
    total, done_n, late_n = (sum(row[1] for row in counted), sum(row[2] for row in counted),
                             sum(row[3] for row in counted))
    table = [[name, n, d, lt, n - d - lt] for name, n, d, lt in counted]
    sentences = [_("%(n)s campaigns ran in the period, with %(tasks)s tasks for the villages and units.",
                   n=len(table), tasks=total),
                 _("By the end of the period %(done)s tasks were done, %(late)s late and %(open)s not yet due.",
                   done=done_n, late=late_n, open=total - done_n - late_n)]
    return SectionData(sentences=sentences, rows=table,
                       headers=[_("Campaign"), _("Tasks"), _("Done"), _("Late"), _("Not yet due")])


register(Section("campaigns", _l("Patriotic health campaigns"), 70, campaigns_section))
