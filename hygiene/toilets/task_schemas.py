"""The checked input of a year's toilet task, for one village or for several at once."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar

from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from hygiene.core.input import db_int
from hygiene.core.schemas import InputModel, RecordId, a_date, no_control_characters, parse_input, refusal
from hygiene.errors import InvalidFields
from hygiene.toilets.kinds import TOILET_TYPES

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_HOUSEHOLD_QUOTA = 10_000   # a village has hundreds of households, a large one a few thousand
MAX_PUBLIC_QUOTA = 500
MAX_RATE = Decimal(100_000)    # yuan per toilet: the standards are a few thousand
DEADLINE_GRACE_MONTHS = 3      # a deadline may fall just after the year (the county's 31 March)


def _whole(maximum: int):
    def check(value: object) -> int:
        text = str(value if value is not None else "").strip()
        if not text:
            raise refusal(_("Enter a number."))
        try:
            number = int(text)
        except ValueError:
            raise refusal(_("Enter a whole number, such as 40.")) from None
        if number < 0:
            raise refusal(_("Cannot be negative."))
        if number > maximum:
            raise refusal(_("At most %(n)d.", n=maximum))
        return number
    return check


def _year(value: object) -> int:
    try:
        year = db_int(str(value).strip())
    except (TypeError, ValueError):
        raise refusal(_("Enter a year, such as 2026.")) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise refusal(_("Enter a year, such as 2026."))
    return year


def a_rate(value: object) -> str | None:
    """Yuan per toilet as text with two decimals ("1000.00"); empty means the type gets none."""
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
    if amount > MAX_RATE:
        raise refusal(_("At most %(n)d yuan.", n=int(MAX_RATE)))
    if amount != amount.quantize(Decimal("0.01")):
        raise refusal(_("At most 2 decimal places (fen)."))
    return str(amount.quantize(Decimal("0.01")))


def _chosen(value: int | None) -> int | None:
    if value is None:
        raise refusal(_("Choose a village."))
    return value


def _village_ids(value: object) -> list[int]:
    values = value if isinstance(value, (list, tuple)) else [value] if value not in (None, "") else []
    try:
        ids = sorted({db_int(v) for v in values})
    except (TypeError, ValueError):
        raise refusal(_("Choose villages from the list.")) from None
    if not ids:
        raise refusal(_("Choose at least one village."))
    return ids


def deadline_last_day(year: int) -> date:
    """The last deadline a year's task may have."""
    return date(year + 1, DEADLINE_GRACE_MONTHS, 31)


F = TypeVar("F", bound="TaskFields")

Note = Annotated[str, BeforeValidator(lambda value: no_control_characters((value or "").strip())),
                 Field(max_length=2000)]


class TaskFields(InputModel):
    """What a task says, whichever villages it is for."""

    year: Annotated[int, BeforeValidator(_year)]
    household_quota: Annotated[int, BeforeValidator(_whole(MAX_HOUSEHOLD_QUOTA))]
    public_quota: Annotated[int, BeforeValidator(_whole(MAX_PUBLIC_QUOTA))] = 0
    deadline: Annotated[date, BeforeValidator(a_date)]
    rates: dict[str, str] = {}   # filled by task_fields from the rate_<type> fields
    note: Note = ""
    request_key: Annotated[str | None, BeforeValidator(lambda value: (value or "").strip()[:64] or None)] = None


class TaskInput(TaskFields):
    """One village's task."""

    village_id: Annotated[RecordId, AfterValidator(_chosen)] = None


class BulkTaskInput(TaskFields):
    """The same quota, deadline and rates for several villages."""

    village_ids: Annotated[list[int], BeforeValidator(_village_ids)]


def task_fields(model: type[F], data: Mapping[str, Any]) -> F:
    """The checked input, or InvalidFields naming every field at fault: the plain fields, each
    subsidy rate (rate_<type>) and a deadline outside its year."""
    errors: dict[str, str] = {}
    checked: F | None = None
    try:
        checked = parse_input(model, data)
    except InvalidFields as invalid:
        errors.update(invalid.errors)
    rates: dict[str, str] = {}   # filled by task_fields from the rate_<type> fields
    given = dict(data.get("rates") or {}) | {name[len("rate_"):]: value for name, value in data.items()
                                              if isinstance(name, str) and name.startswith("rate_")}
    for key, value in given.items():
        if key not in TOILET_TYPES:
            errors[f"rate_{key}"] = _("Unknown toilet type.")
            continue
        try:
            rate = a_rate(value)
        except PydanticCustomError as refused:
            errors[f"rate_{key}"] = refused.message()
            continue
        if rate is not None:
            rates[key] = rate
    if "deadline" not in errors and (outside := _deadline_outside_year(data)):
        errors["deadline"] = outside
    if errors or checked is None:
        raise InvalidFields(errors)
    return checked.model_copy(update={"rates": rates})


def _deadline_outside_year(data: Mapping[str, Any]) -> str | None:
    """The refusal of a deadline outside its task's year (checked even when other fields are wrong)."""
    try:
        year, deadline = _year(data.get("year")), a_date(data.get("deadline"))
    except PydanticCustomError:
        return None  # the field's own message says what is wrong
    if isinstance(deadline, date) and not date(year, 1, 1) <= deadline <= deadline_last_day(year):
        return _("The deadline must fall in %(year)d or by %(last)s.", year=year,
                 last=deadline_last_day(year).isoformat())
    return None
