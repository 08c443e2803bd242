"""The checked inputs of the creation pages: the year's targets, an application, the
self-assessment, the review request and the steps the office records."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from hygiene.clock import local_today
from hygiene.core.input import db_int
from hygiene.core.schemas import InputModel, a_date, no_control_characters, parse_input, refusal
from hygiene.creation.kinds import KINDS, pairs
from hygiene.errors import InvalidFields

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_TARGET = 1000
MAX_REWARD = Decimal(1_000_000)


def _text(value: object) -> object:
    return no_control_characters((value or "").strip() if isinstance(value, str) else value or "")


def _year(value: object) -> int:
    try:
        year = db_int(str(value).strip())
    except (TypeError, ValueError):
        raise refusal(_("Enter a year, such as 2026.")) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise refusal(_("Enter a year, such as 2026."))
    return year


def _not_ahead(day: date) -> date:
    if day > local_today():
        raise refusal(_("This date is in the future."))
    if day.year < FIRST_YEAR:
        raise refusal(_("Enter a date."))
    return day


def _kind(value: object) -> str:
    if value not in KINDS:
        raise refusal(_("Choose a value from the list."))
    return str(value)


def _level(value: object) -> str:
    if not any(value == level.key for _kind, level in pairs()):
        raise refusal(_("Choose a value from the list."))
    return str(value)


def _applicant(value: object) -> str:
    """v<village id> or u<unit id>, from the applicant list."""
    text = str(value or "").strip()
    if len(text) < 2 or text[0] not in "vu":
        raise refusal(_("Choose a value from the list."))
    try:
        db_int(text[1:])
    except (TypeError, ValueError):
        raise refusal(_("Choose a value from the list.")) from None
    return text


def _score(value: object) -> Decimal:
    text = str(value if value is not None else "").strip()
    try:
        score = Decimal(text)
    except InvalidOperation:
        raise refusal(_("Enter a score from 0 to 100, such as 92.5.")) from None
    if not score.is_finite() or not 0 <= score <= 100 or score * 2 != int(score * 2):
        raise refusal(_("Enter a score from 0 to 100, such as 92.5."))
    return score


def money(value: object) -> Decimal | None:
    """Yuan with at most two decimals; empty is None."""
    text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise refusal(_("Enter an amount in yuan, such as 1200 or 1200.50.")) from None
    if not amount.is_finite():
        raise refusal(_("Enter an amount in yuan, such as 1200 or 1200.50."))
    if amount < 0:
        raise refusal(_("Cannot be negative."))
    if amount > MAX_REWARD:
        raise refusal(_("At most %(n)d yuan.", n=int(MAX_REWARD)))
    if amount != amount.quantize(Decimal("0.01")):
        raise refusal(_("At most 2 decimal places (fen)."))
    return amount.quantize(Decimal("0.01"))


def _ids(value: object) -> list[int]:
    values = value if isinstance(value, (list, tuple)) else [value] if value not in (None, "") else []
    try:
        return sorted({db_int(v) for v in values})
    except (TypeError, ValueError):
        raise refusal(_("Choose a value from the list.")) from None


Text = Annotated[str, BeforeValidator(_text), Field(max_length=2000)]
Key = Annotated[str | None, BeforeValidator(lambda value: (str(value or "")).strip()[:64] or None)]
Day = Annotated[date, BeforeValidator(a_date), AfterValidator(_not_ahead)]
Year = Annotated[int, BeforeValidator(_year)]


class ApplyInput(InputModel):
    applicant: Annotated[str, BeforeValidator(_applicant)]
    kind: Annotated[str, BeforeValidator(_kind)]
    level: Annotated[str, BeforeValidator(_level)]
    year: Year
    applied_on: Day
    note: Text = ""
    request_key: Key = None


class SelfAssessInput(InputModel):
    score: Annotated[Decimal, BeforeValidator(_score)]
    happened_on: Day
    note: Text = ""
    request_key: Key = None


def _in_range(day: date) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise refusal(_("Enter a date."))
    return day


AnyDay = Annotated[date, BeforeValidator(a_date), AfterValidator(_in_range)]


class ReviewRequestInput(InputModel):
    inspector_ids: Annotated[list[int], BeforeValidator(_ids)] = []
    planned_on: AnyDay
    due_on: AnyDay
    request_key: Key = None


class StepInput(InputModel):
    """A step the office records: submitted, named, rejected, re-reviewed, revoked."""

    happened_on: Day
    accepted_on: Annotated[date | None, BeforeValidator(lambda v: None if v in (None, "") else a_date(v)),
                           AfterValidator(lambda v: v if v is None else _not_ahead(v))] = None
    document: Annotated[str, BeforeValidator(_text), Field(max_length=100)] = ""
    result: str = ""
    note: Text = ""
    request_key: Key = None


class RewardInput(InputModel):
    paid_on: Day
    amount: Annotated[Decimal | None, BeforeValidator(money)] = None
    request_key: Key = None


class TargetRow(InputModel):
    kind: str
    level: str
    target: int
    reward: Decimal


class TargetsInput(InputModel):
    year: Year
    rows: list[TargetRow]


def target_field(kind: str, level: str, what: str) -> str:
    """The form field of one kind and level: target__hygienic_village__county."""
    return f"{what}__{kind}__{level}"


def targets_input(data: Mapping[str, Any]) -> TargetsInput:
    """Every kind and level's target and reward, or InvalidFields naming each field at fault."""
    errors: dict[str, str] = {}
    try:
        year = _year(data.get("year"))
    except PydanticCustomError as refused:
        errors["year"], year = refused.message(), 0
    rows = []
    for kind, level in pairs():
        count_name, reward_name = target_field(kind.key, level.key, "target"), target_field(kind.key, level.key, "reward")
        text = str(data.get(count_name) or "0").strip()
        try:
            count = int(text)
            if not 0 <= count <= MAX_TARGET:
                raise ValueError
        except ValueError:
            errors[count_name] = _("Enter a whole number from 0 to %(n)d.", n=MAX_TARGET)
            count = 0
        try:
            reward = money(data.get(reward_name))
        except PydanticCustomError as refused:
            errors[reward_name], reward = refused.message(), None
        rows.append(TargetRow(kind=kind.key, level=level.key, target=count,
                              reward=level.reward if reward is None else reward))
    if errors:
        raise InvalidFields(errors)
    return TargetsInput(year=year, rows=rows)


def step_input(data: Mapping[str, Any]) -> StepInput:
    return parse_input(StepInput, data)
