"""The rankings' part of the office's briefing: the villages' latest published ranking against
the one before, its first and last places and who moved most."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.core.briefing_sections import Section, SectionData, register
from hygiene.core.periods import Period, period_containing
from hygiene.extensions import db
from hygiene.rankings.models import RankingPublication
from hygiene.rankings.movement import Movement
from hygiene.rankings.queries import Change, publication_previous, rank_changes
from hygiene.rankings.wording import period_label

MOVERS_SHOWN = 3


def movers_section(scope: Scope, period: Period) -> SectionData:
    """The villages' latest ranking of a month over by the briefing's end (the briefing's own month,
    or, not yet published, the month before) against the ranking before it. Two queries."""
    month = period_containing("month", period.end)
    months = [m.key for m in (month, month.previous(), month.previous().previous()) if m.end <= period.end][:2]
    latest = db.session.scalar(sa.select(RankingPublication).where(
        RankingPublication.township_id == scope.township_id, RankingPublication.subject == "villages",
        RankingPublication.period_key.in_(months))
        .order_by(RankingPublication.period_key.desc(), RankingPublication.id.desc()).limit(1))
    if latest is None:
        return SectionData(empty=True)
    before = publication_previous(latest)
    changes = rank_changes(latest.rows, before.rows if before else [])
    ranked = sorted((c for c in changes if c.rank), key=lambda c: c.rank or 0)
    if not ranked:
        return SectionData(empty=True)
    sentences = [_("Village ranking of %(period)s: first %(first)s (%(top)s), last %(last)s (%(bottom)s).",
                   period=period_label(latest.period_key), first=ranked[0].name, top=ranked[0].score,
                   last=ranked[-1].name, bottom=ranked[-1].score)]
    if before is None:
        sentences.append(_("No ranking of the period before to compare with."))
        return SectionData(sentences=sentences)
    risers = _most(changes, Movement.UP)
    fallers = _most(changes, Movement.DOWN)
    sentences.append(_("Compared with %(period)s: %(up)s rose, %(down)s fell.", period=period_label(before.period_key),
                       up=sum(1 for c in changes if c.status is Movement.UP),
                       down=sum(1 for c in changes if c.status is Movement.DOWN)))
    rows = [[c.name, c.rank, c.previous_rank, c.move_text] for c in risers + fallers]
    return SectionData(sentences=sentences, rows=rows,
                       headers=[_("Moved most"), _("Rank"), _("Rank before"), _("Move")] if rows else [])


def _most(changes: list[Change], status: Movement) -> list[Change]:
    moved = [c for c in changes if c.status is status]
    return sorted(moved, key=lambda c: (-c.moved, c.rank or 0))[:MOVERS_SHOWN]


register(Section("ranking", _l("Ranking movers"), 30, movers_section))
