"""What pest control gives the period rankings (hygiene/rankings/components.py registers these):
round coverage, and the share of pests at the hygienic-town level (C or better).

Each maps a candidate id (a village, or a unit of the ranked category) to {"value": 0..100,
...facts}; a candidate with nothing to measure in the period is left out, so its total is
weighed over the other components (rankings/maths.weighted_score). Pests does not import
rankings: a subject is anything with `township_id`, `kind` ("villages" | "units") and
`category` (rankings.components.Subject)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Protocol

import sqlalchemy as sa

from hygiene.core.periods import Period
from hygiene.extensions import db
from hygiene.pests import surveys
from hygiene.pests.monitoring.models import MonitoringRecord
from hygiene.pests.rounds.coverage import TargetCoverage
from hygiene.pests.rounds.models import PestRound, RoundTarget
from hygiene.pests.rounds.queries import coverage_stmt
from hygiene.pests.rounds.status import SEEN_BY_TARGETS
from hygiene.places.models import Unit

CENT = Decimal("0.01")


class Subject(Protocol):
    @property
    def township_id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def category(self) -> str | None: ...


def round_coverage_component(subject: Subject, period: Period) -> dict[int, dict[str, Any]]:
    """Per village (its own targets, not its units') or unit: the mean coverage percent of its
    targets of the rounds (announced or closed) that end in the period; facts: rounds counted
    and how many of them it was behind on. A target with no number to cover counts not."""
    rounds = sa.select(PestRound.id).where(
        PestRound.township_id == subject.township_id, PestRound.status.in_(sorted(SEEN_BY_TARGETS)),
        PestRound.ends_on.between(period.start, period.end))
    if subject.kind == "villages":
        place = RoundTarget.unit_id.is_(None)
    else:
        place = RoundTarget.unit_id.in_(sa.select(Unit.id).where(Unit.category == subject.category))
    stmt = (coverage_stmt(sa.and_(RoundTarget.round_id.in_(rounds), place))
            .add_columns(PestRound.coverage_goal).join(PestRound, PestRound.id == RoundTarget.round_id))
    found: dict[int, list[tuple[Decimal, bool]]] = {}
    for row in db.session.execute(stmt):
        coverage = TargetCoverage(row[0], row[1], row[2], row[3], row[4], row[5], int(row[6]),
                                  Decimal(str(row[7])), int(row[8]), int(row[9]), int(row[10]), row[11])
        goal = Decimal(row[12])
        percent = coverage.percent
        if percent is None:
            continue
        candidate = coverage.village_id if subject.kind == "villages" else coverage.unit_id
        assert candidate is not None
        found.setdefault(candidate, []).append((percent, coverage.behind(goal)))
    return {candidate: {"value": (sum((p for p, _b in values), Decimal(0)) / len(values)).quantize(CENT),
                        "rounds": len(values), "behind": sum(1 for _p, behind in values if behind)}
            for candidate, values in found.items()}


def density_component(subject: Subject, period: Period) -> dict[int, dict[str, Any]]:
    """Per village: of the pests graded in the period (each pest's latest survey day in the
    period, every method of that day pooled, as the level board grades), the share at C or
    better; facts: each graded pest's level. Units are not graded here: left out."""
    if subject.kind != "villages":
        return {}
    r = MonitoringRecord
    in_period = sa.and_(r.township_id == subject.township_id, r.surveyed_on.between(period.start, period.end))
    latest = (sa.select(r.village_id, r.pest, sa.func.max(r.surveyed_on).label("day"))
              .where(in_period).group_by(r.village_id, r.pest).subquery())
    rows = db.session.execute(sa.select(r.village_id, r.pest, r.surveyed_on, r.counts).join(latest, sa.and_(
        r.village_id == latest.c.village_id, r.pest == latest.c.pest, r.surveyed_on == latest.c.day))
        .where(in_period).order_by(r.village_id, r.pest, r.id))
    same_day: dict[int, dict[str, tuple[date, list[dict]]]] = {}
    for village_id, pest, day, counts in rows:
        same_day.setdefault(village_id, {}).setdefault(pest, (day, []))[1].append(counts)
    found: dict[int, dict[str, Any]] = {}
    for village_id, pests in same_day.items():
        levels = {pest: grading.level for pest, (day, counts) in sorted(pests.items())
                  if (grading := surveys.grade_survey(pest, day, surveys.pooled(counts))).level is not None}
        if levels:
            meeting = sum(1 for level in levels.values() if level.meets_required)
            found[village_id] = {"value": (Decimal(100) * meeting / len(levels)).quantize(CENT),
                                 "graded": len(levels), "meeting": meeting,
                                 **{f"level_{pest}": level.level for pest, level in levels.items()}}
    return found


def facts_text(key: str, facts: dict[str, Any]) -> str | None:
    """The explain page's words for a pest component's facts (also from a snapshot, as text)."""
    from flask_babel import gettext as _

    from hygiene.pests.words import PEST_LABELS, level_label

    if key == "pest_rounds":
        return _("Mean coverage of %(n)s round(s) ending in the period; below the goal in %(behind)s",
                 n=facts.get("rounds", 0), behind=facts.get("behind", 0))
    if key == "pest_density":
        levels = "、".join(f"{PEST_LABELS.get(name[6:], name[6:])} {level_label(str(level))}"
                          for name, level in facts.items() if name.startswith("level_"))
        return _("%(meeting)s of %(graded)s pests graded in the period at level C or better: %(levels)s",
                 meeting=facts.get("meeting", 0), graded=facts.get("graded", 0), levels=levels)
    return None
