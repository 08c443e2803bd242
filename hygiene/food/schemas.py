"""The food registers' inputs as typed models: pure field rules (lengths, phones, counts, dates,
choices). Rules that need the database or the township's settings are in food.services."""
from __future__ import annotations

import unicodedata
from datetime import date
from typing import Annotated

from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, model_validator

from hygiene.core.schemas import InputModel, RecordId, a_date, no_control_characters, refusal, typed_text
from hygiene.errors import InvalidFields
from hygiene.food.models import BANQUET_KINDS, MEALS, Banquet, HealthCertificate
from hygiene.food.rules import check_points
from hygiene.pests.schemas import near_today
from hygiene.places.rules import clean_text
from hygiene.places.schemas import Clean, Phone, Required, fits

MAX_TABLES = 500
MAX_DINERS = 5000


class FoodInvalid(InvalidFields):
    """A food register's input is wrong: each field at fault with its message."""


def whole(low: int, high: int) -> BeforeValidator:
    """A whole number a person typed (full-width digits folded), from `low` to `high`."""
    def check(value: object) -> int:
        text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
        number = int(text) if text.isdigit() and len(text) < 10 else low - 1
        if not low <= number <= high:
            raise refusal(_("Enter a whole number from %(low)d to %(high)d.", low=low, high=high))
        return number
    return BeforeValidator(check)


def one_of(choices: tuple[str, ...]) -> BeforeValidator:
    def check(value: object) -> str:
        if not isinstance(value, str) or value not in choices:
            raise refusal(_("Choose a value from the list."))
        return value
    return BeforeValidator(check)


def _optional_date(value: object) -> object:
    return None if value in (None, "") else a_date(value)


def _near_or_none(day: date | None) -> date | None:
    return None if day is None else near_today(day)


def _chosen_village(value: int | None) -> int:
    if value is None:
        raise refusal(_("Choose a value from the list."))
    return value


def _points(value: object) -> list[str]:
    values = [value] if isinstance(value, str) else list(value or [])  # type: ignore[call-overload]
    known = check_points()
    if any(v not in known for v in values):
        raise refusal(_("Choose a value from the list."))
    return [key for key in known if key in values]


Day = Annotated[date, BeforeValidator(a_date), AfterValidator(near_today)]
MaybeDay = Annotated[date | None, BeforeValidator(_optional_date), AfterValidator(_near_or_none)]
Note = Annotated[str, typed_text(2000)]
RequestKey = Annotated[str | None, BeforeValidator(lambda value: clean_text(value)[:64] or None)]
Text = BeforeValidator(lambda value: no_control_characters(clean_text(value)))


class BanquetInput(InputModel):
    """A banquet as its village registers it (§5.1's registration form)."""

    village_id: Annotated[RecordId, AfterValidator(_chosen_village)]
    kind: Annotated[str, one_of(BANQUET_KINDS)]
    host_name: Annotated[str, fits(Banquet.host_name), Clean, Required]
    host_phone: Annotated[str, fits(Banquet.host_phone), Clean, Required, Phone]
    banquet_on: Day
    meal: Annotated[str, one_of(MEALS)]
    place: Annotated[str, fits(Banquet.place), Clean, Required]
    tables: Annotated[int, whole(1, MAX_TABLES)]
    diners: Annotated[int, whole(1, MAX_DINERS)]
    cook_name: Annotated[str, fits(Banquet.cook_name), Clean, Required]
    cook_phone: Annotated[str, fits(Banquet.cook_phone), Clean, Phone] = ""
    cook_cert_number: Annotated[str, fits(Banquet.cook_cert_number), Clean] = ""
    cook_cert_expires_on: MaybeDay = None
    note: Note = ""
    request_key: RequestKey = None  # one per form shown: sending it twice registers once


class CheckInput(InputModel):
    """The office's on-site check of a banquet: the day, the points that passed, the verdict."""

    checked_on: Day
    result: Annotated[str, one_of(("pass", "fail"))]
    points: Annotated[list[str], BeforeValidator(_points)] = []
    check_note: Note = ""

    @model_validator(mode="after")
    def _verdict_backed(self) -> CheckInput:
        """A failed check says what was wrong; a passed one names what was seen in order."""
        if self.result == "fail" and not self.check_note.strip():
            raise FoodInvalid({"check_note": _("A failed check needs its findings: say what was wrong and what the host must correct.")})
        if self.result == "pass" and not self.points:
            raise FoodInvalid({"points": _("A passed check ticks at least one point that was found in order.")})
        return self


class CertificateInput(InputModel):
    """A food-unit worker's health certificate; no expiry given: a year from issue."""

    unit_id: Annotated[RecordId, AfterValidator(_chosen_village)]
    worker_name: Annotated[str, fits(HealthCertificate.worker_name), Clean, Required]
    number: Annotated[str, fits(HealthCertificate.number), Clean, Required]
    issued_on: Day
    expires_on: MaybeDay = None
    request_key: RequestKey = None


class FoodSettingsInput(InputModel):
    days_ahead: Annotated[int, whole(0, 30)]
    check_min_diners: Annotated[int, whole(1, MAX_DINERS)]
    remind_days: Annotated[int, whole(1, 180)]
