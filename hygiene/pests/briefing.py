"""Pest control's part of the office's briefing: the rounds of the period and the targets behind,
and the density levels the period's surveys graded."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.core.briefing_sections import Section, SectionData, register
from hygiene.core.periods import Period
from hygiene.extensions import db
from hygiene.pests.levels import BELOW
from hygiene.pests.ranking import density_component
from hygiene.pests.rounds.coverage import coverage_percent
from hygiene.pests.rounds.models import PestRound
from hygiene.pests.rounds.queries import _cells_stmt
from hygiene.pests.rounds.status import SEEN_BY_TARGETS
from hygiene.pests.words import PEST_LABELS, level_label

ROUNDS_SHOWN = 50  # as the rounds board: a township runs a few a month


@dataclass(frozen=True)
class _Subject:  # what density_component reads of a ranking subject
    township_id: int
    kind: str = "villages"
    category: str | None = None


def rounds_section(scope: Scope, period: Period) -> SectionData:
    """The announced or closed rounds that ran in the period: coverage of the villages' own targets
    and how many targets were behind at the period's end (the rounds board's rule). Two queries."""
    rounds = db.session.execute(sa.select(PestRound.id, PestRound.name).where(
        scope.clause(PestRound), PestRound.status.in_(sorted(SEEN_BY_TARGETS)),
        PestRound.starts_on <= period.end, PestRound.ends_on >= period.start)
        .order_by(PestRound.starts_on, PestRound.id).limit(ROUNDS_SHOWN)).all()
    if not rounds:
        return SectionData(empty=True)
    totals: dict[int, list[Decimal]] = {rid: [Decimal(0)] * 3 for rid, _name in rounds}  # aim, covered, behind
    for row in db.session.execute(_cells_stmt(scope, [rid for rid, _name in rounds], period.end)):
        total = totals[row.round_id]
        total[0] += Decimal(row.aim or 0)
        total[1] += Decimal(row.covered or 0)
        total[2] += int(row.behind or 0)
    rows: list[list[object]] = []
    behind_per_round: list[int] = []
    for rid, name in rounds:
        aim, covered, behind = totals[rid]
        percent = coverage_percent(covered, aim)
        behind_per_round.append(int(behind))
        rows.append([name, f"{percent:.0f}%" if percent is not None else "-", int(behind)])
    behind_rounds = sum(1 for n in behind_per_round if n)
    sentences = [_("%(n)s control rounds ran in the period.", n=len(rows)),
                 _("%(targets)s targets in %(rounds)s rounds were behind.",
                   targets=sum(behind_per_round), rounds=behind_rounds) if behind_rounds
                 else _("No target was behind.")]
    return SectionData(sentences=sentences, rows=rows,
                       headers=[_("Round"), _("Coverage of the villages"), _("Targets behind")])


def density_section(scope: Scope, period: Period) -> SectionData:
    """Per pest, the villages graded by the period's surveys and how many reached level C or
    better (each village's latest survey day of the period, as the ranking grades). One query."""
    assert scope.township_id is not None  # a briefing is of one township
    graded = density_component(_Subject(scope.township_id), period)
    if not graded:
        return SectionData(empty=True)
    per_pest: dict[str, list[int]] = {}
    for facts in graded.values():
        for name, level in facts.items():
            if name.startswith("level_"):
                counts = per_pest.setdefault(name[6:], [0, 0])
                counts[0] += 1
                counts[1] += 0 if level == BELOW else 1  # C or better, or "meets" under the legacy criteria
    order = list(PEST_LABELS)
    rows = [[PEST_LABELS.get(pest, pest), n, meeting, n - meeting]
            for pest, (n, meeting) in sorted(per_pest.items(), key=lambda item: (
                order.index(item[0]) if item[0] in order else len(order), item[0]))]
    meeting = sum(facts["meeting"] for facts in graded.values())
    total = sum(facts["graded"] for facts in graded.values())
    sentences = [_("Density surveys graded %(villages)s villages; %(meeting)s of %(total)s gradings at level %(c)s or better.",
                   villages=len(graded), meeting=meeting, total=total, c=level_label("C"))]
    return SectionData(sentences=sentences, rows=rows,
                       headers=[_("Pest"), _("Villages graded"), _("At C or better"), _("Below C")])


register(Section("pest_rounds", _l("Pest-control rounds"), 40, rounds_section))
register(Section("pest_density", _l("Pest density levels"), 50, density_section))
