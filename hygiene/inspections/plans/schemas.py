"""An inspection plan's input as a typed model, shared by the plan form, the demo and the
coming API. Pure field rules live here; the checklist, targets and inspectors in scope and the
dates measured against today stay in plans.services."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field

from hygiene.core.input import db_int
from hygiene.core.schemas import Flag, InputModel, a_date, refusal
from hygiene.inspections.models import InspectionPlan
from hygiene.inspections.plans.rounds import RECURRENCES
from hygiene.places.rules import clean_text
from hygiene.places.schemas import Clean, Required, fits

TARGET_MODES = ("list", "all", "category", "sample")
MAX_DAYS_ALLOWED = 90


def number(value: object) -> int | None:
    """A number from a form field or a list: None when it is none."""
    try:
        return db_int(value)
    except (TypeError, ValueError):
        return None


def numbers(values: object) -> list[int]:
    """Ids from checkboxes (one or many), sorted, each once; what is not a number is left out."""
    if isinstance(values, (str, int)):
        values = [values]
    found = (number(value) for value in values or []) if isinstance(values, (list, tuple, set)) else ()
    return sorted({value for value in found if value is not None})


def _one_of(choices: tuple[str, ...]):
    def check(value: object) -> object:
        if not isinstance(value, str) or value not in choices:
            raise refusal(_("Choose a value from the list."))
        return value
    return check


def _days(days: int) -> int:
    if not 1 <= days <= MAX_DAYS_ALLOWED:
        raise refusal(_("Allow between 1 and 90 days."))
    return days


def _choice(choices: tuple[str, ...]) -> Any:
    return Field(json_schema_extra={"enum": list(choices)})


Number = Annotated[int | None, BeforeValidator(number)]
Numbers = Annotated[list[int], BeforeValidator(numbers)]


class PlanInput(InputModel):
    """A plan as the office makes it: what, whom, how often, from when, by whom."""

    name: Annotated[str, fits(InspectionPlan.name), Clean, Required]
    template_id: Number = None
    target_mode: Annotated[str, _choice(TARGET_MODES), BeforeValidator(_one_of(TARGET_MODES))]
    target_ids: Numbers = []
    unit_category: Annotated[str | None, BeforeValidator(lambda value: value or None)] = None
    sample_size: Number = None
    recurrence: Annotated[str, _choice(RECURRENCES), BeforeValidator(_one_of(RECURRENCES))]
    start_date: Annotated[date, BeforeValidator(a_date)]
    end_date: Annotated[date | None, BeforeValidator(lambda value: a_date(value) if value else None)] = None
    days_allowed: Annotated[int, BeforeValidator(lambda value: number(value) or 0), AfterValidator(_days)]
    cross_check: Flag = False    # never send inspectors to their own village
    backfill: Flag = False       # inspect the periods already over too
    inspector_ids: Numbers = []
    # one per form shown: sending it twice makes one plan
    request_key: Annotated[str | None, BeforeValidator(lambda value: clean_text(value)[:64] or None)] = None
