"""The checked input of a monitoring record. The counts are checked by the method's index
(monitoring.read_counts), since which counts there are depends on the method."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field

from hygiene.clock import local_today
from hygiene.core.schemas import InputModel, RecordId, a_date, no_control_characters, refusal
from hygiene.pests.schemas import not_long_ago


def _not_ahead(day: date) -> date:
    if day > local_today():
        raise refusal(_("A survey cannot be dated in the future."))
    return not_long_ago(day)


def _chosen(value: int | None) -> int | None:
    if value is None:
        raise refusal(_("Choose a village."))
    return value


class MonitoringInput(InputModel):
    village_id: Annotated[RecordId, AfterValidator(_chosen)] = None
    unit_id: RecordId = None      # a unit of the village surveyed, or none: the village itself
    surveyed_on: Annotated[date, BeforeValidator(a_date), AfterValidator(_not_ahead)]
    note: Annotated[str, BeforeValidator(lambda value: no_control_characters((value or "").strip())),
                    Field(max_length=2000)] = ""
    # one per form shown: sending it twice makes one record
    request_key: Annotated[str | None, BeforeValidator(lambda value: (value or "").strip()[:64] or None)] = None
    counts: dict[str, Any] = {}
