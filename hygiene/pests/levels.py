"""The control level of a pest (A, B, C or below C) from raw counts, under one standard edition.

As domain-standards.md §1.1 defines it: each number of an indicator is graded on its own
(an indicator with a rate and a density needs both to pass), an indicator takes the worst of
its numbers, and the pest takes the worst of its indicators. A level is met only when every
measured indicator meets it; failing even C leaves the pest below C (不达标).
Indicators with no counts are listed as missing, never assumed to pass or fail."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from hygiene.pests.indices import INDICES
from hygiene.pests.refusals import Refused
from hygiene.pests.standards import CATALOGUE, PESTS, Edition, Indicator, Measure, RiskBand

BELOW = "below"                        # below the edition's worst level: 不达标 / 低于C级
LABELS = {"A": {"zh": "A级", "en": "Level A"}, "B": {"zh": "B级", "en": "Level B"},
          "C": {"zh": "C级", "en": "Level C"}, "pass": {"zh": "达标", "en": "Meets the criteria"},
          BELOW: {"zh": "不达标", "en": "Below the required level"}}


@dataclass(frozen=True)
class MeasureResult:
    key: str
    value: Decimal | None              # None: a density with nothing positive, which meets every level
    level: str


@dataclass(frozen=True)
class IndicatorResult:
    key: str
    level: str
    measures: tuple[MeasureResult, ...]


@dataclass(frozen=True)
class PestLevel:
    """A pest's level under one edition, with what it was computed from."""

    edition: Edition
    level: str
    indicators: tuple[IndicatorResult, ...]
    missing: tuple[str, ...]           # indicators of the edition with no counts given

    @property
    def meets_required(self) -> bool:
        """True when the level reaches the edition's required one (C: what a hygienic town must reach)."""
        levels = self.edition.levels
        return self.level != BELOW and levels.index(self.level) <= levels.index(self.edition.required_level)

    @property
    def complete(self) -> bool:
        return not self.missing


def measure_level(measure: Measure, value: Decimal | None, levels: tuple[str, ...]) -> str:
    """The best level whose limit the value keeps, or BELOW."""
    return next((level for level in levels if measure.meets(value, level)), BELOW)


def worst(levels: Iterable[str], order: tuple[str, ...]) -> str:
    """The worst of several levels (BELOW is worse than any)."""
    ranking = (*order, BELOW)
    return max(levels, key=ranking.index)


def _is_given(counts: Mapping[str, object], field: str) -> bool:
    return counts.get(field) is not None


def _measured(edition: Edition, indicator: Indicator, counts: Mapping[str, object]) -> bool:
    """An indicator is measured when its counts are given. Giving only some of them is refused,
    except for counts it shares with another indicator (rooms checked serve several)."""
    shared = {f for other in edition.indicators if other is not indicator for f in other.fields}
    given = {f for f in indicator.fields if _is_given(counts, f)}
    if given == indicator.fields:
        return True
    if given - shared:
        lacking = sorted(indicator.fields - given)[0]
        raise Refused("missing_count", f"{lacking} is missing: {indicator.key} needs it.",
                      field=lacking, indicator=indicator.key)
    return False


def _grade_indicator(edition: Edition, indicator: Indicator, counts: Mapping[str, object]) -> IndicatorResult:
    results = []
    for measure in indicator.measures:
        arguments = {param: counts[field] for param, field in measure.inputs.items()}
        value = INDICES[measure.index](**arguments, fields=measure.inputs)
        results.append(MeasureResult(measure.key, value, measure_level(measure, value, edition.levels)))
    return IndicatorResult(indicator.key, worst((r.level for r in results), edition.levels), tuple(results))


def grade(edition: Edition, counts: Mapping[str, object]) -> PestLevel:
    """The level of one pest under `edition` from raw counts keyed by the edition's field names."""
    if not edition.graded:
        raise Refused("edition_without_thresholds",
                      f"{edition.label} has no thresholds entered yet; grade under an earlier edition.",
                      edition=edition.label)
    # Counts of other methods (light traps beside the control-level survey) may come along; a name
    # no standard or method of the pest uses is a mistake.
    used = {f for i in edition.indicators for f in i.fields}
    unknown = sorted(set(counts) - used - CATALOGUE.known_fields(edition.pest))
    if unknown:
        raise Refused("unknown_count", f"{unknown[0]} is not a count recorded for {edition.pest}.",
                      field=unknown[0])
    measured = [i for i in edition.indicators if _measured(edition, i, counts)]
    if not measured:
        raise Refused("no_results", f"No counts were given for any indicator of {edition.label}.",
                      edition=edition.label)
    results = tuple(_grade_indicator(edition, i, counts) for i in measured)
    return PestLevel(edition, worst((r.level for r in results), edition.levels), results,
                     tuple(i.key for i in edition.indicators if i not in measured))


def gradable(edition: Edition, given: frozenset[str]) -> bool:
    """True when counts with these fields given (and consistent) get a level from `edition`:
    what `grade` answers without computing a single index."""
    if not edition.graded or given - {f for i in edition.indicators for f in i.fields} - CATALOGUE.known_fields(
            edition.pest):
        return False
    counts = dict.fromkeys(given, 0)
    try:
        return bool([i for i in edition.indicators if _measured(edition, i, counts)])
    except Refused:
        return False


def grade_all(editions: Mapping[str, Edition], counts: Mapping[str, Mapping[str, object]]) -> dict[str, PestLevel]:
    """Each pest's level under its edition; pests without counts are left out."""
    return {pest: grade(editions[pest], pest_counts) for pest, pest_counts in counts.items() if pest_counts}


def meets_hygienic_town(levels: Mapping[str, PestLevel]) -> bool:
    """True when rats, mosquitoes, flies and cockroaches were all graded and each reached at least C
    (item 38 of the 2014 national hygienic city standard; towns follow the same rule)."""
    return all(pest in levels and levels[pest].meets_required for pest in PESTS)


def breteau_risk(index: Decimal, bands: tuple[RiskBand, ...] = CATALOGUE.breteau_risk_bands) -> RiskBand:
    """The dengue risk band of a Breteau index: the first band whose bound the index stays below."""
    return next(band for band in bands if band.below is None or index < band.below)
