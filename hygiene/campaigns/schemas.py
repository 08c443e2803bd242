"""The campaign calendar's input as typed models: pure field rules (names, dates in order and
near today, the reminder days, the year). Places in the register and the campaign's state are
checked against the database in services.py."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from hygiene.campaigns.models import Campaign, CampaignEvent, CampaignTask
from hygiene.clock import local_today
from hygiene.core.input import db_int
from hygiene.core.schemas import Flag, InputModel, RecordId, a_date, no_control_characters, refusal
from hygiene.errors import InvalidFields
from hygiene.places.rules import clean_text
from hygiene.places.schemas import Clean, Required, fits

YEARS_AWAY = 2        # dates within two years of today, either way
MAX_DAYS = 366        # an event or a campaign lasts a year at most
MOST_DAYS_BEFORE = 30  # the reminder settings


class CampaignInvalid(InvalidFields):
    """A calendar event, campaign, task or setting is wrong: each field at fault with its message."""


def near_today(day: date) -> date:
    if abs((day - local_today()).days) > 366 * YEARS_AWAY:
        raise refusal(_("Enter a date within two years of today."))
    return day


def _ids(value: object) -> list[int]:
    """Ids ticked in a list: each a record id, or the whole list is refused."""
    values = [value] if isinstance(value, (str, int)) else list(value or [])  # type: ignore[call-overload]
    try:
        return sorted({db_int(v) for v in values if v != ""})
    except (TypeError, ValueError):
        raise refusal(_("Choose a value from the list.")) from None


def _days_before(value: object) -> int:
    try:
        days = db_int(value)
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= MOST_DAYS_BEFORE:
        raise refusal(_("Enter a whole number from 0 to %(most)d.", most=MOST_DAYS_BEFORE))
    return days


Day = Annotated[date, BeforeValidator(a_date), AfterValidator(near_today)]
Note = Annotated[str, BeforeValidator(lambda value: no_control_characters(str(value or "").strip())),
                 Field(max_length=2000)]
Key = Annotated[str | None, BeforeValidator(lambda value: clean_text(value)[:64] or None)]
Ids = Annotated[list[int], BeforeValidator(_ids)]


def _in_order(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise CampaignInvalid({"ends_on": _("The end date cannot be before the start date.")})
    if ends_on - starts_on > timedelta(days=MAX_DAYS):
        raise CampaignInvalid({"ends_on": _("It lasts at most %(days)d days.", days=MAX_DAYS)})


class EventInput(InputModel):
    """A calendar event the office adds or edits."""

    name: Annotated[str, fits(CampaignEvent.name), Clean, Required]
    starts_on: Day
    ends_on: Day
    note: Note = ""
    request_key: Key = None

    @model_validator(mode="after")
    def _dates(self) -> EventInput:
        _in_order(self.starts_on, self.ends_on)
        return self


class TasksInput(InputModel):
    """Tasks to give: one title with its due date, for every village ticked (or all) and every unit."""

    title: Annotated[str, fits(CampaignTask.title), Clean, Required]
    due_on: Day
    all_villages: Flag = False
    village_ids: Ids = []
    unit_ids: Ids = []

    @model_validator(mode="after")
    def _someone(self) -> TasksInput:
        if not (self.all_villages or self.village_ids or self.unit_ids):
            raise CampaignInvalid({"village_ids": _("Choose at least one village or unit.")})
        return self


class CampaignInput(InputModel):
    """A campaign's facts, from a calendar event or on its own."""

    name: Annotated[str, fits(Campaign.name), Clean, Required]
    starts_on: Day
    ends_on: Day
    description: Note = ""
    event_id: RecordId = None
    request_key: Key = None

    @model_validator(mode="after")
    def _dates(self) -> CampaignInput:
        _in_order(self.starts_on, self.ends_on)
        return self


class CompleteInput(InputModel):
    """A village or unit says its task is done: when, and a note."""

    done_on: Annotated[date, BeforeValidator(a_date), AfterValidator(near_today)]
    note: Note = ""
    request_key: Key = None

    @model_validator(mode="after")
    def _not_ahead(self) -> CompleteInput:
        if self.done_on > local_today():
            raise CampaignInvalid({"done_on": _("A task cannot be done in the future.")})
        return self


class ReopenInput(InputModel):
    """The office reopens a completed task, saying why."""

    note: Annotated[str, BeforeValidator(lambda value: no_control_characters(str(value or "").strip())),
                    Field(max_length=2000), Required]


class SettingsInput(InputModel):
    days_before_start: Annotated[int, BeforeValidator(_days_before)]
    days_before_due: Annotated[int, BeforeValidator(_days_before)]
