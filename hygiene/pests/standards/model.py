"""The shape of the standards data: editions, indicators, measures and their thresholds."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from hygiene.pests.indices import Allowance
from hygiene.pests.refusals import Refused

PESTS = ("rodent", "mosquito", "fly", "cockroach")
TAGS = ("V", "S", "U")
OPERATORS = ("<=", "<", ">=")


class StandardDataError(ValueError):
    """A standards file that does not say what the rules need; names the file and the place."""


@dataclass(frozen=True)
class Threshold:
    value: Decimal
    tag: str
    note: str = ""


@dataclass(frozen=True)
class Measure:
    """One number of an indicator: its index, the raw counts it reads and its limit per level."""

    key: str
    index: str
    inputs: Mapping[str, str]          # index parameter -> raw-count field
    operator: str                      # "<=" at most, "<" below, ">=" at least
    thresholds: Mapping[str, Threshold]

    def meets(self, value: Decimal | None, level: str) -> bool:
        """True when `value` is within this level's limit; a density of no positives always is."""
        if value is None:
            return True
        limit = self.thresholds[level].value
        return {"<=": value <= limit, "<": value < limit, ">=": value >= limit}[self.operator]


@dataclass(frozen=True)
class Indicator:
    key: str
    name: Mapping[str, str]
    measures: tuple[Measure, ...]

    @cached_property
    def fields(self) -> frozenset[str]:
        """The raw counts the indicator reads (asked for every survey graded: kept once made)."""
        return frozenset(name for measure in self.measures for name in measure.inputs.values())


@dataclass(frozen=True)
class Edition:
    standard: str                      # "GB/T 27772"
    edition: str                       # "2011"
    pest: str
    title: Mapping[str, str]
    issued: date
    in_force: date
    tag: str
    levels: tuple[str, ...]            # best first: ("A", "B", "C") or ("pass",)
    required_level: str                # what a hygienic town must reach
    indicators: tuple[Indicator, ...]
    unit_room_allowance: tuple[Allowance, ...] = ()
    dates_tag: str = ""                # when the dates are less sure than the edition itself

    @property
    def label(self) -> str:
        return f"{self.standard}-{self.edition}"

    @property
    def graded(self) -> bool:
        """False while the edition's thresholds are not entered (GB/T 27772-2025)."""
        return bool(self.indicators)


@dataclass(frozen=True)
class Method:
    pest: str
    key: str
    name: Mapping[str, str]
    standard: str
    editions: tuple[str, ...]
    tag: str
    index: str
    inputs: Mapping[str, str]
    unit: str
    index_name: Mapping[str, str]


@dataclass(frozen=True)
class RiskBand:
    key: str
    below: Decimal | None              # None: the open top band
    name: Mapping[str, str]
    colour: str


@dataclass(frozen=True)
class Catalogue:
    """Every edition, method and risk band the data files hold."""

    all_editions: tuple[Edition, ...]
    methods: tuple[Method, ...]
    breteau_risk_bands: tuple[RiskBand, ...]
    # answers of editions() and known_fields(), asked for every survey graded; the data never changes
    _memo: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def editions(self, *, pest: str | None = None, standard: str | None = None) -> list[Edition]:
        """Editions, oldest first, of one pest or standard if asked."""
        key = ("editions", pest, standard)
        if key not in self._memo:
            self._memo[key] = tuple(sorted(
                (e for e in self.all_editions if pest in (None, e.pest) and standard in (None, e.standard)),
                key=lambda e: (e.standard, e.pest, e.in_force)))
        return list(self._memo[key])

    def get(self, standard: str, edition: str, pest: str) -> Edition:
        """One edition; refused (code unknown_edition) when the data has no such edition."""
        for e in self.all_editions:
            if (e.standard, e.edition, e.pest) == (standard, edition, pest):
                return e
        raise Refused("unknown_edition", f"There is no edition {standard}-{edition} for {pest}.",
                      field="edition", standard=standard, edition=edition, pest=pest)

    def known_fields(self, pest: str) -> frozenset[str]:
        """Every raw count any edition or surveillance method of `pest` reads."""
        key = ("known_fields", pest)
        if key not in self._memo:
            self._memo[key] = frozenset({f for e in self.editions(pest=pest) for i in e.indicators for f in i.fields}
                         | {f for m in self.methods_for(pest) for f in m.inputs.values()})
        return self._memo[key]

    def in_force(self, standard: str, pest: str, day: date) -> Edition | None:
        """The edition of `standard` in force for `pest` on `day`, if any was by then."""
        current = [e for e in self.editions(pest=pest, standard=standard) if e.in_force <= day]
        return current[-1] if current else None

    def for_grading(self, standard: str, pest: str, day: date) -> Edition | None:
        """The newest edition in force on `day` whose thresholds are entered. When it is older than
        `in_force(...)`, say so beside the level (the 2025 fly thresholds are not in the data yet)."""
        graded = [e for e in self.editions(pest=pest, standard=standard) if e.in_force <= day and e.graded]
        return graded[-1] if graded else None

    def methods_for(self, pest: str) -> list[Method]:
        return [m for m in self.methods if m.pest == pest]
