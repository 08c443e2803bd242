"""The checked input of the letter forms: the targets, the signing, the year-end decision."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar

from flask_babel import gettext as _
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from hygiene.core.input import db_int
from hygiene.core.schemas import InputModel, a_date, parse_input, refusal, typed_text
from hygiene.errors import InvalidFields
from hygiene.letters.kinds import kinds_of
from hygiene.letters.status import Outcome
from hygiene.places.rules import UNIT_CATEGORIES

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_AMOUNT = Decimal(10_000_000)   # yuan: rewards are hundreds or thousands
TARGET_PREFIX = "target_"


def a_year(value: object) -> int:
    try:
        year = db_int(str(value).strip())
    except (TypeError, ValueError):
        raise refusal(_("Enter a year, such as 2026.")) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise refusal(_("Enter a year, such as 2026."))
    return year


def a_number(value: object, maximum: Decimal) -> Decimal:
    """A non-negative number with at most two decimals, up to `maximum`."""
    text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    if not text:
        raise refusal(_("Enter a number."))
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise refusal(_("Enter a number, such as 90 or 92.5.")) from None
    if not number.is_finite():
        raise refusal(_("Enter a number, such as 90 or 92.5."))
    if number < 0:
        raise refusal(_("Cannot be negative."))
    if number > maximum:
        raise refusal(_("At most %(n)s.", n=maximum))
    if number != number.quantize(Decimal("0.01")):
        raise refusal(_("At most 2 decimal places."))
    return number.quantize(Decimal("0.01"))


def _amount(value: object) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    return a_number(value, MAX_AMOUNT)


def _outcome(value: object) -> str:
    if not Outcome.known(value):
        raise refusal(_("Choose a value from the list."))
    return str(value)


def _past_date(value: object) -> date:
    day = a_date(value)
    assert isinstance(day, date)
    if not date(FIRST_YEAR, 1, 1) <= day <= date(LAST_YEAR, 12, 31):
        raise refusal(_("Enter a date."))
    return day


class TargetsInput(InputModel):
    targets: dict[str, Decimal]


class CreateInput(TargetsInput):
    year: Annotated[int, BeforeValidator(a_year)]


def _category(value: object) -> str:
    text = str(value or "").strip()
    if text and text not in UNIT_CATEGORIES:
        raise refusal(_("Choose a value from the list."))
    return text


class UnitCreateInput(CreateInput):
    category: Annotated[str, BeforeValidator(_category)] = ""   # empty: every category


class SignInput(InputModel):
    signed_on: Annotated[date, BeforeValidator(_past_date)]
    signed_by_name: Annotated[str, typed_text(100, required=True)]
    request_key: Annotated[str, typed_text(64)] = ""


class AssessInput(InputModel):
    outcome: Annotated[str, BeforeValidator(_outcome)]
    amount: Annotated[Decimal | None, BeforeValidator(_amount)] = None
    decision_note: Annotated[str, typed_text(2000)] = ""
    request_key: Annotated[str, typed_text(64)] = ""


T = TypeVar("T", bound=TargetsInput)


def targets_of(data: Mapping[str, Any], subject: str = "village") -> tuple[dict[str, Decimal], dict[str, str]]:
    """The posted target of every registered kind of the subject (field target_<kind>), and the errors."""
    targets, errors = {}, {}
    for key, kind in kinds_of(subject).items():
        try:
            targets[key] = a_number(data.get(f"{TARGET_PREFIX}{key}"), kind.maximum)
        except PydanticCustomError as error:
            errors[f"{TARGET_PREFIX}{key}"] = str((error.context or {}).get("message", error))
    return targets, errors


def parse_targets(model: type[T], data: Mapping[str, Any], subject: str = "village") -> T:
    """Check a targets form (with its year for the create form), naming every wrong field."""
    targets, errors = targets_of(data, subject)
    try:
        parsed = parse_input(model, {**data, "targets": targets})
    except InvalidFields as invalid:
        raise InvalidFields({**invalid.errors, **errors}) from None
    if errors:
        raise InvalidFields(errors)
    return parsed
