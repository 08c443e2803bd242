"""The kinds of target a letter holds, registered in one place (as ranking components are).

A kind says what it is (key, label, unit), whose letters hold it (its subject: "village" or
"unit"), whether a higher actual is better, and how to measure every subject's actual for a year:
`measure(township_id or None for the county, year)` answers {village or unit id: {"value":
Decimal, ...facts}} from one aggregate query, leaving out a subject with nothing to measure. Each domain keeps its measure in its own package; creation and education
cadence join by adding a TargetKind to TARGET_KINDS (or calling `register_target_kind` from their
package) and a default to defaults.yaml; nothing else changes."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from flask_babel import lazy_gettext as _l

from hygiene.creation.targets import creation_progress_by_unit, creation_progress_by_village, progress_select
from hygiene.education.targets import education_cadence_by_unit, education_cadence_by_village
from hygiene.extensions import db
from hygiene.food.targets import certificates_valid_by_unit, certificates_valid_select
from hygiene.inspections.targets import (
    mean_score_by_unit,
    mean_score_select,
    pass_rate_by_unit,
    pass_rate_by_village,
    pass_rate_select,
)
from hygiene.pests.targets import round_coverage_by_village, round_coverage_select
from hygiene.toilets.targets import quota_met_by_village, quota_met_select

Measure = Callable[[int | None, int], dict[int, dict[str, Any]]]
Query = Callable[[int | None, int], sa.Select]   # the measure as one SELECT of (subject id, value)
CENT = Decimal("0.01")
SUBJECTS = ("village", "unit")


@dataclass(frozen=True)
class TargetKind:
    key: str            # stored in letter_target.kind; never renamed
    label: Any          # a lazy string
    unit: Any           # a lazy string: "%", ...
    measure: Measure
    higher_is_better: bool = True
    maximum: Decimal = Decimal(100)   # the largest target the form accepts
    subject: str = "village"          # SUBJECTS: whose letters hold it
    query: Query | None = None        # given: the board runs it with the other kinds' in one UNION ALL


TARGET_KINDS: dict[str, TargetKind] = {}


def register_target_kind(kind: TargetKind) -> TargetKind:
    """Add a kind (a domain's hook); the same key twice is a mistake that stops the start."""
    if kind.key in TARGET_KINDS and TARGET_KINDS[kind.key] != kind:
        raise RuntimeError(f"target kind {kind.key!r} is registered twice")
    TARGET_KINDS[kind.key] = kind
    return kind


register_target_kind(TargetKind("inspection_pass_rate", _l("Inspection pass rate"), "%", pass_rate_by_village,
                                query=pass_rate_select))
register_target_kind(TargetKind("toilet_quota", _l("Toilet renovation quota accepted"), "%", quota_met_by_village,
                                query=quota_met_select))
register_target_kind(TargetKind("pest_round_coverage", _l("Pest-control round coverage"), "%",
                                round_coverage_by_village, query=round_coverage_select))
register_target_kind(TargetKind("creation_progress", _l("Hygiene creation progress"), _l("points"),
                                creation_progress_by_village, query=progress_select))
register_target_kind(TargetKind("education_cadence", _l("Health-education cadence"), "%",
                                education_cadence_by_village))
register_target_kind(TargetKind("unit_inspection_pass_rate", _l("Inspection pass rate"), "%", pass_rate_by_unit,
                                subject="unit", query=partial(pass_rate_select, units=True)))
register_target_kind(TargetKind("unit_inspection_mean_score", _l("Inspection mean score"), _l("points"),
                                mean_score_by_unit, subject="unit", query=mean_score_select))
register_target_kind(TargetKind("unit_certificates_valid", _l("Health certificates valid"), "%",
                                certificates_valid_by_unit, subject="unit", query=certificates_valid_select))
register_target_kind(TargetKind("unit_education_cadence", _l("Health-education cadence"), "%",
                                education_cadence_by_unit, subject="unit"))
register_target_kind(TargetKind("unit_creation_progress", _l("Hygiene creation progress"), _l("points"),
                                creation_progress_by_unit, subject="unit", query=partial(progress_select, units=True)))


def kinds_of(subject: str) -> dict[str, TargetKind]:
    """The registered kinds a village's (or a unit's) letter holds, in registry order."""
    return {key: kind for key, kind in TARGET_KINDS.items() if kind.subject == subject}


def kind_label(key: str) -> str:
    """A kind's label, or its key when no longer registered (an old letter keeps its targets)."""
    kind = TARGET_KINDS.get(key)
    return str(kind.label) if kind else key


@cache
def _settings() -> dict[str, Any]:
    return yaml.safe_load((Path(__file__).parent / "defaults.yaml").read_text(encoding="utf-8")) or {}


def default_targets(subject: str = "village") -> dict[str, Decimal]:
    """The office's default target per registered kind of the subject (defaults.yaml: targets for
    villages, unit_targets for units; 0 for a kind it omits)."""
    targets = _settings().get("targets" if subject == "village" else "unit_targets") or {}
    return {key: Decimal(str(targets.get(key, 0))) for key in kinds_of(subject)}


def assessment_opens(year: int) -> date:
    """The first day the year's assessment may be recorded (defaults.yaml: assessment_opens, MM-DD)."""
    text = str(_settings().get("assessment_opens", "12-01"))
    month, day = (int(part) for part in text.split("-"))
    return date(year, month, day)


def measured(*, township_id: int | None, year: int,
             subjects: tuple[str, ...] = SUBJECTS) -> dict[str, dict[int, Decimal]]:
    """The actual of the year per village (or unit) of every registered kind of these subjects: the
    kinds with a query in one UNION ALL statement, each other kind by its measure."""
    chosen = {key: kind for key, kind in TARGET_KINDS.items() if kind.subject in subjects}
    found: dict[str, dict[int, Decimal]] = {key: {} for key in chosen}
    queried = [(key, kind.query(township_id, year).subquery()) for key, kind in chosen.items() if kind.query]
    if queried:
        union = sa.union_all(*(sa.select(sa.literal(key, sa.String(40)).label("kind"), q.c[0].label("owner"),
                                         q.c[1].label("value")) for key, q in queried))
        for key, owner, value in db.session.execute(union):
            if owner is not None and value is not None:
                found[key][owner] = Decimal(str(value)).quantize(CENT)
    for key, kind in chosen.items():
        if kind.query is None:
            found[key] = {owner: facts["value"] for owner, facts in kind.measure(township_id, year).items()}
    return found


def actual_of(actuals: dict[str, dict[int, Decimal]], kind_key: str, *, village_id: int,
              unit_id: int | None) -> Decimal | None:
    """A letter's actual of one kind: looked up by its unit for a unit kind, else by its village."""
    kind = TARGET_KINDS.get(kind_key)
    owner = unit_id if kind is not None and kind.subject == "unit" else village_id
    return actuals.get(kind_key, {}).get(owner) if owner is not None else None
