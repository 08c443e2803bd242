"""The checked inputs of the toilet pages: a new household toilet or public project, and the
stage steps (plan, pay, exclude, the acceptance request)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field

from hygiene.clock import local_today
from hygiene.core.schemas import Flag, InputModel, RecordId, a_date, no_control_characters, refusal
from hygiene.toilets.kinds import TOILET_TYPES


def _text(value: object) -> object:
    return no_control_characters((value or "").strip() if isinstance(value, str) else value or "")


def _chosen(value: int | None) -> int | None:
    if value is None:
        raise refusal(_("Choose a value from the list."))
    return value


def _not_ahead(day: date) -> date:
    if day > local_today():
        raise refusal(_("This date is in the future."))
    return day


def _year(value: object) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise refusal(_("Enter a year such as 2026.")) from None
    if not 2000 <= year <= 2100:
        raise refusal(_("Enter a year such as 2026."))
    return year


def _toilet_type(value: object) -> str:
    if value not in TOILET_TYPES:
        raise refusal(_("Choose a toilet type from the list."))
    return str(value)


def _required(value: str) -> str:
    if not value:
        raise refusal(_("This field is required."))
    return value


def _one_of(*allowed: str):
    def check(value: object) -> str:
        if value not in allowed:
            raise refusal(_("Choose a value from the list."))
        return str(value)
    return check


Text = Annotated[str, BeforeValidator(_text), Field(max_length=2000)]
Key = Annotated[str | None, BeforeValidator(lambda value: (str(value or "")).strip()[:64] or None)]
Day = Annotated[date, BeforeValidator(a_date), AfterValidator(_not_ahead)]


class ToiletNewInput(InputModel):
    village_id: Annotated[RecordId, AfterValidator(_chosen)] = None
    year: Annotated[int, BeforeValidator(_year)]
    household_id: Annotated[RecordId, AfterValidator(_chosen)] = None
    surveyed_on: Day
    note: Text = ""
    request_key: Key = None


class PublicNewInput(InputModel):
    village_id: Annotated[RecordId, AfterValidator(_chosen)] = None
    year: Annotated[int, BeforeValidator(_year)]
    name: Annotated[str, BeforeValidator(_text), AfterValidator(_required), Field(max_length=100)]
    location: Annotated[str, BeforeValidator(_text), Field(max_length=200)] = ""
    work: Annotated[str, BeforeValidator(_one_of("repair", "new"))]
    surveyed_on: Day
    note: Text = ""
    request_key: Key = None


class StepInput(InputModel):
    """What every step form sends: the day it happened, a note, its one-time key."""
    happened_on: Day
    note: Text = ""
    request_key: Key = None


class PlanInput(StepInput):
    toilet_type: Annotated[str, BeforeValidator(_toilet_type)]
    attached: Flag = False
    demonstration: Flag = False


class ExcludeInput(StepInput):
    note: Annotated[str, BeforeValidator(_text), AfterValidator(_required), Field(max_length=2000)]


class AcceptanceRequestInput(StepInput):
    inspector_ids: list[int] = []
    due_on: Annotated[date, BeforeValidator(a_date)]


def money(value: object) -> Decimal:
    """A rate from the task's table as yuan, two places."""
    return Decimal(str(value)).quantize(Decimal("0.01"))
