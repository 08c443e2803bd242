"""The ledger's inputs as typed models: pure field checks (lengths from the columns, units,
banned ingredients through pests.supplies, kinds). Checks that need the database (the holder
in scope, the stock) stay in pests.services."""
from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import AfterValidator, BeforeValidator, Field

from hygiene.clock import local_today
from hygiene.core.schemas import InputModel, RecordId, a_date, refusal, typed_text
from hygiene.pests import quantities, supplies
from hygiene.pests.models import PestProduct, SupplyMovement
from hygiene.pests.refusals import Refused
from hygiene.pests.words import refusal_words

# the movements a person enters on the movement form; "use" is written by the rounds (later)
ENTERED_KINDS = ("in", "issue", "return")
MOVEMENT_KINDS = {"in": _l("Stock in"), "issue": _l("Issue"), "use": _l("Use"), "return": _l("Return")}


YEARS_AWAY = 2  # pest dates lie within two years of today: nothing older is entered late, nothing later planned


def near_today(day: date) -> date:
    """A date within two years of today, either way (a round's dates)."""
    if abs((day - local_today()).days) > 366 * YEARS_AWAY:
        raise refusal(_("Enter a date within two years of today."))
    return day


def not_long_ago(day: date) -> date:
    """A date of something done: not more than two years back (the future is each form's own words)."""
    if (local_today() - day).days > 366 * YEARS_AWAY:
        raise refusal(_("Enter a date within two years of today."))
    return day


def _done_by_now(day: date) -> date:
    if day > local_today():
        raise refusal(_("A movement cannot be dated in the future."))
    return not_long_ago(day)


def refused_message(refused: Refused, *, unit: str = "") -> str:
    """A pest rule's refusal in the reader's language (quantities followed by `unit`); a number
    that is no quantity the ledger takes gets one wording, whatever was wrong with it."""
    if refused.code in ("too_precise", "not_positive", "not_a_number", "not_finite", "negative", "too_large",
                        "not_whole"):
        return _("Enter a quantity above 0 with at most 3 decimal places (whole numbers for bags and bottles).")
    return refusal_words(refused, unit=unit)





def _length(column) -> int:
    return column.property.columns[0].type.length


def _not_banned(text: str) -> str:
    try:
        supplies.refuse_banned(text)
    except Refused as refused:
        raise refusal(refused_message(refused)) from None
    return text


def _unit(value: object) -> str:
    try:
        return quantities.unit_of(value)
    except Refused as refused:
        raise refusal(refused_message(refused)) from None


def _decimal(value: object) -> Decimal:
    """The number a person typed (half-width or full-width digits, a comma or none)."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip().replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise refusal(_("Enter a quantity above 0 with at most 3 decimal places "
                        "(whole numbers for bags and bottles).")) from None


def _amount(value: object) -> Decimal:
    """A positive amount; whether it fits the product's unit is the service's check."""
    number = _decimal(value)
    try:
        quantities.quantity(number, "kg")
    except Refused as refused:
        raise refusal(refused_message(refused)) from None
    return number


def _optional_amount(value: object) -> Decimal:
    return Decimal(0) if str(value or "").strip() in ("", "0") else _amount(value)


def _kind(value: object) -> str:
    if value not in ENTERED_KINDS:
        raise refusal(_("Choose a value from the list."))
    return str(value)


class ProductInput(InputModel):
    name: Annotated[str, typed_text(_length(PestProduct.name), required=True)]
    active_ingredient: Annotated[str, typed_text(_length(PestProduct.active_ingredient), required=True),
                                 AfterValidator(_not_banned)]
    registration_number: Annotated[str, typed_text(_length(PestProduct.registration_number))] = ""
    form: Annotated[str, typed_text(_length(PestProduct.form))] = ""
    unit: Annotated[str, BeforeValidator(_unit)]
    expiry: date | None = None
    minimum_stock: Annotated[Decimal, BeforeValidator(_optional_amount)] = Decimal(0)
    active: bool = True


class MovementInput(InputModel):
    kind: Annotated[str, BeforeValidator(_kind)]
    quantity: Annotated[Decimal, BeforeValidator(_amount)]
    moved_on: Annotated[date, BeforeValidator(a_date), AfterValidator(_done_by_now)]
    village_id: RecordId = None
    unit_id: RecordId = None
    taker_name: Annotated[str, typed_text(_length(SupplyMovement.taker_name))] = ""
    signature: Annotated[str, typed_text(_length(SupplyMovement.signature))] = ""
    note: Annotated[str, typed_text(_length(SupplyMovement.note))] = ""
    form_key: Annotated[str, Field(max_length=64)] = ""


# --- the office's reminder settings ---------------------------------------------------------

MAX_INTERVAL_DAYS = 30


def _whole_days(low: int, high: int):
    def check(value: object) -> int:
        text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
        try:
            number = int(text)
        except ValueError:
            number = low - 1
        if not low <= number <= high:
            raise refusal(_("Enter a whole number from %(low)d to %(high)d.", low=low, high=high))
        return number
    return BeforeValidator(check)


def _months(value: object) -> list[int]:
    """The ticked months, each 1-12, in order; none ticked: no peak season (no cadence reminders)."""
    values = value if isinstance(value, (list, tuple)) else [] if value in (None, "") else [value]
    months = set()
    for item in values:
        text = str(item).strip()
        if not text.isdigit() or not 1 <= int(text) <= 12:
            raise refusal(_("Choose months from 1 to 12."))
        months.add(int(text))
    return sorted(months)


class PestSettingsInput(InputModel):
    spray_months: Annotated[list[int], BeforeValidator(_months)]
    spray_every_days_min: Annotated[int, _whole_days(1, MAX_INTERVAL_DAYS)]
    spray_every_days_max: Annotated[int, _whole_days(1, MAX_INTERVAL_DAYS)]
    days_before_end: Annotated[int, _whole_days(0, MAX_INTERVAL_DAYS)]
    # min <= max is the service's check, so its message sits beside the field it names
