"""Monitoring records read through the standards data: which counts a method takes, its index,
and the control level a survey's counts reach. Pure: no Flask, no database.

The level of a survey is graded under the control-level standard of its pest (GB/T 27770-27773)
in force on the survey day; when that edition has no thresholds yet (GB/T 27772-2025) the newest
one that has grades it, and `Grading.fell_back_from` says so."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from hygiene.pests.indices import INDICES, whole_count
from hygiene.pests.levels import PestLevel, gradable, grade
from hygiene.pests.refusals import Refused
from hygiene.pests.standards import CATALOGUE, PESTS, Edition, Method

# index parameters that take a measured amount (km of path, hours of netting), not a whole count
AMOUNT_PARAMS = frozenset({"km", "hours"})
COUNT_LABELS: dict[str, dict[str, str]] = yaml.safe_load(
    (Path(__file__).parent / "counts.yaml").read_text("utf-8"))
METHODS: dict[tuple[str, str], Method] = {(m.pest, m.key): m for m in CATALOGUE.methods}


def control_standard(pest: str) -> str:
    """The control-level standard of a pest: the one whose latest edition is the newest."""
    return max(CATALOGUE.editions(pest=pest), key=lambda e: e.in_force).standard


def _graded_alongside(method: Method) -> list[str]:
    """Counts the control-level standard reads beside the method's own, for the indicator that
    reads the method's positives (flies counted in the rooms with flies, small and large
    cockroaches...): asked on the same form so the survey can be graded."""
    editions = CATALOGUE.editions(pest=method.pest, standard=control_standard(method.pest))
    indicators = [i for e in editions for i in e.indicators]
    shared = {f for i in indicators for f in i.fields
              if sum(f in other.fields for other in indicators if other.key != i.key)}
    own = set(method.inputs.values()) - shared
    return sorted({f for i in indicators if i.fields & own for f in i.fields} - set(method.inputs.values()))


ALONGSIDE = {key: _graded_alongside(method) for key, method in METHODS.items()}
_unlabelled = sorted(({f for m in CATALOGUE.methods for f in m.inputs.values()}
                      | {f for extra in ALONGSIDE.values() for f in extra}) - set(COUNT_LABELS))
if _unlabelled:
    raise RuntimeError(f"counts.yaml has no label for {_unlabelled[0]}")


def method_of(pest: str, key: str) -> Method | None:
    return METHODS.get((pest, key))


def is_amount(method: Method, field: str) -> bool:
    return any(param in AMOUNT_PARAMS for param, name in method.inputs.items() if name == field)


def fields_of(method: Method) -> list[str]:
    """The method's raw counts in the order the data names them (positives before their base),
    then those its control level needs beside them."""
    return list(dict.fromkeys(method.inputs.values())) + ALONGSIDE[(method.pest, method.key)]


def read_counts(method: Method, typed: Mapping[str, object]) -> dict[str, int | float]:
    """The raw counts of a form, checked by the method's index (negative counts, positives over
    checked, a zero base...): the first fault is refused with `Refused`, naming the field."""
    counts: dict[str, int | float] = {}
    for field in fields_of(method):
        value = typed.get(field)
        text = value.strip() if isinstance(value, str) else value
        if text in (None, ""):
            raise Refused("missing_count", f"{field} is missing.", field=field, indicator=method.key)
        try:
            number = Decimal(str(text))
        except InvalidOperation:
            raise Refused("not_a_number", f"{field} must be a number.", field=field) from None
        counts[field] = float(number) if is_amount(method, field) else _whole(number)
    method_index(method, counts)
    for field in ALONGSIDE[(method.pest, method.key)]:
        whole_count(counts[field], field)
    grade_survey(method.pest, date.max, counts, strict=True)   # each count against its pair
    return counts


def _whole(number: Decimal) -> Any:
    """A whole number as int; anything else stays a Decimal so the index refuses it by name."""
    return int(number) if number.is_finite() and number == number.to_integral_value() else number


def method_index(method: Method, counts: Mapping[str, object]) -> Decimal | None:
    """The method's own index (capture rate, Breteau index, flies per cage...)."""
    return INDICES[method.index](**{param: counts[field] for param, field in method.inputs.items()},
                                 fields=method.inputs)


@dataclass(frozen=True)
class Grading:
    """A survey's level (None when its counts cover no indicator of the standard) with the
    edition that graded it, and the edition in force that could not (no thresholds yet)."""

    level: PestLevel | None
    edition: Edition | None
    fell_back_from: Edition | None


def grade_survey(pest: str, day: date, counts: Mapping[str, object], *, strict: bool = False) -> Grading:
    """`strict`: refuse counts the edition refuses (fewer flies than rooms with flies...), not
    only those that cover none of its indicators."""
    standard = control_standard(pest)
    edition = CATALOGUE.for_grading(standard, pest, day)
    current = CATALOGUE.in_force(standard, pest, day)
    fell_back = current if current is not None and current is not edition else None
    if edition is None:
        return Grading(None, None, fell_back)
    try:
        return Grading(grade(edition, counts), edition, fell_back)
    except Refused as refused:   # a method no indicator reads (trap-nights, light traps): no level
        if strict and refused.code != "no_results":
            raise
        return Grading(None, edition, fell_back)


def grading_edition(pest: str, day: date) -> Edition | None:
    """The edition that grades a survey of `pest` on `day` (see grade_survey)."""
    return CATALOGUE.for_grading(control_standard(pest), pest, day)


@cache
def graded_fields(pest: str) -> tuple[str, ...]:
    """The counts the control-level standard of `pest` reads, in any of its graded editions."""
    editions = CATALOGUE.editions(pest=pest, standard=control_standard(pest))
    return tuple(sorted({f for e in editions for i in e.indicators for f in i.fields}))


@cache
def grading_methods(pest: str) -> tuple[str, ...]:
    """The methods of `pest` whose survey gets a control level: its counts (with those asked
    alongside) measure an indicator of a graded edition of the control-level standard."""
    editions = [e for e in CATALOGUE.editions(pest=pest, standard=control_standard(pest)) if e.graded]
    return tuple(m.key for m in CATALOGUE.methods_for(pest)
                 if any(gradable(e, frozenset(fields_of(m))) for e in editions))


def pooled(surveys: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The counts of several surveys added up, so rates are over every room or trap checked."""
    total: dict[str, Any] = {}
    for counts in surveys:
        for field, value in counts.items():
            total[field] = total.get(field, 0) + (Decimal(str(value)) if isinstance(value, float) else value)
    return total


def latest_by_pest(records: Iterable[Any]) -> dict[str, list[Any]]:
    """Per pest, the records of its latest survey day (records ordered by day)."""
    latest: dict[str, list[Any]] = {}
    for record in records:
        same = latest.get(record.pest)
        if same and same[0].surveyed_on > record.surveyed_on:
            continue
        if same and same[0].surveyed_on == record.surveyed_on:
            same.append(record)
        else:
            latest[record.pest] = [record]
    return latest


__all__ = ["PESTS", "Grading", "grade_survey", "method_of", "read_counts", "method_index", "pooled"]
