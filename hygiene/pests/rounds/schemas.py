"""A round's input as typed models: pure field rules (pests, season, dates, goal, each target's
numbers). The product and the targets in the register are checked against the database in
rounds.services."""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from hygiene.core.schemas import InputModel, RecordId, a_date, no_control_characters, parse_input, refusal
from hygiene.errors import InvalidFields
from hygiene.pests.rounds.models import AREA_UNITS, ROUND_PESTS, SEASONS, UNIFIED_RULES, PestRound
from hygiene.pests.schemas import near_today
from hygiene.places.rules import clean_text
from hygiene.places.schemas import Clean, Required, fits

MAX_DAYS = 183           # a round lasts half a year at most
MAX_HOUSEHOLDS = 100_000
MAX_AREA = Decimal(10_000_000)
DEFAULT_GOAL = Decimal(95)


class RoundInvalid(InvalidFields):
    """A round is wrong: each field at fault with its message."""


def _number_text(value: object) -> str:
    """What a person typed as a number: full-width digits folded, commas and spaces dropped."""
    return unicodedata.normalize("NFKC", str(value if value is not None else "")).strip().replace(",", "")


def _keys(choices: tuple[str, ...], *, at_least_one: Callable[[], str] | None = None):
    def check(value: object) -> list[str]:
        values = [value] if isinstance(value, str) else list(value or [])  # type: ignore[call-overload]
        if any(v not in choices for v in values):
            raise refusal(_("Choose a value from the list."))
        if at_least_one and not values:
            raise refusal(at_least_one())
        return [key for key in choices if key in values]  # the table's order, each once
    return BeforeValidator(check)


def _one_of(choices: tuple[str, ...]):
    def check(value: object) -> str:
        if not isinstance(value, str) or value not in choices:
            raise refusal(_("Choose a value from the list."))
        return value
    return BeforeValidator(check)


def _snail_alone(pests: list[str]) -> list[str]:
    if "snail" in pests and len(pests) > 1:
        raise refusal(_("Snail control is a round of its own: do not tick other pests with it."))
    return pests


def _goal(value: object) -> Decimal:
    text = _number_text(value)
    if not text:
        return DEFAULT_GOAL
    try:
        goal = Decimal(text)
    except InvalidOperation:
        raise refusal(_("Enter a percentage between 1 and 100.")) from None
    if not goal.is_finite() or not Decimal(1) <= goal <= Decimal(100) or goal != goal.quantize(Decimal("0.01")):
        raise refusal(_("Enter a percentage between 1 and 100."))
    return goal




Text = BeforeValidator(lambda value: no_control_characters(clean_text(value)))


class RoundInput(InputModel):
    """A round's facts as the office plans them (its targets are TargetInputs)."""

    name: Annotated[str, fits(PestRound.name), Clean, Required]
    pests: Annotated[list[str], _keys(ROUND_PESTS, at_least_one=lambda: _("Tick what the round controls.")),
                     AfterValidator(_snail_alone)]
    season: Annotated[str, _one_of(SEASONS)]
    starts_on: Annotated[date, BeforeValidator(a_date), AfterValidator(near_today)]
    ends_on: Annotated[date, BeforeValidator(a_date), AfterValidator(near_today)]
    method: Annotated[str, fits(PestRound.method), Text] = ""
    product_id: RecordId = None
    dose: Annotated[str, fits(PestRound.dose), Text] = ""
    unified_rules: Annotated[list[str], _keys(UNIFIED_RULES)] = []
    coverage_goal: Annotated[Decimal, BeforeValidator(_goal)] = DEFAULT_GOAL
    note: Annotated[str, BeforeValidator(lambda value: no_control_characters(str(value or "").strip())),
                    Field(max_length=2000)] = ""
    # one per form shown: sending it twice makes one round
    request_key: Annotated[str | None, BeforeValidator(lambda value: clean_text(value)[:64] or None)] = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> RoundInput:
        if self.ends_on < self.starts_on:
            raise RoundInvalid({"ends_on": _("The end date cannot be before the start date.")})
        if self.ends_on - self.starts_on > timedelta(days=MAX_DAYS):
            raise RoundInvalid({"ends_on": _("A round lasts at most %(days)d days.", days=MAX_DAYS)})
        return self

    @property
    def by_area(self) -> bool:
        return "snail" in self.pests


class TargetInput(InputModel):
    """One village or unit the round reaches, with what it must cover."""

    village_id: int
    unit_id: int | None = None
    households_target: int | None = None
    area_target: Decimal | None = None
    area_unit: str | None = None

    @property
    def place_key(self) -> str:
        return f"unit:{self.unit_id}" if self.unit_id else f"village:{self.village_id}"


def _whole(text: str, most: int) -> int:
    number = int(text)  # a ValueError when it is no whole number
    if not 1 <= number <= most:
        raise ValueError(f"{number} is out of range")
    return number


def target_of(row: Mapping[str, Any], *, by_area: bool, errors: dict[str, str]) -> TargetInput | None:
    """One target row of the form ({prefix, village_id, unit_id, households, area, area_unit}),
    or None with its faults added to `errors` under the row's field names."""
    prefix, found = row["prefix"], len(errors)
    households = area = unit = None
    if by_area and row.get("unit_id"):
        errors[prefix] = _("A snail round reaches villages, not units.")
    elif by_area:
        area = _area(_number_text(row.get("area")), f"{prefix}_area", errors)
        unit = row.get("area_unit") if row.get("area_unit") in AREA_UNITS else None
        if unit is None:
            errors[f"{prefix}_area_unit"] = _("Choose mu or m².")
    else:
        households = _households(_number_text(row.get("households")), f"{prefix}_households", errors)
    if len(errors) > found:
        return None
    return TargetInput(village_id=row["village_id"], unit_id=row.get("unit_id"), households_target=households,
                       area_target=area, area_unit=unit)


def _households(text: str, field: str, errors: dict[str, str]) -> int | None:
    try:
        return _whole(text, MAX_HOUSEHOLDS)
    except ValueError:
        errors[field] = _("Enter a whole number from 1 to %(most)d.", most=MAX_HOUSEHOLDS)
        return None


def _area(text: str, field: str, errors: dict[str, str]) -> Decimal | None:
    try:
        area = Decimal(text)
    except InvalidOperation:
        area = Decimal(-1)
    if not area.is_finite() or not Decimal(0) < area <= MAX_AREA or area != area.quantize(Decimal("0.01")):
        errors[field] = _("Enter the snail habitat area: above 0, at most two decimals.")
        return None
    return area


def round_input(data: Mapping[str, Any], rows: Sequence[Mapping[str, Any]]) -> tuple[RoundInput, list[TargetInput]]:
    """The checked round and targets, or RoundInvalid naming every field at fault."""
    errors: dict[str, str] = {}
    checked: RoundInput | None = None
    try:
        checked = parse_input(RoundInput, data, invalid=RoundInvalid)
    except RoundInvalid as invalid:
        errors.update(invalid.errors)
    by_area = checked.by_area if checked else "snail" in (data.get("pests") or [])
    targets = [target_of(row, by_area=by_area, errors=errors) for row in rows]
    if not rows:
        errors["targets"] = _("Choose at least one village or unit.")
    if errors or checked is None:
        raise RoundInvalid(errors)
    return checked, [t for t in targets if t is not None]
